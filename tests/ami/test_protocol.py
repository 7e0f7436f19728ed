"""AMIConnection: framing, roles, states, EOF, limits (Asterisk's exact ones), linearity."""

from __future__ import annotations

import pytest

from pyst.ami.messages import (
    LINE_TOO_LONG,
    TOO_MANY_LINES,
    Action,
    BadAction,
    Banner,
    Event,
    Message,
    Response,
    make_bad_action_response,
)
from pyst.ami.protocol import (
    ASTERISK_MAX_HEADERS,
    CLIENT,
    DEFAULT_MAX_MESSAGE_SIZE,
    MAX_BANNER_LENGTH,
    NEED_DATA,
    SERVER,
    AMIConnection,
    ConnectionClosed,
    NeedData,
    ReceivedEvent,
    Role,
    State,
)
from pyst.errors import LocalProtocolError, RemoteProtocolError

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def client(**kwargs: int) -> AMIConnection:
    conn = AMIConnection(CLIENT, **kwargs)
    assert conn.receive(BANNER) == [Banner()]
    return conn


def feed_bytewise(conn: AMIConnection, data: bytes) -> list[ReceivedEvent]:
    out: list[ReceivedEvent] = []
    for b in data:
        out += conn.receive(bytes([b]))
    return out


def drain(conn: AMIConnection) -> list[ReceivedEvent]:
    out: list[ReceivedEvent] = []
    while True:
        ev = conn.next_event()
        if ev is NEED_DATA:
            return out
        assert not isinstance(ev, NeedData)
        out.append(ev)
        if isinstance(ev, ConnectionClosed):
            return out


# --- construction and introspection ---------------------------------------------------------


def test_initial_states() -> None:
    c = AMIConnection("client")
    assert c.role is Role.CLIENT
    assert (c.our_state, c.their_state) == (State.OPEN, State.AWAIT_BANNER)
    assert c.max_message_size == DEFAULT_MAX_MESSAGE_SIZE == 8 * 1024 * 1024
    assert c.banner is None
    s = AMIConnection(Role.SERVER)
    assert (s.our_state, s.their_state) == (State.SEND_BANNER, State.OPEN)
    assert repr(NEED_DATA) == "NEED_DATA" and NeedData() is NEED_DATA


def test_bad_construction() -> None:
    with pytest.raises(ValueError):
        AMIConnection("proxy")
    with pytest.raises(ValueError):
        AMIConnection(CLIENT, max_message_size=0)


# --- client framing -------------------------------------------------------------------------


def test_banner_then_messages_next_event_style() -> None:
    c = AMIConnection(CLIENT)
    assert c.next_event() is NEED_DATA
    c.receive_data(BANNER + b"Response: Success\r\nActionID: 1\r\nPing: Pong\r\n\r\nEvent: A")
    assert c.next_event() == Banner()
    assert c.banner == Banner() and c.their_state is State.OPEN
    r = c.next_event()
    assert isinstance(r, Response) and r.action_id == "1" and r["Ping"] == "Pong"
    assert c.next_event() is NEED_DATA
    assert c.trailing_data == b"Event: A"
    c.receive_data(b"\r\n\r\n")
    ev = c.next_event()
    assert isinstance(ev, Event) and ev.name == "A"
    assert c.next_event() is NEED_DATA


MIXED = (
    b"Event: One\r\nA: 1\r\n\r\n"  # CRLF
    b"Event: Two\nA: 2\n\n"  # bare LF
    b"Event: Three\r\nA: 3\n\r\n"  # mixed
    b"Event: Four\nA: 4\r\n\n"  # mixed the other way
    b"\r\n\n"  # stray empty lines: skipped
    b"Event: Five\r\nA: 5\r\r\n\r\n"  # CR that belongs to the value
    b"\rEvent: Six\r\n\r\n"  # a line starting with CR is a line, not an empty line
)


