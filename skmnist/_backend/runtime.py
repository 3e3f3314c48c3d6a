"""The training engine's runtime: threads, seeds, float types, log filters.

Everything here acts on global state of Keras, TensorFlow or NumPy for the
duration of a fit, and puts it back afterwards. Since that state is the
process's, :data:`ENGINE_LOCK` lets one fit at a time change it.

Threads: Keep TensorFlow within the share of the CPU a parallel search gives it.

A parallel grid search runs several fits at once: ``n_jobs`` processes with
joblib's loky backend, or tasks on the workers of a Dask cluster. joblib tells
each loky worker how many threads it may use through ``OMP_NUM_THREADS`` and
its siblings (``cpu_count() // n_jobs``), and Dask's nanny sets them to 1 in
its worker processes. OpenMP and BLAS follow these variables; TensorFlow's
thread pools do not: each process would run as many threads as the machine has
cores, and ``n_jobs`` fits would fight for the same cores.
:func:`configure_tensorflow_threads` applies the limit to TensorFlow, once,
when :mod:`skmnist._backend` is first imported in a process.
"""

import logging
import os
import random
import sys
import threading
from contextlib import contextmanager

import keras
import numpy as np

__all__ = [
    "ENGINE_LOCK",
    "configure_tensorflow_threads",
    "float_dtypes",
    "floatx_scope",
    "random_seed_scope",
    "thread_limit",
    "to_numpy",
]

#: Held for the whole of every use of the engine (a fit, a distortion of
#: images). A fit sets process-wide state for its duration: Keras' float
#: type, the global random seeds and TensorFlow's op determinism, and it
#: reads the global NumPy generator to shuffle. Two fits at once in threads
#: would read each other's settings (wrong float types, other seeds), so
#: they take turns: on a CPU one fit already keeps every core busy.
#: Re-entrant, so that a callback may fit another model in the same thread.
ENGINE_LOCK = threading.RLock()

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


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning.

    Every fitted network compiles its own train and predict functions once, so
    a grid search or cross-validation builds many of them; TensorFlow counts
    those as retracings and warns about a problem that is not there.
    """

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(_NoRetracingWarning())


def _tensorflow():
    """TensorFlow, if it is imported (Keras' TensorFlow backend imports it)."""
    return sys.modules.get("tensorflow")


def _tensorflow_backend():
    """TensorFlow when Keras runs on it, else None (JAX may import it too)."""
    return _tensorflow() if keras.backend.backend() == "tensorflow" else None


def to_numpy(value):
    """A new NumPy array holding a tensor's or a Keras variable's values.

    TensorFlow's tensors go through their own ``numpy()``: NumPy 2 warns
    (a DeprecationWarning per call) that their ``__array__``, which
    ``keras.ops.convert_to_numpy`` calls, takes no ``copy`` argument. The
    array is a copy, detached from the backend's buffer.
    """
    if isinstance(value, keras.Variable):
        value = value.value
    if _tensorflow_backend() is not None and hasattr(value, "numpy"):
        value = value.numpy()
    return np.array(value)


@contextmanager
def floatx_scope(dtype):
    """Keras' default float type set to ``dtype`` for one fit, then restored.

    The layers carry their dtype; the losses Keras adds up (the L2 penalties
    among them) follow ``floatx``, so a float64 network trains in float64.
    """
    previous = keras.config.floatx()
    keras.config.set_floatx(str(dtype))
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


def float_dtypes():
    """The float dtypes a network can compute in on the current Keras backend.

    float32 and float64, except on JAX without its 64-bit mode
    (``JAX_ENABLE_X64``): JAX then truncates float64 to float32 with a warning
    on every array, so float64 data is converted to float32 up front and the
    network is float32 throughout.
    """
    if keras.backend.backend() == "jax":
        import jax

        if not jax.config.read("jax_enable_x64"):
            return [np.float32]
    return [np.float32, np.float64]


@contextmanager
def random_seed_scope(seed):
    """Seed Python, NumPy and TensorFlow for a reproducible fit, then restore.

    Inside the scope the global seeds are ``seed`` and TensorFlow's op
    determinism is on, so a fit gives bitwise identical weights in any process.
    On exit, also when the body raises, the global random states, TensorFlow's
    global seed, its op-determinism flag and ``TF_DETERMINISTIC_OPS`` are put
    back as they were. With ``seed=None`` nothing is touched.

    TensorFlow's global seed is set as ``tf.random.set_seed`` sets it (see
    :func:`_set_tensorflow_seed`), without the clearing of TensorFlow's
    kernel cache that comes with it.
    """
    if seed is None:
        yield
        return
    tf = _tensorflow()
    python_state = random.getstate()
    numpy_state = np.random.get_state()
    env_flag = os.environ.get("TF_DETERMINISTIC_OPS")
    if tf is not None:
        from tensorflow.python.eager import context
        from tensorflow.python.framework import config

        tf_seed = context.global_seed()
        determinism = config.is_op_determinism_enabled()
    try:
        random.seed(seed)
        np.random.seed(seed)
        if tf is not None:
            os.environ["TF_DETERMINISTIC_OPS"] = "1"
            _set_tensorflow_seed(context, seed)
            config.enable_op_determinism()
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        if env_flag is None:
            os.environ.pop("TF_DETERMINISTIC_OPS", None)
        else:
            os.environ["TF_DETERMINISTIC_OPS"] = env_flag
        if tf is not None:
            _set_tensorflow_seed(context, tf_seed)
            if not determinism:
                config.disable_op_determinism()


def _set_tensorflow_seed(context, seed):
    """TensorFlow's global seed and operation-seed generator, set to ``seed``.

    What ``tf.random.set_seed`` does in eager mode, less its last step: it
    also clears the process's kernel cache (``TFE_ContextClearCaches``),
    which drops every compiled function's instantiated graph, so that each
    seeded fit (and each ``partial_fit`` call) optimised its train function
    and created its kernels again, 50 to 150 ms a fit on this project's
    machine (figures in ``benchmarks/results/small_fits.md``). The cache holds
    the state of stateful random kernels run eagerly; a fit's compiled steps
    use Keras' seed generators, whose state is a variable, so no trained value
    depends on that clearing.
    """
    try:
        hash(seed)
        generator = random.Random(seed)
    except TypeError:  # as TensorFlow does for a NumPy array
        generator = random.Random(int(np.array(seed)))
    ctx = context.context()
    ctx._seed = seed
    ctx._rng = generator
