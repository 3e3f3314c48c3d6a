"""Pure functions that check and prepare a classifier's training data.

The classes of a fit, the combined sample and class weights, the held-out
validation split of early stopping: NumPy and scikit-learn only, the way
``sklearn/neural_network/_base.py`` holds the perceptron's helpers.
"""

from numbers import Integral

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.multiclass import check_classification_targets, is_multilabel

from skmnist._arrays import aligned_array
from skmnist._forward import layer_shapes_match
from skmnist._rows import SPARSE_FORMATS, as_rows, validate_rows
from skmnist._spec import DistortionSpec, NetworkSpec


def check_hidden_layer_sizes(sizes):
    """``hidden_layer_sizes`` (an int or a sequence of ints) as a tuple."""
    given = sizes
    if isinstance(sizes, Integral):
        sizes = [sizes]
    sizes = list(sizes)
    for size in sizes:
        if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
            raise ValueError(
                f"hidden_layer_sizes must contain positive integers; got {given!r}."
            )
    return tuple(int(size) for size in sizes)


def check_classes(y, classes, *, fitted_classes, incremental, name):
    """The classes of a fit: from y, from ``classes`` or from the fitted ones.

    ``fitted_classes`` is None for a new network, else the classes a warm
    start or a later ``partial_fit`` must keep. For a multilabel y (an
    indicator matrix) the classes are the label indices ``0..n_labels - 1``,
    as MLPClassifier's.
    """
    if np.ndim(y) == 2:
        return _check_labels(y, classes, fitted_classes)
    if fitted_classes is None and incremental:
        if classes is None:
            raise ValueError(
                f"classes must be passed on the first call to {name}.partial_fit."
            )
        classes = np.unique(np.asarray(classes))
    elif fitted_classes is not None:
        if classes is not None and not np.array_equal(
            np.unique(np.asarray(classes)), fitted_classes
        ):
            raise ValueError(
                f"classes={np.unique(classes).tolist()!r} is not the same as "
                f"the classes of the first call, {fitted_classes.tolist()!r}."
            )
        classes = fitted_classes
        if not incremental and not np.array_equal(np.unique(y), classes):
            # MLPClassifier's message, word for word.
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as "
                f"in the previous call to fit. Previously got {classes}, `y` "
                f"has {np.unique(y)}"
            )
    else:
        classes = np.unique(y)
    unseen = np.setdiff1d(np.unique(y), classes)
    if len(unseen):
        raise ValueError(
            f"y contains labels that are not in classes: {unseen.tolist()!r}; "
            f"the classes are {classes.tolist()!r}."
        )
    return classes


def _check_labels(Y, classes, fitted_classes):
    """The classes of a multilabel fit: ``arange(n_labels)``."""
    labels = np.arange(Y.shape[1])
    for given, what in [
        (classes, "classes"),
        (fitted_classes, "the classes of the fitted network"),
    ]:
        if given is not None and not np.array_equal(np.unique(given), labels):
            raise ValueError(
                f"y is a multilabel indicator matrix of {Y.shape[1]} labels, "
                f"so the classes are {labels.tolist()!r}, but {what} are "
                f"{np.unique(given).tolist()!r}."
            )
    return labels


def combine_sample_weight(X, y, sample_weight, class_weight):
    """Sample times class weights, zero weights dropped, normalised to mean 1.

    Returns ``X, y, weight, n_effective``: the rows of positive weight, their
    weights (None when there are none to apply) and the number of samples the
    weights stand for (their sum).
    """
    if sample_weight is None and class_weight is None:
        return X, y, None, len(y)
    from sklearn.utils.class_weight import compute_sample_weight
    from sklearn.utils.validation import _check_sample_weight

    weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if class_weight is not None and np.ndim(y) == 2:
        raise ValueError(
            "class_weight is not supported for a multilabel y; pass "
            "sample_weight instead."
        )
    if class_weight is not None:
        weight = weight * compute_sample_weight(class_weight, y)
    keep = weight > 0  # _check_sample_weight refuses all zeros
    if not keep.all():
        X, y, weight = X[keep], y[keep], weight[keep]
    return X, y, (weight / weight.mean()).astype(X.dtype), weight.sum()


def validation_split(X, y, sample_weight, classes, *, fraction, seed):
    """Hold out ``fraction`` of the data, stratified as MLPClassifier does.

    The split is stratified on the binarized labels, so a class of one
    member, or fewer validation samples than classes, raises
    scikit-learn's error (MLPClassifier's).

    Returns the training part ``X, y, sample_weight`` and the validation data
    ``(X_val, Y_val[, w_val])`` with one-hot ``Y_val``.
    """
    # Imported here: sklearn.model_selection loads sklearn.metrics and
    # sklearn.preprocessing, which `from skmnist import ...` need not load.
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import LabelBinarizer

    from skmnist.preprocessing import OneHotLabelEncoder

    # MLPClassifier stratifies on its binarized targets: the same split
    # rule, and scikit-learn's error for a class with a single member. A
    # multilabel y is split without stratification, as MLPClassifier does.
    multilabel = np.ndim(y) == 2
    stratify = None
    if not multilabel:
        stratify = LabelBinarizer().fit(classes).transform(y).astype(bool)
    arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
    parts = train_test_split(
        *arrays, test_size=fraction, random_state=seed, stratify=stratify
    )
    X_train, X_val, y_train, y_val = parts[:4]
    if len(y_val) < 2:
        raise ValueError(
            f"The validation set is too small: validation_fraction={fraction} "
            f"of {len(y)} samples leaves {len(y_val)} for validation. Increase "
            "'validation_fraction' or the size of your dataset."
        )
    sw_train, sw_val = parts[4:] if sample_weight is not None else (None, None)
    if multilabel:
        Y_val = y_val.astype(np.float32)
    else:
        Y_val = OneHotLabelEncoder(classes=classes).fit(y_val).transform(y_val)
    validation = (X_val, Y_val) if sw_val is None else (X_val, Y_val, sw_val)
    return X_train, y_train, sw_train, validation


