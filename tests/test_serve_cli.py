"""``skmnist serve`` as users run it: its errors, a real server, Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")

from skmnist.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("tensorflow", "keras", "jax", "scikeras")


@pytest.fixture(scope="module")
def model_dir(mnist, tmp_path_factory):
    """A small model saved where ``skmnist train`` saves it, in a fresh folder."""
    from skmnist import make_mnist_pipeline, save_model

    train, _ = mnist
    pipe = make_mnist_pipeline(hidden_layer_sizes=(32,), epochs=1, random_state=0)
    pipe.fit(train.images[:3000], train.target[:3000])
    cwd = tmp_path_factory.mktemp("cwd")
    save_model(pipe, cwd / "skmnist-report" / "model")
    (cwd / "skmnist-report" / "metrics.json").write_text('{"accuracy": 0.875}')
    return cwd / "skmnist-report" / "model"


def _env():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def test_missing_model_says_how_to_make_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["serve"]) == 1
    error = capsys.readouterr().err
    assert "skmnist-report/model: no saved model there" in error
    assert "skmnist train" in error


def test_bad_port_and_folder_are_errors(tmp_path, capsys):
    assert main(["serve", str(tmp_path), "--port", "70000"]) == 1
    assert "--port must lie in 0..65535" in capsys.readouterr().err
    assert main(["serve", str(tmp_path), "--port", "0"]) == 1
    assert "not an skmnist model folder" in capsys.readouterr().err
    assert main(["serve", "--port", "eighty"]) == 2
    assert "invalid int value" in capsys.readouterr().err


def _get(url, body=None):
    request = urllib.request.Request(url, data=body)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_serve_runs_the_default_model_and_stops_on_ctrl_c(model_dir, mnist):
    _, test = mnist
    process = subprocess.Popen(
        [sys.executable, "-m", "skmnist", "serve", "--port", "0"],
        cwd=model_dir.parent.parent,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Serving skmnist-report/model at http://127.0.0.1:")
        url = line.split(" at ", 1)[1].split()[0]
        assert _get(url + "healthz") == {"status": "ok"}
        assert _get(url + "api/model")["test_accuracy"] == 0.875
        body = json.dumps({"pixels": test.images[0].tolist()}).encode()
        answer = _get(url + "api/predict", body)
        assert set(answer["probabilities"]) == {str(k) for k in range(10)}
        assert sum(answer["probabilities"].values()) == pytest.approx(1, abs=1e-5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out.strip() == "Server stopped."
    assert "Traceback" not in err


def test_the_server_process_never_imports_tensorflow(model_dir):
    """Loading the model, building the app and predicting need NumPy only."""
    script = textwrap.dedent(
        f"""
        import json, sys
        from starlette.testclient import TestClient
        from skmnist import load_model
        from skmnist.serve import create_app
        client = TestClient(create_app(load_model({str(model_dir)!r})))
        pixels = [[0] * 28] * 10 + [[0] * 10 + [255] * 8 + [0] * 10] * 8
        pixels += [[0] * 28] * 10
        answer = client.post("/api/predict", json={{"pixels": pixels}})
        assert answer.status_code == 200, answer.text
        heavy = {HEAVY!r}
        print(json.dumps(sorted(
            name for name in sys.modules if name.split(".")[0] in heavy)))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    imported = {
        name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])
    }
    assert not imported, f"the server process imported {sorted(imported)}"
