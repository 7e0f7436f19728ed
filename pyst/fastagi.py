"""An asyncio FastAGI server: ``AGI(agi://host[:port]/path?query)`` calls routed to handlers.

::

    from pyst.fastagi import FastAGIServer

    server = FastAGIServer()                  # 127.0.0.1:4573

    @server.route("ivr")                      # agi://127.0.0.1/ivr?lang=fr
    async def ivr(agi):                       # an AsyncAGI
        await agi.answer()
        lang = agi.request.params.get("lang", "en")
        await agi.stream_file(f"{lang}/welcome")

    @server.route("legacy")                   # a pyst2-style blocking handler:
    def legacy(agi):                          # a blocking AGI, run in a worker thread
        agi.answer()

    asyncio.run(server.serve_forever())       # or: python -m pyst.fastagi mymodule:server

Event loop: :func:`run` (and ``python -m pyst.fastagi``) serve on uvloop when it is installed
(the ``speed`` extra; a call takes about a third fewer instructions there), else on asyncio's
own loop; ``loop="asyncio"`` or ``--loop asyncio`` forces the standard one. pyst itself needs
only the standard library.

Asterisk's side of a call (PROTOCOL.md §2.1-2.5, capture j1): it connects, writes the
environment (``agi_network_script`` is the URL's path, query included), then answers one
command at a time. On hangup it writes a ``HANGUP`` line and goes on in dead mode (only the
dead-channel commands work; the others get ``511``); the handler sees this as
:class:`~pyst.agi.exceptions.AGIHangup` (see :mod:`pyst.agi.session`). When the handler is
done the server half-closes the socket, as the AGI ending does; Asterisk then writes its
second ``HANGUP`` and closes, and the server closes too (after ``linger`` seconds at most).

Isolation: each call runs in its own task (or worker thread, for blocking handlers). A handler
that raises is logged with an :mod:`pyst.agitb` report and the call ends with a ``failure``
line (AGISTATUS=FAILURE) when the protocol allows one; a handler that runs longer than
``call_timeout`` is cancelled (a blocking one is cut off from its connection, which makes its
next command raise). Neither affects other calls. At most ``max_calls`` handlers run at
once; a call beyond that waits up to ``queue_timeout`` seconds for a slot, then is refused
with ``failure``. :meth:`FastAGIServer.stop` stops accepting calls and lets the running ones
finish (up to a timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import functools
import importlib
import inspect
import logging
import queue
import signal
import socketserver
import sys
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias, TypeVar, cast

from pyst import agitb
from pyst.agi._threads import blocking_twin, run_in_thread
from pyst.agi.agi import AGI
from pyst.agi.aio import AsyncAGI
from pyst.agi.exceptions import AGIHangup
from pyst.agi.messages import DEFAULT_ENCODING, ConnectionClosed, Failure
from pyst.agi.protocol import State
from pyst.agi.session import FastAGIRequest
from pyst.errors import RemoteProtocolError

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "HOST",
    "LOOPS",
    "PORT",
    "AsyncHandler",
    "BlockingHandler",
    "FastAGI",
    "FastAGIServer",
    "FastAGIThread",
    "Handler",
    "main",
    "new_event_loop",
    "run",
]

logger = logging.getLogger(__name__)

#: Where Asterisk looks by default (``AGI_PORT`` of res_agi.c is 4573).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4573
#: pyst2's module constants.
HOST, PORT = DEFAULT_HOST, DEFAULT_PORT

AsyncHandler: TypeAlias = Callable[[AsyncAGI], Awaitable[Any]]
BlockingHandler: TypeAlias = Callable[[AGI], Any]
Handler: TypeAlias = AsyncHandler | BlockingHandler
H = TypeVar("H", bound=Callable[..., Any])



# --- one connection ------------------------------------------------------------------------------


class _CallProtocol(asyncio.Protocol):
    """One FastAGI connection: hands received bytes to the session, in order.

    In async mode the session reads with :meth:`recv`; in thread mode (a blocking handler) a
    worker thread reads through :class:`_ThreadChannel` from a thread-safe queue.
    """

    def __init__(self, server: FastAGIServer) -> None:
        self._server = server
        self._loop = server._loop_or_raise()
        self.transport: asyncio.Transport | None = None
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._paused = False
        self._eof = False
        # recv()'s future while no bytes are buffered: resolved with the next bytes (b"": EOF).
        self._waiter: asyncio.Future[bytes] | None = None
        self._queue: queue.SimpleQueue[bytes] | None = None
        self._lingering = False
        self._linger_timer: asyncio.TimerHandle | None = None
        self.peer: object = None

    # asyncio callbacks (loop thread)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods.
        self.transport = cast(asyncio.Transport, transport)
        self.peer = transport.get_extra_info("peername")
        self._server._call_started(self)

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return  # the call is over: Asterisk's final HANGUP line needs no answer
        if self._queue is not None:
            self._queue.put(data)
        else:
            waiter = self._waiter
            if waiter is not None:
                self._waiter = None
                if not waiter.done():  # (done: the reader was cancelled; keep the bytes)
                    waiter.set_result(data)
                    if len(data) > self._server.max_buffered:
                        self._handed(len(data))
                    return
            self._chunks.append(data)
        self._buffered += len(data)
        if (
            self._buffered > self._server.max_buffered
            and not self._paused
            and self.transport is not None
        ):
            self._paused = True
            self.transport.pause_reading()

    def eof_received(self) -> bool:
        self._mark_eof()
        if self._lingering:
            self.close()
        return True  # keep our side open: we may still write (half-close)

    def connection_lost(self, exc: Exception | None) -> None:
        self._mark_eof()
        if self._linger_timer is not None:
            self._linger_timer.cancel()
        self._server._protocols.discard(self)

    def _mark_eof(self) -> None:
        if self._eof:
            return
        self._eof = True
        if self._queue is not None:
            self._queue.put(b"")
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(b"")  # only waits while nothing is buffered: this is EOF

    def _handed(self, size: int) -> None:
        """``size`` bytes went straight to a waiting reader: more than ``max_buffered`` (a
        flood in one read) pauses reading until the session asks for more."""
        if size > self._server.max_buffered and not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()

    def _consumed(self, size: int) -> None:
        self._buffered -= size
        if (
            self._paused
            and self._buffered <= self._server.max_buffered // 2
            and self.transport is not None
        ):
            self._paused = False
            self.transport.resume_reading()

    # the AsyncByteChannel interface (loop thread)

    def recv(self) -> asyncio.Future[bytes]:
        """A future of the next bytes (``b""``: EOF); a future rather than a coroutine, one
        object and one frame less for every reply."""
        future: asyncio.Future[bytes] = self._loop.create_future()
        chunks = self._chunks
        if chunks:
            chunk = chunks.popleft()
            self._buffered -= len(chunk)
            future.set_result(chunk)
        elif self._eof:
            future.set_result(b"")
        else:
            self._waiter = future  # data_received() or EOF resolves it
        if self._paused:
            self._consumed(0)  # resume reading if the backlog is small enough now
        return future

    def send(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            raise BrokenPipeError("the FastAGI connection is closed")
        transport.write(data)

    def send_quietly(self, data: bytes) -> None:
        """:meth:`send` for writes queued from a worker thread: a closed connection is
        noticed by the worker itself (its next read gets EOF)."""
        with contextlib.suppress(BrokenPipeError):
            self.send(data)

    # switching to a worker thread

    def thread_channel(self) -> _ThreadChannel:
        """Move the received bytes to a queue a worker thread reads (loop thread only)."""
        self._queue = queue.SimpleQueue()
        while self._chunks:
            self._queue.put(self._chunks.popleft())
        if self._eof:
            self._queue.put(b"")
        return _ThreadChannel(self, self._loop, self._queue)

    def linger(self, seconds: float) -> None:
        """The call is over and our side is half-closed: close when Asterisk closes its side
        (after its final ``HANGUP`` line), or after ``seconds``. Nothing waits for it."""
        self._lingering = True
        self._chunks.clear()
        if self._eof:
            self.close()
        else:
            self._linger_timer = self._loop.call_later(seconds, self.abort)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


#: Bytes asked of the kernel per read by :class:`_BufferedCallProtocol`.
_READ_SIZE = 65536


class _BufferedCallProtocol(_CallProtocol, asyncio.BufferedProtocol):
    """:class:`_CallProtocol` for asyncio's own (selector) event loop: the transport reads
    into one buffer the server's connections share, and the bytes are copied out at once.

    The plain protocol there gets a ``bytes`` that asyncio allocated at 256 KiB
    (``max_size``) and shrank; under load glibc served most of those with a fresh ``mmap``,
    about 10 page faults and 0.25 ms of system time per call. uvloop reads into a
    buffer of its own and hands over exact-size ``bytes``, so it gets the plain protocol
    (the buffered one costs it a little more).
    """

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._server._read_buffer

    def buffer_updated(self, nbytes: int) -> None:
        data = self._server._read_buffer[:nbytes].tobytes()
        if self._queue is None and not self._lingering and not self._paused:
            # data_received() for an async handler, written out: this runs for every reply.
            waiter = self._waiter
            if waiter is not None:
                self._waiter = None
                if not waiter.done():
                    waiter.set_result(data)
                    if nbytes > self._server.max_buffered:
                        self._handed(nbytes)
                    return
            self._chunks.append(data)
            self._buffered += nbytes
            if self._buffered > self._server.max_buffered and self.transport is not None:
                self._paused = True
                self.transport.pause_reading()
            return
        self.data_received(data)


class _ThreadChannel:
    """A blocking :class:`~pyst.agi.agi.ByteChannel` for a worker thread, over the loop's
    connection: reads from the protocol's queue, writes through ``call_soon_threadsafe``."""

    def __init__(
        self,
        protocol: _CallProtocol,
        loop: asyncio.AbstractEventLoop,
        chunks: queue.SimpleQueue[bytes],
    ) -> None:
        self._protocol = protocol
        self._loop = loop
        self._chunks = chunks
        self._eof = False

    def recv(self) -> bytes:
        if self._eof:
            return b""
        chunk = self._chunks.get()
        if not chunk:
            self._eof = True
        else:
            self._threadsafe(self._protocol._consumed, len(chunk))
        return chunk

    def send(self, data: bytes) -> None:
        transport = self._protocol.transport
        if transport is None or transport.is_closing():
            raise BrokenPipeError("the FastAGI connection is closed")
        self._threadsafe(self._protocol.send_quietly, data)

    def _threadsafe(self, func: Callable[..., Any], *args: Any) -> None:
        try:
            self._loop.call_soon_threadsafe(func, *args)
        except RuntimeError as exc:  # the loop is closed: the server is gone
            raise BrokenPipeError("the FastAGI server has stopped") from exc


