from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ClassifierConfig(AppConfig):
    name = "classifier"
    verbose_name = "Image classifiers"

    def ready(self):
        from heroproject import stamps

        from . import checks  # noqa: F401
        from .models import ImageClassifier, ModelVersion

        # Web workers keep each classifier's active version (serving.active_version_of): a
        # classifier or version saved or deleted tells them to read it again.
        for model in (ImageClassifier, ModelVersion):
            for signal in (post_save, post_delete):
                signal.connect(
                    stamps.touch_after_commit, sender=model, dispatch_uid=f"stamp-{model.__name__}"
                )
