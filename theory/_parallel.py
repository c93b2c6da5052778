"""Independent units of work (one claim's checks) on local processes or a Dask cluster.

A unit is named by its key — the claim id — and carries the run's tier, seed and α; every
random stream inside it is seeded from the root seed and a key
(:func:`theory._context.derive_seed`), never from the order in which units are scheduled, so
the evidence is the same whichever worker runs it and in whatever order units finish. Holm's
procedure is applied by the caller over the gathered evidence of the whole run.

Each worker process keeps one cache across the units it runs (``RunContext.cache``): shared
simulations are recomputed per process, with the same seeds, so the results do not change.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from theory._claim import Claim
from theory._validation import InvalidArgument

__all__ = ["run_unit", "run_units", "unit_runnable_remotely"]

#: cache shared by the units run in one worker process
_WORKER_CACHE: dict = {}


def run_unit(claim_id: str, tier: str, seed: int, alpha: float) -> tuple[list, float]:
    """Run the checks of the registered claim ``claim_id``; ``(evidence, seconds)``."""
    from theory._collect import collect_evidence
    from theory._context import RunContext
    from theory.claims import get_claim

    ctx = RunContext(tier=tier, seed=seed, alpha=alpha, cache=_WORKER_CACHE)
    t0 = time.perf_counter()
    evidence = collect_evidence(get_claim(claim_id), ctx)
    return evidence, time.perf_counter() - t0


def unit_runnable_remotely(claim: Claim) -> bool:
    """True when a worker can rebuild ``claim`` from its id (a registered claim, not a variant
    or a user's own claim, which run in the calling process)."""
    from theory.claims import all_claims

    return any(c.id == claim.id and c == claim for c in all_claims())


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods and sys.platform != "darwin":
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["theory.claims", "theory._parallel"])
        return ctx
    return multiprocessing.get_context("spawn")


def run_units(
    claims: Sequence[Claim],
    tier: str,
    seed: int,
    alpha: float,
    *,
    jobs: int,
    scheduler: str | None,
    on_done: Callable[[int, Claim, float], None] | None = None,
) -> list[tuple[list, float]]:
    """``(evidence, seconds)`` of every claim, in the order of ``claims``, computed on ``jobs``
    local processes or on the Dask cluster at ``scheduler``. ``on_done(k, claim, secs)`` is
    called as units finish (``k`` counts finished units)."""
    if scheduler is not None:
        return _run_dask(claims, tier, seed, alpha, scheduler, on_done)
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: list[Any] = [None] * len(claims)
    workers = max(1, min(jobs, len(claims)))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # workers inherit it: one BLAS thread
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        futures = {
            pool.submit(run_unit, c.id, tier, seed, alpha): i for i, c in enumerate(claims)
        }
        for k, fut in enumerate(as_completed(futures)):
            i = futures[fut]
            results[i] = fut.result()
            if on_done is not None:
                on_done(k, claims[i], results[i][1])
    return results


def _run_dask(claims, tier, seed, alpha, address, on_done) -> list[tuple[list, float]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InvalidArgument(
            f"scheduler={address!r} is invalid here: Dask is not installed "
            "(pip install 'lsa-verify[distributed]')"
        ) from None
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InvalidArgument(
            f"scheduler={address!r} is invalid: cannot reach a Dask scheduler there ({exc})"
        ) from None
    try:
        futures = [
            client.submit(run_unit, c.id, tier, seed, alpha, key=f"lsa-{c.id}-{tier}-{seed}")
            for c in claims
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(claims)
        for k, fut in enumerate(as_completed(futures)):
            i = index[fut.key]
            results[i] = fut.result()
            if on_done is not None:
                on_done(k, claims[i], results[i][1])
        return results
    finally:
        client.close()
