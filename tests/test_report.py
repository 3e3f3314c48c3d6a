"""Tests of skmnist.report: save_report's files, atomic and complete."""

import base64
import json
import os
import subprocess
import sys

import pytest

from skmnist._io import atomic_write
from skmnist.evaluation import EvaluationReport
from skmnist.report import _figure_png, save_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_save_report_imports_no_tensorflow(tmp_path):
    code = (
        "import sys\n"
        "from skmnist.evaluation import EvaluationReport\n"
        "from skmnist.report import save_report\n"
        "r = EvaluationReport.from_predictions([0, 1, 1], [0, 1, 0])\n"
        f"save_report(r, {str(tmp_path)!r})\n"
        "bad = {'tensorflow', 'keras', 'scikeras', 'jax'} & set(sys.modules)\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert (tmp_path / "report.html").exists()


def _png_size(path):
    import matplotlib.image

    image = matplotlib.image.imread(path)
    return image.shape[1], image.shape[0]


def test_save_report_writes_every_file(fitted_classifier, mnist, mnist_small, tmp_path):
    _, test = mnist
    _, _, X_test, y_test = mnist_small
    report = EvaluationReport.from_estimator(
        fitted_classifier, X_test, y_test, images=test.images[:1000], fit_time=3.5
    )
    out_dir = tmp_path / "new" / "run"
    paths = save_report(report, out_dir)

    figures = [
        "confusion_matrix.png",
        "learning_curves.png",
        "sample_predictions.png",
        "misclassified.png",
    ]
    expected = {"metrics.json", "classification_report.txt", "report.html", *figures}
    assert set(paths) == expected
    assert {p.name for p in out_dir.iterdir()} == expected  # no temporary files
    for name, path in paths.items():
        assert os.path.samefile(path, out_dir / name)

    for name in figures:
        data = (out_dir / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE), name
        width, height = _png_size(out_dir / name)
        assert 400 <= width <= 3000 and 300 <= height <= 3000, (name, width, height)

    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["accuracy"] == report.accuracy
    assert metrics["fit_time"] == 3.5
    assert metrics["history"] == report.history
    text = (out_dir / "classification_report.txt").read_text()
    assert text == report.classification_report

    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("data:image/png;base64,") == len(figures)
    for name in figures:
        encoded = base64.b64encode((out_dir / name).read_bytes()).decode("ascii")
        assert f'data:image/png;base64,{encoded}"' in page
    assert f"{report.accuracy:.4f}" in page
    assert "3.50 s" in page
    assert "<script" not in page and "<link" not in page and "http" not in page
    for pair in report.most_confused_pairs[:3]:
        assert f"<td>{pair['true']}</td>" in page


def test_save_report_without_images_or_history(tmp_path, pyplot):
    report = EvaluationReport.from_predictions(
        ["cat", "dog", "dog"], ["cat", "cat", "dog"]
    )
    paths = save_report(report, tmp_path)
    assert set(paths) == {
        "metrics.json",
        "classification_report.txt",
        "confusion_matrix.png",
        "report.html",
    }
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 1
    assert "0.6667" in page
    # Figures for files are drawn without pyplot: nothing left open.
    assert pyplot.get_fignums() == []


def test_save_report_replaces_existing_files(tmp_path):
    report = EvaluationReport.from_predictions([0, 1, 1, 0], [0, 1, 1, 1])
    (tmp_path / "metrics.json").write_text("old")
    save_report(report, tmp_path)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["accuracy"] == report.accuracy == 0.75
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_save_report_failure_leaves_no_partial_file(
    digits_model, tmp_path, monkeypatch
):
    from matplotlib.figure import Figure

    report = EvaluationReport.from_estimator(*digits_model)

    (tmp_path / "confusion_matrix.png").write_bytes(b"old")

    def broken_savefig(self, fname, *args, **kwargs):
        fname.write(PNG_SIGNATURE + b"half a figure")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save_report(report, tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    # Files written before the crash are complete; the rest are absent or old.
    assert names == {
        "metrics.json",
        "classification_report.txt",
        "confusion_matrix.png",
    }
    assert (tmp_path / "confusion_matrix.png").read_bytes() == b"old"
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["n_samples"] == report.n_samples


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_atomic_write_failure_keeps_old_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "metrics.json"
    target.write_text("old")

    def fail(*args, **kwargs):
        raise OSError("crash")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="crash"):
        atomic_write(target, "new content")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]

    atomic_write(tmp_path / "fresh.txt", "new")
    assert (tmp_path / "fresh.txt").read_text() == "new"


def test_save_report_rejects_what_is_not_a_report(tmp_path):
    with pytest.raises(TypeError, match="report must be an EvaluationReport; got dict"):
        save_report({"accuracy": 1.0}, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_figure_png_renders_a_figure_at_110_dpi():
    import io

    import matplotlib.image
    from matplotlib.figure import Figure

    data = _figure_png(Figure(figsize=(2, 1)))
    assert data.startswith(PNG_SIGNATURE)
    height, width = matplotlib.image.imread(io.BytesIO(data)).shape[:2]
    assert (width, height) == (220, 110)
