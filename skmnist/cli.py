"""The ``skmnist`` command line: train, evaluate, predict, search, export, serve.

Only argparse is imported up front, so ``skmnist --help`` answers at once;
each command imports scikit-learn and TensorFlow when it runs.
"""

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

__all__ = ["main"]


class _UsageError(Exception):
    """A bad command line, reported in one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(f"{self.prog}: {message}")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _int_list(text):
    try:
        values = [_positive_int(part.strip()) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as 256,128; got {text!r}"
        ) from None
    return values


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _dataset_name(text):
    from skmnist.datasets._registry import get_dataset

    try:
        return get_dataset(text).name
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_model_options(parser, *, grid=False):
    # Defaults are None: the preset's (or the classifier's) value applies.
    parser.add_argument(
        "--preset",
        choices=["default", "fashion-mnist", "best-dense"],
        default="default",
        help="named configuration of make_mnist_pipeline: 'best-dense' is "
        "a 1024-1024 network trained 100 epochs on distorted images: "
        "99.45%% test accuracy in 10.7 minutes on 2 cores with KERAS_BACKEND=jax, "
        "99.41%% in 16 minutes with TensorFlow (default: default)",
    )
    if not grid:
        parser.add_argument(
            "--epochs",
            type=_positive_int,
            help="maximum passes over the training data (default: 20)",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive_int,
            help="samples per gradient step (default: 128)",
        )
    parser.add_argument(
        "--hidden",
        type=_int_list,
        metavar="SIZES",
        help="hidden layer sizes, comma-separated (default: 256,128)",
    )
    parser.add_argument(
        "--dropout",
        type=_fraction,
        help="dropout after each hidden layer (default: 0.2, the default preset's)",
    )
    parser.add_argument(
        "--learning-rate",
        type=_positive_float,
        metavar="LR",
        help="Adam's (initial) learning rate (default: 0.001)",
    )
    parser.add_argument(
        "--schedule",
        choices=["constant", "cosine", "adaptive"],
        help="learning-rate schedule (default: cosine)",
    )
    parser.add_argument(
        "--augment",
        action="store_true",
        help="train on randomly shifted, rotated, scaled and elastically "
        "distorted images (skmnist.augmentation.RandomDistortion's defaults)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="N",
        help="seed for reproducible results (default: 0)",
    )
    parser.add_argument(
        "--data-home",
        metavar="DIR",
        help="folder with the MNIST files (default: $SKMNIST_DATA, "
        "else scikit-learn's data home; downloaded if missing)",
    )
    _add_no_download(parser)


def _add_no_download(parser):
    parser.add_argument(
        "--no-download",
        action="store_true",
        help="fail instead of downloading missing MNIST files",
    )


def _build_parser():
    parser = _Parser(
        prog="skmnist",
        description="Train, evaluate and use the MNIST dense network "
        "(scikit-learn + Keras).",
    )
    from skmnist import __version__

    parser.add_argument("--version", action="version", version=f"skmnist {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )

    train = commands.add_parser(
        "train",
        help="fit on MNIST, evaluate on the test set, write a report",
        description="Fit make_mnist_pipeline() on the 60,000 training images, "
        "evaluate on the 10,000 test images, and write the model, metrics, "
        "figures and an HTML report to --out.",
    )
    _add_model_options(train)
    train.add_argument(
        "--dataset",
        type=_dataset_name,
        default="mnist",
        help="mnist (default), fashion-mnist, kmnist, or emnist-SPLIT with SPLIT "
        "digits, letters, balanced, bymerge, byclass or mnist; the report "
        "uses its class names, and without --preset its preset applies",
    )
    train.set_defaults(preset=None)
    train.add_argument(
        "--no-early-stopping",
        action="store_true",
        help="train all epochs on all training images (by default "
        "10%% is held out for validation curves and early stopping)",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=Path("skmnist-report"),
        metavar="DIR",
        help="output folder (default: ./skmnist-report)",
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=_train)

    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate a saved model on the MNIST test set",
        description="Evaluate a model saved by 'skmnist train' on the 10,000 "
        "test images and write the report to --out.",
    )
    evaluate.add_argument(
        "model",
        type=Path,
        metavar="MODEL",
        help="model folder (e.g. skmnist-report/model)",
    )
    evaluate.add_argument(
        "--data-home", metavar="DIR", help="folder with the MNIST files"
    )
    _add_no_download(evaluate)
    evaluate.add_argument(
        "--out",
        type=Path,
        default=Path("skmnist-report"),
        metavar="DIR",
        help="output folder (default: ./skmnist-report)",
    )
    evaluate.set_defaults(run=_evaluate)

    predict = commands.add_parser(
        "predict",
        help="predict digits in image files or arrays",
        description="Predict the digit in each file: PNG/JPEG/... pictures of one "
        "digit (any size; converted the MNIST way), or .npy/.csv arrays of "
        "28x28 images or 784-pixel rows with intensities 0..255.",
    )
    predict.add_argument("model", type=Path, metavar="MODEL", help="model folder")
    predict.add_argument("files", type=Path, nargs="+", metavar="FILE")
    predict.set_defaults(run=_predict)

    search = commands.add_parser(
        "search",
        help="grid-search epochs and batch size with cross-validation",
        description="GridSearchCV over --epochs x --batch-size on the training "
        "set; writes cv_results.csv and a heatmap of the mean test score.",
    )
    search.add_argument(
        "--epochs",
        type=_int_list,
        default=[5, 10],
        metavar="LIST",
        help="epochs to try, comma-separated (default: 5,10)",
    )
    search.add_argument(
        "--batch-size",
        type=_int_list,
        default=[64, 128],
        metavar="LIST",
        help="batch sizes to try, comma-separated (default: 64,128)",
    )
    _add_model_options(search, grid=True)
    search.add_argument(
        "--cv",
        type=_positive_int,
        default=3,
        help="cross-validation folds (default: 3)",
    )
    search.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        metavar="N",
        help="parallel fits (default: 1; -1 for all cores)",
    )
    search.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the fits on the Dask cluster whose scheduler is at ADDRESS "
        "(such as tcp://host:8786), through joblib's Dask backend; needs "
        'pip install "skmnist[dask]"',
    )
    search.add_argument(
        "--max-samples",
        type=_positive_int,
        default=None,
        metavar="N",
        help="search on the first N training images only",
    )
    search.add_argument(
        "--out",
        type=Path,
        default=Path("skmnist-search"),
        metavar="DIR",
        help="output folder (default: ./skmnist-search)",
    )
    search.set_defaults(run=_search)

    from skmnist._export import add_export_command

    add_export_command(commands)

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
    serve.set_defaults(run=_serve)
    return parser


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
    written = save_report(report, out)
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
        raise _UsageError(
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


def main(argv=None):
    """Run the ``skmnist`` command line.

    Parameters
    ----------
    argv : list of str or None, default=None
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 1 on an error, 2 on a bad command line, 130 when
        interrupted.
    """
    # TensorFlow's C++ start-up chatter (CUDA probing, ...) is not for users.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        args.run(args)
    except _UsageError as exc:
        print(f"{exc} (see 'skmnist --help')", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skmnist: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError, ImportError) as exc:
        message = " ".join(str(exc).split())
        print(f"skmnist: error: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
