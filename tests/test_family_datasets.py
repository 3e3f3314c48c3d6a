"""Tests for the MNIST family's loaders: Fashion-MNIST, KMNIST and EMNIST.

Fashion-MNIST is read from the real files (``SKMNIST_FASHION_MNIST_DATA``,
else ``../shared/data/fashion-mnist``); KMNIST and EMNIST from small
synthetic files in their exact formats: KMNIST's four gzipped IDX files,
EMNIST's ``gzip.zip`` whose members ``gzip/emnist-<split>-...-ubyte.gz``
hold transposed images. Downloads go through a replaced
``sklearn.datasets._base.urlretrieve``, so the real checksum and rename code
runs without network.
"""

import gzip
import hashlib
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skmnist.datasets import (
    dataset_names,
    load_emnist,
    load_fashion_mnist,
    load_kmnist,
    load_mnist,
)
from skmnist.datasets._registry import DATASETS, get_dataset

FASHION = os.environ.get("SKMNIST_FASHION_MNIST_DATA") or str(
    Path(__file__).resolve().parents[2] / "shared" / "data" / "fashion-mnist"
)
requires_fashion = pytest.mark.skipif(
    not os.path.isfile(os.path.join(FASHION, "t10k-labels-idx1-ubyte.gz")),
    reason="the Fashion-MNIST files are not at SKMNIST_FASHION_MNIST_DATA "
    "or ../shared/data/fashion-mnist",
)


def idx(array, magic):
    header = np.array([magic, *array.shape], dtype=">i4").tobytes()
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def upright_images(n, seed):
    """Images that are not symmetric, so a missed transpose shows."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[:, 0, :] = 255  # a bar along the top row
    images[:, 1:, 0] = 0
    return images


def emnist_members(split, n_train=6, n_test=4, labels=None):
    """{member name: bytes} of one EMNIST split, images stored transposed."""
    low, high = DATASETS[f"emnist-{split}"].label_range
    members, upright = {}, {}
    for subset, n in (("train", n_train), ("test", n_test)):
        images = upright_images(n, seed=n)
        y = (np.arange(n) % (high - low + 1) + low) if labels is None else labels
        stem = f"emnist-{split}-{subset}"
        members[f"gzip/{stem}-images-idx3-ubyte.gz"] = gzip.compress(
            idx(images.transpose(0, 2, 1), 2051)
        )
        members[f"gzip/{stem}-labels-idx1-ubyte.gz"] = gzip.compress(
            idx(np.asarray(y, np.uint8), 2049)
        )
        upright[subset] = images, np.asarray(y, np.uint8)
    return members, upright


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No test sees the real data folders or ~/scikit_learn_data."""
    for spec in DATASETS.values():
        monkeypatch.delenv(spec.env_var, raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sklearn_home"))


@pytest.fixture
def served(monkeypatch):
    """Replace urlretrieve: serve {filename: bytes}; record the URLs asked."""
    files, calls = {}, []

    def urlretrieve(url, filename):
        calls.append(url)
        Path(filename).write_bytes(files[url.rsplit("/", 1)[1]])

    monkeypatch.setattr("sklearn.datasets._base.urlretrieve", urlretrieve)
    return files, calls


# ---------------------------------------------------------------------------
# Fashion-MNIST, on the real files
# ---------------------------------------------------------------------------


@requires_fashion
def test_fashion_mnist_real_files():
    train = load_fashion_mnist("train", data_home=FASHION, download=False)
    X_test, y_test = load_fashion_mnist(
        "test", data_home=FASHION, download=False, return_X_y=True
    )

    assert train.data.shape == (60000, 784) and train.images.shape == (60000, 28, 28)
    assert X_test.shape == (10000, 784) and X_test.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(train.target), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)
    # README of the data set: label 0 is T-shirt/top, 6 Shirt, 9 Ankle boot.
    assert len(train.target_names) == 10
    names = train.target_names
    assert (names[0], names[6], names[9]) == ("T-shirt/top", "Shirt", "Ankle boot")
    # The test set's first images, as the data set's README shows them.
    assert list(train.target_names[y_test[:3]]) == ["Ankle boot", "Pullover", "Trouser"]
    assert "Zalando" in train.DESCR and "MIT" in train.DESCR
    assert "arXiv:1708.07747" in train.DESCR
    # Not MNIST: the same format, other pictures.
    assert train.data.mean() == pytest.approx(72.94, abs=0.01)


