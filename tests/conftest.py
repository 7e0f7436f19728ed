"""Shared test fixtures: where the ground-truth folder (``../shared``) is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyst_sim.captures import find_shared_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = find_shared_dir(REPO_ROOT)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository; tests that need it skip when it is absent."""
    if SHARED is None:
        pytest.skip("the ground-truth folder ../shared (captures, spec, sample configs) is absent")
    return SHARED
