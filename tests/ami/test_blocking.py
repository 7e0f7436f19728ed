"""pyst.ami.blocking: the single-threaded client, and the I/O-free helpers it shares."""

from __future__ import annotations

import logging
import re
import socket
import threading

import pytest

from pyst.ami.actions import CoreShowChannels, Originate, Ping
from pyst.ami.blocking import (
    BlockingAMIClient,
    Dispatcher,
    EventFilter,
    EventQueue,
    check_result,
    events_value,
    login_action,
)
from pyst.ami.correlation import ActionResult
from pyst.ami.messages import Action, BadAction, Event, Response, make_error, make_response
from pyst.errors import (
    ActionFailedError,
    ActionTimeoutError,
    AuthenticationError,
    ConnectionLostError,
    RemoteProtocolError,
)
from tests.ami.replay_server import ScriptedServer, ServerThread, Session, default_handler
from tests.ami.test_client import event, list_handler


def connect(thread: ServerThread, **kwargs: object) -> BlockingAMIClient:
    client = BlockingAMIClient("127.0.0.1", thread.port, timeout=2, connect_timeout=2,
                               **kwargs)  # type: ignore[arg-type]
    client.connect()
    return client


# --- helpers (no I/O) --------------------------------------------------------------------------


def test_event_queue_policies() -> None:
    newest = EventQueue(2)
    oldest = EventQueue(2, "drop_newest")
    events = [Event.make("E", N=str(i)) for i in range(5)]
    assert [newest.put(e) for e in events] == [True, True, False, False, False]
    assert [oldest.put(e) for e in events] == [True, True, False, False, False]
    assert [e["N"] for e in newest] == ["3", "4"]
    assert [e["N"] for e in oldest] == ["0", "1"]
    assert newest.dropped == oldest.dropped == 3
    assert newest.get() is None and not newest and len(newest) == 0
    oldest.put(events[0])
    oldest.clear()
    assert len(oldest) == 0 and oldest.dropped == 3
    with pytest.raises(ValueError):
        EventQueue(0)
    with pytest.raises(ValueError):
        EventQueue(5, "block")  # type: ignore[arg-type]


def test_event_filter() -> None:
    e = Event.make("Newchannel", Channel="PJSIP/1-1", Context="ctx")
    assert EventFilter().matches(e) and EventFilter("*").matches(e)
    assert EventFilter("NEWCHANNEL").matches(e) and not EventFilter("Hangup").matches(e)
    assert EventFilter(where={"Channel": "PJSIP/1-1"}).matches(e)
    assert not EventFilter(where={"Channel": "PJSIP/1"}).matches(e)
    assert EventFilter(where={"Channel": re.compile("^PJSIP")}).matches(e)
    assert not EventFilter(where={"Missing": re.compile("")}).matches(e)
    assert not EventFilter(where={"Context": lambda v: v == "other"}).matches(e)
    assert not EventFilter(predicate=lambda ev: False).matches(e)
    assert "Newchannel".lower() in repr(EventFilter("Newchannel"))


