"""Read a PyTorch state dict (.pth) into numpy arrays without torch.

Both formats torch.save has written are understood: the zip archive of torch >= 1.6
(`<root>/data.pkl` plus raw storages `<root>/data/<key>`) and the older single stream
(magic number, protocol, system info, pickle, storage keys, then the storages).

A .pth file is a pickle, and unpickling runs whatever callables it names, so the
unpickler below resolves only the handful of globals a state dict of tensors needs.
"""

import collections
import pickle
import zipfile

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001

STORAGE_DTYPES = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}


class CheckpointError(ValueError):
    pass


class StorageType:
    def __init__(self, name):
        self.dtype = STORAGE_DTYPES[name]


def rebuild_tensor(storage, offset, size, stride, *unused):
    size, stride = tuple(size), tuple(stride)
    if any(n < 0 for n in size + stride) or offset < 0:
        raise CheckpointError(f"bad tensor layout {size} {stride} at offset {offset}")
    last = offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True))
    if all(size) and last >= len(storage):
        raise CheckpointError(f"tensor {size} {stride} runs past its storage of {len(storage)}")
    strides = tuple(s * storage.itemsize for s in stride)
    return np.lib.stride_tricks.as_strided(storage[offset:], size, strides, writeable=False)


def rebuild_parameter(data, *unused):
    return data


SAFE_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
}


class Unpickler(pickle.Unpickler):
    def __init__(self, file, load_storage=None):
        super().__init__(file)
        self.load_storage = load_storage

    def find_class(self, module, name):
        if (module, name) in SAFE_GLOBALS:
            return SAFE_GLOBALS[module, name]
        if module == "torch" and name in STORAGE_DTYPES:
            return StorageType(name)
        raise CheckpointError(f"refusing to load {module}.{name}: a state dict never needs it")

    def persistent_load(self, pid):
        if self.load_storage is None or not isinstance(pid, tuple) or pid[0] != "storage":
            raise CheckpointError(f"unexpected persistent id {pid!r}")
        if not isinstance(pid[1], StorageType):
            raise CheckpointError(f"unknown storage type {pid[1]!r}")
        return self.load_storage(*pid[1:])


def read_zip(path):
    with zipfile.ZipFile(path) as archive:
        pickles = [n for n in archive.namelist() if n.endswith("data.pkl")]
        if len(pickles) != 1:
            raise CheckpointError(f"{path}: expected one data.pkl in the archive, found {pickles}")
        root = pickles[0][: -len("data.pkl")]

        def load_storage(storage_type, key, location, numel):
            data = archive.read(f"{root}data/{key}")
            return np.frombuffer(data, storage_type.dtype, count=numel)

        with archive.open(pickles[0]) as f:
            return Unpickler(f, load_storage).load()


def read_legacy(path):
    # Storages follow the main pickle, so tensors are views of buffers filled afterwards.
    storages = {}

    def load_storage(storage_type, key, location, numel, view=None):
        if key not in storages:
            storages[key] = np.empty(numel, storage_type.dtype)
        if view is None:
            return storages[key]
        _, offset, view_numel = view
        return storages[key][offset : offset + view_numel]

    with open(path, "rb") as f:
        if Unpickler(f).load() != LEGACY_MAGIC:
            raise CheckpointError(f"{path} is neither a zip nor a legacy torch checkpoint")
        if Unpickler(f).load() != LEGACY_PROTOCOL:
            raise CheckpointError(f"{path}: unsupported legacy protocol version")
        info = Unpickler(f).load()
        if not isinstance(info, dict) or not info.get("little_endian"):
            raise CheckpointError(f"{path}: only little-endian checkpoints are supported")
        state = Unpickler(f, load_storage).load()
        for key in Unpickler(f).load():
            buffer = storages[key]
            numel = int.from_bytes(f.read(8), "little")
            if numel != buffer.size or f.readinto(buffer) != buffer.nbytes:
                raise CheckpointError(f"{path}: storage {key} is truncated or mis-sized")
    return state


def read_state_dict(path):
    """Return the tensors of a torch state dict file as {name: numpy array}."""
    try:
        state = read_zip(path) if zipfile.is_zipfile(path) else read_legacy(path)
    except CheckpointError:
        raise
    except (pickle.UnpicklingError, zipfile.BadZipFile, EOFError, LookupError) as e:
        raise CheckpointError(f"{path}: not a readable state dict ({e})") from e
    except (TypeError, ValueError, AttributeError) as e:
        raise CheckpointError(f"{path}: not a readable state dict ({e})") from e
    if not isinstance(state, dict):
        raise CheckpointError(f"{path}: holds a {type(state).__name__}, not a state dict")
    return {k: np.array(v, order="C") for k, v in state.items() if isinstance(v, np.ndarray)}