def _mixed_expected() -> list[Message]:
    return [
        Event.make("One", A="1"),
        Event.make("Two", A="2"),
        Event.make("Three", A="3"),
        Event.make("Four", A="4"),
        Event.make("Five", A="5\r"),
        Message([("\rEvent", "Six")]),
    ]


def test_crlf_lf_and_mixed_line_ends() -> None:
    assert client().receive(MIXED) == _mixed_expected()


def test_crlf_lf_and_mixed_byte_by_byte() -> None:
    assert feed_bytewise(client(), MIXED) == _mixed_expected()


@pytest.mark.parametrize("cut", range(1, len(MIXED)))
def test_every_two_way_split(cut: int) -> None:
    c = client()
    assert c.receive(MIXED[:cut]) + c.receive(MIXED[cut:]) == _mixed_expected()


def test_classification_by_first_line_then_by_header() -> None:
    c = client()
    got = c.receive(
        b"event: Lower\r\n\r\n"
        b"RESPONSE: Success\r\n\r\n"
        b"Privilege: call,all\r\nEvent: Later\r\n\r\n"
        b"ActionID: 3\r\nResponse: Error\r\n\r\n"
        b"Foo: bar\r\n\r\n"
        b"EventList: Complete\r\n\r\n"
        b"Response:Success\r\n\r\n"
    )
    assert [type(m).__name__ for m in got] == [
        "Event", "Response", "Event", "Response", "Message", "Message", "Response"
    ]
    assert isinstance(got[2], Event) and got[2].name == "Later"
    assert got[3].action_id == "3"  # ActionID on the first line


def test_action_id_lookup_on_raw_messages() -> None:
    (msg,) = client().receive(b"ActionID: first\r\nactionid: second\r\n\r\n")
    assert type(msg) is Message and msg.action_id == "first"
    (empty,) = client().receive(b"Event: X\r\nActionID:   \r\n\r\n")
    assert isinstance(empty, Event) and empty.action_id is None


def test_multibyte_utf8_split_across_reads() -> None:
    wire = "Event: VarSet\r\nValue: h€llo ☎\r\n\r\n".encode()
    at = wire.index("€".encode()) + 1  # in the middle of the 3-byte sequence
    c = client()
    assert c.receive(wire[:at]) == []
    assert c.receive(wire[at:]) == [Event.make("VarSet", Value="h€llo ☎")]


def test_invalid_utf8_is_kept_with_surrogateescape() -> None:
    (ev,) = client().receive(b"Event: X\r\nV: \xff\xc3\r\n\r\n")
    assert isinstance(ev, Event)
    assert ev["V"] == "\udcff\udcc3"
    assert ev.to_bytes() == b"Event: X\r\nV: \xff\xc3\r\n\r\n"


# --- legacy Command replies -----------------------------------------------------------------

LEGACY = (
    b"Response: Follows\r\nPrivilege: Command\r\nActionID: c1-002\r\n"
    b"Channel   Location   State\n"
    b"\n"  # an empty CLI line: not the end of the message
    b"0 active channels\n"
    b"--END COMMAND--\r\n\r\n"
    b"Event: After\r\n\r\n"
)


def test_legacy_command_reply_keeps_raw_text() -> None:
    got = client().receive(LEGACY)
    assert len(got) == 2
    resp = got[0]
    assert isinstance(resp, Response)
    assert resp.fields == (
        ("Response", "Follows"),
        ("Privilege", "Command"),
        ("ActionID", "c1-002"),
    )
    assert resp.data == "Channel   Location   State\n\n0 active channels\n--END COMMAND--\r\n"
    assert resp.output == ("Channel   Location   State", "", "0 active channels")
    assert resp.is_legacy and resp.action_id == "c1-002"
    assert resp.to_bytes() == LEGACY[: LEGACY.index(b"Event: After")]
    assert got[1] == Event.make("After")


def test_legacy_byte_by_byte_and_every_split() -> None:
    expected = client().receive(LEGACY)
    assert feed_bytewise(client(), LEGACY) == expected
    for cut in range(1, len(LEGACY)):
        c = client()
        assert c.receive(LEGACY[:cut]) + c.receive(LEGACY[cut:]) == expected


