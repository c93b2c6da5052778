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


def _runtime_imports(package: str) -> list[tuple[str, str]]:
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
    bad = [(f, m) for f, m in _runtime_imports("theory/checks") if m == "theory._claim"]
    assert not bad, f"theory/checks imports theory._claim outside TYPE_CHECKING: {bad}"


def test_the_claims_rule_sees_imports():
    # deliberately wrong rules: the claims do import the checks, and the Claim class at run time
    assert any(m.startswith("theory.checks") for _, m in _imports("theory/claims"))
    assert any(m == "theory._claim" for _, m in _runtime_imports("theory/claims"))


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
