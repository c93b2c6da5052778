r"""Throughput of the one-step-error simulators against the machine's matmul peak.

Three simulators of the same random variable :math:`\|\hat w_1 - w^*\|^2` (paper (5.1)):

* ``naive``: :func:`numerics.one_step_error_naive` — Python loop, full forward pass per prompt;
* ``tokens``: :func:`numerics.one_step_error_samples` with ``method="tokens"`` — batched,
  draws the n tokens of every prompt;
* ``wishart``: the same with ``method="wishart"`` — samples S by Bartlett's decomposition.

The covariance is a dense Toeplitz matrix :math:`C_{ij} = 2^{-|i-j|}` (a diagonal C would take
the samplers' row-scaling shortcut and skip the :math:`g L^\top`, :math:`LA` products).
Effective GFLOP/s count only the dominant dense matmuls of one prompt (D = 2d + 2):

* tokens: :math:`2nd^2` (features :math:`g L^\top`) + :math:`2nd^2` (:math:`X^\top X`) +
  :math:`6D^2` (last column :math:`Wz`, :math:`G(Wz)`, :math:`V(\cdot)`);
* wishart: :math:`2d^3` (:math:`L A`) + :math:`2d^3` (:math:`T T^\top`) + :math:`6D^2`.

A second ceiling is the random-number generator: tokens need :math:`nd + d` variates per prompt,
wishart :math:`d(d-1)/2 + 2d` (normals, chi-squares and the task). ``rng_bound_prompts_per_s``
= (normals/s of ``Generator.standard_normal``) / variates per prompt.

Run ``python -m numerics._benchmark`` to print the JSON.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence

import numpy as np

from ._estimators import one_step_error_naive, one_step_error_samples
from ._validation import CHUNK_FLOATS, check_float, check_int

VARIATE_MODEL = {
    "tokens": "n*d + d per prompt (features, task)",
    "wishart": "d*(d-1)/2 + 2*d per prompt (Bartlett normals and chi-squares, task)",
}

FLOP_MODEL = {
    "tokens": "4*n*d^2 + 6*D^2 per prompt (features g L^T, Gram X^T X, last column)",
    "wishart": "4*d^3 + 6*D^2 per prompt (Bartlett L A, T T^T, last column)",
    "matmul": "2*N^3 per N x N float64 matmul",
}


def _timed(fn: Callable[[], int], seconds: float) -> tuple[float, int, float]:
    """Call fn() (returns items processed) until ``seconds`` elapse; (items/s, items, s)."""
    fn()  # warm-up: allocations, BLAS thread start-up
    items, t0 = 0, time.perf_counter()
    while True:
        items += fn()
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return items / elapsed, items, elapsed


def matmul_peak(seconds: float = 1.0, sizes: Sequence[int] = (256, 512, 1024, 2048)) -> dict:
    r"""Best float64 square-matmul rate :math:`2N^3/t` over ``sizes`` (GFLOP/s), with about
    ``seconds`` in total; numpy's BLAS with its default threads."""
    rng = np.random.default_rng(0)
    by_size = {}
    for N in sizes:
        A = rng.standard_normal((N, N))
        B = rng.standard_normal((N, N))
        out = np.empty((N, N))
        np.matmul(A, B, out=out)  # warm-up
        best = np.inf
        t_end = time.perf_counter() + seconds / len(sizes)
        reps = 0
        while reps < 2 or time.perf_counter() < t_end:
            t0 = time.perf_counter()
            np.matmul(A, B, out=out)
            best = min(best, time.perf_counter() - t0)
            reps += 1
        by_size[str(N)] = 2.0 * N**3 / best / 1e9
    return {"gflops": max(by_size.values()), "by_size_gflops": by_size}


def rng_normals_per_s(seconds: float = 0.5) -> float:
    """Best rate of ``Generator.standard_normal`` (PCG64) in float64 variates per second."""
    rng = np.random.default_rng(0)
    N = 1 << 20
    rng.standard_normal(N)
    best = np.inf
    t_end = time.perf_counter() + seconds
    reps = 0
    while reps < 2 or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        rng.standard_normal(N)
        best = min(best, time.perf_counter() - t0)
        reps += 1
    return N / best


