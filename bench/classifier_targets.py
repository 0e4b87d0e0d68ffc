"""The image classifier issue's targets, measured: accuracy, head training time, inference time.

    .venv/bin/python -m bench.classifier_targets [--anime DIR]

1. On the anime scenes (5 classes x 30 images): test accuracy of a frozen EfficientNet-Lite0
   with a trained head against the small CNN trained from scratch, same split and seed; and
   letterbox against crop, on the images as they are and cut to 16:9 like screen captures.
2. Training the head on 500 images (the anime scenes and re-cropped copies): under 2 minutes.
3. One image through the saved model after warm-up, median of 50: under 60 ms.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import ImageOps

from mlcore.models import runtime
from mlcore.training import classifier_store, datasets, trainer
from mlcore.vision import images

ANIME = Path("/work/shared/data/anime_scenes")
IMAGE_COUNT = 500
RUNS = 50


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anime", type=Path, default=ANIME, help="one folder per class")
    args = parser.parse_args()
    if not args.anime.is_dir():
        sys.exit(f"Skipped: {args.anime} is missing; every figure here is measured on it.")
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch_dir = Path(scratch_dir)
        model = compare_accuracy(args.anime, scratch_dir)
        time_head_training(args.anime, scratch_dir / "500")
        time_inference(model, scratch_dir / "model", args.anime)


def compare_accuracy(root, work):
    """Print test accuracy for each setting; return the default lite0 result."""
    dataset = datasets.scan(root)
    wide = datasets.scan(cut_wide(dataset, work / "wide"))
    print(f"1. Test accuracy, {len(dataset.splits['test'])} test images, seed 0")
    runs = [
        ("efficientnet_lite0 head, letterbox", dataset, {}),
        ("efficientnet_lite0 head, crop", dataset, {"fit": "crop"}),
        ("efficientnet_lite0 head, letterbox, 16:9 cuts", wide, {}),
        ("efficientnet_lite0 head, crop, 16:9 cuts", wide, {"fit": "crop"}),
        ("scratch CNN, end to end", dataset, {"backbone": "scratch"}),
    ]
    results = {}
    for name, data, options in runs:
        result = trainer.train(data, **options)
        metrics = result.metrics
        print(
            f"   {name:46} accuracy {metrics['accuracy']:.2f}  top-3 {metrics['top3_accuracy']:.2f}"
            f"  macro F1 {metrics['macro_f1']:.2f}  ECE {metrics['ece']:.2f}"
            f"  ({result.seconds:.0f} s)"
        )
        results[name] = result
    return results[runs[0][0]]


def cut_wide(dataset, folder):
    """Copy every image cut to its middle 16:9 band, so letterbox and crop differ."""
    for sample in (s for samples in dataset.splits.values() for s in samples):
        image = images.read_image(sample.path)
        width, height = image.size
        target = folder / sample.label / sample.path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        band = round(width * 9 / 16)
        top = (height - band) // 2
        image.crop((0, top, width, top + band)).save(target, quality=92)
    return folder


def time_head_training(root, folder):
    """Train the head, with default settings, on IMAGE_COUNT images."""
    rng = np.random.default_rng(0)
    sources = sorted(root.glob("*/*.*"))
    for index in range(IMAGE_COUNT):
        source = sources[index % len(sources)]
        image = images.read_image(source)
        if index >= len(sources):  # a different random crop of the same scene
            width, height = image.size
            scale = rng.uniform(0.7, 0.95)
            w, h = int(width * scale), int(height * scale)
            left, top = int(rng.integers(0, width - w)), int(rng.integers(0, height - h))
            image = image.crop((left, top, left + w, top + h))
            if rng.random() < 0.5:
                image = ImageOps.mirror(image)
        target = folder / source.parent.name / f"{index:03d}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target, quality=92)
    dataset = datasets.scan(folder)
    phases = {}
    result = trainer.train(dataset, progress=lambda kind, *_: phases.setdefault(kind, now()))
    counts = {split: len(samples) for split, samples in dataset.splits.items()}
    copies = result.settings["augment_copies"]
    decoding = phases["features"] - phases["images"]
    features = phases["phase"] - phases["features"]
    head = result.history[0]
    print(f"2. Head training on {sum(counts.values())} images {counts}, {copies} augmented copies")
    print(
        f"   total {result.seconds:.1f} s (target < 120 s): decoding {decoding:.1f} s, features "
        f"{features:.1f} s, head {head['seconds']:.1f} s ({head['epochs']} epochs); "
        f"test accuracy {result.metrics['accuracy']:.2f}"
    )


def time_inference(result, directory, root):
    classifier_store.save(result, directory)
    classifier = runtime.load(directory)
    path = next(root.glob("*/*.*"))
    pixels = images.load_array(path, classifier.input_size, classifier.fit)[None]
    predict = median_ms(lambda: classifier.predict(pixels))
    keras_call = median_ms(lambda: result.model.predict_on_batch(pixels))
    end_to_end = median_ms(
        lambda: classifier.predict(
            images.load_array(path, classifier.input_size, classifier.fit)[None]
        )
    )
    print(f"3. One {classifier.input_size} px image, median of {RUNS} after warm-up")
    print(f"   served (TFLite, runtime.Predictor.predict) {predict:.1f} ms (target < 60 ms)")
    print(f"   decoding the 600x600 JPEG and predicting {end_to_end:.1f} ms")
    print(f"   for comparison, Keras predict_on_batch {keras_call:.1f} ms")


def median_ms(function):
    function()
    times = []
    for _ in range(RUNS):
        start = now()
        function()
        times.append(now() - start)
    return statistics.median(times) * 1000


def now():
    return time.perf_counter()


if __name__ == "__main__":
    main()
