"""Train a classifier version from a folder of labelled images and record it.

Imports TensorFlow: for commands, never for web workers.
"""

import shutil

from django.conf import settings
from django.db import transaction

from mlcore import classifier_store, crossval, datasets, training

from .models import ImageClassifier, ModelVersion


def train_version(
    slug, data_dir, title="", activate=True, scan=None, cv=0, progress=None, **options
):
    """Scan data_dir (scan: datasets.scan's options), cross-validate over cv folds when cv is
    set, train (options: mlcore.training.train's), save the model under MODELS_DIR, record the
    version and activate it."""
    report = progress or (lambda *event: None)
    scan = scan or {}
    dataset = datasets.scan(
        data_dir, progress=lambda done, total: report("scan", done, total), **scan
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
    classifier, created = ImageClassifier.objects.get_or_create(
        slug=slug, defaults={"title": title or slug.replace("-", " ").replace("_", " ").title()}
    )
    if title and not created and classifier.title != title:
        classifier.title = title
        classifier.save(update_fields=["title"])
    last = classifier.versions.order_by("-number").values_list("number", flat=True).first()
    number = (last or 0) + 1
    artifact_path = f"classifiers/{slug}/v{number}"
    directory = classifier_store.save(result, settings.MODELS_DIR / artifact_path)
    try:
        with transaction.atomic():
            version = ModelVersion.objects.create(
                classifier=classifier,
                number=number,
                backbone=result.backbone,
                input_size=result.input_size,
                labels=result.labels,
                metrics=result.metrics,
                cross_validation=cross_validation,
                dataset_summary=dataset.summary(),
                artifact_path=artifact_path,
                training_seconds=result.seconds,
            )
            if activate:
                version.activate()
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return version
