"""TensorFlow's thread pools follow the thread limit of a parallel search."""

import os
import subprocess
import sys
import types

import pytest

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
