"""The loaders: MNIST and its family (Fashion-MNIST, Kuzushiji-MNIST, EMNIST).

Each loader is one record of the registry read by ``load_dataset``: the same
IDX reader, download path and cache layout; ``load_by_name`` picks the loader
of a data set name, as ``skmnist train --dataset`` gives it.
"""

from functools import partial

from sklearn.utils._param_validation import StrOptions, validate_params

from ._base import COMMON_CONSTRAINTS, fill_doc, load_dataset, loader_options
from ._registry import (
    DATASETS,
    EMNIST_SPLITS,
    FASHION_MNIST,
    KMNIST,
    MNIST,
    get_dataset,
)

__all__ = [
    "load_by_name",
    "load_emnist",
    "load_fashion_mnist",
    "load_kmnist",
    "load_mnist",
]


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


def _load(name, subset, options):
    return load_dataset(DATASETS[name], subset, options)


@validate_params(COMMON_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(
    FASHION_MNIST,
    source="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ "
    "(falling back to the zalandoresearch/fashion-mnist repository)",
    target_names='The clothing names, ``"T-shirt/top"`` to ``"Ankle boot"``.',
)
def load_fashion_mnist(
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
    """Load Zalando's Fashion-MNIST data set (classification).

    70,000 grayscale 28x28 images of clothing in 10 classes, in MNIST's
    exact format (a drop-in replacement that is harder to classify):
    60,000 for training and 10,000 for testing. Read, cached and downloaded
    like :func:`load_mnist`, from the folder ``data_home``, else
    ``$SKMNIST_FASHION_MNIST_DATA``, else
    ``sklearn.datasets.get_data_home() / "fashion-mnist"``.

    %(table)s

    %(sections)s

    See Also
    --------
    load_mnist : The handwritten digits these images replace.

    Examples
    --------
    >>> from skmnist.datasets import load_fashion_mnist
    >>> fashion = load_fashion_mnist("test")  # doctest: +SKIP
    >>> fashion.target_names[fashion.target[:3]]  # doctest: +SKIP
    array(['Ankle boot', 'Pullover', 'Trouser'], dtype='<U11')
    """
    return _load("fashion-mnist", subset, loader_options(locals()))


@validate_params(COMMON_CONSTRAINTS, prefer_skip_nested_validation=True)
@fill_doc(
    KMNIST,
    source="http://codh.rois.ac.jp/kmnist/dataset/kmnist/ (the IDX files; the "
    "same data are also published as .npz files, which are not read)",
    target_names='The ten hiragana, romanised (``"o"``, ``"ki"``, ... '
    '``"wo"``); ``target_characters`` holds the characters themselves.',
)
def load_kmnist(
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
    """Load the Kuzushiji-MNIST data set of cursive Japanese (classification).

    70,000 grayscale 28x28 images of ten hiragana characters written in
    classical cursive (kuzushiji), in MNIST's format: 60,000 for training
    and 10,000 for testing. Read, cached and downloaded like
    :func:`load_mnist`, from the folder ``data_home``, else
    ``$SKMNIST_KMNIST_DATA``, else ``sklearn.datasets.get_data_home() /
    "kmnist"``. The Bunch also holds ``target_characters``, the hiragana of
    each class (``target_names`` are romanised so that any font draws them).

    %(table)s

    %(sections)s

    See Also
    --------
    load_mnist : The handwritten digits, in the same format.

    Examples
    --------
    >>> from skmnist.datasets import load_kmnist
    >>> kmnist = load_kmnist("test")  # doctest: +SKIP
    >>> kmnist.target_names  # doctest: +SKIP
    array(['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'], dtype='<U3')
    """
    return _load("kmnist", subset, loader_options(locals()))


@validate_params(
    {**COMMON_CONSTRAINTS, "split": [StrOptions(set(EMNIST_SPLITS))]},
    prefer_skip_nested_validation=True,
)
@fill_doc(
    DATASETS["emnist-balanced"],
    source="https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip (one 536 MiB "
    "zip of every split, kept in the folder and read in place)",
    target_names="The characters of the split's classes (``letters``: "
    '``"A"`` to ``"Z"``, upper and lower case merged).',
    extra_parameters='    split : {"digits", "letters", "balanced", "bymerge", '
    '"byclass", "mnist"}, default="balanced"\n'
    "        Which of EMNIST's splits to load.\n\n",
)
def load_emnist(
    subset="train",
    *,
    split="balanced",
    data_home=None,
    download=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
    n_retries=3,
    delay=1.0,
):
    """Load one split of EMNIST, handwritten digits and letters (classification).

    NIST Special Database 19's characters converted to MNIST's 28x28 format.
    EMNIST ships every split's IDX files as members of one zip
    (``gzip.zip``, members ``gzip/emnist-<split>-<train|test>-...-ubyte.gz``)
    and stores each image transposed; this loader reads the members from
    the zip (or from the extracted ``.gz`` files, if they are in the
    folder) and returns upright images, as MNIST's. The folder is
    ``data_home``, else ``$SKMNIST_EMNIST_DATA``, else
    ``sklearn.datasets.get_data_home() / "emnist"``.

    ==========  =======  =========  ========
    split       classes  train      test
    ==========  =======  =========  ========
    digits      10       240,000    40,000
    letters     26       124,800    20,800
    balanced    47       112,800    18,800
    bymerge     47       697,932    116,323
    byclass     62       697,932    116,323
    mnist       10       60,000     10,000
    ==========  =======  =========  ========

    ``letters`` labels run from 1 to 26 in the files; ``target`` counts from
    0 (``"A"``), like every other data set's, so that
    ``target_names[target]`` is the letter.

    %(sections)s

    See Also
    --------
    load_mnist : The handwritten digits EMNIST extends.

    Examples
    --------
    >>> from skmnist.datasets import load_emnist
    >>> letters = load_emnist("test", split="letters")  # doctest: +SKIP
    >>> letters.target_names[:5]  # doctest: +SKIP
    array(['A', 'B', 'C', 'D', 'E'], dtype='<U1')
    """
    options = loader_options(locals())
    del options["split"]
    return _load(f"emnist-{split}", subset, options)


def load_by_name(name, subset="train", *, class_names=False, **kwargs):
    """Load the data set called ``name`` (``skmnist train --dataset``'s names).

    Parameters
    ----------
    name : str
        ``"mnist"``, ``"fashion-mnist"``, ``"kmnist"`` or
        ``"emnist-<split>"``; a ValueError lists the valid names.

    subset : {"train", "test", "all"}, default="train"
        Which part of the data set to load.

    class_names : bool, default=False
        If True, ``target`` holds the class names (``target_names[target]``)
        instead of the integer labels, so that a model fitted on it predicts
        names and its reports show them.

    **kwargs
        The loaders' other keywords (``data_home``, ``download``, ...).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`load_mnist` returns it.
    """
    spec = get_dataset(name)
    loaders = {
        "mnist": load_mnist,
        "fashion-mnist": load_fashion_mnist,
        "kmnist": load_kmnist,
    }
    loader = loaders.get(spec.name) or partial(
        load_emnist, split=spec.name.removeprefix("emnist-")
    )
    bunch = loader(subset, **kwargs)
    if class_names:
        bunch.target = bunch.target_names[bunch.target]
    return bunch
