"""A transparent AMI proxy that records a cassette (``pyst-sim record``).

::

    async with RecordingProxy(("127.0.0.1", 5038), save_to="ping.yaml") as proxy:
        host, port = proxy.address      # point the client here instead of at Asterisk
        ...                             # the cassette is written when the proxy stops

    with RecordingProxy("pbx:5038", save_to="ping.yaml").start_in_thread() as proxy:
        ...                             # synchronous tests

Every client connection gets its own connection to the upstream Asterisk. Bytes go both ways
**unchanged** (so an MD5 ``Challenge`` login, whose key is computed from the challenge,
works through the proxy); a copy of each direction is parsed by the AMI core and turned into
a :class:`~pyst_sim.cassette.Session` by :class:`~pyst_sim.cassette.SessionRecorder`, with the
time of each chunk and the secrets masked (only in the cassette). When a connection ends its
session is added to :attr:`RecordingProxy.cassette`, and the cassette is saved (atomically)
if ``save_to`` was given, so a proxy killed later still leaves the finished sessions on disk.

If the upstream cannot be reached the client connection is closed (as a refused connection
would be) and the failure is kept in :attr:`ServerBase.errors`; :meth:`ServerBase.check`
raises it.

:class:`ServerBase` (start/stop/address/context managers/thread controller) is shared with
:class:`pyst_sim.replay.ReplayServer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from pyst_sim.cassette import (
    DEFAULT_MASK,
    Cassette,
    Masker,
    Session,
    SessionRecorder,
    as_masker,
)
from pyst_sim.errors import ExpectationError, SimulatorError
from pyst_sim.threaded import ThreadedServer

logger = logging.getLogger(__name__)

__all__ = ["RecordingProxy", "ServerBase", "ThreadedServer", "parse_address"]

_S = TypeVar("_S", bound="ServerBase")


def parse_address(text: str | tuple[str, int], default_port: int = 5038) -> tuple[str, int]:
    """``"host:port"`` (or ``"host"``, ``"[::1]:5038"``, a ``(host, port)`` tuple) ->
    ``(host, port)``. Raises ``ValueError`` for a bad port."""
    if isinstance(text, tuple):
        host, port = text
        return str(host), int(port)
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    try:
        port = int(port_text) if port_text else default_port
    except ValueError:
        raise ValueError(f"bad port in address {text!r}") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"port out of range in address {text!r}")
    return host or "127.0.0.1", port


class ServerBase:
    """An asyncio TCP server on ``host``:``port`` (127.0.0.1 and a free port by default).

    ``start()`` returns once it listens (raising ``OSError`` if it cannot); ``stop()`` closes
    the listener and every connection, waits for them, then saves what was recorded; it is
    idempotent. Also an async context manager, and :meth:`start_in_thread` runs it on a loop
    in a background thread for synchronous tests.

    Recording settings shared by the subclasses: ``upstream`` (``(host, port)`` or
    ``"host:port"``), ``mask`` (see :class:`~pyst_sim.cassette.Masker`), ``clock``,
    ``connect_timeout`` (seconds to reach the upstream), ``save_to`` (where the recorded
    cassette goes).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        upstream: str | tuple[str, int] | None = None,
        mask: Masker | Sequence[str] | None = DEFAULT_MASK,
        clock: Callable[[], float] = time.monotonic,
        connect_timeout: float = 5.0,
        save_to: str | os.PathLike[str] | None = None,
    ) -> None:
        self.host = host
        self._port = port
        self.upstream = parse_address(upstream) if upstream is not None else None
        self.masker = as_masker(mask)
        self.clock = clock
        self.connect_timeout = connect_timeout
        self.save_to = Path(save_to) if save_to is not None else None
        #: Where recorded sessions go (``None`` when nothing is recorded).
        self.record_into: Cassette | None = None
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connections: set[Any] = set()
        self._closed_all: asyncio.Event | None = None
        self._errors: list[str] = []
        self._lock = threading.Lock()
        self._count = 0
        self.t0 = clock()
        self._dirty = False

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port listened on (the real one once started with port 0)."""
        return self._port

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` to connect to."""
        return self.host, self._port

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    def _protocol(self) -> asyncio.Protocol:  # pragma: no cover - abstract
        raise NotImplementedError

    async def start(self: _S) -> _S:
        """Listen; raises ``OSError`` (address in use...) or ``SimulatorError`` (running)."""
        if self._server is not None:
            raise SimulatorError(f"{type(self).__name__} is already running")
        self._loop = asyncio.get_running_loop()
        self.t0 = self.clock()
        self._server = await self._loop.create_server(self._protocol, self.host, self._port)
        self._port = int(self._server.sockets[0].getsockname()[1])
        logger.info("%s listening on %s:%d", type(self).__name__, self.host, self._port)
        return self

    async def stop(self) -> None:
        """Stop listening, close every connection, save what was recorded. Idempotent."""
        server = self._server
        if server is None:
            return
        self._server = None
        server.close()
        for conn in list(self._connections):
            conn.abort_connection()
        if self._connections:
            self._closed_all = asyncio.Event()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._closed_all.wait(), 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 5)
        self.save_recording()
        logger.info("%s on port %d stopped", type(self).__name__, self._port)

    async def __aenter__(self: _S) -> _S:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def start_in_thread(self: _S, timeout: float = 10.0) -> ThreadedServer[_S]:
        """Run on an event loop in a background thread; returns the started controller (a
        context manager). Raises what :meth:`start` raises."""
        controller = ThreadedServer(self)
        controller.start(timeout)
        return controller

    # -- bookkeeping for connections -----------------------------------------------------

    def _next_name(self) -> str:
        with self._lock:
            self._count += 1
            return f"c{self._count}"

    def _opened(self, conn: Any) -> None:
        self._connections.add(conn)

    def _finished(self, conn: Any) -> None:
        self._connections.discard(conn)
        if not self._connections and self._closed_all is not None:
            self._closed_all.set()

    def _error(self, text: str) -> None:
        logger.error("%s", text)
        with self._lock:
            self._errors.append(text)

    @property
    def errors(self) -> list[str]:
        """Problems so far (upstream unreachable, replay mismatches...)."""
        with self._lock:
            return list(self._errors)

    def check(self) -> None:
        """Raise :class:`~pyst_sim.errors.ExpectationError` listing :attr:`errors`, if any."""
        errors = self.errors
        if errors:
            raise ExpectationError("\n\n".join(errors))

    def _session_recorded(self, session: Session) -> None:
        if self.record_into is None or not (session.interactions or session.preamble):
            return
        self.record_into.add_session(session)
        self._dirty = True
        self.save_recording()

    def save_recording(self) -> Path | None:
        """Save the recorded cassette to ``save_to`` if something new was recorded; returns
        the path written (``None`` if nothing was). ``OSError`` is logged and kept in
        :attr:`errors`."""
        if self.record_into is None or self.save_to is None or not self._dirty:
            return None
        try:
            path = self.record_into.save(self.save_to)
        except OSError as exc:
            self._error(f"cannot save the cassette to {self.save_to}: {exc}")
            return None
        self._dirty = False
        return path


