r"""Claim ``prop_6_1_identity`` (§6–§8, outcome supervision): the claim, its settings and the
checks written only for it."""

from __future__ import annotations

import sympy as sp

import derivations as dos
from theory._claim import Claim
from theory.claims.outcome_supervision._rollout import (
    OSNumeric,
    OSUnrolledEveryD,
    OSUnrolledExplicit,
)
from theory.claims.outcome_supervision._setup import _M, _half_sq
from theory.symbols import I, S, Vt, k

prop_6_1_identity = Claim(
    id="prop_6_1_identity",
    reference="Proposition 6.1 (W̃ = I)",
    statement="with W̃ = I: L_OS(Ṽ) = (1/2B) Σ_τ ‖M_τ^k w*_τ‖², M_τ = I + Ṽ S_τ",
    formula=_half_sq(sp.MatPow(_M, k)),
    checks=(
        OSUnrolledEveryD(what="loss", wt_identity=True),
        OSUnrolledExplicit(what="loss", wt_identity=True),
        OSNumeric(what="loss", wt_identity=True),
    ),
    section="§6",
    lhs_latex=r"\tfrac12\lVert \hat w_k - w^{*}\rVert^2",
    derivation=lambda: dos.os_loss(3, wt_identity=True).to_sympy(),
    notes="Per prompt; `lsa-verify latex` shows the derivation unrolled at k = 3.",
    quote="Proposition 6.1: with W̃ = I this is (1/2B) Σ_τ ‖M_τ^k w*_τ‖², M_τ = I + Ṽ S_τ",
    wrong_variants={
        "power_k_minus_1": _half_sq(sp.MatPow(_M, k - 1)),
        "S_before_V": _half_sq(sp.MatPow(I + S * Vt, k)),
    },
)


CLAIMS = (prop_6_1_identity,)