def _case(d: int, n: int, seconds: float, peak: float, normals_per_s: float) -> dict:
    rng = np.random.default_rng(12345)
    idx = np.arange(d)
    C = 0.5 ** np.abs(idx[:, None] - idx[None, :])
    V_tilde = -np.eye(d) / (1.0 + 1.0 / n + d / n)
    D = 2 * d + 2
    batch = int(min(4096, max(16, CHUNK_FLOATS // (n * d + D * D))))
    n_naive = 16

    def naive() -> int:
        one_step_error_naive(V_tilde, C, n, rng, n_naive)
        return n_naive

    def tokens() -> int:
        one_step_error_samples(V_tilde, C, n, rng, batch, method="tokens", batch_size=batch)
        return batch

    def wishart() -> int:
        one_step_error_samples(V_tilde, C, n, rng, batch, method="wishart", batch_size=batch)
        return batch

    flops = {
        "tokens": 4.0 * n * d * d + 6.0 * D * D,
        "wishart": 4.0 * d**3 + 6.0 * D * D,
    }
    variates = {
        "naive": n * d + d,
        "tokens": n * d + d,
        "wishart": d * (d - 1) // 2 + 2 * d,
    }
    out: dict = {"d": d, "n": n, "batch": batch}
    for name, fn in (("naive", naive), ("tokens", tokens), ("wishart", wishart)):
        rate, items, elapsed = _timed(fn, seconds)
        rng_bound = normals_per_s / variates[name]
        rec = {
            "prompts_per_s": rate,
            "prompts": items,
            "seconds": elapsed,
            "variates_per_prompt": variates[name],
            "rng_bound_prompts_per_s": rng_bound,
            "fraction_of_rng_bound": rate / rng_bound,
        }
        if name in flops:
            g = rate * flops[name] / 1e9
            rec.update(flops_per_prompt=flops[name], gflops=g, fraction_of_peak=g / peak)
        out[name] = rec
    out["speedup_tokens_vs_naive"] = out["tokens"]["prompts_per_s"] / out["naive"]["prompts_per_s"]
    out["speedup_wishart_vs_tokens"] = (
        out["wishart"]["prompts_per_s"] / out["tokens"]["prompts_per_s"]
    )
    return out


def run_benchmark(
    *,
    seconds_per_case: float = 2.0,
    cases: Sequence[tuple[int, int]] = ((4, 16), (16, 64), (64, 256)),
    matmul_sizes: Sequence[int] = (256, 512, 1024, 2048),
) -> dict:
    r"""Measure matmul peak and one-step-error Monte Carlo throughput; JSON-serialisable dict.

    For every ``(d, n)`` in ``cases`` each simulator runs for about ``seconds_per_case``
    seconds (after one warm-up call); the matmul peak gets ``seconds_per_case`` in total.
    Effective GFLOP/s = prompts/s × flops per prompt (see :data:`FLOP_MODEL`), and
    ``fraction_of_peak`` = that / matmul peak; ``fraction_of_rng_bound`` = prompts/s over
    (normals/s ÷ variates per prompt, :data:`VARIATE_MODEL`).

    Returns:
        ``{"environment", "matmul_peak", "rng_normals_per_s", "cases", "flop_model",
        "variate_model"}``.
    """
    seconds = check_float("seconds_per_case", seconds_per_case, lo=0.0, lo_open=True)
    checked = []
    for i, case in enumerate(cases):
        if not isinstance(case, tuple | list) or len(case) != 2:
            raise ValueError(f"cases[{i}] must be a pair (d, n), got {case!r}")
        checked.append((check_int("d", case[0], min_value=1), check_int("n", case[1], min_value=1)))
    sizes = tuple(check_int("matmul_sizes entry", s, min_value=1) for s in matmul_sizes)
    peak = matmul_peak(seconds, sizes)
    normals = rng_normals_per_s(min(seconds, 0.5))
    return {
        "environment": {
            "numpy": np.__version__,
            "cpu_count": os.cpu_count(),
            "seconds_per_case": seconds,
        },
        "matmul_peak": peak,
        "rng_normals_per_s": normals,
        "cases": [_case(d, n, seconds, peak["gflops"], normals) for d, n in checked],
        "flop_model": dict(FLOP_MODEL),
        "variate_model": dict(VARIATE_MODEL),
    }


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(run_benchmark(seconds_per_case=1.0), indent=2))
