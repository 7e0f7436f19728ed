"""Message objects: the (message, wire bytes) table, lookups, builders, serialisation."""

from __future__ import annotations

import pytest

from pyst.ami.messages import (
    END_COMMAND,
    LINE_TOO_LONG,
    TOO_MANY_LINES,
    Action,
    BadAction,
    Banner,
    Event,
    Message,
    Response,
    make_bad_action_response,
    make_command_response,
    make_error,
    make_goodbye,
    make_legacy_command_response,
    make_list_ack,
    make_list_complete,
    make_list_item,
    make_response,
    split_variables,
)
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection, ConnectionClosed
from pyst.errors import LocalProtocolError

# One table drives both directions: message.to_bytes() == wire, and reading wire in the role
# that receives this kind of message gives back exactly the message.
WIRE_TABLE: list[tuple[str, Message, bytes]] = [
    ("ping", Action.make("Ping", ActionID="c1-002"), b"Action: Ping\r\nActionID: c1-002\r\n\r\n"),
    (
        "originate-repeated-variable",
        Action.make(
            "Originate",
            Channel="Local/s@playback-test",
            Async="true",
            Variable=["A=1", "B=2,C=3"],
        ),
        b"Action: Originate\r\nChannel: Local/s@playback-test\r\nAsync: true\r\n"
        b"Variable: A=1\r\nVariable: B=2,C=3\r\n\r\n",
    ),
    (
        "empty-value",
        Action.make("Setvar", Variable="GLOBALVAR2", Value=""),
        b"Action: Setvar\r\nVariable: GLOBALVAR2\r\nValue: \r\n\r\n",
    ),
    (
        "trailing-blanks-kept",
        Action.make("Setvar", Variable="V", Value="x  \t"),
        b"Action: Setvar\r\nVariable: V\r\nValue: x  \t\r\n\r\n",
    ),
    (
        "colon-less-line-kept",
        Action([("Action", "Ping")], bare_lines=[(1, "garbage here")]),
        b"Action: Ping\r\ngarbage here\r\n\r\n",
    ),
    ("empty-block", Action([]), b"\r\n"),
    (
        "no-action-header",
        Action([("ActionID", "noaction-1"), ("Foo", "bar")]),
        b"ActionID: noaction-1\r\nFoo: bar\r\n\r\n",
    ),
    (
        "login-ok",
        Response.make("Success", ActionID="c1-001", Message="Authentication accepted"),
        b"Response: Success\r\nActionID: c1-001\r\nMessage: Authentication accepted\r\n\r\n",
    ),
    (
        "command-modern",
        Response.make(
            "Success",
            ActionID="c1-005",
            Message="Command output follows",
            Output=["[ Context 'playback-test' ]", "", "-= 1 extension =-"],
        ),
        b"Response: Success\r\nActionID: c1-005\r\nMessage: Command output follows\r\n"
        b"Output: [ Context 'playback-test' ]\r\nOutput: \r\nOutput: -= 1 extension =-\r\n\r\n",
    ),
    (
        "command-legacy",
        Response(
            [("Response", "Follows"), ("Privilege", "Command"), ("ActionID", "x1")],
            data="Asterisk 11.0.0 built by me\n\nline: with colon\n--END COMMAND--\r\n",
        ),
        b"Response: Follows\r\nPrivilege: Command\r\nActionID: x1\r\n"
        b"Asterisk 11.0.0 built by me\n\nline: with colon\n--END COMMAND--\r\n\r\n",
    ),
    (
        "userevent-colon-in-value",
        Event.make(
            "UserEvent",
            [("Privilege", "user,all"), ("UserEvent", "MyTestEvent"), ("ActionID", "c1-002")],
            Header2="value: with colon",
            Header3="",
        ),
        b"Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: MyTestEvent\r\n"
        b"ActionID: c1-002\r\nHeader2: value: with colon\r\nHeader3: \r\n\r\n",
    ),
    (
        "chanvariable",
        Event.make(
            "Newchannel", [("ChanVariable(Local/a-1;1)", "FOO=bar"), ("ChanVariable", "X=")]
        ),
        b"Event: Newchannel\r\nChanVariable(Local/a-1;1): FOO=bar\r\nChanVariable: X=\r\n\r\n",
    ),
    (
        "lowercase-event",
        Event([("event", "Foo"), ("actionid", "7")]),
        b"event: Foo\r\nactionid: 7\r\n\r\n",
    ),
    (
        "originateresponse-is-event",
        Event([("Event", "OriginateResponse"), ("ActionID", "c1-002"), ("Response", "Success")]),
        b"Event: OriginateResponse\r\nActionID: c1-002\r\nResponse: Success\r\n\r\n",
    ),
    (
        "neither-event-nor-response",
        Message([("Foo", "bar"), ("Baz", "")]),
        b"Foo: bar\r\nBaz: \r\n\r\n",
    ),
    (
        "utf8",
        Event.make("VarSet", Value="Café ☎"),
        "Event: VarSet\r\nValue: Café ☎\r\n\r\n".encode(),
    ),
    (
        "invalid-utf8-surrogateescape",
        Event.make("VarSet", Value="\udcff\udcfeA"),
        b"Event: VarSet\r\nValue: \xff\xfeA\r\n\r\n",
    ),
    (
        "name-with-space",
        Event([("Event", "X"), ("Foo Bar ", "x")]),
        b"Event: X\r\nFoo Bar : x\r\n\r\n",
    ),
    (
        "cr-inside-and-at-end-of-value",
        Event([("Event", "X"), ("A", "1\r2"), ("B", "3\r")]),
        b"Event: X\r\nA: 1\r2\r\nB: 3\r\r\n\r\n",
    ),
]

