"""The benchmark runs, returns plain JSON-serialisable data, and its rates are consistent."""

import json

import numerics as nm


def test_run_benchmark_tiny():
    out = nm.run_benchmark(seconds_per_case=0.02, cases=((2, 4),), matmul_sizes=(32, 64))
    json.dumps(out)  # plain types only
    assert out["matmul_peak"]["gflops"] > 0
    assert set(out["matmul_peak"]["by_size_gflops"]) == {"32", "64"}
    (case,) = out["cases"]
    assert (case["d"], case["n"]) == (2, 4)
    for sim in ("naive", "tokens", "wishart"):
        assert case[sim]["prompts_per_s"] > 0 and case[sim]["prompts"] > 0
    for sim in ("tokens", "wishart"):
        rec = case[sim]
        assert abs(rec["gflops"] - rec["prompts_per_s"] * rec["flops_per_prompt"] / 1e9) < 1e-9
        assert abs(rec["fraction_of_peak"] - rec["gflops"] / out["matmul_peak"]["gflops"]) < 1e-12
