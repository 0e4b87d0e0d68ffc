from django.apps import AppConfig


class ClassifierConfig(AppConfig):
    name = "classifier"
    verbose_name = "Image classifiers"

    def ready(self):
        from . import checks  # noqa: F401
