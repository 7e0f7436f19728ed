"""Checking outcomes against expectations: sequence modes, counts, diffs and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyst.agi.quoting import split_args
from pyst_sim.scenario.checks import (
    AMIOutcome,
    CallOutcome,
    ObservedAction,
    ScenarioFailure,
    check_ami,
    check_call,
)
from pyst_sim.scenario.loader import load_scenario_text, split_command
from pyst_sim.scenario.model import AMICase, CallCase, ObservedCommand


def commands(*lines: str) -> tuple[ObservedCommand, ...]:
    out = []
    for line in lines:
        split = split_command(split_args(line))
        assert split is not None, line
        out.append(ObservedCommand(split[0], split[1], line, "200 result=0"))
    return tuple(out)


def call_case(tmp_path: Path, expect: str) -> CallCase:
    text = "pyst-scenario: 1\napp: {handler: 'm:f'}\ncalls:\n  - name: c\n    expect:\n"
    text += "".join(f"      {line}\n" for line in expect.strip("\n").splitlines())
    case = load_scenario_text(text, tmp_path / "s.yaml").cases[0]
    assert isinstance(case, CallCase)
    return case


STEPS = """\
match: {mode}
commands:
  - ANSWER
  - STREAM FILE welcome ""
  - command: GET DATA menu
    args_match: prefix
    count: 1-2
  - HANGUP
"""
GOOD = ("ANSWER", 'STREAM FILE welcome ""', "GET DATA menu 5000 1", "HANGUP")


@pytest.mark.parametrize(
    ("mode", "lines", "ok"),
    [
        ("exact", GOOD, True),
        ("exact", (*GOOD[:3], GOOD[2], "HANGUP"), True),
        ("exact", (*GOOD[:3], GOOD[2], GOOD[2], "HANGUP"), False),  # 3 > count 2
        ("exact", ("ANSWER", "VERBOSE hi 1", *GOOD[1:]), False),  # extra command
        ("exact", GOOD[:3], False),  # missing HANGUP
        ("exact", (*GOOD, "NOOP"), False),  # trailing extra
        ("exact", (), False),
        ("partial", ("VERBOSE a", "ANSWER", "NOOP", *GOOD[1:], "NOOP"), True),
        (
            "partial",
            ("ANSWER", 'STREAM FILE welcome ""', "NOOP", GOOD[2], "NOOP", GOOD[2], "HANGUP"),
            True,
        ),
        ("partial", (GOOD[1], GOOD[0], GOOD[2], GOOD[3]), False),  # out of order
        ("partial", GOOD[:2], False),
        ("unordered", tuple(reversed(GOOD)), True),
        ("unordered", ("NOOP", *GOOD), True),
        ("unordered", (*GOOD, "ANSWER"), False),  # ANSWER twice, expected once
        ("unordered", GOOD[1:], False),
    ],
)
def test_sequence_modes(tmp_path: Path, mode: str, lines: tuple[str, ...], ok: bool) -> None:
    case = call_case(tmp_path, STEPS.format(mode=mode))
    found = check_call(case, CallOutcome(commands=commands(*lines)))
    assert (not found) is ok, [m.message for m in found]
    if not ok:
        (m,) = found
        assert m.title == f"AGI commands ({mode})"
        assert m.diff and m.diff[0] == "--- expected (scenario)"


def test_exact_mismatch_points_at_the_step_and_diffs(tmp_path: Path) -> None:
    case = call_case(tmp_path, STEPS.format(mode="exact"))
    out = CallOutcome(
        commands=commands("ANSWER", 'STREAM FILE welcom ""', "GET DATA menu 5000 1", "HANGUP"),
        wire=("-> ANSWER", "<- 200 result=0", '-> STREAM FILE welcom ""'),
    )
    (m,) = check_call(case, out)
    assert m.where is not None and m.where.line == 9  # the STREAM FILE step
    assert m.message == 'expected STREAM FILE welcome "", got command 2 \'STREAM FILE welcom ""\''
    # Agreeing commands print as their step, so only the real difference shows.
    body = [line for line in m.diff if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert body == ['-STREAM FILE welcome ""', '+STREAM FILE welcom ""']
    report = ScenarioFailure("c", [m], out.wire).render()
    assert f"{m.where}: AGI commands (exact)" in report
    assert '>  9 |         - STREAM FILE welcome ""' in report.splitlines()
    assert "last wire lines:\n    -> ANSWER" in report


def test_count_overflow_and_missing_messages(tmp_path: Path) -> None:
    case = call_case(tmp_path, STEPS.format(mode="exact"))
    (m,) = check_call(case, CallOutcome(commands=commands(*GOOD[:3], GOOD[2], GOOD[2])))
    assert "expected 1 to 2 times; command 5" in m.message
    (m,) = check_call(case, CallOutcome(commands=commands(*GOOD[:3])))
    assert m.message.startswith("missing HANGUP")
    (m,) = check_call(case, CallOutcome())
    assert m.message == "missing ANSWER: no command was sent"
    (m,) = check_call(case, CallOutcome(commands=commands(*GOOD, "NOOP")))
    assert m.message == "unexpected command 5 'NOOP' after the last expected one"
    partial = call_case(tmp_path, STEPS.format(mode="partial"))
    (m,) = check_call(partial, CallOutcome(commands=commands("ANSWER", "NOOP")))
    assert m.message.startswith(
        "missing STREAM FILE welcome \"\": no matching command after command 1 'ANSWER'"
    )
    assert m.diff[-1].startswith("(partial matching:")
    unordered = call_case(tmp_path, STEPS.format(mode="unordered"))
    (m,) = check_call(unordered, CallOutcome(commands=commands(*GOOD[1:])))
    assert m.message == "expected ANSWER once, found none"


def test_reply_and_argument_matchers(tmp_path: Path) -> None:
    case = call_case(
        tmp_path,
        """\
