"""The shared body of the family's loaders: files to a scikit-learn Bunch.

Modelled on scikit-learn's ``load_digits`` (``sklearn/datasets/_base.py``):
``data``, ``target``, ``images``, ``feature_names``, ``target_names``,
``frame`` and ``DESCR``.
"""

import os
from importlib import resources
from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._optional_dependencies import check_pandas_support
from sklearn.utils._param_validation import Interval, StrOptions

from ._fetch import locate
from ._idx import N_COLS, N_ROWS, load_idx, load_npz, transpose_images

TARGET_COLUMN = "class"

FEATURE_NAMES = [f"pixel_{row}_{col}" for row in range(N_ROWS) for col in range(N_COLS)]

#: ``validate_params`` constraints shared by every loader of the family.
COMMON_CONSTRAINTS = {
    "subset": [StrOptions({"train", "test", "all"})],
    "data_home": [str, os.PathLike, None],
    "download": ["boolean"],
    "return_X_y": ["boolean"],
    "as_frame": ["boolean"],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "n_retries": [Interval(Integral, 0, None, closed="left")],
    "delay": [Interval(Real, 0.0, None, closed="left")],
}


def read_descr(filename):
    """The text of ``descr/<filename>``, shipped with the package."""
    return (
        resources.files("skmnist.datasets")
        .joinpath("descr")
        .joinpath(filename)
        .read_text(encoding="utf-8")
    )


def _read(spec, subsets, data_home, download, n_retries, delay):
    pairs, npz_path = locate(spec, subsets, data_home, download, n_retries, delay)
    if npz_path is not None:
        return load_npz(npz_path, subsets)
    data, target = load_idx(pairs, spec.label_range)
    if spec.label_offset:
        target -= np.uint8(spec.label_offset)
    if spec.transposed:
        transpose_images(data)
    return data, target


def loader_options(names):
    """A public loader's keyword arguments, from its ``locals()``."""
    return {key: value for key, value in names.items() if key != "subset"}


def load_dataset(spec, subset, options):
    """Load the data set ``spec`` (a registry record); see ``load_mnist``.

    ``options`` holds the public loaders' keyword arguments, validated.
    """
    subsets = ("train", "test") if subset == "all" else (subset,)
    data, target = _read(
        spec,
        subsets,
        options["data_home"],
        options["download"],
        options["n_retries"],
        options["delay"],
    )
    as_frame, return_X_y = options["as_frame"], options["return_X_y"]

    if options["shuffle"]:
        random_state = check_random_state(options["random_state"])
        order = random_state.permutation(target.shape[0])
        data, target = data[order], target[order]

    images = data.reshape(-1, N_ROWS, N_COLS)
    feature_names = list(FEATURE_NAMES)
    frame = None
    if as_frame:
        pd = check_pandas_support(f"loading {spec.title} with as_frame=True")
        data_df = pd.DataFrame(data, columns=feature_names, copy=False)
        target_sr = pd.Series(target, name=TARGET_COLUMN, copy=False)
        frame = pd.concat([data_df, target_sr], axis=1)
        data, target = frame[feature_names], frame[TARGET_COLUMN]

    if return_X_y:
        return data, target

    extra = {key: np.asarray(value) for key, value in spec.extra.items()}
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        images=images,
        feature_names=feature_names,
        target_names=np.asarray(spec.target_names),
        DESCR=read_descr(spec.descr),
        **extra,
    )


_PARAMETERS_DOC = """\
    subset : {"train", "test", "all"}, default="train"
        Which part of the data set to load. ``"all"`` returns the training
        samples followed by the test samples.

    data_home : str or path-like, default=None
        Folder that directly holds the files (no sub-folder is appended,
        unlike other scikit-learn loaders). When None, the data set's
        environment variable (``%(env_var)s``) is used if set, else
        ``sklearn.datasets.get_data_home() / "%(cache_folder)s"``.

    download : bool, default=True
        If True, download the files that the subset needs and that are
        missing from the folder, from %(source)s, and verify their published
        checksum before they get their final name. If False, raise an
        ``OSError`` when files are missing.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch object.

    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame with one uint8 column per
        pixel, ``target`` a Series named ``"class"``, and ``frame`` a
        DataFrame holding both. pandas is imported only in this case.

    shuffle : bool, default=False
        Whether to shuffle the samples (images and labels together).

    random_state : int, RandomState instance or None, default=None
        Determines the shuffling when ``shuffle=True``. Pass an int for
        reproducible output across multiple function calls.

    n_retries : int, default=3
        Number of retries per mirror when a download hits an HTTP error.

    delay : float, default=1.0
        Number of seconds between download retries."""

_RETURNS_DOC = """\
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 784)
            The flattened images, uint8 in 0..255, one row per image in
            row-major pixel order (upright images). A DataFrame if
            ``as_frame=True``.
        target : {ndarray, Series} of shape (n_samples,)
            The class of each image, ``uint8`` from 0 (an index into
            ``target_names``). A Series if ``as_frame=True``.
        images : ndarray of shape (n_samples, 28, 28)
            The images, uint8. A view of the same memory as the ndarray
            ``data`` (no copy).
        feature_names : list of str
            ``"pixel_{row}_{col}"`` for the 784 pixels, rows and columns
            counted from 0.
        target_names : ndarray of shape (n_classes,)
            %(target_names)s
        frame : DataFrame of shape (n_samples, 785)
            Only present when ``as_frame=True``: pixels plus the ``"class"``
            column. None otherwise.
        DESCR : str
            The full description of the data set, with its citation and
            licence.

    (data, target) : tuple if ``return_X_y`` is True
        The two arrays (or DataFrame and Series) described above."""

_RAISES_DOC = """\
    OSError
        If files are missing and ``download=False``, or if a download fails
        (network error, or a checksum that does not match the published
        one). The message names the paths or URLs involved and how to
        provide the files offline.
    ValueError
        If a file is not valid: not gzip or truncated, bad IDX magic number,
        images not 28x28, a data size that does not match the header's
        count, images and labels counts that differ, or labels outside the
        data set's range. The message names the file and the problem."""


_TABLE_DOC = """\
=================   ==============
    Classes                         10
    Samples total               70,000
    Samples (train)             60,000
    Samples (test)              10,000
    Dimensionality                 784
    Features            integers 0-255
    =================   =============="""


def fill_doc(spec, source, target_names, extra_parameters=""):
    """Decorator: fill a loader's docstring with the family's shared sections.

    The docstring holds ``%(table)s`` where the table of a 70,000-image data
    set goes, and ``%(sections)s`` where the Parameters (after
    ``extra_parameters``), Returns and Raises sections go.
    """
    values = {
        "env_var": spec.env_var,
        "cache_folder": spec.cache_folder,
        "source": source,
        "target_names": target_names,
    }
    sections = {
        "table": _TABLE_DOC,
        "sections": "\n".join(
            [
                "Parameters",
                "    ----------",
                extra_parameters + _PARAMETERS_DOC % values,
                "",
                "    Returns",
                "    -------",
                _RETURNS_DOC % values,
                "",
                "    Raises",
                "    ------",
                _RAISES_DOC,
            ]
        ),
    }

    def decorate(func):
        doc = func.__doc__
        for key, text in sections.items():
            doc = doc.replace(f"%({key})s", text)
        func.__doc__ = doc
        return func

    return decorate
