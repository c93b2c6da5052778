"""The generic exact tools of :mod:`derivations`: rational draws from a numpy generator (the
draw order is part of the result) and the exact equality test of sympy expressions."""

import numpy as np
import sympy as sp

from derivations import exact_difference, random_rational, random_rational_matrix


def test_random_rational_matrix_draws_in_row_major_order():
    """The entries are one ``rng.integers(lo, hi, r·c)`` call, row-major, and the same numbers
    as one scalar draw per entry (sympy's element-function constructor, as the claim files
    drew them) — the generator is left in the same state; column-major filling is another
    matrix; ``lower`` draws only i ≥ j and leaves zeros above."""
    for seed in range(20):
        rng, ref = np.random.default_rng(seed), np.random.default_rng(seed)
        got = random_rational_matrix(rng, 3, 2, -2, 3, 4)
        one_by_one = [sp.Rational(int(ref.integers(-2, 3)), 4) for _ in range(6)]
        assert got == sp.Matrix(3, 2, one_by_one)
        assert rng.integers(0, 10**9) == ref.integers(0, 10**9)
    ks = np.random.default_rng(3).integers(-4, 5, 9)
    got = random_rational_matrix(np.random.default_rng(3), 3, 3, -4, 5)
    assert got == sp.Matrix(3, 3, [int(k) for k in ks])
    assert got != sp.Matrix(3, 3, [int(k) for k in ks]).T
    rng, ref5 = np.random.default_rng(5), np.random.default_rng(5)
    low = random_rational_matrix(rng, 3, 3, 1, 9, lower=True)
    assert all(low[i, j] == 0 for i in range(3) for j in range(3) if i < j)
    assert all(1 <= low[i, j] <= 8 for i in range(3) for j in range(3) if i >= j)
    assert low == sp.Matrix(3, 3, lambda i, j: int(ref5.integers(1, 9)) if i >= j else 0)
    assert rng.integers(0, 10**9) == ref5.integers(0, 10**9)


def test_random_rational_is_k_over_den_in_range():
    """k/den with lo ≤ k < hi, reduced; the same state gives the same value."""
    vals = [random_rational(np.random.default_rng(s), 1, 100, 100) for s in range(50)]
    assert all(sp.Rational(1, 100) <= v <= sp.Rational(99, 100) for v in vals)
    assert random_rational(np.random.default_rng(7), 1, 100, 100) == vals[7]
    assert random_rational(np.random.default_rng(7), 1, 100, 97) != vals[7]


def test_exact_difference_decides_equality_and_returns_the_difference():
    """Equal rational functions give None under every test; an unequal pair gives the
    expanded difference; unequal shapes a marker; the Laurent test rejects a wrong formula
    at its random point before expanding."""
    x, y = sp.symbols("x y")
    a, b = (x**2 - y**2) / (x - y), x + y
    for test in ("numerator", "cancel"):
        assert exact_difference(a, b, test=test) is None
        assert exact_difference(a, b + 1, test=test) == -1 + sp.expand(a - b)
    M = sp.Matrix([[x * (y + 1), 1 / x]])
    assert exact_difference(M, sp.Matrix([[x * y + x, 1 / x]])) is None
    assert exact_difference(M, sp.Matrix([[x * y, 1 / x]])) == x
    assert str(exact_difference(M, sp.Matrix([x]))) == "shape(1, 2)!=shape(1, 1)"
    n = sp.Symbol("n")
    assert exact_difference((1 + 1 / n) ** 2, 1 + 2 / n + n**-2, test="laurent") is None
    wrong = exact_difference((1 + 1 / n) ** 2, 1 + 2 / n, test="laurent")
    assert wrong is not None and wrong.name.startswith("nonzero_at_a_random_rational_point")
    # a rational function that is zero only after putting it over one denominator
    assert exact_difference(1 / (x - 1) - 1 / (x**2 - 1) * (x + 1), 0) is None
    assert exact_difference(1 / (x - 1) - 1 / (x**2 - 1) * (x + 1), 0, test="laurent") is not None
