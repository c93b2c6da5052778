r"""The printed closed forms of Appendices B–C, typed once, in the scalars of
:data:`derivations._asymptotics.ASYM` (β, μ1, ρ, r, η, γ, q, w_k, T12, z, v); their derived
counterparts are :mod:`derivations._asymptotics`'s (e.g. :func:`derivations.theorem_b1_branches`).
The regime: B/d → β, m/d → μ1, d/n → γ; :math:`a_1 = \eta(\rho+1)`, :math:`a_2 = r`."""

from __future__ import annotations

import sympy as sp

from derivations import ASYM as X
from theory.claims.proportional_asymptotics._limits import AsymptoticFormula

beta, mu1, rho, r, eta, gamma = X.beta, X.mu1, X.rho, X.r, X.eta, X.gamma


q, w1, w2, T12, z, v = X.q, X.w1, X.w2, X.T12, X.z, X.v


mu = (mu1, 1 - mu1)


a = (eta * (rho + 1), r)


W = (w1, w2)


# ------------------------------------------------------------------ Lemma C.1 (printed)
EQUATION = sum(mu[k] * a[k] ** 2 * q / (1 + a[k] ** 2 * q) for k in range(2)) - beta


W_OF_Q = tuple(a[k] ** 2 * q / (1 + a[k] ** 2 * q) for k in range(2))


# ------------------------------------------------------------------ Lemma C.2 (printed)
_vk = tuple(W[k] * (1 - W[k]) for k in range(2))


T12_PRINTED = mu[0] * mu[1] * _vk[0] * _vk[1] / (mu[0] * _vk[0] + mu[1] * _vk[1])


AUX = {w1: W_OF_Q[0], w2: W_OF_Q[1], T12: T12_PRINTED}


# ------------------------------------------------------------------ Theorem B.1 (printed)
kappa = gamma * (mu1 * rho + mu[1])


alpha = ((kappa - 1) / (rho + kappa), kappa / (kappa + 1))


dtil = ((1 - kappa) / ((rho + kappa) * (rho + 1)), 1 / (1 + kappa) - eta / r)


Sig = (rho + 1, sp.Integer(1))


delta = tuple(dtil[k] * Sig[k] for k in range(2))


g = (-1 / (rho + kappa), -1 / (1 + kappa))


s = tuple((mu[0] * a[0] + mu[1] * a[1]) * a[k] for k in range(2))


Sigma_bar = mu[0] * (rho + 1) + mu[1]


def _bias(t12=T12, ws=W):
    return sum(
        mu[k] * (alpha[k] ** 2 * (1 - ws[k]) + (alpha[k] + delta[k]) ** 2 * ws[k]) for k in range(2)
    ) + t12 * (dtil[1] ** 2 - dtil[0] ** 2) * (Sig[0] ** 2 - Sig[1] ** 2)


def _tvar(weights, t12=T12, ws=W):
    return sum(
        mu[k] * weights[k] * (g[k] ** 2 * (1 - ws[k]) + (g[k] + dtil[k]) ** 2 * ws[k])
        for k in range(2)
    ) - t12 * (dtil[0] - dtil[1]) * (dtil[0] * weights[0] - dtil[1] * weights[1])


def _tinv(D, ws=W, wpow=2):
    below = (
        q
        * sum(mu[k] * D[k] / a[k] ** 2 * ws[k] ** wpow for k in range(2))
        / sum(mu[k] / a[k] ** 2 * ws[k] ** wpow for k in range(2))
    )
    above = sum(mu[k] * D[k] / a[k] ** 2 for k in range(2)) / (beta - 1)
    return below, above


_ONE = {w1: 1, w2: 1, T12: 0}


BIAS = _bias()


T_VAR = _tvar(s)


T_VAR_SIGMA = _tvar(Sig)


T_INV = _tinv(tuple(x**2 for x in Sig))


T_INV_SIGMA = _tinv(Sig)


def _F(bias, tv, tvs, ti, tis):
    return bias + gamma * ti * tv + gamma * Sigma_bar * tvs + gamma**2 * Sigma_bar * tis * tv


F_BELOW = _F(BIAS, T_VAR, T_VAR_SIGMA, T_INV[0], T_INV_SIGMA[0])


F_ABOVE = _F(*(e.subs(_ONE) for e in (BIAS, T_VAR, T_VAR_SIGMA)), T_INV[1], T_INV_SIGMA[1])


def _formula(terms, equation=EQUATION, aux=AUX):
    return AsymptoticFormula(terms=terms, equation=equation, aux=aux)


def _latex_terms(terms):
    return lambda: sp.Matrix([t.below for t in terms.values()])


_TINV_WRONG = _tinv(tuple(x**2 for x in Sig), wpow=1)


_TINV_WRONG = (_TINV_WRONG[0], _TINV_WRONG[1] * (beta - 1) / beta)
