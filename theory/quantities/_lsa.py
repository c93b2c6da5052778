"""Quantities of the LSA model itself: the forward-pass recursion and the one-step test error."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

import derivations
import numerics
from theory._params import random_covariance, random_matrix
from theory._validation import InvalidArgument
from theory.quantities._base import Point, Quantity, SimulationResult
from theory.quantities._mc import LEAN_MIN_SAMPLES, LEAN_PILOT, monte_carlo
from theory.quantities._moments import FROBENIUS_ESTIMATOR

__all__ = ["NextIterate", "OneStepTestError"]


class NextIterate(Quantity):
    r"""The next CoT iterate :math:`\hat w_{i+1}`: the w-block of the last output column of the
    real LSA with the sparse weights (3.8), after ``p`` earlier iterate columns."""

    name = "next_iterate"
    description = "ŵ_{i+1} (w-block of f(Ẑ_i)[:, −1])"
    latex = r"\hat{w}_{i+1}"
    letters = ("Vt", "Wt", "S", "w", "wi")
    shape = "vector"
    bindable = ("Vt", "Wt")  # tokens and iterates are drawn together by the simulator
    stochastic = False

    def make_point(self, d, n, matrices, rng, label="user point"):
        """A user's Ṽ, W̃ (others drawn): tokens from N(0, I), two earlier iterates."""
        given = {k: v for k, v in matrices.items() if k in ("Vt", "Wt")}
        if set(matrices) - set(given):
            raise InvalidArgument(
                f"matrix {sorted(set(matrices) - set(given))[0]!r} is invalid for {self.name}: "
                "only Vt and Wt can be given (tokens and iterates are drawn)"
            )
        base = Quantity.make_point(self, d, n, given, rng, label)
        return self._point(rng, d, n, 2, base.matrices["Vt"], base.matrices["Wt"], np.eye(d), label)

    def _point(self, rng, d, n, p, Vt, Wt, C, label):
        X = numerics.sample_features(C, n, 1, rng)[0]
        w = rng.standard_normal(d)
        iterates = rng.standard_normal((p + 1, d))
        mats = {"Vt": Vt, "Wt": Wt, "X": X, "S": X.T @ X / n, "w": w[:, None]}
        mats.update({"wi": iterates[-1][:, None], "iterates": iterates})
        return Point(label, d, n, mats)

    def derive(self):
        return derivations.next_iterate()

    def derive_explicit(self, d: int):
        return derivations.next_iterate_explicit(d)

    def points(self, rng, ctx):
        cases = [(1, 1, 0), (3, 7, 1), (6, 50, 3), (2, 2, 5)]
        if ctx.full:
            cases += [(12, 30, 2), (1, 200, 8)]
        return [
            self._point(
                rng,
                d,
                n,
                p,
                random_matrix(rng, d, scale=2.0),
                random_matrix(rng, d, scale=2.0),
                random_covariance(rng, d, condition=1e3),
                f"d={d}, n={n}, {p} earlier iterates",
            )
            for d, n, p in cases
        ]

    def simulate(self, point, rng, ctx) -> SimulationResult:
        m = point.matrices
        V, W = numerics.sparse_weights(m["Vt"], m["Wt"])
        X, w = m["X"], m["w"][:, 0]
        Z = numerics.embed_prompt(X, X @ w, m["iterates"])
        out = numerics.lsa_forward(Z, V, W, point.n)
        wb = numerics.block_slices(point.d).w
        return SimulationResult(out[wb, -1][:, None], 0.0, 1, "full (2d+2)-row forward pass")


class OneStepTestError(Quantity):
    r""":math:`E\|\hat w_1 - w^*\|^2` of one real LSA step (:math:`V_{31} = \tilde V`,
    :math:`W_{13} = I`, :math:`W_{24} = -1`, :math:`w_0 = 0`) on prompts
    :math:`x \sim N(0, \Sigma)`, :math:`w^* \sim N(0, I)`."""

    name = "one_step_test_error"
    description = "E‖ŵ − w*‖² (one LSA step)"
    latex = r"\mathbb{E}\,\lVert \hat{w} - w^{*}\rVert^2"
    letters = ("Vt", "Sigma")
    letter_kinds: ClassVar[dict[str, str]] = {"Sigma": "cov"}

    def derive(self):
        return derivations.one_step_test_error()

    def derive_explicit(self, d: int):
        return derivations.one_step_test_error_explicit(d)

    def points(self, rng, ctx):
        cases = [
            ("d=1, n=1", 1, 1, random_covariance(rng, 1, scale=0.8)),
            (
                "d=3, n=2, ill-conditioned Σ (cond 1e4)",
                3,
                2,
                random_covariance(rng, 3, condition=1e4),
            ),
            ("d=5, n=4, singular Σ (rank 3)", 5, 4, random_covariance(rng, 5, rank=3)),
            ("d=8, n=40", 8, 40, random_covariance(rng, 8, condition=10.0)),
        ]
        if ctx.full:
            cases += [("d=20, n=10", 20, 10, random_covariance(rng, 20, condition=50.0))]
        pts = []
        for label, d, n, Sig in cases:
            # a pretrained-like Ṽ (−(Σ + tr Σ/n I)^{-1}) perturbed, so the error is O(d)
            base = -np.linalg.inv(Sig + (np.trace(Sig) / n + 0.5) * np.eye(d))
            pts.append(
                Point(label, d, n, {"Vt": base + random_matrix(rng, d, scale=0.3), "Sigma": Sig})
            )
        return pts

    def simulate(self, point, rng, ctx) -> SimulationResult:
        r"""Rule: w* is integrated out exactly (:math:`E_w\|Mw\|^2 = \|M\|_F^2` for
        :math:`w \sim N(0, I)`, :math:`M = I + \tilde V S`: :math:`E[ww^\top] = I` is the
        task prior's definition), then :math:`\|I + \tilde V S\|_F^2` is estimated by the lean
        Bartlett sampler with the Taylor control (mean from :math:`E[S] = \Sigma`). That first
        step is itself Prop. 5.1's first equality, which ``prop_5_1``'s *paired* check tests
        with the raw token-level forward pass (:meth:`simulate_forward`)."""
        Vt, Sig, n = point.matrices["Vt"], point.matrices["Sigma"], point.n
        res = monte_carlo(
            None,
            rng,
            ctx.tier,
            controls=numerics.FrobeniusSampler(Vt, Sig, n),
            control_means=np.zeros(1),
            min_samples=LEAN_MIN_SAMPLES,
            pilot=LEAN_PILOT,
            estimator="w* integrated out (E_w‖Mw‖² = ‖M‖_F²); " + FROBENIUS_ESTIMATOR,
        )
        return res

    def simulate_forward(self, point, rng, ctx) -> SimulationResult:
        """The raw reference: real prompts (tokens), full forward pass, w* drawn."""
        Vt, Sig, n = point.matrices["Vt"], point.matrices["Sigma"], point.n

        def sample(r, size):
            return numerics.one_step_error_samples(Vt, Sig, n, r, size, method="tokens")

        return monte_carlo(
            sample, rng, ctx.tier, estimator="real prompts (tokens), full forward pass"
        )
