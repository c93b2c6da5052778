"""The seed-scan summaries: planted errors, binomial bounds, tables from JSON lines."""

import json

import sympy as sp

from theory import get_claim
from theory.seedscan import _upper_95, planted_error, power_claims, summarise


def test_planted_error_scales_the_printed_side_by_101_over_100():
    c = get_claim("lemma_A1")
    p = planted_error(c)
    assert p.id == "lemma_A1[×1.01]" and p.expected == "refuted"
    assert sp.simplify(p.formula - sp.Rational(101, 100) * c.formula) == 0


def test_planted_error_reaches_formula_objects_but_not_a_zero_set():
    # an asymptotic formula: the first printed term that is not an equation's zero set
    c = get_claim("lemma_C1")
    p = planted_error(c)
    assert p.formula.equation == c.formula.equation  # 0 = f(q) scaled is the same equation
    assert p.formula.terms["equation"] == c.formula.terms["equation"]
    w1, w1_planted = c.formula.terms["w_1"], p.formula.terms["w_1"]
    assert sp.simplify(w1_planted.below - sp.Rational(101, 100) * w1.below) == 0
    assert w1_planted.above == w1.above
    # a dataclass of printed statements: its first expression
    b2 = get_claim("prop_B2")
    planted_f = planted_error(b2).formula.F_inf
    assert sp.simplify(planted_f - sp.Rational(101, 100) * b2.formula.F_inf) == 0
    # no printed expression at all: nothing to plant
    assert planted_error(get_claim("sparsity_preserved")) is None


def test_power_claims_are_true_exact_claims_only():
    ids = {c.id.split("[")[0] for c in power_claims()}
    assert {"lemma_A1", "wishart_moment", "prop_5_1"} <= ids
    assert not ids & {"os_hessian", "lemma_A1_proof_line", "fig_1"}


def test_upper_bound_matches_the_zero_event_closed_form():
    # zero events in n trials: (1 − p)^n = 0.05  ⇒  p = 1 − 0.05^(1/n)
    assert abs(_upper_95(0, 100) - (1 - 0.05 ** (1 / 100))) < 1e-9
    assert _upper_95(5, 100) > 0.05 > _upper_95(0, 100)


def _line(kind, seed, verdicts):
    return json.dumps(
        {
            "kind": kind,
            "tier": "quick",
            "seed": seed,
            "seconds": 1.0,
            "claims": {
                cid: {"expected": e, "verdict": g, "statistical_fail": g == "refuted", "p": []}
                for cid, (e, g) in verdicts.items()
            },
        }
    )


def test_stability_table_counts_words_and_lists_seeds_off(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(
        "\n".join(
            _line("stability", s, {"a": ("confirmed", "refuted" if s == 2 else "confirmed")})
            for s in range(4)
        )
    )
    table = summarise([f])
    row = next(line for line in table.splitlines() if line.startswith("| a |"))
    assert row.split("|")[3].strip() == "3" and row.rstrip().endswith("| 2 |")


def test_false_alarm_summary_counts_runs_with_a_refutation(tmp_path):
    f = tmp_path / "f.jsonl"
    f.write_text(
        "\n".join(
            _line("false", s, {"a": ("confirmed", "refuted" if s == 1 else "confirmed")})
            for s in range(3)
        )
    )
    assert "false refutation: 1 of 3" in summarise([f])
