"""Scikit-learn transformers for image data: scaling, flattening, one-hot labels,
and MNIST's preparation of digits (crop, box, centre, deskew; its pure
functions are in ``skmnist._preparation``).

They depend on NumPy, SciPy and scikit-learn only (no TensorFlow), keep float32 end to
end and never make a float64 copy of the images.
"""

import math
from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_feature_names_in,
    assert_all_finite,
    check_is_fitted,
    column_or_1d,
)

from skmnist._preparation import _frame_shape, prepare_digits
from skmnist._rows import check_image_shape, handed_rows, validate_rows

__all__ = [
    "DigitNormalizer",
    "ImageFlattener",
    "OneHotLabelEncoder",
    "PixelScaler",
]


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _as_float32(X, copy):
    """Return X as float32, copying only when asked or when it cannot be written.

    X is finite (validated); values beyond float32's range would become inf.
    """
    if X.dtype.kind == "f" and X.dtype.itemsize > 4 and X.size:
        if max(-float(X.min()), float(X.max())) > _FLOAT32_MAX:
            raise ValueError(
                "Input X contains infinity or a value too large for dtype('float32')."
            )
    copy = copy or not X.flags.writeable
    return X.astype(np.float32, copy=copy)


def _check_float32_range(low, high):
    """Raise unless [low, high] maps onto [0, 1] in float32 without overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        low32, high32 = np.float32(low), np.float32(high)
        width32 = np.float32(high - low)
        bounds = np.array([low32, high32, width32, high32 - low32])
    if not (np.isfinite(bounds).all() and width32 > 0):
        raise ValueError(
            f"PixelScaler cannot map the range [{low!r}, {high!r}] onto [0, 1] in "
            f"float32: the bounds and their width must be finite in float32 "
            f"(at most {_FLOAT32_MAX:.4g} in absolute value) and the width "
            "nonzero. Rescale the data or pass another pixel_range."
        )


def _check_label_values(y, input_name):
    """check_classification_targets, with clear errors for NaN and mixed types."""
    if y.dtype.kind == "f":
        assert_all_finite(y, input_name=input_name)
    elif y.dtype == object and y.ndim == 1:
        is_str = [isinstance(v, str) for v in y.tolist()]
        if any(is_str) and not all(is_str):
            types = sorted({type(v).__name__ for v in y.tolist()})
            raise TypeError(
                f"{input_name} must hold labels of one type, all strings or all "
                f"numbers; got a mix of {types}."
            )
    # type_of_target casts float labels to int64 to spot non-integers.
    with np.errstate(invalid="ignore", over="ignore"):
        check_classification_targets(y)


class PixelScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale pixel intensities to the unit interval, in float32.

    The scaler maps a fitted intensity range ``[data_min_, data_max_]`` linearly
    onto ``[0, 1]``. One range is shared by all pixels (unlike
    :class:`~sklearn.preprocessing.MinMaxScaler`, which scales each feature on
    its own), so the relative brightness of pixels within an image is kept and a
    pixel that is always black in the training set does not blow up.

    With ``pixel_range="auto"`` the range is chosen from the training data:
    8-bit images (values within ``[0, 255]``, like MNIST) map ``0..255`` to
    ``[0, 1]``; data already within ``[0, 1]`` is left as it is; any other
    numeric data is scaled by its own minimum and maximum.

    Images of any shape are accepted: ``(n_samples, n_features)``,
    ``(n_samples, height, width)`` or ``(n_samples, height, width, channels)``.
    The output has the input's shape and dtype float32.

    Parameters
    ----------
    pixel_range : "auto" or tuple of (float, float), default="auto"
        Intensity range mapped onto ``[0, 1]``. ``"auto"`` picks it from the
        training data, as described above; a tuple ``(low, high)`` with
        ``low < high`` fixes it, e.g. ``(0, 255)``.

    clip : bool, default=False
        Clip transformed values to ``[0, 1]``, for data brighter or darker
        than the fitted range.

    copy : bool, default=True
        If False, a writeable float32 input is scaled in place.

    Attributes
    ----------
    data_min_ : float
        Intensity mapped to 0.

    data_max_ : float
        Intensity mapped to 1. Equal to ``data_min_ + 1`` when the training
        data is constant.

    n_features_in_ : int
        Number of pixels per image seen during fit (784 for MNIST, whether
        fitted on images or on rows; it then scales either).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    ImageFlattener : Flatten images to one row of pixels each.
    sklearn.preprocessing.MinMaxScaler : Scale each feature to a range.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist import PixelScaler
    >>> X = np.array([[0, 51, 255], [255, 102, 0]], dtype=np.uint8)
    >>> PixelScaler().fit_transform(X)
    array([[0. , 0.2, 1. ],
           [1. , 0.4, 0. ]], dtype=float32)
    """

    _parameter_constraints = {
        "pixel_range": [StrOptions({"auto"}), tuple],
        "clip": ["boolean"],
        "copy": ["boolean"],
    }

    def __init__(self, pixel_range="auto", *, clip=False, copy=True):
        self.pixel_range = pixel_range
        self.clip = clip
        self.copy = copy

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the intensity range to map onto ``[0, 1]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Training images.

        y : None
            Ignored.

        Returns
        -------
        self : PixelScaler
            The fitted scaler.
        """
        X, _ = validate_rows(self, X, reset=True, dtype="numeric")
        if isinstance(self.pixel_range, tuple):
            if (
                len(self.pixel_range) != 2
                or not self.pixel_range[0] < self.pixel_range[1]
            ):
                raise ValueError(
                    "pixel_range must be 'auto' or a tuple (low, high) with "
                    f"low < high; got {self.pixel_range!r}."
                )
            low, high = (float(v) for v in self.pixel_range)
        else:
            low, high = float(X.min()), float(X.max())
            if low >= 0 and high <= 1:
                low, high = 0.0, 1.0
            elif low >= 0 and high <= 255:
                low, high = 0.0, 255.0
            elif high == low:
                # Constant data; beyond 2**53, low + 1.0 == low in float64.
                high = max(low + 1.0, math.nextafter(low, math.inf))
        _check_float32_range(low, high)
        self.data_min_ = low
        self.data_max_ = high
        return self

    def transform(self, X):
        """Scale X to the unit interval.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Images to scale.

        Returns
        -------
        X_scaled : ndarray of the same shape as X, dtype float32
            Scaled images.
        """
        check_is_fitted(self)
        X, image_shape = validate_rows(self, X, reset=False, dtype="numeric")
        X = _as_float32(X, self.copy)
        if self.data_min_ != 0:
            X -= np.float32(self.data_min_)
        if self.data_max_ - self.data_min_ != 1:
            X /= np.float32(self.data_max_ - self.data_min_)
        if self.clip:
            np.clip(X, 0, 1, out=X)
        return X if image_shape is None else X.reshape(len(X), *image_shape)

    def inverse_transform(self, X):
        """Map scaled values back to the original intensity range.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Scaled images.

        Returns
        -------
        X_original : ndarray of the same shape as X, dtype float32
            Images in the fitted intensity range.
        """
        check_is_fitted(self)
        X, image_shape = validate_rows(self, X, reset=False, dtype="numeric")
        X = _as_float32(X, self.copy)
        X *= np.float32(self.data_max_ - self.data_min_)
        X += np.float32(self.data_min_)
        return X if image_shape is None else X.reshape(len(X), *image_shape)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


class ImageFlattener(TransformerMixin, BaseEstimator):
    """Flatten images ``(n_samples, height, width[, channels])`` into rows.

    The transformer turns each image into one row of ``height * width *
    channels`` pixels, in C order, which is what a dense network expects. The
    result is a view of the input wherever NumPy can give one (no copy, dtype
    unchanged). Two-dimensional input is passed through unchanged. The
    flattener has no parameters.

    Attributes
    ----------
    image_shape_ : tuple of int
        Shape of one image seen during fit, e.g. ``(28, 28)``; ``(n_features,)``
        when fitted on two-dimensional data.

    n_features_in_ : int
        Number of pixels per image seen during fit (784 for MNIST, for images
        and rows alike).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    PixelScaler : Scale pixel intensities to ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist import ImageFlattener
    >>> images = np.arange(8).reshape(2, 2, 2)
    >>> flattener = ImageFlattener().fit(images)
    >>> flattener.transform(images)
    array([[0, 1, 2, 3],
           [4, 5, 6, 7]])
    >>> flattener.get_feature_names_out()
    array(['pixel_0_0', 'pixel_0_1', 'pixel_1_0', 'pixel_1_1'], dtype=object)
    """

    _parameter_constraints = {}

    def __init__(self):
        pass

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the shape of one image.

        Parameters
        ----------
        X : array-like of shape (n_samples, h, w[, c]) or (n_samples, n_features)
            Training images.

        y : None
            Ignored.

        Returns
        -------
        self : ImageFlattener
            The fitted flattener.
        """
        X, image_shape = validate_rows(self, X, reset=True, dtype="numeric")
        self.image_shape_ = image_shape or (X.shape[1],)
        return self

    def transform(self, X):
        """Flatten each image into one row.

        Parameters
        ----------
        X : array-like of shape (n_samples, h, w[, c]) or (n_samples, n_features)
            Images of the shape seen during fit.

        Returns
        -------
        X_flat : ndarray of shape (n_samples, h * w * c)
            One row per image, in the input's dtype.
        """
        check_is_fitted(self)
        self._check_sample_shape(
            X.shape if hasattr(X, "shape") else np.asarray(X).shape
        )
        X, _ = validate_rows(self, X, reset=False, dtype="numeric")
        return X

    def _check_sample_shape(self, shape):
        """Images (not rows) must have the shape seen during fit."""
        shape = tuple(shape[1:])
        if len(shape) > 1 and len(self.image_shape_) > 1 and shape != self.image_shape_:
            raise ValueError(
                f"X has samples of shape {shape}, but {type(self).__name__} was "
                f"fitted on samples of shape {self.image_shape_}."
            )

    def _transform_handed(self, X):
        """``transform`` of what a pipeline's earlier step returned: its
        validation skipped where it would change nothing (see
        :func:`skmnist._rows.handed_rows`)."""
        check_is_fitted(self)
        handed = handed_rows(self, X)
        if handed is None:
            return self.transform(X)
        self._check_sample_shape(X.shape)
        return handed[0]

    def inverse_transform(self, X):
        """Reshape rows back into images of the fitted shape.

        Parameters
        ----------
        X : array-like of shape (n_samples, h * w * c)
            Flattened images.

        Returns
        -------
        images : ndarray of shape (n_samples, h, w[, c])
            Images of the shape seen during fit.
        """
        check_is_fitted(self)
        X = np.asarray(X)
        n_pixels = int(np.prod(self.image_shape_))
        if X.ndim != 2 or X.shape[1] != n_pixels:
            raise ValueError(
                f"X has shape {X.shape}, but {type(self).__name__} expects "
                f"(n_samples, {n_pixels}) to restore images of shape "
                f"{self.image_shape_}."
            )
        return X.reshape(X.shape[0], *self.image_shape_)

    def get_feature_names_out(self, input_features=None):
        """Names of the output pixels, ``pixel_{row}_{col}[_{channel}]``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Used only when the flattener was fitted on two-dimensional data,
            whose feature names pass through unchanged.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per output column.
        """
        check_is_fitted(self)
        if len(self.image_shape_) == 1:
            return _check_feature_names_in(self, input_features)
        index = np.indices(self.image_shape_).reshape(len(self.image_shape_), -1).T
        return np.asarray(
            ["pixel_" + "_".join(map(str, position)) for position in index],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class OneHotLabelEncoder(TransformerMixin, BaseEstimator):
    """Encode class labels as one-hot float32 rows, for a softmax output.

    The target encoder of :class:`~skmnist.MNISTDenseClassifier`: it turns
    labels of any type (integers, strings) into an ``(n_samples, n_classes)``
    float32 matrix for categorical cross-entropy, and maps predicted
    probabilities back to labels. Like
    :class:`~sklearn.preprocessing.LabelBinarizer` it works on ``y``, but it
    always returns one column per class (also for two classes) and float32.

    Parameters
    ----------
    classes : array-like of shape (n_classes,) or None, default=None
        All the classes, in order. If None, the sorted unique labels of the
        ``y`` passed to `fit`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, in the order of the output columns.

    See Also
    --------
    sklearn.preprocessing.LabelBinarizer : One-vs-all label encoding.

    Examples
    --------
    >>> from skmnist import OneHotLabelEncoder
    >>> encoder = OneHotLabelEncoder().fit([3, 1, 3, 7])
    >>> encoder.classes_
    array([1, 3, 7])
    >>> encoder.transform([7, 1])
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    >>> encoder.inverse_transform([[0.1, 0.7, 0.2]])
    array([3])
    """

    _parameter_constraints = {"classes": ["array-like", None]}

    def __init__(self, classes=None):
        self.classes = classes

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, y):
        """Learn the classes.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : OneHotLabelEncoder
            The fitted encoder.
        """
        y = self._check_y(y)
        if self.classes is None:
            self.classes_ = np.unique(y)
        else:
            classes = np.asarray(self.classes)
            if classes.ndim != 1 or classes.size == 0:
                raise ValueError(
                    "classes must be a non-empty 1-D array of distinct labels; "
                    f"got {classes!r}."
                )
            _check_label_values(classes, "classes")
            if len(np.unique(classes)) != len(classes):
                raise ValueError(
                    "classes must be a non-empty 1-D array of distinct labels; "
                    f"got {classes!r}."
                )
            self.classes_ = classes
            self._check_known(y)
        return self

    def transform(self, y):
        """Encode labels as one-hot rows.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Labels, all among `classes_`.

        Returns
        -------
        Y : ndarray of shape (n_samples, n_classes), dtype float32
            One-hot rows.
        """
        check_is_fitted(self)
        y = self._check_y(y)
        positions = self._check_known(y)
        Y = np.zeros((len(y), len(self.classes_)), dtype=np.float32)
        Y[np.arange(len(y)), positions] = 1
        return Y

    def inverse_transform(self, Y, return_proba=False):
        """Map rows of scores (one-hot or probabilities) back to labels.

        Parameters
        ----------
        Y : array-like of shape (n_samples, n_classes)
            One-hot rows or class probabilities.

        return_proba : bool, default=False
            Return ``Y`` itself, as a 2-D array, instead of labels (the hook
            scikeras uses for ``predict_proba``).

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The class of highest score in each row, or ``Y`` when
            ``return_proba=True``.
        """
        check_is_fitted(self)
        Y = np.asarray(Y)
        if Y.ndim == 1:
            Y = Y.reshape(1, -1)
        if Y.ndim != 2 or Y.shape[1] != len(self.classes_):
            raise ValueError(
                f"Y has shape {Y.shape}, but {type(self).__name__} expects "
                f"(n_samples, {len(self.classes_)}), one column per class."
            )
        if return_proba:
            return Y
        return self.classes_[np.argmax(Y, axis=1)]

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, ``class_{label}``.

        Parameters
        ----------
        input_features : None
            Ignored.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per class.
        """
        check_is_fitted(self)
        return np.asarray([f"class_{c}" for c in self.classes_], dtype=object)

    def get_metadata(self):
        """Fitted facts that scikeras copies onto its wrapper.

        scikeras calls this method on its target encoder after `fit`.

        Returns
        -------
        metadata : dict
            ``classes_``, ``n_classes_`` and ``n_outputs_expected_`` (always 1).
        """
        return {
            "classes_": self.classes_,
            "n_classes_": len(self.classes_),
            "n_outputs_expected_": 1,
        }

    def _check_y(self, y):
        y = column_or_1d(y, warn=True)
        if len(y) == 0:
            raise ValueError("y is empty: at least one label is required.")
        _check_label_values(y, "y")
        return y

    def _check_known(self, y):
        positions = None
        if self._sorted:
            try:
                positions = np.searchsorted(self.classes_, y)
            except TypeError:  # labels that do not compare with the classes:
                pass  # the dict lookup below reports them as unseen
        if positions is not None:
            positions = np.minimum(positions, len(self.classes_) - 1)
            known = self.classes_[positions] == y
        else:
            lookup = {c: i for i, c in enumerate(self.classes_.tolist())}
            positions = np.array([lookup.get(v, -1) for v in y.tolist()])
            known = positions >= 0
        if not np.all(known):
            unseen = np.unique(y[~known])
            raise ValueError(
                f"y contains labels not seen during fit: {unseen.tolist()!r}; "
                f"known classes are {self.classes_.tolist()!r}."
            )
        return positions

    @property
    def _sorted(self):
        try:
            return bool(np.all(self.classes_[:-1] < self.classes_[1:]))
        except TypeError:
            return False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        tags.transformer_tags.preserves_dtype = []
        return tags


class DigitNormalizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """MNIST's preparation of handwritten digits, as a transformer.

    MNIST's digits were cropped to their ink, sized into a 20x20 box keeping
    their aspect ratio and placed in a 28x28 frame with their centre of mass
    at the centre; LeCun et al. further deskew them for their best dense
    networks. Digits from elsewhere (a drawing, a photo, a shifted or rotated
    digit) must get the same preparation before a dense network sees them,
    and training digits the same, so that both look alike. For each image:

    1. the background level (the 20% quantile of its pixels) is subtracted
       and the brightest ink scaled to 1; with ``local_background``, where a
       background is still left in the frame's margin (fog, uneven light),
       the image's grey opening over a 9x9 window of 28x28 is subtracted too
       (a white top-hat) and the ink scaled to 1 again; with
       ``fill_outlines``, an outline drawing (all pixels 0 or 1, strokes
       under a pixel wide) is filled into strokes, its loops left open;
    2. with ``remove_stray_ink``, stray ink is removed: solid regions
       touching the border (a window of 9x9 of 28x28 pixels entirely ink,
       the image's edge pixels repeated beyond it: an inverted band, a page
       edge, a shadow) and detached parts of the ink
       lighter than a tenth of the heaviest part (dots, noise, spatter),
       with their faint edges;
    3. with ``deskew``, the digit is sheared horizontally so that its second
       moments are upright;
    4. it is sized so the longer side of its ink's box (pixels above 0.35)
       is 20/28 of the frame, and moved so its centre of mass is at the
       frame's centre (pixel 14, 14 of 28x28).

    Steps 3 and 4 are one affine map, read bilinearly with zeros outside the
    image. The output has the input's shape, in float32 within ``[0, 1]``.
    Each image is prepared on its own: the transformer learns nothing.

    Parameters
    ----------
    deskew : bool, default=True
        Deskew each digit by its second moments.

    remove_stray_ink : bool, default=True
        Remove solid border regions and light detached parts of the ink
        before measuring the digit (and from the output).

    stroke_width : float > 0 or None, default=None
        After the geometry, bring each digit's mean stroke width (twice its
        ink over the length of its edges) towards this many pixels of a 28x28
        frame, by up to 2 pixels either way: thin strokes of a large drawing
        and thick ones of a small drawing then look alike. MNIST's digits
        have 2.0 pixels (median; 1.5 to 2.9 for 90% of them). None leaves
        the strokes as they are.

    local_background : bool, default=True
        Remove a background that varies across the image (fog, a shadow,
        uneven light) where it is left in the frame's margin (the outer 4 of
        28 pixels, blank in MNIST's digits) after step 1. Digits without
        such a background are left exactly as they are.

    fill_outlines : bool, default=True
        Fill outline drawings (an edge detector's output: every pixel 0 or
        1 once scaled, strokes under a pixel wide) into strokes before the
        digit is measured: each hole (background cut off from the border,
        4-connected) is the inside of a stroke and is filled, unless it
        holds a square block of 5/28 of the frame (5x5 pixels of 28x28): a
        loop of the digit, which stays open. A digit drawn with a 1-pixel
        pen passes for an outline too: its loops narrower than that block
        are filled. Greyscale digits are left exactly as they are.

    image_shape : tuple of int (height, width) or None, default=None
        Shape of the images in flat rows. None takes square images (784
        pixels: 28x28); rows whose length is not a square number are taken
        as images of one row. Ignored for images ``(n, h, w)``.

    Attributes
    ----------
    image_shape_ : tuple of int
        ``(height, width)`` of the images seen during fit.

    n_features_in_ : int
        Number of pixels per image seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    skmnist.images.to_mnist_image : A picture of any size to an MNIST digit,
        through the same preparation.
    PixelScaler : Scale pixel intensities to ``[0, 1]``.

    Notes
    -----
    Defined on every finite input: a blank image (no pixel above its
    background level, e.g. all black or all white) becomes an image of
    zeros. Non-finite pixels raise a ``ValueError``.

    References
    ----------
    Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based learning
    applied to document recognition", Proc. IEEE, 1998; and the MNIST page,
    http://yann.lecun.com/exdb/mnist/ (deskewed inputs).

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist import DigitNormalizer
    >>> image = np.zeros((1, 28, 28), dtype=np.uint8)
    >>> image[0, 2:12, 2:5] = 255  # a short bar in the top-left corner
    >>> prepared = DigitNormalizer().fit_transform(image)
    >>> prepared.shape, prepared.dtype
    ((1, 28, 28), dtype('float32'))
    >>> rows = np.flatnonzero(prepared[0].max(axis=1) > 0.5)
    >>> int(rows.min()), int(rows.max())  # now 20 pixels high, centred
    (5, 23)
    """

    _parameter_constraints = {
        "deskew": ["boolean"],
        "remove_stray_ink": ["boolean"],
        "stroke_width": [Interval(Real, 0, None, closed="neither"), None],
        "local_background": ["boolean"],
        "fill_outlines": ["boolean"],
        "image_shape": [tuple, None],
    }

    #: Parameters added after DigitNormalizers were saved without them, with
    #: the value that keeps such a saved transformer preparing as it did
    #: (read by ``__setstate__`` for pickle and skops, and by load_model).
    _params_of_older_files = {"local_background": False, "fill_outlines": False}

    def __init__(
        self,
        *,
        deskew=True,
        remove_stray_ink=True,
        stroke_width=None,
        local_background=True,
        fill_outlines=True,
        image_shape=None,
    ):
        self.deskew = deskew
        self.remove_stray_ink = remove_stray_ink
        self.stroke_width = stroke_width
        self.local_background = local_background
        self.fill_outlines = fill_outlines
        self.image_shape = image_shape

    def __setstate__(self, state):
        # A transformer pickled before a parameter existed keeps its output.
        super().__setstate__({**self._params_of_older_files, **state})

    def _frame(self, n_pixels, image_shape):
        if image_shape is not None:
            if len(image_shape) != 2:
                raise ValueError(
                    f"{type(self).__name__} takes grayscale images (n, height, "
                    f"width) or rows; got images of shape {image_shape}."
                )
            return image_shape
        if self.image_shape is not None:
            return check_image_shape(self.image_shape, n_pixels)
        return _frame_shape(n_pixels, None)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the images and record their shape.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width) or (n_samples, n_pixels)
            Training images.

        y : None
            Ignored.

        Returns
        -------
        self : DigitNormalizer
            The fitted transformer.
        """
        X, image_shape = validate_rows(self, X, reset=True, dtype="numeric")
        self.image_shape_ = self._frame(X.shape[1], image_shape)
        return self

    def transform(self, X):
        """Prepare each digit as MNIST's were.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width) or (n_samples, n_pixels)
            Digits, white (high values) on black, any intensity unit.

        Returns
        -------
        X_prepared : ndarray of the shape of X, dtype float32
            The prepared digits, in ``[0, 1]``.
        """
        check_is_fitted(self)
        X, image_shape = validate_rows(self, X, reset=False, dtype="numeric")
        return self._prepare_rows(X, image_shape)

    def _transform_handed(self, X):
        """``transform`` of what a pipeline's earlier step returned: its
        validation skipped where it would change nothing (see
        :func:`skmnist._rows.handed_rows`)."""
        check_is_fitted(self)
        handed = handed_rows(self, X)
        if handed is None:
            return self.transform(X)
        return self._prepare_rows(*handed)

    def _prepare_rows(self, X, image_shape):
        shape = self._frame(X.shape[1], image_shape)
        images = prepare_digits(
            X.reshape(X.shape[0], *shape),
            deskew=self.deskew,
            remove_stray_ink=self.remove_stray_ink,
            stroke_width=self.stroke_width,
            local_background=self.local_background,
            fill_outlines=self.fill_outlines,
        )
        return images if image_shape is not None else images.reshape(X.shape)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
