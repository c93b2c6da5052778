"""One-dimensional tools without derivatives: golden-section minimisation and bisection for a
root."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["bisect_root", "golden_section_min"]


def golden_section_min(
    f: Callable[[float], float], lo: float, hi: float, iters: int = 60
) -> tuple[float, float]:
    r"""Golden-section search of a unimodal ``f`` on ``[lo, hi]``: ``(x, f(x))`` at the better
    of the two interior points after ``iters`` steps, each shrinking the bracket by
    :math:`g = (\sqrt5 - 1)/2`: :math:`c = b - g(b - a)`, :math:`e = a + g(b - a)`, keep
    :math:`[a, e]` if :math:`f(c) \le f(e)` else :math:`[c, b]` (used for the one-parameter
    optimum searches of §5.1)."""
    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, e = b - g * (b - a), a + g * (b - a)
    fc, fe = f(c), f(e)
    for _ in range(iters):
        if fc <= fe:
            b, e, fe = e, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, e, fe
            e = a + g * (b - a)
            fe = f(e)
    return (c, fc) if fc <= fe else (e, fe)


def bisect_root(f: Callable[[Any], Any], lo: Any, hi: Any, *, iters: int = 120) -> Any:
    """A root of f in [lo, hi] by bisection (f(lo), f(hi) of opposite signs; mpmath numbers).
    Robust where Newton-type solvers stall (flat tails of the q and v equations)."""
    flo = f(lo)
    for _ in range(iters):
        mid = (lo + hi) / 2
        fm = f(mid)
        if fm == 0:
            return mid
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2
