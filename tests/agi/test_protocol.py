"""AGIConnection in both roles: one (message, wire bytes) table drives encode and decode, then
the state machine, limits, decoding and the odd corners of Asterisk's reader."""

from __future__ import annotations

from collections.abc import Iterator

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
    Failure,
    Hangup,
    Message,
    Role,
    State,
    build_command,
    get_command,
)
from pyst.agi.messages import (
    DEAD_CHANNEL_TEXT,
    INVALID_COMMAND_TEXT,
    USAGE_FOLLOWS_TEXT,
    USAGE_UNAVAILABLE_TEXT,
)
from pyst.agi.protocol import TRANSITIONS, Sentinel
from pyst.errors import LocalProtocolError, RemoteProtocolError

J1_ENV = AGIEnvironment.build(
    request="agi://127.0.0.1:4573/ivr",
    channel="Local/s@fastagi-test-00000009;2",
    uniqueid="1795902238.21",
    callerid="5552468",
    calleridname="Agi Caller",
    context="fastagi-test",
    extension="s",
    priority=2,
    threadid=140081454872256,
    args=["arg1", "arg 2"],
)
J1_ENV_BYTES = (
    b"agi_network: yes\nagi_network_script: ivr\nagi_request: agi://127.0.0.1:4573/ivr\n"
    b"agi_channel: Local/s@fastagi-test-00000009;2\nagi_language: en\nagi_type: Local\n"
    b"agi_uniqueid: 1795902238.21\nagi_version: 22.10.1\nagi_callerid: 5552468\n"
    b"agi_calleridname: Agi Caller\nagi_callingpres: 0\nagi_callingani2: 0\n"
    b"agi_callington: 0\nagi_callingtns: 0\nagi_dnid: unknown\nagi_rdnis: unknown\n"
    b"agi_context: fastagi-test\nagi_extension: s\nagi_priority: 2\nagi_enhanced: 0.0\n"
    b"agi_accountcode: \nagi_threadid: 140081454872256\nagi_arg_1: arg1\nagi_arg_2: arg 2\n\n"
)
USAGE = (
    "Say a given digit string, returning early if any of the given DTMF digits are received on "
    "the channel. Returns <literal>0</literal> if playback completes without a digit being "
    "pressed, or the ASCII numerical value of the digit if one was pressed or "
    "<literal>-1</literal> on error/hangup."
)

# The one table: every message with its exact wire bytes. Encoding is checked with
# message.to_bytes() and conn.send(); decoding with the peer role, whole, byte by byte and
# followed by more data.
WIRE: list[tuple[str, Message, bytes]] = [
    ("env-fastagi", J1_ENV, J1_ENV_BYTES),
    (
        "env-classic",
        AGIEnvironment.build(request="hello.agi", channel="PJSIP/100-00000001", enhanced=True),
        b"agi_request: hello.agi\nagi_channel: PJSIP/100-00000001\nagi_language: en\n"
        b"agi_type: PJSIP\nagi_uniqueid: 0.0\nagi_version: 22.10.1\nagi_callerid: unknown\n"
        b"agi_calleridname: unknown\nagi_callingpres: 0\nagi_callingani2: 0\n"
        b"agi_callington: 0\nagi_callingtns: 0\nagi_dnid: unknown\nagi_rdnis: unknown\n"
        b"agi_context: default\nagi_extension: s\nagi_priority: 1\nagi_enhanced: 1.0\n"
        b"agi_accountcode: \nagi_threadid: 0\n\n",
    ),
    (
        "env-colon-values",
        AGIEnvironment([("agi_request", "agi://h/x?a=b:c"), ("agi_x", " two: spaces ")]),
        b"agi_request: agi://h/x?a=b:c\nagi_x:  two: spaces \n\n",
    ),
    ("env-empty", AGIEnvironment(), b"\n"),
    ("200", AGIReply.success(0), b"200 result=0\n"),
    ("200-negative", AGIReply.success(-2), b"200 result=-2\n"),
    (
        "200-data",
        AGIReply.success(1, "Local/s@fastagi-test-00000009;2"),
        b"200 result=1 (Local/s@fastagi-test-00000009;2)\n",
    ),
    ("200-timeout", AGIReply(200, "", "timeout"), b"200 result= (timeout)\n"),
    ("200-endpos", AGIReply.success(-1, endpos=0), b"200 result=-1 endpos=0\n"),
    (
        "200-data-endpos",
        AGIReply.success(0, "timeout", endpos=16117),
        b"200 result=0 (timeout) endpos=16117\n",
    ),
    (
        "200-digit",
        AGIReply.success(1, "digit", digit="5", endpos=1234),
        b"200 result=1 (digit) digit=5 endpos=1234\n",
    ),
    (
        "200-greedy-data",
        AGIReply.success(1, "a) endpos=3 (b"),
        b"200 result=1 (a) endpos=3 (b)\n",
    ),
    (
        "200-speech",
        AGIReply(
            200,
            "1",
            "speech",
            {"endpos": "0", "results": "1", "score0": "900", "text0": '"yes (sir) no"',
             "grammar0": "g"},
        ),
        b'200 result=1 (speech) endpos=0 results=1 score0=900 text0="yes (sir) no" grammar0=g\n',
    ),
    ("200-empty-data", AGIReply.success(1, ""), b"200 result=1 ()\n"),
    ("100-trying", AGIReply(100, "0", text="Trying..."), b"100 result=0 Trying...\n"),
    ("gosub-ok", AGIReply(200, "0", text="Gosub complete"), b"200 result=0 Gosub complete\n"),
    (
        "gosub-abnormal",
        AGIReply(200, "0", text="Gosub complete (abnormal exit)"),
        b"200 result=0 Gosub complete (abnormal exit)\n",
    ),
    (
        "gosub-label",
        AGIReply(200, "-1", text="Gosub label not found"),
        b"200 result=-1 Gosub label not found\n",
    ),
    (
        "503",
        AGIReply(503, "-2", text="Memory allocation failure"),
        b"503 result=-2 Memory allocation failure\n",
    ),
    ("510", AGIReply.invalid_command(), b"510 Invalid or unknown command\n"),
    (
        "511",
        AGIReply.dead_channel(),
        b"511 Command Not Permitted on a dead channel or intercept routine\n",
    ),
    (
        "520-block",
        AGIReply.usage_error(USAGE),
        b"520-Invalid command syntax.  Proper usage follows:\n"
        + USAGE.encode()
        + b"\n520 End of proper usage.\n",
    ),
    (
        "520-multiline-usage",
        AGIReply.usage_error(" Usage: SAY DIGITS\n\n  more <here>\r"),
        b"520-Invalid command syntax.  Proper usage follows:\n Usage: SAY DIGITS\n\n"
        b"  more <here>\r\n520 End of proper usage.\n",
    ),
    (
        "520-unavailable",
        AGIReply.usage_error(None),
        b"520 Invalid command syntax.  Proper usage not available.\n",
    ),
    ("hangup", Hangup(), b"HANGUP\n"),
    ("cmd-plain", AGICommand.build("GET VARIABLE", "CHANNEL"), b"GET VARIABLE CHANNEL\n"),
    ("cmd-empty-arg", AGICommand.build("SAY DIGITS", "123", ""), b'SAY DIGITS 123 ""\n'),
    (
        "cmd-quoted",
        AGICommand.build("VERBOSE", "hello from fastagi", "1"),
        b'VERBOSE "hello from fastagi" 1\n',
    ),
    (
        "cmd-escapes",
        AGICommand.build("SET VARIABLE", "X", 'a "q" \\ \tz\r'),
        b'SET VARIABLE X "a \\"q\\" \\\\ \tz\r"\n',
    ),
    ("cmd-utf8", AGICommand.build("VERBOSE", "Jürgen ☎"), 'VERBOSE "Jürgen ☎"\n'.encode()),
    ("cmd-raw-cr", AGICommand("ANSWER\r"), b"ANSWER\r\n"),
    ("failure", Failure(), b"failure\n"),
    ("failure-text", Failure("FAILURE: cannot exec"), b"FAILURE: cannot exec\n"),
]
WIRE_IDS = [case[0] for case in WIRE]


