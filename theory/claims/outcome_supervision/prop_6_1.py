r"""Claim ``prop_6_1`` (§6–§8, outcome supervision): the claim, its settings and the checks
written only for it."""

from __future__ import annotations

import sympy as sp

import derivations as dos
from theory._claim import Claim
from theory._matsum import msum
from theory.claims.outcome_supervision._rollout import (
    OSNumeric,
    OSUnrolledEveryD,
    OSUnrolledExplicit,
)
from theory.claims.outcome_supervision._setup import _half_sq
from theory.symbols import I, S, Vt, Wt, k

_i = sp.Symbol("i", integer=True, nonnegative=True)


def _prop61(step: sp.MatrixExpr, upper=k - 1, identity: bool = True) -> sp.Expr:
    P = msum(sp.MatPow(step, _i) * Vt * S, _i, 0, upper)
    return _half_sq(I + P if identity else P)


prop_6_1 = Claim(
    id="prop_6_1",
    reference="Proposition 6.1",
    statement="L_OS(Ṽ, W̃) = (1/2B) Σ_τ ‖(I + Σ_{i=0}^{k−1} (Ṽ S_τ W̃ + I)^i Ṽ S_τ) w*_τ‖² for the "
    "real k-step rollout (whole output columns appended, w_0 = 0)",
    formula=_prop61(Vt * S * Wt + I),
    checks=(
        OSUnrolledEveryD(what="loss"),
        OSUnrolledExplicit(what="loss"),
        OSNumeric(what="loss"),
    ),
    section="§6",
    lhs_latex=r"\tfrac12\lVert \hat w_k - w^{*}\rVert^2",
    derivation=lambda: dos.os_loss(3).to_sympy(),
    notes="Per prompt; `lsa-verify latex` shows the derivation unrolled at k = 3.",
    quote="Proposition 6.1: L_OS(Ṽ, W̃) = (1/2B) Σ_τ ‖(I + Σ_{i=0}^{k−1} (Ṽ S_τ W̃ + I)^i Ṽ S_τ) "
    "w*_τ‖²",
    wrong_variants={
        "sum_to_k": _prop61(Vt * S * Wt + I, upper=k),
        "W_tilde_on_the_left": _prop61(Wt * Vt * S + I),
        "no_identity": _prop61(Vt * S * Wt + I, identity=False),
    },
)


CLAIMS = (prop_6_1,)
