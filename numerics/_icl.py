r"""Per-prompt risks of in-context regression with the real LSA: ``k`` CoT steps, label noise
and a query token.

Prompts: features :math:`x_j \sim N(0, C)`, task :math:`w^* \sim N(0, I)`, labels
:math:`y = X w^* + \sigma\varepsilon`; the real ``(2d+2)``-row embedding, the sparse weights
(3.8) with :math:`V_{31} = \tilde V`, :math:`W_{13} = \tilde W`, :math:`W_{24} = -1`, and ``k``
forward passes from :math:`\hat w_0 = 0`, each appending its output iterate as a new column
(chain of thought). A fresh query :math:`x_q \sim N(0, C)` gives the prediction error.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._embedding import block_slices, sparse_weights
from ._lsa import _fill_data_blocks, _fill_iterate_blocks, _last_column
from ._sampling import _features, _psd_factor_for
from ._validation import InvalidArgument, as_float_array, auto_batch, check_int, check_rng

__all__ = ["icl_risk_samples"]


def icl_risk_samples(
    V_tilde: ArrayLike,
    C: ArrayLike,
    n: int,
    rng: np.random.Generator,
    size: int,
    *,
    steps: int = 1,
    sigma: float = 0.0,
    W_tilde: ArrayLike | None = None,
) -> np.ndarray:
    r"""``(size, 2)``: per prompt :math:`\|\hat w_k - w^*\|^2` and
    :math:`(x_q^\top(\hat w_k - w^*))^2` (see the module docstring).

    Args:
        V_tilde: (d, d); C: (d, d) PSD feature covariance; n: prompt length; rng;
        size: number of prompts; steps: CoT steps ``k >= 1``; sigma: label-noise level
        ``>= 0``; W_tilde: (d, d), default ``I``.

    Paper: the k-step recursion (A.1) with label noise; k = 1, σ = 0 is Prop 5.1, (5.1).
    """
    V_tilde = as_float_array("V_tilde", V_tilde, (None, None), ("d", "d"))
    d = V_tilde.shape[0]
    Wt = np.eye(d) if W_tilde is None else as_float_array("W_tilde", W_tilde, (d, d), ("d", "d"))
    Lr = _psd_factor_for(C, d, "V_tilde")
    n = check_int("n", n, min_value=1)
    size = check_int("size", size, min_value=0)
    steps = check_int("steps", steps, min_value=1)
    sigma = float(sigma)
    if not (np.isfinite(sigma) and sigma >= 0):
        raise InvalidArgument(f"sigma={sigma} is invalid: sigma must be a finite number >= 0")
    check_rng(rng)
    V, W = sparse_weights(V_tilde, Wt, -1.0)
    D = 2 * d + 2
    blk = block_slices(d)
    out = np.empty((size, 2))
    batch = auto_batch(D * D * (steps + 1) + n * d, None)
    for start in range(0, size, batch):
        b = min(batch, size - start)
        X = _features(Lr, n, b, rng)
        w = rng.standard_normal((b, d))
        y = np.einsum("bnd,bd->bn", X, w) + sigma * rng.standard_normal((b, n))
        data = np.zeros((b, D, D))
        _fill_data_blocks(
            data,
            X.transpose(0, 2, 1) @ X,
            np.einsum("bnd,bn->bd", X, y),
            np.einsum("bn,bn->b", y, y),
            d,
        )
        iterates = np.zeros((b, 1, d))
        for _ in range(steps):
            G = data.copy()
            _fill_iterate_blocks(G, iterates, d)
            z = np.zeros((b, D))
            z[:, blk.w] = iterates[:, -1]
            z[:, blk.c] = 1.0
            new = _last_column(G, z, V, W, n)[:, blk.w]
            iterates = np.concatenate([iterates, new[:, None, :]], axis=1)
        e = iterates[:, -1] - w
        xq = _features(Lr, 1, b, rng)[:, 0]
        out[start : start + b, 0] = np.einsum("bi,bi->b", e, e)
        out[start : start + b, 1] = np.einsum("bi,bi->b", xq, e) ** 2
    return out
