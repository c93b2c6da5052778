r"""Checks of the exact outcome-supervision results: Proposition 6.1 (the OS loss of the real
k-step rollout in closed form) and the OS gradient of §6 / Appendix E.

* symbolic, every d: the printed formula at k = 1..K against the loss (or gradient) derived by
  unrolling the block forward pass (:mod:`derivations._os`), compared as canonical trace
  polynomials;
* symbolic, explicit d: against the explicit rollout on generic tokens (d = 1) or a generic
  empirical covariance with symbolic n (d = 2, 3);
* numeric: the real rollout on real embeddings (:func:`numerics.cot_rollout` on features,
  :func:`numerics.cot_rollout_naive` for a few prompts) and the hand-written gradient of the
  real rollout loss (back-propagation through the rollout, itself checked by finite
  differences) against the printed formula evaluated prompt by prompt, at larger d and k.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import derivations as dos
import numerics
from derivations import LETTERS, TracePoly, d, exact_difference, n
from theory._check import Check
from theory._claim import Claim
from theory._evaluate import evaluate, evaluate_exact
from theory._matsum import at_steps
from theory._params import random_covariance, random_matrix
from theory._verdict import Evidence, Outcome
from theory.checks import short_text

if TYPE_CHECKING:
    from theory._context import RunContext


@dataclass
class OSUnrolledEveryD(Check):
    r"""Every d: the printed formula at :math:`k = 1..K` equals the loss (``what="loss"``) or
    the :math:`\tilde V`-gradient (``what="gradient"``, :math:`\tilde W = I`) derived by
    unrolling the block forward pass k times; canonical trace polynomials compared."""

    what: str = "loss"
    wt_identity: bool = False
    steps: tuple[int, ...] = (1, 2, 3, 4)
    name: str = field(default="unrolled_every_d", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        fails = []
        for kk in self.steps:
            derived = ctx.cached(
                ("os_derived", self.what, kk, self.wt_identity),
                lambda kk=kk: dos.os_gradient(kk)
                if self.what == "gradient"
                else dos.os_loss(kk, self.wt_identity),
            )
            printed = TracePoly.from_sympy(at_steps(claim.formula, kk), LETTERS)
            diff = (derived - printed).simplified()
            if diff.terms:
                fails.append(f"k={kk}: derived − printed = {short_text(diff, 200)}")
        ks = ", ".join(map(str, self.steps))
        return [
            Evidence(
                kind="symbolic",
                label=f"{self.what} unrolled from the block forward pass = printed, every d, "
                f"k = {ks}",
                outcome=Outcome.FAIL if fails else Outcome.PASS,
                params={"k": list(self.steps), "Wt": "I" if self.wt_identity else "general"},
                detail="; ".join(fails) or "canonical trace polynomials agree at every k",
            )
        ]


def _explicit_cases(ctx: RunContext, what: str, wt_identity: bool):
    """(d, k, tokens or None, data seed or None) of the explicit derivation: fully generic at
    d = 1 (two tokens, k = 1..3) and d = 2 (generic S, symbolic n, k = 1); generic weights on
    random integer data at d = 2, k = 2 (k = 3 too in the full tier, and d = 2 fully generic
    at k = 2)."""
    seed = ctx.seed % 1000
    cases = [(1, 1, 2, None), (1, 2, 2, None), (1, 3, 2, None), (2, 1, None, None)]
    cases += [(2, 2, 3, seed)]
    if ctx.full:
        cases += [(2, 2, None, None), (2, 3, 3, seed + 1)]
    return cases


@dataclass
class OSUnrolledExplicit(Check):
    r"""Explicit d: the printed formula against the explicit rollout — generic symbolic tokens
    in the real :math:`(2d+2)`-row embedding (d = 1) or a generic symmetric S with symbolic n
    (d = 2), the whole output column appended at every step; loss expanded, gradient by
    ``sympy.diff``; exact comparison."""

    what: str = "loss"
    wt_identity: bool = False
    name: str = field(default="unrolled_explicit", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        fails, done = [], []
        for dd, kk, nn, seed in _explicit_cases(ctx, self.what, self.wt_identity):
            if self.what == "gradient":
                value, subs = ctx.cached(
                    ("os_grad_explicit", dd, kk, nn, seed),
                    lambda dd=dd, kk=kk, nn=nn, seed=seed: dos.os_gradient_explicit(
                        dd, kk, nn, seed
                    ),
                )
            else:
                value, subs = ctx.cached(
                    ("os_loss_explicit", dd, kk, nn, self.wt_identity, seed),
                    lambda dd=dd, kk=kk, nn=nn, seed=seed: dos.os_loss_explicit(
                        dd, kk, nn, self.wt_identity, seed
                    ),
                )
            mats = {"Wt": sp.eye(dd), **subs}
            printed = evaluate_exact(at_steps(claim.formula, kk), mats, {d: dd, n: n})
            if self.what == "loss" and isinstance(printed, sp.MatrixBase):
                printed = printed[0, 0]
            diff = exact_difference(value, printed, test="laurent")
            where = f"d={dd}, k={kk}, " + (
                "generic S, symbolic n"
                if nn is None
                else f"{nn} generic tokens"
                if seed is None
                else f"{nn} random integer tokens (seed {seed}), generic weights"
            )
            done.append(where)
            if diff is not None:
                fails.append(f"{where}: derived − printed has term {short_text(diff, 160)}")
        return [
            Evidence(
                kind="symbolic",
                label=f"{self.what} of the explicit rollout (index level) = printed",
                outcome=Outcome.FAIL if fails else Outcome.PASS,
                params={"cases": done},
                detail="; ".join(fails) or f"exact equality at {'; '.join(done)}",
            )
        ]


@dataclass(frozen=True)
class OSPoint:
    """A numeric point: real prompts (features X, tasks w), weights Ṽ, W̃, k steps."""

    label: str
    X: np.ndarray  # (B, n, d)
    w: np.ndarray  # (B, d)
    Vt: np.ndarray
    Wt: np.ndarray
    k: int

    @property
    def d(self) -> int:
        return self.w.shape[1]

    @property
    def n(self) -> int:
        return self.X.shape[1]

    def params(self) -> dict:
        return {
            "d": self.d,
            "n": self.n,
            "k": self.k,
            "B": self.w.shape[0],
            "Vt": self.Vt,
            "Wt": self.Wt,
        }


def os_points(ctx: RunContext, wt_identity: bool) -> list[OSPoint]:
    """Real prompts at awkward and ordinary places: d = 1, n = 1; ill-conditioned features;
    long rollouts (k = 10); a larger d. Ṽ is a perturbed pretrained-like point."""
    rng = ctx.rng("os_points", int(wt_identity))[1]
    cases = [(1, 1, 1, 5), (3, 5, 4, 40), (6, 12, 10, 40), (8, 30, 6, 60)]
    if ctx.full:
        cases += [(20, 40, 8, 100), (4, 2, 15, 100)]
    pts = []
    for dd, nn, kk, B in cases:
        C = random_covariance(rng, dd, condition=30.0)
        X = numerics.sample_features(C, nn, B, rng)
        w = rng.standard_normal((B, dd))
        base = -np.linalg.inv(C + (np.trace(C) / nn + 0.3) * np.eye(dd))
        Vt = base + random_matrix(rng, dd, scale=0.3)
        Wt = np.eye(dd) if wt_identity else np.eye(dd) + random_matrix(rng, dd, scale=0.3)
        label = f"d={dd}, n={nn}, k={kk}, B={B}" + ("" if wt_identity else ", general W̃")
        pts.append(OSPoint(label, X, w, Vt, Wt, kk))
    return pts


def _printed_mean(claim: Claim, pt: OSPoint) -> np.ndarray:
    """The printed per-prompt formula evaluated at every prompt, averaged (the 1/B Σ_τ)."""
    vals = []
    for X, w in zip(pt.X, pt.w, strict=True):
        mats = {"Vt": pt.Vt, "Wt": pt.Wt, "S": X.T @ X / pt.n, "w": w[:, None]}
        vals.append(np.asarray(evaluate(claim.formula, mats, {"k": pt.k, "d": pt.d, "n": pt.n})))
    return np.mean(vals, axis=0)


def _real_loss(pt: OSPoint) -> tuple[float, float]:
    """(OS loss of the batched real rollout, max |naive − batched| on the first prompts)."""
    V, W = numerics.sparse_weights(pt.Vt, pt.Wt)
    its = numerics.cot_rollout(pt.w, V, W, pt.k, X=pt.X)
    e = its[:, -1] - pt.w
    loss = 0.5 * float(np.mean(np.einsum("bi,bi->b", e, e)))
    gap = 0.0
    for b in range(min(4, pt.w.shape[0])):
        naive = numerics.cot_rollout_naive(pt.X[b], pt.X[b] @ pt.w[b], V, W, pt.k)
        gap = max(gap, float(np.max(np.abs(naive - its[b]))))
    return loss, gap


def _real_gradient(pt: OSPoint) -> np.ndarray:
    """∂L_OS/∂Ṽ: the V31 block of the hand-written gradient w.r.t. the full V."""
    V, W = numerics.sparse_weights(pt.Vt, pt.Wt)
    data = numerics.PromptData.from_features(pt.X, pt.w)
    _, dV, _ = numerics.os_loss_and_grad(data, V, W, k=pt.k)
    b = numerics.block_slices(pt.d)
    return dV[b.w, b.x]


@dataclass
class OSNumeric(Check):
    r"""Real model, float64: the OS loss of the real rollout (``what="loss"``) or the
    hand-written gradient of the real rollout loss (``what="gradient"``) against the printed
    formula averaged over the prompts; passes when
    :math:`\max|m - c| \le 10^{-9}\max(1, \max|c|)`."""

    what: str = "loss"
    wt_identity: bool = False
    rtol: float = 1e-9
    name: str = field(default="real_rollout", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        out = []
        pts = ctx.cached(("os_points", self.wt_identity), lambda: os_points(ctx, self.wt_identity))
        for j, pt in enumerate(pts):
            if self.what == "gradient":
                measured = ctx.cached(("os_real_grad", j), lambda pt=pt: _real_gradient(pt))
                extra = "hand-written gradient (back-propagation through the real rollout)"
            else:
                measured, gap = ctx.cached(
                    ("os_real_loss", self.wt_identity, j), lambda pt=pt: _real_loss(pt)
                )
                extra = f"full forward pass on real embeddings; naive vs batched rollout {gap:.1e}"
            claimed = _printed_mean(claim, pt)
            scale = max(1.0, float(np.max(np.abs(claimed))))
            err = float(np.max(np.abs(np.asarray(measured) - claimed)))
            out.append(
                Evidence(
                    kind="numeric",
                    label=f"{self.what} of the real rollout at {pt.label}",
                    outcome=Outcome.PASS if err <= self.rtol * scale else Outcome.FAIL,
                    params=pt.params(),
                    claimed=claimed,
                    measured=measured,
                    seed=ctx.rng("os_points", int(self.wt_identity))[0],
                    detail=f"max abs error {err:.3g} (tolerance {self.rtol:g}·{scale:.3g}); "
                    + extra,
                )
            )
        return out
