"""The shipped lineage claims: each confirmed, each planted wrong variant refuted; the CLI
runs claims files (check, latex, at) with the same report and one-line errors."""

import json
from pathlib import Path

import pytest

from theory import RunContext, Verdict, run_claims
from theory._claimsfile import load_claims
from theory.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lineage_claims.py"


@pytest.fixture(scope="module")
def lineage():
    return load_claims(EXAMPLE)


def test_lineage_symbolic_witnesses(lineage):
    """Fast: the derivations alone pass every claim and reject every planted variant."""
    ctx = RunContext(seed=5)
    for claim in lineage:
        symbolic = claim.checks[0]
        assert all(e.outcome == "pass" for e in symbolic.run(claim, ctx)), claim.id
        for name in claim.wrong_variants:
            ev = symbolic.run(claim.variant(name), ctx)
            assert any(e.outcome == "fail" for e in ev), (claim.id, name)


@pytest.mark.slow
def test_lineage_claims_confirmed_and_variants_refuted(lineage):
    assert len(lineage) >= 6
    variants = [c.variant(name) for c in lineage for name in c.wrong_variants]
    assert len(variants) == len(lineage)
    results = run_claims([*lineage, *variants], RunContext(seed=5))
    for r in results:
        want = Verdict.REFUTED if "[" in r.claim.id else Verdict.CONFIRMED
        assert r.verdict == want, (r.claim.id, r.summary())
        assert not r.claim.warnings, r.claim.warnings


def test_check_claims_file_json(capsys, tmp_path):
    f = tmp_path / "mine.py"
    f.write_text(
        "import sympy as sp\n"
        "from theory import Claim, quantities\n"
        "from theory.symbols import I, d, n\n"
        "iso = Claim.identity('iso', quantity=quantities.query_risk,\n"
        "    at={'Sigma': I, 'Vt': -n / (n + d + 1) * I}, formula=d * (d + 1) / (n + d + 1))\n"
        "bad = iso.with_formula(d * d / (n + d + 1), id='bad')\n"
    )
    assert main(["check", "--claims", str(f), "--json", "--no-progress"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(c["id"], c["verdict"]) for c in out] == [("iso", "confirmed"), ("bad", "refuted")]
    assert out[0]["at"]["Sigma"] == "I"
    assert main(["latex", "iso", "--claims", str(f)]) == 0
    assert "d" in capsys.readouterr().out
    assert main(["at", "iso", "--claims", str(f), "--d", "2", "--n", "4"]) == 0
    text = capsys.readouterr().out
    assert "printed formula : 0.857143" in text  # d(d+1)/(n+d+1) = 6/7
    assert "derived (sympy) : 0.857143" in text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("x = 1\n", "defines no Claim"),
        ("raise RuntimeError('boom')\n", "raised RuntimeError at line 1: boom"),
        (
            "from theory import Claim, quantities\n"
            "c = Claim.identity('c', quantity=quantities.query_risk, formula='tr(Sigma)')\n",
            "is a string",
        ),
        ("CLAIMS = [1]\n", "CLAIMS in"),
    ],
)
def test_claims_file_errors_are_one_line(capsys, tmp_path, content, words):
    f = tmp_path / "bad.py"
    f.write_text(content)
    assert main(["check", "--claims", str(f)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err


def test_claims_file_must_exist(capsys):
    assert main(["check", "--claims", "no_such_file.py"]) == 2
    assert "must be an existing .py file" in capsys.readouterr().err
