r"""Claim ``thm_B1_terms`` (Appendices B–C, proportional asymptotics of SFT): the claim and
what only it uses."""

from __future__ import annotations

import sympy as sp

import derivations as da
from theory._claim import Claim
from theory.claims.proportional_asymptotics._limits import LimitRate, SymbolicLimit, Term
from theory.claims.proportional_asymptotics._setup import (
    _ONE,
    BIAS,
    T12,
    T_INV,
    T_INV_SIGMA,
    T_VAR,
    T_VAR_SIGMA,
    _bias,
    _formula,
)


def _term(sim, below):
    return Term(sim, below, below.subs(_ONE))


def derived_terms():
    """Theorem B.1's terms derived (noncommutative block algebra; resolvent series)."""
    return da.theorem_b1_branches()


_TERMS = {
    "bias": _term("bias", BIAS),
    "T_var": _term("T_var", T_VAR),
    "T_var_Sigma": _term("T_var_Sigma", T_VAR_SIGMA),
    "T_inv": Term("T_inv_C20", *T_INV),
    "T_inv_Sigma": Term("T_inv_Sigma", *T_INV_SIGMA),
}


_TERMS_BIAS_SIGN = dict(_TERMS) | {"bias": _term("bias", _bias(t12=-T12))}


thm_B1_terms = Claim(
    id="thm_B1_terms",
    reference="Theorem B.1 / (C.19)–(C.24), term by term",
    statement="Bias, T_var, T_var,Σ, T_inv, T_inv,Σ of Theorem B.1 are the limits of "
    "(1/d)‖I + V_SΣ‖_F², (1/d) tr(V_S D_s V_Sᵀ), (1/d) tr(V_S Σ V_Sᵀ), (1/d) tr(Σ² Ĝ†), "
    "(1/d) tr(Σ Ĝ†)",
    formula=_formula(_TERMS),
    checks=(SymbolicLimit(derive=derived_terms), LimitRate()),
    section="Appendix B–C",
    refuted_at=(frozenset({"limit_rate", "symbolic_limit"}), ("bias", "T_inv", "(β > 1)", "β=1.6")),
    expected="refuted",
    quote="Theorem B.1 / (C.19)–(C.24): Bias = Σ_k μ_k[α_k²(1−w_k) + (α_k+δ_k)² w_k] + "
    "T12(δ̃_2² − δ̃_1²)(Σ_1² − Σ_2²); T_var = Σ_k μ_k s_k[g_k²(1−w_k) + (g_k+δ̃_k)² w_k] − "
    "T12(δ̃_1−δ̃_2)(δ̃_1 s_1 − δ̃_2 s_2); T_var,Σ the same with Σ_k in place of s_k; T_inv, "
    "T_inv,Σ closed forms for β < 1 and β > 1",
    notes="Bias, T_inv (as defined by (C.20); see thm_B1_Tinv_C24 for (C.24)) and T_inv,Σ hold "
    "as printed. T_var and T_var,Σ fail in their cross-block term only. Corrected formulas "
    "that hold (printed = derived exactly once made), every correction relative to the print: "
    "(1) in T_var, the printed − T12 (δ̃1 − δ̃2)(δ̃1 s1 − δ̃2 s2) becomes + T12 (δ̃2² − δ̃1²)"
    "(s1 − s2) (the same structure as in Bias); (2) in T_var,Σ, likewise with Σ_k for s_k: "
    "+ T12 (δ̃2² − δ̃1²)(Σ1 − Σ2). No other term, coefficient or sign changes. At β ≥ 1 "
    "(T12 = 0) all terms hold as printed.",
    lhs_latex=r"(\mathrm{Bias}, T_{\mathrm{var}}, T_{\mathrm{var},\Sigma}, T_{\mathrm{inv}}, "
    r"T_{\mathrm{inv},\Sigma})",
    derivation=lambda: sp.Matrix([t["below"] for t in derived_terms().values()]),
    wrong_variants={"bias_T12_sign": _formula(_TERMS_BIAS_SIGN)},
)


CLAIMS = (thm_B1_terms,)
