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
from theory.checks._os_curvature import (
    RHO,
    GradientLawD1,
    GradientRates,
    HessianBoundExact,
    HessianBoundNumeric,
    HessianLawD1,
    HessianTrainedFit,
)
from theory.checks._os_stability import (
    AlignedVsMisaligned,
    Balance,
    BalanceNumeric,
    BalanceSymbolic,
    InitSpectrumLimit,
    InitSpectrumRate,
    StableStepFit,
)
from theory.checks._os_trends import (
    FIG4_TRENDS,
    SFTScaleInvariance,
    TrendCheck,
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
    quote="Proposition 6.1: L_OS(Ṽ, W̃) = (1/2B) Σ_τ ‖(I + Σ_{i=0}^{k−1} (Ṽ S_τ W̃ + I)^i Ṽ S_τ) "
    "w*_τ‖²",
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
    quote="Proposition 6.1: with W̃ = I this is (1/2B) Σ_τ ‖M_τ^k w*_τ‖², M_τ = I + Ṽ S_τ",
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
    quote="§6, Appendix E: ∇_Ṽ L_OS (W̃ = I) = (1/B) Σ_τ Σ_{j=0}^{k−1} (M_τ^T)^j M_τ^k w*_τ "
    "w*_τ^T (M_τ^T)^{k−1−j} S_τ^T",
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


# ----------------------------------------------------------------- §6 curvature arguments
def _d1_gradient(kk: int = 3) -> sp.Expr:
    """The d = 1 gradient derived from the unrolled rollout (for ``lsa-verify latex``)."""
    from derivations import d as d_sym
    from theory.checks._os_curvature import _d1_values, _v

    loss = dos.os_loss(kk, wt_identity=True).evaluate(_d1_values(), {d_sym: 1})
    return sp.factor(sp.diff(loss, _v))


def _d1_gauss_newton(kk: int = 3) -> sp.Expr:
    from theory.checks._os_curvature import _d1_values, _v, _w

    r = dos.os_iterate_at(kk, _d1_values())[0, 0] - _w
    return sp.factor(sp.diff(r, _v) ** 2)


os_gradient_regimes = Claim(
    id="os_gradient_regimes",
    reference="§6",
    statement="the OS gradient vanishes exponentially in k when ρ(M_τ) < 1 and grows "
    "exponentially when ρ(M_τ) > 1 (a cliff at ρ ≈ 1): ‖∇ℓ_τ‖ ∝ k ρ(M_τ)^{2k−1}",
    formula=k * RHO ** (2 * k - 1),
    checks=(GradientLawD1(), GradientRates()),
    section="§6",
    lhs_latex=r"\lVert \nabla_{\tilde V} \ell_\tau \rVert",
    derivation=_d1_gradient,
    notes="The law is read off the gradient's form: ‖Σ_j (Mᵀ)^j M^k w w^T (Mᵀ)^{k−1−j} S‖ "
    "~ k ρ^{2k−1}. `lsa-verify latex` shows the d = 1 derivation at k = 3 (m = 1 + vs). The "
    "numeric check also reports what an operator-norm law would predict at a non-normal M.",
    quote="§6: the OS gradient vanishes exponentially in k when ρ(M_τ) < 1 and grows "
    "exponentially when ρ(M_τ) > 1 (a cliff at ρ ≈ 1)",
    wrong_variants={
        "rho_to_the_k": k * RHO**k,
        "no_exponential": k * RHO**0,
    },
)

os_hessian = Claim(
    id="os_hessian",
    reference="(6.1), Appendix E",
    statement="near a minimiser (M^k w* ≈ 0) the top Hessian eigenvalue of L_OS scales like "
    "(1/B) Σ_τ k² ρ(M_τ)^{2k−2}",
    formula=k**2 * RHO ** (2 * k - 2),
    checks=(HessianLawD1(), HessianTrainedFit()),
    section="§6 / Appendix E",
    expected="inconclusive",
    lhs_latex=r"\lambda_{\max}(\nabla^2 L_{OS})",
    derivation=_d1_gauss_newton,
    quote="(6.1), Appendix E: near a minimiser (M^k w* ≈ 0) the top Hessian eigenvalue of L_OS "
    "scales like (1/B) Σ_τ k² ρ(M_τ)^{2k−2}",
    notes="Exact at d = 1 (J² = k² m^(2k−2) s² w²). At d = 4 it is tested at minimisers reached "
    "by training (GD, then damped Newton; B = 40 > d, so the residual is small but not 0), kept "
    "where M^k w* ≈ 0 (OS loss < 1 % of its value at Ṽ = 0), with the Hessian assembled from "
    "Hessian–vector products of the hand-written gradient: the exponent of k (a, printed 2) and "
    "the ρ exponent (b, in units of 2k − 2, printed 1) are fitted separately (nonlinear least "
    "squares, dataset intercepts); each is a rate record of H0: exponent = printed, plus an "
    "equivalence record (|a − 2| < 0.5, |b − 1| < 0.1) needed to confirm. Quick tier (3 seeds, "
    "k = 1, 2, 4, 6, 18 minimisers kept): a = 0.25 ± 1.50, b = 0.76 ± 0.20 at seed 0 — neither "
    "rejected nor resolved: inconclusive (6 seeds and k = 1, 2, 3, 4, 6 still leave "
    "a = 0.13 ± 0.63, p = 0.005: the quick tier cannot decide). Full tier (8 seeds, n = 32, "
    "96, k = 1..8; 170 of 224 minimisers kept; `lsa-verify check os_hessian --tier full`, "
    "seed 0): a = 0.09 ± 0.29 and b = 0.76 ± 0.04, both printed exponents rejected "
    "(|t| = 6.7 and 6.4, 136 dof; p = 6e-10, 2e-9) — refuted in the stated regime at "
    "d = 4. The closer the minimiser (smaller residual), the smaller the k exponent (k ≥ 2 "
    "and OS loss < 10 % of its value at Ṽ = 0: a = 0.66 ± 0.22; < 1 %: 0.09 ± 0.29): at an "
    "exact minimiser "
    "with M w* = 0 the Jacobian Σ_j M^j E S M^{k−1−j} w* keeps only j = k − 1, with no factor "
    "k — the k² is the triangle-inequality count of the k terms (exact at d = 1 only, where "
    "M^k w* = 0 forces ρ = 0). The fit also reports the joint form λ ∝ Q^β k^γ and the "
    "operator-norm law. `lsa-verify latex` shows the d = 1 Gauss–Newton Hessian at k = 3.",
    wrong_variants={
        "rho_to_the_6k_minus_6": k**2 * RHO ** (3 * (2 * k - 2)),
    },
)

os_hessian_appendix = Claim(
    id="os_hessian_appendix",
    reference="Appendix E (bound as written)",
    statement="near a minimiser λ_max(∇²L_OS) ≤ (1/B) Σ_τ k² ρ(M_τ)^{2k−2} ‖S_τ‖² ‖w*_τ‖² — the "
    "appendix's bound with ρ(M) written where the derivation uses ‖M‖_op",
    formula=k**2 * RHO ** (2 * k - 2),
    checks=(HessianBoundExact(), HessianBoundNumeric()),
    section="Appendix E",
    expected="refuted",
    lhs_latex=r"\sup \lambda_{\max}(\nabla^2 L_{OS})"
    r" / (\lVert\hat\Sigma\rVert^2 \lVert w^{*}\rVert^2)",
    derivation=_d1_gauss_newton,
    quote="Appendix E (bound as written): λ_max(∇²L_OS) ≲ (1/B) Σ_τ k² ρ(M_τ)^{2k−2} "
    "‖S_τ‖² ‖w*_τ‖² near a minimiser; the derivation bounds ‖J_τ‖ by k‖M_τ‖_op^{k−1}‖S_τ‖‖w*_τ‖",
    notes="The constant ‖S‖²‖w‖² is the derivation's (‖J_τ‖ ≤ k‖M‖^{k−1}‖S‖‖w‖); with ‖M‖_op "
    "the bound holds at every tested point, with ρ(M) it fails at non-normal M (ρ ≤ ‖M‖). The "
    "counterexamples are inside the pipeline's range: M_τ = I + Ṽ S_τ with S_τ a sample "
    "covariance (symmetric PD; the exact point's S = [[2, 1], [1, 1]] is the sample covariance "
    "of two columns, the numeric points use real prompts, n = 20) and Ṽ = (M − I) S_τ⁻¹ a "
    "general matrix — the trained Ṽ is general too (the OS gradient is not symmetric); each "
    "point is an exact global minimiser (zero residual) of the real one-prompt OS loss, the "
    "regime 'near a minimiser'. Training does produce non-normal M_τ: at the os_hessian "
    "minimisers (κ = 30, quick tier, seed 0) the mean ‖M_τ‖_op reaches "
    "1.24 against a mean ρ(M_τ) of 0.28. Not shown: a violation at a "
    "minimiser reached by GD from the pretrained point with zero residual (B ≤ d, d = 4, "
    "k ≤ 8: largest λ_max/bound found 0.98) — the refutation is of the bound at minimisers "
    "in general, which is what it states.",
)


# ----------------------------------------------------------------- Insight 4 and §7
def _d1_stable_step(kk: int = 3) -> sp.Expr:
    """2/H at d = 1: the largest stable GD step of the local quadratic model, H the Hessian of
    the derived OS loss (for ``lsa-verify latex``)."""
    from theory.checks._os_curvature import _d1_values, _v, _w

    r = dos.os_iterate_at(kk, _d1_values())[0, 0] - _w
    return sp.factor(2 / sp.diff(r**2 / 2, _v, 2))


def _balance_rho() -> sp.Expr:
    """ρ(Γ0⁻¹Δ) for Σ0 = diag(ε, 1, 1, 1), Δ = δ e1e1ᵀ, derived with sympy."""
    eps, delta, n = sp.symbols("epsilon delta n", positive=True)
    Sig0 = sp.diag(eps, 1, 1, 1)
    G = (1 + 1 / n) * Sig0 + Sig0.trace() / n * sp.eye(4)
    return sp.simplify((G.inv() * sp.diag(delta, 0, 0, 0))[0, 0])


def _sft_base_loss() -> sp.Expr:
    """L_0 with L_k = c_k L_0 (sparse model, W̃ = I, teacher forcing), derived."""
    return dos.sft_loss_sparse(0).to_sympy()


insight_4 = Claim(
    id="insight_4",
    reference="§6, Insight 4",
    statement="near initialisation with large n, M ≈ −Γ0⁻¹Δ, so ρ(M) ≈ ρ(Γ0⁻¹Δ); where pretraining "
    "covers Δ (ρ < 1) OS starts stable and refines safely; for new directions (ρ ≫ 1) it needs a "
    "step of order C/(k² ρ^{2k−2})",
    formula=k ** (-2) * RHO ** (-(2 * k - 2)),
    checks=(
        InitSpectrumLimit(),
        InitSpectrumRate(),
        HessianLawD1(reciprocal=True),
        StableStepFit(),
        AlignedVsMisaligned(),
    ),
    section="§6",
    expected="inconclusive",
    seed_spread={
        "quick": "root seeds 0–5 (insight_4 alone): 3 confirmed (0, 4, 5), 3 refuted (1, 2, 3) "
        "by the step-law fit — k exponent −0.68 to −1.97 (printed −2), ρ multiplier 0.926 to "
        "1.005 (printed 1), each with a regression s.e. (0.008–0.36) far below this seed-to-seed "
        "spread: the fit's error model does not hold, so its point-null tests cannot decide"
    },
    lhs_latex=r"\gamma_{\max}",
    derivation=_d1_stable_step,
    notes="`lsa-verify latex` shows 2/H at d = 1, k = 3 (H the Hessian of the derived OS loss, "
    "m = 1 + vs = M): the local-quadratic stable step. ρ is ρ(Γ0⁻¹Δ); the stable step is "
    "measured on the real OS loss from the pretrained point (50 GD steps that neither blow "
    "up nor end above the start). The step fit reports the exponent of k and the multiplier of "
    "the printed ρ exponent separately (H0: each = printed; Holm): at seed 0, k exponent "
    "−1.71 ± 0.30 (printed −2), ρ multiplier 0.936 ± 0.018 (printed 1; 3.5 s.e. below, "
    "p = 0.004, not significant at the run's level — the paper says 'of order').",
    quote="§6, Insight 4: near initialisation with large n, M ≈ −Γ0⁻¹Δ, so ρ(M) ≈ ρ(Γ0⁻¹Δ). "
    "Where pretraining covers Δ (ρ < 1) OS starts stable and refines safely; for new directions "
    "(ρ ≫ 1) it needs a step size of order C / (k² ρ^{2k−2})",
    wrong_variants={
        "rho_to_the_minus_2k": k ** (-2) * RHO ** (-2 * k),
        "k_to_the_minus_six": k ** (-6) * RHO ** (-(2 * k - 2)),
    },
)

sec_7_balance = Claim(
    id="sec_7_balance",
    reference="§7",
    statement="an ill-conditioned or singular Σ0 makes the OS cliff appear even for small shifts "
    "in under-covered directions; a broad, well-conditioned Σ0 keeps OS stable; SFT can partly "
    "compensate for a poor prior, OS cannot",
    formula=Balance(),
    checks=(BalanceSymbolic(), BalanceNumeric()),
    section="§7",
    lhs_latex=r"\rho(\Gamma_0^{-1}\Delta)",
    derivation=_balance_rho,
    notes="`lsa-verify latex` shows the derived ρ(Γ0⁻¹Δ) for Σ0 = diag(ε, 1, 1, 1), Δ = δe1e1ᵀ "
    "(the formula itself is a list of statements).",
    quote="§7: an ill-conditioned or singular Σ0 makes the OS cliff appear even for small shifts "
    "in under-covered directions; a broad, well-conditioned Σ0 keeps OS in the stable region. "
    "SFT can partly compensate for a poor prior; OS cannot",
    wrong_variants={
        "no_cliff_from_conditioning": Balance(cliff_from_conditioning=False),
        "sft_step_depends_on_prior": Balance(sft_step_depends_on_prior=True),
    },
)

# ----------------------------------------------------------------- §8: Figure 4, Insight 3
fig_4 = Claim(
    id="fig_4",
    reference="Fig. 4, §8",
    statement="single-layer LSA, Adam (lr 1e-3), 130 epochs, k = 1 at test: SFT test loss falls "
    "then rises with B and with n and is insensitive to k; OS improves with B and n, longer k "
    "hurts",
    formula=dict(FIG4_TRENDS),
    checks=(TrendCheck(variant="full"), SFTScaleInvariance()),
    section="§8",
    expected="not reproduced",
    experiment=True,
    quote="Fig. 4, §8: single-layer LSA, d = 100, Adam (learning rate 1e-3), 130 epochs, k = 1 "
    "at test; Σ0 diagonal with 0.1 on the first d/5 coordinates and 1 elsewhere; Δ low rank with "
    "unit diagonal; results over 10 runs. SFT: test loss falls then rises with B and with n; "
    "insensitive to k. OS: improves with larger B and n; longer k hurts",
    unprinted={
        "d": "8 (quick tier), 100 (full tier, as printed) — could change the outcome (smoke scale)",
        "support of Δ": "the first d/5 coordinates, where Σ0 = 0.1 — could change the outcome",
        "B grid": "4, 16, 64 (quick); 10..320 (full) — a minimum at its end is no U on the grid",
        "n grid": "8, 32, 128 (quick); 50..1600 (full) — as for B",
        "k grid": "1, 2, 4 (quick); 1, 2, 3, 4, 6 (full); B = 16 / 40, n = n0",
        "n0 (pretraining and test prompt length)": "4d — sets ρ(M) > 1, could change the OS trends",
        "steps": "130·⌈B/64⌉ (130 epochs of minibatches of 64 prompts) — could change the outcome",
        "η (SFT targets)": "0.2 (the value of Fig. 5)",
        "precision": "float32 training, float64 test errors — unlikely to matter",
        "seeds": "20 (quick), 10 (full, as printed)",
    },
    lhs_latex=r"L_{SFT,k} / c_k",
    derivation=_sft_base_loss,
    notes="Judged on the runs with every weight trained (as the paper's experiments); the "
    "sparse Ṽ-only runs are drawn in the figure. The paper's unprinted values are ours "
    "(theory.checks._os_trends): Δ on the first d/5 coordinates, n0 = 4d, η = 0.2, "
    "minibatches of 64, steps = 130·⌈B/64⌉ (the full list: `unprinted`). Each statement is two "
    "pending tests (its negation: rejection supports; the statement: rejection contradicts), "
    "decided by Holm over the run. Quick tier (d = 8, 20 seeds, 3 grid values): not "
    "reproduced at every root seed tried "
    "(0–7): SFT decreases monotonically in B on our grid (minimum at its end B = 64; "
    "p_contradict from 2e-9 to 4e-15), while SFT is flat in k and OS worsens with k "
    "(supported); OS vs B and n undecided or contradicted depending on the seed (4 seeds per "
    "run, as before this audit, left every statement undecided). Full tier (d = 100, 10 "
    "seeds, seed 0; measured "
    "before the tests went under Holm, one-sided level 0.01 per statement): OS improves with B "
    "and n and worsens with k, SFT is flat in k (supported); SFT decreases monotonically in B "
    "with its minimum at our grid's end B = 320 (no rise on this grid) and in n up to a "
    "plateau — the falls-then-rises statements are not reproduced on our grid (a minimum at a "
    "grid edge is not a refutation).",
    wrong_variants={
        "sft_increasing_in_B": {**FIG4_TRENDS, ("SFT", "B"): "increasing"},
    },
)

_INSIGHT3 = {
    ("OS", "B"): "decreasing",
    ("OS", "n"): "decreasing",
    ("sharpness", "B"): "decreasing",
    ("sharpness", "n"): "decreasing",
}

insight_3 = Claim(
    id="insight_3",
    reference="§6, Insight 3",
    statement="OS is sensitive to sample variation: with small n and B it ends at a sharp "
    "minimum with a high test error; larger n and B lower both",
    formula=_INSIGHT3,
    checks=(TrendCheck(variant="sparse", methods=("OS", "sharpness")),),
    section="§6",
    expected="inconclusive",
    experiment=True,
    seed_spread={
        "quick": "root seeds 0–7 (20 training seeds per run): 4 not reproduced (seeds 0–3), "
        "4 inconclusive (seeds 4–7); the Ṽ-only post-test error's rise with n has "
        "p_contradict 1e-6 to 2e-3, at the edge of Holm's level"
    },
    quote="§6, Insight 3: OS is sensitive to sample variation: it needs large n, B and many "
    "steps, else it sits at a sharp minimum and small shifts blow up the test error",
    unprinted={
        "model": "the Ṽ-only (theory) model of §6, trained by OS in the Figure 4 sweeps",
        "sizes and optimiser": "those of fig_4 (see its `unprinted`) — could change the outcome",
        "sharpness": "top Hessian eigenvalue of the OS training loss at the end point",
    },
    lhs_latex=r"\tfrac12\lVert M^3 w^{*}\rVert^2",
    derivation=lambda: dos.os_loss(3, wt_identity=True).to_sympy(),
    notes="Measured on the Ṽ-only (theory) model trained by OS in the Figure 4 sweeps: the "
    "post-test error and the top Hessian eigenvalue of the OS training loss at the end point "
    "(power iteration on Hessian–vector products), against B and n. The 'many steps' part is "
    "not tested. The claim is read on the paper's own §6 model (Ṽ only); the all-weights LSA "
    "is claim fig_4. Each statement is two pending tests decided by Holm over the run. Quick "
    "tier (d = 8, 20 seeds per run): the verdict moves with the root seed — the end point is "
    "flatter with larger n (supported at every seed, p ≈ 1e-9), while the Ṽ-only post-test "
    "error rises slightly with n (slope ≈ +0.01; p_contradict 1e-6 to 2e-3 over root seeds "
    "0–7: not reproduced where it passes Holm, inconclusive elsewhere; with 4 seeds per run "
    "every seed was inconclusive, with the earlier per-statement level 0.01, 'refuted' at 5 "
    "of 25). The quick tier therefore reports it inconclusive with that spread (seed_spread); "
    "the direction of the error trend agrees with the full tier. Full tier "
    "(d = 100, 10 seeds, seed 0; measured before the tests went under Holm, one-sided level "
    "0.01): the end point is flatter with larger B and n (supported), but the Ṽ-only model's "
    "post-test error grows with B and n (contradicted) — not reproduced under our choices.",
    wrong_variants={
        "sharper_with_longer_prompts": {**_INSIGHT3, ("sharpness", "n"): "increasing"},
    },
)

CLAIMS = (
    prop_6_1,
    prop_6_1_identity,
    os_gradient,
    os_gradient_regimes,
    os_hessian,
    os_hessian_appendix,
    insight_4,
    sec_7_balance,
    insight_3,
    fig_4,
)