class _UpstreamSide(asyncio.Protocol):
    """The proxy's connection to Asterisk: hands everything to its ProxyConnection."""

    def __init__(self, owner: ProxyConnection) -> None:
        self.owner = owner

    def data_received(self, data: bytes) -> None:
        self.owner.from_upstream(data)

    def eof_received(self) -> bool:
        self.owner.upstream_eof()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.owner.upstream_lost()


class ProxyConnection(asyncio.Protocol):
    """One client connection of a recording proxy: forwards bytes unchanged both ways and
    records them (see the module docstring). Used by :class:`RecordingProxy` and by
    :class:`~pyst_sim.replay.ReplayServer` in the recording modes."""

    def __init__(self, server: ServerBase) -> None:
        self.server = server
        assert server.upstream is not None
        self.client: asyncio.Transport | None = None
        self.upstream: asyncio.Transport | None = None
        self._early: list[bytes] = []
        self._client_eof = False
        self._done = False
        self._task: asyncio.Task[None] | None = None
        self.recorder: SessionRecorder | None = None

    # client side

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A cast, not isinstance: uvloop's transports do not subclass asyncio's.
        self.client = cast(asyncio.Transport, transport)
        server = self.server
        now = server.clock()
        self.recorder = SessionRecorder(server._next_name(), now, at=now - server.t0,
                                        mask=server.masker)
        server._opened(self)
        self._task = asyncio.get_running_loop().create_task(self._connect())

    async def _connect(self) -> None:
        server = self.server
        assert server.upstream is not None
        host, port = server.upstream
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await asyncio.wait_for(
                loop.create_connection(lambda: _UpstreamSide(self), host, port),
                server.connect_timeout,
            )
        except (OSError, asyncio.TimeoutError) as exc:
            server._error(f"cannot reach the upstream {host}:{port}: {exc!r}; "
                          "closed the client connection")
            if self.client is not None:
                self.client.close()
            return
        transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses
        if self._done:
            transport.close()
            return
        self.upstream = transport
        if self._early:
            transport.write(b"".join(self._early))
            self._early.clear()
        if self._client_eof:
            self._half_close_upstream()

    def data_received(self, data: bytes) -> None:
        assert self.recorder is not None
        self.recorder.client_bytes(self.server.clock(), data)
        if self.upstream is not None:
            self.upstream.write(data)
        else:
            self._early.append(data)

    def eof_received(self) -> bool:
        assert self.recorder is not None
        self.recorder.client_bytes(self.server.clock(), b"")
        self._client_eof = True
        if self.upstream is not None:
            self._half_close_upstream()
        return True  # keep our side open: Asterisk's last words still reach the client

    def _half_close_upstream(self) -> None:
        assert self.upstream is not None
        if self.upstream.can_write_eof():
            self.upstream.write_eof()
        else:  # pragma: no cover - TCP transports can
            self.upstream.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.upstream is not None:
            self.upstream.close()
        elif self._task is not None:
            self._task.cancel()
        self._finish()

    # upstream side

    def from_upstream(self, data: bytes) -> None:
        assert self.recorder is not None
        self.recorder.server_bytes(self.server.clock(), data)
        if self.client is not None:
            self.client.write(data)

    def upstream_eof(self) -> None:
        assert self.recorder is not None
        self.recorder.server_bytes(self.server.clock(), b"")
        if self.client is not None:
            self.client.close()

    def upstream_lost(self) -> None:
        if self.client is not None:
            self.client.close()

    def abort_connection(self) -> None:
        """Close both sides now (the server is stopping)."""
        if self.client is not None:
            self.client.close()
        if self.upstream is not None:
            self.upstream.close()

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        assert self.recorder is not None
        self.server._session_recorded(self.recorder.session())
        self.server._finished(self)


