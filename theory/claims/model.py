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
    statement="gradient flow on L_SFT over the full V, W from (V̂0, Ŵ0) keeps every block outside "
    "the pattern at zero, for general covariances (population and finite B)",
    formula=SparsityPattern(OFF_PATTERN, ("population", "finite_B")),
    checks=(
        PatternGradient(loss="sft", dims=(1,), k=1),
        PatternPopulationMC(loss="sft"),
        PatternRate(loss="sft"),
        PatternFiniteB(loss="sft"),
    ),
    section="§3",
    expected="refuted",
    notes="The symmetry argument (w* ↦ −w*) holds in expectation only: the population part is "
    "confirmed, every finite B breaks the pattern (V32, W14, W23 receive gradient).",
    wrong_variants={
        "V31_stays_zero": SparsityPattern(OFF_PATTERN | {"V31"}, ("population",)),
    },
)

CLAIMS = (recursion, pretrain_fixed_point, sparsity_preserved)
