"""Builders of valid parameters (covariances, weight matrices) from a numpy Generator.

Shared by the quantities' parameter points and by the public hypothesis strategies
(:mod:`theory.strategies`), so that both explore the same domain.
"""

from __future__ import annotations

import numpy as np

from theory._validation import InvalidArgument, check_int

__all__ = ["random_covariance", "random_matrix", "random_orthogonal", "random_symmetric"]


def random_orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    """A Haar-distributed orthogonal ``d × d`` matrix (QR of a Gaussian, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def random_covariance(
    rng: np.random.Generator,
    d: int,
    *,
    condition: float = 10.0,
    rank: int | None = None,
    scale: float = 1.0,
) -> np.ndarray:
    r"""A PSD matrix :math:`Q \operatorname{diag}(\lambda) Q^\top` with Haar ``Q`` and nonzero
    eigenvalues spread geometrically over ``[scale/condition, scale]`` (``rank`` of them; the
    rest are exactly zero)."""
    d = check_int("d", d)
    rank = d if rank is None else check_int("rank", rank, minimum=0, maximum=d)
    if not condition >= 1:
        raise InvalidArgument(f"condition={condition!r} is invalid: condition must be >= 1")
    lam = np.zeros(d)
    if rank:
        lam[:rank] = scale * np.geomspace(1.0, 1.0 / condition, rank) if rank > 1 else scale
    q = random_orthogonal(rng, d)
    c = (q * lam) @ q.T
    return (c + c.T) / 2


def random_matrix(rng: np.random.Generator, d: int, *, scale: float = 1.0) -> np.ndarray:
    """A ``d × d`` matrix of i.i.d. :math:`N(0, \\text{scale}^2/d)` entries."""
    return rng.standard_normal((d, d)) * (scale / np.sqrt(d))


def random_symmetric(rng: np.random.Generator, d: int, *, scale: float = 1.0) -> np.ndarray:
    """A symmetric (generally indefinite) ``d × d`` matrix."""
    m = random_matrix(rng, d, scale=scale)
    return (m + m.T) / 2


def parse_matrix(name: str, spec: str, d: int, rng: np.random.Generator) -> np.ndarray:
    """A ``d × d`` matrix from a command-line spec: ``identity``, ``diag:1,2,3``, a JSON list
    of rows ``[[1,0],[0,2]]``, ``random`` or ``random:cond=100`` (a PSD matrix with that
    condition number)."""
    text = spec.strip()
    m = _parse_spec(name, spec, text, d, rng)
    if m.size and not np.all(np.isfinite(m)):
        raise InvalidArgument(
            f"{name}={spec!r} is invalid: entries must be finite numbers (no nan, inf or values "
            "beyond ±1.8e308)"
        )
    big = float(np.max(np.abs(m))) if m.size and np.all(np.isfinite(m)) else 0.0
    if big > MAX_ENTRY:
        raise InvalidArgument(
            f"{name}={spec!r} is invalid: entries must satisfy |x| <= {MAX_ENTRY:g} (got "
            f"{big:.3g}; the formulas multiply up to six matrices, which would overflow)"
        )
    return m


#: largest matrix entry accepted from the command line: products of six such matrices of
#: dimension up to 10^3 stay below the float64 maximum (1e50^6 · 1e15 < 1.8e308)
MAX_ENTRY = 1e50


def _parse_spec(name: str, spec: str, text: str, d: int, rng: np.random.Generator) -> np.ndarray:
    import json
    import math

    try:
        if text in ("identity", "I"):
            return np.eye(d)
        if text.startswith("diag:"):
            vals = [float(v) for v in text[5:].split(",")]
            if len(vals) != d:
                raise InvalidArgument(
                    f"{name}={spec!r} is invalid: diag needs d={d} values, got {len(vals)}"
                )
            return np.diag(vals)
        if text.startswith("random"):
            cond = 10.0
            if text.startswith("random:cond="):
                cond = float(text[len("random:cond=") :])
                if not math.isfinite(cond):
                    raise InvalidArgument(
                        f"{name}={spec!r} is invalid: cond must be a finite number >= 1"
                    )
            elif text != "random":
                raise ValueError(text)
            return random_covariance(rng, d, condition=cond)
        return np.asarray(json.loads(text), dtype=float)
    except InvalidArgument:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError):
        raise InvalidArgument(
            f"{name}={spec!r} is invalid: use identity, diag:v1,...,vd, [[row],...], "
            "random or random:cond=C"
        ) from None
