"""The asyncio AMI client: a thin I/O layer over the sans-IO core.

::

    from pyst.ami.client import AMIClient
    from pyst.ami.actions import CoreShowChannels, Originate

    async with AMIClient("127.0.0.1", 5038, username="admin", secret="secret") as ami:
        ami.on("Hangup", lambda event: print(event["Channel"]))     # callbacks
        result = await ami.send_action(CoreShowChannels())           # items gathered
        for item in result.events:
            print(item["Channel"])
        done = await ami.send_action(Originate("Local/s@ctx", application="Wait", data="1",
                                               run_async=True))
        print(done.completion["Reason"])                             # the OriginateResponse
        async for event in ami.events("Newchannel", Context="from-pstn"):   # an iterator
            ...

What it does on top of :class:`~pyst.ami.protocol.AMIConnection` and
:class:`~pyst.ami.correlation.Correlator`:

* **Connecting**: TCP or TLS (``ssl=``), the greeting, then (with ``username``) the login, plain
  or with the MD5 challenge (``md5=True``; PROTOCOL.md 1.4), then the event mask and filters set
  with :meth:`AMIClient.set_event_mask` / :meth:`AMIClient.add_filter`.
* **Actions**: :meth:`AMIClient.send_action` returns an
  :class:`~pyst.ami.correlation.ActionResult`: ``.response``; for a list action ``.events``
  (the items) and ``.completion`` (the ``...Complete`` event; its ``ListItems`` is checked:
  a mismatch is in ``.problem``); for an async ``Originate`` ``.completion`` is the
  ``OriginateResponse``. ``Response: Error`` raises :class:`~pyst.errors.ActionFailedError`
  (``check=False`` returns it instead). Every wait has a timeout
  (:class:`~pyst.errors.ActionTimeoutError`, which names the action and its ActionID).
* **Events**: every event that is not part of an answer (list items, ``...Complete`` and the
  ``OriginateResponse`` of an async Originate go to the action's result) reaches the
  callbacks (:meth:`AMIClient.on`) by name, ``"*"``, header conditions and a
  predicate, called in the reading task (a callback that returns an awaitable gets a task; one
  that raises is logged and the others still run); and async iterators
  (:meth:`AMIClient.events`), each with its own bounded queue. Overflow policy: when a
  stream's queue is full the **oldest** event is dropped (``overflow="drop_newest"`` drops the
  new one instead); drops are counted in :attr:`EventStream.dropped` and logged. Reading the
  socket never waits for a consumer, so answers to actions are never stuck behind events.
* **Keep-alive**: when nothing has arrived for ``ping_interval`` seconds a ``Ping`` is sent;
  no answer within ``ping_timeout`` means the peer is dead and the connection is dropped.
* **Reconnect** (``reconnect=True``): when an established connection is lost, the actions in
  flight fail at once with :class:`~pyst.errors.ConnectionLostError` (never lost silently); then
  the client reconnects with exponential backoff and jitter (:class:`Backoff`), logs in again
  and restores the event mask and filters. Actions sent meanwhile wait for the connection,
  within their timeout. Callbacks and streams stay subscribed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import inspect
import logging
import random
import ssl as _ssl
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, cast

from pyst.ami.blocking import (
    DEFAULT_PORT,
    Dispatcher,
    EventCallback,
    EventFilter,
    EventQueue,
    HeaderMatch,
    Overflow,
    Subscription,
    _make_action,
    check_result,
    events_value,
    login_action,
)
from pyst.ami.correlation import ActionResult, Correlator, Progress, Unsolicited
from pyst.ami.messages import Action, Banner, Event, HeaderValue, Message, Response
from pyst.ami.protocol import (
    CLIENT,
    DEFAULT_MAX_MESSAGE_SIZE,
    NEED_DATA,
    AMIConnection,
    ConnectionClosed,
)
from pyst.errors import (
    ActionTimeoutError,
    AuthenticationError,
    ConnectionLostError,
    PystError,
)

__all__ = [
    "DEFAULT_PORT",
    "AMIClient",
    "Backoff",
    "EventFilter",
    "EventStream",
    "Subscription",
]

logger = logging.getLogger(__name__)

_UNSET: Any = object()
_ConnectionHook = Callable[["AMIClient"], Any]


@dataclass(frozen=True)
class Backoff:
    """Reconnect delays: ``initial * factor**attempt``, at most ``maximum`` seconds, each
    multiplied by a random factor in ``[1 - jitter, 1 + jitter]`` so that many clients do not
    reconnect in step."""

    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    jitter: float = 0.1

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The wait before reconnect attempt number ``attempt`` (0 for the first)."""
        base = min(self.initial * self.factor ** min(attempt, 64), self.maximum)
        if self.jitter:
            base *= 1.0 + rng.uniform(-self.jitter, self.jitter)
        return max(base, 0.0)


