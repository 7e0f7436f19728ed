"""Record through the proxy against a real upstream, replay the cassette, on real sockets.

The upstream is a small AMI server written here on the core's SERVER role (plain and MD5
Challenge login, Ping, a list action, UserEvent, Logoff), so these tests do not depend on the
fake PBX. Clients are the core's CLIENT role plus the Correlator over asyncio streams. Every
await is bounded (``asyncio.wait_for``); nothing sleeps to synchronise.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml

from pyst.ami.correlation import ActionResult, Correlator, Unsolicited, action_id_factory
from pyst.ami.messages import (
    Action,
    Banner,
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
from pyst_sim.captures import load_capture
from pyst_sim.cassette import MASK, Cassette, load_cassette
from pyst_sim.errors import ExpectationError
from pyst_sim.recorder import RecordingProxy
from pyst_sim.replay import ReplayServer

T = TypeVar("T")
TIMEOUT = 5.0


async def bounded(aw: Awaitable[T], timeout: float = TIMEOUT) -> T:
    return await asyncio.wait_for(aw, timeout)


def run(coro_fn: Callable[[], Awaitable[T]], timeout: float = 20.0) -> T:
    async def main() -> T:
        return await asyncio.wait_for(coro_fn(), timeout)

    return asyncio.run(main())


# --- a tiny upstream Asterisk on the core ------------------------------------------------------


class TinyAsterisk:
    """Enough of Asterisk 22's AMI for recording tests; counts its connections."""

    def __init__(self, secret: str = "secret") -> None:
        self.secret = secret
        self.server: asyncio.base_events.Server | None = None
        self.connections = 0
        self.address = ("127.0.0.1", 0)
        self.actions: list[Action] = []
        self._challenges = itertools.count(734_000_001)

    async def __aenter__(self) -> TinyAsterisk:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(lambda: _TinySession(self), "127.0.0.1", 0)
        self.address = ("127.0.0.1", int(self.server.sockets[0].getsockname()[1]))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


class _TinySession(asyncio.Protocol):
    def __init__(self, owner: TinyAsterisk) -> None:
        self.owner = owner
        self.conn = AMIConnection(SERVER)
        self.authed = False
        self.challenge: str | None = None
        self.pings = itertools.count(1)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.owner.connections += 1
        transport.write(self.conn.send(Banner()))

    def data_received(self, data: bytes) -> None:
        for event in self.conn.receive(data):
            if isinstance(event, Action):
                self.owner.actions.append(event)
                for message in self.answer(event):
                    if message is None:
                        self.transport.close()
                        return
                    self.transport.write(self.conn.send(message))
            elif isinstance(event, ConnectionClosed):
                self.transport.close()

    def answer(self, a: Action) -> list[Message | None]:
        name = a.name.lower()
        if name == "logoff":
            return [make_goodbye(a), None]
        if name == "challenge":
            self.challenge = str(next(self.owner._challenges))
            return [make_response(a, fields=[("Challenge", self.challenge)])]
        if name == "login":
            if (a.get("AuthType") or "").lower() == "md5":
                digest = hashlib.md5(f"{self.challenge}{self.owner.secret}".encode())
                ok = a.get("Key") == digest.hexdigest()
            else:
                ok = a.get("Secret") == self.owner.secret
            if not ok:
                return [make_error(a, "Authentication failed"), None]
            self.authed = True
            return [make_response(a, message="Authentication accepted"),
                    Event.make("FullyBooted", Privilege="system,all", Status="Fully Booted")]
        if not self.authed:
            return [make_error(a, "Permission denied")]
        if name == "ping":
            return [make_response(a, fields=[("Ping", "Pong"),
                                             ("Timestamp", f"1795902175.{next(self.pings):06d}")])]
        if name == "coreshowchannels":
            items = [make_list_item(a, "CoreShowChannel", {"Channel": f"Local/{n}@x-0;1"})
                     for n in (100, 200)]
            return [make_list_ack(a, "Channels will follow"), *items,
                    make_list_complete(a, "CoreShowChannelsComplete", len(items))]
        if name == "userevent":
            copied = [(n, v) for n, v in a.fields if n.lower() not in ("action", "userevent")]
            return [make_response(a, message="Event Sent"),
                    Event.make("UserEvent", [("Privilege", "user,all"),
                                             ("UserEvent", a.get("UserEvent") or ""), *copied])]
        return [make_error(a, f"Invalid/unknown command: {a.name}. Use Action: ListCommands "
                              "to show available commands.")]


