r"""Witnesses of a limit ``quantity / per → limit`` along a path (see :mod:`theory._claim_kinds`).

* :class:`SymbolicPathLimit` — the exact limit of the derivation: along ``n`` (``d`` fixed)
  the trace form of the matrix-level derivation is a rational function of ``n`` whose limit
  is read off its leading terms (:func:`derivations._calculus.limit_at_infinity`), for every
  ``d`` (or the index-level derivation at each of the claim's ``dims``); along ``d`` every
  letter is bound, so the derivation is a rational function of ``d`` after ``n = ratio·d``.
  The derived limit is compared exactly with the printed one; an infinite derived limit fails.
* :class:`SimulatedLimit` — the simulation at geometric sizes :math:`s_1 < \dots < s_K` of the
  growing variable (the other parameters fixed at each base point). The gaps
  :math:`g_k = \hat Q(s_k)/\text{per} - L` (independent streams, standard errors
  :math:`\sigma_k`) are fitted by weighted least squares as the asymptotic expansion
  :math:`g(s) = c_0 + c_1 s^{-1} + c_2 s^{-2}` (every quantity here is a rational function of
  the size, analytic at ∞), or with a :math:`c_3 s^{-3}` term; the smallest sizes are dropped
  until a fit is adequate at the estimates' own precision (:math:`\chi^2` p-value ≥ 0.01 with
  at least one degree of freedom; the choice never looks at :math:`L`, which only shifts
  :math:`c_0`). The sizes are 16·4^k, k < 5 (k < 6 in the full tier) along ``n``, and
  q·2^k along ``d`` (k < 4, or k < 6 in the full tier; q·2^k ≥ 2).

  **Null hypothesis** (a "rate" record, Holm over the run): :math:`H_0: c_0 = 0` — the
  simulated quantity's limit equals the printed one; two-sided
  :math:`z = \hat c_0/\operatorname{se}(\hat c_0)`. A wrong limit :math:`L + \delta` makes
  :math:`c_0 = -\delta` and is refuted once :math:`|\delta|` exceeds the resolution
  (shown in the report); a correct one is rejected with probability at most the run's α.
  The fitted rate — :math:`|g(s)| \approx C s^{-r}`, ordinary least squares of
  :math:`\log|g_k|` on :math:`\log s_k` over the sizes where the gap is resolved
  (:func:`theory._stats.ols`) — is reported with its standard error; it describes, it does
  not decide. Where no subset of sizes fits, the record is undecided.

  Cost: one simulation per size and base point. The Bartlett-sampled ``one_step_test_error``
  costs the same at every ``n``; quantities simulated token by token (``query_risk``,
  ``icl_risk``) cost in proportion to ``n`` (about 10 s at ``n = 1000``, ``d = 3``), so their
  limits along ``n`` take minutes even in the quick tier.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import numerics
from derivations import d, exact_difference, limit_at_infinity, n
from theory._bindings import bind_point
from theory._check import Check
from theory._evaluate import evaluate, evaluate_exact
from theory._verdict import CannotExpress, Evidence, Outcome, z_test
from theory.checks._exact_points import bind_expr, derived_form

if TYPE_CHECKING:
    from theory._claim import Claim
    from theory._context import RunContext
    from theory.quantities import Point

__all__ = ["SimulatedLimit", "SymbolicPathLimit", "limit_sizes"]

#: goodness-of-fit level below which the smallest size is dropped
FIT_LEVEL = 0.01
#: orders of the expansion in 1/s tried at each set of sizes
DEGREES = (2, 3)


class SymbolicPathLimit(Check):
    """The derivation's exact limit along the path against the printed limit."""

    name = "symbolic"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        lim = claim.formula
        form = derived_form(claim, ctx)
        if claim.dims:
            return [self._explicit(claim, form, lim, dd) for dd in claim.dims]
        derived = form.expr / lim.per
        printed = form.printed(lim.limit)
        if lim.along == "n":
            value = limit_at_infinity(derived, n)
            label = "every d: limit as n → ∞ of the matrix-level derivation = printed limit"
        else:
            if form.table:
                raise CannotExpress(f"along d the derivation still has traces {list(form.table)}")
            value = limit_at_infinity(derived.subs(n, lim.ratio * d), d)
            label = f"limit as d → ∞, n = {lim.ratio}·d, of the derivation = printed limit"
        return [_compare(label, value, printed)]

    @staticmethod
    def _explicit(claim, form, lim, dd) -> Evidence:
        value, subs = form.explicit[dd]
        derived = limit_at_infinity(sp.sympify(value).subs(d, dd) / lim.per.subs(d, dd), n)
        try:
            printed = evaluate_exact(bind_expr(lim.limit, claim), subs, {d: dd})
        except (NotImplementedError, KeyError) as exc:
            raise CannotExpress(
                f"the index-level engine cannot evaluate the limit: {exc}"
            ) from None
        label = f"d = {dd}: limit as n → ∞ of the index-level derivation = printed limit"
        return _compare(label, derived, sp.sympify(printed))


