r"""Checks of the stability arguments of §6 (Insight 4) and §7 (the balance between the prior
and outcome supervision): the spectral radius of :math:`M = I + \tilde V_0 S` at the pretrained
point, the largest stable gradient-descent step of the real OS loss, and what a fixed budget of
steps achieves, for aligned and misaligned shifts and for priors Σ0 of growing condition number.

Setting (d = 4): pretraining covariance :math:`\Sigma_0 = \mathrm{diag}(\epsilon, 1, 1, 1)`,
shift :math:`\Delta = \delta e_1 e_1^\top`, post-training prompts :math:`x \sim N(0, \Sigma_0 +
\Delta)`, :math:`\tilde W = I`, start at the pretrained :math:`\tilde V_0 = -\Gamma_0^{-1}`.
A GD step γ is *stable* when 50 steps from :math:`\tilde V_0` keep every loss finite, never
above :math:`10^6 L_0`, and end at or below :math:`L_0` (:func:`numerics.largest_stable_step`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import numerics

D4 = 4


@dataclass(frozen=True)
class Setting:
    """One post-training problem of this module (arrays, d = 4)."""

    eps: float
    delta: float
    n: int
    Sigma0: np.ndarray
    Delta: np.ndarray
    Gamma0: np.ndarray
    Vt0: np.ndarray

    @property
    def Sigma(self) -> np.ndarray:
        return self.Sigma0 + self.Delta

    @property
    def rho_gamma_delta(self) -> float:
        r""":math:`\rho(\Gamma_0^{-1}\Delta)`."""
        return float(np.abs(np.linalg.eigvals(np.linalg.solve(self.Gamma0, self.Delta))).max())


def stability_setting(eps: float, delta: float, n: int) -> Setting:
    """Σ0 = diag(ε, 1, 1, 1), Δ = δ e1e1ᵀ, Γ0 = (1 + 1/n)Σ0 + (tr Σ0/n) I, Ṽ0 = −Γ0⁻¹."""
    Sigma0 = np.diag([eps, 1.0, 1.0, 1.0])
    Delta = np.diag([delta, 0.0, 0.0, 0.0])
    Gamma0 = (1 + 1 / n) * Sigma0 + np.trace(Sigma0) / n * np.eye(D4)
    return Setting(eps, delta, n, Sigma0, Delta, Gamma0, -np.linalg.inv(Gamma0))


def _os_lg(data, k: int):
    def lg(theta):
        loss, g, _ = numerics.os_recursion_loss_and_grad(data, theta.reshape(D4, D4), k=k)
        return loss, g.ravel()

    return lg
