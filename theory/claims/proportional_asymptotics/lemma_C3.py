r"""Claim ``lemma_C3`` (Appendices B–C, proportional asymptotics of SFT): the claim and what
only it uses."""

from __future__ import annotations

import derivations as da
from derivations import ASYM as X
from theory._claim import Claim
from theory.claims.proportional_asymptotics._limits import LimitRate, SymbolicLimit, Term
from theory.claims.proportional_asymptotics._setup import _formula, a, beta, mu, v, z

# ------------------------------------------------------------------ Lemma C.3 (printed)
_Psi = tuple(mu[k] * a[k] ** 2 / (z + a[k] ** 2 * v) ** 2 for k in range(2))


_Delta = 1 - v**2 / beta * sum(mu[k] * a[k] ** 4 / (z + a[k] ** 2 * v) ** 2 for k in range(2))


CROSS_PRINTED = v**2 / beta * _Psi[0] * _Psi[1] / _Delta


def derived_c3():
    """Lemma C.3 derived (implicit differentiation of the shifted deterministic equivalent)."""
    e = da.cross_trace_limit().subs({X.a1sq: a[0] ** 2, X.a2sq: a[1] ** 2})
    return {"cross_trace": {"below": e, "above": e}}


lemma_C3 = Claim(
    id="lemma_C3",
    reference="Lemma C.3",
    statement="lim (1/d) tr(D1 R(z) D2 R(z)) = (v²/β) Ψ1 Ψ2/Δ(z), R(z) = (AΩΩᵀA/d + zI)⁻¹, "
    "Ψ_k = μ_k a_k²/(z + a_k² v)², Δ = 1 − (v²/β) Σ_k μ_k a_k⁴/(z + a_k² v)²",
    formula=_formula({"cross_trace": Term("cross_trace", CROSS_PRINTED, CROSS_PRINTED)}),
    checks=(SymbolicLimit(derive=derived_c3), LimitRate()),
    section="Appendix C",
    quote="Lemma C.3: lim (1/d) tr(D1 R(z) D2 R(z)) = (v(z)²/β) Ψ1 Ψ2/Δ(z), R(z) = "
    "(AΩΩᵀA + zI)⁻¹, Ψ_k = μ_k a_k²/(z + a_k² v(z))², Δ(z) = 1 − (v(z)²/β) Σ_k μ_k a_k⁴/"
    "(z + a_k² v(z))², v the companion Stieltjes transform",
    notes="Normalisation fixed by us (the paper leaves it implicit): R uses AΩΩᵀA/d with Ω "
    "standard normal, and v(z) = (z/d) tr(ΩᵀA²Ω/d + zI_B)⁻¹ = βz·m̃(−z) (m̃ the Stieltjes "
    "transform of the companion B×B matrix), whose limit solves β/v − 1 = Σ_k μ_k a_k²/(z + "
    "a_k² v). Checked at z = 0.01.",
    lhs_latex=r"\lim \tfrac{1}{d}\operatorname{tr}(D_1 R(z) D_2 R(z))",
    derivation=lambda: derived_c3()["cross_trace"]["below"],
    wrong_variants={
        "no_Delta": _formula(
            {
                "cross_trace": Term(
                    "cross_trace", v**2 / beta * _Psi[0] * _Psi[1], v**2 / beta * _Psi[0] * _Psi[1]
                )
            }
        ),
    },
)


CLAIMS = (lemma_C3,)
