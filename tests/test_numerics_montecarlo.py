"""Monte Carlo machinery: moment merging, stderr calibration, precision targets, control variates.

Calibration tests repeat an estimator over K independent seeds (spawned from one pinned seed)
for statistics whose mean mu is known exactly (E[S] = C by definition of S;
E[u^2] = 1/3 for u ~ U(0, 1)) and check, at level ALPHA with a Bonferroni factor 2:

* unbiasedness — the K estimates average to mu: |mean - mu| < z_crit * sd / sqrt(K);
* stderr calibration — the z-scores (estimate - mu)/stderr have sample variance within
  z_crit * sqrt(2/(K-1)) of 1 (normal approximation of the sample variance).

(The *mean* of the z-scores is not tested: for a skewed statistic it is biased by about
-skewness/(2 sqrt(N)) even for an exactly unbiased estimator; and the examples have light
tails, since for heavy-tailed values the z-scores at N = 100 are themselves heavy-tailed.)
"""

import math

import numpy as np
import pytest
from helpers import assert_close, assert_z_within

import numerics as nm

ALPHA = 1e-3
K_RUNS = 400


def _check_calibrated(estimates, mu):
    means = np.array([e.mean for e in estimates])
    z = np.array([e.z_score(mu) for e in estimates])
    K = len(estimates)
    crit = nm.z_critical(ALPHA, 2)
    pooled_z = (means.mean() - mu) / (means.std(ddof=1) / math.sqrt(K))
    assert abs(pooled_z) < crit, f"estimates average off by {pooled_z:.2f} standard errors"
    var = z.var(ddof=1)
    assert abs(var - 1.0) < crit * math.sqrt(2.0 / (K - 1)), f"var of z-scores = {var:.3f}"


# ---------------------------------------------------------------- RunningMoments


def test_chan_merge_equals_one_pass_with_large_offset():
    rng = np.random.default_rng(12345)
    sizes = [1, 7, 1000, 3, 500, 1, 2]
    data = 1e9 + rng.standard_normal((sum(sizes), 2, 3)) * np.array([1.0, 1e-3, 5.0])[None, None]
    acc = nm.RunningMoments()
    start = 0
    for s in sizes:
        acc.update(data[start : start + s])
        start += s
    assert acc.count == data.shape[0]
    # Reference: two-pass moments of the exactly shifted data (y - 1e9 is exact in float64:
    # Sterbenz), which carries no offset; mean and variance are shift-invariant.
    shifted = data - 1e9
    assert_close(acc.mean - 1e9, shifted.mean(axis=0), rtol=0, atol=1e-6)
    assert_close(acc.variance, shifted.var(axis=0, ddof=1), rtol=1e-12)
    # Merging two accumulators equals accumulating everything in one.
    a = nm.RunningMoments().update(data[:300])
    b = nm.RunningMoments().update(data[300:900]).update(data[900:])
    a.merge(b)
    assert_close(a.mean, acc.mean, rtol=1e-14)
    assert_close(a.m2, acc.m2, rtol=1e-12)


def test_naive_sum_of_squares_would_fail_here():
    # Why the two-pass/Chan update matters: with offset 1e9 and unit noise, the textbook
    # sum(y^2) - N ybar^2 loses every digit, while RunningMoments keeps ~9 digits.
    rng = np.random.default_rng(12345)
    y = 1e9 + rng.standard_normal(10_000)
    naive = (np.sum(y * y) - y.size * y.mean() ** 2) / (y.size - 1)
    good = nm.RunningMoments().update(y[:5000]).update(y[5000:]).variance
    exact = y.var(ddof=1)
    assert abs(naive - exact) / exact > 1e-3
    assert abs(good - exact) / exact < 1e-9


def test_estimate_fields_scalar_and_array():
    rng = np.random.default_rng(12345)
    est = nm.mc_estimate(lambda r, size: r.standard_normal(size), 1000, rng)
    assert isinstance(est.mean, float) and isinstance(est.stderr, float)
    assert est.n_samples == 1000
    lo, hi = est.interval(0.05)
    assert lo < est.mean < hi
    est2 = nm.mc_estimate(lambda r, size: r.standard_normal((size, 2, 2)), 100, rng, batch_size=7)
    assert est2.mean.shape == (2, 2) and est2.stderr.shape == (2, 2) and est2.n_samples == 100


