"""``skmnist export``: write a saved model in a format other runtimes load."""

from pathlib import Path

# Formats ``--format`` accepts; argparse names any other value in its error.
FORMATS = ("onnx",)


def add_parser(commands):
    """Add ``export`` to the subparsers ``commands``."""
    export = commands.add_parser(
        "export",
        help="export a saved model to ONNX",
        description="Convert a model saved by 'skmnist train' (or save_model) to "
        "ONNX with skl2onnx. The ONNX model's input 'X' is float32 rows "
        "(N, 784) of raw pixels 0..255; its outputs are 'label' (N,) and "
        "'probabilities' (N, n_classes). Needs pip install \"skmnist[onnx]\".",
    )
    export.add_argument("model", type=Path, metavar="MODEL", help="model folder")
    export.add_argument(
        "--format",
        choices=FORMATS,
        default="onnx",
        help="output format (default: onnx)",
    )
    export.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="FILE",
        help="file to write (e.g. model.onnx); written atomically",
    )
    export.set_defaults(run=run)


def run(args):
    """Convert the model ``args.model`` and write it to ``args.output``."""
    from skmnist.onnx import to_onnx
    from skmnist.persistence import load_model

    onnx_model = to_onnx(load_model(args.model), path=args.output)
    (graph_input,) = onnx_model.graph.input
    dims = [d.dim_value or "N" for d in graph_input.type.tensor_type.shape.dim]
    # The default domain's opset (skl2onnx may list ai.onnx.ml first).
    opset = next(
        o.version for o in onnx_model.opset_import if o.domain in ("", "ai.onnx")
    )
    print(
        f"Wrote {args.output} (ONNX opset {opset}; input {graph_input.name!r}: "
        f"float32 {tuple(dims)}, raw pixels 0..255)."
    )
