"""pyst.ami.client.AMIClient against small servers on 127.0.0.1:0 (no mocks of our own code).

Every test runs under a hard time limit (``run``), so a bug shows as a failure, not a hang.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from pyst.ami.actions import CoreShowChannels, Originate, Ping
from pyst.ami.blocking import md5_key
from pyst.ami.client import AMIClient, Backoff
from pyst.ami.messages import (
    Action,
    BadAction,
    Event,
    make_error,
    make_list_ack,
    make_list_complete,
    make_list_item,
    make_response,
)
from pyst.errors import (
    ActionFailedError,
    ActionTimeoutError,
    AuthenticationError,
    ConnectionLostError,
    LocalProtocolError,
    RemoteProtocolError,
)
from tests.ami.replay_server import ScriptedServer, Session, default_handler

LIMIT = 10.0


def run(main: Callable[[], Awaitable[Any]], limit: float = LIMIT) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(main(), limit)

    return asyncio.run(bounded())


def client(server: ScriptedServer, **kwargs: Any) -> AMIClient:
    options: dict[str, Any] = {
        "username": "admin",
        "secret": "secret",
        "ping_interval": None,
        "reconnect": False,
        "timeout": 2.0,
        "connect_timeout": 2.0,
    }
    options.update(kwargs)
    return AMIClient("127.0.0.1", server.port, **options)


def event(name: str, **fields: str) -> Event:
    return Event.make(name, [("Privilege", "call,all"), *fields.items()])


# --- connecting and logging in ----------------------------------------------------------------


def test_connect_and_plain_login() -> None:
    async def main() -> None:
        async with ScriptedServer() as server, client(server, events=False) as ami:
            assert ami.connected and ami.banner is not None
            assert ami.banner.version == "11.0.0"
            login = server.sessions[0].actions[0]
            assert login.fields == (("Action", "Login"), ("ActionID", "pyst-000001"),
                                    ("Username", "admin"), ("Secret", "secret"),
                                    ("Events", "off"))
            result = await ami.send_action(Ping())
            assert result.response is not None and result.response.get("Ping") == "Pong"
            assert result.ok and result.complete and not result.is_list
        assert ami.closed and not ami.connected
        assert server.sessions[0].actions[-1].name == "Logoff"

    run(main)


def test_md5_challenge_login() -> None:
    async def main() -> None:
        async with ScriptedServer() as server, client(server, md5=True) as ami:
            challenge, login = server.sessions[0].actions[:2]
            assert challenge.name == "Challenge" and challenge.get("AuthType") == "MD5"
            assert login.get("AuthType") == "MD5" and login.get("Secret") is None
            assert login.get("Key") == md5_key("134777557", "secret")
            assert ami.connected

    run(main)
    # The documented example of PROTOCOL.md 1.4 (capture a3).
    assert md5_key("134777557", "secret") == "b7537dc50237d4ea00ca10c821eebc45"


@pytest.mark.parametrize("md5", [False, True])
def test_refused_login(md5: bool) -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            ami = client(server, secret="wrong", md5=md5)
            with pytest.raises(AuthenticationError, match=r"Authentication failed|refused"):
                await ami.connect()
            assert not ami.connected
            await ami.close()

    run(main)


def test_challenge_refused() -> None:
    async def handler(session: Session, action: Action) -> None:
        if action.name == "Challenge":
            session.send(make_error(action, "Must specify AuthType"))
        else:
            await default_handler(session, action)

    async def main() -> None:
        async with ScriptedServer(handler) as server:
            ami = client(server, md5=True)
            with pytest.raises(AuthenticationError, match="Must specify AuthType"):
                await ami.connect()

    run(main)


def test_login_later_and_not_connected_errors() -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            ami = client(server, username=None)
            with pytest.raises(ConnectionLostError, match="not connected"):
                await ami.login("admin", "secret")
            with pytest.raises(ConnectionLostError, match="not connected"):
                await ami.send_action(Ping())
            await ami.connect()
            assert server.sessions[0].actions == []  # no credentials: no login
            response = await ami.login("admin", "secret", events=["call", "system"])
            assert response.message == "Authentication accepted"
            assert server.sessions[0].actions[0].get("Events") == "call,system"
            assert await ami.connect() is ami.banner  # already connected
            await ami.close()
            await ami.close()  # idempotent
            with pytest.raises(ConnectionLostError, match="closed"):
                await ami.send_action(Ping())
            with pytest.raises(ConnectionLostError, match="closed"):
                await ami.connect()

    run(main)


def test_connection_refused_and_bad_greeting() -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            port = server.port
        ami = AMIClient("127.0.0.1", port, ping_interval=None, connect_timeout=2)
        with pytest.raises(OSError):
            await ami.connect()
        async with ScriptedServer(banner=b"SSH-2.0-OpenSSH_9.2\r\n") as server:
            ami = client(server)
            with pytest.raises(RemoteProtocolError, match="greeting"):
                await ami.connect()
        async with ScriptedServer(banner=None) as server:
            ami = client(server, connect_timeout=0.2)
            with pytest.raises(ActionTimeoutError, match="greeting"):
                await ami.connect()

    run(main)


def test_server_closing_before_the_greeting() -> None:
    async def main() -> None:
        server = ScriptedServer(banner=None)

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.close()  # Asterisk over authlimit: closed before any banner

        listener = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        ami = AMIClient("127.0.0.1", port, ping_interval=None, connect_timeout=2)
        with pytest.raises(ConnectionLostError):
            await ami.connect()
        listener.close()
        del server

    run(main)


# --- actions -----------------------------------------------------------------------------------


def test_errors_raise_unless_unchecked() -> None:
    async def main() -> None:
        async with ScriptedServer() as server, client(server) as ami:
            with pytest.raises(ActionFailedError, match="Invalid/unknown command") as info:
                await ami.send_action("NoSuchAction", Foo="bar")
            assert info.value.response.get("Response") == "Error"
            result = await ami.send_action("NoSuchAction", check=False)
            assert result.is_error and not result.ok
            sent = server.sessions[0].actions[1]
            assert sent.fields[:3] == (("Action", "NoSuchAction"), ("ActionID", "pyst-000002"),
                                       ("Foo", "bar"))
            with pytest.raises(TypeError):
                await ami.send_action(Ping(), Foo="x")
            with pytest.raises(TypeError):
                await ami.send_action(42)  # type: ignore[call-overload]
            with pytest.raises(LocalProtocolError):
                await ami.send_action("Ping", Bad="a\nAction: Hangup")
            # Nothing was tracked or sent for the refused action: the next one works.
            assert (await ami.send_action(Ping())).ok

    run(main)


def list_handler(session: Session, action: Action) -> Awaitable[None] | None:
    """CoreShowChannels as a list with unrelated events interleaved; Originate async."""
    name = action.name
    if name == "CoreShowChannels":
        session.send(
            make_list_ack(action, "Channels will follow"),
            event("Newchannel", Channel="PJSIP/9-1"),
            make_list_item(action, "CoreShowChannel", {"Channel": "PJSIP/1-1"}),
            event("Hangup", Channel="PJSIP/9-1"),
            make_list_item(action, "CoreShowChannel", {"Channel": "PJSIP/2-1"}),
            make_list_complete(action, "CoreShowChannelsComplete", 2),
        )
        return None
    if name == "Status":
        session.send(make_list_ack(action, "Channel status will follow"),
                     make_list_item(action, "Status", {"Channel": "A"}),
                     make_list_complete(action, "StatusComplete", 3))  # a lie: 1 item
        return None
    if name == "Originate":
        ok = action.get("Channel") != "Local/fail@x"
        session.send(
            make_response(action, "Success", "Originate successfully queued"),
            event("Newchannel", Channel=action.get("Channel") or ""),
            Event.make("OriginateResponse", [
                ("Privilege", "call,all"), ("ActionID", action.action_id or ""),
                ("Response", "Success" if ok else "Failure"), ("Reason", "4" if ok else "0"),
            ]),
        )
        return None
    return default_handler(session, action)


def test_list_actions_are_gathered_and_other_events_dispatched() -> None:
    async def main() -> None:
        async with ScriptedServer(list_handler) as server, client(server) as ami:
            seen: list[str] = []
            ami.on("*", lambda e: seen.append(e.name))
            result = await ami.send_action(CoreShowChannels())
            assert result.is_list and result.ok
            assert [e["Channel"] for e in result.events] == ["PJSIP/1-1", "PJSIP/2-1"]
            assert result.completion is not None
            assert result.completion.name == "CoreShowChannelsComplete"
            assert result.response is not None and result.response.get("EventList") == "start"
            assert seen == ["Newchannel", "Hangup"]  # the list itself is not dispatched

            wrong = await ami.send_action("Status")
            assert wrong.problem is not None and "ListItems: 3" in wrong.problem
            assert len(wrong.events) == 1 and wrong.complete

    run(main)


def test_async_originate_returns_the_originate_response() -> None:
    async def main() -> None:
        async with ScriptedServer(list_handler) as server, client(server) as ami:
            result = await ami.send_action(
                Originate("Local/s@x", application="Wait", data="1", run_async=True)
            )
            assert result.completion is not None
            assert result.completion.name == "OriginateResponse"
            assert result.completion["Reason"] == "4" and result.ok
            with pytest.raises(ActionFailedError, match="Originate failed") as info:
                await ami.send_action(Originate("Local/fail@x", application="Wait",
                                                run_async=True))
            assert isinstance(info.value.response, Event)
            # A synchronous Originate completes on its response.
            sync = await ami.send_action(Originate("Local/s@x", application="Wait"))
            assert sync.completion is None

    run(main)


def test_timeouts_name_the_action_and_late_answers_are_dropped() -> None:
    held: list[Action] = []

    async def handler(session: Session, action: Action) -> None:
        if action.name == "Slow":
            held.append(action)
        elif action.name == "Release":
            for slow in held:
                session.send(make_response(slow, "Success", "late"))
            await default_handler(session, Action.make("Ping", ActionID=action.action_id))
        else:
            await default_handler(session, action)

    async def main() -> None:
        async with ScriptedServer(handler) as server, client(server) as ami:
            with pytest.raises(ActionTimeoutError, match=r"Slow \(ActionID pyst-000002\)"):
                await ami.send_action("Slow", timeout=0.05)
            result = await ami.send_action("Release")  # the late answer is not taken for it
            assert result.response is not None and result.response.get("Ping") == "Pong"
            assert isinstance(ActionTimeoutError("x"), TimeoutError)
            # cancelling the waiting task forgets the action too
            task = asyncio.ensure_future(ami.send_action("Slow"))
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not ami._waiters
            assert (await ami.send_action(Ping(), timeout=None)).ok
            # a later action with an earlier deadline times out first
            patient = asyncio.ensure_future(ami.send_action("Slow", timeout=5))
            await asyncio.sleep(0.01)
            with pytest.raises(ActionTimeoutError, match=r"within 0\.05 s"):
                await ami.send_action("Slow", timeout=0.05)
            assert not patient.done()
            patient.cancel()

    run(main)


def test_actions_without_action_id_are_matched_in_order() -> None:
    async def handler(session: Session, action: Action) -> None:
        if action.action_id is None:
            session.send(make_response(None, "Success", f"for {action.get('N')}"))
        else:
            await default_handler(session, action)

    async def main() -> None:
        async with ScriptedServer(handler) as server, client(server) as ami:
            results = await asyncio.gather(*(
                ami.send_action("Anon", N=str(i), assign_id=False) for i in range(5)
            ))
            assert [r.response.message for r in results if r.response] == [
                f"for {i}" for i in range(5)
            ]
            assert all(a.action_id is None for a in server.sessions[0].actions[1:])

    run(main)


def test_ten_thousand_interleaved_actions_from_many_tasks() -> None:
    rng = random.Random(4)

    class Shuffler:
        """Answers in shuffled order, with events (some carrying ActionIDs) in between."""

        def __init__(self) -> None:
            self.pending: list[Action] = []

        def __call__(self, session: Session, action: Action) -> Awaitable[None] | None:
            if action.name != "Echo":
                return default_handler(session, action)
            self.pending.append(action)
            if len(self.pending) >= rng.randint(1, 40):
                rng.shuffle(self.pending)
                out = []
                for item in self.pending:
                    out.append(make_response(item, "Success", None, {"Echo": item.get("N")}))
                    if rng.random() < 0.3:
                        # an event that copies an ActionID (as UserEvent does) is not an answer
                        out.append(Event.make("UserEvent", [("ActionID", item.action_id or ""),
                                                            ("N", "bogus")]))
                session.send(*out)
                self.pending.clear()
            return None

    shuffler = Shuffler()

    async def main() -> None:
        async with ScriptedServer(shuffler) as server, client(server, timeout=20) as ami:
            events: list[Event] = []
            ami.on("UserEvent", events.append)

            async def worker(w: int) -> None:
                for i in range(100):
                    n = f"{w}-{i}"
                    result = await ami.send_action("Echo", N=n)
                    assert result.response is not None and result.response["Echo"] == n

            async def flusher() -> None:
                # answers still held when every worker waits: flush them with a final batch
                while not done.is_set():
                    await asyncio.sleep(0.01)
                    if shuffler.pending:
                        session = server.sessions[0]
                        out = [make_response(a, "Success", None, {"Echo": a.get("N")})
                               for a in shuffler.pending]
                        shuffler.pending.clear()
                        session.send(*out)

            done = asyncio.Event()
            flush = asyncio.ensure_future(flusher())
            await asyncio.gather(*(worker(w) for w in range(100)))
            done.set()
            await flush
            assert len(server.sessions[0].actions) == 1 + 10_000
            assert events and all(e["N"] == "bogus" for e in events)

    run(main, limit=30)


# --- events ------------------------------------------------------------------------------------


def test_callbacks_filters_and_isolation(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        async with ScriptedServer() as server, client(server) as ami:
            got: dict[str, list[str]] = {k: [] for k in ("named", "any", "str", "re", "fn",
                                                         "pred", "async")}
            ami.on("newchannel", lambda e: got["named"].append(e["Channel"]))
            ami.on(None, lambda e: got["any"].append(e.name))
            ami.on(["Newchannel", "Hangup"], lambda e: got["str"].append(e.name),
                   Context="from-pstn")
            ami.on("*", lambda e: got["re"].append(e.name), Channel=re.compile(r"^PJSIP/1"))
            ami.on("*", lambda e: got["fn"].append(e.name), Channel=lambda v: v.endswith("-2"))
            ami.on("*", lambda e: got["pred"].append(e.name),
                   predicate=lambda e: e.get("Cause") == "16")

            async def slow(e: Event) -> None:
                await asyncio.sleep(0)
                got["async"].append(e.name)

            ami.on("Hangup", slow)
            boom = ami.on("*", lambda e: 1 / 0)
            ping = asyncio.Event()

            def last(e: Event) -> None:
                if e.name == "Done":
                    ping.set()

            ami.on("Done", last)
            session = server.sessions[0]
            with caplog.at_level(logging.ERROR, logger="pyst.ami.blocking"):
                session.send(
                    event("Newchannel", Channel="PJSIP/1-1", Context="from-pstn"),
                    event("Newchannel", Channel="PJSIP/2-2", Context="internal"),
                    event("Hangup", Channel="PJSIP/1-1", Context="from-pstn", Cause="16"),
                    event("Done"),
                )
                await asyncio.wait_for(ping.wait(), 2)
                await asyncio.sleep(0.01)
            assert got["named"] == ["PJSIP/1-1", "PJSIP/2-2"]
            assert got["any"] == ["Newchannel", "Newchannel", "Hangup", "Done"]
            assert got["str"] == ["Newchannel", "Hangup"]
            assert got["re"] == ["Newchannel", "Hangup"]
            assert got["fn"] == ["Newchannel"]
            assert got["pred"] == ["Hangup"]
            assert got["async"] == ["Hangup"]
            assert ami.callback_errors == 4
            assert "ZeroDivisionError" in caplog.text
            boom.cancel()
            boom.cancel()
            assert not boom.active
            assert ami.stats["events"] == 4
            with pytest.raises(TypeError):
                ami.on("*", "not callable")  # type: ignore[arg-type]
            with pytest.raises(TypeError):
                ami.on("*", print, Channel=42)  # type: ignore[arg-type]

    run(main)


def test_event_streams_iterate_filter_and_overflow() -> None:
    async def main() -> None:
        async with ScriptedServer() as server, client(server) as ami:
            newest = ami.events("UserEvent", maxsize=3)
            oldest = ami.events("UserEvent", maxsize=3, overflow="drop_newest")
            only_b = ami.events(UserEvent="B")
            session = server.sessions[0]
            session.send(*(Event.make("UserEvent", [("UserEvent", "A" if i % 2 else "B"),
                                                    ("N", str(i))]) for i in range(10)))
            session.send(Event.make("Sync"))
            async with ami.events("Sync") as sync:
                pass
            assert sync.closed
            first = await only_b.get(timeout=2)
            assert first["N"] == "0"
            while newest.dropped < 7:
                await asyncio.sleep(0.005)
            assert [(await newest.get())["N"] for _ in range(3)] == ["7", "8", "9"]
            assert [(await oldest.get())["N"] for _ in range(3)] == ["0", "1", "2"]
            assert oldest.dropped == 7 and ami.dropped_events >= 14
            with pytest.raises(TimeoutError):
                await newest.get(timeout=0.01)
            rest = []
            only_b.close()
            async for item in only_b:  # the queued events, then the end
                rest.append(item["N"])
            assert rest == ["2", "4", "6", "8"]
            with pytest.raises(ConnectionLostError):
                await only_b.get()
            # closing the client ends the open streams
            waiting = asyncio.ensure_future(newest.get())
            await asyncio.sleep(0)
            await ami.close()
            with pytest.raises(ConnectionLostError):
                await waiting
            assert newest.closed and oldest.closed

    run(main)


def test_a_slow_consumer_does_not_hold_up_answers() -> None:
    async def main() -> None:
        async with ScriptedServer() as server, client(server) as ami:
            stream = ami.events(maxsize=100)
            session = server.sessions[0]
            session.send(*(event("VarSet", N=str(i)) for i in range(5000)))
            for _ in range(3):
                assert (await ami.send_action(Ping())).ok  # never behind the events
            while stream.dropped < 4900:
                await ami.send_action(Ping())
            assert len(stream) == 100 and stream.dropped == 4900
            assert (await stream.get())["N"] == "4900"

    run(main)


def test_non_utf8_bytes_and_chanvariable_headers() -> None:
    async def main() -> None:
        async with ScriptedServer() as server, client(server) as ami:
            stream = ami.events("Newchannel")
            server.sessions[0].send(
                b"Event: Newchannel\r\nPrivilege: call,all\r\nCallerIDName: Jos\xe9 \xff\r\n"
                b"ChanVariable: FOO=bar\r\nChanVariable(PJSIP/1-1): BAZ=a=b\r\n\r\n"
            )
            item = await stream.get(timeout=2)
            name = item["CallerIDName"]
            assert name == "Jos\udce9 \udcff"
            assert name.encode("utf-8", "surrogateescape") == b"Jos\xe9 \xff"
            assert item.chan_variables() == [("FOO", "bar"), ("BAZ", "a=b")]

    run(main)


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        b"",  # closes before the response
        b"Response: Success\r\nActionID: pyst-000002\r\nMess",  # mid-message
        b"Response: Success\r\nActionID: pyst-000002\r\nEventList: start\r\n"
        b"Message: Channels will follow\r\n\r\nEvent: CoreShowChannel\r\n"
        b"ActionID: pyst-000002\r\nChannel: A\r\n\r\n",  # mid-list
    ],
    ids=["before-response", "mid-message", "mid-list"],
)
def test_peer_closing_fails_the_pending_action(
    answer: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(session: Session, action: Action) -> None:
        if action.name == "CoreShowChannels":
            session.send(answer)
            await session.drain()
            session.close()
        else:
            await default_handler(session, action)

    async def main() -> None:
        async with ScriptedServer(handler) as server:
            lost: list[AMIClient] = []
            ami = client(server, on_disconnect=lost.append)
            await ami.connect()
            stream = ami.events()
            with caplog.at_level(logging.WARNING, logger="pyst.ami.client"), pytest.raises(
                ConnectionLostError, match="lost"
            ):
                await ami.send_action(CoreShowChannels())
            assert not ami.connected and lost == [ami]
            if answer.endswith(b"Mess"):
                assert "middle of a message" in caplog.text
            with pytest.raises(ConnectionLostError):
                await ami.send_action(Ping())  # no reconnect: fails at once
            assert stream.closed  # no reconnect: the streams end
            await ami.close()

    run(main)


def test_reconnect_restores_login_mask_and_filters() -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            connects: list[int] = []

            async def on_connect(c: AMIClient) -> None:
                connects.append(len(server.sessions))

            ami = client(server, reconnect=True, backoff=Backoff(0.01, 2, 0.05, 0.5),
                         rng=random.Random(1), on_connect=on_connect, events=["call"])
            await ami.connect()
            await ami.set_event_mask(["call", "user"])
            await ami.add_filter("Event: Newchannel")
            await ami.add_filter(match_criteria="action(Login)")
            stream = ami.events("UserEvent")
            server.sessions[0].abort()  # the connection breaks
            while ami.connected:
                await asyncio.sleep(0.001)
            # an action sent while reconnecting waits for the new connection
            result = await ami.send_action(Ping(), timeout=5)
            assert result.ok and len(server.sessions) == 2
            second = [(a.name, a.get("EventMask") or a.get("Filter") or a.get("MatchCriteria")
                       or a.get("Events")) for a in server.sessions[1].actions]
            assert second[:4] == [("Login", "call"), ("Events", "call,user"),
                                  ("Filter", "Event: Newchannel"), ("Filter", "action(Login)")]
            assert ami.stats["reconnects"] == 1 and ami.stats["connection_losses"] == 1
            server.sessions[1].send(Event.make("UserEvent", [("UserEvent", "after")]))
            assert (await stream.get(timeout=2))["UserEvent"] == "after"  # still subscribed
            await asyncio.sleep(0.01)
            assert connects == [1, 2]
            ami.clear_filters()
            await ami.close()

    run(main)


def test_reconnect_retries_with_backoff_until_the_server_is_back() -> None:
    async def main() -> None:
        server = await ScriptedServer().start()
        port = server.port
        ami = AMIClient("127.0.0.1", port, username="admin", secret="secret",
                        ping_interval=None, timeout=5, backoff=Backoff(0.01, 2, 0.02, 0))
        await ami.connect()
        await server.stop()  # gone: connection lost, reconnects refused for a while
        while ami.connected:
            await asyncio.sleep(0.005)
        pending = asyncio.ensure_future(ami.send_action(Ping()))
        await asyncio.sleep(0.05)
        assert not pending.done()
        # back on the same port
        replacement = ScriptedServer()
        replacement._server = await asyncio.start_server(replacement._serve, "127.0.0.1", port)
        assert (await pending).ok
        assert ami.stats["reconnects"] == 1
        await ami.close()
        await replacement.stop()

    run(main)


def test_keepalive_notices_a_dead_peer() -> None:
    answered: list[int] = []

    async def handler(session: Session, action: Action) -> None:
        if action.name == "Ping" and len(answered) >= 1:
            return  # the peer stops answering (a half-open connection)
        if action.name == "Ping":
            answered.append(1)
        await default_handler(session, action)

    async def main() -> None:
        async with ScriptedServer(handler) as server:
            ami = client(server, ping_interval=0.02, ping_timeout=0.05, reconnect=True,
                         backoff=Backoff(0.01, 1, 0.01, 0))
            await ami.connect()
            while len(server.sessions) < 2:
                await asyncio.sleep(0.01)
            assert ami.stats["connection_losses"] >= 1
            assert [a.name for a in server.sessions[0].actions[:3]] == ["Login", "Ping", "Ping"]
            await ami.close(logoff=False)

    run(main)


def test_protocol_error_mid_session_drops_the_connection() -> None:
    async def handler(session: Session, action: Action | BadAction) -> None:
        if isinstance(action, Action) and action.name == "Big":
            session.send(b"Response: Success\r\n" + b"X: " + b"y" * 5000 + b"\r\n")
        else:
            await default_handler(session, action)

    async def main() -> None:
        async with ScriptedServer(handler) as server:
            ami = client(server, max_message_size=1000)
            await ami.connect()
            with pytest.raises(ConnectionLostError):
                await ami.send_action("Big")

    run(main)


def test_tls_option_is_passed_to_the_connection() -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            ami = client(server, ssl=True, server_hostname="localhost", connect_timeout=1)
            with pytest.raises((OSError, ActionTimeoutError)):  # the server speaks plain TCP
                await ami.connect()

    run(main)


def test_backoff_delays() -> None:
    rng = random.Random(0)
    backoff = Backoff(initial=0.5, factor=2, maximum=4, jitter=0)
    assert [backoff.delay(i, rng) for i in range(5)] == [0.5, 1, 2, 4, 4]
    jittered = Backoff(initial=1, factor=1, maximum=1, jitter=0.5)
    delays = [jittered.delay(0, rng) for _ in range(50)]
    assert all(0.5 <= d <= 1.5 for d in delays) and len(set(delays)) > 1
    assert Backoff().delay(1000, rng) <= 30 * 1.1


def test_flow_control_when_the_server_does_not_read() -> None:
    async def main() -> None:
        stalled = asyncio.Event()

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"Asterisk Call Manager/11.0.0\r\n")
            await stalled.wait()  # never reads: the client's write buffer fills
            writer.close()

        listener = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        ami = AMIClient("127.0.0.1", port, ping_interval=None, reconnect=False, timeout=0.3)
        await ami.connect()
        big = "x" * 60_000
        results = await asyncio.gather(
            *(ami.send_action("Big", Data=big) for _ in range(200)), return_exceptions=True
        )
        assert all(isinstance(r, ActionTimeoutError) for r in results)
        assert ami._protocol is not None and ami._protocol.paused
        stalled.set()
        await ami.close()  # no Goodbye ever comes: closes anyway, in bounded time
        listener.close()

    run(main)


def test_logoff_hooks_and_stray_answers(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            calls: list[str] = []

            def broken_hook(c: AMIClient) -> None:
                raise RuntimeError("hook bug")

            async def async_hook(c: AMIClient) -> None:
                calls.append("disconnected")
                raise ValueError("async hook bug")

            ami = client(server, on_connect=broken_hook, on_disconnect=async_hook)
            with caplog.at_level(logging.ERROR):
                await ami.connect()
                session = server.sessions[0]
                # a response nobody waits for, a block with neither Event nor Response
                session.send(make_response(Action.make("X", ActionID="stray"), "Success", "?"),
                             b"Foo: bar\r\n\r\n")

                async def failing(e: Event) -> None:
                    raise KeyError("async callback bug")

                ami.on("Boom", failing)
                session.send(Event.make("Boom"))
                assert (await ami.send_action(Ping())).ok
                await asyncio.sleep(0.01)
                session.abort()
                while ami.connected:
                    await asyncio.sleep(0.002)
                await asyncio.sleep(0.01)
            assert "hook bug" in caplog.text and "async callback bug" in caplog.text
            assert "async hook bug" in caplog.text and calls == ["disconnected"]
            assert await ami.logoff() is None  # not connected: nothing to say

            ami = client(server)
            await ami.connect()
            response = await ami.logoff()
            assert response is not None and response.status == "Goodbye"
            assert ami.closed

    run(main)


def test_waiting_for_the_connection_times_out_or_ends_with_close() -> None:
    async def main() -> None:
        server = await ScriptedServer().start()
        port = server.port
        ami = AMIClient("127.0.0.1", port, username="admin", secret="secret",
                        ping_interval=None, backoff=Backoff(10, 1, 10, 0))
        await ami.connect()
        await server.stop()
        while ami.connected:
            await asyncio.sleep(0.002)
        with pytest.raises(ActionTimeoutError, match="not connected"):
            await ami.send_action(Ping(), timeout=0.05)
        forever = asyncio.ensure_future(ami.send_action(Ping(), timeout=None))
        await asyncio.sleep(0.01)
        slow_task = asyncio.ensure_future(asyncio.sleep(10))
        ami._tasks.add(slow_task)  # a callback task still running at close
        await ami.close()
        with pytest.raises(ConnectionLostError, match="closed"):
            await forever
        assert slow_task.cancelled()

    run(main)


def test_keepalive_stops_when_the_connection_goes() -> None:
    async def handler(session: Session, action: Action) -> None:
        if action.name == "Ping":
            session.abort()  # the keep-alive Ping meets a dying connection
        else:
            await default_handler(session, action)

    async def main() -> None:
        async with ScriptedServer(handler) as server:
            ami = client(server, ping_interval=0.01)
            await ami.connect()
            while ami.connected:
                await asyncio.sleep(0.002)
            assert ami.stats["connection_losses"] == 1
            await ami.close()

    run(main)


def test_connect_while_reconnecting_makes_one_connection() -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            ami = client(server, reconnect=True, backoff=Backoff(0.05, 1, 0.05, 0))
            await ami.connect()
            server.sessions[0].abort()
            while ami.connected:
                await asyncio.sleep(0.002)
            assert ami._reconnect_task is not None
            banners = await asyncio.gather(ami.connect(), ami.connect())
            assert banners[0] is banners[1] and ami.connected
            await asyncio.sleep(0.1)  # the cancelled reconnect does not connect again
            assert len(server.sessions) == 2
            await ami.close()

    run(main)


def test_a_logoff_sent_by_hand_does_not_reconnect() -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            ami = client(server, reconnect=True, backoff=Backoff(0.01, 1, 0.01, 0))
            await ami.connect()
            result = await ami.send_action("Logoff")
            assert result.response is not None and result.response.status == "Goodbye"
            while ami._protocol is not None:
                await asyncio.sleep(0.002)
            await asyncio.sleep(0.05)
            assert len(server.sessions) == 1 and ami._reconnect_task is None
            await ami.connect()  # by hand, it connects again
            assert len(server.sessions) == 2
            await ami.close()

    run(main)
