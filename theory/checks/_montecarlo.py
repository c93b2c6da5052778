"""Simulation checks: Monte Carlo (statistical) and deterministic (floating-point) identities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from theory._bindings import bind_point
from theory._check import Check
from theory._evaluate import evaluate
from theory._verdict import CannotExpress, Evidence, Outcome
from theory.checks._evidence import z_evidence

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory._context import RunContext
    from theory.quantities import Point, Quantity

__all__ = ["MonteCarloIdentity", "NumericIdentity", "simulated_points"]


def _binding_key(claim: Claim | None) -> tuple:
    """A stable key of a claim's point (bindings and declared scalars); ``()`` for none."""
    if claim is None or not (claim.at or claim.scalars):
        return ()
    at = tuple((k, sp.srepr(v)) for k, v in claim.at.items())
    return (at, tuple((str(s), tuple(dom)) for s, dom in claim.scalars.items()))


def simulated_points(q: Quantity, ctx: RunContext, claim: Claim | None = None):
    """The quantity's points (at the claim's bindings, if any), and for each
    ``(seed, SimulationResult)`` (cached per run)."""
    key = _binding_key(claim)
    points: list[Point] = ctx.cached(
        ("points", q.name), lambda: q.points(ctx.rng(q.name, "points")[1], ctx)
    )
    if claim is not None and claim.dims:
        dims = tuple(claim.dims)
        key = (*key, ("dims", dims))
        _, drng = ctx.rng(q.name, "points", "dims", str(dims))
        sizes = ctx.pick((1, 3, 12), (1, 3, 12, 60))
        points = ctx.cached(
            ("points", q.name, dims),
            lambda: [
                q.make_point(dd, nn, {}, drng, label=f"d={dd}, n={nn}")
                for dd in dims
                for nn in sizes
            ],
        )
    if key:
        _, brng = ctx.rng(q.name, "bind", str(key))
        points = ctx.cached(
            ("points", q.name, key), lambda: [bind_point(p, claim, brng) for p in points]
        )
    out = []
    for j, pt in enumerate(points):
        seed, rng = ctx.rng(q.name, "simulate", j, *([str(key)] if key else []))

        def run(pt=pt, rng=rng):
            ctx.note(f"{q.name}: simulating at {pt.label}")
            return q.simulate(pt, rng, ctx)

        out.append((pt, seed, ctx.cached(("simulate", q.name, j, key), run)))
    return out


def _claimed(claim: Claim, pt: Point):
    try:
        value = evaluate(claim.formula, pt.matrices, pt.scalar_values())
    except (NotImplementedError, KeyError) as exc:
        raise CannotExpress(f"the simulation cannot evaluate the formula: {exc}") from None
    return np.asarray(value, dtype=float)


class MonteCarloIdentity(Check):
    """At each parameter point: simulate the real model, z-test the printed formula's value."""

    name = "monte_carlo"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        q = claim.quantity
        if not q.stochastic:  # exact simulation: a z-test against a zero stderr would lie
            return NumericIdentity().run(claim, ctx)
        out = []
        for pt, seed, sim in simulated_points(q, ctx, claim):
            claimed = _claimed(claim, pt)
            out.append(
                z_evidence(
                    "monte_carlo",
                    f"{q.description} at {pt.label}",
                    claimed=claimed,
                    measured=sim.mean,
                    stderr=sim.stderr,
                    params=pt.to_json(),
                    seed=seed,
                    n_samples=sim.n_samples,
                    detail=sim.detail,
                )
            )
        return out


class NumericIdentity(Check):
    """A deterministic identity evaluated on the real model in float64.

    Passes when :math:`\\max|m - c| \\le \\text{rtol}\\cdot\\max(1, \\max|c|)`; ``rtol`` is far
    above float64 round-off of these small computations (about ``1e-13``) and far below any
    error a wrong formula makes.
    """

    name = "numeric"

    def __init__(self, rtol: float = 1e-9):
        self.rtol = rtol

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        q = claim.quantity
        out = []
        for pt, seed, sim in simulated_points(q, ctx, claim):
            claimed = _claimed(claim, pt)
            measured = np.asarray(sim.mean, dtype=float)
            scale = max(1.0, float(np.max(np.abs(claimed))) if claimed.size else 1.0)
            err = (
                float(np.max(np.abs(measured - claimed)))
                if claimed.shape == measured.shape
                else np.inf
            )
            ok = err <= self.rtol * scale
            out.append(
                Evidence(
                    kind="numeric",
                    label=f"{q.description} at {pt.label}",
                    outcome=Outcome.PASS if ok else Outcome.FAIL,
                    params=pt.to_json(),
                    claimed=claimed,
                    measured=measured,
                    seed=seed,
                    detail=f"max abs error {err:.3g} (tolerance {self.rtol:g}·{scale:.3g})",
                )
            )
        return out