def _compare(label: str, derived: sp.Expr, printed: sp.Expr) -> Evidence:
    if derived.has(sp.oo, -sp.oo, sp.zoo):
        return Evidence(
            kind="symbolic",
            label=label,
            outcome=Outcome.FAIL,
            claimed=str(printed),
            measured=str(derived),
            detail=f"the derived quantity diverges along the path ({derived})",
        )
    ok = exact_difference(derived, printed, test="cancel") is None
    gap = "" if ok else f"derived − printed = {sp.factor(sp.cancel(derived - printed))}"
    return Evidence(
        kind="symbolic",
        label=label,
        outcome=Outcome.PASS if ok else Outcome.FAIL,
        claimed=str(printed),
        measured=str(sp.factor(derived)),
        detail="exact equality" if ok else gap[:300],
    )


def limit_sizes(along: str, ratio, ctx: RunContext) -> list[tuple[int, int]]:
    """``(d, n)`` per size: along ``n`` the prompt lengths 16·4^k (``d`` set per base point,
    here 0); along ``d`` the dimensions q·2^k (q the denominator of ``ratio``) with
    ``n = ratio·d``."""
    if along == "n":
        return [(0, 16 * 4**k) for k in range(ctx.pick(5, 6))]
    q = int(sp.Rational(ratio).q)
    base = max(1, math.ceil(2 / q))
    out = []
    for k in range(ctx.pick(4, 6)):
        dd = q * base * 2**k
        out.append((dd, int(ratio * dd)))
    return out