class EventStream:
    """Events as an async iterator, with its own bounded queue (see the module docstring).

    Made by :meth:`AMIClient.events`. ``async for event in stream`` ends when the stream or
    the client is closed (after the queued events); :meth:`get` waits for one event. Use it as
    a context manager (``async with ami.events("Hangup") as hangups:``), or :meth:`close` it,
    to unsubscribe.
    """

    def __init__(
        self,
        client: AMIClient,
        names: str | Iterable[str] | None,
        where: dict[str, HeaderMatch],
        predicate: Callable[[Event], bool] | None,
        maxsize: int,
        overflow: Overflow,
    ) -> None:
        self._client = client
        self._queue = EventQueue(maxsize, overflow)
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._sub = client._dispatcher.add(self._put, names, where, predicate)
        client._streams.add(self)

    @property
    def dropped(self) -> int:
        """Events lost because the queue was full."""
        return self._queue.dropped

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran (or the client closed)."""
        return self._closed

    def __len__(self) -> int:
        return len(self._queue)

    def _put(self, event: Event) -> None:
        self._queue.put(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self, timeout: float | None = None) -> Event:
        """The next event, waiting up to ``timeout`` seconds (``None``: no limit).

        Raises:
            TimeoutError: nothing came in time.
            ConnectionLostError: the stream is closed and empty.
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            event = self._queue.get()
            if event is not None:
                return event
            if self._closed:
                raise ConnectionLostError("the event stream is closed")
            self._waiter = waiter = loop.create_future()
            try:
                if deadline is None:
                    await waiter
                else:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        raise TimeoutError("no event within the timeout")
                    await asyncio.wait_for(waiter, remaining)
            except asyncio.TimeoutError:
                raise TimeoutError(f"no event within {timeout} s") from None
            finally:
                self._waiter = None

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> Event:
        try:
            return await self.get()
        except ConnectionLostError:
            raise StopAsyncIteration from None

    def close(self) -> None:
        """Unsubscribe; iteration ends once the queued events are taken. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._sub.cancel()
        self._client._streams.discard(self)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class _Protocol(asyncio.Protocol):
    """One TCP connection; hands bytes to its client."""

    def __init__(self, client: AMIClient) -> None:
        self.client = client
        self.transport: asyncio.Transport | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._write_ok: asyncio.Future[None] | None = None
        #: Bytes of actions sent in this loop iteration, written together by the flush.
        self.outgoing: list[bytes] = []
        self.batching = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A cast, not isinstance: uvloop's transports do not subclass asyncio's.
        self.transport = cast(asyncio.Transport, transport)
        # Bytes may arrive before create_connection() returns to the client: take them now.
        self.client._protocol = self

    def data_received(self, data: bytes) -> None:
        self.client._data_received(self, data)

    def eof_received(self) -> bool:
        return False  # close our side too: Asterisk does not half-close

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(None)
        waiter = self._write_ok
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self.client._connection_lost(self, exc)

    def pause_writing(self) -> None:
        if self._write_ok is None or self._write_ok.done():
            self._write_ok = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        waiter = self._write_ok
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def paused(self) -> bool:
        """True while the transport's write buffer is over its high-water mark."""
        waiter = self._write_ok
        return waiter is not None and not waiter.done()

    async def drain(self) -> None:
        waiter = self._write_ok
        if waiter is not None and not waiter.done():
            await waiter


