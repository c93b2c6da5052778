"""What a quantity is: something the library can both derive (sympy) and simulate (numerics)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import sympy as sp

from theory._params import random_covariance, random_matrix, random_symmetric
from theory._validation import (
    InvalidArgument,
    check_covariance,
    check_finite_matrix,
    check_int,
)

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
    #: how to validate or draw each letter of a user's point: "cov" (symmetric PSD),
    #: "symmetric" or "general" (the default)
    letter_kinds: ClassVar[dict[str, str]] = {}
    #: scalar symbols a formula may use besides ``d`` and ``n`` (names of :mod:`theory.symbols`
    #: or of scalars the quantity itself defines)
    scalars: Sequence[str] = ()
    #: letters a claim may fix with ``at=`` (empty: every letter)
    bindable: Sequence[str] = ()
    #: what a formula for it must be: "scalar", "vector" (``d × 1``) or "matrix" (``d × d``)
    shape: str = "scalar"
    #: False when :meth:`simulate` is exact (no sampling): judged by a float64 comparison
    stochastic: bool = True

    def make_point(
        self,
        d: int,
        n: int,
        matrices: Mapping[str, np.ndarray],
        rng: np.random.Generator,
        label: str = "user point",
    ) -> Point:
        """A validated point from a user's matrices; letters not given are drawn from ``rng``."""
        d = check_int("d", d)
        n = check_int("n", n)
        unknown = set(matrices) - set(self.letters)
        if unknown:
            raise InvalidArgument(
                f"matrix {sorted(unknown)[0]!r} is invalid for {self.name}: "
                f"valid matrices are {', '.join(self.letters)}"
            )
        values: dict[str, np.ndarray] = {}
        for name in self.letters:
            kind = self.letter_kinds.get(name, "general")
            if name in matrices:
                if kind == "cov":
                    values[name] = check_covariance(name, matrices[name], d=d)
                else:
                    m = check_finite_matrix(name, matrices[name], shape=(d, d))
                    if kind == "symmetric" and not np.allclose(m, m.T):
                        raise InvalidArgument(f"{name} is not symmetric: {name} must be symmetric")
                    values[name] = m
            elif kind == "cov":
                values[name] = random_covariance(rng, d, condition=10.0)
            elif kind == "symmetric":
                values[name] = random_symmetric(rng, d)
            else:
                values[name] = random_matrix(rng, d)
        return Point(label, d, n, values)

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
