"""A scraped dataset on disk: OUT_DIR/<label>/ image files, and OUT_DIR/manifest.csv with a row
for each file saying where it came from and what its content hash is, to audit it or fetch it
again."""

import csv
from datetime import UTC, datetime
from pathlib import Path

NAME = "manifest.csv"
FIELDS = ("file", "label", "url", "query", "engine", "time", "width", "height", "bytes", "sha256")


def read(root):
    """The manifest's rows as dicts, oldest first; none if there is no manifest yet."""
    path = Path(root) / NAME
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def record(root, name, label, download, engine):
    """Append the manifest row of a downloaded image saved as name (relative to root)."""
    fingerprint = download.fingerprint
    append(
        root,
        {
            "file": name,
            "label": label,
            "url": download.url,
            "query": download.query,
            "engine": engine,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "width": fingerprint.width,
            "height": fingerprint.height,
            "bytes": len(download.data),
            "sha256": fingerprint.sha256,
        },
    )


def append(root, row):
    path = Path(root) / NAME
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)
