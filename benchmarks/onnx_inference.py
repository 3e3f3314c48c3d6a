"""Inference time: skmnist's predict, onnxruntime and MLPClassifier, one run.

The three serve the same 784-256-128-10 network shape on the same float32 rows
of raw MNIST test pixels scaled to [0, 1]: skmnist's ``predict`` and
``predict_proba`` (NumPy), the model exported by ``skmnist.to_onnx`` run by
onnxruntime (one call gives labels and probabilities), and scikit-learn's
``MLPClassifier.predict`` for reference. The networks are trained one epoch
on a few thousand rows: the time of a forward pass does not depend on the
weights. Each round times every contender in turn (so they share the
machine's noise): 10,000 rows in one call, and one row in a block of calls,
reported per call. The medians over the rounds are printed with the spread
(the lowest and the highest round) and the ratio to MLPClassifier. Usage::

    python benchmarks/onnx_inference.py [--rounds 15] [--out FILE.json]
"""

import argparse
import json
import statistics
import time
import warnings

import numpy as np


def _contenders(X_train, y_train):
    """name -> (batch function, one-row function), all on float32 rows."""
    import onnxruntime as ort
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from skmnist import MNISTDenseClassifier, to_onnx

    ours = MNISTDenseClassifier(epochs=1, random_state=0).fit(X_train, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp = MLPClassifier((256, 128), max_iter=1, random_state=0)
        mlp.fit(X_train, y_train)
    session = ort.InferenceSession(
        to_onnx(ours).SerializeToString(), providers=["CPUExecutionProvider"]
    )

    def onnx(X):
        return session.run(None, {"X": X})

    return {
        "skmnist predict": ours.predict,
        "skmnist predict_proba": ours.predict_proba,
        "onnxruntime (label + proba)": onnx,
        "MLPClassifier predict": mlp.predict,
    }


def _seconds_per_call(function, X, calls):
    start = time.perf_counter()
    for _ in range(calls):
        function(X)
    return (time.perf_counter() - start) / calls


def _time(contenders, X, rounds, one_row_calls):
    """{name: {"predict10k": [ms per round], "predict1": [...]}}."""
    times = {name: {"predict10k": [], "predict1": []} for name in contenders}
    row = np.ascontiguousarray(X[:1])
    for function in contenders.values():  # warm-up: caches, thread pools
        function(X)
        function(row)
    for _ in range(rounds):
        for name, function in contenders.items():
            times[name]["predict10k"].append(1e3 * _seconds_per_call(function, X, 1))
            times[name]["predict1"].append(
                1e3 * _seconds_per_call(function, row, one_row_calls)
            )
    return times


def _summary(times, reference="MLPClassifier predict"):
    rows = []
    for name, cases in times.items():
        row = {"contender": name}
        for case, values in cases.items():
            median = statistics.median(values)
            reference_median = statistics.median(times[reference][case])
            row[case] = {
                "median_ms": round(median, 4),
                "min_ms": round(min(values), 4),
                "max_ms": round(max(values), 4),
                "ratio_to_mlp": round(median / reference_median, 3),
            }
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--one-row-calls", type=int, default=200)
    parser.add_argument("--train-rows", type=int, default=5000)
    parser.add_argument("--out", help="also write the figures to this JSON file")
    args = parser.parse_args()

    from skmnist import load_mnist

    train, test = load_mnist("train"), load_mnist("test")
    scale = np.float32(255)
    X_train = train.data[: args.train_rows].astype(np.float32) / scale
    X = test.data.astype(np.float32) / scale
    contenders = _contenders(X_train, train.target[: args.train_rows])
    times = _time(contenders, X, args.rounds, args.one_row_calls)
    rows = _summary(times)
    print(
        f"{args.rounds} rounds; median ms per call (lowest-highest round), "
        "ratio to MLPClassifier's median"
    )
    print(f"{'contender':30} {'10,000 rows':>30} {'1 row':>30}")
    for row in rows:
        cells = [
            f"{c['median_ms']:.3f} ({c['min_ms']:.3f}-{c['max_ms']:.3f}) "
            f"{c['ratio_to_mlp']:.2f}x"
            for c in (row["predict10k"], row["predict1"])
        ]
        print(f"{row['contender']:30} {cells[0]:>30} {cells[1]:>30}")
    if args.out:
        from skmnist._io import atomic_write

        atomic_write(args.out, json.dumps({"rounds": args.rounds, "rows": rows}))


if __name__ == "__main__":
    main()
