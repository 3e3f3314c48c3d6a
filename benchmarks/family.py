"""Accuracy and fit time of the default pipeline across the MNIST family.

Two stages, each fit in its own process (``nice``-able, one at a time):

``--stage validation`` (how the presets were chosen): each candidate
configuration is fitted on 90% of a data set's training images and scored
on the other 10% (a stratified split, ``random_state=0``); the test set is
not read.

``--stage test`` (the closing figures): ``make_mnist_pipeline`` with each
data set's preset (``preset_for_dataset``) is fitted on the 60,000 training
images with each seed and scored once on the 10,000 test images.

Usage::

    SKMNIST_DATA=../shared/data/mnist \\
    SKMNIST_FASHION_MNIST_DATA=../shared/data/fashion-mnist \\
        python benchmarks/family.py --stage test [--seeds 0,1,2] \\
        [--datasets mnist,fashion-mnist] [--out benchmarks/results]

Writes ``family_<stage>.md`` and ``family_<stage>.json`` to ``--out``.
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

# The benchmarks' folder is on sys.path when this script runs.
from machine import machine_line

from skmnist._io import atomic_write

WORKER = r"""
import json, sys, time
import numpy as np
from sklearn.model_selection import train_test_split
from skmnist.augmentation import RandomDistortion
from skmnist.datasets._loaders import load_by_name
from skmnist.pipeline import make_mnist_pipeline, preset_for_dataset

CANDIDATES = {
    "preset": {},
    "default": {},
    "no-augmentation-20": {"augmentation": None, "epochs": 20},
    "no-augmentation-15": {"augmentation": None, "epochs": 15},
    "shifts-15": {
        "augmentation": RandomDistortion(shift=1.0, rotation=0.0, scale=0.0),
        "epochs": 15,
    },
}
dataset, stage, candidate, seed = sys.argv[1:4] + [int(sys.argv[4])]
X, y = load_by_name(dataset, "train", return_X_y=True, download=False)
if stage == "validation":
    X, X_eval, y, y_eval = train_test_split(
        X, y, test_size=0.1, stratify=y, random_state=0
    )
else:
    X_eval, y_eval = load_by_name(dataset, "test", return_X_y=True, download=False)
preset = preset_for_dataset(dataset) if candidate == "preset" else "default"
model = make_mnist_pipeline(preset, random_state=seed, **CANDIDATES[candidate])
start = time.perf_counter()
model.fit(X, y)
fit_time = time.perf_counter() - start
print(json.dumps({
    "dataset": dataset, "stage": stage, "candidate": candidate, "preset": preset,
    "seed": seed, "accuracy": float(np.mean(model.predict(X_eval) == y_eval)),
    "fit_seconds": round(fit_time, 1), "epochs": model[-1].n_iter_,
    "load_average": round(__import__("os").getloadavg()[0], 2),
}))
"""


def _run(dataset, stage, candidate, seed):
    run = subprocess.run(
        [sys.executable, "-c", WORKER, dataset, stage, candidate, str(seed)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        sys.stderr.write(run.stderr[-3000:])
        raise SystemExit(f"the {dataset} {candidate} run failed ({run.returncode})")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _markdown(results, stage, machine):
    lines = [
        f"Machine: {machine}. Stage: {stage} "
        + (
            "(90% of the training images fitted, 10% scored)."
            if stage == "validation"
            else "(60,000 training images fitted, the 10,000 test images scored)."
        ),
        "",
        "| data set | configuration | seeds | accuracy (mean) | min | max "
        "| fit time (mean) | max fit | load average |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    groups = {}
    for r in results:
        groups.setdefault((r["dataset"], r["candidate"], r["preset"]), []).append(r)
    for (dataset, candidate, preset), runs in groups.items():
        acc = [r["accuracy"] for r in runs]
        fit = [r["fit_seconds"] for r in runs]
        name = f"preset `{preset}`" if candidate == "preset" else f"`{candidate}`"
        lines.append(
            f"| {dataset} | {name} | {','.join(str(r['seed']) for r in runs)} "
            f"| {statistics.mean(acc):.2%} | {min(acc):.2%} | {max(acc):.2%} "
            f"| {statistics.mean(fit):.0f} s | {max(fit):.0f} s "
            f"| {max(r['load_average'] for r in runs):.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=["validation", "test"], default="test")
    parser.add_argument("--datasets", default="mnist,fashion-mnist")
    parser.add_argument(
        "--candidates",
        default="default,no-augmentation-20,no-augmentation-15,shifts-15",
        help="configurations tried in the validation stage",
    )
    parser.add_argument("--seeds", default=None, help="default: 0 (validation), 0,1,2")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    validation = args.stage == "validation"
    seeds = args.seeds or ("0" if validation else "0,1,2")
    candidates = args.candidates.split(",") if validation else ["preset"]
    results = []
    for dataset in args.datasets.split(","):
        for candidate in candidates:
            for seed in map(int, seeds.split(",")):
                result = _run(dataset, args.stage, candidate, seed)
                results.append(result)
                print(json.dumps(result), flush=True)
    machine = machine_line()
    table = _markdown(results, args.stage, machine)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / f"family_{args.stage}.md", table)
    atomic_write(
        args.out / f"family_{args.stage}.json",
        json.dumps({"machine": machine, "results": results}, indent=2) + "\n",
    )


if __name__ == "__main__":
    main()