IDS = [row[0] for row in WIRE_TABLE]


def _decode(message: Message, wire: bytes) -> list[object]:
    role = SERVER if isinstance(message, Action) else CLIENT
    conn = AMIConnection(role)
    out = [] if role is SERVER else conn.receive(b"Asterisk Call Manager/11.0.0\r\n")[1:]
    out += conn.receive(wire)
    out += conn.receive(b"")
    assert isinstance(out[-1], ConnectionClosed)
    assert out[-1].partial == b""
    return out[:-1]


@pytest.mark.parametrize(("name", "message", "wire"), WIRE_TABLE, ids=IDS)
def test_encode(name: str, message: Message, wire: bytes) -> None:
    assert message.to_bytes() == wire


@pytest.mark.parametrize(("name", "message", "wire"), WIRE_TABLE, ids=IDS)
def test_decode(name: str, message: Message, wire: bytes) -> None:
    decoded = _decode(message, wire)
    assert decoded == [message]
    assert type(decoded[0]) is type(message)
    # Lookups on the lazily parsed message agree with the built one.
    got = decoded[0]
    assert isinstance(got, Message)
    for field_name, _ in message.fields:
        assert got.get(field_name) == message.get(field_name)
        assert got.get(field_name.swapcase()) == message.get(field_name)
    assert got.name == message.name
    assert got.action_id == message.action_id
    assert hash(got) == hash(message)


@pytest.mark.parametrize(("name", "message", "wire"), WIRE_TABLE, ids=IDS)
def test_decode_byte_by_byte(name: str, message: Message, wire: bytes) -> None:
    role = SERVER if isinstance(message, Action) else CLIENT
    conn = AMIConnection(role)
    out: list[object] = []
    if role is CLIENT:
        for b in b"Asterisk Call Manager/11.0.0\r\n":
            out += conn.receive(bytes([b]))
        out = out[1:]
    for b in wire:
        out += conn.receive(bytes([b]))
    assert out == [message]


