"""§4: SFT post-training — Theorem 4.1 (the SFT minimiser nearest the initialisation),
Theorem 4.2 (loss, gradient and the gradient-descent bound), Remark 4.1 (dependence on k) and
Proposition 4.3 (the limit B → ∞)."""

from __future__ import annotations

import sympy as sp

import derivations._sft as ds
from derivations._training import linear_part
from theory._claim import Claim
from theory.checks._sft import (
    B_LE_D,
    NO_OVERSHOOT,
    THM42_PARTS,
    KIndependence,
    LossGradientNumeric,
    LossGradientSymbolic,
    MinDistanceSymbolic,
    N_iter,
    NearestZeroLoss,
    PopulationLimitMC,
    PopulationLimitRate,
    PopulationLimitSymbolic,
    RidgePath,
    SpeedWithK,
    StepSizeBound,
    ZeroLossConditions,
    ck_symbol,
    gamma_symbol,
    i_symbol,
    t_symbol,
)
from theory.checks._sft_setup import nearest_stationary_point, vinf_derived
from theory.symbols import (
    A,
    Bsym,
    Gamma0,
    I,
    LambdaMax,
    LambdaMinPlus,
    Omega,
    Phi,
    Vt,
    eta,
    k,
    n,
    pinv,
)

rho_c = 1 - eta
#: c_k = Σ_{i=0}^{k} ρ_c^{2i}, as printed
c_k = sp.Sum(rho_c ** (2 * i_symbol), (i_symbol, 0, k))
M = Phi * Phi.T

#: (4.1) as printed
VSTAR = -eta * Omega * pinv(Phi) - Gamma0.I * (I - Phi * pinv(Phi))


def _derived_nearest_point():
    """Display: the zero of the derived folded gradient nearest −Γ0⁻¹, and W̃* = I."""
    C, K = linear_part(ds.sft_gradient_folded(0))
    return sp.Tuple(nearest_stationary_point(C.to_sympy(), K.to_sympy(), -Gamma0.I), I)


thm_4_1 = Claim(
    id="thm_4_1",
    reference="Theorem 4.1, (4.1)",
    statement="as λ → 0+ the minimiser of L_SFT + λ‖Ṽ + Γ0⁻¹‖² + λ‖W̃ − I‖² tends to W̃* = I, "
    "Ṽ* = −ηΩΦ† − Γ0⁻¹(I − ΦΦ†); this point has zero SFT loss and is the zero-loss point "
    "nearest the initialisation",
    formula=sp.Tuple(VSTAR, I),
    checks=(ZeroLossConditions(), MinDistanceSymbolic(), RidgePath(), NearestZeroLoss()),
    section="§4",
    lhs_latex=r"\left(\tilde{V}^{*}, \tilde{W}^{*}\right)",
    derivation=lambda: _derived_nearest_point(),
    expected="holds under",
    quote="Theorem 4.1, (4.1), §4: the minimiser of L_SFT + λ‖Ṽ + Γ0⁻¹‖_F² + λ‖W̃ − I‖_F² "
    "tends, as λ → 0+, to W̃* = I, Ṽ* = −ηΩΦ† − Γ0⁻¹(I − ΦΦ†); this point has zero SFT loss "
    "and is the zero-loss point nearest the initialisation (stated without a condition on B; "
    "Fig. 1 and Lemma C.1 use B > d).",
    conditions={B_LE_D: "B ≤ d (Φ of full column rank for generic data)"},
    notes="Refuted in general: B > d is inside the theorem's stated range (no condition on B "
    "is printed, and the paper itself uses B > d). Holds for B ≤ d (Φ of full column rank): "
    "every zero-loss point satisfies ṼΦ = −ηΩ "
    "(the i = 0 residual does not involve W̃), W̃ = I satisfies the other conditions, and (4.1) "
    "is the point of {ṼΦ = −ηΩ} nearest −Γ0⁻¹; the ridge path converges to it at rate O(λ). "
    "For B > d (used by the paper in Fig. 1 and Lemma C.1 for β ≥ 1) no zero-loss point exists "
    "for generic data, (4.1) is only the least-squares point with W̃ = I fixed, and for k ≥ 1 "
    "the ridge path with W̃ trained converges elsewhere (training W̃ lowers the loss further).",
    wrong_variants={
        "no_projection_term": sp.Tuple(-eta * Omega * pinv(Phi), I),
        "sign_of_eta": sp.Tuple(eta * Omega * pinv(Phi) - Gamma0.I * (I - Phi * pinv(Phi)), I),
    },
)


