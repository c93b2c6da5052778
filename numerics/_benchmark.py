r"""Time to a target standard error: the project's estimators against a user's own numpy.

The random variable is the one-step test error of the LSA, :math:`\|\hat w - w^*\|^2` with
:math:`\hat w = -\tilde V S w^*`, :math:`S = X^\top X/n` (paper (5.1), :math:`\tilde W = I`,
:math:`w_0 = 0`), :math:`x_i \sim N(0, C)`, :math:`w^* \sim N(0, I_d)`; its mean is
:math:`E\|I + \tilde V S\|_F^2`. Speed is **time to relative standard error** ``rel_se``
(default 1e-3), i.e. (variance per sample) / (rel_se · mean)² samples at the measured rate:

* ``user numpy`` — :func:`user_baseline_samples`: what a competent user writes (draw X and
  w*, ŵ by einsum, mean and SE of the squared error in batches; no tricks);
* ``tokens`` — :func:`numerics.one_step_error_samples` (``method="tokens"``): the real
  forward pass on real prompts (the reference path);
* ``wishart`` — the same forward pass with S drawn by Bartlett and G from sufficient statistics;
* ``frobenius`` — w* integrated out (:math:`E_w\|Mw\|^2 = \|M\|_F^2`), S by Bartlett
  (:class:`numerics.FrobeniusSampler`), no control;
* ``frobenius+cv`` — the same with the Taylor control :math:`\langle G, S - C\rangle`
  (mean 0 from :math:`E[S] = C`), run **end to end** by :func:`numerics.mc_to_precision`
  (pilot, sizing and main run all timed; its time is measured, not extrapolated).

For the first four the time is extrapolated: rate and variance are measured on a run of about
``seconds`` (at least ``min_samples`` draws). Every estimator is measured side by side in one
process, in each of ``repeats`` rounds; ratios to the baseline are per round (median, min).

Ceilings: ``fraction_of_rng_bound`` = samples/s ÷ (normals/s of ``Generator.standard_normal``
÷ variates per sample); ``fraction_of_flop_bound`` = samples/s × flops per sample ÷ the
single-call float64 matmul peak. The covariance is the dense Toeplitz
:math:`C_{ij} = 2^{-|i-j|}` and :math:`\tilde V = -I/(1 + (d+1)/n)`.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from ._estimators import one_step_error_samples
from ._frobenius_mc import FrobeniusSampler
from ._montecarlo import mc_to_precision
from ._validation import CHUNK_FLOATS, InvalidArgument, check_float, check_int

CASES = ((4, 16), (20, 40), (50, 100), (64, 256))
ESTIMATORS = ("user numpy", "tokens", "wishart", "frobenius", "frobenius+cv")


def user_baseline_samples(
    V_tilde: np.ndarray, C: np.ndarray, n: int, rng: np.random.Generator, size: int
) -> np.ndarray:
    r"""A user's plain vectorised numpy: ``size`` draws of :math:`\|\hat w - w^*\|^2`.

    ``X = N(0, I) (size, n, d) @ chol(C)^T``, ``w ~ N(0, I)``, ``y = X w``,
    :math:`\hat w = -\tilde V X^\top y / n` (einsum), squared error per prompt.
    """
    d = C.shape[0]
    L = np.linalg.cholesky(C)
    X = rng.standard_normal((size, n, d)) @ L.T
    w = rng.standard_normal((size, d))
    y = np.einsum("bnd,bd->bn", X, w)
    w_hat = -np.einsum("bnd,bn->bd", X, y) @ V_tilde.T / n
    e = w_hat - w
    return np.einsum("bd,bd->b", e, e)


def user_baseline_estimate(
    V_tilde: np.ndarray,
    C: np.ndarray,
    n: int,
    rng: np.random.Generator,
    n_samples: int,
    batch: int = 4096,
) -> tuple[float, float, float]:
    """The user's estimator: running sums over batches; ``(mean, stderr, variance)``."""
    s = s2 = 0.0
    done = 0
    while done < n_samples:
        b = min(batch, n_samples - done)
        err = user_baseline_samples(V_tilde, C, n, rng, b)
        s += float(err.sum())
        s2 += float(err @ err)
        done += b
    m = s / n_samples
    var = max(s2 - n_samples * m * m, 0.0) / (n_samples - 1)
    return m, float(np.sqrt(var / n_samples)), var


def matmul_peak(seconds: float = 1.0, sizes: Sequence[int] = (256, 512, 1024)) -> dict:
    r"""Best float64 square-matmul rate :math:`2N^3/t` over ``sizes`` (GFLOP/s), with about
    ``seconds`` in total; numpy's BLAS with its configured threads."""
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


