"""Random words for charts: titles, axis labels, category and series names, notes.

Every chart class draws from the same pools, so no text tells the classes apart. Titles in
particular never name a kind of chart (tests/mlcore/test_charts.py checks the words).
"""

from datetime import date

import numpy as np

MEASURES = [
    "Revenue", "Sales", "Profit", "Visitors", "Sign-ups", "Temperature", "Rainfall",
    "Response time", "Orders", "Downloads", "Energy use", "Population", "Costs", "Budget",
    "Yield", "Scores", "Returns", "Traffic", "Emissions", "Satisfaction", "Headcount", "Demand",
    "Output", "Latency", "Battery level", "Page views", "Prices", "Votes", "Tickets sold",
    "Enrolment", "Exports", "Imports", "Growth", "Sessions", "Errors", "Requests", "Income",
    "Spending", "Attendance", "Water use", "Air quality", "Wait times", "Deliveries", "Claims",
]  # fmt: skip
PERIODS = [
    "2019", "2020", "2021", "2022", "2023", "2024", "2025", "Q1 2024", "Q3 2023", "H2 2022",
    "last 12 months", "this week", "per month", "2015-2024", "since 2010", "year to date",
]  # fmt: skip
EVERY = ["Quarterly", "Monthly", "Weekly", "Daily", "Annual", "Hourly", "Average", "Total"]
DIMENSIONS = [
    "region", "product", "team", "age group", "channel", "country", "store", "department",
    "segment", "category", "city", "device", "month", "weekday", "site", "school",
]  # fmt: skip
PLACES = [
    "Europe", "North America", "Asia", "Berlin", "Lagos", "Lima", "Osaka", "Site B", "Plant 2",
    "Store 14", "Zone 3", "the north", "our stores", "Ward 7",
]  # fmt: skip
NOUNS = [
    "Sensor", "Experiment", "Run", "Figure", "Study", "Sample", "Test group", "Station",
    "Batch", "Trial", "Panel", "Exhibit", "Unit", "Wave", "Device",
]  # fmt: skip
PHRASES = [
    "Survey results", "Customer survey", "Key figures", "Results", "Overview", "Summary",
    "Performance review", "Team update", "Monthly report", "At a glance", "Fact sheet",
    "Dashboard", "Field data", "Lab results", "Annual report", "Snapshot",
]  # fmt: skip

X_LABELS = [
    "Month", "Year", "Week", "Day", "Time (s)", "Date", "Hour", "Age", "Price ($)",
    "Distance (km)", "Temperature (°C)", "Score", "Value", "Group", "Region", "Category",
    "Dose (mg)", "Speed (km/h)", "Income (k$)", "Weight (kg)", "Step", "Iteration",
]  # fmt: skip
Y_LABELS = [
    "Revenue (k$)", "Count", "Frequency", "Units", "Percent", "Sales", "Visitors", "Value",
    "Amount (€)", "Rate", "Index", "Level", "Response (ms)", "Orders", "kWh", "Score",
    "Height (cm)", "Concentration", "Growth (%)", "Number of people",
]  # fmt: skip

