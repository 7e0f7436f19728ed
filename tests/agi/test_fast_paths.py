"""The hot-path shortcuts give what the general paths give: the SCRIPT role's one-step
``200 result=`` reply, and the command methods' checked ``AGICommand`` construction."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyst.agi import AGIConnection, AGIEnvironment, AGIReply, Role
from pyst.agi.commands import _line
from pyst.agi.messages import AGICommand, ConnectionClosed, _valid_command
from pyst.agi.protocol import NEED_DATA, State
from pyst.errors import LocalProtocolError, RemoteProtocolError

# (wire, (result, data, extra, text)) as Asterisk means them (PROTOCOL.md §2.3): data runs to
# the last ")" that ends the line or comes before " key=".
REPLIES = [
    (b"200 result=0\n", ("0", None, {}, None)),
    (b"200 result=1 (Local/bench-00000001;2)\n", ("1", "Local/bench-00000001;2", {}, None)),
    (b"200 result=0 endpos=2000\n", ("0", None, {"endpos": "2000"}, None)),
    (b"200 result=-1 (hangup)\n", ("-1", "hangup", {}, None)),
    (b"200 result= (timeout)\n", ("", "timeout", {}, None)),
    (b"200 result=1 ()\n", ("1", "", {}, None)),
    (b"200 result=1 (a) b)\n", ("1", "a) b", {}, None)),
    (b"200 result=1 (a) b) endpos=7 x=y free text\n",
     ("1", "a) b", {"endpos": "7", "x": "y"}, "free text")),
    (b"200 result=1 (\xff\xfe not utf-8)\n", ("1", "\udcff\udcfe not utf-8", {}, None)),
    (b"200 result=\n", ("", None, {}, None)),
    (b"200 result=1 x)\n", ("1", None, {}, "x)")),
]


def awaiting(command: str = "GET VARIABLE X") -> AGIConnection:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(AGIEnvironment.build(request="agi://h/x", channel="PJSIP/1-1").to_bytes())
    conn.next_event()
    conn.send(AGICommand(command))
    return conn


@pytest.mark.parametrize(("wire", "fields"), REPLIES)
@pytest.mark.parametrize("pieces", ["whole", "bytewise", "with the next line"])
def test_reply_fast_path_reads_what_asterisk_means(
    wire: bytes, fields: tuple[str, str | None, dict[str, str], str | None], pieces: str
) -> None:
    conn = awaiting()
    result, data, extra, text = fields
    expected = AGIReply(200, result, data, extra, text)
    if pieces == "bytewise":
        for byte in wire[:-1]:
            conn.receive_data(bytes([byte]))
            assert conn.next_event() is NEED_DATA
        conn.receive_data(wire[-1:])
    else:
        conn.receive_data(wire + (b"HANGUP\n" if pieces == "with the next line" else b""))
    reply = conn.next_event()
    assert reply == expected
    assert isinstance(reply, AGIReply)
    assert reply == AGIReply.parse(wire.decode("utf-8", "surrogateescape"))
    assert reply.raw == wire.decode("utf-8", "surrogateescape") and reply.to_bytes() == wire
    assert conn.state is State.READY and conn.awaiting_reply_to is None
    assert conn.has_pending_input is (pieces == "with the next line")


def test_a_200_line_nobody_asked_for_still_raises() -> None:
    conn = awaiting()
    conn.receive_data(b"200 result=0\n200 result=1\n")
    assert isinstance(conn.next_event(), AGIReply)
    with pytest.raises(RemoteProtocolError, match="READY"):
        conn.next_event()


def test_a_usage_block_still_reads_as_one_reply() -> None:
    conn = awaiting()
    conn.receive_data(b"520-Invalid command syntax.  Proper usage follows:\nUsage: x\n"
                      b"520 End of proper usage.\n")
    reply = conn.next_event()
    assert isinstance(reply, AGIReply) and reply.code == 520 and reply.usage == "Usage: x"


def test_valid_command_is_the_constructors_object() -> None:
    fast, slow = _valid_command("STREAM FILE beep \"\""), AGICommand('STREAM FILE beep ""')
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert fast.to_bytes() == slow.to_bytes() and fast.words == slow.words
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.line = "NOOP"  # type: ignore[misc]


@pytest.mark.parametrize("tokens", [("a\nb",), ("a\x00b",)])
def test_line_still_refuses_what_no_command_line_can_carry(tokens: tuple[str, ...]) -> None:
    with pytest.raises(LocalProtocolError):
        _line("STREAM FILE", *tokens)


def test_line_builds_what_the_constructor_builds() -> None:
    assert _line("ANSWER") == AGICommand("ANSWER")
    assert _line("SET VARIABLE", "FOO", '"bar"') == AGICommand('SET VARIABLE FOO "bar"')
    assert type(_line("NOOP")) is AGICommand


# --- receive_reply: the general path's events, in one call when the data is one plain reply ---


def events_after(conn: AGIConnection) -> list[object]:
    """Every event up to NEED_DATA (or the error raised), as comparable values."""
    out: list[object] = []
    while True:
        try:
            event = conn.next_event()
        except RemoteProtocolError as exc:
            out.append(("error", str(exc)))
            return out
        if event is NEED_DATA:
            return out
        out.append(event)
        if isinstance(event, ConnectionClosed):
            return out  # (and again on every later call)


def state_of(conn: AGIConnection) -> tuple[object, ...]:
    return (conn.state, conn.awaiting_reply_to, conn.has_pending_input, conn.hangup_notified)


@pytest.mark.parametrize(("wire", "fields"), REPLIES)
def test_receive_reply_returns_a_whole_plain_reply_at_once(
    wire: bytes, fields: tuple[str, str | None, dict[str, str], str | None]
) -> None:
    fast, general = awaiting(), awaiting()
    reply = fast.receive_reply(wire)
    general.receive_data(wire)
    assert reply is not None and [reply] == events_after(general)
    assert reply.raw == wire.decode("utf-8", "surrogateescape")
    assert state_of(fast) == state_of(general) and fast.state is State.READY
    assert fast.next_event() is NEED_DATA


@pytest.mark.parametrize(
    "data",
    [
        b"200 result=0",  # no newline yet
        b"200 result=0\nHANGUP\n",  # more than one line
        b"HANGUP\n",
        b"100 result=0 Trying...\n",
        b"510 Invalid or unknown command\n",
        b"520-Invalid command syntax.  Proper usage follows:\n",
        b"",  # EOF
    ],
)
def test_receive_reply_leaves_everything_else_to_next_event(data: bytes) -> None:
    fast, general = awaiting(), awaiting()
    assert fast.receive_reply(data) is None
    general.receive_data(data)
    assert events_after(fast) == events_after(general)
    assert state_of(fast) == state_of(general)


def test_receive_reply_does_not_jump_bytes_already_buffered() -> None:
    conn = awaiting()
    conn.receive_data(b"HANG")
    assert conn.receive_reply(b"UP\n") is None  # completes the HANGUP line, read first
    assert events_after(conn) == [events_after_hangup()]


def events_after_hangup() -> object:
    conn = awaiting()
    conn.receive_data(b"HANGUP\n")
    return conn.next_event()


def test_receive_reply_only_answers_a_command_that_awaits_one() -> None:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(AGIEnvironment.build(request="agi://h/x", channel="PJSIP/1-1").to_bytes())
    conn.next_event()
    assert conn.receive_reply(b"200 result=0\n") is None  # no command sent
    with pytest.raises(RemoteProtocolError, match="not allowed in state READY"):
        conn.next_event()
    done = awaiting()
    done.receive_data(b"")
    with pytest.raises(LocalProtocolError, match="after EOF"):
        done.receive_reply(b"200 result=0\n")


def test_receive_reply_keeps_to_the_line_length_limit() -> None:
    wire = b"200 result=1 (" + b"x" * 20 + b")\n"
    for limit, fast in ((len(wire) - 1, True), (len(wire) - 2, False)):
        conn = AGIConnection(Role.SCRIPT, max_line_length=limit)
        conn.receive_data(AGIEnvironment.build(request="agi://h/x", channel="PJSIP/1-1").to_bytes())
        conn.next_event()
        conn.send(AGICommand("NOOP"))
        reply = conn.receive_reply(wire)
        assert (reply is not None) is fast
        if not fast:
            with pytest.raises(RemoteProtocolError, match="max_line_length"):
                conn.next_event()


@given(
    st.lists(
        st.one_of(
            st.sampled_from([wire for wire, _fields in REPLIES]),
            st.sampled_from([b"HANGUP\n", b"100 result=0 Trying...\n", b"511 Command Not ",
                             b"Permitted on a dead channel or intercept routine\n", b"\n",
                             b"200 result=", b"0\n"]),
            st.binary(max_size=30),
        ),
        max_size=6,
    )
)
@settings(max_examples=300, deadline=None)
def test_receive_reply_agrees_with_the_general_path(chunks: list[bytes]) -> None:
    # Any sequence of reads: receive_reply (then next_event when it returns None) gives the
    # events and the state that receive_data + next_event give, errors included.
    fast, general = awaiting(), awaiting()
    for chunk in chunks:
        if not chunk:
            continue
        fast_events: list[object] = []
        try:
            reply = fast.receive_reply(chunk)
        except LocalProtocolError as exc:
            fast_events.append(("local", str(exc)))
        else:
            if reply is not None:
                fast_events.append(reply)
            fast_events += events_after(fast)
        general_events: list[object] = []
        try:
            general.receive_data(chunk)
        except LocalProtocolError as exc:
            general_events.append(("local", str(exc)))
        else:
            general_events += events_after(general)
        assert fast_events == general_events
        assert state_of(fast) == state_of(general)
        if fast.state is State.READY:  # the next command, so that replies are due again
            fast.send(AGICommand("NOOP"))
            general.send(AGICommand("NOOP"))


def test_runner_classes_hold_their_command_methods_as_plain_functions() -> None:
    # Reading agi.answer is Python's own method binding (no descriptor call per command),
    # and what a class defines itself is not replaced.
    from pyst.agi import AGI
    from pyst.agi.aio import AsyncAGI
    from pyst.agi.commands import AGICommandMethod, AGICommands

    assert inspect.iscoroutinefunction(AsyncAGI.__dict__["answer"])
    assert inspect.isfunction(AGI.__dict__["answer"])
    assert not inspect.iscoroutinefunction(AGI.__dict__["answer"])
    assert isinstance(AGICommands.__dict__["answer"], AGICommandMethod)  # the mixin keeps it

    class Custom(AsyncAGI):
        async def verbose(self, message: str, level: int = 1) -> None:  # type: ignore[override]
            return None

    assert Custom.__dict__["verbose"] is not AsyncAGI.__dict__["verbose"]
    assert "answer" not in Custom.__dict__  # inherited from AsyncAGI as it is


_ENV_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00")
_ENV_LINES = st.one_of(
    st.tuples(st.sampled_from(["agi_request", "agi_channel", "agi_arg_1", "a", "x y"]),
              st.sampled_from([": ", ":", ":  ", ": :"]),
              st.text(_ENV_CHARS, max_size=8))
    .map("".join),
    st.sampled_from([":no name", "no colon", " : spaced", "agi_request: again", "\r", "a:b:c"]),
    st.text(_ENV_CHARS, max_size=10),
)


@given(st.lists(_ENV_LINES, min_size=1, max_size=8))
@settings(max_examples=300, deadline=None)
def test_environment_block_reads_as_the_line_path_does(lines: list[str]) -> None:
    # Whole (the one-pass block reader) and byte by byte (the line path): the same environment,
    # or the same error.
    wire = ("\n".join(lines) + "\n\n").encode("utf-8", "surrogateescape")

    def read(pieces: list[bytes]) -> object:
        conn = AGIConnection(Role.SCRIPT)
        try:
            for piece in pieces:
                conn.receive_data(piece)
                event = conn.next_event()
                if event is not NEED_DATA:
                    return (event, dict(event.items()) if isinstance(event, AGIEnvironment) else 0)
        except RemoteProtocolError as exc:
            return ("error", str(exc))
        return NEED_DATA

    assert read([wire]) == read([bytes([b]) for b in wire])


def test_an_environment_read_from_the_wire_is_the_one_built() -> None:
    # The parsed environment makes its ordered pairs on first use; it must still compare,
    # hash, count, write and pickle as the constructor's object does.
    import pickle

    built = AGIEnvironment.build(request="agi://h/x", channel="PJSIP/1-1")
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(built.to_bytes())
    parsed = conn.next_event()
    assert isinstance(parsed, AGIEnvironment)
    assert parsed == built and hash(parsed) == hash(built) and len(parsed) == len(built)
    assert parsed.to_bytes() == built.to_bytes() and repr(parsed) == repr(built)
    assert pickle.loads(pickle.dumps(parsed)) == built
    reordered = AGIEnvironment(list(built.items())[::-1])
    assert parsed != reordered  # the order is part of an environment's identity
