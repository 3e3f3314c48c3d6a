"""The serve app's JSON API and page, through Starlette's TestClient.

One small model (784-128-10, 3 epochs on 10,000 MNIST digits) is fitted,
saved and loaded once for the module, as ``skmnist serve`` loads it.
"""

import io
import json
import re
import struct
import zlib

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")

from PIL import Image  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from skmnist.images import load_digit_image, to_mnist_image  # noqa: E402
from skmnist.serve import create_app  # noqa: E402


@pytest.fixture(scope="module")
def served(mnist, tmp_path_factory):
    """(loaded model, TestClient, 20 MNIST test digits and their labels)."""
    from skmnist import load_model, make_mnist_pipeline, save_model

    train, test = mnist
    pipe = make_mnist_pipeline(hidden_layer_sizes=(128,), epochs=3, random_state=0)
    pipe.fit(train.images[:10_000], train.target[:10_000])
    folder = save_model(pipe, tmp_path_factory.mktemp("serve") / "model")
    model = load_model(folder)
    with TestClient(create_app(model)) as client:
        yield model, client, test.images[:20], test.target[:20]


def _png(array, fmt="PNG"):
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(buffer, format=fmt)
    return buffer.getvalue()


def _photo(digit):
    """A test digit as a user's picture: black on white, 4x larger."""
    return Image.fromarray(255 - digit).resize((112, 112), Image.BILINEAR)


