"""What sympy DERIVES from first principles: Gaussian moments, the LSA forward pass, losses,
gradients and fixed points — never by retyping a printed result."""

from derivations._balance import balance_spectral_radius
from derivations._blocks import BlockMatrix
from derivations._isserlis import (
    expect_gaussian_vector,
    expect_wishart,
    generic_matrix,
    generic_vector,
    isserlis_moment,
    wishart_moment,
)
from derivations._letters import LETTERS, Bsym, d, eta, k, n, p
from derivations._lsa import embedding, gram_to_covariance, last_column, sparse_weights
from derivations._os_d1 import (
    OS_D1_SYMBOLS,
    os_d1_gauss_newton,
    os_d1_gradient,
    os_d1_stable_step,
    os_d1_values,
)
from derivations._tracepoly import Letter, TracePoly
from derivations._wick import Gaussian, expect, perfect_matchings, set_partitions

__all__ = [
    "LETTERS",
    "OS_D1_SYMBOLS",
    "BlockMatrix",
    "Bsym",
    "Gaussian",
    "Letter",
    "TracePoly",
    "balance_spectral_radius",
    "d",
    "embedding",
    "eta",
    "expect",
    "expect_gaussian_vector",
    "expect_wishart",
    "generic_matrix",
    "generic_vector",
    "gram_to_covariance",
    "isserlis_moment",
    "k",
    "last_column",
    "n",
    "os_d1_gauss_newton",
    "os_d1_gradient",
    "os_d1_stable_step",
    "os_d1_values",
    "p",
    "perfect_matchings",
    "set_partitions",
    "sparse_weights",
    "wishart_moment",
]
