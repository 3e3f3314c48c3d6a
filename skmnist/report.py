"""Write an evaluation report to a folder: JSON, text, PNG figures, one HTML page.

:func:`save_report` is the one place that joins :mod:`skmnist.evaluation`
(the numbers) and :mod:`skmnist.plotting` (the figures); neither of them
imports this module.
"""

import base64
import html
import io
import json
import os

from skmnist._io import atomic_write as _atomic_write
from skmnist.evaluation import EvaluationReport
from skmnist.inspection import explainable
from skmnist.plotting import (
    AttributionDisplay,
    LossCurveDisplay,
    plot_confusion_matrix,
    plot_misclassified,
    plot_sample_predictions,
)
from skmnist.plotting._base import new_figure, without_pyplot

__all__ = ["save_report"]

# Resolution of the PNG figures.
_DPI = 110

# Captions of the figures, in page order.
_CAPTIONS = {
    "confusion_matrix": "Confusion matrix (rows: true label)",
    "learning_curves": "Learning curves",
    "sample_predictions": "Sample predictions (errors in red)",
    "misclassified": "Misclassified digits, most confident first",
    "attributions": "The most confident errors, explained: integrated gradients "
    "toward the predicted class and toward the true class (red raises the "
    "class's score, blue lowers it)",
}

#: Errors explained in the ``attributions`` figure.
_N_EXPLAINED = 8

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>skmnist evaluation: accuracy {accuracy:.4f}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial,
  sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
  color: #222; line-height: 1.45; }}
