"""Fuzzing the upload path: whatever arrives, the answer is a result or a clean 4xx, never a 5xx.

Real images written by Pillow (PNG, JPEG, GIF, WebP, BMP, TIFF; several modes, EXIF
orientations, progressive, interlaced and animated variants) are damaged with byte flips,
truncations, insertions, deletions and header overwrites; random bytes, some behind an image
format's magic number, go in too. Each is sent under a random file name and content type to the
home page form (plain and HTMX) and to /api/classify/<slug>. 150 examples each by default;
FUZZ_EXAMPLES=5000 searches longer (`--hypothesis-show-statistics` shows the answers' mix).
"""

import contextlib
import io
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

pytestmark = [
    pytest.mark.django_db,
    # Pillow warns about the damage it skips over; the answers are what is checked.
    pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin"),
    pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
]

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,  # nothing written under the checkout; a failure prints how to reproduce it
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BOUNDARY = "fuzzBoundary7MA4YWxkTrZu0gW"
FORMATS = ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"]
MODES = ["RGB", "RGBA", "L", "LA", "P", "1", "I", "I;16", "F", "CMYK"]
MAGIC = [
    b"",
    b"\x89PNG\r\n\x1a\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\xff\xd8\xff\xe0",
    b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00",
    b"GIF89a",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"%PDF-1.7\n",
    b"<svg ",
    b"\x00\x00\x00\x18ftypheic",
]
CONTENT_TYPES = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/octet-stream",
    "text/plain",
    "text/html",
    "image/svg+xml",
    "",
    "image/png; charset=binary",
    "multipart/form-data; boundary=x",
]
NAMES = [
    "picture.png",
    "photo.JPG",
    "",
    ".",
    "noextension",
    "../../../etc/passwd",
    "C:\\Users\\me\\photo.jpg",
    'quo"te.png',
    "semi;colon.gif",
    "日本語の写真.webp",
    "emoji 🦄.png",
    "x" * 300 + ".png",
    "double.png.exe",
    "trailing space.jpg ",
]


@st.composite
def images(draw):
    """A small real image file written by Pillow."""
    fmt = draw(st.sampled_from(FORMATS))
    mode = draw(st.sampled_from(MODES))
    size = (draw(st.integers(1, 40)), draw(st.integers(1, 40)))
    seed = draw(st.integers(0, 2**32 - 1))
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    with contextlib.suppress(ValueError):  # a mode Pillow cannot convert RGB to
        image = image.convert(mode)
    params = {}
    orientation = draw(st.sampled_from([None, 1, 3, 6, 8]))
    if orientation and fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
        exif = Image.Exif()
        exif[0x0112] = orientation
        params["exif"] = exif.tobytes()
    if fmt == "JPEG":
        params.update(quality=draw(st.integers(5, 95)), progressive=draw(st.booleans()))
    elif fmt == "PNG":
        params["interlace"] = draw(st.booleans())
    elif fmt == "GIF" and draw(st.booleans()):
        params.update(save_all=True, append_images=[image.rotate(90)], duration=50, loop=0)
    elif fmt == "WEBP":
        params["lossless"] = draw(st.booleans())
    out = io.BytesIO()
    try:
        image.save(out, fmt, **params)
    except (OSError, ValueError, KeyError, TypeError):  # a mode this format cannot hold
        out = io.BytesIO()
        image.convert("RGB").save(out, fmt)
    return out.getvalue()


@st.composite
def damaged(draw, data):
    """data with 0 to 4 random edits; with none it is the intact image."""
    buffer = bytearray(data)
    edits = draw(
        st.lists(
            st.sampled_from(["flip", "flips", "truncate", "insert", "delete", "header", "fill"]),
            max_size=4,
        )
    )
    for edit in edits:
        end = len(buffer)
        if not end:
            break
        at = draw(st.integers(0, end - 1))
        if edit == "flip":
            buffer[at] ^= draw(st.integers(1, 255))
        elif edit == "flips":
            for spot in draw(st.lists(st.integers(0, end - 1), min_size=2, max_size=30)):
                buffer[spot] = draw(st.integers(0, 255))
        elif edit == "truncate":
            del buffer[at:]
        elif edit == "insert":
            buffer[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif edit == "delete":
            del buffer[at : at + draw(st.integers(1, 64))]
        elif edit == "header":  # where sizes, chunk lengths and offsets live
            start = draw(st.integers(0, min(end - 1, 64)))
            junk = draw(st.binary(min_size=1, max_size=16))
            buffer[start : start + len(junk)] = junk
        else:  # huge or zero numbers in the header
            start = draw(st.integers(0, min(end - 1, 64)))
            buffer[start : start + draw(st.integers(1, 8))] = draw(
                st.sampled_from([b"\xff", b"\x00", b"\x7f"])
            ) * draw(st.integers(1, 8))
    return bytes(buffer)


payloads = st.one_of(
    images().flatmap(damaged),
    images().flatmap(damaged),
    images().flatmap(damaged),
    st.builds(
        lambda magic, tail: magic + tail,
        st.sampled_from(MAGIC),
        st.binary(max_size=2048),
    ),
)
names = st.one_of(
    st.sampled_from(NAMES),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
)
content_types = st.one_of(
    st.sampled_from(CONTENT_TYPES),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
)


def multipart(image, name, content_type, **fields):
    """A multipart body as a browser writes it, any file name (the test client refuses some)."""
    quoted = name.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")
    lines = []
    for field, value in fields.items():
        lines += [f"--{BOUNDARY}", f'Content-Disposition: form-data; name="{field}"', "", value]
    lines += [
        f"--{BOUNDARY}",
        f'Content-Disposition: form-data; name="image"; filename="{quoted}"',
        f"Content-Type: {content_type}",
        "",
    ]
    head = "\r\n".join(lines).encode("utf-8") + b"\r\n"
    return head + image + f"\r\n--{BOUNDARY}--\r\n".encode()


def post(client, path, body, **headers):
    return client.post(
        path, body, content_type=f"multipart/form-data; boundary={BOUNDARY}", headers=headers
    )


@FUZZ
@given(data=payloads, name=names, content_type=content_types, htmx=st.booleans())
def test_the_home_page_form_never_fails(client, shapes_classifier, data, name, content_type, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    body = multipart(data, name, content_type, classifier="shapes")
    response = post(client, "/", body, **headers)
    event(f"status {response.status_code}")
    html = response.content.decode()
    assert "Traceback" not in html
    if htmx and response.status_code == 200:
        assert "Was this right?" in html
    elif not htmx and response.status_code == 302:
        assert response["Location"].startswith("/predictions/")
    else:
        assert response.status_code == 400, response.status_code
        assert 'class="message message-error"' in html or 'class="errorlist' in html


@FUZZ
@given(data=payloads, name=names, content_type=content_types)
def test_the_api_never_fails(client, shapes_classifier, data, name, content_type):
    response = post(client, "/api/classify/shapes", multipart(data, name, content_type))
    event(f"status {response.status_code}")
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    if response.status_code == 200:
        assert body["label"] in {"blue_triangle", "green_square", "red_circle"}
        assert 0 <= body["probability"] <= 1
    else:
        assert response.status_code == 400, response.status_code
        assert isinstance(body["error"], str) and body["error"].strip()
        assert "Traceback" not in body["error"]
