r"""Losses, gradients and fixed points of pretraining and SFT, derived symbolically.

* Pretraining (3.6)–(3.7): the population one-step weight-prediction loss
  :math:`L(\tilde V) = E\|\hat w_1 - w^*\|^2` under :math:`x \sim N(0, \Sigma_0)` is derived
  from the forward pass and the Wick calculus; its gradient comes from differentiating that
  polynomial, and the stationary point from solving the gradient's linear equations.
* Sparsity (3.8): the gradients of the pretraining and SFT losses w.r.t. **every** entry of the
  full :math:`(2d+2)\times(2d+2)` matrices ``V``, ``W``, evaluated at a generic point of the
  pattern, by ``sympy.diff`` of the explicit forward pass; population gradients are their
  expectations over :math:`w^*` (Isserlis) and ``S`` (Wishart).
"""

from __future__ import annotations

import sympy as sp

from derivations._cache import disk_cache
from derivations._isserlis import (
    expect_gaussian_vector,
    expect_wishart,
    generic_matrix,
    generic_vector,
)
from derivations._letters import LETTERS, n
from derivations._lsa import explicit_gram, explicit_sparse_weights, one_step_prediction
from derivations._moments import one_step_test_error_explicit
from derivations._tracepoly import TracePoly
from derivations._validation import InvalidArgument
from derivations._wick import Gaussian, expect

__all__ = [
    "BLOCK_NAMES",
    "block_of",
    "full_gradients_at_pattern",
    "linear_part",
    "pretrain_fixed_point_expr",
    "pretrain_gradient",
    "pretrain_loss",
    "pretrain_stationary_point_explicit",
]

BLOCK_NAMES = ("x", "y", "w", "c")  # 1-indexed in the paper: 1 = x, 2 = y, 3 = w, 4 = const


@disk_cache
def pretrain_loss() -> TracePoly:
    r""":math:`E\|\hat w_1 - w^*\|^2`, :math:`x \sim N(0, \Sigma_0)`, one step from
    :math:`w_0 = 0` (any d)."""
    r = one_step_prediction() - TracePoly.letter(LETTERS["w"])
    return expect(
        r.T @ r,
        [Gaussian(LETTERS["S"], "outer", LETTERS["Sigma0"], n), Gaussian(LETTERS["w"], "vector")],
    )


@disk_cache
def pretrain_gradient() -> TracePoly:
    r""":math:`\partial L / \partial \tilde V` of :func:`pretrain_loss`.

    Paper: (3.6)–(3.7): the gradient whose zero is Ṽ = −Γ0^{-1}.
    """
    return pretrain_loss().grad(LETTERS["Vt"])


def linear_part(grad: TracePoly, letter_name: str = "Vt") -> tuple[TracePoly, TracePoly]:
    r"""Split an affine gradient :math:`g(X) = C + X K` into ``(C, K)``.

    Raises ``ValueError`` if some term is not of the form ``X · word`` (then the gradient is
    not right-linear in X and the stationary point has no closed form of this kind).
    """
    C = TracePoly(grad.shape)
    K = TracePoly((grad.shape[1], grad.shape[1]))
    for (word, traces), coef in grad.terms.items():
        count = sum(1 for letter in word for _ in [0] if letter.name == letter_name)
        count += sum(1 for t in traces for letter in t if letter.name == letter_name)
        if count == 0:
            C._add_term(word, traces, coef)
        elif count == 1 and word and word[0].name == letter_name and not word[0].transposed:
            K._add_term(word[1:], traces, coef)
        else:
            raise ValueError(f"gradient term {word} {traces} is not of the form X·K")
    return C, K


@disk_cache
def pretrain_stationary_point_explicit(dd: int) -> tuple[sp.Matrix, dict[str, sp.Matrix]]:
    r"""Index level at dimension ``dd``: the population loss with a generic symmetric
    :math:`\Sigma_0`, differentiated entry by entry and the linear equations
    :math:`\partial L/\partial \tilde V_{ij} = 0` solved for :math:`\tilde V`.

    Paper: (3.6)–(3.7): Ṽ = −Γ0^{-1}, Γ0 = (1 + 1/n) Σ0 + (tr Σ0 / n) I.
    """
    loss, mats = one_step_test_error_explicit(dd)
    Sig0 = generic_matrix("Sigma0", dd, symmetric=True)
    loss = loss.subs(dict(zip(list(mats["Sigma"]), list(Sig0), strict=True)))
    Vt = mats["Vt"]
    unknowns = list(Vt)
    equations = [sp.diff(loss, v) for v in unknowns]
    sol = sp.solve(equations, unknowns, dict=True)
    if len(sol) != 1:
        raise ValueError(f"stationarity has {len(sol)} solutions at d={dd}")
    return Vt.subs(sol[0]).applyfunc(sp.cancel), {"Sigma0": Sig0}


def _block_ranges(dd: int) -> list[tuple[int, int]]:
    return [(0, dd), (dd, dd + 1), (dd + 1, 2 * dd + 1), (2 * dd + 1, 2 * dd + 2)]


