r"""What the §6–§8 outcome-supervision claims share: the printed per-prompt loss forms (the
derived d = 1 displays are :mod:`derivations._os_d1`).

Formulas are per prompt (B = 1): the printed :math:`\frac1{2B}\sum_\tau` and
:math:`\frac1B\sum_\tau` are means over prompts of these, and the numeric checks average the
printed per-prompt value over real prompts.
"""

from __future__ import annotations

import sympy as sp

from theory.symbols import I, S, Vt, w


def _half_sq(P: sp.MatrixExpr) -> sp.Expr:
    r""":math:`\frac12\|P w^*\|^2`, written :math:`\frac12\operatorname{tr}(P w w^\top P^\top)`."""
    return sp.Trace(P * w * w.T * P.T) / 2


_M = I + Vt * S
