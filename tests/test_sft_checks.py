"""The checks of §4–§5.1 can fail: each formula-independent check is shown to reject a wrong
input; plus the evaluators the printed formulas need (λ_max, λ⁺_min, Max/Abs, finite sums)."""

import numpy as np
import pytest
import sympy as sp

import derivations as ds
from derivations import TracePoly
from numerics import golden_section_min
from theory import RunContext
from theory._evaluate import evaluate, evaluate_exact
from theory._latex import claim_latex
from theory._verdict import Outcome
from theory.claims import get_claim, section_claims
from theory.claims.data_allocation._checks import insight_arms, post_test_error
from theory.claims.data_allocation.sec_5_1_optimal_A import PostTestWitness
from theory.claims.data_allocation.sec_5_1_optimal_A_unrestricted import offu_evidence
from theory.claims.sft.thm_4_1 import conditions_evidence
from theory.symbols import LambdaMax, LambdaMinPlus, Phi, k


def test_spectral_functions_and_sums_evaluate():
    M = Phi * Phi.T
    P = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0]])  # d = 2, B = 3: ΦΦᵀ = [[5, 2], [2, 1]]
    lam = np.linalg.eigvalsh(P @ P.T)
    assert evaluate(LambdaMax(M), {"Phi": P}, {"d": 2, "B": 3}) == pytest.approx(lam[-1])
    assert evaluate(LambdaMinPlus(M), {"Phi": P}, {"d": 2, "B": 3}) == pytest.approx(lam[0])
    singular = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert evaluate(LambdaMinPlus(M), {"Phi": singular}, {"d": 2, "B": 2}) == pytest.approx(4.0)
    exact = evaluate_exact(LambdaMinPlus(M), {"Phi": sp.ones(2, 2)}, {"d": 2, "B": 2})
    assert exact == 4
    i = sp.Symbol("i", integer=True)
    expr = sp.Max(sp.Abs(1 - sp.Sum(sp.Rational(1, 2) ** i, (i, 0, k))), sp.Integer(-3))
    assert evaluate(expr, {}, {"k": 2}) == pytest.approx(0.75)
    assert evaluate_exact(expr, {}, {k: 2}) == sp.Rational(3, 4)
    assert "lambda_{\\max}" in sp.latex(LambdaMax(M))


def test_conditions_evidence_fails_when_the_first_residual_involves_W():
    ds_cond = ds.sft_zero_loss_conditions()
    residual = ds.sft_step_residual()
    assert all(e.outcome == Outcome.PASS for e in conditions_evidence(residual, ds_cond))
    bad = dict(ds_cond)
    bad["r0"] = ds_cond["a"]  # involves W̃
    bad["a_at_identity"] = ds_cond["b"]  # does not vanish
    _, ry, rw, rc = residual
    ev = conditions_evidence((rw, ry, rw, rc), bad)  # a nonzero x-row residual
    assert [e.outcome for e in ev] == [Outcome.FAIL] * 3
    assert isinstance(rw, TracePoly)


def test_offu_evidence_passes_only_when_no_direction_helps():
    ok = offu_evidence("l", 1.0, [("a", 0.1, 1.2), ("b", 1.0, 1.0)], {})
    bad = offu_evidence("l", 1.0, [("a", 0.1, 0.99), ("b", 1.0, 3.0)], {})
    assert ok.outcome == Outcome.PASS and bad.outcome == Outcome.FAIL
    assert "lowers the error by 0.01" in bad.detail


def test_post_test_witness_rejects_a_wrong_error_formula():
    """Drop the 1/n variance term from the error: the Monte Carlo of real prompts rejects it."""
    right = PostTestWitness().run(get_claim("sec_5_1_optimal_A"), RunContext(seed=0))
    wrong = PostTestWitness(error=lambda V, S, n: float(np.sum((np.eye(len(S)) + V @ S) ** 2))).run(
        get_claim("sec_5_1_optimal_A"), RunContext(seed=0)
    )
    assert max(e.p_value for e in right) > 1e-3
    assert min(e.p_value for e in wrong) < 1e-8


def test_post_test_error_is_lemma_A1():
    """Against two witnesses that do not use Lemma A.1's formula: the χ² moments at d = 1,
    E(1 + vŜ)² = (1 + vσ)² + 2v²σ²/n, and the index-level Isserlis expectation of
    ‖I + VŜ‖_F² at d = 2 (generic V and Σ)."""
    import sympy as sp

    from derivations import frobenius_risk_explicit

    for v, sig, n in ((-0.5, 2.0, 4), (1.3, 0.7, 1), (-2.0, 0.1, 30)):
        chi2 = (1 + v * sig) ** 2 + 2 * v**2 * sig**2 / n
        assert post_test_error(np.array([[v]]), np.array([[sig]]), n) == pytest.approx(chi2)
    expr, mats = frobenius_risk_explicit(2)
    V = np.array([[-0.5, 0.3], [0.1, -0.8]])
    S = np.array([[1.0, 0.4], [0.4, 2.0]])
    n = 4
    subs = {sp.Symbol("n", positive=True, integer=True): n}
    for name, value in (("A", V), ("Sigma", S)):
        subs |= {mats[name][i, j]: value[i, j] for i in range(2) for j in range(2)}
    exact = float(expr.xreplace(subs))
    assert post_test_error(V, S, n) == pytest.approx(exact)


def test_golden_min_finds_the_minimum_of_a_unimodal_function():
    x, fx = golden_section_min(lambda t: (t - 0.3) ** 2 + 1, -2.0, 5.0)
    assert x == pytest.approx(0.3, abs=1e-6) and fx == pytest.approx(1.0)


@pytest.mark.parametrize("rho, m, r", [(0.1, 2, 0.0), (1.0, 10, 0.01), (2.0, 15, 0.1)])
def test_insight_arms_have_the_same_budget(rho, m, r):
    arms = insight_arms(20, m, rho, r)
    assert np.trace(arms["aligned"]) == pytest.approx(np.trace(arms["covered"]))
    assert np.all(np.diag(arms["covered"]) >= 0)


@pytest.mark.parametrize(
    "claim",
    [*section_claims("sft"), get_claim("sec_5_1_operator"), get_claim("insight_1")],
    ids=lambda c: c.id,
)
def test_latex_has_printed_and_derived_forms(claim):
    text = claim_latex(claim)
    assert "% printed in the paper:" in text
    assert "% derived by sympy from the model's definitions:" in text
