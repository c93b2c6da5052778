r"""Outcome supervision (paper §2, §6): the OS loss of the model's own CoT rollout, its
hand-written back-propagation-through-the-rollout gradient w.r.t. the full V and W, the top
Hessian eigenvalue by power iteration, a structured SFT gradient, the sparse-pattern gradients
through the recursion (A.1), the one-step test error of full weights, and post-training by SFT
or OS (Adam, as the §8 experiments; the loops themselves are in ``_training``).

**The rollout** (as :func:`numerics.cot_rollout`): :math:`c_0 = (0_d, 0, w_0 = 0, 1)`,

.. math::
    u_i = W c_i,\qquad a_i = G_i u_i / n,\qquad c_{i+1} = c_i + V a_i,\qquad
    G_i = G_{\rm data} + \sum_{l=0}^{i} c_l c_l^\top,

the whole output column :math:`c_{i+1}` being appended. The data part of the Gram matrix acts
through the sufficient statistics only,
:math:`G_{\rm data} u = (nS v,\; n\,w^{*\top} S v,\; 0_d,\; 0)` with
:math:`v = u_x + w^* u_y` — one d×d matrix–vector product per prompt instead of a
:math:`D\times D` one (D = 2d+2).

**Back-propagation** of :math:`\ell = \frac12\|(c_k)_w - w^*\|^2`: with adjoints
:math:`\bar c_i = \partial\ell/\partial c_i` (:math:`\bar c_k = P_w^\top((c_k)_w - w^*)`), for
i = k−1, …, 0:

.. math::
    \partial_V \mathrel{+}= \bar c_{i+1} a_i^\top,\quad \bar a_i = V^\top \bar c_{i+1},\quad
    \bar u_i = G_i \bar a_i / n,\quad \partial_W \mathrel{+}= \bar u_i c_i^\top,

    \bar c_i \mathrel{+}= \bar c_{i+1} + W^\top \bar u_i,\qquad
    \bar c_l \mathrel{+}= \big(\bar a_i\,(c_l^\top u_i) + u_i\,(\bar a_i^\top c_l)\big)/n
    \quad (1 \le l \le i),

the last line because :math:`G_i` contains :math:`c_l c_l^\top`. Everything is checked against
central finite differences in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._embedding import block_slices
from ._gradients import PromptData, _check_data
from ._optimise import GradFn, hessian_vector_product
from ._training import adam_step
from ._validation import InvalidArgument, as_float_array, check_float, check_int, check_rng

__all__ = [
    "one_step_test_errors",
    "os_loss_and_grad",
    "os_recursion_loss_and_grad",
    "post_train",
    "post_train_many",
    "sft_loss_and_grad_structured",
    "sft_recursion_loss_and_grad",
    "top_hessian_eigenvalue",
]


def _T(X: np.ndarray) -> np.ndarray:
    return np.swapaxes(X, -1, -2)


def _gram_apply(S: np.ndarray, w: np.ndarray, n: int, cols: np.ndarray, u: np.ndarray):
    r""":math:`G u` for :math:`G = G_{\rm data} + \sum_l c_l c_l^\top`, batched.

    S (..., b, d, d), w (..., b, d), cols (..., b, m, D), u (..., b, D) -> (..., b, D); the
    leading axes (if any) index independent models."""
    d = S.shape[-1]
    v = u[..., :d] + w * u[..., d : d + 1]
    s = np.matmul(S, v[..., None])[..., 0]
    out = np.zeros_like(u)
    out[..., :d] = n * s
    out[..., d] = n * np.einsum("...i,...i->...", w, s)
    if cols.shape[-2]:
        coef = np.einsum("...mj,...j->...m", cols, u)
        out += np.einsum("...m,...mj->...j", coef, cols)
    return out


def _os_chunk(S, w, n, V, W, k, per_prompt):
    """Loss per prompt (..., b) and gradients summed over prompts (..., D, D) — or per prompt
    (..., b, D, D) — of the OS loss; leading axes of S, w, V, W index independent models."""
    lead, (b, d) = w.shape[:-2], w.shape[-2:]
    D = 2 * d + 2
    wb = block_slices(d).w
    # columns kept as separate C-contiguous arrays: matmul on strided slices skips BLAS
    dt = w.dtype
    c0 = np.zeros((*lead, b, D), dtype=dt)
    c0[..., -1] = 1.0  # c_0 = (0, 0, w_0 = 0, 1)
    cols = [c0]
    stack = np.empty((*lead, b, k + 1, D), dtype=dt)  # the same columns, for the Gram products
    stack[..., 0, :] = c0
    us, acts = [], []
    Wt_, Vt_ = _T(W), _T(V)
    for i in range(k):
        u = cols[i] @ Wt_
        a = _gram_apply(S, w, n, stack[..., : i + 1, :], u) / n
        us.append(u)
        acts.append(a)
        cols.append(cols[i] + a @ Vt_)
        stack[..., i + 1, :] = cols[i + 1]
    e = cols[k][..., wb] - w
    loss = 0.5 * np.einsum("...i,...i->...", e, e)
    cbar = [np.zeros((*lead, b, D), dtype=dt) for _ in range(k + 1)]
    cbar[k][..., wb] = e
    shape = (*lead, b, D, D) if per_prompt else (*lead, D, D)
    dV = np.zeros(shape, dtype=dt)
    dW = np.zeros(shape, dtype=dt)
    for i in range(k - 1, -1, -1):
        g = cbar[i + 1]
        a, u, c = acts[i], us[i], cols[i]
        abar = g @ V
        ubar = _gram_apply(S, w, n, stack[..., : i + 1, :], abar) / n
        if per_prompt:
            dV += g[..., :, None] * a[..., None, :]
            dW += ubar[..., :, None] * c[..., None, :]
        else:
            dV += _T(g) @ a
            dW += _T(ubar) @ c
        cbar[i] += g + ubar @ W
        for l in range(1, i + 1):  # c_0 is a constant; c_1..c_i sit in G_i
            cl = cols[l]
            cu = np.einsum("...j,...j->...", cl, u)[..., None]
            ca = np.einsum("...j,...j->...", cl, abar)[..., None]
            cbar[l] += (cu * abar + ca * u) / n
    return loss, dV, dW


def os_loss_and_grad(
    data: PromptData,
    V: ArrayLike,
    W: ArrayLike,
    *,
    k: int,
    per_prompt: bool = False,
    batch_size: int | None = None,
) -> tuple:
    r"""OS loss :math:`L_{OS} = \frac1{2B}\sum_\tau\|\hat w_{k,\tau} - w^*_\tau\|^2` of the real
    k-step rollout (whole output columns appended, :math:`w_0 = 0`) and its exact gradients
    w.r.t. the full V and W, by hand-written back-propagation through the rollout (module
    docstring).

    Args:
        data: :class:`PromptData` (S, w*, n).
        V, W: (D, D), D = 2d+2.
        k: CoT steps, ``>= 1``.
        per_prompt: per-prompt :math:`\ell_\tau` (B,) and gradients (B, D, D), whose means
            over prompts are the aggregate values.
        batch_size: prompts per chunk (default 256).

    Returns:
        (loss, dV, dW).

    Paper: L_OS of Proposition 6.1 and its gradient (§6, Appendix E), through the full matrices.
    """
    V, W, d = _check_data(data, V, W)
    k = check_int("k", k, min_value=1)
    B = data.B
    D = 2 * d + 2
    batch = 256 if batch_size is None else check_int("batch_size", batch_size, min_value=1)
    if per_prompt:
        loss, dV, dW = np.empty(B), np.empty((B, D, D)), np.empty((B, D, D))
    else:
        loss, dV, dW = 0.0, np.zeros((D, D)), np.zeros((D, D))
    for start in range(0, B, batch):
        sl = slice(start, min(B, start + batch))
        lo, gv, gw = _os_chunk(data.S[sl], data.w_star[sl], data.n, V, W, k, per_prompt)
        if per_prompt:
            loss[sl], dV[sl], dW[sl] = lo, gv, gw
        else:
            loss += float(lo.sum())
            dV += gv
            dW += gw
    if per_prompt:
        return loss, dV, dW
    return loss / B, dV / B, dW / B


def _sft_chunk(S, w, n, V, W, eta, k):
    """Summed SFT loss (...) and gradients (..., D, D) over the prompts of a chunk; leading
    axes index independent models."""
    lead, (b, d) = w.shape[:-2], w.shape[-2:]
    D = 2 * d + 2
    wb = block_slices(d).w
    coef = 1.0 - (1.0 - eta) ** np.arange(k + 2)
    dt = w.dtype
    coef = coef.astype(dt)
    stack = np.zeros((*lead, b, k + 2, D), dtype=dt)
    stack[..., wb] = coef[:, None] * w[..., None, :]
    stack[..., -1] = 1.0
    cols = [np.ascontiguousarray(stack[..., i, :]) for i in range(k + 2)]
    loss = np.zeros(lead, dtype=dt)
    dV = np.zeros((*lead, D, D), dtype=dt)
    dW = np.zeros((*lead, D, D), dtype=dt)
    Wt_, Vt_ = _T(W), _T(V)
    for i in range(k + 1):
        z = cols[i]
        a = _gram_apply(S, w, n, stack[..., : i + 1, :], z @ Wt_) / n
        r = z + a @ Vt_ - cols[i + 1]
        loss = loss + 0.5 * np.einsum("...bi,...bi->...", r, r)
        dV += _T(r) @ a
        ubar = _gram_apply(S, w, n, stack[..., : i + 1, :], r @ V) / n
        dW += _T(ubar) @ z
    return loss, dV, dW


def sft_loss_and_grad_structured(
    data: PromptData,
    V: ArrayLike,
    W: ArrayLike,
    *,
    eta: float,
    k: int,
    batch_size: int | None = None,
) -> tuple:
    r"""The SFT loss of :func:`numerics.sft_loss_and_grad` (teacher forcing, all D rows,
    :math:`\frac1{2B}\sum_\tau\sum_{i=0}^k\|f(Z_{i,\tau})[:, -1] - (0, 0, w_{i+1,\tau}, 1)\|^2`)
    and its gradients, computed with the structured Gram product (one d×d matrix–vector
    product per prompt and column instead of a D×D one). Same values; faster for large d.

    Returns:
        (loss, dV, dW), means over prompts.

    Paper: L_SFT of PAPER.md §2 (its W̃ = I form is Theorem 4.2).
    """
    V, W, d = _check_data(data, V, W)
    eta = check_float("eta", eta, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    k = check_int("k", k, min_value=0)
    D = 2 * d + 2
    batch = 256 if batch_size is None else check_int("batch_size", batch_size, min_value=1)
    loss, dV, dW = 0.0, np.zeros((D, D)), np.zeros((D, D))
    for start in range(0, data.B, batch):
        sl = slice(start, min(data.B, start + batch))
        lo, gv, gw = _sft_chunk(data.S[sl], data.w_star[sl], data.n, V, W, eta, k)
        loss += float(lo)
        dV += gv
        dW += gw
    return loss / data.B, dV / data.B, dW / data.B


def one_step_test_errors(data: PromptData, V: ArrayLike, W: ArrayLike) -> np.ndarray:
    r"""Per-prompt post-test error :math:`\|\hat w_1 - w^*\|^2` of one LSA step (k = 1 at test)
    from :math:`w_0 = 0` with arbitrary full weights:
    :math:`\hat w_1 = (c_0 + V G_0 W c_0 / n)_w`, :math:`c_0 = (0, 0, 0, 1)`.

    Returns:
        (B,) squared errors (their mean estimates :math:`E\|\hat w_1 - w^*\|^2`).

    Paper: Prop 5.1, (5.1) (post-test, k = 1, of PAPER.md §2 step 3).
    """
    V, W, d = _check_data(data, V, W)
    D = 2 * d + 2
    wb = block_slices(d).w
    out = np.empty(data.B)
    for start in range(0, data.B, 512):
        sl = slice(start, min(data.B, start + 512))
        b = sl.stop - sl.start
        c0 = np.zeros((b, 1, D))
        c0[:, 0, -1] = 1.0
        u = c0[:, 0] @ W.T
        a = _gram_apply(data.S[sl], data.w_star[sl], data.n, c0, u) / data.n
        e = (c0[:, 0] + a @ V.T)[:, wb] - data.w_star[sl]
        out[sl] = np.einsum("bi,bi->b", e, e)
    return out


# ---------------------------------------------------------------------------- curvature


def top_hessian_eigenvalue(
    grad: GradFn,
    theta: ArrayLike,
    rng: np.random.Generator,
    *,
    max_iter: int = 200,
    rtol: float = 1e-6,
    rel_eps: float = 1e-5,
) -> tuple[float, np.ndarray, int]:
    r"""Largest-magnitude Hessian eigenvalue by power iteration on
    :func:`hessian_vector_product`: :math:`v \leftarrow Hv/\|Hv\|`, Rayleigh quotient
    :math:`\lambda = v^\top H v`, until the relative change of λ is below ``rtol``.

    Returns:
        (λ, unit eigenvector, iterations used).

    Paper: the curvature of (6.1) (claim os_hessian, Appendix E).
    """
    theta = as_float_array("theta", theta, (None,), ("p",))
    check_rng(rng)
    max_iter = check_int("max_iter", max_iter, min_value=1)
    v = rng.standard_normal(theta.shape)
    v /= np.linalg.norm(v)
    lam_old = np.inf
    lam = 0.0
    for it in range(1, max_iter + 1):
        hv = hessian_vector_product(grad, theta, v, rel_eps=rel_eps)
        lam = float(v @ hv)
        nh = float(np.linalg.norm(hv))
        if nh == 0:
            return 0.0, v, it
        v = hv / nh
        if abs(lam - lam_old) <= rtol * abs(lam):
            return lam, v, it
        lam_old = lam
    return lam, v, max_iter


# ---------------------------------------------------------------------------- training


# ---------------------------------------------------------------------------- sparse pattern
def _check_sparse(data: PromptData, Vt, Wt):
    if not isinstance(data, PromptData):
        raise InvalidArgument(f"data must be a PromptData, got data={type(data).__name__}")
    d = data.d
    Vt = as_float_array("Vt", Vt, (d, d), ("d", "d"))
    Wt = np.eye(d) if Wt is None else as_float_array("Wt", Wt, (d, d), ("d", "d"))
    return Vt, Wt


def _os_sparse_kernel(S, w, Vt, Wt, k):
    """Summed OS loss (...) and gradients in Ṽ, W̃ (..., d, d) for the sparse pattern."""
    its = [np.zeros_like(w)]
    qs = []
    for _ in range(k):
        q = np.matmul(S, (its[-1] @ _T(Wt) - w)[..., None])[..., 0]
        qs.append(q)
        its.append(its[-1] + q @ _T(Vt))
    e = its[-1] - w
    g = e
    dV = np.zeros(np.broadcast_shapes(Vt.shape, (*w.shape[:-2], *Vt.shape[-2:])), dtype=w.dtype)
    dW = np.zeros_like(dV)
    for i in range(k - 1, -1, -1):
        dV += _T(g) @ qs[i]
        sp_ = np.matmul(S, (g @ Vt)[..., None])[..., 0]
        dW += _T(sp_) @ its[i]
        g = g + sp_ @ Wt
    return 0.5 * np.einsum("...bi,...bi->...", e, e), dV, dW


def _sft_sparse_kernel(S, w, Vt, Wt, eta, k):
    """Summed SFT loss (...) and gradients in Ṽ, W̃ (..., d, d) for the sparse pattern."""
    coef = (1.0 - (1.0 - eta) ** np.arange(k + 2)).astype(w.dtype)
    loss = 0.0
    dV = np.zeros(np.broadcast_shapes(Vt.shape, (*w.shape[:-2], *Vt.shape[-2:])), dtype=w.dtype)
    dW = np.zeros_like(dV)
    for i in range(k + 1):
        wi = coef[i] * w
        q = np.matmul(S, (wi @ _T(Wt) - w)[..., None])[..., 0]
        r = wi - coef[i + 1] * w + q @ _T(Vt)
        loss = loss + 0.5 * np.einsum("...bi,...bi->...", r, r)
        dV += _T(r) @ q
        dW += _T(np.matmul(S, (r @ Vt)[..., None])[..., 0]) @ wi
    return loss, dV, dW


def os_recursion_loss_and_grad(
    data: PromptData, Vt: ArrayLike, Wt: ArrayLike | None = None, *, k: int
) -> tuple:
    r"""OS loss and gradients w.r.t. :math:`\tilde V` and :math:`\tilde W` for weights with the
    sparse pattern (3.8), where the real forward pass *is* the recursion (A.1)
    :math:`\hat w_{i+1} = \hat w_i + \tilde V S(\tilde W\hat w_i - w^*)` (the appended column is
    :math:`(0, 0, \hat w_{i+1}, 1)`). Back-propagation: :math:`\bar w_k = \hat w_k - w^*`; for
    i = k−1..0, :math:`q_i = S(\tilde W\hat w_i - w^*)`, :math:`p = \tilde V^\top\bar w_{i+1}`,
    :math:`\partial_{\tilde V} \mathrel{+}= \bar w_{i+1} q_i^\top`,
    :math:`\partial_{\tilde W} \mathrel{+}= (S p)\hat w_i^\top`,
    :math:`\bar w_i = \bar w_{i+1} + \tilde W^\top S p`. Equal to the V31 / W13 blocks of
    :func:`os_loss_and_grad` on :func:`numerics.sparse_weights` (tested); d×d work instead of
    (2d+2)².

    Returns:
        (loss, dVt, dWt), means over prompts (``Wt`` default I).
    """
    Vt, Wt = _check_sparse(data, Vt, Wt)
    k = check_int("k", k, min_value=1)
    loss, dV, dW = _os_sparse_kernel(data.S, data.w_star, Vt, Wt, k)
    B = data.B
    return float(loss) / B, dV / B, dW / B


def sft_recursion_loss_and_grad(
    data: PromptData, Vt: ArrayLike, Wt: ArrayLike | None = None, *, eta: float, k: int
) -> tuple:
    r"""SFT loss (teacher forcing) and gradients w.r.t. :math:`\tilde V`, :math:`\tilde W` for
    weights with the sparse pattern: every supervised column's rows other than the w-block
    are exact, so
    :math:`L = \frac1{2B}\sum_\tau\sum_{i=0}^k\|w_i - w_{i+1} + \tilde V S(\tilde W w_i - w^*)\|^2`,
    :math:`w_i = (1-(1-\eta)^i)w^*`, written through the recursion (A.1) in d×d work. Equal
    to the V31 / W13 blocks of :func:`numerics.sft_loss_and_grad` on
    :func:`numerics.sparse_weights` (tested); :func:`numerics.sparse_sft_loss_and_grad` computes
    the same loss through that real forward pass over all 2d + 2 rows (the §4 checks use it,
    so that their witness does not rest on (A.1)).

    Returns:
        (loss, dVt, dWt), means over prompts.

    Paper: L_SFT of PAPER.md §2 on the sparse pattern (3.8) (W̃ = I: Theorem 4.2).
    """
    Vt, Wt = _check_sparse(data, Vt, Wt)
    eta = check_float("eta", eta, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    k = check_int("k", k, min_value=0)
    loss, dV, dW = _sft_sparse_kernel(data.S, data.w_star, Vt, Wt, eta, k)
    B = data.B
    return float(loss) / B, dV / B, dW / B


# ---------------------------------------------------------------------------- post-training
def post_train(
    data: PromptData,
    V0: ArrayLike,
    W0: ArrayLike,
    *,
    method: str,
    k: int,
    eta: float = 0.5,
    sparse: bool = False,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    lr: float = 1e-3,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Post-train the real LSA with Adam over minibatch epochs (the update of
    :func:`adam_epochs`: :math:`\beta = (0.9, 0.999)`, :math:`\epsilon = 10^{-8}`) on the SFT
    loss (``method="SFT"``, teacher forcing, η) or the OS loss (``method="OS"``, the model's
    own k-step rollout), from ``(V0, W0)``.

    ``sparse=False`` trains every entry of V and W (the gradients of
    :func:`os_loss_and_grad` / :func:`sft_loss_and_grad_structured`); ``sparse=True`` trains
    only :math:`\tilde V = V_{31}`, with :math:`\tilde W` and :math:`W_{24}` kept (gradients of
    :func:`os_recursion_loss_and_grad` / :func:`sft_recursion_loss_and_grad`, exact for the pattern;
    ``V0``, ``W0`` must have it). One model; see :func:`post_train_many` for several at once.

    Returns:
        the final (V, W).

    Paper: pipeline step 2 of PAPER.md §2 with the Adam training of Fig. 4 (§8).
    """
    if not isinstance(data, PromptData):
        raise InvalidArgument(f"data must be a PromptData, got data={type(data).__name__}")
    V, W = post_train_many(
        data.S[None],
        data.w_star[None],
        data.n,
        V0,
        W0,
        method=method,
        k=k,
        eta=eta,
        sparse=sparse,
        epochs=epochs,
        batch_size=batch_size,
        rngs=[rng],
        lr=lr,
    )
    return V[0], W[0]


