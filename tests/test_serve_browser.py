"""The drawing page in a real browser: Debian's headless Chromium via Playwright.

One server (uvicorn in a thread, on a free loopback port) and one browser
serve the whole module. MNIST test digits are drawn onto the canvas with
real pointer strokes, one stroke per run of dark pixels in a row.
Screenshots go to ``$SKMNIST_ARTIFACTS`` (default ``tests/_artifacts``).
"""

import base64
import io
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(
    os.environ.get("SKMNIST_ARTIFACTS", Path(__file__).parent / "_artifacts")
)


@pytest.fixture(scope="module")
def model(mnist, tmp_path_factory):
    from skmnist import load_model, make_mnist_pipeline, save_model

    train, _ = mnist
    pipe = make_mnist_pipeline(hidden_layer_sizes=(128,), epochs=3, random_state=0)
    pipe.fit(train.images[:10_000], train.target[:10_000])
    return load_model(save_model(pipe, tmp_path_factory.mktemp("served") / "model"))


@pytest.fixture(scope="module")
def url(model):
    """The page's URL, served by uvicorn in a thread until the module ends."""
    import uvicorn

    from skmnist.cli._serve import _bind
    from skmnist.serve import create_app

    sock = _bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(create_app(model), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, url):
    """The page, with the console errors it logs in ``page.errors``."""
    page = browser.new_page(viewport={"width": 900, "height": 720})
    page.errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("[data-testid=probabilities] li")
    yield page
    page.close()


def _wait(page, expression, timeout=10):
    """Poll ``expression`` until true (wait_for_function evals: the CSP says no)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.01)


def _strokes(digit, box):
    """Short horizontal strokes over the runs of dark pixels of a 28x28 digit."""
    cell = box["width"] / 28
    for row in range(28):
        dark = np.flatnonzero(digit[row] > 127)
        if not len(dark):
            continue
        for run in np.split(dark, np.flatnonzero(np.diff(dark) > 1) + 1):
            y = box["y"] + (row + 0.5) * cell
            yield (
                (box["x"] + (run[0] + 0.5) * cell, y),
                (box["x"] + (run[-1] + 0.5) * cell, y),
            )


def _draw(page, digit):
    box = page.get_by_test_id("digit-canvas").bounding_box()
    for (x0, y0), (x1, y1) in _strokes(digit, box):
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x1, y1, steps=2)
        page.mouse.up()
    _wait(page, "window.skmnistPage.settled")


def _shown_label(page):
    text = page.get_by_test_id("prediction").inner_text()
    match = re.search(r"\d+", text)
    return None if match is None else int(match.group())


def _probabilities(page):
    return [
        float(p)
        for p in page.get_by_test_id("probabilities")
        .locator("li")
        .evaluate_all("items => items.map(item => item.dataset.probability)")
    ]


def _screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("main").screenshot(path=ARTIFACTS / name)


def test_drawn_test_digits_are_recognised(page, mnist, model):
    _, test = mnist
    digits, labels = test.images[:10], test.target[:10]
    shown, latencies = [], []
    for i, digit in enumerate(digits):
        page.get_by_test_id("clear").click()
        _draw(page, digit)
        shown.append(_shown_label(page))
        latencies.append(page.evaluate("window.skmnistPage.lastLatencyMs"))
        probabilities = _probabilities(page)
        assert len(probabilities) == 10
        assert sum(probabilities) == pytest.approx(1, abs=1e-4)
        assert shown[-1] == int(np.argmax(probabilities))
        if i == 0:
            _screenshot(page, "serve_drawn_digit.png")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    record = {
        "labels": labels.tolist(),
        "shown": shown,
        "stroke_end_to_answer_ms": latencies,
    }
    (ARTIFACTS / "serve_browser.json").write_text(json.dumps(record, indent=2))
    print(record)
    assert np.sum(np.array(shown) == labels) >= 8, record
    # From the end of the last stroke to the answer that includes it.
    assert all(latency is not None for latency in latencies)
    assert np.median(latencies) <= 100, record


def test_clear_resets_the_page(page, mnist):
    _, test = mnist
    _draw(page, test.images[0])
    assert _shown_label(page) is not None
    page.get_by_test_id("clear").click()
    assert page.get_by_test_id("prediction").inner_text() == "Draw a digit"
    assert _probabilities(page) == [0.0] * 10
    blank = page.evaluate(
        """() => {
        const canvas = document.querySelector('[data-testid=digit-canvas]');
        const pixels = canvas.getContext('2d').getImageData(
            0, 0, canvas.width, canvas.height).data;
        return pixels.every(v => v === 255);
        }"""
    )
    assert blank
    seen = page.evaluate(
        """() => Array.from(document.querySelector('[data-testid=model-input]')
            .getContext('2d').getImageData(0, 0, 28, 28).data).every(v => v === 0)"""
    )
    assert seen


def test_keyboard_draws_and_clears(page):
    page.get_by_test_id("clear").click()
    page.get_by_test_id("digit-canvas").focus()
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Shift+ArrowUp")
    for _ in range(8):  # a vertical bar: a one
        page.keyboard.press("ArrowDown")
    _wait(page, "window.skmnistPage.settled")
    assert _shown_label(page) is not None
    assert sum(_probabilities(page)) == pytest.approx(1, abs=1e-4)
    page.get_by_test_id("clear").focus()
    page.keyboard.press("Enter")
    assert page.get_by_test_id("prediction").inner_text() == "Draw a digit"


def _picture(digit):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(255 - digit).resize((84, 84)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_chosen_and_dropped_files_are_classified(page, mnist, model):
    from skmnist.images import load_digit_image

    _, test = mnist
    for digit, how in ((test.images[1], "choose"), (test.images[2], "drop")):
        data = _picture(digit)
        expected = int(model.predict(load_digit_image(io.BytesIO(data))[None])[0])
        before = page.evaluate("window.skmnistPage.shown")
        if how == "choose":
            page.locator("#file-input").set_input_files(
                files=[{"name": "digit.png", "mimeType": "image/png", "buffer": data}]
            )
        else:
            transfer = page.evaluate_handle(
                """(b64) => {
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], 'digit.png', {type: 'image/png'}));
                return transfer;
                }""",
                base64.b64encode(data).decode(),
            )
            page.dispatch_event("main", "drop", {"dataTransfer": transfer})
        _wait(page, f"window.skmnistPage.shown > {before}")
        assert _shown_label(page) == expected, how
        assert sum(_probabilities(page)) == pytest.approx(1, abs=1e-4)
    _screenshot(page, "serve_dropped_file.png")


def test_the_training_report_shows_every_image(browser, small_mnist_dir, tmp_path):
    from skmnist.cli import main

    out = tmp_path / "report"
    status = main(
        ["train", "--data-home", str(small_mnist_dir), "--no-download", "--quiet"]
        + ["--epochs", "2", "--hidden", "32", "--out", str(out)]
    )
    assert status == 0
    page = browser.new_page()
    try:
        page.goto((out / "report.html").as_uri())
        images = page.evaluate(
            """() => Array.from(document.images).map(
                image => [image.complete, image.naturalWidth, image.naturalHeight])"""
        )
    finally:
        page.close()
    assert len(images) >= 3
    assert all(done and width > 0 and height > 0 for done, width, height in images)


def _overlay(page):
    """The explanation overlay's RGBA pixels, (28, 28, 4), or None if hidden."""
    data = page.evaluate(
        """() => {
        const overlay = document.querySelector('[data-testid=explanation]');
        if (overlay.hidden) return null;
        return Array.from(overlay.getContext('2d').getImageData(0, 0, 28, 28).data);
        }"""
    )
    return None if data is None else np.array(data).reshape(28, 28, 4)