def test_legacy_with_lf_only_end_and_header_like_output() -> None:
    wire = (
        b"Response: Follows\nPrivilege: Command\r\n"
        b"Name: looks like a header but ends in LF\n--END COMMAND--\n\n"
    )
    (resp,) = client().receive(wire)
    assert isinstance(resp, Response)
    assert resp.fields == (("Response", "Follows"), ("Privilege", "Command"))
    assert resp.output == ("Name: looks like a header but ends in LF",)


def test_legacy_marker_line_is_never_a_header() -> None:
    (resp,) = client().receive(b"Response: Follows\r\nx: y--END COMMAND--\r\n\r\n")
    assert isinstance(resp, Response)
    assert resp.data == "x: y--END COMMAND--\r\n"
    assert resp.output == ("x: y",)


def test_not_legacy_unless_the_line_is_exactly_response_follows() -> None:
    got = client().receive(b"Response: FollowsX\r\n\r\nResponse: Follows")
    assert got == [Response([("Response", "FollowsX")])]
    c = client()
    assert c.receive(b"Response: Follows") == []
    assert c.receive(b"\r") == []
    assert c.receive(b"\nx\n\n--END COMMAND--\r\n\r\n")[0].data == "x\n\n--END COMMAND--\r\n"


def test_legacy_end_found_while_scanning_the_message_before() -> None:
    # The scan for the previous message's end already ran past the legacy marker.
    lf_end = b"Event: A\r\n\r\nResponse: Follows\r\nx\n--END COMMAND--\n\n"
    crlf_end = b"Event: A\n\nResponse: Follows\r\nx\n--END COMMAND--\r\n\r\n"
    for wire in (lf_end, crlf_end):
        got = client().receive(wire)
        assert got[0] == Event.make("A")
        assert isinstance(got[1], Response) and got[1].output == ("x",)


def test_block_of_colon_less_lines_only() -> None:
    (msg,) = client().receive(b"junk\r\nmore junk\r\n\r\n")
    assert type(msg) is Message
    assert msg.fields == () and msg.bare_lines == ((0, "junk"), (0, "more junk"))
    assert msg.to_bytes() == b"junk\r\nmore junk\r\n\r\n"


def test_legacy_partial_at_eof() -> None:
    c = client()
    assert c.receive(b"Response: Follows\r\nPrivilege: Command\r\nsome text\n") == []
    (closed,) = c.receive(b"")
    assert closed == ConnectionClosed(b"Response: Follows\r\nPrivilege: Command\r\nsome text\n")


# --- EOF ------------------------------------------------------------------------------------


def test_clean_close() -> None:
    c = client()
    got = c.receive(b"Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n")
    assert isinstance(got[0], Response)
    c.receive_data(b"")
    c.receive_data(b"")  # EOF twice is fine
    assert c.next_event() == ConnectionClosed(b"")
    assert c.their_state is State.CLOSED
    assert c.next_event() == ConnectionClosed(b"")  # again
    assert c.receive(b"") == [ConnectionClosed(b"")]
    with pytest.raises(LocalProtocolError):
        c.receive_data(b"more")


def test_close_mid_message_is_detectable() -> None:
    c = client()
    c.receive_data(b"Event: Full\r\n\r\nEvent: Half\r\nChan")
    c.receive_data(b"")
    assert drain(c) == [Event.make("Full"), ConnectionClosed(b"Event: Half\r\nChan")]
    assert c.trailing_data == b""


def test_close_before_banner() -> None:
    c = AMIConnection(CLIENT)
    assert c.receive(b"Asterisk Call Ma") == []
    assert c.receive(b"") == [ConnectionClosed(b"Asterisk Call Ma")]
    c2 = AMIConnection(CLIENT)
    assert c2.receive(b"") == [ConnectionClosed(b"")]  # authlimit: closed before any banner
    assert c2.their_state is State.CLOSED


