"""The active model of each classifier, loaded once per process, and classifying one image.

Models run from their TFLite export (mlcore.models.runtime): the web workers never load TensorFlow.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image

from heroproject.stamps import StampedCache
from mlcore.models import runtime
from mlcore.models.loaded import LoadedModels
from mlcore.storage.model_dirs import ModelLoadError
from mlcore.storage.model_files import SERVED
from mlcore.vision import cam, images

from . import selectors
from .models import ImageClassifier, ModelVersion


class ClassifierUnavailable(Exception):
    """The classifier cannot answer now; the message says what an operator should do."""


@dataclass
class Classification:
    version: ModelVersion
    image: Image.Image  # the decoded upload, upright RGB
    probabilities: np.ndarray  # (classes,), in the order of version.labels
    feature_map: np.ndarray  # (h, w, channels): the last feature map
    head_kernel: np.ndarray  # (channels, classes)
    input_size: int
    fit: str

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

    def activation(self):
        """Where the model looked for its top class: the map, and how it lies on the image."""
        top = int(np.argmax(self.probabilities))
        evidence = cam.activation_map(self.feature_map, self.head_kernel, top)
        return {
            "map": np.round(evidence, 4).tolist(),
            "input_size": self.input_size,
            "fit": self.fit,
        }


_models = LoadedModels(lambda key: runtime.load(key[1]))


def model_key(version):
    """Names the files on disk too: replaced or deleted files are noticed at the next request."""
    path = version.path
    try:
        stats = [(path / name).stat() for name in SERVED]
    except OSError:
        raise ClassifierUnavailable(
            f"The model files of {version} are missing; an operator should activate another "
            "version or train a new one."
        ) from None
    return version.pk, path, tuple((stat.st_mtime_ns, stat.st_size) for stat in stats)


def active_version(classifier: ImageClassifier) -> ModelVersion:
    version = selectors.active_version(classifier)
    if version is None:
        raise ClassifierUnavailable(
            f"The classifier '{classifier.slug}' has no trained model yet: an operator runs "
            f"`python manage.py train_classifier {classifier.slug} --data DIR`."
        )
    return version


def read_active_version(slug):
    return (
        ModelVersion.objects.select_related("classifier")
        .filter(classifier__slug=slug, active=True)
        .order_by()
        .first()
    )


# Read once per process, and again after a change touches the stamp (heroproject.stamps).
_active_versions = StampedCache(read_active_version)


def active_version_of(slug):
    """The active version of the classifier `slug`, its classifier fetched with it (one query,
    none while this process keeps it: heroproject.stamps); None when there is no such
    classifier or it has no active version. Shared by the process's threads: read only."""
    return _active_versions.get(slug)


def model_for(version):
    try:
        return _models.get(version.classifier.slug, model_key(version))
    except ModelLoadError as error:
        raise ClassifierUnavailable(f"The model of {version} cannot be loaded: {error}") from None


def classify(classifier: ImageClassifier, source, version=None) -> Classification:
    """Classify bytes, a path or a file; raises ClassifierUnavailable or images.ImageError.

    version: the classifier's active version when the caller has just read it (one query for
    both, active_version_of), else it is read here."""
    if version is None:
        version = active_version(classifier)
    return classify_with(version, model_for(version), source)


def try_version(version: ModelVersion, source) -> Classification:
    """Classify with any version, active or not, loaded for this call alone (the studio tries
    a new version before activating it: the loaded active model stays as it is)."""
    model_key(version)  # the files are there
    try:
        model = runtime.load(version.path)
    except ModelLoadError as error:
        raise ClassifierUnavailable(f"The model of {version} cannot be loaded: {error}") from None
    return classify_with(version, model, source)


def classify_with(version, model, source):
    image = images.read_image(source, size=model.input_size)
    pixels = images.to_array(image, model.input_size, model.fit)
    probabilities, feature_maps = model.predict(pixels[None])
    if not np.all(np.isfinite(probabilities)):
        raise ClassifierUnavailable(f"The model of {version} gave no valid answer: it is damaged.")
    return Classification(
        version=version,
        image=image,
        probabilities=probabilities[0],
        feature_map=feature_maps[0],
        head_kernel=model.head_kernel,
        input_size=model.input_size,
        fit=model.fit,
    )
