"""The lean Bartlett sampler of ‖I + AS‖_F², its Taylor control, and pilot-sized estimates."""

import numpy as np
import pytest
from helpers import assert_close, assert_z_within

import numerics as nm
import numerics._frobenius_mc as fm


def _toeplitz(d, rho=0.5):
    i = np.arange(d)
    return rho ** np.abs(i[:, None] - i[None, :])


def _replay_S(fs, seed, b, layout):
    """Rebuild the S of each prompt from the same random stream as the sampler draws."""
    rng = np.random.default_rng(seed)
    r = fs.r
    lo = np.tril_indices(r, k=-1)
    idx = np.arange(r)
    At = np.zeros((b, r, r))
    if layout == "small":
        F = np.zeros((r, r, b))
        F[lo[0], lo[1], :] = rng.standard_normal((lo[0].size, b))
        F[idx, idx, :] = np.sqrt(rng.chisquare(fs.n - idx, size=(b, r))).T
        At = F.transpose(2, 0, 1)
    else:
        At[:, lo[0], lo[1]] = rng.standard_normal((b, lo[0].size))
        At[:, idx, idx] = np.sqrt(rng.chisquare(fs.n - idx, size=(b, r)))
    T = fs.L @ At
    return T @ T.transpose(0, 2, 1) / fs.n


@pytest.mark.parametrize("layout", ["small", "large"])
@pytest.mark.parametrize("d, n, rank", [(3, 5, 3), (5, 9, 5), (6, 6, 4)])
def test_sampler_values_and_control_are_exact_functions_of_S(monkeypatch, layout, d, n, rank):
    rng = np.random.default_rng(d * 100 + n)
    A = rng.standard_normal((d, d))
    B = rng.standard_normal((d, rank))
    C = B @ B.T / rank
    monkeypatch.setattr(fm, "QUADFORM_R", 100 if layout == "small" else 0)
    fs = nm.FrobeniusSampler(A, C, n)
    y, x = fs(np.random.default_rng(7), 37)
    S = _replay_S(fs, 7, 37, layout)
    assert_close(y, nm.frobenius_risk_samples(A, S), rtol=1e-10)
    G = nm.taylor_gradient(A, C)
    assert_close(x[:, 0], np.einsum("ij,bij->b", G, S - C), atol=1e-10)
    assert_close(G, 2 * A.T @ (np.eye(d) + A @ C))


def test_rank_deficient_short_prompts_use_the_features_path():
    rng = np.random.default_rng(3)
    B = rng.standard_normal((5, 4))
    fs = nm.FrobeniusSampler(np.eye(5), B @ B.T, 2)  # n = 2 < rank 4
    assert not fs.bartlett
    y, x = fs(rng, 10)
    assert y.shape == (10,) and x.shape == (10, 1)


@pytest.mark.parametrize("d, n", [(2, 3), (4, 16)])
def test_lean_sampler_agrees_with_the_token_level_forward_pass(d, n):
    """Same mean as the reference: the real LSA forward pass on real prompts, w* drawn."""
    rng = np.random.default_rng(11)
    C = _toeplitz(d)
    V = -np.eye(d) / (1 + (d + 1) / n) + 0.2 * rng.standard_normal((d, d))
    lean = nm.mc_estimate(lambda r, s: nm.FrobeniusSampler(V, C, n)(r, s)[0], 100_000, rng)
    ref = nm.mc_estimate(
        lambda r, s: nm.one_step_error_samples(V, C, n, r, s, method="tokens"), 100_000, rng
    )
    assert_z_within(nm.two_sample_z(lean, ref), 4.5)
    # and a deliberately wrong lean sampler (prompt length doubled) is rejected
    wrong = nm.mc_estimate(lambda r, s: nm.FrobeniusSampler(V, C, 2 * n)(r, s)[0], 100_000, rng)
    assert abs(nm.two_sample_z(wrong, ref)) > 6


def test_taylor_control_has_mean_zero():
    rng = np.random.default_rng(5)
    fs = nm.FrobeniusSampler(rng.standard_normal((3, 3)), _toeplitz(3), 4)
    est = nm.mc_estimate(lambda r, s: fs(r, s)[1], 200_000, rng)
    assert_z_within(est.z_score(0.0), 4.5)


@pytest.mark.parametrize("d, n", [(4, 16), (6, 12)])
def test_control_variate_estimate_is_unbiased_against_the_raw_one(d, n):
    """z-test: CV estimate (pilot-fitted coefficient) vs the raw token-level estimator."""
    rng = np.random.default_rng(d)
    C = _toeplitz(d)
    V = -np.eye(d) / (1 + (d + 1) / n)
    fs = nm.FrobeniusSampler(V, C, n)
    cv = nm.mc_to_precision(fs, rng, rel_se=2e-3, control_means=np.zeros(1), pilot=1000)
    raw = nm.mc_estimate(
        lambda r, s: nm.one_step_error_samples(V, C, n, r, s, method="wishart"), 200_000, rng
    )
    assert cv.variance_reduction > 1.5, cv.describe()
    assert_z_within(nm.two_sample_z(cv, raw), 4.5)
    # the same machinery with a wrong control mean is caught by the same test
    bad = nm.mc_to_precision(fs, rng, rel_se=2e-3, control_means=np.full(1, 0.3), pilot=1000)
    assert abs(nm.two_sample_z(bad, raw)) > 6


def test_mc_to_precision_sizes_from_the_pilot_and_says_so():
    rng = np.random.default_rng(0)

    def draw(r, s):
        return 10.0 + r.standard_normal(s)  # variance 1, mean 10

    est = nm.mc_to_precision(draw, rng, rel_se=1e-3, pilot=4000, min_samples=10)
    assert est.limited_by == "precision" and est.coef is None
    assert est.n_samples == pytest.approx(1 / (1e-3 * 10) ** 2, rel=0.1)
    assert est.n_needed == pytest.approx(est.n_samples, rel=1e-6, abs=1)
    assert est.stderr / est.mean == pytest.approx(1e-3, rel=0.1)
    assert est.pilot_variance == pytest.approx(1.0, rel=0.1) and est.n_pilot == 4000
    assert "pilot 4000 draws" in est.describe() and "limited by precision" in est.describe()
    capped = nm.mc_to_precision(draw, rng, rel_se=1e-5, min_samples=10, max_samples=5000)
    assert capped.n_samples == 5000 and capped.limited_by == "max_samples"
    timed = nm.mc_to_precision(draw, rng, rel_se=1e-6, min_samples=10, max_seconds=1e-4)
    assert timed.limited_by == "time" and timed.n_samples < 100_000
    scaled = nm.mc_to_precision(lambda r, s: r.standard_normal(s), rng, rel_se=1e-2, scale=1.0)
    assert scaled.n_samples == pytest.approx(1e4, rel=0.1)


def test_mc_to_precision_rejects_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="rel_se"):
        nm.mc_to_precision(lambda r, s: r.standard_normal(s), rng, rel_se=0.0)
    with pytest.raises(ValueError, match="control_means"):
        nm.mc_to_precision(
            lambda r, s: (r.standard_normal(s), r.standard_normal((s, 1))),
            rng,
            rel_se=0.1,
            control_means=[],
        )
