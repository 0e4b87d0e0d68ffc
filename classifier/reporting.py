"""What classifier commands print: metrics tables (progress bars are mlcore.training.progress's)."""


def write_cross_validation(out, summary):
    """Mean +/- standard deviation of each figure over the folds (mlcore.training.crossval)."""
    figures = ", ".join(
        f"{name} {summary[key]['mean']:.3f} +/- {summary[key]['sd']:.3f}"
        for key, name in (
            ("accuracy", "accuracy"),
            ("top3_accuracy", "top-3"),
            ("macro_f1", "macro F1"),
        )
    )
    out.write(f"Cross-validation, {summary['folds']} folds: {figures}")


def write_metrics(out, title, metrics):
    """The headline figures and a per-class table of an mlcore.training.evaluation result."""
    out.write(
        f"{title}: {metrics['count']} images: accuracy {metrics['accuracy']:.3f}, "
        f"top-3 {metrics['top3_accuracy']:.3f}, macro F1 {metrics['macro_f1']:.3f}, "
        f"ECE {metrics['ece']:.3f}"
    )
    width = max(len(row["label"]) for row in metrics["classes"])
    out.write(f"{'class':<{width}}  precision  recall     f1  support")
    for row in metrics["classes"]:
        out.write(
            f"{row['label']:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  "
            f"{row['f1']:5.3f}  {row['support']:7d}"
        )
    if metrics.get("predicted_absent"):
        taken = ", ".join(f"{label} {n}" for label, n in metrics["predicted_absent"].items())
        out.write(f"Predicted as classes with no images here: {taken}")


def write_real_world(out, version, figures, left_out):
    """A version's figures on labelled uploads (classifier.real_world)."""
    out.write(
        f"{version} on {figures['count']} labelled uploads it did not train on ({left_out} left "
        f"out): accuracy {figures['accuracy']:.3f} (95% interval {figures['low']:.3f} to "
        f"{figures['high']:.3f}); test split {version.test_accuracy:.3f}"
    )
    width = max(len(label) for label in figures["recall"])
    out.write(f"{'class':<{width}}  recall  uploads")
    for label, (recall, count) in figures["recall"].items():
        out.write(f"{label:<{width}}  {recall:6.3f}  {count:7d}")
    if figures["below_test"]:
        out.write("Clearly below the test split: the whole interval lies under it.")
