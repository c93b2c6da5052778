r"""§4: SFT post-training — Theorem 4.1 (the SFT minimiser nearest the initialisation),
Theorem 4.2 (loss, gradient and the gradient-descent bound), Remark 4.1 (dependence on k) and
Proposition 4.3 (the limit B → ∞)."""

from __future__ import annotations

import sympy as sp

import derivations._sft as ds
from derivations._training import linear_part
from theory.claims.sft._data import nearest_stationary_point
from theory.symbols import Gamma0, I, Omega, Phi, eta, pinv

M = Phi * Phi.T


#: (4.1) as printed
VSTAR = -eta * Omega * pinv(Phi) - Gamma0.I * (I - Phi * pinv(Phi))


def _derived_nearest_point():
    """Display: the zero of the derived folded gradient nearest −Γ0⁻¹, and W̃* = I."""
    C, K = linear_part(ds.sft_gradient_folded(0))
    return sp.Tuple(nearest_stationary_point(C.to_sympy(), K.to_sympy(), -Gamma0.I), I)
