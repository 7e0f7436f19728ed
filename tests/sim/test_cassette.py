"""Cassette model, YAML format, sources (captures, raw traces), masking, matching, playback.

No sockets here: the recorder's sans-IO part and the Player are driven directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pyst.ami.messages import (
    Action,
    Banner,
    Event,
    Message,
    Response,
    make_legacy_command_response,
    make_response,
)
from pyst_sim.cassette import (
    DEFAULT_BANNER,
    MASK,
    Cassette,
    CassetteError,
    Interaction,
    Masker,
    Matcher,
    Mismatch,
    Playback,
    Player,
    RecordMode,
    Reply,
    Session,
    SessionRecorder,
    encode_message,
    load_cassette,
    parse_action,
    parse_server_message,
    verbatim_fields,
)
from pyst_sim.errors import ExpectationError

AMI_CAPTURES = [
    "a1_login_success_logoff",
    "a2_login_failure",
    "b1_ping_coresettings_corestatus",
    "c1_command",
    "d1_getvar_setvar",
    "e1_originate_local_playback",
    "h1_errors",
    "i1_userevent",
    "j1_fastagi_ami_side",
]


def server(text: str) -> Message:
    return parse_server_message(text.replace("\n", "\r\n").encode() + b"\r\n\r\n")


def cassette_of(*interactions: Interaction, banner: Banner = DEFAULT_BANNER) -> Cassette:
    return Cassette([Session("c1", banner=banner, interactions=tuple(interactions))])


def interaction(action: Action | None, *replies: tuple[float, str, Message],
                **kw: object) -> Interaction:
    return Interaction(action, replies=tuple(Reply(a, m, k) for a, k, m in replies),
                       session="c1", **kw)  # type: ignore[arg-type]


# --- YAML round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("name", AMI_CAPTURES)
def test_every_capture_survives_the_yaml_round_trip(shared_dir: Path, name: str) -> None:
    cassette = load_cassette(shared_dir / "captures" / f"{name}.jsonl")
    assert cassette.source == "capture"
    text = cassette.to_yaml()
    again = Cassette.from_yaml(text)
    assert [s.interactions for s in again.sessions] == [s.interactions for s in cassette.sessions]
    assert [s.preamble for s in again.sessions] == [s.preamble for s in cassette.sessions]
    assert again.to_yaml() == text
    # Every server message is written back exactly as Asterisk wrote it.
    sent = b"".join(r.message.to_bytes() for i in again.interactions() for r in i.replies)
    assert sent in _stream(shared_dir, name)


def _stream(shared_dir: Path, name: str) -> bytes:
    from pyst_sim.captures import load_capture

    cap = load_capture(shared_dir / "captures" / f"{name}.jsonl")
    return b"".join(cap.stream(c, "s2c").split(b"\r\n", 1)[1] for c in cap.connections())


def test_capture_cassette_groups_replies_by_action(shared_dir: Path) -> None:
    cassette = load_cassette(shared_dir / "captures" / "i1_userevent.jsonl")
    login, userevent, _, logoff = cassette.interactions()
    assert [r.kind for r in login.replies] == ["response", "unsolicited", "unsolicited"]
    assert [r.message.name for r in userevent.replies] == ["Success", "UserEvent"]
    assert [r.kind for r in userevent.replies] == ["response", "event"]
    assert login.action is not None and login.action.get("Secret") == MASK
    assert logoff.closed_after is not None and logoff.closed_after > 0
    assert cassette.sessions[0].closed_by == "server"
    assert cassette.metadata["flow"] == "i1_userevent"


def test_a_capture_without_ami_is_refused(shared_dir: Path) -> None:
    with pytest.raises(CassetteError, match="no AMI connection") as info:
        load_cassette(shared_dir / "captures" / "j1_fastagi_agi_side.jsonl")
    assert info.value.path is not None and info.value.path.endswith("agi_side.jsonl")


def test_file_format_readable(tmp_path: Path) -> None:
    cassette = cassette_of(interaction(
        Action.make("Ping", ActionID="1"),
        (0.000053, "response", server("Response: Success\nActionID: 1\nPing: Pong")),
    ))
    cassette.metadata["note"] = "hand check"
    path = cassette.save(tmp_path / "p.yaml")
    text = path.read_text()
    assert text.startswith("# pyst-sim AMI cassette")
    assert "version: 1\nnote: hand check\nsessions:\n" in text
    assert "    - after: 0.000053\n      response:\n      - Response: Success\n" in text
    assert "    - Action: Ping\n" in text
    assert load_cassette(path).interactions()[0].line == text.splitlines().index("  - at: 0.0") + 1
    assert list(tmp_path.iterdir()) == [path]  # the temporary file was renamed away


def test_save_needs_a_path() -> None:
    with pytest.raises(ValueError, match="no path"):
        Cassette().save()


def test_message_forms() -> None:
    plain = server("Response: Success\nMessage: ok\nAccountCode: ")
    assert encode_message(plain) == [{"Response": "Success"}, {"Message": "ok"},
                                     {"AccountCode": ""}]
    indented = server("Response: Success\nOutput:   's' => 1. Answer()")
    assert encode_message(indented)[1] == {"Output": "  's' => 1. Answer()"}
    legacy = make_legacy_command_response(Action.make("Command", ActionID="7"),
                                          "line 1\n\nline: 3\n")
    wire = encode_message(legacy)
    assert isinstance(wire, str) and wire.endswith("--END COMMAND--\r\n\r\n")
    bare = server("Response: Success\nno colon here")
    assert isinstance(encode_message(bare), str)
    binary = parse_server_message(b"Event: X\r\nName: \xff\xfe\r\n\r\n")
    assert encode_message(binary) == b"Event: X\r\nName: \xff\xfe\r\n\r\n"
    for message in (plain, indented, legacy, bare, binary):
        entry = yaml.safe_load(yaml.safe_dump({"m": encode_message(message)}))["m"]
        c = Cassette.from_dict({"version": 1, "sessions": [{"name": "s", "interactions": [
            {"action": None, "replies": [{"after": 0, "response": entry}]}]}]})
        assert c.interactions()[0].replies[0].message.to_bytes() == message.to_bytes()


def test_verbatim_fields_keep_blanks_and_repeats() -> None:
    m = server("Response: Success\nOutput: a\nOutput:  b\nOutput: ")
    assert verbatim_fields(m) == [("Response", "Success"), ("Output", "a"), ("Output", " b"),
                                  ("Output", "")]


def test_hand_written_values() -> None:
    c = Cassette.from_yaml("""
