"""Disk cache of seed-independent symbolic derivations.

A derivation's result depends only on its arguments and on the code that computes it, never
on a seed, so ``make run`` need not redo the sympy work of an earlier run. :func:`disk_cache`
memoises a function in memory (like ``functools.cache``) and on disk:

* **key**: SHA-256 of the function's qualified name, ``repr`` (``srepr`` for sympy objects) of
  its arguments, the package version, the sympy version, a hash of every ``derivations/*.py``
  source file and of the file defining the function (editing a derivation invalidates the whole
  cache; editing a check invalidates its own entries);
* **what is cached**: pure functions of their arguments only — the derivations (no seed
  enters them) and a few exact sympy steps of the checks on a printed formula (``sp.solve`` of a
  printed equation, exact limits), keyed by their exact sympy input;
* **store**: one pickle per key in ``$LSA_VERIFY_CACHE_DIR`` (default ``~/.cache/lsa-verify``),
  written to a temporary file in the same directory and moved into place with
  :func:`os.replace` (atomic), so concurrent runs never see a partial file;
* **robust**: a file that cannot be read or unpickled is ignored (and recomputed); a result that
  cannot be pickled is simply not stored; ``LSA_VERIFY_NO_CACHE=1`` disables the disk layer.

Clear it with ``rm -rf ~/.cache/lsa-verify`` (or :func:`clear`).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import pickle
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["cache_dir", "clear", "disk_cache", "enabled"]

F = TypeVar("F", bound=Callable[..., Any])

_SRC = Path(__file__).resolve().parent
_FINGERPRINT: str | None = None


def enabled() -> bool:
    """False when ``LSA_VERIFY_NO_CACHE`` is set to anything but ``""``/``0``."""
    return os.environ.get("LSA_VERIFY_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """``$LSA_VERIFY_CACHE_DIR`` or ``~/.cache/lsa-verify``."""
    env = os.environ.get("LSA_VERIFY_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "lsa-verify"


def _fingerprint() -> str:
    """Package and sympy versions plus a hash of the derivations' source files."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        h = hashlib.sha256()
        try:
            h.update(metadata.version("lsa-verify").encode())
        except metadata.PackageNotFoundError:
            h.update(b"unknown")
        import sympy

        h.update(sympy.__version__.encode())
        for path in sorted(_SRC.glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def _arg_repr(a: Any) -> str:
    import sympy

    # srepr keeps what repr drops (a symbol's assumptions, a matrix's entries' types)
    return sympy.srepr(a) if isinstance(a, sympy.Basic | sympy.MatrixBase) else repr(a)


def _source_hash(fn: Callable) -> str:
    """Hash of the file defining ``fn`` (a cached function outside derivations/ too)."""
    try:
        return hashlib.sha256(Path(inspect.getsourcefile(fn) or "").read_bytes()).hexdigest()
    except (OSError, TypeError):
        return "no-source"


def _key(qualname: str, args: tuple, kwargs: dict, source: str = "") -> str:
    parts = [_arg_repr(a) for a in args]
    parts += [f"{k}={_arg_repr(v)}" for k, v in sorted(kwargs.items())]
    text = repr((qualname, parts, _fingerprint(), source))
    return hashlib.sha256(text.encode()).hexdigest()


def _load(path: Path) -> tuple[bool, Any]:
    try:
        with open(path, "rb") as fh:
            return True, pickle.load(fh)
    except Exception:  # missing, truncated or corrupted: recompute
        return False, None


def _store(path: Path, value: Any) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # not picklable: keep it in memory only
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:  # read-only or full disk: the cache is an optimisation only
        return


def disk_cache(fn: F) -> F:
    """Memoise ``fn`` in memory and on disk (see the module docstring)."""
    qualname = f"{fn.__module__}.{fn.__qualname__}"
    source: list[str] = []

    def wrapper(*args, **kwargs):
        if not enabled():
            return fn(*args, **kwargs)
        if not source:
            source.append(_source_hash(fn))
        path = cache_dir() / f"{_key(qualname, args, kwargs, source[0])}.pkl"
        ok, value = _load(path)
        if ok:
            return value
        value = fn(*args, **kwargs)
        _store(path, value)
        return value

    functools.update_wrapper(wrapper, fn)
    cached = functools.cache(wrapper)
    cached.uncached = fn  # type: ignore[attr-defined]
    return cached  # type: ignore[return-value]


def clear() -> int:
    """Delete every cached file; returns how many were removed."""
    root = cache_dir()
    count = 0
    if root.is_dir():
        for path in root.glob("*.pkl"):
            path.unlink(missing_ok=True)
            count += 1
    return count