def thm42_formula(ck: sp.Expr, *, grad_has_ck: bool = True) -> sp.Tuple:
    """The printed parts of Theorem 4.2 (order :data:`THM42_PARTS`) with the printed definition
    ``ck`` of c_k (the other parts use the name c_k)."""
    g = ck_symbol if grad_has_ck else sp.Integer(1)
    resid = Vt * Phi + eta * Omega
    lmax, lmin = LambdaMax(M), LambdaMinPlus(M)
    alpha = sp.Max(
        sp.Abs(1 - gamma_symbol * g * lmax / Bsym), sp.Abs(1 - gamma_symbol * g * lmin / Bsym)
    )
    parts = {
        "loss": ck_symbol / (2 * Bsym) * sp.Trace(resid.T * resid),
        "grad": g / Bsym * resid * Phi.T,
        "c_k": ck,
        "gamma_max": 2 * Bsym / (g * lmax),
        "alpha": alpha,
        "gamma_opt": Bsym / (g * lmax),
        "alpha_opt": 1 - lmin / lmax,
        "vstar": VSTAR,
        "bound": alpha**t_symbol * sp.sqrt(sp.Trace((Gamma0.I + VSTAR) * (Gamma0.I + VSTAR).T)),
    }
    return sp.Tuple(*(parts[name] for name in THM42_PARTS))


def _derived_thm42():
    """Display: derived loss and gradient (k = 1, folded over prompts), derived c_k."""
    return sp.Tuple(
        ds.sft_loss_folded(1).to_sympy(),
        ds.sft_gradient_folded(1).to_sympy(),
        sp.Sum((ds.rho**i_symbol) ** 2, (i_symbol, 0, k)),
    )


thm_4_2 = Claim(
    id="thm_4_2",
    reference="Theorem 4.2",
    statement="with W̃ = I: L_SFT = (c_k/2B)‖ṼΦ + ηΩ‖², ∇ = (c_k/B)(ṼΦ + ηΩ)Φᵀ; GD from −Γ0⁻¹ "
    "with γ < 2B/(c_k λ_max(M)) has ‖Ṽ_t − Ṽ*‖ ≤ α^t‖Γ0⁻¹ + Ṽ*‖, α = max|1 − γc_kλ/B| over "
    "λ ∈ {λ_max, λ⁺_min}; at γ = B/(c_k λ_max), α = 1 − λ⁺_min/λ_max",
    formula=thm42_formula(c_k),
    checks=(LossGradientSymbolic(), LossGradientNumeric(), StepSizeBound()),
    section="§4",
    lhs_latex=r"\left(L_{SFT}, \nabla_{\tilde V} L_{SFT}, c_k, \gamma_{\max}, \alpha, "
    r"\gamma_{opt}, \alpha_{opt}, \tilde V^{*}, \text{bound}_t\right)",
    derivation=_derived_thm42,
    quote="Theorem 4.2, §4: with W̃ = I, L_SFT = (c_k/2B)‖ṼΦ + ηΩ‖_F², gradient "
    "(c_k/B)(ṼΦ + ηΩ)Φᵀ; GD from Ṽ0 = −Γ0⁻¹ with γ < 2B/(c_k λ_max(M)) satisfies "
    "‖Ṽ_t − Ṽ*‖_F ≤ α^t‖Γ0⁻¹ + Ṽ*‖_F; with γ = B/(c_k λ_max(M)), α = 1 − λ⁺_min(M)/λ_max(M).",
    notes="The derived display shows (L_SFT, ∇L_SFT) at k = 1 and c_k for symbolic k. "
    "Tightness of the bound is reported per step size in the evidence.",
    wrong_variants={
        "c_k_to_k_minus_1": thm42_formula(sp.Sum(rho_c ** (2 * i_symbol), (i_symbol, 0, k - 1))),
        "gradient_without_c_k": thm42_formula(c_k, grad_has_ck=False),
    },
)


def _derived_remark():
    """Display: the derived nearest point (k-free) and the derived contraction factor of GD
    at step γ, which depends on k only through c_k."""
    lmax, lmin = LambdaMax(M), LambdaMinPlus(M)
    alpha = sp.Max(
        sp.Abs(1 - gamma_symbol * ck_symbol * lmax / Bsym),
        sp.Abs(1 - gamma_symbol * ck_symbol * lmin / Bsym),
    )
    return sp.Tuple(_derived_nearest_point()[0], alpha)


