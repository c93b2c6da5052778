r"""Gaussian and Wishart moments of the quantities the paper's lemmas are about.

Each quantity is derived twice, by independent engines: at matrix level for every ``d``
(:func:`derivations.expect`, Wick on words) and at index level for an explicit small ``d``
with generic symbolic matrices (:func:`derivations.expect_wishart`, Isserlis on entries).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from derivations._cache import disk_cache
from derivations._isserlis import (
    expect_gaussian_vector,
    expect_wishart,
    generic_matrix,
    generic_vector,
)
from derivations._letters import LETTERS, d, n
from derivations._letters import letter_poly as _L
from derivations._lsa import (
    explicit_gram,
    explicit_sparse_weights,
    one_step_prediction,
)
from derivations._tracepoly import TracePoly
from derivations._wick import Gaussian, expect

__all__ = [
    "frobenius_risk",
    "frobenius_risk_explicit",
    "one_step_test_error",
    "one_step_test_error_explicit",
    "sampler_sw_moments",
    "wishart_sandwich",
    "wishart_sandwich_explicit",
]


def _wishart(cov: str) -> Gaussian:
    return Gaussian(LETTERS["S"], "outer", LETTERS[cov], n)


@disk_cache
def wishart_sandwich() -> TracePoly:
    r""":math:`E[S B S]` for the empirical covariance of ``n`` draws of :math:`N(0, C)`.

    Paper: Lemma A.2 (claim wishart_moment), E[S B S] = ((n−1)/n) C B C + (1/n)(2 C B C + tr(C B)
    C).
    """
    return expect(_L("S") @ _L("B") @ _L("S"), [_wishart("C")])


@disk_cache
def wishart_sandwich_explicit(dd: int) -> tuple[sp.Matrix, dict[str, sp.Matrix]]:
    """Index-level :math:`E[S B S]` at dimension ``dd`` (generic symmetric ``B`` and ``C``).

    Paper: Lemma A.2 (claim wishart_moment) at dimension dd.
    """
    S = generic_matrix("S", dd, symmetric=True)
    C = generic_matrix("C", dd, symmetric=True)
    B = generic_matrix("B", dd, symmetric=True)
    M = S * B * S
    value = M.applyfunc(lambda e: expect_wishart(e, S, C, n))
    return value, {"C": C, "B": B}


@disk_cache
def frobenius_risk() -> TracePoly:
    r""":math:`E\|I + A \hat\Sigma\|_F^2`, :math:`\hat\Sigma` the empirical covariance of ``n``
    draws of :math:`N(0, \Sigma)`.

    Paper: Lemma A.1, E‖I + A Σ̂‖_F² = ‖I + AΣ‖_F² + (1/n)[tr(A Σ² Aᵀ) + tr(A Σ Aᵀ) tr Σ].
    """
    M = TracePoly.identity(d) + _L("A") @ _L("S")
    return expect((M @ M.T).trace(), [_wishart("Sigma")])


@disk_cache
def frobenius_risk_explicit(dd: int) -> tuple[sp.Expr, dict[str, sp.Matrix]]:
    """Index-level :math:`E\\|I + A S\\|_F^2` at dimension ``dd``.

    Paper: Lemma A.1 (left side E‖I + A S‖_F² at dimension dd).
    """
    S = generic_matrix("S", dd, symmetric=True)
    Sig = generic_matrix("Sigma", dd, symmetric=True)
    A = generic_matrix("A", dd)
    M = sp.eye(dd) + A * S
    return expect_wishart((M * M.T).trace(), S, Sig, n), {"A": A, "Sigma": Sig}


@disk_cache
def one_step_test_error() -> TracePoly:
    r""":math:`E\|\hat w_1 - w^*\|^2` for one LSA step (derived forward pass, :math:`W̃ = I`,
    :math:`w_0 = 0`), :math:`x \sim N(0, \Sigma)`, :math:`w^* \sim N(0, I)`.

    Paper: Prop 5.1, (5.1): E‖ŵ_1 − w*‖² = E‖I + Ṽ Σ̂‖_F².
    """
    r = one_step_prediction() - _L("w")
    return expect(r.T @ r, [_wishart("Sigma"), Gaussian(LETTERS["w"], "vector")])


@disk_cache
def one_step_test_error_explicit(dd: int) -> tuple[sp.Expr, dict[str, sp.Matrix]]:
    """Index level: explicit ``(2d+2)``-row forward pass on the Gram of sufficient statistics,
    then Isserlis over ``w*`` and the Wishart moments of S.

    Paper: Prop 5.1, (5.1): E‖ŵ_1 − w*‖² = E‖I + Ṽ Σ̂‖_F².
    """
    S = generic_matrix("S", dd, symmetric=True)
    Sig = generic_matrix("Sigma", dd, symmetric=True)
    Vt = generic_matrix("Vt", dd)
    w = generic_vector("w", dd)
    V, W = explicit_sparse_weights(Vt, sp.eye(dd))
    w0 = sp.zeros(dd, 1)
    G = explicit_gram(S, w, n, [w0])
    z = sp.Matrix.vstack(sp.zeros(dd + 1, 1), w0, sp.ones(1, 1))
    out = z + V * G * W * z / n
    r = out[dd + 1 : 2 * dd + 1, 0] - w
    err = sp.expand((r.T * r)[0, 0])
    err = expect_gaussian_vector(err, w)
    return expect_wishart(err, S, Sig, n), {"Vt": Vt, "Sigma": Sig}


def sampler_sw_moments(
    a: Sequence[sp.Expr], w: sp.Matrix, n: sp.Expr, dof: sp.Expr
) -> tuple[sp.Matrix, sp.Matrix]:
    r"""``(E[Sw | w], E[Sw wᵀS | w])`` under the simulation's law of the sufficient statistic
    (diagonal :math:`A = \operatorname{diag}(a)`): :math:`Sw = \frac{\ell}{n}A^{1/2}(c\,e +
    \sqrt c\,(I - ee^\top)h)` with :math:`u = A^{1/2}w`, :math:`\ell = \|u\|`, :math:`e =
    u/\ell`, :math:`c \sim \chi^2_{\mathrm{dof}}` (moments from ``sympy.stats``) and h standard
    normal, independent; so :math:`E[Sw|w] = A^{1/2}E[c]\,u/n` and :math:`E[Sw\,w^\top S|w] =
    A^{1/2}((E[c^2] - E[c])uu^\top + E[c]\,\ell^2 I)A^{1/2}/n^2` (dof = n: the Wishart law of
    :math:`S = XX^\top/n`, whose moment :math:`E[SBS]` enters Lemma A.1).
    """
    from sympy.stats import ChiSquared, E

    root = sp.diag(*(sp.sqrt(x) for x in a))
    u = root * w
    ell2 = (u.T * u)[0]
    c = ChiSquared("c", dof)
    Ec, Ec2 = sp.simplify(E(c)), sp.simplify(E(c**2))
    second = (root * ((Ec2 - Ec) * u * u.T + Ec * ell2 * sp.eye(len(a))) * root) / n**2
    first = root * (Ec * u) / n
    return first, second
