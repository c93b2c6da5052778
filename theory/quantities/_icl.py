"""Risks of in-context regression with the real LSA: k steps, label noise, a query token."""

from __future__ import annotations

from functools import cache
from typing import ClassVar

import numpy as np

import derivations
import numerics
from theory._params import random_covariance, random_matrix
from theory._validation import check_int
from theory.quantities._base import Point, Quantity, SimulationResult

#: (target relative standard error, maximum samples) per tier: these risks have heavy tails
#: (fourth moments of the data), so the quick tier settles for a looser target
BUDGET = {"quick": (4e-3, 80_000), "full": (5e-4, 4_000_000)}

__all__ = ["ICLRisk", "icl_risk"]


class ICLRisk(Quantity):
    r"""After ``steps`` CoT steps of the real LSA (:math:`V_{31} = \tilde V`,
    :math:`\tilde W = I`, :math:`\hat w_0 = 0`) on prompts :math:`x \sim N(0, \Sigma)`,
    :math:`w^* \sim N(0, I)`, labels :math:`y = \langle w^*, x\rangle + \sigma\varepsilon`
    (``noise``; else σ = 0): the weight error :math:`E\|\hat w_k - w^*\|^2`, or with ``query``
    the query-token risk :math:`E(x_q^\top(\hat w_k - w^*))^2`, :math:`x_q \sim N(0, \Sigma)`.
    Letters ``Vt``, ``Sigma``; scalar ``sigma`` when noisy."""

    letters = ("Vt", "Sigma")
    letter_kinds: ClassVar[dict[str, str]] = {"Sigma": "cov"}

    def __init__(self, steps: int = 1, query: bool = False, noise: bool = False):
        self.steps, self.query, self.noise = steps, query, noise
        what = "query_risk" if query else "test_error"
        self.name = ("noisy_" if noise else "") + what + (f"_{steps}_steps" if steps > 1 else "")
        lhs = "E(x_qᵀ(ŵ − w*))²" if query else "E‖ŵ − w*‖²"
        self.description = f"{lhs} ({steps} LSA step{'s' if steps > 1 else ''}" + (
            ", label noise σ)" if noise else ")"
        )
        self.latex = (
            rf"\mathbb{{E}}\,(x_q^\top(\hat{{w}}_{{{steps}}} - w^{{*}}))^2"
            if query
            else rf"\mathbb{{E}}\,\lVert \hat{{w}}_{{{steps}}} - w^{{*}}\rVert^2"
        )
        self.scalars = ("sigma",) if noise else ()
        #: dimensions of the index-level derivation (its cost grows fast with the steps)
        self.explicit_dims = (1, 2) if steps <= 2 else (1,)

    def derive(self):
        return derivations.icl_risk(self.steps, self.query, self.noise)

    def derive_explicit(self, d: int):
        return derivations.icl_risk_explicit(d, self.steps, self.query, self.noise)

    def make_point(self, d, n, matrices, rng, label="user point"):
        pt = Quantity.make_point(self, d, n, matrices, rng, label)
        if self.noise:
            return Point(pt.label, d, n, pt.matrices, {"sigma": float(rng.uniform(0.2, 1.5))})
        return pt

    def points(self, rng, ctx):
        cases = [
            ("d=1, n=1", 1, 1, random_covariance(rng, 1, scale=0.8)),
            ("d=2, n=3, cond Σ 1e3", 2, 3, random_covariance(rng, 2, condition=1e3)),
            ("d=3, n=5, singular Σ (rank 2)", 3, 5, random_covariance(rng, 3, rank=2)),
            ("d=4, n=12", 4, 12, random_covariance(rng, 4, condition=10.0)),
        ]
        if ctx.full:
            cases += [("d=6, n=30", 6, 30, random_covariance(rng, 6, condition=10.0))]
        pts = []
        for label, d, n, Sig in cases:
            base = -np.linalg.inv(Sig + (np.trace(Sig) / n + 0.5) * np.eye(d))
            mats = {"Vt": base + random_matrix(rng, d, scale=0.2), "Sigma": Sig}
            scal = {"sigma": float(rng.uniform(0.2, 1.5))} if self.noise else {}
            pts.append(Point(label, d, n, mats, scal))
        return pts

    def simulate(self, point, rng, ctx) -> SimulationResult:
        Vt, Sig, n = point.matrices["Vt"], point.matrices["Sigma"], point.n
        sig = float(point.scalars.get("sigma", 0.0)) if self.noise else 0.0
        col = 1 if self.query else 0

        def sample(r, size):
            return numerics.icl_risk_samples(Vt, Sig, n, r, size, steps=self.steps, sigma=sig)[
                :, col
            ]

        rel_se, cap = BUDGET[ctx.tier]
        res = numerics.mc_estimate_to_precision(
            sample, rng, rel_se=rel_se, min_samples=4000, max_samples=cap, pilot=4000
        )
        what = "with a fresh query token, " if self.query else ""
        return SimulationResult(
            res.mean,
            res.stderr,
            res.n_samples,
            f"real prompts, {self.steps} full forward pass(es), {what}σ = {sig:.3g}",
        )


@cache
def icl_risk(steps: int = 1, *, query: bool = False, noise: bool = False) -> ICLRisk:
    """The risk quantity after ``steps`` LSA steps (1 ≤ steps ≤ 3), see :class:`ICLRisk`."""
    return ICLRisk(check_int("steps", steps, maximum=3), bool(query), bool(noise))
