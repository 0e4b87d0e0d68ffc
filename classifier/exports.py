"""Taking predictions out as CSV rows (images for a dataset go through classifier.datasets)."""

import csv

CSV_COLUMNS = [
    ("id", lambda p: p.pk),
    ("created", lambda p: p.created.isoformat()),
    ("classifier", lambda p: p.classifier.slug),
    ("version", lambda p: p.version.number),
    ("label", lambda p: p.label),
    ("probability", lambda p: f"{p.probability:.4f}"),
    ("unsure", lambda p: p.unsure),
    ("latency_ms", lambda p: p.latency_ms),
    ("sha256", lambda p: p.sha256),
    ("size_bytes", lambda p: p.size_bytes),
    ("feedback", lambda p: p.feedback),
    ("feedback_label", lambda p: p.feedback_label),
    ("true_label", lambda p: p.true_label),
    ("reviewed", lambda p: p.reviewed),
]


def write_csv(predictions, out):
    """One row per prediction with CSV_COLUMNS, after a header row, to the text file out."""
    writer = csv.writer(out)
    writer.writerow([header for header, _ in CSV_COLUMNS])
    for prediction in predictions.select_related("classifier", "version"):
        writer.writerow([value(prediction) for _, value in CSV_COLUMNS])
