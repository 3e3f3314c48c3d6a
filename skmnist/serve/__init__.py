"""Try a saved model in the browser: the app behind ``skmnist serve``.

:func:`create_app` wraps a fitted model in a Starlette (ASGI) application: a
page at ``/`` to draw a digit on and watch the class probabilities change as
you draw, and a JSON API (``POST /api/predict``, ``GET /api/model``,
``GET /healthz``). The app predicts with the model's NumPy forward pass; it
needs the ``serve`` extra: ``pip install "skmnist[serve]"``.
"""

try:
    import starlette  # noqa: F401
except ImportError:  # pragma: no cover - the serve extra is missing
    raise ImportError(
        'skmnist.serve needs Starlette and uvicorn: pip install "skmnist[serve]"'
    ) from None

from skmnist.serve._app import create_app

__all__ = ["create_app"]
