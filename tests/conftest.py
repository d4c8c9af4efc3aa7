"""Shared fixtures.

Real public datasets live beside the repository in ``../shared/data`` (see its
MANIFEST.md) and are never copied in. Tests that need them take the
``shared_data`` fixture, which skips with a clear reason where they are absent.
``KREISLAUF_SHARED_DATA`` overrides the location.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("KREISLAUF_SHARED_DATA", REPO_ROOT.parent / "shared" / "data")
).resolve()
FIXTURES = REPO_ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real-data folder ``../shared/data``; skips the test where it is absent."""
    if not (SHARED_DATA / "MANIFEST.md").is_file():
        pytest.skip(f"real data not found at {SHARED_DATA} (set KREISLAUF_SHARED_DATA)")
    return SHARED_DATA


def shared_file(relpath: str) -> Path:
    """Path of one file under ``../shared/data``; skips the test where it is absent."""
    path = SHARED_DATA / relpath
    if not path.is_file():
        pytest.skip(f"real data file not found: {path}")
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium for browser tests; skips where it is not installed."""
    for candidate in (os.environ.get("KREISLAUF_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests save screenshots.

    A test run must not modify tracked files, so screenshots go to a temporary folder
    unless ``KREISLAUF_SCREENSHOTS`` names one (``KREISLAUF_SCREENSHOTS=docs/img pytest -m
    browser`` refreshes the README's pictures).
    """
    target = os.environ.get("KREISLAUF_SCREENSHOTS")
    path = Path(target).resolve() if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
