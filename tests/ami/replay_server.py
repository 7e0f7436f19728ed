"""Small AMI servers for the client tests (asyncio, 127.0.0.1:0).

:class:`ReplayServer` plays one connection of a real Asterisk capture: it writes the
server-to-client chunks exactly as they were received (one write per recorded ``recv`` chunk),
and between them waits for the client's next message, matched by order with the capture's
client-to-server messages. ActionIDs are rewritten: the capture's ``c1-002`` in the server's
bytes becomes whatever ID the client gave its second action, so a client with its own ID
scheme gets the real replies. Mismatches (another action name than the capture's) are
recorded in :attr:`ReplayServer.mismatches`.

:class:`ScriptedServer` answers each action through a handler ``handler(session, action)``
(default: Login/Logoff/Ping/Challenge as Asterisk 22 does, ``Invalid/unknown command`` for the
rest); tests write bytes, close mid-message, stop answering, and so on, through the
:class:`Session`.

:class:`ServerThread` runs either server on a loop in a thread, for blocking clients.

Both parse the client's bytes with the core in the SERVER role (no second parser).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from pyst.ami.messages import (
    Action,
    BadAction,
    Banner,
    Message,
    make_bad_action_response,
    make_error,
    make_goodbye,
    make_response,
)
from pyst.ami.protocol import NEED_DATA, SERVER, AMIConnection, ConnectionClosed
from pyst_sim.captures import Capture

Handler = Callable[["Session", Action], Awaitable[None] | None]
DEFAULT_BANNER = Banner()


class Session:
    """One client connection of a :class:`ScriptedServer`."""

    def __init__(self, server: ScriptedServer, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.conn = AMIConnection(SERVER)
        self.actions: list[Action] = []
        self.logged_in = False
        self.state: dict[str, Any] = {}

    def send(self, *items: Message | Banner | bytes) -> None:
        """Write messages (through the core) or raw bytes."""
        for item in items:
            data = item if isinstance(item, bytes) else self.conn.send(item)
            if not self.writer.is_closing():
                self.writer.write(data)

    async def drain(self) -> None:
        with contextlib.suppress(ConnectionError):
            await self.writer.drain()

    def close(self) -> None:
        self.writer.close()

    def abort(self) -> None:
        transport = self.writer.transport
        transport.abort()  # type: ignore[attr-defined]


async def default_handler(session: Session, action: Action | BadAction) -> None:
    """Asterisk 22's answers for the session actions; ``Invalid/unknown command`` otherwise."""
    if isinstance(action, BadAction):
        session.send(make_bad_action_response(action))
        return
    name = action.name.lower()
    if name == "login":
        if action.get("Secret") == "wrong":
            session.send(make_error(action, "Authentication failed"))
            await session.drain()
            session.close()
            return
        if action.get("AuthType", "").lower() == "md5":
            expected = session.state.get("key")
            if action.get("Key") != expected:
                session.send(make_error(action, "Authentication failed"))
                await session.drain()
                session.close()
                return
        session.logged_in = True
        session.send(make_response(action, "Success", "Authentication accepted"))
    elif name == "challenge":
        challenge = "134777557"
        session.state["key"] = hashlib.md5((challenge + "secret").encode()).hexdigest()
        session.send(make_response(action, "Success", None, {"Challenge": challenge}))
    elif name == "logoff":
        session.send(make_goodbye(action))
        await session.drain()
        session.close()
    elif name == "ping":
        session.send(make_response(action, "Success", None,
                                   {"Ping": "Pong", "Timestamp": "1795902175.164154"}))
    elif name in ("events", "filter"):
        session.send(make_response(action, "Success", None, {"Events": "On"})
                     if name == "events" else make_response(action, "Success", "Filter Added"))
    else:
        session.send(make_error(
            action,
            f"Invalid/unknown command: {action.name}. "
            "Use Action: ListCommands to show available commands.",
        ))


class ScriptedServer:
    """An AMI server whose answers come from ``handler(session, action)`` (sync or async).

    ``banner``: the greeting (``None``: send none). ``sessions`` lists every connection.
    """

    def __init__(self, handler: Handler | None = None, *,
                 banner: Banner | bytes | None = DEFAULT_BANNER,
                 ssl: Any = None) -> None:
        self.handler: Handler = handler or default_handler  # type: ignore[assignment]
        self.ssl = ssl
        self.banner = banner
        self.sessions: list[Session] = []
        self.errors: list[BaseException] = []
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.connected = asyncio.Event()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for session in self.sessions:
            session.abort()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=2)

    async def __aenter__(self) -> ScriptedServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        session = Session(self, reader, writer)
        self.sessions.append(session)
        self.connected.set()
        try:
            if isinstance(self.banner, Banner):
                session.send(self.banner)
            elif self.banner is not None:
                writer.write(self.banner)
            while True:
                data = await reader.read(65536)
                for item in session.conn.receive(data):
                    if isinstance(item, ConnectionClosed):
                        return
                    assert isinstance(item, (Action, BadAction))
                    if isinstance(item, Action):
                        session.actions.append(item)
                    result = self.handler(session, item)  # type: ignore[arg-type]
                    if result is not None:
                        await result
                    if writer.is_closing():
                        return
                await session.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        except BaseException as exc:  # surfaced by the tests
            self.errors.append(exc)
        finally:
            writer.close()
            self._tasks.discard(task)


