"""Keep TensorFlow within the share of the CPU a parallel search gives it.

A parallel grid search runs several fits at once: ``n_jobs`` processes with
joblib's loky backend, or tasks on the workers of a Dask cluster. joblib tells
each loky worker how many threads it may use through ``OMP_NUM_THREADS`` and
its siblings (``cpu_count() // n_jobs``), and Dask's nanny sets them to 1 in
its worker processes. OpenMP and BLAS follow these variables; TensorFlow's
thread pools do not: each process would run as many threads as the machine has
cores, and ``n_jobs`` fits would fight for the same cores.
:func:`configure_tensorflow_threads` applies the limit to TensorFlow, once,
when :mod:`skmnist._keras` is first imported in a process.
"""

import os
import sys

__all__ = ["configure_tensorflow_threads", "thread_limit"]

# TensorFlow's own variables: when the user sets one, TensorFlow is left alone.
_TENSORFLOW_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def _parse_thread_count(text):
    """The first level of an ``OMP_NUM_THREADS`` value (``"4"`` or ``"4,2"``)."""
    if not text:
        return None
    try:
        count = int(text.split(",")[0].strip())
    except ValueError:
        return None
    return count if count >= 1 else None


def _dask_worker_threads():
    """``nthreads`` of the Dask worker running the current task, else None."""
    if "distributed" not in sys.modules:  # never import Dask for this
        return None
    try:
        from distributed import get_worker

        return int(get_worker().state.nthreads)
    except Exception:  # not in a task, or another version of distributed
        return None


def thread_limit():
    """The number of threads the current process is meant to use.

    Returns
    -------
    n_threads : int or None
        In a task on a Dask worker, the worker's number of threads (its tasks
        share the process, and so TensorFlow's pools). Elsewhere, the first
        level of ``OMP_NUM_THREADS`` when it is set to a positive integer, as
        joblib's loky backend does in its workers (``cpu_count() // n_jobs``,
        or ``inner_max_num_threads`` given to :func:`joblib.parallel_config`).
        None when the process runs under no limit.
    """
    n_threads = _dask_worker_threads()
    if n_threads is None:
        n_threads = _parse_thread_count(os.environ.get("OMP_NUM_THREADS"))
    return n_threads


def configure_tensorflow_threads():
    """Size TensorFlow's thread pools to the process's thread limit.

    When the process runs under a thread limit ``n`` (see
    :func:`thread_limit`), TensorFlow's intra-op pool gets ``n`` threads and
    its inter-op pool ``min(n, 2)``. TensorFlow is left alone when it is not
    imported (another Keras backend), when the process has no limit, when the
    user set ``TF_NUM_INTRAOP_THREADS`` or ``TF_NUM_INTEROP_THREADS``, and
    when its runtime is already initialised (the pools cannot change then).

    Returns
    -------
    n_threads : int or None
        The intra-op thread count that was set, or None if TensorFlow was left
        alone. Never raises.
    """
    tf = sys.modules.get("tensorflow")
    if tf is None or any(name in os.environ for name in _TENSORFLOW_VARIABLES):
        return None
    n_threads = thread_limit()
    if n_threads is None:
        return None
    try:
        tf.config.threading.set_intra_op_parallelism_threads(n_threads)
        tf.config.threading.set_inter_op_parallelism_threads(min(n_threads, 2))
    except RuntimeError:
        # "... cannot be modified after initialization": TensorFlow already ran.
        return None
    return n_threads
