"""``skmnist search``: grid-search epochs and batch size with cross-validation."""

from contextlib import contextmanager

from skmnist.cli._shared import (
    UsageError,
    add_model_options,
    add_out,
    classifier_params,
    int_list,
    load,
    positive_int,
)

# Seconds to wait for a Dask scheduler to answer before giving up.
_SCHEDULER_TIMEOUT = 10


def add_parser(commands):
    """Add ``search`` to the subparsers ``commands``."""
    search = commands.add_parser(
        "search",
        help="grid-search epochs and batch size with cross-validation",
        description="GridSearchCV over --epochs x --batch-size on the training "
        "set; writes cv_results.csv and a heatmap of the mean test score.",
    )
    search.add_argument(
        "--epochs",
        type=int_list,
        default=[5, 10],
        metavar="LIST",
        help="epochs to try, comma-separated (default: 5,10)",
    )
    search.add_argument(
        "--batch-size",
        type=int_list,
        default=[64, 128],
        metavar="LIST",
        help="batch sizes to try, comma-separated (default: 64,128)",
    )
    add_model_options(search)
    search.add_argument(
        "--cv",
        type=positive_int,
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
        type=positive_int,
        default=None,
        metavar="N",
        help="search on the first N training images only",
    )
    add_out(search, "skmnist-search")
    search.set_defaults(run=run)


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


def run(args):
    """Search, then write ``cv_results.csv`` and ``search_heatmap.png``."""
    import pandas as pd
    from sklearn.model_selection import GridSearchCV

    from skmnist._io import atomic_write
    from skmnist.pipeline import make_mnist_pipeline
    from skmnist.plotting import plot_search_heatmap
    from skmnist.report import _figure_png

    pipe = make_mnist_pipeline(args.preset, **classifier_params(args))
    pipe[-1]._validate_params()
    grid = {
        "mnistdenseclassifier__epochs": args.epochs,
        "mnistdenseclassifier__batch_size": args.batch_size,
    }
    # Connect to the scheduler, if any, before reading 47 MB of images.
    with _parallel_backend(args.scheduler):
        train = load("mnist", "train", args)
        X, y = train.images, train.target
        if args.max_samples is not None:
            X, y = X[: args.max_samples], y[: args.max_samples]
        search = GridSearchCV(pipe, grid, cv=args.cv, n_jobs=args.n_jobs, verbose=1)
        search.fit(X, y)
    results = pd.DataFrame(search.cv_results_)
    args.out.mkdir(parents=True, exist_ok=True)
    csv_path = args.out / "cv_results.csv"
    atomic_write(csv_path, results.to_csv(index=False))
    ax = plot_search_heatmap(
        search.cv_results_,
        "mnistdenseclassifier__batch_size",
        "mnistdenseclassifier__epochs",
    )
    png_path = args.out / "search_heatmap.png"
    atomic_write(png_path, _figure_png(ax.figure))
    import matplotlib.pyplot as plt

    plt.close(ax.figure)
    best = {k.split("__")[-1]: v for k, v in search.best_params_.items()}
    print(f"Best: {best} with mean CV accuracy {search.best_score_:.4f}")
    print(f"Wrote {csv_path} and {png_path}")