@requires_fashion
def test_fashion_mnist_env_var_and_no_mnist_crossover(monkeypatch, tmp_path):
    monkeypatch.setenv("SKMNIST_FASHION_MNIST_DATA", FASHION)
    monkeypatch.setenv("SKMNIST_DATA", str(tmp_path / "no-mnist-here"))
    X, y = load_fashion_mnist("test", download=False, return_X_y=True)
    assert X.shape == (10000, 784)
    # MNIST's own variable is not Fashion-MNIST's: MNIST is missing there.
    with pytest.raises(OSError, match="SKMNIST_DATA"):
        load_mnist("test", download=False)


# ---------------------------------------------------------------------------
# KMNIST, synthetic IDX files
# ---------------------------------------------------------------------------


def write_kmnist(folder, n_train=5, n_test=3):
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for subset, n in (("train", n_train), ("test", n_test)):
        images = upright_images(n, seed=n)
        labels = (np.arange(n) * 3 % 10).astype(np.uint8)
        images_stem, labels_stem = DATASETS["kmnist"].stems[subset]
        (folder / f"{images_stem}.gz").write_bytes(gzip.compress(idx(images, 2051)))
        (folder / f"{labels_stem}.gz").write_bytes(gzip.compress(idx(labels, 2049)))
        written[subset] = images, labels
    return written


def test_kmnist_synthetic_files(tmp_path, monkeypatch):
    written = write_kmnist(tmp_path / "kmnist")
    monkeypatch.setenv("SKMNIST_KMNIST_DATA", str(tmp_path / "kmnist"))

    bunch = load_kmnist("all", download=False)

    np.testing.assert_array_equal(
        bunch.images, np.concatenate([written["train"][0], written["test"][0]])
    )
    np.testing.assert_array_equal(bunch.target[:5], [0, 3, 6, 9, 2])
    assert list(bunch.target_names[bunch.target[:3]]) == ["o", "tsu", "ma"]
    assert list(bunch.target_characters) == list("おきすつなはまやれを")
    assert "Kuzushiji" in bunch.DESCR and "CC BY-SA 4.0" in bunch.DESCR


def test_kmnist_cache_folder_and_download(tmp_path, served, monkeypatch):
    files, calls = served
    spec = DATASETS["kmnist"]
    source = tmp_path / "source"
    write_kmnist(source, n_train=2, n_test=2)
    for name in spec.checksums:
        files[name] = (source / name).read_bytes()
        digest = hashlib.sha256(files[name]).hexdigest()
        monkeypatch.setitem(spec.checksums, name, ("sha256", digest))

    X, y = load_kmnist("test", return_X_y=True, n_retries=0)

    cache = tmp_path / "sklearn_home" / "kmnist"
    assert sorted(os.listdir(cache)) == [
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]
    assert calls == [spec.mirrors[0] + name for name in sorted(os.listdir(cache))]
    assert X.shape == (2, 784) and list(y) == [0, 3]


# ---------------------------------------------------------------------------
# EMNIST, synthetic zip
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("split", ["digits", "letters", "balanced"])
def test_emnist_reads_the_zip_and_transposes(split, tmp_path):
    members, upright = emnist_members(split)
    (tmp_path / "gzip.zip").write_bytes(zip_bytes(members))

    train = load_emnist(split=split, data_home=tmp_path, download=False)
    X_test, y_test = load_emnist(
        "test", split=split, data_home=tmp_path, download=False, return_X_y=True
    )

    images, labels = upright["train"]
    np.testing.assert_array_equal(train.images, images)  # upright again
    assert (train.images[:, 0, :] == 255).all()
    assert np.shares_memory(train.images, train.data)
    offset = DATASETS[f"emnist-{split}"].label_offset
    np.testing.assert_array_equal(train.target, labels - offset)
    np.testing.assert_array_equal(X_test, upright["test"][0].reshape(-1, 784))
    np.testing.assert_array_equal(y_test, upright["test"][1] - offset)
    assert "EMNIST" in train.DESCR and "Cohen" in train.DESCR


