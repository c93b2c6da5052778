"""Small helpers for building evidence records, shared by checks of several sections: a
z-tested statistical record, the scope of a record on a claim's declared sub-domain, a
Student-t interval for a fit's detail line, and an expression shortened for a detail line."""

from __future__ import annotations

from typing import Any

from theory._verdict import Evidence, z_test

__all__ = ["scope_if", "short_text", "t_interval", "z_evidence"]


def z_evidence(
    kind: str,
    label: str,
    *,
    claimed: Any,
    measured: Any,
    stderr: Any,
    dof: int | None = None,
    **fields: Any,
) -> Evidence:
    r"""A pending statistical record of the two-sided test H0: E[measured] = claimed: the
    z-score :math:`z_i = (m_i - c_i)/s_i` of largest magnitude and its p-value (normal, or
    Student t with ``dof`` degrees of freedom; Bonferroni over the entries of a vector), as
    ``theory._verdict.z_test`` computes them. ``fields`` are the record's other fields (params,
    seed, n_samples, detail, scope, ...); the decision is left to Holm over the whole run."""
    z, p = z_test(measured, claimed, stderr, dof=dof)
    return Evidence(
        kind=kind,
        label=label,
        claimed=claimed,
        measured=measured,
        stderr=stderr,
        z=z,
        p_value=p,
        **fields,
    )


def scope_if(claim: Any, name: str, inside: bool) -> str:
    """``name`` when the evidence lies on the claim's declared sub-domain ``name`` (see
    ``Claim.conditions``), else "" (general evidence; a wrong variant declares no conditions)."""
    return name if inside and name in claim.conditions else ""


def t_interval(est: float, se: float, dof: int, level: float = 0.95) -> tuple[float, float]:
    r"""Two-sided ``level`` confidence interval :math:`\hat\theta \pm t_{\nu, (1+level)/2}\,
    \widehat{\mathrm{se}}` (Student t quantile by bisection on its tail, ν = ``dof``); reported
    in the detail of a rate fit (the decision itself is the fit's t-test, under Holm)."""
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
