"""Quantities of Lemma A.1 and the Wishart moment lemma."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

import derivations
import numerics
from theory._params import random_covariance, random_matrix, random_symmetric
from theory.quantities._base import Point, Quantity, SimulationResult
from theory.quantities._mc import LEAN_MIN_SAMPLES, LEAN_PILOT, monte_carlo

__all__ = ["FrobeniusRisk", "WishartSandwich"]


def _standard_points(rng, ctx, extra: str) -> list[tuple[str, int, int, np.ndarray]]:
    """(label, d, n, covariance) at awkward and ordinary places of the domain."""
    pts = [
        ("d=1, n=1", 1, 1, random_covariance(rng, 1, scale=1.7)),
        (
            "d=3, n=2, ill-conditioned cov (cond 1e4)",
            3,
            2,
            random_covariance(rng, 3, condition=1e4),
        ),
        ("d=4, n=3, singular cov (rank 2)", 4, 3, random_covariance(rng, 4, rank=2, condition=3.0)),
        ("d=6, n=25", 6, 25, random_covariance(rng, 6, condition=20.0)),
    ]
    if ctx.full:
        pts += [
            ("d=10, n=4", 10, 4, random_covariance(rng, 10, condition=100.0)),
            ("d=2, n=500", 2, 500, random_covariance(rng, 2, condition=5.0)),
        ]
    return pts


class WishartSandwich(Quantity):
    r""":math:`E[S B S]`, S the empirical covariance of ``n`` draws of :math:`N(0, C)`, B
    symmetric."""

    name = "wishart_sandwich"
    description = "E[S B S]"
    latex = r"\mathbb{E}\left[\hat{\Sigma} B \hat{\Sigma}\right]"
    letters = ("C", "B")
    letter_kinds: ClassVar[dict[str, str]] = {"C": "cov", "B": "symmetric"}
    shape = "matrix"

    def derive(self):
        return derivations.wishart_sandwich()

    def derive_explicit(self, d: int):
        return derivations.wishart_sandwich_explicit(d)

    def points(self, rng, ctx):
        return [
            Point(label, d, n, {"C": C, "B": random_symmetric(rng, d, scale=1.5)})
            for label, d, n, C in _standard_points(rng, ctx, "B")
        ]

    def simulate(self, point, rng, ctx) -> SimulationResult:
        C, B = point.matrices["C"], point.matrices["B"]
        d = point.d

        def sample(r, size):
            return numerics.wishart_sandwich_samples(C, B, point.n, r, size).reshape(size, d * d)

        res = monte_carlo(sample, rng, ctx.tier)
        return SimulationResult(
            np.reshape(res.mean, (d, d)), np.reshape(res.stderr, (d, d)), res.n_samples, res.detail
        )


#: Rule: a quantity that depends on a prompt only through S is drawn from S's own law
#: (Bartlett), with the one control whose mean follows from E[S] = Σ (a definition).
FROBENIUS_ESTIMATOR = (
    "S by Bartlett's decomposition (no tokens, no Gram matrix); control ⟨G, S − Σ⟩, "
    "G = 2Aᵀ(I + AΣ), mean 0 from E[S] = Σ only"
)


class FrobeniusRisk(Quantity):
    r""":math:`E\|I + A\hat\Sigma\|_F^2`, :math:`\hat\Sigma` the empirical covariance of ``n``
    draws of :math:`N(0, \Sigma)`."""

    name = "frobenius_risk"
    description = "E‖I + AΣ̂‖_F²"
    latex = r"\mathbb{E}\,\lVert I + A\hat{\Sigma}\rVert_F^2"
    letters = ("A", "Sigma")
    letter_kinds: ClassVar[dict[str, str]] = {"Sigma": "cov"}

    def derive(self):
        return derivations.frobenius_risk()

    def derive_explicit(self, d: int):
        return derivations.frobenius_risk_explicit(d)

    def points(self, rng, ctx):
        return [
            Point(label, d, n, {"A": random_matrix(rng, d, scale=1.2), "Sigma": C})
            for label, d, n, C in _standard_points(rng, ctx, "A")
        ]

    def simulate(self, point, rng, ctx) -> SimulationResult:
        A, Sig, n = point.matrices["A"], point.matrices["Sigma"], point.n
        return monte_carlo(
            None,
            rng,
            ctx.tier,
            controls=numerics.FrobeniusSampler(A, Sig, n),
            control_means=np.zeros(1),
            min_samples=LEAN_MIN_SAMPLES,
            pilot=LEAN_PILOT,
            estimator=FROBENIUS_ESTIMATOR,
        )