# --- helpers: connections in the state where a message may be sent or received ---------------


def drain(conn: AGIConnection) -> list[Event]:
    """Every event available now (ConnectionClosed, which repeats, ends the list)."""
    events: list[Event] = []
    while not isinstance(event := conn.next_event(), Sentinel):
        events.append(event)
        if isinstance(event, ConnectionClosed):
            break
    return events


def script_ready() -> AGIConnection:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(b"agi_request: t.agi\n\n")
    assert isinstance(conn.next_event(), AGIEnvironment)
    return conn


def script_awaiting(line: str = "NOOP") -> AGIConnection:
    conn = script_ready()
    conn.send(AGICommand(line))
    return conn


def asterisk_ready() -> AGIConnection:
    conn = AGIConnection(Role.ASTERISK)
    conn.send(AGIEnvironment.build(request="t.agi", channel="Local/x"))
    return conn


def asterisk_awaiting(line: bytes = b"NOOP\n") -> AGIConnection:
    conn = asterisk_ready()
    conn.receive_data(line)
    assert isinstance(conn.next_event(), CommandLine)
    return conn


def sender(message: Message) -> AGIConnection:
    if isinstance(message, AGIEnvironment):
        return AGIConnection(Role.ASTERISK)
    if isinstance(message, AGIReply):
        return asterisk_awaiting()
    if isinstance(message, Hangup):
        return asterisk_ready()
    return script_ready()


def receiver(message: Message) -> AGIConnection:
    if isinstance(message, AGIEnvironment):
        return AGIConnection(Role.SCRIPT)
    if isinstance(message, (AGIReply, Hangup)):
        return script_awaiting()
    return asterisk_ready()


def chunkings(wire: bytes) -> Iterator[list[bytes]]:
    yield [wire]
    yield [wire[i : i + 1] for i in range(len(wire))]
    yield [chunk for chunk in (wire[:3], wire[3:7], wire[7:]) if chunk]


def assert_decoded(message: Message, wire: bytes, event: Event) -> None:
    if isinstance(message, (AGICommand, Failure)) and isinstance(event, CommandLine):
        assert isinstance(message, AGICommand)
        assert (event.line, list(event.words), event.raw) == (message.line, message.words, wire)
        assert event.terminated
    else:
        assert event == message
        assert type(event) is type(message)
    if isinstance(event, AGIReply):
        assert event.raw.encode() == wire


# --- the table --------------------------------------------------------------------------------


@pytest.mark.parametrize(("message", "wire"), [c[1:] for c in WIRE], ids=WIRE_IDS)
def test_encode(message: Message, wire: bytes) -> None:
    assert message.to_bytes() == wire
    assert message.to_text().encode() == wire
    assert sender(message).send(message) == wire


@pytest.mark.parametrize(("message", "wire"), [c[1:] for c in WIRE], ids=WIRE_IDS)
def test_decode_whole_bytewise_and_in_pieces(message: Message, wire: bytes) -> None:
    for chunks in chunkings(wire):
        conn = receiver(message)
        events: list[Event] = []
        for chunk in chunks:
            conn.receive_data(chunk)
            events += drain(conn)
        assert len(events) == 1
        assert_decoded(message, wire, events[0])
        assert not conn.has_pending_input


