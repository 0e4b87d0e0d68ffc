"""Characters of the training names, plus start and end tokens, as integer ids."""

import numpy as np

END = 0
START = 1


class UnknownCharacters(ValueError):
    def __init__(self, chars):
        self.chars = chars
        listed = ", ".join(repr(c) for c in chars)
        super().__init__(f"characters the model has never seen: {listed}")


class Vocabulary:
    def __init__(self, chars):
        self.chars = list(chars)
        self.ids = {c: i for i, c in enumerate(self.chars, start=2)}

    @classmethod
    def from_names(cls, names):
        return cls(sorted(set("".join(names))))

    def __len__(self):
        return len(self.chars) + 2

    def unknown(self, text):
        return sorted(set(text) - self.ids.keys())

    def encode(self, name):
        """START, the characters of name, END."""
        unknown = self.unknown(name)
        if unknown:
            raise UnknownCharacters(unknown)
        return [START, *(self.ids[c] for c in name), END]

    def decode(self, ids):
        return "".join(self.chars[i - 2] for i in ids if i not in (START, END))

    def padded(self, names):
        """Inputs and targets, shape (len(names), longest + 1); targets -1 past each end."""
        encoded = [self.encode(name) for name in names]
        width = max(len(e) for e in encoded) - 1
        inputs = np.full((len(names), width), END, dtype=np.int32)
        targets = np.full((len(names), width), -1, dtype=np.int32)
        for row, e in enumerate(encoded):
            inputs[row, : len(e) - 1] = e[:-1]
            targets[row, : len(e) - 1] = e[1:]
        return inputs, targets

    def one_hot(self, ids):
        return np.eye(len(self), dtype=np.float32)[ids]
