"""Concurrent downloads into one cache, from a local HTTP server.

The issue: "downloads verified by sha256 and written atomically; two processes
loading or downloading at once never corrupt the cache". Without internet, a
``http.server`` on 127.0.0.1 (port 0, a thread) serves synthetic gzipped IDX
files slowly, in paced chunks, so that two downloads overlap. Two
subprocesses start together (a file barrier) and call ``load_mnist(...,
download=True)`` on one shared, empty cache folder, after pointing
the MNIST record's ``mirrors`` (``skmnist.datasets._registry``) at the
server and its ``checksums`` at the synthetic files. Nothing but loopback
addresses is contacted.

While it sends a body, the server also looks into the cache: a final file
name must never hold anything but the complete, correct bytes.
"""

import gzip
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from skmnist.datasets import load_mnist
from skmnist.datasets._idx import IMAGES_MAGIC, LABELS_MAGIC
from skmnist.datasets._registry import MNIST

N_PROCESSES = 2
TIMEOUT = 60  # seconds, per subprocess
CHUNKS = 12  # each body is sent in this many chunks ...
CHUNK_DELAY = 0.02  # ... with this many seconds between them
STEMS = [stem for pair in MNIST.stems.values() for stem in pair]
NAMES = [f"{stem}.gz" for stem in STEMS]
CORRUPT_NAME = "t10k-images-idx3-ubyte.gz"  # third of the four downloads

# Run in each subprocess: point the loader at the local server, wait for the
# other process, then either download everything into the shared cache
# ("download"), or poll the cache offline until the training set loads
# ("read"): each attempt must find the files complete or missing, never partial.
SCRIPT = r"""
import json, sys, time
from pathlib import Path

from skmnist.datasets import load_mnist
from skmnist.datasets._registry import MNIST

config = json.loads(sys.argv[1])
MNIST.mirrors = tuple(config["mirrors"])
MNIST.checksums.update({k: ("sha256", v) for k, v in config["sha256"].items()})

barrier = Path(config["barrier"])
(barrier / config["name"]).touch()
deadline = time.monotonic() + 30
while len(list(barrier.iterdir())) < config["n_processes"]:
    if time.monotonic() > deadline:
        sys.exit("the other process never got ready")
    time.sleep(0.005)

if config["mode"] == "read":
    missing = 0
    while time.monotonic() < deadline:
        try:
            bunch = load_mnist("train", data_home=config["cache"], download=False)
        except OSError:  # not downloaded yet; a ValueError (corrupt) escapes
            missing += 1
            time.sleep(0.002)
            continue
        print(json.dumps({"ok": True, "missing": missing,
                          "target": bunch.target.tolist()}))
        sys.exit(0)
    sys.exit("the training set never appeared in the cache")

try:
    bunch = load_mnist("all", data_home=config["cache"], n_retries=0, delay=0)
except OSError as exc:
    print(json.dumps({"ok": False, "type": type(exc).__name__, "message": str(exc)}))
    sys.exit(3)
print(json.dumps({"ok": True, "target": bunch.target.tolist()}))
"""


def make_files():
    """Valid gzipped IDX files: {name: (array, bytes)}, 40 train + 10 test."""
    rng = np.random.default_rng(0)
    files = {}
    for subset, n in (("train", 40), ("test", 10)):
        images_stem, labels_stem = MNIST.stems[subset]
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        for stem, array, magic in (
            (images_stem, images, IMAGES_MAGIC),
            (labels_stem, labels, LABELS_MAGIC),
        ):
            header = np.array([magic, *array.shape], dtype=">i4").tobytes()
            files[f"{stem}.gz"] = (array, gzip.compress(header + array.tobytes()))
    return files


FILES = make_files()
SHA256 = {
    name: hashlib.sha256(content).hexdigest() for name, (_, content) in FILES.items()
}


