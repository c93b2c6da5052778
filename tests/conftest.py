"""Shared pytest configuration: hypothesis profiles (``default`` is derandomised, as in CI)."""

import atexit
import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    derandomize=True,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("default"))
settings.register_profile("dev", derandomize=False, deadline=None, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Tests never read or write the user's derivation cache: a fresh, empty one per session.
_CACHE = tempfile.mkdtemp(prefix="lsa-verify-test-cache-")
os.environ["LSA_VERIFY_CACHE_DIR"] = _CACHE
os.environ.pop("LSA_VERIFY_NO_CACHE", None)
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
