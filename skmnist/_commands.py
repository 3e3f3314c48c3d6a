"""What each ``skmnist`` command does, once :mod:`skmnist.cli` has parsed it.

One function per command (``_train``, ``_evaluate``, ``_predict``, ``_search``,
``_serve``) and their helpers. Each imports scikit-learn, the data loaders or
the training engine only when it runs, so that ``skmnist --help`` stays fast.
"""

import sys
from contextlib import contextmanager


class UsageError(Exception):
    """A bad command line, reported in one line with exit status 2."""


def _serve(args):
    from skmnist.serve._command import serve

    serve(args.model, host=args.host, port=args.port)


def _classifier_params(args):
    """The classifier parameters given on the command line (others: preset's)."""
    params = {
        "hidden_layer_sizes": None if args.hidden is None else tuple(args.hidden),
        "dropout": args.dropout,
        "learning_rate": args.learning_rate,
        "learning_rate_schedule": args.schedule,
        "random_state": args.random_state,
    }
    if hasattr(args, "batch_size") and not isinstance(args.batch_size, list):
        params.update(epochs=args.epochs, batch_size=args.batch_size)
    params = {key: value for key, value in params.items() if value is not None}
    if args.augment:
        from skmnist.augmentation import RandomDistortion

        params["augmentation"] = RandomDistortion()
    return params


def _load(subset, args):
    from skmnist.datasets._family import load_by_name

    name = getattr(args, "dataset", "mnist")
    return load_by_name(
        name,
        subset,
        class_names=name != "mnist",
        data_home=args.data_home,
        download=not args.no_download,
    )


def _write_report(model, test, out, *, fit_time=None):
    from skmnist.evaluation import EvaluationReport
    from skmnist.report import save_report

    report = EvaluationReport.from_estimator(
        model,
        test.images,
        test.target,
        images=test.images,
        fit_time=fit_time,
        params=model[-1].get_params()
        if hasattr(model, "steps")
        else model.get_params(),
    )
    print(
        f"Test accuracy: {report.accuracy:.4f} "
        f"({report.to_dict()['n_errors']} errors in {len(test.target)} images)"
    )
    print(report.classification_report)
    written = save_report(report, out, estimator=model)
    return report, written


def _train(args):
    from time import perf_counter

    from skmnist.persistence import save_model
    from skmnist.pipeline import make_mnist_pipeline, preset_for_dataset

    params = _classifier_params(args)
    # Keras' live progress bar on a terminal, one line per epoch in a log.
    verbose = 0 if args.quiet else (1 if sys.stdout.isatty() else 2)
    params.update(early_stopping=not args.no_early_stopping, verbose=verbose)
    preset = args.preset or preset_for_dataset(args.dataset)
    model = make_mnist_pipeline(preset, **params)
    # Validate the parameters before reading 47 MB of images.
    model[-1]._validate_params()
    train = _load("train", args)
    test = _load("test", args)
    start = perf_counter()
    model.fit(train.images, train.target)
    fit_time = perf_counter() - start
    print(f"Fitted in {fit_time:.1f} s ({model[-1].n_iter_} epochs).")
    _, written = _write_report(model, test, args.out, fit_time=fit_time)
    model_dir = save_model(model, args.out / "model")
    print(f"Model saved to {model_dir}")
    print(f"Report written to {written.get('report.html', args.out)}")


def _evaluate(args):
    from skmnist.persistence import load_model

    # The data first: a missing file fails before the model is read.
    test = _load("test", args)
    model = load_model(args.model)
    _, written = _write_report(model, test, args.out)
    print(f"Report written to {written.get('report.html', args.out)}")


def _read_inputs(path):
    """Images ``(n, 28, 28)`` uint8 from a picture, .npy or .csv file."""
    import numpy as np

    suffix = path.suffix.lower()
    if suffix not in (".npy", ".csv"):
        from skmnist.images import load_digit_image

        return load_digit_image(path)[None]
    if not path.is_file():
        raise OSError(f"{path}: no such file.")
    try:
        if suffix == ".npy":
            array = np.load(path, allow_pickle=False)
        else:
            with open(path, encoding="utf-8") as f:
                first = f.readline()
            skip = 0 if first.replace(",", "").replace(".", "").strip().isdigit() else 1
            array = np.loadtxt(path, delimiter=",", skiprows=skip, ndmin=2)
    except (ValueError, UnicodeDecodeError, EOFError) as exc:
        raise ValueError(
            f"{path}: not a readable {suffix[1:]} array ({exc})."
        ) from None
    if array.dtype.kind not in "biuf":
        raise ValueError(
            f"{path}: expected numbers, got an array of dtype {array.dtype}."
        )
    if array.shape == (28, 28) or array.shape == (784,):
        array = array[None]
    if array.ndim == 2 and array.shape[1] == 784:
        array = array.reshape(-1, 28, 28)
    if array.ndim != 3 or array.shape[1:] != (28, 28) or len(array) == 0:
        raise ValueError(
            f"{path}: expected 28x28 images or rows of 784 pixels, got an array of "
            f"shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{path}: the array contains NaN or infinite values.")
    if array.dtype.kind == "f" and array.max() <= 1:
        array = array * 255  # already scaled to [0, 1]
    if array.min() < 0 or array.max() > 255:
        raise ValueError(f"{path}: pixel values must lie in 0..255.")
    return array.astype(np.uint8)