def test_lf_only_wire_form() -> None:
    msg = Action.make("Ping", ActionID="lf-only-1")
    assert msg.to_bytes(eol="\n") == b"Action: Ping\nActionID: lf-only-1\n\n"
    assert _decode(msg, msg.to_bytes(eol="\n")) == [msg]


# --- lookups -------------------------------------------------------------------------------


RAW_TRICKY = (
    b"Event: Test\r\nactionid: first\r\nActionID: second\r\nEmpty:\r\nBlanks: \t  v  \r\n"
    b"NoColonLine\r\nName : spaced\r\n:nameless\r\nX-Dup: 1\r\nx-dup: 2\r\nLast: z"
)


@pytest.fixture(params=["raw", "built"])
def tricky(request: pytest.FixtureRequest) -> Event:
    raw = Event._from_raw(RAW_TRICKY)
    if request.param == "raw":
        return raw
    return Event(raw.fields, bare_lines=raw.bare_lines)


def test_first_match_wins_case_insensitive(tricky: Event) -> None:
    assert tricky.get("ActionID") == "first"
    assert tricky.get("ACTIONID") == "first"
    assert tricky.action_id == "first"
    assert tricky.get_all("actionID") == ("first", "second")
    assert tricky["x-DUP"] == "1"
    assert tricky.get_all("X-Dup") == ("1", "2")


def test_values_keep_trailing_blanks_and_skip_leading(tricky: Event) -> None:
    assert tricky.get("Blanks") == "v  "
    assert tricky.get("Empty") == ""
    assert tricky.get("Last") == "z"


def test_colon_less_lines_never_match(tricky: Event) -> None:
    assert tricky.get("NoColonLine") is None
    assert "NoColonLine" not in tricky
    assert tricky.bare_lines == ((5, "NoColonLine"),)


def test_name_must_be_followed_directly_by_colon(tricky: Event) -> None:
    # astman_get_header: "Name : x" has the name "Name " and does not match "Name".
    assert tricky.get("Name") is None
    assert tricky.get("Name ") == "spaced"
    assert tricky.get("") == "nameless"
    assert tricky.get("Name: spaced") is None  # a colon in the asked name matches nothing
    assert tricky.get("Last\nz") is None


def test_missing_lookups(tricky: Event) -> None:
    assert tricky.get("Nope") is None
    assert tricky.get("Nope", "dflt") == "dflt"
    with pytest.raises(KeyError):
        tricky["Nope"]
    assert 42 not in tricky
    assert "Event" in tricky


def test_mapping_like_views(tricky: Event) -> None:
    assert list(tricky)[:3] == ["Event", "actionid", "ActionID"]
    assert len(tricky) == len(tricky.fields) == 10
    d = tricky.as_dict()
    assert d["actionid"] == "first" and "ActionID" not in d
    assert d["X-Dup"] == "1"


def test_lf_only_empty_value_and_empty_block() -> None:
    raw = Event._from_raw(b"Event: X\nA:\nB: 1")
    assert raw.get("A") == "" and raw.get("B") == "1"
    assert Message._from_raw(b"").fields == ()
    assert Message._from_raw(b"").bare_lines == ()


def test_lookup_with_unencodable_name() -> None:
    raw = Event._from_raw(b"Event: X\r\nA: 1")
    assert raw.get("\ud800") is None
    assert raw.get("\udcff") is None
    assert Event._from_raw(b"Event: X\r\n\xff: 2").get("\udcff") == "2"


def test_action_name_skips_empty_action_values() -> None:
    assert Action([("Action", ""), ("action", "Ping")]).name == "Ping"
    assert Action._from_raw(b"Action: \r\naction: Ping").name == "Ping"
    assert Action([("ActionID", "1")]).name == ""
    assert Action([("Action", "")]).action_id is None
    assert Action([("ActionID", "")]).action_id is None


def test_message_base_name_is_empty() -> None:
    assert Message([("Foo", "bar")]).name == ""