def _png_header_only(width, height):
    """A small PNG file that declares a ``width`` x ``height`` image."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_healthz(served):
    _, client, _, _ = served
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("flat", [False, True], ids=["28x28", "784"])
def test_pixels_get_the_models_answer(served, flat):
    model, client, images, _ = served
    expected = model.predict_proba(images)
    for image, proba in zip(images, expected):
        pixels = image.reshape(-1) if flat else image
        response = client.post("/api/predict", json={"pixels": pixels.tolist()})
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["label"] == int(np.argmax(proba))
        got = [answer["probabilities"][str(k)] for k in range(10)]
        np.testing.assert_allclose(got, proba, rtol=1e-5, atol=1e-7)
        assert sum(got) == pytest.approx(1, abs=1e-5)
        np.testing.assert_array_equal(answer["image"], image)


def test_most_test_digits_are_right(served):
    _, client, images, labels = served
    answers = [
        client.post("/api/predict", json={"pixels": image.tolist()}).json()["label"]
        for image in images
    ]
    assert np.mean(np.array(answers) == labels) >= 0.85


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP"])
def test_image_files_are_converted_like_skmnist_predict(served, fmt, tmp_path):
    model, client, images, _ = served
    for digit in images[:5]:
        data = _png(_photo(digit), fmt)
        media = "image/" + fmt.lower()
        response = client.post(
            "/api/predict", content=data, headers={"Content-Type": media}
        )
        assert response.status_code == 200, response.text
        path = tmp_path / f"digit.{fmt.lower()}"
        path.write_bytes(data)
        seen = load_digit_image(path)  # what skmnist predict reads
        answer = response.json()
        np.testing.assert_array_equal(answer["image"], seen)
        assert answer["label"] == model.predict(seen[None])[0]


def test_drawing_is_centred_like_a_picture(served):
    model, client, images, _ = served
    # A digit drawn off-centre on a large white pad, as the page sends it.
    pad = np.full((280, 280), 255, dtype=np.uint8)
    pad[20:132, 150:262] = np.asarray(_photo(images[0]))
    response = client.post("/api/predict", json={"drawing": pad.tolist()})
    assert response.status_code == 200, response.text
    answer = response.json()
    seen = to_mnist_image(pad)
    np.testing.assert_array_equal(answer["image"], seen)
    assert answer["label"] == model.predict(seen[None])[0]
    assert np.asarray(answer["image"]).shape == (28, 28)


def test_model_card(served):
    model, client, _, _ = served
    card = client.get("/api/model").json()
    assert card["classes"] == list(range(10))
    assert card["layer_sizes"] == [784, 128, 10]
    assert card["n_parameters"] == 784 * 128 + 128 + 128 * 10 + 10
    assert card["estimator"] == "MNISTDenseClassifier"
    assert card["params"]["hidden_layer_sizes"] == [128]
    assert card["params"]["epochs"] == 3
    assert card["test_accuracy"] is None
    with TestClient(create_app(model, test_accuracy=0.9712)) as other:
        assert other.get("/api/model").json()["test_accuracy"] == 0.9712


def test_page_and_every_file_it_needs_are_served(served):
    _, client, _, _ = served
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    for hook in ("digit-canvas", "prediction", "probabilities"):
        assert f'data-testid="{hook}"' in html
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(links) == [
        "static/app.js",
        "static/favicon.svg",
        "static/style.css",
    ]
    for link in links + ["favicon.ico"]:
        asset = client.get("/" + link)
        assert asset.status_code == 200, link
        assert len(asset.content) > 100
    assert "http" not in client.get("/static/app.js").text  # nothing from a CDN


def _json(text):
    return {"content": text, "headers": {"Content-Type": "application/json"}}


def _body(data, media):
    return {"content": data, "headers": {"Content-Type": media}}


def _pixels(value):
    return _json(json.dumps({"pixels": value}))


_GOOD_ROW = [0] * 700 + [200] * 84
_NOISE = np.random.RandomState(0).randint(0, 256, size=(64, 64))

# name -> (method, path, request keywords, status, words of the error)
BAD_REQUESTS = {
    "not an image": (
        "POST",
        "/api/predict",
        _body(b"hello", "image/png"),
        400,
        "not an image",
    ),
    "empty image body": ("POST", "/api/predict", _body(b"", "image/png"), 400, "empty"),
    "truncated png": (
        "POST",
        "/api/predict",
        _body(_png(_NOISE)[:2000], "image/png"),
        422,
        "not a readable image",
    ),
    "text file as jpeg": (
        "POST",
        "/api/predict",
        _body(b"GIF89a" + b"\0" * 20, "image/jpeg"),
        400,
        "not an image",
    ),
    "blank white png": (
        "POST",
        "/api/predict",
        _body(_png(np.full((50, 50), 255)), "image/png"),
        422,
        "holds no digit",
    ),
    "all-white canvas": (
        "POST",
        "/api/predict",
        _json(json.dumps({"drawing": [[255] * 80] * 80})),
        422,
        "holds no digit",
    ),
    "empty canvas": (
        "POST",
        "/api/predict",
        _json('{"drawing": []}'),
        422,
        "non-empty",
    ),
    "blank pixels": ("POST", "/api/predict", _pixels([0] * 784), 422, "blank"),
    "wrong shape": (
        "POST",
        "/api/predict",
        _pixels([[0] * 28] * 27),
        422,
        "shape (27, 28)",
    ),
    "ragged rows": (
        "POST",
        "/api/predict",
        _pixels([[0] * 28] * 27 + [[0] * 5]),
        422,
        "rectangular",
    ),
    "strings": ("POST", "/api/predict", _pixels(["1"] * 784), 422, "numbers"),
    "nan": (
        "POST",
        "/api/predict",
        _json('{"pixels": [NaN' + ", 0" * 783 + "]}"),
        422,
        "NaN",
    ),
    "infinity": (
        "POST",
        "/api/predict",
        _json('{"pixels": [Infinity' + ", 0" * 783 + "]}"),
        422,
        "NaN",
    ),
    "over 255": ("POST", "/api/predict", _pixels([300] + _GOOD_ROW[1:]), 422, "0..255"),
    "negative": ("POST", "/api/predict", _pixels([-1] + _GOOD_ROW[1:]), 422, "0..255"),
    "not json": ("POST", "/api/predict", _json("{pixels: 1"), 400, "not valid JSON"),
    "json list": (
        "POST",
        "/api/predict",
        _json("[1, 2, 3]"),
        422,
        "expected a JSON object",
    ),
    "unknown key": (
        "POST",
        "/api/predict",
        _json('{"path": "/etc/passwd"}'),
        422,
        "Unknown key 'path'",
    ),
    "two keys": (
        "POST",
        "/api/predict",
        _json(json.dumps({"pixels": _GOOD_ROW, "drawing": [[0]]})),
        422,
        "expected a JSON object",
    ),
    "deep nesting": (
        "POST",
        "/api/predict",
        _json("[" * 100_000),
        400,
        "not valid JSON",
    ),
    "body over 5 MB": (
        "POST",
        "/api/predict",
        _body(b"\x89PNG" + b"\0" * (5 * 2**20), "image/png"),
        413,
        "larger than 5 MB",
    ),
    "image over 4096 px": (
        "POST",
        "/api/predict",
        _body(_png(np.zeros((2, 5000))), "image/png"),
        413,
        "5000x2 pixels",
    ),
    "decompression bomb": (
        "POST",
        "/api/predict",
        _body(_png_header_only(100_000, 100_000), "image/png"),
        413,
        "too large",
    ),
    "huge header, small file": (
        "POST",
        "/api/predict",
        _body(_png_header_only(8000, 8000), "image/png"),
        413,
        "8000x8000",
    ),
    "text/plain": (
        "POST",
        "/api/predict",
        _body(b"7", "text/plain"),
        415,
        "'text/plain'",
    ),
    "no content type": ("POST", "/api/predict", {"content": b"7"}, 415, "none"),
    "get predict": ("GET", "/api/predict", {}, 405, "GET is not allowed"),
    "put model": ("PUT", "/api/model", {"content": b"{}"}, 405, "PUT is not allowed"),
    "unknown api": ("GET", "/api/weights", {}, 404, "No such page"),
    "encoded traversal": ("GET", "/static/..%2f..%2fpersistence.py", {}, 404, ""),
}


@pytest.mark.parametrize("name", list(BAD_REQUESTS))
def test_bad_request_gets_4xx_and_the_next_is_served(served, name):
    _, client, images, _ = served
    method, path, kwargs, status, words = BAD_REQUESTS[name]
    response = client.request(method, path, **kwargs)
    assert response.status_code == status, response.text
    if path.startswith("/api"):
        error = response.json()["error"]
        assert words in error
    good = client.post("/api/predict", json={"pixels": images[0].tolist()})
    assert good.status_code == 200
    assert set(good.json()["probabilities"]) == {str(k) for k in range(10)}


def test_streamed_body_over_5_mb_is_cut_off(served):
    _, client, _, _ = served

    def chunks():  # no Content-Length: the server counts as it reads
        for _ in range(6):
            yield b"\0" * 2**20

    response = client.post(
        "/api/predict", content=chunks(), headers={"Content-Type": "image/png"}
    )
    assert response.status_code == 413
    assert "larger than 5 MB" in response.json()["error"]


def test_an_unfitted_model_is_refused():
    from sklearn.exceptions import NotFittedError

    from skmnist import make_mnist_pipeline

    with pytest.raises(NotFittedError):
        create_app(make_mnist_pipeline())


@pytest.fixture(scope="module")
def server_url(served):
    """A real uvicorn server of the served model on 127.0.0.1, in a thread."""
    import threading

    import uvicorn

    from skmnist.cli._serve import _bind

    model = served[0]
    sock = _bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(model), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the server did not start"
            thread.join(0.05)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def _urlopen(url, data=None, headers=None):
    """(status, JSON) of a request that urllib sends whole, then reads."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.mark.parametrize("length", ["declared", "chunked"])
def test_body_over_5_mb_sent_whole_gets_the_413_over_a_socket(
    served, server_url, length
):
    # urllib writes the whole body before reading the answer: closing on the
    # first 5 MB would reset its connection ("Connection reset by peer")
    # instead of answering 413.
    _, _, images, _ = served
    body = b"\x89PNG" + b"\0" * (6 * 2**20)
    headers = {"Content-Type": "image/png"}
    if length == "chunked":  # an iterable body: no Content-Length
        body = [body[i : i + 2**16] for i in range(0, len(body), 2**16)]
        headers["Transfer-Encoding"] = "chunked"
    status, answer = _urlopen(f"{server_url}/api/predict", body, headers)
    assert status == 413
    assert "larger than 5 MB" in answer["error"]
    # The server goes on serving.
    pixels = json.dumps({"pixels": images[0].tolist()}).encode()
    status, answer = _urlopen(
        f"{server_url}/api/predict", pixels, {"Content-Type": "application/json"}
    )
    assert status == 200
    assert set(answer["probabilities"]) == {str(k) for k in range(10)}
    assert _urlopen(f"{server_url}/healthz") == (200, {"status": "ok"})
