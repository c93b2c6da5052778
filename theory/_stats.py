r"""Small statistical building blocks shared by the checks: tail probabilities of the normal and
Student t laws (least squares: :func:`numerics.ols`)."""

from __future__ import annotations

import math

import mpmath

__all__ = ["upper_tail_p"]


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
