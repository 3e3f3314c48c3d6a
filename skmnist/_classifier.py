"""MNISTDenseClassifier: a dense network trained by Keras, kept as NumPy arrays.

Keras trains, NumPy serves: ``fit`` hands validated arrays to the training
engine (:mod:`skmnist._backend`, the only importer of Keras, TensorFlow, JAX
and scikeras) and keeps what comes back, plain arrays (``coefs_``,
``intercepts_``, ``training_state_``). Everything after ``fit``, predicting,
pickling and saving, is NumPy (:mod:`skmnist._forward`).
"""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from skmnist import _forward
from skmnist._rows import SPARSE_FORMATS, handed_rows, map_chunks, validate_rows
from skmnist._spec import FitPlan, Stopping
from skmnist._training_data import (
    check_classes,
    check_hidden_layer_sizes,
    check_resumable,
    combine_sample_weight,
    network_spec,
    validate_training_data,
    validation_split,
)
from skmnist.augmentation import RandomDistortion

__all__ = ["MNISTDenseClassifier"]


class MNISTDenseClassifier(ClassifierMixin, BaseEstimator):
    """Dense neural network classifier for MNIST-like images, trained by Keras.

    A multi-layer perceptron: one dense layer per entry of
    `hidden_layer_sizes` (with optional dropout after each) and a softmax
    output, trained by Keras (through scikeras) with Adam on categorical
    cross-entropy. Once fitted, the network is NumPy arrays (`coefs_` and
    `intercepts_`, MLPClassifier's names and shapes): predicting, pickling and
    :func:`~skmnist.save_model` never import Keras or TensorFlow, so a fitted
    model loads and predicts in any process. It works in a
    :class:`~sklearn.pipeline.Pipeline`, :class:`~sklearn.model_selection.GridSearchCV`,
    :func:`~sklearn.model_selection.cross_val_score`, with
    :func:`~sklearn.base.clone`, pickle and joblib.

    It accepts images ``(n_samples, 28, 28)`` or ``(n_samples, 28, 28, 1)``,
    flat pixels ``(n_samples, 784)``, a DataFrame of pixel columns, or any 2-D
    numeric array; fitted on one, it predicts the others. As MLPClassifier, it
    computes in float64 on float64 data and in float32 otherwise (on JAX,
    float64 needs ``JAX_ENABLE_X64=1``), and it does not scale its input: for
    raw 0..255 pixels use :func:`~skmnist.make_mnist_pipeline`.

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
          over the `epochs`, every step (SGDR without restarts); the last
          epochs fine-tune with tiny steps. A `warm_start` fit starts a new
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
        scalings, elastic distortions, stray lines, blur, noise), drawn anew
        for every image of every epoch, in training only: `predict` sees the
        images as they are. Stray lines and noise need pixels in [0, 1].
        Searched as nested parameters, e.g. ``augmentation__rotation``.

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

    n_iter_no_change : int >= 1 or np.inf, default=10
        Epochs without an improvement of at least `tol` before training stops:
        of the validation loss with early stopping, else of the training loss
        (as in MLPClassifier). ``np.inf`` runs every epoch. When `fit` runs
        all its `epochs`, it warns with a
        :class:`~sklearn.exceptions.ConvergenceWarning`, as MLPClassifier.

    tol : float >= 0, default=1e-4
        Smallest decrease of the monitored loss that counts as improvement.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as in
        :class:`~sklearn.linear_model.LogisticRegression`; multiplied with
        ``sample_weight``.

    warm_start : bool, default=False
        When True, `fit` continues training the network of the previous call
        (same classes, same `hidden_layer_sizes`) instead of starting anew,
        from its weights and optimizer state, also after a pickle round trip
        or :func:`~skmnist.load_model`.

    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks for training, such as
        ``keras.callbacks.CSVLogger("log.csv")``, deep-copied by each fit.
        Batch-level hooks run once every 128 batches
        (``steps_per_execution=128``); epoch-level hooks every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, dropout, shuffling and the validation
        split: an int gives identical predictions across fits and processes
        on one machine. The global random state is restored after `fit`.

    verbose : int or bool, default=0
        0 is silent; 1 (or True) prints MLPClassifier's lines, ``Iteration
        N, loss = ...`` per epoch (and ``Validation score: ...`` with
        early stopping); 2 adds Keras' line per epoch, 3 and more Keras'
        progress bar.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (``0 .. n_labels - 1`` for a multilabel y).

    n_features_in_ : int
        Number of features (pixels) seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

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
        Number of epochs the last `fit` (warm start or not) ran, 1 after a
        `partial_fit`, as in MLPClassifier; ``len(loss_curve_)`` counts the
        epochs since the network was built.

    t_ : int
        Number of training samples seen since the network was built.

    best_epoch_ : int or None
        With early stopping, the index (from 0) of the epoch whose weights were
        restored; None otherwise.

    coefs_ : list of ndarray
        Weight matrices of the dense layers, ``(n_in, n_out)`` each, read-only
        float32 arrays (float64 for a network fitted on float64 data).

    intercepts_ : list of ndarray
        Bias vectors of the dense layers, ``(n_out,)`` each, read-only.

    training_state_ : dict of str to list of ndarray
        What resuming training needs beyond the weights, as arrays:
        ``"optimizer"``, Adam's step count, learning rate and moment
        estimates; ``"non_trainable"``, the states of the dropout and
        distortion layers' random generators. `warm_start` and `partial_fit`
        rebuild the Keras network from `coefs_`, `intercepts_` and this, so
        they continue a pickled or loaded model exactly as the original.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs (one per class, or per label).

    out_activation_ : str
        ``"softmax"``, or ``"logistic"`` (one sigmoid per label) for a
        multilabel y.

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
        "activation": [StrOptions(set(_forward.ACTIVATIONS))],
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
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
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
        X : {array-like, sparse matrix} of shape (n_samples, n_features) or \
                (n_samples, h, w[, c])
            Training images or pixel rows; a sparse matrix stays sparse.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix (dense or sparse)
            as MLPClassifier takes it.

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

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, all among `classes`, or a multilabel indicator
            matrix.

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
        # estimator ends fitted on this data or exactly as it was before:
        # the fitted arrays are only replaced once training has finished.
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
        if incremental and self.early_stopping:
            # MLPClassifier's error: one pass has no validation set to watch.
            raise ValueError("partial_fit does not support early_stopping=True")
        sizes = check_hidden_layer_sizes(self.hidden_layer_sizes)
        if self.augmentation is not None:
            self.augmentation._validate_params()
        resume = hasattr(self, "coefs_") and (incremental or self.warm_start)
        X, y = validate_training_data(self, X, y, resume)
        multilabel = y.ndim == 2
        if resume and multilabel != (self.out_activation_ == "logistic"):
            kinds = {True: "a multilabel", False: "a single-label"}
            raise ValueError(
                f"warm_start and partial_fit continue {kinds[not multilabel]} "
                f"network; y is {kinds[multilabel]} target. Set "
                "warm_start=False to train a new network."
            )
        classes = check_classes(
            y,
            classes,
            fitted_classes=self.classes_ if resume else None,
            incremental=incremental,
            name=type(self).__name__,
        )
        if resume:
            check_resumable(
                self.coefs_,
                self.intercepts_,
                [self.n_features_in_, *sizes, len(classes)],
            )
        X, y, sample_weight, n_effective = combine_sample_weight(
            X, y, sample_weight, self.class_weight
        )
        seed = None
        if self.random_state is not None:
            seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        plan = self._fit_plan(seed, incremental)
        validation = None
        if plan.stopping is not None and plan.stopping.early_stopping:
            X, y, sample_weight, validation = validation_split(
                X,
                y,
                sample_weight,
                classes,
                fraction=self.validation_fraction,
                seed=seed,
            )
        from skmnist import _backend

        result = _backend.train(
            X,
            y,
            classes=classes,
            spec=network_spec(
                self, sizes, X, len(classes), n_effective, multilabel=multilabel
            ),
            plan=plan,
            state=self._resume_state() if resume else None,
            sample_weight=sample_weight,
            validation_data=validation,
        )
        self._set_fitted(result, classes, len(y), resume)
        self.out_activation_ = "logistic" if multilabel else "softmax"
        if not incremental and self.n_iter_ == plan.epochs:
            warnings.warn(
                f"Maximum epochs ({plan.epochs}) reached and the optimization "
                "hasn't converged yet (the loss still improved by more than "
                f"tol={self.tol} within the last n_iter_no_change epochs).",
                ConvergenceWarning,
                stacklevel=5,
            )
        return self

    def _fit_plan(self, seed, incremental):
        """How this call trains: `fit`'s epochs, or `partial_fit`'s one pass
        at the constant `learning_rate` with no stopping rule."""
        if incremental:
            epochs, schedule, stopping = 1, "constant", None
        else:
            epochs, schedule = self.epochs, self.learning_rate_schedule
            stopping = Stopping(
                early_stopping=self.early_stopping,
                n_iter_no_change=self.n_iter_no_change,
                tol=self.tol,
            )
        return FitPlan(
            epochs=epochs,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            schedule=schedule,
            stopping=stopping,
            seed=seed,
            # 1: MLPClassifier's lines; 2: and Keras' line per epoch; 3 and
            # more: and Keras' progress bar.
            verbose={0: 0, 1: 0, 2: 2}.get(int(self.verbose), 1),
            callbacks=tuple(self.callbacks or ()),
            log_iterations=int(self.verbose) >= 1,
        )

    def _resume_state(self):
        return {
            "coefs": list(self.coefs_),
            "intercepts": list(self.intercepts_),
            **self.training_state_,
        }

    def _set_fitted(self, result, classes, n_samples, resume):
        history, new = (self.history_ if resume else {}), result.history
        n_old, n_new = len(history.get("loss", [])), len(new["loss"])
        self.classes_ = classes
        self.coefs_ = result.coefs
        self.intercepts_ = result.intercepts
        self.training_state_ = result.state
        # One value per epoch in every list: NaN for the epochs of fits that
        # did not record a metric (early stopping switched on or off).
        self.history_ = {
            key: list(history.get(key, [np.nan] * n_old))
            + list(new.get(key, [np.nan] * n_new))
            for key in {**history, **new}
        }
        self.t_ = (self.t_ if resume else 0) + n_new * n_samples
        self.best_epoch_ = None
        if result.best_epoch is not None:
            # The epoch Keras' EarlyStopping restored, counted from the first.
            self.best_epoch_ = n_old + result.best_epoch
        self._set_derived_attributes()
        # As MLPClassifier: the epochs of this call, not of all calls.
        self.n_iter_ = n_new
        if not np.isfinite(self.loss_):
            warnings.warn(
                f"Training diverged: the loss is {self.loss_} after epoch "
                f"{self.n_iter_}. The model is not usable; lower learning_rate "
                "or scale the input (make_mnist_pipeline does).",
                RuntimeWarning,
                stacklevel=4,
            )

    def _set_derived_attributes(self):
        """MLPClassifier's attributes that follow from history_ and coefs_."""
        self.n_iter_ = len(self.history_["loss"])
        self.loss_curve_ = list(self.history_["loss"])
        self.loss_ = self.loss_curve_[-1]
        validation = self.history_.get("val_accuracy")
        self.best_loss_ = None if validation else min(self.loss_curve_)
        self.validation_scores_ = None if validation is None else list(validation)
        self.best_validation_score_ = (
            float(np.nanmax(validation)) if validation else None
        )
        self.n_layers_ = len(self.coefs_) + 1
        self.n_outputs_ = len(self.classes_)
        self.out_activation_ = "softmax"

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
            Probability of each class (columns in the order of `classes_`);
            for a multilabel network, of each label on its own.
        """
        return self._predict_handed("predict_proba", X, handed=False)

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
        return self._predict_handed("predict_log_proba", X, handed=False)

    def predict(self, X):
        """Predict the class of each sample of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Images or pixel rows shaped like the training data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted class labels, or the indicator matrix of the labels
            whose probability exceeds 0.5 for a multilabel network.
        """
        return self._predict_handed("predict", X, handed=False)

    def _predict_handed(self, method, X, *, handed=True):
        """``method`` ("predict", "predict_proba" or "predict_log_proba") of
        X; with ``handed``, X is what a pipeline's earlier step returned, and
        its validation is skipped where it would change nothing (see
        :func:`skmnist._rows.handed_rows`)."""
        if method == "predict_proba":
            return self._predict_in_chunks(X, self._output_function(log=False), handed)
        if method == "predict_log_proba":
            return self._predict_in_chunks(X, self._output_function(log=True), handed)
        if self._multilabel:
            # A label is predicted where its probability exceeds 0.5.
            return self._predict_in_chunks(X, lambda z: (z > 0).astype(int), handed)
        # The largest logit is the most probable class: no softmax needed.
        indices = self._predict_in_chunks(X, lambda z: np.argmax(z, axis=1), handed)
        return self.classes_[indices]

    @property
    def _multilabel(self):
        return getattr(self, "out_activation_", "softmax") == "logistic"

    def _output_function(self, *, log):
        """(Log-)probabilities from logits: softmax, or sigmoid per label."""
        if self._multilabel:
            if log:
                return lambda z: -np.logaddexp(0, -z)
            return _forward.ACTIVATIONS["logistic"].function
        return _forward.log_softmax if log else _forward.softmax

    def _predict_in_chunks(self, X, from_logits, handed=False):
        """``from_logits`` of the network's logits for X, a chunk at a time.

        Each chunk is validated and converted to the network's float dtype on
        its own, so a million uint8 images never exist as one float copy.
        ``handed``: see :meth:`_predict_handed`.
        """
        check_is_fitted(self)
        network = (self.coefs_, self.intercepts_, self.activation)
        dtype = self.coefs_[0].dtype

        def predict(part):
            # Dense rows are checked for NaN and infinity in the forward pass,
            # on the first product; sparse ones on their stored values.
            sparse = issparse(part)
            checked = handed and handed_rows(self, part, dtype=dtype, finite=False)
            rows, _ = checked or validate_rows(
                self,
                part,
                reset=False,
                dtype=dtype,
                accept_sparse=SPARSE_FORMATS,
                ensure_all_finite=sparse,
            )
            name = type(self).__name__
            return from_logits(
                _forward.logits(rows, *network, check_finite=not sparse, name=name)
            )

        return map_chunks(predict, X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.sparse = True
        return tags