def test_response_properties() -> None:
    r = Response.make("Error", ActionID="1", Message="Permission denied")
    assert r.status == r.name == "Error"
    assert r.is_error
    assert r.message == "Permission denied"
    assert r.output == ()
    assert not r.is_legacy
    ok = Response.make("success")
    assert not ok.is_error and ok.message is None
    assert Response([]).status == ""


def test_event_name() -> None:
    assert Event.make("Hangup").name == "Hangup"
    assert Event([("Privilege", "x")]).name == ""


def test_modern_and_legacy_output_read_the_same() -> None:
    lines = ("Channel   Location", "", "0 active channels")
    modern = make_command_response(Action.make("Command", ActionID="1"), lines)
    legacy = make_legacy_command_response(
        Action.make("Command", ActionID="1"), "".join(line + "\n" for line in lines)
    )
    assert modern.output == legacy.output == lines
    assert legacy.is_legacy
    assert legacy.data.endswith(END_COMMAND + "\r\n")
    empty = make_legacy_command_response(None, "")
    assert empty.output == ()
    no_newline = make_legacy_command_response(None, "abc")
    assert no_newline.output == ("abc",)
    assert no_newline.to_bytes().endswith(b"abc--END COMMAND--\r\n\r\n")


# --- variables -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A=1", [("A", "1")]),
        ("A=1,B=2", [("A", "1"), ("B", "2")]),
        ("  A=1", [("A", "1")]),
        ("A=x=y", [("A", "x=y")]),
        ("A=f(1,2),B=[3,4]", [("A", "f(1,2)"), ("B", "[3,4]")]),
        ('A="1,2",B=3', [("A", "1,2"), ("B", "3")]),
        ("A=1\\,2", [("A", "1,2")]),
        ("A=1\\", [("A", "1")]),
        ("noequals,=empty,B=", [("B", "")]),
        ("A=1,", [("A", "1")]),
        ("A=(1,B=2", [("A", "(1,B=2")]),
        ("A=1)),B=2", [("A", "1))"), ("B", "2")]),
        ("A=1]],B=2", [("A", "1]]"), ("B", "2")]),
        ("", []),
    ],
)
def test_split_variables(value: str, expected: list[tuple[str, str]]) -> None:
    assert split_variables(value) == expected


def test_split_variables_keeps_the_rest_in_the_64th_item() -> None:
    value = ",".join(f'V{i}="{i}"' for i in range(70))
    pairs = split_variables(value)
    assert len(pairs) == 64
    assert pairs[62] == ("V62", "62")
    assert pairs[63] == ("V63", '"63",' + ",".join(f'V{i}="{i}"' for i in range(64, 70)))


def test_variables_and_chan_variables() -> None:
    action = Action.make("Originate", Variable=["A=1,B=2", "C=3"])
    assert action.variables() == [("A", "1"), ("B", "2"), ("C", "3")]
    event = Event._from_raw(
        b"Event: Newchannel\r\nChanVariable(Local/a;1): FOO=bar\r\nchanvariable: X=\r\n"
        b"ChanVariableX: no"
    )
    assert event.chan_variables() == [("FOO", "bar"), ("X", "")]


# --- deriving ------------------------------------------------------------------------------


def test_with_action_id() -> None:
    a = Action.make("Ping")
    b = a.with_action_id("42")
    assert b.fields == (("Action", "Ping"), ("ActionID", "42"))
    assert a.fields == (("Action", "Ping"),)  # unchanged
    c = Action([("Action", "Ping"), ("actionid", "1"), ("ActionID", "2")]).with_action_id("3")
    assert c.fields == (("Action", "Ping"), ("actionid", "3"), ("ActionID", "2"))
    d = Action([]).with_action_id("9")
    assert d.fields == (("ActionID", "9"),)
    e = Action([("Action", "Ping")], bare_lines=[(1, "junk")]).with_action_id("5")
    assert e.to_bytes() == b"Action: Ping\r\nActionID: 5\r\njunk\r\n\r\n"
    assert isinstance(Action._from_raw(b"Action: Ping").with_action_id("1"), Action)


