r"""Shared set-up of the SFT checks: simulated post-training data sets, evaluation of the parts
of a printed formula at such a data set, and the derived population limit
:math:`\tilde V_\infty` of Proposition 4.3 (:func:`derivations.population_nearest_point` from
the printed :math:`-\Gamma_0^{-1}`) and its float64 value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

import derivations as ds
import numerics
from theory._evaluate import evaluate
from theory.symbols import A, Gamma0

if TYPE_CHECKING:
    from theory._context import RunContext


def gamma0(Sigma0: np.ndarray, n: int) -> np.ndarray:
    r""":math:`\Gamma_0 = (1 + 1/n)\Sigma_0 + (\operatorname{tr}\Sigma_0/n) I` (3.7), the
    pretrained :math:`\tilde V_0 = -\Gamma_0^{-1}` (confirmed as ``pretrain_fixed_point``)."""
    d = Sigma0.shape[0]
    return (1 + 1 / n) * Sigma0 + np.trace(Sigma0) / n * np.eye(d)


@dataclass
class SFTData:
    """One simulated SFT data set and its setting."""

    label: str
    d: int
    n: int
    B: int
    k: int
    eta: float
    A: np.ndarray
    Sigma0: np.ndarray
    data: numerics.PromptData
    seed: int
    Omega: np.ndarray = field(init=False)
    Phi: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.Omega, self.Phi = numerics.sft_statistics(self.data)

    @property
    def V0(self) -> np.ndarray:
        return -np.linalg.inv(gamma0(self.Sigma0, self.n))

    def matrices(self, **extra: np.ndarray) -> dict[str, np.ndarray]:
        return {"Omega": self.Omega, "Phi": self.Phi, "Sigma0": self.Sigma0, "A": self.A, **extra}

    def scalars(self, **extra: float) -> dict[str, float]:
        r"""d, n, B, k, η and the shorthand :math:`c_k = \sum_{i=0}^{k}(1-\eta)^{2i}` (§2)."""
        kk = int(extra.get("k", self.k))
        ck = sum((1 - self.eta) ** (2 * i) for i in range(kk + 1))
        base = {"d": self.d, "n": self.n, "B": self.B, "k": self.k, "eta": self.eta, "c_k": ck}
        return {**base, **extra}

    def evaluate(self, expr: sp.Expr, matrices: dict | None = None, **scalars: float):
        return evaluate(expr, self.matrices(**(matrices or {})), self.scalars(**scalars))

    def params(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "d": self.d,
            "n": self.n,
            "B": self.B,
            "k": self.k,
            "eta": self.eta,
            "A": self.A,
            "Sigma0": self.Sigma0,
        }


def sft_data(
    ctx: RunContext,
    key: tuple,
    *,
    label: str,
    d: int,
    n: int,
    B: int,
    k: int,
    eta: float,
    A: np.ndarray,
    Sigma0: np.ndarray,
) -> SFTData:
    """A data set of B prompts :math:`x \\sim N(0, A)` (cached per run under ``key``)."""
    seed, rng = ctx.rng("sft_data", *key)

    def make():
        data = numerics.make_sft_data(A, n, B, rng)
        return SFTData(label, d, n, B, k, eta, A, Sigma0, data, seed)

    return ctx.cached(("sft_data", *key), make)


def part(formula: sp.Tuple, index: int) -> sp.Expr:
    """The ``index``-th printed expression of a claim whose formula is a tuple."""
    return formula.args[index] if isinstance(formula, sp.Tuple) else formula


def vinf_derived(k: int = 1) -> sp.Expr:
    r"""The derived population limit :math:`\tilde V_\infty` of Proposition 4.3: the zero of
    the population gradient nearest :math:`\tilde V_0 = -\Gamma_0^{-1}` (printed (3.7)), the
    covariance letter standing for A (:func:`derivations.population_nearest_point`)."""
    return ds.population_nearest_point(-Gamma0.I, {"C": A}, k)


_VINF = None


def vinf_numeric(Amat: np.ndarray, Sigma0: np.ndarray, n: int, eta_value: float) -> np.ndarray:
    """:func:`vinf_derived` evaluated in float64."""
    global _VINF
    if _VINF is None:
        _VINF = vinf_derived()
    d = Amat.shape[0]
    return np.asarray(
        evaluate(_VINF, {"A": Amat, "Sigma0": Sigma0}, {"n": n, "eta": eta_value, "d": d}),
        dtype=float,
    )