CATEGORY_SETS = [
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"],
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    ["Q1", "Q2", "Q3", "Q4"],
    [str(year) for year in range(2012, 2026)],
    ["North", "South", "East", "West", "Central"],
    ["Germany", "France", "Brazil", "Japan", "Kenya", "Canada", "India", "Mexico", "Spain",
     "Norway", "Chile", "Vietnam"],
    [f"Product {letter}" for letter in "ABCDEFGHIJKL"],
    list("ABCDEFGHIJKL"),
    ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
    ["Sales", "Marketing", "Support", "Engineering", "Finance", "Legal", "Operations", "HR"],
    ["Email", "Search", "Social", "Direct", "Referral", "Ads", "Events", "Partners"],
    ["Apples", "Oranges", "Pears", "Grapes", "Plums", "Kiwis", "Mangos", "Cherries"],
    ["Strongly agree", "Agree", "Neutral", "Disagree", "Strongly disagree"],
    ["Control", "Dose 1", "Dose 2", "Dose 3", "Dose 4", "Placebo"],
    ["Team Red", "Team Blue", "Team Green", "Team Gold", "Team Grey"],
    ["Tokyo", "Delhi", "Paris", "Cairo", "Quito", "Oslo", "Perth", "Dakar", "Seoul", "Lyon"],
]  # fmt: skip
SERIES_SETS = [
    [str(year) for year in range(2016, 2026)],
    [f"Series {n}" for n in range(1, 9)],
    [f"Group {letter}" for letter in "ABCDEFGH"],
    ["North", "South", "East", "West", "Central", "Overseas"],
    ["Control", "Treatment", "Placebo", "High dose", "Low dose"],
    ["Plan", "Actual", "Forecast"],
    ["Men", "Women"],
    ["Online", "In store", "Phone", "Partner"],
    ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"],
    ["Lab 1", "Lab 2", "Lab 3", "Lab 4", "Lab 5"],
    ["Basic", "Plus", "Premium", "Business", "Enterprise"],
]
SOURCES = ["Source: company data", "Source: survey, n=1,200", "Data: internal", "Source: NSO"]
NOTES = ["Peak", "Launch", "Outage", "Target", "New policy", "Record", "Holiday", "Note"]


def pick(rng: np.random.Generator, items):
    return items[rng.integers(len(items))]


def title(rng: np.random.Generator) -> str:
    n = int(rng.integers(1, 13))
    year = int(rng.integers(2010, 2027))
    text = pick(
        rng,
        [
            pick(rng, MEASURES),
            f"{pick(rng, MEASURES)} {pick(rng, PERIODS)}",
            f"{pick(rng, EVERY)} {pick(rng, MEASURES).lower()}",
            f"{pick(rng, MEASURES)} by {pick(rng, DIMENSIONS)}",
            f"{pick(rng, MEASURES)} in {pick(rng, PLACES)}",
            f"{pick(rng, NOUNS)} {n}",
            f"{pick(rng, PHRASES)} {year}",
            pick(rng, PHRASES),
        ],
    )
    return text.upper() if rng.random() < 0.1 else text


def x_label(rng: np.random.Generator) -> str:
    return pick(rng, X_LABELS)


def y_label(rng: np.random.Generator) -> str:
    return pick(rng, Y_LABELS)


def categories(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct category names from one random set, in the set's order."""
    usable = [names for names in CATEGORY_SETS if len(names) >= n]
    if not usable:
        return [f"Item {i}" for i in range(1, n + 1)]
    names = pick(rng, usable)
    start = int(rng.integers(len(names) - n + 1))
    return names[start : start + n]


def series_names(rng: np.random.Generator, n: int) -> list[str]:
    usable = [names for names in SERIES_SETS if len(names) >= n]
    return pick(rng, usable)[:n]


def legend_names(rng: np.random.Generator, n: int) -> list[str]:
    """Names for n series: series names, or for one series alone the measure it shows."""
    return series_names(rng, n) if n > 1 else [pick(rng, MEASURES)]


def source(rng: np.random.Generator) -> str:
    return pick(rng, SOURCES)


def note(rng: np.random.Generator) -> str:
    return pick(rng, NOTES)


def time_labels(rng: np.random.Generator, x: np.ndarray) -> list[str]:
    """Category labels for a time axis (mlcore.charts.data.time_axis): an index, years or dates."""
    if not np.issubdtype(x.dtype, np.datetime64):
        return [str(int(v)) for v in x]
    days = [date.fromisoformat(str(d)) for d in x.astype("datetime64[D]")]
    if np.datetime_data(x.dtype)[0] == "M":
        form = pick(rng, ["%b %Y", "%Y-%m", "%m/%Y", "%Y/%m"])
    else:
        form = pick(rng, ["%Y-%m-%d", "%b %d", "%d/%m/%Y", "%d %b", "%Y/%m/%d", "%m-%d"])
    return [day.strftime(form) for day in days]
