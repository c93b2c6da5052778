r"""Prompt embedding and the sparse weight pattern (paper §1 *Embedding*, (3.6)–(3.8)).

Rows of the embedding come in four blocks of heights d, 1, d, 1 — x, y, w, const — so
:math:`D = 2d + 2`. 0-indexed: x = ``0..d-1``, y = ``d``, w = ``d+1..2d``, const = ``2d+1``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    InvalidArgument,
    as_float_array,
    check_embedding_dim,
    check_float,
    check_int,
    check_square_matrix,
)


class Blocks(NamedTuple):
    """Row slices of the four embedding blocks."""

    x: slice
    y: slice
    w: slice
    c: slice


def embedding_dim(d: int) -> int:
    r"""Embedding height :math:`D = 2d + 2`.

    Paper: PAPER.md §1 (V, W ∈ R^{(2d+2)×(2d+2)}).
    """
    d = check_int("d", d, min_value=1)
    return 2 * d + 2


def block_slices(d: int) -> Blocks:
    r"""Row slices ``(x, y, w, c)`` = ``(0:d, d:d+1, d+1:2d+1, 2d+1:2d+2)`` of a D-row embedding.

    Paper: PAPER.md §1 (the embedding's four row blocks x, y, w, 1).
    """
    d = check_int("d", d, min_value=1)
    return Blocks(
        slice(0, d), slice(d, d + 1), slice(d + 1, 2 * d + 1), slice(2 * d + 1, 2 * d + 2)
    )


def embed_prompt(X: ArrayLike, y: ArrayLike, iterates: ArrayLike) -> np.ndarray:
    r"""Embedding :math:`Z \in R^{D \times (n+m)}` of one prompt with m iterate columns.

    Column j ≤ n is :math:`(x_j, y_j, 0_d, 0)`; column n + l is :math:`(0_d, 0, w_l, 1)`,
    l = 0..m−1 (the first iterate is :math:`w_0`, usually 0).

    Args:
        X: (n, d) features, row i is :math:`x_i`.
        y: (n,) labels.
        iterates: (m, d) iterates :math:`w_0, \dots, w_{m-1}` (m may be 0).

    Returns:
        Z: (2d+2, n+m).

    Paper: the embedding of PAPER.md §1: data columns (x_j, y_j, 0, 0), iterate columns
    (0, 0, w_i, 1).
    """
    X = as_float_array("X", X, (None, None), ("n", "d"))
    n, d = X.shape
    if n < 1 or d < 1:
        raise InvalidArgument(f"X must have n >= 1 rows and d >= 1 columns, got shape {X.shape}")
    y = as_float_array("y", y, (n,), ("n",))
    iterates = as_float_array("iterates", iterates, (None, d), ("m", "d"))
    m = iterates.shape[0]
    b = block_slices(d)
    Z = np.zeros((2 * d + 2, n + m))
    Z[b.x, :n] = X.T
    Z[b.y, :n] = y
    Z[b.w, n:] = iterates.T
    Z[b.c, n:] = 1.0
    return Z


def sparse_weights(
    V_tilde: ArrayLike, W_tilde: ArrayLike | None = None, w24: float = -1.0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Full (D, D) weights with the sparse pattern (3.8).

    :math:`V` has the single nonzero block :math:`V_{31} = \tilde V` (w-rows × x-columns);
    :math:`W` has :math:`W_{13} = \tilde W` (x-rows × w-columns) and the scalar
    :math:`W_{24} = w_{24}` (y-row, const-column). With these, the LSA step is
    :math:`\hat w_{i+1} = \hat w_i + \tilde V S (\tilde W \hat w_i + w_{24} w^*)` — the
    recursion (A.1) for :math:`w_{24} = -1`.

    Args:
        V_tilde: (d, d).
        W_tilde: (d, d); default identity.
        w24: scalar, default −1.

    Returns:
        (V, W), each (2d+2, 2d+2).
    """
    V_tilde = check_square_matrix("V_tilde", V_tilde)
    d = V_tilde.shape[0]
    if W_tilde is None:
        W_tilde = np.eye(d)
    W_tilde = as_float_array("W_tilde", W_tilde, (d, d), ("d", "d"))
    w24 = check_float("w24", w24)
    b = block_slices(d)
    D = 2 * d + 2
    V = np.zeros((D, D))
    W = np.zeros((D, D))
    V[b.w, b.x] = V_tilde
    W[b.x, b.w] = W_tilde
    W[b.y, b.c] = w24
    return V, W


def pattern_masks(d: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Boolean (D, D) masks, True on the entries of the sparse pattern (3.8),
    :math:`V_{31} = \tilde V`, :math:`W_{13} = \tilde W`, :math:`W_{24} = -1`.

    ``mask_V`` is True on w-rows × x-columns (d² entries); ``mask_W`` is True on
    x-rows × w-columns and on the single (y, const) entry (d² + 1 entries).
    """
    b = block_slices(d)
    D = 2 * d + 2
    mask_V = np.zeros((D, D), dtype=bool)
    mask_W = np.zeros((D, D), dtype=bool)
    mask_V[b.w, b.x] = True
    mask_W[b.x, b.w] = True
    mask_W[b.y, b.c] = True
    return mask_V, mask_W


def extract_pattern(V: ArrayLike, W: ArrayLike) -> tuple[np.ndarray, np.ndarray, float]:
    r"""Inverse of :func:`sparse_weights`: ``(V[w, x], W[x, w], W[y, const])``.

    Entries outside the pattern are ignored (use :func:`pattern_masks` to inspect them).
    Returns :math:`(\tilde V, \tilde W, w_{24})` with shapes (d, d), (d, d), scalar.

    Paper: the sparse pattern (3.8): Ṽ = V_31, W̃ = W_13, W_24.
    """
    V = as_float_array("V", V, (None, None), ("D", "D"))
    d = check_embedding_dim("V", V.shape[0])
    W = as_float_array("W", W, V.shape, ("D", "D"))
    if V.shape[1] != V.shape[0]:
        raise InvalidArgument(f"V must be square (D, D), got shape {V.shape}")
    b = block_slices(d)
    return V[b.w, b.x].copy(), W[b.x, b.w].copy(), float(W[b.y, b.c][0, 0])
