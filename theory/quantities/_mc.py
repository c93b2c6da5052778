"""Monte Carlo budgets per tier, shared by the quantities."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import numerics
from theory.quantities._base import SimulationResult

__all__ = ["monte_carlo"]

#: (target relative standard error, maximum samples) per tier.
BUDGET = {"quick": (2e-3, 300_000), "full": (2.5e-4, 20_000_000)}


def monte_carlo(
    sample_fn: Callable[[np.random.Generator, int], np.ndarray],
    rng: np.random.Generator,
    tier: str,
    *,
    controls: Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]] | None = None,
    control_means: np.ndarray | None = None,
    scale: float | None = None,
) -> SimulationResult:
    """Estimate ``E[sample]`` to the tier's relative precision.

    With ``controls`` (a sample function returning ``(values, controls)``) and their exactly
    known ``control_means``, a control-variate estimator is used (coefficient fitted on an
    independent pilot, so the estimate stays unbiased); the sample count is sized from a pilot.
    With ``scale`` (for statistics whose mean may be 0), the target standard error is
    ``rel_se · scale`` instead of ``rel_se · |mean|``.
    """
    rel_se, cap = BUDGET[tier]
    if scale is not None:
        pilot = numerics.mc_estimate(sample_fn, 2000, rng)
        var = float(np.max(np.asarray(pilot.stderr) ** 2)) * pilot.n_samples
        N = int(min(max(np.ceil(var / (rel_se * scale) ** 2), 2000), cap))
        est = numerics.mc_estimate(sample_fn, N, rng)
        return SimulationResult(est.mean, est.stderr, est.n_samples)
    if controls is None:
        est = numerics.mc_estimate_to_precision(
            sample_fn, rng, rel_se=rel_se, min_samples=2000, max_samples=cap, pilot=2000
        )
        return SimulationResult(est.mean, est.stderr, est.n_samples)
    pilot = numerics.mc_estimate_cv(controls, control_means, 4000, rng, pilot=1000)
    scale = float(np.max(np.abs(pilot.mean)))
    need = float(np.max(np.asarray(pilot.stderr) ** 2)) * pilot.n_samples / (rel_se * scale) ** 2
    N = int(min(max(np.ceil(need), 2000), cap))
    est = numerics.mc_estimate_cv(controls, control_means, N, rng, pilot=2000)
    vr = float(np.min(np.atleast_1d(est.variance_reduction)))
    return SimulationResult(
        est.mean,
        est.stderr,
        est.n_samples,
        detail=f"control variate tr(AS) with known mean tr(AΣ); variance reduced {vr:.1f}×",
    )
