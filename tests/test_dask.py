"""Grid searches on a Dask cluster, from Python and from ``skmnist search``."""

import os
import socket
import sys

import numpy as np
import pytest

from skmnist.cli import main

GRID = {
    "mnistdenseclassifier__epochs": [1, 2],
    "mnistdenseclassifier__batch_size": [32, 64],
}


def _run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, as on a small real cluster.

    Worker processes (not threads) make the test honest: the search's tasks are
    pickled, shipped and unpickled, and each worker imports TensorFlow afresh.
    They start offline in about 10 s on 2 cores.
    """
    distributed = pytest.importorskip("distributed")
    environ = dict(os.environ)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    ) as cluster:
        # The nannies set OMP_NUM_THREADS=1 (and more) in this process too,
        # before spawning (dask/distributed#6681): undo it for later tests.
        for key in set(os.environ) - set(environ):
            del os.environ[key]
        os.environ.update(environ)
        yield cluster


@pytest.fixture(scope="module")
def client(cluster):
    from distributed import Client

    with Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def digits(mnist):
    """The first 600 training images, raw ``(600, 28, 28)`` uint8."""
    train, _ = mnist
    return train.images[:600], train.target[:600]


def _search(n_jobs=None):
    from sklearn.model_selection import GridSearchCV

    from skmnist import make_mnist_pipeline

    pipe = make_mnist_pipeline(
        hidden_layer_sizes=(16,), learning_rate=0.01, random_state=0
    )
    return GridSearchCV(pipe, GRID, cv=2, n_jobs=n_jobs)


def _fit_tasks(task_stream):
    """The (key, worker) of the joblib batches of fits in a Dask task stream."""
    return [
        (task["key"], task["worker"])
        for task in task_stream.data
        if "_fit_and_score" in str(task["key"])
    ]


def _tensorflow_intra_op_threads():
    """TensorFlow's intra-op thread setting in this process (None: not imported)."""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return None
    return tf.config.threading.get_intra_op_parallelism_threads()


def test_grid_search_on_dask_equals_the_sequential_search(client, cluster, digits):
    import joblib
    from distributed import get_task_stream

    X, y = digits
    sequential = _search(n_jobs=1).fit(X, y)
    with get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        on_dask = _search().fit(X, y)

    # The fits ran as tasks on the cluster's workers.
    fits = _fit_tasks(tasks)
    assert fits
    assert {worker for _, worker in fits} <= set(cluster.scheduler_info["workers"])
    # Same seeds, same folds, but not the same thread counts: a worker runs
    # TensorFlow and the BLAS on 1 thread, this process on 2, which may sum
    # products in another order. The networks then agree to float32 rounding
    # and a test image near a tie may change class: each score may differ by
    # at most one image of the fold's 300.
    one_image = 1 / (len(y) // 2)
    for key in ["mean_test_score", "split0_test_score", "split1_test_score"]:
        np.testing.assert_allclose(
            on_dask.cv_results_[key], sequential.cv_results_[key], atol=one_image
        )
    assert on_dask.best_score_ == pytest.approx(sequential.best_score_, abs=one_image)
    assert 0.3 < on_dask.best_score_ < 1
    # Each worker that fitted sized TensorFlow to its one thread (_threads.py).
    threads = client.run(_tensorflow_intra_op_threads)
    assert {threads[worker] for _, worker in fits} == {1}


def test_cli_search_on_a_dask_scheduler(
    client, cluster, small_mnist_dir, tmp_path, capsys
):
    import pandas as pd
    from distributed import get_task_stream

    address = cluster.scheduler_address
    with get_task_stream(client) as tasks:
        status, out, err = _run(
            capsys,
            "search",
            "--scheduler",
            address,
            "--epochs",
            "1,2",
            "--batch-size",
            "64",
            "--cv",
            "2",
            "--hidden",
            "16",
            "--max-samples",
            "600",
            "--data-home",
            small_mnist_dir,
            "--no-download",
            "--out",
            tmp_path,
        )
    assert status == 0, err
    assert f"Searching on the Dask cluster at {address} (2 workers)." in out
    results = pd.read_csv(tmp_path / "cv_results.csv")
    assert sorted(results["param_mnistdenseclassifier__epochs"]) == [1, 2]
    assert "Best:" in out
    fits = _fit_tasks(tasks)
    assert fits and {worker for _, worker in fits} <= set(
        cluster.scheduler_info["workers"]
    )
    # The CLI's client is gone; the cluster serves the next client.
    assert len(client.scheduler_info()["workers"]) == 2


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_unreachable_scheduler_is_a_one_line_error(monkeypatch, tmp_path, capsys):
    pytest.importorskip("distributed")
    monkeypatch.setattr("skmnist.cli._search._SCHEDULER_TIMEOUT", 1)
    address = f"tcp://127.0.0.1:{_closed_port()}"
    # No MNIST in --data-home: the scheduler is tried before the data is read.
    status, out, err = _run(
        capsys,
        "search",
        "--scheduler",
        address,
        "--data-home",
        tmp_path,
        "--no-download",
        "--out",
        tmp_path / "out",
    )
    assert status == 1
    assert err.startswith(
        f"skmnist: error: cannot connect to the Dask scheduler at {address}:"
    )
    assert "after 1 s" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_cli_malformed_scheduler_address_is_a_usage_error(tmp_path, capsys):
    pytest.importorskip("distributed")
    status, _, err = _run(capsys, "search", "--scheduler", "localhost", "--no-download")
    assert status == 2
    assert "argument --scheduler: missing port number in address 'localhost'" in err
    assert "tcp://host:8786" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_scheduler_without_dask_names_the_extra(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    status, _, err = _run(
        capsys,
        "search",
        "--scheduler",
        "tcp://127.0.0.1:8786",
        "--data-home",
        tmp_path,
        "--no-download",
    )
    assert status == 1
    assert 'pip install "skmnist[dask]"' in err
    assert len(err.strip().splitlines()) == 1