class AMIClient:
    """An AMI session over asyncio (see the module docstring).

    Args:
        host, port: where Asterisk listens (``5038``; TLS usually on ``5039``).
        username, secret: log in on every (re)connect; ``md5=True`` uses the challenge.
        events: the Login ``Events:`` header (``None``: every class the user may read;
            ``False``: none; a list of class names).
        ssl: an :class:`ssl.SSLContext` (or ``True`` for the default context) for TLS.
        server_hostname: name checked against the certificate.
        timeout: default time limit of :meth:`send_action`, in seconds (``None``: none).
        connect_timeout: limit for the TCP/TLS connect, the greeting and the login.
        reconnect: reconnect after an established connection is lost.
        backoff: reconnect delays (:class:`Backoff`).
        ping_interval: send a keep-alive ``Ping`` after that many idle seconds (``None``: off).
        ping_timeout: a ``Ping`` unanswered for that long drops the connection.
        queue_size, overflow: default queue of :meth:`events` streams.
        id_factory: makes ActionIDs (default ``pyst-000001``, ... per client).
        max_message_size: largest message accepted from the server, in bytes.
        on_connect, on_disconnect: ``hook(client)`` after each login / each lost connection
            (may be a coroutine function; exceptions are logged).
        rng: randomness for the backoff jitter (default: a fresh ``random.Random()``).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        username: str | None = None,
        secret: str | None = None,
        md5: bool = False,
        events: bool | str | Sequence[str] | None = None,
        ssl: _ssl.SSLContext | bool | None = None,
        server_hostname: str | None = None,
        timeout: float | None = 10.0,
        connect_timeout: float = 10.0,
        reconnect: bool = True,
        backoff: Backoff = Backoff(),
        ping_interval: float | None = 30.0,
        ping_timeout: float = 10.0,
        queue_size: int = 10_000,
        overflow: Overflow = "drop_oldest",
        id_factory: Callable[[], str] | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        on_connect: _ConnectionHook | None = None,
        on_disconnect: _ConnectionHook | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.ssl = ssl
        self.server_hostname = server_hostname
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.reconnect = reconnect
        self.backoff = backoff
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.queue_size = queue_size
        self.overflow: Overflow = overflow
        self.max_message_size = max_message_size
        self.on_connect = on_connect
        self.on_disconnect = on_disconnect
        self._credentials: tuple[str, str, bool, bool | str | Sequence[str] | None] | None = None
        if username is not None:
            self._credentials = (username, secret or "", md5, events)
        self._rng = rng if rng is not None else random.Random()
        self._corr = Correlator(id_factory)
        self._conn = AMIConnection(CLIENT, max_message_size=max_message_size)
        self._protocol: _Protocol | None = None
        self._connect_lock: asyncio.Lock | None = None
        # (deadline, seq, timeout, action, future) of waiting actions; see _add_deadline()
        self._deadlines: list[
            tuple[float, int, float, Action, asyncio.Future[ActionResult]]
        ] = []
        self._deadline_seq = 0
        self._deadline_at = 0.0
        self._deadline_timer: asyncio.TimerHandle | None = None
        self._waiters: dict[str, asyncio.Future[ActionResult]] = {}
        self._anonymous: deque[asyncio.Future[ActionResult]] = deque()
        self._dispatcher = Dispatcher(self._callback_result)
        self._streams: set[EventStream] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._banner: Banner | None = None
        self._banner_waiter: asyncio.Future[Banner] | None = None
        self._ready: asyncio.Event | None = None
        self._closed = False
        self._closing: asyncio.Future[None] | None = None  # set by close(): wakes waiters
        self._established = False  # a connection got as far as logged in (reconnect only then)
        self._logged_off = False  # Logoff was sent on the current connection
        self._reconnect_task: asyncio.Task[None] | None = None
        self._keepalive_task: asyncio.Task[None] | None = None
        self._last_received = 0.0
        self._event_mask: str | None = None
        self._filters: list[tuple[str | None, str | None]] = []
        #: Counters: ``events`` received (not answers to actions), ``reconnects``,
        #: ``connection_losses``.
        self.stats: dict[str, int] = {"events": 0, "reconnects": 0, "connection_losses": 0}

    # --- state ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """True while a connection is open and (if credentials were given) logged in."""
        return self._ready is not None and self._ready.is_set()

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._closed

    @property
    def banner(self) -> Banner | None:
        """The greeting of the current (or last) connection."""
        return self._banner

    @property
    def callback_errors(self) -> int:
        """How many times an event callback raised."""
        return self._dispatcher.errors

    @property
    def dropped_events(self) -> int:
        """Events dropped by the queues of the open streams."""
        return sum(stream.dropped for stream in self._streams)

    # --- connecting -------------------------------------------------------------------------

    async def connect(self) -> Banner:
        """Connect, read the greeting, log in (when credentials are set) and restore the event
        mask and filters; returns the greeting.

        Raises:
            OSError: the TCP/TLS connection failed.
            AuthenticationError: the login was refused.
            ActionTimeoutError: no greeting (or login answer) within ``connect_timeout``.
            ConnectionLostError: the server closed during the handshake.
            RemoteProtocolError: the server does not speak AMI.
        """
        if self._closed:
            raise ConnectionLostError("the client is closed")
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:  # one connection at a time, reconnects included
            banner = self._banner
            if self.connected and banner is not None:
                return banner
            if self._reconnect_task is not None:
                self._reconnect_task.cancel()  # connecting now instead
                self._reconnect_task = None
            return await self._open()

    async def _open(self) -> Banner:
        loop = asyncio.get_running_loop()
        if self._ready is None:
            self._ready = asyncio.Event()
        self._conn = AMIConnection(CLIENT, max_message_size=self.max_message_size)
        self._banner = None
        self._logged_off = False
        self._banner_waiter = loop.create_future()
        # Nobody may be waiting any more when it fails (a timed-out connect): no log noise.
        self._banner_waiter.add_done_callback(_retrieve)
        ssl_arg: Any = self.ssl if self.ssl not in (None, False) else None
        deadline = loop.time() + self.connect_timeout
        try:
            _, protocol = await asyncio.wait_for(
                loop.create_connection(
                    lambda: _Protocol(self),
                    self.host,
                    self.port,
                    ssl=ssl_arg,
                    server_hostname=self.server_hostname if ssl_arg else None,
                ),
                self.connect_timeout,
            )
        except asyncio.TimeoutError:
            raise ActionTimeoutError(
                f"cannot connect to {self.host}:{self.port} within {self.connect_timeout} s"
            ) from None
        self._last_received = loop.time()
        try:
            if protocol is not self._protocol:
                raise ConnectionLostError(f"{self.host}:{self.port} closed at once")
            try:
                banner = await asyncio.wait_for(
                    asyncio.shield(self._banner_waiter), max(deadline - loop.time(), 0)
                )
            except asyncio.TimeoutError:
                raise ActionTimeoutError(
                    f"no AMI greeting from {self.host}:{self.port} within "
                    f"{self.connect_timeout} s"
                ) from None
            if self._credentials is not None:
                await self._login(*self._credentials, deadline=deadline)
            await self._restore(deadline)
        except BaseException:
            if protocol.transport is not None:
                protocol.transport.abort()
            raise
        if protocol is not self._protocol:  # lost while logging in
            raise ConnectionLostError(f"{self.host}:{self.port} closed during the login")
        self._established = True
        self._ready.set()
        if self.ping_interval is not None:
            self._keepalive_task = loop.create_task(self._keepalive(protocol))
        self._run_hook(self.on_connect)
        logger.info("AMI connected to %s:%s (%s)", self.host, self.port, banner.text)
        return banner

    async def _login(
        self,
        username: str,
        secret: str,
        md5: bool,
        events: bool | str | Sequence[str] | None,
        *,
        deadline: float | None,
    ) -> Response:
        challenge = None
        if md5:
            reply = await self._request(
                Action.make("Challenge", AuthType="MD5"), deadline, check=False
            )
            response = reply.response
            challenge = response.get("Challenge") if response is not None else None
            if reply.is_error or not challenge:
                raise AuthenticationError(
                    f"MD5 challenge refused by {self.host}:{self.port}: "
                    f"{response.message if response is not None else 'no response'}"
                )
        action = login_action(username, secret, challenge=challenge, events=events)
        result = await self._request(action, deadline, check=False)
        response = result.response
        if response is None or response.is_error:
            raise AuthenticationError(
                f"login as {username!r} refused by {self.host}:{self.port}: "
                f"{response.message if response is not None else 'no response'}"
            )
        return response

    async def _restore(self, deadline: float | None) -> None:
        if self._event_mask is not None:
            await self._request(Action.make("Events", EventMask=self._event_mask), deadline)
        for match_criteria, expression in self._filters:
            await self._request(
                Action.make("Filter", Operation="Add", MatchCriteria=match_criteria,
                            Filter=expression),
                deadline,
            )

    async def login(
        self,
        username: str,
        secret: str,
        *,
        md5: bool = False,
        events: bool | str | Sequence[str] | None = None,
    ) -> Response:
        """Log in on the open connection and remember the credentials for reconnects.

        Raises:
            AuthenticationError: refused (Asterisk then closes the connection).
            ConnectionLostError: not connected.
        """
        if self._protocol is None:
            raise ConnectionLostError("not connected: connect() first")
        loop = asyncio.get_running_loop()
        response = await self._login(username, secret, md5, events,
                                     deadline=loop.time() + self.connect_timeout)
        self._credentials = (username, secret, md5, events)
        self._established = True
        return response

    async def set_event_mask(self, mask: bool | str | Sequence[str]) -> Response:
        """Send ``Events`` with this ``EventMask`` (``True``/``False``, a class list...) and
        send it again after every reconnect. Returns the response."""
        value = events_value(mask)
        assert value is not None
        self._event_mask = value
        result = await self.send_action(Action.make("Events", EventMask=value))
        assert result.response is not None
        return result.response

    async def add_filter(
        self, expression: str | None = None, *, match_criteria: str | None = None
    ) -> Response:
        """Add a session event filter (``Filter`` action, ``Operation: Add``; ``expression`` is
        Asterisk's ``Filter`` regex, ``match_criteria`` its ``MatchCriteria``) and add it again
        after every reconnect. Returns the response."""
        result = await self.send_action(
            Action.make("Filter", Operation="Add", MatchCriteria=match_criteria,
                        Filter=expression)
        )
        self._filters.append((match_criteria, expression))
        assert result.response is not None
        return result.response

    def clear_filters(self) -> None:
        """Forget the filters to restore (the server's session keeps them until it ends)."""
        self._filters.clear()

    async def logoff(self) -> Response | None:
        """Send ``Logoff`` (Asterisk answers ``Goodbye`` and closes), then :meth:`close`.
        Returns the response, or ``None`` if there was no answer."""
        return await self._close(logoff=True)

    async def close(self, *, logoff: bool = True) -> None:
        """Stop: no more reconnects, ``Logoff`` if connected (and ``logoff``), close the
        connection, fail the actions still waiting, end the event streams. Idempotent."""
        await self._close(logoff=logoff)

    async def _close(self, *, logoff: bool) -> Response | None:
        if self._closed:
            return None
        self._closed = True
        if self._closing is not None and not self._closing.done():
            self._closing.set_result(None)
        for task in (self._reconnect_task, self._keepalive_task):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        response = None
        protocol = self._protocol
        if logoff and protocol is not None and self.connected:
            loop = asyncio.get_running_loop()
            try:
                result = await self._request(
                    Action.make("Logoff"), loop.time() + min(self.connect_timeout, 5.0),
                    check=False,
                )
                response = result.response
            except (PystError, OSError) as exc:
                logger.debug("Logoff got no answer: %r", exc)
        if protocol is not None and protocol.transport is not None:
            protocol.transport.close()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(protocol.lost), 1.0)
            if not protocol.lost.done():
                protocol.transport.abort()
        self._fail_pending("the client was closed")
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()
            self._deadline_timer = None
        self._deadlines.clear()
        self._protocol = None
        if self._ready is not None:
            self._ready.clear()
        for stream in list(self._streams):
            stream.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=1.0)
        return response

    async def __aenter__(self) -> AMIClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- actions ----------------------------------------------------------------------------

    async def send_action(
        self,
        action: Action | str,
        /,
        *,
        timeout: float | None = _UNSET,
        check: bool = True,
        assign_id: bool = True,
        **headers: HeaderValue,
    ) -> ActionResult:
        """Send ``action`` (an :class:`~pyst.ami.messages.Action` such as
        ``pyst.ami.actions.Ping()``, or a name and ``headers``) and wait for its complete
        answer (module docstring). Adds an ActionID unless it has one or ``assign_id`` is
        false (replies are then matched by order). While reconnecting, waits for the
        connection within the same ``timeout``.

        Raises:
            ActionTimeoutError: no complete answer (or no connection) within ``timeout``
                (default: the client's); the action is forgotten, a late answer is dropped.
            ConnectionLostError: the connection was lost before the answer, or the client is
                closed (or not connected and not reconnecting).
            ActionFailedError: (``check=True``) ``Response: Error``, or a failed async
                Originate (see :func:`~pyst.ami.blocking.check_result`).
            LocalProtocolError: the action cannot be written, or its ActionID is in use.
        """
        action = _make_action(action, headers)
        loop = asyncio.get_running_loop()
        limit = self.timeout if timeout is _UNSET else timeout
        deadline = None if limit is None else loop.time() + limit
        ready = self._ready
        if ready is None or not ready.is_set():
            await self._wait_ready(action, deadline, limit)
        return await self._request(action, deadline, check=check, assign_id=assign_id,
                                   limit=limit)

    async def _wait_ready(
        self, action: Action, deadline: float | None, limit: float | None
    ) -> None:
        if self._closed:
            raise ConnectionLostError(f"cannot send {action.name}: the client is closed")
        ready = self._ready
        if ready is None or (self._reconnect_task is None and self._protocol is None):
            raise ConnectionLostError(f"cannot send {action.name}: not connected")
        loop = asyncio.get_running_loop()
        if self._closing is None:
            self._closing = loop.create_future()
        # Wait for the connection, or for close(), whichever comes first.
        ready_task: asyncio.Future[Any] = loop.create_task(ready.wait())
        waits: set[asyncio.Future[Any]] = {ready_task, self._closing}
        try:
            remaining = None if deadline is None else max(deadline - loop.time(), 0)
            done, _ = await asyncio.wait(waits, timeout=remaining,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready_task.cancel()
        if not done:
            raise ActionTimeoutError(
                f"cannot send {action.name}: not connected to {self.host}:{self.port} within "
                f"{limit} s"
            )
        if self._closed:
            raise ConnectionLostError(f"cannot send {action.name}: the client is closed")

    async def _request(
        self,
        action: Action,
        deadline: float | None,
        check: bool = True,
        assign_id: bool = True,
        limit: float | None = None,
    ) -> ActionResult:
        """Send on the current connection (ready or not) and wait for the answer until
        ``deadline`` (``limit``: the timeout it came from, for the error message)."""
        protocol = self._protocol
        if protocol is None or protocol.transport is None or protocol.transport.is_closing():
            raise ConnectionLostError(f"cannot send {action.name}: not connected")
        corr = self._corr
        action_id = action.action_id
        if assign_id and action_id is None:
            action_id = corr.new_action_id()
            action = action.with_action_id(action_id)
        data = self._conn.send(action)  # raises LocalProtocolError before anything is tracked
        action = corr.track(action, assign_id=False)
        if action.name.lower() == "logoff":
            self._logged_off = True  # Asterisk closes after Goodbye: that is no reason to reconnect
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ActionResult] = loop.create_future()
        if action_id is None:
            self._anonymous.append(future)
        else:
            self._waiters[action_id] = future
        # The first action of a loop iteration is written at once; those sent after it in the
        # same iteration (asyncio.gather...) are gathered and written together, one write.
        if protocol.batching:
            protocol.outgoing.append(data)
        else:
            protocol.transport.write(data)
            protocol.batching = True
            loop.call_soon(self._flush, protocol)
        if deadline is not None:
            if limit is None:
                limit = deadline - loop.time()
            self._add_deadline(deadline, limit, action, future)
        try:
            if protocol.paused:
                await protocol.drain()
            result = await future
        except BaseException:
            self._abandon(action, future)
            raise
        return check_result(result) if check else result

    @staticmethod
    def _flush(protocol: _Protocol) -> None:
        protocol.batching = False
        if not protocol.outgoing:
            return
        data = b"".join(protocol.outgoing)
        protocol.outgoing.clear()
        transport = protocol.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)
        # else: the connection is gone; its waiters fail in connection_lost()

    def _add_deadline(
        self,
        deadline: float,
        limit: float,
        action: Action,
        future: asyncio.Future[ActionResult],
    ) -> None:
        # One timer for every waiting action (a heap of deadlines) instead of a timer each:
        # answered actions leave the heap lazily, from its top.
        heap = self._deadlines
        self._deadline_seq += 1
        heapq.heappush(heap, (deadline, self._deadline_seq, limit, action, future))
        while heap[0][4].done():
            heapq.heappop(heap)
        if self._deadline_timer is None or heap[0][0] < self._deadline_at:
            self._arm_deadlines(future.get_loop())

    def _arm_deadlines(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()
            self._deadline_timer = None
        heap = self._deadlines
        while heap and heap[0][4].done():
            heapq.heappop(heap)
        if heap:
            self._deadline_at = heap[0][0]
            self._deadline_timer = loop.call_at(self._deadline_at, self._expire, loop)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._deadline_timer = None
        heap = self._deadlines
        now = loop.time()
        while heap and heap[0][0] <= now:
            _, _, limit, action, future = heapq.heappop(heap)
            if future.done():
                continue
            self._abandon(action, future)
            future.set_exception(
                ActionTimeoutError(
                    f"no complete answer to {action.name} (ActionID {action.action_id}) from "
                    f"{self.host}:{self.port} within {limit:g} s"
                )
            )
        self._arm_deadlines(loop)

    def _abandon(self, action: Action, future: asyncio.Future[ActionResult]) -> None:
        action_id = action.action_id
        if action_id is not None and self._waiters.get(action_id) is future:
            del self._waiters[action_id]
            self._corr.cancel(action_id)
        # An anonymous future stays in its slot: the correlator answers those in order, and
        # the late answer must land in the abandoned slot, not in the next one.

    def _fail_pending(self, reason: str) -> None:
        self._corr.close(reason)
        waiters = list(self._waiters.items())
        self._waiters.clear()
        anonymous = list(self._anonymous)
        self._anonymous.clear()
        for action_id, future in waiters:
            if not future.done():
                future.set_exception(
                    ConnectionLostError(f"no answer to ActionID {action_id}: {reason}")
                )
        for future in anonymous:
            if not future.done():
                future.set_exception(ConnectionLostError(f"no answer to an action: {reason}"))

    # --- events -----------------------------------------------------------------------------

    def on(
        self,
        names: str | Iterable[str] | None,
        callback: EventCallback,
        *,
        predicate: Callable[[Event], bool] | None = None,
        **where: HeaderMatch,
    ) -> Subscription:
        """Call ``callback(event)`` for each matching event, as it is read: ``names`` (``None``
        or ``"*"``: every event), header conditions as keywords (``Channel=re.compile(...)``;
        see :class:`~pyst.ami.blocking.EventFilter`), ``predicate``. A callback that returns
        an awaitable gets a task. Returns the :class:`Subscription` (``.cancel()``)."""
        return self._dispatcher.add(callback, names, where, predicate)

    def events(
        self,
        names: str | Iterable[str] | None = None,
        *,
        maxsize: int | None = None,
        overflow: Overflow | None = None,
        predicate: Callable[[Event], bool] | None = None,
        **where: HeaderMatch,
    ) -> EventStream:
        """An :class:`EventStream` of the matching events (same filters as :meth:`on`), with a
        queue of ``maxsize`` events (default ``queue_size``) and the ``overflow`` policy
        (default the client's)."""
        return EventStream(
            self,
            names,
            where,
            predicate,
            maxsize if maxsize is not None else self.queue_size,
            overflow if overflow is not None else self.overflow,
        )

    def _callback_result(self, result: Any, sub: Subscription) -> None:
        if inspect.isawaitable(result):
            self._spawn(result, f"event callback {sub.callback!r}")

    def _spawn(self, awaitable: Awaitable[Any], what: str) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)

        def done(task: asyncio.Future[Any]) -> None:
            self._tasks.discard(task)
            if not task.cancelled() and task.exception() is not None:
                exc = task.exception()
                logger.error("AMI %s failed", what, exc_info=exc)

        task.add_done_callback(done)

    def _run_hook(self, hook: _ConnectionHook | None) -> None:
        if hook is None:
            return
        try:
            result = hook(self)
        except Exception:
            logger.exception("AMI connection hook %r failed", hook)
            return
        if inspect.isawaitable(result):
            self._spawn(result, f"connection hook {hook!r}")

    # --- the reading side (called by _Protocol) ---------------------------------------------

    def _data_received(self, protocol: _Protocol, data: bytes) -> None:
        if protocol is not self._protocol:
            return
        self._last_received = protocol.lost.get_loop().time()
        conn = self._conn
        conn.receive_data(data)
        corr = self._corr
        dispatch = self._dispatcher.dispatch
        stats = self.stats
        try:
            while True:
                message = conn.next_event()
                if message is NEED_DATA:
                    return
                if type(message) is Event and not (self._waiters or self._anonymous):
                    # The hot path: nothing is waiting, so the event is unsolicited.
                    stats["events"] += 1
                    dispatch(message)
                    continue
                if isinstance(message, Message):
                    if not (self._waiters or self._anonymous):
                        self._unsolicited(message)
                        continue
                    routed = corr.receive(message)
                    if isinstance(routed, Unsolicited):
                        self._unsolicited(routed.message)
                    elif not isinstance(routed, Progress):
                        self._complete(routed)
                elif isinstance(message, Banner):
                    self._banner = message
                    waiter = self._banner_waiter
                    if waiter is not None and not waiter.done():
                        waiter.set_result(message)
                # ConnectionClosed comes from connection_lost(), handled there.
        except PystError as exc:  # RemoteProtocolError: nothing more can be read
            logger.error("AMI server %s:%s broke the protocol: %s", self.host, self.port, exc)
            waiter = self._banner_waiter
            if waiter is not None and not waiter.done():
                waiter.set_exception(exc)
            if protocol.transport is not None:
                protocol.transport.abort()

    def _unsolicited(self, message: Message) -> None:
        if isinstance(message, Event):
            self.stats["events"] += 1
            self._dispatcher.dispatch(message)
        else:
            logger.debug("AMI: unsolicited %r dropped", message)

    def _complete(self, result: ActionResult) -> None:
        action_id = result.action_id
        if action_id is not None:
            future = self._waiters.pop(action_id, None)
        else:
            future = self._anonymous.popleft() if self._anonymous else None
        if future is not None and not future.done():
            future.set_result(result)

    def _connection_lost(self, protocol: _Protocol, exc: Exception | None) -> None:
        if protocol is not self._protocol:
            return
        # Every complete message was handled in data_received(): what is left is the end.
        self._conn.receive_data(b"")
        with contextlib.suppress(PystError):
            closed = self._conn.next_event()
            if isinstance(closed, ConnectionClosed) and closed.partial:
                logger.warning(
                    "AMI server %s:%s closed in the middle of a message (%d bytes lost)",
                    self.host, self.port, len(closed.partial),
                )
        self._protocol = None
        if self._ready is not None:
            self._ready.clear()
        reason = f"connection to {self.host}:{self.port} lost"
        if exc is not None:
            reason += f" ({exc!r})"
        self._fail_pending(reason)
        waiter = self._banner_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionLostError(f"{reason} before the greeting"))
        if self._keepalive_task is not None:
            self._keepalive_task.cancel()
            self._keepalive_task = None
        if self._closed:
            return
        self.stats["connection_losses"] += 1
        logger.warning("AMI %s", reason)
        self._run_hook(self.on_disconnect)
        reconnect = self.reconnect and self._established and not self._logged_off
        if reconnect and self._reconnect_task is None:
            loop = protocol.lost.get_loop()
            self._reconnect_task = loop.create_task(self._reconnect_loop())
        elif not reconnect:
            for stream in list(self._streams):
                stream.close()

    async def _reconnect_loop(self) -> None:
        attempt = 0
        try:
            while not self._closed:
                delay = self.backoff.delay(attempt, self._rng)
                attempt += 1
                logger.info("AMI reconnecting to %s:%s in %.2f s (attempt %d)",
                            self.host, self.port, delay, attempt)
                await asyncio.sleep(delay)
                if self._connect_lock is None:
                    self._connect_lock = asyncio.Lock()
                try:
                    async with self._connect_lock:
                        if self.connected:
                            return  # connect() got there first
                        await self._open()
                except (OSError, PystError, asyncio.TimeoutError) as exc:
                    logger.warning("AMI reconnect attempt %d to %s:%s failed: %r",
                                   attempt, self.host, self.port, exc)
                    continue
                self.stats["reconnects"] += 1
                return
        finally:
            if self._reconnect_task is asyncio.current_task():
                self._reconnect_task = None

    async def _keepalive(self, protocol: _Protocol) -> None:
        interval = self.ping_interval
        assert interval is not None
        loop = asyncio.get_running_loop()
        while protocol is self._protocol:
            idle = loop.time() - self._last_received
            if idle < interval:
                await asyncio.sleep(interval - idle)
                continue
            try:
                await self._request(Action.make("Ping"), loop.time() + self.ping_timeout,
                                    check=False)
            except ActionTimeoutError:
                if protocol is self._protocol and protocol.transport is not None:
                    logger.warning(
                        "AMI server %s:%s did not answer a keep-alive Ping within %s s: "
                        "dropping the connection", self.host, self.port, self.ping_timeout,
                    )
                    protocol.transport.abort()
                return
            except ConnectionLostError:
                return
