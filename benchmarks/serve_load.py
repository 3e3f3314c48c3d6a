"""Load on ``skmnist serve``: 2,000 predict requests from 16 concurrent clients.

Starts ``python -m skmnist serve MODEL --port 0`` (a real uvicorn server on a
free 127.0.0.1 port), sends the requests from 16 threads, each on its own
keep-alive connection, and reports requests per second, p50 and p99 latency,
errors (answers other than 200), and the server's resident memory (RSS)
after start-up, after a warm-up of 200 requests and at the end. The bodies
cycle through three kinds: MNIST test digits as JSON pixels, the same digits
as PNG pictures, and 280x280 drawings as the page sends them. The loop stops
by itself after ``--requests`` requests or ``--max-seconds`` seconds.

Without ``--model``, a small model (784-128-10, 2 epochs on 10,000 digits)
is fitted and saved in a temporary folder first. Usage::

    python benchmarks/serve_load.py [--model skmnist-report/model]
        [--requests 2000] [--clients 16] [--max-seconds 300]
"""

import argparse
import http.client
import io
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

WARM_UP = 200


def _rss_mb(pid):
    """Resident memory of process ``pid`` in MiB (Linux /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise OSError(f"no VmRSS for process {pid}")


def _bodies(n_digits=50):
    """(content type, body) pairs: JSON pixels, PNG pictures, drawings."""
    from PIL import Image

    from skmnist import load_mnist

    test = load_mnist("test", download=False)
    bodies = []
    for digit in test.images[:n_digits]:
        bodies.append(("application/json", json.dumps({"pixels": digit.tolist()})))
        picture = Image.fromarray(255 - digit).resize((112, 112))
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        bodies.append(("image/png", buffer.getvalue()))
        pad = np.full((280, 280), 255, dtype=np.uint8)
        pad[40:252, 40:252] = np.asarray(picture.resize((212, 212)))
        bodies.append(("application/json", json.dumps({"drawing": pad.tolist()})))
    return [(kind, b if isinstance(b, bytes) else b.encode()) for kind, b in bodies]


def _fit_model(folder):
    from skmnist import load_mnist, make_mnist_pipeline, save_model

    train = load_mnist("train", download=False)
    pipe = make_mnist_pipeline(hidden_layer_sizes=(128,), epochs=2, random_state=0)
    pipe.fit(train.images[:10_000], train.target[:10_000])
    return save_model(pipe, Path(folder) / "model")


def _start_server(model):
    process = subprocess.Popen(
        [sys.executable, "-m", "skmnist", "serve", str(model), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if " at http://" not in line:
        process.kill()
        raise RuntimeError(f"the server did not start: {line!r}")
    host, port = line.split("http://", 1)[1].split("/", 1)[0].rsplit(":", 1)
    return process, host, int(port)


def _run(host, port, bodies, n_requests, n_clients, deadline):
    """Send ``n_requests`` from ``n_clients`` threads; (latencies, errors)."""
    counter = iter(range(n_requests))
    lock = threading.Lock()
    latencies, errors = [], []

    def client():
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            kind, body = bodies[i % len(bodies)]
            start = time.perf_counter()
            try:
                connection.request("POST", "/api/predict", body, {"Content-Type": kind})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(n_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return np.array(latencies), errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model folder (default: fit one)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=300)
    args = parser.parse_args()
    bodies = _bodies()
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model or _fit_model(tmp)
        process, host, port = _start_server(model)
        try:
            rss_start = _rss_mb(process.pid)
            deadline = time.monotonic() + args.max_seconds
            _run(host, port, bodies, WARM_UP, args.clients, deadline)
            rss_warm = _rss_mb(process.pid)
            start = time.perf_counter()
            latencies, errors = _run(
                host, port, bodies, args.requests, args.clients, deadline
            )
            seconds = time.perf_counter() - start
            rss_end = _rss_mb(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
    result = {
        "requests": len(latencies),
        "clients": args.clients,
        "errors": len(errors),
        "error_kinds": sorted({str(e) for e in errors}),
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(1000 * float(np.percentile(latencies, 50)), 1),
        "p99_ms": round(1000 * float(np.percentile(latencies, 99)), 1),
        "rss_mb_after_start": round(rss_start, 1),
        "rss_mb_after_warm_up": round(rss_warm, 1),
        "rss_mb_at_end": round(rss_end, 1),
    }
    print(json.dumps(result, indent=2))
    complete = len(latencies) == args.requests
    return 0 if complete and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
