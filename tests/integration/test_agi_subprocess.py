"""A pyst2-style AGI script run as a real subprocess, driven over its stdin/stdout by the AGI
core's ASTERISK role, with SIGHUP delivered the way Asterisk delivers it (res_agi.c run_agi:
``kill(pid, SIGHUP)`` when the channel hangs up, while the script may be waiting for a reply).

Every wait is bounded (select with a deadline, ``wait(timeout)``); a stuck script fails the
test instead of hanging it.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from pyst.agi import (
    NEED_DATA,
    AGIConnection,
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Role,
)

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="needs SIGHUP")

# The script as a pyst2 user wrote it; only the import changed (asterisk.agi -> pyst.agi).
SCRIPT = textwrap.dedent('''
    import sys
    from pyst.agi import AGI, AGISIGHUPHangup

    agi = AGI()
    agi.answer()
    agi.verbose("caller " + agi.env["agi_calleridname"])
    try:
        while True:
            agi.stream_file("beep")
    except AGISIGHUPHangup:
        agi.set_variable("HUNG", "yes")
    agi.verbose("bye")
''')

EOF_SCRIPT = textwrap.dedent('''
    import sys
    from pyst.agi import AGI, AGIEOFHangup, AGIHangup

    agi = AGI()
    try:
        agi.answer()
        agi.stream_file("beep")
    except AGIEOFHangup:
        sys.exit(3)
    except AGIHangup:
        sys.exit(4)
''')

AGITB_SCRIPT = textwrap.dedent('''
    import pyst.agitb
    from pyst.agi import AGI

    agi = AGI()
    pyst.agitb.enable(agi)
    agi.answer()
    secret = 6
    print(secret / 0)
''')

# A Latin-1 caller name: not UTF-8. It must come back byte for byte.
ENV = AGIEnvironment.build(
    request="/var/lib/asterisk/agi-bin/script.py", channel="PJSIP/100-00000001",
    calleridname="Jos\udce9", callerid="100",
)


class Script:
    """The script process, with Asterisk's side of the pipes."""

    def __init__(self, tmp_path: Path, source: str) -> None:
        path = tmp_path / "script.py"
        path.write_text(source)
        env = dict(os.environ, PYTHONPATH=str(REPO))
        self.proc = subprocess.Popen(
            [sys.executable, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.conn = AGIConnection(Role.ASTERISK)
        self.write(self.conn.send(ENV))
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def next(self, timeout: float = 15.0) -> CommandLine | ConnectionClosed:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while True:
            event = self.conn.next_event()
            if isinstance(event, (CommandLine, ConnectionClosed)):
                return event
            assert event is NEED_DATA, event
            left = deadline - time.monotonic()
            assert left > 0 and self.selector.select(left), "the script said nothing"
            self.conn.receive_data(os.read(self.proc.stdout.fileno(), 65536))

    def reply(self, reply: AGIReply) -> None:
        self.write(self.conn.send(reply))

    def finish(self, timeout: float = 15.0) -> tuple[int, bytes]:
        assert self.proc.stderr is not None
        code = self.proc.wait(timeout)
        err = self.proc.stderr.read()
        self.selector.close()
        return code, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def script(tmp_path: Path) -> Any:
    made: list[Script] = []

    def make(source: str) -> Script:
        made.append(Script(tmp_path, source))
        return made[-1]

    yield make
    for process in made:
        process.kill()


@pytest.mark.parametrize(
    "reply_after_sighup",
    ["200 result=0 endpos=8000", "200 result=-1 endpos=4000"],
    ids=["played-to-the-end", "cut-short-by-the-hangup"],
)
def test_sighup_while_waiting_for_a_reply(script: Any, reply_after_sighup: str) -> None:
    agi = script(SCRIPT)
    lines = []
    command = agi.next()
    assert isinstance(command, CommandLine) and command.line == "ANSWER"
    agi.reply(AGIReply.success(0))
    command = agi.next()
    assert isinstance(command, CommandLine) and command.name == "verbose"
    assert command.raw == b'VERBOSE "caller Jos\xe9" 1\n'  # undecodable bytes survive
    agi.reply(AGIReply.success(1))
    command = agi.next()
    assert isinstance(command, CommandLine) and command.line == 'STREAM FILE beep ""'
    agi.reply(AGIReply.success(0, endpos=8000))
    command = agi.next()
    assert isinstance(command, CommandLine) and command.line == 'STREAM FILE beep ""'
    # The caller hangs up during the second prompt: SIGHUP first, then the reply.
    agi.proc.send_signal(signal.SIGHUP)
    agi.reply(AGIReply.parse(reply_after_sighup))
    while True:
        command = agi.next()
        if isinstance(command, ConnectionClosed):
            break
        lines.append(command.line)
        if command.command is not None and not command.command.dead_channel_ok:
            agi.reply(AGIReply.dead_channel())  # dead mode
        else:
            agi.reply(AGIReply.success(1))
    code, err = agi.finish()
    assert lines == ["SET VARIABLE HUNG yes", "VERBOSE bye 1"]
    assert code == 0
    assert err == b""  # pyst2 wrote ARGS/ENV LINE/COMMAND/RESULT chatter to stderr


def test_asterisk_closing_the_pipe_is_an_eof_hangup(script: Any) -> None:
    agi = script(EOF_SCRIPT)
    command = agi.next()
    assert isinstance(command, CommandLine) and command.line == "ANSWER"
    agi.reply(AGIReply.success(0))
    command = agi.next()
    assert isinstance(command, CommandLine) and command.name == "stream file"
    agi.proc.stdin.close()  # AGIEXITONHANGUP: Asterisk stops at once
    code, err = agi.finish()
    assert code == 3, err


def test_agitb_reports_an_uncaught_error_through_verbose(script: Any) -> None:
    agi = script(AGITB_SCRIPT)
    lines = []
    while True:
        command = agi.next()
        if isinstance(command, ConnectionClosed):
            break
        lines.append(command)
        agi.reply(AGIReply.success(0) if command.name == "answer" else AGIReply.success(1))
    code, err = agi.finish()
    assert lines[0].line == "ANSWER"
    verbose = [c for c in lines[1:] if c.name == "verbose"]
    assert len(verbose) == len(lines) - 1 and all(c.args[1] == "4" for c in verbose)
    report = "\n".join(c.args[0] for c in verbose)
    assert "ZeroDivisionError: division by zero" in report
    assert "secret = 6" in report  # the variables of the failing line
    assert "agi_channel: PJSIP/100-00000001" in report
    assert code == 1 and err == b""  # reported through AGI, not on stderr
