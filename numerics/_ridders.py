"""Derivative of a scalar function of one variable by Ridders' extrapolation of central
differences (Ridders 1982; Press et al., *Numerical Recipes*, §5.7).

A fixed-step central difference ``(f(h) − f(−h)) / 2h`` has error ``h² f'''(0)/6 + O(ε f / h)``;
for the high-degree polynomials of a ``k``-step rollout ``f'''`` is large and no single ``h``
serves every ``k``. Ridders' method evaluates the difference at ``h, h/c, h/c², …`` and
extrapolates the sequence to ``h → 0`` with a Neville tableau, returning the estimate together
with its own error estimate (the smallest difference between neighbouring tableau entries).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

__all__ = ["ridders_derivative"]


def ridders_derivative(
    f: Callable[[float], float],
    h: float | Sequence[float] = (1e-2, 1e-3, 1e-4, 1e-5),
    *,
    ntab: int = 12,
    con: float = 1.4,
) -> tuple[float, float]:
    r"""``(f'(0), error estimate)``, the estimate with the smallest error estimate over the
    starting steps ``h`` (a start too large for a steep ``f`` shows itself in a large error
    estimate; one start is :func:`_ridders`)."""
    starts = [h] if isinstance(h, int | float) else list(h)
    if not starts:
        raise ValueError("h is empty: give at least one starting step")
    return min((_ridders(f, float(h0), ntab, con) for h0 in starts), key=lambda r: r[1])


def _ridders(f: Callable[[float], float], h: float, ntab: int, con: float) -> tuple[float, float]:
    r"""``(f'(0), error estimate)`` from one starting step: the Neville tableau
    :math:`a_{j,i} = (c^{2j} a_{j-1,i} - a_{j-1,i-1})/(c^{2j} - 1)` over central differences
    :math:`a_{0,i} = (f(h_i) - f(-h_i))/(2h_i)`, :math:`h_i = h/c^i`; stops when the tableau's
    diagonal grows by more than twice the best error so far (round-off takes over)."""
    if not (h > 0 and con > 1 and ntab >= 2):
        raise ValueError(f"h={h!r}, con={con!r}, ntab={ntab!r}: need h > 0, con > 1, ntab >= 2")
    c2 = con * con
    prev = [(f(h) - f(-h)) / (2 * h)]
    best, err = prev[0], math.inf
    for _ in range(1, ntab):
        h /= con
        row = [(f(h) - f(-h)) / (2 * h)]
        fac = c2
        for j in range(1, len(prev) + 1):
            row.append((row[j - 1] * fac - prev[j - 1]) / (fac - 1))
            fac *= c2
            errt = max(abs(row[j] - row[j - 1]), abs(row[j] - prev[j - 1]))
            if errt <= err:
                best, err = row[j], errt
        if abs(row[-1] - prev[-1]) >= 2 * err:
            break
        prev = row
    return best, err
