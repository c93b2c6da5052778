r"""Claim ``lemma_A1``: a Gaussian moment lemma as printed, with its wrong variants."""

from __future__ import annotations

import sympy as sp

from theory import quantities as q
from theory._claim import Claim
from theory.claims.gaussian_moments._setup import _CHECKS, _POPULATION
from theory.symbols import A, Sigma, n

lemma_A1 = Claim(
    id="lemma_A1",
    reference="Lemma A.1 (statement)",
    statement="E‖I + AΣ̂‖_F² = ‖I + AΣ‖_F² + (1/n)[tr(AΣ²Aᵀ) + tr(AΣAᵀ) tr Σ]",
    formula=_POPULATION
    + (sp.Trace(A * Sigma**2 * A.T) + sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma)) / n,
    quantity=q.frobenius_risk,
    checks=_CHECKS,
    section="Appendix A",
    cheap=True,
    quote="Lemma A.1 (statement), Appendix A: for any d×d A, x ~ N(0, Σ), Σ̂ = XXᵀ/n: "
    "E‖I + AΣ̂‖_F² = ‖I + AΣ‖_F² + (1/n)[tr(AΣ²Aᵀ) + tr(AΣAᵀ) tr Σ].",
    wrong_variants={
        "drop_square_term": _POPULATION + sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma) / n,
        "n_plus_1": _POPULATION
        + (sp.Trace(A * Sigma**2 * A.T) + sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma)) / (n + 1),
    },
)


CLAIMS = (lemma_A1,)