class Handler(BaseHTTPRequestHandler):
    """GET /<client>/<name>: the file, slowly, as ``server.modes[name]`` says.

    Modes: "ok"; "corrupt" (other bytes, same length); "truncate" (announces
    the full Content-Length, sends half and closes); "truncate_no_length"
    (sends half, no Content-Length, closes: the body looks complete).
    """

    def do_GET(self):
        server = self.server
        client, _, name = self.path.strip("/").partition("/")
        if name not in FILES:
            self.send_error(404)
            return
        content = FILES[name][1]
        mode = server.modes.get(name, "ok")
        if mode == "corrupt":
            content = bytes(b ^ 0xFF for b in content)
        start = time.monotonic()
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        if mode != "truncate_no_length":
            self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if mode.startswith("truncate"):
            content = content[: len(content) // 2]
        step = -(-len(content) // CHUNKS)
        try:
            for offset in range(0, len(content), step):
                self.wfile.write(content[offset : offset + step])
                self.wfile.flush()
                server.inspect_cache()
                time.sleep(CHUNK_DELAY)
        finally:
            self.close_connection = True
            with server.lock:
                server.requests.append((client, name, start, time.monotonic()))

    def log_message(self, format, *args):  # keep the test output clean
        pass


class FileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.modes = {}
        self.requests = []  # (client, name, start, end)
        self.problems = []  # what inspect_cache saw wrong
        self.cache = None
        self.lock = threading.Lock()

    def url(self, client):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/{client}/"

    def inspect_cache(self):
        """A final file name in the cache only ever holds the complete file."""
        if self.cache is None or not self.cache.is_dir():
            return
        for name in NAMES:
            try:
                data = (self.cache / name).read_bytes()
            except FileNotFoundError:
                continue
            if data != FILES[name][1]:
                with self.lock:
                    self.problems.append(f"{name}: {len(data)} bad bytes")


@pytest.fixture
def server():
    server = FileServer()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def proxy_free_env():
    """This environment without proxies: the server is on 127.0.0.1."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy")
    }
    env["no_proxy"] = env["NO_PROXY"] = "*"
    return env


def run_concurrently(server, tmp_path, modes=("download",) * N_PROCESSES):
    """Processes download into (or read) one cache; returns (cache, results)."""
    cache = tmp_path / "cache"
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    server.cache = cache
    processes = []
    for i, mode in enumerate(modes):
        config = {
            "mode": mode,
            "mirrors": [server.url(f"p{i}")],
            "sha256": SHA256,
            "cache": str(cache),
            "barrier": str(barrier),
            "name": f"p{i}",
            "n_processes": len(modes),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, json.dumps(config)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=proxy_free_env(),
            )
        )
    results = []
    try:
        for process in processes:
            stdout, stderr = process.communicate(timeout=TIMEOUT)
            assert process.returncode in (0, 3), stderr
            results.append(json.loads(stdout.strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return cache, results


def downloads_overlapped(requests, name):
    """Did the two processes download ``name`` at the same time?"""
    spans = {client: (start, end) for client, n, start, end in requests if n == name}
    if len(spans) < 2:
        return False
    (start0, end0), (start1, end1) = spans.values()
    return start0 < end1 and start1 < end0


def test_two_processes_download_into_one_cache(server, tmp_path):
    cache, results = run_concurrently(server, tmp_path)

    expected_target = np.concatenate(
        [FILES[name][0] for name in NAMES if "labels" in name]
    )
    for result in results:
        assert result["ok"], result
        assert result["target"] == expected_target.tolist()
    # Never a partial final file, even during the downloads; in the end
    # exactly the four final files, complete; no temporary leftovers.
    assert server.problems == []
    assert sorted(os.listdir(cache)) == sorted(NAMES)
    for name in NAMES:
        assert (cache / name).read_bytes() == FILES[name][1], name
    # The test did exercise concurrency: the same file, fetched at once.
    assert downloads_overlapped(server.requests, NAMES[0]), server.requests

    # The cache now works offline.
    n_requests = len(server.requests)
    bunch = load_mnist("all", data_home=cache, download=False)
    np.testing.assert_array_equal(bunch.target, expected_target)
    np.testing.assert_array_equal(
        bunch.images,
        np.concatenate([FILES[name][0] for name in NAMES if "images" in name]),
    )
    assert len(server.requests) == n_requests


def test_checksum_mismatch_fails_both_and_leaves_no_file(server, tmp_path):
    server.modes[CORRUPT_NAME] = "corrupt"
    served = bytes(b ^ 0xFF for b in FILES[CORRUPT_NAME][1])

    cache, results = run_concurrently(server, tmp_path)

    for result in results:
        assert not result["ok"] and result["type"] == "OSError", result
        message = result["message"]
        assert f"SHA256 checksum of {CORRUPT_NAME}" in message
        assert SHA256[CORRUPT_NAME] in message  # expected
        assert hashlib.sha256(served).hexdigest() in message  # actual
        assert f"Downloading MNIST file {CORRUPT_NAME} into {cache}" in message
    assert server.problems == []
    # The two files before it are complete; nothing of it, no temp files.
    assert sorted(os.listdir(cache)) == sorted(NAMES[:2])
    for name in NAMES[:2]:
        assert (cache / name).read_bytes() == FILES[name][1]
    assert downloads_overlapped(server.requests, CORRUPT_NAME), server.requests


@pytest.mark.parametrize(
    "mode, problem",
    [
        # urllib notices the short body: ContentTooShortError (a URLError).
        ("truncate", "retrieval incomplete"),
        # Without Content-Length the half body looks complete: the checksum
        # catches it.
        ("truncate_no_length", f"SHA256 checksum of {CORRUPT_NAME}"),
    ],
)
def test_truncated_download_fails_and_leaves_nothing(server, tmp_path, mode, problem):
    server.modes[CORRUPT_NAME] = mode

    cache, results = run_concurrently(server, tmp_path)

    for i, result in enumerate(results):
        assert not result["ok"] and result["type"] == "OSError", result
        message = result["message"]
        assert f"Downloading MNIST file {CORRUPT_NAME} into {cache}" in message
        assert f"{server.url(f'p{i}')}{CORRUPT_NAME}: " in message  # URL tried
        assert problem in message, message
    assert server.problems == []
    assert sorted(os.listdir(cache)) == sorted(NAMES[:2])
    for name in NAMES[:2]:
        assert (cache / name).read_bytes() == FILES[name][1]


def test_reading_while_another_process_downloads(server, tmp_path):
    """A reader polling the cache offline never sees a partial file."""
    cache, (downloader, reader) = run_concurrently(
        server, tmp_path, modes=("download", "read")
    )

    assert downloader["ok"], downloader
    assert reader["ok"], reader
    train_labels = FILES[f"{MNIST.stems['train'][1]}.gz"][0]
    assert reader["target"] == train_labels.tolist()
    assert reader["missing"] > 0  # it did start before the files were there
    assert server.problems == []
    assert sorted(os.listdir(cache)) == sorted(NAMES)
