"""Correlator: ActionIDs, event lists, async Originate, unsolicited events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pyst.ami.correlation import (
    LIST_COMPLETE_EVENTS,
    ActionResult,
    Correlator,
    Progress,
    Routed,
    Unsolicited,
    action_id_factory,
    is_async_originate,
)
from pyst.ami.messages import (
    Action,
    Event,
    Message,
    Response,
    make_error,
    make_goodbye,
    make_list_ack,
    make_list_complete,
    make_list_item,
    make_response,
)
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection, ConnectionClosed
from pyst.errors import LocalProtocolError
from pyst_sim.captures import load_capture

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def wire_messages(data: bytes) -> list[Message]:
    """Asterisk-side bytes -> messages, through the real client core."""
    conn = AMIConnection(CLIENT)
    out = conn.receive(BANNER + data)[1:]
    assert all(isinstance(m, Message) for m in out)
    return out  # type: ignore[return-value]


def route_all(corr: Correlator, messages: list[Message]) -> list[Routed]:
    return [corr.receive(m) for m in messages]


def results(routed: list[Routed]) -> list[ActionResult]:
    return [r for r in routed if isinstance(r, ActionResult)]


def unsolicited(routed: list[Routed]) -> list[Message]:
    return [r.message for r in routed if isinstance(r, Unsolicited)]


# --- ActionIDs ------------------------------------------------------------------------------


def test_default_ids_are_per_correlator() -> None:
    a, b = Correlator(), Correlator()
    first = a.track(Action.make("Ping"))
    assert first.fields == (("Action", "Ping"), ("ActionID", "pyst-000001"))
    assert a.track(Action.make("Ping")).action_id == "pyst-000002"
    assert b.track(Action.make("Ping")).action_id == "pyst-000001"  # no shared counter
    assert a.pending == ("pyst-000001", "pyst-000002")
    assert len(a) == 2


def test_injected_id_factory() -> None:
    ids = iter(["x", "y"])
    corr = Correlator(lambda: next(ids))
    assert corr.track(Action.make("Ping")).action_id == "x"
    assert corr.new_action_id() == "y"
    gen = action_id_factory("host-42", start=7)
    assert [gen(), gen()] == ["host-42-000007", "host-42-000008"]


def test_existing_action_id_is_kept_and_empty_one_replaced() -> None:
    corr = Correlator()
    assert corr.track(Action.make("Ping", ActionID="mine")).action_id == "mine"
    replaced = corr.track(Action([("Action", "Ping"), ("ActionID", "")]))
    assert replaced.fields == (("Action", "Ping"), ("ActionID", "pyst-000001"))
    with pytest.raises(LocalProtocolError):
        corr.track(Action.make("Ping", ActionID="mine"))


def test_simple_response_completes() -> None:
    corr = Correlator()
    ping = corr.track(Action.make("Ping"))
    resp = Response.make("Success", ActionID=ping.action_id, Ping="Pong")
    result = corr.receive(resp)
    assert isinstance(result, ActionResult)
    assert result.complete and result.ok and not result.is_list and not result.is_error
    assert result.response == resp and result.action == ping
    assert result.action_id == ping.action_id and result.events == result.items == ()
    assert corr.pending == ()
    assert isinstance(corr.receive(resp), Unsolicited)  # a duplicate is not matched again


def test_logoff_goodbye_completes() -> None:
    corr = Correlator()
    logoff = corr.track(Action.make("Logoff"))
    result = corr.receive(make_goodbye(logoff))
    assert isinstance(result, ActionResult) and result.ok
    assert result.response is not None and result.response.status == "Goodbye"


def test_response_for_unknown_id_and_other_messages_are_unsolicited() -> None:
    corr = Correlator()
    corr.track(Action.make("Ping", ActionID="1"))
    assert isinstance(corr.receive(Response.make("Success", ActionID="2")), Unsolicited)
    assert isinstance(corr.receive(Message([("Foo", "bar")])), Unsolicited)
    assert isinstance(corr.receive(Event.make("Hangup", ActionID="1")), Unsolicited)
    assert corr.pending == ("1",)


# --- event lists ----------------------------------------------------------------------------


def _core_show_channels(action: Action) -> bytes:
    items = [
        make_list_item(action, "CoreShowChannel", {"Channel": f"Local/s@t-0000000{i};1"})
        for i in range(3)
    ]
    noise = Event.make("Newexten", Privilege="dialplan,all", Channel="Local/x")
    other = Event.make("CoreShowChannel", ActionID="someone-else")
    return b"".join(
        m.to_bytes()
        for m in [
            make_list_ack(action, "Channels will follow"),
            items[0],
            noise,  # unrelated events may arrive between list items
            items[1],
            other,
            items[2],
            make_list_complete(action, "CoreShowChannelsComplete", 3),
        ]
    )


def test_list_gathering_with_interleaved_events() -> None:
    corr = Correlator()
    action = corr.track(Action.make("CoreShowChannels"))
    routed = route_all(corr, wire_messages(_core_show_channels(action)))
    assert [type(r).__name__ for r in routed] == [
        "Progress", "Progress", "Unsolicited", "Progress", "Unsolicited", "Progress",
        "ActionResult",
    ]
    (result,) = results(routed)
    assert result.complete and result.ok and result.is_list and result.problem is None
    assert [e["Channel"] for e in result.events] == [f"Local/s@t-0000000{i};1" for i in range(3)]
    assert result.completion is not None and result.completion.name == "CoreShowChannelsComplete"
    assert [m.name for m in unsolicited(routed)] == ["Newexten", "CoreShowChannel"]
    progress = routed[0]
    assert isinstance(progress, Progress) and progress.action_id == action.action_id


def test_status_list_with_privilege_call_and_items() -> None:
    corr = Correlator()
    action = corr.track(Action.make("Status", ActionID="st-1"))
    wire = (
        b"Response: Success\r\nActionID: st-1\r\nEventList: start\r\n"
        b"Message: Channel status will follow\r\n\r\n"
        b"Event: Status\r\nPrivilege: Call\r\nChannel: Local/a;1\r\nActionID: st-1\r\n\r\n"
        b"Event: Status\r\nPrivilege: Call\r\nChannel: Local/a;2\r\nActionID: st-1\r\n\r\n"
        b"Event: StatusComplete\r\nActionID: st-1\r\nEventList: Complete\r\nListItems: 2\r\n"
        b"Items: 2\r\n\r\n"
    )
    (result,) = results(route_all(corr, wire_messages(wire)))
    assert result.ok and len(result.events) == 2
    assert result.events[0]["Privilege"] == "Call"
    assert result.action == action


def test_queue_status_mixed_item_kinds() -> None:
    corr = Correlator()
    action = corr.track(Action.make("QueueStatus"))
    msgs = [
        make_list_ack(action, "Queue status will follow"),
        make_list_item(action, "QueueParams", {"Queue": "support"}),
        make_list_item(action, "QueueMember", {"Name": "Local/100"}),
        make_list_item(action, "QueueEntry", {"Position": 1}),
        make_list_complete(action, "QueueStatusComplete", 3),
    ]
    (result,) = results(route_all(corr, wire_messages(b"".join(m.to_bytes() for m in msgs))))
    assert [e.name for e in result.events] == ["QueueParams", "QueueMember", "QueueEntry"]
    assert result.ok


def test_empty_list() -> None:
    corr = Correlator()
    action = corr.track(Action.make("CoreShowChannels"))
    assert isinstance(corr.receive(make_list_ack(action, "Channels will follow")), Progress)
    result = corr.receive(make_list_complete(action, "CoreShowChannelsComplete", 0))
    assert isinstance(result, ActionResult) and result.ok and result.events == ()


@pytest.mark.parametrize(
    ("header", "value", "problem"),
    [
        ("ListItems", "5", "ListItems: 5 but 2 item events"),
        ("ListItems", "two", "ListItems: 'two', not a number"),
    ],
)
def test_list_items_mismatch_is_reported(
    header: str, value: str, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    corr = Correlator()
    action = corr.track(Action.make("DBGetTree", Family="f"))
    corr.receive(make_list_ack(action, "Result will follow"))
    corr.receive(make_list_item(action, "DBGetTreeResponse", {"Key": "/f/a"}))
    corr.receive(make_list_item(action, "DBGetTreeResponse", {"Key": "/f/b"}))
    complete = Event.make(
        "DBGetTreeComplete", [("ActionID", action.action_id), ("EventList", "Complete")],
        **{header: value},
    )
    result = corr.receive(complete)
    assert isinstance(result, ActionResult)
    assert result.complete and not result.ok
    assert result.problem is not None and problem in result.problem
    assert len(result.events) == 2
    assert problem in caplog.text


def test_items_header_is_used_when_there_is_no_listitems() -> None:
    corr = Correlator()
    action = corr.track(Action.make("Status"))
    corr.receive(make_list_ack(action, "Channel status will follow"))
    bad = Event.make("StatusComplete", [("ActionID", action.action_id), ("EventList", "Complete")],
                     Items="3")
    result = corr.receive(bad)
    assert isinstance(result, ActionResult) and result.problem is not None
    assert "Items: 3 but 0" in result.problem


def test_complete_event_without_a_count_is_accepted() -> None:
    corr = Correlator()
    action = corr.track(Action.make("Agents"))
    corr.receive(make_list_ack(action, "Agents will follow"))
    done = corr.receive(
        Event.make("AgentsComplete", [("ActionID", action.action_id), ("EventList", "Complete")])
    )
    assert isinstance(done, ActionResult) and done.ok and done.problem is None


def test_error_on_a_list_action_completes_at_once() -> None:
    corr = Correlator()
    action = corr.track(Action.make("DBGet", Family="nope", Key="k"))
    result = corr.receive(make_error(action, "Database entry not found"))
    assert isinstance(result, ActionResult)
    assert result.complete and result.is_error and not result.ok and not result.is_list
    assert corr.pending == ()


def test_hangup_regex_is_a_list_plain_hangup_is_not() -> None:
    corr = Correlator()
    plain = corr.track(Action.make("Hangup", Channel="Local/a;1"))
    result = corr.receive(make_response(plain, "Success", "Channel Hungup"))
    assert isinstance(result, ActionResult) and result.ok and not result.is_list
    regex = corr.track(Action.make("Hangup", Channel="/^Local/.*$/"))
    assert isinstance(corr.receive(make_list_ack(regex, "Channels hung up will follow")), Progress)
    assert isinstance(corr.receive(make_list_item(regex, "ChannelHungup", {"Channel": "x"})),
                      Progress)
    done = corr.receive(make_list_complete(regex, "ChannelsHungupListComplete", 1))
    assert isinstance(done, ActionResult) and done.ok and done.is_list and len(done.events) == 1


def test_eventlist_start_is_case_insensitive() -> None:
    corr = Correlator()
    fax = corr.track(Action.make("FAXSessions"))
    assert isinstance(corr.receive(make_list_ack(fax, "x", event_list="Start")), Progress)
    done = corr.receive(make_list_complete(fax, "FAXSessionsComplete", 0))
    assert isinstance(done, ActionResult) and done.ok


def test_old_server_list_without_eventlist_headers() -> None:
    # Asterisk 11: "Channel status will follow" without EventList, StatusComplete with Items.
    corr = Correlator()
    corr.track(Action.make("Status", ActionID="old"))
    wire = (
        b"Response: Success\r\nActionID: old\r\nMessage: Channel status will follow\r\n\r\n"
        b"Event: Status\r\nPrivilege: Call\r\nChannel: SIP/a\r\nActionID: old\r\n\r\n"
        b"Event: StatusComplete\r\nActionID: old\r\nItems: 1\r\n\r\n"
    )
    (result,) = results(route_all(corr, wire_messages(wire)))
    assert result.ok and result.is_list and len(result.events) == 1
    # A non-list action with a "will follow" message is not mistaken for a list.
    ping = corr.track(Action.make("Ping"))
    single = corr.receive(make_response(ping, "Success", "Something will follow"))
    assert isinstance(single, ActionResult) and not single.is_list


def test_list_table_matches_the_action_spec(shared_dir: Path) -> None:
    spec = json.loads((shared_dir / "spec" / "ami_actions.json").read_text())
    expected = {
        a["name"]: a["list_complete_event"] for a in spec["actions"] if a["returns_event_list"]
    }
    assert dict(LIST_COMPLETE_EVENTS) == expected


# --- async Originate ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("Yes", True), ("1", True), ("on", True), ("t", True), ("Y", True),
    ("false", False), ("no", False), ("", False), ("0", False), ("2", False),
])
def test_async_flag_like_ast_true(value: str, expected: bool) -> None:
    assert is_async_originate(Action.make("Originate", Async=value)) is expected
    assert is_async_originate(Action.make("originate", Async=value)) is expected
    assert not is_async_originate(Action.make("Ping", Async=value))


def test_async_originate_completes_with_originate_response() -> None:
    corr = Correlator()
    orig = corr.track(Action.make("Originate", Channel="Local/s@t", Application="Wait",
                                  Async="true"))
    queued = corr.receive(make_response(orig, "Success", "Originate successfully queued"))
    assert isinstance(queued, Progress)
    assert isinstance(corr.receive(Event.make("Newchannel", Channel="Local/s@t-1;1")), Unsolicited)
    final = Event.make("OriginateResponse", [("Privilege", "call,all"),
                                             ("ActionID", orig.action_id)],
                       Response="Failure", Reason="0", Uniqueid="<unknown>")
    result = corr.receive(final)
    assert isinstance(result, ActionResult)
    assert result.complete and result.completion == final
    assert not result.ok  # the call failed (Response: Failure)


def test_async_originate_error_completes_at_once() -> None:
    corr = Correlator()
    orig = corr.track(Action.make("Originate", Async="yes"))
    result = corr.receive(make_error(orig, "Channel not specified"))
    assert isinstance(result, ActionResult) and result.is_error and result.completion is None


def test_originate_response_before_the_response_is_kept() -> None:
    corr = Correlator()
    orig = corr.track(Action.make("Originate", Async="1"))
    early = Event.make("OriginateResponse", ActionID=orig.action_id, Response="Success")
    assert isinstance(corr.receive(early), Progress)
    result = corr.receive(make_response(orig, "Success", "Originate successfully queued"))
    assert isinstance(result, ActionResult) and result.ok and result.completion == early


def test_sync_originate_completes_on_its_response() -> None:
    corr = Correlator()
    orig = corr.track(Action.make("Originate", Channel="Local/s@t"))
    result = corr.receive(make_response(orig, "Success", "Originate successfully queued"))
    assert isinstance(result, ActionResult) and result.ok


# --- anonymous actions, cancel, close -------------------------------------------------------


def test_actions_without_action_id_match_in_order() -> None:
    corr = Correlator()
    first = corr.track(Action.make("Ping"), assign_id=False)
    second = corr.track(Action.make("CoreStatus"), assign_id=False)
    assert first.action_id is None and len(corr) == 2 and corr.pending == ()
    r1 = corr.receive(Response.make("Success", Ping="Pong"))
    r2 = corr.receive(Response.make("Success", CoreCurrentCalls="0"))
    assert isinstance(r1, ActionResult) and r1.action == first
    assert isinstance(r2, ActionResult) and r2.action == second
    assert isinstance(corr.receive(Response.make("Success")), Unsolicited)


def test_cancel_and_late_reply() -> None:
    corr = Correlator()
    action = corr.track(Action.make("CoreShowChannels"))
    corr.receive(make_list_ack(action, "Channels will follow"))
    corr.receive(make_list_item(action, "CoreShowChannel"))
    partial = corr.cancel(action.action_id or "")
    assert partial is not None and not partial.complete and len(partial.events) == 1
    assert partial.problem == "cancelled before it completed"
    assert corr.cancel("nope") is None
    late = corr.receive(make_list_complete(action, "CoreShowChannelsComplete", 1))
    assert isinstance(late, Unsolicited)


def test_close_returns_incomplete_results() -> None:
    corr = Correlator()
    corr.track(Action.make("Ping"))
    corr.track(Action.make("Ping"), assign_id=False)
    out = corr.close()
    assert len(out) == 2 and all(not r.complete and not r.ok for r in out)
    assert all(r.problem == "connection closed before the action completed" for r in out)
    assert len(corr) == 0


# --- real capture traffic -------------------------------------------------------------------


CAPTURES = [
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


@pytest.mark.parametrize("name", CAPTURES)
def test_every_captured_action_completes(shared_dir: Path, name: str) -> None:
    """Replay each capture in recorded order: actions read by the server core are tracked,
    replies read by the client core are routed; every action gets exactly one result."""
    cap = load_capture(shared_dir / "captures" / f"{name}.jsonl")
    for conn in cap.connections():
        corr = Correlator()
        server, client = AMIConnection(SERVER), AMIConnection(CLIENT)
        sent: list[Action] = []
        done: list[ActionResult] = []
        for rec in cap.records:
            if rec.type != "data" or rec.conn != conn:
                continue
            if rec.dir == "c2s":
                for action in server.receive(rec.data):
                    assert isinstance(action, Action)
                    sent.append(corr.track(action, assign_id=False))
            else:
                for msg in client.receive(rec.data):
                    if isinstance(msg, Message):
                        routed = corr.receive(msg)
                        if isinstance(routed, ActionResult):
                            done.append(routed)
        assert client.receive(b"")[-1] == ConnectionClosed(b"")
        assert [r.action for r in done] == sent  # all complete, in the order sent here
        assert all(r.complete and r.response is not None for r in done)
        for r in done:
            if r.action_id is not None:
                assert r.response is not None and r.response.action_id == r.action_id
        assert len(corr) == 0


def test_capture_async_originate(shared_dir: Path) -> None:
    for name in ("e1_originate_local_playback", "j1_fastagi_ami_side"):
        cap = load_capture(shared_dir / "captures" / f"{name}.jsonl")
        corr = Correlator()
        (originate,) = [
            a for a in AMIConnection(SERVER).receive(cap.stream("c1", "c2s"))
            if isinstance(a, Action) and a.name == "Originate"
        ]
        corr.track(originate)
        routed = route_all(corr, [m for m in AMIConnection(CLIENT).receive(
            cap.stream("c1", "s2c")) if isinstance(m, Message)])
        (result,) = results(routed)
        assert result.ok and result.completion is not None
        assert result.completion.name == "OriginateResponse"
        assert result.completion["Reason"] == "4"
        # Everything but the ack and the OriginateResponse is an ordinary event.
        progress = [r for r in routed if isinstance(r, Progress)]
        assert len(progress) == 1 and isinstance(progress[0].message, Response)
        assert len(unsolicited(routed)) == len(routed) - 2


def test_capture_userevent_echo_is_unsolicited(shared_dir: Path) -> None:
    cap = load_capture(shared_dir / "captures" / "i1_userevent.jsonl")
    corr = Correlator()
    for a in AMIConnection(SERVER).receive(cap.stream("c1", "c2s")):
        assert isinstance(a, Action)
        corr.track(a)
    routed = route_all(corr, [m for m in AMIConnection(CLIENT).receive(cap.stream("c1", "s2c"))
                              if isinstance(m, Message)])
    echoes = [m for m in unsolicited(routed) if m.name == "UserEvent"]
    assert [e.action_id for e in echoes] == ["c1-002", "c1-003"]
    assert len(results(routed)) == 4
