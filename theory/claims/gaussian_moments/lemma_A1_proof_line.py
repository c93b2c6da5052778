r"""Claim ``lemma_A1_proof_line``: a Gaussian moment lemma as printed, with its wrong variants."""

from __future__ import annotations

import sympy as sp

from theory import quantities as q
from theory._claim import Claim
from theory.claims.gaussian_moments._setup import _CHECKS, _POPULATION
from theory.symbols import A, Sigma, n

lemma_A1_proof_line = Claim(
    id="lemma_A1_proof_line",
    reference="Lemma A.1 (last line of the printed proof)",
    statement="E‖I + AΣ̂‖_F² = ‖I + AΣ‖_F² + (1/n)[tr(AΣ²Aᵀ) + 2 tr(AΣAᵀ) tr Σ]",
    formula=_POPULATION
    + (sp.Trace(A * Sigma**2 * A.T) + 2 * sp.Trace(A * Sigma * A.T) * sp.Trace(Sigma)) / n,
    quantity=q.frobenius_risk,
    checks=_CHECKS,
    section="Appendix A",
    cheap=True,
    refuted_at=(frozenset({"monte_carlo", "symbolic"}), ("the two derivation engines agree",)),
    expected="refuted",
    quote="Lemma A.1, last line of the printed proof: the same identity with a factor 2 in "
    "front of tr(AΣAᵀ) tr Σ.",
)


CLAIMS = (lemma_A1_proof_line,)
