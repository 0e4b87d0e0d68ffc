"""The active name model, loaded once per process and reloaded when another version is activated.

numpy only: web workers generate names without TensorFlow.
"""

import threading

from mlcore.names.sampler import Sampler
from mlcore.names.store import ModelLoadError, load

from .models import NameModelVersion

HOW_TO_TRAIN = "No name generator is trained yet: run `python manage.py train_namegen`."


class NoNameModel(Exception):
    pass


_lock = threading.Lock()
_loaded = {}


def active_sampler():
    """The Sampler of the active version; raises NoNameModel with what an operator should do."""
    version = NameModelVersion.objects.filter(active=True).first()
    if version is None:
        raise NoNameModel(HOW_TO_TRAIN)
    key = (version.pk, version.directory)
    with _lock:
        if _loaded.get("key") != key:
            try:
                sampler = Sampler(load(version.path))
            except ModelLoadError as error:
                raise NoNameModel(
                    f"The active name generator cannot be loaded ({error})."
                ) from None
            _loaded.update(key=key, sampler=sampler)
        return _loaded["sampler"]