@pytest.mark.parametrize(("message", "wire"), [c[1:] for c in WIRE], ids=WIRE_IDS)
def test_decode_with_trailing_data(message: Message, wire: bytes) -> None:
    conn = receiver(message)
    conn.receive_data(wire + b"HANGUP\n")
    event = conn.next_event()
    assert not isinstance(event, Sentinel)
    assert_decoded(message, wire, event)
    if conn.role is Role.SCRIPT and conn.state is not State.AWAIT_ENV:
        assert conn.next_event() == Hangup()
    else:
        assert conn.has_pending_input  # the trailing bytes wait for their turn
        assert conn.next_event() in (PAUSED, NEED_DATA)


def test_parsed_replies_write_back_byte_identical() -> None:
    for _, message, wire in WIRE:
        if isinstance(message, AGIReply):
            assert AGIReply.parse(wire.decode()).to_bytes() == wire


# --- SCRIPT role state machine ------------------------------------------------------------------


def test_script_cannot_send_before_the_environment() -> None:
    conn = AGIConnection(Role.SCRIPT)
    with pytest.raises(LocalProtocolError, match="AWAIT_ENV"):
        conn.send(AGICommand("ANSWER"))
    assert conn.state is State.AWAIT_ENV
    assert conn.next_event() is NEED_DATA


def test_script_second_command_while_awaiting_a_reply_names_state_and_command() -> None:
    conn = script_awaiting("GET VARIABLE X")
    assert conn.awaiting_reply_to == AGICommand("GET VARIABLE X")
    with pytest.raises(LocalProtocolError, match=r"AWAIT_REPLY.*GET VARIABLE X"):
        conn.send(AGICommand("NOOP"))
    conn.receive_data(b"200 result=1 (x)\n")
    assert conn.next_event() == AGIReply.success(1, "x")
    assert conn.state is State.READY
    assert conn.awaiting_reply_to is None


def test_script_rejects_a_reply_nobody_asked_for_and_keeps_raising() -> None:
    conn = script_ready()
    conn.receive_data(b"200 result=0\n")
    with pytest.raises(RemoteProtocolError, match="READY") as info:
        conn.next_event()
    assert info.value.data == b"200 result=0\n"
    with pytest.raises(RemoteProtocolError, match="READY"):
        conn.next_event()


def test_script_rejects_a_usage_block_nobody_asked_for_at_its_first_line() -> None:
    conn = script_ready()
    conn.receive_data(b"520-Invalid command syntax.  Proper usage follows:\n")
    with pytest.raises(RemoteProtocolError, match="a 520 reply"):
        conn.next_event()


def test_script_hangup_may_arrive_while_a_reply_is_awaited() -> None:
    conn = script_awaiting("STREAM FILE beep #")
    conn.receive_data(b"HANGUP\n200 result=-1 endpos=160\n")
    assert conn.next_event() == Hangup()
    assert conn.state is State.AWAIT_REPLY
    assert conn.hangup_notified
    reply = conn.next_event()
    assert isinstance(reply, AGIReply)
    assert (reply.result_int, reply.endpos) == (-1, 160)
    # dead mode: the script goes on
    assert conn.send(AGICommand("NOOP")) == b"NOOP\n"
    conn.receive_data(b"200 result=0\nHANGUP\n")
    assert drain(conn) == [AGIReply.success(0), Hangup()]
    assert conn.state is State.READY


def test_script_gosub_provisional_then_final() -> None:
    conn = script_awaiting("GOSUB ctx s 1")
    conn.receive_data(b"100 result=0 Trying...\n")
    trying = conn.next_event()
    assert isinstance(trying, AGIReply) and trying.is_provisional
    assert conn.state is State.AWAIT_REPLY
    assert conn.awaiting_reply_to == AGICommand("GOSUB ctx s 1")
    with pytest.raises(LocalProtocolError):
        conn.send(AGICommand("NOOP"))
    conn.receive_data(b"200 result=0 Gosub complete\n")
    final = conn.next_event()
    assert isinstance(final, AGIReply) and final.text == "Gosub complete"
    assert not final.is_provisional
    assert conn.state is State.READY


def test_script_usage_block_split_anywhere() -> None:
    wire = (
        b"520-Invalid command syntax.  Proper usage follows:\nline one\n 520 indented\n"
        b"520-not the end\n520 End of proper usage.\n"
    )
    for cut in range(1, len(wire)):
        conn = script_awaiting("SAY DIGITS")
        conn.receive_data(wire[:cut])
        events = drain(conn)
        conn.receive_data(wire[cut:])
        events += drain(conn)
        assert len(events) == 1
        reply = events[0]
        assert isinstance(reply, AGIReply)
        assert reply.code == 520 and reply.text == USAGE_FOLLOWS_TEXT
        assert reply.usage == "line one\n 520 indented\n520-not the end"
        assert reply.raw.encode() == wire


def test_script_failure_ends_the_exchange() -> None:
    conn = script_ready()
    assert conn.send(Failure()) == b"failure\n"
    assert conn.state is State.DONE
    with pytest.raises(LocalProtocolError, match="DONE"):
        conn.send(AGICommand("NOOP"))
    conn.receive_data(b"HANGUP\n")
    conn.receive_data(b"")
    assert drain(conn) == [Hangup(), ConnectionClosed()]
    assert conn.state is State.CLOSED
    assert AGIConnection(Role.SCRIPT).send(Failure()) == b"failure\n"  # before any env too
    with pytest.raises(LocalProtocolError, match="AWAIT_REPLY"):
        script_awaiting().send(Failure())