def test_stray_lone_cr_at_eof_is_partial() -> None:
    c = client()
    assert c.receive(b"\r") == []
    assert c.receive(b"") == [ConnectionClosed(b"\r")]


# --- client-side errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "greeting",
    [b"Response: Success\r\n", b"HTTP/1.1 200 OK: x\r\n", b"hello\r\n", b"A/1\r\r\n", b"A/\0\n"],
)
def test_bad_greeting(greeting: bytes) -> None:
    c = AMIConnection(CLIENT)
    with pytest.raises(RemoteProtocolError) as info:
        c.receive(greeting)
    assert "greeting" in str(info.value)
    assert c.their_state is State.ERROR
    with pytest.raises(RemoteProtocolError):
        c.next_event()  # stays failed


def test_greeting_too_long() -> None:
    c = AMIConnection(CLIENT)
    assert c.receive(b"A" * MAX_BANNER_LENGTH) == []
    with pytest.raises(RemoteProtocolError):
        c.receive(b"B")


def test_any_greeting_with_a_slash_is_accepted() -> None:
    c = AMIConnection(CLIENT)
    (banner,) = c.receive(b"Asterisk Call Manager/2.10.6\n")
    assert isinstance(banner, Banner) and banner.version == "2.10.6"


def test_client_max_message_size_without_newline() -> None:
    c = client(max_message_size=1000)
    for _ in range(10):
        assert c.receive(b"X" * 100) == []  # 1000 bytes buffered: still allowed
    with pytest.raises(RemoteProtocolError) as info:
        c.receive(b"X")
    assert "max_message_size" in str(info.value)
    assert info.value.data.startswith(b"XXX")
    assert len(info.value.data) <= RemoteProtocolError.MAX_REPORTED_BYTES
    assert c.trailing_data == b""  # the buffer was released
    with pytest.raises(RemoteProtocolError):
        c.next_event()


def test_data_after_an_error_is_dropped() -> None:
    c = AMIConnection(CLIENT)
    with pytest.raises(RemoteProtocolError):
        c.receive(b"nonsense\r\n")
    c.receive_data(b"x" * 100_000)
    assert c.trailing_data == b""
    with pytest.raises(RemoteProtocolError) as again:
        c.next_event()
    assert "greeting" in again.value.message


def test_client_max_message_size_exact_boundary() -> None:
    msg = b"Event: X\r\nA: " + b"y" * 80 + b"\r\n\r\n"
    c = client(max_message_size=len(msg))
    assert c.receive(msg) == [Event.make("X", A="y" * 80)]
    c = client(max_message_size=len(msg) - 1)
    with pytest.raises(RemoteProtocolError):
        c.receive(msg)


def test_events_before_an_error_come_first() -> None:
    c = client(max_message_size=100)
    c.receive_data(b"Event: Ok\r\n\r\n" + b"Z" * 200)
    assert c.next_event() == Event.make("Ok")
    with pytest.raises(RemoteProtocolError):
        c.next_event()
    c = client(max_message_size=100)
    assert c.receive(b"Event: Ok\r\n\r\n" + b"Z" * 200) == [Event.make("Ok")]
    with pytest.raises(RemoteProtocolError):
        c.receive(b"more")


def test_legacy_reply_is_size_limited_too() -> None:
    c = client(max_message_size=200)
    with pytest.raises(RemoteProtocolError):
        c.receive(b"Response: Follows\r\n" + b"text\n" * 100)
    c = client(max_message_size=200)
    with pytest.raises(RemoteProtocolError):
        c.receive(b"Response: Follows\r\n" + b"text\n" * 50 + b"--END COMMAND--\r\n\r\n")
    c = client(max_message_size=200)
    with pytest.raises(RemoteProtocolError):
        c.receive(b"Response: Follows\r\n--END COMMAND--" + b"x" * 300)


# --- states and sending ---------------------------------------------------------------------