def test_with_fields() -> None:
    a = Event.make("X").with_fields(("A", "1"), ("B", "2"))
    assert a.fields == (("Event", "X"), ("A", "1"), ("B", "2"))
    assert isinstance(a, Event)


# --- building ------------------------------------------------------------------------------


def test_make_value_conversions() -> None:
    a = Action.make(
        "Originate",
        {"Channel": "Local/x", "Skip": None},
        Timeout=30000,
        Async=True,
        EarlyMedia=False,
        Ratio=0.5,
        Variable=("A=1", 2),
    )
    assert a.fields == (
        ("Action", "Originate"),
        ("Channel", "Local/x"),
        ("Timeout", "30000"),
        ("Async", "true"),
        ("EarlyMedia", "false"),
        ("Ratio", "0.5"),
        ("Variable", "A=1"),
        ("Variable", "2"),
    )


def test_make_rejects_bad_types() -> None:
    with pytest.raises(TypeError):
        Action.make("Ping", X=b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Action.make("Ping", [(1, "x")])
    with pytest.raises(TypeError):
        Message.make("Ping")
    with pytest.raises(TypeError):
        Message([("A", 1)])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        Message([], data=b"x")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Message([("A", "b")], bare_lines=[(2, "x")])
    with pytest.raises(ValueError):
        Message([], bare_lines=[(-1, "x")])


# --- serialisation errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        Action([("Action", "Ping\nAction: Logoff")]),
        Action([("Action", "Ping\0")]),
        Action([("Act:ion", "Ping")]),
        Action([("Act\nion", "Ping")]),
        Action([("Action", "Ping")], bare_lines=[(1, "")]),
        Action([("Action", "Ping")], bare_lines=[(1, "a:b")]),
        Action([("Action", "Ping")], bare_lines=[(1, "a\nb")]),
        Action([("Action", "Ping")], data="x"),
        Response([("Response", "Follows")], data="no marker\n"),
        Response([("Response", "Follows")], data="--END COMMAND--\n--END COMMAND--\n"),
        Response([("Response", "Follows")], data="a\0\n--END COMMAND--\n"),
        Response([("Response", "Follows")], data="head: er\r\nx\n--END COMMAND--\n"),
        Response([("Response", "Follows")], bare_lines=[(1, "x")], data="--END COMMAND--\n"),
        Response([("Response", "Follows"), ("ActionID", "1")]),
        Event.make("X", A="\ud800"),
    ],
)
def test_to_bytes_refuses_what_would_not_read_back(message: Message) -> None:
    with pytest.raises(LocalProtocolError):
        message.to_bytes()


@pytest.mark.parametrize(
    "message",
    [
        Action([("Action", "Ping\r")]),
        Action([("Action", "Ping")], bare_lines=[(1, "junk\r")]),
        make_legacy_command_response(None, "x\n"),
    ],
)
def test_lf_only_refuses_trailing_cr_and_legacy(message: Message) -> None:
    message.to_bytes()  # fine with CRLF
    with pytest.raises(LocalProtocolError):
        message.to_bytes(eol="\n")


def test_bad_eol() -> None:
    with pytest.raises(LocalProtocolError):
        Action.make("Ping").to_bytes(eol="\r")


def test_indented_output_lines_survive() -> None:
    # Asterisk writes "Output: %s" for each CLI line; dialplan lines start with blanks.
    lines = ["  's' =>            1. Answer()", "", "\tTabbed", "x"]
    built = make_command_response(Action.make("Command", ActionID="1"), lines)
    wire = built.to_bytes()
    assert b"Output:   's' =>" in wire
    (got,) = _decode(built, wire)
    assert isinstance(got, Response)
    assert got.output == tuple(lines)
    assert got.get_all_verbatim("output") == tuple(lines)
    assert got.get_all("Output")[0] == "'s' =>            1. Answer()"  # reader semantics
    assert got.to_bytes() == wire  # written back line for line
    assert built.get_all_verbatim("Output") == tuple(lines)


