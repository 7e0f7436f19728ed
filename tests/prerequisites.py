"""What a test does when a tool it needs is not on the machine."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(what: str) -> NoReturn:
    """Skip on a developer's machine that lacks a tool; fail in CI (``CI`` set), where every
    tool is installed by the Makefile or the machine, so a broken install step cannot pass as a
    skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (in CI it should be installed)")
    pytest.skip(what)