def test_mc_estimate_chunking_is_invisible():
    # Same draws in any chunking: sample_fn consumes the generator the same way.
    def f(r, size):
        return r.standard_normal(size)

    e1 = nm.mc_estimate(f, 1000, np.random.default_rng(1), batch_size=1000)
    e2 = nm.mc_estimate(f, 1000, np.random.default_rng(1), batch_size=37)
    assert math.isclose(e1.mean, e2.mean, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(e1.stderr, e2.stderr, rel_tol=1e-12)


# ---------------------------------------------------------------- calibration


def test_stderr_is_calibrated():
    # Statistic: tr(S) for S ~ Wishart, exact mean tr(C) (E[S] = C); skewed, so a real test.
    C = np.diag([2.0, 1.0, 0.5])
    seeds = np.random.SeedSequence(12345).spawn(K_RUNS)

    def f(r, size):
        return np.trace(nm.sample_wishart(C, 3, size, r), axis1=1, axis2=2)

    ests = [nm.mc_estimate(f, 200, np.random.default_rng(s)) for s in seeds]
    _check_calibrated(ests, np.trace(C))


def test_precision_target_is_met_and_capped():
    rng = np.random.default_rng(12345)

    def f(r, size):
        return r.exponential(2.0, size)  # mean 2, sd 2

    est = nm.mc_estimate_to_precision(f, rng, rel_se=0.01, pilot=2000, max_samples=10**6)
    # Needed N ~ (sd / (0.01 * mean))^2 = 10^4.
    assert 5_000 < est.n_samples < 20_000
    assert est.stderr / est.mean < 0.0125
    capped = nm.mc_estimate_to_precision(f, rng, rel_se=1e-4, pilot=100, max_samples=500)
    assert capped.n_samples == 500
    floor = nm.mc_estimate_to_precision(f, rng, rel_se=0.5, pilot=100, min_samples=300)
    assert floor.n_samples == 300


# ---------------------------------------------------------------- control variates


def _square_with_control(r, size):
    u = r.random(size)
    return u * u, u  # E[u^2] = 1/3 for u ~ U(0, 1); control u with known mean 1/2


def test_control_variates_unbiased_and_calibrated_over_seeds():
    seeds = np.random.SeedSequence(12345).spawn(K_RUNS)
    ests = [
        nm.mc_estimate_cv(_square_with_control, [0.5], 100, np.random.default_rng(s), pilot=20)
        for s in seeds
    ]
    _check_calibrated(ests, 1.0 / 3.0)
    assert min(e.variance_reduction for e in ests) > 1.0


def test_control_variates_reduce_variance():
    # Example from the model: ||I + V S||_F^2 with controls the entries of S (E[S] = C).
    rng = np.random.default_rng(12345)
    d, n = 3, 10
    C = np.diag([1.5, 1.0, 0.5])
    Vt = -0.3 * np.eye(d)  # near-linear in S, so the linear controls capture most variance
    iu = np.triu_indices(d)

    def f(r, size):
        S = nm.sample_wishart(C, n, size, r)
        return nm.frobenius_risk_samples(Vt, S), S[:, iu[0], iu[1]]

    cv = nm.mc_estimate_cv(f, C[iu], 20_000, rng, pilot=2_000)
    assert cv.variance_reduction > 5.0
    assert cv.stderr < cv.plain.stderr / math.sqrt(5.0)
    assert cv.coef.shape == (iu[0].size,)
    # Agrees with an independent plain run (two-sample z-test).
    plain = nm.mc_estimate(lambda r, size: f(r, size)[0], 20_000, rng)
    assert_z_within(nm.two_sample_z(cv, plain), nm.z_critical(ALPHA))


def test_cv_with_vector_values():
    rng = np.random.default_rng(12345)

    def f(r, size):
        g = r.standard_normal(size)
        return np.stack([np.exp(g), g + r.standard_normal(size)], axis=1), g[:, None]

    cv = nm.mc_estimate_cv(f, np.zeros(1), 5000, rng, pilot=500)
    assert cv.mean.shape == (2,) and cv.variance_reduction.shape == (2,)
    assert cv.coef.shape == (1, 2)
    z = cv.z_score([math.exp(0.5), 0.0])
    assert_z_within(z, nm.z_critical(ALPHA, 2))


def test_helpers():
    assert math.isclose(nm.z_critical(0.05), 1.959963984540054, rel_tol=1e-12)
    assert math.isclose(nm.normal_two_sided_p(1.959963984540054), 0.05, rel_tol=1e-10)
    assert nm.samples_for_precision(2.0, 4.0, 0.1) == pytest.approx(100.0)
    assert nm.samples_for_precision(0.0, 1.0, 0.1) == math.inf
    const = nm.Estimate(mean=np.array([1.0, 2.0, 3.0]), stderr=np.zeros(3), n_samples=10)
    np.testing.assert_array_equal(const.z_score([1.0, 1.0, 4.0]), [0.0, np.inf, -np.inf])
