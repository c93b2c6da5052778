r"""Lean Monte Carlo of :math:`E\|I + A\hat\Sigma\|_F^2` from the sufficient statistic only.

The integrand of Lemma A.1 and of Prop. 5.1's second equality depends on a prompt only through
:math:`S = \frac1n X^\top X`, :math:`x_i \sim N(0, C)`. This module draws S from Bartlett's
decomposition, :math:`nS = L\tilde A\tilde A^\top L^\top` (``L`` the eigen-factor of C,
d×r with :math:`L^\top L = \Lambda` diagonal; :math:`\tilde A` r×r lower-triangular with
:math:`\tilde A_{ii}^2 \sim \chi^2_{n-i+1}`, :math:`\tilde A_{ij} \sim N(0,1)` below the
diagonal): r(r−1)/2 normals and r chi-squares per prompt instead of n·d normals, and no
(2d+2)² Gram matrix. With :math:`T = L\tilde A/\sqrt n` (so :math:`S = TT^\top`) and
:math:`U = AT`:

.. math::
    \|I + AS\|_F^2 = d + 2\,\mathrm{tr}(AS) + \|AS\|_F^2,\qquad
    \mathrm{tr}(AS) = \langle U, T\rangle,\qquad
    \|AS\|_F^2 = \|UT^\top\|_F^2 = \langle U^\top U,\ T^\top T\rangle,

so one prompt costs three d×r×r products (``[A L; G L; L] Ã`` in one call, then
:math:`U^\top U`) and one r³ product (:math:`T^\top T = \tilde A^\top\Lambda\tilde A/n`).

**Control variate (rule: a control's mean must follow from the definition of the law alone).**
The only moment used is :math:`E[S] = C` (the definition of a covariance; no Wishart second
moment, which is what Lemma A.1 computes). The control is the first-order Taylor term of the
integrand at :math:`S = C`,

.. math::
    X = \langle G, S - C\rangle,\qquad G = \nabla_S \|I + AS\|_F^2\big|_{S=C}
      = 2A^\top (I + AC),\qquad E[X] = 0,

(plain calculus). What remains after subtracting :math:`cX` is, for c = 1, the quadratic term
:math:`\|A(S - C)\|_F^2` — the finite-n correction itself, which the estimator therefore
measures rather than assumes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._estimators import frobenius_risk_samples
from ._sampling import _features, _psd_factor_for
from ._validation import (
    auto_batch,
    check_int,
    check_rng,
    check_square_matrix,
)

__all__ = ["FrobeniusSampler", "frobenius_risk_cv_samples", "taylor_gradient"]

#: Up to this rank, Y is a quadratic form in the r(r+1)/2 entries of ÃÃᵀ (one big GEMM);
#: above, batched d×r×r GEMMs.
QUADFORM_R = 32


def _swap(P: np.ndarray, Q: np.ndarray, iu: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``Q[:, j] ⊗ P[:, i]`` transposed into place: ``P[:, j] Q[:, i]^T`` for each (i, j)."""
    return P[:, iu[1]].T[:, :, None] * Q[:, iu[0]].T[:, None, :]


def taylor_gradient(A: np.ndarray, C: np.ndarray) -> np.ndarray:
    r""":math:`G = \nabla_S\|I + AS\|_F^2` at :math:`S = C`: :math:`2A^\top(I + AC)`.

    Paper: the control variate for the left side of Lemma A.1.
    """
    d = A.shape[0]
    return 2.0 * A.T @ (np.eye(d) + A @ C)


