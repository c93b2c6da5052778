r"""SFT at paper scale (d = 400–600, B up to 2000, n up to 5000) on two cores.

Everything here works with *diagonal* covariances (the setting of Figs. 1, 2, 5 and of
Appendices B–C): :math:`A = \operatorname{diag}(a)`, :math:`\Sigma_0 = \operatorname{diag}(s_0)`,
:math:`\Sigma = \operatorname{diag}(s)`, so no covariance matrix is ever formed.

* **Sufficient statistics.** SFT depends on the prompts only through
  :math:`\Omega = [w^*_1 \dots w^*_B]` and :math:`\Phi = [S_1 w^*_1 \dots S_B w^*_B]` (d×B).
  :func:`sample_sft_statistics` draws the columns :math:`S_\tau w^*_\tau` from their exact law
  in :math:`O(d)` per prompt instead of :math:`O(nd)`: with :math:`x = A^{1/2} g`,
  :math:`u = A^{1/2} w`, :math:`\ell = \|u\|`, :math:`e = u/\ell`,

  .. math:: S w = \frac{\ell}{n} A^{1/2}\bigl(c\, e + \sqrt{c}\,(I - e e^\top) h\bigr),
            \qquad c \sim \chi^2_n,\ h \sim N(0, I_d),

  because :math:`\frac1n\sum_i g_i g_i^\top e = \frac1n[\sum_i z_i^2\, e + \sum_i z_i g_i^\perp]`
  with :math:`z_i = g_i^\top e` i.i.d. N(0,1) independent of the components
  :math:`g_i^\perp` orthogonal to e; given z, :math:`\sum_i z_i g_i^\perp \sim
  N(0, c\,(I - ee^\top))`, :math:`c = \sum_i z_i^2`. ``method="features"`` is the naive
  construction :math:`S w = X(X^\top w)/n` from n sampled features (tests compare the two).
* **The SFT minimiser (4.1)** :math:`\tilde V^* = -\eta\Omega\Phi^\dagger
  - \Gamma_0^{-1}(I - \Phi\Phi^\dagger)` from a thin SVD of Φ (the minimum-distance solution of
  :math:`\tilde V\Phi = -\eta\Omega` nearest :math:`-\Gamma_0^{-1}`); no d×d pseudo-inverse.
* **The exact post-test error** (Lemma A.1 with :math:`A = \tilde V`, divided by d):
  :math:`\mathrm{Err}(\tilde V) = \frac1d[\|I + \tilde V\Sigma\|_F^2 + \frac1n(\operatorname{tr}
  (\tilde V\Sigma^2\tilde V^\top) + \operatorname{tr}(\tilde V\Sigma\tilde V^\top)\operatorname{tr}
  \Sigma)]`, in :math:`O(d^2)` for diagonal Σ, instead of a test-set Monte Carlo.
* **Appendix B/C objects** at finite d: :math:`M_0 = A\Omega`, the projector Π on col(M0),
  :math:`V_S`, :math:`V_N`, the resolvent :math:`R(z) = (A\Omega\Omega^\top A/d + zI)^{-1}`,
  and the finite-d definitions of the terms of Theorem B.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validation import InvalidArgument, check_choice, check_int, check_rng

__all__ = [
    "BlockDiagonalSetting",
    "first_order_weights",
    "post_test_error_diag",
    "projector_block_traces",
    "pseudo_inverse_traces",
    "resolvent_cross_trace",
    "sample_sft_statistics",
    "sft_error_sweep",
    "theorem_4_1_minimiser",
    "theorem_b1_terms_finite",
]

#: singular values below ``RANK_RTOL * s_max`` count as zero (Φ and M0 are rank deficient
#: exactly when a block of A is 0, e.g. r = 0 in Fig. 1)
RANK_RTOL = 1e-7


def _vec(name: str, v: ArrayLike, d: int | None = None, *, positive: bool = False) -> np.ndarray:
    arr = np.asarray(v, dtype=float)
    if arr.ndim != 1 or (d is not None and arr.shape[0] != d):
        want = "a vector" if d is None else f"a vector of length {d}"
        raise InvalidArgument(f"{name} must be {want} (a diagonal), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or (positive and np.any(arr <= 0)):
        bound = "> 0" if positive else ">= 0"
        raise InvalidArgument(f"{name} must have finite entries {bound}, got min {arr.min():.3g}")
    return arr


@dataclass(frozen=True)
class BlockDiagonalSetting:
    r"""The two-block setting of §5.2 / Appendix B: ``d`` features, the first ``m`` "new"
    (Δ = I on them), :math:`\Sigma_0 = \operatorname{diag}(\rho 1_m, 1_{d-m})`,
    :math:`\Sigma = \Sigma_0 + \operatorname{diag}(1_m, 0)`,
    :math:`A = \operatorname{diag}(\eta(\rho+1) 1_m, r 1_{d-m})`, prompt length ``n``."""

    d: int
    m: int
    n: int
    rho: float
    eta: float
    r: float

    def __post_init__(self) -> None:
        check_int("d", self.d, min_value=1)
        check_int("m", self.m, min_value=0)
        check_int("n", self.n, min_value=1)
        if self.m > self.d:
            raise InvalidArgument(f"m must be <= d, got m={self.m}, d={self.d}")
        if not (0 < self.eta < 1):
            raise InvalidArgument(f"eta must lie in (0, 1), got eta={self.eta}")
        if not (self.rho >= 0 and self.r >= 0):
            raise InvalidArgument(f"rho and r must be >= 0, got rho={self.rho}, r={self.r}")

    def _blocks(self, v1: float, v2: float) -> np.ndarray:
        return np.concatenate([np.full(self.m, float(v1)), np.full(self.d - self.m, float(v2))])

    @property
    def a(self) -> np.ndarray:
        """Diagonal of the post-training covariance A."""
        return self._blocks(self.eta * (self.rho + 1), self.r)

    @property
    def sigma0(self) -> np.ndarray:
        """Diagonal of the pretraining covariance Σ0."""
        return self._blocks(self.rho, 1.0)

    @property
    def sigma(self) -> np.ndarray:
        """Diagonal of the post-test covariance Σ = Σ0 + Δ."""
        return self._blocks(self.rho + 1, 1.0)

    @property
    def gamma0(self) -> np.ndarray:
        r"""Diagonal of :math:`\Gamma_0 = (1 + 1/n)\Sigma_0 + (\operatorname{tr}\Sigma_0/n) I`
        (3.7), exact at finite n."""
        s0 = self.sigma0
        return (1 + 1 / self.n) * s0 + s0.sum() / self.n


def sample_sft_statistics(
    a: ArrayLike,
    n: int,
    B: int,
    rng: np.random.Generator,
    *,
    method: str = "exact_law",
    batch_size: int = 64,
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(Ω, Φ)``, each d×B: :math:`w^*_\tau \sim N(0, I_d)` and :math:`S_\tau w^*_\tau` with
    :math:`S_\tau = X_\tau X_\tau^\top/n`, :math:`x \sim N(0, \operatorname{diag}(a))`.

    ``method="exact_law"`` uses the O(d) exact law of the module docstring;
    ``method="features"`` samples the n features of every prompt (O(nd), the naive witness).

    Paper: Ω and Φ of Theorem 4.1, (4.1), in the diagonal settings of Figs. 1, 2 and 5.
    """
    a = _vec("a", a)
    d = a.shape[0]
    n = check_int("n", n, min_value=1)
    B = check_int("B", B, min_value=0)
    check_rng(rng)
    method = check_choice("method", method, ("exact_law", "features"))
    root = np.sqrt(a)
    Omega = rng.standard_normal((d, B))
    if method == "features":
        Phi = np.empty((d, B))
        for s in range(0, B, batch_size):
            e = min(B, s + batch_size)
            X = rng.standard_normal((e - s, n, d)) * root  # rows x_i ~ N(0, A)
            proj = X @ Omega[:, s:e].T[:, :, None]  # (b, n, 1): x_i^T w
            Phi[:, s:e] = (X.transpose(0, 2, 1) @ proj)[:, :, 0].T / n
        return Omega, Phi
    U = root[:, None] * Omega
    ell = np.linalg.norm(U, axis=0)
    safe = np.where(ell > 0, ell, 1.0)
    E = U / safe
    c = rng.chisquare(n, size=B)
    h = rng.standard_normal((d, B))
    h -= E * np.einsum("ij,ij->j", E, h)
    Phi = root[:, None] * (c * E + np.sqrt(c) * h) * (ell / n)
    return Omega, Phi


