"""Wall time of a grid search with ``n_jobs=1`` and ``n_jobs=2``.

A ``GridSearchCV`` of ``make_mnist_pipeline(random_state=0)`` (the default
784-256-128-10 network) over ``epochs`` (5, 10) x ``batch_size`` (64, 128),
``cv=2``, on the first ``--samples`` MNIST training images (from
``SKMNIST_DATA``), without the final refit (one more fit, the same in every
case, in the main process). Each case runs in its own fresh process and times
``search.fit``, TensorFlow's start-up in the process(es) that fit included:

* ``n_jobs=1``: the fits one after the other in the process;
* ``n_jobs=2``: two loky worker processes; joblib gives each
  ``OMP_NUM_THREADS = cpu_count() // 2`` and skmnist sizes TensorFlow's
  thread pools to that (``skmnist/_threads.py``);
* ``n_jobs=2, no thread limit``: the same with ``TF_NUM_INTRAOP_THREADS`` and
  ``TF_NUM_INTEROP_THREADS`` set to ``os.cpu_count()``, TensorFlow's default
  pool sizes, which skmnist then leaves alone: each worker runs as many
  threads as the machine has cores, as before the limit.

All cases must find the same scores (int ``random_state``: bitwise
reproducible fits). "cpu" is the CPU time of the whole case (process and
workers, start-up included), which depends less on other load on the machine
than the wall time does. Usage::

    SKMNIST_DATA=/path/to/mnist python benchmarks/search_parallel.py [--samples 10000]
"""

import argparse
import json
import os
import resource
import subprocess
import sys

CASE = r"""
import json, sys, time
from sklearn.model_selection import GridSearchCV
from skmnist import load_mnist, make_mnist_pipeline

samples, n_jobs = int(sys.argv[1]), int(sys.argv[2])
X, y = load_mnist("train", return_X_y=True)
X, y = X[:samples], y[:samples]
grid = {"mnistdenseclassifier__epochs": [5, 10],
        "mnistdenseclassifier__batch_size": [64, 128]}
search = GridSearchCV(
    make_mnist_pipeline(random_state=0), grid, cv=2, n_jobs=n_jobs, refit=False
)
start = time.perf_counter()
search.fit(X, y)
seconds = time.perf_counter() - start
print(json.dumps({"n_jobs": n_jobs, "seconds": round(seconds, 1),
                  "scores": search.cv_results_["mean_test_score"].tolist(),
                  "best": search.best_params_}))
"""

CASES = [
    ("n_jobs=1", 1, {}),
    ("n_jobs=2", 2, {}),
    (
        "n_jobs=2, no thread limit",
        2,
        {
            "TF_NUM_INTRAOP_THREADS": str(os.cpu_count()),
            "TF_NUM_INTEROP_THREADS": str(os.cpu_count()),
        },
    ),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    args = parser.parse_args()
    if not os.environ.get("SKMNIST_DATA"):
        parser.error("set SKMNIST_DATA to the folder of the MNIST files")
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
    }
    base_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    print(f"{os.cpu_count()} CPUs, {args.samples} images, 4 candidates x cv=2")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    times = {}
    scores = []
    for name, n_jobs, env in CASES:
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(
            [sys.executable, "-c", CASE, str(args.samples), str(n_jobs)],
            env={**base_env, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = sum(
            getattr(cpu_after, field) - getattr(cpu_before, field)
            for field in ("ru_utime", "ru_stime")
        )
        report = json.loads(result.stdout.strip().splitlines()[-1])
        times[name] = report["seconds"]
        scores.append(report["scores"])
        print(
            f"{name:<27} search.fit {report['seconds']:6.1f} s wall, "
            f"case {cpu:6.1f} s cpu",
            flush=True,
        )
    sequential = times["n_jobs=1"]
    for name in ("n_jobs=2", "n_jobs=2, no thread limit"):
        print(f"speed-up of {name}: {sequential / times[name]:.2f}x")
    same = all(s == scores[0] for s in scores)
    print(f"same scores in all cases: {same}")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
