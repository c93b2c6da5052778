"""The disk cache of symbolic derivations: equal results, robust to corruption, switchable."""

import pickle

import pytest
import sympy as sp

from derivations import _cache

CALLS = []


def _make(tmp_path, monkeypatch):
    monkeypatch.setenv("LSA_VERIFY_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LSA_VERIFY_NO_CACHE", raising=False)
    CALLS.clear()

    def expansion(k: int, x: sp.Symbol):
        CALLS.append(k)
        return sp.expand((x + sp.Symbol("y")) ** k)

    expansion.__qualname__ = f"expansion_{tmp_path.name}"
    return _cache.disk_cache(expansion)


def test_cached_equals_uncached_and_second_process_reads_the_file(tmp_path, monkeypatch):
    f = _make(tmp_path, monkeypatch)
    x = sp.Symbol("x", positive=True)
    first = f(4, x)
    files = list(tmp_path.glob("*.pkl"))
    assert len(files) == 1 and not list(tmp_path.glob(".tmp-*"))  # atomic: no leftovers
    assert first == f.uncached(4, x) == sp.expand((x + sp.Symbol("y")) ** 4)
    # a fresh decorator (as in a new process) loads from disk without recomputing
    CALLS.clear()
    g = _cache.disk_cache(f.uncached)
    again = g(4, x)
    assert again == first and CALLS == []
    assert again.free_symbols == first.free_symbols  # assumptions survive (positive x)
    # other arguments (even a symbol differing only in its assumptions) are other keys
    g(4, sp.Symbol("x"))
    g(3, x)
    assert len(list(tmp_path.glob("*.pkl"))) == 3


def test_corrupted_or_truncated_file_is_ignored_and_rewritten(tmp_path, monkeypatch):
    f = _make(tmp_path, monkeypatch)
    x = sp.Symbol("x")
    good = f(3, x)
    (path,) = tmp_path.glob("*.pkl")
    for garbage in (b"not a pickle", pickle.dumps(good)[:10], b""):
        path.write_bytes(garbage)
        CALLS.clear()
        assert _cache.disk_cache(f.uncached)(3, x) == good
        assert CALLS == [3]  # recomputed
        assert pickle.loads(path.read_bytes()) == good  # and stored again


def test_no_cache_env_disables_the_disk(tmp_path, monkeypatch):
    f = _make(tmp_path, monkeypatch)
    monkeypatch.setenv("LSA_VERIFY_NO_CACHE", "1")
    assert f(2, sp.Symbol("x")) == sp.expand((sp.Symbol("x") + sp.Symbol("y")) ** 2)
    assert list(tmp_path.glob("*.pkl")) == []
    assert not _cache.enabled()


def test_editing_a_derivation_source_changes_every_key(tmp_path, monkeypatch):
    monkeypatch.setattr(_cache, "_FINGERPRINT", None)
    k1 = _cache._key("f", (1,), {})
    monkeypatch.setattr(_cache, "_FINGERPRINT", "edited")
    assert _cache._key("f", (1,), {}) != k1


def test_clear_removes_files(tmp_path, monkeypatch):
    f = _make(tmp_path, monkeypatch)
    f(2, sp.Symbol("x"))
    assert _cache.clear() == 1 and list(tmp_path.glob("*.pkl")) == []
    assert _cache.cache_dir() == tmp_path


@pytest.mark.parametrize("name", ["frobenius_risk", "one_step_test_error", "wishart_sandwich"])
def test_real_derivations_cached_equal_uncached(tmp_path, monkeypatch, name):
    import derivations as dm

    monkeypatch.setenv("LSA_VERIFY_CACHE_DIR", str(tmp_path))
    fn = getattr(dm, name)
    cached = _cache.disk_cache(fn.uncached)()  # computed, stored
    loaded = _cache.disk_cache(fn.uncached)()  # read back from disk
    fresh = fn.uncached()
    assert list(tmp_path.glob("*.pkl"))
    assert not (loaded - fresh).simplified().terms
    assert not (cached - fresh).simplified().terms
