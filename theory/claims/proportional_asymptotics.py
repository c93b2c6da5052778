r"""Appendices B–C: the proportional asymptotics of SFT (Lemmas C.1–C.3, Theorem B.1 and its
terms, the two definitions of T_inv) and Proposition B.2.

Every printed closed form is typed once below in the scalars of
:data:`derivations._asymptotics.ASYM` (β, μ1, ρ, r, η, γ, q, w_k, T12, z, v). The regime:
B/d → β, m/d → μ1, d/n → γ; :math:`a_1 = \eta(\rho+1)`, :math:`a_2 = r`. Checks:
:class:`~theory.checks._asymptotics.SymbolicLimit` (printed = derived, exactly) and
:class:`~theory.checks._asymptotics.LimitRate` (finite-d statistics at d on a geometric grid;
the gap that does not shrink is tested).
"""

from __future__ import annotations

import functools

import sympy as sp

import derivations._asymptotics as da
from derivations._asymptotics import ASYM as X
from theory._claim import Claim
from theory.checks._asymptotics import AsymptoticFormula, LimitRate, SymbolicLimit, Term
from theory.checks._prop_b2 import PropB2Numeric, PropB2Statements, PropB2Symbolic

__all__ = ["CLAIMS", "PRINTED"]

beta, mu1, rho, r, eta, gamma = X.beta, X.mu1, X.rho, X.r, X.eta, X.gamma
q, w1, w2, T12, z, v = X.q, X.w1, X.w2, X.T12, X.z, X.v
mu = (mu1, 1 - mu1)
a = (eta * (rho + 1), r)
W = (w1, w2)

# ------------------------------------------------------------------ Lemma C.1 (printed)
EQUATION = sum(mu[k] * a[k] ** 2 * q / (1 + a[k] ** 2 * q) for k in range(2)) - beta
W_OF_Q = tuple(a[k] ** 2 * q / (1 + a[k] ** 2 * q) for k in range(2))
# ------------------------------------------------------------------ Lemma C.2 (printed)
_vk = tuple(W[k] * (1 - W[k]) for k in range(2))
T12_PRINTED = mu[0] * mu[1] * _vk[0] * _vk[1] / (mu[0] * _vk[0] + mu[1] * _vk[1])
AUX = {w1: W_OF_Q[0], w2: W_OF_Q[1], T12: T12_PRINTED}
# ------------------------------------------------------------------ Lemma C.3 (printed)
_Psi = tuple(mu[k] * a[k] ** 2 / (z + a[k] ** 2 * v) ** 2 for k in range(2))
_Delta = 1 - v**2 / beta * sum(mu[k] * a[k] ** 4 / (z + a[k] ** 2 * v) ** 2 for k in range(2))
CROSS_PRINTED = v**2 / beta * _Psi[0] * _Psi[1] / _Delta

# ------------------------------------------------------------------ Theorem B.1 (printed)
kappa = gamma * (mu1 * rho + mu[1])
alpha = ((kappa - 1) / (rho + kappa), kappa / (kappa + 1))
dtil = ((1 - kappa) / ((rho + kappa) * (rho + 1)), 1 / (1 + kappa) - eta / r)
Sig = (rho + 1, sp.Integer(1))
delta = tuple(dtil[k] * Sig[k] for k in range(2))
g = (-1 / (rho + kappa), -1 / (1 + kappa))
s = tuple((mu[0] * a[0] + mu[1] * a[1]) * a[k] for k in range(2))
Sigma_bar = mu[0] * (rho + 1) + mu[1]


def _bias(t12=T12, ws=W):
    return sum(
        mu[k] * (alpha[k] ** 2 * (1 - ws[k]) + (alpha[k] + delta[k]) ** 2 * ws[k]) for k in range(2)
    ) + t12 * (dtil[1] ** 2 - dtil[0] ** 2) * (Sig[0] ** 2 - Sig[1] ** 2)


def _tvar(weights, t12=T12, ws=W):
    return sum(
        mu[k] * weights[k] * (g[k] ** 2 * (1 - ws[k]) + (g[k] + dtil[k]) ** 2 * ws[k])
        for k in range(2)
    ) - t12 * (dtil[0] - dtil[1]) * (dtil[0] * weights[0] - dtil[1] * weights[1])


def _tinv(D, ws=W, wpow=2):
    below = (
        q
        * sum(mu[k] * D[k] / a[k] ** 2 * ws[k] ** wpow for k in range(2))
        / sum(mu[k] / a[k] ** 2 * ws[k] ** wpow for k in range(2))
    )
    above = sum(mu[k] * D[k] / a[k] ** 2 for k in range(2)) / (beta - 1)
    return below, above


_ONE = {w1: 1, w2: 1, T12: 0}


def _term(sim, below):
    return Term(sim, below, below.subs(_ONE))


BIAS = _bias()
T_VAR = _tvar(s)
T_VAR_SIGMA = _tvar(Sig)
T_INV = _tinv(tuple(x**2 for x in Sig))
T_INV_SIGMA = _tinv(Sig)


