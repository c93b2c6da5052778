"""Output files: checked before any work, written atomically.

:func:`check_output_path` refuses a path whose directory is missing or unwritable, or that
names a directory, before a long computation starts. :func:`atomic_output` yields a temporary
file in the target's own directory and renames it over the target (``os.replace``) only when
the block finishes, so an interrupted run never leaves a half-written PNG, CSV, JSON or HTML.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from theory._validation import InvalidArgument

__all__ = ["atomic_output", "atomic_write_text", "check_output_path"]


def check_output_path(name: str, path: str | os.PathLike, suffixes: Iterable[str] = ()) -> Path:
    """``path`` as a :class:`Path` if a file can be written there (``InvalidArgument`` naming
    ``name`` otherwise): the suffix is one of ``suffixes`` (if given), the directory exists and
    accepts a new file, and ``path`` is not a directory or an unwritable file."""
    text = os.fspath(path)
    out = Path(text)
    suffixes = [s.lower() for s in suffixes]
    if not text.strip():
        raise InvalidArgument(f"{name}={text!r} is invalid: {name} must be a file name")
    if suffixes and out.suffix.lower() not in suffixes:
        ends = " or ".join(suffixes)
        raise InvalidArgument(f"{name}={text!r} is invalid: {name} must end in {ends}")
    parent = out.parent
    if not parent.exists():
        raise InvalidArgument(f"{name}={text!r} is invalid: directory {parent} does not exist")
    if not parent.is_dir():
        raise InvalidArgument(f"{name}={text!r} is invalid: {parent} is not a directory")
    if out.is_dir():
        raise InvalidArgument(f"{name}={text!r} is invalid: it is a directory, not a file")
    try:  # the only reliable test (permissions, read-only or virtual file systems, root)
        fd, probe = tempfile.mkstemp(dir=parent, prefix=f".{out.name}.", suffix=".probe")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InvalidArgument(
            f"{name}={text!r} is invalid: cannot create a file in {parent} ({exc.strerror})"
        ) from None
    if out.exists() and not os.access(out, os.W_OK):
        raise InvalidArgument(f"{name}={text!r} is invalid: the file exists and is not writable")
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path next to ``path``; renamed onto ``path`` when the block succeeds,
    removed when it raises (the target is then untouched)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; return ``path``."""
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    return Path(path)
