"""What the digits' preparation costs ``predict``, side by side in one process.

The default pipeline (fitted for one epoch on 2,000 training images: the time
of ``predict`` does not depend on the weights) predicts MNIST's 10,000 test
images (best of 3) and one image (median of 50 single images), with and
without its :class:`~skmnist.DigitNormalizer` step; with ``--baseline``, also
through another version's ``skmnist/_preparation.py`` (e.g. one written out
by ``git show REV:skmnist/_preparation.py > old.py``), swapped in for the
step's function. Rounds alternate the variants; the best round is kept.
Issue 31's goal: ``predict`` on 10,000 raw images at most 1.5x its time
without the step, one image at most 1 ms.

Usage::

    SKMNIST_DATA=... python benchmarks/preparation_speed.py [--baseline old.py]
"""

import argparse
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

from machine import machine_line

from skmnist import load_mnist, make_mnist_pipeline
from skmnist import preprocessing as steps
from skmnist._io import atomic_write


def _seconds(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def _times(pipe, images):
    batch = min(_seconds(lambda: pipe.predict(images), 3))
    one = statistics.median(
        _seconds(lambda i=i: pipe.predict(images[i : i + 1]), 1)[0] for i in range(50)
    )
    return batch * 1e3, one * 1e3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    train, test = load_mnist("train"), load_mnist("test")
    X, y = train.images[:2000], train.target[:2000]
    without = make_mnist_pipeline(preparation=None, epochs=1, random_state=0)
    with_step = make_mnist_pipeline(epochs=1, random_state=0)
    variants = {"without the step": (without.fit(X, y), None)}
    variants["with the step"] = (with_step.fit(X, y), steps.prepare_digits)
    if args.baseline is not None:
        spec = importlib.util.spec_from_file_location("baseline", args.baseline)
        baseline = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(baseline)
        known = set(baseline.prepare_digits.__code__.co_varnames)

        def old_prepare(images, **options):
            options = {k: v for k, v in options.items() if k in known}
            return baseline.prepare_digits(images, **options)

        variants[f"with the step, {args.baseline.name}"] = (with_step, old_prepare)
    current = steps.prepare_digits
    rounds = {name: [] for name in variants}
    try:
        for _ in range(args.rounds):
            for name, (pipe, prepare) in variants.items():
                steps.prepare_digits = prepare or current
                rounds[name].append(_times(pipe, test.images))
    finally:
        steps.prepare_digits = current
    reference = min(batch for batch, _ in rounds["without the step"])
    lines = [
        "# The preparation's cost in predict (issue 31)",
        "",
        f"`python benchmarks/preparation_speed.py`; {machine_line()}.",
        "",
        "| pipeline | predict 10,000 (ms) | ratio | predict 1 (ms) |",
        "|---|---:|---:|---:|",
    ]
    results = {}
    for name, times in rounds.items():
        batch, one = min(b for b, _ in times), min(o for _, o in times)
        results[name] = {
            "predict_10k_ms": round(batch, 1),
            "predict_1_ms": round(one, 3),
        }
        lines.append(f"| {name} | {batch:.1f} | {batch / reference:.1f}x | {one:.3f} |")
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / "preparation_speed.md", report)
    atomic_write(
        args.out / "preparation_speed.json", json.dumps(results, indent=2) + "\n"
    )


if __name__ == "__main__":
    sys.exit(main())