def _thin_svd(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thin SVD ``(U, s, Vᵀ)`` restricted to the nonzero singular values, from the eigen-
    decomposition of the smaller Gram matrix (3–5× faster than LAPACK's SVD at these shapes;
    the squared condition number costs at most ~1e-8 relative accuracy in s here)."""
    d, B = M.shape
    small_side = d >= B
    G = M.T @ M if small_side else M @ M.T
    lam, Q = np.linalg.eigh(G)
    lam, Q = lam[::-1], Q[:, ::-1]
    top = lam[0] if lam.size else 0.0
    keep = lam > RANK_RTOL**2 * top if top > 0 else np.zeros(lam.size, bool)
    s = np.sqrt(lam[keep])
    Q = Q[:, keep]
    if small_side:  # M = U s Vᵀ with V = Q
        return (M @ Q) / s, s, Q.T
    return Q, s, (Q.T @ M) / s[:, None]


def theorem_4_1_minimiser(
    Omega: ArrayLike, Phi: ArrayLike, gamma0: ArrayLike, eta: float
) -> np.ndarray:
    r"""The closed form of Theorem 4.1, (4.1):
    :math:`\tilde V^* = -\eta\,\Omega\Phi^\dagger - \Gamma_0^{-1}(I - \Phi\Phi^\dagger)`
    from the statistics Ω, Φ (not from the loss; compare :func:`numerics.nearest_sft_minimiser`,
    which minimises the real SFT loss), Γ0 = diag(``gamma0``), from the thin SVD
    :math:`\Phi = U s V^\top`: :math:`\Omega\Phi^\dagger = (\Omega V) s^{-1} U^\top`,
    :math:`\Phi\Phi^\dagger = UU^\top`."""
    Omega = np.asarray(Omega, dtype=float)
    Phi = np.asarray(Phi, dtype=float)
    g_inv = 1.0 / _vec("gamma0", gamma0, Phi.shape[0], positive=True)
    U, s, Vt = _thin_svd(Phi)
    V = -np.diag(g_inv)
    V += (g_inv[:, None] * U) @ U.T
    V -= eta * ((Omega @ Vt.T) / s) @ U.T
    return V


def first_order_weights(
    Omega: ArrayLike, Phi: ArrayLike, a: ArrayLike, gamma0: ArrayLike, eta: float
) -> tuple[np.ndarray, np.ndarray]:
    r"""``(V_S, V_N)`` of Theorem B.1: with :math:`M_0 = A\Omega` (= E[Φ | Ω]),
    :math:`E = \Phi - M_0`,
    :math:`V_S = -\eta\Omega M_0^\dagger - \Gamma_0^{-1}(I - M_0M_0^\dagger)`
    and :math:`V_N = -V_S E M_0^\dagger` (the first-order expansion of :math:`\Phi^\dagger`)."""
    Omega = np.asarray(Omega, dtype=float)
    a = _vec("a", a, Omega.shape[0])
    M0 = a[:, None] * Omega
    VS = theorem_4_1_minimiser(Omega, M0, gamma0, eta)
    U, s, Vt = _thin_svd(M0)
    E = np.asarray(Phi, dtype=float) - M0
    VN = -((VS @ E) @ (Vt.T / s)) @ U.T
    return VS, VN


def post_test_error_diag(V: ArrayLike, sigma: ArrayLike, n: int) -> float:
    r"""Exact :math:`\mathrm{Err}(\tilde V) = \frac1d\bigl[\|I + \tilde V\Sigma\|_F^2 +
    \frac1n\bigl(\operatorname{tr}(\tilde V\Sigma^2\tilde V^\top) + \operatorname{tr}(\tilde V\Sigma
    \tilde V^\top)\operatorname{tr}\Sigma\bigr)\bigr]` for Σ = diag(``sigma``) (Prop. 5.1 with
    Lemma A.1, divided by d), i.e. the one-step post-test error per coordinate."""
    V = np.asarray(V, dtype=float)
    sig = _vec("sigma", sigma, V.shape[0])
    n = check_int("n", n, min_value=1)
    d = V.shape[0]
    M = V * sig
    M[np.diag_indices(d)] += 1.0
    col = np.einsum("ij,ij->j", V, V)  # ‖V e_j‖² per column j
    extra = float(col @ (sig**2 + sig * sig.sum())) / n
    return (float(np.einsum("ij,ij->", M, M)) + extra) / d


def projector_block_traces(M0: ArrayLike, m: int) -> tuple[float, float, float]:
    r"""For Π the orthogonal projector on col(M0) and blocks (first ``m``, last d − m):
    :math:`((1/m)\operatorname{tr}\Pi_{11},\ (1/(d-m))\operatorname{tr}\Pi_{22},\
    (1/d)\operatorname{tr}(\Pi_{12}\Pi_{21}))` (Lemmas C.1, C.2). With an orthonormal basis U of
    col(M0): :math:`\operatorname{tr}\Pi_{kk} = \|U_k\|_F^2`,
    :math:`\operatorname{tr}(\Pi_{12}\Pi_{21}) = \|U_1^\top U_2\|_F^2`.

    Paper: Lemma C.1 (w_k = lim (1/d_k) tr Π_kk) and Lemma C.2 (T12 = lim (1/d) tr(Π_12 Π_21)) at
    finite d.
    """
    M0 = np.asarray(M0, dtype=float)
    d = M0.shape[0]
    U, _, _ = _thin_svd(M0)
    U1, U2 = U[:m], U[m:]
    t11 = float(np.sum(U1**2)) / max(m, 1)
    t22 = float(np.sum(U2**2)) / max(d - m, 1)
    t12 = float(np.sum((U1.T @ U1) * (U2.T @ U2))) / d  # tr(U1ᵀU1 U2ᵀU2)
    return t11, t22, t12


def resolvent_cross_trace(M0: ArrayLike, m: int, z: float) -> tuple[float, float]:
    r"""``(T, v)`` at z > 0 for :math:`X = M_0/\sqrt d` (d×B), :math:`R = (XX^\top + zI)^{-1}`:
    :math:`T = (1/d)\operatorname{tr}(D_1 R D_2 R)` with :math:`D_1, D_2` the block indicators
    (Lemma C.3), and :math:`v = (z/d)\operatorname{tr}(X^\top X + zI_B)^{-1} = \beta z\tilde m(-z)`
    (β times z times the Stieltjes transform of the companion B×B matrix). From the SVD
    :math:`X = U s V^\top`: :math:`R = U[(s^2+z)^{-1} - z^{-1}]U^\top + z^{-1}I`."""
    M0 = np.asarray(M0, dtype=float)
    d, B = M0.shape
    U, s, _ = _thin_svd(M0 / np.sqrt(d))
    lam = s**2
    c = 1.0 / (lam + z) - 1.0 / z  # R = U diag(c) Uᵀ + I/z
    U1, U2 = U[:m], U[m:]
    # D1 R D2 = U1 diag(c) U2ᵀ (the I/z part has no off-diagonal block), and
    # tr(D1 R D2 R) = tr(R12 R21) = ‖U1 diag(c) U2ᵀ‖_F² = tr(diag(c) K diag(c) K), K = U2ᵀU2...
    K1 = U1.T @ U1
    K2 = U2.T @ U2
    T = float(np.einsum("i,ij,j,ji->", c, K1, c, K2)) / d
    lam_B = np.zeros(B)
    lam_B[: lam.size] = lam
    v = z * float(np.sum(1.0 / (lam_B + z))) / d
    return T, v


def pseudo_inverse_traces(
    M0: ArrayLike, weights: ArrayLike, *, power: int = 1, extra: ArrayLike | None = None
) -> float:
    r""":math:`(1/d)\operatorname{tr}(D\,\hat G^{\dagger p})` for :math:`\hat G = M_0M_0^\top/d`,
    D = diag(``weights``) (times diag(``extra``) if given, e.g. :math:`A^2` in (C.24)):
    with :math:`M_0 = U s V^\top`, :math:`\hat G^{\dagger p} = d^p U s^{-2p} U^\top`."""
    M0 = np.asarray(M0, dtype=float)
    d = M0.shape[0]
    wts = _vec("weights", weights, d)
    if extra is not None:
        wts = wts * _vec("extra", extra, d)
    U, s, _ = _thin_svd(M0)
    diag = np.einsum("ij,ij,i->j", U, U, wts)  # (Uᵀ D U)_jj
    return float(d ** (power - 1) * np.sum(diag / s ** (2 * power)))


def theorem_b1_terms_finite(Omega: ArrayLike, setting: BlockDiagonalSetting) -> dict[str, float]:
    r"""The finite-d definitions of the terms of Theorem B.1 (they depend on Ω only):

    * ``bias`` :math:`= (1/d)\|I + V_S\Sigma\|_F^2`;
    * ``T_var`` :math:`= (1/d)\operatorname{tr}(V_S D_s V_S^\top)`, :math:`D_s =
      (\operatorname{tr}A/d)\,A` (n/d times the covariance of a column of
      :math:`E = \Phi - M_0` given :math:`w^*`, up to its rank-one part
      :math:`Aw^*w^{*\top}A/n`);
    * ``T_var_Sigma`` :math:`= (1/d)\operatorname{tr}(V_S\Sigma V_S^\top)`;
    * ``T_inv_C20`` :math:`= (1/d)\operatorname{tr}(\Sigma^2\hat G^\dagger)` (C.20),
      ``T_inv_C24`` :math:`= (1/d)\operatorname{tr}(\Sigma^2A^2(\hat G^\dagger)^2)` (C.24),
      ``T_inv_Sigma`` :math:`= (1/d)\operatorname{tr}(\Sigma\hat G^\dagger)`, with
      :math:`\hat G = M_0M_0^\top/d`.
    """
    st = setting
    Omega = np.asarray(Omega, dtype=float)
    a, sig = st.a, st.sigma
    d = st.d
    M0 = a[:, None] * Omega
    VS = theorem_4_1_minimiser(Omega, M0, st.gamma0, st.eta)
    M = VS * sig
    M[np.diag_indices(d)] += 1.0
    col = np.einsum("ij,ij->j", VS, VS)
    ds = a.sum() / d * a
    return {
        "bias": float(np.einsum("ij,ij->", M, M)) / d,
        "T_var": float(col @ ds) / d,
        "T_var_Sigma": float(col @ sig) / d,
        "T_inv_C20": pseudo_inverse_traces(M0, sig**2),
        "T_inv_C24": pseudo_inverse_traces(M0, sig**2, power=2, extra=a**2),
        "T_inv_Sigma": pseudo_inverse_traces(M0, sig),
    }


def sft_error_sweep(
    setting: BlockDiagonalSetting,
    Bs: ArrayLike,
    replicates: int,
    rng: np.random.Generator,
    *,
    first_order: bool = False,
) -> np.ndarray:
    r"""Exact post-test errors over a sweep of B: array (replicates, len(Bs)) of
    :math:`\mathrm{Err}(\tilde V^*)` (or, with ``first_order``, a second array of
    :math:`\mathrm{Err}(V_S + V_N)`, stacked on a leading axis of size 2).

    Each replicate draws one set of ``max(Bs)`` prompts (exact law of Φ) and uses its first B
    columns for every B (common random numbers: the curve in B is one data set growing, as
    when more SFT prompts are collected, and differences between B are measured precisely).

    Paper: the post-test error (5.1) of Ṽ* from (4.1) over B, the curves of Figs. 1, 2 and 5.
    """
    st = setting
    Bs = [check_int("B", int(b), min_value=1) for b in np.asarray(Bs).ravel()]
    replicates = check_int("replicates", replicates, min_value=1)
    check_rng(rng)
    out = np.empty((2 if first_order else 1, replicates, len(Bs)))
    g0, a, sig = st.gamma0, st.a, st.sigma
    for i in range(replicates):
        Om, Ph = sample_sft_statistics(a, st.n, max(Bs), rng)
        for j, B in enumerate(Bs):
            V = theorem_4_1_minimiser(Om[:, :B], Ph[:, :B], g0, st.eta)
            out[0, i, j] = post_test_error_diag(V, sig, st.n)
            if first_order:
                VS, VN = first_order_weights(Om[:, :B], Ph[:, :B], a, g0, st.eta)
                out[1, i, j] = post_test_error_diag(VS + VN, sig, st.n)
    return out if first_order else out[0]
