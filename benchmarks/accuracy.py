"""Test accuracy and fit time of skmnist's presets on the full MNIST.

Trains ``make_mnist_pipeline(preset)`` on the 60,000 training images for each
preset, each in its own process, and evaluates the final weights (no epoch is
picked by its test accuracy) on the 10,000 test images. Prints and writes
``accuracy.md`` (the table the README quotes) and ``accuracy.json``. Usage::

    SKMNIST_DATA=../shared/data/mnist python benchmarks/accuracy.py \\
        [--presets default,best-dense] [--backends tensorflow,jax] \\
        [--random-state 0] [--out benchmarks/results]

``--backends`` runs every preset under each Keras backend (JAX needs the
``jax`` extra); the default is TensorFlow alone.

``--epochs N`` overrides every preset's epoch count (a quick check of the
script; its figures are not the presets').
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

# The benchmarks' folder is on sys.path when this script runs.
from machine import machine_line

from skmnist._io import atomic_write
from skmnist.pipeline import PRESETS

WORKER = r"""
import json, resource, sys, time
import keras
from skmnist import load_mnist, make_mnist_pipeline
from skmnist.evaluation import EvaluationReport

preset, random_state, epochs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
params = {} if epochs == "preset" else {"epochs": int(epochs)}
X, y = load_mnist("train", return_X_y=True, download=False)
X_test, y_test = load_mnist("test", return_X_y=True, download=False)
model = make_mnist_pipeline(preset, random_state=random_state, **params)
start = time.perf_counter()
model.fit(X, y)
fit_time = time.perf_counter() - start
report = EvaluationReport.from_predictions(y_test, model.predict(X_test))
clf = model[-1]
print(json.dumps({
    "preset": preset,
    "backend": keras.backend.backend(),
    "random_state": random_state,
    "hidden_layer_sizes": list(clf.hidden_layer_sizes),
    "epochs": clf.n_iter_,
    "augmentation": clf.augmentation is not None,
    "accuracy": report.accuracy,
    "errors": report.n_errors,
    "fit_seconds": round(fit_time, 1),
    "most_confused": report.most_confused(3),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
}))
"""

# Published and measured anchors the table is read against (issue 6).
ANCHORS = [
    ("reference notebook (Keras, 2 dense layers)", "97-98%", ""),
    ("LeCun et al.: 2-layer MLP, 800 units", "98.4%", ""),
    (
        "plain Keras 256-128, dropout 0.2, cosine, 20 epochs (this CPU)",
        "98.41%",
        "27 s",
    ),
    (
        "plain Keras 1024-1024, dropout 0.3, shifts, 90 epochs (this CPU)",
        "99.32%",
        "14 min",
    ),
    ("Srivastava et al. 2014: dropout MLP", "about 99.0%", ""),
    ("Ciresan et al. 2010: deep MLP, elastic distortions, GPU", "99.65%", ""),
]


def _key(result):
    """What a row measured: the same key twice is the same measurement."""
    return (
        result["preset"],
        result["backend"],
        result["epochs"],
        result.get("random_state", 0),
    )


def _markdown(results, machine):
    machines = "; ".join(sorted({r.get("machine", machine) for r in results}))
    lines = [
        f"Machine: {machines}. Full MNIST, test accuracy of the final weights.",
        "",
        "| preset | backend | network | epochs | augmentation | test accuracy "
        "| errors | fit time | most confused (true→predicted: count) | commit |",
        "|---|---|---|---:|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        pairs = ", ".join(
            f"{p['true']}→{p['predicted']}: {p['count']}" for p in r["most_confused"]
        )
        network = "-".join(str(h) for h in r["hidden_layer_sizes"])
        lines.append(
            f"| `{r['preset']}` | {r['backend']} | {network} | {r['epochs']} "
            f"| {'yes' if r['augmentation'] else 'no'} | {r['accuracy']:.2%} "
            f"| {r['errors']} | {r['fit_seconds']:.0f} s | {pairs} "
            f"| {r.get('commit', '')} |"
        )
    if any("commit" not in r for r in results):
        lines += [
            "",
            "Rows without a commit were measured before this column existed; "
            "the `best-dense` ones before `DigitNormalizer` joined that preset.",
        ]
    lines += ["", "Anchors:", "", "| model | test accuracy | time |", "|---|---:|---:|"]
    lines += [f"| {name} | {acc} | {time} |" for name, acc, time in ANCHORS]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default="default,best-dense")
    parser.add_argument("--backends", default="tensorflow")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    if not os.environ.get("SKMNIST_DATA"):
        parser.error("set SKMNIST_DATA to the folder of the four MNIST files")
    results = []
    commit = (
        subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
        or "unknown"
    )
    machine = machine_line()
    runs = [
        (preset, backend)
        for preset in args.presets.split(",")
        for backend in args.backends.split(",")
    ]
    for preset, backend in runs:
        epochs = "preset" if args.epochs is None else str(args.epochs)
        run = subprocess.run(
            [sys.executable, "-c", WORKER, preset, str(args.random_state), epochs],
            capture_output=True,
            text=True,
            env={**os.environ, "KERAS_BACKEND": backend},
        )
        if run.returncode != 0:
            sys.stderr.write(run.stderr[-3000:])
            raise SystemExit(
                f"the {preset!r} run on {backend} failed (exit {run.returncode})"
            )
        result = json.loads(run.stdout.strip().splitlines()[-1])
        result.update(commit=commit, machine=machine)
        results.append(result)
        print(
            f"{preset} ({backend}): test accuracy {result['accuracy']:.4f} "
            f"({result['errors']} errors), fit {result['fit_seconds']} s, "
            f"{result['epochs']} epochs; "
            f"most confused: {result['most_confused']}",
            flush=True,
        )
    # The rows of earlier runs stay, each with the commit and machine it
    # was measured on, unless this run measured the same thing again.
    path = args.out / "accuracy.json"
    if path.exists():
        earlier = json.loads(path.read_text())
        ran = {_key(r) for r in results}
        for row in earlier["results"]:
            row.setdefault("machine", earlier["machine"])
            if _key(row) not in ran:
                results.append(row)
    order = {preset: i for i, preset in enumerate(PRESETS)}
    backends = {"tensorflow": 0, "jax": 1}
    results.sort(
        key=lambda r: (order.get(r["preset"], len(order)), backends.get(r["backend"]))
    )
    table = _markdown(results, machine)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / "accuracy.md", table)
    atomic_write(
        path,
        json.dumps({"machine": machine, "results": results}, indent=2) + "\n",
    )


if __name__ == "__main__":
    main()
