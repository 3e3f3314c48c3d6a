"""skmnist against stock scikeras, plain Keras and scikit-learn's MLPClassifier.

One network for all four: 784-256-128-10, ReLU, softmax output, Adam
(learning rate 1e-3, epsilon 1e-8), batch 128, no dropout, no L2 penalty,
trained on MNIST scaled to float32 in [0, 1] and scored on the 10,000 test
images. Each contender runs in its own fresh process (``--worker``, reporting
JSON on stdout) with the default thread setup and, within a round, the same
seed:

* ``skmnist``: ``MNISTDenseClassifier(hidden_layer_sizes=(256, 128),
  dropout=0.0, alpha=0.0)``;
* ``scikeras``: scikeras' stock ``KerasClassifier`` around a plain build
  function (its defaults otherwise, so Keras' prediction batch of 32);
* ``keras``: the Keras model alone, ``model.fit`` on one-hot targets and
  ``model.predict`` (Keras' defaults otherwise);
* ``mlp``: ``sklearn.neural_network.MLPClassifier`` with the same settings.

Each fits one epoch (the "first epoch", which includes building and
compiling the network), then ``--epochs`` more with warm start; "fit s/epoch"
is the time of those epochs over their number. The contenders run in
``--rounds`` interleaved rounds (a fresh process each, all contenders in turn
per round, round r seeded 0 + r), and every timing and memory figure is the
median over the rounds: on a shared machine one process can be slowed by a
third or more, and interleaving spreads such spells over all contenders.
Prediction is timed on the 10,000 test images and on one image, as the median
of several calls after one warm-up call. Memory is the peak resident set size
of the process (``ru_maxrss``). Accuracy, on the test images, is the mean
over the rounds' seeds: after a few epochs one seed's accuracy differs from
another's by a few tenths of a point.

Each round ends with a process that measures the float32 GEMM rate of NumPy
and TensorFlow (and JAX with ``--backends tensorflow,jax``) on the matrix
products of one batch of the network, and the floor it sets for one epoch:
forward and backward passes cost 3 x the forward pass's FLOPs, times the
training samples. Each product is timed in repeated blocks of as many calls
as about 1 ms holds, or of one call where a call takes longer (0.2 to 9 ms
a block on the README's machine; for TensorFlow and JAX with the better of
one product per call and of a compiled loop of 16, since a call from Python
alone can halve TensorFlow's rate), and its rate is the median block's. The
median, not the best: the epoch it is compared with is a mean over seconds
of work, while the best of several hundred blocks of milliseconds is a quiet
moment's rate, one that rises with the number of blocks (on the 2-core
machine of the README, 16 to 34% above the median for TensorFlow and JAX).
The network's rate in the best block, and each contender's ratio to the
floor it gives, are printed beside them. The rate of a shared machine drifts
by half or more over a run, so each contender's "fit / floor" is the median
over the rounds of its epoch time over the floor of its own library
(TensorFlow, JAX or NumPy) measured in the same round; the rates printed are
the medians over the rounds.

Usage::

    python benchmarks/compare.py [--epochs 5] [--rounds 3] [--short] \
        [--backends tensorflow,jax] [--out DIR]

``--short`` (for CI) trains 2 epochs on 6,000 images in one round, with fewer
repeats:
figures for a smoke test, not for comparison. Results are printed as a
Markdown table and, with ``--out``, written to ``DIR/compare.json`` and
``DIR/compare.md``. A worker that fails makes the run exit with status 1.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from importlib import util

# The benchmarks' folder is on sys.path when this script runs.
from machine import describe_machine

from skmnist._io import atomic_write

SEED = 0
HIDDEN = (256, 128)
N_FEATURES = 784
N_CLASSES = 10
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
EPSILON = 1e-8
FULL_TRAIN = 60_000
RESULT_PREFIX = "COMPARE-RESULT "
REFERENCE = ("scikeras", "tensorflow")
CONTENDERS = ("skmnist", "scikeras", "keras", "mlp")
# The contenders that run on every Keras backend asked for.
MULTI_BACKEND = ("skmnist", "keras")
PACKAGES = ("tensorflow", "keras", "jax", "scikit-learn", "scikeras", "numpy")


# --------------------------------------------------------------------------
# Workers: each runs in a fresh process and prints one JSON line.


def _load_data(n_train):
    import numpy as np

    from skmnist import load_mnist

    X_train, y_train = load_mnist("train", return_X_y=True)
    X_test, y_test = load_mnist("test", return_X_y=True)
    scale = np.float32(255)
    X_train = (X_train[:n_train] / scale).astype(np.float32)
    X_test = (X_test / scale).astype(np.float32)
    return X_train, y_train[:n_train], X_test, y_test


def _rss_mb():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timings(call, repeats, inner=1):
    """Seconds per call of ``repeats`` timings of ``inner`` calls each."""
    call()  # warm-up: compiles the function for this shape
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(inner):
            call()
        times.append((time.perf_counter() - start) / inner)
    return times


def _median_seconds(call, repeats):
    return statistics.median(_timings(call, repeats))


def _keras_model():
    import keras

    layers = [keras.Input(shape=(N_FEATURES,))]
    layers += [keras.layers.Dense(units, activation="relu") for units in HIDDEN]
    layers.append(keras.layers.Dense(N_CLASSES, activation="softmax"))
    return keras.Sequential(layers)


class _Skmnist:
    def __init__(self, seed):
        from skmnist import MNISTDenseClassifier

        self.clf = MNISTDenseClassifier(
            hidden_layer_sizes=HIDDEN,
            dropout=0.0,
            alpha=0.0,
            learning_rate=LEARNING_RATE,
            learning_rate_schedule="constant",  # Adam at 1e-3, as the others
            epsilon=EPSILON,
            batch_size=BATCH_SIZE,
            epochs=1,
            random_state=seed,
        )
        from skmnist._rows import CHUNK_ROWS

        # skmnist predicts with NumPy, a chunk of rows at a time.
        self.predict_batch_size = f"NumPy, chunks of {CHUNK_ROWS} rows"

    def fit(self, X, y, epochs, warm):
        # n_iter_no_change > epochs: the stopping rule never ends a fit early.
        self.clf.set_params(warm_start=warm, epochs=epochs, n_iter_no_change=epochs + 1)
        self.clf.fit(X, y)
        return epochs if not warm else len(self.clf.history_["loss"]) - 1

    def predict(self, X):
        return self.clf.predict(X)


class _Scikeras:
    predict_batch_size = "Keras default (32)"

    def __init__(self, seed):
        from scikeras.wrappers import KerasClassifier

        def build(meta):  # the plain build function of scikeras' tutorial
            return _keras_model()

        self.clf = KerasClassifier(
            model=build,
            loss="categorical_crossentropy",
            optimizer="adam",
            optimizer__learning_rate=LEARNING_RATE,
            optimizer__epsilon=EPSILON,
            metrics=["accuracy"],
            batch_size=BATCH_SIZE,
            epochs=1,
            random_state=seed,
            verbose=0,
        )

    def fit(self, X, y, epochs, warm):
        self.clf.set_params(warm_start=warm, epochs=epochs)
        self.clf.fit(X, y)
        return epochs

    def predict(self, X):
        return self.clf.predict(X)


class _Keras:
    predict_batch_size = "Keras default (32)"

    def __init__(self, seed):
        import keras

        keras.utils.set_random_seed(seed)
        self.model = _keras_model()
        self.model.compile(
            optimizer=keras.optimizers.Adam(
                learning_rate=LEARNING_RATE, epsilon=EPSILON
            ),
            loss="categorical_crossentropy",
            metrics=["accuracy"],
        )

    def fit(self, X, y, epochs, warm):
        import keras

        Y = keras.utils.to_categorical(y, N_CLASSES)
        history = self.model.fit(X, Y, batch_size=BATCH_SIZE, epochs=epochs, verbose=0)
        return len(history.history["loss"])

    def predict(self, X):
        return self.model.predict(X, verbose=0).argmax(axis=1)


class _MLP:
    predict_batch_size = "all rows at once"

    def __init__(self, seed):
        from sklearn.neural_network import MLPClassifier

        self.clf = MLPClassifier(
            hidden_layer_sizes=HIDDEN,
            solver="adam",
            batch_size=BATCH_SIZE,
            learning_rate_init=LEARNING_RATE,
            epsilon=EPSILON,
            alpha=0.0,
            max_iter=1,
            random_state=seed,
        )

    def fit(self, X, y, epochs, warm):
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        before = self.clf.n_iter_ if warm else 0
        self.clf.set_params(
            warm_start=warm, max_iter=epochs, n_iter_no_change=epochs + 1
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.clf.fit(X, y)
        return self.clf.n_iter_ - before

    def predict(self, X):
        return self.clf.predict(X)


_WORKERS = {"skmnist": _Skmnist, "scikeras": _Scikeras, "keras": _Keras, "mlp": _MLP}


def _run_contender(name, backend, args):
    import numpy as np

    X_train, y_train, X_test, y_test = _load_data(args.n_train)
    contender = _WORKERS[name](args.seed)
    if name != "mlp":
        import keras

        backend = keras.backend.backend()  # the backend Keras really uses
    base_rss = _rss_mb()

    start = time.perf_counter()
    contender.fit(X_train, y_train, 1, warm=False)
    first_epoch = time.perf_counter() - start
    start = time.perf_counter()
    epochs_run = contender.fit(X_train, y_train, args.epochs, warm=True)
    fit_seconds = time.perf_counter() - start

    accuracy = float(np.mean(contender.predict(X_test) == y_test))
    predict_all = _median_seconds(lambda: contender.predict(X_test), args.repeats)
    one = X_test[:1]
    predict_one = _median_seconds(lambda: contender.predict(one), args.single_repeats)
    return {
        "name": name,
        "backend": backend,
        "n_train": len(y_train),
        "n_test": len(y_test),
        "first_epoch_s": first_epoch,
        "epochs": epochs_run,
        "fit_s": fit_seconds,
        "fit_s_per_epoch": fit_seconds / max(epochs_run, 1),
        "predict_test_ms": 1000 * predict_all,
        "predict_1_ms": 1000 * predict_one,
        "predict_repeats": args.repeats,
        "predict_1_repeats": args.single_repeats,
        "predict_batch_size": contender.predict_batch_size,
        "baseline_rss_mb": base_rss,
        "peak_rss_mb": _rss_mb(),
        "accuracy": accuracy,
    }


def _gemm_shapes():
    sizes = (N_FEATURES, *HIDDEN, N_CLASSES)
    return [(BATCH_SIZE, k, n) for k, n in zip(sizes[:-1], sizes[1:])]


def _forward_flops_per_sample():
    return sum(2 * k * n for _, k, n in _gemm_shapes())


# Products per call of the compiled loops that time TensorFlow's and JAX's
# matrix products without a dispatch from Python per product.
PRODUCTS_PER_LOOP = 16
# The network's rate in the best block of products (the floor takes the
# median block's): printed beside it, to show what a quiet moment gives.
BEST_BLOCK = "network, best block"


def _time_gemms(methods, make, sync, repeats):
    """GFLOP/s of each of the network's batch products, and of all together.

    ``methods`` are ``(matmul, products)`` pairs: ``matmul(a, b)`` computes
    ``products`` products of ``a`` and ``b``. Each product is timed in
    ``repeats`` blocks of calls (about 1 ms, or one call where a call takes
    longer). Its rate is the median block's
    of the fastest method, the rate a fit sees over an epoch; the best
    block's, a quiet moment's, is kept as ``BEST_BLOCK`` for the network.
    """
    import numpy as np

    rng = np.random.RandomState(SEED)
    rates, total_flops, total_seconds, best_seconds = {}, 0, 0.0, 0.0
    for m, k, n in _gemm_shapes():
        a = make(rng.rand(m, k).astype(np.float32))
        b = make(rng.rand(k, n).astype(np.float32))
        median = best = float("inf")
        for matmul, products in methods:
            call = lambda: sync(matmul(a, b))  # noqa: E731
            inner = max(1, int(1e-3 / min(_timings(call, 3))))
            blocks = _timings(call, repeats, inner)
            median = min(median, statistics.median(blocks) / products)
            best = min(best, min(blocks) / products)
        flops = 2 * m * k * n
        rates[f"{m}x{k} @ {k}x{n}"] = flops / median / 1e9
        total_flops += flops
        total_seconds += median
        best_seconds += best
    rates["network"] = total_flops / total_seconds / 1e9
    rates[BEST_BLOCK] = total_flops / best_seconds / 1e9
    return rates


def _tensorflow_product_loop(tf):
    """``PRODUCTS_PER_LOOP`` products in one graph loop, one after the other."""

    @tf.function
    def products(a, b):
        def step(i, total):
            return i + 1, total + tf.linalg.matmul(a, b)[0, 0]

        return tf.while_loop(
            lambda i, _: i < PRODUCTS_PER_LOOP,
            step,
            (0, 0.0),
            parallel_iterations=1,
        )[1]

    return products


def _jax_product_loop(jax):
    """``PRODUCTS_PER_LOOP`` products in one compiled loop.

    ``a`` goes around the loop through an optimization barrier, so that XLA
    cannot hoist the loop-invariant product out of the loop.
    """

    def step(_, state):
        a, b, total = jax.lax.optimization_barrier(state)
        return a, b, total + (a @ b)[0, 0]

    @jax.jit
    def products(a, b):
        return jax.lax.fori_loop(0, PRODUCTS_PER_LOOP, step, (a, b, 0.0))[2]

    return products


def _run_gemm(args):
    import numpy as np

    # 700 blocks per product and method in a full run (about 30 s in all).
    repeats = 100 * args.repeats
    results = {
        "numpy": _time_gemms([(np.matmul, 1)], lambda x: x, lambda c: c, repeats)
    }
    import tensorflow as tf

    # One product per call from Python, and a graph loop of them (as in a
    # training step): the faster counts.
    results["tensorflow"] = _time_gemms(
        [(tf.linalg.matmul, 1), (_tensorflow_product_loop(tf), PRODUCTS_PER_LOOP)],
        tf.constant,
        lambda c: c.numpy(),
        repeats,
    )
    if "jax" in args.backends.split(","):
        try:
            import jax
            import jax.numpy as jnp
        except ImportError:
            pass
        else:
            results["jax"] = _time_gemms(
                [(jax.jit(jnp.matmul), 1), (_jax_product_loop(jax), PRODUCTS_PER_LOOP)],
                jnp.asarray,
                lambda c: c.block_until_ready(),
                repeats,
            )
    return {"name": "gemm", "gflops": results, "peak_rss_mb": _rss_mb()}


def _worker(args):
    if args.worker == "gemm":
        result = _run_gemm(args)
    elif args.worker == "small":
        result = _run_small(args)
    else:
        result = _run_contender(args.worker, args.backend, args)
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------
# The driver: starts the workers, prints and writes the results.


def _spawn(name, backend, args, timeout, seed=SEED):
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONHASHSEED=str(SEED))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        name,
        "--backend",
        backend,
        "--backends",
        args.backends,
        "--epochs",
        str(args.epochs),
        "--n-train",
        str(args.n_train),
        "--repeats",
        str(args.repeats),
        "--single-repeats",
        str(args.single_repeats),
        "--seed",
        str(seed),
    ]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        return {"name": name, "backend": backend, "error": f"timed out: {exc}"}
    for line in reversed(proc.stdout.splitlines()):
        if proc.returncode == 0 and line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
            result["process_s"] = time.perf_counter() - start
            return result
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
    return {
        "name": name,
        "backend": backend,
        "error": f"worker exited with status {proc.returncode}:\n{tail}",
    }


_IMPORTS = {
    "sklearn": "import sklearn.base",
    "skmnist": (
        "import sys; from skmnist import MNISTDenseClassifier; "
        "print('TF' if 'tensorflow' in sys.modules else 'NO-TF')"
    ),
}


def _import_times(repeats):
    """Wall times of fresh interpreters importing scikit-learn and skmnist.

    The two imports alternate, ``repeats`` pairs of fresh processes, so that a
    slow moment of a shared machine falls on both: the cost of skmnist is the
    median of the pairs' differences, next to the median time of each. Also
    whether ``from skmnist import MNISTDenseClassifier`` imported TensorFlow,
    and the time of ``skmnist --help`` (the console script).
    """

    def run(command):
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, check=True)
        return time.perf_counter() - start, proc.stdout

    runs = {name: [] for name in _IMPORTS}
    for _ in range(repeats):
        for name, code in _IMPORTS.items():
            runs[name].append(run([sys.executable, "-c", code]))
    times = {name: statistics.median(t for t, _ in runs[name]) for name in runs}
    times["skmnist_cost"] = statistics.median(
        t - base for (t, _), (base, _) in zip(runs["skmnist"], runs["sklearn"])
    )
    times["pairs"] = repeats
    times["skmnist_imports_tensorflow"] = any(
        out.strip() == "TF" for _, out in runs["skmnist"]
    )
    script = os.path.join(os.path.dirname(sys.executable), "skmnist")
    if os.path.exists(script):
        times["help"] = statistics.median(
            run([script, "--help"])[0] for _ in range(repeats)
        )
    return times


def _import_lines(times):
    cost = times.get("skmnist_cost", times["skmnist"] - times["sklearn"])
    pairs = times.get("pairs")
    method = (
        f"{pairs} alternated pairs of fresh processes" if pairs else "fresh processes"
    )
    lines = [
        f"Import ({method}, medians): `import sklearn.base` "
        f"{times['sklearn']:.2f} s; `from skmnist import MNISTDenseClassifier` "
        f"{times['skmnist']:.2f} s, {cost:+.2f} s (median of the pairs' "
        f"differences), TensorFlow imported: "
        f"{'yes' if times['skmnist_imports_tensorflow'] else 'no'}"
    ]
    if "help" in times:
        lines[0] += f"; `skmnist --help` {times['help']:.2f} s"
    return [lines[0] + "."]


def _fmt(value, digits):
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(row, reference, key):
    if reference is None or "error" in row or not reference.get(key):
        return "n/a"
    return f"{row[key] / reference[key]:.3g}x"


# Figures that vary from process to process: the merged row has their median.
_TIMED = (
    "first_epoch_s",
    "fit_s",
    "fit_s_per_epoch",
    "predict_test_ms",
    "predict_1_ms",
    "baseline_rss_mb",
    "peak_rss_mb",
    "process_s",
)


def _floor_seconds(gflops, n_samples):
    """The FLOP floor of one epoch on ``n_samples`` at ``gflops`` GFLOP/s."""
    return 3 * _forward_flops_per_sample() * n_samples / (gflops * 1e9)


def _add_floor_ratios(rows, gemms, n_samples):
    """Set each round's ``floor_ratio``: its epoch time over that round's floor."""
    for row, gemm in zip(rows, gemms):
        # The backend names the library: tensorflow, jax, or numpy for MLP.
        rates = gemm.get("gflops", {}).get(row["backend"])
        if "error" in row or rates is None:
            continue
        floor = _floor_seconds(rates["network"], n_samples)
        row["floor_s"] = floor
        row["floor_ratio"] = row["fit_s_per_epoch"] / floor
        if BEST_BLOCK in rates:
            best = _floor_seconds(rates[BEST_BLOCK], n_samples)
            row["best_block_floor_ratio"] = row["fit_s_per_epoch"] / best


def _merge_gemms(gemms):
    """The rounds' GEMM rates: medians per library and product, rounds kept."""
    failed = [gemm for gemm in gemms if "error" in gemm]
    if failed:
        return failed[0]
    medians = {
        library: {
            key: statistics.median(gemm["gflops"][library][key] for gemm in gemms)
            for key in rates
        }
        for library, rates in gemms[0]["gflops"].items()
    }
    return {
        "name": "gemm",
        "gflops": medians,
        "gflops_rounds": [gemm["gflops"] for gemm in gemms],
        "peak_rss_mb": max(gemm["peak_rss_mb"] for gemm in gemms),
    }


