r"""Claim ``pretrain_fixed_point`` (the model, §1–§3): the claim and the checks written only
for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

import derivations as dt
import numerics
from derivations import LETTERS, TracePoly, d, exact_difference
from theory._check import Check
from theory._claim import Claim
from theory._evaluate import evaluate, evaluate_exact
from theory._params import random_covariance
from theory._verdict import Evidence, Outcome
from theory.checks import short_text, z_evidence
from theory.claims.model._pattern import PatternGradient, PatternPopulationMC
from theory.symbols import Gamma0, I, Sigma0, n

if TYPE_CHECKING:
    from theory._context import RunContext


def _gamma_inverse_form(formula: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Split a printed fixed point ``c · E⁻¹`` into ``(c, E)``."""
    if isinstance(formula, sp.Inverse):
        return sp.Integer(1), formula.arg
    if isinstance(formula, sp.MatMul):
        scal = [a for a in formula.args if not a.is_Matrix]
        mats = [a for a in formula.args if a.is_Matrix]
        if len(mats) == 1 and isinstance(mats[0], sp.Inverse):
            return sp.Mul(*scal), mats[0].arg
    raise NotImplementedError(f"fixed point {formula} is not of the form c·E⁻¹")


# ------------------------------------------------------------------ pretraining fixed point
class FixedPointStationarity(Check):
    r"""Every d: the derived population gradient is affine, :math:`g(\tilde V) = C + \tilde V K`;
    the printed point :math:`c E^{-1}` is stationary iff :math:`E C + c K = 0` (E invertible),
    decided on canonical trace polynomials."""

    name = "stationarity"

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        grad = ctx.cached(("pretrain_gradient",), dt.pretrain_gradient)
        Cst, K = dt.linear_part(grad)
        label = "printed point is a zero of the derived population gradient, every d"
        try:
            c, E = _gamma_inverse_form(claim.formula)
            Ep = TracePoly.from_sympy(E, LETTERS)
        except NotImplementedError as exc:
            return [
                Evidence(kind="symbolic", label=label, outcome=Outcome.UNDECIDED, detail=str(exc))
            ]
        resid = (Ep @ Cst + K.scale(c)).simplified()
        ok = not resid.terms
        return [
            Evidence(
                kind="symbolic",
                label=label,
                outcome=Outcome.PASS if ok else Outcome.FAIL,
                claimed=str(claim.formula),
                measured=f"∇L = {grad.simplified()}",
                detail=(
                    "E·C + c·K = 0 exactly"
                    if ok
                    else f"E·C + c·K = {short_text(resid)} ≠ 0: the printed point is not stationary"
                ),
            )
        ]


class FixedPointSolve(Check):
    """Explicit d: solve the stationarity equations of the index-level loss; compare."""

    name = "solve"

    def __init__(self, dims=(1, 2)):
        self.dims = tuple(dims)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        fails = []
        for dd in self.dims:
            sol, subs = ctx.cached(
                ("pretrain_solve", dd), lambda dd=dd: dt.pretrain_stationary_point_explicit(dd)
            )
            printed = evaluate_exact(claim.formula, subs, {d: dd})
            diff = exact_difference(sol, printed)
            if diff is not None:
                fails.append(f"d={dd}: solved − printed has entry {short_text(diff)}")
        return [
            Evidence(
                kind="symbolic",
                label=f"solution of ∂L/∂Ṽ = 0 (generic Σ0, symbolic n) = printed, d={self.dims}",
                outcome=Outcome.FAIL if fails else Outcome.PASS,
                detail="; ".join(fails) or "sympy.solve gives exactly the printed matrix",
            )
        ]


def _pretrain_points(ctx: RunContext) -> list[tuple[str, int, int, np.ndarray]]:
    rng = ctx.rng("pretrain", "points")[1]
    pts = [
        ("d=1, n=1", 1, 1, np.array([[1.7]])),
        ("d=3, n=4, cond(Σ0)=4", 3, 4, random_covariance(rng, 3, condition=4.0)),
    ]
    if ctx.full:
        pts += [
            ("d=2, n=2, cond(Σ0)=10", 2, 2, random_covariance(rng, 2, condition=10.0)),
            ("d=5, n=20, cond(Σ0)=3", 5, 20, random_covariance(rng, 5, condition=3.0)),
        ]
    return pts


