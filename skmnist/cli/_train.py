"""``skmnist train``: fit a pipeline, evaluate it on the test set, save both."""

import sys

from skmnist.cli._shared import (
    add_model_options,
    add_out,
    classifier_params,
    load,
    positive_int,
    write_report,
)


def _dataset_name(text):
    import argparse

    from skmnist.datasets._registry import get_dataset

    try:
        return get_dataset(text).name
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(commands):
    """Add ``train`` to the subparsers ``commands``."""
    train = commands.add_parser(
        "train",
        help="fit on MNIST, evaluate on the test set, write a report",
        description="Fit make_mnist_pipeline() on the 60,000 training images, "
        "evaluate on the 10,000 test images, and write the model, metrics, "
        "figures and an HTML report to --out.",
    )
    # No default preset: without --preset, the data set's applies.
    add_model_options(train, preset_default=None)
    train.add_argument(
        "--epochs",
        type=positive_int,
        help="maximum passes over the training data (default: 20)",
    )
    train.add_argument(
        "--batch-size",
        type=positive_int,
        help="samples per gradient step (default: 128)",
    )
    train.add_argument(
        "--dataset",
        type=_dataset_name,
        default="mnist",
        help="mnist (default), fashion-mnist, kmnist, or emnist-SPLIT with SPLIT "
        "digits, letters, balanced, bymerge, byclass or mnist; the report "
        "uses its class names, and without --preset its preset applies",
    )
    train.add_argument(
        "--no-early-stopping",
        action="store_true",
        help="train all epochs on all training images (by default "
        "10%% is held out for validation curves and early stopping)",
    )
    add_out(train, "skmnist-report")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=run)


def run(args):
    """Fit, evaluate and save as the parsed ``args`` say."""
    from time import perf_counter

    from skmnist.persistence import save_model
    from skmnist.pipeline import make_mnist_pipeline, preset_for_dataset

    params = classifier_params(args)
    if args.epochs is not None:
        params["epochs"] = args.epochs
    if args.batch_size is not None:
        params["batch_size"] = args.batch_size
    # Keras' live progress bar on a terminal, one line per epoch in a log.
    verbose = 0 if args.quiet else (1 if sys.stdout.isatty() else 2)
    params.update(early_stopping=not args.no_early_stopping, verbose=verbose)
    preset = args.preset or preset_for_dataset(args.dataset)
    model = make_mnist_pipeline(preset, **params)
    # Validate the parameters before reading 47 MB of images.
    model[-1]._validate_params()
    train = load(args.dataset, "train", args)
    test = load(args.dataset, "test", args)
    start = perf_counter()
    model.fit(train.images, train.target)
    fit_time = perf_counter() - start
    print(f"Fitted in {fit_time:.1f} s ({model[-1].n_iter_} epochs).")
    _, written = write_report(model, test, args.out, fit_time=fit_time)
    model_dir = save_model(model, args.out / "model")
    print(f"Model saved to {model_dir}")
    print(f"Report written to {written.get('report.html', args.out)}")