def _setting(d: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.arange(d)
    C = 0.5 ** np.abs(idx[:, None] - idx[None, :])
    return -np.eye(d) / (1.0 + (d + 1.0) / n), C


def _models(d: int, n: int, fs: FrobeniusSampler) -> tuple[dict, dict]:
    D = 2 * d + 2
    flops = {
        "user numpy": 2.0 * n * d * d + 4.0 * n * d + 2.0 * d * d,
        "tokens": 4.0 * n * d * d + 6.0 * D * D,
        "wishart": 4.0 * d**3 + 6.0 * D * D,
        "frobenius": fs.flops_per_sample(),
        "frobenius+cv": fs.flops_per_sample(),
    }
    variates = {
        "user numpy": n * d + d,
        "tokens": n * d + d,
        "wishart": d * (d + 1) // 2 + d,
        "frobenius": fs.variates_per_sample(),
        "frobenius+cv": fs.variates_per_sample(),
    }
    return flops, variates


def _rate_and_variance(
    draw: Callable[[int], np.ndarray], batch: int, seconds: float, min_samples: int
) -> dict:
    """Draw batches for about ``seconds`` (and at least ``min_samples``); rate, mean, var."""
    draw(min(batch, 64))  # warm-up
    chunks, count, t0 = [], 0, time.perf_counter()
    while True:
        chunks.append(draw(batch))
        count += batch
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and count >= min_samples:
            break
    y = np.concatenate(chunks)
    return {
        "samples": int(count),
        "seconds": elapsed,
        "samples_per_s": count / elapsed,
        "mean": float(y.mean()),
        "variance_per_sample": float(y.var(ddof=1)),
    }


def _one_round(
    d: int, n: int, rng: np.random.Generator, seconds: float, min_samples: int, rel_se: float
) -> dict:
    V, C = _setting(d, n)
    fs = FrobeniusSampler(V, C, n)
    batch = int(min(4096, max(16, CHUNK_FLOATS // (n * d + (2 * d + 2) ** 2))))
    draws = {
        "user numpy": lambda b: user_baseline_samples(V, C, n, rng, b),
        "tokens": lambda b: one_step_error_samples(V, C, n, rng, b, method="tokens"),
        "wishart": lambda b: one_step_error_samples(V, C, n, rng, b, method="wishart"),
        "frobenius": lambda b: fs(rng, b)[0],
    }
    out = {}
    for name, draw in draws.items():
        rec = _rate_and_variance(draw, batch, seconds, min_samples)
        need = rec["variance_per_sample"] / (rel_se * rec["mean"]) ** 2
        rec.update(samples_needed=need, time_to_target_s=need / rec["samples_per_s"])
        rec["how"] = "extrapolated: samples needed / measured rate"
        out[name] = rec
    t0 = time.perf_counter()
    est = mc_to_precision(
        fs, rng, rel_se=rel_se, control_means=np.zeros(1), pilot=256, min_samples=64,
        max_samples=100_000_000,
    )
    wall = time.perf_counter() - t0
    total = est.n_samples + est.n_pilot
    out["frobenius+cv"] = {
        "samples": int(total),
        "seconds": wall,
        "samples_per_s": total / wall,
        "mean": float(est.mean),
        "variance_per_sample": est.variance,
        "samples_needed": float(est.n_samples),
        "time_to_target_s": wall,
        "achieved_rel_se": float(est.stderr / abs(est.mean)),
        "variance_reduction": est.variance_reduction,
        "how": "measured end to end (pilot of 256 + sizing + main run)",
    }
    return out


def run_benchmark(
    *,
    seconds_per_case: float = 1.0,
    cases: Sequence[tuple[int, int]] = CASES,
    repeats: int = 3,
    rel_se: float = 1e-3,
    min_samples: int = 500,
    matmul_sizes: Sequence[int] = (256, 512, 1024),
    seed: int = 12345,
) -> dict:
    r"""Time to relative SE ``rel_se`` of every estimator (module docstring) at each (d, n).

    Returns a JSON-serialisable dict: ``environment``, ``rel_se``, ``matmul_peak``,
    ``rng_normals_per_s`` and ``cases``; each case has ``rounds`` (per round, per estimator:
    rate, mean, variance per sample, samples needed, time to target) and ``summary`` (per
    estimator: medians and minima over rounds, ``ratio_median``/``ratio_min`` = baseline time
    ÷ estimator time per round, ``fraction_of_rng_bound``, ``fraction_of_flop_bound``).
    """
    seconds = check_float("seconds_per_case", seconds_per_case, lo=0.0, lo_open=True)
    repeats = check_int("repeats", repeats, min_value=1)
    rel_se = check_float("rel_se", rel_se, lo=0.0, lo_open=True)
    min_samples = check_int("min_samples", min_samples, min_value=2)
    checked = []
    for i, case in enumerate(cases):
        if not isinstance(case, tuple | list) or len(case) != 2:
            raise InvalidArgument(f"cases[{i}] must be a pair (d, n), got {case!r}")
        checked.append(
            (check_int("d", case[0], min_value=1), check_int("n", case[1], min_value=1))
        )
    sizes = tuple(check_int("matmul_sizes entry", s, min_value=1) for s in matmul_sizes)
    peak = matmul_peak(min(seconds, 1.0), sizes)
    normals = rng_normals_per_s(min(seconds, 0.5))
    rng = np.random.default_rng(seed)
    rounds = {c: [] for c in checked}
    for _ in range(repeats):  # rounds outermost: load drift hits every case alike
        for d, n in checked:
            rounds[(d, n)].append(_one_round(d, n, rng, seconds, min_samples, rel_se))
    out_cases = []
    for d, n in checked:
        V, C = _setting(d, n)
        flops, variates = _models(d, n, FrobeniusSampler(V, C, n))
        rs = rounds[(d, n)]
        summary = {}
        for name in ESTIMATORS:
            ttt = [r[name]["time_to_target_s"] for r in rs]
            ratios = [r["user numpy"]["time_to_target_s"] / r[name]["time_to_target_s"] for r in rs]
            rate = statistics.median(r[name]["samples_per_s"] for r in rs)
            summary[name] = {
                "time_to_target_median_s": statistics.median(ttt),
                "time_to_target_min_s": min(ttt),
                "variance_per_sample_median": statistics.median(
                    r[name]["variance_per_sample"] for r in rs
                ),
                "samples_per_s_median": rate,
                "ratio_median": statistics.median(ratios),
                "ratio_min": min(ratios),
                "variates_per_sample": variates[name],
                "flops_per_sample": flops[name],
                "fraction_of_rng_bound": rate * variates[name] / normals,
                "fraction_of_flop_bound": rate * flops[name] / (peak["gflops"] * 1e9),
            }
        out_cases.append({"d": d, "n": n, "summary": summary, "rounds": rs})
    return {
        "environment": {
            "numpy": np.__version__,
            "cpu_count": os.cpu_count(),
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
            "seconds_per_case": seconds,
            "repeats": repeats,
            "seed": seed,
        },
        "rel_se": rel_se,
        "matmul_peak": peak,
        "rng_normals_per_s": normals,
        "cases": out_cases,
    }


def format_benchmark(result: dict) -> str:
    """An aligned table of :func:`run_benchmark`'s dict."""
    env = result["environment"]
    head = (
        f"time to relative SE {result['rel_se']:g} of E‖ŵ − w*‖² "
        f"({env['repeats']} rounds, side by side; matmul peak "
        f"{result['matmul_peak']['gflops']:.1f} GFLOP/s, "
        f"{result['rng_normals_per_s'] / 1e6:.0f} M normals/s, "
        f"OPENBLAS_NUM_THREADS={env['OPENBLAS_NUM_THREADS']})"
    )
    cols = (
        f"{'(d, n)':<10} {'estimator':<13} {'var/sample':>11} {'samples/s':>11} "
        f"{'t median':>9} {'t min':>9} {'× user med':>10} {'× user min':>10} "
        f"{'RNG bnd':>8} {'FLOP bnd':>8}"
    )
    lines = [head, cols, "-" * len(cols)]
    for case in result["cases"]:
        dn = f"({case['d']}, {case['n']})"
        for name, s in case["summary"].items():
            lines.append(
                f"{dn:<10} {name:<13} "
                f"{s['variance_per_sample_median']:>11.4g} {s['samples_per_s_median']:>11.4g} "
                f"{s['time_to_target_median_s']:>8.3g}s {s['time_to_target_min_s']:>8.3g}s "
                f"{s['ratio_median']:>9.3g}× {s['ratio_min']:>9.3g}× "
                f"{100 * s['fraction_of_rng_bound']:>7.1f}% "
                f"{100 * s['fraction_of_flop_bound']:>7.1f}%"
            )
    lines.append(
        "t: time to the target SE (frobenius+cv measured end to end, the others extrapolated "
        "from measured rate and variance); × user: baseline time ÷ estimator time per round."
    )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(format_benchmark(run_benchmark()))