# --- worker threads for blocking handlers --------------------------------------------------------


class _WorkerPool:
    """Threads for blocking handlers: an idle one is reused, else a new one starts.

    It never runs out: a handler stuck for ever keeps its thread, and the next call gets
    another, so one hung handler cannot hold up the others. Idle threads end after
    ``idle_timeout`` seconds. Threads are daemons: a stuck handler does not block exit.
    """

    def __init__(self, idle_timeout: float = 10.0) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._idle_timeout = idle_timeout
        self._count = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._idle:
                self._idle -= 1
                spawn = False
            else:
                self._count += 1
                spawn = True
                name = f"pyst-fastagi-{self._count}"
        self._jobs.put(job)
        if spawn:
            threading.Thread(target=self._work, name=name, daemon=True).start()

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self._idle_timeout)
            except queue.Empty:
                with self._lock:
                    if self._idle:
                        # Nobody claimed an idle thread meanwhile: one may go.
                        self._idle -= 1
                        return
                continue  # a job was promised to an idle thread: take it
            if job is None:
                return
            try:
                job()
            finally:
                with self._lock:
                    self._idle += 1

    def shutdown(self) -> None:
        """Let idle threads end now (busy ones end when their handler returns)."""
        with self._lock:
            idle, self._idle = self._idle, 0
        for _ in range(idle):
            self._jobs.put(None)


