r"""Outcome supervision derived from the forward pass (paper §6, Proposition 6.1, Appendix E).

Two independent routes, neither of which uses the printed closed forms:

* **every d** — the last output column of the LSA is derived by block-matrix multiplication of
  the real embedding (:mod:`derivations._lsa`) with ``p`` earlier iterate columns and the
  current iterate :math:`\hat w_i`; the rollout is unrolled k times by substituting each
  derived iterate for :math:`\hat w_i` (the earlier columns drop out, which is checked), the
  loss :math:`\frac12\|\hat w_k - w^*\|^2` is formed and differentiated in :math:`\tilde V`
  with the trace-polynomial calculus;
* **explicit small d** — generic symbolic tokens :math:`x_1..x_n`, the explicit
  :math:`(2d+2)`-row embedding, the whole output column of the layer appended at each step,
  the loss expanded entry by entry and differentiated with ``sympy.diff``.

The residual, Jacobian and Hessian of the loss at a given point are derived exactly too
(:func:`os_curvature_at`), from the polynomial coefficients of the rollout around the point.
"""

from __future__ import annotations

import sympy as sp

from derivations._cache import disk_cache
from derivations._exact import random_rational_matrix
from derivations._isserlis import generic_matrix, generic_vector
from derivations._letters import LETTERS, d, n
from derivations._letters import letter_poly as _L
from derivations._lsa import (
    embedding,
    explicit_embedding,
    explicit_gram,
    explicit_sparse_weights,
    gram_to_covariance,
    last_column,
    sparse_weights,
)
from derivations._tracepoly import TracePoly

__all__ = [
    "appended_column",
    "os_curvature_at",
    "os_gradient",
    "os_gradient_explicit",
    "os_iterate",
    "os_iterate_at",
    "os_iterate_explicit",
    "os_loss",
    "os_loss_explicit",
    "sft_gradient_sparse",
    "sft_loss_sparse",
]


@disk_cache
def appended_column() -> tuple[TracePoly, ...]:
    r"""The four blocks (x, y, w, const) of :math:`f(\hat Z_i)[:, -1]` for the sparse weights
    (3.8), with ``p`` earlier iterate columns and the current iterate :math:`\hat w_i`, in terms
    of S (any d, n, p). The rollout appends this whole column."""
    V, W = sparse_weights(_L("Vt"), _L("Wt"))
    Z, z = embedding(_L("wi"))
    col = last_column(V, W, Z, z)
    return tuple(gram_to_covariance(col.block(r, 0)) for r in range(4))


def _step_map() -> TracePoly:
    x, y, wblk, c = appended_column()
    if x.terms or y.terms or not (c - TracePoly.scalar(1)).simplified().is_zero():
        raise ValueError(
            f"the appended column is not (0, 0, w, 1): x-block {x}, y-block {y}, const {c}"
        )
    if any(letter.name in ("Wp", "one_p") for letter in wblk.letters()):
        raise ValueError("the next iterate depends on the earlier columns: no closed recursion")
    return wblk


@disk_cache
def os_iterate(k: int, wt_identity: bool = False) -> TracePoly:
    r""":math:`\hat w_k` of the k-step rollout from :math:`w_0 = 0` (any d), by unrolling the
    derived step map; ``wt_identity`` sets :math:`\tilde W = I`.

    Paper: the rollout of Proposition 6.1; with W̃ = I, ŵ_k − w* = −M^k w*, M = I + Ṽ S.
    """
    step = _step_map()
    if wt_identity:
        step = step.subs_letter("Wt", TracePoly.identity(d))
    current = TracePoly.zero((d, sp.Integer(1)))
    for _ in range(k):
        current = step.subs_letter("wi", current).simplified()
    return current


@disk_cache
def os_loss(k: int, wt_identity: bool = False) -> TracePoly:
    r"""One prompt's OS loss :math:`\frac12\|\hat w_k - w^*\|^2` (any d); the loss of B
    prompts is the mean of this over the prompts.

    Paper: Proposition 6.1, L_OS = (1/2B) Σ_τ ‖ŵ_{τ,k} − w*_τ‖².
    """
    r = os_iterate(k, wt_identity) - _L("w")
    return (r.T @ r).scale(sp.Rational(1, 2)).simplified()


@disk_cache
def os_gradient(k: int) -> TracePoly:
    r""":math:`\partial/\partial\tilde V` of one prompt's OS loss with :math:`\tilde W = I`.

    Paper: §6, Appendix E (claim os_gradient).
    """
    return os_loss(k, wt_identity=True).grad(LETTERS["Vt"]).simplified()