def _merge_rounds(rows):
    """One contender's row from its rounds: medians of the timed figures.

    A round that failed fails the row. Each round trains from its own seed,
    so the accuracy is the mean over the rounds' seeds (one seed's accuracy
    varies by a few tenths of a point); all rounds' values are kept.
    """
    failed = [row for row in rows if "error" in row]
    if failed:
        return failed[0]
    merged = dict(rows[0])
    for key in _TIMED:
        merged[key] = statistics.median(row[key] for row in rows)
    merged["fit_s_per_epoch_rounds"] = [row["fit_s_per_epoch"] for row in rows]
    # Round 0's floor is not the run's: a ratio only if every round has one.
    for key in ("floor_s", "floor_ratio", "best_block_floor_ratio"):
        merged.pop(key, None)
        values = [row.get(key) for row in rows]
        if None not in values:
            merged[key] = statistics.median(values)
            if key != "floor_s":
                merged[f"{key}_rounds"] = values
    merged["accuracy_rounds"] = [row["accuracy"] for row in rows]
    merged["accuracy"] = statistics.fmean(merged["accuracy_rounds"])
    return merged


def _table(results, skipped):
    reference = next(
        (
            r
            for r in results
            if (r["name"], r["backend"]) == REFERENCE and "error" not in r
        ),
        None,
    )
    header = (
        "| contender | backend | fit s/epoch | first epoch s | predict 10k ms "
        "| predict 1 ms | peak RSS MB | accuracy | fit / floor | fit / scikeras "
        "| predict 10k / scikeras | predict 1 / scikeras | RSS / scikeras |"
    )
    lines = [header, "|" + "---|" * header.count(" | ") + "---|"]
    spreads = []
    for row in results:
        if "fit_s_per_epoch_rounds" in row and len(row["fit_s_per_epoch_rounds"]) > 1:
            rounds = ", ".join(_fmt(v, 3) for v in row["fit_s_per_epoch_rounds"])
            accuracies = ", ".join(_fmt(v, 4) for v in row["accuracy_rounds"])
            floors = ", ".join(f"{v:.2f}x" for v in row.get("floor_ratio_rounds", []))
            floors = f"; fit / floor {floors}" if floors else ""
            best = row.get("best_block_floor_ratio_rounds", [])
            if best:
                floors += ", at the best block's rate " + ", ".join(
                    f"{v:.2f}x" for v in best
                )
            spreads.append(
                f"{row['name']} ({row['backend']}) {rounds} ({accuracies}{floors})"
            )
        if "error" in row:
            cells = ["FAILED"] + ["n/a"] * 10
        else:
            cells = [
                _fmt(row["fit_s_per_epoch"], 3),
                _fmt(row["first_epoch_s"], 3),
                _fmt(row["predict_test_ms"], 1),
                _fmt(row["predict_1_ms"], 2),
                _fmt(row["peak_rss_mb"], 0),
                _fmt(row["accuracy"], 4),
                "n/a" if "floor_ratio" not in row else f"{row['floor_ratio']:.2f}x",
                _ratio(row, reference, "fit_s_per_epoch"),
                _ratio(row, reference, "predict_test_ms"),
                _ratio(row, reference, "predict_1_ms"),
                _ratio(row, reference, "peak_rss_mb"),
            ]
        lines.append("| " + " | ".join([row["name"], row["backend"], *cells]) + " |")
    for name, backend, reason in skipped:
        cells = [f"skipped: {reason}"] + [""] * 10
        lines.append("| " + " | ".join([name, backend, *cells]) + " |")
    if spreads:
        lines += [
            "",
            "Fit s/epoch (accuracy; fit / floor) in each round: "
            + "; ".join(spreads)
            + ".",
        ]
    return lines