# --- the server ----------------------------------------------------------------------------------


def _is_async(handler: Callable[..., Any]) -> bool:
    target = handler
    while isinstance(target, functools.partial):
        target = target.func
    return inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(
        getattr(target, "__call__", None)  # noqa: B004  (a callable object's method)
    )


def _split_script(script: str) -> tuple[str, dict[str, list[str]]]:
    path, _, query = script.partition("?")
    if not query:
        return path.strip("/"), {}  # what parse_qs gives for "", without its work
    return path.strip("/"), urllib.parse.parse_qs(query, keep_blank_values=True)


class _Route:
    __slots__ = ("blocking", "handler")

    def __init__(self, handler: Callable[..., Any], blocking: bool) -> None:
        self.handler = handler
        self.blocking = blocking


class FastAGIServer:
    """A FastAGI server (see the module docstring).

    Args:
        host, port: where to listen (port 0: any free port; read :attr:`port` after start).
        max_calls: most handlers running at once.
        queue_timeout: how long a call beyond ``max_calls`` waits for a slot before it is
            refused (``failure``); 0 refuses at once.
        call_timeout: seconds a handler may run (None: no limit).
        env_timeout: seconds Asterisk has to send the environment after connecting.
        linger: after the handler, seconds to wait for Asterisk to close its side.
        exit_on_hangup: sessions raise the hangup on every command once reported.
        encoding: the protocol's text encoding.
        report_context: lines of source around each frame in crash reports (agitb).
        max_buffered: stop reading a connection while more received bytes than this wait
            for its handler (Asterisk sends nothing unasked but ``HANGUP``; this bounds memory
            against a peer that floods).
        backlog: the listen queue; Asterisk connects with a 2 s timeout (MAX_AGI_CONNECT),
            and a burst of calls beyond a short queue would wait for SYN retries.

    Raises:
        ValueError: a bad limit.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        max_calls: int = 500,
        queue_timeout: float = 5.0,
        call_timeout: float | None = None,
        env_timeout: float = 10.0,
        linger: float = 5.0,
        exit_on_hangup: bool = False,
        encoding: str = DEFAULT_ENCODING,
        report_context: int = 3,
        backlog: int = 1024,
        max_buffered: int = 1 << 20,
    ) -> None:
        if max_calls < 1:
            raise ValueError(f"max_calls must be at least 1: {max_calls}")
        if call_timeout is not None and call_timeout <= 0:
            raise ValueError(f"call_timeout must be positive: {call_timeout}")
        self.host = host
        self.requested_port = port
        self.max_calls = max_calls
        self.queue_timeout = queue_timeout
        self.call_timeout = call_timeout
        self.env_timeout = env_timeout
        self.linger = linger
        self.exit_on_hangup = exit_on_hangup
        self.encoding = encoding
        self.report_context = report_context
        self.backlog = backlog
        self.max_buffered = max_buffered
        self._routes: dict[str, _Route] = {}
        self._default: _Route | None = None
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._protocols: set[_CallProtocol] = set()
        self._pool = _WorkerPool()
        # Shared by the connections' reads (see _BufferedCallProtocol): one at a time.
        self._read_buffer = memoryview(bytearray(_READ_SIZE))
        self._stopping = False
        self._stopped: asyncio.Event | None = None
        #: Counters: calls accepted, finished, failed (handler raised), refused, timed out.
        self.stats: dict[str, int] = dict.fromkeys(
            ("accepted", "finished", "failed", "refused", "timed_out", "hangups"), 0
        )

    # --- routes -----------------------------------------------------------------------------

    def route(self, path: str | None, *, blocking: bool | None = None) -> Callable[[H], H]:
        """Decorator: the handler for ``agi://host/<path>`` (leading/trailing ``/`` ignored;
        ``None`` or ``"*"``: calls no route matches). ``blocking`` None: a coroutine function
        gets an :class:`~pyst.agi.aio.AsyncAGI`, anything else runs in a worker thread with a
        blocking :class:`~pyst.agi.AGI`.

        Raises:
            ValueError: the path already has a handler.
        """

        def register(handler: H) -> H:
            self.add_route(path, handler, blocking=blocking)
            return handler

        return register

    def add_route(
        self, path: str | None, handler: Callable[..., Any], *, blocking: bool | None = None
    ) -> None:
        """Register ``handler`` for ``path`` (see :meth:`route`).

        Raises:
            ValueError: the path already has a handler. TypeError: not callable.
        """
        if not callable(handler):
            raise TypeError(f"a FastAGI handler must be callable, not {handler!r}")
        entry = _Route(handler, not _is_async(handler) if blocking is None else blocking)
        if path is None or path == "*":
            if self._default is not None:
                raise ValueError("a default FastAGI route is already registered")
            self._default = entry
            return
        key = path.strip("/")
        if key in self._routes:
            raise ValueError(f"FastAGI route {key!r} is already registered")
        self._routes[key] = entry

    def remove_route(self, path: str | None) -> None:
        """Forget the handler of ``path``. Raises KeyError if there is none."""
        if path is None or path == "*":
            if self._default is None:
                raise KeyError("no default FastAGI route")
            self._default = None
            return
        del self._routes[path.strip("/")]

    # --- lifecycle --------------------------------------------------------------------------

    def _loop_or_raise(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the FastAGI server is not started")
        return self._loop

    @property
    def sockets(self) -> tuple[Any, ...]:
        """The listening sockets (empty before :meth:`start`)."""
        return tuple(self._server.sockets) if self._server is not None else ()

    @property
    def port(self) -> int:
        """The port listened on (the real one when 0 was asked). Raises RuntimeError before
        :meth:`start`."""
        if not self.sockets:
            raise RuntimeError("the FastAGI server is not listening")
        return int(self.sockets[0].getsockname()[1])

    @property
    def active_calls(self) -> int:
        """Calls being served now (connections open)."""
        return len(self._tasks)

    async def start(self) -> None:
        """Bind and listen; returns once the server accepts calls.

        Raises:
            OSError: the address cannot be bound (in use, permission, ...).
            RuntimeError: already started.
        """
        if self._server is not None:
            raise RuntimeError("the FastAGI server is already started")
        self._loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(self.max_calls)
        self._stopping = False
        self._stopped = asyncio.Event()
        protocol = (
            _BufferedCallProtocol
            if isinstance(self._loop, asyncio.selector_events.BaseSelectorEventLoop)
            else _CallProtocol
        )
        self._server = await self._loop.create_server(
            lambda: protocol(self), self.host, self.requested_port, backlog=self.backlog
        )
        logger.info("FastAGI server listening on %s:%d", self.host, self.port)

    async def serve_forever(self) -> None:
        """:meth:`start` (if needed), then serve until :meth:`stop` is called or the task is
        cancelled (which stops the server gracefully)."""
        if self._server is None:
            await self.start()
        assert self._stopped is not None
        try:
            await self._stopped.wait()
        finally:
            await self.stop()

    async def stop(self, timeout: float | None = 30.0) -> None:
        """Stop accepting calls, let the running ones finish for up to ``timeout`` seconds,
        then cancel what is left. Idempotent."""
        if self._server is None or self._stopping:
            if self._stopped is not None:
                await self._stopped.wait()
            return
        self._stopping = True
        self._server.close()
        tasks = set(self._tasks)
        if tasks:
            logger.info("FastAGI server stopping: %d call(s) still running", len(tasks))
            _done, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)
        for protocol in list(self._protocols):
            protocol.abort()  # calls still open (lingering for Asterisk's close, or stuck)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 1.0)
        self._pool.shutdown()
        self._server = None
        assert self._stopped is not None
        self._stopped.set()
        logger.info("FastAGI server stopped")

    async def __aenter__(self) -> FastAGIServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- one call ---------------------------------------------------------------------------

    def _call_started(self, protocol: _CallProtocol) -> None:
        loop = self._loop_or_raise()
        self.stats["accepted"] += 1
        self._protocols.add(protocol)
        task = loop.create_task(self._serve(protocol))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _find_route(self, path: str) -> _Route | None:
        return self._routes.get(path, self._default)

    async def _serve(self, protocol: _CallProtocol) -> None:
        loop = self._loop_or_raise()
        agi = AsyncAGI(protocol, exit_on_hangup=self.exit_on_hangup, encoding=self.encoding)
        try:
            watchdog = loop.call_later(self.env_timeout, protocol.abort)
            try:
                environment = await agi.read_environment()
            finally:
                watchdog.cancel()
            script = environment.network_script or ""
            path, query = _split_script(script)
            agi.request = FastAGIRequest(script, path, query, protocol.peer)
            route = self._find_route(path)
            if route is None:
                logger.error("FastAGI: no route for %r (from %s)", script, protocol.peer)
                self._refuse(agi, protocol)
            elif await self._take_slot():
                try:
                    await self._run_handler(route, agi, protocol)
                finally:
                    assert self._slots is not None
                    self._slots.release()
            else:
                self.stats["refused"] += 1
                logger.warning(
                    "FastAGI: %d calls running, refusing %r from %s",
                    self.max_calls, script, protocol.peer,
                )
                self._refuse(agi, protocol)
            self._finish(agi, protocol)
        except AGIHangup as exc:
            logger.debug("FastAGI call from %s ended before its handler: %r", protocol.peer, exc)
        except RemoteProtocolError as exc:
            logger.warning("FastAGI: %s does not speak AGI: %s", protocol.peer, exc)
        except asyncio.CancelledError:
            protocol.abort()
            raise
        except Exception:
            logger.exception("FastAGI: error serving a call from %s", protocol.peer)
        finally:
            if not protocol._lingering:
                protocol.close()
            self.stats["finished"] += 1

    async def _take_slot(self) -> bool:
        slots = self._slots
        assert slots is not None
        if not slots.locked():
            await slots.acquire()
            return True
        if self.queue_timeout <= 0:
            return False
        try:
            await asyncio.wait_for(slots.acquire(), self.queue_timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def _refuse(self, agi: AsyncAGI, protocol: _CallProtocol) -> None:
        # A "failure" line ends the AGI with AGISTATUS=FAILURE (res_agi.c run_agi), so the
        # dialplan can tell; allowed whenever no reply is due.
        conn = agi.connection
        if conn.state in (State.AWAIT_ENV, State.READY) and not conn.local_closed:
            with contextlib.suppress(Exception):
                protocol.send(conn.send(Failure("failure")))

    async def _run_handler(self, route: _Route, agi: AsyncAGI, protocol: _CallProtocol) -> None:
        timed_out = False
        timer: asyncio.TimerHandle | None = None
        if self.call_timeout:
            task = asyncio.current_task()
            assert task is not None

            def expire() -> None:
                nonlocal timed_out
                timed_out = True
                task.cancel()
                # Also cut the connection: a handler that swallows the cancellation still
                # finds every later command failing.
                protocol.abort()

            timer = self._loop_or_raise().call_later(self.call_timeout, expire)
        started = time.monotonic()
        try:
            if route.blocking:
                await self._run_blocking(route.handler, agi, protocol)
            else:
                await route.handler(agi)
        except asyncio.CancelledError:
            if not timed_out:
                raise
            self.stats["timed_out"] += 1
            logger.error(
                "FastAGI handler for %r took more than %.3g s: cancelled",
                agi.request.script if agi.request else "", self.call_timeout,
            )
            uncancel = getattr(asyncio.current_task(), "uncancel", None)  # 3.11+: undo ours
            if uncancel is not None:
                uncancel()
            protocol.abort()
        except AGIHangup as exc:
            self.stats["hangups"] += 1
            logger.debug("FastAGI call %s: the channel hung up (%r)", agi.request, exc)
        except Exception as exc:
            self.stats["failed"] += 1
            self._report(agi, exc)
            self._refuse(agi, protocol)
        finally:
            if timer is not None:
                timer.cancel()
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "FastAGI call %s done in %.1f ms",
                    agi.request, (time.monotonic() - started) * 1e3,
                )

    async def _run_blocking(
        self, handler: Callable[..., Any], agi: AsyncAGI, protocol: _CallProtocol
    ) -> None:
        blocking = blocking_twin(agi, protocol.thread_channel())
        try:
            await run_in_thread(self._pool.submit, functools.partial(handler, blocking))
        except asyncio.CancelledError:
            # Timed out or the server stops: cut the thread off; its next command raises.
            protocol.abort()
            raise

    def _report(self, agi: AsyncAGI, exc: BaseException) -> None:
        try:
            report = agitb.text(
                (type(exc), exc, exc.__traceback__), context=self.report_context, agi=agi
            )
        except Exception:  # the report must never hide the error itself
            report = "(no agitb report)"
        logger.error(
            "FastAGI handler for %r raised %s\n%s",
            agi.request.script if agi.request else "",
            type(exc).__name__,
            report,
        )

    def _finish(self, agi: AsyncAGI, protocol: _CallProtocol) -> None:
        """End the call as an AGI ends: half-close; Asterisk then writes ``HANGUP`` and closes
        (capture j1), and the connection closes (see :meth:`_CallProtocol.linger`)."""
        transport = protocol.transport
        if transport is None or transport.is_closing():
            return
        conn = agi.connection
        if not conn.local_closed:
            conn.send(ConnectionClosed())
        if protocol._eof or not transport.can_write_eof():
            return  # closed in _serve
        try:
            transport.write_eof()
        except OSError:  # pragma: no cover - the peer reset the connection just now
            return
        protocol.linger(self.linger)


# --- pyst2's request handler ----------------------------------------------------------------------


class FastAGI(socketserver.StreamRequestHandler):
    """pyst2's ``asterisk.fastagi.FastAGI``: a ``socketserver`` request handler that builds an
    :class:`~pyst.agi.AGI` on the connection. pyst2 users subclassed it and overrode
    :meth:`handle`; that still works (with a threading or forking ``socketserver``)::

        class MyAGI(FastAGI):
            def handle(self):
                agi = AGI(stdin=self.rfile, stdout=self.wfile)
                agi.answer()

        socketserver.ThreadingTCPServer((HOST, PORT), MyAGI).serve_forever()

    pyst2's 5-second socket timeout (which broke any command waiting for the caller) is gone.
    New code should use :class:`FastAGIServer`.
    """

    timeout = None

    def handle(self) -> None:
        """pyst2's default: say hello on the Asterisk console (``VERBOSE``)."""
        try:
            agi = AGI(stdin=self.rfile, stdout=self.wfile, stderr=sys.stderr)
            agi.verbose(f"pyst: FastAGI on: {HOST}:{PORT}")
        except Exception:
            logger.exception("FastAGI request handler failed")