def _check_drawn_levels(distortion, X):
    """Stray lines and noise draw ink levels in [0, 1]: X's pixels must be too."""
    if (distortion.stray_lines > 0 or distortion.noise > 0) and X.shape[0]:
        top = float(X.max())
        if top > 1:
            raise ValueError(
                "RandomDistortion's stray_lines and noise draw pixel levels in "
                f"[0, 1], but the training pixels reach {top:g}: scale them to "
                "[0, 1] first (a PixelScaler, as make_mnist_pipeline does), or "
                "set stray_lines=0 and noise=0."
            )


def network_spec(estimator, sizes, X, n_classes, n_effective, *, multilabel=False):
    """The :class:`~skmnist._spec.NetworkSpec` of a classifier's params.

    ``sizes`` are the checked hidden layer sizes, ``X`` the training rows
    (their width and float type), ``n_effective`` the number of samples the
    weights stand for; ``multilabel`` gives sigmoid outputs.
    """
    augmentation = None
    if estimator.augmentation is not None:
        distortion = estimator.augmentation
        _check_drawn_levels(distortion, X)
        augmentation = DistortionSpec(
            image_shape=tuple(distortion.check_image_shape(X.shape[1])),
            shift=distortion.shift,
            rotation=distortion.rotation,
            scale=distortion.scale,
            elastic_alpha=distortion.elastic_alpha,
            elastic_sigma=distortion.elastic_sigma,
            stray_lines=distortion.stray_lines,
            blur=distortion.blur,
            noise=distortion.noise,
        )
    return NetworkSpec(
        n_features=int(X.shape[1]),
        n_classes=int(n_classes),
        hidden_layer_sizes=tuple(sizes),
        activation=estimator.activation,
        dropout=estimator.dropout,
        # MLPClassifier's penalty: 0.5 * alpha * ||W||^2 / batch size, the
        # batch's size in (weighted) samples.
        l2=0.5 * estimator.alpha / min(estimator.batch_size, n_effective),
        learning_rate=estimator.learning_rate,
        beta_1=estimator.beta_1,
        beta_2=estimator.beta_2,
        epsilon=estimator.epsilon,
        dtype=X.dtype.name,
        augmentation=augmentation,
        multilabel=multilabel,
    )


def check_resumable(coefs, intercepts, units):
    """Raise unless the fitted layers are those of ``units`` units.

    ``units`` is ``[n_features, *hidden_layer_sizes, n_classes]`` of the
    fit that would continue them.
    """
    if layer_shapes_match(coefs, intercepts, units):
        return
    fitted_sizes = tuple(W.shape[1] for W in coefs[:-1])
    if fitted_sizes == tuple(units[1:-1]):
        raise ValueError(
            "warm_start and partial_fit continue the fitted network, but its "
            f"arrays do not fit together: coefs_ {[W.shape for W in coefs]}, "
            f"intercepts_ {[b.shape for b in intercepts]}, for {units[0]} "
            f"features and {units[-1]} classes."
        )
    raise ValueError(
        "warm_start and partial_fit continue the fitted network, whose "
        f"hidden layers have {fitted_sizes} units, but hidden_layer_sizes "
        f"is {tuple(units[1:-1])}. Set warm_start=False to train a new "
        "network."
    )


def validate_training_data(estimator, X, y, resume):
    """Rows of float32 (float64 for float64 data, as MLPClassifier) and y.

    Integer pixels (MNIST's uint8) cannot be NaN or infinite: they are
    converted once, into memory the training tensors can share. A
    multilabel-indicator y (dense or sparse) comes back as a dense 0/1
    matrix.
    """
    multilabel = is_multilabel(y)
    rows, _ = as_rows(X)
    dtype = estimator.coefs_[0].dtype if resume else [np.float32, np.float64]
    integral = isinstance(rows, np.ndarray) and rows.dtype.kind in "biu"
    if integral:
        rows = aligned_array(rows, dtype if resume else np.float32)
    (X, y), _ = validate_rows(
        estimator,
        rows,
        y,
        reset=not resume,
        dtype=dtype,
        accept_sparse=SPARSE_FORMATS,
        ensure_all_finite=not integral,
        multi_output=multilabel,
    )
    check_classification_targets(y)
    if multilabel:
        y = y.toarray() if issparse(y) else np.asarray(y)
    if issparse(X):
        # Kept sparse (CSR, to take batches of rows): the engine makes each
        # batch dense when it uses it.
        X = X.tocsr()
    if X.dtype == np.float64 and not resume:
        from skmnist import _backend

        if np.float64 not in _backend.float_dtypes():
            # JAX without its 64-bit mode computes in float32.
            X = X.astype(np.float32) if issparse(X) else aligned_array(X, np.float32)
    return X, y