class Ping(Action):
    """A user-defined Action subclass (pyst.ami.actions will define one per action)."""

    __slots__ = ()


def test_client_sends_actions_only() -> None:
    c = AMIConnection(CLIENT)
    assert c.send(Action.make("Login", Username="u")) == b"Action: Login\r\nUsername: u\r\n\r\n"
    assert c.send(Ping.make("Ping")) == b"Action: Ping\r\n\r\n"  # subclasses too
    with pytest.raises(LocalProtocolError) as info:
        c.send(Response.make("Success"))
    assert "CLIENT" in str(info.value) and "Response" in str(info.value)
    assert "OPEN" in str(info.value)
    with pytest.raises(LocalProtocolError):
        c.send(Banner())
    with pytest.raises(LocalProtocolError):
        c.send(Event.make("X"))
    assert c.send(ConnectionClosed()) == b""
    assert c.our_state is State.CLOSED
    with pytest.raises(LocalProtocolError) as info:
        c.send(Action.make("Ping"))
    assert "CLOSED" in str(info.value)


def test_server_sends_banner_first_then_responses_and_events() -> None:
    s = AMIConnection(SERVER)
    with pytest.raises(LocalProtocolError) as info:
        s.send(Response.make("Success"))
    assert "SEND_BANNER" in str(info.value) and "Response" in str(info.value)
    assert s.send(Banner()) == BANNER
    assert s.banner == Banner() and s.our_state is State.OPEN
    with pytest.raises(LocalProtocolError):
        s.send(Banner())
    with pytest.raises(LocalProtocolError):
        s.send(Action.make("Ping"))
    with pytest.raises(LocalProtocolError):
        s.send(Message([("Foo", "bar")]))
    assert s.send(Event.make("FullyBooted")) == b"Event: FullyBooted\r\n\r\n"
    assert s.send(Response.make("Goodbye")) == b"Response: Goodbye\r\n\r\n"
    assert s.send(ConnectionClosed()) == b""
    assert s.our_state is State.CLOSED


def test_server_may_close_before_the_banner() -> None:
    s = AMIConnection(SERVER)
    assert s.send(ConnectionClosed()) == b""
    assert s.our_state is State.CLOSED


def test_send_propagates_serialisation_errors() -> None:
    with pytest.raises(LocalProtocolError):
        AMIConnection(CLIENT).send(Action.make("Ping", X="a\nb"))


def test_two_cores_in_memory() -> None:
    """A client and a server core wired back to back."""
    c, s = AMIConnection(CLIENT), AMIConnection(SERVER)
    assert c.receive(s.send(Banner())) == [Banner()]
    (login,) = s.receive(c.send(Action.make("Login", ActionID="1", Username="u", Secret="p")))
    assert isinstance(login, Action) and login.name == "Login"
    reply = c.receive(s.send(Response.make("Success", ActionID="1", Message="ok")))
    assert reply == [Response.make("Success", ActionID="1", Message="ok")]
    assert s.receive(c.send(ConnectionClosed()) or b"") == [ConnectionClosed(b"")]


# --- server role: Asterisk's reader ---------------------------------------------------------


def server() -> AMIConnection:
    s = AMIConnection(SERVER)
    s.send(Banner())
    return s


def test_server_reads_actions_with_any_line_ends() -> None:
    got = server().receive(
        b"Action: Ping\r\nActionID: 1\r\n\r\n"
        b"action: ping\nactionid: lf-only-1\n\n"
        b"Action: X\r\nA: v\r\r\n\r\n"
    )
    assert got == [
        Action.make("Ping", ActionID="1"),
        Action([("action", "ping"), ("actionid", "lf-only-1")]),
        Action.make("X", A="v\r"),
    ]
    assert isinstance(got[1], Action) and got[1].name == "ping"


def test_server_empty_line_is_an_empty_action() -> None:
    # do_message(): an empty line with no headers still runs process_message, which answers
    # "Missing action in request".
    assert server().receive(b"\r\n\n") == [Action([]), Action([])]


