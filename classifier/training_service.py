"""Train a classifier version from a folder of labelled images and record it.

Imports TensorFlow: for commands and training workers, never for web workers.
"""

from functools import partial
from pathlib import Path

from heroproject import versions
from mlcore import classifier_store, crossval, datasets, training
from mlcore.progress import ignore

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
    progress=ignore,
    int8_checks=(),
    **options,
):
    """Scan data_dir (scan: datasets.scan's options), cross-validate over cv folds when cv is
    set, train (options: mlcore.training.train's), and record the version (heroproject.versions),
    active unless activate is False. progress gets mlcore.progress's events. int8_checks: more
    labelled folders the int8 export must be as accurate on as the float one to be served
    (mlcore.export), named by their folder's name."""
    scan = scan or {}
    checks = {Path(folder).name: datasets.scan(folder) for folder in int8_checks}
    dataset = datasets.scan(
        data_dir, progress=lambda done, total: progress("scan", done, total), **scan
    )
    cross_validation = {}
    if cv:
        cross_validation = crossval.cross_validate(
            dataset,
            cv,
            val_fraction=scan.get("val_fraction", datasets.VAL_FRACTION),
            progress=progress,
            **options,
        )
    result = training.train(dataset, progress=progress, **options)
    progress("saving")
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
        cross_validation=cross_validation,
        dataset_summary=dataset.summary(),
        training_seconds=result.seconds,
    )