def test_received_message_written_back_line_for_line() -> None:
    conn = AMIConnection(CLIENT)
    conn.receive(b"Asterisk Call Manager/11.0.0\r\n")
    (got,) = conn.receive(b"Event: X\nA:   spaced\r\nB:x\nbare\n\n")
    assert isinstance(got, Event)
    assert got.fields == (("Event", "X"), ("A", "spaced"), ("B", "x"))
    assert got.to_bytes() == b"Event: X\r\nA:   spaced\r\nB:x\r\nbare\r\n\r\n"
    assert got.to_bytes(eol="\n") == b"Event: X\nA:   spaced\nB:x\nbare\n\n"
    (cr,) = conn.receive(b"Event: Y\r\nA: v\r\r\n\r\n")
    assert cr.get("A") == "v\r"
    with pytest.raises(LocalProtocolError):
        cr.to_bytes(eol="\n")
    (nul,) = conn.receive(b"Event: Z\r\nA: \0\r\n\r\n")
    with pytest.raises(LocalProtocolError):
        nul.to_bytes()
    assert Message._from_raw(b"").to_bytes() == b"\r\n"


def test_leading_blanks_are_written_but_not_read_back() -> None:
    # Asterisk skips blanks after the colon, so they cannot survive a round trip.
    msg = Event.make("X", A="  padded")
    wire = msg.to_bytes()
    assert wire == b"Event: X\r\nA:   padded\r\n\r\n"
    assert _decode(msg, wire) == [Event.make("X", A="padded")]


# --- equality, hashing, repr ---------------------------------------------------------------


def test_equality_and_hash() -> None:
    a = Event.make("X", A="1")
    b = Event._from_raw(b"Event: X\r\nA:1")
    assert a == b and hash(a) == hash(b)
    assert a != Message(a.fields)
    assert a != Event.make("X", A="2")
    assert a != "Event: X"
    assert len({a, b, Event.make("X", A="2")}) == 2
    assert Event.make("X") != Event([("Event", "X")], bare_lines=[(1, "junk")])


def test_repr_masks_secrets() -> None:
    login = Action.make("Login", Username="admin", Secret="s3cret", Key="abc")
    text = repr(login)
    assert "s3cret" not in text and "abc" not in text
    assert "admin" in text and "***" in text
    assert "bare_lines" in repr(Action([("A", "b")], bare_lines=[(1, "x")]))
    assert "data=" in repr(make_legacy_command_response(None, "x\n"))


def test_immutable() -> None:
    msg = Event.make("X")
    with pytest.raises(AttributeError):
        msg.fields = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        msg.other = 1  # type: ignore[attr-defined]


# --- banner and BadAction ------------------------------------------------------------------


def test_banner() -> None:
    b = Banner()
    assert b.text == "Asterisk Call Manager/11.0.0"
    assert b.product == "Asterisk Call Manager"
    assert b.version == "11.0.0"
    assert b.to_bytes() == b"Asterisk Call Manager/11.0.0\r\n"
    assert Banner.for_version("7.0.3") == Banner("Asterisk Call Manager/7.0.3")
    assert hash(Banner()) == hash(Banner())
    assert Banner() != "Asterisk Call Manager/11.0.0"
    assert repr(b) == "Banner('Asterisk Call Manager/11.0.0')"
    with pytest.raises(ValueError):
        Banner("x/1\r\n")
    with pytest.raises(TypeError):
        Banner(b"x/1")  # type: ignore[arg-type]