def test_emnist_class_names():
    names = {
        split: list(DATASETS[f"emnist-{split}"].target_names)
        for split in ("digits", "letters", "balanced")
    }
    assert names["digits"] == list("0123456789")
    assert names["letters"] == list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert len(names["balanced"]) == 47
    assert names["balanced"][36:] == list("abdefghnqrt")


def test_emnist_letters_names_follow_labels(tmp_path):
    # Label 1 is A/a and 26 is Z/z in the files.
    members, _ = emnist_members("letters", n_train=3, labels=[1, 2, 26])
    (tmp_path / "gzip.zip").write_bytes(zip_bytes(members))
    bunch = load_emnist(split="letters", data_home=tmp_path)
    assert list(bunch.target_names[bunch.target]) == ["A", "B", "Z"]


def test_emnist_extracted_members_are_read_too(tmp_path):
    members, upright = emnist_members("digits")
    for name, content in members.items():
        (tmp_path / name.removeprefix("gzip/")).write_bytes(content)
    bunch = load_emnist(split="digits", data_home=tmp_path, download=False)
    np.testing.assert_array_equal(bunch.images, upright["train"][0])


@pytest.mark.parametrize(
    "labels, problem",
    [
        ([0, 1, 2, 3, 4, 5], "labels must be in 1..26, found 0 at index 0"),
        ([1, 2, 27, 3, 4, 5], "labels must be in 1..26, found 27 at index 2"),
    ],
)
def test_emnist_labels_out_of_range_for_the_split(labels, problem, tmp_path):
    members, _ = emnist_members("letters", labels=labels)
    (tmp_path / "gzip.zip").write_bytes(zip_bytes(members))
    with pytest.raises(ValueError) as excinfo:
        load_emnist(split="letters", data_home=tmp_path)
    message = str(excinfo.value)
    member = "gzip/emnist-letters-train-labels-idx1-ubyte.gz"
    assert message.startswith(f"{tmp_path / 'gzip.zip'}:{member}: ")
    assert problem in message


def test_emnist_zip_missing_a_member(tmp_path):
    members, _ = emnist_members("balanced")
    del members["gzip/emnist-balanced-train-labels-idx1-ubyte.gz"]
    (tmp_path / "gzip.zip").write_bytes(zip_bytes(members))
    with pytest.raises(ValueError) as excinfo:
        load_emnist(split="balanced", data_home=tmp_path)
    assert str(excinfo.value) == (
        f"{tmp_path / 'gzip.zip'}: the zip archive has no member "
        "'gzip/emnist-balanced-train-labels-idx1-ubyte.gz'"
    )


