"""Tests for skmnist.datasets.load_mnist.

Loader tests write tiny synthetic IDX files into ``tmp_path``; downloads are
simulated by monkeypatching ``sklearn.datasets._base.urlretrieve``, the
lowest-level call of ``sklearn.datasets.fetch_file``, as scikit-learn's own
``sklearn/datasets/tests/test_base.py`` does, so the real checksum and
atomic-rename logic runs without network. One test reads the real data from
``SKMNIST_DATA`` and is skipped where it is not available.
"""

import gzip
import hashlib
import os
import sys
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skmnist.datasets import load_mnist
from skmnist.datasets._registry import MNIST

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"
STEMS = {"train": (TRAIN_IMAGES, TRAIN_LABELS), "test": (TEST_IMAGES, TEST_LABELS)}


# ---------------------------------------------------------------------------
# Synthetic IDX files
# ---------------------------------------------------------------------------


def idx_images(images, *, magic=2051, count=None, rows=28, cols=28):
    """IDX images bytes; header fields can be overridden to corrupt it."""
    count = len(images) if count is None else count
    header = np.array([magic, count, rows, cols], dtype=">i4").tobytes()
    return header + np.ascontiguousarray(images, dtype=np.uint8).tobytes()


def idx_labels(labels, *, magic=2049, count=None):
    count = len(labels) if count is None else count
    header = np.array([magic, count], dtype=">i4").tobytes()
    return header + np.asarray(labels, dtype=np.uint8).tobytes()