version: 1
sessions:
- name: s
  interactions:
  - action: [{Action: Originate}, {Priority: 1}, {Data: }]
    replies: []
""")
    action = c.interactions()[0].action
    assert action is not None
    assert action.fields == (("Action", "Originate"), ("Priority", "1"), ("Data", ""))
    assert c.sessions[0].banner == DEFAULT_BANNER


BAD_CASSETTES = [
    ("version: 1\nsessions: [\n", "not valid YAML", 3),
    ("- 1\n", "a cassette is a mapping", 1),
    ("version: 2\nsessions: []\n", "version 2 is newer", 1),
    ("version: x\nsessions: []\n", "'version: 1' expected", 1),
    ("version: 1\nsessions: {}\n", "'sessions' must be a list", 1),
    ("version: 1\nsessions:\n- 3\n", "a session is a mapping", 1),
    ("version: 1\nsessions:\n- name: a\n  color: red\n", "unknown session key(s): color", 3),
    ("version: 1\nsessions:\n- name: a\n  closed_by: me\n", "'closed_by' is", 3),
    ("version: 1\nsessions:\n- name: a\n  at: -1\n", "'at' must be a number", 3),
    ("version: 1\nsessions:\n- name: a\n  banner: \"x\\ny\"\n", "holds a line end", 3),
    ("version: 1\nsessions:\n- name: a\n  events: 3\n", "must be lists", 3),
    ("version: 1\nsessions:\n- interactions:\n  - replies: []\n", "needs 'action'", 4),
    ("version: 1\nsessions:\n- interactions:\n  - 7\n", "an interaction is a mapping", 3),
    ("version: 1\nsessions:\n- interactions:\n  - {action: null, foo: 1}\n",
     "unknown interaction key(s): foo", 4),
    ("version: 1\nsessions:\n- interactions:\n  - {action: null, replies: 1}\n",
     "'replies' must be a list", 4),
    ("version: 1\nsessions:\n- interactions:\n  - {action: null, rejected: 1}\n",
     "'rejected' must be a string", 4),
    ("version: 1\nsessions:\n- interactions:\n  - action:\n    - Action: Ping\n"
     "    - Async: yes\n", "must be a string (write it in quotes: 'True')", 6),
    ("version: 1\nsessions:\n- interactions:\n  - action:\n    - {A: 1, B: 2}\n",
     "one-key mapping", 5),
    ("version: 1\nsessions:\n- interactions:\n  - action:\n    - {1: 2}\n",
     "is not a string", 5),
    ("version: 1\nsessions:\n- interactions:\n  - action:\n    - {'A:B': x}\n",
     "holds a line end or its name a colon", 5),
    ("version: 1\nsessions:\n- interactions:\n  - action: 5\n", "a message is a list", 4),
    ("version: 1\nsessions:\n- interactions:\n  - action: \"Action: A\\r\\n\\r\\nAction: B"
     "\\r\\n\\r\\n\"\n", "expected one complete AMI action, found 2", 4),
    ("version: 1\nsessions:\n- interactions:\n  - action: \"" + "A" * 1100 + "\\r\\n\\r\\n\"\n",
     "Asterisk would reject this action", 4),
    ("version: 1\nsessions:\n- interactions:\n  - action: null\n    replies:\n    - 3\n",
     "a reply is a mapping", 4),
    ("version: 1\nsessions:\n- interactions:\n  - action: null\n    replies:\n"
     "    - {after: 0}\n", "exactly one of", 6),
    ("version: 1\nsessions:\n- interactions:\n  - action: null\n    replies:\n"
     "    - {after: 0, response: \"Response: A\\r\\n\"}\n",
     "expected one complete AMI message, found 0 and an unfinished one", 6),
    ("version: 1\nsessions:\n- interactions:\n  - action: null\n    replies:\n"
     "    - {after: true, event: []}\n", "'after' must be a number", 6),
]


@pytest.mark.parametrize(("text", "message", "line"), BAD_CASSETTES)
def test_bad_cassettes_name_the_line(tmp_path: Path, text: str, message: str,
                                     line: int) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CassetteError) as info:
        load_cassette(path, format="cassette")
    assert message in info.value.message
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_cassette_error_without_path() -> None:
    assert str(CassetteError("x", line=3)) == "line 3: x"
    assert str(CassetteError("x", "f.yaml")) == "f.yaml: x"


def test_non_utf8_cassette(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"version: 1\nsessions: []\n\xff")
    with pytest.raises(CassetteError, match="not UTF-8"):
        load_cassette(path)


def test_format_detection(tmp_path: Path, shared_dir: Path) -> None:
    yaml_path = cassette_of().save(tmp_path / "c.yaml")
    assert load_cassette(yaml_path).source == "cassette"
    trace = tmp_path / "ping.yaml"  # panoramisk names its raw traces *.yaml
    trace.write_bytes(b"Response: Success\nPing: Pong\n\n")
    assert load_cassette(trace).source == "trace"
    capture = shared_dir / "captures" / "a1_login_success_logoff.jsonl"
    assert load_cassette(capture).source == "capture"
    assert load_cassette(capture, format="capture").source == "capture"
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"type": "meta"}\n{nope\n')
    with pytest.raises(CassetteError, match="not a JSON object"):
        load_cassette(broken)
    with pytest.raises(ValueError, match="unknown cassette format"):
        load_cassette(capture, format="xml")
    weird = tmp_path / "weird.txt"
    weird.write_bytes(b"{not json\n\nAction: Ping\n\nResponse: Success\n\n")
    assert load_cassette(weird).source == "trace"


def test_add_session_keeps_names_unique() -> None:
    c = Cassette()
    c.add_session(Session("c1", interactions=(interaction(Action.make("Ping")),)))
    c.add_session(Session("c1", interactions=(interaction(Action.make("Ping")),)))
    c.add_session(Session("c1"))
    assert [s.name for s in c.sessions] == ["c1", "c1-2", "c1-3"]
    assert c.sessions[1].interactions[0].session == "c1-2"
    assert len(c) == 2
    assert "2 interactions" in repr(c)
    assert Cassette().banner == DEFAULT_BANNER
    c.add_session(Session("early", at=-1.0))  # connections end in any order
    assert [s.name for s in c.sessions] == ["early", "c1", "c1-2", "c1-3"]


# --- raw traces (panoramisk's testing fixtures) ------------------------------------------------

TRACE = b"""Asterisk Call Manager/2.10.6
action: Login
ActionID: action/1/1
username: bob
secret: hunter2

