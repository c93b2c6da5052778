r"""What the §4 SFT checks share: the simulated data sets of Theorems 4.1–4.2 and Remark 4.1,
Γ0⁻¹ as an opaque matrix in exact evaluations, and the names γ, c_k of the printed formulas.

Symbolic witnesses come from :mod:`derivations._sft` (the residual of a supervised column from
the block forward pass, the loss folded over prompts, the Wick moments). Simulation witnesses
train the real LSA on simulated prompts through :mod:`numerics` (real embeddings, the real
forward pass over all ``2d + 2`` rows, gradient descent, Newton on the real loss).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from derivations import d
from theory._params import random_covariance
from theory.claims.sft._data import SFTData, sft_data
from theory.symbols import Gamma0

if TYPE_CHECKING:
    from theory._context import RunContext


#: step size γ, iteration t, summation index i of the printed formulas; c_k as a name (its
#: printed definition is its own part of the formula)
gamma_symbol = sp.Symbol("gamma", positive=True)


ck_symbol = sp.Symbol("c_k", positive=True)


#: Γ0⁻¹ as an opaque generic matrix in exact evaluations
KINV = sp.MatrixSymbol("Kinv", d, d)


def _opaque_gamma(expr: sp.Expr) -> sp.Expr:
    return sp.sympify(expr).xreplace({Gamma0.I: KINV})


def _fro(x: np.ndarray) -> float:
    return float(np.sqrt(np.sum(np.asarray(x) ** 2)))


# ------------------------------------------------------------------ Theorem 4.1: simulation
def _simulated_settings(
    ctx: RunContext, tag: str, cases: list[tuple[str, int, int, int, int]], condition_A: float
) -> list[SFTData]:
    """One simulated data set per ``(label, d, n, B, k)`` case, η = 0.3, with random A (of the
    given condition number) and Σ0 (condition 3) drawn in turn from the stream ``(tag,
    "setting")``."""
    rng = ctx.rng(tag, "setting")[1]
    out = []
    for j, (label, dd, nn, B, kk) in enumerate(cases):
        A = random_covariance(rng, dd, condition=condition_A)
        S0 = random_covariance(rng, dd, condition=3.0)
        out.append(
            sft_data(ctx, (tag, j), label=label, d=dd, n=nn, B=B, k=kk, eta=0.3, A=A, Sigma0=S0)
        )
    return out


def thm42_settings(ctx: RunContext) -> list[SFTData]:
    """Simulated data sets for Theorem 4.2 and Remark 4.1."""
    cases = [
        ("d=3, n=8, B=20, k=2 (B > d)", 3, 8, 20, 2),
        ("d=4, n=6, B=3, k=1 (B < d)", 4, 6, 3, 1),
    ]
    if ctx.full:
        cases += [
            ("d=5, n=10, B=60, k=4", 5, 10, 60, 4),
            ("d=6, n=4, B=6, k=3 (B = d)", 6, 4, 6, 3),
        ]
    return _simulated_settings(ctx, "thm42", cases, condition_A=4.0)
