r"""Claim ``lemma_C1`` (Appendices B–C, proportional asymptotics of SFT): the claim and what
only it uses."""

from __future__ import annotations

import sympy as sp

import derivations as da
from derivations import ASYM as X
from theory._claim import Claim
from theory.claims.proportional_asymptotics._limits import LimitRate, SymbolicLimit, Term
from theory.claims.proportional_asymptotics._setup import (
    EQUATION,
    W_OF_Q,
    _formula,
    a,
    beta,
    mu,
    q,
    w1,
    w2,
)


# ------------------------------------------------------------------ derived counterparts
def derived_c1():
    """Lemma C.1 derived (Silverstein equation, z → 0)."""
    eq, wk = da.projector_limit()
    sub = {X.a1sq: a[0] ** 2, X.a2sq: a[1] ** 2}
    return {
        "equation": {"below": eq.subs(sub)},
        "w_1": {"below": wk[0].subs(sub)},
        "w_2": {"below": wk[1].subs(sub)},
    }


# ------------------------------------------------------------------ claims
_C1_TERMS = {
    "equation": Term(None, EQUATION),
    "w_1": Term("w_1", W_OF_Q[0], sp.Integer(1)),
    "w_2": Term("w_2", W_OF_Q[1], sp.Integer(1)),
}


_W_A = tuple(a[k] * q / (1 + a[k] * q) for k in range(2))


_EQ_A = sum(mu[k] * _W_A[k] for k in range(2)) - beta


lemma_C1 = Claim(
    id="lemma_C1",
    reference="Lemma C.1",
    statement="for β < 1, q ≥ 0 solves β = Σ_k μ_k a_k² q/(1 + a_k² q) and (1/d_k) tr Π_kk → "
    "w_k = a_k² q/(1 + a_k² q); for β ≥ 1, w_k = 1; Σ_k μ_k w_k = min(β, 1)",
    formula=_formula(_C1_TERMS, aux={w1: W_OF_Q[0], w2: W_OF_Q[1]}),
    checks=(SymbolicLimit(derive=derived_c1), LimitRate()),
    section="Appendix C",
    quote="Lemma C.1: for β < 1, q ≥ 0 solves β = Σ_k μ_k a_k² q/(1 + a_k² q) and "
    "lim (1/d_k) tr Π_kk = w_k = a_k² q/(1 + a_k² q); for β ≥ 1, w_k = 1; Σ_k μ_k w_k = "
    "min(β, 1) (proportional regime B/d → β, m/d → μ1, a_1 = η(ρ+1), a_2 = r)",
    notes="Holds for a_2 = r > 0. At r = 0 (Fig. 1, left) A is singular, M0 has rank min(B, m) "
    "and the right side of the equation never exceeds μ1: w_1 = min(β/μ1, 1), w_2 = 0, and "
    "Σ μ_k w_k = min(β, μ1), not min(β, 1) — the spike sits at B = m.",
    lhs_latex=r"\left(\lim \tfrac{1}{d}\operatorname{tr}\Pi_{11}/\mu_1,\ "
    r"\lim \tfrac{1}{d}\operatorname{tr}\Pi_{22}/\mu_2,\ \text{equation}\right)",
    derivation=lambda: sp.Matrix([e["below"] for e in derived_c1().values()]),
    wrong_variants={
        "a_not_squared": _formula(
            {
                "equation": Term(None, _EQ_A),
                "w_1": Term("w_1", _W_A[0], sp.Integer(1)),
                "w_2": Term("w_2", _W_A[1], sp.Integer(1)),
            },
            equation=_EQ_A,
            aux={w1: _W_A[0], w2: _W_A[1]},
        ),
    },
)


CLAIMS = (lemma_C1,)
