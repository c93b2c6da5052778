r"""Sampling of prompts: features, tasks and empirical covariances (paper §1 *Data*).

One prompt: :math:`x_i \sim N(0, C)` i.i.d. (i = 1..n), :math:`w^* \sim N(0, I_d)`,
:math:`y_i = \langle w^*, x_i\rangle`, and :math:`S = \frac1n \sum_i x_i x_i^\top`.
``C`` may be singular; all samplers work with a factor :math:`L_r \in R^{d\times r}`,
:math:`L_r L_r^\top = C`, ``r = rank(C)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    InvalidArgument,
    auto_batch,
    check_choice,
    check_int,
    check_rng,
    check_square,
)

#: A matrix is rejected as not PSD if its smallest eigenvalue is below ``-PSD_RTOL * max|λ|``.
PSD_RTOL = 1e-8
#: Eigenvalues ``<= RANK_RTOL * d * max|λ|`` are treated as exact zeros (rounding noise).
RANK_RTOL = 64 * np.finfo(np.float64).eps
#: A matrix is rejected as not symmetric if ``max|C - C^T| > SYM_RTOL * max|C|``.
SYM_RTOL = 1e-10


def _psd_eigh(C: ArrayLike, name: str = "C") -> tuple[np.ndarray, np.ndarray]:
    """Validated eigen-decomposition ``(λ, U)`` of a symmetric PSD matrix, noise zeroed."""
    C = check_square(name, C)
    scale = float(np.max(np.abs(C)))
    asym = float(np.max(np.abs(C - C.T)))
    if asym > SYM_RTOL * scale:
        raise InvalidArgument(
            f"{name} must be symmetric, got max|{name} - {name}^T| = {asym:.3g} "
            f"(max|{name}| = {scale:.3g})"
        )
    lam, U = np.linalg.eigh(0.5 * (C + C.T))
    lam_scale = float(np.max(np.abs(lam)))
    if lam[0] < -PSD_RTOL * lam_scale:
        raise InvalidArgument(
            f"{name} must be positive semidefinite, got smallest eigenvalue {lam[0]:.6g} "
            f"(largest {lam[-1]:.6g})"
        )
    lam = np.where(lam > RANK_RTOL * C.shape[0] * lam_scale, lam, 0.0)
    return lam, U


def _psd_factor(C: ArrayLike, name: str = "C") -> np.ndarray:
    """Thin factor ``L_r`` (d, r) with ``L_r L_r^T = C`` and r = numerical rank of C."""
    lam, U = _psd_eigh(C, name)
    keep = lam > 0.0
    return U[:, keep] * np.sqrt(lam[keep])


def _psd_factor_for(C: ArrayLike, d: int, partner: str) -> np.ndarray:
    """:func:`_psd_factor` of the covariance ``C``, which must be ``d × d`` like ``partner``."""
    L = _psd_factor(C)
    if L.shape[0] != d:
        raise InvalidArgument(
            f"C must be {d}x{d} to match {partner}, got {L.shape[0]}x{L.shape[0]}"
        )
    return L


def covariance_sqrt(C: ArrayLike) -> np.ndarray:
    r"""Square-root factor of a PSD covariance: :math:`L = U\,\mathrm{diag}(\sqrt{\lambda_+})`.

    With :math:`C = U \mathrm{diag}(\lambda) U^\top` (``numpy.linalg.eigh``) this returns
    ``L`` of shape (d, d) with :math:`L L^\top = C`. Eigenvalues at rounding level
    (:math:`|\lambda| \le 64\,d\,\epsilon \max|\lambda|`, including tiny negative ones) are set
    to 0, so singular ``C`` is fine; ``C`` must be symmetric and PSD up to
    ``PSD_RTOL = 1e-8`` relative, else ``ValueError``.

    Args:
        C: (d, d) symmetric positive semidefinite matrix.

    Returns:
        L: (d, d), ``L @ L.T == C`` to rounding.
    """
    lam, U = _psd_eigh(C)
    return U * np.sqrt(lam)


def _diagonal_factor(Lr: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """For diagonal C: ``(rows, vals)`` with ``L_r[rows[j], j] = vals[j]`` the only nonzeros,
    columns reordered so that ``rows`` is increasing; None if C is not diagonal.

    Reordering the columns of L_r (L_r P, P a permutation) is harmless: every sampler here
    only needs *some* factor F with F F^T = C.
    """
    nz = Lr != 0.0
    if not np.all(nz.sum(axis=0) == 1):
        return None
    rows = nz.argmax(axis=0)
    vals = Lr[rows, np.arange(Lr.shape[1])]
    order = np.argsort(rows, kind="stable")
    return rows[order], vals[order]


def _left_factor(Lr: np.ndarray, M: np.ndarray) -> np.ndarray:
    """``F @ M`` for M (size, r, k) -> (size, d, k), F a factor of C (L_r, or its column
    permutation from :func:`_diagonal_factor`); a row scaling when C is diagonal."""
    diag = _diagonal_factor(Lr)
    if diag is None:
        return Lr @ M
    rows, vals = diag
    if rows.size == Lr.shape[0]:  # full rank: rows = 0..d-1
        return vals[:, None] * M
    out = np.zeros((M.shape[0], Lr.shape[0], M.shape[2]))
    out[:, rows, :] = vals[:, None] * M
    return out


def _features(Lr: np.ndarray, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` prompts of features, (size, n, d): rows ``x = F g``, ``g ~ N(0, I_r)``, F a
    factor of C (see :func:`_left_factor`)."""
    d, r = Lr.shape
    g = rng.standard_normal((size, n, r))
    diag = _diagonal_factor(Lr)
    if diag is None:
        # One (size*n, r) x (r, d) GEMM rather than `size` small ones.
        return (g.reshape(size * n, r) @ Lr.T).reshape(size, n, d)
    rows, vals = diag
    if rows.size == d:
        g *= vals
        return g
    X = np.zeros((size, n, d))
    X[:, :, rows] = g * vals
    return X


