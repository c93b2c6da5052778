"""What a quantity is: something the library can both derive (sympy) and simulate (numerics)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

if TYPE_CHECKING:
    from derivations import TracePoly
    from theory._context import RunContext

__all__ = ["Point", "Quantity", "SimulationResult"]


@dataclass(frozen=True)
class Point:
    """One parameter point: dimension ``d``, prompt length ``n``, named matrices and scalars."""

    label: str
    d: int
    n: int
    matrices: Mapping[str, np.ndarray] = field(default_factory=dict)
    scalars: Mapping[str, float] = field(default_factory=dict)

    def scalar_values(self) -> dict[str, float]:
        return {"d": self.d, "n": self.n, **self.scalars}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "d": self.d, "n": self.n}
        out.update({k: float(v) for k, v in self.scalars.items()})
        for name, m in self.matrices.items():
            arr = np.asarray(m, dtype=float)
            out[name] = arr.tolist()
            if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and np.allclose(arr, arr.T):
                ev = np.linalg.eigvalsh(arr)
                out[f"cond({name})"] = float(ev[-1] / ev[0]) if ev[0] > 0 else float("inf")
        return out


@dataclass(frozen=True)
class SimulationResult:
    """A simulated value: ``mean`` ± ``stderr`` from ``n_samples`` (stderr 0: deterministic)."""

    mean: float | np.ndarray
    stderr: float | np.ndarray
    n_samples: int
    detail: str = ""


class Quantity(ABC):
    """A quantity with a derivation (any ``d`` and explicit small ``d``) and a simulation.

    ``letters`` names the matrices a formula for it may use; ``description`` is its
    left-hand side as a reader would write it.
    """

    name: str = ""
    description: str = ""
    latex: str = ""
    letters: Sequence[str] = ()
    stochastic: bool = True

    @abstractmethod
    def derive(self) -> TracePoly:
        """Matrix-level derivation, valid for every dimension ``d``."""

    @abstractmethod
    def derive_explicit(self, d: int) -> tuple[Any, dict[str, sp.Matrix]]:
        """Index-level derivation at dimension ``d`` with generic symbolic matrices:
        ``(value, {letter: generic sympy Matrix})``."""

    @abstractmethod
    def points(self, rng: np.random.Generator, ctx: RunContext) -> list[Point]:
        """Parameter points to simulate at, awkward ones included."""

    @abstractmethod
    def simulate(self, point: Point, rng: np.random.Generator, ctx: RunContext) -> SimulationResult:
        """Simulate the real model at ``point``."""