def test_server_reads_before_banner_is_sent() -> None:
    assert AMIConnection(SERVER).receive(b"Action: Ping\r\n\r\n") == [Action.make("Ping")]


def test_server_blank_after_colon_and_colonless_lines() -> None:
    (a,) = server().receive(b"Action: Ping\r\nX:\t  v \r\n   \r\njunk\r\n\r\n")
    assert isinstance(a, Action)
    assert a.get("X") == "v "
    assert a.bare_lines == ((2, "   "), (2, "junk"))  # a line of spaces is a header line


def test_server_nul_ends_the_line_text() -> None:
    got = server().receive(
        b"Action: Ping\0junk\r\nActionID: 5\r\n\0trailing\r\nAction: Next\r\n\r\n"
    )
    assert got == [Action.make("Ping", ActionID="5"), Action.make("Next")]


def _line(n: int) -> bytes:
    """A header line whose text is exactly n characters."""
    return b"X-Long: " + b"a" * (n - 8)


def test_line_of_1022_chars_with_crlf_is_accepted() -> None:
    got = server().receive(b"Action: Ping\r\nActionID: 9\r\n" + _line(1022) + b"\r\n\r\n")
    assert got == [Action.make("Ping", ActionID="9", **{"X-Long": "a" * 1014})]


def test_line_of_1023_chars_with_crlf_is_too_long() -> None:
    # The 1024-byte buffer holds the 1023 chars and the CR; the buffer is dropped but its last
    # byte (the CR), which then meets the LF: an empty line, so the block ends right there.
    got = server().receive(b"Action: Ping\r\nActionID: 9\r\n" + _line(1023) + b"\r\n\r\n")
    assert got == [
        BadAction(LINE_TOO_LONG, Action.make("Ping", ActionID="9")),
        Action([]),  # the real empty line, now a block of its own ("Missing action")
    ]
    reply = make_bad_action_response(got[0])  # type: ignore[arg-type]
    assert reply.to_bytes() == (
        b"Response: Error\r\nActionID: 9\r\nMessage: Failed to parse message: line too long\r\n\r\n"
    )


def test_line_of_1023_chars_with_lf_is_accepted_1024_is_not() -> None:
    got = server().receive(b"Action: Ping\n" + _line(1023) + b"\n\n")
    assert got == [Action.make("Ping", **{"X-Long": "a" * 1015})]
    got = server().receive(b"Action: Ping\nActionID: 3\n" + _line(1024) + b"\nNext: 1\n\n")
    # The last byte of the full buffer ("a") is kept and becomes a colon-less line.
    assert got == [
        BadAction(
            LINE_TOO_LONG,
            Action([("Action", "Ping"), ("ActionID", "3"), ("Next", "1")], bare_lines=[(2, "a")]),
        )
    ]


def test_very_long_line_is_dropped_in_1023_byte_steps() -> None:
    got = server().receive(b"Action: Ping\r\n" + b"b" * 5000 + b"\r\nActionID: 4\r\n\r\n")
    assert len(got) == 1 and isinstance(got[0], BadAction)
    assert got[0].action_id == "4"
    # Four drops of 1023 bytes; the last 908 bytes of the line fit with their CRLF.
    assert got[0].action.bare_lines == ((1, "b" * (5000 - 4 * 1023)),)


def test_line_too_long_flag_clears_after_its_reply() -> None:
    s = server()
    got = s.receive(b"Action: A\r\n" + b"c" * 1100 + b"\n\nAction: B\r\n\r\n")
    assert [type(e).__name__ for e in got] == ["BadAction", "Action"]
    assert isinstance(got[0], BadAction) and got[0].reason == LINE_TOO_LONG


def _headers(n: int) -> bytes:
    return b"Action: Ping\r\nActionID: 77\r\n" + b"".join(
        b"H%d: v\r\n" % i for i in range(n - 2)
    )


