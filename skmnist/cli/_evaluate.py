"""``skmnist evaluate``: a saved model's report on the MNIST test set."""

from pathlib import Path

from skmnist.cli._shared import add_no_download, add_out, load, write_report


def add_parser(commands):
    """Add ``evaluate`` to the subparsers ``commands``."""
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
    add_no_download(evaluate)
    add_out(evaluate, "skmnist-report")
    evaluate.set_defaults(run=run)


def run(args):
    """Evaluate the model ``args.model`` and write the report to ``args.out``."""
    from skmnist.persistence import load_model

    # The data first: a missing file fails before the model is read.
    test = load("mnist", "test", args)
    model = load_model(args.model)
    _, written = write_report(model, test, args.out)
    print(f"Report written to {written.get('report.html', args.out)}")
