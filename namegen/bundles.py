"""Name generator versions to and from model bundles (mlcore.storage.bundles)."""

import json
from functools import partial

from heroproject import versions
from mlcore.names import store
from mlcore.storage import bundles

from .models import NameModelVersion

KIND = "names"
FILES = (store.WEIGHTS, store.META)
RECORDED = ("units", "train_size", "val_nll", "bigram_val_nll", "training_seconds", "metrics")


def export(version, out):
    """Write version to the bundle file out."""
    meta = json.loads((version.path / store.META).read_text(encoding="utf-8"))
    return bundles.write(
        out,
        KIND,
        {field: getattr(version, field) for field in RECORDED},
        version.path,
        FILES,
        libraries=meta.get("libraries"),
    )


def write_files(bundle, folder):
    bundle.unpack(folder)
    store.load(folder)  # raises ModelLoadError: nothing is recorded


def import_bundle(bundle, activate=False):
    """Record a checked name model bundle as a new name generator version."""
    return versions.record(
        NameModelVersion,
        "namegen",
        partial(write_files, bundle),
        activate=activate,
        **{field: bundle.meta["record"][field] for field in RECORDED},
    )