def test_bad_action() -> None:
    kept = Action.make("Ping", ActionID="77")
    bad = BadAction(LINE_TOO_LONG, kept)
    assert bad.reason == LINE_TOO_LONG
    assert bad.action is kept
    assert bad.fields == kept.fields
    assert bad.action_id == "77"
    assert bad.get("action") == "Ping"
    assert bad == BadAction(LINE_TOO_LONG, Action.make("Ping", ActionID="77"))
    assert bad != BadAction(TOO_MANY_LINES, kept)
    assert bad != kept
    assert hash(bad) == hash(BadAction(LINE_TOO_LONG, kept))
    assert "line too long" in repr(bad)


# --- server-side builders: exact Asterisk layouts -------------------------------------------


PING = Action.make("Ping", ActionID="c1-002")
NO_ID = Action.make("Ping")
EMPTY_ID = Action([("Action", "Ping"), ("ActionID", "")])


def test_make_response_layout() -> None:
    pong = make_response(PING, "Success", None, [("Ping", "Pong"), ("Timestamp", "1.5")])
    assert pong.to_bytes() == (
        b"Response: Success\r\nActionID: c1-002\r\nPing: Pong\r\nTimestamp: 1.5\r\n\r\n"
    )
    # ActionID only when the request had a non-empty one (first match).
    assert make_error(NO_ID, "Permission denied").to_bytes() == (
        b"Response: Error\r\nMessage: Permission denied\r\n\r\n"
    )
    assert make_error(EMPTY_ID, "x").get("ActionID") is None
    assert make_error(None, "x").fields == (("Response", "Error"), ("Message", "x"))


def test_list_layouts() -> None:
    req = Action.make("CoreShowChannels", ActionID="c1-010")
    assert make_list_ack(req, "Channels will follow").to_bytes() == (
        b"Response: Success\r\nActionID: c1-010\r\nEventList: start\r\n"
        b"Message: Channels will follow\r\n\r\n"
    )
    assert make_list_item(req, "CoreShowChannel", {"Channel": "Local/a;1"}).to_bytes() == (
        b"Event: CoreShowChannel\r\nActionID: c1-010\r\nChannel: Local/a;1\r\n\r\n"
    )
    assert make_list_complete(req, "StatusComplete", 2, [("Items", 2)]).to_bytes() == (
        b"Event: StatusComplete\r\nActionID: c1-010\r\nEventList: Complete\r\n"
        b"ListItems: 2\r\nItems: 2\r\n\r\n"
    )
    assert make_list_ack(req, "Fax sessions will follow", event_list="Start").get(
        "EventList"
    ) == "Start"


def test_command_layouts_match_the_capture() -> None:
    req = Action.make("Command", ActionID="c1-004", Command="foo bar baz")
    text = (
        "No such command 'foo bar baz' (type 'core show help foo bar' for other possible "
        "commands)"
    )
    assert make_command_response(req, [text], status="Error").to_bytes() == (
        b"Response: Error\r\nActionID: c1-004\r\nMessage: Command output follows\r\n"
        b"Output: " + text.encode() + b"\r\n\r\n"
    )
    assert make_legacy_command_response(req, "a\n\nb\n").to_bytes() == (
        b"Response: Follows\r\nPrivilege: Command\r\nActionID: c1-004\r\na\n\nb\n"
        b"--END COMMAND--\r\n\r\n"
    )


def test_goodbye_and_bad_action_layouts() -> None:
    assert make_goodbye(Action.make("Logoff", ActionID="c1-007")).to_bytes() == (
        b"Response: Goodbye\r\nActionID: c1-007\r\nMessage: Thanks for all the fish.\r\n\r\n"
    )
    bad = BadAction(TOO_MANY_LINES, Action.make("Ping", ActionID="9"))
    assert make_bad_action_response(bad).to_bytes() == (
        b"Response: Error\r\nActionID: 9\r\n"
        b"Message: Too many lines in message or allocation failure\r\n\r\n"
    )
