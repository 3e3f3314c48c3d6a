"""Sphinx configuration for the skmnist documentation.

Modelled on scikit-learn-contrib/project-template ``doc/conf.py`` and
scikit-learn-contrib/imbalanced-learn ``doc/conf.py``.

Build from this folder with::

    SKMNIST_DATA=/path/to/mnist python -m sphinx -b html . _build/html

Building runs the example gallery (``../examples/plot_*.py``), which loads
MNIST with :func:`skmnist.load_mnist`: either point ``SKMNIST_DATA`` at a
folder holding the four IDX files, or build on a machine with internet access
(the files are then downloaded once into ``sklearn.datasets.get_data_home()``).
Set ``SKMNIST_DOCS_PLOT_GALLERY=0`` to skip running the examples, or
``SKMNIST_EXAMPLES_FAST=1`` to run them on fewer images and epochs (each
example reads it; the CI build sets it).

Cross-references to Python, NumPy, scikit-learn and matplotlib go through
intersphinx. Without network access the inventories cannot be fetched: Sphinx
warns and the build still succeeds (the links are then plain text). Set
``SKMNIST_DOCS_OFFLINE=1`` to skip fetching them, which gives a warning-free
offline build.
"""

import logging
import os
import re
import sys
import warnings
from datetime import date

import skmnist

# -- Project information -----------------------------------------------------

project = "skmnist"
author = "The skmnist developers"
copyright = f"{date.today().year}, {author}"
release = skmnist.__version__
version = ".".join(release.split(".")[:2])

# -- General configuration ---------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_design",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store"]
root_doc = "index"
source_suffix = {".rst": "restructuredtext"}

# Single backticks (`epochs`, `classes_`) render as code, as in scikit-learn.
default_role = "literal"
add_function_parentheses = False

# -- autodoc / autosummary / numpydoc ----------------------------------------

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# numpydoc renders the docstring sections; the class template lists methods.
numpydoc_show_class_members = False

# -- intersphinx -------------------------------------------------------------

intersphinx_mapping = {
    "python": (f"https://docs.python.org/{sys.version_info.major}", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "sklearn": ("https://scikit-learn.org/stable/", None),
    "matplotlib": ("https://matplotlib.org/stable/", None),
    "pandas": ("https://pandas.pydata.org/pandas-docs/stable/", None),
}
# An unreachable inventory is a warning, never an error: keep the wait short.
intersphinx_timeout = 5
if os.environ.get("SKMNIST_DOCS_OFFLINE", "0").lower() not in ("", "0", "false"):
    intersphinx_mapping = {}

# -- sphinx-gallery ----------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": "skmnist",
    "backreferences_dir": "generated",
    "reference_url": {"skmnist": None},
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
}

# Run the examples (``-D plot_gallery=0`` on the command line also skips them).
plot_gallery = os.environ.get("SKMNIST_DOCS_PLOT_GALLERY", "True")

# Examples run in this process: draw off-screen, and leave TensorFlow's C++
# logging to skmnist's quiet start (level 3 unless set). An example that fits
# many models (a grid search, cross-validation) makes TensorFlow log
# "triggered tf.function retracing" warnings, which are noise in the output.
logging.getLogger("tensorflow").setLevel(logging.ERROR)
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="Matplotlib is currently using agg",
)

# -- HTML output -------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skmnist {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": [], "quick_start": [], "user_guide": [], "command_line": []}
html_show_sourcelink = False


# -- Inherited scikit-learn docstrings ---------------------------------------
#
# Class pages also document the methods inherited from scikit-learn
# (``get_params``, ``score``, ``set_output``, ...). Their docstrings refer to
# labels and glossary terms of scikit-learn's own documentation
# (:ref:`metadata_routing`, :term:`meta-estimator`), which intersphinx resolves
# through the scikit-learn inventory. When that inventory could not be loaded
# (offline build), these roles are turned into plain text, so that they do not
# produce "undefined label" warnings for text that is not ours.

_SKLEARN_ROLE = re.compile(r":(?:ref|term):`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`")


def _plain_sklearn_roles(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn"):
        return
    if "sklearn" in getattr(app.env, "intersphinx_named_inventory", {}):
        return
    for i, line in enumerate(lines):
        lines[i] = _SKLEARN_ROLE.sub(lambda m: f"*{m.group(1) or m.group(2)}*", line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_roles)
