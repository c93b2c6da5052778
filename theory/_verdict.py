r"""Statistics of a verdict: evidence records, z-tests, Holm's multiple-comparison control.

Every Monte Carlo comparison is a two-sided z-test of ``H0: E[estimate] = claimed`` with
:math:`z = (\hat\mu - \mu_{\text{claimed}}) / \widehat{\mathrm{se}}` and
:math:`p = \operatorname{erfc}(|z|/\sqrt2)`. For a vector of ``m`` entries the statistic is
:math:`\max_j |z_j|` with the Bonferroni p-value :math:`\min(1, m\, p_{\min})`. Over a whole
run, Holm's step-down procedure keeps the family-wise error rate at ``alpha`` (valid under any
dependence between the tests): a run of true claims raises a false refutation with probability
at most ``alpha``.

Verdicts (:func:`claim_verdict`), in the order they are decided:

* **cannot express** — a check reported that the library can neither derive nor simulate the
  claim's formula (:class:`CannotExpress`); never "refuted";
* **holds under** — a check of the claim's general statement fails, but the claim names
  conditions (sub-domains) and every check scoped to each of them passes: refuted in general,
  confirmed on the named sub-domain, both shown;
* **not reproduced** — an *experiment* claim (a figure or trend statement, whose set-up the
  paper leaves partly unprinted) fails under the claim's stated choices for what is unprinted;
* **refuted** — any other failing check (a symbolic disproof, a deterministic mismatch beyond
  round-off, a statistical rejection after Holm): a counter-example to what is printed, under
  the paper's own assumptions;
* **confirmed** — every check passes, none undecided;
* **inconclusive** — otherwise (evidence that does not decide at the declared level).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from theory._stats import upper_tail_p

__all__ = [
    "DEFAULT_ALPHA",
    "CannotExpress",
    "Evidence",
    "Outcome",
    "Verdict",
    "apply_holm",
    "claim_verdict",
    "critical_z",
    "holm",
    "z_test",
]

#: Family-wise error rate of a run (false refutation of a true claim, anywhere in the run).
DEFAULT_ALPHA = 1e-3


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    HOLDS_UNDER = "holds under"
    REFUTED = "refuted"
    NOT_REPRODUCED = "not reproduced"
    CANNOT_EXPRESS = "cannot express"
    INCONCLUSIVE = "inconclusive"


class CannotExpress(Exception):
    """Raised by a check when the derivation or the simulation cannot represent the claim's
    formula (the message says why). The claim's verdict is then ``cannot express``."""


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNDECIDED = "undecided"
    PENDING = "pending"  # statistical: decided by Holm over the whole run


STATISTICAL = ("monte_carlo", "rate")


@dataclass
class Evidence:
    """One piece of evidence for or against a claim (JSON-serialisable via :meth:`to_json`)."""

    kind: str  # "symbolic" | "numeric" | "monte_carlo" | "rate" | "error" | "cannot_express"
    label: str
    check: str = ""  # the name of the check that produced it (set by the runner)
    outcome: Outcome = Outcome.PENDING
    params: dict[str, Any] = field(default_factory=dict)
    claimed: Any = None
    measured: Any = None
    stderr: Any = None
    z: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    resolution: float | None = None  # smallest |discrepancy| detectable at the run's level
    seed: int | None = None
    n_samples: int | None = None
    detail: str = ""
    #: "" for the claim's general statement, else the name of one of the claim's conditions
    #: (a sub-domain on which the claim is tested separately; see ``Claim.conditions``)
    scope: str = ""
    #: what a rejection of this statistical record's null hypothesis means: "fail" (the null
    #: is the claim: rejecting it refutes) or "pass" (the null is the claim's negation, e.g.
    #: "no trend in the stated direction": rejecting it confirms; not rejecting it leaves the
    #: record undecided). Either way the decision is taken by Holm over the whole run.
    reject_means: str = "fail"
    #: "" for a two-sided test; "greater" for a one-sided one whose null is rejected for large
    #: ``z`` (e.g. "Q ≤ bound", z = (Q̂ − bound)/s.e.): a very negative z is then far from
    #: rejection, not an extreme result
    alternative: str = ""

    @property
    def statistical(self) -> bool:
        return self.kind in STATISTICAL

    def to_json(self) -> dict[str, Any]:
        out = {k: _jsonable(v) for k, v in asdict(self).items()}
        out["outcome"] = str(self.outcome)
        if self.reject_means == "fail":
            del out["reject_means"]
        return {k: v for k, v in out.items() if v is not None and v != "" and v != {}}


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return _jsonable(v.tolist())
    if isinstance(v, np.floating | float):
        f = float(v)
        return f if math.isfinite(f) else str(f)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def _two_sided_p(z: float, dof: int | None) -> float:
    if not math.isfinite(z):
        return 0.0
    return 2 * upper_tail_p(abs(z), dof)  # normal, or Student t with ``dof`` degrees of freedom


