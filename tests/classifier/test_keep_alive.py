"""API clients reuse connections: an answer given without reading the upload must not break them."""

import http.client
import io
from urllib.parse import urlsplit

import numpy as np
import requests
from PIL import Image


def noise_png(side=300):
    """A PNG that does not compress: larger than the 64 KB gunicorn drains by itself."""
    pixels = np.random.default_rng(0).integers(0, 256, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "PNG")
    return out.getvalue()


def test_a_keep_alive_connection_survives_404_and_429(start_site):
    site = start_site(env={"RATELIMIT_CLASSIFY": "2/m"})
    upload = requests.Request("POST", site.url, files={"image": ("noise.png", noise_png())})
    upload = upload.prepare()
    assert len(upload.body) > 64 * 1024
    url = urlsplit(site.url)
    # One connection, never reopened: http.client fails if the server has closed it.
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def answer(method, path, body=None):
        headers = {"Content-Type": upload.headers["Content-Type"]} if body else {}
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        response.read()
        return response.status

    assert answer("POST", "/api/classify/nope", upload.body) == 404
    assert answer("POST", "/api/classify/shapes", upload.body) == 200
    assert answer("POST", "/api/classify/shapes", upload.body) == 429
    assert answer("GET", "/") == 200
