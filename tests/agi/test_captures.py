"""The j1 FastAGI capture (real Asterisk 22.10.1 traffic) replayed through both roles.

SCRIPT role: Asterisk's bytes go in with the recorded chunk boundaries (and one byte at a
time), the recorded commands are sent in order, and every reply must read as Asterisk meant
it. ASTERISK role: the recorded commands go in and must split and match as Asterisk matched
them, and writing the messages parsed on the SCRIPT side must give back Asterisk's bytes,
byte for byte, environment block included.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pyst.agi import (
    NEED_DATA,
    PAUSED,
    AGICommand,
    AGIConnection,
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Event,
    Hangup,
    Role,
    State,
)
from pyst.agi.messages import DEAD_CHANNEL_TEXT, INVALID_COMMAND_TEXT, USAGE_FOLLOWS_TEXT
from pyst.agi.protocol import Sentinel
from pyst_sim.captures import Capture, Record, load_capture

SAY_DIGITS_USAGE = (
    "Say a given digit string, returning early if any of the given DTMF digits are received on "
    "the channel. Returns <literal>0</literal> if playback completes without a digit being "
    "pressed, or the ASCII numerical value of the digit if one was pressed or "
    "<literal>-1</literal> on error/hangup."
)
OK = {"code": 200}

# Read off the capture by hand: each command in order, the command Asterisk matched with its
# arguments, and what the reply means. (None: no command matched, Asterisk said 510.)
EXPECTED: list[tuple[str, str | None, tuple[str, ...], dict[str, Any]]] = [
    ("ANSWER", "answer", (), {**OK, "result_int": 0}),
    ("CHANNEL STATUS", "channel status", (), {**OK, "result_int": 6}),
    ("GET VARIABLE CHANNEL", "get variable", ("CHANNEL",),
     {**OK, "result_int": 1, "data": "Local/s@fastagi-test-00000009;2"}),
    ("GET VARIABLE NO_SUCH_VAR", "get variable", ("NO_SUCH_VAR",),
     {**OK, "result_int": 0, "data": None}),
    ("GET FULL VARIABLE ${CALLERID(num)}", "get full variable", ("${CALLERID(num)}",),
     {**OK, "result_int": 1, "data": "5552468"}),
    ('GET FULL VARIABLE "${CALLERID(name)} on ${CHANNEL}"', "get full variable",
     ("${CALLERID(name)} on ${CHANNEL}",),
     {**OK, "result_int": 1, "data": "Agi Caller on Local/s@fastagi-test-00000009;2"}),
    ("SET VARIABLE FOO bar", "set variable", ("FOO", "bar"), {**OK, "result_int": 1}),
    ("GET VARIABLE FOO", "get variable", ("FOO",), {**OK, "result_int": 1, "data": "bar"}),
    ('STREAM FILE nonexistent-file "12#"', "stream file", ("nonexistent-file", "12#"),
     {**OK, "result_int": -1, "endpos": 0, "data": None}),
    ('STREAM FILE beep "12#"', "stream file", ("beep", "12#"),
     {**OK, "result_int": 0, "endpos": 2000}),
    ("GET DATA beep 500 4", "get data", ("beep", "500", "4"),
     {**OK, "result": "", "result_int": None, "data": "timeout", "timeout": True}),
    ('SAY DIGITS 123 ""', "say digits", ("123", ""), {**OK, "result_int": 0}),
    ('SAY NUMBER 42 ""', "say number", ("42", ""), {**OK, "result_int": 0}),
    ("WAIT FOR DIGIT 100", "wait for digit", ("100",), {**OK, "result_int": 0}),
    ("DATABASE PUT agitest key1 value1", "database put", ("agitest", "key1", "value1"),
     {**OK, "result_int": 1}),
    ("DATABASE GET agitest key1", "database get", ("agitest", "key1"),
     {**OK, "result_int": 1, "data": "value1"}),
    ("DATABASE DEL agitest key1", "database del", ("agitest", "key1"), {**OK, "result_int": 1}),
    ("DATABASE GET agitest key1", "database get", ("agitest", "key1"),
     {**OK, "result_int": 0, "data": None}),
    ("DATABASE DEL agitest key1", "database del", ("agitest", "key1"), {**OK, "result_int": 1}),
    ("EXEC Wait 0.1", "exec", ("Wait", "0.1"), {**OK, "result_int": 0}),
    ("EXEC NoSuchApplication foo", "exec", ("NoSuchApplication", "foo"),
     {**OK, "result_int": -2}),
    ('VERBOSE "hello from fastagi" 1', "verbose", ("hello from fastagi", "1"),
     {**OK, "result_int": 1}),
    ("FOO BAR", None, (), {"code": 510, "result": None, "text": INVALID_COMMAND_TEXT}),
    ("SAY DIGITS", "say digits", (),
     {"code": 520, "text": USAGE_FOLLOWS_TEXT, "usage": SAY_DIGITS_USAGE}),
    ("SET CONTEXT agi-after", "set context", ("agi-after",), {**OK, "result_int": 0}),
    ("SET EXTENSION 1000", "set extension", ("1000",), {**OK, "result_int": 0}),
    ("SET PRIORITY 1", "set priority", ("1",), {**OK, "result_int": 0}),
    ("RECEIVE CHAR 100", "receive char", ("100",),
     {**OK, "result_int": -1, "data": "hangup", "hangup": True}),
    ("NOOP", "noop", (), {**OK, "result_int": 0}),
    ("NOOP with some args", "noop", ("with", "some", "args"), {**OK, "result_int": 0}),
    ("HANGUP", "hangup", (), {**OK, "result_int": 1}),
    # dead mode from here: the HANGUP line arrived after the reply above
    ("NOOP", "noop", (), {**OK, "result_int": 0}),
    ("GET VARIABLE FOO", "get variable", ("FOO",), {**OK, "result_int": 1, "data": "bar"}),
    ("ANSWER", "answer", (), {"code": 511, "text": DEAD_CHANNEL_TEXT}),
    ("CHANNEL STATUS", "channel status", (), {"code": 511, "text": DEAD_CHANNEL_TEXT}),
]


@pytest.fixture(scope="module")
def j1(shared_dir: Path) -> Capture:
    return load_capture(shared_dir / "captures" / "j1_fastagi_agi_side.jsonl")


def pieces(record: Record, bytewise: bool) -> Iterator[bytes]:
    if bytewise:
        yield from (record.data[i : i + 1] for i in range(len(record.data)))
    else:
        yield record.data


def drain(conn: AGIConnection) -> list[Event]:
    events: list[Event] = []
    while True:
        event = conn.next_event()
        if isinstance(event, Sentinel):
            return events
        events.append(event)
        if isinstance(event, ConnectionClosed):
            return events


def run_script_side(capture: Capture, bytewise: bool) -> list[tuple[str, Event | str]]:
    """Replay j1 in the SCRIPT role; a log of ("sent", line) and ("event", event) in order."""
    conn = AGIConnection(Role.SCRIPT)
    log: list[tuple[str, Event | str]] = []
    for record in capture.records:
        if record.type == "data" and record.dir == "ast2agi":
            for piece in pieces(record, bytewise):
                conn.receive_data(piece)
                log += [("event", e) for e in drain(conn)]
        elif record.type == "data" and record.dir == "agi2ast":
            assert record.data.endswith(b"\n")
            command = AGICommand(record.data[:-1].decode())
            assert conn.send(command) == record.data
            log.append(("sent", command.line))
        elif record.type == "shutdown_wr":
            assert conn.send(ConnectionClosed()) == b""
        elif record.type == "close":
            conn.receive_data(b"")
            log += [("event", e) for e in drain(conn)]
    assert conn.state is State.CLOSED
    assert conn.hangup_notified
    return log


@pytest.mark.parametrize("bytewise", [False, True], ids=["recorded-chunks", "byte-by-byte"])
def test_j1_script_side(j1: Capture, bytewise: bool) -> None:
    log = run_script_side(j1, bytewise)
    kinds = [kind if kind == "sent" else type(item).__name__ for kind, item in log]

    # the environment first, as Asterisk wrote it
    assert kinds[0] == "AGIEnvironment"
    env = log[0][1]
    assert isinstance(env, AGIEnvironment)
    assert env.network and env.network_script == "ivr"
    assert env.request == "agi://127.0.0.1:4573/ivr"
    assert env.channel == "Local/s@fastagi-test-00000009;2"
    assert (env.callerid, env.calleridname, env.context, env.priority) == (
        "5552468", "Agi Caller", "fastagi-test", 2)
    assert (env.accountcode, env.enhanced, env.threadid) == ("", False, 140081454872256)
    assert env.args == ["arg1", "arg 2"]
    assert len(env) == 24

    # then strictly: command, its reply (HANGUP lines may come between)
    sent = [item for kind, item in log if kind == "sent"]
    assert sent == [line for line, *_ in EXPECTED]
    replies: list[AGIReply] = []
    position = 1
    for line, _name, _args, want in EXPECTED:
        assert log[position] == ("sent", line)
        reply = log[position + 1][1]
        assert isinstance(reply, AGIReply), (line, reply)
        replies.append(reply)
        for attribute, value in want.items():
            assert getattr(reply, attribute) == value, (line, attribute)
        position += 2
        while position < len(log) and isinstance(log[position][1], Hangup):
            position += 1
    assert position == len(log) - 1 and isinstance(log[-1][1], ConnectionClosed)

    # the two HANGUP notices: after HANGUP's reply, and after the half-close
    hangups = [i for i, (_, item) in enumerate(log) if isinstance(item, Hangup)]
    hangup_reply = sent.index("HANGUP")
    assert len(hangups) == 2
    assert log[hangups[0] - 2] == ("sent", "HANGUP") and hangups[0] == 2 + 2 * hangup_reply + 1
    assert hangups[1] == len(log) - 2

    # every reply carries the exact text Asterisk sent
    stream = j1.stream("agi", "ast2agi").decode()
    for reply in replies:
        assert reply.raw in stream
    usage = replies[[line for line, *_ in EXPECTED].index("SAY DIGITS")]
    assert usage.raw == (
        "520-Invalid command syntax.  Proper usage follows:\n"
        + SAY_DIGITS_USAGE
        + "\n520 End of proper usage.\n"
    )


@pytest.mark.parametrize("bytewise", [False, True], ids=["recorded-chunks", "byte-by-byte"])
def test_j1_asterisk_side(j1: Capture, bytewise: bool) -> None:
    # The messages Asterisk wrote, as the SCRIPT side parsed them, in order.
    messages = [item for kind, item in run_script_side(j1, bytewise=False) if kind == "event"]
    assert isinstance(messages.pop(), ConnectionClosed)
    conn = AGIConnection(Role.ASTERISK)
    written = bytearray()
    expected_offset = 0
    commands: list[CommandLine] = []
    for record in j1.records:
        if record.type == "data" and record.dir == "ast2agi":
            # Write messages until this recorded chunk is covered (the 520 block came in two
            # chunks, the environment in two).
            expected_offset += len(record.data)
            while len(written) < expected_offset:
                written += conn.send(messages.pop(0))
        elif record.type == "data" and record.dir == "agi2ast":
            assert conn.next_event() is NEED_DATA
            for piece in pieces(record, bytewise):
                conn.receive_data(piece)
            event = conn.next_event()
            assert isinstance(event, CommandLine)
            assert event.raw == record.data and event.terminated
            commands.append(event)
            assert conn.next_event() is PAUSED
        elif record.type == "shutdown_wr":
            conn.receive_data(b"")
            assert conn.next_event() == ConnectionClosed()
        elif record.type == "close":
            assert conn.send(ConnectionClosed()) == b""
    assert messages == []
    assert bytes(written) == j1.stream("agi", "ast2agi")
    assert [(c.line, c.name, c.args) for c in commands] == [
        (line, name, args) for line, name, args, _ in EXPECTED
    ]
    assert commands[3].words == ("GET", "VARIABLE", "NO_SUCH_VAR")
    assert conn.hangup_notified


def test_j1_environment_builder_is_byte_identical(j1: Capture) -> None:
    stream = j1.stream("agi", "ast2agi")
    env_bytes = stream[: stream.index(b"\n\n") + 2]
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(env_bytes)
    env = conn.next_event()
    assert isinstance(env, AGIEnvironment)
    assert env.to_bytes() == env_bytes
    rebuilt = AGIEnvironment.build(
        request=env["agi_request"],
        channel=env["agi_channel"],
        language=env["agi_language"],
        uniqueid=env["agi_uniqueid"],
        version=env["agi_version"],
        callerid=env["agi_callerid"],
        calleridname=env["agi_calleridname"],
        callingpres=env["agi_callingpres"],
        callingani2=env["agi_callingani2"],
        callington=env["agi_callington"],
        callingtns=env["agi_callingtns"],
        dnid=env["agi_dnid"],
        rdnis=env["agi_rdnis"],
        context=env["agi_context"],
        extension=env["agi_extension"],
        priority=env["agi_priority"],
        accountcode=env["agi_accountcode"],
        threadid=env["agi_threadid"],
        args=env.args,
    )
    assert rebuilt == env
    assert AGIConnection(Role.ASTERISK).send(rebuilt) == env_bytes
