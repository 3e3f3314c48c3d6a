"""Peak memory of prediction on 1,000,000 MNIST-sized uint8 images.

Each case runs in its own process and reports the peak resident memory
(``ru_maxrss``) above the process's peak once the input array exists:

- ``classifier``: the bare classifier's ``predict`` on uint8 rows (it
  converts a chunk of 8,192 rows at a time);
- ``pipeline``: ``make_mnist_pipeline(...).predict_proba`` on uint8 images
  (``MNISTPipeline`` runs every step on a chunk of rows at a time);
- ``pipeline, one pass``: scikit-learn's own ``Pipeline`` over the same fitted
  steps, which scales the whole input to float32 first (what
  ``make_mnist_pipeline`` did before issue 23).

Issue 23's goal: the pipeline peaks at most 0.5 GB above the input. Usage::

    python benchmarks/predict_memory.py [--rows 1000000]
"""

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, resource, sys, time
import numpy as np
from sklearn.pipeline import Pipeline
from skmnist import MNISTDenseClassifier, make_mnist_pipeline

rows, case = int(sys.argv[1]), sys.argv[2]
rng = np.random.RandomState(0)
X_train = rng.randint(0, 256, size=(2000, 28, 28)).astype(np.uint8)
y_train = rng.randint(0, 10, 2000)
if case == "classifier":
    model = MNISTDenseClassifier(epochs=1, random_state=0)
    model.fit(X_train.reshape(2000, -1) / np.float32(255), y_train)
    X = rng.randint(0, 256, size=(rows, 784), dtype=np.uint8)
    method = model.predict
else:
    model = make_mnist_pipeline(epochs=1, random_state=0).fit(X_train, y_train)
    if case == "pipeline, one pass":
        model = Pipeline(model.steps)
    X = rng.randint(0, 256, size=(rows, 28, 28), dtype=np.uint8)
    method = model.predict_proba
method(X[:10])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
out = method(X)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"case": case, "rows": rows, "seconds": round(seconds, 2),
                  "input_mb": round(X.nbytes / 2**20),
                  "output_mb": round(out.nbytes / 2**20),
                  "peak_mb": round(peak / 1024),
                  "extra_peak_mb": round((peak - base) / 1024)}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    results = {}
    for case in ("classifier", "pipeline", "pipeline, one pass"):
        out = (
            subprocess.run(
                [sys.executable, "-c", CASE, str(args.rows), case],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        results[case] = json.loads(out)
        print(out, flush=True)
    for case, r in results.items():
        print(
            f"{case}: {r['extra_peak_mb']} MB above the {r['input_mb']} MB input "
            f"(the result itself: {r['output_mb']} MB), {r['seconds']} s"
        )
    ours, one_pass = results["pipeline"], results["pipeline, one pass"]
    print(
        f"pipeline, chunked / one pass: {ours['extra_peak_mb']} MB / "
        f"{one_pass['extra_peak_mb']} MB (goal: <= 512 MB above the input)"
    )


if __name__ == "__main__":
    main()
