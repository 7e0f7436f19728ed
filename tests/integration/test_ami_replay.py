"""Real Asterisk 22.10.1 traffic, replayed over loopback sockets to the three AMI clients.

The server (tests/ami/replay_server.py) writes each connection's server-to-client bytes in the
chunks Asterisk's traffic really came in, and waits for the client's actions in between. The
clients send the capture's own actions; every message the capture holds must reach the client
exactly as Asterisk sent it: as an answer (response, list items, completion) or as an event,
and events in the order they were sent.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pyst import manager
from pyst.ami.blocking import BlockingAMIClient
from pyst.ami.client import AMIClient
from pyst.ami.correlation import ActionResult
from pyst.ami.messages import Action, Banner, Event, Message
from pyst.ami.protocol import CLIENT, AMIConnection
from pyst_sim.captures import Capture, find_shared_dir, load_capture
from tests.ami.replay_server import ReplayServer, ServerThread, script_of

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
LIMIT = 10.0


def _connections() -> list[tuple[str, str]]:
    shared = find_shared_dir(Path(__file__).resolve().parent)
    out = []
    for name in AMI_CAPTURES:
        conns = ["c1"]
        if shared is not None:
            conns = load_capture(shared / "captures" / f"{name}.jsonl").connections()
        out.extend((name, conn) for conn in conns)
    return out


CONNECTIONS = _connections()


def _load(shared_dir: Path, name: str) -> Capture:
    return load_capture(shared_dir / "captures" / f"{name}.jsonl")


def expected(capture: Capture, conn: str) -> tuple[Banner, list[Message]]:
    """The capture's server-to-client messages, cut by the core (as the clients cut them)."""
    parser = AMIConnection(CLIENT)
    items = parser.receive(capture.stream(conn, "s2c")) + parser.receive(b"")
    banner = items[0]
    assert isinstance(banner, Banner)
    return banner, [m for m in items[1:] if isinstance(m, Message)]


def actions(capture: Capture, conn: str) -> list[Action]:
    steps, _ = script_of(capture, conn)
    return [s.action for s in steps if s.kind == "expect" and s.action is not None]


def answers(result: ActionResult) -> list[Message]:
    out: list[Message] = [result.response] if result.response is not None else []
    out += result.events
    if result.completion is not None:
        out.append(result.completion)
    return out


def check(messages: list[Message], wanted: list[Message]) -> None:
    """Every message arrived (and nothing else), byte for byte; events in stream order."""
    assert Counter(m.to_bytes() for m in messages) == Counter(m.to_bytes() for m in wanted)


def in_order(events: list[Event], wanted: list[Message]) -> None:
    got = [e.to_bytes() for e in events]
    positions = [[i for i, m in enumerate(wanted) if m.to_bytes() == b] for b in got]
    # each delivered event maps to a distinct position, increasing
    last = -1
    for options in positions:
        later = [p for p in options if p > last]
        assert later, "events out of order"
        last = later[0]


@pytest.mark.parametrize(("name", "conn"), CONNECTIONS)
def test_asyncio_client_gets_every_message(shared_dir: Path, name: str, conn: str) -> None:
    capture = _load(shared_dir, name)
    banner, wanted = expected(capture, conn)

    async def main() -> None:
        async with ReplayServer(capture, conn) as server:
            ami = AMIClient("127.0.0.1", server.port, ping_interval=None, reconnect=False,
                            timeout=5)
            events: list[Event] = []
            ami.on("*", events.append)
            assert await ami.connect() == banner
            got: list[Message] = []
            for action in actions(capture, conn):
                result = await ami.send_action(action, check=False,
                                               assign_id=action.action_id is not None)
                assert result.complete, result.problem
                got += answers(result)
            loop = asyncio.get_running_loop()
            end = loop.time() + 5
            while len(got) + len(events) < len(wanted) and loop.time() < end:
                await asyncio.sleep(0.005)
            check(got + list(events), wanted)
            in_order(events, wanted)
            assert server.mismatches == []
            await ami.close(logoff=False)

    asyncio.run(asyncio.wait_for(main(), LIMIT))


