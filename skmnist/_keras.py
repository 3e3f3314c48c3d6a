"""The Keras side of :class:`~skmnist.MNISTDenseClassifier`.

This private module holds everything that touches Keras, TensorFlow and scikeras:
the network builder, the scikeras wrapper it is fitted through and the scope
that seeds (and afterwards restores) the global random state. It is imported
only when a model is fitted or unpickled, so ``import skmnist`` stays light; a
move away from scikeras (unmaintained since 2024) changes this module alone.
"""

import logging
import os
import random
import sys
from contextlib import contextmanager

import keras
import numpy as np
from scikeras.wrappers import KerasClassifier

from skmnist.preprocessing import OneHotLabelEncoder


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning.

    Every fitted network compiles its own train and predict functions once, so
    a grid search or cross-validation builds many of them; TensorFlow counts
    those as retracings and warns about a problem that is not there.
    """

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(_NoRetracingWarning())

# scikit-learn's activation names (MLPClassifier) -> Keras' names.
ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "elu": "elu",
    "gelu": "gelu",
}


def build_dense_network(
    meta,
    hidden_layer_sizes=(256, 128),
    activation="relu",
    dropout=0.0,
    learning_rate=1e-3,
    seed=None,
):
    """Build and compile the dense softmax network.

    ``n_features_in_ -> Dense(units, activation) [-> Dropout] ... ->
    Dense(n_classes_, softmax)``, trained with Adam on categorical
    cross-entropy. Every initializer and dropout layer gets its own seed drawn
    from ``seed``, so a seeded build does not depend on any global state.
    """
    seeds = np.random.RandomState(seed).randint(np.iinfo(np.int32).max, size=64)
    seeds = iter(seeds.tolist()) if seed is not None else iter([None] * 64)

    inputs = keras.Input(
        shape=(meta["n_features_in_"],), dtype="float32", name="pixels"
    )
    x = inputs
    for i, units in enumerate(hidden_layer_sizes):
        x = keras.layers.Dense(
            units,
            activation=ACTIVATIONS[activation],
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            name=f"hidden_{i}",
        )(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, seed=next(seeds), name=f"dropout_{i}")(x)
    outputs = keras.layers.Dense(
        meta["n_classes_"],
        activation="softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
        name="softmax",
    )(x)
    model = keras.Model(inputs, outputs, name="mnist_dense")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


class DenseKerasClassifier(KerasClassifier):
    """scikeras' ``KerasClassifier`` with skmnist's one-hot target encoder.

    Parameters
    ----------
    classes : array-like of shape (n_classes,)
        All the classes, so that a validation split that lacks a class still
        encodes to the same columns.

    **kwargs
        Passed to ``KerasClassifier`` (scikeras' routing applies).
    """

    def __init__(self, classes=None, **kwargs):
        super().__init__(**kwargs)
        self.classes = classes

    @property
    def target_encoder(self):
        return OneHotLabelEncoder(classes=self.classes)

    def fit(self, X, y, **kwargs):
        try:
            return super().fit(X, y, **kwargs)
        finally:
            # The fit-only callbacks (early stopping) hold the model and a copy
            # of its best weights: drop them so the fitted wrapper pickles lean.
            self.set_params(fit__callbacks=None)
            self._fit_callbacks = []


def _tensorflow():
    """TensorFlow, if it is imported (Keras' TensorFlow backend imports it)."""
    return sys.modules.get("tensorflow")


@contextmanager
def random_seed_scope(seed):
    """Seed Python, NumPy and TensorFlow for a reproducible fit, then restore.

    Inside the scope the global seeds are ``seed`` and TensorFlow's op
    determinism is on, so a fit gives bitwise identical weights in any process.
    On exit, also when the body raises, the global random states, TensorFlow's
    global seed, its op-determinism flag and ``TF_DETERMINISTIC_OPS`` are put
    back as they were. With ``seed=None`` nothing is touched.
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
            tf.random.set_seed(seed)
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
            tf.random.set_seed(tf_seed)
            if not determinism:
                config.disable_op_determinism()


def wrap_network(model, classes, n_features, predict_batch_size):
    """A fitted :class:`DenseKerasClassifier` around an already trained ``model``.

    Used when loading a saved network: scikeras' public ``initialize`` sets up
    the target encoder and metadata without training.
    """
    wrapper = DenseKerasClassifier(
        classes=classes,
        model=model,
        predict__batch_size=predict_batch_size,
        predict__verbose=0,
    )
    X = np.zeros((len(classes), n_features), dtype=np.float32)
    return wrapper.initialize(X, np.asarray(classes))
