"""The plugin is registered under pytest11 and never breaks an ordinary pytest run."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]


def test_entry_point_registered() -> None:
    eps = [ep for ep in entry_points(group="pytest11") if ep.name == "pyst_sim"]
    assert len(eps) == 1
    assert eps[0].value == "pytest_plugin.plugin"


def test_plain_run_unaffected(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_ok():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    # The plugin was really loaded by the entry point (not just importable).
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--pyst-scenario*"])
