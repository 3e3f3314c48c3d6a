"""MNIST loader: IDX reading and validation, download with SHA256 check, cache.

Modelled on scikit-learn's ``fetch_covtype`` (``sklearn/datasets/_covtype.py``)
and ``load_digits`` (``sklearn/datasets/_base.py``).
"""

import gzip
import logging
import os
import zipfile
import zlib
from contextlib import ExitStack, contextmanager
from http.client import HTTPException
from importlib import resources
from numbers import Integral, Real
from pathlib import Path

import numpy as np
from sklearn.datasets import fetch_file, get_data_home
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._optional_dependencies import check_pandas_support
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

logger = logging.getLogger(__name__)

ENV_VAR = "SKMNIST_DATA"
NPZ_FILENAME = "mnist.npz"
TARGET_COLUMN = "class"

N_ROWS = N_COLS = 28
N_PIXELS = N_ROWS * N_COLS
_CHUNK = 1 << 20  # bytes decompressed per read

# IDX magic numbers: 0x0000 0803 (unsigned bytes, 3 dimensions) for images,
# 0x0000 0801 (unsigned bytes, 1 dimension) for labels.
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

# File stems per subset: (images, labels). On disk they carry ".gz" or nothing.
_STEMS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

# Download mirrors, tried in order (the first is torchvision's, the second
# TensorFlow's). Both serve the original gzipped files of LeCun et al.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# SHA256 of the ORIGINAL gzipped files, verified on every download (never on
# files a user provides). Source: tensorflow/datasets
# tensorflow_datasets/url_checksums/mnist.txt (URL, size in bytes, sha256),
# the same four values as in ankane/torchvision-ruby
# lib/torchvision/datasets/mnist.rb. The three test/label hashes were also
# recomputed here on byte-identical copies of the originals (md5 d53e105e...,
# 9fb629c4..., ec29112d..., as listed by torchvision). The train-images hash
# is the original file's (9,912,422 bytes, md5 f68b3c2dcbeaaa9fbdd348bbdeb94873).
SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
}

_ALL_GZ_NAMES = ", ".join(f"{stem}.gz" for pair in _STEMS.values() for stem in pair)

_FEATURE_NAMES = [
    f"pixel_{row}_{col}" for row in range(N_ROWS) for col in range(N_COLS)
]


def _how_to_provide(folder):
    return (
        f"To use MNIST offline, put the four IDX files ({_ALL_GZ_NAMES}; "
        "uncompressed copies without '.gz', or Keras' mnist.npz, also work) in "
        f"one folder and either set the {ENV_VAR} environment variable to that "
        "folder or pass data_home=<that folder>. Otherwise call "
        f"load_mnist(download=True) on a machine with internet access to "
        f"download them into {folder}."
    )


# --------------------------------------------------------------------------
# Locating the files
# --------------------------------------------------------------------------


def _resolve_folder(data_home):
    """Return the folder holding the files and where that choice came from."""
    if data_home is not None:
        return Path(data_home).expanduser(), "the data_home argument"
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser(), f"the {ENV_VAR} environment variable"
    return (
        Path(get_data_home()) / "mnist",
        "the scikit-learn data home (sklearn.datasets.get_data_home(), which "
        "honours SCIKIT_LEARN_DATA)",
    )


def _find_idx(folder, stem):
    """Path of the gzipped or uncompressed IDX file ``stem``, or None."""
    for name in (f"{stem}.gz", stem):
        path = folder / name
        if path.is_file():
            return path
    return None


def _missing_message(folder, origin, subset, missing):
    looked = "\n".join(
        f"    {folder / (stem + '.gz')} (or {folder / stem})" for stem in missing
    )
    return (
        f"MNIST data for subset={subset!r} not found and download=False.\n"
        f"Folder used: {folder} (from {origin}; the lookup order is data_home, "
        f"then {ENV_VAR}, then sklearn.datasets.get_data_home()/'mnist').\n"
        f"Missing files:\n{looked}\n"
        f"and no Keras archive at {folder / NPZ_FILENAME}.\n" + _how_to_provide(folder)
    )


# --------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------


