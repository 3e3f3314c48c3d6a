"""The ``skmnist`` command line: train, evaluate, predict, search, export, serve.

Only argparse is imported up front, so ``skmnist --help`` answers at once;
each command imports scikit-learn and TensorFlow when it runs.
"""

import argparse
import os
import sys
from pathlib import Path

from skmnist import _commands
from skmnist._commands import UsageError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


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
    _add_network_options(parser, grid=grid)
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


def _add_network_options(parser, *, grid):
    """The classifier's options (defaults None: the preset's value applies)."""
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


def _add_out(parser, default):
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(default),
        metavar="DIR",
        help=f"output folder (default: ./{default})",
    )


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
    _add_train_command(commands)
    _add_evaluate_command(commands)
    _add_predict_command(commands)
    _add_search_command(commands)
    from skmnist._export import add_export_command

    add_export_command(commands)
    _add_serve_command(commands)
    return parser


def _add_train_command(commands):
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
    _add_out(train, "skmnist-report")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=_commands._train)


def _add_evaluate_command(commands):
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
    _add_out(evaluate, "skmnist-report")
    evaluate.set_defaults(run=_commands._evaluate)


def _add_predict_command(commands):
    predict = commands.add_parser(
        "predict",
        help="predict digits in image files or arrays",
        description="Predict the digit in each file: PNG/JPEG/... pictures of one "
        "digit (any size; converted the MNIST way), or .npy/.csv arrays of "
        "28x28 images or 784-pixel rows with intensities 0..255.",
    )
    predict.add_argument("model", type=Path, metavar="MODEL", help="model folder")
    predict.add_argument("files", type=Path, nargs="+", metavar="FILE")
    predict.set_defaults(run=_commands._predict)


def _add_search_command(commands):
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
    _add_out(search, "skmnist-search")
    search.set_defaults(run=_commands._search)


def _add_serve_command(commands):
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
    serve.set_defaults(run=_commands._serve)


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
    except UsageError as exc:
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
