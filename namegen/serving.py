"""The active name model, loaded once per process and reloaded when another version is activated.

numpy only: web workers generate names without TensorFlow.
"""

from django.conf import settings

from mlcore.models.loaded import LoadedModels
from mlcore.names.sampler import Sampler
from mlcore.names.store import load
from mlcore.storage.model_dirs import ModelLoadError

from .models import NameModelVersion

HOW_TO_TRAIN = "No name generator is trained yet: run `python manage.py train_namegen`."


class NoNameModel(Exception):
    pass


_samplers = LoadedModels(lambda key: Sampler(load(settings.MODELS_DIR / key[1])))


def active_sampler():
    """The Sampler of the active version; raises NoNameModel with what an operator should do."""
    version = NameModelVersion.objects.filter(active=True).first()
    if version is None:
        raise NoNameModel(HOW_TO_TRAIN)
    try:
        return _samplers.get("names", (version.pk, version.directory))
    except ModelLoadError as error:
        message = f"The active name generator cannot be loaded ({error})."
        raise NoNameModel(message) from None