def _download(filename, folder, n_retries, delay):
    """Download ``filename`` into ``folder`` from the first mirror that works.

    ``sklearn.datasets.fetch_file`` writes into a temporary file inside
    ``folder``, checks its SHA256 and only then renames it atomically, so a
    failed or corrupt download leaves nothing behind.
    """
    errors = []
    for mirror in MIRRORS:
        url = mirror + filename
        logger.info("Downloading %s to %s", url, folder)
        try:
            return fetch_file(
                url,
                folder=folder,
                local_filename=filename,
                sha256=SHA256[filename],
                n_retries=n_retries,
                delay=delay,
            )
        except (OSError, HTTPException) as exc:
            # URLError, HTTPError, TimeoutError and fetch_file's checksum
            # mismatch are all OSError: try the next mirror.
            errors.append(f"    {url}: {type(exc).__name__}: {exc}")
    raise OSError(
        f"Downloading MNIST file {filename} into {folder} failed from every "
        "mirror:\n" + "\n".join(errors) + "\n" + _how_to_provide(folder)
    )


# --------------------------------------------------------------------------
# IDX parsing and validation
# --------------------------------------------------------------------------


@contextmanager
def _file_errors(path):
    """Turn low-level decompression errors into a ValueError naming ``path``."""
    try:
        yield
    except gzip.BadGzipFile as exc:
        if "Not a gzipped file" in str(exc):
            raise ValueError(f"{path}: not a gzip file ({exc})") from exc
        raise ValueError(f"{path}: corrupt gzip data ({exc})") from exc
    except EOFError as exc:
        raise ValueError(f"{path}: truncated gzip data ({exc})") from exc
    except zlib.error as exc:
        raise ValueError(f"{path}: corrupt gzip data ({exc})") from exc


def _open_idx(stack, path, kind):
    """Open the IDX file ``path``, check its header, return (file, count)."""
    ndim = 3 if kind == "images" else 1
    expected_magic = IMAGES_MAGIC if kind == "images" else LABELS_MAGIC
    header_size = 4 * (1 + ndim)
    with _file_errors(path):
        raw = stack.enter_context(open(path, "rb"))
        f = (
            stack.enter_context(gzip.GzipFile(fileobj=raw))
            if path.suffix == ".gz"
            else raw
        )
        header = f.read(header_size)
    if len(header) < header_size:
        raise ValueError(
            f"{path}: file too short for an IDX {kind} header "
            f"({len(header)} bytes, expected {header_size})"
        )
    magic, count, *dims = np.frombuffer(header, dtype=">i4").tolist()
    if magic != expected_magic:
        hint = (
            " (the file looks gzip-compressed: give it a '.gz' name)"
            if header[:2] == b"\x1f\x8b"
            else ""
        )
        raise ValueError(
            f"{path}: bad magic number {magic}, expected {expected_magic} "
            f"(IDX {kind}){hint}"
        )
    if count < 0:
        raise ValueError(f"{path}: negative item count {count} in the header")
    if kind == "images" and dims != [N_ROWS, N_COLS]:
        raise ValueError(
            f"{path}: images are {dims[0]}x{dims[1]} pixels, expected {N_ROWS}x{N_COLS}"
        )
    return f, count


def _read_body(f, path, out, count, kind):
    """Fill ``out`` (contiguous uint8) from ``f``; the file must end there."""
    view = memoryview(out.reshape(-1))
    expected = view.nbytes
    with _file_errors(path):
        n_read = 0
        while n_read < expected:
            # Bounded chunks: a single huge readinto makes gzip build a
            # temporary bytes object as large as the whole array.
            n = f.readinto(view[n_read : n_read + _CHUNK])
            if not n:
                break
            n_read += n
        extra = 0
        # Reading to the end also makes gzip verify its CRC and length.
        while chunk := f.read(_CHUNK):
            extra += len(chunk)
    if n_read != expected or extra:
        raise ValueError(
            f"{path}: the header announces {count} {kind}, i.e. {expected} bytes "
            f"of data after the header, but the file holds {n_read + extra} bytes "
            + ("(truncated)" if n_read < expected else "(unexpected trailing data)")
        )


def _check_labels(labels, path):
    if labels.size and labels.max() > 9:
        bad = np.flatnonzero(labels > 9)
        raise ValueError(
            f"{path}: labels must be in 0..9, found {int(labels[bad[0]])} at "
            f"index {int(bad[0])} ({bad.size} of {labels.size} labels out of range)"
        )


def _allocate(shape, paths):
    try:
        return np.empty(shape, dtype=np.uint8)
    except MemoryError as exc:
        raise ValueError(
            f"{', '.join(map(str, paths))}: the headers announce {shape[0]} "
            "items, more than fit in memory (corrupt header?)"
        ) from exc


