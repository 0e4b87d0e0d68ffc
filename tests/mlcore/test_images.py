import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from mlcore.vision import images
from mlcore.vision.images import ImageError

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def encode(image, format, **params):
    out = io.BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def left_red_right_blue(width=64, height=32):
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def near(pixel, colour, tolerance=40):
    return all(abs(int(a) - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def png_claiming(width, height):
    """A valid 1x1 PNG whose header says it is width x height."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    ihdr = 8 + 4  # after the signature and the chunk length
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def test_bytes_path_and_file_object_give_the_same_image(tmp_path):
    data = encode(left_red_right_blue(), "PNG")
    path = tmp_path / "a.png"
    path.write_bytes(data)
    expected = np.asarray(images.read_image(data))
    for source in (path, str(path), io.BytesIO(data), bytearray(data)):
        np.testing.assert_array_equal(np.asarray(images.read_image(source)), expected)


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: the viewer must turn it 90 degrees clockwise
    data = encode(left_red_right_blue(64, 32), "JPEG", exif=exif.tobytes(), quality=95)
    image = images.read_image(data)
    assert image.size == (32, 64)
    assert near(image.getpixel((16, 8)), RED)
    assert near(image.getpixel((16, 56)), BLUE)


@pytest.mark.parametrize("mode", ["L", "1", "CMYK"])
def test_plain_modes_become_rgb(mode):
    format = "JPEG" if mode == "CMYK" else "PNG"
    data = encode(Image.new("RGB", (8, 8), WHITE).convert(mode), format)
    image = images.read_image(data)
    assert image.mode == "RGB"
    assert near(image.getpixel((4, 4)), WHITE)


def test_cmyk_jpeg_keeps_its_colour():
    data = encode(Image.new("RGB", (16, 16), RED).convert("CMYK"), "JPEG", quality=95)
    assert near(images.read_image(data).getpixel((8, 8)), RED)


def test_palette_png():
    data = encode(left_red_right_blue().convert("P"), "PNG")
    image = images.read_image(data)
    assert near(image.getpixel((2, 2)), RED, 0)
    assert near(image.getpixel((60, 2)), BLUE, 0)


def test_transparent_areas_become_white():
    rgba = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    rgba.paste((255, 0, 0, 255), (0, 0, 4, 8))
    palette = rgba.convert("P")
    palette.info["transparency"] = palette.getpixel((6, 6))
    la = Image.new("LA", (8, 8), (0, 0))
    la.paste((0, 255), (0, 0, 4, 8))
    cases = [
        (encode(rgba, "PNG"), RED),
        (encode(palette, "PNG", transparency=palette.getpixel((6, 6))), RED),
        (encode(la, "PNG"), (0, 0, 0)),
        (encode(rgba, "WEBP", lossless=True), RED),
    ]
    for data, opaque in cases:
        image = images.read_image(data)
        assert image.mode == "RGB"
        assert near(image.getpixel((1, 4)), opaque, 0)
        assert near(image.getpixel((6, 4)), WHITE, 0)


def test_half_transparent_pixels_blend_onto_white_and_opaque_rgba_keeps_its_colours():
    pixels = np.zeros((4, 8, 4), dtype=np.uint8)
    pixels[..., :3] = (40, 80, 200)
    pixels[..., 3] = 255
    opaque = images.read_image(encode(Image.fromarray(pixels, "RGBA"), "PNG"))
    assert np.asarray(opaque).reshape(-1, 3).tolist() == [[40, 80, 200]] * 32
    pixels[:, 4:, 3] = 128
    blended = np.asarray(images.read_image(encode(Image.fromarray(pixels, "RGBA"), "PNG")))
    assert blended[0, 0].tolist() == [40, 80, 200]
    assert np.abs(blended[0, 7].astype(int) - [147, 167, 227]).max() <= 1


def test_16_bit_png_is_scaled_not_clipped():
    pixels = np.array([[0, 1000, 32768, 65535]], dtype=np.uint16)
    image = Image.fromarray(pixels)
    assert image.mode.startswith("I;16")
    decoded = np.asarray(images.read_image(encode(image, "PNG")))
    assert decoded[0, :, 0].tolist() == [0, 4, 128, 255]


def test_float_tiff_in_0_1_is_scaled():
    image = Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32))
    decoded = np.asarray(images.read_image(encode(image, "TIFF")))
    assert decoded[0, :, 0].tolist() == [0, 128, 255]


def test_first_frame_of_an_animated_gif():
    frames = [Image.new("RGB", (8, 8), colour) for colour in (RED, BLUE, WHITE)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    assert near(images.read_image(data).getpixel((4, 4)), RED, 0)


@pytest.mark.parametrize("format", ["WEBP", "BMP", "TIFF", "GIF", "MPO"])
def test_other_formats(format):
    second_frame = [Image.new("RGB", (8, 8))]
    params = {"save_all": True, "append_images": second_frame} if format == "MPO" else {}
    data = encode(Image.new("RGB", (8, 8), RED), format, **params)
    assert near(images.read_image(data).getpixel((4, 4)), RED)


def test_one_pixel_image():
    array = images.load_array(encode(Image.new("RGB", (1, 1), RED), "PNG"), size=32)
    assert array.shape == (32, 32, 3)
    assert np.all(array == np.array(RED, dtype=np.float32))


def test_to_array_shape_dtype_and_range():
    array = images.to_array(left_red_right_blue(), size=40)
    assert array.shape == (40, 40, 3)
    assert array.dtype == np.float32
    assert array.min() >= 0 and array.max() <= 255


def test_letterbox_pads_with_white_and_keeps_the_panorama():
    panorama = Image.new("RGB", (4000, 100), RED)
    array = images.to_array(panorama, size=224, fit="letterbox")
    assert np.all(array[0] == 255) and np.all(array[-1] == 255)
    assert near(array[112, 0], RED, 0) and near(array[112, -1], RED, 0)


def test_crop_takes_the_centre_and_stretch_keeps_everything():
    image = Image.new("RGB", (300, 100), RED)
    image.paste(BLUE, (100, 0, 200, 100))
    cropped = images.to_array(image, size=50, fit="crop")
    assert np.all(cropped[:, 1:-1] == np.array(BLUE, dtype=np.float32))
    stretched = images.to_array(image, size=60, fit="stretch")
    assert near(stretched[30, 2], RED, 0) and near(stretched[30, 30], BLUE, 0)


def test_unknown_fit():
    with pytest.raises(ValueError, match="fit must be one of"):
        images.to_array(Image.new("RGB", (4, 4)), fit="squash")


def test_draft_decodes_large_jpegs_at_a_reduced_scale():
    data = encode(Image.new("RGB", (2000, 1000), RED), "JPEG")
    assert images.read_image(data).size == (2000, 1000)
    drafted = images.read_image(data, size=224)
    assert drafted.size == (500, 250)
    assert images.load_array(data, size=224).shape == (224, 224, 3)


def test_thumbnail_jpeg():
    thumb = Image.open(io.BytesIO(images.thumbnail_jpeg(Image.new("RGB", (1000, 500)), 100)))
    assert thumb.format == "JPEG"
    assert thumb.size == (100, 50)


def test_sha256():
    assert images.sha256(b"") == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def truncated_jpeg():
    data = encode(Image.effect_noise((256, 256), 64).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"just some notes\nabout cats\n", "text file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (b"<!DOCTYPE html>\n<html><body><img src='cat.jpg'></body></html>", "HTML"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        (b"\xff\xd8\xff\xe0 not really", "damaged"),
        (truncated_jpeg(), "truncated"),
        (png_claiming(30000, 30000), "too large"),
        (b"\x00\x01\x02\x03" * 16, "not an image"),
    ],
    ids=["empty", "text", "pdf", "html", "svg", "heic", "bad-header", "truncated", "bomb", "noise"],
)
def test_unusable_files_raise_image_error(data, message, tmp_path):
    path = tmp_path / "upload.jpg"
    path.write_bytes(data)
    with pytest.raises(ImageError, match=message):
        images.read_image(path)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pillow_bomb_warning_is_an_error_too():
    with pytest.raises(ImageError, match="10000 x 10000 pixels"):
        images.read_image(png_claiming(10000, 10000))


def test_max_pixels_lowers_the_limit():
    data = encode(Image.new("RGB", (100, 100)), "PNG")
    with pytest.raises(ImageError, match="100 x 100 pixels"):
        images.load_array(data, max_pixels=5000)


def test_image_error_is_a_value_error():
    assert issubclass(ImageError, ValueError)
