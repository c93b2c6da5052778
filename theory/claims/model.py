"""§1–§3: the model itself — the forward-pass recursion (A.1), the pretrained weights
(3.6)–(3.7) and the sparsity pattern (3.8)."""

from __future__ import annotations

import sympy as sp

import derivations._training as dt
from theory import quantities as q
from theory._claim import Claim
from theory.checks import NumericIdentity, SymbolicIdentity
from theory.checks._training import (
    OFF_PATTERN,
    FixedPointGD,
    FixedPointSolve,
    FixedPointStationarity,
    FixedPointUniqueness,
    PatternFiniteB,
    PatternGradient,
    PatternPopulationMC,
    PatternRate,
    SparsityPattern,
)
from theory.symbols import Gamma0, I, S, Sigma0, Vt, Wt, n, w, wi

recursion = Claim(
    id="recursion",
    reference="(A.1)",
    statement="with the sparse weights, the LSA forward pass gives "
    "ŵ_{i+1} = ŵ_i + Ṽ S (W̃ ŵ_i − w*)",
    formula=wi + Vt * S * (Wt * wi - w),
    quantity=q.next_iterate,
    checks=(SymbolicIdentity(), NumericIdentity()),
    section="§1 / Appendix A",
    quote="(A.1): with the sparse weights, ŵ_{i+1} = ŵ_i + Ṽ S (W̃ ŵ_i − w*).",
    wrong_variants={
        "sign_of_w_star": wi + Vt * S * (Wt * wi + w),
        "divide_by_n_plus_1": wi + n / (n + 1) * Vt * S * (Wt * wi - w),
        "transposed_W": wi + Vt * S * (Wt.T * wi - w),
    },
)

pretrain_fixed_point = Claim(
    id="pretrain_fixed_point",
    reference="(3.6)–(3.7)",
    statement="gradient flow on the population one-step loss under N(0, Σ0) has the unique fixed "
    "point Ṽ = −Γ0⁻¹, Γ0 = (1 + 1/n)Σ0 + (tr Σ0/n) I; the full parameterisation keeps the pattern",
    formula=-Gamma0.I,
    checks=(
        FixedPointStationarity(),
        FixedPointSolve(),
        FixedPointUniqueness(),
        # the pattern part of the claim; it does not depend on the printed fixed point
        PatternGradient(loss="pretrain", dims=(1, 2), uses_formula=False),
        PatternPopulationMC(loss="pretrain", uses_formula=False),
        FixedPointGD(full=False),
        FixedPointGD(full=True, max_steps=1500),
    ),
    section="§3",
    quote="(3.6)–(3.7), imported from Huang, Wang & Lee (2025), a population gradient-flow "
    "analysis: V̂0 has the one nonzero block V31 = −Γ0⁻¹, Ŵ0 has W13 = I and W24 = −1, "
    "Γ0 = (1 + 1/n)Σ0 + (tr Σ0/n)I; started at the sparse pattern, the pattern is kept.",
    notes="Population statement: the pattern check uses the population gradient only.",
    lhs_latex=r"\tilde{V}^{*}",
    derivation=dt.pretrain_fixed_point_expr,
    wrong_variants={
        "no_trace_term": -((1 + 1 / n) * Sigma0).I,
        "one_plus_two_over_n": -((1 + 2 / n) * Sigma0 + sp.Trace(Sigma0) / n * I).I,
    },
)

sparsity_preserved = Claim(
    id="sparsity_preserved",
    reference="§3, (3.8)",
    statement="in the population regime (B → ∞), gradient flow on L_SFT over the full V, W from "
    "(V̂0, Ŵ0) keeps every block outside the pattern at zero, for general covariances",
    formula=SparsityPattern(OFF_PATTERN, ("population",)),
    checks=(
        PatternGradient(loss="sft", dims=(1,), k=1),
        PatternPopulationMC(loss="sft"),
        PatternRate(loss="sft"),
    ),
    section="§3",
    quote="§3, (3.8), p. 4: the paper argues, from the symmetry of w* and the CoT targets being "
    "odd in w*, that gradient flow on the CoT/SFT loss keeps the block pattern for general "
    "covariances (an argument in expectation, i.e. the population regime); at finite B it "
    "imposes the pattern on all post-training.",
    notes="Population statement, as the paper argues it: the symbolic population gradient, its "
    "Monte Carlo estimate, and the rate at which finite-B GD approaches the population flow "
    "(off-pattern blocks shrink like 1/B). The finite-B reading is the separate extension claim "
    "sparsity_preserved_finite_B.",
    wrong_variants={
        "V31_stays_zero": SparsityPattern(OFF_PATTERN | {"V31"}, ("population",)),
    },
)

sparsity_preserved_finite_B = Claim(
    id="sparsity_preserved_finite_B",
    reference="§3, (3.8) (finite-B reading)",
    statement="Extension (ours): at every finite B, gradient flow on the empirical L_SFT over the "
    "full V, W from (V̂0, Ŵ0) keeps every block outside the pattern exactly at zero",
    formula=SparsityPattern(OFF_PATTERN, ("finite_B",)),
    checks=(
        PatternGradient(loss="sft", dims=(1,), k=1),
        PatternFiniteB(loss="sft"),
    ),
    section="§3",
    expected="refuted",
    extends="sparsity_preserved",
    notes="The paper does not claim this: it imposes the pattern at finite B. The symmetry "
    "argument (w* ↦ −w*) holds in expectation only; every finite B breaks the pattern (V32, "
    "W14, W23 receive gradient, already for one symbolic prompt).",
)

CLAIMS = (recursion, pretrain_fixed_point, sparsity_preserved, sparsity_preserved_finite_B)
