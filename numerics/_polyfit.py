r"""Least-squares fits: weighted polynomial fits of Monte Carlo estimates with known standard
errors, the minimiser of a fitted curve with its delta-method standard error, ordinary least
squares with classical standard errors, and the slope of a log-log line (a power-law rate).

The estimates :math:`y_j \pm s_j` at abscissae :math:`x_j` are independent (each from its own
random stream), so the weighted least-squares fit
:math:`\hat\beta = (X^\top W X)^{-1} X^\top W y`, :math:`W = \operatorname{diag}(s_j^{-2})`,
has the exact covariance :math:`(X^\top W X)^{-1}`; :math:`\chi^2 = \sum_j (y_j -
x_j^\top\hat\beta)^2 / s_j^2` on :math:`J - p` degrees of freedom measures whether the
polynomial describes the data at their own precision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["PolyFit", "fitted_minimiser", "loglog_slope", "ols", "polyfit_wls"]


@dataclass(frozen=True)
class PolyFit:
    """``y ≈ Σ_k coef[k] u^k`` with ``u = (x − center) / width``; ``cov`` of ``coef``."""

    coef: np.ndarray
    cov: np.ndarray
    chi2: float
    dof: int
    center: float = 0.0
    width: float = 1.0

    def __call__(self, x: ArrayLike) -> np.ndarray:
        u = (np.asarray(x, float) - self.center) / self.width
        return np.polynomial.polynomial.polyval(u, self.coef)


def polyfit_wls(
    x: ArrayLike,
    y: ArrayLike,
    se: ArrayLike,
    degree: int,
    *,
    center: float = 0.0,
    width: float = 1.0,
) -> PolyFit:
    r"""Weighted least-squares polynomial of ``degree``: the coefficients β minimising
    :math:`\sum_i \big((y_i - \sum_k \beta_k u_i^k)/\mathrm{se}_i\big)^2`,
    :math:`u = (x - \text{center})/\text{width}`, with covariance
    :math:`(X^\top W X)^{-1}`, :math:`W = \operatorname{diag}(\mathrm{se}^{-2})` (module
    docstring); standard errors must be positive (a zero one is floored at ``1e-300``)."""
    x, y, se = (np.asarray(a, float).ravel() for a in (x, y, se))
    if not (len(x) == len(y) == len(se)) or len(x) < degree + 1:
        raise ValueError(f"need at least {degree + 1} points of equal length, got {len(x)}")
    u = (x - center) / width
    X = np.vander(u, degree + 1, increasing=True)
    w = 1.0 / np.maximum(se, 1e-300) ** 2
    XtW = X.T * w
    cov = np.linalg.inv(XtW @ X)
    coef = cov @ (XtW @ y)
    resid = y - X @ coef
    return PolyFit(coef, cov, float(np.sum(w * resid**2)), len(x) - degree - 1, center, width)


def fitted_minimiser(fit: PolyFit, lo: float, hi: float) -> tuple[float, float, bool]:
    r"""``(x̂, se(x̂), interior)``: the minimiser of the fitted polynomial on ``[lo, hi]``.

    At an interior minimum :math:`p'(\hat u) = 0`, so by the implicit function theorem
    :math:`\partial\hat u/\partial\beta_k = -k\hat u^{k-1}/p''(\hat u)` and
    :math:`\operatorname{se}(\hat x) = w\sqrt{g^\top \Sigma_\beta\, g}` (delta method). At an
    end of the interval the minimiser is not a stationary point: ``interior`` is false and the
    standard error is ``nan``."""
    P = np.polynomial.Polynomial(fit.coef)
    ulo, uhi = (lo - fit.center) / fit.width, (hi - fit.center) / fit.width
    crit = [r.real for r in P.deriv().roots() if abs(r.imag) < 1e-12 and ulo < r.real < uhi]
    cands = [*crit, ulo, uhi]
    u = min(cands, key=lambda t: float(P(t)))
    x = fit.center + fit.width * u
    second = float(P.deriv(2)(u))
    if u in (ulo, uhi) or second <= 0:
        return float(x), float("nan"), False
    k = np.arange(len(fit.coef))
    g = np.where(k > 0, -k * u ** np.maximum(k - 1, 0) / second, 0.0)
    se = fit.width * float(np.sqrt(g @ fit.cov @ g))
    return float(x), se, True


def ols(X: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray, int]:
    r"""``(coefficients, standard errors, residual degrees of freedom)`` of the least-squares
    fit :math:`y \approx X\beta`: :math:`\hat\beta = X^+ y`, :math:`\nu = N - p`,
    :math:`\widehat{\mathrm{se}}_j = \sqrt{\hat\sigma^2 [(X^\top X)^{+}]_{jj}}` with
    :math:`\hat\sigma^2 = \lVert y - X\hat\beta\rVert^2/\nu`."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    dof = len(y) - X.shape[1]
    se = np.sqrt(np.diag(float(resid @ resid) / dof * np.linalg.pinv(X.T @ X)))
    return coef, se, dof


def loglog_slope(x: ArrayLike, y: ArrayLike) -> float:
    r"""The rate :math:`b` of a power law :math:`y \approx C x^{b}`: the slope of the
    least-squares line :math:`\log y = \log C + b \log x` (``np.polyfit`` of degree 1);
    ``x`` and ``y`` must be positive."""
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])
