"""MNISTDenseClassifier: a Keras dense network as a scikit-learn classifier."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["MNISTDenseClassifier"]

_ACTIVATIONS = ("identity", "logistic", "tanh", "relu", "elu", "gelu")


def _flatten_images(X):
    """View ``(n, h, w[, c])`` array input as ``(n, h*w*c)``; leave the rest."""
    if not hasattr(X, "ndim") and not hasattr(X, "__array__"):
        # Nested lists: NumPy has to build the array anyway.
        try:
            X = np.asarray(X)
        except ValueError:
            return X  # ragged input, validate_data will explain
    if getattr(X, "ndim", 2) > 2:
        X = np.asarray(X)
        return X.reshape(X.shape[0], -1)
    return X


class MNISTDenseClassifier(ClassifierMixin, BaseEstimator):
    """Dense neural network classifier for MNIST-like images (Keras + scikeras).

    A multi-layer perceptron built with Keras: ``n_features`` inputs, one
    :class:`keras.layers.Dense` layer per entry of `hidden_layer_sizes` (with
    optional dropout after each), and a softmax output with one unit per
    class, trained with Adam on categorical cross-entropy over one-hot targets
    (:class:`~skmnist.OneHotLabelEncoder`). It is fitted through scikeras'
    ``KerasClassifier``, kept in `keras_classifier_`.

    The classifier follows scikit-learn's estimator contract, so it works in a
    :class:`~sklearn.pipeline.Pipeline`, in
    :class:`~sklearn.model_selection.GridSearchCV` (for example over `epochs`
    and `batch_size`), with :func:`~sklearn.model_selection.cross_val_score`,
    :func:`~sklearn.base.clone`, pickle and joblib.

    It accepts images ``(n_samples, 28, 28)`` or ``(n_samples, 28, 28, 1)``,
    flat pixels ``(n_samples, 784)``, a pandas DataFrame of pixel columns, or
    any 2-D numeric array; the data is used as float32. Like
    :class:`~sklearn.neural_network.MLPClassifier` it does not scale its input:
    for raw 0..255 pixels use :func:`~skmnist.make_mnist_pipeline`, which puts
    a :class:`~skmnist.PixelScaler` in front.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(256, 128)
        Number of units of each hidden layer (an int is one layer); ``()``
        gives a softmax regression with no hidden layer.

    activation : {"relu", "tanh", "logistic", "identity", "elu", "gelu"}, \
            default="relu"
        Activation of the hidden layers ("logistic" is the sigmoid).

    dropout : float in [0, 1), default=0.2
        Fraction of each hidden layer's units dropped during training.

    learning_rate : float > 0, default=1e-3
        Learning rate of the Adam optimizer.

    epochs : int >= 1, default=15
        Maximum number of passes over the training data.

    batch_size : int >= 1, default=128
        Number of samples per gradient update (the last batch may be smaller).

    early_stopping : bool, default=False
        Hold out `validation_fraction` of the training data (stratified), stop
        when the validation loss has not improved for `n_iter_no_change`
        epochs, and restore the weights of the best epoch.

    validation_fraction : float in (0, 1), default=0.1
        Fraction of the training data held out when ``early_stopping=True``.

    n_iter_no_change : int >= 1, default=5
        Epochs without improvement of the validation loss before stopping,
        when ``early_stopping=True``.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, dropout, shuffling and the validation
        split. An int gives identical predictions across fits and processes.
        The global random state (Python, NumPy, TensorFlow's seed and its
        op-determinism flag) is restored after `fit`.

    verbose : int, default=0
        0 is silent, 1 shows Keras' progress bar, 2 one line per epoch.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_features_in_ : int
        Number of features (pixels) seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    model_ : keras.Model
        The fitted Keras network.

    keras_classifier_ : scikeras.wrappers.KerasClassifier
        The fitted scikeras wrapper around `model_`.

    history_ : dict of str to list of float
        Per-epoch training metrics: ``loss``, ``accuracy`` and, with early
        stopping, ``val_loss`` and ``val_accuracy``.

    n_iter_ : int
        Number of epochs run.

    best_epoch_ : int or None
        With early stopping, the index (from 0) of the epoch whose weights were
        restored; None otherwise.

    See Also
    --------
    make_mnist_pipeline : Scaler, flattener and this classifier in a Pipeline.
    sklearn.neural_network.MLPClassifier : Scikit-learn's own perceptron.

    Examples
    --------
    >>> from skmnist import MNISTDenseClassifier, PixelScaler, load_mnist
    >>> X, y = load_mnist(return_X_y=True)
    >>> X = PixelScaler().fit_transform(X[:2000])
    >>> clf = MNISTDenseClassifier(epochs=3, random_state=0).fit(X, y[:2000])
    >>> clf.predict(X[:5]).shape
    (5,)
    >>> clf.predict_proba(X[:1]).shape
    (1, 10)
    """

    _parameter_constraints = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 128),
        activation="relu",
        *,
        dropout=0.2,
        learning_rate=1e-3,
        epochs=15,
        batch_size=128,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Build the network and train it on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Training images or pixel rows.

        y : array-like of shape (n_samples,)
            Class labels (at least two classes).

        Returns
        -------
        self : MNISTDenseClassifier
            The fitted classifier.
        """
        hidden_layer_sizes = self._check_hidden_layer_sizes()
        X, y = validate_data(self, _flatten_images(X), y, dtype=np.float32)
        check_classification_targets(y)
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in y, "
                f"but y contains only 1 class: {classes[0]!r}."
            )
        seed = None
        if self.random_state is not None:
            seed = int(check_random_state(self.random_state).randint(2**31 - 1))

        fit_kwargs, callbacks = {}, None
        if self.early_stopping:
            X, y, fit_kwargs["validation_data"] = self._validation_split(
                X, y, classes, seed
            )
        from skmnist import _keras

        if self.early_stopping:
            import keras

            callbacks = [
                keras.callbacks.EarlyStopping(
                    monitor="val_loss",
                    patience=self.n_iter_no_change,
                    restore_best_weights=True,
                )
            ]
        keras_classifier = _keras.DenseKerasClassifier(
            classes=classes,
            model=_keras.build_dense_network,
            model__hidden_layer_sizes=hidden_layer_sizes,
            model__activation=self.activation,
            model__dropout=self.dropout,
            model__learning_rate=self.learning_rate,
            model__seed=seed,
            epochs=self.epochs,
            batch_size=self.batch_size,
            fit__callbacks=callbacks,
            fit__verbose=min(int(self.verbose), 2),
            predict__batch_size=self._predict_batch_size,
            predict__verbose=0,
            shuffle=True,
        )
        with _keras.random_seed_scope(seed):
            keras_classifier.fit(X, y, **fit_kwargs)

        self.keras_classifier_ = keras_classifier
        self.model_ = keras_classifier.model_
        self.classes_ = keras_classifier.classes_
        self.history_ = {k: list(v) for k, v in keras_classifier.history_.items()}
        self.n_iter_ = len(self.history_["loss"])
        self.best_epoch_ = None
        if self.early_stopping:
            self.best_epoch_ = int(np.argmin(self.history_["val_loss"]))
        return self

    def predict_proba(self, X):
        """Class probabilities of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Images or pixel rows shaped like the training data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), dtype float32
            Probability of each class (columns in the order of `classes_`).
        """
        check_is_fitted(self)
        X = self._validate_predict_data(X)
        return self.keras_classifier_.predict_proba(X)

    def predict(self, X):
        """Predict the class of each sample of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Images or pixel rows shaped like the training data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    @property
    def _predict_batch_size(self):
        return max(self.batch_size, 1024)

    def _set_network(self, model):
        """Attach a trained Keras network (used by :func:`skmnist.load_model`)."""
        from skmnist import _keras

        self.keras_classifier_ = _keras.wrap_network(
            model, self.classes_, self.n_features_in_, self._predict_batch_size
        )
        self.model_ = model

    def _validate_predict_data(self, X):
        shape = np.shape(X) if hasattr(X, "shape") else None
        if shape is not None and len(shape) > 2:
            n_pixels = int(np.prod(shape[1:]))
            if n_pixels != self.n_features_in_:
                raise ValueError(
                    f"X has images of shape {tuple(shape[1:])} ({n_pixels} pixels), "
                    f"but {type(self).__name__} is expecting {self.n_features_in_} "
                    "features as input."
                )
        return validate_data(self, _flatten_images(X), reset=False, dtype=np.float32)

    def _check_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            sizes = [sizes]
        sizes = list(sizes)
        for size in sizes:
            if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
                raise ValueError(
                    "hidden_layer_sizes must contain positive integers; got "
                    f"{self.hidden_layer_sizes!r}."
                )
        return tuple(int(size) for size in sizes)

    def _validation_split(self, X, y, classes, seed):
        n_val = int(np.ceil(self.validation_fraction * len(y)))
        _, counts = np.unique(y, return_counts=True)
        stratify = y if counts.min() >= 2 and n_val >= len(classes) else None
        if n_val < 1 or len(y) - n_val < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no samples "
                f"for training or validation out of {len(y)} samples."
            )
        X_train, X_val, y_train, y_val = train_test_split(
            X, y, test_size=n_val, random_state=seed, stratify=stratify
        )
        from skmnist.preprocessing import OneHotLabelEncoder

        Y_val = OneHotLabelEncoder(classes=classes).fit(y_val).transform(y_val)
        return X_train, y_train, (X_val, Y_val)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
