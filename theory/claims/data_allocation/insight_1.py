r"""Claim ``insight_1`` (§5.1, which post-training data): the claim, its settings and the
checks written only for it."""

from __future__ import annotations

import sympy as sp

from theory._claim import Claim
from theory.claims.data_allocation._checks import InsightExact, InsightPopulation
from theory.claims.data_allocation._setup import _ARMS, ERR_ALIGNED, ERR_COVERED, _derived_insight

insight_1 = Claim(
    id="insight_1",
    reference="§5.1, Insight 1",
    statement="in §5.1's setting (range of the aligned data = U = range(Δ), population limit), "
    "at equal budget (same n, tr A), SFT data aligned with Δ gives a lower post-test error "
    "than data aligned with directions pretraining already covers",
    formula=sp.Tuple(sp.StrictLessThan(ERR_ALIGNED, ERR_COVERED)),
    checks=(InsightExact(rs=(0.0,)), InsightPopulation(rs=(0.0,))),
    section="§5.1",
    lhs_latex=r"\text{Insight 1}",
    derivation=_derived_insight,
    quote="§5.1, Insight 1: at equal budget, post-training data aligned with Δ (hard for the "
    'pretrained model, whose pretrained error on N(0, A) is "about" ‖I − Γ0⁻¹A‖_F²) beats '
    "data aligned with what pretraining already covers.",
    notes=_ARMS + ' "Beats" is read as a strictly lower exact population post-test error '
    '(Lemma A.1 at Ṽ_∞ of (4.2)); "about" qualifies only the motivation (the pretrained '
    "error), not the claim. §5.1 assumes range(A) = U, i.e. r = 0: the relation holds at every "
    "(ρ, m/d, n) evaluated, exactly and on the grid. Interference r > 0 and finite B are the "
    "extension claim insight_1_interference.",
    wrong_variants={
        "covered_wins": sp.Tuple(sp.StrictLessThan(ERR_COVERED, ERR_ALIGNED)),
    },
)


CLAIMS = (insight_1,)