def _F(bias, tv, tvs, ti, tis):
    return bias + gamma * ti * tv + gamma * Sigma_bar * tvs + gamma**2 * Sigma_bar * tis * tv


F_BELOW = _F(BIAS, T_VAR, T_VAR_SIGMA, T_INV[0], T_INV_SIGMA[0])
F_ABOVE = _F(*(e.subs(_ONE) for e in (BIAS, T_VAR, T_VAR_SIGMA)), T_INV[1], T_INV_SIGMA[1])

#: the printed objects, for other modules (prop_B2, figures)
PRINTED = {
    "equation": EQUATION,
    "aux": AUX,
    "F_below": F_BELOW,
    "F_above": F_ABOVE,
    "terms": {"bias": BIAS, "T_var": T_VAR, "T_var_Sigma": T_VAR_SIGMA},
    "constants": {
        "alpha": alpha,
        "delta": delta,
        "dtil": dtil,
        "g": g,
        "Sigma": Sig,
        "s": s,
        "Sigma_bar": Sigma_bar,
        "mu": mu,
        "a": a,
    },
}


def _formula(terms, equation=EQUATION, aux=AUX):
    return AsymptoticFormula(terms=terms, equation=equation, aux=aux)


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


def derived_c2():
    """Lemma C.2 derived (z² × the two-resolvent trace, z → 0)."""
    return {"T_12": {"below": da.t12_limit().subs({X.a1sq: a[0] ** 2, X.a2sq: a[1] ** 2})}}


def derived_c3():
    """Lemma C.3 derived (implicit differentiation of the shifted deterministic equivalent)."""
    e = da.cross_trace_limit().subs({X.a1sq: a[0] ** 2, X.a2sq: a[1] ** 2})
    return {"cross_trace": {"below": e, "above": e}}


def _derived_terms():
    T = da.theorem_b1_terms()
    out = {}
    for name in ("bias", "T_var", "T_var_Sigma"):
        out[name] = {"below": T[name], "above": T[name].subs(_ONE)}
    for name in ("T_inv", "T_inv_Sigma"):
        out[name] = {"below": T[f"{name}|below"], "above": T[f"{name}|above"]}
    return out


def derived_terms():
    """Theorem B.1's terms derived (noncommutative block algebra; resolvent series)."""
    return _derived_terms()


def derived_tinv_c20():
    """T_inv := lim (1/d) tr(Σ² Ĝ†) (C.20), derived."""
    return {"T_inv": _derived_terms()["T_inv"]}


def derived_tinv_c24():
    """T_inv := lim (1/d) tr(Σ² A² (Ĝ†)²) (C.24), derived."""
    T = da.theorem_b1_terms()
    return {"T_inv": {"below": T["T_inv_C24|below"], "above": T["T_inv_C24|above"]}}


@functools.cache
def derived_err():
    """lim Err(V_S + V_N) derived: the expanded noise structure with the derived terms."""
    t = _derived_terms()
    structure = da.theorem_b1_noise_structure()
    out = {}
    for branch in ("below", "above"):
        sub = {
            sp.Symbol("Bias"): t["bias"][branch],
            sp.Symbol("T_var"): t["T_var"][branch],
            sp.Symbol("T_var_Sigma"): t["T_var_Sigma"][branch],
            sp.Symbol("T_inv"): t["T_inv"][branch],
            sp.Symbol("T_inv_Sigma"): t["T_inv_Sigma"][branch],
            sp.Symbol("Sigma_bar"): Sigma_bar,
        }
        out[branch] = structure.xreplace(sub)
    return {"Err": out}


def _latex_terms(terms):
    return lambda: sp.Matrix([t.below for t in terms.values()])


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

_TINV_WRONG = _tinv(tuple(x**2 for x in Sig), wpow=1)
_TINV_WRONG = (_TINV_WRONG[0], _TINV_WRONG[1] * (beta - 1) / beta)

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

