"""The time-to-target benchmark: plain JSON, consistent ratios, and an honest user baseline."""

import json

import numpy as np

import numerics as nm


def test_run_benchmark_tiny():
    out = nm.run_benchmark(
        seconds_per_case=0.01, cases=((2, 4),), repeats=2, min_samples=50, matmul_sizes=(32,)
    )
    json.dumps(out)  # plain types only
    assert out["matmul_peak"]["gflops"] > 0 and out["rel_se"] == 1e-3
    (case,) = out["cases"]
    assert (case["d"], case["n"]) == (2, 4) and len(case["rounds"]) == 2
    summ = case["summary"]
    assert set(summ) == set(nm._benchmark.ESTIMATORS)
    assert summ["user numpy"]["ratio_median"] == 1.0
    for name, s in summ.items():
        ratios = [
            r["user numpy"]["time_to_target_s"] / r[name]["time_to_target_s"]
            for r in case["rounds"]
        ]
        assert s["ratio_min"] == min(ratios)
        assert s["time_to_target_min_s"] <= s["time_to_target_median_s"]
        assert s["fraction_of_rng_bound"] > 0 and s["fraction_of_flop_bound"] > 0
    for r in case["rounds"]:
        for name in ("user numpy", "tokens", "wishart", "frobenius"):
            rec = r[name]
            assert rec["samples_needed"] == rec["variance_per_sample"] / (1e-3 * rec["mean"]) ** 2
        assert r["frobenius+cv"]["how"].startswith("measured end to end")
    text = nm.format_benchmark(out)
    assert "(2, 4)" in text and "frobenius+cv" in text and "× user med" in text


def test_user_baseline_is_the_same_random_variable():
    """The user's einsum estimator and the project's forward pass estimate the same mean."""
    rng = np.random.default_rng(1)
    d, n = 3, 6
    V, C = nm._benchmark._setting(d, n)
    m, se, var = nm.user_baseline_estimate(V, C, n, rng, 200_000, batch=5000)
    ref = nm.mc_estimate(
        lambda r, s: nm.one_step_error_samples(V, C, n, r, s, method="tokens"), 200_000, rng
    )
    assert abs(nm.two_sample_z(nm.Estimate(m, se, 200_000), ref)) < 4.5
    assert se == np.sqrt(var / 200_000)
    # a user who forgot the 1/n would be caught
    wrong = nm.user_baseline_samples(V * n, C, n, rng, 100_000)
    assert abs(wrong.mean() - ref.mean) > 10 * ref.stderr