def test_script_reply_after_failure_is_a_remote_error() -> None:
    conn = script_ready()
    conn.send(Failure())
    conn.receive_data(b"200 result=0\n")
    with pytest.raises(RemoteProtocolError, match="DONE"):
        conn.next_event()


def test_script_half_close_still_receives() -> None:
    conn = script_awaiting("CHANNEL STATUS")
    assert conn.send(ConnectionClosed()) == b""
    assert conn.local_closed
    with pytest.raises(LocalProtocolError, match="already sent ConnectionClosed"):
        conn.send(AGICommand("NOOP"))
    conn.receive_data(b"511 Command Not Permitted on a dead channel or intercept routine\n")
    conn.receive_data(b"HANGUP\n")
    conn.receive_data(b"")
    assert drain(conn) == [AGIReply.dead_channel(), Hangup(), ConnectionClosed()]
    assert conn.state is State.CLOSED
    assert conn.next_event() == ConnectionClosed()  # and again
    assert conn.peer_closed


def test_script_eof_while_awaiting_a_reply() -> None:
    conn = script_awaiting()
    conn.receive_data(b"")
    assert conn.next_event() == ConnectionClosed()
    assert conn.state is State.CLOSED
    with pytest.raises(LocalProtocolError, match="CLOSED"):
        conn.send(AGICommand("NOOP"))


def test_script_clean_eof_before_anything() -> None:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(b"")
    assert conn.has_pending_input
    assert conn.next_event() == ConnectionClosed()
    assert not conn.has_pending_input
    conn.receive_data(b"")  # repeated EOF is fine
    with pytest.raises(LocalProtocolError, match="after EOF"):
        conn.receive_data(b"x")


@pytest.mark.parametrize(
    ("setup", "data", "match"),
    [
        ("env", b"agi_request: x\nagi_chan", "environment"),
        ("env", b"agi_request: x\n", "environment"),
        ("reply", b"200 result=", "a reply"),
        ("reply", b"520-Invalid command syntax.  Proper usage follows:\nusage\n", "a reply"),
    ],
)
def test_script_eof_in_the_middle_is_a_remote_error(setup: str, data: bytes, match: str) -> None:
    conn = AGIConnection(Role.SCRIPT) if setup == "env" else script_awaiting()
    conn.receive_data(data)
    conn.receive_data(b"")
    with pytest.raises(RemoteProtocolError, match=match):
        drain(conn)


def test_script_environment_line_without_the_space() -> None:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(b"agi_x:value\nagi_y:\nagi_z:  two\n\n")
    assert conn.next_event() == AGIEnvironment([("agi_x", "value"), ("agi_y", ""),
                                                ("agi_z", " two")])


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"no colon here\n\n", "malformed AGI environment line"),
        (b": value\n\n", "malformed AGI environment line"),
        (b"agi_x: 1\nagi_x: 2\n\n", "sent twice"),
    ],
)
def test_script_bad_environment(data: bytes, match: str) -> None:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(data)
    with pytest.raises(RemoteProtocolError, match=match):
        drain(conn)


@pytest.mark.parametrize(
    "line",
    [b"hello\n", b"20 result=0\n", b"2000 x\n", b"000 result=0\n", b"099 x\n", b"hangup\n", b"\n"],
)
def test_script_garbage_instead_of_a_reply(line: bytes) -> None:
    conn = script_awaiting()
    conn.receive_data(line)
    with pytest.raises(RemoteProtocolError, match="not an AGI reply"):
        conn.next_event()


def test_script_line_length_limit() -> None:
    conn = AGIConnection(Role.SCRIPT, max_line_length=10)
    conn.receive_data(b"agi_a: 123\n")  # exactly 10 bytes
    conn.receive_data(b"agi_b: 1234")  # 11 bytes and no newline yet: already too long
    with pytest.raises(RemoteProtocolError, match="max_line_length=10"):
        conn.next_event()
    conn = AGIConnection(Role.SCRIPT, max_line_length=10)
    conn.receive_data(b"agi_b: 1234\n\n")
    with pytest.raises(RemoteProtocolError, match="max_line_length=10"):
        conn.next_event()


def test_script_block_line_limits() -> None:
    conn = AGIConnection(Role.SCRIPT, max_block_lines=2)
    conn.receive_data(b"a: 1\nb: 2\nc: 3\n\n")
    with pytest.raises(RemoteProtocolError, match="max_block_lines=2"):
        conn.next_event()
    conn = AGIConnection(Role.SCRIPT, max_block_lines=2)
    conn.receive_data(b"a: 1\n\n")
    conn.next_event()
    conn.send(AGICommand("SAY DIGITS"))
    conn.receive_data(b"520-x\n1\n2\n3\n520 End of proper usage.\n")
    with pytest.raises(RemoteProtocolError, match="520 block longer"):
        conn.next_event()


def test_script_memory_stays_bounded_on_an_endless_line() -> None:
    conn = AGIConnection(Role.SCRIPT, max_line_length=1000)
    conn.receive_data(b"agi_x: ")
    with pytest.raises(RemoteProtocolError):
        for _ in range(100):
            conn.receive_data(b"y" * 100)
            conn.next_event()


def test_script_decodes_characters_split_across_reads() -> None:
    wire = "agi_calleridname: Jürgen ☎\nagi_arg_1: \U0001f600\n\n".encode()
    conn = AGIConnection(Role.SCRIPT)
    for i in range(len(wire)):
        conn.receive_data(wire[i : i + 1])
    env = conn.next_event()
    assert isinstance(env, AGIEnvironment)
    assert env.calleridname == "Jürgen ☎"
    assert env.args == ["\U0001f600"]


