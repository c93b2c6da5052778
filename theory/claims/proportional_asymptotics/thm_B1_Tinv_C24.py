r"""Claim ``thm_B1_Tinv_C24`` (Appendices B–C, proportional asymptotics of SFT): the claim and
what only it uses."""

from __future__ import annotations

import derivations as da
from theory._claim import Claim
from theory.claims.proportional_asymptotics._limits import LimitRate, SymbolicLimit, Term
from theory.claims.proportional_asymptotics._setup import T_INV, _formula


def derived_tinv_c24():
    """T_inv := lim (1/d) tr(Σ² A² (Ĝ†)²) (C.24), derived."""
    T = da.theorem_b1_terms()
    return {"T_inv": {"below": T["T_inv_C24|below"], "above": T["T_inv_C24|above"]}}


thm_B1_Tinv_C24 = Claim(
    id="thm_B1_Tinv_C24",
    reference="(C.24) with Theorem B.1's closed form",
    statement="T_inv defined as lim (1/d) tr(Σ² A² (Ĝ†)²) equals the same closed form",
    formula=_formula({"T_inv": Term("T_inv_C24", *T_INV)}),
    checks=(SymbolicLimit(derive=derived_tinv_c24), LimitRate()),
    section="Appendix C",
    refuted_at=(frozenset({"limit_rate", "symbolic_limit"}), ()),
    expected="refuted",
    quote="(C.24) with Theorem B.1: T_inv = (1/d) tr(Σ² A² (Ĝ^†)²), with the same closed "
    "form as (C.20)",
    notes="(C.24) is a different quantity: its limit (derived: the z² coefficient of the "
    "resolvent series) is 3–15× the closed form at Fig. 5's setting; (C.20) is the definition "
    "that the error expansion needs and that the closed form matches. The correction under which "
    "the closed form holds: replace (C.24)'s definition by (C.20)'s (the closed form is "
    "unchanged).",
    lhs_latex=r"\lim \tfrac{1}{d}\operatorname{tr}(\Sigma^2 A^2 (\hat G^{\dagger})^2)",
    derivation=lambda: derived_tinv_c24()["T_inv"]["below"],
)


CLAIMS = (thm_B1_Tinv_C24,)