def post_train_many(
    S: ArrayLike,
    w_star: ArrayLike,
    n: int,
    V0: ArrayLike,
    W0: ArrayLike,
    *,
    method: str,
    k: int,
    eta: float = 0.5,
    sparse: bool = False,
    epochs: int,
    batch_size: int,
    rngs: Sequence[np.random.Generator],
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    dtype: type = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    r""":func:`post_train` for R independent models at once (vectorised over the models):
    model r trains on its own B prompts ``S[r]`` (B, d, d), ``w_star[r]`` (B, d), all of
    length n, from the same start ``(V0, W0)``, shuffling with its own generator ``rngs[r]``
    (so each model is exactly what :func:`post_train` gives with that generator).
    ``dtype=np.float32`` trains in single precision (the usual precision of neural-network
    training; about twice as fast for large d); the returned weights are float64.

    Returns:
        (V, W), each (R, D, D).

    Paper: pipeline step 2 of PAPER.md §2 with the Adam training of Fig. 4 (§8).
    """
    S = as_float_array("S", S, (None, None, None, None), ("R", "B", "d", "d"))
    R, B, d, _ = S.shape
    w = as_float_array("w_star", w_star, (R, B, d), ("R", "B", "d"))
    D = 2 * d + 2
    V0 = as_float_array("V0", V0, (D, D), ("D", "D"))
    W0 = as_float_array("W0", W0, (D, D), ("D", "D"))
    n = check_int("n", n, min_value=1)
    if method not in ("SFT", "OS"):
        raise InvalidArgument(f"method must be 'SFT' or 'OS', got method={method!r}")
    k = check_int("k", k, min_value=1 if method == "OS" else 0)
    eta = check_float("eta", eta, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    epochs = check_int("epochs", epochs, min_value=0)
    batch_size = check_int("batch_size", batch_size, min_value=1)
    lr = check_float("lr", lr, lo=0.0, lo_open=True)
    if len(rngs) != R:
        raise InvalidArgument(f"rngs must hold one generator per model (R={R}), got {len(rngs)}")
    for g in rngs:
        check_rng(g)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise InvalidArgument(f"dtype must be float32 or float64, got dtype={dtype}")
    S, w = S.astype(dtype, copy=False), w.astype(dtype, copy=False)
    V0c, W0c = V0.astype(dtype), W0.astype(dtype)
    b = block_slices(d)
    rows = np.arange(R)[:, None]
    if sparse:
        Wt = W0c[b.x, b.w]
        params = [np.repeat(V0c[None, b.w, b.x], R, axis=0)]

        def grads(idx, ps):
            Si, wi = S[rows, idx], w[rows, idx]
            if method == "SFT":
                return [_sft_sparse_kernel(Si, wi, ps[0], Wt, eta, k)[1] / idx.shape[1]]
            return [_os_sparse_kernel(Si, wi, ps[0], Wt, k)[1] / idx.shape[1]]
    else:
        params = [np.repeat(V0c[None], R, axis=0), np.repeat(W0c[None], R, axis=0)]

        def grads(idx, ps):
            Si, wi = S[rows, idx], w[rows, idx]
            if method == "SFT":
                _, gV, gW = _sft_chunk(Si, wi, n, ps[0], ps[1], eta, k)
            else:
                _, gV, gW = _os_chunk(Si, wi, n, ps[0], ps[1], k, False)
            return [gV / idx.shape[1], gW / idx.shape[1]]

    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    t = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            perms = np.stack([g.permutation(B) for g in rngs])
            for start in range(0, B, batch_size):
                gs = grads(perms[:, start : start + batch_size], params)
                t += 1
                params = adam_step(params, gs, m1, m2, t, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    if sparse:
        V = np.repeat(V0[None], R, axis=0)
        V[:, b.w, b.x] = params[0]
        return V, np.repeat(W0[None], R, axis=0)
    return params[0].astype(np.float64), params[1].astype(np.float64)