class RecordingProxy(ServerBase):
    """Transparent recording proxy to ``upstream`` (see the module docstring).

    ``RecordingProxy(upstream, *, host="127.0.0.1", port=0, cassette=None, save_to=None,
    mask=DEFAULT_MASK, clock=time.monotonic, connect_timeout=5.0)``: sessions are added to
    ``cassette`` (a new one by default) and saved to ``save_to`` (or the cassette's path).
    """

    def __init__(
        self,
        upstream: str | tuple[str, int],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        cassette: Cassette | None = None,
        save_to: str | os.PathLike[str] | None = None,
        mask: Masker | Sequence[str] | None = DEFAULT_MASK,
        clock: Callable[[], float] = time.monotonic,
        connect_timeout: float = 5.0,
    ) -> None:
        target = cassette if cassette is not None else Cassette(source="new")
        if save_to is None and target.path is not None and target.source == "cassette":
            save_to = target.path
        super().__init__(host=host, port=port, upstream=upstream, mask=mask, clock=clock,
                         connect_timeout=connect_timeout, save_to=save_to)
        self.record_into = target
        self.cassette = target
        masked = self.masker.spec
        target.metadata.setdefault("recorded_with", "pyst-sim record")
        target.metadata.setdefault(
            "recorded_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        )
        assert self.upstream is not None
        target.metadata.setdefault("upstream", f"{self.upstream[0]}:{self.upstream[1]}")
        target.metadata["masked"] = list(masked)

    def _protocol(self) -> asyncio.Protocol:
        return ProxyConnection(self)