def make_digits(n, seed):
    """n random images whose first pixel is the label, so rows stay paired."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) + seed) % 10
    images[:, 0, 0] = labels
    return images, labels.astype(np.uint8)


@pytest.fixture
def write_mnist():
    """Factory writing synthetic MNIST files into a folder.

    Returns {subset: (images, labels)} of what was written. ``compress``
    chooses .gz or uncompressed files. Corrupt variants are written with
    ``idx_images``/``idx_labels``, whose header fields can be overridden.
    """

    def write(
        folder, *, n_train=5, n_test=3, subsets=("train", "test"), compress=True, seed=0
    ):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = {}
        for subset in subsets:
            n = n_train if subset == "train" else n_test
            images, labels = make_digits(n, seed + (subset == "test"))
            images_stem, labels_stem = STEMS[subset]
            for stem, content in (
                (images_stem, idx_images(images)),
                (labels_stem, idx_labels(labels)),
            ):
                if compress:
                    (folder / f"{stem}.gz").write_bytes(gzip.compress(content))
                else:
                    (folder / stem).write_bytes(content)
            written[subset] = images, labels
        return written

    return write


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No test sees the real SKMNIST_DATA or ~/scikit_learn_data."""
    monkeypatch.delenv("SKMNIST_DATA", raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sklearn_home"))


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to download."""

    def forbidden(url, *args, **kwargs):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr("sklearn.datasets._base.urlretrieve", forbidden)


# ---------------------------------------------------------------------------
# Loading good files
# ---------------------------------------------------------------------------


def test_load_train_bunch(tmp_path, write_mnist, no_network):
    written = write_mnist(tmp_path)
    images, labels = written["train"]

    bunch = load_mnist(data_home=tmp_path, download=False)

    assert bunch.data.shape == (5, 784) and bunch.data.dtype == np.uint8
    assert bunch.target.shape == (5,) and bunch.target.dtype == np.uint8
    assert bunch.images.shape == (5, 28, 28) and bunch.images.dtype == np.uint8
    np.testing.assert_array_equal(bunch.images, images)
    np.testing.assert_array_equal(bunch.data, images.reshape(5, 784))
    np.testing.assert_array_equal(bunch.target, labels)
    # images is a view of data: same memory, no copy.
    assert np.shares_memory(bunch.images, bunch.data)
    bunch.data[0, 1] = 7
    assert bunch.images[0, 0, 1] == 7
    assert len(bunch.feature_names) == 784
    assert bunch.feature_names[:2] == ["pixel_0_0", "pixel_0_1"]
    assert bunch.feature_names[28] == "pixel_1_0"
    assert bunch.feature_names[-1] == "pixel_27_27"
    np.testing.assert_array_equal(bunch.target_names, np.arange(10))
    assert bunch.frame is None
    assert "MNIST" in bunch.DESCR and "LeCun" in bunch.DESCR


def test_load_test_subset_and_return_X_y(tmp_path, write_mnist, no_network):
    written = write_mnist(tmp_path)
    images, labels = written["test"]

    X, y = load_mnist("test", data_home=tmp_path, return_X_y=True)

    assert isinstance(X, np.ndarray) and isinstance(y, np.ndarray)
    np.testing.assert_array_equal(X, images.reshape(3, 784))
    np.testing.assert_array_equal(y, labels)


def test_subset_all_concatenates_train_then_test(tmp_path, write_mnist, no_network):
    written = write_mnist(tmp_path)

    bunch = load_mnist("all", data_home=tmp_path)

    expected_images = np.concatenate([written["train"][0], written["test"][0]])
    expected_labels = np.concatenate([written["train"][1], written["test"][1]])
    assert bunch.data.shape == (8, 784)
    np.testing.assert_array_equal(bunch.images, expected_images)
    np.testing.assert_array_equal(bunch.target, expected_labels)
    assert np.shares_memory(bunch.images, bunch.data)


def test_only_needed_files_are_read(tmp_path, write_mnist, no_network):
    # Only the test files exist: subset="test" works, "train" does not.
    write_mnist(tmp_path, subsets=("test",))
    assert load_mnist("test", data_home=tmp_path, download=False).data.shape == (
        3,
        784,
    )
    with pytest.raises(OSError, match=TRAIN_IMAGES):
        load_mnist("train", data_home=tmp_path, download=False)


def test_as_frame(tmp_path, write_mnist, no_network):
    pd = pytest.importorskip("pandas")
    images, labels = write_mnist(tmp_path)["train"]

    bunch = load_mnist(data_home=tmp_path, as_frame=True)

    assert isinstance(bunch.frame, pd.DataFrame)
    assert bunch.frame.shape == (5, 785)
    assert list(bunch.frame.columns) == bunch.feature_names + ["class"]
    assert isinstance(bunch.data, pd.DataFrame)
    assert list(bunch.data.columns) == bunch.feature_names
    np.testing.assert_array_equal(bunch.data.to_numpy(), images.reshape(5, 784))
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == "class"
    np.testing.assert_array_equal(bunch.target.to_numpy(), labels)
    assert bunch.images.shape == (5, 28, 28)

    X, y = load_mnist(data_home=tmp_path, as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == (5, 784)


def test_pandas_not_needed_without_as_frame(tmp_path, write_mnist, monkeypatch):
    write_mnist(tmp_path)
    # A None entry in sys.modules makes any `import pandas` raise ImportError.
    monkeypatch.setitem(sys.modules, "pandas", None)
    assert load_mnist(data_home=tmp_path).data.shape == (5, 784)
    with pytest.raises(ImportError):
        load_mnist(data_home=tmp_path, as_frame=True)


def test_shuffle_keeps_pairs_and_is_reproducible(tmp_path, write_mnist):
    images, labels = write_mnist(tmp_path, n_train=40)["train"]

    a = load_mnist(data_home=tmp_path, shuffle=True, random_state=0)
    b = load_mnist(data_home=tmp_path, shuffle=True, random_state=0)
    c = load_mnist(data_home=tmp_path, shuffle=True, random_state=1)

    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, c.data)
    assert not np.array_equal(a.target, labels)
    # Same samples, still paired: make_digits stores the label in pixel 0.
    np.testing.assert_array_equal(a.data[:, 0], a.target)
    np.testing.assert_array_equal(np.sort(a.target), np.sort(labels))
    assert np.shares_memory(a.images, a.data)


def test_uncompressed_idx_files(tmp_path, write_mnist, no_network):
    written = write_mnist(tmp_path, compress=False)
    assert not list(tmp_path.glob("*.gz"))

    bunch = load_mnist("all", data_home=tmp_path, download=False)

    np.testing.assert_array_equal(bunch.images[:5], written["train"][0])
    np.testing.assert_array_equal(bunch.target[5:], written["test"][1])


def test_npz_fallback(tmp_path, no_network):
    train_images, train_labels = make_digits(4, seed=3)
    test_images, test_labels = make_digits(2, seed=4)
    np.savez(
        tmp_path / "mnist.npz",
        x_train=train_images,
        y_train=train_labels.astype(np.int64),
        x_test=test_images,
        y_test=test_labels,
    )

    X, y = load_mnist(data_home=tmp_path, download=False, return_X_y=True)
    np.testing.assert_array_equal(X, train_images.reshape(4, 784))
    np.testing.assert_array_equal(y, train_labels)
    assert y.dtype == np.uint8

    bunch = load_mnist("all", data_home=tmp_path, download=False)
    np.testing.assert_array_equal(bunch.images[4:], test_images)
    np.testing.assert_array_equal(bunch.target, np.r_[train_labels, test_labels])


def test_idx_files_take_precedence_over_npz(tmp_path, write_mnist, no_network):
    images, _ = write_mnist(tmp_path, n_train=5)["train"]
    other, other_labels = make_digits(2, seed=9)
    np.savez(tmp_path / "mnist.npz", x_train=other, y_train=other_labels)

    X, _ = load_mnist(data_home=tmp_path, return_X_y=True)
    np.testing.assert_array_equal(X, images.reshape(5, 784))


# ---------------------------------------------------------------------------
# Where the files are looked for
# ---------------------------------------------------------------------------


@pytest.fixture
def three_folders(tmp_path, write_mnist):
    """Distinct data sets in data_home, SKMNIST_DATA and SCIKIT_LEARN_DATA."""
    arg_dir, env_dir = tmp_path / "arg", tmp_path / "env"
    sklearn_home = tmp_path / "sklearn_home"
    write_mnist(arg_dir, n_train=1)
    write_mnist(env_dir, n_train=2)
    write_mnist(sklearn_home / "mnist", n_train=3)
    return arg_dir, env_dir, sklearn_home


def test_data_home_beats_env_var(three_folders, monkeypatch, no_network):
    arg_dir, env_dir, _ = three_folders
    monkeypatch.setenv("SKMNIST_DATA", str(env_dir))
    assert load_mnist(data_home=arg_dir).data.shape[0] == 1
    assert load_mnist(data_home=str(arg_dir)).data.shape[0] == 1


def test_env_var_beats_sklearn_data_home(three_folders, monkeypatch, no_network):
    _, env_dir, _ = three_folders
    monkeypatch.setenv("SKMNIST_DATA", str(env_dir))
    assert load_mnist().data.shape[0] == 2


def test_default_is_sklearn_data_home_mnist(three_folders, no_network):
    # SKMNIST_DATA is unset; SCIKIT_LEARN_DATA points at sklearn_home.
    assert load_mnist().data.shape[0] == 3


def test_missing_files_without_download(tmp_path, monkeypatch, no_network):
    folder = tmp_path / "nothing_here"
    monkeypatch.setenv("SKMNIST_DATA", str(folder))

    with pytest.raises(OSError) as excinfo:
        load_mnist(download=False)

    message = str(excinfo.value)
    assert "SKMNIST_DATA environment variable" in message
    for candidate in (
        f"{folder / TRAIN_IMAGES}.gz",
        str(folder / TRAIN_IMAGES),
        f"{folder / TRAIN_LABELS}.gz",
        str(folder / "mnist.npz"),
    ):
        assert candidate in message
    assert TEST_IMAGES + ".gz" in message  # the list of the four files to provide
    assert "data_home" in message and "download=True" in message
    assert not folder.exists()


# ---------------------------------------------------------------------------
# Corrupt files
# ---------------------------------------------------------------------------


def _good_train():
    images, labels = make_digits(4, seed=0)
    return images, labels


def _corrupt_gzip_crc():
    images, _ = _good_train()
    data = bytearray(gzip.compress(idx_images(images)))
    data[-8] ^= 0xFF  # the CRC32 in the gzip trailer
    return bytes(data)


IMG, LBL = f"{TRAIN_IMAGES}.gz", f"{TRAIN_LABELS}.gz"
G = gzip.compress
CORRUPTIONS = {
    "not_gzip": (IMG, lambda img, lab: idx_images(img), "not a gzip file"),
    "truncated_gzip": (
        IMG,
        lambda img, lab: G(idx_images(img))[:-40],
        "truncated gzip data",
    ),
    "bad_crc": (IMG, lambda img, lab: _corrupt_gzip_crc(), "corrupt gzip data"),
    "empty": (IMG, lambda img, lab: G(b""), "too short for an IDX images header"),
    "images_magic": (
        IMG,
        lambda img, lab: G(idx_images(img, magic=1234)),
        "bad magic number 1234, expected 2051 (IDX images)",
    ),
    "labels_magic": (
        LBL,
        lambda img, lab: G(idx_labels(lab, magic=2051)),
        "bad magic number 2051, expected 2049 (IDX labels)",
    ),
    "dims": (
        IMG,
        lambda img, lab: G(idx_images(img[:, :, :27], cols=27)),
        "images are 28x27 pixels, expected 28x28",
    ),
    "header_count_above_bytes": (
        IMG,
        lambda img, lab: G(idx_images(img[:3], count=4)),
        "announces 4 images, i.e. 3136 bytes of data after the header, "
        "but the file holds 2352 bytes (truncated)",
    ),
    "header_count_below_bytes": (
        LBL,
        lambda img, lab: G(idx_labels(np.r_[lab, 1], count=4)),
        "announces 4 labels, i.e. 4 bytes of data after the header, "
        "but the file holds 5 bytes (unexpected trailing data)",
    ),
    "images_labels_count": (
        LBL,
        lambda img, lab: G(idx_labels(lab[:3])),
        "holds 4 images but {folder}/train-labels-idx1-ubyte.gz holds 3 labels",
    ),
    "label_out_of_range": (
        LBL,
        lambda img, lab: G(idx_labels([1, 2, 10, 3])),
        "labels must be in 0..9, found 10 at index 2",
    ),
}


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_corrupt_file_raises_value_error_naming_it(
    case, tmp_path, write_mnist, no_network
):
    write_mnist(tmp_path)
    filename, make_bytes, problem = CORRUPTIONS[case]
    images, labels = _good_train()
    (tmp_path / IMG).write_bytes(G(idx_images(images)))
    (tmp_path / LBL).write_bytes(G(idx_labels(labels)))
    (tmp_path / filename).write_bytes(make_bytes(images, labels))

    with pytest.raises(ValueError) as excinfo:
        load_mnist(data_home=tmp_path)

    message = str(excinfo.value)
    assert str(tmp_path / filename) in message
    assert problem.format(folder=tmp_path) in message


def test_uncompressed_file_with_gzip_content_hints(tmp_path, write_mnist):
    write_mnist(tmp_path, compress=False)
    images, _ = _good_train()
    (tmp_path / TRAIN_IMAGES).write_bytes(G(idx_images(images)))

    with pytest.raises(ValueError, match="looks gzip-compressed") as excinfo:
        load_mnist(data_home=tmp_path)
    assert str(tmp_path / TRAIN_IMAGES) in str(excinfo.value)


@pytest.mark.parametrize(
    "arrays, problem",
    [
        ({"x_train": np.zeros((2, 28, 28), np.uint8)}, "missing array"),
        (
            {"x_train": np.zeros((2, 28, 28)), "y_train": np.zeros(2, np.uint8)},
            "expected (n, 28, 28) uint8",
        ),
        (
            {"x_train": np.zeros((2, 28, 28), np.uint8), "y_train": np.array([0, 12])},
            "labels must be in 0..9",
        ),
        (
            {"x_train": np.zeros((2, 28, 28), np.uint8), "y_train": np.zeros(3)},
            "expected a 1-d integer array",
        ),
        (
            {"x_train": np.zeros((2, 28, 28), np.uint8), "y_train": np.zeros(3, int)},
            "holds 2 images but y_train holds 3 labels",
        ),
    ],
)
def test_invalid_npz(arrays, problem, tmp_path):
    np.savez(tmp_path / "mnist.npz", **arrays)
    with pytest.raises(ValueError) as excinfo:
        load_mnist(data_home=tmp_path, download=False)
    assert str(excinfo.value).startswith(f"{tmp_path / 'mnist.npz'}: ")
    assert problem in str(excinfo.value)


def test_npz_that_is_not_an_archive(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"definitely not a zip file")
    with pytest.raises(ValueError, match="not a valid .npz archive") as excinfo:
        load_mnist(data_home=tmp_path, download=False)
    assert str(tmp_path / "mnist.npz") in str(excinfo.value)


# ---------------------------------------------------------------------------
# Download (no network: urlretrieve is replaced)
# ---------------------------------------------------------------------------


@pytest.fixture
def fake_server(monkeypatch):
    """Serve synthetic gz files; checksum table patched to their SHA256.

    Returns (served, calls): served maps filename -> (images or labels
    array, bytes); calls records every URL requested.
    """
    served, calls = {}, []
    for subset, (images_stem, labels_stem) in STEMS.items():
        images, labels = make_digits(6 if subset == "train" else 2, seed=7)
        for stem, array, content in (
            (images_stem, images, G(idx_images(images))),
            (labels_stem, labels, G(idx_labels(labels))),
        ):
            name = f"{stem}.gz"
            served[name] = (array, content)
            monkeypatch.setitem(
                MNIST.checksums, name, ("sha256", hashlib.sha256(content).hexdigest())
            )
    behaviour = {"fail_hosts": ()}

    def urlretrieve(url, filename):
        calls.append(url)
        if any(host in url for host in behaviour["fail_hosts"]):
            raise URLError("simulated network failure")
        Path(filename).write_bytes(served[url.rsplit("/", 1)[1]][1])

    monkeypatch.setattr("sklearn.datasets._base.urlretrieve", urlretrieve)
    return served, calls, behaviour


def test_download_missing_files(tmp_path, fake_server):
    served, calls, _ = fake_server
    folder = tmp_path / "cache"

    bunch = load_mnist("test", data_home=folder, n_retries=0)

    np.testing.assert_array_equal(bunch.images, served[f"{TEST_IMAGES}.gz"][0])
    np.testing.assert_array_equal(bunch.target, served[f"{TEST_LABELS}.gz"][0])
    # Only the files the subset needs, from the primary mirror, nothing else.
    assert calls == [
        f"{MNIST.mirrors[0]}{TEST_IMAGES}.gz",
        f"{MNIST.mirrors[0]}{TEST_LABELS}.gz",
    ]
    assert sorted(os.listdir(folder)) == [f"{TEST_IMAGES}.gz", f"{TEST_LABELS}.gz"]

    # Cached: a second call downloads nothing.
    load_mnist("test", data_home=folder, download=False)
    assert len(calls) == 2


def test_download_goes_to_sklearn_data_home(tmp_path, fake_server):
    _, calls, _ = fake_server
    bunch = load_mnist("test")
    assert bunch.data.shape == (2, 784)
    assert (tmp_path / "sklearn_home" / "mnist" / f"{TEST_IMAGES}.gz").is_file()


def test_download_only_what_is_missing(tmp_path, fake_server, write_mnist):
    served, calls, _ = fake_server
    written = write_mnist(tmp_path, subsets=("train",), n_train=6)
    (tmp_path / f"{TRAIN_LABELS}.gz").unlink()

    bunch = load_mnist(data_home=tmp_path)

    assert calls == [f"{MNIST.mirrors[0]}{TRAIN_LABELS}.gz"]
    # Local images (not checksum-verified) + downloaded labels.
    np.testing.assert_array_equal(bunch.images, written["train"][0])
    np.testing.assert_array_equal(bunch.target, served[f"{TRAIN_LABELS}.gz"][0])


def test_download_falls_back_to_second_mirror(tmp_path, fake_server):
    served, calls, behaviour = fake_server
    behaviour["fail_hosts"] = ("ossci-datasets",)

    with pytest.warns(UserWarning, match="Retry downloading"):
        bunch = load_mnist("test", data_home=tmp_path, n_retries=1, delay=0)

    np.testing.assert_array_equal(bunch.target, served[f"{TEST_LABELS}.gz"][0])
    assert calls[:3] == [f"{MNIST.mirrors[0]}{TEST_IMAGES}.gz"] * 2 + [
        f"{MNIST.mirrors[1]}{TEST_IMAGES}.gz"
    ]


def test_download_network_error(tmp_path, fake_server):
    _, calls, behaviour = fake_server
    behaviour["fail_hosts"] = ("ossci-datasets", "storage.googleapis")
    folder = tmp_path / "cache"

    with pytest.raises(OSError) as excinfo:
        load_mnist("test", data_home=folder, n_retries=0)

    message = str(excinfo.value)
    assert f"Downloading MNIST file {TEST_IMAGES}.gz into {folder} failed" in message
    for mirror in MNIST.mirrors:
        assert f"{mirror}{TEST_IMAGES}.gz: URLError" in message
    assert "simulated network failure" in message
    assert "SKMNIST_DATA" in message and "offline" in message
    assert os.listdir(folder) == []


def test_checksum_mismatch_leaves_nothing(tmp_path, fake_server, monkeypatch):
    served, _, _ = fake_server
    name = f"{TEST_IMAGES}.gz"
    wrong = "0" * 64
    monkeypatch.setitem(MNIST.checksums, name, ("sha256", wrong))
    actual = hashlib.sha256(served[name][1]).hexdigest()

    with pytest.raises(OSError) as excinfo:
        load_mnist("test", data_home=tmp_path, n_retries=0)

    message = str(excinfo.value)
    assert name in message and wrong in message and actual in message
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subset": "nope"},
        {"data_home": 3},
        {"download": "yes"},
        {"n_retries": -1},
        {"delay": -0.5},
        {"random_state": "seed"},
    ],
)
def test_invalid_parameters(kwargs, tmp_path, no_network):
    with pytest.raises(InvalidParameterError):
        load_mnist(**kwargs)


def test_positional_arguments_after_subset_are_rejected():
    with pytest.raises(TypeError):
        load_mnist("train", None)


# ---------------------------------------------------------------------------
# Real data (SKMNIST_DATA, set in CI)
# ---------------------------------------------------------------------------

REAL_DATA = os.environ.get("SKMNIST_DATA")
requires_real_data = pytest.mark.skipif(
    not REAL_DATA or not os.path.isdir(REAL_DATA),
    reason="set SKMNIST_DATA to a folder holding the MNIST files",
)


@requires_real_data
def test_real_mnist(no_network):
    train = load_mnist("train", data_home=REAL_DATA, download=False)
    X_test, y_test = load_mnist(
        "test", data_home=REAL_DATA, download=False, return_X_y=True
    )

    assert train.data.shape == (60000, 784) and train.images.shape == (60000, 28, 28)
    assert X_test.shape == (10000, 784) and y_test.shape == (10000,)
    np.testing.assert_array_equal(
        np.bincount(train.target, minlength=10),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    )
    np.testing.assert_array_equal(
        np.bincount(y_test, minlength=10),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    )
    assert train.data.mean() == pytest.approx(33.318, abs=1e-3)
    assert train.data.std() == pytest.approx(78.567, abs=1e-3)


@requires_real_data
def test_checksum_table_matches_original_files():
    # README of the shared data: these three files are byte-identical to the
    # original distribution (train-images was rebuilt, so it is not checked).
    for name in (f"{TRAIN_LABELS}.gz", f"{TEST_IMAGES}.gz", f"{TEST_LABELS}.gz"):
        path = Path(REAL_DATA) / name
        if not path.is_file():
            pytest.skip(f"{path} not present")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert MNIST.checksums[name] == ("sha256", digest), name
