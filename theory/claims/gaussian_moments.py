"""Gaussian moment lemmas: the Wishart moment (the authors' earlier Lemma A.2) and Lemma A.1,
in both printed forms."""

from __future__ import annotations

import sympy as sp

from theory import quantities as q
from theory._claim import Claim
from theory.checks import MonteCarloIdentity, SymbolicIdentity
from theory.symbols import A, B, C, I, Sigma, n

_CHECKS = (SymbolicIdentity(), MonteCarloIdentity())

wishart_moment = Claim(
    id="wishart_moment",
    reference="Lemma A.2 of the authors' earlier paper (used in Prop 4.3, Lemma A.1)",
    statement="E[S B S] = ((n−1)/n) C B C + (1/n)(2 C B C + tr(C B) C) for symmetric B",
    formula=(n - 1) / n * C * B * C + (2 * C * B * C + sp.Trace(C * B) * C) / n,
    quantity=q.wishart_sandwich,
    checks=_CHECKS,
    section="§3 (tools)",
    quote="Lemma A.2 of the authors' earlier paper (used in Prop. 4.3 and Lemma A.1): for S the "
    "empirical covariance of n draws from N(0, C) and symmetric B, E[S B S] = ((n−1)/n) C B C "
    "+ (1/n)(2 C B C + tr(C B) C); in particular E[S²] = ((n+1)/n) C² + (tr C/n) C.",
    notes="The printed special case E[S²] = ((n+1)/n) C² + (tr C/n) C is this formula at B = I.",
    wrong_variants={
        "no_trace_term": (n - 1) / n * C * B * C + 2 * C * B * C / n,
        "n_not_n_minus_1": C * B * C + (2 * C * B * C + sp.Trace(C * B) * C) / n,
    },
)

_POPULATION = sp.Trace((I + A * Sigma) * (I + A * Sigma).T)

lemma_A1 = Claim(
    id="lemma_A1",
    reference="Lemma A.1 (statement)",
    statement="E‖I + AΣ̂‖_F² = ‖I + AΣ‖_F² + (1/n)[tr(AΣ²Aᵀ) + tr(AΣAᵀ) tr Σ]",
    formula=_POPULATION
    + (sp.Trace(A * Sigma**2 * A.T) + sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma)) / n,
    quantity=q.frobenius_risk,
    checks=_CHECKS,
    section="Appendix A",
    quote="Lemma A.1 (statement), Appendix A: for any d×d A, x ~ N(0, Σ), Σ̂ = XXᵀ/n: "
    "E‖I + AΣ̂‖_F² = ‖I + AΣ‖_F² + (1/n)[tr(AΣ²Aᵀ) + tr(AΣAᵀ) tr Σ].",
    wrong_variants={
        "drop_square_term": _POPULATION + sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma) / n,
        "n_plus_1": _POPULATION
        + (sp.Trace(A * Sigma**2 * A.T) + sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma)) / (n + 1),
    },
)

lemma_A1_proof_line = Claim(
    id="lemma_A1_proof_line",
    reference="Lemma A.1 (last line of the printed proof)",
    statement="E‖I + AΣ̂‖_F² = ‖I + AΣ‖_F² + (1/n)[tr(AΣ²Aᵀ) + 2 tr(AΣAᵀ) tr Σ]",
    formula=_POPULATION
    + (sp.Trace(A * Sigma**2 * A.T) + 2 * sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma)) / n,
    quantity=q.frobenius_risk,
    checks=_CHECKS,
    section="Appendix A",
    expected="refuted",
    quote="Lemma A.1, last line of the printed proof: the same identity with a factor 2 in "
    "front of tr(AΣAᵀ) tr Σ.",
)

CLAIMS = (wishart_moment, lemma_A1, lemma_A1_proof_line)
