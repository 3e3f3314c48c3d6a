"""MNISTDenseClassifier: a Keras dense network as a scikit-learn classifier."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from skmnist._arrays import aligned_array
from skmnist.augmentation import RandomDistortion

__all__ = ["MNISTDenseClassifier"]

_ACTIVATIONS = ("identity", "logistic", "tanh", "relu", "elu", "gelu")
# Rows predicted per chunk: the float copy of a chunk and its hidden
# activations stay small (cache-friendly, bounded memory).
_PREDICT_CHUNK_ROWS = 8192


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
    any 2-D numeric array. As MLPClassifier, it computes in float64 on float64
    data and in float32 on anything else (uint8 pixels, float32); the MNIST
    pipeline feeds it float32. On Keras' JAX backend, float64 needs JAX's
    64-bit mode (``JAX_ENABLE_X64=1``); without it everything is float32. Like
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

    dropout : float in [0, 1), default=0.0
        Fraction of each hidden layer's units dropped during training. The
        default is no dropout, as in MLPClassifier (whose only regulariser is
        `alpha`): with dropout every sample draws its own random mask, so a
        sample of weight 2 and a sample repeated twice no longer train the
        same network. :func:`~skmnist.make_mnist_pipeline`'s presets use
        ``dropout=0.2``.

    alpha : float >= 0, default=1e-4
        Strength of the L2 penalty on the weights, scaled as in
        :class:`~sklearn.neural_network.MLPClassifier`: each batch's loss gets
        ``0.5 * alpha * ||W||^2 / batch_size``.

    learning_rate : float > 0, default=1e-3
        Learning rate of the Adam optimizer (``learning_rate_init`` in
        MLPClassifier; Keras' word is kept); the starting rate of
        `learning_rate_schedule`.

    learning_rate_schedule : {"constant", "cosine", "adaptive"}, \
            default="cosine"
        How the learning rate changes during a `fit`:

        - ``"constant"``: `learning_rate` throughout.
        - ``"cosine"``: decays from `learning_rate` to 0 along half a cosine
          over the `epochs`, updated every step (Loshchilov and Hutter's
          SGDR without restarts). The last epochs fine-tune with tiny steps,
          which usually gains a few tenths of a point of accuracy over a
          constant rate for the same epochs. A `warm_start` fit starts a new
          cycle.
        - ``"adaptive"``: divided by 5 each time the monitored loss (the
          validation loss with `early_stopping`, else the training loss)
          fails to decrease by `tol` for two consecutive epochs, as
          MLPClassifier's ``learning_rate="adaptive"``.

        Each `fit` starts from `learning_rate`; `partial_fit` always uses the
        constant `learning_rate`.

    epochs : int >= 1, default=20
        Maximum number of passes over the training data (``max_iter`` in
        MLPClassifier; Keras' word is kept).

    batch_size : int >= 1, default=128
        Number of samples per gradient update (the last batch may be smaller).

    shuffle : bool, default=True
        Shuffle the training samples before each epoch.

    augmentation : :class:`~skmnist.augmentation.RandomDistortion` or None, \
            default=None
        Random distortions of the training images (shifts, rotations,
        scalings, elastic distortions), drawn anew for every image of every
        epoch, during `fit` and `partial_fit` only: `predict` sees the images
        as they are. It makes each epoch a new data set, so it needs more
        epochs but generalises better: see the "best dense" preset of
        :func:`~skmnist.make_mnist_pipeline`. Reproducible under
        `random_state`. Its parameters are searched as nested parameters,
        e.g. ``augmentation__rotation``.

    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Adam's decay rates of the first and second moment estimates.

    epsilon : float > 0, default=1e-8
        Adam's numerical-stability constant.

    early_stopping : bool, default=False
        Hold out `validation_fraction` of the training data (stratified), stop
        when the validation loss has not improved by at least `tol` for
        `n_iter_no_change` epochs, and restore the weights of the best epoch.

    validation_fraction : float in (0, 1), default=0.1
        Fraction of the training data held out when ``early_stopping=True``.

    n_iter_no_change : int >= 1, default=10
        Epochs without an improvement of at least `tol` before training stops:
        of the validation loss with early stopping, else of the training loss
        (as in MLPClassifier).

    tol : float >= 0, default=1e-4
        Smallest decrease of the monitored loss that counts as improvement.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as in
        :class:`~sklearn.linear_model.LogisticRegression`; multiplied with
        ``sample_weight``.

    warm_start : bool, default=False
        When True, `fit` continues training the network of the previous call
        (same classes) instead of starting anew.

    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for training, such as
        ``keras.callbacks.CSVLogger("log.csv")``. Each fit uses deep copies,
        so the list itself is never changed and clones stay independent.
        The network runs up to 128 training steps per call into Keras
        (``steps_per_execution=128``), so batch-level hooks such as
        ``on_train_batch_end`` run once every 128 batches (and at the end of
        each epoch); epoch-level hooks run every epoch.

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
        Per-epoch training metrics over all calls since the network was built:
        ``loss``, ``accuracy`` and, with early stopping, ``val_loss`` and
        ``val_accuracy``.

    loss_ : float
        Training loss of the last epoch.

    loss_curve_ : list of float
        Training loss of each epoch (``history_["loss"]``).

    best_loss_ : float or None
        Lowest training loss; None with early stopping, as in MLPClassifier.

    validation_scores_ : list of float or None
        Validation accuracy of each epoch with early stopping, else None.

    best_validation_score_ : float or None
        Best validation accuracy with early stopping, else None.

    n_iter_ : int
        Number of epochs run since the network was built.

    t_ : int
        Number of training samples seen since the network was built.

    best_epoch_ : int or None
        With early stopping, the index (from 0) of the epoch whose weights were
        restored; None otherwise.

    coefs_ : list of ndarray
        Weight matrices of the dense layers, ``(n_in, n_out)`` each, as
        read-only copies of the network's weights.

    intercepts_ : list of ndarray
        Bias vectors of the dense layers, read-only copies.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs (one per class).

    out_activation_ : str
        ``"softmax"``.

    See Also
    --------
    make_mnist_pipeline : Scaler, flattener and this classifier in a Pipeline.
    sklearn.neural_network.MLPClassifier : Scikit-learn's own perceptron.

    Notes
    -----
    Sample and class weights reach the loss as Keras sample weights,
    normalised to average 1 over the samples of positive weight; samples of
    weight 0 are removed. With one batch per epoch, a fit with integer
    weights therefore equals a fit on data where each sample is repeated
    that many times.

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
    >>> [w.shape for w in clf.coefs_]
    [(784, 256), (256, 128), (128, 10)]
    """

    _parameter_constraints = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"constant", "cosine", "adaptive"})],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "augmentation": [RandomDistortion, None],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "warm_start": ["boolean"],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 128),
        activation="relu",
        *,
        dropout=0.0,
        alpha=1e-4,
        learning_rate=1e-3,
        learning_rate_schedule="cosine",
        epochs=20,
        batch_size=128,
        shuffle=True,
        augmentation=None,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        class_weight=None,
        warm_start=False,
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.epochs = epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.augmentation = augmentation
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on (X, y), from scratch unless `warm_start`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Training images or pixel rows.

        y : array-like of shape (n_samples,)
            Class labels (at least two classes).

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; 0 removes a sample.

        Returns
        -------
        self : MNISTDenseClassifier
            The fitted classifier.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train the network for one epoch on (X, y), keeping what it learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            A batch of training images or pixel rows.

        y : array-like of shape (n_samples,)
            Class labels, all among `classes`.

        classes : array-like of shape (n_classes,), default=None
            All the classes, required on the first call (as in
            :meth:`sklearn.linear_model.SGDClassifier.partial_fit`); later
            calls may omit it or must give the same classes.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples; 0 removes a sample.

        Returns
        -------
        self : MNISTDenseClassifier
            The classifier, trained one more epoch.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _fit(self, X, y, sample_weight, *, incremental, classes=None):
        # Whatever happens (bad input, KeyboardInterrupt, a Keras error), the
        # estimator ends fitted on this data or exactly as it was before.
        previous = {k: v for k, v in vars(self).items() if k.endswith("_")}
        try:
            return self._fit_network(
                X, y, sample_weight, incremental=incremental, classes=classes
            )
        except BaseException:
            for key in [k for k in vars(self) if k.endswith("_")]:
                delattr(self, key)
            vars(self).update(previous)
            raise

    def _fit_network(self, X, y, sample_weight, *, incremental, classes):
        hidden_layer_sizes = self._check_hidden_layer_sizes()
        if self.augmentation is not None:
            self.augmentation._validate_params()
        fitted = hasattr(self, "model_")
        new_network = not fitted or not (incremental or self.warm_start)
        X = _flatten_images(X)
        dtype = self._fit_dtype(new_network)
        # Integer pixels (MNIST's uint8) cannot be NaN or infinite, and they
        # are converted here into memory the network's tensors can share.
        integral = isinstance(X, np.ndarray) and X.dtype.kind in "biu"
        if integral:
            X = aligned_array(X, dtype[0] if isinstance(dtype, list) else dtype)
        X, y = validate_data(
            self, X, y, dtype=dtype, reset=new_network, ensure_all_finite=not integral
        )
        check_classification_targets(y)
        classes = self._check_classes(y, classes, incremental, new_network)
        X, y, sample_weight, n_effective = self._check_sample_weight(
            X, y, sample_weight
        )

        seed = None
        if self.random_state is not None:
            seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        early_stopping = self.early_stopping and not incremental
        fit_kwargs = {}
        if early_stopping:
            X, y, sample_weight, fit_kwargs["validation_data"] = self._validation_split(
                X, y, sample_weight, classes, seed
            )

        from skmnist import _keras

        augmentation = None
        if new_network and self.augmentation is not None:
            spec = self.augmentation
            augmentation = dict(
                image_shape=spec.check_image_shape(X.shape[1]),
                shift=spec.shift,
                rotation=spec.rotation,
                scale=spec.scale,
                elastic_alpha=spec.elastic_alpha,
                elastic_sigma=spec.elastic_sigma,
            )
        if new_network:
            keras_classifier = _keras.DenseKerasClassifier(
                classes=classes,
                model=_keras.build_dense_network,
                model__hidden_layer_sizes=hidden_layer_sizes,
                model__activation=self.activation,
                model__dropout=self.dropout,
                # MLPClassifier's penalty: 0.5 * alpha * ||W||^2 / batch size,
                # the batch's size in (weighted) samples.
                model__l2=0.5 * self.alpha / min(self.batch_size, n_effective),
                model__learning_rate=self.learning_rate,
                model__beta_1=self.beta_1,
                model__beta_2=self.beta_2,
                model__epsilon=self.epsilon,
                model__seed=seed,
                model__dtype=X.dtype.name,
                model__augmentation=augmentation,
                predict__batch_size=self._predict_batch_size,
                predict__verbose=0,
            )
            history = {}
        else:
            keras_classifier = self.keras_classifier_
            history = self.history_
        keras_classifier.set_params(
            warm_start=not new_network,  # scikeras: keep the network
            epochs=self.epochs,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            fit__verbose=min(int(self.verbose), 2),
        )
        callbacks = _keras.make_callbacks(
            self.callbacks,
            early_stopping=early_stopping,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            incremental=incremental,
            schedule=_keras.LearningRateSchedule(
                "constant" if incremental else self.learning_rate_schedule,
                self.learning_rate,
                epochs=self.epochs,
                steps_per_epoch=-(-len(y) // self.batch_size),
            ),
        )
        # An interrupted or failed fit must leave the previous fitted state:
        # a new network is only attached at the end, a continued one is
        # rolled back to its weights and optimizer state from before.
        snapshot = None if new_network else _keras.snapshot(keras_classifier.model_)
        try:
            with _keras.random_seed_scope(seed), _keras.floatx_scope(X.dtype):
                new_epochs = keras_classifier.train(
                    X,
                    y,
                    sample_weight=sample_weight,
                    callbacks=callbacks,
                    incremental=incremental,
                    **fit_kwargs,
                )
        except BaseException:
            if snapshot is not None:
                _keras.restore(keras_classifier.model_, snapshot)
            raise

        self.keras_classifier_ = keras_classifier
        self.model_ = keras_classifier.model_
        self.classes_ = classes
        self.history_ = {
            key: list(history.get(key, [])) + list(values)
            for key, values in new_epochs.items()
        }
        n_new = len(new_epochs["loss"])
        self.n_iter_ = len(self.history_["loss"])
        self.t_ = (self.t_ if not new_network else 0) + n_new * len(y)
        self.best_epoch_ = None
        if early_stopping:
            # The epoch Keras' EarlyStopping restored (it applies `tol`),
            # counted from the first epoch of the network.
            n_before = self.n_iter_ - n_new
            self.best_epoch_ = n_before + int(callbacks[-1].best_epoch)
        self._check_finite_loss()
        return self

    def _check_classes(self, y, classes, incremental, new_network):
        name = type(self).__name__
        if incremental and new_network:
            if classes is None:
                raise ValueError(
                    f"classes must be passed on the first call to {name}.partial_fit."
                )
            classes = np.unique(np.asarray(classes))
        elif not new_network:
            if classes is not None and not np.array_equal(
                np.unique(np.asarray(classes)), self.classes_
            ):
                raise ValueError(
                    f"classes={np.unique(classes).tolist()!r} is not the same as "
                    f"the classes of the first call, {self.classes_.tolist()!r}."
                )
            classes = self.classes_
            if not incremental and not np.array_equal(np.unique(y), classes):
                raise ValueError(
                    "warm_start can only be used where y has the same classes as "
                    f"in the previous call to fit: previously {classes.tolist()!r}, "
                    f"y has {np.unique(y).tolist()!r}."
                )
        else:
            classes = np.unique(y)
        unseen = np.setdiff1d(np.unique(y), classes)
        if len(unseen):
            raise ValueError(
                f"y contains labels that are not in classes: {unseen.tolist()!r}; "
                f"the classes are {classes.tolist()!r}."
            )
        if len(classes) < 2:
            raise ValueError(
                f"{name} needs samples of at least 2 classes in y, "
                f"but y contains only 1 class: {classes[0]!r}."
            )
        return classes

    def _check_sample_weight(self, X, y, sample_weight):
        """Combine sample and class weights; drop zero weights; mean 1.

        Also returns the number of samples the weights stand for (their sum).
        """
        if sample_weight is None and self.class_weight is None:
            return X, y, None, len(y)
        from sklearn.utils.class_weight import compute_sample_weight
        from sklearn.utils.validation import _check_sample_weight

        weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.class_weight is not None:
            weight = weight * compute_sample_weight(self.class_weight, y)
        keep = weight > 0  # _check_sample_weight refuses all zeros
        if not keep.all():
            X, y, weight = X[keep], y[keep], weight[keep]
        return X, y, (weight / weight.mean()).astype(X.dtype), weight.sum()

    def _check_finite_loss(self):
        loss = self.history_["loss"][-1]
        if not np.isfinite(loss):
            import warnings

            warnings.warn(
                f"Training diverged: the loss is {loss} after epoch {self.n_iter_}. "
                "The model is not usable; lower learning_rate or scale the input "
                "(make_mnist_pipeline does).",
                RuntimeWarning,
                stacklevel=3,
            )

    def predict_proba(self, X):
        """Class probabilities of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Images or pixel rows shaped like the training data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            float32 (float64 for a network fitted on float64 data).
            Probability of each class (columns in the order of `classes_`).
        """
        from scipy.special import softmax

        return self._predict_in_chunks(X, lambda logits: softmax(logits, axis=1))

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities of X, finite everywhere.

        Computed from the network's pre-softmax outputs (log-softmax), so
        classes whose probability rounds to 0 in float32 still get a finite
        log-probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Images or pixel rows shaped like the training data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class (columns in the order of `classes_`).
        """
        from scipy.special import log_softmax

        return self._predict_in_chunks(X, lambda logits: log_softmax(logits, axis=1))

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
        # The largest logit is the most probable class: no softmax needed.
        indices = self._predict_in_chunks(X, lambda logits: np.argmax(logits, axis=1))
        return self.classes_[indices]

    def _predict_in_chunks(self, X, from_logits):
        """``from_logits`` of the network's logits for X, a chunk at a time.

        Validates X, runs the forward pass in NumPy and applies
        ``from_logits`` chunk by chunk, in bounded memory: each chunk is
        converted to the network's float dtype on its own, so a million
        uint8 images never exist as one float copy.
        """
        check_is_fitted(self)
        coefs, intercepts = zip(*self._dense_weights())
        # Input pixels whose first-layer weights are all zero (see
        # _check_finite_input).
        dead = np.flatnonzero(~coefs[0].any(axis=1))

        def predict(X):
            X = self._validate_predict_data(X)
            logits = self._forward(X, coefs, intercepts, dead_inputs=dead)
            return from_logits(logits)

        chunk = _PREDICT_CHUNK_ROWS
        if not hasattr(X, "shape") or X.shape[0] <= chunk:
            return predict(X)
        rows = X.iloc if hasattr(X, "iloc") else X
        parts = [
            predict(rows[start : start + chunk])
            for start in range(0, X.shape[0], chunk)
        ]
        return np.concatenate(parts)

    def _forward(self, X, coefs, intercepts, dead_inputs=None):
        """The network's pre-softmax outputs, computed with NumPy.

        Prediction does not go through Keras' ``predict``: the forward pass of
        a dense network is a few matrix products, which NumPy runs at once,
        without Keras' per-call overhead (about 50 ms, even for one image).
        At inference dropout and the distortion layer are the identity.
        Given ``dead_inputs``, X (as ``_validate_predict_data`` returns it,
        not yet checked for NaN and infinity) is checked on the first
        product, see ``_check_finite_input``.
        """
        from skmnist._numpy_net import ACTIVATIONS

        activation = ACTIVATIONS[self.activation]
        inputs = X
        for W, b in zip(coefs, intercepts):
            X = X @ W  # a new array: the caller's X is never written to
            if dead_inputs is not None and W is coefs[0]:
                self._check_finite_input(inputs, X, dead_inputs)
            X += b
            if W is not coefs[-1]:
                X = activation(X)
        return X

    def _check_finite_input(self, X, product, dead_inputs):
        """scikit-learn's error for NaN or infinity in X, checked on X @ W.

        A NaN or an infinity in a row of X makes every entry of that row of
        the first layer's product NaN or infinite (0 * inf is NaN), so the sum
        of the product, a third of the size of X for 784 inputs and 256 units,
        tells whether X is finite. Only an input whose weights are all zero
        could hide one (a BLAS may skip zero weights): those columns of X
        (``dead_inputs``) are checked on their own. When the sum is not
        finite, scikit-learn's check of X raises its usual error, or passes
        for a finite X whose product overflows.
        """
        from sklearn.utils import assert_all_finite

        with np.errstate(over="ignore", invalid="ignore"):
            finite = np.isfinite(product.sum())
            if finite and len(dead_inputs):
                finite = np.isfinite(X[:, dead_inputs].sum())
        if not finite:
            assert_all_finite(X, input_name="X", estimator_name=type(self).__name__)

    def _dense_weights(self):
        check_is_fitted(self)
        weights = []
        for layer in self.model_.layers:
            if hasattr(layer, "kernel"):
                kernel, bias = (np.array(w) for w in layer.get_weights())
                kernel.flags.writeable = False
                bias.flags.writeable = False
                weights.append((kernel, bias))
        return weights

    @property
    def coefs_(self):
        return [kernel for kernel, _ in self._dense_weights()]

    @property
    def intercepts_(self):
        return [bias for _, bias in self._dense_weights()]

    @property
    def n_layers_(self):
        check_is_fitted(self)
        return len(self._dense_weights()) + 1

    @property
    def n_outputs_(self):
        check_is_fitted(self)
        return len(self.classes_)

    @property
    def out_activation_(self):
        check_is_fitted(self)
        return "softmax"

    @property
    def loss_curve_(self):
        check_is_fitted(self)
        return list(self.history_["loss"])

    @property
    def loss_(self):
        return self.loss_curve_[-1]

    @property
    def best_loss_(self):
        check_is_fitted(self)
        return None if "val_loss" in self.history_ else min(self.history_["loss"])

    @property
    def validation_scores_(self):
        check_is_fitted(self)
        scores = self.history_.get("val_accuracy")
        return None if scores is None else list(scores)

    @property
    def best_validation_score_(self):
        scores = self.validation_scores_
        return None if scores is None else max(scores)

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
        # Finiteness is checked on the first layer's product (_forward).
        return validate_data(
            self,
            _flatten_images(X),
            reset=False,
            dtype=self._network_dtype,
            ensure_all_finite=False,
        )

    @property
    def _network_dtype(self):
        return np.dtype(self.model_.inputs[0].dtype)

    def _fit_dtype(self, new_network):
        """float64 data trains in float64 (as in MLPClassifier), all else float32.

        On JAX, float64 needs its 64-bit mode (see ``_keras.float_dtypes``).
        """
        if not new_network:
            return self._network_dtype
        from skmnist import _keras

        return _keras.float_dtypes()

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

    def _validation_split(self, X, y, sample_weight, classes, seed):
        n_val = int(np.ceil(self.validation_fraction * len(y)))
        if n_val < 1 or len(y) - n_val < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves no samples "
                f"for training or validation out of {len(y)} samples."
            )
        _, counts = np.unique(y, return_counts=True)
        stratify = y if counts.min() >= 2 and n_val >= len(classes) else None
        # Imported here: sklearn.model_selection loads sklearn.metrics and
        # sklearn.preprocessing (and rich, for their progress bars): 0.12 s
        # of `from skmnist import MNISTDenseClassifier` in -X importtime.
        from sklearn.model_selection import train_test_split

        arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
        parts = train_test_split(
            *arrays, test_size=n_val, random_state=seed, stratify=stratify
        )
        X_train, X_val, y_train, y_val = parts[:4]
        sw_train, sw_val = parts[4:] if sample_weight is not None else (None, None)
        from skmnist.preprocessing import OneHotLabelEncoder

        Y_val = OneHotLabelEncoder(classes=classes).fit(y_val).transform(y_val)
        validation = (X_val, Y_val) if sw_val is None else (X_val, Y_val, sw_val)
        return X_train, y_train, sw_train, validation

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
