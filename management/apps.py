from django.apps import AppConfig


class ManagementConfig(AppConfig):
    """Operator commands that span several apps, such as `bootstrap`."""

    name = "management"
    verbose_name = "Site management"
