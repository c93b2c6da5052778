r"""Claim ``lemma_C2`` (Appendices B–C, proportional asymptotics of SFT): the claim and what
only it uses."""

from __future__ import annotations

import sympy as sp

import derivations as da
from derivations import ASYM as X
from theory._claim import Claim
from theory.claims.proportional_asymptotics._limits import LimitRate, SymbolicLimit, Term
from theory.claims.proportional_asymptotics._setup import T12_PRINTED, _formula, _vk, a, mu


def derived_c2():
    """Lemma C.2 derived (z² × the two-resolvent trace, z → 0)."""
    return {"T_12": {"below": da.t12_limit().subs({X.a1sq: a[0] ** 2, X.a2sq: a[1] ** 2})}}


_T12_NODEN = mu[0] * mu[1] * _vk[0] * _vk[1]


lemma_C2 = Claim(
    id="lemma_C2",
    reference="Lemma C.2",
    statement="T12 = lim (1/d) tr(Π_12 Π_21) = μ1 μ2 v1 v2/(μ1 v1 + μ2 v2), v_k = w_k(1 − w_k); "
    "0 for β ≥ 1",
    formula=_formula({"T_12": Term("T_12", T12_PRINTED, sp.Integer(0))}),
    checks=(SymbolicLimit(derive=derived_c2), LimitRate()),
    section="Appendix C",
    quote="Lemma C.2: T12 = lim (1/d) tr(Π_12 Π_21) = μ1 μ2 v1 v2/(μ1 v1 + μ2 v2), "
    "v_k = w_k(1 − w_k); 0 for β ≥ 1",
    lhs_latex=r"T_{12}",
    derivation=lambda: derived_c2()["T_12"]["below"],
    wrong_variants={
        "no_denominator": _formula({"T_12": Term("T_12", _T12_NODEN, sp.Rational(1, 100))}),
    },
)


CLAIMS = (lemma_C2,)