class FrobeniusSampler:
    r"""Draws ``(Y, X)``: :math:`Y = \|I + AS\|_F^2` and the control
    :math:`X = \langle G, S - C\rangle` (see the module docstring) for i.i.d. S with
    :math:`nS \sim \mathcal W_d(n, C)`.

    Bartlett's decomposition when n >= rank C, otherwise the features :math:`S = X^\top X/n`
    (same law). Validation happens once here, so a call costs only the draws.
    """

    def __init__(self, A: ArrayLike, C: ArrayLike, n: int):
        A = check_square_matrix("A", A)
        d = A.shape[0]
        L = _psd_factor_for(C, d, "A")
        self.n = check_int("n", n, min_value=1)
        self.A, self.L, self.d, self.r = A, L, d, L.shape[1]
        self.C = L @ L.T
        self.G = taylor_gradient(A, self.C)
        self.control_mean = 0.0
        self.bartlett = self.n >= self.r
        r = self.r
        # Stacked left factors: rows 0:d give U = A T, d:2d give G T, 2d:3d give T (scaled).
        self._left = np.vstack([A @ L, self.G @ L, L]) / np.sqrt(self.n)
        # L^T L = diag(λ) (eigen-factor), so T^T T = Ã^T Λ Ã / n.
        self._sqrt_lam_n = np.sqrt(np.einsum("ij,ij->j", L, L) / self.n)
        self._gc = float(np.vdot(self.G, self.C))
        self._lo = np.tril_indices(r, k=-1)
        self._dof = self.n - np.arange(r)
        self._per = 4 * d * r + 2 * r * r if self.bartlett else self.n * d + 3 * d * d
        if self.bartlett and r <= QUADFORM_R:
            self._quadform_setup()
            self._per = 3 * r * (r + 1) + r * r

    def variates_per_sample(self) -> int:
        """Random variates one sample consumes (normals plus chi-squares)."""
        return self.r * (self.r + 1) // 2 if self.bartlett else self.n * self.r

    def flops_per_sample(self) -> float:
        """Dominant multiply-adds ×2: 3 d r² (stacked), d r² (UᵀU), r³ (TᵀT)."""
        d, r = self.d, self.r
        if not self.bartlett:
            return 2.0 * (2 * self.n * d * d + 2 * d**3)
        return 2.0 * (3 * d * r * r + d * r * r + r**3)

    def _quadform_setup(self) -> None:
        r"""Y and X as polynomials in the m = r(r+1)/2 distinct entries of :math:`M =
        \tilde A\tilde A^\top` (so :math:`S = LML^\top/n`): with :math:`E_p` the symmetric
        unit matrices (:math:`e_ie_j^\top + e_je_i^\top`, or :math:`e_ie_i^\top`) and
        :math:`B_p = A L E_p L^\top/n`, :math:`Y = d + 2\sum_p m_p\,\mathrm{tr}B_p +
        \sum_{pq} m_p m_q \langle B_p, B_q\rangle` and
        :math:`X = \sum_p m_p \langle G, LE_pL^\top\rangle/n - \langle G, C\rangle`."""
        r, L, AL = self.r, self.L, self.A @ self.L
        iu = np.triu_indices(r)
        outer = lambda P, Q: P[:, iu[0]].T[:, :, None] * Q[:, iu[1]].T[:, None, :]  # noqa: E731
        off = (iu[0] != iu[1])[:, None, None]
        # B_p = AL E_p L^T / n: AL[:, i] L[:, j]^T + AL[:, j] L[:, i]^T for i < j
        B = (outer(AL, L) + np.where(off, _swap(AL, L, iu), 0.0)) / self.n
        Cp = (outer(L, L) + np.where(off, _swap(L, L, iu), 0.0)) / self.n
        Bf = B.reshape(len(iu[0]), -1)
        self._Q = Bf @ Bf.T
        self._lin = 2.0 * np.trace(B, axis1=1, axis2=2)
        self._g = Cp.reshape(len(iu[0]), -1) @ self.G.reshape(-1)

    def _chunk_quadform(self, rng: np.random.Generator, b: int) -> tuple[np.ndarray, np.ndarray]:
        r"""r <= QUADFORM_R: the m distinct entries of M (r einsums over the triangular Ã),
        then one (m × m) × (m × b) GEMM for the quadratic form; no batched tiny products."""
        r = self.r
        F = np.zeros((r, r, b))  # F[i, k, t] = Ã_t[i, k]
        F[self._lo[0], self._lo[1], :] = rng.standard_normal((self._lo[0].size, b))
        idx = np.arange(r)
        F[idx, idx, :] = np.sqrt(rng.chisquare(self._dof, size=(b, r))).T
        m = np.concatenate(
            [np.einsum("kb,jkb->jb", F[i, : i + 1], F[i:, : i + 1]) for i in range(r)]
        )  # (m, b): M[i, j] = sum_{k <= i} Ã_ik Ã_jk, j >= i, row by row (= triu order)
        y = self.d + self._lin @ m + np.einsum("pb,pb->b", m, self._Q @ m)
        return y, self._g @ m - self._gc

    def _chunk_large(self, rng: np.random.Generator, b: int) -> tuple[np.ndarray, np.ndarray]:
        r"""r > QUADFORM_R: batched GEMMs; :math:`\\|UT^\top\\|_F^2 = \\langle U^\top U,
        T^\top T\rangle` with :math:`T^\top T = \tilde A^\top\\Lambda\tilde A/n`."""
        d, r = self.d, self.r
        At = np.zeros((b, r, r))
        At[:, self._lo[0], self._lo[1]] = rng.standard_normal((b, self._lo[0].size))
        idx = np.arange(r)
        At[:, idx, idx] = np.sqrt(rng.chisquare(self._dof, size=(b, r)))
        P = self._left @ At  # (b, 3d, r)
        U, GT, T = P[:, :d], P[:, d : 2 * d], P[:, 2 * d :]
        R = self._sqrt_lam_n[:, None] * At
        quad = np.einsum("bij,bij->b", U.transpose(0, 2, 1) @ U, R.transpose(0, 2, 1) @ R)
        y = d + 2.0 * np.einsum("bij,bij->b", U, T) + quad
        return y, np.einsum("bij,bij->b", GT, T) - self._gc

    def _chunk_features(self, rng: np.random.Generator, b: int) -> tuple[np.ndarray, np.ndarray]:
        X = _features(self.L, self.n, b, rng)
        S = X.transpose(0, 2, 1) @ X / self.n
        y = frobenius_risk_samples(self.A, S)
        x = np.einsum("ij,bij->b", self.G, S) - self._gc
        return y, x

    def __call__(
        self, rng: np.random.Generator, size: int, batch_size: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(Y (size,), X (size, 1))`` for :func:`numerics.mc_estimate_cv`."""
        size = check_int("size", size, min_value=0)
        check_rng(rng)
        batch = auto_batch(self._per, batch_size)
        y, x = np.empty(size), np.empty(size)
        if not self.bartlett:
            fn = self._chunk_features
        else:
            fn = self._chunk_quadform if self.r <= QUADFORM_R else self._chunk_large
        for start in range(0, size, batch):
            b = min(batch, size - start)
            y[start : start + b], x[start : start + b] = fn(rng, b)
        return y, x[:, None]


def frobenius_risk_cv_samples(
    A: ArrayLike, C: ArrayLike, n: int, rng: np.random.Generator, size: int
) -> tuple[np.ndarray, np.ndarray]:
    r"""``size`` draws of :math:`(\|I + AS\|_F^2,\ \langle G, S - C\rangle)` (see
    :class:`FrobeniusSampler`); the control has mean 0 since :math:`E[S] = C`.

    Returns:
        ``(values (size,), controls (size, 1))``.

    Paper: the left side of Lemma A.1, E‖I + AS‖_F², sampled.
    """
    return FrobeniusSampler(A, C, n)(rng, size)
