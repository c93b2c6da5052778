"""The generic least-squares fits of :mod:`numerics`: ordinary least squares with classical
standard errors, the log-log slope of a power law, and the weighted polynomial fit in the form
the proportional-asymptotics limits use it (gap = c0 + c1/d)."""

import numpy as np
import pytest

from numerics import loglog_slope, ols, polyfit_wls


def test_ols_standard_errors_match_the_simple_regression_formula():
    """Slope se of y = a + b x: sqrt(s² / Σ(x − x̄)²) with s² = RSS/(N − 2); s² over N
    (the wrong degrees of freedom) gives a different answer."""
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    y = np.array([1.0, 3.1, 4.9, 7.2, 8.8])
    coef, se, dof = ols(np.column_stack([np.ones_like(x), x]), y)
    b = np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2)
    a = y.mean() - b * x.mean()
    rss = np.sum((y - a - b * x) ** 2)
    sxx = np.sum((x - x.mean()) ** 2)
    assert dof == 3 and coef == pytest.approx([a, b])
    assert se[1] == pytest.approx(np.sqrt(rss / 3 / sxx))
    assert se[0] == pytest.approx(np.sqrt(rss / 3 * (1 / 5 + x.mean() ** 2 / sxx)))
    assert se[1] != pytest.approx(np.sqrt(rss / 5 / sxx))


def test_loglog_slope_recovers_a_power_law_and_is_the_least_squares_slope():
    """y = 3 x^(−1.5) has rate −1.5 exactly; with noise it is the least-squares slope
    cov(log x, log y) / var(log x) (closed form); the slope of log y against x (not log x) is
    another number."""
    x = np.array([10.0, 20.0, 40.0, 80.0, 160.0])
    y = 3.0 * x**-1.5
    assert loglog_slope(x, y) == pytest.approx(-1.5, abs=1e-12)
    noisy = y * np.exp(np.array([0.01, -0.02, 0.015, 0.0, -0.01]))
    lx, ly = np.log(x), np.log(noisy)
    closed = np.sum((lx - lx.mean()) * (ly - ly.mean())) / np.sum((lx - lx.mean()) ** 2)
    assert loglog_slope(x, noisy) == pytest.approx(closed, rel=1e-12)
    against_x = np.sum((x - x.mean()) * (ly - ly.mean())) / np.sum((x - x.mean()) ** 2)
    assert loglog_slope(x, noisy) != pytest.approx(against_x, rel=1e-3)
    assert loglog_slope(tuple(x), noisy) == loglog_slope(x, noisy)


def test_wls_line_in_one_over_d_separates_a_shrinking_gap_from_a_constant_one():
    """gap = c0 + c1/d: a gap 3/d has c0 = 0 (c1 = 3); 0.1 + 3/d has c0 many s.e. from 0."""
    ds = np.array([50, 100, 200, 400])
    se = 0.01 / ds * 50
    fit = polyfit_wls(1.0 / ds, 3.0 / ds, se, 1)
    assert abs(fit.coef[0]) < 1e-12 and fit.coef[1] == pytest.approx(3.0)
    fit = polyfit_wls(1.0 / ds, 0.1 + 3.0 / ds, se, 1)
    assert fit.coef[0] / np.sqrt(fit.cov[0, 0]) > 10
