r"""Claim ``sparsity_preserved_finite_B`` (the model, §1–§3): the claim and the checks written only
for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

import numerics
from theory._check import Check
from theory._claim import Claim
from theory._verdict import Evidence, Outcome
from theory.claims.model._pattern import (
    OFF_PATTERN,
    PatternGradient,
    SparsityPattern,
    _gd_off_pattern,
    _scopes,
    _sparsity_setting,
    _zero_blocks,
    block_mask,
)

if TYPE_CHECKING:
    from theory._context import RunContext


@dataclass
class PatternFiniteB(Check):
    """Finite B: after T GD steps on B prompts from the pretrained point, are the claimed-zero
    blocks still exactly zero (up to float64 round-off)? Deterministic."""

    loss: str = "sft"
    name: str = field(default="pattern_finite_b", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        if "finite_B" not in _scopes(claim):
            return []
        dd, nn, eta, k, A, starts = _sparsity_setting(ctx, self.loss)
        V0, W0 = next(iter(starts.values()))
        B, T = 64, 30
        seed, rng = ctx.rng("sparsity", self.loss, "finite_b")
        data = (numerics.make_pretrain_data if self.loss == "pretrain" else numerics.make_sft_data)(
            A, nn, B, rng
        )
        vals, res = _gd_off_pattern(
            self.loss, data, V0, W0, eta, k, T, block_mask(dd, _zero_blocks(claim))
        )
        moved = float(np.max(np.abs(vals))) if vals.size else 0.0
        scale = float(max(np.max(np.abs(res.params[0])), np.max(np.abs(res.params[1]))))
        tol = 1e-12 * scale
        return [
            Evidence(
                kind="numeric",
                label=f"claimed-zero blocks after {T} GD steps on B={B} prompts (finite B)",
                outcome=Outcome.PASS if moved <= tol else Outcome.FAIL,
                params={"d": dd, "n": nn, "eta": eta, "k": k, "B": B, "steps": T},
                claimed=0.0,
                measured=moved,
                seed=seed,
                detail=f"max |entry| = {moved:.3g} vs round-off tolerance {tol:.1g}",
            )
        ]


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
    cheap=True,
    refuted_at=(frozenset({"pattern_finite_b", "pattern_gradient"}), ()),
    expected="refuted",
    extends="sparsity_preserved",
    notes="The paper does not claim this: it imposes the pattern at finite B. The symmetry "
    "argument (w* ↦ −w*) holds in expectation only; every finite B breaks the pattern (V32, "
    "W14, W23 receive gradient, already for one symbolic prompt).",
)


CLAIMS = (sparsity_preserved_finite_B,)
