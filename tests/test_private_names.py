"""Every private name of Keras, TensorFlow and scikeras skmnist uses still exists.

One test per name listed in ``skmnist/_backend/_private.py``: when an upgrade
removes one, the failure names the library, its installed version and the
name, instead of an AttributeError deep inside a fit.
"""

import ast
from pathlib import Path

import pytest

from skmnist._backend import _private
from skmnist._versions import installed_version


@pytest.mark.parametrize(
    "entry", _private.PRIVATE_NAMES, ids=lambda e: f"{e[0]}:{e[1]}.{e[2]}"
)
def test_private_name_exists(entry):
    _private.check(entry)


def test_a_missing_name_is_reported_with_library_and_version():
    entry = ("keras", "keras.Model", "_no_such_name", "attribute", "fit_loop")
    with pytest.raises(AttributeError) as error:
        _private.check(entry)
    message = str(error.value)
    assert f"keras {installed_version('keras')}" in message
    assert "keras.Model._no_such_name" in message
    assert "skmnist/_backend/fit_loop.py" in message


def test_every_private_attribute_the_backend_reads_is_listed():
    # Attributes with one leading underscore read on objects that are not
    # ours (self's own helpers, defined in skmnist, are ours).
    listed = {name for _, _, name, _, _ in _private.PRIVATE_NAMES}
    ours = set()
    used = set()
    for path in Path(_private.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                ours.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                ours.add(node.attr)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
    private = {n for n in used if n.startswith("_") and not n.startswith("__")}
    documented = {
        "_keras_logits",
        "_distribution_strategy",
        "_jax_state",
        "_jax_state_synced",
    }
    assert private - ours - listed - documented == set()
