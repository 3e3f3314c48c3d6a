"""``load_mnist``: the MNIST handwritten digits, from IDX files or Keras' npz."""

from sklearn.utils._param_validation import validate_params

from ._base import COMMON_CONSTRAINTS, fill_doc, load_dataset, loader_options
from ._registry import DATASETS, MNIST

__all__ = ["load_mnist"]


@validate_params(COMMON_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(
    MNIST,
    source="https://ossci-datasets.s3.amazonaws.com/mnist/ (falling back to "
    "https://storage.googleapis.com/cvdf-datasets/mnist/)",
    target_names="The classes, ``np.arange(10)``.",
)
def load_mnist(
    subset="train",
    *,
    data_home=None,
    download=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
    n_retries=3,
    delay=1.0,
):
    """Load the MNIST handwritten digits data set (classification).

    70,000 grayscale 28x28 images of the digits 0 to 9: 60,000 for training
    and 10,000 for testing. Pixels are returned raw (``uint8``, 0..255);
    scale them in a pipeline (``PixelScaler``) so cross-validation does not
    leak.

    %(table)s

    The files are looked for in one folder, chosen in this order: the
    ``data_home`` argument, the ``SKMNIST_DATA`` environment variable, then
    ``sklearn.datasets.get_data_home() / "mnist"`` (which honours
    ``SCIKIT_LEARN_DATA``). That folder holds the four standard IDX files
    ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
    ``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz`` (or the
    same names without ``.gz``, uncompressed), or else Keras' ``mnist.npz``.
    Only the files that ``subset`` needs are read.

    %(sections)s

    See Also
    --------
    load_fashion_mnist : Zalando's clothing images, in the same format.
    load_kmnist : Cursive Japanese characters, in the same format.
    load_emnist : Handwritten digits and letters, in the same format.
    sklearn.datasets.load_digits : The 8x8 digits shipped with scikit-learn.

    Notes
    -----
    Files found on disk are validated structurally (magic numbers, sizes,
    counts, label range), never against the download checksums: re-packed or
    re-ordered copies of the data are legitimate. The cache is the folder in
    use, so downloaded files are found by the next call without network.

    Examples
    --------
    >>> from skmnist.datasets import load_mnist
    >>> X, y = load_mnist(return_X_y=True)
    >>> X.shape
    (60000, 784)
    >>> X.dtype, y.dtype
    (dtype('uint8'), dtype('uint8'))
    >>> y[:10]
    array([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], dtype=uint8)
    >>> mnist = load_mnist(subset="test")
    >>> mnist.images.shape
    (10000, 28, 28)
    >>> mnist.feature_names[:3]
    ['pixel_0_0', 'pixel_0_1', 'pixel_0_2']
    """
    return load_dataset(DATASETS["mnist"], subset, loader_options(locals()))
