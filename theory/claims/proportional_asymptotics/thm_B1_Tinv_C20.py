r"""Claim ``thm_B1_Tinv_C20`` (Appendices B–C, proportional asymptotics of SFT): the claim and
what only it uses."""

from __future__ import annotations

import derivations as da
from theory._claim import Claim
from theory.claims.proportional_asymptotics._limits import LimitRate, SymbolicLimit, Term
from theory.claims.proportional_asymptotics._setup import (
    _TINV_WRONG,
    T_INV,
    _formula,
)


def derived_tinv_c20():
    """T_inv := lim (1/d) tr(Σ² Ĝ†) (C.20), derived."""
    return {"T_inv": da.theorem_b1_branches()["T_inv"]}


thm_B1_Tinv_C20 = Claim(
    id="thm_B1_Tinv_C20",
    reference="(C.20) with Theorem B.1's closed form",
    statement="T_inv defined as lim (1/d) tr(Σ² Ĝ†), Ĝ = M0M0ᵀ/d, equals q Σ_k μ_k (Σ_k²/a_k²) "
    "w_k² / Σ_k μ_k w_k²/a_k² (β < 1) and Σ_k μ_k Σ_k²/a_k² /(β − 1) (β > 1)",
    formula=_formula({"T_inv": Term("T_inv_C20", *T_INV)}),
    checks=(SymbolicLimit(derive=derived_tinv_c20), LimitRate()),
    section="Appendix C",
    quote="(C.20) with Theorem B.1: T_inv = (1/d) tr(Σ² Ĝ^†), Ĝ = M0 M0ᵀ/d, T_inv = "
    "q Σ_k μ_k (Σ_k²/a_k²) w_k² / Σ_k μ_k (1/a_k²) w_k² (β < 1), (1/(β−1)) Σ_k μ_k Σ_k²/a_k² "
    "(β > 1)",
    lhs_latex=r"\lim \tfrac{1}{d}\operatorname{tr}(\Sigma^2 \hat G^{\dagger})",
    derivation=lambda: derived_tinv_c20()["T_inv"]["below"],
    wrong_variants={
        "w_not_squared_and_1_over_beta": _formula({"T_inv": Term("T_inv_C20", *_TINV_WRONG)})
    },
)


CLAIMS = (thm_B1_Tinv_C20,)
