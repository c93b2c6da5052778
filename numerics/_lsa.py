r"""The one-layer linear self-attention model and its chain-of-thought rollout (paper §1).

:math:`f(Z; V, W) = Z + V Z (Z^\top W Z)/n` with n the number of *data* columns.
Only the last output column is ever used downstream, and

.. math:: f(Z)[:, -1] = z + V G W z / n, \qquad G = Z Z^\top \in R^{D\times D},

with z the last column of Z. G depends on the data only through
:math:`G_{xx} = nS`, :math:`G_{xy} = n S w^*`, :math:`G_{yy} = n\,w^{*\top} S w^*`, and on the
iterate columns through :math:`G_{ww} = \sum_l w_l w_l^\top`, :math:`G_{wc} = \sum_l w_l`,
:math:`G_{cc} = m`; all other blocks are 0. Appending a column z' to Z adds
:math:`z' z'^\top` to G — that is how the batched rollout advances.

There are two implementations on purpose: ``lsa_forward`` / ``cot_rollout_naive`` build the
real embedding of one prompt and run the full forward pass (the reference), and
``gram_from_*`` / ``last_column`` / ``cot_rollout`` work on G, batched over prompts.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._embedding import block_slices, embed_prompt
from ._validation import InvalidArgument, as_float_array, auto_batch, check_embedding_dim, check_int


def _check_weights(V: ArrayLike, W: ArrayLike, D: int | None = None) -> tuple:
    V = as_float_array("V", V, (D, D), ("D", "D"))
    W = as_float_array("W", W, (D, D), ("D", "D"))
    if V.shape[0] != V.shape[1] or V.shape != W.shape:
        raise InvalidArgument(
            f"V and W must both be square (D, D) with D = 2d+2, got shapes {V.shape} and {W.shape}"
        )
    d = check_embedding_dim("V", V.shape[0])
    return V, W, d


def lsa_forward(Z: ArrayLike, V: ArrayLike, W: ArrayLike, n: int) -> np.ndarray:
    r"""Full LSA layer on one prompt: :math:`f(Z; V, W) = Z + V Z (Z^\top W Z)/n`.

    Naive reference: every output column, no use of structure.

    Args:
        Z: (D, N) embedding, D = 2d+2, N = n + m columns.
        V, W: (D, D) value and key-query matrices.
        n: number of data columns (the divisor), ``>= 1``.

    Returns:
        (D, N) output.

    Paper: f(Z; V, W) = Z + V Z (Zᵀ W Z)/n of PAPER.md §1.
    """
    V, W, _ = _check_weights(V, W)
    Z = as_float_array("Z", Z, (V.shape[0], None), ("D", "N"))
    if Z.shape[1] < 1:
        raise InvalidArgument(f"Z must have at least one column, got shape {Z.shape}")
    n = check_int("n", n, min_value=1)
    return Z + (V @ Z) @ (Z.T @ W @ Z) / n


def _check_rollout_w0(w0: ArrayLike | None, d: int, B: int | None = None) -> np.ndarray:
    if w0 is None:
        return np.zeros(d) if B is None else np.zeros((B, d))
    w0 = as_float_array("w0", w0)
    if B is None:
        return as_float_array("w0", w0, (d,), ("d",))
    if w0.ndim == 1:
        w0 = as_float_array("w0", w0, (d,), ("d",))
        return np.broadcast_to(w0, (B, d)).copy()
    return as_float_array("w0", w0, (B, d), ("B", "d"))


def cot_rollout_naive(
    X: ArrayLike,
    y: ArrayLike,
    V: ArrayLike,
    W: ArrayLike,
    k: int,
    w0: ArrayLike | None = None,
    *,
    return_columns: bool = False,
) -> np.ndarray:
    r"""Chain-of-thought rollout of one prompt with the real embedding and full forward pass.

    :math:`\hat Z_0 = [\text{data}, (0_d, 0, w_0, 1)]`; for i = 0..k−1:
    :math:`c_{i+1} = f(\hat Z_i)[:, -1]`, :math:`\hat w_{i+1} = c_{i+1}[w\text{-block}]`,
    :math:`\hat Z_{i+1} = [\hat Z_i, c_{i+1}]` (the whole output column is appended).

    Args:
        X: (n, d) features; y: (n,) labels.
        V, W: (D, D), D = 2d+2.
        k: number of CoT steps, ``>= 1``.
        w0: (d,) initial iterate, default 0.
        return_columns: also return the appended columns.

    Returns:
        iterates (k, d) :math:`\hat w_1..\hat w_k`; with ``return_columns`` the columns
        :math:`c_1..c_k` as (k, D) instead.

    Paper: the CoT rollout of PAPER.md §1 (recursion (A.1) in the w-block).
    """
    X = as_float_array("X", X, (None, None), ("n", "d"))
    V, W, d = _check_weights(V, W)
    if X.shape[1] != d:
        raise InvalidArgument(
            f"X must have shape (n, d={d}) to match V of size {2 * d + 2}, got shape {X.shape}"
        )
    n = X.shape[0]
    k = check_int("k", k, min_value=1)
    w0 = _check_rollout_w0(w0, d)
    Z = embed_prompt(X, y, w0[None, :])
    cols = np.empty((k, 2 * d + 2))
    for i in range(k):
        c = lsa_forward(Z, V, W, n)[:, -1]
        cols[i] = c
        Z = np.concatenate([Z, c[:, None]], axis=1)
    return cols if return_columns else cols[:, block_slices(d).w]


def _check_iterates(iterates: ArrayLike | None, B: int, d: int) -> np.ndarray:
    if iterates is None:
        return np.zeros((B, 0, d))
    return as_float_array("iterates", iterates, (B, None, d), ("B", "m", "d"))


def _fill_iterate_blocks(G: np.ndarray, iterates: np.ndarray, d: int) -> None:
    b = block_slices(d)
    # sum_l w_l w_l^T; m is small (a few CoT steps), where einsum beats `b` tiny GEMMs.
    G[:, b.w, b.w] = np.einsum("bmi,bmj->bij", iterates, iterates)
    s = iterates.sum(axis=1)
    G[:, b.w, b.c] = s[:, :, None]
    G[:, b.c, b.w] = s[:, None, :]
    G[:, b.c, b.c] = iterates.shape[1]


def _fill_data_blocks(G: np.ndarray, Gxx: np.ndarray, Gxy: np.ndarray, Gyy: np.ndarray, d: int):
    b = block_slices(d)
    G[:, b.x, b.x] = Gxx
    G[:, b.x, b.y] = Gxy[:, :, None]
    G[:, b.y, b.x] = Gxy[:, None, :]
    G[:, b.y, b.y] = Gyy[:, None, None]


def _gram_from_data(X: np.ndarray, w: np.ndarray, iterates: np.ndarray) -> np.ndarray:
    B, _, d = X.shape
    y = np.einsum("bnd,bd->bn", X, w)
    G = np.zeros((B, 2 * d + 2, 2 * d + 2))
    Gxy = np.einsum("bnd,bn->bd", X, y)
    _fill_data_blocks(G, X.transpose(0, 2, 1) @ X, Gxy, np.einsum("bn,bn->b", y, y), d)
    _fill_iterate_blocks(G, iterates, d)
    return G


def _gram_from_sufficient(S: np.ndarray, w: np.ndarray, n: int, iterates: np.ndarray) -> np.ndarray:
    B, d, _ = S.shape
    G = np.zeros((B, 2 * d + 2, 2 * d + 2))
    Sw = np.einsum("bij,bj->bi", S, w)
    _fill_data_blocks(G, S, n * Sw, n * np.einsum("bi,bi->b", w, Sw), d)
    G[:, :d, :d] *= n  # G_xx = n S, scaled in place
    _fill_iterate_blocks(G, iterates, d)
    return G


def gram_from_data(X: ArrayLike, w: ArrayLike, iterates: ArrayLike | None = None) -> np.ndarray:
    r"""Batched :math:`G = Z Z^\top` from features, tasks and iterate columns.

    Labels are :math:`y = X w^*`. Blocks: :math:`G_{xx} = X^\top X`,
    :math:`G_{xy} = X^\top y`, :math:`G_{yy} = y^\top y`, :math:`G_{ww} = \sum_l w_l w_l^\top`,
    :math:`G_{wc} = \sum_l w_l`, :math:`G_{cc} = m`, all others 0.

    Args:
        X: (B, n, d) features.
        w: (B, d) task vectors :math:`w^*`.
        iterates: (B, m, d) iterate columns :math:`w_0..w_{m-1}` (None: m = 0).

    Returns:
        G: (B, 2d+2, 2d+2).

    Paper: G = Z Zᵀ of the embedding of PAPER.md §1, the factor Zᵀ W Z of f(Z) = Z + V Z (Zᵀ W Z)/n.
    """
    X = as_float_array("X", X, (None, None, None), ("B", "n", "d"))
    B, n, d = X.shape
    if n < 1 or d < 1:
        raise InvalidArgument(f"X must have n >= 1 and d >= 1, got shape {X.shape}")
    w = as_float_array("w", w, (B, d), ("B", "d"))
    return _gram_from_data(X, w, _check_iterates(iterates, B, d))


def _check_S(S: ArrayLike) -> np.ndarray:
    S = as_float_array("S", S, (None, None, None), ("B", "d", "d"))
    if S.shape[1] != S.shape[2] or S.shape[1] < 1:
        raise InvalidArgument(f"S must have shape (B, d, d) with d >= 1, got shape {S.shape}")
    return S


def gram_from_sufficient(
    S: ArrayLike, w: ArrayLike, n: int, iterates: ArrayLike | None = None
) -> np.ndarray:
    r"""Batched :math:`G = Z Z^\top` from the sufficient statistics :math:`(S, w^*, n)`.

    Same as :func:`gram_from_data` with :math:`X^\top X = nS`:
    :math:`G_{xx} = nS`, :math:`G_{xy} = n S w^*`, :math:`G_{yy} = n\,w^{*\top} S w^*`, plus
    the iterate blocks.

    Args:
        S: (B, d, d) empirical covariances :math:`\frac1n X^\top X`.
        w: (B, d) task vectors.
        n: prompt length, ``>= 1``.
        iterates: (B, m, d) or None.

    Returns:
        G: (B, 2d+2, 2d+2).

    Paper: G = Z Zᵀ of the embedding of PAPER.md §1 from (S, w*, n), S = XXᵀ/n.
    """
    S = _check_S(S)
    B, d, _ = S.shape
    w = as_float_array("w", w, (B, d), ("B", "d"))
    n = check_int("n", n, min_value=1)
    return _gram_from_sufficient(S, w, n, _check_iterates(iterates, B, d))


def _last_column(G: np.ndarray, z: np.ndarray, V: np.ndarray, W: np.ndarray, n: int) -> np.ndarray:
    GWz = np.einsum("bij,bj->bi", G, z @ W.T)
    return z + GWz @ V.T / n


def last_column(G: ArrayLike, z: ArrayLike, V: ArrayLike, W: ArrayLike, n: int) -> np.ndarray:
    r"""Batched last output column :math:`f(Z)[:, -1] = z + V G W z / n`.

    Args:
        G: (B, D, D) Gram matrices :math:`Z Z^\top` (including the last column z).
        z: (B, D) last columns of Z.
        V, W: (D, D).
        n: number of data columns, ``>= 1``.

    Returns:
        (B, D).

    Paper: f(Z)[:, −1] of PAPER.md §1, the step behind (A.1).
    """
    V, W, _ = _check_weights(V, W)
    D = V.shape[0]
    G = as_float_array("G", G, (None, D, D), ("B", "D", "D"))
    z = as_float_array("z", z, (G.shape[0], D), ("B", "D"))
    n = check_int("n", n, min_value=1)
    return _last_column(G, z, V, W, n)


def _rollout_gram(
    G: np.ndarray, z: np.ndarray, V: np.ndarray, W: np.ndarray, k: int, n: int
) -> np.ndarray:
    """Columns c_1..c_k, (B, k, D); G is updated in place."""
    cols = np.empty((G.shape[0], k, G.shape[1]))
    for i in range(k):
        z = _last_column(G, z, V, W, n)
        cols[:, i] = z
        G += z[:, :, None] * z[:, None, :]
    return cols


def cot_rollout_gram(
    G: ArrayLike,
    z: ArrayLike,
    V: ArrayLike,
    W: ArrayLike,
    k: int,
    n: int,
    *,
    return_columns: bool = False,
) -> np.ndarray:
    r"""Batched CoT rollout from Gram matrices: the core of :func:`cot_rollout`.

    For i = 1..k: :math:`c_i = z + V G W z/n`, then :math:`G \leftarrow G + c_i c_i^\top`,
    :math:`z \leftarrow c_i` (appending the whole column, exactly as
    :func:`cot_rollout_naive`).

    Args:
        G: (B, D, D) initial Gram matrices (not modified).
        z: (B, D) initial last columns.
        V, W: (D, D).
        k: steps, ``>= 1``; n: data columns, ``>= 1``.
        return_columns: return the full columns (B, k, D) instead of the iterates.

    Returns:
        iterates (B, k, d) — the w-blocks of :math:`c_1..c_k` — or columns (B, k, D).

    Paper: the CoT rollout of PAPER.md §1 (recursion (A.1) in the w-block).
    """
    V, W, d = _check_weights(V, W)
    D = V.shape[0]
    G = as_float_array("G", G, (None, D, D), ("B", "D", "D")).copy()
    z = as_float_array("z", z, (G.shape[0], D), ("B", "D"))
    k = check_int("k", k, min_value=1)
    n = check_int("n", n, min_value=1)
    cols = _rollout_gram(G, z, V, W, k, n)
    return cols if return_columns else cols[:, :, block_slices(d).w]


def cot_rollout(
    w: ArrayLike,
    V: ArrayLike,
    W: ArrayLike,
    k: int,
    *,
    X: ArrayLike | None = None,
    S: ArrayLike | None = None,
    n: int | None = None,
    w0: ArrayLike | None = None,
    return_columns: bool = False,
    batch_size: int | None = None,
) -> np.ndarray:
    r"""Batched CoT rollout of B prompts, from features ``X`` or sufficient statistics ``S``.

    Builds :math:`G_0 = Z_0 Z_0^\top` for :math:`Z_0 = [\text{data}, (0_d, 0, w_0, 1)]` by
    :func:`gram_from_data` (``X`` given) or :func:`gram_from_sufficient` (``S`` and ``n``
    given), then runs :func:`cot_rollout_gram`: :math:`c_{i} = z + V G W z / n`,
    :math:`G \leftarrow G + c_i c_i^\top`. Same result as :func:`cot_rollout_naive` on every
    prompt, for any V, W.

    Args:
        w: (B, d) task vectors :math:`w^*`.
        V, W: (D, D), D = 2d+2.
        k: number of CoT steps, ``>= 1``.
        X: (B, n, d) features (exactly one of X, S).
        S: (B, d, d) empirical covariances; requires ``n``.
        n: prompt length (only with S).
        w0: initial iterate, (d,) or (B, d); default 0.
        return_columns: return the columns (B, k, D) instead of the iterates.
        batch_size: prompts per chunk (default: about 32 MiB of Gram matrices per chunk).

    Returns:
        iterates (B, k, d) :math:`\hat w_1..\hat w_k`, or columns (B, k, D).

    Paper: the CoT rollout of PAPER.md §1, whose w-block obeys the recursion (A.1).
    """
    V, W, d = _check_weights(V, W)
    D = V.shape[0]
    k = check_int("k", k, min_value=1)
    if (X is None) == (S is None):
        raise InvalidArgument(
            "cot_rollout needs exactly one of X (features) or S (sufficient stats)"
        )
    if X is not None:
        X = as_float_array("X", X, (None, None, d), ("B", "n", "d"))
        B, nX = X.shape[:2]
        if nX < 1:
            raise InvalidArgument(f"X must have n >= 1 rows per prompt, got shape {X.shape}")
        if n is not None and n != nX:
            raise InvalidArgument(f"n must equal X.shape[1]={nX} when X is given, got n={n}")
        n = nX
    else:
        S = as_float_array("S", S, (None, d, d), ("B", "d", "d"))
        B = S.shape[0]
        if n is None:
            raise InvalidArgument("n (prompt length) is required when S is given, got n=None")
        n = check_int("n", n, min_value=1)
    w = as_float_array("w", w, (B, d), ("B", "d"))
    w0 = _check_rollout_w0(w0, d, B)
    wb = block_slices(d).w
    out = np.empty((B, k, D if return_columns else d))
    batch = auto_batch(D * D + (n * d if X is not None else 0), batch_size)
    for start in range(0, B, batch):
        sl = slice(start, min(B, start + batch))
        it0 = w0[sl, None, :]
        if X is not None:
            G = _gram_from_data(X[sl], w[sl], it0)
        else:
            G = _gram_from_sufficient(S[sl], w[sl], n, it0)
        z = np.zeros((G.shape[0], D))
        z[:, wb] = w0[sl]
        z[:, -1] = 1.0
        cols = _rollout_gram(G, z, V, W, k, n)
        out[sl] = cols if return_columns else cols[:, :, wb]
    return out