def test_dispatcher_order_removal_and_isolation(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    dispatcher = Dispatcher()
    any_sub = dispatcher.add(lambda e: calls.append("any"))
    dispatcher.add(lambda e: calls.append("named"), "Hangup")
    bad = dispatcher.add(lambda e: [][1], ["Hangup", "Newchannel"])
    with caplog.at_level(logging.ERROR):
        assert dispatcher.dispatch(Event.make("Hangup")) == 3
    assert calls == ["named", "any"] and dispatcher.errors == 1
    bad.cancel()
    any_sub.cancel()
    assert len(dispatcher) == 1
    # a callback may cancel itself (or others) during dispatch
    subs = []
    subs.append(dispatcher.add(lambda e: subs[0].cancel(), "Hangup"))
    dispatcher.dispatch(Event.make("Hangup"))
    assert len(dispatcher) == 1
    dispatcher.clear()
    assert len(dispatcher) == 0 and dispatcher.dispatch(Event.make("Hangup")) == 0
    assert "active=False" in repr(any_sub)


def test_login_action_and_events_value() -> None:
    assert login_action("u", "s").fields == (("Action", "Login"), ("Username", "u"),
                                             ("Secret", "s"))
    md5 = login_action("u", "s", challenge="1", events=False)
    assert md5.get("AuthType") == "MD5" and md5.get("Events") == "off"
    assert md5.get("Secret") is None and len(md5["Key"]) == 32
    assert events_value(True) == "on" and events_value(None) is None
    assert events_value(("call", "agi")) == "call,agi" and events_value("system") == "system"


def test_check_result() -> None:
    action = Action.make("Ping")
    ok = ActionResult(action, Response.make("Success"), complete=True)
    assert check_result(ok) is ok
    with pytest.raises(ConnectionLostError, match="connection closed"):
        check_result(ActionResult(action, problem="connection closed"))
    with pytest.raises(ActionFailedError, match="no message"):
        check_result(ActionResult(action, Response.make("Error"), complete=True))
    originate = ActionResult(Action.make("Originate"), Response.make("Success"), complete=True,
                             completion=Event.make("OriginateResponse", Response="Failure",
                                                   Reason="0"))
    with pytest.raises(ActionFailedError, match="Reason '0'"):
        check_result(originate)


# --- against a server -------------------------------------------------------------------------


def test_login_actions_lists_and_events_are_queued() -> None:
    with ServerThread(lambda: ScriptedServer(list_handler)) as thread:
        client = connect(thread)
        assert client.connected and client.banner is not None
        assert client.login("admin", "secret", events=["call"]).message == (
            "Authentication accepted"
        )
        seen: list[str] = []
        client.on(None, lambda e: seen.append(e.name))
        client.on("Hangup", lambda e: seen.append("hangup-cb"), Channel=re.compile("9"))
        result = client.send_action(CoreShowChannels())
        assert [e["Channel"] for e in result.events] == ["PJSIP/1-1", "PJSIP/2-1"]
        assert seen == []  # the interleaved events were queued, not dispatched
        assert len(client.events) == 2
        assert client.dispatch(limit=1) == 1 and seen == ["Newchannel"]
        assert client.dispatch() == 1 and seen == ["Newchannel", "hangup-cb", "Hangup"]
        done = client.send_action(Originate("Local/s@x", application="Wait", run_async=True))
        assert done.completion is not None and done.completion.name == "OriginateResponse"
        with pytest.raises(ActionFailedError):
            client.send_action("Nope")
        assert client.send_action("Nope", check=False).is_error
        assert client.get_event(0)["Channel"] == "Local/s@x"  # the Newchannel of Originate
        assert client.get_event(0) is None
        results = client.send_many([Ping(), Ping(), Ping()])
        assert [r.action_id for r in results] == ["pyst-000006", "pyst-000007", "pyst-000008"]
        response = client.logoff()
        assert response is not None and response.status == "Goodbye"
        assert not client.connected and client.logoff() is None


def test_md5_login_and_refusals() -> None:
    async def no_challenge(session: Session, action: Action) -> None:
        if action.name == "Challenge":
            session.send(make_error(action, "Must specify AuthType"))
        else:
            await default_handler(session, action)

    with ServerThread(ScriptedServer) as thread:
        client = connect(thread)
        assert client.login("admin", "secret", md5=True).message == "Authentication accepted"
        client.close()
        client.close()
        client.connect()  # an instance connects again
        with pytest.raises(AuthenticationError):
            client.login("admin", "wrong")
        client.close()
    with ServerThread(lambda: ScriptedServer(no_challenge)) as thread:
        client = connect(thread)
        with pytest.raises(AuthenticationError, match="Must specify AuthType"):
            client.login("admin", "secret", md5=True)
        client.close()


def test_poll_get_event_run_and_overflow() -> None:
    with ServerThread(ScriptedServer) as thread:
        client = connect(thread, queue_size=10)
        client.login("admin", "secret")
        session = thread.server.sessions[0]
        thread.call(lambda: session.send(*(event("VarSet", N=str(i)) for i in range(25))))
        total = 0
        while total < 25:
            total += client.poll(1.0)
        assert client.dropped_events == 15 and len(client.events) == 10
        assert client.get_event()["N"] == "15"
        assert client.poll(0) == 0
        assert client.get_event(0.01) is not None
        client.events.clear()
        assert client.get_event(0.01) is None  # waited, nothing came
        got: list[str] = []
        client.on("*", lambda e: got.append(e["N"]))
        thread.call(lambda: session.send(event("VarSet", N="x"), event("VarSet", N="y")))
        client.run(timeout=0.2)
        assert got == ["x", "y"]
        # the server closes: run() returns, queued events still dispatched
        thread.call(lambda: (session.send(event("VarSet", N="z")), session.close()))
        client.run(timeout=5)
        assert got[-1] == "z" and not client.connected
        assert client.poll(0) == 0 and client.get_event(0) is None


def test_timeouts_and_late_answers() -> None:
    held: list[Action] = []

    async def handler(session: Session, action: Action) -> None:
        if action.name == "Slow":
            held.append(action)
        elif action.name == "Flush":
            session.send(*(make_response(a, "Success", "late") for a in held))
            session.send(make_response(action, "Success", "flushed"))
        elif action.action_id is None:
            session.send(make_response(None, "Success", f"anon {action.get('N')}"))
        else:
            await default_handler(session, action)

    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        client = connect(thread)
        with pytest.raises(ActionTimeoutError, match=r"Slow \(ActionID pyst-000001\)"):
            client.send_action("Slow", timeout=0.05)
        # anonymous: the late answer lands in the abandoned slot, not in the next one
        with pytest.raises(ActionTimeoutError):
            client.send_action("Slow", timeout=0.05, assign_id=False)
        assert client.send_action("Flush").response.message == "flushed"  # type: ignore[union-attr]
        anon = client.send_many([Action.make("A", N=str(i)) for i in range(3)], assign_id=False)
        # the late anonymous answer ("late") was given to the abandoned slot
        assert [r.response.message for r in anon] == ["anon 0", "anon 1", "anon 2"]  # type: ignore[union-attr]
        client.close()


@pytest.mark.parametrize(
    "answer",
    [
        b"",
        b"Response: Success\r\nActionID: pyst-000001\r\nMess",
        b"Response: Success\r\nActionID: pyst-000001\r\nEventList: start\r\n\r\n"
        b"Event: CoreShowChannel\r\nActionID: pyst-000001\r\n\r\n",
    ],
    ids=["before-response", "mid-message", "mid-list"],
)
def test_peer_closing_fails_the_pending_action(answer: bytes) -> None:
    async def handler(session: Session, action: Action) -> None:
        session.send(answer)
        await session.drain()
        session.close()

    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        client = connect(thread)
        with pytest.raises(ConnectionLostError, match="connection lost"):
            client.send_action(CoreShowChannels())
        with pytest.raises(ConnectionLostError, match="not connected"):
            client.send_action(Ping())


def test_greeting_problems() -> None:
    ssh = b"SSH-2.0-OpenSSH_9.2\r\n"
    with ServerThread(lambda: ScriptedServer(banner=ssh)) as thread, pytest.raises(
        RemoteProtocolError
    ):
        connect(thread)
    with ServerThread(lambda: ScriptedServer(banner=None)) as thread:
        client = BlockingAMIClient("127.0.0.1", thread.port, connect_timeout=0.1)
        with pytest.raises(ActionTimeoutError, match="greeting"):
            client.connect()
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def close_at_once() -> None:
        conn, _ = listener.accept()
        conn.close()

    closer = threading.Thread(target=close_at_once)
    closer.start()
    client = BlockingAMIClient("127.0.0.1", port, connect_timeout=2)
    with pytest.raises(ConnectionLostError, match="before its greeting"):
        client.connect()
    closer.join(5)
    listener.close()


def test_context_manager_and_write_failure() -> None:
    async def handler(session: Session, action: Action | BadAction) -> None:
        await default_handler(session, action)

    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        with BlockingAMIClient("127.0.0.1", thread.port, timeout=2) as client:
            client.login("admin", "secret")
            with pytest.raises(ConnectionError):
                client.connect()  # already connected
        assert not client.connected
        assert thread.server.sessions[0].actions[-1].name == "Logoff"
        client = connect(thread)
        thread.call(lambda: thread.server.sessions[1].abort())
        with pytest.raises(ConnectionLostError):
            for _ in range(100):  # the reset shows on a write or on the read
                client.send_action(Ping())
