r"""Trace polynomials: a canonical form for matrix expressions of any dimension.

A :class:`TracePoly` of shape ``(r, c)`` is a finite sum

.. math::  \sum_t  c_t(n, d, \dots)\; W_t \prod_j \operatorname{tr}(U_{t,j}),

where every :math:`W_t` is an *open word* (a product of letters of total shape ``r × c``; the
empty word is the identity) and every :math:`U_{t,j}` a *cyclic word*. Letters are named
matrices (:class:`Letter`) with a symbolic shape and an optional symmetry flag; ``Aᵀ`` is the
letter ``A`` with ``transposed=True``.

Two expressions are equal for **every** dimension exactly when their canonical forms agree:
cyclic words are stored as the least of all rotations of the word and of its reverse-transpose
(``tr(XY) = tr(YX) = tr(YᵀXᵀ)``), a ``1 × 1`` open word is turned into a trace, and
coefficients are rational functions compared with :func:`sympy.cancel`. This is what the
matrix-level derivations use to prove identities for symbolic ``d``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from derivations._validation import InvalidArgument

__all__ = ["Letter", "TracePoly"]

Word = tuple["Letter", ...]


@dataclass(frozen=True, order=True)
class Letter:
    """A named matrix: ``name`` (``transposed`` → its transpose), shape ``rows × cols``."""

    name: str
    rows: sp.Expr
    cols: sp.Expr
    symmetric: bool = False
    transposed: bool = False

    def __post_init__(self) -> None:
        if self.symmetric and self.rows != self.cols:
            raise InvalidArgument(f"symmetric letter {self.name} must be square, got {self.shape}")
        if self.symmetric and self.transposed:
            object.__setattr__(self, "transposed", False)

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (self.rows, self.cols)

    @property
    def T(self) -> Letter:
        if self.symmetric:
            return self
        return Letter(self.name, self.cols, self.rows, False, not self.transposed)

    @property
    def base(self) -> Letter:
        """The untransposed letter."""
        return self.T if self.transposed else self

    def key(self) -> tuple[str, bool]:
        return (self.name, self.transposed)

    def __repr__(self) -> str:
        return self.name + ("ᵀ" if self.transposed else "")


def _transpose_word(word: Word) -> Word:
    return tuple(letter.T for letter in reversed(word))


def _word_key(word: Word) -> tuple:
    return tuple(letter.key() for letter in word)


def canonical_cycle(word: Word) -> Word:
    """Least representative of ``tr(word)`` under rotation and reverse-transposition."""
    if not word:
        return word
    best = None
    for w in (word, _transpose_word(word)):
        for i in range(len(w)):
            rot = w[i:] + w[:i]
            if best is None or _word_key(rot) < _word_key(best):
                best = rot
    return best


# A term is (open word, sorted tuple of canonical cyclic words).
Term = tuple[Word, tuple[Word, ...]]


def _make_term(word: Word, traces: Iterable[Word]) -> Term:
    return (word, tuple(sorted((canonical_cycle(t) for t in traces), key=_word_key)))


class TracePoly:
    """Sum of ``coefficient × open word × product of traces`` of a fixed shape (see module)."""

    __slots__ = ("shape", "terms")

    def __init__(self, shape: tuple[sp.Expr, sp.Expr], terms: Mapping[Term, sp.Expr] | None = None):
        self.shape = (sp.sympify(shape[0]), sp.sympify(shape[1]))
        self.terms: dict[Term, sp.Expr] = {}
        for (word, traces), coef in (terms or {}).items():
            self._add_term(word, traces, coef)

    # ----------------------------------------------------------------- construction
    def _add_term(self, word: Word, traces: Iterable[Word], coef: sp.Expr) -> None:
        coef = sp.sympify(coef)
        if coef == 0:
            return
        traces = list(traces)
        if word and self.is_scalar_shape:
            # a 1×1 product equals its own trace
            traces.append(word)
            word = ()
        term = _make_term(word, traces)
        new = self.terms.get(term, sp.Integer(0)) + coef
        if new == 0:
            self.terms.pop(term, None)
        else:
            self.terms[term] = new

    @property
    def is_scalar_shape(self) -> bool:
        return self.shape[0] == 1 and self.shape[1] == 1

    @classmethod
    def letter(cls, letter: Letter) -> TracePoly:
        return cls(letter.shape, {((letter,), ()): 1})

    @classmethod
    def identity(cls, dim: sp.Expr) -> TracePoly:
        return cls((dim, dim), {((), ()): 1})

    @classmethod
    def zero(cls, shape: tuple[sp.Expr, sp.Expr]) -> TracePoly:
        return cls(shape)

    @classmethod
    def scalar(cls, value: sp.Expr) -> TracePoly:
        return cls((1, 1), {((), ()): value})

    def copy(self) -> TracePoly:
        out = TracePoly(self.shape)
        out.terms = dict(self.terms)
        return out

    # ----------------------------------------------------------------- algebra
    def _check_same_shape(self, other: TracePoly, op: str) -> None:
        if any(sp.simplify(a - b) != 0 for a, b in zip(self.shape, other.shape, strict=True)):
            raise InvalidArgument(f"shape mismatch in {op}: {self.shape} vs {other.shape}")

    def __add__(self, other: TracePoly) -> TracePoly:
        if not isinstance(other, TracePoly):
            other = TracePoly.scalar(other) if self.is_scalar_shape else NotImplemented
            if other is NotImplemented:
                return NotImplemented
        self._check_same_shape(other, "+")
        out = self.copy()
        for (word, traces), coef in other.terms.items():
            out._add_term(word, traces, coef)
        return out

    __radd__ = __add__

    def __neg__(self) -> TracePoly:
        return self.scale(-1)

    def __sub__(self, other: TracePoly) -> TracePoly:
        return self + (-other)

    def __rsub__(self, other: TracePoly) -> TracePoly:
        return (-self) + other

    def scale(self, factor: sp.Expr) -> TracePoly:
        factor = sp.sympify(factor)
        out = TracePoly(self.shape)
        for term, coef in self.terms.items():
            out._add_term(term[0], term[1], coef * factor)
        return out

    def __mul__(self, other: object) -> TracePoly:
        """Scalar multiplication: by a sympy scalar, or by a ``1 × 1`` TracePoly."""
        if isinstance(other, TracePoly):
            if other.is_scalar_shape:
                scal, mat = other, self
            elif self.is_scalar_shape:
                scal, mat = self, other
            else:
                raise InvalidArgument(
                    f"'*' is scalar multiplication; use '@' for {self.shape} @ {other.shape}"
                )
            out = TracePoly(mat.shape)
            for (w1, t1), c1 in mat.terms.items():
                for (w2, t2), c2 in scal.terms.items():
                    out._add_term(w1 + w2, t1 + t2, c1 * c2)
            return out
        return self.scale(other)

    __rmul__ = __mul__

    def __truediv__(self, other: sp.Expr) -> TracePoly:
        return self.scale(1 / sp.sympify(other))

    def __matmul__(self, other: TracePoly) -> TracePoly:
        if sp.simplify(self.shape[1] - other.shape[0]) != 0:
            raise InvalidArgument(f"shape mismatch in @: {self.shape} @ {other.shape}")
        out = TracePoly((self.shape[0], other.shape[1]))
        for (w1, t1), c1 in self.terms.items():
            for (w2, t2), c2 in other.terms.items():
                out._add_term(w1 + w2, t1 + t2, c1 * c2)
        return out

    def __pow__(self, k: int) -> TracePoly:
        if not isinstance(k, int) or k < 0:
            raise InvalidArgument(f"power must be a non-negative int, got {k!r}")
        if self.shape[0] != self.shape[1]:
            raise InvalidArgument(f"power of a non-square TracePoly of shape {self.shape}")
        out = TracePoly.identity(self.shape[0])
        for _ in range(k):
            out = out @ self
        return out

    @property
    def T(self) -> TracePoly:
        out = TracePoly((self.shape[1], self.shape[0]))
        for (word, traces), coef in self.terms.items():
            out._add_term(_transpose_word(word), traces, coef)
        return out

    def trace(self) -> TracePoly:
        if sp.simplify(self.shape[0] - self.shape[1]) != 0:
            raise InvalidArgument(f"trace of a non-square TracePoly of shape {self.shape}")
        out = TracePoly((1, 1))
        for (word, traces), coef in self.terms.items():
            if word:
                out._add_term((), (*traces, word), coef)
            else:
                out._add_term((), traces, coef * self.shape[0])
        return out

    # ----------------------------------------------------------------- canonical comparison
    def simplified(self) -> TracePoly:
        out = TracePoly(self.shape)
        for (word, traces), coef in self.terms.items():
            c = sp.cancel(sp.together(coef))
            if c != 0:
                out.terms[(word, traces)] = c
        return out

    def is_zero(self) -> bool:
        return not self.simplified().terms

    def equals(self, other: TracePoly) -> bool:
        """Exact equality for every dimension (canonical forms agree)."""
        self._check_same_shape(other, "equals")
        return (self - other).is_zero()

    def letters(self) -> set[Letter]:
        found: set[Letter] = set()
        for word, traces in self.terms:
            for w in (word, *traces):
                found.update(letter.base for letter in w)
        return found

    def free_scalars(self) -> set[sp.Symbol]:
        out: set[sp.Symbol] = set()
        for coef in self.terms.values():
            out |= coef.free_symbols
        return out

    # ----------------------------------------------------------------- substitution, calculus
    def subs_letter(self, name: str, value: TracePoly) -> TracePoly:
        """Replace every occurrence of letter ``name`` (and of its transpose) by ``value``."""

        def word_poly(word: Word, shape: tuple[sp.Expr, sp.Expr]) -> TracePoly:
            acc: TracePoly | None = None
            for letter in word:
                if letter.name == name:
                    piece = value.T if letter.transposed else value
                else:
                    piece = TracePoly.letter(letter)
                acc = piece if acc is None else acc @ piece
            return acc if acc is not None else TracePoly.identity(shape[0])

        out = TracePoly(self.shape)
        for (word, traces), coef in self.terms.items():
            acc = word_poly(word, self.shape).scale(coef)
            for t in traces:
                acc = acc * word_poly(t, (t[0].rows, t[-1].cols)).trace()
            out = out + acc
        return out

    def subs_scalars(self, mapping: Mapping[sp.Symbol, sp.Expr]) -> TracePoly:
        out = TracePoly(self.shape)
        for (word, traces), coef in self.terms.items():
            out._add_term(word, traces, sp.sympify(coef).subs(mapping))
        return out

    def grad(self, letter: Letter) -> TracePoly:
        r"""Gradient :math:`\partial f / \partial X` of a scalar ``f`` w.r.t. a general matrix X.

        Uses :math:`\partial \operatorname{tr}(X M)/\partial X = M^\top` and
        :math:`\partial \operatorname{tr}(X^\top M)/\partial X = M` for every occurrence, with
        the product rule over the traces of a term.
        """
        if not self.is_scalar_shape:
            raise InvalidArgument(f"grad needs a scalar TracePoly, got shape {self.shape}")
        if letter.symmetric:
            raise InvalidArgument(f"grad w.r.t. the symmetric letter {letter.name} is ambiguous")
        base = letter.base
        out = TracePoly(base.shape)
        for (_word, traces), coef in self.terms.items():
            for j, cyc in enumerate(traces):
                others = traces[:j] + traces[j + 1 :]
                for t, let in enumerate(cyc):
                    if let.name != base.name:
                        continue
                    rest = cyc[t + 1 :] + cyc[:t]
                    g = rest if let.transposed else _transpose_word(rest)
                    piece = TracePoly(base.shape)
                    piece._add_term(g, others, coef)
                    out = out + piece
        return out

    # ----------------------------------------------------------------- conversion
    def to_sympy(self, symbols: Mapping[str, sp.MatrixExpr] | None = None) -> sp.Expr:
        """A sympy matrix (or scalar) expression; letters become ``MatrixSymbol``\\s."""
        symbols = dict(symbols or {})

        def sym(letter: Letter) -> sp.MatrixExpr:
            base = symbols.get(letter.name)
            if base is None:
                base = sp.MatrixSymbol(letter.name, letter.base.rows, letter.base.cols)
                symbols[letter.name] = base
            return base.T if letter.transposed else base

        def prod(word: Word) -> sp.MatrixExpr:
            return (
                sp.MatMul(*(sym(letter) for letter in word)).doit()
                if len(word) > 1
                else (sym(word[0]))
            )

        total = None
        for (word, traces), coef in sorted(self.terms.items(), key=lambda kv: _term_key(kv[0])):
            scal = sp.sympify(coef)
            for t in traces:
                scal = scal * sp.Trace(prod(t))
            if self.is_scalar_shape:
                piece = scal
            else:
                mat = prod(word) if word else sp.Identity(self.shape[0])
                piece = scal * mat
            total = piece if total is None else total + piece
        if total is None:
            return sp.Integer(0) if self.is_scalar_shape else sp.ZeroMatrix(*self.shape)
        return total

    def evaluate(self, values: Mapping[str, sp.Matrix], scalars: Mapping | None = None):
        """Explicit value (a sympy ``Matrix``, or a scalar) given a matrix for every letter."""
        scalars = dict(scalars or {})

        def val(letter: Letter) -> sp.Matrix:
            m = values[letter.name]
            return m.T if letter.transposed else m

        def prod(word: Word) -> sp.Matrix:
            acc = val(word[0])
            for letter in word[1:]:
                acc = acc * val(letter)
            return acc

        rows = int(sp.sympify(self.shape[0]).subs(scalars))
        cols = int(sp.sympify(self.shape[1]).subs(scalars))
        total = sp.zeros(rows, cols)
        for (word, traces), coef in self.terms.items():
            scal = sp.sympify(coef).subs(scalars)
            for t in traces:
                scal = scal * prod(t).trace()
            mat = prod(word) if word else sp.eye(rows)
            total += scal * mat
        return total[0, 0] if self.is_scalar_shape else total

    def __repr__(self) -> str:
        if not self.terms:
            return "0"
        parts = []
        for (word, traces), coef in sorted(self.terms.items(), key=lambda kv: _term_key(kv[0])):
            factors = [f"tr({' '.join(map(repr, t))})" for t in traces]
            if word:
                factors.append(" ".join(map(repr, word)))
            elif not factors:
                factors.append("I" if not self.is_scalar_shape else "1")
            parts.append(f"({coef})·" + "·".join(factors))
        return " + ".join(parts)

    # ----------------------------------------------------------------- conversion from sympy
    @classmethod
    def from_sympy(cls, expr: sp.Expr, letters: Mapping[str, Letter]) -> TracePoly:
        """Convert a sympy matrix/scalar expression built from ``MatrixSymbol``\\s.

        ``letters`` maps each ``MatrixSymbol`` name to its :class:`Letter` (shape, symmetry).
        Supported: sums, products, integer powers, transposes, traces, identities, zero
        matrices, scalar symbols and numbers. ``Inverse(X)`` of a named matrix becomes the
        opaque letter ``X⁻¹``. Anything else raises ``NotImplementedError``.
        """
        return _from_sympy(sp.sympify(expr), letters)


def _term_key(term: Term) -> tuple:
    word, traces = term
    return (len(traces), [_word_key(t) for t in traces], _word_key(word))


def _from_sympy(expr: sp.Expr, letters: Mapping[str, Letter]) -> TracePoly:
    if isinstance(expr, sp.MatrixSymbol):
        name = str(expr.name)
        if name not in letters:
            raise NotImplementedError(f"no Letter declared for the matrix symbol {name}")
        return TracePoly.letter(letters[name])
    if isinstance(expr, sp.Identity):
        return TracePoly.identity(expr.rows)
    if isinstance(expr, sp.ZeroMatrix):
        return TracePoly.zero(expr.shape)
    if isinstance(expr, sp.Transpose):
        return _from_sympy(expr.arg, letters).T
    if isinstance(expr, sp.Trace):
        return _from_sympy(expr.arg, letters).trace()
    if isinstance(expr, sp.Inverse):
        arg = expr.arg
        if isinstance(arg, sp.MatrixSymbol) and str(arg.name) in letters:
            base = letters[str(arg.name)]
            return TracePoly.letter(Letter(base.name + "⁻¹", base.rows, base.cols, base.symmetric))
        raise NotImplementedError(f"inverse of a compound expression: {expr}")
    if isinstance(expr, MatrixElement) and expr.parent.shape == (1, 1):
        return _from_sympy(expr.parent, letters)
    if isinstance(expr, sp.MatAdd | sp.Add):
        parts = [_from_sympy(a, letters) for a in expr.args]
        # scalars added to a 1×1 matrix are fine; mixed shapes are an error
        out = parts[0]
        for p in parts[1:]:
            out = out + p
        return out
    if isinstance(expr, sp.MatMul | sp.Mul):
        scal = sp.Integer(1)
        acc: TracePoly | None = None
        scal_polys: list[TracePoly] = []
        for a in expr.args:
            if a.is_Matrix or isinstance(a, sp.MatrixExpr):
                p = _from_sympy(a, letters)
                acc = p if acc is None else acc @ p
            elif a.has(sp.Trace) or a.has(MatrixElement):
                scal_polys.append(_from_sympy(a, letters))
            else:
                scal = scal * a
        out = acc if acc is not None else TracePoly.scalar(1)
        for p in scal_polys:
            out = out * p
        return out.scale(scal)
    if isinstance(expr, sp.MatPow):
        base, k = expr.args
        if not (k.is_Integer and k >= 0):
            raise NotImplementedError(f"matrix power {k} is not a non-negative integer")
        return _from_sympy(base, letters) ** int(k)
    if isinstance(expr, sp.Pow) and expr.base.has(sp.Trace):
        k = expr.exp
        if not (k.is_Integer and k >= 0):
            raise NotImplementedError(f"power {k} of a trace is not polynomial")
        base = _from_sympy(expr.base, letters)
        out = TracePoly.scalar(1)
        for _ in range(int(k)):
            out = out * base
        return out
    if expr.is_number or isinstance(expr, sp.Symbol) or not expr.has(sp.MatrixExpr):
        if expr.has(sp.Trace):
            raise NotImplementedError(f"non-polynomial function of a trace: {expr}")
        return TracePoly.scalar(expr)
    raise NotImplementedError(f"cannot convert {type(expr).__name__}: {expr}")
