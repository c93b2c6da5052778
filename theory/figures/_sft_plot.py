"""Shared drawing helper of the SFT figures (Figs. 1, 2, 5): log-mean points with bootstrap-free
error bars (± one standard error of the mean of log Err over replicates, shown multiplicatively)."""

from __future__ import annotations

import numpy as np

__all__ = ["BESIDE_ERR_NOTE", "OVERLAY_NOTE", "draw_simulated", "gap_summary", "log_mean_se"]


def log_mean_se(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geometric mean over replicates (axis 0) and the band exp(mean log ± se of mean log)."""
    logs = np.log(arr)
    m = logs.mean(0)
    se = logs.std(0, ddof=1) / np.sqrt(arr.shape[0]) if arr.shape[0] > 1 else np.zeros_like(m)
    return np.exp(m), np.exp(m - se), np.exp(m + se)


def draw_simulated(ax, x: np.ndarray, samples: np.ndarray, color: str, label: str):
    """Draw the geometric means of ``samples`` (replicates on axis 0) at ``x`` with their
    ± one-standard-error band of the mean of log Err (:func:`log_mean_se`) as error bars, and
    return the three arrays (geometric mean, lower, upper) for the figure's CSV."""
    mean, lo, hi = log_mean_se(samples)
    ax.errorbar(x, mean, yerr=[mean - lo, hi - mean], fmt="o", ms=3.5, color=color, label=label)
    return mean, lo, hi


#: what the Theorem B.1 overlay models and where it is expected to match (every SFT caption)
OVERLAY_NOTE = (
    "The Theorem B.1 curve models lim_(d→∞) Err(V_S + V_N), the error of the first-order "
    "expansion of Ṽ* in the noise Φ − M0 (not Err(Ṽ*) itself): it is expected to match a "
    "simulated Err(V_S + V_N) at large d away from B = d (where it diverges), and Err(Ṽ*) only "
    "as n → ∞ (d/n → 0). "
)


#: the caption's last sentence where only Err(Ṽ*) is simulated (Figs. 1 and 2)
BESIDE_ERR_NOTE = (
    "No Err(V_S + V_N) is simulated here: the lines are drawn beside Err(Ṽ*), which they "
    "approach only as n grows (Fig. 5 and its caption report the gaps)."
)


def gap_summary(theory: np.ndarray, simulated: np.ndarray, b_over_d: np.ndarray) -> str:
    """``F/Err − 1`` of a theory curve against simulated geometric means, over the grid points
    with |B/d − 1| ≥ 0.1 where the curve is defined: "from a to b (median c)"."""
    keep = (np.abs(np.asarray(b_over_d) - 1) >= 0.1) & np.isfinite(theory)
    if not keep.any():
        return "undefined"
    g = np.asarray(theory)[keep] / np.asarray(simulated)[keep] - 1
    return f"{g.min():+.0%} to {g.max():+.0%} (median {np.median(g):+.0%})"