def test_undecodable_bytes_survive_a_round_trip() -> None:
    conn = script_awaiting("GET VARIABLE X")
    conn.receive_data(b"200 result=1 (caf\xe9 \xff)\n")
    reply = conn.next_event()
    assert isinstance(reply, AGIReply)
    assert reply.data == "caf\udce9 \udcff"
    assert reply.to_bytes() == b"200 result=1 (caf\xe9 \xff)\n"


def test_other_ascii_compatible_encodings() -> None:
    conn = AGIConnection(Role.SCRIPT, encoding="latin-1")
    conn.receive_data(b"agi_calleridname: J\xfcrgen\n\n")
    env = conn.next_event()
    assert isinstance(env, AGIEnvironment) and env.calleridname == "Jürgen"
    with pytest.raises(LocalProtocolError, match="latin-1"):
        conn.send(AGICommand.build("VERBOSE", "€"))
    assert conn.state is State.READY  # unchanged by the failed send
    assert conn.send(AGICommand.build("VERBOSE", "ü")) == b"VERBOSE \xfc\n"
    conn.receive_data(b"200 result=1 (\xe9t\xe9)\n")
    assert conn.next_event() == AGIReply.success(1, "été")


@pytest.mark.parametrize(("encoding", "value"), [("hz", b"~Q"), ("utf-7", b"+\xff")])
def test_decoding_errors_become_remote_errors(encoding: str, value: bytes) -> None:
    # Stateful codecs can fail on ASCII bytes, which surrogateescape does not cover.
    conn = AGIConnection(Role.SCRIPT, encoding=encoding)
    conn.receive_data(b"agi_x: " + value + b"\n\n")
    with pytest.raises(RemoteProtocolError, match=f"cannot decode as {encoding}"):
        conn.next_event()


def test_connection_arguments_are_checked() -> None:
    with pytest.raises(LookupError):
        AGIConnection(Role.SCRIPT, encoding="no-such-codec")
    with pytest.raises(ValueError, match="ASCII-compatible"):
        AGIConnection(Role.SCRIPT, encoding="utf-16")
    with pytest.raises(ValueError, match="at least 1"):
        AGIConnection(Role.SCRIPT, max_line_length=0)
    conn = AGIConnection(Role.SCRIPT)
    assert repr(conn) == "<AGIConnection SCRIPT AWAIT_ENV>"
    assert conn.environment is None


def test_script_role_sends_only_script_messages() -> None:
    conn = script_ready()
    for message in (AGIReply.success(0), Hangup(), AGIEnvironment()):
        with pytest.raises(LocalProtocolError, match="SCRIPT role does not send"):
            conn.send(message)


# --- ASTERISK role ----------------------------------------------------------------------------


def test_asterisk_must_send_the_environment_first() -> None:
    conn = AGIConnection(Role.ASTERISK)
    conn.receive_data(b"ANSWER\n")  # an eager script: buffered until Asterisk reads
    assert conn.next_event() is PAUSED
    for message in (AGIReply.success(0), Hangup()):
        with pytest.raises(LocalProtocolError, match="AWAIT_ENV"):
            conn.send(message)
    conn.send(J1_ENV)
    assert conn.environment == J1_ENV
    with pytest.raises(LocalProtocolError, match="READY"):
        conn.send(J1_ENV)
    event = conn.next_event()
    assert isinstance(event, CommandLine) and event.name == "answer"


def test_asterisk_one_reply_per_command_and_pauses_meanwhile() -> None:
    conn = asterisk_ready()
    assert conn.next_event() is NEED_DATA
    with pytest.raises(LocalProtocolError, match="READY"):
        conn.send(AGIReply.success(0))
    conn.receive_data(b"GET VARIABLE X\nNOOP\n")
    first = conn.next_event()
    assert isinstance(first, CommandLine) and first.args == ("X",)
    assert conn.current_command == first
    assert conn.next_event() is PAUSED
    assert conn.has_pending_input
    conn.send(Hangup())  # allowed at any time after the environment
    assert conn.hangup_notified
    assert conn.send(AGIReply(100, "0", text="Trying...")) == b"100 result=0 Trying...\n"
    assert conn.state is State.AWAIT_REPLY
    conn.send(AGIReply.success(1, "v"))
    assert conn.current_command is None
    second = conn.next_event()
    assert isinstance(second, CommandLine) and second.name == "noop"
    assert not conn.has_pending_input


def test_asterisk_interrupt_ends_a_command_without_reply() -> None:
    conn = asterisk_awaiting(b"STREAM FILE beep 1\nNOOP\n")
    assert conn.has_pending_input  # what makes Asterisk stop playback
    conn.interrupt()
    assert conn.state is State.READY
    event = conn.next_event()
    assert isinstance(event, CommandLine) and event.name == "noop"
    conn.send(AGIReply.success(0))
    with pytest.raises(LocalProtocolError, match="READY"):
        conn.interrupt()
    with pytest.raises(LocalProtocolError, match="ASTERISK role"):
        script_awaiting().interrupt()


