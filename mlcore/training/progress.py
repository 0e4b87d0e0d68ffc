"""How long-running ML work reports progress, and progress bars for operators.

Every trainer and scanner in mlcore takes `progress`, a callable given events as positional
arguments:

- ("scan", done, total): images of a folder checked (mlcore.training.datasets.scan, reported
  by callers)
- ("images", done, total): images decoded
- ("features", done, total): backbone features cached
- ("classify", done, total): images classified (evaluating a served model)
- ("heroes", done, total): heroes' pages saved (mlcore.scraping.superherodb.crawl)
- ("fold", index, folds): a cross-validation fold starts
- ("phase", name, epochs): a training phase starts, at most `epochs` long
- ("epoch", epoch, epochs, logs): an epoch ended (counting from 1); logs maps "loss",
  "val_loss" and others to floats
- ("saving",): the training is over and the model is being written and checked

A caller ignores the events it does not know. `ProgressBars` shows them in a terminal.
"""

from tqdm import tqdm

STAGES = {
    "scan": ("Checking images", "img"),
    "images": ("Decoding", "img"),
    "features": ("Backbone features", "img"),
    "classify": ("Classifying", "img"),
    "heroes": ("Heroes saved", "hero"),
}
SHOWN_LOGS = ("loss", "val_loss", "val_accuracy")


def ignore(*event):
    """The progress callable of a caller that does not want to know."""


class ProgressBars:
    """A progress callable: one tqdm bar per stage or training phase."""

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
                {key: f"{value:.3f}" for key, value in logs.items() if key in SHOWN_LOGS}
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
