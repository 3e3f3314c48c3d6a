"""A quiet start: TensorFlow's C++ log lines only when the user asks for them.

TensorFlow's C++ code logs to the process's standard error, at the level of
``TF_CPP_MIN_LOG_LEVEL`` (0 shows everything, 3 nothing). When the user has
not set it, :func:`quiet_start` sets it to 3 before TensorFlow is imported.
A few lines come before TensorFlow applies that level ("All log messages
before absl::InitializeLog() is called are written to STDERR", oneDNN's note,
and on a machine without a GPU, CUDA's "Could not find cuda drivers" and
"failed call to cuInit"): at level 3 they are dropped too, by pointing file
descriptor 2 at ``os.devnull`` while Keras imports TensorFlow and TensorFlow
lists its devices. Python's ``sys.stderr`` keeps its destination meanwhile,
so a Python warning or error of that time is still seen. A level the user
set (0, 1 or 2) is left to TensorFlow, which then prints those lines.

A lighter start too: :func:`without_jax_for_tensorflow` keeps TensorFlow's
import from importing JAX, which Keras' TensorFlow backend does not use.
"""

import io
import json
import os
import sys
from contextlib import contextmanager

_LEVEL = "TF_CPP_MIN_LOG_LEVEL"


@contextmanager
def quiet_start():
    """Import Keras (and TensorFlow) inside this scope, its devices listed.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` unless the user set it; at level 3 the
    native standard error is dropped for the scope (see the module's
    docstring). On exit, if TensorFlow is imported, lists its devices
    (their start-up lines fall inside the scope too).
    """
    os.environ.setdefault(_LEVEL, "3")
    if os.environ[_LEVEL].strip() != "3" or "tensorflow" in sys.modules:
        yield
        return
    with _native_stderr_dropped():
        yield
        tf = sys.modules.get("tensorflow")
        if tf is not None:
            tf.config.list_physical_devices()


@contextmanager
def _native_stderr_dropped():
    """File descriptor 2 to ``os.devnull``; Python's ``sys.stderr`` unchanged."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no descriptor 2 to redirect
        yield
        return
    python_stderr = sys.stderr
    try:
        writes_to_fd_2 = python_stderr.fileno() == 2
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        writes_to_fd_2 = False  # pytest's capture, an IDE's console...
    if writes_to_fd_2:
        sys.stderr = open(  # noqa: SIM115 (closed below, fd kept)
            saved, "w", closefd=False, encoding=python_stderr.encoding
        )
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        if writes_to_fd_2:
            sys.stderr.flush()
            sys.stderr.close()
            sys.stderr = python_stderr
        os.dup2(saved, 2)
        os.close(saved)


def _keras_backend_to_be():
    """The backend ``import keras`` will take, by Keras' own rule; None if unsure.

    ``KERAS_BACKEND`` if set, else the ``"backend"`` of ``keras.json`` in
    ``KERAS_HOME`` (or ``~/.keras``, or ``/tmp/.keras`` where the home is
    not writable), else TensorFlow.
    """
    if "KERAS_BACKEND" in os.environ:
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    path = os.path.expanduser(os.path.join(home, "keras.json"))
    try:
        with open(path) as file:
            config = json.load(file)
    except FileNotFoundError:
        return "tensorflow"
    except (OSError, ValueError):
        return None
    return config.get("backend", "tensorflow") if isinstance(config, dict) else None


@contextmanager
def without_jax_for_tensorflow():
    """Import Keras on TensorFlow inside this scope without importing JAX.

    TensorFlow's import imports JAX when it is installed (for TFLite's
    conversion of JAX functions, ``tensorflow.lite.python.util``): half a
    second of a first fit on this project's machine, for nothing on Keras'
    TensorFlow backend. When Keras will run on TensorFlow and neither is
    imported yet, ``import jax`` raises ImportError in the scope (a ``None``
    in ``sys.modules``), which TensorFlow handles; JAX can be imported as
    usual afterwards (only TFLite's conversion of JAX functions is then
    unavailable in the process). The block is process-wide while it lasts
    (the first import of Keras, seconds): another thread importing JAX at
    that moment gets the ImportError too.
    """
    block = (
        "jax" not in sys.modules
        and "tensorflow" not in sys.modules
        and _keras_backend_to_be() == "tensorflow"
    )
    if block:
        sys.modules["jax"] = None
    try:
        yield
    finally:
        if block and "jax" in sys.modules and sys.modules["jax"] is None:
            del sys.modules["jax"]