Response: Success
ActionID: action/1/1
Message: Authentication accepted

Event: FullyBooted
Privilege: system,all
Status: Fully Booted

Action: Command
ActionID: action/1/2
Command: core show uptime

Response: Follows
Privilege: Command
ActionID: action/1/2
System uptime: 1 minute

Last reload: 1 minute
--END COMMAND--

ActionID: x-1
Foo: bar

Response: Error
ActionID: x-1
Message: Missing action in request


Response: Success
ActionID: orphan/9
Ping: Pong

"""


def test_panoramisk_style_trace() -> None:
    c = Cassette.from_trace(TRACE, "t.txt")
    assert c.source == "trace" and c.banner.version == "2.10.6"
    login, command, no_action, orphan = c.interactions()
    assert login.action is not None and login.action.get("secret") == MASK
    assert [r.kind for r in login.replies] == ["response", "unsolicited"]
    legacy = command.replies[0].message
    assert isinstance(legacy, Response) and legacy.output == (
        "System uptime: 1 minute", "", "Last reload: 1 minute")
    assert no_action.action is not None and no_action.name == ""
    assert no_action.replies[0].message.get("Message") == "Missing action in request"
    assert orphan.action is None and orphan.action_id == "orphan/9"
    assert "(reply without action)" in orphan.describe()
    again = Cassette.from_yaml(c.to_yaml())
    assert again.interactions() == c.interactions()


def test_trace_without_banner_and_empty_trace() -> None:
    c = Cassette.from_trace("Response: Success\r\nPing: Pong\r\n\r\n")
    assert c.banner == DEFAULT_BANNER
    assert c.interactions()[0].action is None
    with pytest.raises(CassetteError, match="no AMI message"):
        Cassette.from_trace(b"\n\n")
    only_events = Cassette.from_trace(b"Event: A\n\nEvent: B\n")
    assert [r.message.name for r in only_events.sessions[0].preamble] == ["A", "B"]


# --- masking -----------------------------------------------------------------------------------


def test_default_mask() -> None:
    m = Masker()
    login = Action.make("Login", Username="u", Secret="s", Key="k", ActionID="1")
    masked = m.mask(login)
    assert masked.get("Secret") == MASK and masked.get("Key") == MASK
    assert masked.get("Username") == "u" and masked.action_id == "1"
    dbput = Action.make("DBPut", Family="f", Key="k")
    assert m.mask(dbput) is dbput
    assert m.mask(Action.make("Originate", Secret="x")).get("Secret") == MASK


def test_custom_and_empty_masks() -> None:
    m = Masker(["Originate:Variable", "Token"])
    a = m.mask(Action.make("Originate", Variable=["A=1", "B=2"], Secret="kept"))
    assert a.get_all("Variable") == (MASK, MASK) and a.get("Secret") == "kept"
    assert m.masks("anything", "token")
    assert Masker([]).mask(Action.make("Login", Secret="s")).get("Secret") == "s"
    with pytest.raises(ValueError, match="bad mask rule"):
        Masker(["Login:"])


# --- matching ----------------------------------------------------------------------------------


def test_matcher_rules() -> None:
    m = Matcher()
    rec = Action.make("Originate", ActionID="r", Channel="Local/1@x", Variable=["A=1", "B=2"])
    same = parse_action(b"action: originate\r\nvariable: A=1\r\nCHANNEL: Local/1@x\r\n"
                        b"actionid: other\r\nVariable: B=2\r\n\r\n")
    assert m.matches(rec, same)
    swapped = Action.make("Originate", Channel="Local/1@x", Variable=["B=2", "A=1"])
    assert m.differences(rec, swapped) == ["Variable #1: recorded 'A=1', got 'B=2'",
                                           "Variable #2: recorded 'B=2', got 'A=1'"]
    other = Action.make("Ping", Channel="Local/2@x", Extra="e")
    assert m.differences(rec, other) == [
        "Action: recorded 'Originate', got 'Ping'",
        "Channel: recorded 'Local/1@x', got 'Local/2@x'",
        "Variable #1: recorded 'A=1', missing",
        "Variable #2: recorded 'B=2', missing",
        "Extra: not recorded, got 'e'",
    ]
    assert m.distance(rec, other) > 1000 > m.distance(rec, swapped)
    assert Matcher(("action",)).matches(rec, Action.make("ORIGINATE"))
    assert Matcher(ignore_headers=["Variable"]).matches(rec, Action.make("Originate",
                                                                         Channel="Local/1@x"))
    masked = Action.make("Login", Username="u", Secret=MASK)
    assert m.matches(masked, Action.make("Login", Username="u", Secret="anything"))
    assert not m.matches(masked, Action.make("Login", Username="u"))


def test_custom_matcher_and_bad_criterion() -> None:
    def same_channel_tech(recorded: Action, actual: Action) -> bool:
        return (recorded.get("Channel") or "").split("/")[0] == \
            (actual.get("Channel") or "").split("/")[0]

    m = Matcher(("action", same_channel_tech))
    assert m.matches(Action.make("Originate", Channel="PJSIP/1"),
                     Action.make("Originate", Channel="PJSIP/2"))
    assert m.differences(Action.make("Originate", Channel="PJSIP/1"),
                         Action.make("Originate", Channel="Local/2")) == [
        "custom matcher same_channel_tech said no"]
    with pytest.raises(ValueError, match="unknown match_on criterion 'body'"):
        Matcher(("action", "body"))


# --- playback ----------------------------------------------------------------------------------


def _pings() -> Cassette:
    return cassette_of(
        interaction(Action.make("Ping", ActionID="r1"),
                    (0.0, "response", server("Response: Success\nActionID: r1\nTimestamp: 1"))),
        interaction(Action.make("Ping", ActionID="r2"),
                    (0.0, "response", server("Response: Success\nActionID: r2\nTimestamp: 2")),
                    index=1),
    )


def test_first_unused_match_then_mismatch() -> None:
    p = Player(_pings())
    first = p.play(Action.make("Ping", ActionID="a"))
    second = p.play(Action.make("Ping", ActionID="b"))
    assert isinstance(first, Playback) and isinstance(second, Playback)
    assert [m.get("Timestamp") for _, m in first.messages + second.messages] == ["1", "2"]
    assert [m.action_id for _, m in first.messages + second.messages] == ["a", "b"]
    third = p.play(Action.make("Ping", ActionID="c"))
    assert isinstance(third, Mismatch)
    assert "already played; allow_playback_repeats is off" in str(third.error)
    assert third.response.action_id == "c" and third.response.is_error
    assert p.unplayed() == []
    with pytest.raises(ExpectationError, match="no recorded action matches Action: Ping"):
        p.check()


def test_playback_repeats() -> None:
    p = Player(_pings(), allow_playback_repeats=True)
    stamps = []
    for n in range(4):
        result = p.play(Action.make("Ping", ActionID=str(n)))
        assert isinstance(result, Playback)
        stamps.append(result.messages[0][1].get("Timestamp"))
    assert stamps == ["1", "2", "1", "1"]
    p.check(require_all_played=True)


def test_require_all_played() -> None:
    p = Player(_pings())
    p.play(Action.make("Ping"))
    with pytest.raises(ExpectationError, match=r"never played: Action: Ping \(session c1, "
                                               r"action #2\)"):
        p.check(require_all_played=True)


def test_action_id_rewriting() -> None:
    ue = Action.make("UserEvent", ActionID="c1-002", UserEvent="E")
    c = cassette_of(interaction(
        ue,
        (0.0, "response", server("Response: Success\nActionID: c1-002\nMessage: Event Sent")),
        (0.0, "event", server("Event: UserEvent\nPrivilege: user,all\nUserEvent: E\n"
                              "ActionID: c1-002\nOutput:  indented")),
        (0.1, "unsolicited", server("Event: Other\nActionID: c1-999")),
    ))
    it = c.interactions()[0]
    p = Player(c)
    mine = p.playback(it, Action.make("UserEvent", UserEvent="E", ActionID="mine"))
    response, echo, other = (m for _, m in mine.messages)
    assert response.to_bytes() == (b"Response: Success\r\nActionID: mine\r\n"
                                   b"Message: Event Sent\r\n\r\n")
    # Same place in the event, blanks of other values kept.
    assert echo.to_bytes() == (b"Event: UserEvent\r\nPrivilege: user,all\r\nUserEvent: E\r\n"
                               b"ActionID: mine\r\nOutput:  indented\r\n\r\n")
    assert other.action_id == "c1-999"
    none = p.playback(it, Action.make("UserEvent", UserEvent="E"))
    assert [m.action_id for _, m in none.messages] == [None, None, "c1-999"]
    assert "ActionID" not in none.messages[1][1]
    assert [after for after, _ in mine.messages] == [0.0, 0.0, 0.1]
    same = p.playback(it, ue)
    assert same.messages[0][1] is it.replies[0].message


def test_recorded_without_action_id_gets_the_clients() -> None:
    c = cassette_of(interaction(Action.make("Ping"),
                                (0.0, "response", server("Response: Success\nPing: Pong"))))
    result = Player(c).play(Action.make("Ping", ActionID="42"))
    assert isinstance(result, Playback)
    assert result.messages[0][1].fields[:2] == (("Response", "Success"), ("ActionID", "42"))


def test_unsolicited_can_be_left_out() -> None:
    c = cassette_of(interaction(
        Action.make("Login", Secret=MASK),
        (0.0, "response", server("Response: Success")),
        (0.0, "unsolicited", server("Event: FullyBooted")),
    ))
    c.sessions[0] = Session("c1", preamble=(Reply(0.0, server("Event: Early"), "unsolicited"),),
                            interactions=c.sessions[0].interactions)
    p = Player(c, replay_unsolicited=False)
    result = p.play(Action.make("Login", Secret="x"))
    assert isinstance(result, Playback) and len(result.messages) == 1
    assert p.preamble(c.sessions[0]) == ()
    assert Player(c).preamble(c.sessions[0])[0][1].name == "Early"


def test_wildcards_and_rejected_interactions() -> None:
    c = cassette_of(
        interaction(Action.make("Ping"), (0.0, "response", server("Response: Error")),
                    rejected="Failed to parse message: line too long"),
        interaction(None, (0.0, "response", server("Response: Success\nActionID: w1\nX: 1")),
                    index=1),
        interaction(Action.make("Status"), (0.0, "response", server("Response: Success")),
                    index=2),
    )
    p = Player(c)
    status = p.play(Action.make("Status"))
    assert isinstance(status, Playback) and status.interaction.name == "Status"
    any_action = p.play(Action.make("Ping", ActionID="z"))
    assert isinstance(any_action, Playback)
    assert any_action.messages[0][1].action_id == "z"  # the wildcard's ActionID rewritten
    missing = p.play(Action.make("Ping"))
    assert isinstance(missing, Mismatch)
    assert "recorded as rejected" in str(missing.error)


def test_mismatch_report_names_the_closest_with_a_diff(tmp_path: Path) -> None:
    c = cassette_of(
        interaction(Action.make("Ping")),
        interaction(Action.make("Originate", Channel="Local/1@x", Timeout="30000"), index=1),
    )
    path = c.save(tmp_path / "c.yaml")
    line = [n for n, t in enumerate(path.read_text().splitlines(), 1) if t == "  - at: 0.0"][1]
    p = Player(load_cassette(path))
    result = p.play(Action.make("Originate", ActionID="a", Channel="Local/2@x", Async="true"))
    assert isinstance(result, Mismatch)
    assert result.closest is not None and result.closest.name == "Originate"
    assert str(result.error).splitlines() == [
        "replay: no recorded action matches Action: Originate (Channel: Local/2@x, "
        "Async: true)",
        f"closest recorded: Action: Originate (session c1, action #2, {path}:{line})",
        "  Channel: recorded 'Local/1@x', got 'Local/2@x'",
        "  Timeout: recorded '30000', missing",
        "  Async: not recorded, got 'true'",
        f"cassette: {path}",
    ]
    assert result.response.message == (
        "pyst-sim replay: no recorded action matches Action: Originate (Channel: Local/2@x, "
        "Async: true); closest: Action: Originate differs in Channel: recorded 'Local/1@x', "
        "got 'Local/2@x'; Timeout: recorded '30000', missing; Async: not recorded, got 'true'"
    )
    assert p.errors == [result.error]
    assert p.mismatches == [result]


def test_mismatch_reply_is_one_bounded_line() -> None:
    p = Player(cassette_of(interaction(Action.make("Ping"))))
    result = p.play(Action.make("Ping", Data="x\ty " * 400))
    assert isinstance(result, Mismatch)
    text = result.response.message or ""
    assert len(text) == 900 and text.endswith("...") and "\t" not in text
    empty = Player(Cassette()).play(Action.make("Ping"))
    assert isinstance(empty, Mismatch) and "holds no action" in str(empty.error)
    nameless = Player(Cassette()).play(Action([("ActionID", "1")]))
    assert isinstance(nameless, Mismatch)
    assert "a message without Action" in str(nameless.error)


def test_sessions_are_handed_out_in_order() -> None:
    c = Cassette([Session("a", banner=Banner("X/1")), Session("b", banner=Banner("X/2"))])
    p = Player(c)
    got = [p.next_session() for _ in range(3)]
    assert [s.name if s else None for s in got] == ["a", "b", None]


def test_record_modes_are_vcrpy_names() -> None:
    assert [m.value for m in RecordMode] == ["none", "once", "new_episodes", "all"]
    assert RecordMode("new_episodes") is RecordMode.NEW_EPISODES


# --- the recorder, sans I/O --------------------------------------------------------------------

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def test_recorder_groups_and_times() -> None:
    r = SessionRecorder("c1", 100.0, at=2.0)
    r.server_bytes(100.0, BANNER + b"Event: Early\r\n\r\n")
    r.client_bytes(100.5, b"Action: Ping\r\n\r\nAction: Status\r\nActionID: s\r\n\r\n")
    r.server_bytes(100.6, b"Response: Success\r\nPing: Pong\r\n\r\n"
                          b"Response: Success\r\nActionID: s\r\nEventList: start\r\n\r\n"
                          b"Event: Status\r\nActionID: s\r\n\r\n"
                          b"Event: Newchannel\r\n\r\n")
    r.server_bytes(101.0, b"Event: StatusComplete\r\nActionID: s\r\n\r\n")
    r.server_bytes(101.5, b"")
    s = r.session()
    assert s.at == 2.0 and s.banner == DEFAULT_BANNER and s.closed_by == "server"
    assert [(x.after, x.message.name) for x in s.preamble] == [(0.0, "Early")]
    ping, status = s.interactions
    assert (ping.at, ping.index, status.index) == (0.5, 0, 1)
    assert [(x.kind, x.after) for x in ping.replies] == [("response", 0.1)]
    # Newchannel has no owner: it goes with the latest action, Status.
    assert [x.kind for x in status.replies] == ["response", "event", "unsolicited", "event"]
    assert [x.after for x in status.replies] == [0.1, 0.1, 0.1, 0.5]
    assert status.closed_after == 1.0 and ping.closed_after is None
    assert len(r) == 2
    r.close(102.0, "client")  # the first close wins
    assert r.session().closed_by == "server"


def test_recorder_records_rejected_blocks_and_early_closes() -> None:
    r = SessionRecorder("c1", 0.0)
    r.client_bytes(0.1, b"Action: Ping\r\nActionID: 1\r\nX: " + b"y" * 2000 + b"\r\n\r\n")
    s = r.session()
    assert s.interactions[0].rejected == "Failed to parse message: line too long"
    assert s.interactions[0].action is not None
    assert s.interactions[0].action.action_id == "1"
    early = SessionRecorder("c2", 0.0)
    early.server_bytes(0.2, BANNER)
    early.server_bytes(0.3, b"")
    assert (early.session().closed_by, early.session().closed_at) == ("server", 0.3)
    by_client = SessionRecorder("c3", 0.0)
    by_client.client_bytes(0.1, b"")
    assert by_client.session().closed_by == "client"


def test_recorder_survives_a_broken_server_stream() -> None:
    r = SessionRecorder("c1", 0.0)
    r.server_bytes(0.0, b"this: is no banner\r\n")
    r.server_bytes(0.1, b"Response: Success\r\n\r\n")  # ignored: that stream is broken
    r.server_bytes(0.2, b"")
    assert r.problems and "stopped recording what the server sent" in r.problems[0]
    assert r.session().closed_by == "server"


def test_recorder_attaches_replies_to_the_action_with_their_id() -> None:
    r = SessionRecorder("c1", 0.0, mask=None)
    r.server_bytes(0.0, BANNER)
    r.add_action(0.1, Action.make("Originate", ActionID="o", Async="true", Secret="s"))
    r.add_action(0.2, Action.make("Ping", ActionID="p"))
    r.add_message(0.3, server("Response: Success\nActionID: p"))
    r.add_message(0.4, server("Response: Success\nActionID: o"))
    r.add_message(0.9, server("Event: OriginateResponse\nActionID: o"))
    orig, ping = r.session().interactions
    assert [x.message.name for x in orig.replies] == ["Success", "OriginateResponse"]
    assert [x.after for x in orig.replies] == [0.3, 0.8]
    assert orig.action is not None and orig.action.get("Secret") == "s"  # mask=None
    assert [x.kind for x in ping.replies] == ["response"]


# --- properties --------------------------------------------------------------------------------

_names = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF,
                                        blacklist_characters=":"), min_size=1, max_size=12)
_values = st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x10FFFF,
                                         blacklist_categories=("Cs",),
                                         blacklist_characters="\r\n\0"), max_size=20)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_names, _values), max_size=8),
       st.sampled_from(["response", "event", "unsolicited"]))
def test_any_message_survives_the_cassette(fields: list[tuple[str, str]], kind: str) -> None:
    head = ("Response", "Success") if kind == "response" else ("Event", "E")
    built = (Response if kind == "response" else Event)([head, *fields])
    wire = parse_server_message(built.to_bytes())
    action = parse_action(Action.make("X", Field=fields[0][1] if fields else "").to_bytes())
    c = cassette_of(interaction(action, (0.25, kind, wire)))
    again = Cassette.from_yaml(c.to_yaml())
    assert again.interactions()[0].action == c.interactions()[0].action
    assert again.interactions()[0].replies[0].message.to_bytes() == wire.to_bytes()


def test_make_response_helpers_round_trip() -> None:
    m = make_response(Action.make("Ping", ActionID="x"), fields=[("Ping", "Pong")])
    assert parse_server_message(m.to_bytes()) == m
    with pytest.raises(ValueError, match="expected one complete AMI message, found 2"):
        parse_server_message(m.to_bytes() * 2)
    with pytest.raises(ValueError, match="one complete AMI action"):
        parse_action(b"")


def test_parse_address() -> None:
    from pyst_sim.recorder import parse_address

    assert parse_address("pbx:5038") == ("pbx", 5038)
    assert parse_address("pbx") == ("pbx", 5038)
    assert parse_address("[::1]:6000") == ("::1", 6000)
    assert parse_address("[::1]") == ("::1", 5038)
    assert parse_address(":7") == ("127.0.0.1", 7)
    assert parse_address(("h", "9")) == ("h", 9)  # type: ignore[arg-type]
    assert parse_address("h", default_port=0) == ("h", 0)
    with pytest.raises(ValueError, match="bad port"):
        parse_address("h:x")
    with pytest.raises(ValueError, match="out of range"):
        parse_address("h:70000")
