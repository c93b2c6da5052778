"""The named symbols every derivation uses: scalars (``d``, ``n``, ``eta`` ...) and matrix letters.

One source of truth: :mod:`theory` builds its sympy ``MatrixSymbol``\\s from these letters, so a
printed formula and a derivation speak about the same objects.
"""

from __future__ import annotations

import sympy as sp

from derivations._tracepoly import Letter, TracePoly

__all__ = [
    "LETTERS",
    "Bsym",
    "d",
    "eta",
    "k",
    "letter_poly",
    "n",
    "p",
]

d = sp.Symbol("d", positive=True, integer=True)  # feature dimension
n = sp.Symbol("n", positive=True, integer=True)  # prompt length (pairs per prompt)
p = sp.Symbol("p", nonnegative=True, integer=True)  # number of earlier iterate columns
k = sp.Symbol("k", positive=True, integer=True)  # number of chain-of-thought steps
eta = sp.Symbol("eta", positive=True)  # CoT step size, in (0, 1)
Bsym = sp.Symbol("B", positive=True, integer=True)  # number of post-training prompts

_ONE = sp.Integer(1)

LETTERS: dict[str, Letter] = {
    # covariances (symmetric PSD)
    "Sigma0": Letter("Sigma0", d, d, symmetric=True),
    "Sigma": Letter("Sigma", d, d, symmetric=True),
    "Delta": Letter("Delta", d, d, symmetric=True),
    "A": Letter("A", d, d),  # a general matrix (Lemma A.1); also the SFT covariance
    "C": Letter("C", d, d, symmetric=True),
    "B": Letter("B", d, d, symmetric=True),
    # data of one prompt
    "S": Letter("S", d, d, symmetric=True),  # empirical covariance X Xᵀ / n
    "X": Letter("X", d, n),  # features, one column per token
    "w": Letter("w", d, _ONE),  # the task vector w*
    # weights and iterates
    "Vt": Letter("Vt", d, d),  # Ṽ = V_31
    "Wt": Letter("Wt", d, d),  # W̃ = W_13
    "wi": Letter("wi", d, _ONE),  # the current iterate ŵ_i
    "Wp": Letter("Wp", d, p),  # earlier iterates, one per column
    "one_p": Letter("one_p", _ONE, p),  # the all-ones row under the earlier iterates
    "Gamma0": Letter("Gamma0", d, d, symmetric=True),  # an opaque Γ0 (for fixed-point checks)
    # SFT data of B prompts (paper §2): Ω = [w*_1 … w*_B], Φ = [S_1 w*_1 … S_B w*_B]
    "Omega": Letter("Omega", d, Bsym),
    "Phi": Letter("Phi", d, Bsym),
}


def letter_poly(name: str) -> TracePoly:
    """The trace polynomial consisting of the single matrix letter ``LETTERS[name]``."""
    return TracePoly.letter(LETTERS[name])