@pytest.mark.parametrize(
    ("data", "line", "words", "name"),
    [
        (b"ANSWER\r\n", "ANSWER\r", ("ANSWER\r",), None),
        (b"answer\n", "answer", ("answer",), "answer"),
        (b"\n", "", (), None),
        (b"NOOP a\x00b c\n", "NOOP a", ("NOOP", "a"), "noop"),
        (b"\x00ANSWER\n", "", (), None),
        (b"fail\n", "fail", ("fail",), None),
        (b'  say   DIGITS "1 2" ""\n', '  say   DIGITS "1 2" ""', ("say", "DIGITS", "1 2", ""),
         "say digits"),
    ],
)
def test_asterisk_reads_lines_like_run_agi(
    data: bytes, line: str, words: tuple[str, ...], name: str | None
) -> None:
    conn = asterisk_ready()
    conn.receive_data(data)
    event = conn.next_event()
    assert isinstance(event, CommandLine)
    assert (event.line, event.words, event.name, event.raw) == (line, words, name, data)
    if name is None:
        assert event.command is None and event.args == ()


def test_asterisk_splits_lines_at_its_8192_byte_buffer() -> None:
    body = b"VERBOSE " + b"x" * 9000
    conn = asterisk_ready()
    conn.receive_data(body + b"\nNOOP\n")
    first = conn.next_event()
    assert isinstance(first, CommandLine)
    assert (len(first.raw), first.terminated, first.name) == (8191, False, "verbose")
    conn.send(AGIReply.success(1))
    rest = conn.next_event()
    assert isinstance(rest, CommandLine)
    assert rest.raw == body[8191:] + b"\n" and rest.terminated and rest.command is None


@pytest.mark.parametrize(("size", "pieces"), [(8190, [8191]), (8191, [8191, 1]), (8192, [8191, 2])])
def test_asterisk_buffer_boundary(size: int, pieces: list[int]) -> None:
    conn = asterisk_ready()
    data = b"N" * size + b"\n"
    for i in range(0, len(data), 1000):  # in pieces, so the scan offset is exercised too
        conn.receive_data(data[i : i + 1000])
    got = []
    while isinstance(event := conn.next_event(), CommandLine):
        got.append(len(event.raw))
        conn.send(AGIReply.invalid_command())
    assert got == pieces


def test_asterisk_command_max_length_is_what_fits_one_read() -> None:
    longest = AGICommand("NOOP " + "x" * 8185)
    wire = longest.to_bytes()
    assert len(wire) == 8191
    with pytest.raises(LocalProtocolError, match="too long"):
        AGICommand("NOOP " + "x" * 8186).to_bytes()
    conn = asterisk_ready()
    conn.receive_data(wire)
    event = conn.next_event()
    assert isinstance(event, CommandLine) and event.terminated and event.raw == wire


@pytest.mark.parametrize("line", [b"failure\n", b"FAILURE: exec failed\n", b"FaIlUrEs\n"])
def test_asterisk_failure_line_ends_the_agi(line: bytes) -> None:
    conn = asterisk_ready()
    conn.receive_data(line + b"NOOP\n")
    event = conn.next_event()
    assert event == Failure(line[:-1].decode())
    assert conn.state is State.DONE
    assert conn.next_event() is NEED_DATA  # run_agi never reads again
    assert not conn.has_pending_input
    conn.send(Hangup())  # the final notice is still sent
    conn.receive_data(b"more\n")
    conn.receive_data(b"")
    assert conn.next_event() == ConnectionClosed()
    assert conn.send(ConnectionClosed()) == b""
    with pytest.raises(LocalProtocolError, match="already sent ConnectionClosed"):
        conn.send(Hangup())


def test_asterisk_eof_handles_the_unterminated_last_line_then_closes() -> None:
    conn = asterisk_ready()
    conn.receive_data(b"NOOP\nANSWER")
    conn.receive_data(b"")
    assert conn.peer_closed
    first = conn.next_event()
    assert isinstance(first, CommandLine) and first.terminated
    conn.send(AGIReply.success(0))
    last = conn.next_event()
    assert isinstance(last, CommandLine)
    assert (last.line, last.terminated, last.name) == ("ANSWER", False, "answer")
    assert conn.next_event() is PAUSED
    conn.send(AGIReply.success(0))
    assert conn.next_event() == ConnectionClosed()
    assert conn.next_event() == ConnectionClosed()
    assert conn.state is State.READY  # Asterisk may still write: the final HANGUP
    assert conn.send(Hangup()) == b"HANGUP\n"


def test_asterisk_errors_name_the_unanswered_command() -> None:
    conn = asterisk_awaiting(b"GET VARIABLE X\n")
    with pytest.raises(LocalProtocolError, match=r"AWAIT_REPLY.*'GET VARIABLE X' has not"):
        conn.send(J1_ENV)


@pytest.mark.parametrize("role", list(Role))
def test_long_sessions_reuse_the_buffer(role: Role) -> None:
    count = 12_000  # 84 kB of lines in one read: the consumed front is dropped on the way
    if role is Role.SCRIPT:
        conn = script_ready()
        conn.receive_data(b"HANGUP\n" * count + b"HANG")
        assert drain(conn) == [Hangup()] * count
        conn.receive_data(b"UP\n")
        assert drain(conn) == [Hangup()]
    else:
        conn = asterisk_ready()
        conn.receive_data(b"NOOP\n" * count + b"NO")
        seen = 0
        while isinstance(event := conn.next_event(), CommandLine):
            assert event.raw == b"NOOP\n"
            seen += 1
            conn.send(AGIReply.success(0))
        assert seen == count
        conn.receive_data(b"OP\n")
        event = conn.next_event()
        assert isinstance(event, CommandLine) and event.raw == b"NOOP\n"
    assert not conn.has_pending_input


def test_asterisk_role_sends_only_asterisk_messages() -> None:
    conn = asterisk_ready()
    for message in (AGICommand("NOOP"), Failure()):
        with pytest.raises(LocalProtocolError, match="ASTERISK role does not send"):
            conn.send(message)