# --- a thread controller for blocking code and tests ----------------------------------------------


class FastAGIThread:
    """Run a :class:`FastAGIServer` in its own thread and event loop (for blocking programs
    and tests)::

        with FastAGIThread(server) as running:
            connect_to(running.port)

    :meth:`start` returns once the server listens and re-raises a startup error (port in use);
    :meth:`stop` is idempotent.
    """

    def __init__(self, server: FastAGIServer, *, stop_timeout: float = 10.0) -> None:
        self.server = server
        self.stop_timeout = stop_timeout
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop: asyncio.Event | None = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return self.server.port

    def start(self, timeout: float = 10.0) -> FastAGIThread:
        """Start the thread; returns once the server listens.

        Raises:
            OSError: the server could not bind. TimeoutError: it did not start in time.
            RuntimeError: already started.
        """
        if self._thread is not None:
            raise RuntimeError("FastAGIThread already started")
        self._thread = threading.Thread(target=self._run, name="pyst-fastagi-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the FastAGI server did not start in time")
        if self._error is not None:
            self._thread.join()
            raise self._error
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        await self.server.stop(self.stop_timeout)

    def stop(self) -> None:
        """Stop the server (gracefully) and the thread. Idempotent."""
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None or loop is None or stop is None or not thread.is_alive():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(stop.set)
        thread.join(self.stop_timeout + 5.0)

    def __enter__(self) -> FastAGIThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# --- python -m pyst.fastagi module:server ---------------------------------------------------------


