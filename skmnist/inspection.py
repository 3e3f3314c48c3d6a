"""Why the network says 7: pixel attributions on the NumPy forward pass.

A fitted :class:`~skmnist.MNISTDenseClassifier` is a few arrays, so the
gradient of a class score with respect to the pixels is a few matrix
products, exact and without TensorFlow (:mod:`skmnist._forward`). On top of
it, :func:`pixel_attributions` computes integrated gradients (Sundararajan et
al., 2017), gradient x input and the plain gradient. Their Displays,
:class:`~skmnist.plotting.AttributionDisplay` and
:class:`~skmnist.plotting.WeightsDisplay`, are in :mod:`skmnist.plotting`.
"""

import math
from numbers import Integral

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import check_is_fitted

from skmnist import _forward
from skmnist._classifier import MNISTDenseClassifier
from skmnist._rows import validate_rows

__all__ = ["METHODS", "pixel_attributions"]

#: The methods of :func:`pixel_attributions`.
METHODS = ("integrated_gradients", "gradient_x_input", "gradient")

#: Rows (samples x steps) of one vectorised batch of integrated gradients:
#: the hidden layers of 8,192 rows stay a few MB.
_BATCH_ROWS = 8192


def network_of(estimator):
    """``(classifier, transform)``: the network of a fitted ``estimator``.

    ``transform`` maps X to what the network sees (the pipeline's
    transformers; None for a bare classifier). Raises TypeError naming
    `estimator` for anything other than an MNISTDenseClassifier or a
    Pipeline ending in one, and NotFittedError when it is not fitted.
    """
    if isinstance(estimator, Pipeline):
        classifier = estimator.steps[-1][1]
        if not isinstance(classifier, MNISTDenseClassifier):
            raise TypeError(
                "estimator must be an MNISTDenseClassifier or a Pipeline whose "
                "last step is one; got a Pipeline ending in "
                f"{type(classifier).__name__}."
            )
        check_is_fitted(classifier)
        transform = estimator[:-1].transform if len(estimator.steps) > 1 else None
        return classifier, transform
    if not isinstance(estimator, MNISTDenseClassifier):
        raise TypeError(
            "estimator must be an MNISTDenseClassifier or a Pipeline whose last "
            f"step is one; got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    return estimator, None


def explainable(estimator):
    """Whether :func:`pixel_attributions` takes ``estimator`` (its type only)."""
    if isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    return isinstance(estimator, MNISTDenseClassifier)


def _target_indices(target, classifier, logits):
    """Column of ``classes_`` of each sample's target class."""
    n, classes = len(logits), classifier.classes_
    if target is None:
        return np.argmax(logits, axis=1)
    if isinstance(target, str) and target == "runner_up":
        if len(classes) < 2:
            raise ValueError("target='runner_up' needs at least two classes.")
        return np.argsort(logits, axis=1, kind="stable")[:, -2]
    target = np.asarray(target)
    if target.ndim == 0:
        target = np.full(n, target.item(), dtype=object)
    if target.ndim != 1 or len(target) != n:
        raise ValueError(
            f"target must be None, 'runner_up', a label of classes_ or an array "
            f"of {n} labels (one per sample); got shape {target.shape}."
        )
    index = {
        label.item() if hasattr(label, "item") else label: k
        for k, label in enumerate(classes)
    }
    columns = [index.get(t.item() if hasattr(t, "item") else t, -1) for t in target]
    columns = np.asarray(columns, dtype=np.intp)
    if np.any(columns < 0):
        missing = sorted({str(t) for t, c in zip(target, columns) if c < 0})
        raise ValueError(
            f"target has labels that are not in the classifier's classes_ "
            f"{list(classes)}: {', '.join(missing)}."
        )
    return columns


def _integrated_gradients(rows, network, weights, n_steps):
    """Integrated gradients from the black baseline, a batch of steps at once.

    The path is ``alpha * x`` (the baseline is zero), so the first layer's
    pre-activation along it is ``alpha * (x @ W0) + b0``: one product with the
    784-pixel first layer per sample, not one per step. The gradient with
    respect to x is linear in the first layer's gradient, so the steps are
    averaged before the one product back to the pixels.
    """
    coefs, intercepts, activation = network
    W0, b0 = coefs[0], intercepts[0]
    dtype = W0.dtype
    alphas = (np.arange(n_steps, dtype=dtype) + dtype.type(0.5)) / dtype.type(n_steps)
    out = np.empty_like(rows)
    per_batch = max(1, _BATCH_ROWS // n_steps)
    for start in range(0, len(rows), per_batch):
        x = rows[start : start + per_batch]
        w = weights[start : start + per_batch]
        xw = x @ W0
        # (steps, samples, units) -> rows; every row gets its sample's weights.
        first = alphas[:, None, None] * xw[None] + b0
        first = first.reshape(-1, xw.shape[1])
        w_steps = np.broadcast_to(w, (n_steps, *w.shape)).reshape(-1, w.shape[1])
        _, grad = _forward.first_layer_gradient(
            first, coefs, intercepts, activation, w_steps, overwrite=True
        )
        mean = grad.reshape(n_steps, len(x), -1).mean(axis=0)
        out[start : start + per_batch] = x * (mean @ W0.T)
    return out


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like"],
        "target": "no_validation",
        "method": [StrOptions(set(METHODS))],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def pixel_attributions(
    estimator, X, *, target=None, method="integrated_gradients", n_steps=32
):
    """How much each pixel pushed the network toward a class.

    The class score is the class's **logit**, the network's output before
    the softmax: its gradient says what moves that class alone, while a
    log-probability's also moves with every other class's score. Every
    method works on what the network sees (for a pipeline, X after its
    transformers, e.g. pixels scaled to [0, 1]), computed in the network's
    dtype (float32 unless fitted on float64 data) with NumPy only.

    - ``"integrated_gradients"``: ``x * mean(gradient at alpha * x)`` over
      ``n_steps`` points of the straight path from a black baseline (zeros
      in the network's input space) to ``x``, taken at the midpoints
      ``alpha = (k + 1/2) / n_steps`` (the midpoint Riemann sum). The
      attributions of an image add up to ``scores - baseline_scores``
      (completeness) up to the error of the sum, which falls as
      ``1 / n_steps**2`` for smooth activations, as ``1 / n_steps`` where
      ReLU units switch along the path, and is zero for a network without
      hidden layers.
    - ``"gradient_x_input"``: ``x * gradient at x``.
    - ``"gradient"``: the gradient of the score at ``x`` (a sensitivity map,
      not zero on black pixels).

    Parameters
    ----------
    estimator : MNISTDenseClassifier or Pipeline
        A fitted classifier, or a fitted Pipeline whose last step is one.

    X : array-like of shape (n_samples, 784) or (n_samples, 28, 28)
        What the estimator predicts on (raw pixels for a pipeline).

    target : None, "runner_up", label or array-like of shape (n_samples,), \
            default=None
        The class to explain for each sample, as **labels** of
        ``classes_`` (not column indices; for MNIST they coincide): None for
        the predicted class, ``"runner_up"`` for the class with the second
        largest score, one label for every sample, or one label per sample.

    method : {"integrated_gradients", "gradient_x_input", "gradient"}, \
            default="integrated_gradients"
        How the attributions are computed (see above).

    n_steps : int >= 1, default=32
        Number of gradients along the path, for integrated gradients.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With keys:

        attributions : ndarray of shape (n_samples, side, side) or \
                (n_samples, n_features)
            Positive where the pixel raised the target's score, negative
            where it lowered it. Square images ``(side, side)`` when the
            network's input has a square number of features (784 -> 28x28),
            rows otherwise.
        images : ndarray, shaped like `attributions`
            What the network sees (X after the pipeline's transformers).
        target : ndarray of shape (n_samples,)
            The label explained for each sample.
        scores : ndarray of shape (n_samples,)
            The target's logit at the input.
        baseline_scores : ndarray of shape (n_samples,)
            The target's logit at the black baseline.
        method : str
            The method used.

    Raises
    ------
    TypeError
        If `estimator` is not an MNISTDenseClassifier or a Pipeline ending in
        one.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If X does not have the network's number of pixels, a `target` label
        is not in ``classes_``, or `method` or `n_steps` is invalid.

    See Also
    --------
    skmnist.plotting.AttributionDisplay : Digits beside their attributions.

    Examples
    --------
    >>> import numpy as np
    >>> from skmnist import MNISTDenseClassifier
    >>> from skmnist.inspection import pixel_attributions
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.rand(40, 784).astype(np.float32), np.arange(40) % 10
    >>> clf = MNISTDenseClassifier(hidden_layer_sizes=(16,), epochs=1,
    ...                            random_state=0).fit(X, y)
    >>> result = pixel_attributions(clf, X[:3], n_steps=64)
    >>> result.attributions.shape, result.images.shape
    ((3, 28, 28), (3, 28, 28))
    >>> completeness = result.attributions.sum(axis=(1, 2))
    >>> bool(np.allclose(completeness, result.scores - result.baseline_scores,
    ...                  atol=1e-2))
    True
    """
    classifier, transform = network_of(estimator)
    if transform is not None:
        X = transform(X)
    network = (classifier.coefs_, classifier.intercepts_, classifier.activation)
    dtype = classifier.coefs_[0].dtype
    rows, _ = validate_rows(classifier, X, reset=False, dtype=dtype)
    rows = np.ascontiguousarray(rows)
    logits = _forward.logits(rows, *network)
    columns = _target_indices(target, classifier, logits)
    weights = np.zeros_like(logits)
    weights[np.arange(len(rows)), columns] = 1
    if method == "integrated_gradients":
        attributions = _integrated_gradients(rows, network, weights, n_steps)
    else:
        first = rows @ network[0][0] + network[1][0]
        _, grad = _forward.first_layer_gradient(first, *network, weights)
        attributions = grad @ network[0][0].T
        if method == "gradient_x_input":
            attributions *= rows
    baseline = _forward.logits(np.zeros((1, rows.shape[1]), dtype), *network)[0]
    shape = (rows.shape[1],)
    side = math.isqrt(rows.shape[1])
    if side * side == rows.shape[1]:
        shape = (side, side)
    n = len(rows)
    return Bunch(
        attributions=attributions.reshape(n, *shape),
        images=rows.reshape(n, *shape).copy(),
        target=classifier.classes_[columns],
        scores=logits[np.arange(n), columns],
        baseline_scores=baseline[columns],
        method=method,
    )