def os_iterate_at(k: int, values: dict[str, sp.Matrix]) -> sp.Matrix:
    r""":math:`\hat w_k` at explicit matrices ``values`` (``Vt``, ``Wt``, ``S``, ``w``; entries
    may be symbols or exact numbers), by applying the derived step map k times from
    :math:`w_0 = 0` (cheaper than evaluating the unrolled polynomial).

    Paper: the rollout of Proposition 6.1.
    """
    step = _step_map()
    dd = values["w"].shape[0]
    current = sp.zeros(dd, 1)
    for _ in range(k):
        current = step.evaluate({**values, "wi": current}, {d: dd}).applyfunc(sp.expand)
    return current


# ----------------------------------------------------------------------------- explicit d
def _integer_data(dd: int, nn: int, seed: int) -> tuple[sp.Matrix, sp.Matrix]:
    """Random integer tokens (d × n, entries in -3..3) and task vector (entries in -2..2)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X = random_rational_matrix(rng, dd, nn, -3, 4)
    w = random_rational_matrix(rng, dd, 1, -2, 3)
    return X, w


def _explicit_rollout(
    dd: int, k: int, nn: int | None, wt_identity: bool, data_seed: int | None = None
):
    """Explicit rollout: with ``nn`` generic tokens (the real embedding Z, the layer's last
    column from ``Z Zᵀ`` formed explicitly) or, for ``nn=None``, with a generic symmetric S and
    symbolic n (the Gram matrix ``G = Z Zᵀ`` built from the sufficient statistics). With
    ``data_seed`` the tokens and w* are random integers (exact rational arithmetic) and only
    the weights stay symbolic: an identity in the weights at random data (a nonzero
    polynomial vanishes at a random integer point with small probability)."""
    w = generic_vector("w", dd)
    Vt = generic_matrix("Vt", dd)
    Wt = sp.eye(dd) if wt_identity else generic_matrix("Wt", dd)
    V, W = explicit_sparse_weights(Vt, Wt)
    c0 = sp.Matrix.vstack(sp.zeros(2 * dd + 1, 1), sp.ones(1, 1))
    if nn is not None:
        X = generic_matrix("x", dd, nn)
        if data_seed is not None:
            X, w = _integer_data(dd, nn, data_seed)
        Z = explicit_embedding(X, w, [sp.zeros(dd, 1)])
        G = Z * Z.T
        S, div = X * X.T / nn, nn
    else:
        S = generic_matrix("S", dd, symmetric=True)
        G = explicit_gram(S, w, n, [sp.zeros(dd, 1)])
        div = n
    cols = [c0]
    for _ in range(k):
        z = cols[-1]
        # last column of f(Z) = Z + V Z (Zᵀ W Z)/n is z + V (Z Zᵀ) W z / n
        col = (z + V * (G * (W * z)) / div).applyfunc(sp.expand)
        cols.append(col)
        G = (G + col * col.T).applyfunc(sp.expand)  # appending the whole column
    mats = {"Vt": Vt, "S": S, "w": w}
    if not wt_identity:
        mats["Wt"] = Wt
    return sp.Matrix.hstack(*cols[1:]), mats


@disk_cache
def os_iterate_explicit(
    dd: int, k: int, nn: int | None = None, wt_identity: bool = False, data_seed: int | None = None
):
    r"""Index level: the appended columns :math:`c_1..c_k` of the explicit rollout, on ``nn``
    generic tokens (``S = X Xᵀ/n`` of the same tokens) or on a generic S with symbolic n
    (``nn=None``); returns ``(columns (2d+2)×k, substitutions)``."""
    return _explicit_rollout(dd, k, nn, wt_identity, data_seed)


@disk_cache
def os_loss_explicit(
    dd: int, k: int, nn: int | None = None, wt_identity: bool = False, data_seed: int | None = None
):
    r"""Index level: :math:`\frac12\|\hat w_k - w^*\|^2` of the explicit rollout.

    Paper: Proposition 6.1, L_OS = (1/2B) Σ_τ ‖ŵ_{τ,k} − w*_τ‖².
    """
    cols, mats = os_iterate_explicit(dd, k, nn, wt_identity, data_seed)
    r = cols[dd + 1 : 2 * dd + 1, -1] - mats["w"]
    return sp.expand((r.T * r)[0, 0] / 2), mats


@disk_cache
def os_gradient_explicit(dd: int, k: int, nn: int | None = None, data_seed: int | None = None):
    r"""Index level: :math:`\partial L/\partial\tilde V_{ij}` with :math:`\tilde W = I`, by
    ``sympy.diff`` and the chain rule :math:`\partial L = \sum_a r_a\,\partial r_a`,
    :math:`r = \hat w_k - w^*` of the explicit rollout; a d×d matrix.

    Paper: §6, Appendix E (claim os_gradient).
    """
    cols, mats = os_iterate_explicit(dd, k, nn, True, data_seed)
    r = cols[dd + 1 : 2 * dd + 1, -1] - mats["w"]
    Vt = mats["Vt"]
    return (
        Vt.applyfunc(lambda v: sp.expand(sum(r[a] * sp.diff(r[a], v) for a in range(dd)))),
        mats,
    )


def os_curvature_at(
    k: int, Vt: sp.Matrix, S: sp.Matrix, w: sp.Matrix
) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    r"""Exact residual, Jacobian and Hessian of one prompt's OS loss at a point
    (:math:`\tilde W = I`; entries exact numbers or symbols): with :math:`\tilde V = V_0 + E`
    (E generic), :math:`r(E) = \hat w_k - w^*` from the derived step map, then
    :math:`J = \partial r/\partial\operatorname{vec}E|_0` and
    :math:`H = \sum_a (\nabla r_a\nabla r_a^\top + r_a\nabla^2 r_a)|_0`, read off the
    polynomial coefficients. At a zero residual :math:`H = J^\top J` (Gauss–Newton).

    Returns:
        ``(r (d×1), J (d×d²), H (d²×d²))`` at E = 0.

    Paper: the curvature of (6.1) (claim os_hessian, Appendix E).
    """
    dd = w.shape[0]
    E = generic_matrix("e", dd)
    es = list(E)
    r = os_iterate_at(
        k, {"Vt": sp.Matrix(Vt) + E, "S": sp.Matrix(S), "w": sp.Matrix(w), "Wt": sp.eye(dd)}
    ) - sp.Matrix(w)
    p = len(es)
    r0 = sp.zeros(dd, 1)
    J = sp.zeros(dd, p)
    H = sp.zeros(p, p)
    zero = (0,) * p
    for a in range(dd):
        poly = sp.Poly(sp.expand(r[a]), *es)
        c = poly.coeff_monomial(zero)
        r0[a] = c
        lin = [poly.coeff_monomial(tuple(int(t == i) for t in range(p))) for i in range(p)]
        for i in range(p):
            J[a, i] = lin[i]
        for i in range(p):
            for j in range(p):
                mono = [0] * p
                mono[i] += 1
                mono[j] += 1
                q = poly.coeff_monomial(tuple(mono))
                second = 2 * q if i == j else q
                H[i, j] += lin[i] * lin[j] + c * second
    return r0, J, H


@disk_cache
def sft_loss_sparse(k: int) -> TracePoly:
    r"""One prompt's SFT loss for the sparse weights with :math:`\tilde W = I` (any d), from the
    derived step map with teacher forcing: the supervised column i has w-block
    :math:`\mathrm{step}(w_i)` and target :math:`w_{i+1}`, :math:`w_i = (1 - \rho_c^i) w^*`
    (:math:`\rho_c = 1 - \eta` a symbol); the other rows of the column are exact
    (:func:`appended_column`):
    :math:`L = \frac12\sum_{i=0}^{k}\|\mathrm{step}(w_i) - w_{i+1}\|^2`.

    Paper: L_SFT = (c_k / 2B) ‖Ṽ Φ + η Ω‖_F² of Theorem 4.2 for one prompt.
    """
    rho_c = sp.Symbol("rho_c", positive=True)
    step = _step_map().subs_letter("Wt", TracePoly.identity(d))
    w = _L("w")
    total = TracePoly((sp.Integer(1), sp.Integer(1)))
    for i in range(k + 1):
        wi = w.scale(1 - rho_c**i)
        r = step.subs_letter("wi", wi) - w.scale(1 - rho_c ** (i + 1))
        total = total + (r.T @ r).scale(sp.Rational(1, 2))
    return total.simplified()


@disk_cache
def sft_gradient_sparse(k: int) -> TracePoly:
    r""":math:`\partial/\partial\tilde V` of one prompt's SFT loss for the sparse weights with
    :math:`\tilde W = I` (:func:`sft_loss_sparse`; any d).

    Paper: §7 (the SFT gradient is affine in Ṽ, so its curvature does not depend on the prior),
    with the SFT loss of §2 / Theorem 4.2.
    """
    return sft_loss_sparse(k).grad(LETTERS["Vt"]).simplified()
