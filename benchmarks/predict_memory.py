"""Peak memory of ``predict`` on 1,000,000 MNIST-sized rows.

Each case runs in its own process and reports the peak resident memory
(``ru_maxrss``) above the process's baseline after the input array exists:
skmnist's chunked prediction against one call over the whole array (what
``predict`` did before chunking). Usage::

    python benchmarks/predict_memory.py [--rows 1000000]
"""

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, resource, sys, time
import numpy as np
from skmnist import MNISTDenseClassifier
from skmnist import _classifier

rows, chunked = int(sys.argv[1]), sys.argv[2] == "chunked"
rng = np.random.RandomState(0)
X_train = rng.randint(0, 256, size=(2000, 784)).astype(np.uint8)
clf = MNISTDenseClassifier(epochs=1, random_state=0)
clf.fit(X_train, rng.randint(0, 10, 2000))
X = rng.randint(0, 256, size=(rows, 784), dtype=np.uint8)  # raw pixels, uint8
clf.predict(X[:10])
if not chunked:
    _classifier._PREDICT_CHUNK_ROWS = 10**9                    # one call, no chunks
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
y = clf.predict(X)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": rows, "chunked": chunked, "seconds": round(seconds, 2),
                  "input_mb": round(X.nbytes / 2**20), "peak_mb": round(peak / 1024),
                  "extra_peak_mb": round((peak - base) / 1024), "n_pred": len(y)}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    results = []
    for mode in ("chunked", "single"):
        out = (
            subprocess.run(
                [sys.executable, "-c", CASE, str(args.rows), mode],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        results.append(json.loads(out))
        print(out, flush=True)
    chunked, single = results
    print(
        f"extra peak memory, chunked / single call: "
        f"{chunked['extra_peak_mb']} MB / {single['extra_peak_mb']} MB "
        f"= {chunked['extra_peak_mb'] / max(single['extra_peak_mb'], 1):.2f}x; "
        f"time {chunked['seconds']} s / {single['seconds']} s"
    )


if __name__ == "__main__":
    main()