def sample_features(C: ArrayLike, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    r"""Feature matrices of ``size`` prompts: :math:`x_{\tau,i} \sim N(0, C)` i.i.d.

    Computed as :math:`x = L_r g`, :math:`g \sim N(0, I_r)`, with :math:`L_r L_r^\top = C`
    (``r = rank C``), so samples lie exactly in ``range(C)``.

    Args:
        C: (d, d) PSD covariance (may be singular).
        n: number of (x, y) pairs per prompt, ``>= 1``.
        size: number of prompts, ``>= 0``.
        rng: random generator.

    Returns:
        X: (size, n, d); ``X[τ, i]`` is :math:`x_{\tau,i}`.

    Paper: the data model of PAPER.md §1, x_{τ,i} ~ N(0, C) i.i.d.
    """
    n = check_int("n", n, min_value=1)
    size = check_int("size", size, min_value=0)
    check_rng(rng)
    Lr = _psd_factor(C)
    return _features(Lr, n, size, rng)


def sample_tasks(d: int, size: int, rng: np.random.Generator) -> np.ndarray:
    r"""Task vectors :math:`w^*_\tau \sim N(0, I_d)`, shape (size, d).

    Paper: the data model of PAPER.md §1, w*_τ ~ N(0, I_d).
    """
    d = check_int("d", d, min_value=1)
    size = check_int("size", size, min_value=0)
    check_rng(rng)
    return rng.standard_normal((size, d))


def _symmetrize(S: np.ndarray) -> np.ndarray:
    # S and S^T agree up to rounding; averaging makes the sample exactly symmetric.
    return 0.5 * (S + S.transpose(0, 2, 1))


def _wishart_bartlett(Lr: np.ndarray, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Bartlett: ``n S = L_r A A^T L_r^T``, A lower-triangular (needs n >= r)."""
    r = Lr.shape[1]
    # A_ii = sqrt(chi^2_{n-i}), i = 0..r-1 (0-indexed); A_ij ~ N(0, 1) for i > j.
    diag = np.sqrt(rng.chisquare(n - np.arange(r), size=(size, r)))
    lo_i, lo_j = np.tril_indices(r, k=-1)
    A = np.zeros((size, r, r))
    A[:, lo_i, lo_j] = rng.standard_normal((size, lo_i.size))  # r(r-1)/2 normals only
    idx = np.arange(r)
    A[:, idx, idx] = diag
    T = _left_factor(Lr, A)  # (size, d, r)
    S = T @ T.transpose(0, 2, 1)
    S /= n
    return _symmetrize(S)


def _wishart_features(Lr: np.ndarray, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    X = _features(Lr, n, size, rng)
    S = X.transpose(0, 2, 1) @ X
    S /= n
    return _symmetrize(S)


def _resolve_wishart_method(method: str, n: int, r: int) -> str:
    method = check_choice("method", method, ("auto", "bartlett", "features"))
    if method == "auto":
        return "bartlett" if n >= r else "features"
    if method == "bartlett" and n < r:
        raise InvalidArgument(
            f"method='bartlett' needs n >= rank(C), got n={n} and rank(C)={r}; "
            "use method='features' or 'auto'"
        )
    return method


def _wishart(
    Lr: np.ndarray, n: int, size: int, rng: np.random.Generator, method: str, batch: int
) -> np.ndarray:
    """Chunked Wishart sampler on a validated factor; ``method`` already resolved."""
    d = Lr.shape[0]
    out = np.empty((size, d, d))
    fn = _wishart_bartlett if method == "bartlett" else _wishart_features
    for start in range(0, size, batch):
        stop = min(size, start + batch)
        out[start:stop] = fn(Lr, n, stop - start, rng)
    return out


def sample_wishart(
    C: ArrayLike,
    n: int,
    size: int,
    rng: np.random.Generator,
    method: str = "auto",
    *,
    batch_size: int | None = None,
) -> np.ndarray:
    r"""Empirical covariances :math:`S = \frac1n X^\top X` of ``size`` prompts, sampled exactly.

    :math:`nS \sim \mathcal W_d(n, C)`. Two exact samplers (same law):

    * ``"bartlett"``: :math:`nS = L_r A A^\top L_r^\top` with :math:`L_r L_r^\top = C`
      (d×r, r = rank C) and the Bartlett factor A (r×r lower-triangular,
      :math:`A_{ii}^2 \sim \chi^2_{n-i+1}` for i = 1..r, :math:`A_{ij} \sim N(0,1)` for
      i > j); needs ``n >= r``. Cost :math:`O(d r^2)` per sample, independent of n.
    * ``"features"``: draw X (n, d) by :func:`sample_features` and form :math:`X^\top X/n`;
      cost :math:`O(n d^2)`.
    * ``"auto"``: Bartlett when ``n >= rank(C)`` (in particular when n >= d and C is PD),
      features otherwise.

    Args:
        C: (d, d) PSD covariance (may be singular).
        n: prompt length, ``>= 1``.
        size: number of samples, ``>= 0``.
        rng: random generator.
        method: ``"auto"``, ``"bartlett"`` or ``"features"``.
        batch_size: samples per chunk (default: chunks of about 32 MiB of intermediates).

    Returns:
        S: (size, d, d), symmetric PSD.

    Paper: S_τ = (1/n) Σ_i x_{τ,i} x_{τ,i}ᵀ of PAPER.md §1, whose moments are Lemma A.2
    (wishart_moment).
    """
    n = check_int("n", n, min_value=1)
    size = check_int("size", size, min_value=0)
    check_rng(rng)
    Lr = _psd_factor(C)
    d, r = Lr.shape
    method = _resolve_wishart_method(method, n, r)
    per_item = (n * max(r, d)) if method == "features" else (r * r + d * r + d * d)
    batch = auto_batch(per_item, batch_size)
    return _wishart(Lr, n, size, rng, method, batch)
