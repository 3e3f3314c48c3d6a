"""The Starlette application: the drawing page, the JSON API and its errors."""

from importlib.resources import files

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from skmnist.serve._inputs import (
    MAX_BODY_BYTES,
    RequestError,
    content_kind,
    digit_from_image,
    digit_from_json,
)
from skmnist.serve._model import ServedModel

_STATIC = files("skmnist.serve") / "static"

# The page loads nothing from elsewhere; inline scripts and styles are off.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def create_app(model, *, test_accuracy=None):
    """Build the ASGI application that serves ``model``.

    ``GET /`` is the page to draw a digit on (or drop a picture) and see the
    answer; ``POST /api/predict`` takes a picture file or JSON
    ``{"pixels": [...]}`` or ``{"drawing": [[...], ...]}`` and answers
    ``{"label": ..., "probabilities": {"0": ..., ...}, "image": [[...]]}``
    (with ``?explain=1``, also ``"explanation"``: the pixel attributions of
    the prediction against the runner-up);
    ``GET /api/model`` is the model card and ``GET /healthz`` says
    ``{"status": "ok"}``. A bad request gets a 4xx status and
    ``{"error": "..."}`` saying what was wrong. :ref:`serve_api` has details.

    Parameters
    ----------
    model : MNISTDenseClassifier or Pipeline
        A fitted model that takes 28x28 images (or 784-pixel rows) with
        intensities 0..255, such as :func:`~skmnist.load_model` returns for
        a model saved by ``skmnist train``.

    test_accuracy : float or None, default=None
        Test accuracy to show in the model card.

    Returns
    -------
    app : starlette.applications.Starlette
        The ASGI application; run it with uvicorn, or test it with
        :class:`starlette.testclient.TestClient`.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the model is not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from starlette.testclient import TestClient
    >>> from skmnist.serve import create_app
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randint(0, 256, size=(20, 784)), np.arange(20) % 10
    >>> client = TestClient(create_app(LogisticRegression().fit(X, y)))
    >>> client.get("/healthz").json()
    {'status': 'ok'}
    >>> client.post("/api/predict", json={"pixels": X[3].tolist()}).json()["label"]
    3
    >>> client.post("/api/predict", json={"pixels": [1, 2]}).json()["error"]
    '"pixels" must be 28x28 (nested) or 784 flat values; got shape (2,).'
    """
    handlers = {
        RequestError: _request_error,
        HTTPException: _http_error,
        Exception: _server_error,
    }
    served = ServedModel(model, test_accuracy=test_accuracy)
    return Starlette(routes=_routes(served), exception_handlers=handlers)


def _routes(served):
    """The app's routes, answering with ``served`` (a :class:`ServedModel`)."""

    async def predict(request):
        kind = content_kind(request.headers.get("content-type"))
        explain = _explain_flag(request, served)
        body = await _read_body(request)
        to_digit = digit_from_image if kind == "image" else digit_from_json

        def answer():
            return served.predict(to_digit(body), explain=explain)

        return JSONResponse(await run_in_threadpool(answer))

    async def model_card(request):
        return JSONResponse(served.card)

    async def healthz(request):
        return JSONResponse({"status": "ok"})

    async def page(request):
        return FileResponse(_STATIC / "index.html", headers=_PAGE_HEADERS)

    async def favicon(request):
        return FileResponse(_STATIC / "favicon.svg", media_type="image/svg+xml")

    return [
        Route("/", page),
        Route("/favicon.ico", favicon),
        Route("/api/predict", predict, methods=["POST"]),
        Route("/api/model", model_card),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=str(_STATIC)), name="static"),
    ]


#: The most bytes of a request body read before answering: a body over
#: ``MAX_BODY_BYTES`` is read to its end (and dropped) up to this bound before
#: the 413 goes out. Clients such as urllib and requests send the whole body
#: before they read the answer; a server that closes while the body still
#: arrives makes their side see "Connection reset by peer", never the 413.
#: Past this bound the server stops reading, whatever the client then sees.
MAX_DRAIN_BYTES = 64 * 2**20


def _explain_flag(request, served):
    """``?explain=1`` (or ``true``): whether to add the explanation; else 400."""
    value = request.query_params.get("explain", "0").strip().lower()
    if value not in ("0", "1", "false", "true", ""):
        raise RequestError(400, f"explain must be 0 or 1; got {value!r}.")
    explain = value in ("1", "true")
    if explain and not served.explainable:
        raise RequestError(
            400,
            "explain=1 needs an MNISTDenseClassifier or a Pipeline ending in "
            f"one; this model is a {served.card['estimator']}.",
        )
    return explain


async def _read_body(request):
    """The request body, or 413 when it is over ``MAX_BODY_BYTES``.

    A body declared too large is not read when the client waits for
    ``100 Continue`` (curl does: it reads the 413 instead of sending) or when
    it is over ``MAX_DRAIN_BYTES``; any other too-large body is read to its
    end, a chunk at a time and none kept, so the client reads the 413.
    """
    too_large = RequestError(
        413, f"The body is larger than {MAX_BODY_BYTES // 2**20} MB."
    )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        waits = request.headers.get("expect", "").lower() == "100-continue"
        if waits or int(length) > MAX_DRAIN_BYTES:
            raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        elif size > MAX_DRAIN_BYTES:
            break
    if size > MAX_BODY_BYTES:
        raise too_large
    return b"".join(chunks)


async def _request_error(request, exc):
    return JSONResponse({"error": exc.message}, status_code=exc.status)


async def _http_error(request, exc):
    messages = {
        404: f"No such page or API: {request.url.path}.",
        405: f"{request.method} is not allowed on {request.url.path}.",
    }
    message = messages.get(exc.status_code, exc.detail)
    return JSONResponse(
        {"error": message}, status_code=exc.status_code, headers=exc.headers
    )


async def _server_error(request, exc):
    return JSONResponse(
        {"error": f"Internal error ({type(exc).__name__}); see the server log."},
        status_code=500,
    )
