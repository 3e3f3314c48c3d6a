"""The one place that knows scikeras: the wrapper a network is fitted through.

scikeras 0.13 (April 2024) is its last release, and its maintainer points
users to Keras' own wrappers (adriangb/scikeras#337). skmnist keeps it, for
its users, behind this adapter: a move to ``keras.wrappers`` changes this
module alone.
"""

import sys

import keras
import sklearn

from skmnist.preprocessing import OneHotLabelEncoder


def _import_scikeras_wrappers():
    """scikeras' wrappers, without TensorFlow on another Keras backend.

    ``scikeras.utils.random_state`` imports TensorFlow when it can, for the
    ``random_state`` of scikeras' estimators, which skmnist does not use (it
    seeds the fit itself, see :func:`random_seed_scope`). On JAX that import
    costs seconds and hundreds of megabytes for nothing: it is blocked (a ``None``
    in ``sys.modules`` makes ``import tensorflow`` raise ImportError, which
    scikeras handles) while scikeras loads, and allowed again afterwards.
    """
    block = keras.backend.backend() != "tensorflow" and "tensorflow" not in sys.modules
    if block:
        sys.modules["tensorflow"] = None
    try:
        from scikeras.wrappers import KerasClassifier
    finally:
        if block:
            del sys.modules["tensorflow"]
    return KerasClassifier


KerasClassifier = _import_scikeras_wrappers()


class DenseKerasClassifier(KerasClassifier):
    """scikeras' ``KerasClassifier`` with skmnist's one-hot target encoder.

    Parameters
    ----------
    classes : array-like of shape (n_classes,)
        All the classes, so that a validation split or a ``partial_fit`` batch
        that lacks a class still encodes to the same columns.

    **kwargs
        Passed to ``KerasClassifier`` (scikeras' routing applies).
    """

    def __init__(self, classes=None, **kwargs):
        super().__init__(**kwargs)
        self.classes = classes

    @property
    def target_encoder(self):
        return OneHotLabelEncoder(classes=self.classes)

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        # MNISTDenseClassifier checked that X is finite: scikeras' check again
        # would be another pass over the training set.
        with sklearn.config_context(assume_finite=True):
            return super()._validate_data(X, y, reset=reset, y_numeric=y_numeric)


def fit_network(
    X,
    y,
    *,
    classes,
    spec,
    plan,
    callbacks,
    state=None,
    sample_weight=None,
    validation_data=None,
    model=None,
):
    """Fit ``model``, or a network built from ``spec`` (and ``state``).

    Runs ``plan.epochs`` epochs (fewer if a callback stops training) with
    ``callbacks`` (the complete list: the engine made it from the plan).
    Returns the trained Keras model and the history of this call. The
    scikeras wrapper is dropped afterwards: nothing of it is kept.
    """
    from skmnist._backend.network import build_dense_network

    if model is None:  # scikeras calls the builder with the routed arguments
        build = dict(
            model=build_dense_network,
            model__spec=spec,
            model__seed=plan.seed,
            model__state=state,
        )
    else:
        build = {"model": model}
    history = keras.callbacks.History()
    wrapper = DenseKerasClassifier(
        classes=classes,
        **build,
        epochs=plan.epochs,
        batch_size=plan.batch_size,
        shuffle=plan.shuffle,
        fit__verbose=plan.verbose,
        fit__callbacks=[*callbacks, history],
    )
    fit_kwargs = {} if validation_data is None else {"validation_data": validation_data}
    wrapper.fit(X, y, sample_weight=sample_weight, **fit_kwargs)
    return wrapper.model_, history.history