def block_of(dd: int, i: int, j: int) -> str:
    """Paper-style block name (``V`` or ``W`` prefix added by the caller), e.g. ``"31"``."""
    ranges = _block_ranges(dd)
    bi = next(b for b, (lo, hi) in enumerate(ranges) if lo <= i < hi)
    bj = next(b for b, (lo, hi) in enumerate(ranges) if lo <= j < hi)
    return f"{bi + 1}{bj + 1}"


PATTERN = {("V", "31"), ("W", "13"), ("W", "24")}


@disk_cache
def full_gradients_at_pattern(
    dd: int,
    *,
    loss: str = "sft",
    k: int = 1,
    population: bool = True,
) -> dict[tuple[str, str], sp.Expr]:
    r"""Gradients of the loss w.r.t. every entry of the full ``V``, ``W`` at a generic pattern
    point (:math:`V_{31} = \tilde V`, :math:`W_{13} = \tilde W`, :math:`W_{24} = c`, all else 0),
    grouped by block: ``{("V", "32"): sum of squared gradient entries of that block, ...}``.

    ``loss="pretrain"``: :math:`\frac12\|\hat w_1 - w^*\|^2` (w-block, one step from 0);
    ``loss="sft"``: :math:`\frac12\sum_{i=0}^{k}\|f(Z_i)[:, -1] - (0, 0, w_{i+1}, 1)\|^2` with
    teacher-forced iterates :math:`w_i = (1 - \rho^i) w^*`, :math:`\rho = 1 - \eta` symbolic.
    ``population=True`` takes :math:`E` over :math:`w^* \sim N(0, I)` and
    :math:`S \sim` Wishart(A, n) *before* squaring (the population gradient); ``False`` keeps
    one prompt's data symbolic (a batch of B = 1).

    Paper: §3, (3.8): the gradient outside the pattern (claims pretrain_fixed_point and
    sparsity_preserved).
    """
    D = 2 * dd + 2
    Vs = sp.Matrix(D, D, lambda i, j: sp.Symbol(f"v_{i}_{j}", real=True))
    Ws = sp.Matrix(D, D, lambda i, j: sp.Symbol(f"u_{i}_{j}", real=True))
    Vt = generic_matrix("Vt", dd)
    Wt = generic_matrix("Wt", dd)
    c = sp.Symbol("c", real=True)
    Vp, Wp = explicit_sparse_weights(Vt, Wt, c)
    at_pattern = {
        **dict(zip(list(Vs), list(Vp), strict=True)),
        **dict(zip(list(Ws), list(Wp), strict=True)),
    }
    S = generic_matrix("S", dd, symmetric=True)
    A = generic_matrix("A", dd, symmetric=True)
    w = generic_vector("w", dd)
    rho = sp.Symbol("rho", positive=True)

    def unit(v: sp.Matrix) -> sp.Matrix:
        return sp.Matrix.vstack(sp.zeros(dd + 1, 1), v, sp.ones(1, 1))

    steps: list[tuple[sp.Matrix, sp.Matrix, sp.Matrix, slice | None]] = []
    if loss == "pretrain":
        w0 = sp.zeros(dd, 1)
        target = unit(w)
        steps.append((explicit_gram(S, w, n, [w0]), unit(w0), target, slice(dd + 1, 2 * dd + 1)))
    elif loss == "sft":
        its = [(1 - rho**i) * w for i in range(k + 2)]
        for i in range(k + 1):
            steps.append(
                (explicit_gram(S, w, n, its[: i + 1]), unit(its[i]), unit(its[i + 1]), None)
            )
    else:
        raise InvalidArgument(f"loss must be 'pretrain' or 'sft', got {loss!r}")

    grads: dict[sp.Symbol, sp.Expr] = {s: sp.Integer(0) for s in (*Vs, *Ws)}
    for G, z, target, rows in steps:
        out = z + Vs * G * Ws * z / n
        resid = out - target
        if rows is not None:
            resid = resid[rows, 0]
            out = out[rows, 0]
        resid_p = resid.xreplace(at_pattern)
        for s in grads:
            dout = out.diff(s).xreplace(at_pattern)
            grads[s] += (resid_p.T * dout)[0, 0]
    if population:
        for s in grads:
            g = expect_gaussian_vector(sp.expand(grads[s]), w)
            grads[s] = expect_wishart(g, S, A, n)
    out_blocks: dict[tuple[str, str], sp.Expr] = {}
    for prefix, M in (("V", Vs), ("W", Ws)):
        for i in range(D):
            for j in range(D):
                key = (prefix, block_of(dd, i, j))
                out_blocks[key] = (
                    out_blocks.get(key, sp.Integer(0)) + sp.expand(grads[M[i, j]]) ** 2
                )
    return out_blocks


def pretrain_fixed_point_expr() -> sp.Expr:
    r"""The derived stationary point :math:`\tilde V^* = -C K^{-1}` of :math:`g = C + \tilde V K`
    as a sympy matrix expression (for display).

    Paper: (3.6)–(3.7): Ṽ = −Γ0^{-1}, Γ0 = (1 + 1/n) Σ0 + (tr Σ0 / n) I.
    """
    C, K = linear_part(pretrain_gradient())
    return -C.simplified().to_sympy() * K.simplified().to_sympy().I
