"""What a run is asked for (tier, seed, significance level) and how every random stream in it
is seeded, so that any number in a report can be reproduced on its own.

The generator of one piece of evidence is ``numpy.random.default_rng(seed)`` where ``seed`` is
recorded in the evidence. It is derived from the run's root seed and a stable key (the
quantity's name, the check and the point index) with ``numpy.random.SeedSequence``, so adding a
claim never changes the numbers of another.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from theory._validation import check_choice, check_int, check_probability
from theory._verdict import DEFAULT_ALPHA

__all__ = ["TIERS", "RunContext", "derive_seed"]

TIERS = ("quick", "full")


def _key_int(part: object) -> int:
    if isinstance(part, int) and part >= 0:
        return part
    return zlib.crc32(str(part).encode())


def derive_seed(root: int, *key: object) -> int:
    """A 63-bit seed from the root seed and a key of strings/ints (stable across runs)."""
    ss = np.random.SeedSequence(root, spawn_key=tuple(_key_int(k) for k in key))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


@dataclass
class RunContext:
    """Tier (``quick``/``full``), root ``seed``, family-wise level ``alpha`` and a cache.

    ``cache`` may be shared between runs (e.g. a test session judging a claim and its wrong
    variants on the same simulated data); entries are keyed by tier and seed as well, so runs
    with different settings never see each other's results.
    """

    tier: str = "quick"
    seed: int = 0
    alpha: float = DEFAULT_ALPHA
    progress: Callable[[str], None] | None = None
    cache: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.tier = check_choice("tier", self.tier, TIERS)
        self.seed = check_int("seed", self.seed, minimum=0, maximum=2**63 - 1)
        self.alpha = check_probability("alpha", self.alpha)

    @property
    def full(self) -> bool:
        return self.tier == "full"

    def pick(self, quick, full):
        """The tier's value of a size parameter."""
        return full if self.full else quick

    def rng(self, *key: object) -> tuple[int, np.random.Generator]:
        """``(seed, generator)`` for the stream named by ``key``."""
        seed = derive_seed(self.seed, *key)
        return seed, np.random.default_rng(seed)

    def cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Memoise an expensive result (e.g. a simulation shared by two claims)."""
        full_key = (self.tier, self.seed, key)
        if full_key not in self.cache:
            self.cache[full_key] = compute()
        return self.cache[full_key]

    def note(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)
