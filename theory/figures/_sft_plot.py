"""Shared drawing helper of the SFT figures (Figs. 1, 2, 5): log-mean points with bootstrap-free
error bars (± one standard error of the mean of log Err over replicates, shown multiplicatively)."""

from __future__ import annotations

import numpy as np

__all__ = ["log_mean_se"]


def log_mean_se(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Geometric mean over replicates (axis 0) and the band exp(mean log ± se of mean log)."""
    logs = np.log(arr)
    m = logs.mean(0)
    se = logs.std(0, ddof=1) / np.sqrt(arr.shape[0]) if arr.shape[0] > 1 else np.zeros_like(m)
    return np.exp(m), np.exp(m - se), np.exp(m + se)
