r"""Per-prompt sample functions for the Monte Carlo witnesses (batched over prompts).

Each ``*_samples`` function returns one value per prompt, shape (size, ...), and can be
wrapped as ``lambda rng, size: f(..., rng, size)`` for :func:`numerics.mc_estimate`.

The one-step error is simulated with the *real* LSA forward pass with the sparse weights
:math:`V = V(\tilde V)`, :math:`W = W(\tilde W = I, w_{24} = -1)` and :math:`w_0 = 0` (paper
(5.1), Prop 5.1): :math:`\hat w_1 = f(Z)[w\text{-block}, -1]` and the sample is
:math:`\|\hat w_1 - w^*\|^2`. The recursion (A.1) is *not* used here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._embedding import block_slices, embed_prompt, sparse_weights
from ._lsa import _gram_from_data, _gram_from_sufficient, _last_column, lsa_forward
from ._sampling import (
    _features,
    _psd_factor,
    _psd_factor_for,
    _resolve_wishart_method,
    _wishart,
)
from ._validation import (
    as_float_array,
    auto_batch,
    check_choice,
    check_int,
    check_rng,
    check_square_matrix,
)


def frobenius_risk_samples(A: ArrayLike, S: ArrayLike) -> np.ndarray:
    r"""Per-prompt :math:`\|I + A S_\tau\|_F^2` (the integrand of Lemma A.1 / Prop 5.1).

    Args:
        A: (d, d).
        S: (B, d, d) empirical covariances.

    Returns:
        (B,).
    """
    A = check_square_matrix("A", A)
    d = A.shape[0]
    S = as_float_array("S", S, (None, d, d), ("B", "d", "d"))
    M = A @ S
    idx = np.arange(d)
    M[:, idx, idx] += 1.0
    return np.einsum("bij,bij->b", M, M)


def _one_step_setup(V_tilde, C, n, rng, size, method):
    V_tilde = check_square_matrix("V_tilde", V_tilde)
    d = V_tilde.shape[0]
    Lr = _psd_factor_for(C, d, "V_tilde")
    n = check_int("n", n, min_value=1)
    size = check_int("size", size, min_value=0)
    check_rng(rng)
    method = check_choice("method", method, ("tokens", "wishart"))
    V, W = sparse_weights(V_tilde, np.eye(d), -1.0)
    return V, W, Lr, n, size, method


def _one_step_chunk(V, W, Lr, n, b, rng, method, wishart_method):
    """One chunk of b prompts: (err (b,), S (b, d, d)) through the real last-column pass."""
    d = Lr.shape[0]
    D = 2 * d + 2
    blk = block_slices(d)
    it0 = np.zeros((b, 1, d))  # w_0 = 0
    if method == "tokens":
        X = _features(Lr, n, b, rng)
        w = rng.standard_normal((b, d))
        G = _gram_from_data(X, w, it0)
    else:
        S = _wishart(Lr, n, b, rng, wishart_method, b)
        w = rng.standard_normal((b, d))
        G = _gram_from_sufficient(S, w, n, it0)
    z = np.zeros((b, D))
    z[:, blk.c] = 1.0  # last column (0_d, 0, w_0 = 0, 1)
    out = _last_column(G, z, V, W, n)
    e = out[:, blk.w] - w
    return np.einsum("bi,bi->b", e, e), G[:, blk.x, blk.x] / n


def _one_step(V_tilde, C, n, rng, size, method, batch_size, paired):
    V, W, Lr, n, size, method = _one_step_setup(V_tilde, C, n, rng, size, method)
    d, r = Lr.shape
    D = 2 * d + 2
    wm = _resolve_wishart_method("auto", n, r)
    per = D * D + (n * d if method == "tokens" or wm == "features" else 3 * d * d)
    batch = auto_batch(per, batch_size)
    out = np.empty((size, 2)) if paired else np.empty(size)
    for start in range(0, size, batch):
        b = min(batch, size - start)
        err, S = _one_step_chunk(V, W, Lr, n, b, rng, method, wm)
        if paired:
            out[start : start + b, 0] = err
            out[start : start + b, 1] = frobenius_risk_samples(V_tilde, S)
        else:
            out[start : start + b] = err
    return out


def one_step_error_samples(
    V_tilde: ArrayLike,
    C: ArrayLike,
    n: int,
    rng: np.random.Generator,
    size: int,
    *,
    method: str = "tokens",
    batch_size: int | None = None,
) -> np.ndarray:
    r"""Per-prompt one-step error :math:`\|\hat w_1 - w^*\|^2` of the real LSA (Prop 5.1, (5.1)).

    Weights :math:`V_{31} = \tilde V`, :math:`W_{13} = I`, :math:`W_{24} = -1`,
    :math:`w_0 = 0`; :math:`\hat w_1` is the w-block of
    :math:`f(Z)[:, -1] = z + V G W z / n` (:func:`numerics.last_column`). Prompts:
    :math:`x_i \sim N(0, C)`, :math:`w^* \sim N(0, I_d)`.

    * ``method="tokens"``: draws the n feature vectors of each prompt, labels
      :math:`y = Xw^*`, and G by :func:`numerics.gram_from_data`. Cost :math:`O(n d^2)`.
    * ``method="wishart"``: draws S directly (:func:`numerics.sample_wishart`, Bartlett when
      n >= rank C) and G by :func:`numerics.gram_from_sufficient`. Cost :math:`O(d^3)`.

    Both have exactly the same law.

    Args:
        V_tilde: (d, d); C: (d, d) PSD; n: prompt length; rng; size: number of prompts.
        batch_size: prompts per chunk (default: about 32 MiB of intermediates).

    Returns:
        (size,).
    """
    return _one_step(V_tilde, C, n, rng, size, method, batch_size, paired=False)


def one_step_error_paired_samples(
    V_tilde: ArrayLike,
    C: ArrayLike,
    n: int,
    rng: np.random.Generator,
    size: int,
    *,
    method: str = "tokens",
    batch_size: int | None = None,
) -> np.ndarray:
    r"""Paired per-prompt samples ``[:, 0]`` = :math:`\|\hat w_1 - w^*\|^2` (as
    :func:`one_step_error_samples`) and ``[:, 1]`` = :math:`\|I + \tilde V S\|_F^2` on the same
    prompt's S (for ``tokens``, :math:`S = X^\top X/n` of the drawn features).

    Since :math:`E[\|M w^*\|^2 \mid S] = \|M\|_F^2`, the difference of the columns has mean 0
    — Prop 5.1's first equality — and the second column is a natural control variate.

    Returns:
        (size, 2).
    """
    return _one_step(V_tilde, C, n, rng, size, method, batch_size, paired=True)


def one_step_error_naive(
    V_tilde: ArrayLike,
    C: ArrayLike,
    n: int,
    rng: np.random.Generator,
    size: int,
) -> np.ndarray:
    r"""Slow reference for :func:`one_step_error_samples`: a Python loop over prompts.

    For each prompt: draw X (n, d) and :math:`w^*`, set :math:`y = X w^*`, build the
    embedding :math:`Z = [(x_j, y_j, 0, 0)_j, (0, 0, 0, 1)]` (:func:`numerics.embed_prompt`),
    run the full layer :math:`Z + V Z (Z^\top W Z)/n` (:func:`numerics.lsa_forward`) with the
    sparse weights, and return :math:`\|f(Z)[w\text{-block}, -1] - w^*\|^2`.
    Random draws per prompt are features then task, so with the same generator state this
    equals ``one_step_error_samples(..., method="tokens", batch_size=1)``.

    Returns:
        (size,).

    Paper: Prop 5.1, (5.1): E‖ŵ_1 − w*‖² = E‖I + Ṽ Σ̂‖_F².
    """
    V, W, Lr, n, size, _ = _one_step_setup(V_tilde, C, n, rng, size, "tokens")
    d = Lr.shape[0]
    wb = block_slices(d).w
    out = np.empty(size)
    it0 = np.zeros((1, d))
    for t in range(size):
        X = _features(Lr, n, 1, rng)[0]
        w = rng.standard_normal((1, d))[0]
        Z = embed_prompt(X, X @ w, it0)
        e = lsa_forward(Z, V, W, n)[wb, -1] - w
        out[t] = e @ e
    return out


def wishart_sandwich_samples(
    C: ArrayLike,
    B: ArrayLike,
    n: int,
    rng: np.random.Generator,
    size: int,
    *,
    method: str = "auto",
    batch_size: int | None = None,
) -> np.ndarray:
    r"""Samples of :math:`S B S` with :math:`S = \frac1n X^\top X`, :math:`x_i \sim N(0, C)`
    (the integrand of the Wishart moment lemma).

    Args:
        C: (d, d) PSD; B: (d, d) fixed matrix; n; rng; size.
        method: Wishart sampler, as in :func:`numerics.sample_wishart`.
        batch_size: samples per chunk.

    Returns:
        (size, d, d).

    Paper: Lemma A.2 (claim wishart_moment): E[S B S].
    """
    Lr = _psd_factor(C)
    d, r = Lr.shape
    B = as_float_array("B", B, (d, d), ("d", "d"))
    n = check_int("n", n, min_value=1)
    size = check_int("size", size, min_value=0)
    check_rng(rng)
    method = _resolve_wishart_method(method, n, r)
    batch = auto_batch(n * d + 3 * d * d if method == "features" else 4 * d * d, batch_size)
    out = np.empty((size, d, d))
    for start in range(0, size, batch):
        b = min(batch, size - start)
        S = _wishart(Lr, n, b, rng, method, b)
        out[start : start + b] = S @ B @ S
    return out
