r"""§7: the spectral radius that decides where the OS cliff starts, for a prior of growing
condition number: :math:`\rho(\Gamma_0^{-1}\Delta)` for
:math:`\Sigma_0 = \mathrm{diag}(\epsilon, 1, 1, 1)`, :math:`\Delta = \delta e_1 e_1^\top`, with
:math:`\Gamma_0 = (1 + 1/n)\Sigma_0 + (\operatorname{tr}\Sigma_0/n) I` of (3.6)–(3.7)."""

from __future__ import annotations

import sympy as sp

__all__ = ["balance_spectral_radius", "balance_spectral_radius_ends"]


def balance_spectral_radius() -> sp.Expr:
    r""":math:`\rho(\Gamma_0^{-1}\Delta) = (\Gamma_0^{-1})_{11}\,\delta` in the symbols ε, δ, n
    (positive), Γ0 of (3.6)–(3.7) built from Σ0 = diag(ε, 1, 1, 1), Δ = δ e1e1ᵀ (§7)."""
    eps, delta, n = sp.symbols("epsilon delta n", positive=True)
    Sig0 = sp.diag(eps, 1, 1, 1)
    G = (1 + 1 / n) * Sig0 + Sig0.trace() / n * sp.eye(4)
    return sp.simplify((G.inv() * sp.diag(delta, 0, 0, 0))[0, 0])


def balance_spectral_radius_ends() -> tuple[sp.Expr, sp.Expr]:
    r"""``(singular, well)``: :math:`\lim_{\epsilon\to0}\rho(\Gamma_0^{-1}\Delta) = \delta /
    ((d-1)/n)` (the singular prior, d = 4) and :math:`\rho(\Gamma_0^{-1}\Delta)` at
    :math:`\epsilon = 1` (the well-conditioned prior), from :func:`balance_spectral_radius`
    (Γ0 of (3.7); §7)."""
    eps = sp.Symbol("epsilon", positive=True)
    rho = balance_spectral_radius()
    return sp.limit(rho, eps, 0), rho.subs(eps, 1)
