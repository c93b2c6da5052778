r"""What the §4 SFT claims share: M = ΦΦᵀ, the printed Ṽ* of (4.1) and the display of the
derived nearest stationary point."""

from __future__ import annotations

import sympy as sp

import derivations as ds
from derivations import linear_part
from theory.claims.sft._data import nearest_stationary_point
from theory.symbols import Gamma0, I, Omega, Phi, eta, pinv

M = Phi * Phi.T


#: (4.1) as printed
VSTAR = -eta * Omega * pinv(Phi) - Gamma0.I * (I - Phi * pinv(Phi))


def _derived_nearest_point():
    """Display: the zero of the derived folded gradient nearest −Γ0⁻¹, and W̃* = I."""
    C, K = linear_part(ds.sft_gradient_folded(0))
    return sp.Tuple(nearest_stationary_point(C.to_sympy(), K.to_sympy(), -Gamma0.I), I)
