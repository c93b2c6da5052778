r"""User quantities: a Wishart expectation from its description, and a quantity from functions.

:func:`wishart_expectation` turns a sympy expression ``f`` in the empirical covariance ``S``
(:math:`\hat\Sigma = \frac1n\sum_j x_j x_j^\top`, :math:`x_j \sim N(0, \Sigma)`) and fixed
matrices into the quantity :math:`E[f]`, with all three witnesses built from the same
description: the matrix-level Wick engine (every ``d``), the index-level Isserlis engine on
generic symbolic matrices (``d = 1, 2``), and a sampler that draws ``S`` exactly
(:func:`numerics.sample_wishart`) and evaluates ``f`` on each draw.

:func:`from_functions` is the extension point for anything else: give a derivation (a
:class:`derivations.TracePoly`), optionally an index-level derivation, and a simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

import numerics
from derivations import (
    LETTERS,
    Gaussian,
    TracePoly,
    expect,
    expect_wishart,
    generic_matrix,
    n,
)
from theory._evaluate import evaluate, evaluate_exact
from theory._params import random_covariance, random_matrix, random_symmetric
from theory._validation import InvalidArgument, check_choice
from theory.quantities._base import Point, Quantity, SimulationResult

__all__ = ["from_functions", "wishart_expectation"]

#: samples per point, per tier (each draw evaluates f in Python: kept small)
_BUDGET = {"quick": 8_000, "full": 200_000}


def _shape_kind(expr: sp.Basic) -> str:
    if isinstance(expr, sp.MatrixExpr):
        return "vector" if expr.shape[1] == 1 else "matrix"
    return "scalar"


class _WishartExpectation(Quantity):
    def __init__(self, f: sp.Basic, cov: str, name: str, description: str):
        self.f, self.cov = f, cov
        self.name = name
        self.description = description or f"E[{f}]"
        self.latex = rf"\mathbb{{E}}\left[{sp.latex(f)}\right]"
        used = sorted({str(m.name) for m in f.atoms(sp.MatrixSymbol)} - {"S"})
        self.letters = tuple(dict.fromkeys([*used, cov]))
        self.letter_kinds = {
            x: ("cov" if x == cov else "symmetric" if LETTERS[x].symmetric else "general")
            for x in self.letters
        }
        self.shape = _shape_kind(f)
        self.scalars = tuple(
            sorted(
                str(s)
                for s in f.free_symbols
                if isinstance(s, sp.Symbol) and str(s) not in ("d", "n")
            )
        )
        self.explicit_dims = (1, 2)

    def derive(self) -> TracePoly:
        poly = TracePoly.from_sympy(self.f, LETTERS)
        return expect(poly, [Gaussian(LETTERS["S"], "outer", LETTERS[self.cov], n)])

    def derive_explicit(self, dd: int):
        subs = {x: generic_matrix(x, dd, symmetric=LETTERS[x].symmetric) for x in self.letters}
        S = generic_matrix("S", dd, symmetric=True)
        value = evaluate_exact(
            self.f, {**subs, "S": S}, {sp.Symbol("d", positive=True, integer=True): dd}
        )
        if isinstance(value, sp.MatrixBase):
            value = value.applyfunc(lambda e: expect_wishart(e, S, subs[self.cov], n))
        else:
            value = expect_wishart(value, S, subs[self.cov], n)
        return value, subs

    def points(self, rng, ctx):
        sizes = [(1, 1), (2, 3), (3, 8)] + ([(5, 20)] if ctx.full else [])
        pts = []
        for dd, nn in sizes:
            mats = {}
            for x in self.letters:
                kind = self.letter_kinds[x]
                if kind == "cov":
                    mats[x] = random_covariance(rng, dd, condition=10.0)
                elif kind == "symmetric":
                    mats[x] = random_symmetric(rng, dd)
                else:
                    mats[x] = random_matrix(rng, dd)
            scal = {s: float(rng.uniform(0.1, 0.9)) for s in self.scalars}
            pts.append(Point(f"d={dd}, n={nn}", dd, nn, mats, scal))
        return pts

    def simulate(self, point, rng, ctx) -> SimulationResult:
        N = _BUDGET[ctx.tier]
        Ss = numerics.sample_wishart(point.matrices[self.cov], point.n, N, rng)
        values = point.scalar_values()
        draws = np.stack(
            [
                np.asarray(evaluate(self.f, {**point.matrices, "S": S}, values), dtype=float)
                for S in Ss
            ]
        )
        mean = draws.mean(axis=0)
        se = draws.std(axis=0, ddof=1) / np.sqrt(N)
        return SimulationResult(mean, se, N, f"exact Wishart draws of S, f evaluated on each ({N})")


def wishart_expectation(
    f: Any, *, cov: str = "Sigma", name: str = "", description: str = ""
) -> Quantity:
    """The quantity :math:`E[f]` for a polynomial ``f`` in ``S`` (Σ̂, the empirical covariance
    of ``n`` draws of :math:`N(0, \\text{cov})`), fixed letters of :mod:`theory.symbols`,
    traces, transposes and the scalars ``d``, ``n``, ``eta`` …; see the module docstring.

    >>> from theory.symbols import A, S
    >>> wishart_expectation(S * A * S).letters
    ('A', 'Sigma')
    """
    if isinstance(f, str) or not isinstance(f, sp.Basic):
        raise InvalidArgument(f"f={f!r} is invalid: f must be a sympy expression in theory.symbols")
    cov = check_choice("cov", cov, [k for k, v in LETTERS.items() if v.symmetric and k != "S"])
    for m in f.atoms(sp.MatrixSymbol):
        if str(m.name) not in LETTERS or str(m.name) in ("X", "Omega", "Phi", "Wp", "one_p"):
            raise InvalidArgument(
                f"matrix {m.name} is invalid in f: use S and the d × d letters of theory.symbols"
            )
    S = sp.MatrixSymbol("S", LETTERS["S"].rows, LETTERS["S"].cols)
    if not f.has(S):
        raise InvalidArgument(f"f={f} is invalid: it does not contain the Wishart matrix S")
    if any(
        not isinstance(e, sp.MatrixSymbol) and e.has(S)
        for e in f.atoms(sp.Inverse, sp.MatPow)
        if isinstance(e, sp.Inverse)
        or (isinstance(e, sp.MatPow) and not (e.exp.is_Integer and e.exp >= 0))
    ):
        raise InvalidArgument(
            f"f={f} is invalid: an inverse involving S is not a polynomial the engines expand"
        )
    try:
        TracePoly.from_sympy(f, LETTERS)
    except (NotImplementedError, ValueError) as exc:
        raise InvalidArgument(
            f"f={f} is invalid: not a polynomial the engines expand ({exc})"
        ) from None
    return _WishartExpectation(f, cov, name or f"E[{f}]", description)


class _FunctionQuantity(Quantity):
    def __init__(self, **kw):
        self._kw = kw
        for key in ("name", "description", "latex", "letters", "scalars", "shape", "stochastic"):
            setattr(self, key, kw[key])
        self.letter_kinds = dict(kw["letter_kinds"])
        if kw["explicit"] is None:
            self.explicit_dims = ()

    def derive(self):
        return self._kw["derive"]()

    def derive_explicit(self, dd: int):
        if self._kw["explicit"] is None:
            raise NotImplementedError(f"{self.name} has no index-level derivation")
        return self._kw["explicit"](dd)

    def points(self, rng, ctx):
        return [
            self.make_point(dd, nn, {}, rng, label=f"d={dd}, n={nn}")
            for dd, nn in self._kw["sizes"]
        ]

    def make_point(self, d, n, matrices, rng, label="user point"):
        pt = Quantity.make_point(self, d, n, matrices, rng, label)
        scal = {s: float(rng.uniform(*self._kw["scalar_domains"][s])) for s in self.scalars}
        return Point(pt.label, d, n, pt.matrices, scal)

    def simulate(self, point, rng, ctx) -> SimulationResult:
        out = self._kw["simulate"](point, rng, ctx.tier)
        if isinstance(out, SimulationResult):
            return out
        mean, stderr, count = out
        return SimulationResult(mean, stderr, int(count), "user simulator")


def from_functions(
    name: str,
    *,
    letters: Sequence[str],
    derive: Callable[[], TracePoly],
    simulate: Callable[[Point, np.random.Generator, str], Any],
    derive_explicit: Callable[[int], tuple[Any, dict]] | None = None,
    description: str = "",
    latex: str = "",
    letter_kinds: dict[str, str] | None = None,
    scalars: dict[str, tuple[float, float]] | None = None,
    shape: str = "scalar",
    stochastic: bool = True,
    sizes: Sequence[tuple[int, int]] = ((1, 1), (2, 3), (4, 10)),
) -> Quantity:
    """A user quantity from functions (the documented extension point).

    ``derive()`` returns the matrix-level :class:`derivations.TracePoly` (every ``d``);
    ``derive_explicit(d)`` (optional) the index-level value and ``{letter: generic matrix}``
    (without it, claims about the quantity must be derivable at matrix level);
    ``simulate(point, rng, tier)`` returns ``(mean, stderr, n_samples)`` (stderr 0 for an exact
    simulation with ``stochastic=False``). ``letters`` are names of :mod:`theory.symbols`
    (``letter_kinds``: "cov", "symmetric" or "general"); ``scalars`` maps the quantity's own
    scalars to the domain its points draw them from; ``sizes`` are the simulated ``(d, n)``.
    """
    for x in letters:
        check_choice("letters", x, list(LETTERS))
    kinds = dict(letter_kinds or {})
    for x, k in kinds.items():
        check_choice(f"letter_kinds[{x!r}]", k, ("cov", "symmetric", "general"))
    check_choice("shape", shape, ("scalar", "vector", "matrix"))
    if not callable(derive) or not callable(simulate):
        raise InvalidArgument("derive and simulate must be callables")
    doms = dict(scalars or {})
    return _FunctionQuantity(
        name=name,
        description=description or name,
        latex=latex or name,
        letters=tuple(letters),
        letter_kinds=kinds,
        scalars=tuple(doms),
        scalar_domains=doms,
        shape=shape,
        stochastic=stochastic,
        derive=derive,
        explicit=derive_explicit,
        simulate=simulate,
        sizes=tuple(sizes),
    )
