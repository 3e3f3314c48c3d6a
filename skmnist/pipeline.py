"""The standard MNIST pipeline: scale, flatten, classify."""

from sklearn.pipeline import make_pipeline

from skmnist._classifier import MNISTDenseClassifier
from skmnist.preprocessing import ImageFlattener, PixelScaler

__all__ = ["make_mnist_pipeline"]


def make_mnist_pipeline(**classifier_params):
    """Build the pipeline ``PixelScaler -> ImageFlattener -> MNISTDenseClassifier``.

    The steps carry :func:`~sklearn.pipeline.make_pipeline`'s names
    (``"pixelscaler"``, ``"imageflattener"``, ``"mnistdenseclassifier"``), so
    classifier parameters are searched as
    ``"mnistdenseclassifier__epochs"`` and so on. It takes raw uint8 images
    ``(n, 28, 28)``, flat pixel rows ``(n, 784)`` or a DataFrame of pixel
    columns; scaling happens inside the pipeline, so cross-validation is free
    of leakage.

    Parameters
    ----------
    **classifier_params
        Parameters of :class:`~skmnist.MNISTDenseClassifier`, e.g.
        ``epochs=10`` or ``verbose=1``. (The pipeline's own ``memory`` and
        ``verbose`` are set with ``set_params`` on the result.)

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        The unfitted pipeline.

    See Also
    --------
    MNISTDenseClassifier : The classifier at the end of the pipeline.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skmnist import make_mnist_pipeline
    >>> pipe = make_mnist_pipeline(epochs=5)
    >>> [name for name, _ in pipe.steps]
    ['pixelscaler', 'imageflattener', 'mnistdenseclassifier']
    >>> search = GridSearchCV(
    ...     pipe,
    ...     {"mnistdenseclassifier__epochs": [5, 10],
    ...      "mnistdenseclassifier__batch_size": [64, 128]},
    ... )
    """
    return make_pipeline(
        PixelScaler(),
        ImageFlattener(),
        MNISTDenseClassifier(**classifier_params),
    )
