from django.core.checks import Warning, register
from django.db import DatabaseError


@register()
def active_classifier(app_configs, **kwargs):
    """Warn when the site has no classifier that can answer."""
    from .models import ModelVersion

    try:
        if ModelVersion.objects.filter(active=True).exists():
            return []
    except DatabaseError:
        return []  # before migrations: `migrate` says what to do
    return [
        Warning(
            "No image classifier has an active model version.",
            hint="Run `python manage.py bootstrap` for the chart classifier, or "
            "`python manage.py train_classifier SLUG --data DIR` for your own images.",
            id="classifier.W001",
        )
    ]
