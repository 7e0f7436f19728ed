"""Running scenario items under pytest: pass, fail with a readable report, errors, xdist."""

from __future__ import annotations

import pytest

# Loaded here so pytester's in-process runs reuse them (see test_collection.py).
import pytest_plugin.reporting  # noqa: F401

pytest_plugins = ["pytester"]

QUIET = ("-p", "no:faker", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")

APP = """\
def menu(agi):
    agi.answer()
    choice = agi.get_data("main-menu", timeout=3000, max_digits=1)
    agi.set_variable("CHOICE", choice)
    if choice == "1":
        agi.appexec("Dial", "PJSIP/sales,20")
    agi.hangup()
"""

SCENARIO = """\
pyst-scenario: 1
app: {handler: "menu_app_for_items:menu"}
calls:
  - name: press-one
    caller: {callerid: "5551234", dtmf: "1"}
    expect:
      commands:
        - ANSWER
        - GET DATA main-menu 3000 1
        - SET VARIABLE CHOICE 1
        - EXEC Dial PJSIP/sales,20
        - HANGUP
      variables: {CHOICE: "1", DIALSTATUS: NOANSWER}
      hung_up_by: app
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(menu_app_for_items=APP)
    return pytester


def test_passing_scenario(project: pytest.Pytester) -> None:
    project.makefile(".yaml", menu=SCENARIO)
    result = project.runpytest_inprocess("--pyst-scenario", "menu.yaml", "-v", *QUIET)
    result.stdout.fnmatch_lines(["*menu.yaml::press-one PASSED*"])
    result.assert_outcomes(passed=1)


def test_failing_scenario_report(project: pytest.Pytester) -> None:
    broken = SCENARIO.replace("EXEC Dial PJSIP/sales,20", "EXEC Dial PJSIP/support,20")
    project.makefile(".yaml", menu=broken)
    result = project.runpytest_inprocess("--pyst-scenario", "menu.yaml", *QUIET)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*scenario menu.yaml call 'press-one' (*menu.yaml:4): 1 difference",
            "*menu.yaml:11: AGI commands (exact): expected EXEC Dial PJSIP/support,20, "
            "got command 4 'EXEC Dial PJSIP/sales,20'",
            ">*11 |         - EXEC Dial PJSIP/support,20",
            "--- expected (scenario)",
            "+++ actual",
            "-EXEC Dial PJSIP/support,20",
            "+EXEC Dial PJSIP/sales,20",
            "last wire lines*",
            "*> EXEC Dial PJSIP/sales,20",
            "*Captured pyst-sim transcript call*",
        ]
    )
    # A report, not a Python traceback.
    assert "runner.py" not in out and "Traceback" not in out


def test_scenario_error_at_run_time(project: pytest.Pytester) -> None:
    project.makefile(".yaml", menu=SCENARIO.replace("menu_app_for_items:menu",
                                                    "menu_app_for_items:mneu"))
    result = project.runpytest_inprocess("--pyst-scenario", "menu.yaml", *QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*cannot run the scenario",
            "*menu.yaml:2: 'menu_app_for_items:mneu': 'menu_app_for_items' has no attribute "
            "'mneu' (did you mean 'menu'?)",
        ]
    )


def test_skip_and_xfail_items(project: pytest.Pytester) -> None:
    text = SCENARIO + """\
  - name: not-yet
    skip: true
  - name: known-bug
    xfail: the menu has no option 9
    caller: {dtmf: "9"}
    expect: {variables: {CHOICE: "9", ROUTED: "yes"}}
"""
    project.makefile(".yaml", menu=text)
    result = project.runpytest_inprocess("--pyst-scenario", "menu.yaml", "-rsx", *QUIET)
    result.assert_outcomes(passed=1, skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(["*skipped in the scenario*", "*the menu has no option 9*"])


def test_xdist_spreads_scenario_items(project: pytest.Pytester) -> None:
    cases = "".join(
        f"  - name: case-{i}\n    caller: {{dtmf: '2'}}\n"
        "    expect: {variables: {CHOICE: '2'}, hung_up_by: app}\n"
        for i in range(6)
    )
    project.makefile(".yaml", many=SCENARIO + cases)
    result = project.runpytest_subprocess("--pyst-scenario", "many.yaml", "-n", "2", *QUIET)
    result.assert_outcomes(passed=7)