def _gemm_lines(gemm, n_train):
    if gemm is None or "error" in gemm:
        return ["GEMM rate: FAILED"]
    per_sample = _forward_flops_per_sample()
    lines = [
        "float32 GEMM rate on the network's batch products, GFLOP/s "
        "(median of repeated blocks of calls of about 1 ms or of one longer "
        "call, and the network's "
        "rate in the best block; TensorFlow and JAX: "
        f"the better of one product per call and a compiled loop of "
        f"{PRODUCTS_PER_LOOP}; median over the rounds, a process at the end "
        "of each):",
        "",
        "| library | " + " | ".join(next(iter(gemm["gflops"].values()))) + " |",
        "|---|" + "---|" * len(next(iter(gemm["gflops"].values()))),
    ]
    for library, rates in gemm["gflops"].items():
        lines.append(
            f"| {library} | " + " | ".join(f"{r:.1f}" for r in rates.values()) + " |"
        )
    if len(gemm.get("gflops_rounds", [])) > 1:
        lines += [
            "",
            "Network rate in each round: "
            + "; ".join(
                f"{library} "
                + ", ".join(
                    f"{rates[library]['network']:.1f}"
                    for rates in gemm["gflops_rounds"]
                )
                for library in gemm["gflops"]
            )
            + " GFLOP/s.",
        ]
    lines.append("")
    for samples in sorted({FULL_TRAIN, n_train}, reverse=True):
        flops = 3 * per_sample * samples
        floors = ", ".join(
            f"{library} {_floor_seconds(rates['network'], samples):.3f} s"
            for library, rates in gemm["gflops"].items()
        )
        best = ", ".join(
            f"{library} {_floor_seconds(rates[BEST_BLOCK], samples):.3f} s"
            for library, rates in gemm["gflops"].items()
            if BEST_BLOCK in rates
        )
        best = f" (at the best block's rate: {best})" if best else ""
        lines.append(
            f"FLOP floor of one epoch on {samples:,} samples (3 x {per_sample:,} "
            f"forward FLOPs per sample = {flops / 1e9:.1f} GFLOP): {floors}{best}."
        )
    return lines