def test_128_lines_are_accepted() -> None:
    (a,) = server().receive(_headers(ASTERISK_MAX_HEADERS) + b"\r\n")
    assert isinstance(a, Action) and len(a.fields) == 128


def test_129_lines_are_too_many() -> None:
    (bad,) = server().receive(_headers(ASTERISK_MAX_HEADERS + 1) + b"\r\n")
    assert isinstance(bad, BadAction)
    assert bad.reason == TOO_MANY_LINES == "Too many lines in message or allocation failure"
    assert len(bad.fields) == 128  # lines past 128 are dropped
    assert bad.action_id == "77"
    assert make_bad_action_response(bad).to_bytes() == (
        b"Response: Error\r\nActionID: 77\r\n"
        b"Message: Too many lines in message or allocation failure\r\n\r\n"
    )


def test_too_many_lines_and_too_long_leaves_the_long_flag_for_the_next_block() -> None:
    # do_message() answers "Too many lines" first and only handle_parse_error() clears the
    # line-too-long flag, so the next block is refused as too long.
    wire = _headers(130) + b"x" * 1100 + b"\n\r\nAction: Ping\r\nActionID: next\r\n\r\n"
    got = server().receive(wire)
    assert [e.reason for e in got if isinstance(e, BadAction)] == [TOO_MANY_LINES, LINE_TOO_LONG]
    assert got[1].action_id == "next"


def test_server_limits_byte_by_byte() -> None:
    wire = b"Action: Ping\r\nActionID: 9\r\n" + _line(1023) + b"\r\n\r\n" + _headers(129) + b"\r\n"
    assert feed_bytewise(server(), wire) == server().receive(wire)


def test_server_partial_at_eof() -> None:
    s = server()
    assert s.receive(b"Action: Ping\nActionID: 1\r\nHalf") == []
    assert s.trailing_data == b"Action: Ping\r\nActionID: 1\r\nHalf"
    assert s.receive(b"") == [ConnectionClosed(b"Action: Ping\r\nActionID: 1\r\nHalf")]
    assert s.their_state is State.CLOSED


def test_server_never_raises_on_garbage() -> None:
    s = server()
    got = s.receive(bytes(range(256)) * 20 + b"\r\n\r\n")
    assert got and all(isinstance(e, (Action, BadAction)) for e in got)


# --- linearity (timings belong in bench/ami_linearity.py) -----------------------------------


def _big_command_reply(size: int) -> tuple[bytes, list[str]]:
    lines = [f"  line {i:07d} " + "x" * 40 for i in range(size // 60)]
    body = b"".join(b"Output: " + line.encode() + b"\r\n" for line in lines)
    wire = (
        b"Response: Success\r\nActionID: big\r\nMessage: Command output follows\r\n"
        + body
        + b"\r\n"
    )
    return wire, lines


def test_3mb_command_reply_in_1kb_chunks() -> None:
    wire, lines = _big_command_reply(3 * 1024 * 1024)
    assert len(wire) > 3 * 1000 * 1000
    c = client()
    got: list[ReceivedEvent] = []
    for i in range(0, len(wire), 1024):
        got += c.receive(wire[i : i + 1024])
    assert len(got) == 1
    resp = got[0]
    assert isinstance(resp, Response)
    assert resp.action_id == "big"
    assert resp.output == tuple(lines)


def test_3mb_lf_only_and_legacy_replies_in_1kb_chunks() -> None:
    wire, lines = _big_command_reply(3 * 1024 * 1024)
    lf = wire.replace(b"\r\n", b"\n")
    legacy = (
        b"Response: Follows\r\nPrivilege: Command\r\nActionID: big\r\n"
        + b"".join(line.encode() + b"\n" for line in lines)
        + b"--END COMMAND--\r\n\r\n"
    )
    for data in (lf, legacy):
        c = client()
        got: list[ReceivedEvent] = []
        for i in range(0, len(data), 1024):
            got += c.receive(data[i : i + 1024])
        assert len(got) == 1 and isinstance(got[0], Response)
        assert got[0].output == tuple(lines)