def test_custom_command_table() -> None:
    conn = AGIConnection(Role.ASTERISK, commands=[get_command("noop")])
    conn.send(AGIEnvironment())
    conn.receive_data(b"ANSWER\n")
    event = conn.next_event()
    assert isinstance(event, CommandLine) and event.command is None


def test_transition_table_is_read_only_and_covers_both_roles() -> None:
    assert {role for role, _, _ in TRANSITIONS} == set(Role)
    with pytest.raises(TypeError):
        TRANSITIONS[Role.SCRIPT, State.READY, "x"] = State.DONE  # type: ignore[index]


# --- both cores wired together ----------------------------------------------------------------


def test_script_and_asterisk_cores_in_memory() -> None:
    """A tiny simulator on the ASTERISK core answers a script on the SCRIPT core."""
    script = AGIConnection(Role.SCRIPT)
    asterisk = AGIConnection(Role.ASTERISK)
    variables = {"CHANNEL": "Local/x-1;2"}
    received: list[CommandLine] = []

    def answer(command: CommandLine) -> AGIReply:
        if command.command is None:
            return AGIReply.invalid_command()
        if not command.command.accepts(len(command.args)):
            return AGIReply.usage_error(command.command.syntax)
        if asterisk.hangup_notified and not command.command.dead_channel_ok:
            return AGIReply.dead_channel()
        if command.name == "set variable":
            variables[command.args[0]] = command.args[1]
            return AGIReply.success(1)
        if command.name == "get variable":
            value = variables.get(command.args[0])
            return AGIReply.success(0) if value is None else AGIReply.success(1, value)
        return AGIReply.success(0)

    def exchange(command: AGICommand) -> AGIReply:
        asterisk.receive_data(script.send(command))
        line = asterisk.next_event()
        assert isinstance(line, CommandLine)
        received.append(line)
        script.receive_data(asterisk.send(answer(line)))
        reply = script.next_event()
        assert isinstance(reply, AGIReply)
        return reply

    script.receive_data(asterisk.send(J1_ENV))
    assert script.next_event() == J1_ENV
    hairy = 'He said "hi" \\o/ \t tab\rcr (and) ""'
    assert exchange(AGICommand.build("SET VARIABLE", "V", hairy)).result_int == 1
    assert received[-1].args == ("V", hairy)
    assert exchange(AGICommand.build("GET VARIABLE", "V")).data == hairy
    assert exchange(AGICommand.build("GET VARIABLE", "NOPE")).data is None
    assert exchange(AGICommand("FOO BAR")).text == INVALID_COMMAND_TEXT
    usage = exchange(AGICommand.build("SAY DIGITS"))
    assert (usage.code, usage.usage) == (520, "SAY DIGITS <number> <escape_digits>")
    script.receive_data(asterisk.send(Hangup()))
    assert script.next_event() == Hangup()
    assert exchange(AGICommand.build("ANSWER")).text == DEAD_CHANNEL_TEXT
    assert exchange(AGICommand.build("NOOP")).result == "0"
    script.receive_data(asterisk.send(ConnectionClosed()))
    assert script.next_event() == ConnectionClosed()


# --- messages on their own --------------------------------------------------------------------


def test_environment_accessors() -> None:
    env = J1_ENV
    assert env.network and env.network_script == "ivr"
    assert env.request == "agi://127.0.0.1:4573/ivr"
    assert env.channel == "Local/s@fastagi-test-00000009;2"
    assert (env.language, env.channel_type, env.version) == ("en", "Local", "22.10.1")
    assert (env.uniqueid, env.callerid, env.calleridname) == ("1795902238.21", "5552468",
                                                              "Agi Caller")
    assert (env.callingpres, env.callingani2, env.callington, env.callingtns) == (0, 0, 0, 0)
    assert (env.dnid, env.rdnis, env.context, env.extension) == ("unknown", "unknown",
                                                                 "fastagi-test", "s")
    assert (env.priority, env.enhanced, env.accountcode) == (2, False, "")
    assert env.threadid == 140081454872256
    assert env.args == ["arg1", "arg 2"]
    assert list(env)[:3] == ["agi_network", "agi_network_script", "agi_request"]
    bare = AGIEnvironment({"agi_priority": "label", "agi_arg_2": "gap"})
    assert (bare.network, bare.network_script, bare.channel) == (False, None, None)
    assert (bare.priority, bare.threadid, bare.enhanced, bare.args) == (None, None, False, [])


def test_environment_is_an_ordered_immutable_mapping() -> None:
    a = AGIEnvironment([("x", "1"), ("y", "2")])
    b = AGIEnvironment([("y", "2"), ("x", "1")])
    assert a != b  # order is part of the wire form
    assert a == {"x": "1", "y": "2"} == b
    assert a != [("x", "1")]
    assert hash(a) == hash(AGIEnvironment({"x": "1", "y": "2"}))
    assert len(a) == 2 and a["y"] == "2" and "x" in a
    assert repr(a) == "AGIEnvironment({'x': '1', 'y': '2'})"
    with pytest.raises(AttributeError):
        a.foo = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        a["x"] = "2"  # type: ignore[index]


@pytest.mark.parametrize(
    ("pairs", "error"),
    [
        ([("", "v")], LocalProtocolError),
        ([("a:b", "v")], LocalProtocolError),
        ([("a\nb", "v")], LocalProtocolError),
        ([("a", "v\n")], LocalProtocolError),
        ([("a", "1"), ("a", "2")], LocalProtocolError),
        ([("a", 1)], TypeError),
    ],
)
def test_environment_validation(pairs: list[tuple[str, str]], error: type[Exception]) -> None:
    with pytest.raises(error):
        AGIEnvironment(pairs)


