"""What several ``skmnist`` commands share: argument types, options, data, report.

Only argparse and the standard library are imported here; the helpers that
read data or write a report import scikit-learn when they run, so that
``skmnist --help`` answers at once.
"""

import argparse
from collections.abc import Sequence
from pathlib import Path


class UsageError(Exception):
    """A bad command line, reported in one line with exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` (no exit)."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


class LazyChoices(Sequence):
    """The choices of an option, read from their one source when first needed.

    ``source`` is a function returning the choices (``list(PRESETS)``, ...); it
    is called when argparse checks a value or formats the help, not when the
    parser is built, so building it imports nothing heavy. Give the option a
    ``metavar``: without one argparse lists the choices while adding it.
    """

    def __init__(self, source):
        self._source = source

    def _choices(self):
        return list(self._source())

    def __getitem__(self, index):
        return self._choices()[index]

    def __len__(self):
        return len(self._choices())


def _preset_names():
    from skmnist.pipeline import PRESETS

    return PRESETS


def _schedules():
    from skmnist import MNISTDenseClassifier

    (options,) = MNISTDenseClassifier._parameter_constraints["learning_rate_schedule"]
    return sorted(options.options)


def _checked(convert, accept, expected):
    """An argparse type: ``convert(text)``, refused unless ``accept`` holds."""

    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


positive_int = _checked(int, lambda value: value >= 1, "a positive integer")
_fraction = _checked(float, lambda value: 0 <= value < 1, "a number in [0, 1)")
_positive_float = _checked(
    float, lambda value: 0 < value < float("inf"), "a positive number"
)


def int_list(text):
    try:
        values = [positive_int(part.strip()) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers such as 256,128; got {text!r}"
        ) from None
    return values


def add_model_options(parser, *, preset_default="default"):
    """The options of the pipeline that ``train`` and ``search`` both build.

    Their defaults are None: the preset's (or the classifier's) value
    applies. ``train`` adds ``--epochs`` and ``--batch-size`` itself, and
    ``search`` adds its lists of them.
    """
    default = preset_default or "the preset of the --dataset"
    parser.add_argument(
        "--preset",
        choices=LazyChoices(_preset_names),
        default=preset_default,
        metavar="NAME",
        help="named configuration of make_mnist_pipeline (skmnist.pipeline."
        "PRESETS): %(choices)s; their accuracies and fit times are in the "
        f"README (default: {default})",
    )
    parser.add_argument(
        "--hidden",
        type=int_list,
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
        choices=LazyChoices(_schedules),
        metavar="NAME",
        help="learning-rate schedule: %(choices)s (default: cosine)",
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
    add_no_download(parser)


def add_out(parser, default):
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(default),
        metavar="DIR",
        help=f"output folder (default: ./{default})",
    )


def add_no_download(parser):
    parser.add_argument(
        "--no-download",
        action="store_true",
        help="fail instead of downloading missing MNIST files",
    )


def classifier_params(args):
    """The classifier parameters :func:`add_model_options` parsed (None: preset's)."""
    params = {
        "hidden_layer_sizes": None if args.hidden is None else tuple(args.hidden),
        "dropout": args.dropout,
        "learning_rate": args.learning_rate,
        "learning_rate_schedule": args.schedule,
        "random_state": args.random_state,
    }
    params = {key: value for key, value in params.items() if value is not None}
    if args.augment:
        from skmnist.augmentation import RandomDistortion

        params["augmentation"] = RandomDistortion()
    return params


def load(name, subset, args):
    """The ``subset`` of data set ``name`` from ``--data-home`` (``--no-download``)."""
    from skmnist.datasets._loaders import load_by_name

    return load_by_name(
        name,
        subset,
        class_names=name != "mnist",
        data_home=args.data_home,
        download=not args.no_download,
    )


def write_report(model, test, out, *, fit_time=None):
    """Evaluate ``model`` on ``test``, print the figures, save the report to ``out``."""
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
    return report, save_report(report, out, estimator=model)