class FixedPointUniqueness(Check):
    r"""Uniqueness: the loss is quadratic with Hessian map :math:`\tilde V \mapsto 2\tilde V K`
    (K from the derived gradient); it is positive definite iff K is, checked at each point."""

    name = "uniqueness"
    uses_formula = False

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        return [self.at(label, dd, nn, Sig0) for label, dd, nn, Sig0 in _pretrain_points(ctx)]

    @staticmethod
    def at(label: str, dd: int, nn: int, Sig0: np.ndarray) -> Evidence:
        """The evidence at one point (smallest eigenvalue of the derived K)."""
        _, K = dt.linear_part(dt.pretrain_gradient())
        Ks = K.simplified().to_sympy()
        Kv = np.asarray(evaluate(Ks, {"Sigma0": Sig0}, {"d": dd, "n": nn}), dtype=float)
        Kv = Kv.reshape(dd, dd)
        lam = float(np.linalg.eigvalsh((Kv + Kv.T) / 2).min())
        scale = float(np.abs(Kv).max())
        return Evidence(
            kind="numeric",
            label=f"Hessian of the population loss is positive definite at {label}",
            outcome=Outcome.PASS if lam > 1e-12 * scale else Outcome.FAIL,
            params={"d": dd, "n": nn, "Sigma0": Sig0},
            measured=lam,
            detail=f"K = {K.simplified()}; smallest eigenvalue {lam:.4g}",
        )


def effective_linear_map(V: np.ndarray, W: np.ndarray, n: int) -> np.ndarray:
    r"""The part of the trained network's one-step prediction that is linear in the task:
    :math:`\hat w_1(S, w) - \hat w_1(S, -w) = 2 M S w`, read off with :math:`S = I` and
    :math:`w = e_j` by the real forward pass (``numerics.last_column``). With the pattern
    weights :math:`M = -\tilde V`; with full weights it collects every path (e.g.
    :math:`W_{24}V_{31} + V_{32}W_{14}^\top`), so it is the quantity the fixed point is about."""
    d = (V.shape[0] - 2) // 2
    eye = np.broadcast_to(np.eye(d), (d, d, d))
    sl = numerics.block_slices(d)
    z = np.zeros((d, V.shape[0]))
    z[:, sl.c] = 1.0
    iters = np.zeros((d, 1, d))
    out = [
        numerics.last_column(
            numerics.gram_from_sufficient(eye, sign * np.eye(d), n, iters), z, V, W, n
        )
        for sign in (1.0, -1.0)
    ]
    return ((out[0] - out[1])[:, sl.w] / 2).T