def _report(machine, config, results, skipped, gemm, imports):
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    mode = "short (smoke test, figures not comparable)" if config["short"] else "full"
    lines = [
        "# skmnist against stock scikeras, plain Keras and MLPClassifier",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores "
        f"({machine['usable_cores']} usable); Python {machine['python']}, {versions}.",
        "",
        f"Run: {mode}"
        f"; network 784-{'-'.join(map(str, HIDDEN))}-10 ReLU, batch {BATCH_SIZE}, Adam "
        f"{LEARNING_RATE:g}; {config['n_train']:,} training images, 1 first epoch + "
        f"{config['epochs']} timed epoch(s); prediction: median of {config['repeats']} "
        f"calls on the 10,000 test images, of {config['single_repeats']} on one image; "
        f"{config['rounds']} interleaved round(s) of fresh processes, round r "
        f"seeded {SEED} + r: timings are the medians over the rounds, accuracy "
        "the mean. Ratios are to stock scikeras on TensorFlow.",
        "",
        *_table(results, skipped),
        "",
        *_gemm_lines(gemm, config["n_train"]),
        "",
        *_import_lines(imports),
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Small fits (issue 35): the fixed cost of a call, skmnist beside
# MLPClassifier in one process, and the first fit of a fresh process.

SMALL_GRID = {"batch_size": [32, 64]}
SMALL_EPOCHS = {"skmnist": "epochs", "mlp": "max_iter"}


def _small_estimator(name, hidden, **params):
    if name == "mlp":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(hidden, random_state=SEED, **params)
    from skmnist import MNISTDenseClassifier

    return MNISTDenseClassifier(hidden, random_state=SEED, **params)


def _digits():
    """scikit-learn's digits, pixels / 16 in float32."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X / 16).astype("float32"), y


def _run_small(args):
    """Each case for skmnist and MLPClassifier, alternated, in this process.

    A first skmnist fit pays the imports and the first compilation; then
    each figure is the median of ``args.repeats`` runs (one run of each
    contender after the other).
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import GridSearchCV

    warnings.simplefilter("ignore", ConvergenceWarning)
    X, y = _digits()
    _small_estimator("skmnist", (64,), epochs=1).fit(X, y)
    mnist_X, mnist_y = _load_data(1_000 * (args.repeats + 1))[:2]

    def digits_fit(name):
        _small_estimator(name, (64,), **{SMALL_EPOCHS[name]: 20}).fit(X, y)

    def grid_search(name):
        grid = {SMALL_EPOCHS[name]: [10, 20], **SMALL_GRID}
        GridSearchCV(_small_estimator(name, (64,)), grid, cv=3).fit(X, y)

    streams = {name: _small_estimator(name, HIDDEN) for name in ("skmnist", "mlp")}
    chunks = dict.fromkeys(streams, 0)

    def partial_fit(name):
        i = chunks[name]
        chunks[name] += 1
        rows = slice(1_000 * i, 1_000 * (i + 1))
        streams[name].partial_fit(mnist_X[rows], mnist_y[rows], classes=range(10))

    for name in streams:  # the first call builds the network
        partial_fit(name)
    cases = {
        "digits fit (64,), 20 epochs": digits_fit,
        "grid search 2x2, cv=3, digits": grid_search,
        "partial_fit, 1,000 MNIST rows": partial_fit,
    }
    result = {"name": "small", "backend": args.backend, "cases": {}}
    for case, run in cases.items():
        times = {"skmnist": [], "mlp": []}
        for _ in range(1 if "grid" in case else args.repeats):
            for name in times:
                start = time.perf_counter()
                run(name)
                times[name].append(time.perf_counter() - start)
        result["cases"][case] = {k: statistics.median(v) for k, v in times.items()}
    return result


_FIRST_FIT = (
    "import sys, time\n"
    "import sklearn.base, numpy\n"
    "start = time.perf_counter()\n"
    "sys.path.insert(0, {here!r})\n"
    "from compare import _digits, _small_estimator, SMALL_EPOCHS\n"
    "X, y = _digits()\n"
    "name = {name!r}\n"
    "_small_estimator(name, (64,), **{{SMALL_EPOCHS[name]: 20}}).fit(X, y)\n"
    "print(time.perf_counter() - start)\n"
)


def _first_fits(backend, pairs):
    """Seconds from ``import sklearn`` done to the end of a first digits fit.

    Fresh processes, skmnist and MLPClassifier alternated, ``pairs`` each;
    the medians.
    """
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONHASHSEED=str(SEED))
    here = os.path.dirname(os.path.abspath(__file__))
    times = {"skmnist": [], "mlp": []}
    for _ in range(pairs):
        for name in times:
            code = _FIRST_FIT.format(here=here, name=name)
            done = subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            times[name].append(float(done.stdout.split()[-1]))
    return {name: statistics.median(t) for name, t in times.items()}


