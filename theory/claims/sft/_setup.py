r"""What the §4 SFT claims share: M = ΦΦᵀ, the printed Ṽ* of (4.1) and the display of the
derived nearest stationary point."""

from __future__ import annotations

import sympy as sp

import derivations as ds
from theory.symbols import Gamma0, I, Omega, Phi, eta, pinv

M = Phi * Phi.T


#: (4.1) as printed
VSTAR = -eta * Omega * pinv(Phi) - Gamma0.I * (I - Phi * pinv(Phi))


def _derived_nearest_point():
    """Display: the zero of the derived folded gradient nearest −Γ0⁻¹
    (:func:`derivations.sft_nearest_point`), and W̃* = I."""
    return sp.Tuple(ds.sft_nearest_point(-Gamma0.I), I)
