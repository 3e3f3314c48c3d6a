"""Every private name of Keras, TensorFlow and scikeras that skmnist relies on.

Private names can change in any release without notice. Each one the
training engine uses is listed here, with where it is used and why; the test
``tests/test_private_names.py`` checks each against the installed library and
fails with a message naming the library, its version and the name that is
gone. Where a public API does the job, skmnist uses it instead (the state of
a network is read and set through ``model.non_trainable_variables``,
``optimizer.variables`` and ``Variable.assign``; callbacks through Keras'
public ``CallbackList``).

An entry is ``(library, owner, name, kind, used_in)``: ``owner`` is a dotted
path to a module or class, ``kind`` is ``"attribute"`` (``name`` must be found
on ``owner``), ``"instance"`` (set on instances in ``owner.__init__``; checked
on a built instance) or ``"module"`` (``owner`` itself is a private module
holding ``name``).
"""

import importlib

from skmnist._versions import installed_version

PRIVATE_NAMES = [
    # keras.Model (Trainer): the in-graph fit loop (fit_loop.DenseNetwork.fit)
    # runs Keras' own epoch loop around its compiled steps.
    ("keras", "keras.Model", "_assert_compile_called", "attribute", "fit_loop"),
    ("keras", "keras.Model", "_get_metrics_result_or_logs", "attribute", "fit_loop"),
    ("keras", "keras.Model", "_should_eval", "attribute", "fit_loop"),
    ("keras", "keras.Model", "_symbolic_build", "attribute", "fit_loop"),
    ("keras", "keras.Model", "_initial_epoch", "instance", "fit_loop"),
    # Keras' JAX trainer: the stateless step's state, as Keras' fit keeps it.
    (
        "keras",
        "keras.src.backend.jax.trainer.JAXTrainer",
        "_get_jax_state",
        "attribute",
        "fit_loop (JAX)",
    ),
    (
        "keras",
        "keras.src.backend.jax.trainer.JAXTrainer",
        "jax_state_sync",
        "attribute",
        "fit_loop (JAX)",
    ),
    # Keras' Adam: FusedAdam (network.py) replaces its per-variable update
    # with TensorFlow's ResourceApplyAdam kernel on the same slots.
    (
        "keras",
        "keras.optimizers.Adam",
        "_backend_update_step",
        "attribute",
        "network.FusedAdam",
    ),
    ("keras", "keras.optimizers.Adam", "_get_variable_index", "attribute", "network"),
    ("keras", "keras.optimizers.Adam", "_momentums", "instance", "network.FusedAdam"),
    ("keras", "keras.optimizers.Adam", "_velocities", "instance", "network.FusedAdam"),
    # Keras' stopping callbacks: the improvement test, made in Python floats.
    (
        "keras",
        "keras.callbacks.EarlyStopping",
        "_is_improvement",
        "attribute",
        "callbacks",
    ),
    # TensorFlow's global seed and op-determinism flag, saved and restored
    # around a seeded fit (runtime.random_seed_scope): no public getter.
    (
        "tensorflow",
        "tensorflow.python.eager.context",
        "global_seed",
        "module",
        "runtime",
    ),
    # The process's eager context, whose seed runtime._set_tensorflow_seed sets.
    (
        "tensorflow",
        "tensorflow.python.eager.context",
        "context",
        "module",
        "runtime",
    ),
    (
        "tensorflow",
        "tensorflow.python.framework.config",
        "is_op_determinism_enabled",
        "module",
        "runtime",
    ),
    # TensorFlow's global seed, set as tf.random.set_seed sets it but without
    # its clearing of the kernel cache (runtime._set_tensorflow_seed): the
    # context's _seed, and its _rng, which _internal_operation_seed draws from.
    (
        "tensorflow",
        "tensorflow.python.eager.context.Context",
        "_seed",
        "instance",
        "runtime",
    ),
    (
        "tensorflow",
        "tensorflow.python.eager.context.Context",
        "_internal_operation_seed",
        "attribute",
        "runtime (reads _rng)",
    ),
    # scikeras: its input validation, wrapped to skip a second finiteness pass.
    (
        "scikeras",
        "scikeras.wrappers.KerasClassifier",
        "_validate_data",
        "attribute",
        "scikeras_adapter",
    ),
]
# Not checkable by lookup, and documented where used: Keras' TensorFlow
# softmax stores its input on its output tensor as ``_keras_logits``
# (network._categorical_accuracy reads it when present and falls back to the
# probabilities otherwise), and FusedAdam reads ``_distribution_strategy``
# only on TensorFlow to detect a distribution strategy; on JAX, fit_loop sets
# and reads Keras' ``_jax_state`` and ``_jax_state_synced`` as Keras' own fit
# does (tests/test_backends.py runs that loop against Keras' fit on JAX);
# runtime._set_tensorflow_seed sets TensorFlow's context ``_rng``, which
# ``tf.random.set_seed`` creates and the listed ``_internal_operation_seed``
# reads.


def _resolve(path):
    """The module or class at dotted ``path`` (a module, or module.Class)."""
    try:
        return importlib.import_module(path)
    except ImportError:
        module, _, attribute = path.rpartition(".")
        return getattr(importlib.import_module(module), attribute)


def _instance(cls):
    """A built instance of a Keras class (or TensorFlow's eager context), for
    names set in ``__init__``."""
    import keras

    if cls.__name__ == "Context" and cls.__module__.startswith("tensorflow."):
        from tensorflow.python.eager import context

        return context.context()  # the process's eager context
    if issubclass(cls, keras.Model):
        inputs = keras.Input((2,))
        return keras.Model(inputs, keras.layers.Dense(2)(inputs))
    instance = cls()
    if isinstance(instance, keras.optimizers.Optimizer):
        instance.build([keras.Variable([1.0])])
    return instance


def check(entry):
    """Raise ``AttributeError`` naming the library and version if ``entry`` is gone."""
    library, owner, name, kind, used_in = entry
    try:
        target = _resolve(owner)
        if kind == "instance":
            target = _instance(target)
        found = hasattr(target, name)
    except (ImportError, AttributeError):
        found = False
    if not found:
        raise AttributeError(
            f"{library} {installed_version(library) or '(not installed)'} no "
            f"longer has the private name {owner}.{name}, which skmnist's "
            "training engine uses in "
            f"skmnist/_backend/{used_in.split()[0].split('.')[0]}.py. Install the "
            "version range pinned in pyproject.toml, or adapt that module."
        )