def _small_report(machine, result, first):
    lines = [
        "# Small fits: skmnist beside MLPClassifier (issue 35)",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, Python "
        f"{machine['python']}. Keras backend: {result['backend']}. One process "
        "for the three cases (medians; a first fit paid the imports); the "
        "first fit in fresh processes, timed from `import sklearn` done.",
        "",
        "| case | skmnist | MLPClassifier | ratio |",
        "|---|---:|---:|---:|",
    ]
    rows = [*result["cases"].items(), ("first fit in a fresh process", first)]
    for case, times in rows:
        ours, theirs = times["skmnist"], times["mlp"]
        lines.append(
            f"| {case} | {ours * 1000:.0f} ms | {theirs * 1000:.0f} ms | "
            f"{ours / theirs:.1f}x |"
        )
    return "\n".join(lines) + "\n"


def _small_fits(args):
    backend = args.backends.split(",")[0]
    print(f"small fits ({backend}) ...", file=sys.stderr, flush=True)
    result = _spawn("small", backend, args, 1800)
    if "error" in result:
        print(f"small fits FAILED: {result['error']}", file=sys.stderr)
        return 1
    print("first fits in fresh processes ...", file=sys.stderr, flush=True)
    first = _first_fits(backend, 2 if args.short else 5)
    machine = describe_machine(PACKAGES)
    report = _small_report(machine, result, first)
    print(report)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        document = {"machine": machine, "small": result, "first_fit": first}
        atomic_write(
            os.path.join(args.out, "small_fits.json"),
            json.dumps(document, indent=2) + "\n",
        )
        atomic_write(os.path.join(args.out, "small_fits.md"), report)
    return 0


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="timed epochs (5)")
    parser.add_argument("--short", action="store_true", help="a quick smoke run for CI")
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="interleaved rounds (3; 1 with --short)",
    )
    parser.add_argument(
        "--backends",
        default="tensorflow",
        help="comma-separated Keras backends: tensorflow, jax (default: tensorflow)",
    )
    parser.add_argument("--out", help="folder for compare.json and compare.md")
    parser.add_argument(
        "--small-fits",
        action="store_true",
        help="only the small fits beside MLPClassifier (small_fits.json/.md)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="tensorflow", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    parser.add_argument("--n-train", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--single-repeats", type=int, default=None, help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    short = args.short
    if args.epochs is None:
        args.epochs = 1 if short else 5
    if args.n_train is None:
        args.n_train = 6_000 if short else FULL_TRAIN
    if args.repeats is None:
        args.repeats = 3 if short else 7 if not args.small_fits else 5
    if args.single_repeats is None:
        args.single_repeats = 10 if short else 50
    if args.rounds is None:
        args.rounds = 1 if short else 3
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    unknown = set(args.backends.split(",")) - {"tensorflow", "jax"}
    if unknown:
        parser.error(f"unknown backends {sorted(unknown)}: use tensorflow, jax")
    return args


def main(argv=None):
    args = _parse_args(argv)
    if args.worker:
        _worker(args)
        return 0
    if args.small_fits:
        return _small_fits(args)
    timeout = 600 if args.short else 3600
    backends = [b for b in ("tensorflow", "jax") if b in args.backends.split(",")]
    runs, skipped = [], []
    for name in CONTENDERS:
        if name == "mlp":
            runs.append((name, "numpy"))
            continue
        for backend in backends if name in MULTI_BACKEND else ["tensorflow"]:
            if backend == "jax" and util.find_spec("jax") is None:
                skipped.append((name, backend, "jax is not installed"))
            else:
                runs.append((name, backend))

    rounds, gemms = [], []
    for round_ in range(args.rounds):
        rounds.append([])
        for name, backend in runs:
            print(
                f"round {round_ + 1}/{args.rounds}: running {name} ({backend}) ...",
                file=sys.stderr,
                flush=True,
            )
            rounds[-1].append(_spawn(name, backend, args, timeout, SEED + round_))
        print(
            f"round {round_ + 1}/{args.rounds}: running gemm ...",
            file=sys.stderr,
            flush=True,
        )
        gemms.append(_spawn("gemm", "tensorflow", args, timeout))
    for rows in zip(*rounds):
        _add_floor_ratios(rows, gemms, args.n_train)
    results = [_merge_rounds(list(rows)) for rows in zip(*rounds)]
    gemm = _merge_gemms(gemms)
    print("timing imports ...", file=sys.stderr, flush=True)
    imports = _import_times(3 if args.short else 11)

    config = {
        "short": args.short,
        "epochs": args.epochs,
        "n_train": args.n_train,
        "repeats": args.repeats,
        "single_repeats": args.single_repeats,
        "rounds": args.rounds,
        "backends": backends,
        "seeds": [SEED + r for r in range(args.rounds)],
    }
    machine = describe_machine(PACKAGES)
    report = _report(machine, config, results, skipped, gemm, imports)
    print(report)
    failed = [r for r in [*results, gemm] if "error" in r]
    for row in failed:
        print(
            f"{row['name']} ({row['backend']}) FAILED: {row['error']}", file=sys.stderr
        )
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        document = {
            "machine": machine,
            "config": config,
            "forward_flops_per_sample": _forward_flops_per_sample(),
            "results": results,
            "skipped": [{"name": n, "backend": b, "reason": r} for n, b, r in skipped],
            "gemm": gemm,
            "imports": imports,
        }
        atomic_write(
            os.path.join(args.out, "compare.json"),
            json.dumps(document, indent=2) + "\n",
        )
        atomic_write(os.path.join(args.out, "compare.md"), report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
