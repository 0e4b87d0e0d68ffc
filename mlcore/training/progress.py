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
- ("comparing",): two saved classifiers are being compared (mlcore.training.comparison,
  reported by callers)
- ("collect", kept, wanted): images collected from the web and kept, of those wanted
  (scraping a class, reported by its caller)

A caller ignores the events it does not know. `title` names the stage an event starts or goes on
with, for every screen that shows one (`ProgressBars` in a terminal, the studio's job pages).
"""

from tqdm import tqdm

STAGES = {
    "scan": ("Checking images", "img"),
    "images": ("Decoding", "img"),
    "features": ("Backbone features", "img"),
    "classify": ("Classifying", "img"),
    "heroes": ("Heroes saved", "hero"),
    "collect": ("Collecting", "image"),
}
STEPS = {  # events that start a stage without counting
    "saving": "Saving and checking the new version",
    "comparing": "Comparing with the active version",
}
SHOWN_LOGS = ("loss", "val_loss", "val_accuracy")


def title(event, *args):
    """The stage an event belongs to, as people read it ("Training (head)"); None for an event
    that names no stage (an epoch goes on with its phase's)."""
    if event == "phase":
        return f"Training ({args[0].replace('_', ' ')})"
    if event == "fold":
        return f"Cross-validation: fold {args[0]} of {args[1]}"
    if event in STAGES:
        return STAGES[event][0]
    return STEPS.get(event)


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
            self.start(title(event, *args), epochs, "epoch", ("phase", name))
        elif event == "epoch":
            logs = args[2]
            self.bar.set_postfix(
                {key: f"{value:.3f}" for key, value in logs.items() if key in SHOWN_LOGS}
            )
            self.bar.update(1)
        elif event == "fold":
            self.close()
            self.stage = None
            tqdm.write(title(event, *args))
        elif event in STAGES:
            done, total = args
            self.start(title(event), total, STAGES[event][1], (event, total))
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
