"""Pixel attributions: integrated gradients for 1,000 MNIST digits, timed.

Issue 33's goal: integrated gradients at 32 steps for 1,000 digits in under
a second on this machine (2 CPU cores), with NumPy only.

The network is the classifier's default shape, 784-256-128-10 ReLU, in
float32; its arrays are scikit-learn MLPClassifier's (the same names and
shapes as ours) fitted for a few epochs on 10,000 MNIST training digits, so
no Keras is involved. The digits are the first 1,000 test images, through
the standard pipeline (scaled to [0, 1]).

Timed side by side, in one process, medians of ``--rounds`` runs:

- ``skmnist``: :func:`skmnist.inspection.pixel_attributions` (the first
  layer's product once per digit, the steps batched after it);
- ``per_step``: the plain vectorised method, every step's interpolated
  images through the whole network and back (what the first-layer trick
  saves), on the same arrays;
- ``float64``: ``skmnist`` on the same network in float64;
- ``gradient`` and ``gradient_x_input``.

It also reports the completeness error (``|sum of attributions - (score -
baseline score)|``, relative to ``|score - baseline score|``) at 8, 32 and
128 steps. Usage::

    SKMNIST_DATA=../shared/data/mnist python benchmarks/attributions.py [--rounds 7]

Results go to ``benchmarks/results/attributions.{json,md}``.
"""

import argparse
import json
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results"


def _network(dtype):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from skmnist import MNISTDenseClassifier, load_mnist

    X, y = load_mnist("train", return_X_y=True, download=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((256, 128), max_iter=3, random_state=0)
        mlp.fit(X[:10_000] / 255.0, y[:10_000])
    clf = MNISTDenseClassifier()
    clf.coefs_ = [w.astype(dtype) for w in mlp.coefs_]
    clf.intercepts_ = [b.astype(dtype) for b in mlp.intercepts_]
    clf.classes_, clf.n_features_in_ = mlp.classes_, 784
    return clf


def _per_step(clf, X, n_steps):
    """Integrated gradients with every step through the whole network."""
    from skmnist import _forward

    coefs, intercepts, activation = clf.coefs_, clf.intercepts_, clf.activation
    logits = _forward.logits(X, coefs, intercepts, activation)
    weights = np.zeros_like(logits)
    weights[np.arange(len(X)), logits.argmax(axis=1)] = 1
    total = np.zeros_like(X)
    for k in range(n_steps):
        alpha = X.dtype.type((k + 0.5) / n_steps)
        first = (alpha * X) @ coefs[0] + intercepts[0]
        _, grad = _forward.first_layer_gradient(
            first, coefs, intercepts, activation, weights
        )
        total += grad @ coefs[0].T
    return X * total / X.dtype.type(n_steps)


def _median_seconds(function, rounds):
    function()  # warm-up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def _markdown(record):
    rows = [
        f"| {name} | {t['median_s'] * 1000:.0f} | {min(t['rounds_s']) * 1000:.0f} |"
        for name, t in record["timings"].items()
    ]
    steps = [
        f"| {n} | {c['median_relative_error']:.1e} | {c['p95_relative_error']:.1e} |"
        for n, c in record["completeness"].items()
    ]
    return "\n".join(
        [
            f"# Pixel attributions: {record['n_digits']} MNIST test digits",
            "",
            f"`python benchmarks/attributions.py` ({record['machine']}, NumPy "
            f"{record['numpy']}; network {record['network']}; medians of "
            f"{record['rounds']} runs; the machine was shared: load average "
            f"{record['load_average'][0]:.1f} before, {record['load_average'][1]:.1f} "
            "after, so absolute times are noisy, the ratio less so).",
            "",
            "| job (32 steps for integrated gradients) | median ms | fastest ms |",
            "|---|---|---|",
            *rows,
            "",
            f"The first-layer trick is {record['speedup_over_per_step']:.1f}x "
            "faster than running every step through the whole network; the "
            "two differ by at most "
            f"{record['max_difference_from_per_step_relative_to_max']:.1e} of "
            "the largest attribution (float32 summation order).",
            "",
            "| steps | completeness error, median (relative) | 95th percentile |",
            "|---|---|---|",
            *steps,
            "",
        ]
    )


def main(argv=None):
    from skmnist import load_mnist
    from skmnist.inspection import pixel_attributions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n-digits", type=int, default=1000)
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    clf32, clf64 = _network(np.float32), _network(np.float64)
    images = load_mnist("test", download=False).data[: args.n_digits]
    X32 = (images / np.float32(255)).astype(np.float32)
    X64 = images / 255.0

    jobs = {
        "skmnist": lambda: pixel_attributions(clf32, X32, n_steps=32),
        "per_step": lambda: _per_step(clf32, X32, 32),
        "float64": lambda: pixel_attributions(clf64, X64, n_steps=32),
        "gradient": lambda: pixel_attributions(clf32, X32, method="gradient"),
        "gradient_x_input": lambda: pixel_attributions(
            clf32, X32, method="gradient_x_input"
        ),
    }
    timings = {}
    for name, job in jobs.items():
        median, times = _median_seconds(job, args.rounds)
        timings[name] = {"median_s": median, "rounds_s": times}
        print(f"{name:>17}: {median * 1000:8.1f} ms (median of {args.rounds})")

    ours = jobs["skmnist"]().attributions.reshape(len(X32), -1)
    plain = _per_step(clf32, X32, 32)
    same = np.abs(ours - plain).max() / np.abs(plain).max()
    completeness = {}
    for n_steps in (8, 32, 128):
        r = pixel_attributions(clf32, X32, n_steps=n_steps)
        change = (r.scores - r.baseline_scores).astype(np.float64)
        gap = np.abs(r.attributions.sum(axis=(1, 2)) - change) / np.abs(change)
        completeness[n_steps] = {
            "median_relative_error": float(np.median(gap)),
            "p95_relative_error": float(np.percentile(gap, 95)),
        }
        print(
            f"completeness at {n_steps:>3} steps: median {np.median(gap):.2e}, "
            f"95th percentile {np.percentile(gap, 95):.2e}"
        )
    record = {
        "n_digits": len(X32),
        "n_steps": 32,
        "network": "784-256-128-10 relu, float32 (float64 for the float64 row)",
        "rounds": args.rounds,
        "timings": timings,
        "speedup_over_per_step": timings["per_step"]["median_s"]
        / timings["skmnist"]["median_s"],
        "max_difference_from_per_step_relative_to_max": float(same),
        "completeness": completeness,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "load_average": [load_before, os.getloadavg()[0]],
        "numpy": np.__version__,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "attributions.json").write_text(json.dumps(record, indent=2) + "\n")
    (RESULTS / "attributions.md").write_text(_markdown(record))
    print(_markdown(record))
    return record


if __name__ == "__main__":
    main()
