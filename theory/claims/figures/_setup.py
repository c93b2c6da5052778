r"""What the claims of Figs. 1, 2 and 5 and Insight 2 share: Theorem B.1's curve
(:func:`theory_curve`, also drawn by :mod:`theory.figures`) and the unprinted choices."""

from __future__ import annotations

import functools
import math

import numpy as np

from theory.claims.figures._sft_figures import ETA, RHO
from theory.claims.proportional_asymptotics._limits import AsymptoticPoint, evaluate_terms
from theory.claims.proportional_asymptotics.thm_B1 import thm_B1

_FIG1_UNPRINTED = {
    "η": "0.2 (not printed for Figs. 1–2; Fig. 5's value): could move the turning points and "
    "the interference gap, not the spike locations (set by rank, Lemma C.1)",
    "sizes": "quick tier d = 100, m = 50, n ∈ {100, 200, 300} (Fig. 1's ratios), 48 "
    "replicates; full tier the paper's d = 400, 10 replicates",
    "B grid": "B/d ∈ {0.125, …, 5} with B = m and B = d on the grid (Fig. 1 prints B from 50 "
    "to 2000); the spike is located to ±5 % (the grid's neighbours of B = m, d)",
    "error scale": "per coordinate (÷ d), apparently the paper's",
}


@functools.cache
def _derived_formula():
    from derivations import theorem_b1_error
    from theory.claims.proportional_asymptotics._limits import AsymptoticFormula, Term

    e = theorem_b1_error()
    return AsymptoticFormula(
        terms={"Err": Term("err_first_order", e["below"], e["above"])},
        equation=thm_B1.formula.equation,
        aux=thm_B1.formula.aux,
    )


def theory_curve(d: int, m: int, n: int, r: float, Bs, *, which: str = "printed") -> np.ndarray:
    r"""Theorem B.1's limit at β = B/d, μ1 = m/d, γ = d/n (NaN at β = 1 and for r = 0, where
    the closed form is undefined: δ̃_2 contains η/r). ``which="derived"`` uses our derived
    terms instead of the printed ones (they differ below β = 1 through T_var, T_var,Σ)."""
    formula = thm_B1.formula if which == "printed" else _derived_formula()
    out = []
    for B in Bs:
        beta = B / d
        if r <= 0 or math.isclose(beta, 1.0):
            out.append(np.nan)
            continue
        pt = AsymptoticPoint("curve", beta=beta, mu1=m / d, rho=RHO, eta=ETA, r=r, gamma=d / n)
        out.append(evaluate_terms(formula, pt)["Err"])
    return np.asarray(out)
