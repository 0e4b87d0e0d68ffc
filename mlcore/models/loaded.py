"""Models loaded once per process and loaded again when what identifies them changes."""

import threading


class LoadedModels:
    """loader(key) builds the model for key; get(name, key) reuses it while the key stays the same.

    Requests that arrive while a new version loads wait for it instead of failing.
    """

    def __init__(self, loader):
        self.loader = loader
        self.lock = threading.Lock()
        self.models = {}

    def get(self, name, key):
        with self.lock:
            loaded = self.models.get(name)
            if loaded is None or loaded[0] != key:
                self.models.pop(name, None)
                self.models[name] = (key, self.loader(key))
            return self.models[name][1]