def _predict(args):
    import numpy as np

    from skmnist.persistence import load_model

    # The inputs first: a missing or unreadable file fails before the model
    # is read. Models fitted on images or on rows take either.
    inputs = [(path, _read_inputs(path)) for path in args.files]
    model = load_model(args.model)
    for path, images in inputs:
        proba = model.predict_proba(images)
        best = np.argmax(proba, axis=1)
        labels = model.classes_[best]
        for i, (label, p) in enumerate(zip(labels, proba[np.arange(len(best)), best])):
            name = f"{path}[{i}]" if len(images) > 1 else str(path)
            print(f"{name}: {label} (probability {p:.3f})")


# Seconds to wait for a Dask scheduler to answer before giving up.
_SCHEDULER_TIMEOUT = 10


@contextmanager
def _parallel_backend(address):
    """joblib's Dask backend on the scheduler at ``address``; nothing if None."""
    if address is None:
        yield
        return
    try:
        from distributed import Client
        from distributed.comm import get_address_host_port
    except ImportError:
        raise ImportError(
            "--scheduler needs Dask's distributed scheduler, which is not "
            'installed: pip install "skmnist[dask]"'
        ) from None
    import joblib

    # Checked before making a Client: one that fails on a malformed address
    # stalls the interpreter's exit for 2 x the timeout.
    try:
        get_address_host_port(address)
    except ValueError as exc:
        raise UsageError(
            f"skmnist search: argument --scheduler: {exc}; expected an address "
            "such as tcp://host:8786"
        ) from None
    try:
        client = Client(address, timeout=_SCHEDULER_TIMEOUT, set_as_default=False)
    except OSError as exc:  # no scheduler answered (Dask says where and how long)
        raise OSError(
            f"cannot connect to the Dask scheduler at {address}: {exc}"
        ) from None
    with client, joblib.parallel_backend("dask", client=client):
        n_workers = len(client.nthreads())
        print(f"Searching on the Dask cluster at {address} ({n_workers} workers).")
        yield


def _search(args):
    import pandas as pd
    from sklearn.model_selection import GridSearchCV

    from skmnist._io import atomic_write as _atomic_write
    from skmnist.pipeline import make_mnist_pipeline
    from skmnist.plotting import plot_search_heatmap
    from skmnist.report import _figure_png

    pipe = make_mnist_pipeline(args.preset, **_classifier_params(args))
    pipe[-1]._validate_params()
    grid = {
        "mnistdenseclassifier__epochs": args.epochs,
        "mnistdenseclassifier__batch_size": args.batch_size,
    }
    # Connect to the scheduler, if any, before reading 47 MB of images.
    with _parallel_backend(args.scheduler):
        train = _load("train", args)
        X, y = train.images, train.target
        if args.max_samples is not None:
            X, y = X[: args.max_samples], y[: args.max_samples]
        search = GridSearchCV(pipe, grid, cv=args.cv, n_jobs=args.n_jobs, verbose=1)
        search.fit(X, y)
    results = pd.DataFrame(search.cv_results_)
    args.out.mkdir(parents=True, exist_ok=True)
    csv_path = args.out / "cv_results.csv"
    _atomic_write(csv_path, results.to_csv(index=False))
    ax = plot_search_heatmap(
        search.cv_results_,
        "mnistdenseclassifier__batch_size",
        "mnistdenseclassifier__epochs",
    )
    png_path = args.out / "search_heatmap.png"
    _atomic_write(png_path, _figure_png(ax.figure))
    import matplotlib.pyplot as plt

    plt.close(ax.figure)
    best = {k.split("__")[-1]: v for k, v in search.best_params_.items()}
    print(f"Best: {best} with mean CV accuracy {search.best_score_:.4f}")
    print(f"Wrote {csv_path} and {png_path}")