def _load_server(spec: str) -> FastAGIServer:
    module_name, _, attribute = spec.partition(":")
    if not module_name:
        raise ValueError(f"expected module:attribute, got {spec!r}")
    module = importlib.import_module(module_name)
    target: Any = module
    for part in (attribute or "server").split("."):
        target = getattr(target, part)
    if not isinstance(target, FastAGIServer) and callable(target):
        target = target()
    if not isinstance(target, FastAGIServer):
        raise TypeError(f"{spec} is not a FastAGIServer (nor a function returning one)")
    return target


#: The event loops :func:`new_event_loop`, :func:`run` and ``--loop`` know.
LOOPS = ("auto", "asyncio", "uvloop")


def new_event_loop(loop: str = "auto") -> asyncio.AbstractEventLoop:
    """A new event loop of the kind named: ``"asyncio"`` (the standard library's),
    ``"uvloop"`` (needs the optional `uvloop <https://pypi.org/project/uvloop/>`_ package;
    ``pip install pyst-sim[speed]``) or ``"auto"`` (uvloop when it can be imported, else asyncio).
    pyst itself needs only the standard library; uvloop serves calls with less CPU.

    Raises:
        ValueError: an unknown kind. ImportError: ``"uvloop"`` and it is not installed.
    """
    if loop not in LOOPS:
        raise ValueError(f"unknown event loop {loop!r}: expected one of {', '.join(LOOPS)}")
    if loop != "asyncio":
        try:
            uvloop = importlib.import_module("uvloop")
        except ImportError:
            if loop == "uvloop":
                raise
        else:
            new_loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
            return new_loop
    return asyncio.new_event_loop()