def z_test(measured, claimed, stderr, *, dof: int | None = None) -> tuple[float, float]:
    """``(z, p)``: the z-score (max-|z| for vectors) and the two-sided p-value (Bonferroni
    over the entries of a vector). With ``dof`` (a standard error estimated from ``dof + 1``
    replicates) the p-value is Student's t. A zero standard error with a nonzero gap gives
    ``z = ±inf``."""
    m, c, s = np.broadcast_arrays(
        *(np.asarray(x, dtype=float).ravel() for x in (measured, claimed, stderr))
    )
    if not (np.all(np.isfinite(m)) and np.all(np.isfinite(c))):
        return math.inf, 0.0
    gap = m - c
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, gap / s, np.where(gap == 0, 0.0, np.sign(gap) * np.inf))
    j = int(np.argmax(np.abs(z)))
    zmax = float(z[j])
    return zmax, min(1.0, _two_sided_p(zmax, dof) * z.size)


def critical_z(alpha: float, m: int = 1) -> float:
    r"""Two-sided critical value at level ``alpha / m`` (Bonferroni),
    :math:`\Phi^{-1}(1-\alpha/2m)`."""
    target = alpha / max(m, 1)
    lo, hi = 0.0, 40.0
    for _ in range(200):  # bisection on erfc(z/√2) = target
        mid = (lo + hi) / 2
        if math.erfc(mid / math.sqrt(2)) > target:
            lo = mid
        else:
            hi = mid
    return hi


def holm(p_values: Sequence[float], alpha: float) -> tuple[list[float], list[bool]]:
    r"""Holm's step-down adjusted p-values :math:`\tilde p_{(i)} = \max_{j \le i}
    \min(1, (m-j+1)\,p_{(j)})` and the rejections :math:`\tilde p < \alpha`."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted, [a < alpha for a in adjusted]


def apply_holm(evidence: Sequence[Evidence], alpha: float) -> None:
    """Decide every pending statistical evidence record of a run, in place."""
    pending = [e for e in evidence if e.statistical and e.outcome == Outcome.PENDING]
    if not pending:
        return
    adjusted, rejected = holm([e.p_value if e.p_value is not None else 1.0 for e in pending], alpha)
    zc = critical_z(alpha, len(pending))
    for e, a, r in zip(pending, adjusted, rejected, strict=True):
        e.p_adjusted = a
        if e.reject_means == "pass":
            e.outcome = Outcome.PASS if r else Outcome.UNDECIDED
        else:
            e.outcome = Outcome.FAIL if r else Outcome.PASS
        if e.stderr is not None:
            se = np.max(np.atleast_1d(np.asarray(e.stderr, dtype=float)))
            e.resolution = float(zc * se)


def claim_verdict(
    evidence: Sequence[Evidence],
    *,
    conditions: Sequence[str] = (),
    experiment: bool = False,
) -> Verdict:
    """The verdict rule of the module docstring. ``conditions`` are the names of the claim's
    sub-domains (evidence ``scope``); ``experiment`` marks a figure/trend claim whose failure
    under the stated choices is "not reproduced"."""
    outcomes = [e.outcome for e in evidence]
    if Outcome.PENDING in outcomes:
        raise RuntimeError("statistical evidence must be decided (apply_holm) before a verdict")
    if any(e.kind == "cannot_express" for e in evidence):
        return Verdict.CANNOT_EXPRESS
    unknown = {e.scope for e in evidence} - {"", *conditions}
    if unknown:
        raise RuntimeError(f"evidence scoped to undeclared conditions {sorted(unknown)}")
    general = [e.outcome for e in evidence if e.scope == ""]
    if Outcome.FAIL in general:
        scoped = {c: [e.outcome for e in evidence if e.scope == c] for c in conditions}
        if scoped and all(o and all(x == Outcome.PASS for x in o) for o in scoped.values()):
            return Verdict.HOLDS_UNDER
        if experiment:
            return Verdict.NOT_REPRODUCED
        return Verdict.REFUTED
    if Outcome.FAIL in outcomes:  # a failure on a named sub-domain: refuted there
        return Verdict.NOT_REPRODUCED if experiment else Verdict.REFUTED
    if outcomes and all(o == Outcome.PASS for o in outcomes):
        return Verdict.CONFIRMED
    return Verdict.INCONCLUSIVE
