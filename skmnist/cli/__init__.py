"""The ``skmnist`` command line: train, evaluate, predict, search, export, serve.

One module per command holds its parser (``add_parser``) and its body
(``run``); :mod:`skmnist.cli._shared` holds what several commands share. Only
argparse is imported up front, so ``skmnist --help`` answers at once; each
command imports scikit-learn and TensorFlow when it runs.
"""

import sys

from skmnist.cli import _evaluate, _export, _predict, _search, _serve, _train
from skmnist.cli._shared import Parser, UsageError

__all__ = ["main"]

# In the order ``skmnist --help`` lists them.
_COMMANDS = (_train, _evaluate, _predict, _search, _export, _serve)


def _build_parser():
    parser = Parser(
        prog="skmnist",
        description="Train, evaluate and use the MNIST dense network "
        "(scikit-learn + Keras).",
    )
    from skmnist import __version__

    parser.add_argument("--version", action="version", version=f"skmnist {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=Parser
    )
    for command in _COMMANDS:
        command.add_parser(commands)
    return parser


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
