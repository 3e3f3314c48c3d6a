"""The package's shape: no import cycle among skmnist modules, no huge function.

The import graph is read from the source with :mod:`ast`: every ``import`` and
``from ... import`` statement, at module level or inside a function, is an
edge from its module to the skmnist module it names. A cycle in that graph is
a cycle of imports, even when a lazy import inside a function keeps Python
from failing on it.

A module holds one topic and ends where its topic ends, whatever its length,
so module sizes are not checked. A function of more than
``MAX_FUNCTION_LINES`` lines of code (its docstring not counted) is a smell
worth a look: the bound is generous (the longest today is under 100).
"""

import ast
import graphlib
from pathlib import Path

import pytest

import skmnist

PACKAGE = Path(skmnist.__file__).parent
MAX_FUNCTION_LINES = 150


def _modules(root):
    """Module name -> source path, for every .py file under ``root``."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _target(name, modules):
    """The package module a dotted name refers to: itself or a package above."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _from_base(node, module, is_package):
    """The absolute module name of a ``from ... import`` statement."""
    if not node.level:
        return node.module
    base = module if is_package else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    return f"{base}.{node.module}" if node.module else base


def _targets(node, module, is_package, modules):
    """The package's modules an import statement in ``module`` imports."""
    if isinstance(node, ast.Import):
        return {_target(alias.name, modules) for alias in node.names}
    base = _from_base(node, module, is_package)
    # "from a import b" imports module a.b when there is one, else names in a.
    return {
        f"{base}.{alias.name}"
        if f"{base}.{alias.name}" in modules
        else _target(base, modules)
        for alias in node.names
    }


def import_graph(root):
    """Module -> set of the package's modules it imports (anywhere in it)."""
    modules = _modules(root)
    graph = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges |= _targets(node, module, is_package, modules)
        graph[module] = edges - {None, module}
    return graph


def find_cycle(graph):
    """A list of modules forming an import cycle, or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return error.args[1]
    return None


def _code_lines(function):
    """Lines of a function from its ``def`` to its end, docstring excluded."""
    lines = function.end_lineno - function.lineno + 1
    body = function.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        lines -= body[0].end_lineno - body[0].lineno + 1
    return lines


def test_import_graph_reads_every_kind_of_import(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("import pkg.b\nfrom pkg.sub import c\n")
    (package / "b.py").write_text("def f():\n    from . import a\n")
    (package / "sub" / "__init__.py").write_text("from .c import name\n")
    (package / "sub" / "c.py").write_text("from ..b import f\nimport numpy\n")
    graph = import_graph(package)
    assert graph == {
        "pkg": set(),
        "pkg.a": {"pkg.b", "pkg.sub.c"},
        "pkg.b": {"pkg.a"},
        "pkg.sub": {"pkg.sub.c"},
        "pkg.sub.c": {"pkg.b"},
    }
    assert sorted(find_cycle(graph)[:-1]) == ["pkg.a", "pkg.b"]
    del graph["pkg.b"]
    assert find_cycle(graph) is None


def test_no_import_cycle_among_skmnist_modules():
    graph = import_graph(PACKAGE)
    assert {"skmnist.evaluation", "skmnist.plotting", "skmnist.report"} <= set(graph)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_evaluation_and_plotting_stay_apart():
    graph = import_graph(PACKAGE)

    def reachable(module):
        seen, todo = set(), [module]
        while todo:
            for target in graph[todo.pop()] - seen:
                seen.add(target)
                todo.append(target)
        return seen

    assert not {"skmnist.plotting", "skmnist.report"} & reachable("skmnist.evaluation")
    assert "skmnist.report" not in reachable("skmnist.plotting")
    # The plots read histories and digits through the evaluation's helpers.
    assert "skmnist.evaluation" in graph["skmnist.plotting._loss_curve"]
    assert "skmnist.evaluation" in graph["skmnist.plotting._digits"]


@pytest.mark.parametrize("module", sorted(_modules(PACKAGE)))
def test_no_huge_function(module):
    path = _modules(PACKAGE)[module]
    source = path.read_text(encoding="utf-8")
    too_long = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines = _code_lines(node)
            if lines > MAX_FUNCTION_LINES:
                too_long.append(f"{node.name} (line {node.lineno}) has {lines} lines")
    assert not too_long, f"{path.relative_to(PACKAGE.parent)}: {'; '.join(too_long)}"
