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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

import numerics
from derivations import (
    LETTERS,
    Gaussian,
    TracePoly,
    expect,
    expect_gaussian_vector,
    expect_wishart,
    generic_matrix,
    generic_vector,
    n,
)
from theory._evaluate import evaluate, evaluate_exact
from theory._params import random_covariance, random_matrix, random_symmetric
from theory._validation import InvalidArgument, check_choice
from theory.quantities._base import Point, Quantity, SimulationResult

__all__ = ["from_functions", "gaussian_expectation", "wishart_expectation"]

#: samples per point, per tier (each draw evaluates f in Python: kept small)
_BUDGET = {"quick": 8_000, "full": 200_000}


def _shape_kind(expr: sp.Basic) -> str:
    if isinstance(expr, sp.MatrixExpr):
        return "vector" if expr.shape[1] == 1 else "matrix"
    return "scalar"


#: letters that cannot appear in a Gaussian expectation (not d × d, or not plain matrices)
_NOT_IN_F = ("X", "Omega", "Phi", "Wp", "one_p")


class _GaussianExpectation(Quantity):
    r""":math:`E[f]` over independent Wishart matrices :math:`S_j = \frac1n X_jX_j^\top`
    (columns of :math:`X_j` i.i.d. :math:`N(0, C_j)`) and Gaussian vectors
    :math:`v_k \sim N(0, C_k)` (:math:`C_k = I` when no covariance letter is given)."""

    def __init__(
        self,
        f: sp.Basic,
        wishart: dict[str, str],
        vectors: dict[str, str | None],
        name: str,
        description: str,
    ):
        self.f, self.wishart, self.vectors = f, dict(wishart), dict(vectors)
        self.name = name
        self.description = description or f"E[{f}]"
        self.latex = rf"\mathbb{{E}}\left[{sp.latex(f)}\right]"
        random = set(self.wishart) | set(self.vectors)
        covs = [c for c in [*self.wishart.values(), *self.vectors.values()] if c is not None]
        used = sorted({str(m.name) for m in f.atoms(sp.MatrixSymbol)} - random)
        self.letters = tuple(dict.fromkeys([*used, *covs]))
        self.letter_kinds = {
            x: ("cov" if x in covs else "symmetric" if LETTERS[x].symmetric else "general")
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
        """Wick's theorem on the trace polynomial of ``f``, every family at once."""
        poly = TracePoly.from_sympy(self.f, LETTERS)
        families = [Gaussian(LETTERS[s], "outer", LETTERS[c], n) for s, c in self.wishart.items()]
        families += [
            Gaussian(LETTERS[v], "vector", None if c is None else LETTERS[c])
            for v, c in self.vectors.items()
        ]
        return expect(poly, families)

    def derive_explicit(self, dd: int):
        """Isserlis on the entries of generic ``dd × dd`` matrices: the families are independent,
        so the expectation is taken one family after the other."""
        subs = {x: generic_matrix(x, dd, symmetric=LETTERS[x].symmetric) for x in self.letters}
        rand = {s: generic_matrix(s, dd, symmetric=True) for s in self.wishart}
        rand |= {v: generic_vector(v, dd) for v in self.vectors}
        value = evaluate_exact(
            self.f, {**subs, **rand}, {sp.Symbol("d", positive=True, integer=True): dd}
        )

        def integrate(e: sp.Expr) -> sp.Expr:
            for v, c in self.vectors.items():
                e = expect_gaussian_vector(e, rand[v], None if c is None else subs[c])
            for s, c in self.wishart.items():
                e = expect_wishart(e, rand[s], subs[c], n)
            return e

        if isinstance(value, sp.MatrixBase):
            return value.applyfunc(integrate), subs
        return integrate(value), subs

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
        """Exact draws of every family (Wisharts by :func:`numerics.sample_wishart`, vectors as
        :math:`L z`, :math:`LL^\top = C`), ``f`` evaluated on each draw."""
        N = _BUDGET[ctx.tier]
        draws_of: dict[str, np.ndarray] = {}
        for s, c in self.wishart.items():
            draws_of[s] = numerics.sample_wishart(point.matrices[c], point.n, N, rng)
        for v, c in self.vectors.items():
            z = rng.standard_normal((N, point.d, 1))
            if c is not None:
                C = point.matrices[c]
                vals, vecs = np.linalg.eigh(C)  # C = L Lᵀ with L = Q diag(√λ) (C may be singular)
                z = (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ z
            draws_of[v] = z
        values = point.scalar_values()
        draws = np.stack(
            [
                np.asarray(
                    evaluate(
                        self.f, {**point.matrices, **{k: a[i] for k, a in draws_of.items()}}, values
                    ),
                    dtype=float,
                )
                for i in range(N)
            ]
        )
        mean = draws.mean(axis=0)
        se = draws.std(axis=0, ddof=1) / np.sqrt(N)
        families = ", ".join(
            [f"S={s}" for s in self.wishart] + [f"{v} Gaussian" for v in self.vectors]
        )
        detail = (
            f"exact Wishart draws of S, f evaluated on each ({N})"
            if not self.vectors and list(self.wishart) == ["S"]
            else f"exact draws ({families}), f evaluated on each ({N})"
        )
        return SimulationResult(mean, se, N, detail)


def _random_letter(role: str, name: object, *, vector: bool) -> str:
    valid = [
        k
        for k, v in LETTERS.items()
        if k not in _NOT_IN_F and (v.cols == 1 if vector else (v.symmetric and v.cols == v.rows))
    ]
    return check_choice(role, name, valid)


def gaussian_expectation(
    f: Any,
    *,
    wishart: Mapping[str, str] | None = None,
    vectors: Mapping[str, str | None] | None = None,
    name: str = "",
    description: str = "",
) -> Quantity:
    r"""The quantity :math:`E[f]` for a polynomial ``f`` in independent Gaussian objects and
    fixed letters of :mod:`theory.symbols`.

    ``wishart`` maps each Wishart letter to its covariance letter,
    :math:`S = rac1n\sum_{j\le n} x_jx_j^	op`, :math:`x_j \sim N(0, 	ext{cov})` (default
    ``{"S": "Sigma"}`` when ``f`` contains ``S``); ``vectors`` maps each Gaussian column
    vector letter (``w``, ``wi``) to its covariance letter, or ``None`` for :math:`N(0, I)`.
    All three witnesses come from this description: Wick's theorem on words (every ``d``),
    Isserlis on generic entries (``d = 1, 2``), and exact draws of every family with ``f``
    evaluated on each draw.

    >>> from theory.symbols import A, S, w
    >>> gaussian_expectation(w.T * S * A * S * w, vectors={"w": None}).letters
    ('A', 'Sigma')
    """
    if isinstance(f, str) or not isinstance(f, sp.Basic):
        raise InvalidArgument(f"f={f!r} is invalid: f must be a sympy expression in theory.symbols")
    if isinstance(f, sp.MatrixExpr) and f.shape == (1, 1):
        f = sp.Trace(f)  # a 1 × 1 product such as wᵀMw is the scalar tr(wᵀMw)
    if wishart is None:  # S is the empirical covariance unless stated otherwise
        wishart = (
            {"S": "Sigma"} if any(str(m.name) == "S" for m in f.atoms(sp.MatrixSymbol)) else {}
        )
    wishart = dict(wishart)
    vectors = dict(vectors or {})
    for s, c in wishart.items():
        _random_letter("wishart", s, vector=False)
        check_choice(f"wishart[{s!r}]", c, [k for k, v in LETTERS.items() if v.symmetric])
    for v, c in vectors.items():
        _random_letter("vectors", v, vector=True)
        if c is not None:
            check_choice(f"vectors[{v!r}]", c, [k for k, x in LETTERS.items() if x.symmetric])
    random = set(wishart) | set(vectors)
    if not random:
        raise InvalidArgument("wishart={} and vectors={} are invalid: name at least one family")
    overlap = random & {c for c in [*wishart.values(), *vectors.values()] if c is not None}
    overlap |= set(wishart) & set(vectors)
    if overlap:
        raise InvalidArgument(
            f"letters {sorted(overlap)} are invalid: a random letter cannot also be a covariance"
        )
    for m in f.atoms(sp.MatrixSymbol):
        if str(m.name) not in LETTERS or str(m.name) in _NOT_IN_F:
            raise InvalidArgument(
                f"matrix {m.name} is invalid in f: use the d × d letters and the vectors w, wi "
                "of theory.symbols"
            )
    present = {str(m.name) for m in f.atoms(sp.MatrixSymbol)}
    if not present & random:
        raise InvalidArgument(
            f"f={f} is invalid: it does not contain the Wishart matrix or Gaussian vector "
            f"{', '.join(sorted(random))}"
        )
    for e in f.atoms(sp.Inverse, sp.MatPow):
        negative = isinstance(e, sp.Inverse) or not (e.exp.is_Integer and e.exp >= 0)
        if negative and {str(m.name) for m in e.atoms(sp.MatrixSymbol)} & random:
            raise InvalidArgument(
                f"f={f} is invalid: an inverse involving a random letter is not a polynomial "
                "the engines expand"
            )
    try:
        TracePoly.from_sympy(f, LETTERS)
    except (NotImplementedError, ValueError) as exc:
        raise InvalidArgument(
            f"f={f} is invalid: not a polynomial the engines expand ({exc})"
        ) from None
    return _GaussianExpectation(f, wishart, vectors, name or f"E[{f}]", description)


def wishart_expectation(
    f: Any, *, cov: str = "Sigma", name: str = "", description: str = ""
) -> Quantity:
    """The quantity :math:`E[f]` for a polynomial ``f`` in ``S`` (Σ̂, the empirical covariance
    of ``n`` draws of :math:`N(0, \text{cov})`), fixed letters of :mod:`theory.symbols`,
    traces, transposes and the scalars ``d``, ``n``, ``eta`` …: :func:`gaussian_expectation`
    with the single family ``wishart={"S": cov}``.

    >>> from theory.symbols import A, S
    >>> wishart_expectation(S * A * S).letters
    ('A', 'Sigma')
    """
    cov = check_choice("cov", cov, [k for k, v in LETTERS.items() if v.symmetric and k != "S"])
    return gaussian_expectation(f, wishart={"S": cov}, name=name, description=description)


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