# --- replaying captures --------------------------------------------------------------------------


class _Step:
    __slots__ = ("action", "chunks", "kind")

    def __init__(self, kind: str, chunks: list[bytes] | None = None,
                 action: Action | None = None) -> None:
        self.kind = kind
        self.chunks = chunks or []
        self.action = action


def script_of(capture: Capture, conn: str) -> tuple[list[_Step], str | None]:
    """The steps of one capture connection: ``send`` (s2c chunks) and ``expect`` (one client
    action), and who closed (``server``/``client``/``None``)."""
    steps: list[_Step] = []
    parser = AMIConnection(SERVER)
    closed_by = None
    for record in capture.records:
        if record.conn != conn:
            continue
        if record.type == "data" and record.dir == "s2c":
            if not steps or steps[-1].kind != "send":
                steps.append(_Step("send"))
            steps[-1].chunks.append(record.data)
        elif record.type == "data" and record.dir == "c2s":
            for item in parser.receive(record.data):
                assert isinstance(item, Action)
                steps.append(_Step("expect", action=item))
        elif record.type == "close":
            closed_by = str(record.raw.get("by"))
    return steps, closed_by


def rewrite_ids(chunks: list[bytes], ids: dict[str, str]) -> list[bytes]:
    """``chunks`` with ``ActionID: <old>`` lines rewritten to the new IDs, cut again at the
    same places (a boundary inside a rewritten value moves to its end)."""
    if not ids:
        return chunks
    data = b"".join(chunks)
    pattern = re.compile(
        rb"(?im)^(actionid:[ \t]*)(" + b"|".join(re.escape(k.encode()) for k in ids) + rb")(?=\r?$)"
    )
    bounds = []
    pos = 0
    for chunk in chunks:
        pos += len(chunk)
        bounds.append(pos)
    out = bytearray()
    shift: list[tuple[int, int, int]] = []  # (start, end, delta) of each replacement
    last = 0
    for match in pattern.finditer(data):
        old = match.group(2)
        new = ids[old.decode()].encode()
        out += data[last : match.start(2)] + new
        shift.append((match.start(2), match.end(2), len(new) - len(old)))
        last = match.end(2)
    out += data[last:]
    new_bounds = []
    for bound in bounds:
        delta = 0
        for start, end, d in shift:
            if bound >= end:
                delta += d
            elif bound > start:  # inside the replaced value: move to its end
                bound = end
                delta += d
        new_bounds.append(bound + delta)
    pieces = []
    prev = 0
    for bound in new_bounds:
        pieces.append(bytes(out[prev:bound]))
        prev = bound
    return [p for p in pieces if p]


class ReplayServer:
    """Plays connection ``conn`` of ``capture`` to every client that connects (see the module
    docstring). ``received`` holds what the clients sent; ``mismatches`` what did not match."""

    def __init__(self, capture: Capture, conn: str = "c1", *,
                 close_after: bool | None = None) -> None:
        self.capture = capture
        self.conn = conn
        self.steps, closed_by = script_of(capture, conn)
        self.close_after = closed_by == "server" if close_after is None else close_after
        self.received: list[Action] = []
        self.mismatches: list[str] = []
        self.done = asyncio.Event()
        self._server: asyncio.base_events.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def s2c(self) -> bytes:
        """Every server-to-client byte of the connection, as captured."""
        return self.capture.stream(self.conn, "s2c")

    async def start(self) -> ReplayServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in self._writers:
            writer.transport.abort()  # type: ignore[attr-defined]

    async def __aenter__(self) -> ReplayServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        parser = AMIConnection(SERVER)
        ids: dict[str, str] = {}
        try:
            for step in self.steps:
                if step.kind == "send":
                    for chunk in rewrite_ids(step.chunks, ids):
                        writer.write(chunk)
                        await writer.drain()
                    continue
                expected = step.action
                assert expected is not None
                got = await self._next_action(reader, parser)
                if got is None:
                    self.mismatches.append(f"client closed before {expected!r}")
                    return
                self.received.append(got)
                if got.name.lower() != expected.name.lower():
                    self.mismatches.append(f"expected {expected.name}, got {got.name}")
                old, new = expected.action_id, got.action_id
                if old is not None and new is not None and old != new:
                    ids[old] = new
            if self.close_after:
                writer.close()
            else:
                while await self._next_action(reader, parser) is not None:
                    pass
        except ConnectionError:
            pass
        finally:
            self.done.set()
            writer.close()

    async def _next_action(self, reader: asyncio.StreamReader,
                           parser: AMIConnection) -> Action | None:
        while True:
            item = parser.next_event()
            if item is not NEED_DATA:
                if isinstance(item, ConnectionClosed):
                    return None
                assert isinstance(item, Action)
                return item
            parser.receive_data(await reader.read(65536))


class ServerThread:
    """Runs a server (built by ``factory`` inside the loop) on an event loop in a thread."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self.loop = asyncio.new_event_loop()
        self.server: Any = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> ServerThread:
        self._thread.start()

        async def start() -> Any:
            return await self._factory().start()

        self.server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        return self

    @property
    def port(self) -> int:
        return int(self.server.port)

    def call(self, func: Callable[[], Any], timeout: float = 10) -> Any:
        """Run ``func()`` in the loop thread (a coroutine function is awaited)."""

        async def run() -> Any:
            result = func()
            if asyncio.iscoroutine(result):
                result = await result
            return result

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout)

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