def test_emnist_truncated_zip(tmp_path):
    content = zip_bytes(emnist_members("digits")[0])
    (tmp_path / "gzip.zip").write_bytes(content[: len(content) // 2])
    with pytest.raises(ValueError, match="corrupt or truncated zip") as excinfo:
        load_emnist(split="digits", data_home=tmp_path)
    assert str(tmp_path / "gzip.zip") in str(excinfo.value)


def test_emnist_truncated_member(tmp_path):
    members, _ = emnist_members("digits")
    name = "gzip/emnist-digits-train-images-idx3-ubyte.gz"
    members[name] = gzip.compress(gzip.decompress(members[name])[:-100])
    (tmp_path / "gzip.zip").write_bytes(zip_bytes(members))
    with pytest.raises(ValueError, match="(truncated)") as excinfo:
        load_emnist(split="digits", data_home=tmp_path)
    assert f"{tmp_path / 'gzip.zip'}:{name}: the header announces 6 images" in str(
        excinfo.value
    )


def test_emnist_download_verifies_md5_and_caches_the_zip(tmp_path, served, monkeypatch):
    files, calls = served
    spec = DATASETS["emnist-letters"]
    members, upright = emnist_members("letters")
    files["gzip.zip"] = zip_bytes(members)
    digest = hashlib.md5(files["gzip.zip"]).hexdigest()
    # Every split shares one record of the zip's checksum.
    checksums = DATASETS["emnist-letters"].checksums
    assert all(
        DATASETS[f"emnist-{split}"].checksums is checksums
        for split in ("digits", "balanced", "bymerge", "byclass", "mnist")
    )
    monkeypatch.setitem(checksums, "gzip.zip", ("md5", digest))

    bunch = load_emnist(split="letters", n_retries=0)

    cache = tmp_path / "sklearn_home" / "emnist"
    assert os.listdir(cache) == ["gzip.zip"]
    assert calls == [spec.mirrors[0] + "gzip.zip"]
    np.testing.assert_array_equal(bunch.images, upright["train"][0])
    # Another split is looked for in the same zip: no second download.
    with pytest.raises(ValueError, match="no member 'gzip/emnist-digits-train"):
        load_emnist(split="digits")
    assert len(calls) == 1


def test_emnist_md5_mismatch_leaves_nothing(tmp_path, served, monkeypatch):
    files, _ = served
    files["gzip.zip"] = zip_bytes(emnist_members("digits")[0])
    wrong = "0" * 32
    monkeypatch.setitem(DATASETS["emnist-digits"].checksums, "gzip.zip", ("md5", wrong))
    folder = tmp_path / "cache"

    with pytest.raises(OSError) as excinfo:
        load_emnist(split="digits", data_home=folder, n_retries=0)

    message = str(excinfo.value)
    assert "Downloading EMNIST (digits) file gzip.zip" in message
    actual = hashlib.md5(files["gzip.zip"]).hexdigest()
    assert f"MD5 checksum of gzip.zip ({actual})" in message
    assert wrong in message and "SKMNIST_EMNIST_DATA" in message
    assert os.listdir(folder) == []


def test_emnist_missing_without_download(tmp_path):
    with pytest.raises(OSError) as excinfo:
        load_emnist(split="digits", data_home=tmp_path, download=False)
    message = str(excinfo.value)
    assert "EMNIST (digits) data for subset='train' not found" in message
    assert f"no archive at {tmp_path / 'gzip.zip'}" in message
    assert "emnist-digits-train-images-idx3-ubyte.gz" in message
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# Names and parameters
# ---------------------------------------------------------------------------


def test_wrong_split_lists_the_valid_names():
    with pytest.raises(InvalidParameterError) as excinfo:
        load_emnist(split="digit")
    message = str(excinfo.value)
    assert "'split'" in message and "'digit'" in message
    for split in ("digits", "letters", "balanced", "byclass", "bymerge", "mnist"):
        assert repr(split) in message


def test_unknown_dataset_name_lists_the_valid_names():
    with pytest.raises(ValueError) as excinfo:
        get_dataset("fashion")
    message = str(excinfo.value)
    assert message.startswith("Unknown data set 'fashion'; valid names are: ")
    for name in ("mnist", "fashion-mnist", "kmnist", "emnist-letters"):
        assert name in message
    assert dataset_names()[:3] == ["mnist", "fashion-mnist", "kmnist"]


@pytest.mark.parametrize("loader", [load_fashion_mnist, load_kmnist, load_emnist])
@pytest.mark.parametrize(
    "kwargs", [{"subset": "valid"}, {"download": "yes"}, {"n_retries": -1}]
)
def test_invalid_parameters(loader, kwargs):
    with pytest.raises(InvalidParameterError):
        loader(**kwargs)


def test_registry_checksums_are_well_formed():
    lengths = {"sha256": 64, "md5": 32}
    for spec in DATASETS.values():
        assert set(spec.checksums) == set(
            spec.downloads([stem for pair in spec.stems.values() for stem in pair])
        )
        for algorithm, digest in spec.checksums.values():
            assert len(digest) == lengths[algorithm]
            int(digest, 16)