# --- a client on the core ----------------------------------------------------------------------


class Client:
    """The core's client role over asyncio streams, with a Correlator."""

    def __init__(self, prefix: str = "mine") -> None:
        self.conn = AMIConnection(CLIENT)
        self.corr = Correlator(action_id_factory(prefix))
        self.banner: Banner | None = None
        self.unsolicited: list[Message] = []
        self.received: list[Message] = []
        self.closed = False

    async def connect(self, address: tuple[str, int]) -> Client:
        self.reader, self.writer = await bounded(asyncio.open_connection(*address))
        while self.banner is None and not self.closed:
            await self._read()
        return self

    async def _read(self) -> list[Any]:
        data = await bounded(self.reader.read(65536))
        events = self.conn.receive(data)
        for event in events:
            if isinstance(event, Banner):
                self.banner = event
            elif isinstance(event, ConnectionClosed):
                self.closed = True
            else:
                self.received.append(event)
        return events

    async def call(self, action: Action) -> ActionResult:
        tracked = self.corr.track(action)
        self.writer.write(self.conn.send(tracked))
        while True:
            for message in list(self.received):
                self.received.remove(message)
                routed = self.corr.receive(message)
                if isinstance(routed, Unsolicited):
                    self.unsolicited.append(message)
                elif isinstance(routed, ActionResult):
                    return routed
            if self.closed:
                raise ConnectionError("closed before the action completed")
            await self._read()

    async def wait_closed(self) -> None:
        while not self.closed:
            await self._read()

    def close(self) -> None:
        self.writer.close()


def md5_key(challenge: str, secret: str) -> str:
    return hashlib.md5(f"{challenge}{secret}".encode()).hexdigest()


async def session_script(address: tuple[str, int], prefix: str) -> dict[str, Any]:
    """The flow recorded and replayed below: MD5 login, Ping, a list, UserEvent, Logoff."""
    c = await Client(prefix).connect(address)
    out: dict[str, Any] = {"banner": c.banner}
    challenge = await c.call(Action.make("Challenge", AuthType="MD5"))
    assert challenge.response is not None
    out["challenge"] = challenge.response.get("Challenge")
    login = await c.call(Action.make("Login", AuthType="MD5", Username="admin",
                                     Key=md5_key(out["challenge"], "secret")))
    out["login"] = login.response
    out["ping"] = (await c.call(Action.make("Ping"))).response
    channels = await c.call(Action.make("CoreShowChannels"))
    out["channels"] = (channels.response, channels.events, channels.completion)
    ue = await c.call(Action.make("UserEvent", UserEvent="Hello", Header1="x"))
    out["userevent"] = ue.response
    out["unknown"] = (await c.call(Action.make("NoSuchThing"))).response
    out["logoff"] = (await c.call(Action.make("Logoff"))).response
    await c.wait_closed()
    out["unsolicited"] = list(c.unsolicited)
    c.close()
    return out


def strip_ids(m: Message | None) -> list[tuple[str, str]]:
    assert m is not None
    return [(n, v) for n, v in m.fields if n.lower() != "actionid"]


# --- recording ---------------------------------------------------------------------------------


