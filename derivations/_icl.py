r"""Risks of in-context linear regression with the LSA: ``k`` steps, label noise, a query token.

Prompts: :math:`x_j \sim N(0, \Sigma)` (``j = 1..n``), :math:`w^* \sim N(0, I)`, labels
:math:`y_j = \langle w^*, x_j\rangle + \sigma\varepsilon_j` with :math:`\varepsilon_j \sim N(0,1)`;
a query :math:`x_q \sim N(0, \Sigma)` independent of the prompt. The LSA with the sparse weights
(3.8), :math:`\tilde W = I`, run for ``k`` CoT steps from :math:`\hat w_0 = 0`, gives
:math:`\hat w_k`. Two risks: the weight error :math:`E\|\hat w_k - w^*\|^2` and the query
risk :math:`E(x_q^\top(\hat w_k - w^*))^2 = E\|\hat w_k - w^*\|_\Sigma^2`.

Two independent derivations:

* **matrix level, every d** (:func:`icl_risk`): the forward pass's recursion (A.1) with the
  noisy data term :math:`b = \frac1n X y = S w^* + \sigma u`, :math:`u = \frac1n X\varepsilon`,
  gives :math:`\hat w_{i+1} = (I + \tilde V S)\hat w_i - \tilde V b`, so
  :math:`\hat w_k - w^* = P S w^* - w^* + \sigma P u` with
  :math:`P = -\sum_{j<k}(I + \tilde V S)^j \tilde V`. Given ``X``, :math:`u \sim N(0, S/n)`
  is independent of :math:`w^*`: the cross terms vanish and
  :math:`E\|\hat w_k - w^*\|_Q^2 = E\|(PS - I)w^*\|_Q^2 + \frac{\sigma^2}{n} E\operatorname{tr}
  (P^\top Q P S)`; both expectations by Wick on words (``x_q`` is a Gaussian letter of its own).
* **index level, explicit d** (:func:`icl_risk_explicit`): the explicit ``(2d+2)``-row Gram
  of the real embedding with noisy labels (blocks :math:`nS`, :math:`nSw^* + \sigma n u`,
  :math:`y^\top y`), the explicit last column at every step, then Isserlis over ``u`` (given
  ``S``), ``w*``, ``x_q`` and the Wishart moments of ``S``.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from derivations._isserlis import (
    expect_gaussian_vector,
    expect_wishart,
    generic_matrix,
    generic_vector,
)
from derivations._letters import LETTERS, d, n
from derivations._letters import letter_poly as _L
from derivations._lsa import explicit_gram, explicit_sparse_weights
from derivations._tracepoly import Letter, TracePoly
from derivations._wick import Gaussian, expect

__all__ = ["icl_risk", "icl_risk_explicit", "sigma"]

#: the label-noise level σ (labels y = ⟨w*, x⟩ + σ ε)
sigma = sp.Symbol("sigma", positive=True)

_XQ = Letter("xq", d, sp.Integer(1))


def _wishart() -> Gaussian:
    return Gaussian(LETTERS["S"], "outer", LETTERS["Sigma"], n)


@cache
def icl_risk(steps: int = 1, query: bool = False, noise: bool = False) -> TracePoly:
    """Matrix-level risk after ``steps`` LSA steps (see the module docstring).

    Paper: the recursion (A.1) iterated, ŵ_{i+1} = (I + Ṽ S) ŵ_i − Ṽ b; steps = 1 without noise is
    Prop 5.1, (5.1).
    """
    Id = TracePoly.identity(d)
    Vt, S, w = _L("Vt"), _L("S"), _L("w")
    step = Id + Vt @ S
    P = TracePoly.zero((d, d))
    power = Id
    for _ in range(steps):
        P = P - power @ Vt
        power = power @ step
    r = P @ S @ w - w
    gaussians = [_wishart(), Gaussian(LETTERS["w"], "vector")]
    if query:
        xq = TracePoly.letter(_XQ)
        quad = xq.T @ r @ r.T @ xq
        gaussians.append(Gaussian(_XQ, "vector", LETTERS["Sigma"]))
    else:
        quad = r.T @ r
    out = expect(quad, gaussians)
    if noise:
        Q = _L("Sigma") if query else Id
        out = out + expect((P.T @ Q @ P @ S).trace(), [_wishart()]).scale(sigma**2 / n)
    return out


def _gram(S, w, u, e2, iterates, dd, noise):
    r"""Explicit G = Z Zᵀ of the noisy embedding from its sufficient statistics: the noiseless
    :func:`derivations._lsa.explicit_gram` plus, with label noise :math:`y = X^\top w + \sigma
    \varepsilon` (:math:`u = X\varepsilon / n`, ``e2`` = :math:`\|\varepsilon\|^2`), the terms
    :math:`\sigma n u` in :math:`Xy` and :math:`2\sigma n w^\top u + \sigma^2 e_2` in
    :math:`y^\top y`."""
    G = explicit_gram(S, w, n, iterates)
    if noise:
        G[0:dd, dd] = G[0:dd, dd] + sigma * n * u
        G[dd, 0:dd] = G[0:dd, dd].T
        G[dd, dd] = G[dd, dd] + 2 * sigma * n * (w.T * u)[0, 0] + sigma**2 * e2
    return G


@cache
def icl_risk_explicit(
    dd: int, steps: int = 1, query: bool = False, noise: bool = False
) -> tuple[sp.Expr, dict[str, sp.Matrix]]:
    """Index-level risk at dimension ``dd`` through the explicit forward pass.

    Paper: the recursion (A.1) iterated; steps = 1 without noise is Prop 5.1, (5.1).
    """
    S = generic_matrix("S", dd, symmetric=True)
    Sig = generic_matrix("Sigma", dd, symmetric=True)
    Vt = generic_matrix("Vt", dd)
    w = generic_vector("w", dd)
    u = generic_vector("u", dd)  # X ε / n
    e2 = sp.Symbol("e2")  # εᵀε
    V, W = explicit_sparse_weights(Vt, sp.eye(dd))
    iterates = [sp.zeros(dd, 1)]
    for _ in range(steps):
        G = _gram(S, w, u, e2, iterates, dd, noise)
        z = sp.Matrix.vstack(sp.zeros(dd + 1, 1), iterates[-1], sp.ones(1, 1))
        out = z + V * G * W * z / n
        iterates.append(sp.expand(out[dd + 1 : 2 * dd + 1, 0]))
    r = iterates[-1] - w
    if query:
        xq = generic_vector("xq", dd)
        err = sp.expand(((xq.T * r)[0, 0]) ** 2)
        err = expect_gaussian_vector(err, xq, Sig)
    else:
        err = sp.expand((r.T * r)[0, 0])
    if err.has(e2):
        raise NotImplementedError("the prediction depends on εᵀε: not a Gaussian moment of u")
    if noise:
        err = expect_gaussian_vector(err, u, S / n)
    err = expect_gaussian_vector(err, w)
    return expect_wishart(sp.expand(err), S, Sig, n), {"Vt": Vt, "Sigma": Sig}
