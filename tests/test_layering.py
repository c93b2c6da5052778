"""Layering, read from the source with ``ast``: the simulation stays an independent witness
(numerics imports neither theory nor derivations), the derivations never read a claim
(derivations imports no theory), no module outside numerics/derivations reaches into their
private ``_modules`` (each package's ``__init__`` re-exports what the others may use), and
there is no import circle among the modules of theory/, derivations/ and numerics/."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theory", "derivations", "numerics")
LOWER = ("numerics", "derivations")



def _imports(package: str) -> list[tuple[str, str]]:
    """``(file, imported module)`` for every import statement under ``package``."""
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out += [(path.name, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                out.append((path.name, node.module))
    return out


@pytest.mark.parametrize(
    "package, forbidden",
    [("numerics", ("theory", "derivations")), ("derivations", ("theory",))],
)
def test_package_does_not_import(package, forbidden):
    bad = [(f, m) for f, m in _imports(package) if m.split(".")[0] in forbidden]
    assert not bad, f"{package} must not import {forbidden}: {bad}"


def test_the_scanner_sees_imports():
    # a deliberately wrong rule: theory does import numerics, so the scanner must report it
    assert any(m.split(".")[0] == "numerics" for _, m in _imports("theory"))


# --- no private cross-package imports -------------------------------------------------------


def private_imports(source: str) -> list[str]:
    """The private ``numerics``/``derivations`` modules a source imports, at any depth:
    ``import derivations._os``, ``from numerics._sft import x``, ``from derivations import
    _cache``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] in LOWER and len(parts) > 1 and parts[1].startswith("_"):
                found.append(".".join(parts[:2]))
    return sorted(set(found))


def test_theory_imports_only_public_names_of_numerics_and_derivations():
    bad = {}
    for path in sorted((ROOT / "theory").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if found := private_imports(path.read_text(encoding="utf-8")):
            bad[rel] = found
    assert not bad, f"import the package's public names instead: {bad}"


def test_private_import_scanner_rejects_each_form():
    # deliberately wrong sources: each private form is caught, the public forms are not
    for wrong in (
        "import derivations._os as dos",
        "from numerics._sft import nearest_sft_minimiser",
        "def f():\n    from derivations import _cache",
    ):
        assert private_imports(wrong), wrong
    assert not private_imports("import derivations as d\nfrom numerics import os_loss")


# --- no import circles ------------------------------------------------------------------------


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run: module level and inside functions, not under ``if TYPE_CHECKING:``."""
    out: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.orelse:
                    visit_one(stmt)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        visit(node)

    visit(tree)
    return out


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module -> the modules of ``packages`` it imports (``from p import m`` counts as an
    import of the submodule ``p.m`` when there is one, else of ``p``)."""
    files = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        here = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
        edges = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in files}
                continue
            base = here[: len(here) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:
                sub = f"{target}.{a.name}"
                if sub in files:
                    edges.add(sub)
                elif target in files:
                    edges.add(target)
        edges.discard(mod)
        graph[mod] = edges
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    try:
        for v in sorted(graph):
            if v not in index:
                strong(v)
    finally:
        sys.setrecursionlimit(limit)
    return circles


def test_no_import_circle_outside_theory_checks():
    circles = import_circles(import_graph(ROOT))
    bad = [c for c in circles if not any(m.startswith("theory.checks") for m in c)]
    assert not bad, f"import circles: {bad}"


def test_no_import_circles():
    circles = import_circles(import_graph(ROOT))
    assert not circles, f"import circles: {circles}"


def test_circle_finder_sees_function_level_imports_and_skips_type_checking(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from pkg.a import x\n")  # a deliberate circle
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import d\n"
    )
    (pkg / "d.py").write_text("from . import c\n")  # relative import; c -> d only for typing
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.d"] == {"pkg.c"} and graph["pkg.c"] == set()
    assert import_circles(graph) == [["pkg.a", "pkg.b"]]


def _runtime_imports_in(package: str) -> list[tuple[str, str]]:
    """``(file, imported module)`` for every import that runs (not under ``if TYPE_CHECKING:``)."""
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(m)
            for n in ast.walk(tree)
            if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING"
            for m in ast.walk(n)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                out += [(path.name, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                out.append((path.name, node.module))
    return out


def test_checks_import_no_claim():
    """The generic witnesses never read a claim: theory/checks imports no theory.claims (not
    even lazily), and the Claim class only for type hints."""
    bad = [(f, m) for f, m in _imports("theory/checks") if m.startswith("theory.claims")]
    assert not bad, f"theory/checks must not import theory.claims: {bad}"
    bad = [(f, m) for f, m in _runtime_imports_in("theory/checks") if m == "theory._claim"]
    assert not bad, f"theory/checks imports theory._claim outside TYPE_CHECKING: {bad}"


def test_the_claims_rule_sees_imports():
    # deliberately wrong rules: the claims do import the checks, and the Claim class at run time
    assert any(m.startswith("theory.checks") for _, m in _imports("theory/claims"))
    assert any(m == "theory._claim" for _, m in _runtime_imports_in("theory/claims"))


def test_every_claim_module_lives_in_a_section_package():
    """theory/claims/<section>/<claim>.py: every package under theory/claims is a section of
    the registry, every public module of a section holds claims, nothing sits elsewhere."""
    import importlib

    from theory.claims import SECTIONS, all_claims, section_modules

    base = ROOT / "theory" / "claims"
    stray = [p.name for p in base.glob("*.py") if p.name != "__init__.py"]
    assert not stray, f"claim modules outside a section package: {stray}"
    packages = {p.parent.name for p in base.glob("*/__init__.py")}
    assert packages == set(SECTIONS), f"packages {packages} vs SECTIONS {SECTIONS}"
    nested = [str(p.relative_to(base)) for p in base.glob("*/*/*.py")]
    assert not nested, f"section packages are flat: {nested}"
    from_modules = []
    for section in SECTIONS:
        for name in section_modules(section):
            claims = importlib.import_module(name).CLAIMS
            assert claims, f"{name} holds no claim"
            from_modules += [c.id for c in claims]
    assert from_modules == [c.id for c in all_claims()]
