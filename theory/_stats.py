r"""Small statistical building blocks shared by the checks: tail probabilities of the normal and
Student t laws, and ordinary least squares with classical standard errors."""

from __future__ import annotations

import math

import mpmath
import numpy as np
from numpy.typing import ArrayLike

__all__ = ["ols", "upper_tail_p"]


def upper_tail_p(z: float, dof: int | None = None) -> float:
    r"""One-sided p-value :math:`P(Z > z)`: the standard normal,
    :math:`\tfrac12\operatorname{erfc}(z/\sqrt2)`, or with ``dof`` Student's t,
    :math:`P(T > t) = \tfrac12 I_{\nu/(\nu+t^2)}(\nu/2, 1/2)` for :math:`t \ge 0` (and
    :math:`1 - P(T > |t|)` below zero)."""
    if dof is None:
        return 0.5 * math.erfc(z / math.sqrt(2))
    x = dof / (dof + z * z)
    tail = 0.5 * float(mpmath.betainc(dof / 2, 0.5, 0, x, regularized=True))
    return tail if z > 0 else 1 - tail


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
