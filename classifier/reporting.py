"""What classifier commands print: progress bars for mlcore's events, and metrics tables."""

from tqdm import tqdm

STAGES = {
    "scan": ("Checking images", "img"),
    "images": ("Decoding", "img"),
    "features": ("Backbone features", "img"),
}


class ProgressBars:
    """A callable for mlcore's progress events: one tqdm bar per stage or training phase."""

    def __init__(self):
        self.bar = None
        self.stage = None

    def __call__(self, event, *args):
        if event == "phase":
            name, epochs = args
            self.start(f"Training ({name.replace('_', ' ')})", epochs, "epoch", ("phase", name))
        elif event == "epoch":
            logs = args[2]
            self.bar.set_postfix(
                {
                    key: f"{value:.3f}"
                    for key, value in logs.items()
                    if key in ("loss", "val_loss", "val_accuracy")
                }
            )
            self.bar.update(1)
        elif event == "fold":
            self.close()
            self.stage = None
            tqdm.write(f"Cross-validation: fold {args[0]} of {args[1]}")
        elif event in STAGES:
            done, total = args
            title, unit = STAGES[event]
            self.start(title, total, unit, (event, total))
            self.bar.update(done - self.bar.n)

    def start(self, title, total, unit, stage):
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=title, unit=unit, disable=None)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def write_cross_validation(out, summary):
    """Mean +/- standard deviation of each figure over the folds (mlcore.crossval)."""
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
    """The headline figures and a per-class table of an mlcore.evaluation result."""
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
