"""Property tests: quoting round trips through Asterisk's splitter, messages round trip
through the wire, and no bytes in any chunking make either role raise anything but
RemoteProtocolError."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from pyst.agi import (
    COMMANDS,
    AGICommand,
    AGICommandSpec,
    AGIConnection,
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Failure,
    Role,
    State,
    build_command,
    find_command,
    quote_arg,
    split_args,
)
from pyst.agi.protocol import Sentinel
from pyst.errors import LocalProtocolError, RemoteProtocolError

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to parse_args, mixed with everything else (NUL and LF excluded:
# quote_arg refuses them, see test below).
TRICKY = st.sampled_from([" ", "\t", '"', "\\", "\r", "(", ")", "=", "\x0b", "é", "\udcff"])
ARG_CHARS = st.one_of(TRICKY, st.characters(codec="utf-8", exclude_characters="\n\x00"))
ARGS = st.text(alphabet=ARG_CHARS, max_size=30)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points) if b > a]


@FAST
@given(ARGS)
def test_quote_arg_reads_back_as_exactly_one_argument(value: str) -> None:
    quoted = quote_arg(value)
    assert "\n" not in quoted
    assert split_args(quoted) == [value]
    assert split_args(f"NOOP {quoted} tail") == ["NOOP", value, "tail"]


@FAST
@given(ARGS, st.sampled_from(["\n", "\x00"]), ARGS)
def test_quote_arg_refuses_newline_and_nul(head: str, bad: str, tail: str) -> None:
    try:
        quote_arg(head + bad + tail)
    except LocalProtocolError:
        return
    raise AssertionError("accepted a newline or NUL")


@FAST
@given(st.sampled_from(COMMANDS), st.lists(ARGS, max_size=8), st.booleans())
def test_build_command_splits_back_to_words_and_args(
    command: AGICommandSpec, args: list[str], upper: bool
) -> None:
    name = command.name.upper() if upper else command.name
    line = build_command(name, *args)
    assert split_args(line) == [*name.split(" "), *args]
    found = find_command(split_args(line))
    # No command's words are a prefix of another's, so the args are never swallowed.
    assert found == (command, args)


@SLOW
@given(st.lists(ARGS, max_size=6), st.lists(st.integers(min_value=0), max_size=6))
def test_commands_survive_the_wire_in_any_chunking(args: list[str], cuts: list[int]) -> None:
    command = AGICommand.build("EXEC", "Verbose", *args)
    data = command.to_bytes()
    asterisk = AGIConnection(Role.ASTERISK)
    asterisk.send(AGIEnvironment())
    events = []
    for piece in chunked(data, cuts):
        asterisk.receive_data(piece)
        while isinstance(event := asterisk.next_event(), CommandLine):
            events.append(event)
    assert len(events) == 1
    assert events[0].name == "exec"
    assert events[0].args == ("Verbose", *args)


# --- replies --------------------------------------------------------------------------------

# Text that can be encoded (lone surrogates only in the range surrogateescape produces).
ESCAPED = st.sampled_from(["\udc80", "\udcff"])
LINE_TEXT = st.text(
    alphabet=st.one_of(ESCAPED, st.characters(codec="utf-8", exclude_characters="\n")),
    max_size=40,
)
TOKEN = st.text(
    alphabet=st.one_of(ESCAPED, st.characters(codec="utf-8", exclude_characters="\n ")),
    max_size=12,
)
KEY = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
              min_size=1, max_size=8)
VALUE = st.one_of(TOKEN, TOKEN.map(lambda t: '"' + t.replace('"', "") + ' x"'))


@st.composite
def replies(draw: st.DrawFn) -> AGIReply:
    code = draw(st.sampled_from([100, 200, 200, 200, 503, 510, 511, 520, 999]))
    result = draw(st.none() | TOKEN)
    data = draw(st.none() | LINE_TEXT)
    extra = draw(st.dictionaries(KEY, VALUE, max_size=4))
    text = draw(st.none() | LINE_TEXT)
    usage = draw(st.none() | st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
    try:
        return AGIReply(code, result, data, extra, text, usage)
    except LocalProtocolError:
        reject()


@FAST
@given(replies())
def test_reply_build_parse_round_trip(reply: AGIReply) -> None:
    assert AGIReply.parse(reply.to_text()) == reply
    assert AGIReply.parse(reply.to_text()).to_text() == reply.to_text()


@SLOW
@given(replies(), st.lists(st.integers(min_value=0), max_size=5))
def test_reply_round_trip_through_both_roles(reply: AGIReply, cuts: list[int]) -> None:
    asterisk = AGIConnection(Role.ASTERISK)
    script = AGIConnection(Role.SCRIPT)
    script.receive_data(asterisk.send(AGIEnvironment()))
    assert script.next_event() == AGIEnvironment()
    asterisk.receive_data(script.send(AGICommand("NOOP")))
    assert isinstance(asterisk.next_event(), CommandLine)
    wire = asterisk.send(reply)
    got = []
    for piece in chunked(wire, cuts):
        script.receive_data(piece)
        while not isinstance(event := script.next_event(), Sentinel):
            got.append(event)
    assert got == [reply]
    assert got[0].to_bytes() == wire


@FAST
@given(st.from_regex(r"[1-9][0-9]{2} [^\n]*", fullmatch=True))
def test_any_single_reply_line_parses_losslessly(line: str) -> None:
    reply = AGIReply.parse(line)
    assert reply.to_text() == line + "\n"
    assert AGIReply(reply.code, reply.result, reply.data, reply.extra, reply.text) == reply


@FAST
@given(st.sampled_from(["", "1", "20", "200", "099", "520", "200 result="]), LINE_TEXT)
def test_any_text_parses_losslessly_or_is_refused(head: str, tail: str) -> None:
    try:
        reply = AGIReply.parse(head + tail)
    except RemoteProtocolError:
        return
    assert reply.to_text() == head + tail + "\n"


@FAST
@given(st.lists(st.tuples(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n:"), min_size=1,
            max_size=15),
    LINE_TEXT,
), max_size=10, unique_by=lambda pair: pair[0]))
def test_environment_round_trip(pairs: list[tuple[str, str]]) -> None:
    env = AGIEnvironment(pairs)
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(env.to_bytes())
    assert conn.next_event() == env
    assert list(env.items()) == pairs


# --- robustness: arbitrary bytes, arbitrary chunking ----------------------------------------

FRAGMENTS = st.sampled_from([
    b"\n", b"\r\n", b" ", b"200 result=", b"0", b"-1", b" (", b")", b"x", b" endpos=12",
    b"HANGUP\n", b"520-Invalid\n", b"520 End\n", b"100 result=0 Trying...\n", b"agi_x: y\n",
    b"\"", b"\\", b"\x00", b"\xff", b"\xc3", b"failure", b"NOOP", b"ANSWER", b"get variable",
])
NOISE = st.lists(st.one_of(FRAGMENTS, st.binary(max_size=20)), max_size=40).map(b"".join)


def run_script(data: bytes, cuts: list[int], close: bool) -> None:
    conn = AGIConnection(Role.SCRIPT, max_line_length=64, max_block_lines=8)
    try:
        for piece in [*chunked(data, cuts), *([b""] if close else [])]:
            conn.receive_data(piece)
            while True:
                if conn.state is State.READY and not conn.local_closed:
                    conn.send(AGICommand("NOOP"))
                event = conn.next_event()
                if isinstance(event, (Sentinel, ConnectionClosed)):
                    break
    except RemoteProtocolError:
        pass


def run_asterisk(data: bytes, cuts: list[int], close: bool) -> None:
    conn = AGIConnection(Role.ASTERISK)
    conn.send(AGIEnvironment())
    for piece in [*chunked(data, cuts), *([b""] if close else [])]:
        conn.receive_data(piece)
        while True:
            event = conn.next_event()
            if isinstance(event, CommandLine):
                assert "\n" not in event.line and len(event.raw) <= 8191
                conn.send(AGIReply.success(0))
            elif isinstance(event, (Sentinel, ConnectionClosed)):
                break
            else:
                assert isinstance(event, Failure)
    assert not conn.has_pending_input or conn.state is State.DONE or not close


@SLOW
@given(NOISE, st.lists(st.integers(min_value=0), max_size=8), st.booleans())
def test_noise_never_raises_anything_but_remote_protocol_error(
    data: bytes, cuts: list[int], close: bool
) -> None:
    run_script(b"agi_request: x\n\n" + data, cuts, close)
    run_script(data, cuts, close)
    run_asterisk(data, cuts, close)


@SLOW
@given(st.binary(max_size=300), st.lists(st.integers(min_value=0), max_size=8), st.booleans())
def test_random_bytes_never_raise_anything_but_remote_protocol_error(
    data: bytes, cuts: list[int], close: bool
) -> None:
    assume(data)
    run_script(b"agi_request: x\n\n" + data, cuts, close)
    run_asterisk(data, cuts, close)


@SLOW
@given(NOISE)
def test_asterisk_reading_does_not_depend_on_chunking(data: bytes) -> None:
    def lines(chunks: list[bytes]) -> list[tuple[str, bytes]]:
        conn = AGIConnection(Role.ASTERISK)
        conn.send(AGIEnvironment())
        out: list[tuple[str, bytes]] = []
        for piece in [*chunks, b""]:
            conn.receive_data(piece)
            while True:
                event = conn.next_event()
                if isinstance(event, CommandLine):
                    out.append((event.line, event.raw))
                    conn.send(AGIReply.success(0))
                elif isinstance(event, Failure):
                    out.append((event.line, b""))
                else:
                    break
        return out

    assert lines([data]) == lines([data[i : i + 1] for i in range(len(data))])
