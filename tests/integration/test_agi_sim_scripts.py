"""Classic AGI scripts (child processes) under the simulator: pyst2 0.5.1, pystrix 1.3 and our
``pyst.agi`` run the standard IVR session with DTMF and hangup variants; SIGHUP, exit status,
``failure``, stderr and unresponsive scripts; and coverage.py measuring a script.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pyst_sim.agi import AGITimeoutError, Caller, simulate_call
from pyst_sim.errors import SimulatorError

TIMEOUT = 10.0

IVR = {
    "pyst2": """
        from asterisk.agi import AGI
        agi = AGI()
        agi.answer()
        agi.stream_file("welcome", "12")
        digits = agi.get_data("enter-account", 3000, 4)
        agi.set_variable("ACCOUNT", digits)
        assert agi.get_variable("ACCOUNT") == digits
        agi.say_digits(digits)
        agi.verbose("account entered")
        agi.hangup()
    """,
    "pystrix": """
        import pystrix.agi
        from pystrix.agi import core
        agi = pystrix.agi.AGI()
        agi.execute(core.Answer())
        agi.execute(core.StreamFile("welcome", "12"))
        digits, timed_out = agi.execute(core.GetData("enter-account", 3000, 4))
        agi.execute(core.SetVariable("ACCOUNT", digits))
        assert agi.execute(core.GetVariable("ACCOUNT")) == digits
        agi.execute(core.SayDigits(digits))
        agi.execute(core.Verbose("account entered"))
        agi.execute(core.Hangup())
    """,
    "pyst": """
        from pyst.agi import AGI
        agi = AGI()
        agi.answer()
        agi.stream_file("welcome", "12")
        digits = agi.get_data("enter-account", 3000, 4)
        agi.set_variable("ACCOUNT", digits)
        assert agi.get_variable("ACCOUNT") == digits
        agi.say_digits(digits)
        agi.verbose("account entered")
        agi.hangup()
    """,
}


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize("library", sorted(IVR))
def test_ivr_session_with_dtmf(tmp_path: Path, library: str) -> None:
    if library != "pyst":
        pytest.importorskip({"pyst2": "asterisk.agi", "pystrix": "pystrix"}[library])
    script = write(tmp_path, f"{library}_ivr.py", IVR[library])
    record = simulate_call(script, caller=Caller(dtmf="1234"), seed=1, timeout=TIMEOUT)
    assert record.exit_code == 0, record.stderr
    assert record.variables["ACCOUNT"] == "1234"
    record.assert_prompts("welcome", "enter-account", "digits/1", "digits/2", "digits/3",
                          "digits/4")
    record.assert_commands("answer", "stream file", "get data", "set variable", "get variable",
                           "say digits", "verbose", "hangup")
    record.assert_hung_up_by("app")
    assert record.agi_status == "HANGUP"
    assert record.env is not None and record.env["agi_request"] == str(script)
    assert "agi_network" not in record.env


@pytest.mark.parametrize("library", sorted(IVR))
def test_ivr_session_caller_hangs_up(tmp_path: Path, library: str) -> None:
    if library != "pyst":
        pytest.importorskip({"pyst2": "asterisk.agi", "pystrix": "pystrix"}[library])
    script = write(tmp_path, f"{library}_ivr.py", IVR[library])
    record = simulate_call(script, caller=Caller(dtmf="12", hangup_at=2.0), seed=1,
                           timeout=TIMEOUT)
    # Every library stops at the hangup: pyst2 and pyst raise on GET DATA's -1, pystrix on
    # the SIGHUP before its next command. The exit status does not change AGISTATUS.
    last = record.transcript[-1]
    assert (last.name, last.args) == ("get data", ("enter-account", "3000", "4"))
    assert record.replies_to("get data") == ["200 result=-1"]
    record.assert_hung_up_by("caller")
    assert record.agi_status == "HANGUP"
    assert record.exit_code == 1
    assert "Traceback" in record.stderr


def test_sighup_comes_before_the_reply_and_only_once(tmp_path: Path) -> None:
    script = write(tmp_path, "sig.py", """
        import signal, sys
        seen = []
        signal.signal(signal.SIGHUP, lambda signum, frame: seen.append(len(replies)))
        replies = []
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
        while stdin.readline().strip():
            pass
        for line in (b"WAIT FOR DIGIT 5000\\n", b"NOOP\\n"):
            stdout.write(line); stdout.flush()
            replies.append(stdin.readline())
        sys.stderr.write(f"{seen} {replies}")
    """)
    record = simulate_call(script, caller=Caller(hangup_at=1.0), seed=1, timeout=TIMEOUT)
    # The SIGHUP arrived while the script waited for the -1 reply; closing its output ended
    # the AGI without a second SIGHUP (Asterisk stops signalling a script that closed).
    assert record.stderr == "[0] [b'200 result=-1\\n', b'200 result=0\\n']"
    assert record.exit_code == 0
    assert record.agi_status == "HANGUP"


def test_script_arguments_environment_and_failing_exit(tmp_path: Path) -> None:
    script = write(tmp_path, "args.py", """
        import os, sys
        env = {}
        for line in iter(sys.stdin.readline, "\\n"):
            key, _, value = line.rstrip("\\n").partition(": ")
            env[key] = value
        sys.stderr.write(f"{sys.argv[1:]} {env['agi_arg_1']} {env['agi_arg_2']} "
                         f"{os.environ['AST_AGI_DIR']} {os.environ['MINE']}")
        sys.exit(3)
    """)
    record = simulate_call([str(script), "one"], "two words", seed=1, timeout=TIMEOUT,
                           script_env={"MINE": "yes"}, cwd=tmp_path)
    assert record.stderr == (
        "['one', 'two words'] one two words /var/lib/asterisk/agi-bin yes"
    )
    assert record.exit_code == 3
    assert record.agi_status == "FAILURE"  # a non-zero exit after a clean end


def test_failure_line_ends_the_agi(tmp_path: Path) -> None:
    script = write(tmp_path, "fail.py", """
        import sys
        while sys.stdin.readline().strip():
            pass
        print("failure", flush=True)
        sys.stdin.readline()  # Asterisk closes the pipe: EOF
    """)
    record = simulate_call(script, seed=1, timeout=TIMEOUT)
    assert record.agi_status == "FAILURE"
    assert record.transcript == []


def test_unresponsive_script_is_stopped(tmp_path: Path) -> None:
    script = write(tmp_path, "sleepy.py", "import time\ntime.sleep(60)\n")
    started = time.perf_counter()
    with pytest.raises(AGITimeoutError) as info:
        simulate_call(script, seed=1, timeout=0.5)
    assert time.perf_counter() - started < 5
    assert info.value.record is not None
    assert info.value.record.exit_code == -signal.SIGHUP


def test_missing_or_unstartable_scripts(tmp_path: Path) -> None:
    with pytest.raises(SimulatorError, match="not found"):
        simulate_call(tmp_path / "nothing.py", timeout=TIMEOUT)
    plain = write(tmp_path, "not-executable", "echo hi\n")
    with pytest.raises(SimulatorError, match="cannot start"):
        simulate_call(plain, timeout=TIMEOUT)
    shell = write(tmp_path, "shell.sh", "#!/bin/sh\nread x\nwhile read line && [ -n \"$line\" ]; "
                                        "do :; done\necho NOOP\nread reply\necho \"$reply\" >&2\n")
    shell.chmod(0o755)
    record = simulate_call(shell, seed=1, timeout=TIMEOUT)
    assert record.stderr == "200 result=0\n"


def test_coverage_measures_the_agi_script(tmp_path: Path) -> None:
    pytest.importorskip("coverage")
    script = write(tmp_path, "covered_agi.py", """
        from pyst.agi import AGI
        agi = AGI()
        digit = agi.wait_for_digit(3000)
        if digit == "1":
            agi.verbose("pressed one")
        else:
            agi.verbose("pressed something else")
    """)
    driver = write(tmp_path, "driver.py", f"""
        from pyst_sim.agi import Caller, simulate_call
        record = simulate_call({str(script)!r}, caller=Caller(dtmf="1"), timeout=10)
        assert record.exit_code == 0, record.stderr
    """)
    rcfile = write(tmp_path, "coverage.ini", f"""
        [run]
        patch = subprocess
        branch = true
        data_file = {tmp_path / ".coverage"}
        source = {tmp_path}
    """)
    # A clean environment: the outer test run may itself be measured by coverage.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    run = [sys.executable, "-m", "coverage"]
    done = subprocess.run([*run, "run", f"--rcfile={rcfile}", str(driver)], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    for command in (["combine"], ["json", "-o", str(tmp_path / "cov.json")]):
        done = subprocess.run([*run, *command, f"--rcfile={rcfile}"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr + done.stdout
    report = json.loads((tmp_path / "cov.json").read_text())
    files = {Path(name).name: data for name, data in report["files"].items()}
    measured = files["covered_agi.py"]
    lines = (tmp_path / "covered_agi.py").read_text().splitlines()
    one = lines.index('    agi.verbose("pressed one")') + 1
    other = lines.index('    agi.verbose("pressed something else")') + 1
    assert one in measured["executed_lines"]
    assert other in measured["missing_lines"]