@pytest.mark.parametrize(("name", "conn"), CONNECTIONS)
def test_blocking_client_gets_every_message(shared_dir: Path, name: str, conn: str) -> None:
    capture = _load(shared_dir, name)
    banner, wanted = expected(capture, conn)
    with ServerThread(lambda: ReplayServer(capture, conn)) as thread:
        client = BlockingAMIClient("127.0.0.1", thread.port, timeout=5)
        assert client.connect() == banner
        got: list[Message] = []
        for action in actions(capture, conn):
            result = client.send_action(action, check=False,
                                        assign_id=action.action_id is not None)
            got += answers(result)
        events: list[Event] = []
        end = time.monotonic() + 5
        while len(got) + len(events) < len(wanted) and time.monotonic() < end:
            client.poll(0.05)
            events += list(client.events)
        check(got + events, wanted)
        in_order(events, wanted)
        assert thread.server.mismatches == []
        client.close()


def _fields_without_id(message: Message) -> list[tuple[str, str]]:
    return [(n, v) for n, v in message.fields if n.lower() != "actionid"]


@pytest.mark.parametrize(("name", "conn"), CONNECTIONS)
def test_asyncio_client_with_its_own_action_ids(shared_dir: Path, name: str, conn: str) -> None:
    """The client numbers its actions itself; the server rewrites the capture's IDs."""
    capture = _load(shared_dir, name)
    _, wanted = expected(capture, conn)
    wanted_responses = [_fields_without_id(m) for m in wanted if m.name and "Response" in m
                        and m.get("Event") is None]

    async def main() -> None:
        async with ReplayServer(capture, conn) as server:
            ami = AMIClient("127.0.0.1", server.port, ping_interval=None, reconnect=False,
                            timeout=5)
            await ami.connect()
            for action in actions(capture, conn):
                had_id = action.action_id is not None
                if had_id:
                    action = Action(_fields_without_id(action))
                result = await ami.send_action(action, check=False, assign_id=had_id)
                assert result.complete
                assert result.response is not None
                if had_id:
                    assert result.response.action_id == result.action_id
                    assert result.action_id is not None
                    assert result.action_id.startswith("pyst-")
                assert _fields_without_id(result.response) in wanted_responses
            await ami.close(logoff=False)

    asyncio.run(asyncio.wait_for(main(), LIMIT))


MANAGER_CAPTURES = [c for c in CONNECTIONS if c[0] not in ("b1_ping_coresettings_corestatus",
                                                           "h1_errors")]


@pytest.mark.parametrize(("name", "conn"), MANAGER_CAPTURES)
def test_manager_gets_every_message(shared_dir: Path, name: str, conn: str) -> None:
    """pyst.manager sends its own ActionIDs (b1 and h1 hold actions without one, which a
    pyst2-style Manager cannot send)."""
    capture = _load(shared_dir, name)
    _, wanted = expected(capture, conn)
    wanted_events = [m for m in wanted if isinstance(m, Event)]
    with ServerThread(lambda: ReplayServer(capture, conn)) as thread:
        m = manager.Manager()
        events: list[manager.Event] = []
        lock = threading.Lock()

        def collect(ev: manager.Event, mgr: manager.Manager) -> None:
            with lock:
                events.append(ev)

        m.register_event("*", collect)
        greeting = m.connect("127.0.0.1", thread.port, timeout=5)
        assert greeting.data == "Asterisk Call Manager/11.0.0\r\n"
        responses: list[Any] = []
        for action in actions(capture, conn):
            cdict: dict[str, Any] = {}
            for key, value in _fields_without_id(action):
                if key in cdict:
                    previous = cdict[key]
                    cdict[key] = [*previous, value] if isinstance(previous, list) else [
                        previous, value]
                else:
                    cdict[key] = value
            if action.name == "Logoff":
                responses.append(m.logoff())
            else:
                responses.append(m.send_action(cdict))
        end = time.monotonic() + 5
        while len(events) < len(wanted_events) and time.monotonic() < end:
            time.sleep(0.005)
        assert [e.name for e in events] == [e.name for e in wanted_events]
        for ev, want in zip(events, wanted_events, strict=True):
            assert [(k, v) for k, v in _fields_without_id(ev.message.message)] == (
                _fields_without_id(want))
        for response in responses:
            assert response is not None and response.headers["Response"] in (
                "Success", "Error", "Goodbye")
        assert thread.server.mismatches == []
        m.close()
