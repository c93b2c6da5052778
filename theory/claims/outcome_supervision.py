r"""§6–§8: outcome supervision (the paper's stand-in for RL) — Proposition 6.1, the OS
gradient and Hessian, the stability cliff (Insights 3–4, §7) and the LSA experiments of
Figure 4.

Formulas are per prompt (B = 1): the printed :math:`\frac1{2B}\sum_\tau` and
:math:`\frac1B\sum_\tau` are means over prompts of these, and the numeric checks average the
printed per-prompt value over real prompts.
"""

from __future__ import annotations

import sympy as sp

import derivations._os as dos
from theory._claim import Claim
from theory._matsum import msum
from theory.checks._os import (
    BPTTFiniteDifference,
    OSNumeric,
    OSUnrolledEveryD,
    OSUnrolledExplicit,
)
from theory.symbols import I, S, Vt, Wt, k, w

_i = sp.Symbol("i", integer=True, nonnegative=True)
_j = sp.Symbol("j", integer=True, nonnegative=True)


def _half_sq(P: sp.MatrixExpr) -> sp.Expr:
    r""":math:`\frac12\|P w^*\|^2`, written :math:`\frac12\operatorname{tr}(P w w^\top P^\top)`."""
    return sp.Trace(P * w * w.T * P.T) / 2


def _prop61(step: sp.MatrixExpr, upper=k - 1, identity: bool = True) -> sp.Expr:
    P = msum(sp.MatPow(step, _i) * Vt * S, _i, 0, upper)
    return _half_sq(I + P if identity else P)


_M = I + Vt * S

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
    wrong_variants={
        "sum_to_k": _prop61(Vt * S * Wt + I, upper=k),
        "W_tilde_on_the_left": _prop61(Wt * Vt * S + I),
        "no_identity": _prop61(Vt * S * Wt + I, identity=False),
    },
)

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
    wrong_variants={
        "power_k_minus_1": _half_sq(sp.MatPow(_M, k - 1)),
        "S_before_V": _half_sq(sp.MatPow(I + S * Vt, k)),
    },
)

_GRAD = msum(
    sp.MatPow(_M.T, _j) * sp.MatPow(_M, k) * w * w.T * sp.MatPow(_M.T, k - 1 - _j) * S.T,
    _j,
    0,
    k - 1,
)

os_gradient = Claim(
    id="os_gradient",
    reference="§6, Appendix E",
    statement="∇_Ṽ L_OS (W̃ = I) = (1/B) Σ_τ Σ_{j=0}^{k−1} (M_τᵀ)^j M_τ^k w*_τ w*_τᵀ "
    "(M_τᵀ)^{k−1−j} S_τᵀ",
    formula=_GRAD,
    checks=(
        OSUnrolledEveryD(what="gradient", wt_identity=True),
        OSUnrolledExplicit(what="gradient", wt_identity=True),
        OSNumeric(what="gradient", wt_identity=True),
        BPTTFiniteDifference(),
    ),
    section="§6 / Appendix E",
    lhs_latex=r"\nabla_{\tilde V}\, \tfrac12\lVert M^k w^{*}\rVert^2",
    derivation=lambda: dos.os_gradient(3).to_sympy(),
    notes="Per prompt; `lsa-verify latex` shows the derivation at k = 3.",
    wrong_variants={
        "M_not_transposed": msum(
            sp.MatPow(_M, _j) * sp.MatPow(_M, k) * w * w.T * sp.MatPow(_M.T, k - 1 - _j) * S.T,
            _j,
            0,
            k - 1,
        ),
        "without_S": msum(
            sp.MatPow(_M.T, _j) * sp.MatPow(_M, k) * w * w.T * sp.MatPow(_M.T, k - 1 - _j),
            _j,
            0,
            k - 1,
        ),
        "factor_one_half": _GRAD / 2,
    },
)

CLAIMS = (prop_6_1, prop_6_1_identity, os_gradient)
