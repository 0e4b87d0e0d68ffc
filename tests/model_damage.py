"""Ways to damage a saved classifier's model.tflite, for tests of what serving does then."""

import os
import struct

NAN = b"\x00\x00\xc0\x7f"  # a float32 NaN


def tflite(directory):
    return directory / "model.tflite"


def truncate(directory):
    data = tflite(directory).read_bytes()
    tflite(directory).write_bytes(data[: len(data) // 2])


def overwrite_with_garbage(directory):
    """Random bytes of the same size: only the file's mtime says it changed."""
    size = tflite(directory).stat().st_size
    tflite(directory).write_bytes(os.urandom(size))


def fill_weights_with_nan(directory):
    """Still a valid model, same size: a run of its weights (mid-file) turned into NaN."""
    data = bytearray(tflite(directory).read_bytes())
    middle = len(data) // 2 // 4 * 4
    data[middle : middle + 4096] = NAN * 1024
    tflite(directory).write_bytes(bytes(data))


def change_one_weight(directory):
    """A weight (mid-file) set to another finite value: same size, still a working model, so
    only the sha256 recorded at saving tells."""
    data = bytearray(tflite(directory).read_bytes())
    middle = len(data) // 2 // 4 * 4
    data[middle : middle + 4] = struct.pack("<f", 0.5)
    tflite(directory).write_bytes(bytes(data))
