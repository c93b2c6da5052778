"""One claim at one parameter point: a decision for property tests (e.g. with hypothesis).

>>> import sympy as sp
>>> from theory import Claim, decide_at, quantities
>>> from theory.symbols import Sigma, d, n
>>> c = Claim.identity("isotropic_guess", quantity=quantities.query_risk,
...                    at={"Vt": -sp.Identity(d)}, formula=sp.Trace(Sigma))
>>> decide_at(c, d=2, n=5, matrices={"Sigma": [[1, 0], [0, 2]]}).holds
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from theory._bindings import bind_point
from theory._evaluate import evaluate
from theory._validation import InvalidArgument, check_int, check_probability
from theory._verdict import DEFAULT_ALPHA, z_test

if TYPE_CHECKING:
    from theory._claim import Claim

__all__ = ["PointDecision", "decide_at"]


@dataclass(frozen=True)
class PointDecision:
    """The claim at one point: printed and derived values (float64), their largest gap
    relative to ``max(1, |derived|)``, and the simulation's z-test when one was run.

    ``holds`` is true when the printed formula equals the derivation to ``rtol`` and, if
    simulated, the simulation does not reject it at level ``alpha``."""

    holds: bool
    printed: Any
    derived: Any
    relative_gap: float
    simulated: Any = None
    stderr: Any = None
    z: float | None = None
    p_value: float | None = None
    params: Mapping[str, Any] | None = None


def decide_at(
    claim: Claim,
    *,
    d: int,
    n: int,
    matrices: Mapping[str, Any] | None = None,
    scalars: Mapping[str, float] | None = None,
    seed: int = 0,
    simulate: bool = False,
    alpha: float = DEFAULT_ALPHA,
    rtol: float = 1e-8,
) -> PointDecision:
    """Decide ``claim`` at one point: dimension ``d``, prompt length ``n``, the given letters
    (the others drawn from ``seed``) and scalars (declared ones not given are drawn in their
    domains). The printed formula is compared with the quantity's matrix-level derivation
    evaluated at the point; with ``simulate``, also z-tested against a simulation of the real
    model (one test at level ``alpha``: a property test of many points must share the level
    itself)."""
    q = claim.quantity
    if q is None:
        raise InvalidArgument(f"claim {claim.id} has no quantity: decide_at needs one")
    if hasattr(claim.formula, "with_value"):  # an inequality, a limit or an arg-min
        raise InvalidArgument(
            f"claim {claim.id} is not an identity: decide_at judges identities only"
        )
    d = check_int("d", d)
    n = check_int("n", n)
    alpha = check_probability("alpha", alpha)
    if claim.dims and d not in claim.dims:
        raise InvalidArgument(f"d={d} is invalid for {claim.id}: it is stated at d = {claim.dims}")
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    pt = q.make_point(
        d, n, {k: np.asarray(v, dtype=float) for k, v in (matrices or {}).items()}, rng
    )
    allowed = {str(s) for s in claim.scalars} | set(q.scalars)
    for name in scalars or {}:
        if name not in allowed:
            raise InvalidArgument(f"scalar {name!r} is invalid: {claim.id} declares no {name}")
    pt = bind_point(pt, claim, rng, fixed=scalars)
    values = pt.scalar_values()
    printed = np.asarray(evaluate(claim.formula, pt.matrices, values), dtype=float)
    derived = np.asarray(
        evaluate(q.derive().simplified().to_sympy(), pt.matrices, values), dtype=float
    )
    gap = float(np.max(np.abs(printed - derived)) / max(1.0, float(np.max(np.abs(derived)))))
    holds = gap <= rtol
    sim = z = p = None
    if simulate:
        from theory._context import RunContext
        from theory.quantities import Point

        ctx = RunContext(seed=seed)
        pt = Point(
            pt.label,
            pt.d,
            pt.n,
            pt.matrices,
            {k: v for k, v in values.items() if k not in ("d", "n")},
        )
        sim = q.simulate(pt, np.random.default_rng([seed, 1]), ctx)
        z, p = z_test(sim.mean, printed, sim.stderr)
        holds = holds and p >= alpha
    return PointDecision(
        holds=holds,
        printed=printed,
        derived=derived,
        relative_gap=gap,
        simulated=None if sim is None else sim.mean,
        stderr=None if sim is None else sim.stderr,
        z=z,
        p_value=p,
        params=pt.to_json(),
    )
