r"""The library's named symbols: write claims with these.

Scalars: ``d`` (feature dimension), ``n`` (prompt length), ``eta`` (η), ``k`` (CoT steps),
``sigma`` (σ, the label-noise level).
Matrices (``d × d`` unless noted): ``Sigma0`` (Σ0, pretraining covariance), ``Sigma`` (Σ,
test covariance), ``Delta`` (Δ), ``A`` (a general matrix; the SFT covariance), ``C``, ``B``
(symmetric), ``S`` (the empirical covariance of a prompt, Σ̂), ``Vt`` (Ṽ = V_31), ``Wt``
(W̃ = W_13), the vectors ``w`` (w*, ``d × 1``) and ``wi`` (the current iterate ŵ_i), and
``I`` (the identity). ``Gamma0`` is the printed definition (3.7)
:math:`\Gamma_0 = (1 + 1/n)\Sigma_0 + (\operatorname{tr}\Sigma_0 / n) I_d`.

>>> from theory.symbols import Vt, Sigma, I, n
>>> import sympy as sp
>>> sp.Trace((I + Vt * Sigma) * (I + Vt * Sigma).T)
Trace((I + Vt*Sigma)*(I + Sigma*Vt.T))
"""

from __future__ import annotations

import sympy as sp

from derivations import LETTERS, Bsym, PseudoInverse, d, eta, k, n, sigma
from theory._spectral import LambdaMax, LambdaMinPlus

__all__ = [
    "LATEX_NAMES",
    "LETTERS",
    "A",
    "B",
    "Bsym",
    "C",
    "Delta",
    "Gamma0",
    "I",
    "LambdaMax",
    "LambdaMinPlus",
    "Omega",
    "Phi",
    "PseudoInverse",
    "S",
    "Sigma",
    "Sigma0",
    "Vt",
    "Wt",
    "d",
    "eta",
    "k",
    "matrix_symbol",
    "n",
    "pinv",
    "sigma",
    "w",
    "wi",
]


def matrix_symbol(name: str) -> sp.MatrixSymbol:
    """The ``MatrixSymbol`` of a registered letter (shape from :data:`LETTERS`)."""
    letter = LETTERS[name]
    return sp.MatrixSymbol(name, letter.rows, letter.cols)


Sigma0 = matrix_symbol("Sigma0")
Sigma = matrix_symbol("Sigma")
Delta = matrix_symbol("Delta")
A = matrix_symbol("A")
B = matrix_symbol("B")
C = matrix_symbol("C")
S = matrix_symbol("S")
Vt = matrix_symbol("Vt")
Wt = matrix_symbol("Wt")
w = matrix_symbol("w")
wi = matrix_symbol("wi")
Omega = matrix_symbol("Omega")  # d × B: the task vectors w*_τ of the SFT prompts
Phi = matrix_symbol("Phi")  # d × B: the vectors S_τ w*_τ
I = sp.Identity(d)

#: Γ0 as printed in (3.7).
Gamma0 = (1 + 1 / n) * Sigma0 + sp.Trace(Sigma0) / n * I

#: LaTeX names used by ``lsa-verify latex`` (sympy's printer, the paper's symbols).
LATEX_NAMES: dict[sp.Basic, str] = {
    Sigma0: r"\Sigma_0",
    Sigma: r"\Sigma",
    Delta: r"\Delta",
    S: r"\hat{\Sigma}",
    Vt: r"\tilde{V}",
    Wt: r"\tilde{W}",
    w: r"w^{*}",
    wi: r"\hat{w}_i",
    eta: r"\eta",
    sigma: r"\sigma",
    Omega: r"\Omega",
    Phi: r"\Phi",
}


def pinv(arg: sp.MatrixExpr) -> PseudoInverse:
    """:math:`X^\\dagger` as a sympy matrix expression."""
    return PseudoInverse(arg)


# the class is derivations' (derivations use it too); how to evaluate it is theory's
def _eval_pinv(node: PseudoInverse, ev, exact: bool):
    m = ev(node.arg)
    if exact:
        return m.pinv()
    import numpy as np

    return np.linalg.pinv(m, rcond=1e-10)


def _register() -> None:
    from theory._evaluate import HANDLERS

    HANDLERS[PseudoInverse] = _eval_pinv


_register()
