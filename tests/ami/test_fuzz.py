"""Property tests: parse(serialize(m)) == m in both roles, and no input bytes crash a core."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pyst.ami.messages import Action, BadAction, Banner, Event, Message, Response, _fold
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection, ConnectionClosed, ReceivedEvent
from pyst.errors import LocalProtocolError, RemoteProtocolError

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
BANNER = b"Asterisk Call Manager/11.0.0\r\n"

# Text that can stand in a line: no LF, no NUL, no lone surrogates (they cannot be encoded).
# The one escaped byte used, U+DCFF (0xFF), can never merge with a neighbour into valid UTF-8.
_EXTRA = ["\r", " ", "\t", "é", "☎", "\udcff"]
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\0") | st.sampled_from(
    [*_EXTRA, ":"]
)
_NAME_CHARS = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\n\0:"
) | st.sampled_from(_EXTRA)
_BLANKS = "".join(map(chr, range(1, 33)))

names = st.text(_NAME_CHARS, max_size=12)
# Asterisk's reader skips blanks after the colon, so a value that starts with one cannot
# round-trip; anything else can (trailing blanks, inner CRs, colons...).
values = st.text(_CHARS, max_size=40).map(lambda v: v.lstrip(_BLANKS))
bare = st.text(_NAME_CHARS, min_size=1, max_size=20)


@st.composite
def field_lists(draw: st.DrawFn, max_fields: int = 12) -> list[tuple[str, str]]:
    pairs = draw(st.lists(st.tuples(names, values), max_size=max_fields))
    return pairs


@st.composite
def bare_lines(draw: st.DrawFn, n_fields: int) -> list[tuple[int, str]]:
    lines = draw(st.lists(st.tuples(st.integers(0, n_fields), bare), max_size=2))
    return sorted(lines, key=lambda x: x[0])


@st.composite
def client_messages(draw: st.DrawFn) -> Message:
    """What Asterisk writes: Response or Event blocks (or neither-header blocks)."""
    kind = draw(st.sampled_from([Response, Event, Message]))
    fields = draw(field_lists())
    if kind is Message:
        # A plain Message is a block with no Event/Response header at all.
        fields = [(n, v) for n, v in fields if _fold(n) not in ("event", "response")]
        assume(fields)
    else:
        fields = [(kind.kind_header or "", draw(values)), *fields]
    msg_bare = draw(bare_lines(len(fields)))
    if msg_bare and msg_bare[0][0] == 0:
        msg_bare = [(1, text) for _, text in msg_bare]  # keep the kind header first
    if kind is Message:
        assume(not msg_bare or msg_bare[0][0] > 0)
    msg = kind(fields, bare_lines=msg_bare)
    # A first line "Response: Follows" introduces the legacy Command form (raw text follows).
    assume(msg.fields[0] != ("Response", "Follows"))
    return msg


@st.composite
def server_messages(draw: st.DrawFn) -> Action:
    """What a client writes: any block is an Action. Asterisk's limits: lines of at most 1022
    characters (bytes) and at most 128 lines."""
    fields = draw(field_lists(max_fields=20))
    msg = Action(fields, bare_lines=draw(bare_lines(len(fields))))
    assume(all(len(line) <= 1022 for line in msg.to_bytes().split(b"\r\n")))
    return msg


def _chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    out, last = [], 0
    for p in points:
        out.append(data[last:p])
        last = p
    out.append(data[last:])
    return [c for c in out if c]


def _read(role: object, chunks: list[bytes]) -> tuple[list[ReceivedEvent], str | None]:
    """Feed chunks then EOF; return the events and the RemoteProtocolError text, if any.
    Any other exception fails the test."""
    conn = AMIConnection(CLIENT if role == "client" else SERVER)
    out: list[ReceivedEvent] = []
    try:
        for chunk in chunks:
            if chunk:
                out += conn.receive(chunk)
        out += conn.receive(b"")
        while not out or not isinstance(out[-1], ConnectionClosed):
            out += conn.receive(b"")
    except RemoteProtocolError as exc:
        return out, exc.message
    return out, None


def _touch(event: ReceivedEvent) -> None:
    """Use every lazy accessor: none may raise on any input."""
    repr(event)
    if isinstance(event, Message):
        _ = (event.fields, event.bare_lines, event.data, event.name, event.action_id)
        for name, _value in event.fields[:5]:
            assert event.get(name) == event.get_all(name)[0]
            event.get_all_verbatim(name)
        event.get("ActionID")
        event.variables()
        event.chan_variables()
        hash(event)
        if isinstance(event, Response):
            _ = (event.output, event.status, event.is_error, event.message)
        try:
            event.to_bytes()
        except LocalProtocolError:
            pass
    elif isinstance(event, BadAction):
        _ = (event.reason, event.action_id, event.fields)


# --- round trips ----------------------------------------------------------------------------


@SETTINGS
@given(msgs=st.lists(client_messages(), min_size=1, max_size=4), cuts=st.lists(st.integers()))
def test_client_round_trip(msgs: list[Message], cuts: list[int]) -> None:
    wire = BANNER + b"".join(m.to_bytes() for m in msgs)
    events, error = _read("client", _chunked(wire, cuts))
    assert error is None
    assert events == [Banner(), *msgs, ConnectionClosed(b"")]
    for got, sent in zip(events[1:], msgs, strict=False):
        assert type(got) is type(sent)
        assert got.to_bytes() == sent.to_bytes()  # type: ignore[union-attr]


@SETTINGS
@given(msgs=st.lists(server_messages(), min_size=1, max_size=4), cuts=st.lists(st.integers()))
def test_server_round_trip(msgs: list[Action], cuts: list[int]) -> None:
    wire = b"".join(m.to_bytes() for m in msgs)
    events, error = _read("server", _chunked(wire, cuts))
    assert error is None
    assert events == [*msgs, ConnectionClosed(b"")]


@SETTINGS
@given(msg=client_messages())
def test_lf_only_round_trip(msg: Message) -> None:
    try:
        wire = msg.to_bytes(eol="\n")
    except LocalProtocolError:
        assume(False)
        return
    events, error = _read("client", [BANNER + wire])
    assert error is None and events[1:-1] == [msg]
    action = Action(msg.fields, bare_lines=msg.bare_lines)
    events, error = _read("server", [action.to_bytes(eol="\n")])
    if all(len(line) <= 1023 for line in wire.split(b"\n")):
        assert events[:-1] == [action]


@SETTINGS
@given(msg=client_messages(), names_=st.lists(names, max_size=4))
def test_lazy_lookups_agree_with_parsed_fields(msg: Message, names_: list[str]) -> None:
    """get() searches the raw bytes; it must say what the parsed fields say."""
    events, _ = _read("client", [BANNER + msg.to_bytes()])
    got = events[1]
    assert isinstance(got, Message)
    probes = [n for n, _ in msg.fields] + names_
    probes += [p.swapcase() for p in probes]
    assert got._raw is not None
    for probe in probes:
        lazy = type(got)._from_raw(got._raw)
        assert lazy.get(probe) == msg.get(probe), probe
    assert got.name == msg.name and got.action_id == msg.action_id


@SETTINGS
@given(lines=st.lists(st.text(_NAME_CHARS, max_size=30), max_size=6))
def test_command_output_round_trip(lines: list[str]) -> None:
    lines = [line.replace("\n", " ").replace("\0", " ").replace("\r", " ") for line in lines]
    resp = Response.make("Success", ActionID="1", Message="Command output follows", Output=lines)
    events, _ = _read("client", [BANNER + resp.to_bytes()])
    got = events[1]
    assert isinstance(got, Response) and got.output == tuple(lines)


# --- arbitrary bytes ------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        b"\r\n", b"\n", b"\r", b":", b": ", b"\0", b"\xff", b"\xc3", b"\xa9", b" ",
        b"Event: X", b"Response: Success", b"Response: Follows", b"--END COMMAND--",
        b"ActionID: 1", b"actionid:", b"EventList: start", b"Output: ", b"Asterisk Call Manager/",
        b"Action: Ping", b"a" * 700, b"b" * 1030,
    ]
)
garbage = st.one_of(
    st.binary(max_size=400),
    st.lists(_FRAGMENTS, max_size=30).map(b"".join),
)


@SETTINGS
@given(data=garbage, cuts=st.lists(st.integers(), max_size=8), banner=st.booleans())
def test_arbitrary_bytes_client(data: bytes, cuts: list[int], banner: bool) -> None:
    wire = (BANNER if banner else b"") + data
    whole, error = _read("client", [wire])
    chunked, chunked_error = _read("client", _chunked(wire, cuts))
    assert (chunked, chunked_error) == (whole, error)  # chunking never changes the outcome
    for event in whole:
        _touch(event)


@SETTINGS
@given(data=garbage, cuts=st.lists(st.integers(), max_size=8))
def test_arbitrary_bytes_server(data: bytes, cuts: list[int]) -> None:
    whole, error = _read("server", [data])
    assert error is None  # the server role never raises: Asterisk reads anything
    chunked, _ = _read("server", _chunked(data, cuts))
    assert chunked == whole
    for event in whole:
        _touch(event)


@SETTINGS
@given(data=garbage)
def test_arbitrary_bytes_client_small_limit(data: bytes) -> None:
    conn = AMIConnection(CLIENT, max_message_size=64)
    try:
        for event in conn.receive(BANNER + data) + conn.receive(b""):
            _touch(event)
    except RemoteProtocolError:
        pass


# --- the server's one-block-per-chunk fast path ---------------------------------------------


def _bytewise(data: bytes) -> list[bytes]:
    # One byte per chunk never takes the fast path (a 1-byte chunk is never a whole block).
    return [data[i : i + 1] for i in range(len(data))]


@SETTINGS
@given(msgs=st.lists(server_messages(), min_size=1, max_size=4), lf=st.booleans())
def test_server_whole_block_chunks_read_as_the_line_loop(msgs: list[Action], lf: bool) -> None:
    eol = "\n" if lf else "\r\n"
    try:
        blocks = [m.to_bytes(eol=eol) for m in msgs]
    except LocalProtocolError:
        assume(False)  # a value ending in CR cannot be written with bare LFs
        raise
    per_chunk, error = _read("server", blocks)
    assert error is None
    assert per_chunk == _read("server", _bytewise(b"".join(blocks)))[0]


@SETTINGS
@given(data=garbage)
def test_server_garbage_block_chunks_read_as_the_line_loop(data: bytes) -> None:
    # Whatever a chunk holds, ending it like a block must not make the fast path differ.
    chunks = [data + b"\r\n\r\n", b"Action: Ping\r\n\r\n", data + b"\n\r\n"]
    assert _read("server", chunks) == _read("server", _bytewise(b"".join(chunks)))


def test_server_fast_path_keeps_the_wire_bytes() -> None:
    conn = AMIConnection(SERVER)
    conn.send(Banner("11.0.0"))
    for n in range(3):
        (action,) = conn.receive(b"Action: Ping\r\nActionID: %d\r\n\r\n" % n)
        # Taken by the fast path: a message over the chunk's bytes, parsed on first use.
        assert action._raw == b"Action: Ping\r\nActionID: %d" % n
        assert action.fields == (("Action", "Ping"), ("ActionID", str(n)))
    # Blocks read together (a pipelining client) are kept over their wire bytes too.
    first, second = conn.receive(
        b"Action: Ping\r\nActionID: a\r\n\r\nAction: Ping\nActionID: b\n\n")
    assert (first._raw, second._raw) == (b"Action: Ping\r\nActionID: a",
                                         b"Action: Ping\nActionID: b")
    assert second.fields == (("Action", "Ping"), ("ActionID", "b"))
    # A block over Asterisk's limits is still answered as Asterisk does.
    (bad,) = conn.receive(b"Action: Ping\r\nX: " + b"y" * 1100 + b"\r\n\r\n")
    assert isinstance(bad, BadAction)


@pytest.mark.parametrize(
    "chunk",
    [
        b"Action: Ping\n\nAction: Ping\r\n\r\n",  # a bare-LF empty line: two blocks
        b"Action: Ping\r\n\r\nAction: Ping\r\n\r\n",  # two blocks in one chunk
        b"\r\nAction: Ping\r\n\r\n",  # an empty block first
        b"\rAction: Ping\r\n\r\n",  # a line starting with CR
        b"Action: Ping\r\nA: \0b\r\n\r\n",  # NUL: the C string ends there
        b"Action: Ping\nActionID: 1\r\n\r\n",  # a bare LF inside
        b"H:\r\n" * 128 + b"\r\n",  # 128 lines: fits
        b"H:\r\n" * 129 + b"\r\n",  # 129: too many
    ],
)
def test_server_tricky_chunks_read_as_the_line_loop(chunk: bytes) -> None:
    whole = _read("server", [b"Action: Ping\r\n\r\n", chunk])
    assert whole == _read("server", _bytewise(b"Action: Ping\r\n\r\n" + chunk))
