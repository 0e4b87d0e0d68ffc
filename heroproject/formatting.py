"""How the site writes figures, the same on every page and in the admin."""


def percent(value):
    """0.4137 -> "41%"; small values keep a decimal so they do not all read 0%."""
    value = float(value) * 100
    return f"{value:.0f}%" if value >= 9.5 or value == 0 else f"{value:.1f}%"
