"""Layering, read from the source with ``ast``: the simulation stays an independent witness
(numerics imports neither theory nor derivations) and the derivations never read a claim
(derivations imports no theory)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
