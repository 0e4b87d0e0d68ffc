"""The active model of each classifier, loaded once per process, and classifying one image."""

from dataclasses import dataclass

import numpy as np

from mlcore import classifier_store, images
from mlcore.loaded import LoadedModels

from .models import ImageClassifier, ModelVersion


class ClassifierUnavailable(Exception):
    """The classifier cannot answer now; the message says what an operator should do."""


@dataclass
class Classification:
    version: ModelVersion
    probabilities: np.ndarray  # (classes,), in the order of version.labels
    feature_map: np.ndarray  # (h, w, channels): the last feature map, for the activation map

    @property
    def ranked(self):
        """(label, probability) pairs, most likely first."""
        order = np.argsort(-self.probabilities, kind="stable")
        return [(self.version.labels[i], float(self.probabilities[i])) for i in order]

    @property
    def label(self):
        return self.ranked[0][0]

    @property
    def probability(self):
        return self.ranked[0][1]

    @property
    def unsure(self):
        return self.probability < self.version.classifier.unsure_threshold


_models = LoadedModels(lambda key: classifier_store.load(key[1]))


def model_key(version):
    """Names the files on disk too: replaced or deleted files are noticed at the next request."""
    path = version.path
    try:
        stat = (path / classifier_store.MODEL).stat()
    except OSError:
        raise ClassifierUnavailable(
            f"The model files of {version} are missing; an operator should activate another "
            "version or train a new one."
        ) from None
    return version.pk, path, stat.st_mtime_ns, stat.st_size


def active_version(classifier: ImageClassifier) -> ModelVersion:
    version = classifier.active_version
    if version is None:
        raise ClassifierUnavailable(
            f"The classifier '{classifier.slug}' has no trained model yet: an operator runs "
            f"`python manage.py train_classifier {classifier.slug} --data DIR`."
        )
    return version


def model_for(version):
    try:
        return _models.get(version.classifier.slug, model_key(version))
    except classifier_store.ModelLoadError as error:
        raise ClassifierUnavailable(f"The model of {version} cannot be loaded: {error}") from None


def classify(classifier: ImageClassifier, source) -> Classification:
    """Classify bytes, a path or a file; raises ClassifierUnavailable or images.ImageError."""
    version = active_version(classifier)
    model = model_for(version)
    pixels = images.load_array(source, model.input_size, model.fit)
    probabilities, feature_maps = model.predict(pixels[None])
    return Classification(version, probabilities[0], feature_maps[0])