def _cancel_all_tasks(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def run(
    server: FastAGIServer,
    *,
    loop: str = "auto",
    ready: Callable[[FastAGIServer], object] | None = None,
) -> None:
    """Serve on a new event loop of the kind named (see :func:`new_event_loop`; ``"auto"``:
    uvloop when installed) until SIGINT or SIGTERM, then stop gracefully; what
    ``python -m pyst.fastagi`` does. ``ready(server)`` is called once the server listens.

    Raises:
        OSError: the server cannot bind. ValueError, ImportError: see :func:`new_event_loop`.
    """
    event_loop = new_event_loop(loop)
    try:
        # What asyncio.run() does (Python 3.10 has no loop factory for it).
        asyncio.set_event_loop(event_loop)
        event_loop.run_until_complete(_serve_until_signalled(server, ready))
    finally:
        try:
            _cancel_all_tasks(event_loop)
            event_loop.run_until_complete(event_loop.shutdown_asyncgens())
            event_loop.run_until_complete(event_loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            event_loop.close()


async def _serve_until_signalled(
    server: FastAGIServer, ready: Callable[[FastAGIServer], object] | None = None
) -> None:
    loop = asyncio.get_running_loop()
    await server.start()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    logger.info(
        "serving %s on %s:%d with %s.%s (Ctrl-C to stop)", server, server.host, server.port,
        type(loop).__module__, type(loop).__name__,
    )
    if ready is not None:
        ready(server)
    await stop.wait()
    await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pyst.fastagi module:server [--host H] [--port P] [--loop KIND]``: import
    the server (a :class:`FastAGIServer`, or a function returning one; the attribute defaults
    to ``server``) and serve until SIGINT/SIGTERM, then stop gracefully. ``--loop``: ``auto``
    (the default: uvloop when installed), ``asyncio`` or ``uvloop``."""
    parser = argparse.ArgumentParser(prog="python -m pyst.fastagi", description=main.__doc__)
    parser.add_argument("target", help="module:attribute of a FastAGIServer")
    parser.add_argument("--host", help="override the server's host")
    parser.add_argument("--port", type=int, help="override the server's port")
    parser.add_argument(
        "--loop", choices=LOOPS, default="auto",
        help="event loop: auto (uvloop when installed, the default), asyncio or uvloop",
    )
    parser.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    sys.path.insert(0, "")
    try:
        server = _load_server(args.target)
    except (ImportError, AttributeError, ValueError, TypeError) as exc:
        parser.error(f"cannot load {args.target}: {exc}")
    if args.host is not None:
        server.host = args.host
    if args.port is not None:
        server.requested_port = args.port
    try:
        run(server, loop=args.loop)
    except ImportError as exc:
        parser.error(f"--loop {args.loop}: {exc}")
    except OSError as exc:
        logger.error("cannot serve: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    # Run the main() of the module as imported under its own name: the server object the
    # target module builds is an instance of pyst.fastagi.FastAGIServer, not of
    # __main__.FastAGIServer.
    from pyst.fastagi import main as _main

    sys.exit(_main())