class SimulatedLimit(Check):
    """Extrapolated simulations against the printed limit (module docstring)."""

    name = "rate"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        lim = claim.formula
        q = claim.quantity
        _, rng = ctx.rng(q.name, "limit", claim.id.split("[")[0])
        sizes = limit_sizes(lim.along, lim.ratio, ctx)
        dims = (claim.dims or ctx.pick((1, 3), (1, 3, 6))) if lim.along == "n" else (0,)
        out = []
        for j, dd in enumerate(dims):
            base = q.make_point(max(dd, 1), sizes[0][1], {}, rng, label=f"d={dd}")
            fixed = dict(bind_point(base, claim, rng).scalars)
            rows = []
            for k, (sd, sn) in enumerate(sizes):
                if lim.along == "n":
                    pt = bind_point(_with_n(base, sn), claim, rng, fixed=fixed)
                else:
                    pt = bind_point(q.make_point(sd, sn, {}, rng), claim, rng, fixed=fixed)
                rows.append(self._simulate(claim, ctx, pt, j, k, lim))
            out.append(self._evidence(claim, lim, dd, fixed, rows))
        return out

    @staticmethod
    def _simulate(claim, ctx, pt: Point, j: int, k: int, lim):
        q = claim.quantity
        seed, rng = ctx.rng(q.name, "limit", claim.id.split("[")[0], j, k)
        key = ("limit", q.name, claim.id.split("[")[0], j, k)
        sim = ctx.cached(key, lambda: q.simulate(pt, rng, ctx))
        values = pt.scalar_values()
        per = float(evaluate(lim.per, {}, values))
        try:
            limit = float(evaluate(lim.limit, pt.matrices, values))
        except (NotImplementedError, KeyError) as exc:
            raise CannotExpress(f"the simulation cannot evaluate the limit: {exc}") from None
        size = pt.n if lim.along == "n" else pt.d
        mean, se = float(np.asarray(sim.mean)) / per, float(np.asarray(sim.stderr)) / abs(per)
        return size, mean - limit, se, limit, seed, sim.n_samples

    @staticmethod
    def _evidence(claim, lim, dd, fixed, rows) -> Evidence:
        s = np.array([r[0] for r in rows], float)
        g = np.array([r[1] for r in rows])
        se = np.array([r[2] for r in rows])
        limit = rows[-1][3]
        where = ([f"d={dd}"] if lim.along == "n" else []) + [
            f"{k}={v:.3g}" for k, v in fixed.items()
        ]
        label = f"{claim.quantity.description} → printed limit as {lim.path}" + "".join(
            f", {w}" for w in where
        )
        per_size = ", ".join(
            f"{int(a)}: {b:+.4g} ± {c:.2g}" for a, b, c in zip(s, g, se, strict=True)
        )
        params = {"sizes": s.astype(int).tolist(), "along": lim.along, **fixed}
        if lim.along == "n":
            params["d"] = dd
        common = dict(
            label=label,
            params=params,
            claimed=limit,
            seed=rows[-1][4],
            n_samples=int(sum(r[5] for r in rows)),
        )
        if np.max(se) <= 1e-12 * max(1.0, abs(limit)):  # a deterministic quantity
            err = abs(g[-1])
            ok = err <= 1e-9 * max(1.0, abs(limit))
            return Evidence(
                kind="numeric",
                outcome=Outcome.PASS if ok else Outcome.FAIL,
                measured=limit + g[-1],
                detail=f"deterministic; gap per size {per_size}",
                **common,
            )
        fit, first = _adequate_fit(s, g, se)
        rate = _rate(s, g, se)
        if fit is None:
            return Evidence(
                kind="rate",
                outcome=Outcome.UNDECIDED,
                detail=f"no set of the largest sizes fits {_model(DEGREES[-1])}; gap per size "
                f"{per_size}; {rate}",
                **common,
            )
        c0, se0 = float(fit.coef[0]), float(math.sqrt(fit.cov[0, 0]))
        z, p = z_test(limit + c0, limit, se0)
        chi_p = upper_tail_p_chi2(fit.chi2, fit.dof)
        return Evidence(
            kind="rate",
            measured=limit + c0,
            stderr=se0,
            z=z,
            p_value=p,
            detail=(
                f"extrapolated gap c0 = {c0:+.3g} ± {se0:.2g} (H0: c0 = 0); {rate}; fit g = "
                f"{_model(len(fit.coef) - 1)} on sizes ≥ {int(s[first])}, "
                f"χ² = {fit.chi2:.2f} on {fit.dof} dof (p = {chi_p:.2g}); gap per size {per_size}"
            ),
            **common,
        )


def _with_n(pt: Point, nn: int) -> Point:
    from theory.quantities import Point

    label = f"d={pt.d}, n={nn}"
    return Point(label, pt.d, nn, pt.matrices, pt.scalars)


def upper_tail_p_chi2(chi2: float, dof: int) -> float:
    """:math:`P(\\chi^2_\\nu > x)` (regularised upper incomplete gamma)."""
    import mpmath

    return float(mpmath.gammainc(dof / 2, chi2 / 2, mpmath.inf, regularized=True))


def _adequate_fit(s, g, se):
    """The first adequate fit, dropping the smallest sizes first and then trying the next
    order: ``(fit, index of the smallest size used)``, or ``(None, 0)``."""
    for first in range(len(s) - 3):
        for degree in DEGREES:
            if len(s) - first < degree + 2:
                continue
            fit = numerics.polyfit_wls(1.0 / s[first:], g[first:], se[first:], degree)
            if upper_tail_p_chi2(fit.chi2, fit.dof) >= FIT_LEVEL:
                return fit, first
    return None, 0


def _model(degree: int) -> str:
    return "c0 + " + " + ".join(
        f"c{k}/s" + (f"^{k}" if k > 1 else "") for k in range(1, degree + 1)
    )


def _rate(s, g, se) -> str:
    """``rate r ± se`` of |gap| ≈ C s^(−r) over the sizes where the gap is resolved."""
    ok = np.abs(g) > 3 * se
    if ok.sum() < 3:
        return "rate: gap not resolved at 3 sizes (|gap| ≤ 3 s.e.)"
    X = np.stack([np.ones(ok.sum()), np.log(s[ok])], 1)
    coef, ses, dof = numerics.ols(X, np.log(np.abs(g[ok])))
    return f"fitted rate |gap| ≈ C·s^(−r), r = {-coef[1]:.3f} ± {ses[1]:.2g} ({dof} dof)"