@dataclass
class FixedPointGD(Check):
    r"""Simulation: gradient descent on the real one-step weight-prediction loss.

    ``full=False`` trains :math:`\tilde V = V_{31}` only (W̃ = I, :math:`W_{24} = -1`);
    ``full=True`` trains every entry of V and W from the pattern point
    :math:`(V_{31} = 0, W_{13} = I, W_{24} = -1)`. Both compare the trained network's
    effective map :math:`-M` (:func:`effective_linear_map`) with the printed point. ``R``
    independent replicates of B fresh prompts give the mean endpoint and its standard error;
    the t-test is against the printed fixed point.
    """

    full: bool = False
    max_steps: int = 3000
    name: str = field(default="gd", init=False)

    def run(self, claim: Claim, ctx: RunContext) -> list[Evidence]:
        if self.full and not ctx.full:
            return []  # minutes of non-convex GD: full tier only
        R, B = ctx.pick((10, 2000), (8, 2000) if self.full else (16, 5000))
        out = []
        points = _pretrain_points(ctx)
        if self.full:
            points = [p for p in points if p[1] <= 2]
        for j, (label, dd, nn, Sig0) in enumerate(points):
            key = ("pretrain_gd", self.full, j)
            seed, rng = ctx.rng("pretrain", "gd", int(self.full), j)
            res = ctx.cached(
                key,
                lambda dd=dd, nn=nn, Sig0=Sig0, rng=rng, label=label: self._simulate(
                    dd, nn, Sig0, R, B, rng, label, ctx
                ),
            )
            ends, info = res
            claimed = np.asarray(
                evaluate(claim.formula, {"Sigma0": Sig0}, {"d": dd, "n": nn}), dtype=float
            )
            mean = ends.mean(axis=0)
            se = ends.std(axis=0, ddof=1) / np.sqrt(R)
            what = "all (2d+2)² entries of V, W" if self.full else "Ṽ = V_31 only"
            out.append(
                z_evidence(
                    kind="monte_carlo",
                    label=f"GD endpoint ({what}) at {label}, {R}×B={B} prompts",
                    params={"d": dd, "n": nn, "Sigma0": Sig0, "B": B, "replicates": R},
                    claimed=claimed,
                    measured=mean,
                    stderr=se,
                    dof=R - 1,
                    seed=seed,
                    n_samples=R * B,
                    detail=f"t-test with {R - 1} dof; {info}",
                )
            )
        return out

    def _simulate(self, dd, nn, Sig0, R, B, rng, label, ctx):
        ctx.note(f"pretraining GD ({'full' if self.full else 'sparse'}) at {label}")
        mV, mW = numerics.pattern_masks(dd)
        sl = numerics.block_slices(dd)
        trainV = np.zeros_like(mV)
        trainV[sl.w, sl.x] = True
        ends, steps, gnorms, offs = [], [], [], []
        for _ in range(R):
            data = numerics.make_pretrain_data(Sig0, nn, B, rng)
            V, W = numerics.sparse_weights(np.zeros((dd, dd)), np.eye(dd))

            def lg(V, W, data=data):
                return numerics.pretrain_loss_and_grad(data, V, W)

            g0 = float(np.linalg.norm(lg(V, W)[1]))
            mask = None if self.full else (trainV, np.zeros_like(mW))
            res = numerics.gradient_descent(
                lg, (V, W), step="armijo", max_steps=self.max_steps, grad_tol=1e-7 * g0, mask=mask
            )
            Vf, Wf = res.params
            ends.append(-effective_linear_map(Vf, Wf, nn))
            steps.append(res.n_steps)
            gnorms.append(res.grad_norm_history[-1] / g0)
            offs.append(float(np.sqrt(np.mean(np.concatenate([Vf[~mV], Wf[~mW]]) ** 2))))
        info = (
            f"GD (Armijo) steps {min(steps)}–{max(steps)}, final ‖∇‖/‖∇0‖ ≤ {max(gnorms):.1e}"
            + (f"; off-pattern RMS at the end {np.mean(offs):.2e}" if self.full else "")
        )
        return np.array(ends), info


pretrain_fixed_point = Claim(
    id="pretrain_fixed_point",
    reference="(3.6)–(3.7)",
    statement="gradient flow on the population one-step loss under N(0, Σ0) has the unique fixed "
    "point Ṽ = −Γ0⁻¹, Γ0 = (1 + 1/n)Σ0 + (tr Σ0/n) I; the full parameterisation keeps the pattern",
    formula=-Gamma0.I,
    checks=(
        FixedPointStationarity(),
        FixedPointSolve(),
        FixedPointUniqueness(),
        # the pattern part of the claim; it does not depend on the printed fixed point
        PatternGradient(loss="pretrain", dims=(1, 2), uses_formula=False),
        PatternPopulationMC(loss="pretrain", uses_formula=False),
        FixedPointGD(full=False),
        FixedPointGD(full=True, max_steps=1500),
    ),
    section="§3",
    cheap=True,
    quote="(3.6)–(3.7), imported from Huang, Wang & Lee (2025), a population gradient-flow "
    "analysis: V̂0 has the one nonzero block V31 = −Γ0⁻¹, Ŵ0 has W13 = I and W24 = −1, "
    "Γ0 = (1 + 1/n)Σ0 + (tr Σ0/n)I; started at the sparse pattern, the pattern is kept.",
    notes="Population statement: the pattern check uses the population gradient only.",
    lhs_latex=r"\tilde{V}^{*}",
    derivation=dt.pretrain_fixed_point_expr,
    wrong_variants={
        "no_trace_term": -((1 + 1 / n) * Sigma0).I,
        "one_plus_two_over_n": -((1 + 2 / n) * Sigma0 + sp.Trace(Sigma0) / n * I).I,
    },
)


CLAIMS = (pretrain_fixed_point,)
