"""MNIST's siblings: Fashion-MNIST, Kuzushiji-MNIST and EMNIST.

Each loader is ``load_mnist`` on another record of the registry: the same
IDX reader, download path and cache layout.
"""

from functools import partial

from sklearn.utils._param_validation import StrOptions, validate_params

from ._base import COMMON_CONSTRAINTS, fill_doc, load_dataset, loader_options
from ._mnist import load_mnist
from ._registry import DATASETS, EMNIST_SPLITS, FASHION_MNIST, KMNIST, get_dataset

__all__ = ["load_by_name", "load_emnist", "load_fashion_mnist", "load_kmnist"]


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
