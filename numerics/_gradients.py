r"""Training losses of the LSA and their hand-written gradients w.r.t. the full V and W.

Building block: for one prompt and one last column z (with Gram matrix G and target t),

.. math::
    \mathrm{out} = z + V G W z / n,\qquad r = P(\mathrm{out} - t),\qquad
    \ell = \tfrac12 \|r\|^2,

    \frac{\partial \ell}{\partial V} = r\,(G W z / n)^\top,\qquad
    \frac{\partial \ell}{\partial W} = \tfrac1n\, G^\top V^\top r\, z^\top,

with P the 0/1 diagonal selector of the supervised rows (P² = P). Both follow from
:math:`d\ell = r^\top d\mathrm{out}` and :math:`d\mathrm{out} = dV\,(GWz/n) + V G\,dW\,z/n`.
G does not depend on (V, W) in the two losses below (teacher forcing / one step), so these
are the exact gradients.

Population gradients with standard errors: per-prompt gradients are i.i.d. over prompts, so
``mc_estimate(lambda rng, size: pretrain_loss_and_grad(make_pretrain_data(C, n, size, rng),
V, W, per_prompt=True)[1], N, rng)`` estimates :math:`E[\partial_V \ell]` entrywise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._embedding import block_slices
from ._lsa import _check_S, _check_weights, _gram_from_sufficient, _rollout_gram
from ._sampling import _psd_factor, _resolve_wishart_method, _wishart
from ._validation import (
    InvalidArgument,
    as_float_array,
    auto_batch,
    check_float,
    check_int,
    check_rng,
)


@dataclass(frozen=True)
class PromptData:
    r"""B prompts through their sufficient statistics: S (B, d, d), ``w_star`` (B, d), n.

    The losses below depend on a prompt only through :math:`(S_\tau, w^*_\tau, n)`.
    Use :meth:`from_features` to build it from explicit features X (B, n, d).
    """

    S: np.ndarray
    w_star: np.ndarray
    n: int

    def __post_init__(self) -> None:
        S = _check_S(self.S)
        B, d, _ = S.shape
        w = as_float_array("w_star", self.w_star, (B, d), ("B", "d"))
        n = check_int("n", self.n, min_value=1)
        object.__setattr__(self, "S", S)
        object.__setattr__(self, "w_star", w)
        object.__setattr__(self, "n", n)

    @property
    def B(self) -> int:
        """Number of prompts."""
        return self.S.shape[0]

    @property
    def d(self) -> int:
        """Feature dimension."""
        return self.S.shape[1]

    @classmethod
    def from_features(cls, X: ArrayLike, w_star: ArrayLike) -> PromptData:
        r"""From features X (B, n, d): :math:`S_\tau = X_\tau^\top X_\tau / n`."""
        X = as_float_array("X", X, (None, None, None), ("B", "n", "d"))
        n = X.shape[1]
        if n < 1:
            raise InvalidArgument(f"X must have n >= 1 rows per prompt, got shape {X.shape}")
        return cls(X.transpose(0, 2, 1) @ X / n, w_star, n)


def _make_data(C, n, B, rng, method, name) -> PromptData:
    Lr = _psd_factor(C, name)
    n = check_int("n", n, min_value=1)
    B = check_int("B", B, min_value=1)
    check_rng(rng)
    method = _resolve_wishart_method(method, n, Lr.shape[1])
    S = _wishart(Lr, n, B, rng, method, auto_batch(n * Lr.shape[0] + Lr.shape[0] ** 2, None))
    w = rng.standard_normal((B, Lr.shape[0]))
    return PromptData(S, w, n)


def make_pretrain_data(
    C: ArrayLike, n: int, B: int, rng: np.random.Generator, *, method: str = "auto"
) -> PromptData:
    r"""B pretraining prompts, :math:`x \sim N(0, C)` (C = :math:`\Sigma_0`),
    :math:`w^* \sim N(0, I)`; S drawn by :func:`numerics.sample_wishart` (``method``), then
    :math:`w^*` (B, d).

    Paper: pipeline step 1 of PAPER.md §2, x ~ N(0, Σ0), whose fixed point is (3.6)–(3.7).
    """
    return _make_data(C, n, B, rng, method, "C")


def make_sft_data(
    A: ArrayLike, n: int, B: int, rng: np.random.Generator, *, method: str = "auto"
) -> PromptData:
    r"""B post-training prompts, :math:`x \sim N(0, A)` (A the data-selection covariance), as
    :func:`make_pretrain_data`.

    Paper: pipeline step 2 of PAPER.md §2 (x ~ N(0, A), the data-selection knob of §5.1).
    """
    return _make_data(A, n, B, rng, method, "A")


def _lc_loss_grad(G, z, target, V, W, n, rows, per_prompt):
    """Core of :func:`last_column_loss_and_grad` on validated arrays."""
    a = np.einsum("bij,bj->bi", G, z @ W.T) / n  # G W z / n
    r = z + a @ V.T - target
    if rows is not None:
        r[:, ~rows] = 0.0
    u = np.einsum("bji,bj->bi", G, r @ V) / n  # G^T V^T r / n
    loss = 0.5 * np.einsum("bi,bi->b", r, r)
    if per_prompt:
        return loss, r[:, :, None] * a[:, None, :], u[:, :, None] * z[:, None, :]
    return loss.sum(), r.T @ a, u.T @ z


def _rows_mask(rows, D: int):
    if rows is None:
        return None
    if isinstance(rows, slice):
        m = np.zeros(D, dtype=bool)
        m[rows] = True
        return m
    m = np.asarray(rows)
    if m.dtype != bool or m.shape != (D,):
        raise InvalidArgument(
            f"rows must be None, a slice or a boolean mask of shape ({D},), "
            f"got {m.dtype} array of shape {m.shape}"
        )
    return m


def last_column_loss_and_grad(
    G: ArrayLike,
    z: ArrayLike,
    target: ArrayLike,
    V: ArrayLike,
    W: ArrayLike,
    n: int,
    *,
    rows: slice | np.ndarray | None = None,
    per_prompt: bool = False,
) -> tuple:
    r"""Loss :math:`\ell = \frac12\|P(z + VGWz/n - t)\|^2` and its gradients in V and W.

    :math:`\partial_V \ell = r (GWz/n)^\top`,
    :math:`\partial_W \ell = \frac1n G^\top V^\top r z^\top`, :math:`r = P(\mathrm{out} - t)`.

    Args:
        G: (B, D, D); z, target: (B, D); V, W: (D, D); n: data columns.
        rows: supervised rows P — None (all), a slice, or a boolean (D,) mask.
        per_prompt: if False return sums over the batch — loss scalar, dV, dW (D, D);
            if True per-prompt values — loss (B,), dV, dW (B, D, D).

    Returns:
        (loss, dV, dW).

    Paper: the per-column loss shared by pretraining (3.6)–(3.7) and SFT (PAPER.md §2, L_SFT).
    """
    V, W, _ = _check_weights(V, W)
    D = V.shape[0]
    G = as_float_array("G", G, (None, D, D), ("B", "D", "D"))
    z = as_float_array("z", z, (G.shape[0], D), ("B", "D"))
    target = as_float_array("target", target, (G.shape[0], D), ("B", "D"))
    n = check_int("n", n, min_value=1)
    return _lc_loss_grad(G, z, target, V, W, n, _rows_mask(rows, D), per_prompt)


def _check_data(data: object, V, W):
    if not isinstance(data, PromptData):
        raise InvalidArgument(f"data must be a PromptData, got data={type(data).__name__}")
    V, W, d = _check_weights(V, W, 2 * data.d + 2)
    return V, W, d


def _accumulate(data, per_prompt, batch_size, chunk_fn):
    """Run chunk_fn(sl) -> (loss, dV, dW) over prompt chunks; mean over prompts (1/B)."""
    B, d = data.B, data.d
    D = 2 * d + 2
    batch = auto_batch(4 * D * D, batch_size)
    if per_prompt:
        loss, dV, dW = np.empty(B), np.empty((B, D, D)), np.empty((B, D, D))
    else:
        loss, dV, dW = 0.0, np.zeros((D, D)), np.zeros((D, D))
    for start in range(0, B, batch):
        sl = slice(start, min(B, start + batch))
        lo, gv, gw = chunk_fn(sl)
        if per_prompt:
            loss[sl], dV[sl], dW[sl] = lo, gv, gw
        else:
            loss += lo
            dV += gv
            dW += gw
    if per_prompt:
        return loss, dV, dW
    return loss / B, dV / B, dW / B


def pretrain_loss_and_grad(
    data: PromptData,
    V: ArrayLike,
    W: ArrayLike,
    *,
    per_prompt: bool = False,
    batch_size: int | None = None,
) -> tuple:
    r"""Pretraining (one-step weight prediction) loss and gradients w.r.t. full V, W.

    .. math::
        L_{pre}(V, W) = \frac1{2B}\sum_\tau \|\hat w_{1,\tau} - w^*_\tau\|^2,\qquad
        \hat w_{1} = \big(z + V G W z/n\big)_{w\text{-block}},

    with :math:`w_0 = 0`, :math:`z = (0_d, 0, 0_d, 1)`, :math:`G = Z Z^\top` of the data plus
    the :math:`w_0` column; only the w-block rows are supervised.

    Args:
        data: :class:`PromptData`.
        V, W: (D, D), D = 2d+2.
        per_prompt: return per-prompt :math:`\ell_\tau = \frac12\|\hat w_{1,\tau}-w^*_\tau\|^2`
            (B,) and per-prompt gradients (B, D, D); their means over prompts are the
            aggregate values.
        batch_size: prompts per chunk.

    Returns:
        (loss, dV, dW): scalar and (D, D), or (B,) and (B, D, D).

    Paper: the population one-step loss of (3.6)–(3.7), E‖ŵ_1 − w*‖², at finite B.
    """
    V, W, d = _check_data(data, V, W)
    D = 2 * d + 2
    blk = block_slices(d)
    rows = _rows_mask(blk.w, D)

    def chunk(sl):
        S, w = data.S[sl], data.w_star[sl]
        b = S.shape[0]
        G = _gram_from_sufficient(S, w, data.n, np.zeros((b, 1, d)))
        z = np.zeros((b, D))
        z[:, blk.c] = 1.0
        target = np.zeros((b, D))
        target[:, blk.w] = w
        return _lc_loss_grad(G, z, target, V, W, data.n, rows, per_prompt)

    return _accumulate(data, per_prompt, batch_size, chunk)


def sft_iterates(w_star: ArrayLike, eta: float, k: int) -> np.ndarray:
    r"""Ground-truth CoT iterates :math:`w_i = (1 - (1-\eta)^i)\,w^*`, i = 0..k+1.

    Args:
        w_star: (B, d); eta in (0, 1); k >= 0.

    Returns:
        (B, k+2, d).

    Paper: the ground-truth CoT iterates of the SFT loss (PAPER.md §2), ρ_c = 1 − η as in Theorem
    4.2.
    """
    w_star = as_float_array("w_star", w_star, (None, None), ("B", "d"))
    eta = check_float("eta", eta, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    k = check_int("k", k, min_value=0)
    coef = 1.0 - (1.0 - eta) ** np.arange(k + 2)
    return coef[None, :, None] * w_star[:, None, :]


def sft_loss_and_grad(
    data: PromptData,
    V: ArrayLike,
    W: ArrayLike,
    *,
    eta: float,
    k: int,
    per_prompt: bool = False,
    batch_size: int | None = None,
) -> tuple:
    r"""SFT (process supervision, teacher forcing) loss and gradients w.r.t. full V, W.

    .. math::
        L_{SFT}(V, W) = \frac1{2B}\sum_\tau\sum_{i=0}^{k}
        \big\| f(Z_{i,\tau})[:, -1] - (0_d, 0, w_{i+1,\tau}, 1) \big\|^2

    (all D rows), where :math:`Z_{i,\tau}` holds the data and the true iterates
    :math:`w_0..w_i`, :math:`w_i = (1-(1-\eta)^i) w^*` (:func:`sft_iterates`), and
    :math:`f(Z_i)[:, -1] = z_i + V G_i W z_i / n` with :math:`z_i = (0_d, 0, w_i, 1)`,
    :math:`G_i = G_{i-1} + z_i z_i^\top`.

    Args:
        data: :class:`PromptData`; V, W: (D, D).
        eta: in (0, 1); k: CoT steps, ``>= 0`` (k + 1 supervised columns).
        per_prompt: per-prompt losses (B,) and gradients (B, D, D) (summed over i), whose
            means over prompts are the aggregate values.
        batch_size: prompts per chunk.

    Returns:
        (loss, dV, dW).

    Paper: L_SFT of PAPER.md §2 (its W̃ = I form is Theorem 4.2).
    """
    V, W, d = _check_data(data, V, W)
    eta = check_float("eta", eta, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    k = check_int("k", k, min_value=0)
    D = 2 * d + 2
    blk = block_slices(d)

    def chunk(sl):
        S, w = data.S[sl], data.w_star[sl]
        b = S.shape[0]
        its = sft_iterates(w, eta, k)  # (b, k+2, d)
        G = _gram_from_sufficient(S, w, data.n, its[:, :1])
        cols = np.zeros((b, k + 2, D))
        cols[:, :, blk.w] = its
        cols[:, :, blk.c] = 1.0
        loss = np.zeros(b) if per_prompt else 0.0
        dV = np.zeros((b, D, D) if per_prompt else (D, D))
        dW = np.zeros_like(dV)
        for i in range(k + 1):
            if i > 0:
                G += cols[:, i, :, None] * cols[:, i, None, :]
            lo, gv, gw = _lc_loss_grad(
                G, cols[:, i], cols[:, i + 1], V, W, data.n, None, per_prompt
            )
            loss = loss + lo
            dV += gv
            dW += gw
        return loss, dV, dW

    return _accumulate(data, per_prompt, batch_size, chunk)


def os_loss(
    data: PromptData,
    V: ArrayLike,
    W: ArrayLike,
    *,
    k: int,
    per_prompt: bool = False,
    batch_size: int | None = None,
) -> float | np.ndarray:
    r"""Outcome-supervision loss
    :math:`L_{OS} = \frac1{2B}\sum_\tau\|\hat w_{k,\tau} - w^*_\tau\|^2` (paper §2) of the
    model's own k-step rollout from :math:`w_0 = 0` (:func:`numerics.cot_rollout` semantics:
    whole output columns appended). Loss only (no gradient).

    Returns:
        scalar, or per-prompt :math:`\frac12\|\hat w_{k,\tau}-w^*_\tau\|^2` (B,).

    Paper: Proposition 6.1, L_OS = (1/2B) Σ_τ ‖ŵ_{τ,k} − w*_τ‖².
    """
    V, W, d = _check_data(data, V, W)
    k = check_int("k", k, min_value=1)
    D = 2 * d + 2
    blk = block_slices(d)
    batch = auto_batch(2 * D * D, batch_size)
    per = np.empty(data.B)
    for start in range(0, data.B, batch):
        sl = slice(start, min(data.B, start + batch))
        S, w = data.S[sl], data.w_star[sl]
        b = S.shape[0]
        G = _gram_from_sufficient(S, w, data.n, np.zeros((b, 1, d)))
        z = np.zeros((b, D))
        z[:, blk.c] = 1.0
        e = _rollout_gram(G, z, V, W, k, data.n)[:, -1, blk.w] - w
        per[sl] = 0.5 * np.einsum("bi,bi->b", e, e)
    return per if per_prompt else float(per.mean())
