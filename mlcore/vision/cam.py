"""Class activation maps: where the network looked, from the last feature map and the head.

With a global-average-pool head, the score of class k is the mean over positions of
feature_map @ kernel[:, k] (+ bias), so that product, position by position, is the map.
numpy and Pillow only.
"""

import io

import numpy as np
from PIL import Image

# A dark-blue -> red -> yellow ramp; low values are also more transparent.
STOPS = np.array(
    [[0, 0, 40], [60, 20, 140], [200, 40, 90], [250, 130, 20], [255, 240, 120]], dtype=np.float32
)
MAX_ALPHA = 0.65


def activation_map(feature_map: np.ndarray, kernel: np.ndarray, class_index: int) -> np.ndarray:
    """(h, w) map in 0..1 of the evidence for class_index; feature_map is (h, w, channels)."""
    cam = np.maximum(feature_map @ kernel[:, class_index], 0.0)
    peak = cam.max()
    return cam / peak if peak > 0 else cam


def image_box(width: int, height: int, size: int, fit: str) -> tuple[float, float, float, float]:
    """Where an image of width x height lies in the size x size model input (as
    mlcore.vision.images)."""
    if fit == "stretch":
        return 0.0, 0.0, float(size), float(size)
    if fit == "letterbox":
        scale = size / max(width, height)
        new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
        left, top = (size - new_w) // 2, (size - new_h) // 2
        return float(left), float(top), float(left + new_w), float(top + new_h)
    scale = size / min(width, height)
    left, top = (size - width * scale) / 2, (size - height * scale) / 2
    return left, top, left + width * scale, top + height * scale


def colourise(values: np.ndarray) -> np.ndarray:
    """(h, w) values in 0..1 -> (h, w, 4) uint8 RGBA, stronger values more opaque."""
    position = values * (len(STOPS) - 1)
    low = np.clip(np.floor(position).astype(int), 0, len(STOPS) - 2)
    weight = (position - low)[..., None]
    rgb = STOPS[low] * (1 - weight) + STOPS[low + 1] * weight
    alpha = (MAX_ALPHA * np.clip(values * 1.4, 0, 1) * 255)[..., None]
    return np.concatenate([rgb, alpha], axis=-1).astype(np.uint8)


def overlay_png(cam: np.ndarray, width: int, height: int, input_size: int, fit: str) -> bytes:
    """A transparent PNG of width x height to lay over the picture the map was computed for.

    Parts of the picture the model never saw (cropped away) stay clear.
    """
    heat = Image.fromarray(np.asarray(cam, dtype=np.float32)).resize(
        (input_size, input_size), Image.Resampling.BILINEAR
    )
    left, top, right, bottom = image_box(width, height, input_size, fit)
    sx, sy = width / (right - left), height / (bottom - top)
    # The part of the model input covered by the picture, and where it lands on the picture.
    seen = (max(left, 0), max(top, 0), min(right, input_size), min(bottom, input_size))
    target = [round((seen[0] - left) * sx), round((seen[1] - top) * sy)]
    target += [round((seen[2] - left) * sx), round((seen[3] - top) * sy)]
    canvas = np.zeros((height, width), dtype=np.float32)
    region_size = (max(1, target[2] - target[0]), max(1, target[3] - target[1]))
    region = heat.resize(region_size, Image.Resampling.BILINEAR, box=seen)
    canvas[target[1] : target[1] + region_size[1], target[0] : target[0] + region_size[0]] = (
        np.asarray(region)[: height - target[1], : width - target[0]]
    )
    out = io.BytesIO()
    Image.fromarray(colourise(np.clip(canvas, 0, 1))).save(out, "PNG", compress_level=1)
    return out.getvalue()
