"""Does micro-batching concurrent requests in a worker beat running them one at a time?

    .venv/bin/python -m bench.microbatch [--slug charts] [--clients 16] [--seconds 10]
In one process, `clients` threads each ask for one prediction after another, either directly
(one LiteRT interpreter per thread, as the site serves) or through a batcher thread that waits
up to --window ms to gather up to `clients` requests and runs them as one batch.
"""

import argparse
import os
import queue
import threading
import time

import numpy as np


def active_model(slug):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heroproject.settings")
    django.setup()
    from classifier.models import ImageClassifier
    from classifier.serving import active_version, model_for

    return model_for(active_version(ImageClassifier.objects.get(slug=slug)))


class Batcher:
    def __init__(self, model, largest, window):
        self.model, self.largest, self.window = model, largest, window
        self.requests = queue.Queue()
        threading.Thread(target=self.run, daemon=True).start()

    def predict(self, pixels):
        done = threading.Event()
        slot = {"pixels": pixels, "done": done}
        self.requests.put(slot)
        done.wait()
        return slot["result"]

    def run(self):
        while True:
            batch = [self.requests.get()]
            deadline = time.perf_counter() + self.window
            while len(batch) < self.largest:
                try:
                    batch.append(self.requests.get(timeout=max(0, deadline - time.perf_counter())))
                except queue.Empty:
                    break
            probabilities, _ = self.model.predict(np.concatenate([s["pixels"] for s in batch]))
            for slot, result in zip(batch, probabilities, strict=True):
                slot["result"] = result
                slot["done"].set()


def drive(predict, pixels, clients, seconds):
    latencies, lock = [], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            predict(pixels)
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / seconds, np.percentile(np.array(latencies) * 1000, [50, 95])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="charts")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--window", type=float, default=5, help="ms to wait for a fuller batch")
    options = parser.parse_args()
    model = active_model(options.slug)
    size = model.input_size
    pixels = np.random.default_rng(0).uniform(0, 255, (1, size, size, 3)).astype(np.float32)
    runs = {
        "one at a time": model.predict,
        f"micro-batches (<= {options.clients}, {options.window:g} ms window)": Batcher(
            model, options.clients, options.window / 1000
        ).predict,
    }
    print(f"{os.cpu_count()} cores, {options.clients} concurrent clients, {size} px")
    for name, predict in runs.items():
        drive(predict, pixels, options.clients, 2)  # warm-up
        rate, (p50, p95) = drive(predict, pixels, options.clients, options.seconds)
        print(f"{name:<40} {rate:7.1f} predictions/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
