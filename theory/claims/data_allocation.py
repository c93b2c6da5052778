"""§5.1: which post-training data to choose — the error operator on U = range(Δ), the optimal
post-training covariance, and Insight 1 (data aligned with Δ beats data pretraining covers)."""

from __future__ import annotations

import sympy as sp

from theory._claim import Claim
from theory.checks._allocation import (
    InsightExact,
    InsightFiniteB,
    InsightPopulation,
    OffUSearch,
    OperatorMC,
    OperatorSymbolic,
    OptimalAFamily,
    OptimalASymbolic,
    PostTestWitness,
)
from theory.checks._sft_setup import vinf_derived
from theory.symbols import A, Delta, Gamma0, I, Sigma0, eta, n, pinv

#: the projector on U = range(Δ)
P_U = Delta * pinv(Delta)

#: §5.1 as printed; "I" on the right of the on-U identity is the identity of U (= P_U) and the
#: inverse is taken on U (= the pseudo-inverse of the U-supported matrix)
ON_U = P_U - eta * pinv((n + 1) / n * A + sp.Trace(A) / n * P_U) * (P_U * Sigma0 * P_U + Delta)
OFF_U = -Gamma0.I * (I - P_U)


def _derived_operator():
    """Display: the two sides computed from the derived population limit Ṽ_∞."""
    V = vinf_derived()
    return sp.Tuple(P_U * (I + V * (Sigma0 + Delta)) * P_U, V * (I - P_U))


sec_5_1_operator = Claim(
    id="sec_5_1_operator",
    reference="§5.1",
    statement="with range(A) = U = range(Δ), population limit: P_U(I + Ṽ_∞Σ)P_U = I − η(((n+1)/n)A "
    "+ (tr A/n)I)⁻¹(P_UΣ0P_U + Δ) on U, and off U, Ṽ_∞ = −Γ0⁻¹",
    formula=sp.Tuple(ON_U, OFF_U),
    checks=(OperatorSymbolic(), OperatorMC()),
    section="§5.1",
    lhs_latex=r"\left(P_U(I + \tilde{V}_\infty\Sigma)P_U,\ \tilde{V}_\infty(I - P_U)\right)",
    derivation=_derived_operator,
    expected="refuted",
    notes="Ṽ_∞ from (4.2), Σ = Σ0 + Δ. The off-U part holds. The on-U identity holds exactly "
    "when U is an invariant subspace of Σ0 (e.g. Fig. 1's diagonal setting); for a general Σ0 "
    "the derived operator has the extra term −P_UΓ0⁻¹(I − P_U)Σ0P_U, which the printed formula "
    "drops.",
    wrong_variants={
        "no_trace_term": sp.Tuple(
            P_U - eta * pinv((n + 1) / n * A) * (P_U * Sigma0 * P_U + Delta), OFF_U
        ),
        "pretrained_off_U_is_sigma0": sp.Tuple(ON_U, -Sigma0.I * (I - P_U)),
    },
)

A_OPT = eta * (P_U * Sigma0 * P_U + Delta)


def _derived_optimum():
    """Display: the exact minimiser c*(n)·M along A = c·M at d = 2, Σ0 = diag(1/10, 1),
    Δ = diag(1, 0), and its limit."""
    (cstar,) = OptimalASymbolic.stationary_points(sp.Rational(1, 10))
    return sp.Tuple(sp.factor(cstar) * (P_U * Sigma0 * P_U + Delta), sp.limit(cstar, n, sp.oo))


sec_5_1_optimal_A = Claim(
    id="sec_5_1_optimal_A",
    reference="§5.1",
    statement="for large n the post-test error is minimised near A ≈ η(P_UΣ0P_U + Δ)",
    formula=sp.Tuple(A_OPT),
    checks=(OptimalASymbolic(), OptimalAFamily(), OffUSearch(), PostTestWitness()),
    section="§5.1",
    lhs_latex=r"A^{*}",
    derivation=_derived_optimum,
    expected="refuted",
    notes="Post-test error: the exact formula of Lemma A.1 at Ṽ_∞(A) (4.2). Within range(A) = U "
    "and with U invariant under Σ0, the minimiser over c(P_UΣ0P_U + Δ) tends to the printed "
    "point at rate 1/n (exactly: c*(n) = η(11n + 32)/(11(n + 2)) at d = 2, ρ = 0.1). For a "
    "generic Σ0 it does not. Leaving U helps slightly: adding the pretraining covariance of U⊥ "
    "(A ≈ η(Σ0 + Δ)) lowers the error by a relative O(1/n), so the unrestricted minimiser is "
    "not near η(P_UΣ0P_U + Δ); small perturbations off U raise the error sharply.",
    wrong_variants={
        "no_eta": sp.Tuple(P_U * Sigma0 * P_U + Delta),
        "delta_only": sp.Tuple(eta * Delta),
    },
)

ERR_ALIGNED = sp.Symbol("Err_aligned", positive=True)
ERR_COVERED = sp.Symbol("Err_covered", positive=True)


def _derived_insight():
    """Display: the exact population errors of both arms at d = 10, ρ = 1/10, m = 1,
    r = 1/100, n = 100 (a point where the relation fails)."""
    errs = InsightExact.exact_errors(sp.Rational(1, 10), 1, sp.Rational(1, 100), 100)
    return sp.Tuple(sp.Eq(ERR_ALIGNED, errs["aligned"]), sp.Eq(ERR_COVERED, errs["covered"]))


insight_1 = Claim(
    id="insight_1",
    reference="§5.1, Insight 1",
    statement="at equal budget (same B, n, tr A), SFT data aligned with Δ gives a lower post-test "
    "error than data aligned with directions pretraining already covers",
    formula=sp.Tuple(sp.StrictLessThan(ERR_ALIGNED, ERR_COVERED)),
    checks=(InsightExact(), InsightPopulation(), InsightFiniteB()),
    section="§5.1",
    lhs_latex=r"\text{Insight 1}",
    derivation=_derived_insight,
    expected="refuted",
    notes="Fig. 1's setting Σ0 = diag(ρ1_m, 1_{d−m}), Δ = diag(1_m, 0), η = 0.2: aligned data "
    "A_Δ = diag(η(ρ+1)1_m, r1_{d−m}); covered data A_c = diag(r1_m, a1_{d−m}) with the same "
    "trace (r: the interference level on the other block). Holds without interference (r = 0) "
    "everywhere on the grid; fails where the interference r > 0 falls on many covered "
    "directions (small m/d), in the population limit and at B = 2d.",
    wrong_variants={
        "covered_wins": sp.Tuple(sp.StrictLessThan(ERR_COVERED, ERR_ALIGNED)),
    },
)

CLAIMS = (sec_5_1_operator, sec_5_1_optimal_A, insight_1)

__all__ = ["CLAIMS", "insight_1", "sec_5_1_operator", "sec_5_1_optimal_A"]

_ = A