remark_4_1 = Claim(
    id="remark_4_1",
    reference="Remark 4.1",
    statement="Ṽ* does not depend on k; at a fixed admissible step, larger k (larger c_k) "
    "converges faster",
    formula=sp.Tuple(VSTAR, sp.Le(N_iter(k + 1), N_iter(k))),
    checks=(KIndependence(), SpeedWithK()),
    section="§4",
    lhs_latex=r"\left(\tilde{V}^{*}, \text{iterations}\right)",
    derivation=_derived_remark,
    expected="holds under",
    quote="Remark 4.1, §4: Ṽ* does not depend on k; at a fixed admissible step, larger k "
    "(larger c_k) converges faster.",
    conditions={
        NO_OVERSHOOT: "the fixed step is at most B/(c_K λ_max(M)) for the largest k = K "
        "compared (GD overshoots no eigen-direction for any k)"
    },
    notes="N(k) = GD iterations to a fixed accuracy at γ = f·2B/(c_3 λ_max), f < 1: a step "
    "admissible for every k = 0..3 compared, i.e. inside the remark's stated range. Ṽ* is "
    "k-independent (the gradient only scales by c_k). The speed-up holds for steps "
    "γ ≤ B/(c_K λ_max) (no overshoot), but not near the admissible limit: there the top "
    "eigen-direction overshoots more for larger c_k (|1 − γc_kλ_max/B| grows with k once "
    "γc_k(λ_max + λ⁺_min)/B > 2), and larger k converges slower (f = 0.99: a counterexample "
    "at an admissible step). The relation tested is the non-strict N(k + 1) ≤ N(k).",
    wrong_variants={
        "vstar_scales_with_c_k_and_k_slows": sp.Tuple(
            ck_symbol * VSTAR, sp.Ge(N_iter(k + 1), N_iter(k))
        ),
    },
)

VINF = -eta * pinv((n + 1) / n * A + sp.Trace(A) / n * A * pinv(A)) - Gamma0.I * (I - A * pinv(A))
VINF_INVERTIBLE = -eta * ((n + 1) / n * A + sp.Trace(A) / n * I).I

prop_4_3 = Claim(
    id="prop_4_3",
    reference="Proposition 4.3, (4.2)",
    statement="as B → ∞ (x ~ N(0, A)), Ṽ* → Ṽ_∞ = −η(((n+1)/n)A + (tr A/n)AA†)† − Γ0⁻¹(I − AA†); "
    "for invertible A, −η(((n+1)/n)A + (tr A/n)I)⁻¹",
    formula=sp.Tuple(VINF, VINF_INVERTIBLE),
    checks=(PopulationLimitSymbolic(), PopulationLimitRate(), PopulationLimitMC()),
    section="§4",
    lhs_latex=r"\left(\tilde{V}_{\infty}, \tilde{V}_{\infty}\big|_{A \succ 0}\right)",
    derivation=lambda: sp.Tuple(vinf_derived(), vinf_derived()),
    quote="Proposition 4.3, (4.2), §4: as B → ∞ (n, d fixed, x ~ N(0, A), A PSD), Ṽ* → "
    "Ṽ_∞ = −η(((n+1)/n)A + (tr A/n)AA†)† − Γ0⁻¹(I − AA†); for invertible A, "
    "−η(((n+1)/n)A + (tr A/n)I)⁻¹.",
    notes="Ṽ*_B is computed by real training (the exact minimiser of the real SFT loss nearest "
    "−Γ0⁻¹, W̃ = I). The distance to Ṽ_∞ shrinks like B^(-1/2), as the law of large numbers "
    "predicts.",
    wrong_variants={
        "no_trace_term": sp.Tuple(
            -eta * pinv((n + 1) / n * A) - Gamma0.I * (I - A * pinv(A)),
            -eta * ((n + 1) / n * A).I,
        ),
        "n_over_n_plus_1": sp.Tuple(
            -eta * pinv(n / (n + 1) * A + sp.Trace(A) / n * A * pinv(A))
            - Gamma0.I * (I - A * pinv(A)),
            -eta * (n / (n + 1) * A + sp.Trace(A) / n * I).I,
        ),
    },
)

CLAIMS = (thm_4_1, thm_4_2, remark_4_1, prop_4_3)

__all__ = [
    "CLAIMS",
    "VINF",
    "VSTAR",
    "c_k",
    "prop_4_3",
    "remark_4_1",
    "thm42_formula",
    "thm_4_1",
    "thm_4_2",
]
