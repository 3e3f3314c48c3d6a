"""``skmnist serve``: load a saved model and run the app with uvicorn."""

import json
import socket
from pathlib import Path

#: Where ``skmnist train`` saves its model (``--out``'s default + "model").
DEFAULT_MODEL = Path("skmnist-report") / "model"


def add_parser(commands):
    """Add ``serve`` to the subparsers ``commands``."""
    serve = commands.add_parser(
        "serve",
        help="draw digits in the browser and see the model's answers live",
        description="Serve a page where you draw a digit (or drop a picture) "
        "and watch the model's class probabilities, plus a JSON API; needs "
        'pip install "skmnist[serve]".',
    )
    serve.add_argument(
        "model",
        type=Path,
        nargs="?",
        metavar="MODEL",
        help="model folder (default: skmnist-report/model, from 'skmnist train')",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port; 0 for a free one (default: 8000)"
    )
    serve.set_defaults(run=run)


def run(args):
    """Serve ``args.model`` on ``args.host:args.port`` until Ctrl-C."""
    serve(args.model, host=args.host, port=args.port)


def _test_accuracy(model_dir):
    """The accuracy in the report that ``skmnist train`` wrote beside the model."""
    for folder in (model_dir, model_dir.parent):
        try:
            metrics = json.loads((folder / "metrics.json").read_text("utf-8"))
            return float(metrics["accuracy"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def _bind(host, port):
    """A listening socket on ``host:port`` (port 0: a free one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"--host {host}: unknown host ({exc.strerror}).") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}.") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(model_dir=None, *, host="127.0.0.1", port=8000):
    """Serve the model saved in ``model_dir`` until interrupted (Ctrl-C).

    Parameters
    ----------
    model_dir : path-like or None, default=None
        A folder written by :func:`~skmnist.save_model`; None means
        ``skmnist-report/model``, where ``skmnist train`` saves its model.

    host : str, default="127.0.0.1"
        Address to listen on; only this computer can connect by default.

    port : int, default=8000
        Port to listen on; 0 picks a free one.
    """
    import uvicorn

    from skmnist.persistence import load_model
    from skmnist.serve._app import create_app

    if not 0 <= port <= 65535:
        raise ValueError(f"--port must lie in 0..65535 (0: a free port); got {port}.")
    model_dir = Path(DEFAULT_MODEL if model_dir is None else model_dir)
    if not model_dir.exists():
        raise OSError(
            f"{model_dir}: no saved model there. Train one with 'skmnist train' "
            f"(it saves the model to {DEFAULT_MODEL}), or name a model folder: "
            "skmnist serve MODEL."
        )
    app = create_app(load_model(model_dir), test_accuracy=_test_accuracy(model_dir))
    sock = _bind(host, port)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    print(
        f"Serving {model_dir} at http://{shown}:{bound_port}/ (Ctrl-C to stop)",
        flush=True,
    )
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn has shut down cleanly, then re-raised the signal
    finally:
        sock.close()
    print("Server stopped.", flush=True)
