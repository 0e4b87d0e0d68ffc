"""The baseline bench/classify.py compares with: how the seed projects served a model.

A plain WSGI app that loads the saved Keras model with TensorFlow and calls model.predict on
every request, as the seeds did behind Flask. Run by gunicorn:
    SEED_MODEL_DIR=data/models/classifiers/charts/v1 gunicorn bench.seed_server:application
"""

import email.parser
import email.policy
import io
import json
import os
from pathlib import Path

import keras
import numpy as np
from PIL import Image

MODEL_DIR = Path(os.environ["SEED_MODEL_DIR"])
MODEL = keras.models.load_model(MODEL_DIR / "model.keras", compile=False)
LABELS = json.loads((MODEL_DIR / "labels.json").read_text())
SIZE = json.loads((MODEL_DIR / "preprocessing.json").read_text())["input_size"]


def image_field(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    head = f"Content-Type: {environ['CONTENT_TYPE']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + environ["wsgi.input"].read(length)
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "image":
            return part.get_payload(decode=True)
    raise ValueError("no image field")


def application(environ, start_response):
    image = Image.open(io.BytesIO(image_field(environ))).convert("RGB").resize((SIZE, SIZE))
    probabilities = MODEL.predict(np.asarray(image, dtype=np.float32)[None], verbose=0)[0][0]
    best = int(np.argmax(probabilities))
    body = json.dumps({"label": LABELS[best], "probability": float(probabilities[best])})
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body.encode()]
