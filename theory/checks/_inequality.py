r"""Witnesses of an inequality ``quantity <= bound`` (or ``>=``), see :mod:`theory._claim_kinds`.

* :class:`SymbolicInequality` — the exact margin :math:`m = \text{bound} - Q` (``<=``) or
  :math:`Q - \text{bound}` (``>=``) of the quantity's derivation at rational points of the
  domain (:func:`~theory.checks._exact_points.exact_points`); a negative margin anywhere is an
  exact counter-example (fail), the worst margin is reported either way.
* :class:`MonteCarloInequality` — at each simulated point a one-sided z-test whose null is the
  inequality itself, :math:`H_0: E[\hat Q] \le \text{bound}` (``<=``; mirrored for ``>=``),
  :math:`z = (\hat Q - \text{bound})/\widehat{\mathrm{se}}`, :math:`p = P(Z > z)` (for ``>=``,
  :math:`z = (\text{bound} - \hat Q)/\widehat{\mathrm{se}}`). A rejection after Holm is a
  significant violation: a refutation. A true inequality is never rejected with probability
  above the run's α, even where it is tight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from theory._check import Check
from theory._evaluate import evaluate
from theory._stats import upper_tail_p
from theory._verdict import CannotExpress, Evidence, Outcome
from theory.checks._exact_points import derived_form, exact_points
from theory.checks._montecarlo import simulated_points

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory._context import RunContext

__all__ = ["MonteCarloInequality", "SymbolicInequality"]


def _margin(sense: str, value, bound):
    return bound - value if sense == "<=" else value - bound


class SymbolicInequality(Check):
    """Exact margins of the derivation at rational points (module docstring)."""

    name = "symbolic"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        ineq = claim.formula
        form = derived_form(claim, ctx)
        points = exact_points(claim, ctx)
        worst, worst_pt, violations = None, None, 0
        for pt in points:
            value = form.at(pt)
            bound = form.printed_at(ineq.bound, pt)
            m = sp.nsimplify(_margin(ineq.sense, value, bound))
            if not m.is_number:
                raise CannotExpress(f"the margin at {pt.label} is not a number: {m}")
            if m < 0:
                violations += 1
            if worst is None or m < worst:
                worst, worst_pt = m, pt
        how = "every d: matrix-level derivation" if not claim.dims else "index-level derivation"
        dims = sorted({p.d for p in points})
        detail = f"worst margin {_fmt(worst)} at {worst_pt.label}" + (
            f"; {violations} of {len(points)} points violate it" if violations else ""
        )
        return [
            Evidence(
                kind="symbolic",
                label=f"{how}: margin of Q {ineq.sense} bound ≥ 0 at {len(points)} exact "
                f"rational points (d = {', '.join(map(str, dims))})",
                outcome=Outcome.FAIL if violations else Outcome.PASS,
                params={"points": len(points), "d": dims, "worst_at": worst_pt.label},
                measured=str(worst),
                detail=detail,
            )
        ]


def _fmt(x: sp.Expr) -> str:
    s = str(x)
    return s if len(s) <= 40 else f"{float(x):.6g}"


class MonteCarloInequality(Check):
    """One-sided z-test of the inequality at each simulated point (module docstring)."""

    name = "monte_carlo"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        ineq = claim.formula
        q = claim.quantity
        out = []
        for pt, seed, sim in simulated_points(q, ctx, claim):
            try:
                bound = float(evaluate(ineq.bound, pt.matrices, pt.scalar_values()))
            except (NotImplementedError, KeyError) as exc:
                raise CannotExpress(f"the simulation cannot evaluate the bound: {exc}") from None
            mean, se = float(np.asarray(sim.mean)), float(np.asarray(sim.stderr))
            margin = _margin(ineq.sense, mean, bound)
            z = -margin / se if se > 0 else (0.0 if margin >= 0 else np.inf)
            out.append(
                Evidence(
                    kind="monte_carlo",
                    label=f"{q.description} {ineq.sense} bound at {pt.label}",
                    params=pt.to_json(),
                    claimed=bound,
                    measured=mean,
                    stderr=se,
                    z=float(z),
                    alternative="greater",
                    p_value=upper_tail_p(z) if np.isfinite(z) else 0.0,
                    seed=seed,
                    n_samples=sim.n_samples,
                    detail=f"one-sided, H0: Q {ineq.sense} bound; margin {margin:+.4g} ± "
                    f"{se:.2g}; {sim.detail}",
                )
            )
        return out