commands:
  - command: EXEC
    args: [Dial, {regex: "PJSIP/\\\\d+"}, {any: true}]
    reply: {regex: "200 result=0.*"}
""",
    )
    assert not check_call(case, CallOutcome(commands=commands("EXEC Dial PJSIP/100 30")))
    assert check_call(case, CallOutcome(commands=commands("EXEC Dial SIP/100 30")))
    assert check_call(case, CallOutcome(commands=commands("EXEC Dial PJSIP/100")))
    bad_reply = (ObservedCommand(("EXEC",), ("Dial", "PJSIP/1", "x"), "EXEC ...", "200 result=-2"),)
    assert check_call(case, CallOutcome(commands=bad_reply))


def test_final_state_expectations(tmp_path: Path) -> None:
    case = call_case(
        tmp_path,
        """\
variables: {DIALSTATUS: ANSWER, GONE: null, ANY: {any: true}}
exit: {context: sales, extension: {regex: "\\\\d+"}, priority: 1}
hung_up_by: caller
prompts: [welcome, {startswith: menu}]
digits: "12"
status: SUCCESS
astdb: {"/cidname/555": Alice}
""",
    )
    good = CallOutcome(
        variables={"DIALSTATUS": "ANSWER", "ANY": ""},
        exit_context="sales",
        exit_extension="100",
        exit_priority="1",
        hung_up_by="caller",
        prompts=("welcome", "menu-main"),
        digits="12",
        status="SUCCESS",
        astdb={"cidname/555": "Alice"},
    )
    assert check_call(case, good) == []
    bad = CallOutcome(
        variables={"DIALSTATUS": "BUSY", "GONE": "x"},
        exit_context="support",
        exit_extension="s",
        exit_priority="1",
        hung_up_by=None,
        prompts=("welcome",),
        digits="1",
        status="HANGUP",
        error="Traceback ...\nValueError: boom",
    )
    found = check_call(case, bad)
    titles = [m.title for m in found]
    assert titles == [
        "app error",
        "variable DIALSTATUS",
        "variable GONE",
        "variable ANY",
        "exit context",
        "exit extension",
        "hung up by",
        "prompts",
        "digits",
        "AGISTATUS",
        "AstDB /cidname/555",
    ]
    by_title = {m.title: m for m in found}
    assert by_title["variable DIALSTATUS"].message == "expected ANSWER, got 'BUSY'"
    assert by_title["variable ANY"].message == "expected {any: true}, got absent"
    assert by_title["hung up by"].message == "expected caller, but nobody hung up"
    assert "-{startswith: menu}" in by_title["prompts"].diff
    assert by_title["variable GONE"].where is not None
    assert by_title["variable GONE"].where.line == 6


def ami_case(tmp_path: Path, expect: str) -> AMICase:
    text = "pyst-scenario: 1\nami:\n  - name: a\n    program: {command: x}\n    expect:\n"
    text += "".join(f"      {line}\n" for line in expect.strip("\n").splitlines())
    case = load_scenario_text(text, tmp_path / "s.yaml").cases[0]
    assert isinstance(case, AMICase)
    return case


def action(name: str, **headers: str) -> ObservedAction:
    return ObservedAction(name, tuple(headers.items()))


def test_ami_expectations(tmp_path: Path) -> None:
    case = ami_case(
        tmp_path,
        """\
match: exact
actions:
  - action: Originate
    headers: {Channel: PJSIP/100, Async: true}
  - action: QueueStatus
    count: "+"
stdout: {contains: queued}
""",
    )
    sent = (
        action("Login", Username="admin"),
        action("originate", channel="PJSIP/100", Async="true", ActionID="1"),
        action("Ping"),
        action("QueueStatus"),
        action("QueueStatus", Queue="support"),
        action("Logoff"),
    )
    assert check_ami(case, AMIOutcome(actions=sent, exit_code=0, stdout="call queued")) == []
    found = check_ami(case, AMIOutcome(actions=sent[:2], exit_code=3, stdout="", stderr="oops"))
    assert [m.title for m in found] == ["AMI actions (exact)", "exit code", "stdout"]
    assert found[0].message.startswith("missing Action: QueueStatus")
    assert "stderr:\noops" in found[1].message
    wrong = (action("Originate", Channel="PJSIP/200", Async="true"),)
    (m,) = check_ami(case, AMIOutcome(actions=wrong, exit_code=0, stdout="queued"))
    assert "got action 1 'Action: Originate {Channel: PJSIP/200, Async: true}'" in m.message
    assert "+Action: Originate {Channel: PJSIP/200, Async: true}" in m.diff
    crashed = check_ami(case, AMIOutcome(error="did not finish within 10 s"))
    assert crashed[0].title == "program error"


def test_ami_ignore_list_and_default_unordered(tmp_path: Path) -> None:
    case = ami_case(
        tmp_path,
        """\
ignore: []
actions:
  - {action: Logoff}
  - {action: Login}
exit_code: null
""",
    )
    sent = (action("Login"), action("Logoff"))
    assert check_ami(case, AMIOutcome(actions=sent, exit_code=5)) == []
    (m,) = check_ami(case, AMIOutcome(actions=sent[:1]))
    assert m.title == "AMI actions (unordered)"


def test_failure_without_mismatches_and_wire_truncation() -> None:
    f = ScenarioFailure("x", [], [f"line {i}" for i in range(30)])
    assert str(f.args[0]) == "expectations not met"
    text = f.render(wire_lines=5)
    assert "last wire lines (25 earlier not shown):" in text
    assert text.rstrip().endswith("line 29")
    assert isinstance(f, AssertionError)
