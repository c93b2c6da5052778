"""Benchmark of the paper figures: wall and CPU time of ``render`` for each registered figure.

Used by ``lsa-verify bench --figures [--tier quick|full]``. Each figure gets a fresh
:class:`~theory._context.RunContext` (no cache shared between figures, so each time is the
time a user pays for that figure alone) and writes into a temporary directory.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["TARGET_SECONDS", "time_figures"]

#: full-tier time budget per figure on the 2-core reference machine (issues 4 and 5)
TARGET_SECONDS: dict[str, float] = {"fig_1": 600.0, "fig_2": 600.0, "fig_5": 600.0, "fig_4": 900.0}


def time_figures(
    ids: Sequence[str],
    tier: str,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> list[dict]:
    """For each figure id: ``{"figure", "tier", "wall_s", "cpu_s", "max_rss_mib", "target_s",
    "within_target"}``, where wall is ``time.perf_counter`` and CPU ``time.process_time``
    around ``render``; the target applies to the full tier only (``None`` otherwise)."""
    from theory._context import RunContext
    from theory.figures import get_figure

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fid in ids:
            module = get_figure(fid)
            ctx = RunContext(tier=tier, seed=seed, progress=progress)
            w0, c0 = time.perf_counter(), time.process_time()
            module.render(ctx, Path(tmp) / f"{fid}.png")
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            target = TARGET_SECONDS.get(fid) if tier == "full" else None
            rows.append(
                {
                    "figure": fid,
                    "tier": tier,
                    "wall_s": round(wall, 1),
                    "cpu_s": round(cpu, 1),
                    "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                    "target_s": target,
                    "within_target": None if target is None else wall <= target,
                }
            )
    return rows
