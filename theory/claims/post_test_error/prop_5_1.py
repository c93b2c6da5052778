r"""Claim ``prop_5_1``: the post-test error of one LSA step, with its checks."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

import numerics
from theory import quantities as q
from theory._check import Check
from theory._claim import Claim
from theory.checks import MonteCarloIdentity, SymbolicIdentity, z_evidence
from theory.quantities._mc import monte_carlo
from theory.symbols import I, Sigma, Vt, n


@dataclass
class PairedForwardVsFrobenius(Check):
    r"""The first equality of (5.1): :math:`E\|\hat w - w^*\|^2 = E\|I + \tilde V\hat\Sigma\|_F^2`,
    as the mean of the paired difference on the same prompts (real forward pass vs the
    Frobenius norm of the same S), z-tested against 0."""

    name: str = field(default="paired", init=False)
    uses_formula: bool = field(default=False, init=False)

    def run(self, claim, ctx):
        out = []
        quantity = q.one_step_test_error
        pts = ctx.cached(
            ("points", quantity.name),
            lambda: quantity.points(ctx.rng(quantity.name, "points")[1], ctx),
        )
        for j, pt in enumerate(pts):
            seed, rng = ctx.rng(quantity.name, "paired", j)
            Vtv, Sig = pt.matrices["Vt"], pt.matrices["Sigma"]

            def diff(r, size, Vtv=Vtv, Sig=Sig, pt=pt):
                s = numerics.one_step_error_paired_samples(Vtv, Sig, pt.n, r, size)
                return s[:, 0] - s[:, 1]

            res = ctx.cached(
                ("paired", j),
                lambda diff=diff, rng=rng, pt=pt: monte_carlo(
                    diff, rng, ctx.tier, scale=float(pt.d)
                ),
            )
            out.append(
                z_evidence(
                    kind="monte_carlo",
                    label=f"E‖ŵ − w*‖² − E‖I + ṼΣ̂‖_F² = 0 (paired) at {pt.label}",
                    params=pt.to_json(),
                    claimed=0.0,
                    measured=res.mean,
                    stderr=res.stderr,
                    seed=seed,
                    n_samples=res.n_samples,
                )
            )
        return out


_POP = sp.Trace((I + Vt * Sigma) * (I + Vt * Sigma).T)


_CORR = sp.Trace(Vt * Sigma**2 * Vt.T) + sp.Trace(Vt * Sigma * Vt.T) * sp.Trace(Sigma)


prop_5_1 = Claim(
    id="prop_5_1",
    reference="Proposition 5.1, (5.1)",
    statement="one-step test error E‖ŵ − w*‖² = E‖I + ṼΣ̂‖_F² = Lemma A.1's right side with A = Ṽ",
    formula=_POP + _CORR / n,
    quantity=q.one_step_test_error,
    checks=(SymbolicIdentity(), MonteCarloIdentity(), PairedForwardVsFrobenius()),
    section="§5",
    cheap=True,
    quote="(5.1), Proposition 5.1: the one-step prediction ŵ = −(1/n)ṼXXᵀw* (W̃ = I, w_0 = 0) "
    "has E‖ŵ − w*‖² = E‖I + ṼΣ̂‖_F², which equals the right side of Lemma A.1 with A = Ṽ.",
    wrong_variants={
        "proof_line_factor_2": _POP
        + (sp.Trace(Vt * Sigma**2 * Vt.T) + 2 * sp.Trace(Vt * Sigma * Vt.T) * sp.Trace(Sigma)) / n,
        "population_only": _POP,
    },
)


CLAIMS = (prop_5_1,)
