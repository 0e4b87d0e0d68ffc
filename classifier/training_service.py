"""Train a classifier version from a folder of labelled images and record it.

Imports TensorFlow: for commands and training workers, never for web workers.
"""

from functools import partial
from pathlib import Path

from heroproject import versions
from mlcore.charts import real
from mlcore.training import classifier_store, crossval, datasets, trainer
from mlcore.training.progress import ignore

from .models import ImageClassifier, ModelVersion


def classifier_for(slug, title=""):
    """The classifier with this slug, made if new; a title given replaces the old one."""
    classifier, created = ImageClassifier.objects.get_or_create(
        slug=slug, defaults={"title": title or slug.replace("-", " ").replace("_", " ").title()}
    )
    if title and not created and classifier.title != title:
        classifier.title = title
        classifier.save(update_fields=["title"])
    return classifier


def train_version(
    slug,
    data_dir,
    title="",
    activate=True,
    scan=None,
    cv=0,
    real_charts=None,
    progress=ignore,
    int8_checks=(),
    **options,
):
    """Scan data_dir (scan: datasets.scan's options), add the real charts of the real_charts
    folder (mlcore.charts.real, read for the dataset's classes) to its train split,
    cross-validate over cv folds when cv is set, train (options: mlcore.training.trainer.train's),
    and record the version (heroproject.versions), active unless activate is False. progress gets
    mlcore.training.progress's events. int8_checks: more labelled folders the int8 export must be
    as accurate on as the float one to be served (mlcore.models.export), named by their folder's
    name."""
    scan = scan or {}
    checks = {Path(folder).name: datasets.scan(folder) for folder in int8_checks}
    dataset = datasets.scan(
        data_dir, progress=lambda done, total: progress("scan", done, total), **scan
    )
    if real_charts:
        found = real.read(real_charts, dataset.labels)
        dataset.report.warnings.extend(f"Skipped {line}" for line in found.skipped)
        dataset = real.add_to_training(dataset, found)
    cross_validation = {}
    if cv:
        cross_validation = crossval.cross_validate(
            dataset,
            cv,
            val_fraction=scan.get("val_fraction", datasets.VAL_FRACTION),
            progress=progress,
            **options,
        )
    result = trainer.train(dataset, progress=progress, **options)
    progress("saving")
    return record(slug, title, result, activate, cross_validation, checks)


def record(slug, title, result, activate, cross_validation=None, checks=None):
    """Record a training result (mlcore.training.trainer.TrainingResult) as the classifier's next
    version, with its files (heroproject.versions); checks: see mlcore.training.classifier_store."""
    return versions.record(
        ModelVersion,
        f"classifiers/{slug}",
        partial(classifier_store.write, result, checks=checks),
        owner=classifier_for(slug, title),
        activate=activate,
        backbone=result.backbone,
        input_size=result.input_size,
        labels=result.labels,
        metrics=result.metrics,
        cross_validation=cross_validation or {},
        dataset_summary=result.dataset.summary(),
        training_seconds=result.seconds,
    )
