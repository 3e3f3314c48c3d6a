"""Threads: TensorFlow's thread pools follow the thread limit of a parallel
search, and fits run in threads give the results they give in sequence."""

import importlib.util
import os
import subprocess
import sys
import threading
import types
from xml.etree import ElementTree

import joblib
import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skmnist import MNISTDenseClassifier
from skmnist._backend import runtime as _threads

PRINT_THREADS = (
    "import skmnist._backend, tensorflow as tf\n"
    "print(tf.config.threading.get_intra_op_parallelism_threads(),"
    " tf.config.threading.get_inter_op_parallelism_threads())\n"
)


def test_importing_the_keras_module_applies_the_limit():
    # As in a loky worker of a search with n_jobs=2 on 2 cores.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _threads._TENSORFLOW_VARIABLES
    }
    env.update(OMP_NUM_THREADS="1", KERAS_BACKEND="tensorflow")
    result = subprocess.run(
        [sys.executable, "-c", PRINT_THREADS],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "1 1"


class _FakeThreading:
    """``tf.config.threading``'s two setters, recording or refusing calls."""

    def __init__(self, initialized=False):
        self.initialized = initialized
        self.calls = []

    def _set(self, name, n):
        if self.initialized:
            raise RuntimeError(f"{name} cannot be modified after initialization.")
        self.calls.append((name, n))

    def set_intra_op_parallelism_threads(self, n):
        self._set("intra", n)

    def set_inter_op_parallelism_threads(self, n):
        self._set("inter", n)


@pytest.fixture
def fake_tensorflow(monkeypatch):
    threading = _FakeThreading()
    tf = types.SimpleNamespace(config=types.SimpleNamespace(threading=threading))
    monkeypatch.setitem(sys.modules, "tensorflow", tf)
    for name in ("OMP_NUM_THREADS", *_threads._TENSORFLOW_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    return threading


@pytest.mark.parametrize(
    "omp, calls",
    [
        ("1", [("intra", 1), ("inter", 1)]),
        ("2", [("intra", 2), ("inter", 2)]),
        ("8", [("intra", 8), ("inter", 2)]),
        ("4,2", [("intra", 4), ("inter", 2)]),  # OpenMP's nested form
        ("0", []),  # not a limit
        ("many", []),
        ("", []),
    ],
)
def test_omp_num_threads_sets_both_pools(fake_tensorflow, monkeypatch, omp, calls):
    monkeypatch.setenv("OMP_NUM_THREADS", omp)
    result = _threads.configure_tensorflow_threads()
    assert fake_tensorflow.calls == calls
    assert result == (calls[0][1] if calls else None)


def test_no_limit_leaves_tensorflow_alone(fake_tensorflow):
    assert _threads.thread_limit() is None
    assert _threads.configure_tensorflow_threads() is None
    assert fake_tensorflow.calls == []


@pytest.mark.parametrize(
    "variable", ["TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"]
)
def test_tensorflow_variables_win(fake_tensorflow, monkeypatch, variable):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv(variable, "2")
    assert _threads.configure_tensorflow_threads() is None
    assert fake_tensorflow.calls == []


def test_an_initialised_runtime_is_left_alone(fake_tensorflow, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    fake_tensorflow.initialized = True
    assert _threads.configure_tensorflow_threads() is None  # and no RuntimeError


def test_real_initialised_tensorflow_does_not_raise(monkeypatch):
    tf = pytest.importorskip("tensorflow")
    tf.constant(1.0) + 1  # the runtime is initialised from here on
    before = tf.config.threading.get_intra_op_parallelism_threads()
    # TensorFlow raises only for a value other than the current one.
    monkeypatch.setenv("OMP_NUM_THREADS", str(before + 1))
    for name in _threads._TENSORFLOW_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert _threads.configure_tensorflow_threads() is None
    assert tf.config.threading.get_intra_op_parallelism_threads() == before


def test_without_tensorflow_nothing_happens(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _threads.configure_tensorflow_threads() is None


def test_a_dask_worker_limits_to_its_threads(monkeypatch):
    distributed = pytest.importorskip("distributed")
    # Dask's nanny sets OMP_NUM_THREADS=1 in its workers; the worker's own
    # thread count is what its tasks share.
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=3, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert client.submit(_threads.thread_limit, pure=False).result() == 3
    assert _threads.thread_limit() == 1  # outside a task: the variable


def _loky_worker_threads():
    import skmnist._backend  # noqa: F401  (what a fit in a worker imports)

    tf = sys.modules["tensorflow"]
    return (
        os.environ.get("OMP_NUM_THREADS"),
        tf.config.threading.get_intra_op_parallelism_threads(),
    )


def test_loky_workers_of_n_jobs_2_share_the_cores(monkeypatch):
    from joblib import Parallel, cpu_count, delayed

    for name in ("OMP_NUM_THREADS", *_threads._TENSORFLOW_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    results = Parallel(n_jobs=2, backend="loky")(
        delayed(_loky_worker_threads)() for _ in range(2)
    )
    expected = max(cpu_count() // 2, 1)
    assert results == [(str(expected), expected)] * 2


# Fits in threads (issue 34): a fit sets process-wide state for its duration
# (Keras' float type, the global seeds, TensorFlow's op determinism), so the
# engine runs one fit at a time; each fit then equals its sequential twin.


def _in_threads(jobs):
    """Run the jobs in threads started together; their results or errors."""
    start = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i):
        start.wait()
        try:
            results[i] = jobs[i]()
        except Exception as error:  # the test inspects it
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _fit(X, y, seed, **params):
    params = {"hidden_layer_sizes": (8,), "epochs": 2, "batch_size": 32, **params}
    return lambda: MNISTDenseClassifier(**params, random_state=seed).fit(X, y)


def _assert_same_network(got, expected):
    assert got.coefs_[0].dtype == expected.coefs_[0].dtype
    for a, b in zip(
        got.coefs_ + got.intercepts_,
        expected.coefs_ + expected.intercepts_,
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)
    assert got.loss_curve_ == pytest.approx(expected.loss_curve_, abs=1e-6)


@pytest.fixture(scope="module")
def small(mnist_small):
    X_train, y_train, _, _ = mnist_small
    return X_train[:300], y_train[:300]


def test_fits_in_threads_equal_their_sequential_twins(small):
    # float32, float64 and float32 again, started together: each sees its own
    # float type and seeds, none fails.
    X, y = small
    cases = [(X, 1), (X.astype(np.float64), 2), (X, 3)]
    threaded = _in_threads([_fit(data, y, seed) for data, seed in cases])
    for (data, seed), got in zip(cases, threaded):
        assert isinstance(got, MNISTDenseClassifier), got
        _assert_same_network(got, _fit(data, y, seed)())
    assert keras.config.floatx() == "float32"


class _FailAtEpochEnd(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        raise RuntimeError("this fit fails")


def test_a_fit_failing_in_one_thread_leaves_the_others_intact(small):
    X, y = small
    failing = MNISTDenseClassifier((8,), epochs=2, callbacks=[_FailAtEpochEnd()])
    jobs = [_fit(X, y, 1), lambda: failing.fit(X.astype(np.float64), y), _fit(X, y, 3)]
    first, error, third = _in_threads(jobs)
    assert isinstance(error, RuntimeError) and "this fit fails" in str(error)
    assert not hasattr(failing, "coefs_")
    _assert_same_network(first, _fit(X, y, 1)())
    _assert_same_network(third, _fit(X, y, 3)())
    assert keras.config.floatx() == "float32"


def test_threaded_search_equals_the_sequential_one(small):
    X, y = small

    def search(n_jobs):
        return GridSearchCV(
            MNISTDenseClassifier((8,), random_state=0),
            {"epochs": [1, 2], "batch_size": [32, 64]},
            cv=2,
            n_jobs=n_jobs,
        )

    with joblib.parallel_backend("threading"):
        threaded = search(2).fit(X, y)
    sequential = search(1).fit(X, y)
    for key in ("split0_test_score", "split1_test_score", "mean_test_score"):
        np.testing.assert_array_equal(
            threaded.cv_results_[key], sequential.cv_results_[key]
        )
    assert threaded.best_params_ == sequential.best_params_
    _assert_same_network(threaded.best_estimator_, sequential.best_estimator_)


class _CountingLock:
    """The engine's lock, counting how often it is taken."""

    def __init__(self):
        self.lock = threading.RLock()
        self.taken = 0

    def __enter__(self):
        self.taken += 1
        return self.lock.__enter__()

    def __exit__(self, *exc_info):
        return self.lock.__exit__(*exc_info)


def test_predicting_takes_no_lock(small, monkeypatch):
    X, y = small
    clf = _fit(X, y, 0)()
    lock = _CountingLock()
    monkeypatch.setattr(_threads, "ENGINE_LOCK", lock)
    clf.predict(X)
    clf.predict_proba(X)
    clf.predict_log_proba(X)
    clf.score(X, y)
    assert lock.taken == 0
    clf.partial_fit(X, y)  # a fit does take it
    assert lock.taken == 1


@pytest.mark.skipif(
    importlib.util.find_spec("jax") is None,
    reason="jax is not installed (pip install 'skmnist[jax]')",
)
def test_fits_in_threads_on_jax(tmp_path):
    # The tests above, run again with KERAS_BACKEND=jax in a process of its own.
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    report = tmp_path / "report.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += [__file__, "-k", "sequential_twins or failing_in_one or threaded_search"]
    command += [f"--junitxml={report}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    suite = ElementTree.parse(report).getroot().find("testsuite")
    counts = {
        key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")
    }
    assert counts == {"tests": 3, "failures": 0, "errors": 0, "skipped": 0}
