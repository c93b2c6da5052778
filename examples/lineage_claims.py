"""Nine results of the linear-attention ICL lineage, stated as lsa-verify claims.

Run: ``lsa-verify check --claims examples/lineage_claims.py``. Each claim carries one planted
wrong variant (``lsa-verify`` refutes it; see tests/test_lineage_claims.py). Every formula was
derived by hand from the model's definitions (derivations below each claim) and checked by an
independent numpy Monte Carlo before it was written here.

Setting: prompts x_j ~ N(0, Σ), j = 1..n, task w* ~ N(0, I), one LSA step with V_31 = Ṽ,
W̃ = I from ŵ_0 = 0 gives ŵ = −Ṽ (1/n) Σ_j y_j x_j; Γ(Σ) = (1 + 1/n) Σ + (tr Σ / n) I.
The one Wishart fact used throughout: E[S M S] = (1 + 1/n) Σ M Σ + tr(M Σ) Σ / n (S = Σ̂).
"""

import sympy as sp

from theory import Claim, quantities
from theory.symbols import I, Sigma, Vt, d, eta, n, sigma

Gamma = (1 + 1 / n) * Sigma + sp.Trace(Sigma) / n * I  # Γ(Σ)
fixed_point = {"Vt": -Gamma.I}  # the LSA gradient-flow fixed point Ṽ* = −Γ(Σ)⁻¹

# 1. Weight error at the fixed point. ŵ = Γ⁻¹ S w*, so E‖ŵ − w*‖² = tr(Γ⁻¹ E[S²] Γ⁻¹)
#    − 2 tr(Γ⁻¹ Σ) + d, and E[S²] = Σ Γ: the error is d − tr(Γ⁻¹ Σ). Γ(Σ)⁻¹ of a general Σ is
#    an inverse of a compound expression: stated (and derived exactly) at d = 1, 2.
fp_weight_error = Claim.identity(
    "fp_weight_error",
    quantity=quantities.one_step_test_error,
    at=fixed_point,
    dims=(1, 2),
    formula=d - sp.Trace(Gamma.I * Sigma),
    reference="LSA fixed point",
    wrong_variants={"no_trace_term": d - sp.Trace(((1 + 1 / n) * Sigma).I * Sigma)},
)

# 2. Query risk at the fixed point. E(x_qᵀ(ŵ − w*))² = E tr((SΓ⁻¹ − I) Σ (Γ⁻¹S − I))
#    = tr(Γ⁻¹ Σ Γ⁻¹ E[SΣS]) − 2 tr(Γ⁻¹Σ²) + tr Σ, and E[SΣ'S] with Σ' = Γ⁻¹ΣΓ⁻¹ gives
#    tr(Γ⁻¹Σ²) (Γ commutes with Σ): the risk is tr Σ − tr(Γ⁻¹ Σ²).
fp_query_risk = Claim.identity(
    "fp_query_risk",
    quantity=quantities.query_risk,
    at=fixed_point,
    dims=(1, 2),
    formula=sp.Trace(Sigma) - sp.Trace(Gamma.I * Sigma**2),
    reference="LSA fixed point",
    wrong_variants={"weight_error_form": sp.Trace(Sigma) - sp.Trace(Gamma.I * Sigma)},
)

# 3. Its isotropic closed form, every d: Σ = I gives Γ = (n + d + 1)/n · I and the risk
#    d − d n/(n + d + 1) = d (d + 1)/(n + d + 1).
fp_query_risk_isotropic = Claim.identity(
    "fp_query_risk_isotropic",
    quantity=quantities.query_risk,
    at={"Sigma": I, **fixed_point},
    formula=d * (d + 1) / (n + d + 1),
    reference="LSA fixed point, Σ = I",
    wrong_variants={"d_squared": d**2 / (n + d + 1)},
)

# 4. The averaging estimator ŵ = (1/n) Σ_j y_j x_j = S w* (Ṽ = −I). Query risk
#    E tr((S − I) Σ (S − I)) = tr E[SΣS] − 2 tr Σ² + tr Σ
#    = (1 + 1/n) tr Σ³ + tr Σ tr Σ² / n − 2 tr Σ² + tr Σ, every d.
averaging_query_risk = Claim.identity(
    "averaging_query_risk",
    quantity=quantities.query_risk,
    at={"Vt": -I},
    formula=(1 + 1 / n) * sp.Trace(Sigma**3)
    + sp.Trace(Sigma) * sp.Trace(Sigma**2) / n
    - 2 * sp.Trace(Sigma**2)
    + sp.Trace(Sigma),
    reference="averaging estimator",
    wrong_variants={
        "no_trace_product": (1 + 1 / n) * sp.Trace(Sigma**3)
        - 2 * sp.Trace(Sigma**2)
        + sp.Trace(Sigma)
    },
)