h1 {{ margin-bottom: 0.2em; }}
h2 {{ border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.6em; }}
.headline {{ font-size: 1.3em; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.7em; text-align: left; }}
th {{ background: #f2f2f2; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
tbody tr:nth-child(even) {{ background: #fafafa; }}
figure {{ margin: 1.5em 0; }}
img {{ max-width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ color: #555; font-size: 0.9em; }}
pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; }}
</style>
</head>
<body>
<h1>skmnist evaluation report</h1>
{body}
</body>
</html>
"""


def _figure_png(fig):
    """Render a matplotlib figure to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, facecolor="white")
    return buffer.getvalue()


def _figures(report, estimator=None):
    """Draw the report's figures as bare Figures (pyplot never sees them).

    Returns a dict of name to Figure: ``confusion_matrix``, then
    ``learning_curves`` with a history, ``sample_predictions`` and
    ``misclassified`` with images, and ``attributions`` with images, errors
    and an `estimator` that :func:`~skmnist.inspection.pixel_attributions`
    takes.
    """
    figures = {}
    with without_pyplot():
        ax = new_figure(figsize=(7, 6)).add_subplot()
        figures["confusion_matrix"] = plot_confusion_matrix(
            report=report, ax=ax
        ).figure_
        if report.history:
            figures["learning_curves"] = LossCurveDisplay(report.history).plot().figure_
        if report.images is not None:
            figures["sample_predictions"] = plot_sample_predictions(report=report)
            figures["misclassified"] = plot_misclassified(report=report)
            if estimator is not None and report.n_errors and explainable(estimator):
                figures["attributions"] = AttributionDisplay.from_estimator(
                    estimator,
                    report.images,
                    report.y_true,
                    versus="true",
                    select="misclassified",
                    n_images=_N_EXPLAINED,
                ).figure_
    return figures


def save_report(report, out_dir, *, estimator=None):
    """Write an evaluation report to a folder: JSON, text, PNG figures and HTML.

    Files (each written atomically: a temporary file in `out_dir`, then
    :func:`os.replace`, so a crash never leaves a partial file):

    - ``metrics.json``: :meth:`EvaluationReport.to_dict
      <skmnist.evaluation.EvaluationReport.to_dict>`, indented;
    - ``classification_report.txt``: the report's `classification_report`;
    - ``confusion_matrix.png``;
    - ``learning_curves.png``, when the report has a `history`;
    - ``sample_predictions.png`` (test digits, predicted label and
      probability, errors in red) and ``misclassified.png`` (the errors,
      most confident first), when the report has `images`;
    - ``attributions.png``: the 8 most confident errors beside their
      integrated gradients toward the predicted and the true class
      (:class:`~skmnist.plotting.AttributionDisplay`), when `estimator` is
      given and the report has `images` and errors;
    - ``report.html``: one self-contained page with all of the above, the
      figures embedded as base64 data URIs.

    The figures are drawn without pyplot: nothing is left open.

    Parameters
    ----------
    report : EvaluationReport
        The evaluation to write.

    out_dir : str or path-like
        Folder to write to, created if missing; files there are replaced.

    estimator : MNISTDenseClassifier or Pipeline, default=None
        The fitted model evaluated, taking the report's `images` as input
        (as ``skmnist train`` and ``skmnist evaluate`` pass it): its errors
        are explained in ``attributions.png``. Other models are skipped.

    Returns
    -------
    paths : dict of str to str
        File name (``"metrics.json"``, ...) -> path written.

    Raises
    ------
    TypeError
        If `report` is not an EvaluationReport.

    See Also
    --------
    skmnist.evaluation.EvaluationReport : The evaluation written.

    Examples
    --------
    >>> from skmnist.evaluation import EvaluationReport
    >>> from skmnist.report import save_report
    >>> report = EvaluationReport.from_predictions([0, 1, 1], [0, 1, 0])
    >>> paths = save_report(report, "evaluation")  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['classification_report.txt', 'confusion_matrix.png', 'metrics.json', \
'report.html']
    """
    if not isinstance(report, EvaluationReport):
        raise TypeError(
            f"report must be an EvaluationReport; got {type(report).__name__}."
        )
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    paths = {}

    def write(name, data):
        path = os.path.join(out_dir, name)
        _atomic_write(path, data)
        paths[name] = path

    metrics = report.to_dict()
    write("metrics.json", json.dumps(metrics, indent=2) + "\n")
    write("classification_report.txt", report.classification_report)
    pngs = {}
    figures = _figures(report, estimator)
    try:
        for key, fig in figures.items():
            pngs[key] = _figure_png(fig)
            write(f"{key}.png", pngs[key])
    finally:
        for fig in figures.values():
            fig.clear()
    write("report.html", _html(report, metrics, pngs))
    return paths


def _cell(value):
    """A table cell's text: floats to 4 decimals, dicts and lists as JSON."""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return "" if value is None else str(value)


def _table(header, rows, numeric_from=1):
    """An HTML table; cells from column `numeric_from` on align right."""
    esc = html.escape
    head = "".join(f"<th>{esc(str(h))}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            cls = ' class="num"' if k >= numeric_from else ""
            cells.append(f"<td{cls}>{esc(_cell(cell))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _figure_html(pngs, key):
    """The figure ``key`` as an embedded image with its caption ('' if absent)."""
    if key not in pngs:
        return ""
    data = base64.b64encode(pngs[key]).decode("ascii")
    caption = html.escape(_CAPTIONS[key])
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _metric_rows(metrics):
    """Rows of the per-class table, then the macro and weighted averages."""
    named = [*metrics["per_class"].items()]
    named += [("macro avg", metrics["macro_avg"])]
    named += [("weighted avg", metrics["weighted_avg"])]
    return [
        [name, v["precision"], v["recall"], v["f1"], v["support"]] for name, v in named
    ]


def _html(report, metrics, pngs):
    """The self-contained HTML page (figures as base64 PNG data URIs)."""
    esc = html.escape
    pairs = [
        [p["true"], p["predicted"], p["count"]] for p in metrics["most_confused_pairs"]
    ]
    fit_time = "not recorded" if report.fit_time is None else f"{report.fit_time:.2f} s"
    params = [
        [key, value if isinstance(value, str) else repr(value)]
        for key, value in sorted((metrics["params"] or {}).items())
    ]
    versions = [[k, v or "not installed"] for k, v in metrics["versions"].items()]
    n_right = report.n_samples - report.n_errors
    sections = [
        f'<p class="headline">Accuracy <strong>{report.accuracy:.4f}</strong> '
        f"({report.accuracy:.2%}): {n_right} of {report.n_samples} test samples "
        f"right, {report.n_errors} wrong. Fit time: {esc(fit_time)}.</p>",
        "<h2>Per-class metrics</h2>",
        _table(
            ["label", "precision", "recall", "f1", "support"], _metric_rows(metrics)
        ),
        _figure_html(pngs, "confusion_matrix"),
        "<h2>Most confused pairs</h2>",
        _table(["true", "predicted", "count"], pairs) if pairs else "<p>No errors.</p>",
        _figure_html(pngs, "learning_curves"),
        _figure_html(pngs, "sample_predictions"),
        _figure_html(pngs, "misclassified"),
        _figure_html(pngs, "attributions"),
        "<h2>Classification report</h2>",
        f"<pre>{esc(report.classification_report)}</pre>",
        "<h2>Parameters</h2>",
        _table(["parameter", "value"], params, numeric_from=2)
        if params
        else "<p>Not recorded.</p>",
        "<h2>Versions</h2>",
        _table(["package", "version"], versions, numeric_from=2),
    ]
    body = "\n".join(s for s in sections if s)
    return _PAGE.format(accuracy=report.accuracy, body=body)
