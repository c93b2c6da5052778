"""The console script: list, check (table and JSON), at, latex, and its error contract."""

import json
import subprocess
import sys

import pytest

from theory import all_claims
from theory.cli import main

FAST = ["lemma_A1", "recursion"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_claim(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for c in all_claims():
        assert c.id in out and c.reference in out


def test_check_json_is_reproducible_byte_for_byte(capsys):
    a = run(capsys, "check", *FAST, "--json", "--seed", "7", "--no-progress")[1]
    b = run(capsys, "check", *FAST, "--json", "--seed", "7", "--no-progress")[1]
    c = run(capsys, "check", *FAST, "--json", "--seed", "8", "--no-progress")[1]
    assert a == b
    assert a != c
    data = json.loads(a)
    assert [d["id"] for d in data] == FAST
    for d in data:
        assert d["verdict"] in ("confirmed", "refuted", "inconclusive")
        assert d["reference"] and d["run"]["seed"] == 7
        kinds = {e["kind"] for e in d["evidence"]}
        assert "symbolic" in kinds
    mc = [e for e in data[0]["evidence"] if e["kind"] == "monte_carlo"]
    for key in ("params", "claimed", "measured", "stderr", "z", "seed", "p_value", "p_adjusted"):
        assert key in mc[0], key


def test_check_table_and_progress(capsys):
    code, out, err = run(capsys, "check", "lemma_A1_proof_line")
    assert code == 0  # the run completed, whatever the verdicts
    assert "REFUTED" in out and "Counter-examples" in out and "seed" in out
    assert "[1/1] lemma_A1_proof_line" in err


def test_at_reports_three_witnesses(capsys):
    code, out, _ = run(capsys, "at", "lemma_A1", "--d", "2", "--n", "3", "--set", "Sigma=diag:1,2")
    assert code == 0
    for word in ("printed formula", "derived (sympy)", "simulated", "consistent"):
        assert word in out


def test_latex_prints_printed_and_derived(capsys):
    code, out, _ = run(capsys, "latex", "lemma_A1_proof_line")
    assert code == 0
    assert r"\operatorname{tr}" in out and "derived by sympy" in out
    assert "2 \\operatorname{tr}\\left(A \\Sigma A^{T} \\right)" in out  # the printed factor 2


BAD = [
    (["check", "--tier", "huge"], "tier='huge' is invalid"),
    (["check", "--seed", "-1"], "seed=-1 is invalid"),
    (["check", "--seed", "abc"], "seed='abc' is invalid"),
    (["check", "--alpha", "2"], "alpha=2.0 is invalid"),
    (["check", "no_such_claim"], "claim id 'no_such_claim' is unknown"),
    (["latex", "no_such_claim"], "claim id 'no_such_claim' is unknown"),
    (["at", "lemma_A1", "--n", "0"], "n=0 is invalid: n must be an integer >= 1"),
    (["at", "lemma_A1", "--d", "0"], "d=0 is invalid: d must be an integer >= 1"),
    (["at", "lemma_A1", "--eta", "1.5"], "eta=1.5 is invalid: eta must lie in (0, 1)"),
    (
        ["at", "lemma_A1", "--d", "2", "--set", "Sigma=[[1,2],[2,1]]"],
        "Sigma has smallest eigenvalue",
    ),
    (["at", "lemma_A1", "--d", "2", "--set", "Sigma=[[1,NaN],[NaN,1]]"], "must be finite"),
    (["at", "lemma_A1", "--set", "Sigma"], "set='Sigma' is invalid"),
    (["at", "sparsity_preserved"], "has no simulable quantity"),
    (["bench", "--seconds", "0"], "seconds=0.0 is invalid"),
    (["bench", "--repeats", "0"], "repeats=0 is invalid"),
    (["bench", "--repeats", "x"], "repeats='x' is invalid"),
    (["bench", "--figures", "fig_9"], "figure id 'fig_9' is unknown"),
    (["bench", "--figures", "--tier", "huge"], "tier='huge' is invalid"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize("argv, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("lsa-verify: error: ")
    assert message in lines[0]


def test_console_script_exit_status():
    """The installed entry point, as a user runs it (a subprocess, no traceback)."""
    proc = subprocess.run(
        [sys.executable, "-m", "theory.cli", "check", "--tier", "x"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