# 5. One GD step of size η with label noise y = ⟨w*, x⟩ + σε (Ṽ = −ηI). ŵ − w* =
#    −(I − ηS) w* + η u with u = Xε/n ~ N(0, S/n) given X: E‖ŵ − w*‖² = E tr (I − ηS)²
#    + η² σ² tr Σ / n = d − 2η tr Σ + η² ((1 + 1/n) tr Σ² + (tr Σ)²/n) + η² σ² tr Σ / n.
gd_noisy_weight_error = Claim.identity(
    "gd_noisy_weight_error",
    quantity=quantities.noisy_test_error,
    at={"Vt": -eta * I},
    scalars={eta: (0.05, 1.0)},
    formula=d
    - 2 * eta * sp.Trace(Sigma)
    + eta**2 * ((1 + 1 / n) * sp.Trace(Sigma**2) + sp.Trace(Sigma) ** 2 / n)
    + eta**2 * sigma**2 * sp.Trace(Sigma) / n,
    reference="one GD step, label noise",
    wrong_variants={
        "noise_times_d": d
        - 2 * eta * sp.Trace(Sigma)
        + eta**2 * ((1 + 1 / n) * sp.Trace(Sigma**2) + sp.Trace(Sigma) ** 2 / n)
        + eta**2 * sigma**2 * d / n
    },
)

# 6. Two GD steps of size η (two LSA steps, Ṽ = −ηI, W̃ = I), Σ = I. The recursion (A.1)
#    gives ŵ_{i+1} − w* = (I − ηS)(ŵ_i − w*), so E‖ŵ_2 − w*‖² = E tr (I − ηS)⁴
#    = Σ_k C(4,k) (−η)^k E tr S^k, with E tr W^k (W = nS ~ Wishart(n, I_d)) by Wick:
#    d n, d n (n + d + 1), d n (n² + 3nd + d² + 3n + 3d + 4),
#    d n (n³ + 6n²d + 6nd² + d³ + 6n² + 17nd + 6d² + 21n + 21d + 20).
_trS = [
    d,
    d,
    d * (n + d + 1) / n,
    d * (n**2 + 3 * n * d + d**2 + 3 * n + 3 * d + 4) / n**2,
    d
    * (
        n**3
        + 6 * n**2 * d
        + 6 * n * d**2
        + d**3
        + 6 * n**2
        + 17 * n * d
        + 6 * d**2
        + 21 * n
        + 21 * d
        + 20
    )
    / n**3,
]
gd_two_step_risk = Claim.identity(
    "gd_two_step_risk",
    quantity=quantities.icl_risk(2),
    at={"Sigma": I, "Vt": -eta * I},
    scalars={eta: (0.05, 0.5)},
    formula=sum(sp.binomial(4, j) * (-eta) ** j * _trS[j] for j in range(5)),
    reference="two GD steps, Σ = I",
    wrong_variants={"population": d * (1 - eta) ** 4},
)

# Claims that are not identities.
# 7. Finite prompts never beat the population. With M = I + ṼS, E[S] = Σ:
#    E‖M‖_F² = ‖I + ṼΣ‖_F² + E‖Ṽ(S − Σ)‖_F² ≥ ‖I + ṼΣ‖_F², for every Ṽ and Σ (the gap is
#    (tr(ṼΣ²Ṽᵀ) + tr(ṼΣṼᵀ) tr Σ)/n by the Wishart fact). Planted: the bound inflated by
#    (1 + 1/n), which the error falls below at Ṽ = 0.
_population = sp.Trace((I + Vt * Sigma) * (I + Vt * Sigma).T)  # ‖I + ṼΣ‖_F²
gd_above_population = Claim.inequality(
    "gd_above_population",
    quantity=quantities.one_step_test_error,
    bound=_population,
    sense=">=",
    reference="one LSA step, any Ṽ",
    wrong_variants={"inflated": (1 + 1 / n) * _population},
)

# 8. Proportional limit of one GD step, Σ = I: E‖ŵ − w*‖² = d(1 − η)² + η² d(d + 1)/n, so with
#    n = 2d the error per dimension tends to (1 − η)² + η²/2 as d → ∞ (the d/n term survives).
#    Planted: the population value (1 − η)², the fixed-d limit's reading.
gd_proportional_limit = Claim.limit(
    "gd_proportional_limit",
    quantity=quantities.one_step_test_error,
    at={"Sigma": I, "Vt": -eta * I},
    scalars={eta: (0.05, 1.0)},
    limit=(1 - eta) ** 2 + eta**2 / 2,
    along="d",
    ratio=2,
    per=d,
    reference="one GD step, n = 2d → ∞",
    wrong_variants={"population": (1 - eta) ** 2},
)

# 9. The best GD step under label noise, Σ = I: by 5., E‖ŵ − w*‖² = d(1 − η)² + η² d (d + 1
#    + σ²)/n, a parabola in η with minimiser η* = n/(n + d + 1 + σ²): noise shrinks the step.
#    Planted: the noise-free minimiser n/(n + d + 1).
gd_best_noisy_step = Claim.argmin(
    "gd_best_noisy_step",
    quantity=quantities.noisy_test_error,
    at={"Sigma": I, "Vt": -eta * I},
    scalars={eta: (0.0, 1.0)},
    over=eta,
    minimiser=n / (n + d + 1 + sigma**2),
    reference="one GD step, label noise",
    wrong_variants={"noise_blind": n / (n + d + 1)},
)

CLAIMS = [
    fp_weight_error,
    fp_query_risk,
    fp_query_risk_isotropic,
    averaging_query_risk,
    gd_noisy_weight_error,
    gd_two_step_risk,
    gd_above_population,
    gd_proportional_limit,
    gd_best_noisy_step,
]