def test_record_then_replay_with_the_clients_own_action_ids(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"

    async def scenario() -> None:
        async with TinyAsterisk() as pbx:
            async with RecordingProxy(pbx.address, save_to=path) as proxy:
                live = await session_script(proxy.address, "rec")
            assert pbx.connections == 1
            proxy.check()
        # MD5 login went through: the proxy forwarded the bytes unchanged.
        assert live["login"].message == "Authentication accepted"
        assert live["channels"][2].get("ListItems") == "2"
        cassette = load_cassette(path)
        assert len(cassette) == 7
        async with ReplayServer(path) as replay:
            played = await session_script(replay.address, "other")
        replay.check(require_all_played=True)
        assert played["banner"] == live["banner"]
        assert played["challenge"] == live["challenge"]  # the recorded challenge
        for key in ("login", "ping", "userevent", "unknown", "logoff"):
            assert strip_ids(played[key]) == strip_ids(live[key])
            assert played[key].action_id.startswith("other-")
        response, items, completion = played["channels"]
        assert [strip_ids(m) for m in (response, *items, completion)] == [
            strip_ids(m) for m in (live["channels"][0], *live["channels"][1], live["channels"][2])
        ]
        assert {m.action_id for m in (response, *items, completion)} == {response.action_id}
        # Unsolicited: FullyBooted after login, and the UserEvent echo with our own ActionID.
        names = [m.name for m in played["unsolicited"]]
        assert names == [m.name for m in live["unsolicited"]] == ["FullyBooted", "UserEvent"]
        echo = played["unsolicited"][1]
        assert echo.action_id == played["userevent"].action_id

    run(scenario)


def test_cassette_masks_secrets_but_the_upstream_got_them(tmp_path: Path) -> None:
    path = tmp_path / "login.yaml"

    async def scenario() -> None:
        async with TinyAsterisk() as pbx:
            async with RecordingProxy(pbx.address, save_to=path) as proxy:
                c = await Client().connect(proxy.address)
                ok = await c.call(Action.make("Login", Username="admin", Secret="secret"))
                assert ok.response is not None and not ok.response.is_error
                await c.call(Action.make("DBPut", Family="f", Key="k1", Val="v"))
                await c.call(Action.make("Logoff"))
                await c.wait_closed()
                c.close()
            assert pbx.actions[0].get("Secret") == "secret"

    run(scenario)
    text = path.read_text()
    assert "secret" not in text.replace("Secret:", "")
    data = yaml.safe_load(text)
    actions = [i["action"] for i in data["sessions"][0]["interactions"]]
    assert {"Secret": MASK} in actions[0]
    assert {"Key": "k1"} in actions[1]  # DBPut's Key is the AstDB key, not a secret
    assert data["masked"] == ["Secret", "Login:Key"]


def test_upstream_unreachable_closes_the_client_and_is_reported(tmp_path: Path) -> None:
    async def scenario() -> None:
        # A port that was just free: nothing listens there.
        probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = probe.sockets[0].getsockname()[1]
        probe.close()
        await probe.wait_closed()
        async with RecordingProxy(("127.0.0.1", port), save_to=tmp_path / "x.yaml") as proxy:
            reader, writer = await bounded(asyncio.open_connection(*proxy.address))
            assert await bounded(reader.read()) == b""
            writer.close()
        with pytest.raises(ExpectationError, match="cannot reach the upstream"):
            proxy.check()
        assert not (tmp_path / "x.yaml").exists()  # nothing recorded, nothing written

    run(scenario)


def test_threaded_proxy_for_synchronous_tests(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "ping.yaml"

    async def record() -> None:
        async with TinyAsterisk() as pbx, RecordingProxy(pbx.address, save_to=path) as proxy:
            c = await Client().connect(proxy.address)
            await c.call(Action.make("Login", Username="admin", Secret="secret"))
            await c.call(Action.make("Ping"))
            c.close()

    run(record)
    with ReplayServer(path).start_in_thread() as replay:
        assert replay.running
        with socket.create_connection(replay.address, timeout=TIMEOUT) as sock:
            sock.settimeout(TIMEOUT)
            conn = AMIConnection(CLIENT)
            sock.sendall(conn.send(Action.make("Login", ActionID="s1", Username="admin",
                                               Secret="anything")))
            sock.sendall(conn.send(Action.make("Ping", ActionID="s2")))
            got: list[Any] = []
            while len([m for m in got if isinstance(m, Response)]) < 2:
                got += conn.receive(sock.recv(65536))
        responses = [m for m in got if isinstance(m, Response)]
        assert [r.action_id for r in responses] == ["s1", "s2"]
        assert responses[1].get("Ping") == "Pong"
    replay.stop()  # idempotent
    assert not replay.server.running


def test_server_lifecycle_errors(tmp_path: Path) -> None:
    from pyst_sim.errors import SimulatorError

    cassette = Cassette.from_trace(b"Action: Ping\n\nResponse: Success\n\n")
    with ReplayServer(cassette).start_in_thread() as threaded:
        with pytest.raises(SimulatorError, match="already running"):
            threaded.run(threaded.server.start())
        with pytest.raises(SimulatorError, match="already running"):
            threaded.start()
        busy_port = threaded.port
    # Startup errors are re-raised by the thread controller.
    first = ReplayServer(cassette, port=busy_port)
    with first.start_in_thread(), pytest.raises(OSError):
        ReplayServer(cassette, port=busy_port).start_in_thread()

    async def stop_twice() -> None:
        server = ReplayServer(cassette)
        await server.stop()  # never started: nothing to do
        async with server:
            assert server.running
        await server.stop()
        assert not server.running

    run(stop_twice)


# --- replay of the shared captures -------------------------------------------------------------

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


def _messages(stream: bytes) -> list[Any]:
    conn = AMIConnection(CLIENT)
    return [e for e in conn.receive(stream) + conn.receive(b"")
            if not isinstance(e, ConnectionClosed)]


def _actions(stream: bytes) -> list[Action]:
    conn = AMIConnection(SERVER)
    return [e for e in conn.receive(stream) if isinstance(e, Action)]


@pytest.mark.parametrize("name", CAPTURES)
def test_replaying_a_capture_gives_what_asterisk_sent(shared_dir: Path, name: str) -> None:
    capture = load_capture(shared_dir / "captures" / f"{name}.jsonl")

    async def scenario() -> None:
        async with ReplayServer(capture.path) as server:
            for conn_name in capture.connections():
                want = _messages(capture.stream(conn_name, "s2c"))
                reader, writer = await bounded(asyncio.open_connection(*server.address))
                # One action at a time, each with an ActionID of our own.
                conn = AMIConnection(CLIENT)
                got: list[Any] = []
                ids: dict[str, str] = {}
                for n, action in enumerate(_actions(capture.stream(conn_name, "c2s"))):
                    old = action.action_id
                    if old is not None:
                        ids[old] = f"ours-{n}"
                        action = action.with_action_id(ids[old])
                    writer.write(action.to_bytes())
                    got += conn.receive(await bounded(reader.read(65536)))
                while not any(isinstance(m, ConnectionClosed) for m in got):
                    got += conn.receive(await bounded(reader.read(65536)))
                writer.close()
                got = [m for m in got if not isinstance(m, ConnectionClosed)]
                expected = [_renumber(m, ids) for m in want]
                assert got == expected, f"{name} {conn_name}"
        server.check(require_all_played=True)

    run(scenario)


@pytest.mark.parametrize("name", CAPTURES)
def test_pipelined_capture_replay_is_byte_exact(shared_dir: Path, name: str) -> None:
    """Each connection's whole client stream in one write, all connections at once: the
    replay sends back exactly the bytes Asterisk sent."""
    capture = load_capture(shared_dir / "captures" / f"{name}.jsonl")

    async def one(address: tuple[str, int], conn_name: str) -> bytes:
        reader, writer = await bounded(asyncio.open_connection(*address))
        writer.write(capture.stream(conn_name, "c2s"))
        got = b""
        while chunk := await bounded(reader.read(65536)):
            got += chunk
        writer.close()
        return got

    async def scenario() -> None:
        async with ReplayServer(capture.path) as server:
            conns = capture.connections()
            got = await bounded(asyncio.gather(*(one(server.address, c) for c in conns)))
        server.check(require_all_played=True)
        # Connections got sessions in connect order; compare as sets of streams.
        assert sorted(got) == sorted(capture.stream(c, "s2c") for c in conns)

    run(scenario)


def _renumber(message: Any, ids: dict[str, str]) -> Any:
    if not isinstance(message, Message):
        return message
    fields = [(n, ids.get(v, v) if n.lower() == "actionid" else v) for n, v in message.fields]
    return type(message)(fields, data=message.data, bare_lines=message.bare_lines)


# --- record modes ------------------------------------------------------------------------------


def test_mode_none_mismatch_is_an_error_response_and_an_expectation_error(
    shared_dir: Path,
) -> None:
    async def scenario() -> None:
        path = shared_dir / "captures" / "b1_ping_coresettings_corestatus.jsonl"
        async with ReplayServer(path) as server:
            c = await Client().connect(server.address)
            await c.call(Action.make("Login", Username="admin", Secret="x", Events="off"))
            bad = await c.call(Action.make("Originate", Channel="Local/1@x"))
            assert bad.response is not None and bad.response.is_error
            text = bad.response.message or ""
            assert text.startswith("pyst-sim replay: no recorded action matches "
                                   "Action: Originate (Channel: Local/1@x)")
            assert "\n" not in text
            ping = await c.call(Action.make("Ping"))  # still serving
            assert ping.response is not None and ping.response.get("Ping") == "Pong"
            c.close()
        with pytest.raises(ExpectationError, match="no recorded action matches") as info:
            server.check()
        assert "b1_ping_coresettings_corestatus.jsonl" in str(info.value)

    run(scenario)


def test_mode_once_records_when_missing_then_replays_without_upstream(tmp_path: Path) -> None:
    path = tmp_path / "once.yaml"

    async def scenario() -> None:
        async with TinyAsterisk() as pbx:
            async with ReplayServer(path, mode="once", upstream=pbx.address) as first:
                assert first.recording_all
                live = await session_script(first.address, "a")
            assert pbx.connections == 1
        assert path.exists()
        # Now the cassette exists: replay only (the upstream is gone; none is contacted).
        async with ReplayServer(path, mode="once", upstream=pbx.address) as second:
            assert not second.recording_all
            again = await session_script(second.address, "b")
        second.check()
        assert strip_ids(again["ping"]) == strip_ids(live["ping"])

    run(scenario)


def test_mode_all_always_records_and_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "all.yaml"
    path.write_text("version: 1\nsessions: []\n")

    async def scenario() -> None:
        async with TinyAsterisk() as pbx:
            for _ in range(2):
                async with ReplayServer(path, mode="all", upstream=pbx.address) as server:
                    c = await Client().connect(server.address)
                    await c.call(Action.make("Login", Username="admin", Secret="secret"))
                    await c.call(Action.make("Ping"))
                    c.close()
            assert pbx.connections == 2
        assert len(load_cassette(path)) == 2  # replaced, not appended

    run(scenario)


def test_mode_new_episodes_replays_matches_and_records_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "episodes.yaml"

    async def scenario() -> None:
        async with TinyAsterisk() as pbx:
            async with RecordingProxy(pbx.address, save_to=path) as proxy:
                c = await Client().connect(proxy.address)
                await c.call(Action.make("Login", Username="admin", Secret="secret"))
                await c.call(Action.make("Ping"))
                c.close()
            assert pbx.connections == 1
            async with ReplayServer(path, mode="new_episodes", upstream=pbx.address) as server:
                c = await Client().connect(server.address)
                await c.call(Action.make("Login", Username="admin", Secret="secret"))
                await c.call(Action.make("Ping"))
                assert pbx.connections == 1  # all replayed so far
                channels = await c.call(Action.make("CoreShowChannels"))
                assert pbx.connections == 2
                assert [e.name for e in channels.events] == ["CoreShowChannel"] * 2
                assert channels.completion is not None
                # The earlier actions were replayed to the upstream first (the login with its
                # real secret), under ActionIDs of their own whose answers were dropped.
                assert [a.name for a in pbx.actions[-3:]] == ["Login", "Ping",
                                                              "CoreShowChannels"]
                assert pbx.actions[-3].get("Secret") == "secret"
                assert (pbx.actions[-3].action_id or "").startswith("pyst-sim-sync-")
                # Only the recorded FullyBooted, not the one the replayed login caused upstream.
                assert [m.name for m in c.unsolicited] == ["FullyBooted"]
                await c.call(Action.make("Logoff"))
                await c.wait_closed()
                c.close()
            server.check()
        cassette = load_cassette(path)
        assert [s.name for s in cassette.sessions] == ["c1", "c1-new"]
        assert [i.name for i in cassette.sessions[1].interactions] == [
            "CoreShowChannels", "Logoff"
        ]
        # Third run: everything replays, no upstream needed.
        async with ReplayServer(path, mode="none") as server:
            c = await Client().connect(server.address)
            for action in ("Login", "Ping", "CoreShowChannels", "Logoff"):
                fields = {"Username": "admin", "Secret": "s"} if action == "Login" else {}
                result = await c.call(Action.make(action, **fields))
                assert result.response is not None and not result.response.is_error
            c.close()
        server.check(require_all_played=True)

    run(scenario)


def test_new_episodes_reports_an_unreachable_upstream(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    Cassette.from_trace(b"Action: Ping\n\nResponse: Success\nPing: Pong\n\n").save(path)

    async def scenario() -> None:
        probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = probe.sockets[0].getsockname()[1]
        probe.close()
        await probe.wait_closed()
        async with ReplayServer(path, mode="new_episodes", upstream=("127.0.0.1", port),
                                connect_timeout=2) as server:
            c = await Client().connect(server.address)
            assert (await c.call(Action.make("Ping"))).response is not None
            failed = await c.call(Action.make("Status"))
            assert failed.response is not None and failed.response.is_error
            assert "cannot bring the upstream" in (failed.response.message or "")
            c.close()
        with pytest.raises(ExpectationError, match="cannot bring the upstream"):
            server.check()

    run(scenario)


def test_record_modes_need_what_they_need(tmp_path: Path, shared_dir: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ReplayServer(tmp_path / "missing.yaml")
    with pytest.raises(ValueError, match="needs an upstream"):
        ReplayServer(tmp_path / "missing.yaml", mode="once")
    capture = shared_dir / "captures" / "a1_login_success_logoff.jsonl"
    with pytest.raises(ValueError, match=r"would overwrite the capture .* give save_to"):
        ReplayServer(capture, mode="new_episodes", upstream="127.0.0.1:1")
    with pytest.raises(ValueError, match="would overwrite the capture"):
        ReplayServer(capture, mode="all", upstream="127.0.0.1:1")
    assert ReplayServer(capture, mode="once", upstream="127.0.0.1:1").record_into is None
    server = ReplayServer(capture, mode="new_episodes", upstream="127.0.0.1:1",
                          save_to=tmp_path / "new.yaml")
    assert server.save_to == tmp_path / "new.yaml"
    with pytest.raises(ValueError, match="speed"):
        ReplayServer(capture, speed=-1)


# --- timing ------------------------------------------------------------------------------------


def _delayed_cassette() -> Cassette:
    text = """
version: 1
sessions:
- name: c1
  banner: Asterisk Call Manager/11.0.0
  interactions:
  - action: [{Action: Ping}]
    replies:
    - after: 0.0
      response: [{Response: Success}, {Ping: Pong}]
    - after: 0.4
      unsolicited: [{Event: Later}]
  - action: [{Action: Logoff}]
    replies:
    - after: 0.0
      response: [{Response: Goodbye}, {Message: Thanks for all the fish.}]
    closed: 0.0
"""
    return Cassette.from_yaml(text)


@pytest.mark.parametrize("speed", [None, 1.0, 2.0])
def test_speed_keeps_or_drops_recorded_delays(speed: float | None) -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        async with ReplayServer(_delayed_cassette(), speed=speed) as server:
            c = await Client().connect(server.address)
            start = loop.time()
            ping = await c.call(Action.make("Ping"))
            assert ping.response is not None
            # The Logoff answer keeps its place after the delayed event.
            await c.call(Action.make("Logoff"))
            elapsed = loop.time() - start
            await c.wait_closed()
            c.close()
            assert [m.name for m in c.unsolicited] == ["Later"]
        if speed is None:
            assert elapsed < 0.3
        else:
            assert elapsed >= 0.4 / speed - 0.01
            assert elapsed < 0.4 / speed + 0.5

    run(scenario)


# --- a panoramisk-style raw trace --------------------------------------------------------------

PANORAMISK_TRACE = b"""Asterisk Call Manager/2.10.6
action: login
username: bob
secret: s3cret
events: on

Response: Success
ActionID: trace/1
Message: Authentication accepted

Event: FullyBooted
Privilege: system,all
Status: Fully Booted

action: ping

Response: Success
Ping: Pong
Timestamp: 1409169929.412068

action: QueueSummary
actionid: qs-1
queue: support

Response: Success
ActionID: qs-1
EventList: start
Message: Queue summary will follow

Event: QueueSummary
Queue: support
LoggedIn: 2
Available: 1
ActionID: qs-1

Event: QueueSummaryComplete
ActionID: qs-1
EventList: Complete
ListItems: 1

"""


def test_a_raw_trace_replayed_to_our_client(tmp_path: Path) -> None:
    path = tmp_path / "queue_summary.yaml"  # panoramisk's fixtures use .yaml for raw traces
    path.write_bytes(PANORAMISK_TRACE)

    async def scenario() -> None:
        async with ReplayServer(path) as server:
            c = await Client().connect(server.address)
            assert c.banner == Banner("Asterisk Call Manager/2.10.6")
            login = await c.call(Action.make("Login", Username="bob", Secret="x", Events="on"))
            assert login.response is not None and login.response.action_id == "mine-000001"
            ping = await c.call(Action.make("Ping"))
            assert ping.response is not None and ping.response.get("Ping") == "Pong"
            assert ping.response.action_id == "mine-000002"  # added: the trace had none
            summary = await c.call(Action.make("QueueSummary", Queue="support"))
            c.close()
            assert summary.response is not None and summary.completion is not None
            assert summary.response.message == "Queue summary will follow"
            assert [e.get("Queue") for e in summary.events] == ["support"]
            assert summary.events[0].action_id == "mine-000003"
            assert [m.name for m in c.unsolicited] == ["FullyBooted"]
        server.check(require_all_played=True)

    run(scenario)


def test_a_raw_trace_replayed_to_panoramisk(tmp_path: Path) -> None:
    panoramisk = pytest.importorskip("panoramisk")
    path = tmp_path / "trace.txt"
    path.write_bytes(PANORAMISK_TRACE)

    async def scenario() -> None:
        async with ReplayServer(path) as server:
            host, port = server.address
            manager = panoramisk.Manager(loop=asyncio.get_running_loop(), host=host, port=port,
                                         username="bob", secret="s3cret", ping_delay=3600)
            await bounded(manager.connect())
            try:
                assert await bounded(manager.authenticated_future) is not None
                pong = await bounded(manager.send_action({"Action": "Ping"}))
                assert pong.ping == "Pong"
            finally:
                manager.close()
        server.check()

    run(scenario)