def _load_idx(pairs):
    """Read (images_path, labels_path) pairs into one (data, target).

    Headers are checked first; then each array is allocated once, at its
    final size, and the decompressed bytes are read straight into it.
    """
    with ExitStack() as stack:
        opened = []
        for images_path, labels_path in pairs:
            f_images, n_images = _open_idx(stack, images_path, "images")
            f_labels, n_labels = _open_idx(stack, labels_path, "labels")
            if n_images != n_labels:
                raise ValueError(
                    f"{images_path} holds {n_images} images but {labels_path} "
                    f"holds {n_labels} labels; the counts must match"
                )
            opened.append((images_path, f_images, labels_path, f_labels, n_images))
        n_total = sum(item[-1] for item in opened)
        paths = [
            path
            for images_path, labels_path in pairs
            for path in (images_path, labels_path)
        ]
        data = _allocate((n_total, N_PIXELS), paths)
        target = _allocate((n_total,), paths)
        start = 0
        for images_path, f_images, labels_path, f_labels, n in opened:
            stop = start + n
            _read_body(f_images, images_path, data[start:stop], n, "images")
            _read_body(f_labels, labels_path, target[start:stop], n, "labels")
            _check_labels(target[start:stop], labels_path)
            start = stop
    return data, target


def _load_npz(path, subsets):
    """Read Keras' ``mnist.npz`` (x_train, y_train, x_test, y_test)."""
    try:
        npz = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path}: not a valid .npz archive ({exc})") from exc
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise ValueError(f"{path}: not an .npz archive of named arrays")
    images, labels = [], []
    with npz:
        for subset in subsets:
            x_key, y_key = f"x_{subset}", f"y_{subset}"
            missing = [key for key in (x_key, y_key) if key not in npz.files]
            if missing:
                raise ValueError(
                    f"{path}: missing array(s) {missing}; found {sorted(npz.files)}, "
                    "expected Keras' keys x_train, y_train, x_test, y_test"
                )
            try:
                x, y = npz[x_key], npz[y_key]
            except (
                OSError,
                ValueError,
                EOFError,
                zipfile.BadZipFile,
                zlib.error,
            ) as exc:
                raise ValueError(f"{path}: corrupt array in archive ({exc})") from exc
            if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (N_ROWS, N_COLS):
                raise ValueError(
                    f"{path}: {x_key} has shape {x.shape} and dtype {x.dtype}, "
                    f"expected (n, {N_ROWS}, {N_COLS}) uint8"
                )
            if y.ndim != 1 or y.dtype.kind not in "iu":
                raise ValueError(
                    f"{path}: {y_key} has shape {y.shape} and dtype {y.dtype}, "
                    "expected a 1-d integer array"
                )
            if len(x) != len(y):
                raise ValueError(
                    f"{path}: {x_key} holds {len(x)} images but {y_key} holds "
                    f"{len(y)} labels; the counts must match"
                )
            if y.size and (y.min() < 0 or y.max() > 9):
                raise ValueError(
                    f"{path}: {y_key} labels must be in 0..9, found values in "
                    f"{y.min()}..{y.max()}"
                )
            images.append(x.reshape(len(x), N_PIXELS))
            labels.append(y.astype(np.uint8, copy=False))
    if len(images) == 1:
        return images[0], labels[0]
    return np.concatenate(images), np.concatenate(labels)


def _descr():
    return (
        resources.files("skmnist.datasets")
        .joinpath("descr")
        .joinpath("mnist.rst")
        .read_text(encoding="utf-8")
    )


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


