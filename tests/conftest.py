"""Shared test configuration: the hypothesis profiles of the fuzz tests, the CLI cache's folder.

``default`` keeps the suite fast (the fuzz tests together well under a
minute on a 2-core machine); ``HYPOTHESIS_PROFILE=fuzz`` runs thousands of
examples for a hardening run (10,000 generated notebooks, 1,000 hostile
objects). Tests that pin their own ``max_examples`` keep it in both.
"""

from __future__ import annotations

import os
import tempfile

import pytest

# The CLI's analysis cache goes to a folder of this test session, never into the checkout
# (tests of the default location unset this); subprocesses inherit it.
os.environ.setdefault("ML_LINT_NB_CACHE_DIR", tempfile.mkdtemp(prefix="ml-lint-nb-cache-"))

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is a test extra; tests that need it skip themselves
    settings = None  # type: ignore[assignment]

if settings is not None:
    _COMMON = {
        "deadline": None,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
        "print_blob": True,
    }
    settings.register_profile("default", max_examples=60, **_COMMON)
    settings.register_profile("fuzz", max_examples=10_000, **_COMMON)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture()
def shell(monkeypatch):
    """A real in-process IPython shell with the extension loaded; what it displays is
    kept in ``sh.published`` (a list of MIME bundles) instead of being shown."""
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    published: list[dict] = []

    def capture(data=None, metadata=None, **_kw):
        published.append(data or {})

    import IPython.display

    monkeypatch.setattr(IPython.display, "publish_display_data", capture)
    sh.run_line_magic("load_ext", "ml_lint_nb")
    sh.published = published
    yield sh
    sh.run_line_magic("unload_ext", "ml_lint_nb")
    InteractiveShell.clear_instance()
