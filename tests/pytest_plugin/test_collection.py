"""Scenario files as pytest items: --pyst-scenario, the ini option, collection errors."""

from __future__ import annotations

import pytest

# Imported here so that pytester's in-process runs find them loaded (pytester restores
# sys.modules after each run; anything first imported inside a run is imported again, and
# assertion-rewritten again, by the next one).
import pytest_plugin.reporting  # noqa: F401

pytest_plugins = ["pytester"]

# Other plugins of this venv that the inner runs do not need (each costs an import per run).
QUIET = ("-p", "no:faker", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(*args, *QUIET)


SCENARIO = """\
pyst-scenario: 1
app: {handler: "apps:ivr"}
calls:
  - name: greeting
  - name: menu
    parametrize: [{id: alice, cid: "1"}, {id: bob, cid: "2"}]
    caller: {callerid: "{{cid}}"}
  - name: later
    skip: not written yet
ami:
  - name: monitor
    program: {command: "{python} -c pass"}
"""


def test_one_item_per_call_and_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", ivr=SCENARIO)
    result = run(pytester, "--pyst-scenario", "ivr.yaml", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "ivr.yaml::greeting",
            "ivr.yaml::menu[[]alice[]]",
            "ivr.yaml::menu[[]bob[]]",
            "ivr.yaml::later",
            "ivr.yaml::monitor",
            "5 tests collected*",
        ]
    )
    assert result.ret == 0


def test_only_scenarios_run_when_only_scenarios_are_asked(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", ivr=SCENARIO)
    pytester.makepyfile(test_other="def test_x():\n    pass\n")
    pytester.makeini("[pytest]\ntestpaths = .\n")
    result = run(pytester, "--pyst-scenario", "ivr.yaml", "--collect-only", "-q")
    assert "test_x" not in result.stdout.str()
    # With explicit paths as well, both are collected.
    result = run(pytester, "test_other.py", "--pyst-scenario", "ivr.yaml", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["test_other.py::test_x", "ivr.yaml::greeting", "6 tests*"])


def test_folders_and_globs(pytester: pytest.Pytester) -> None:
    sub = pytester.mkdir("scen")
    (sub / "a.yaml").write_text(SCENARIO)
    (sub / "nested").mkdir()
    (sub / "nested" / "b.yml").write_text(SCENARIO.replace("greeting", "other"))
    (sub / "cassette.yaml").write_text("version: 1\ninteractions: []\n")
    result = run(pytester, "--pyst-scenario", "scen", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["scen/a.yaml::greeting", "scen/nested/b.yml::other", "10 tests collected*"]
    )
    result = run(pytester, "--pyst-scenario", "scen/*.yaml", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["5 tests collected*"])
    result = run(pytester, "--pyst-scenario", "nope/*.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--pyst-scenario nope/[*].yaml: no such file, folder or glob*"])


def test_ini_option_collects_pyst_yaml_from_testpaths(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npyst_scenario_files = *.pyst.yaml\n")
    pytester.makefile(".pyst.yaml", ivr=SCENARIO)
    pytester.makefile(".yaml", ignored=SCENARIO)
    result = run(pytester, "--collect-only", "-q")
    result.stdout.fnmatch_lines(["ivr.pyst.yaml::greeting", "5 tests collected*"])
    assert "ignored.yaml" not in result.stdout.str()


def test_schema_error_reported_at_collection_with_file_line(pytester: pytest.Pytester) -> None:
    bad = SCENARIO.replace("  - name: greeting\n", "  - name: greeting\n    caler: {}\n")
    pytester.makefile(".yaml", ivr=bad)
    result = run(pytester, "--pyst-scenario", "ivr.yaml")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*invalid scenario */ivr.yaml:5: calls[[]0[]].caler: unknown key 'caler' "
            "(did you mean 'caller'?)",
            ">*5 |     caler: {}",
            "*1 error*",
        ]
    )
    # No Python traceback for a scenario error.
    assert "Traceback" not in result.stdout.str()
    assert "loader.py" not in result.stdout.str()


def test_report_header_and_verbose_listing(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", ivr=SCENARIO)
    result = run(pytester, "--pyst-scenario", "ivr.yaml", "-v", "-k", "later")
    result.stdout.fnmatch_lines(["pyst-sim: 1 scenario file", "*ivr.yaml::later SKIPPED*"])


def test_plain_runs_ignore_yaml(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", ivr=SCENARIO)
    pytester.makepyfile(test_other="def test_x():\n    pass\n")
    result = run(pytester, "-q")
    result.assert_outcomes(passed=1)


def test_bad_record_mode_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npyst_record_mode = sometimes\n")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*pyst_record_mode = 'sometimes': choose one of none*"])
