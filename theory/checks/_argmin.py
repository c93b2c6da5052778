r"""Witnesses of an arg-min ``argmin_{θ ∈ (lo, hi)} Q(θ) = θ*`` (see :mod:`theory._claim_kinds`).

* :class:`SymbolicArgmin` — the derivation's own calculus: (1) the printed :math:`\theta^*`
  solves the derived stationarity equation :math:`\partial_\theta Q(\theta^*) = 0` exactly
  (for every ``d`` in the trace form of the matrix-level derivation, or by the index-level
  derivation at each of the claim's ``dims``); (2) at exact rational points of the other
  parameters, :math:`\theta^* \in (lo, hi)`, :math:`\partial^2_\theta Q(\theta^*) > 0` and
  :math:`Q(\theta^*)` is the global minimum on the domain: no other real stationary point of
  :math:`Q` in it (exact roots of the numerator of :math:`\partial_\theta Q`) and neither end
  is lower.
* :class:`SimulatedArgmin` — the minimiser of the simulated curve. At each base point the
  real model is simulated on a coarse grid of 5 values of θ over the domain, then on 9 values
  in a window of ±1.5 coarse steps around the coarse minimum (7 and 13 in the full tier); a
  degree-4 polynomial is fitted
  to the window's 9 estimates (not the coarse ones: the value that placed the window was
  chosen for being low) by weighted least squares and its minimiser
  :math:`\hat\theta` taken, with the delta-method standard error
  (:func:`numerics.fitted_minimiser`). Each grid value has its own random stream: a quantity
  returns a mean and a standard error, not its draws, so common random numbers would leave
  the covariance of the curve unknown, while independent streams make it exactly diagonal.
  The test (Holm over the run) is two-sided, :math:`H_0: E\hat\theta = \theta^*`,
  :math:`z = (\hat\theta - \theta^*)/\operatorname{se}(\hat\theta)`; the window and the fit
  never look at the printed minimiser. A fitted minimum at an end of the window is no
  stationary point: the record is undecided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import numerics
from derivations import critical_points, d
from theory._bindings import bind_point
from theory._check import Check
from theory._evaluate import evaluate, evaluate_exact
from theory._verdict import CannotExpress, Evidence, Outcome, z_test
from theory.checks._exact_points import bind_expr, derived_form, exact_points

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory._context import RunContext

__all__ = ["SimulatedArgmin", "SymbolicArgmin"]

#: grid sizes (coarse, fine) per tier, and the degree of the local fit
GRIDS = {"quick": (5, 9), "full": (7, 13)}
DEGREE = 4


def _short(e, limit: int = 200) -> str:
    s = str(e)
    return s if len(s) <= limit else s[: limit - 1] + "…"


class SymbolicArgmin(Check):
    """Stationarity, curvature and global minimum of the derivation (module docstring)."""

    name = "symbolic"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        am = claim.formula
        theta = am.over
        form = derived_form(claim, ctx)
        out = []
        if not claim.dims:
            grad = sp.diff(form.expr, theta)
            r = sp.cancel(sp.together(grad.subs(theta, form.printed(am.minimiser))))
            out.append(_stationary("every d: matrix-level derivation", r))
        for dd in claim.dims:
            value, subs = form.explicit[dd]
            try:
                ts = evaluate_exact(bind_expr(am.minimiser, claim), subs, {d: dd})
            except (NotImplementedError, KeyError) as exc:
                raise CannotExpress(f"the index-level engine cannot evaluate it: {exc}") from None
            grad = sp.diff(sp.sympify(value).subs(d, dd), theta)
            r = sp.cancel(sp.together(grad.subs(theta, ts)))
            out.append(_stationary(f"d = {dd}: index-level derivation", r))
        out.append(self._points(claim, ctx, form))
        return out

    @staticmethod
    def _points(claim, ctx, form) -> Evidence:
        am = claim.formula
        theta, (lo, hi) = am.over, am.domain
        points = exact_points(claim, ctx, skip=(theta,))
        problems = []
        for pt in points:
            Q = form.at(pt, keep=(theta,))
            ts = form.printed_at(am.minimiser, pt)
            if not (ts.is_number and lo < ts < hi):
                problems.append(f"{pt.label}: θ* = {_short(ts, 60)} outside ({lo}, {hi})")
                continue
            q_star = Q.subs(theta, ts)
            curv = sp.cancel(sp.diff(Q, theta, 2).subs(theta, ts))
            if not curv > 0:
                problems.append(f"{pt.label}: Q''(θ*) = {_short(curv, 60)} ≤ 0")
                continue
            lower = []
            for c in [*critical_points(Q, theta, lo, hi), lo, hi]:
                gap = (Q.subs(theta, c) - q_star).evalf(60)
                if gap < -(sp.Float(10) ** -40) * (1 + abs(q_star)):
                    lower.append(f"{theta} = {sp.N(c, 6)}: Q lower by {sp.N(-gap, 4)}")
            if lower:
                problems.append(f"{pt.label}: not the global minimum ({lower[0]})")
        dims = sorted({p.d for p in points})
        return Evidence(
            kind="symbolic",
            label=f"printed minimiser in ({lo}, {hi}), Q'' > 0 there, and the global minimum "
            f"of the derivation, at {len(points)} exact rational points "
            f"(d = {', '.join(map(str, dims))})",
            outcome=Outcome.FAIL if problems else Outcome.PASS,
            params={"points": len(points), "d": dims},
            detail="; ".join(problems[:3]) if problems else "all hold exactly",
        )


def _stationary(how: str, r: sp.Expr) -> Evidence:
    ok = r == 0
    return Evidence(
        kind="symbolic",
        label=f"{how}: dQ/dθ = 0 at the printed minimiser",
        outcome=Outcome.PASS if ok else Outcome.FAIL,
        measured=str(r) if not ok else "0",
        detail="exact" if ok else f"dQ/dθ at the printed minimiser = {_short(sp.factor(r))}",
    )


class SimulatedArgmin(Check):
    """The minimiser of the simulated curve against the printed one (module docstring)."""

    name = "monte_carlo"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        q = claim.quantity
        base_id = claim.id.split("[")[0]
        _, rng = ctx.rng(q.name, "argmin", base_id)
        out = []
        for j, base in enumerate(_base_points(claim, ctx, rng)):
            fixed = {
                k: v
                for k, v in bind_point(base, claim, rng).scalars.items()
                if k != str(claim.formula.over)
            }
            out.append(self._one(claim, ctx, base, fixed, j, base_id))
        return out

    def _one(self, claim, ctx, base, fixed, j, base_id) -> Evidence:
        am = claim.formula
        q = claim.quantity
        name = str(am.over)
        lo, hi = float(am.domain[0]), float(am.domain[1])
        seeds = []
        coarse_k, fine_k = GRIDS[ctx.tier]

        def sim(stage, i, t):
            pt = bind_point(base, claim, np.random.default_rng(0), fixed={**fixed, name: t})
            seed, rng = ctx.rng(q.name, "argmin", base_id, j, stage, i)
            seeds.append(seed)
            r = ctx.cached(
                ("argmin", q.name, base_id, j, stage, i), lambda: q.simulate(pt, rng, ctx)
            )
            return pt, float(np.asarray(r.mean)), float(np.asarray(r.stderr)), r.n_samples

        step = (hi - lo) / coarse_k
        ts = [lo + step * (i + 0.5) for i in range(coarse_k)]
        coarse = [sim("coarse", i, t) for i, t in enumerate(ts)]
        c = ts[int(np.argmin([m for _, m, _, _ in coarse]))]
        a, b = max(lo, c - 1.5 * step), min(hi, c + 1.5 * step)
        fine_t = [a + (b - a) * (i + 0.5) / fine_k for i in range(fine_k)]
        fine = [sim("fine", i, t) for i, t in enumerate(fine_t)]
        # only the fine grid is fitted: the coarse value that placed the window was chosen for
        # being low, and reusing it would pull the fitted minimiser towards it
        xs, rows = fine_t, fine
        y = np.array([r[1] for r in rows])
        se = np.array([r[2] for r in rows])
        pt0 = fine[0][0]
        try:
            printed = float(evaluate(am.minimiser, pt0.matrices, pt0.scalar_values()))
        except (NotImplementedError, KeyError) as exc:
            raise CannotExpress(f"the simulation cannot evaluate the minimiser: {exc}") from None
        fit = numerics.polyfit_wls(xs, y, se, DEGREE, center=(a + b) / 2, width=(b - a) / 2)
        lo_w, hi_w = min(xs), max(xs)
        t_hat, t_se, interior = numerics.fitted_minimiser(fit, lo_w, hi_w)
        where = f"d={base.d}, n={base.n}" + "".join(f", {k}={v:.3g}" for k, v in fixed.items())
        common = dict(
            label=f"simulated argmin over {name} of {q.description}, {where}",
            params={**base.to_json(), "window": [a, b], "grid": len(xs), "degree": DEGREE},
            claimed=printed,
            measured=t_hat,
            seed=seeds[0],
            n_samples=int(sum(r[3] for r in coarse + fine)),
        )
        fit_txt = f"degree-{DEGREE} WLS fit on {len(xs)} values in [{a:.4g}, {b:.4g}], " + (
            f"χ² = {fit.chi2:.2f} on {fit.dof} dof"
        )
        if not interior:
            return Evidence(
                kind="monte_carlo",
                outcome=Outcome.UNDECIDED,
                detail=f"the fitted minimum lies at an end of the window ({t_hat:.4g}): no "
                f"stationary point to compare; {fit_txt}",
                **common,
            )
        z, p = z_test(t_hat, printed, t_se)
        return Evidence(
            kind="monte_carlo",
            stderr=t_se,
            z=z,
            p_value=p,
            detail=f"simulated minimiser {t_hat:.5g} ± {t_se:.2g} (delta method), printed "
            f"{printed:.5g}; {fit_txt}",
            **common,
        )


def _base_points(claim, ctx, rng):
    """The points at which θ is swept: the claim's ``dims`` at n = 3, 12 (and 60 in the full
    tier), else the quantity's own points (two of them in the quick tier)."""
    q = claim.quantity
    if claim.dims:
        sizes = ctx.pick((3, 12), (3, 12, 60))
        return [
            q.make_point(dd, nn, {}, rng, label=f"d={dd}, n={nn}")
            for dd in claim.dims
            for nn in sizes
        ]
    pts = q.points(rng, ctx)
    return pts if ctx.full else pts[1:3]
