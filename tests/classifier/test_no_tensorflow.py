"""The web workers serve both models without importing TensorFlow or Keras."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from mlcore.names import gru, store
from namegen.namelist import BUNDLED_NAMES, read_names

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh process with its own data directory: set up as gunicorn's workers are,
# classify an upload, open its page and heat-map, generate names, then look at sys.modules.
SITE = """
import json, sys

from heroproject.wsgi import application
from django.core.management import call_command
from django.test import Client

from classifier.models import ImageClassifier, ModelVersion
from heroproject.versions import make_active
from namegen.models import NameModelVersion

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
rows = json.loads(sys.argv[1])
classifier = ImageClassifier.objects.create(slug="shapes", title="Shapes")
make_active(ModelVersion.objects.create(classifier=classifier, **rows["classifier"]))
make_active(NameModelVersion.objects.create(**rows["names"]))

client = Client(HTTP_HOST="localhost")
with open(sys.argv[2], "rb") as image:
    response = client.post("/", {"classifier": "shapes", "image": image})
assert response.status_code == 302, response.content.decode()
assert client.get(response.url).status_code == 200
assert client.get(response.url + "heatmap.png").status_code == 200
response = client.post("/names/", {"count": 5, "temperature": "1.0"})
assert response.status_code == 200, response.content.decode()

loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras"))
assert not loaded, loaded
print("served without TensorFlow")
"""


def test_the_site_serves_without_tensorflow(tmp_path, trained_shapes, shapes_dir):
    result, directory = trained_shapes
    models = tmp_path / "models"
    shutil.copytree(directory, models / "classifiers/shapes/v1")
    names = gru.train(read_names(BUNDLED_NAMES)[:100], units=16, epochs=1, seed=1)
    store.save(names, models / "namegen/v1")
    metrics = names.metrics
    rows = {
        "classifier": {
            "number": 1,
            "backbone": result.backbone,
            "input_size": result.input_size,
            "labels": result.labels,
            "directory": "classifiers/shapes/v1",
            "training_seconds": result.seconds,
        },
        "names": {
            "number": 1,
            "directory": "namegen/v1",
            "units": 16,
            "train_size": metrics["train_size"],
            "val_nll": metrics["val_nll"],
            "bigram_val_nll": metrics["bigram_val_nll"],
            "training_seconds": metrics["seconds"],
        },
    }
    # Whatever the environment says, everything the site writes goes under tmp_path.
    environment = {
        **{name: value for name, value in os.environ.items() if name != "REDIS_URL"},
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "HEROPROJECT_DATA_DIR": str(tmp_path),
        "HEROPROJECT_MODELS_DIR": str(models),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    process = subprocess.run(
        [sys.executable, "-c", SITE, json.dumps(rows), shapes_dir / "red_circle/000.png"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stderr
    assert "served without TensorFlow" in process.stdout
