"""Small helpers for building evidence records, shared by checks of several sections: the
scope of a record on a claim's declared sub-domain, a Student-t interval for a fit's detail
line, and an expression shortened for a detail line."""

from __future__ import annotations

from typing import Any

__all__ = ["scope_if", "short_text", "t_interval"]


def scope_if(claim: Any, name: str, inside: bool) -> str:
    """``name`` when the evidence lies on the claim's declared sub-domain ``name`` (see
    ``Claim.conditions``), else "" (general evidence; a wrong variant declares no conditions)."""
    return name if inside and name in claim.conditions else ""


def t_interval(est: float, se: float, dof: int, level: float = 0.95) -> tuple[float, float]:
    r"""Two-sided ``level`` confidence interval :math:`\hat	heta \pm t_{
    u, (1+level)/2}\,
        \widehat{\mathrm{se}}` (Student t quantile by bisection on its tail); reported in the
        detail of a rate fit (the decision itself is the fit's t-test, under Holm)."""
    from theory._stats import upper_tail_p

    target = (1 - level) / 2
    lo, hi = 0.0, 1e3
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if upper_tail_p(mid, dof) > target else (lo, mid)
    return est - hi * se, est + hi * se


def short_text(e: object, limit: int = 240) -> str:
    """``str(e)``, cut to ``limit`` characters (an ellipsis marks the cut) for a detail line."""
    s = str(e)
    return s if len(s) <= limit else s[: limit - 1] + "…"
