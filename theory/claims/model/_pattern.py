r"""Checks of training dynamics: the pretraining fixed point (3.6)–(3.7) and the sparsity
pattern (3.8) kept by gradient flow.

Symbolic witnesses come from :mod:`derivations._training` (population losses derived from the
forward pass and the Wick calculus, gradients by differentiation). Simulation witnesses run
gradient descent on the real LSA — full :math:`(2d+2)\times(2d+2)` matrices, real embeddings —
through :mod:`numerics`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import derivations as dt
import numerics
from theory._check import Check
from theory._claim import Claim
from theory._params import random_covariance, random_matrix
from theory._verdict import Evidence, Outcome, z_test
from theory.checks import short_text

if TYPE_CHECKING:
    from theory._context import RunContext


BLOCKS = ("1", "2", "3", "4")  # x, y, w, const


PATTERN = frozenset({"V31", "W13", "W24"})


OFF_PATTERN = frozenset(f"{m}{i}{j}" for m in "VW" for i in BLOCKS for j in BLOCKS) - PATTERN


@dataclass(frozen=True)
class SparsityPattern:
    """What a sparsity claim asserts: these blocks stay exactly zero, in these scopes."""

    zero_blocks: frozenset[str] = OFF_PATTERN
    scopes: tuple[str, ...] = ("population", "finite_B")

    def __str__(self) -> str:
        return f"blocks {sorted(self.zero_blocks)} stay 0 ({', '.join(self.scopes)})"


def block_mask(dd: int, blocks: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """Boolean ``(mask_V, mask_W)`` of the named blocks (e.g. ``"V32"``) for dimension ``dd``."""
    sl = numerics.block_slices(dd)
    slices = {"1": sl.x, "2": sl.y, "3": sl.w, "4": sl.c}
    D = 2 * dd + 2
    masks = {"V": np.zeros((D, D), bool), "W": np.zeros((D, D), bool)}
    for name in blocks:
        masks[name[0]][slices[name[1]], slices[name[2]]] = True
    return masks["V"], masks["W"]


# ------------------------------------------------------------------ sparsity pattern (3.8)
def _zero_blocks(claim: Claim) -> frozenset[str]:
    f = claim.formula
    return f.zero_blocks if isinstance(f, SparsityPattern) else OFF_PATTERN


def _scopes(claim: Claim) -> tuple[str, ...]:
    f = claim.formula
    return f.scopes if isinstance(f, SparsityPattern) else ("population",)


@dataclass
class PatternGradient(Check):
    """Symbolic: gradients w.r.t. every entry of the full V, W at a generic pattern point; the
    claimed-zero blocks must vanish identically (population: after expectation over w* and S;
    finite B: for a single symbolic prompt)."""

    loss: str = "sft"
    dims: tuple[int, ...] = (1,)
    k: int = 1
    uses_formula: bool = True
    name: str = field(default="pattern_gradient", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        out = []
        zero = _zero_blocks(claim)
        for scope in _scopes(claim):
            pop = scope == "population"
            bad = []
            for dd in self.dims:
                blocks = ctx.cached(
                    ("pattern_grad", self.loss, dd, self.k, pop),
                    lambda dd=dd, pop=pop: dt.full_gradients_at_pattern(
                        dd, loss=self.loss, k=self.k, population=pop
                    ),
                )
                for (m, b), sq in sorted(blocks.items()):
                    if f"{m}{b}" in zero and sp.expand(sq) != 0:
                        bad.append((dd, f"{m}{b}", sq))
            where = "population (E over w*, S)" if pop else "one symbolic prompt (B = 1)"
            if bad:
                names = sorted({blk for _, blk, _ in bad})
                dd0, blk0, sq0 = bad[0]
                detail = (
                    f"nonzero gradient on {', '.join(names)}; e.g. at d={dd0}, "
                    f"‖∇{blk0}‖² = {short_text(sp.factor(sq0), 200)}"
                )
            else:
                detail = "all claimed-zero blocks have identically zero gradient on the pattern"
            out.append(
                Evidence(
                    kind="symbolic",
                    label=f"{self.loss} loss gradient off the pattern, {where}, d = {self.dims}",
                    outcome=Outcome.FAIL if bad else Outcome.PASS,
                    params={"scope": scope, "loss": self.loss, "k": self.k},
                    detail=detail,
                )
            )
        return out


def _loss_and_grad(loss: str, data, eta: float, k: int, per_prompt: bool = False):
    if loss == "pretrain":
        return lambda V, W: numerics.pretrain_loss_and_grad(data, V, W, per_prompt=per_prompt)
    return lambda V, W: numerics.sft_loss_and_grad(data, V, W, eta=eta, k=k, per_prompt=per_prompt)


def _sparsity_setting(ctx: RunContext, loss: str):
    """Pretraining Σ0, post-training covariance A (≠ Σ0), n, η, k and the pattern start."""
    rng = ctx.rng("sparsity", "setting")[1]
    dd, nn, eta, k = 2, 20, 0.3, 1
    Sig0 = random_covariance(rng, dd, condition=3.0)
    A = Sig0 if loss == "pretrain" else random_covariance(rng, dd, condition=5.0, scale=1.5)
    Gamma0 = (1 + 1 / nn) * Sig0 + np.trace(Sig0) / nn * np.eye(dd)
    starts = {
        "pretrained (Ṽ = −Γ0⁻¹, W̃ = I)": numerics.sparse_weights(
            -np.linalg.inv(Gamma0), np.eye(dd)
        ),
        "random pattern point": numerics.sparse_weights(
            random_matrix(rng, dd), np.eye(dd) + random_matrix(rng, dd, scale=0.3), -0.8
        ),
    }
    return dd, nn, eta, k, A, starts


@dataclass
class PatternPopulationMC(Check):
    """Monte Carlo of the population gradient at pattern points: the mean over many prompts of
    the per-prompt gradient, entry by entry, z-tested against 0 on the claimed-zero blocks."""

    loss: str = "sft"
    uses_formula: bool = True
    name: str = field(default="pattern_population_mc", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        dd, nn, eta, k, A, starts = _sparsity_setting(ctx, self.loss)
        N = ctx.pick(20_000, 200_000)
        mV, mW = block_mask(dd, _zero_blocks(claim))
        out = []
        for j, (label, (V, W)) in enumerate(starts.items()):
            seed, rng = ctx.rng("sparsity", self.loss, "population_mc", j)

            def sim(rng=rng, V=V, W=W):
                data = (
                    numerics.make_pretrain_data
                    if self.loss == "pretrain"
                    else numerics.make_sft_data
                )(A, nn, N, rng)
                _, gV, gW = _loss_and_grad(self.loss, data, eta, k, per_prompt=True)(V, W)
                return (
                    gV.mean(0),
                    gV.std(0, ddof=1) / np.sqrt(N),
                    gW.mean(0),
                    gW.std(0, ddof=1) / np.sqrt(N),
                )

            mVg, sVg, mWg, sWg = ctx.cached(("pattern_mc", self.loss, j), sim)
            mean = np.concatenate([mVg[mV], mWg[mW]])
            se = np.concatenate([sVg[mV], sWg[mW]])
            z, p = z_test(mean, np.zeros_like(mean), se)
            out.append(
                Evidence(
                    kind="monte_carlo",
                    label=f"population {self.loss} gradient on claimed-zero blocks at {label}",
                    params={"d": dd, "n": nn, "eta": eta, "k": k, "A": A, "prompts": N},
                    claimed=0.0,
                    measured=float(np.max(np.abs(mean))) if mean.size else 0.0,
                    stderr=se,
                    z=z,
                    p_value=p,
                    seed=seed,
                    n_samples=N,
                    detail=f"{mean.size} entries; max |mean| shown, max-|z| with Bonferroni",
                )
            )
        return out


def _gd_off_pattern(loss, data, V, W, eta, k, steps, masks, step="armijo"):
    lg = _loss_and_grad(loss, data, eta, k)
    res = numerics.gradient_descent(lg, (V, W), step=step, max_steps=steps)
    Vf, Wf = res.params
    mV, mW = masks
    vals = np.concatenate([Vf[mV], Wf[mW]])
    return vals, res