thm_B1_Tinv_C24 = Claim(
    id="thm_B1_Tinv_C24",
    reference="(C.24) with Theorem B.1's closed form",
    statement="T_inv defined as lim (1/d) tr(Σ² A² (Ĝ†)²) equals the same closed form",
    formula=_formula({"T_inv": Term("T_inv_C24", *T_INV)}),
    checks=(SymbolicLimit(derive=derived_tinv_c24), LimitRate()),
    section="Appendix C",
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

_F_WRONG = _F(BIAS, T_VAR, T_VAR_SIGMA, T_INV[0], T_INV_SIGMA[0]) - gamma**2 * Sigma_bar * (
    T_INV_SIGMA[0] * T_VAR
) * (1 - 1 / gamma)
_F_WRONG_ABOVE = F_ABOVE - gamma**2 * Sigma_bar * (T_INV_SIGMA[1] * T_VAR.subs(_ONE)) * (
    1 - 1 / gamma
)

thm_B1 = Claim(
    id="thm_B1",
    reference="Theorem B.1, (B.10)–(B.17)",
    statement="lim Err(V_S + V_N) = Bias + γ T_inv T_var + γ Σ̄ T_var,Σ + γ² Σ̄ T_inv,Σ T_var",
    formula=_formula({"Err": Term("err_first_order", F_BELOW, F_ABOVE)}),
    checks=(SymbolicLimit(derive=derived_err), LimitRate()),
    section="Appendix B",
    expected="refuted",
    quote="Theorem B.1, (B.10)–(B.17): lim Err(V_S + V_N) = Bias + γ T_inv T_var + γ Σ̄ "
    "T_var,Σ + γ² Σ̄ T_inv,Σ T_var (block scalars κ, α_k, δ̃_k, g_k, s_k, Σ̄ as printed)",
    notes="The terms are derived exactly, and their assembly (which terms, which powers of γ) "
    "by a noncommutative expansion of Err(V_S + V_N) over the noise "
    "(derivations._asymptotics.theorem_b1_noise_structure). The assembly holds as printed; "
    "the failure is inherited from T_var and T_var,Σ. The corrected formula that holds "
    "(derived = corrected exactly), every correction relative to the print: (1) T_var's "
    "cross-block term − T12 (δ̃1 − δ̃2)(δ̃1 s1 − δ̃2 s2) → + T12 (δ̃2² − δ̃1²)(s1 − s2); "
    "(2) T_var,Σ's likewise with Σ_k for s_k; (3) T_inv read as (C.20)'s (1/d) tr(Σ² Ĝ†), "
    "not (C.24)'s definition (the closed form is unchanged). Size of the error, over every "
    "setting evaluated (printed/derived − 1 for β < 1; μ1 = 1/2, ρ = 0.1, η = 0.2 unless "
    "stated): Fig. 5 (r = 0.1, γ = 0.6 and 0.12, d = 150 and 600): 0.01–18 % low (largest at "
    "β ≈ 0.58 and 0.81); Fig. 1 at r = 0.1 (γ = 1, 1/2, 1/3): 0.03–19 % low; Fig. 1 at "
    "r = 0.01: 0.01–81 % low (largest at β ≈ μ1 = 1/2, n = d); the LimitRate points: 13 % "
    "(β = 0.4, γ = 0.6) and 14 % (β = 0.6, γ = 0.3, μ1 = 0.3) low. The printed curve is "
    "never above the derived one. Above β = 1 (T12 = 0) it holds. The distance of V_S + V_N "
    "from the exact minimiser Ṽ* is reported by fig_5.",
    lhs_latex=r"\lim \mathrm{Err}(V_S + V_N)",
    derivation=lambda: derived_err()["Err"]["below"],
    wrong_variants={
        "gamma_not_squared": _formula({"Err": Term("err_first_order", _F_WRONG, _F_WRONG_ABOVE)})
    },
)

prop_B2 = Claim(
    id="prop_B2",
    reference="Proposition B.2",
    statement="F(β) (Theorem B.1's right side): (i) F → ∞ as β → 1, F = C1 + C2/(β−1) "
    "decreasing to F(∞) for β > 1; (ii) F(0) = Σ μ_k α_k² + γΣ̄ Σ μ_k Σ_k g_k², F(∞) − F(0) = "
    "(η²/r²) μ2 (1 + γΣ̄) + O(1/r); (iii) μ1 ≥ ρ²/(1+ρ²), small r, γ ⇒ F′(0) < 0; "
    "Bias′(0) → −α_1² + μ2/μ1 as r → 0",
    formula=PropB2Statements.printed(PRINTED),
    checks=(PropB2Symbolic(), PropB2Numeric()),
    section="Appendix B",
    quote="Proposition B.2: (i) F → ∞ as β → 1; for β > 1, F = C1 + C2/(β−1), strictly "
    "decreasing to F(∞); (ii) F(0) = Σ_k μ_k α_k² + γ Σ̄ Σ_k μ_k Σ_k g_k² and F(∞) − F(0) = "
    "(η²/r²) μ2 (1 + γ Σ̄) + O(1/r), so for small r > 0 the minimum is at β < 1; (iii) if "
    "μ1 ≥ ρ²/(1+ρ²), then for small r and γ, F′(0) < 0; as r → 0, Bias′(0) → −α_1² + μ2/μ1",
    notes="Properties of the printed closed form F; they do not depend on the cross-block T12 "
    "terms that make thm_B1 fail (T12 = 0 at β = 0 and β ≥ 1), except (iii) through γ T_var,Σ′(0).",
    lhs_latex=r"F(\infty) = \lim_{\beta\to\infty} F(\beta)",
    derivation=lambda: PropB2Statements.derived_matrix(PRINTED),
    wrong_variants={"gap_coefficient_2": PropB2Statements.printed(PRINTED, gap_factor=2)},
)

CLAIMS = (
    lemma_C1,
    lemma_C2,
    lemma_C3,
    thm_B1_terms,
    thm_B1_Tinv_C20,
    thm_B1_Tinv_C24,
    thm_B1,
    prop_B2,
)