@validate_params(
    {
        "subset": [StrOptions({"train", "test", "all"})],
        "data_home": [str, os.PathLike, None],
        "download": ["boolean"],
        "return_X_y": ["boolean"],
        "as_frame": ["boolean"],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "n_retries": [Interval(Integral, 0, None, closed="left")],
        "delay": [Interval(Real, 0.0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
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

    =================   ==============
    Classes                         10
    Samples total               70,000
    Samples (train)             60,000
    Samples (test)              10,000
    Dimensionality                 784
    Features            integers 0-255
    =================   ==============

    The files are looked for in one folder, chosen in this order: the
    ``data_home`` argument, the ``SKMNIST_DATA`` environment variable, then
    ``sklearn.datasets.get_data_home() / "mnist"`` (which honours
    ``SCIKIT_LEARN_DATA``). That folder holds the four standard IDX files
    ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
    ``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz`` (or the
    same names without ``.gz``, uncompressed), or else Keras' ``mnist.npz``.
    Only the files that ``subset`` needs are read.

    The returned ``DESCR`` describes the data set in more detail.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        Which part of the data set to load. ``"all"`` returns the 60,000
        training samples followed by the 10,000 test samples.

    data_home : str or path-like, default=None
        Folder that directly holds the MNIST files (no ``mnist``
        sub-folder is appended, unlike other scikit-learn loaders). When
        None, the ``SKMNIST_DATA`` environment variable is used if set,
        else ``get_data_home() / "mnist"``.

    download : bool, default=True
        If True, download the files the subset needs that are missing from
        the folder, from https://ossci-datasets.s3.amazonaws.com/mnist/
        (falling back to https://storage.googleapis.com/cvdf-datasets/mnist/),
        and verify their published SHA256. If False, raise an ``OSError``
        when files are missing.

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
        Number of seconds between download retries.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 784)
            The flattened images, uint8 in 0..255, one row per image in
            row-major pixel order. A DataFrame if ``as_frame=True``.
        target : {ndarray, Series} of shape (n_samples,)
            The digit of each image, ``uint8`` in 0..9 (uint8 rather than
            int64 to save memory; cast if needed). A Series if
            ``as_frame=True``.
        images : ndarray of shape (n_samples, 28, 28)
            The images, uint8. A view of the same memory as the ndarray
            ``data`` (no copy).
        feature_names : list of str
            ``"pixel_{row}_{col}"`` for the 784 pixels, rows and columns
            counted from 0.
        target_names : ndarray of shape (10,)
            The classes, ``np.arange(10)``.
        frame : DataFrame of shape (n_samples, 785)
            Only present when ``as_frame=True``: pixels plus the ``"class"``
            column. None otherwise.
        DESCR : str
            The full description of the data set.

    (data, target) : tuple if ``return_X_y`` is True
        The two arrays (or DataFrame and Series) described above.

    Raises
    ------
    OSError
        If files are missing and ``download=False``, or if a download fails
        (network error, or a SHA256 that does not match the published one).
        The message names the paths or URLs involved and how to provide the
        files offline.
    ValueError
        If a file is not valid: not gzip or truncated gzip, bad IDX magic
        number, images not 28x28, a data size that does not match the
        header's count, images and labels counts that differ, or labels
        outside 0..9. The message names the file and the problem.

    See Also
    --------
    sklearn.datasets.load_digits : The 8x8 digits shipped with scikit-learn.
    sklearn.datasets.fetch_openml : Downloads ``mnist_784`` as float64 data.

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
    folder, origin = _resolve_folder(data_home)
    subsets = ("train", "test") if subset == "all" else (subset,)
    stems = [stem for name in subsets for stem in _STEMS[name]]
    found = {stem: _find_idx(folder, stem) for stem in stems}
    missing = [stem for stem, path in found.items() if path is None]
    npz_path = folder / NPZ_FILENAME

    if missing and npz_path.is_file():
        data, target = _load_npz(npz_path, subsets)
    else:
        if missing:
            if not download:
                raise OSError(_missing_message(folder, origin, subset, missing))
            folder.mkdir(parents=True, exist_ok=True)
            for stem in missing:
                found[stem] = _download(f"{stem}.gz", folder, n_retries, delay)
        pairs = [tuple(found[stem] for stem in _STEMS[name]) for name in subsets]
        data, target = _load_idx(pairs)

    if shuffle:
        order = check_random_state(random_state).permutation(target.shape[0])
        data, target = data[order], target[order]

    images = data.reshape(-1, N_ROWS, N_COLS)
    feature_names = list(_FEATURE_NAMES)
    frame = None
    if as_frame:
        pd = check_pandas_support("load_mnist with as_frame=True")
        data_df = pd.DataFrame(data, columns=feature_names, copy=False)
        target_sr = pd.Series(target, name=TARGET_COLUMN, copy=False)
        frame = pd.concat([data_df, target_sr], axis=1)
        data, target = frame[feature_names], frame[TARGET_COLUMN]

    if return_X_y:
        return data, target

    return Bunch(
        data=data,
        target=target,
        frame=frame,
        images=images,
        feature_names=feature_names,
        target_names=np.arange(10),
        DESCR=_descr(),
    )