def _check_overlay(page, model):
    """The overlay is the served explanation of the digit the model saw."""
    from skmnist.serve._model import ServedModel

    seen = page.evaluate(
        """() => Array.from(document.querySelector('[data-testid=model-input]')
            .getContext('2d').getImageData(0, 0, 28, 28).data)"""
    )
    digit = np.array(seen, dtype=np.uint8).reshape(28, 28, 4)[..., 0]
    answer = ServedModel(model).predict(digit, explain=True)
    a = np.array(answer["explanation"]["attributions"])
    overlay = _overlay(page)
    # Opacity by magnitude; red toward the prediction, blue toward the runner-up.
    alpha = np.round(255 * np.abs(a) / np.abs(a).max())
    np.testing.assert_allclose(overlay[..., 3], alpha, atol=1)
    visible = alpha >= 20
    red = overlay[..., 0] > overlay[..., 2]
    np.testing.assert_array_equal(red[visible], (a > 0)[visible])
    legend = page.locator("#explain-legend").inner_text()
    assert f"toward {answer['label']}" in legend
    assert f"toward {answer['explanation']['versus']}" in legend
    return overlay


def test_the_explanation_overlays_what_the_model_sees(page, mnist, model):
    _, test = mnist
    digit = test.images[3]
    top, bottom = digit.copy(), digit.copy()
    top[14:], bottom[:14] = 0, 0
    page.get_by_test_id("clear").click()
    _draw(page, top)
    assert _overlay(page) is None
    page.get_by_test_id("explain").check()  # asks again, with the explanation
    _wait(page, "window.skmnistPage.settled")
    first = _check_overlay(page, model)
    _draw(page, bottom)  # updated as you draw
    second = _check_overlay(page, model)
    assert np.any(first != second)
    _screenshot(page, "serve_explanation.png")
    page.get_by_test_id("explain").uncheck()
    assert _overlay(page) is None
    assert page.locator("#explain-legend").is_hidden()
    page.get_by_test_id("clear").click()
    _draw(page, digit)  # off: answers come without an explanation
    assert _overlay(page) is None


def test_the_page_logged_no_console_errors(page):
    page.reload()
    page.wait_for_selector("[data-testid=probabilities] li")
    assert page.errors == []
