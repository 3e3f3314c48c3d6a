"""``skmnist train --dataset``: the main job on MNIST's siblings, with names."""

import json
import subprocess
import sys

import numpy as np
import pytest
from test_family_datasets import FASHION, requires_fashion

from skmnist import load_model
from skmnist.cli import main
from skmnist.datasets import load_fashion_mnist


@pytest.fixture(scope="module")
def small_fashion_dir(tmp_path_factory, write_idx_file):
    """2,000 real Fashion-MNIST training and 300 test images, in IDX files."""
    folder = tmp_path_factory.mktemp("small-fashion")
    for prefix, subset, n in (("train", "train", 2000), ("t10k", "test", 300)):
        bunch = load_fashion_mnist(subset, data_home=FASHION, download=False)
        write_idx_file(folder, f"{prefix}-images-idx3-ubyte", bunch.images[:n], 2051)
        write_idx_file(folder, f"{prefix}-labels-idx1-ubyte", bunch.target[:n], 2049)
    return folder


@requires_fashion
def test_train_on_fashion_mnist_reports_clothing_names(
    small_fashion_dir, tmp_path, capsys
):
    out_dir = tmp_path / "report"
    argv = ["train", "--dataset", "fashion-mnist", "--hidden", "32"]
    argv += ["--epochs", "2", "--quiet", "--no-download", "--out", str(out_dir)]
    status = main([*argv, "--data-home", str(small_fashion_dir)])
    out = capsys.readouterr().out

    assert status == 0, out
    text = (out_dir / "classification_report.txt").read_text()
    for name in ("T-shirt/top", "Trouser", "Ankle boot", "Sneaker"):
        assert name in text and name in out
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert np.array(metrics["confusion_matrix"]).shape == (10, 10)
    assert np.array(metrics["confusion_matrix"]).sum() == 300
    assert "Shirt" in (out_dir / "report.html").read_text()
    # The fashion-mnist preset applied: no augmentation; the model predicts
    # names, and reproduces the report's accuracy once loaded.
    assert metrics["params"]["augmentation"] is None
    model = load_model(out_dir / "model")
    test = load_fashion_mnist("test", data_home=small_fashion_dir)
    assert set(model.classes_) == set(test.target_names)
    names = test.target_names[test.target]
    assert model.score(test.images, names) == pytest.approx(metrics["accuracy"])


def test_unknown_dataset_is_a_usage_error_listing_the_names(capsys):
    status = main(["train", "--dataset", "fashion", "--out", "unused"])
    err = capsys.readouterr().err
    assert status == 2
    assert "argument --dataset: Unknown data set 'fashion'; valid names are: " in err
    for name in ("mnist", "fashion-mnist", "kmnist", "emnist-digits"):
        assert name in err


@requires_fashion
def test_predict_shows_class_names(small_fashion_dir, tmp_path):
    """A model fitted on names: ``skmnist predict`` prints the names."""
    from skmnist import make_mnist_pipeline, save_model

    train = load_fashion_mnist(data_home=small_fashion_dir)
    model = make_mnist_pipeline(
        "fashion-mnist", hidden_layer_sizes=(16,), epochs=1, random_state=0
    ).fit(train.images[:500], train.target_names[train.target[:500]])
    save_model(model, tmp_path / "model")
    np.save(tmp_path / "two.npy", train.images[:2])

    result = subprocess.run(
        [sys.executable, "-m", "skmnist", "predict", str(tmp_path / "model")]
        + [str(tmp_path / "two.npy")],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    expected = model.predict(train.images[:2])
    for line, name in zip(lines, expected):
        assert f": {name} (probability " in line
        assert name in train.target_names
