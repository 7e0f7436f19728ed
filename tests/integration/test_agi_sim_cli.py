"""``pyst-sim agi``: one simulated call from the command line (the script runs as a child
process), its transcript and exit status; ``--scenario`` runs a scenario file's calls."""

from __future__ import annotations

import argparse
import io
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyst_sim import agi_cli, cli

SCRIPT = """
    import sys
    from pyst.agi import AGI
    agi = AGI()
    agi.answer()
    digits = agi.get_data("enter-account", 2000, 4)
    agi.set_variable("ACCOUNT", digits)
    agi.verbose(f"args {sys.argv[1:]}")
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "ivr.py"
    path.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    return path


def run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="pyst-sim agi")
    agi_cli.add_arguments(parser)
    out = io.StringIO()
    status = agi_cli.run(parser.parse_intermixed_args(list(argv)), out=out)
    return status, out.getvalue()


def test_a_call_prints_its_transcript(script: Path) -> None:
    # Options may also follow the script; '--' lets an AGI argument start with '-'.
    status, text = run("--dtmf", "42#", "--callerid", "5551234", str(script), "one",
                       "--seed", "3", "--timeout", "10", "--", "--two")
    assert status == 0
    lines = text.splitlines()
    assert lines[0] == "    0.000  > ANSWER"
    assert "  < 200 result=42" in text
    assert "> VERBOSE \"args ['one', '--two']\" 1" in text
    assert lines[-1].startswith("-- SUCCESS; hung up by nobody; exit point default,s,2;")
    _, quiet = run("--no-events", "--timeout", "10", str(script))
    assert "* prompt" not in quiet and "> GET DATA" in quiet


def test_errors_give_status_2(script: Path, tmp_path: Path) -> None:
    assert run()[0] == 2
    assert run("--fastagi", "agi://127.0.0.1:1/x", str(script))[0] == 2
    status, text = run(str(tmp_path / "missing.py"))
    assert status == 2 and "not found" in text
    status, text = run("--dtmf", "12x", str(script))
    assert status == 2 and "not a DTMF key" in text
    status, text = run("--fastagi", "agi://127.0.0.1:1/x")
    assert status == 2 and "cannot connect" in text


def test_an_app_that_stops_answering(tmp_path: Path) -> None:
    sleepy = tmp_path / "sleepy.py"
    sleepy.write_text("import sys, time\nprint('ANSWER', flush=True)\ntime.sleep(30)\n")
    # The wall timeout also covers the interpreter start-up: generous, so a loaded CI machine
    # still sees ANSWER before the app goes quiet.
    status, text = run("--timeout", "2", str(sleepy))
    assert status == 2
    assert "> ANSWER" in text and "sent nothing for 2 s" in text


SCENARIO = """
    pyst-scenario: 1
    name: tiny
    calls:
      - name: enters-an-account
        app: {{script: {script}}}
        caller: {{dtmf: [{{digits: "1234"}}]}}
        expect:
          variables: {{ACCOUNT: "{account}"}}
          status: SUCCESS
"""


@pytest.mark.parametrize(("account", "expected"), [("1234", 0), ("9999", 1)])
def test_scenario_expectations(script: Path, tmp_path: Path, account: str,
                               expected: int) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(textwrap.dedent(SCENARIO.format(script=script, account=account)))
    status, text = run("--scenario", str(scenario))
    assert status == expected, text
    assert "> GET DATA enter-account 2000 4" in text
    assert ("PASSED" if expected == 0 else "FAILED") in text


def test_scenario_app_from_the_command_line(script: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.py"
    other.write_text("import sys\nsys.exit(0)\n")
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(textwrap.dedent(SCENARIO.format(script=other, account="1234")))
    # SCRIPT on the command line replaces the scenario's app.
    status, text = run("--scenario", str(scenario), str(script))
    assert status == 0, text
    assert "> GET DATA" in text


def test_scenario_errors(script: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pyst-scenario: 1\nname: bad\ncalls: [{name: x, nonsense: 1}]\n")
    status, text = run("--scenario", str(bad))
    assert status == 2 and "bad.yaml" in text
    assert run("--scenario", str(tmp_path / "none.yaml"))[0] == 2
    empty = tmp_path / "empty.yaml"
    empty.write_text("pyst-scenario: 1\nname: empty\n"
                     "ami:\n  - name: only-ami\n    program: {command: '{python} -c pass'}\n")
    status, text = run("--scenario", str(empty))
    assert status == 2 and "no call cases" in text
    broken = tmp_path / "broken.yaml"
    broken.write_text("pyst-scenario: 1\nname: broken\ncalls:\n  - name: x\n"
                      "    app: {handler: 'no_such_module_here:handler'}\n")
    status, text = run("--scenario", str(broken))
    assert status == 2 and "no_such_module_here" in text


@pytest.fixture
def registered() -> Iterator[None]:
    added = "agi" not in cli.SUBCOMMANDS
    if added:
        cli.register("agi", "pyst_sim.agi_cli", "simulate one AGI call and print it")
    yield
    if added:
        del cli.SUBCOMMANDS["agi"]


@pytest.mark.usefixtures("registered")
def test_through_the_pyst_sim_dispatcher(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["agi", "--timeout", "10", str(script)]) == 0
    assert "> ANSWER" in capsys.readouterr().out