@pytest.mark.parametrize(
    ("request_", "kwargs", "network_lines"),
    [
        ("agi://h:4573/ivr?x=1", {}, ["agi_network: yes", "agi_network_script: ivr?x=1"]),
        ("AGI://h", {}, ["agi_network: yes"]),
        ("agi://h/", {}, ["agi_network: yes"]),
        ("hagi://example.com/s", {}, ["agi_network: yes", "agi_network_script: s"]),
        ("hello.agi", {}, []),
        ("agi://h/a", {"network_script": "b"}, ["agi_network: yes", "agi_network_script: b"]),
        ("async", {"network": False}, []),
        ("x.agi", {"channel_type": "SIP", "enhanced": "0.0"}, []),
    ],
)
def test_environment_build_network_lines(
    request_: str, kwargs: dict[str, str], network_lines: list[str]
) -> None:
    env = AGIEnvironment.build(request=request_, channel="SIP/a-1", **kwargs)  # type: ignore[arg-type]
    lines = env.to_text().split("\n")
    assert lines[: len(network_lines)] == network_lines
    assert lines[len(network_lines)] == f"agi_request: {request_}"
    assert env.channel_type == "SIP"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"code": 99}, LocalProtocolError),
        ({"code": 1000}, LocalProtocolError),
        ({"code": True}, TypeError),
        ({"code": "200"}, TypeError),
        ({"code": 200, "result": 0}, TypeError),
        ({"code": 200, "result": "0", "extra": {"endpos": 1}}, TypeError),
        ({"code": 200, "result": "0 1"}, LocalProtocolError),
        ({"code": 200, "result": "0", "data": "a\nb"}, LocalProtocolError),
        ({"code": 200, "result": "0", "data": "x", "text": "free"}, LocalProtocolError),
        ({"code": 200, "result": "0", "text": "(looks like data)"}, LocalProtocolError),
        ({"code": 200, "result": "0", "text": "k=v looks like extra"}, LocalProtocolError),
        ({"code": 200, "result": "0", "extra": {"k": "a b"}}, LocalProtocolError),
        ({"code": 200, "result": "0", "data": "d", "extra": {"k": "x)"}}, LocalProtocolError),
        ({"code": 200, "data": "no result"}, LocalProtocolError),
        ({"code": 200, "text": "result=0"}, LocalProtocolError),
        ({"code": 520, "text": "x", "usage": "fine\n520 closes early"}, LocalProtocolError),
        ({"code": 520, "usage": "no first-line text"}, LocalProtocolError),
    ],
)
def test_reply_validation(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        AGIReply(**kwargs)  # type: ignore[arg-type]


def test_reply_views_equality_and_repr() -> None:
    reply = AGIReply.parse("200 result=0 (timeout) endpos=16117")
    assert (reply.result_int, reply.endpos, reply.timeout, reply.hangup) == (0, 16117, True, False)
    assert reply.raw == "200 result=0 (timeout) endpos=16117\n"
    assert reply == AGIReply.success(0, "timeout", endpos=16117)
    assert reply != AGIReply.success(0, "timeout", endpos=16118)
    assert reply != "200 result=0"
    assert hash(reply) == hash(AGIReply.success(0, "timeout", endpos="16117"))
    assert repr(reply) == (
        "AGIReply(code=200, result='0', data='timeout', extra={'endpos': '16117'})"
    )
    empty = AGIReply.parse("200 result= (timeout)")
    assert (empty.result, empty.result_int, empty.timeout, empty.endpos) == ("", None, True, None)
    odd = AGIReply.parse("200 result=abc endpos=x")
    assert (odd.result_int, odd.endpos) == (None, None)
    assert AGIReply.parse("200 result=-1 (hangup)").hangup
    bare = AGIReply.parse("510 Invalid or unknown command\n")
    assert (bare.result, bare.result_int, bare.text) == (None, None, INVALID_COMMAND_TEXT)
    assert AGIReply.usage_error("").text == USAGE_UNAVAILABLE_TEXT
    with pytest.raises(TypeError):
        reply.extra["x"] = "1"  # type: ignore[index]
    with pytest.raises(AttributeError):
        reply.code = 510  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "", "hello", "20", "HANGUP", "200 result=0\n200 result=1", "520-x\nusage",
        "520-x\n520 e\nmore",
    ],
)
def test_reply_parse_rejects_what_is_not_one_reply(text: str) -> None:
    with pytest.raises(RemoteProtocolError, match="not an AGI reply"):
        AGIReply.parse(text)


def test_command_and_failure_messages() -> None:
    command = AGICommand.build("SAY DIGITS", "1 2", "")
    assert command.line == 'SAY DIGITS "1 2" ""'
    assert command.words == ["SAY", "DIGITS", "1 2", ""]
    assert command.line == build_command("SAY DIGITS", "1 2", "")
    for bad in ("A\nB", "A\x00", "failure", "Failure to launch"):
        with pytest.raises(LocalProtocolError):
            AGICommand(bad)
    with pytest.raises(TypeError):
        AGICommand(b"NOOP")  # type: ignore[arg-type]
    for bad in ("fail", "failure\nNOOP", "failure\x00"):
        with pytest.raises(LocalProtocolError, match="not a failure line"):
            Failure(bad)
    assert ConnectionClosed().to_text() == "" and Hangup().to_text() == "HANGUP\n"
    line = CommandLine.from_line('get variable "X Y"')
    assert (line.name, line.args, line.terminated) == ("get variable", ("X Y",), True)
