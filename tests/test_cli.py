"""The skmnist command line, run in-process (``main([...])``)."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from skmnist import load_model
from skmnist.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIGURES = [
    "confusion_matrix.png",
    "learning_curves.png",
    "sample_predictions.png",
    "misclassified.png",
    "attributions.png",
]
SMALL_NET = ["--hidden", "32", "--epochs", "3", "--learning-rate", "0.003"]


def _run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def trained(small_mnist_dir, tmp_path_factory):
    """One ``skmnist train`` run on 3,000 real digits, shared by the tests."""
    out_dir = tmp_path_factory.mktemp("train") / "report"
    import contextlib
    import io

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = main(
            [
                "train",
                *SMALL_NET,
                "--data-home",
                str(small_mnist_dir),
                "--no-download",
                "--quiet",
                "--out",
                str(out_dir),
            ]
        )
    return status, stdout.getvalue(), out_dir


def test_help_is_light(tmp_path):
    code = (
        "import sys\n"
        "from skmnist.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'sklearn') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "train" in result.stdout and "predict" in result.stdout
    assert "HEAVY []" in result.stdout


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "skmnist", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("skmnist ")


def test_train_writes_the_whole_report(trained):
    status, out, out_dir = trained
    assert status == 0
    for name in [
        *FIGURES,
        "metrics.json",
        "classification_report.txt",
        "report.html",
        "model/skmnist.json",
        "model/arrays.npz",
    ]:
        assert (out_dir / name).is_file(), name
    for name in FIGURES:
        data = (out_dir / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        with Image.open(out_dir / name) as image:
            assert 300 <= image.width <= 3000 and 200 <= image.height <= 3000
    html = (out_dir / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(FIGURES)
    assert not [p for p in out_dir.rglob("*") if p.name.startswith(".")]


def test_printed_accuracy_matches_metrics_and_the_saved_model(trained, mnist):
    status, out, out_dir = trained
    printed = float(re.search(r"Test accuracy: (\d\.\d{4})", out).group(1))
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["accuracy"] == pytest.approx(printed, abs=5e-5)
    assert metrics["fit_time"] > 0
    assert metrics["params"]["hidden_layer_sizes"] == [32]
    assert np.array(metrics["confusion_matrix"]).sum() == 500
    report_text = (out_dir / "classification_report.txt").read_text()
    assert "precision" in report_text and "macro avg" in report_text
    # The saved model reproduces the metrics exactly.
    _, test = mnist
    model = load_model(out_dir / "model")
    accuracy = model.score(test.images[:500], test.target[:500])
    assert accuracy == pytest.approx(metrics["accuracy"], abs=1e-12)
    assert printed > 0.8


def test_evaluate_a_saved_model(trained, small_mnist_dir, tmp_path, capsys):
    _, _, out_dir = trained
    status, out, err = _run(
        capsys,
        "evaluate",
        out_dir / "model",
        "--data-home",
        small_mnist_dir,
        "--no-download",
        "--out",
        tmp_path,
    )
    assert status == 0, err
    first = json.loads((out_dir / "metrics.json").read_text())
    again = json.loads((tmp_path / "metrics.json").read_text())
    assert again["accuracy"] == first["accuracy"]
    assert again["confusion_matrix"] == first["confusion_matrix"]
    assert "Test accuracy" in out


def test_predict_pictures_and_arrays(trained, mnist, tmp_path, capsys):
    _, _, out_dir = trained
    _, test = mnist
    model = load_model(out_dir / "model")
    images = test.images[:3]
    expected = model.predict(images)

    np.save(tmp_path / "three.npy", images)
    header = ",".join(f"pixel{i}" for i in range(784))
    np.savetxt(
        tmp_path / "rows.csv",
        images.reshape(3, -1),
        fmt="%d",
        delimiter=",",
        header=header,
        comments="",
    )
    Image.fromarray(255 - images[0]).resize((112, 112)).save(tmp_path / "seven.png")

    status, out, err = _run(
        capsys,
        "predict",
        out_dir / "model",
        tmp_path / "three.npy",
        tmp_path / "rows.csv",
        tmp_path / "seven.png",
    )
    assert status == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 7
    parsed = [
        re.fullmatch(r"(.+): (\d) \(probability (0\.\d{3}|1\.000)\)", line)
        for line in lines
    ]
    assert all(parsed), lines
    digits = [int(m.group(2)) for m in parsed]
    assert digits[:3] == list(expected)
    assert digits[3:6] == list(expected)
    assert parsed[0].group(1).endswith("three.npy[0]")
    assert parsed[6].group(1).endswith("seven.png")


def test_search_on_a_small_grid(small_mnist_dir, tmp_path, capsys):
    import pandas as pd

    status, out, err = _run(
        capsys,
        "search",
        "--epochs",
        "1,2",
        "--batch-size",
        "64,128",
        "--cv",
        "2",
        "--hidden",
        "16",
        "--max-samples",
        "400",
        "--data-home",
        small_mnist_dir,
        "--no-download",
        "--out",
        tmp_path,
    )
    assert status == 0, err
    results = pd.read_csv(tmp_path / "cv_results.csv")
    assert len(results) == 4
    assert set(results["param_mnistdenseclassifier__epochs"]) == {1, 2}
    assert (tmp_path / "search_heatmap.png").read_bytes().startswith(PNG_SIGNATURE)
    assert "Best:" in out


def test_train_with_a_preset_schedule_and_augmentation(
    small_mnist_dir, tmp_path, capsys
):
    common = ["--hidden", "16", "--epochs", "1", "--quiet", "--no-download"]
    common += ["--data-home", small_mnist_dir]
    status, out, err = _run(
        capsys,
        "train",
        "--preset",
        "best-dense",
        "--schedule",
        "constant",
        *common,
        "--out",
        tmp_path / "best",
    )
    assert status == 0, err
    clf = load_model(tmp_path / "best" / "model")[-1]
    # The flags given win; the rest is the preset's.
    assert clf.hidden_layer_sizes == (16,) and clf.epochs == 1
    assert clf.learning_rate_schedule == "constant"
    assert clf.dropout == 0.2 and clf.augmentation.elastic_alpha == 34.0

    status, out, err = _run(
        capsys, "train", "--augment", *common, "--out", tmp_path / "augment"
    )
    assert status == 0, err
    clf = load_model(tmp_path / "augment" / "model")[-1]
    assert clf.augmentation.get_params() == {
        "shift": 2.0,
        "rotation": 10.0,
        "scale": 0.1,
        "elastic_alpha": 0.0,
        "elastic_sigma": 4.0,
        "stray_lines": 0.0,
        "blur": 0.0,
        "noise": 0.0,
        "image_shape": None,
    }
    assert clf.learning_rate_schedule == "cosine"


@pytest.mark.parametrize(
    "argv, status, message",
    [
        (["train", "--epochs", "0"], 2, "--epochs: expected a positive integer"),
        (
            ["train", "--batch-size", "abc"],
            2,
            "--batch-size: expected a positive integer",
        ),
        (["train", "--hidden", "256,x"], 2, "--hidden: expected comma-separated"),
        (["train", "--dropout", "1.5"], 2, "--dropout: expected a number in [0, 1)"),
        (["train", "--learning-rate", "-1"], 2, "--learning-rate: expected a positive"),
        (["train", "--preset", "best"], 2, "--preset: invalid choice: 'best'"),
        (["train", "--schedule", "linear"], 2, "--schedule: invalid choice"),
        (["search", "--epochs", "5,,10"], 2, "--epochs: expected comma-separated"),
        (["search", "--cv", "0"], 2, "--cv: expected a positive integer"),
        (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
        (["predict", "{tmp}/nowhere", "{tmp}/ok.npy"], 1, "is not a folder"),
        # The input files are read first: a missing one fails before the model.
        (["predict", "{tmp}/nowhere", "x.png"], 1, "x.png: no such file"),
    ],
)
def test_bad_command_lines_exit_with_one_line(argv, status, message, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    np.save(tmp_path / "ok.npy", np.zeros((1, 28, 28), dtype=np.uint8))
    got, out, err = _run(capsys, *argv)
    assert got == status
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_data_is_a_one_line_error(tmp_path, capsys):
    status, _, err = _run(
        capsys,
        "train",
        "--data-home",
        tmp_path,
        "--no-download",
        "--out",
        tmp_path / "out",
    )
    assert status == 1
    assert "MNIST data for subset='train' not found" in err
    assert "SKMNIST_DATA" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_corrupt_model_and_bad_files_are_one_line_errors(trained, tmp_path, capsys):
    import shutil

    _, _, out_dir = trained
    broken = tmp_path / "broken"
    shutil.copytree(out_dir / "model", broken)
    (broken / "arrays.npz").write_bytes(b"not a zip")
    (tmp_path / "digit.png").write_bytes(b"plain text, not a picture")
    np.save(tmp_path / "wrong.npy", np.zeros((2, 30, 30)))
    np.save(tmp_path / "ok.npy", np.zeros((1, 28, 28), dtype=np.uint8))

    cases = [
        ((broken, tmp_path / "ok.npy"), "arrays.npz is not a valid array file"),
        (
            (out_dir / "model", tmp_path / "digit.png"),
            "digit.png: not a readable image",
        ),
        (
            (out_dir / "model", tmp_path / "wrong.npy"),
            "expected 28x28 images or rows of 784 pixels",
        ),
        ((out_dir / "model", tmp_path / "absent.png"), "absent.png: no such file"),
    ]
    for (model, file), message in cases:
        status, _, err = _run(capsys, "predict", model, file)
        assert status == 1, message
        assert message in err
        assert len(err.strip().splitlines()) == 1
