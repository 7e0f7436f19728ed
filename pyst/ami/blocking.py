"""A blocking, single-threaded AMI client on the sans-IO core (``socket`` + ``selectors``).

::

    from pyst.ami.blocking import BlockingAMIClient
    from pyst.ami.actions import CoreShowChannels, Originate

    with BlockingAMIClient("127.0.0.1", 5038) as ami:
        ami.login("admin", "secret")                 # or md5=True for the challenge login
        ami.on("Hangup", lambda event: print(event["Channel"]))
        result = ami.send_action(CoreShowChannels())
        for channel in result.events:                # the gathered list, ListItems checked
            ...
        while ami.connected:
            ami.poll(1.0)                            # read: events are queued
            ami.dispatch()                           # your loop calls the callbacks

No thread is started. :meth:`BlockingAMIClient.send_action` blocks until its answer is complete
(the response; for a list action the items and the ``...Complete`` event; for an async
``Originate`` the ``OriginateResponse``) or its timeout passes. Events that arrive meanwhile are
queued, never dispatched behind the caller's back: :meth:`~BlockingAMIClient.poll` reads what
the socket has and queues events, :meth:`~BlockingAMIClient.dispatch` hands queued events to the
callbacks, :meth:`~BlockingAMIClient.get_event` takes one. The queue is bounded
(:class:`EventQueue`: the oldest event is dropped when it is full, and drops are counted).

Bytes go one way: socket -> :class:`~pyst.ami.protocol.AMIConnection` -> messages ->
:class:`~pyst.ami.correlation.Correlator` -> results or events. The asyncio client
(:mod:`pyst.ami.client`) and :mod:`pyst.manager` use the same core and the I/O-free helpers
defined here: :class:`EventFilter`, :class:`Dispatcher`, :class:`EventQueue`,
:func:`check_result`, :func:`md5_key`, :func:`login_action`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import selectors
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, TypeAlias

from pyst.ami.correlation import ActionResult, Correlator, Progress, Unsolicited
from pyst.ami.messages import Action, Banner, Event, HeaderValue, Message, Response, _fold
from pyst.ami.protocol import (
    CLIENT,
    DEFAULT_MAX_MESSAGE_SIZE,
    NEED_DATA,
    AMIConnection,
    ConnectionClosed,
)
from pyst.errors import (
    ActionFailedError,
    ActionTimeoutError,
    AuthenticationError,
    ConnectionLostError,
    PystError,
)

__all__ = [
    "DEFAULT_PORT",
    "BlockingAMIClient",
    "Dispatcher",
    "EventCallback",
    "EventFilter",
    "EventQueue",
    "HeaderMatch",
    "Overflow",
    "Subscription",
    "check_result",
    "events_value",
    "login_action",
    "md5_key",
]

logger = logging.getLogger(__name__)

#: Asterisk's ``DEFAULT_MANAGER_PORT``.
DEFAULT_PORT = 5038
_READ_SIZE = 65536
# poll(): chunks read without waiting after the first one.
_EXTRA_READS = 16

#: How an event header is matched: a string (equal), a compiled regex (``search``), or a
#: predicate on the value.
HeaderMatch: TypeAlias = "str | re.Pattern[str] | Callable[[str], bool]"
#: An event callback; what it returns is ignored by the blocking client (the asyncio client
#: awaits a returned awaitable in a task).
EventCallback: TypeAlias = Callable[[Event], Any]
#: What :class:`EventQueue` does when it is full.
Overflow: TypeAlias = Literal["drop_oldest", "drop_newest"]

_UNSET: Any = object()


# --- I/O-free helpers shared by the clients ------------------------------------------------------


def md5_key(challenge: str, secret: str) -> str:
    """The ``Key`` of an MD5 login: lowercase hex MD5 of the challenge then the secret, nothing
    in between (main/manager.c ``authenticate``; PROTOCOL.md 1.4).

    >>> md5_key("134777557", "secret")
    'b7537dc50237d4ea00ca10c821eebc45'
    """
    return hashlib.md5((challenge + secret).encode("utf-8", "surrogateescape")).hexdigest()


def events_value(events: bool | str | Sequence[str] | None) -> str | None:
    """The ``Events:`` value of a Login (or ``EventMask`` of the ``Events`` action): ``None``
    leaves it out (every class the user may read), ``True``/``False`` are ``on``/``off``, a
    sequence of class names is joined with commas."""
    if events is None:
        return None
    if events is True:
        return "on"
    if events is False:
        return "off"
    if isinstance(events, str):
        return events
    return ",".join(events)


def login_action(
    username: str,
    secret: str,
    *,
    challenge: str | None = None,
    events: bool | str | Sequence[str] | None = None,
) -> Action:
    """The ``Login`` action: plain (``Secret``), or MD5 (``AuthType: MD5`` and ``Key``) when the
    ``Challenge`` answer is given. ``events`` as :func:`events_value`."""
    fields: list[tuple[str, HeaderValue]] = [("Username", username)]
    if challenge is None:
        fields.append(("Secret", secret))
    else:
        fields += [("AuthType", "MD5"), ("Key", md5_key(challenge, secret))]
    fields.append(("Events", events_value(events)))
    return Action.make("Login", fields)


def check_result(result: ActionResult) -> ActionResult:
    """``result`` if the action succeeded, else the matching exception.

    Raises:
        ConnectionLostError: the answer is incomplete (the connection closed first).
        ActionFailedError: ``Response: Error`` (``.response`` is it), or an async
            ``Originate`` whose ``OriginateResponse`` is not a success (``.response`` is that
            event).

    A list whose ``ListItems`` does not match the items received is returned, with
    :attr:`~pyst.ami.correlation.ActionResult.problem` saying so (the correlator logged it): the
    items that did arrive are still worth having.
    """
    action = result.action
    if not result.complete:
        raise ConnectionLostError(
            f"{action.name} (ActionID {result.action_id}): {result.problem or 'no answer'}"
        )
    response = result.response
    assert response is not None  # a complete result has its response
    if response.is_error:
        raise ActionFailedError(
            response, f"{action.name} failed: {response.message or '(no message)'}"
        )
    completion = result.completion
    if (
        completion is not None
        and _fold(completion.name) == "originateresponse"
        and _fold(completion.get("Response") or "") != "success"
    ):
        raise ActionFailedError(
            completion,
            f"Originate failed: Response {completion.get('Response')!r}, "
            f"Reason {completion.get('Reason')!r}",
        )
    return result


def _make_action(action: Action | str, headers: Mapping[str, HeaderValue]) -> Action:
    if isinstance(action, str):
        return Action.make(action, headers)
    if headers:
        raise TypeError("headers are given with an action name, not with an Action object")
    if not isinstance(action, Action):
        raise TypeError(f"expected an Action or an action name, not {type(action).__name__}")
    return action


class EventFilter:
    """Which events a subscriber wants.

    ``names``: event names, compared case-insensitively; ``None``, ``"*"`` or an empty sequence
    means every event. ``where``: header conditions that must all hold: a string must equal the
    header's value, a compiled regex must ``search`` it, a callable must return true for it; an
    event without the header does not match. ``predicate``: a last test on the whole event.
    """

    __slots__ = ("names", "predicate", "where")

    def __init__(
        self,
        names: str | Iterable[str] | None = None,
        where: Mapping[str, HeaderMatch] | None = None,
        predicate: Callable[[Event], bool] | None = None,
    ) -> None:
        if isinstance(names, str):
            names = [names]
        folded = frozenset(_fold(n) for n in names) if names is not None else frozenset()
        self.names: frozenset[str] | None = None if not folded or "*" in folded else folded
        self.where: tuple[tuple[str, HeaderMatch], ...] = tuple((where or {}).items())
        for header, test in self.where:
            if not isinstance(test, (str, re.Pattern)) and not callable(test):
                raise TypeError(f"{header}: expected a str, a compiled regex or a callable")
        self.predicate = predicate

    def matches(self, event: Event) -> bool:
        """True when ``event`` passes the name, header and predicate tests."""
        if self.names is not None and _fold(event.name) not in self.names:
            return False
        return self.matches_headers(event)

    def matches_headers(self, event: Event) -> bool:
        """The header and predicate tests only (the name was already checked)."""
        for header, test in self.where:
            value = event.get(header)
            if value is None:
                return False
            if isinstance(test, str):
                if value != test:
                    return False
            elif isinstance(test, re.Pattern):
                if test.search(value) is None:
                    return False
            elif not test(value):
                return False
        return self.predicate is None or bool(self.predicate(event))

    def __repr__(self) -> str:
        names = sorted(self.names) if self.names is not None else "*"
        return f"EventFilter({names!r}, where={dict(self.where)!r})"


class Subscription:
    """A callback registered with a :class:`Dispatcher`; :meth:`cancel` removes it."""

    __slots__ = ("_dispatcher", "callback", "filter", "test")

    def __init__(self, dispatcher: Dispatcher, callback: EventCallback, filter: EventFilter):
        self._dispatcher: Dispatcher | None = dispatcher
        self.callback = callback
        self.filter = filter
        # The header/predicate test, or None when the name alone decides (the fast path).
        self.test: Callable[[Event], bool] | None = (
            filter.matches_headers if filter.where or filter.predicate is not None else None
        )

    @property
    def active(self) -> bool:
        """False once cancelled."""
        return self._dispatcher is not None

    def cancel(self) -> None:
        """Stop receiving events (idempotent)."""
        dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            dispatcher._remove(self)

    def __repr__(self) -> str:
        return f"Subscription({self.callback!r}, {self.filter!r}, active={self.active})"


class Dispatcher:
    """Event callbacks by name, wildcard, header filters; exceptions isolated.

    A callback that raises is logged (``logger.exception``) and the others still run; it stays
    registered. Callbacks may subscribe or unsubscribe during dispatch (the lists are replaced,
    not changed in place). ``on_result`` receives what each callback returned (the asyncio
    client uses it to run returned awaitables).
    """

    def __init__(self, on_result: Callable[[Any, Subscription], None] | None = None) -> None:
        self._by_name: dict[str, tuple[Subscription, ...]] = {}
        self._any: tuple[Subscription, ...] = ()
        self._count = 0
        self._on_result = on_result
        #: Callback exceptions so far.
        self.errors = 0

    def __len__(self) -> int:
        return self._count

    def add(
        self,
        callback: EventCallback,
        names: str | Iterable[str] | None = None,
        where: Mapping[str, HeaderMatch] | None = None,
        predicate: Callable[[Event], bool] | None = None,
    ) -> Subscription:
        """Register ``callback`` for the events that match (see :class:`EventFilter`)."""
        if not callable(callback):
            raise TypeError(f"callback {callback!r} is not callable")
        sub = Subscription(self, callback, EventFilter(names, where, predicate))
        if sub.filter.names is None:
            self._any = (*self._any, sub)
        else:
            for name in sub.filter.names:
                self._by_name[name] = (*self._by_name.get(name, ()), sub)
        self._count += 1
        return sub

    def _remove(self, sub: Subscription) -> None:
        if sub.filter.names is None:
            self._any = tuple(s for s in self._any if s is not sub)
        else:
            for name in sub.filter.names:
                rest = tuple(s for s in self._by_name.get(name, ()) if s is not sub)
                if rest:
                    self._by_name[name] = rest
                else:
                    self._by_name.pop(name, None)
        self._count -= 1

    def clear(self) -> None:
        """Cancel every subscription."""
        subs = list(self._any) + [s for subs in self._by_name.values() for s in subs]
        for sub in dict.fromkeys(subs):
            sub.cancel()

    def dispatch(self, event: Event) -> int:
        """Call every matching callback with ``event``, named ones first; returns how many ran."""
        if not self._count:
            return 0
        named = self._by_name.get(_fold(event.name), ()) if self._by_name else ()
        ran = 0
        for subs in (named, self._any):
            for sub in subs:
                test = sub.test
                if test is not None and not test(event):
                    continue
                ran += 1
                try:
                    result = sub.callback(event)
                except Exception:
                    self.errors += 1
                    logger.exception("AMI event callback %r failed on %s", sub.callback,
                                     event.name)
                    continue
                if self._on_result is not None and result is not None:
                    self._on_result(result, sub)
        return ran


class EventQueue:
    """A bounded FIFO of events with a counted overflow policy.

    When ``maxsize`` events are queued, one more is handled by ``overflow``:
    ``"drop_oldest"`` (default: the oldest queued event is dropped and the new one kept, so a
    slow consumer sees the most recent events) or ``"drop_newest"`` (the new event is
    dropped). Either way :attr:`dropped` counts the lost events and a warning is logged at the
    1st, 10th, 100th... drop. Nothing blocks and memory stays bounded.
    """

    def __init__(self, maxsize: int = 10_000, overflow: Overflow = "drop_oldest") -> None:
        if maxsize <= 0:
            raise ValueError(f"maxsize must be positive, not {maxsize}")
        if overflow not in ("drop_oldest", "drop_newest"):
            raise ValueError(f"overflow must be 'drop_oldest' or 'drop_newest', not {overflow!r}")
        self.maxsize = maxsize
        self.overflow: Overflow = overflow
        self.dropped = 0
        self._items: deque[Event] = deque()
        self._next_warning = 1

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def put(self, event: Event) -> bool:
        """Queue ``event``; False when an event (this or the oldest) had to be dropped."""
        items = self._items
        if len(items) < self.maxsize:
            items.append(event)
            return True
        if self.overflow == "drop_oldest":
            items.popleft()
            items.append(event)
        self.dropped += 1
        if self.dropped >= self._next_warning:
            self._next_warning *= 10
            logger.warning(
                "AMI event queue full (%d events): %d events dropped so far (%s)",
                self.maxsize, self.dropped, self.overflow,
            )
        return False

    def get(self) -> Event | None:
        """The oldest queued event, or ``None`` when empty."""
        return self._items.popleft() if self._items else None

    def clear(self) -> None:
        """Drop every queued event (not counted as overflow)."""
        self._items.clear()

    def __iter__(self) -> Iterator[Event]:
        """Take the queued events, oldest first (each is removed as it is yielded)."""
        while self._items:
            yield self._items.popleft()


# --- the blocking client -------------------------------------------------------------------------


class BlockingAMIClient:
    """A blocking AMI session over one TCP (or TLS) connection; no threads (module docstring).

    Args:
        host, port: where Asterisk listens (``5038``; TLS usually ``5039``).
        timeout: default wait for an action's answer, in seconds (``None``: no limit).
        connect_timeout: limit for the TCP connect and the greeting.
        ssl_context: wrap the connection in TLS with this context.
        server_hostname: name checked against the certificate (default ``host``).
        queue_size, overflow: the event queue (:class:`EventQueue`).
        id_factory: makes ActionIDs (default ``pyst-000001``...; see
            :func:`~pyst.ami.correlation.action_id_factory`).
        max_message_size: largest message accepted from the server, in bytes.
        clock: monotonic clock used for timeouts.

    An instance can :meth:`connect` again after :meth:`close` or a lost connection.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        timeout: float | None = 10.0,
        connect_timeout: float | None = 10.0,
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
        queue_size: int = 10_000,
        overflow: Overflow = "drop_oldest",
        id_factory: Callable[[], str] | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.ssl_context = ssl_context
        self.server_hostname = server_hostname
        self.max_message_size = max_message_size
        self._clock = clock
        self._id_factory = id_factory
        #: Events read and not yet dispatched or taken.
        self.events = EventQueue(queue_size, overflow)
        self._dispatcher = Dispatcher()
        self._sock: socket.socket | None = None
        self._selector: selectors.BaseSelector | None = None
        self._conn = AMIConnection(CLIENT, max_message_size=max_message_size)
        self._corr = Correlator(id_factory)
        self._results: dict[object, ActionResult] = {}
        self._anonymous: deque[object] = deque()
        self._anon_seq = 0
        self._banner: Banner | None = None
        self._closed_reason: str | None = "not connected"
        self._protocol_error: PystError | None = None

    # --- state ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """True between a successful :meth:`connect` and the end of the connection."""
        return self._sock is not None and self._closed_reason is None

    @property
    def banner(self) -> Banner | None:
        """The greeting of the current (or last) connection."""
        return self._banner

    @property
    def dropped_events(self) -> int:
        """Events lost to queue overflow (see :class:`EventQueue`)."""
        return self.events.dropped

    # --- connecting -------------------------------------------------------------------------

    def connect(self) -> Banner:
        """Open the connection and read the greeting; returns it.

        Raises:
            OSError: the TCP (or TLS) connection failed.
            ConnectionLostError: the server closed before its greeting.
            ActionTimeoutError: no greeting within ``connect_timeout``.
            RemoteProtocolError: the greeting is not an AMI greeting.
        """
        if self.connected:
            raise ConnectionError("already connected; close() first")
        self._teardown()
        sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.ssl_context is not None:
                sock = self.ssl_context.wrap_socket(
                    sock, server_hostname=self.server_hostname or self.host
                )
            sock.settimeout(self.timeout)  # bounds writes; reads wait in select() first
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        self._selector = selectors.DefaultSelector()
        self._selector.register(sock, selectors.EVENT_READ)
        self._conn = AMIConnection(CLIENT, max_message_size=self.max_message_size)
        # The correlator (and its ActionID counter) carries over: IDs stay unique per client.
        self._results.clear()
        self._anonymous.clear()
        self._banner = None
        self._closed_reason = None
        self._protocol_error = None
        try:
            banner = self._wait_banner(self._deadline(self.connect_timeout))
        except BaseException:
            self._teardown()
            raise
        logger.debug("connected to %s:%s: %s", self.host, self.port, banner.text)
        return banner

    def _wait_banner(self, deadline: float | None) -> Banner:
        while True:
            banner = self._banner
            if banner is not None:
                return banner
            if self._closed_reason is not None:
                if self._protocol_error is not None:
                    raise self._protocol_error
                raise ConnectionLostError(f"{self.host}:{self.port} closed before its greeting")
            if not self._read(deadline) and deadline is not None and self._clock() >= deadline:
                raise ActionTimeoutError(
                    f"no AMI greeting from {self.host}:{self.port} within "
                    f"{self.connect_timeout} s"
                )

    def login(
        self,
        username: str,
        secret: str,
        *,
        md5: bool = False,
        events: bool | str | Sequence[str] | None = None,
        timeout: float | None = _UNSET,
    ) -> Response:
        """Log in (plain, or with the MD5 challenge when ``md5`` is true); returns the response.

        ``events``: the ``Events:`` header (``None``: all the user may read; see
        :func:`events_value`).

        Raises:
            AuthenticationError: Asterisk refused the login (it then closes the connection),
                or gave no usable challenge.
            ActionTimeoutError, ConnectionLostError: as :meth:`send_action`.
        """
        challenge = None
        if md5:
            reply = self.send_action(Action.make("Challenge", AuthType="MD5"), timeout=timeout,
                                     check=False)
            challenge = reply.response.get("Challenge") if reply.response else None
            if reply.is_error or not challenge:
                raise AuthenticationError(f"MD5 challenge refused: {_message(reply.response)}")
        result = self.send_action(
            login_action(username, secret, challenge=challenge, events=events),
            timeout=timeout,
            check=False,
        )
        if result.is_error or result.response is None:
            raise AuthenticationError(f"login as {username!r} failed: {_message(result.response)}")
        return result.response

    def logoff(self, timeout: float | None = _UNSET) -> Response | None:
        """Send ``Logoff`` and wait for ``Goodbye`` (Asterisk then closes the connection); then
        close. Returns the response, or ``None`` if not connected or no answer came."""
        if not self.connected:
            return None
        try:
            result = self.send_action(Action.make("Logoff"), timeout=timeout, check=False)
        except (PystError, OSError) as exc:
            logger.debug("Logoff got no answer: %r", exc)
            result = None
        self.close()
        return result.response if result is not None else None

    def close(self) -> None:
        """Close the connection (no ``Logoff``; see :meth:`logoff`). Pending answers are
        failed; queued events stay queued. Idempotent."""
        if self._sock is not None and self._closed_reason is None:
            self._lost("closed by the client")
        self._teardown()

    def __enter__(self) -> BlockingAMIClient:
        if not self.connected:
            self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.connected and exc_type is None:
            self.logoff()
        self.close()

    # --- actions ----------------------------------------------------------------------------

    def send_action(
        self,
        action: Action | str,
        /,
        *,
        timeout: float | None = _UNSET,
        check: bool = True,
        assign_id: bool = True,
        **headers: HeaderValue,
    ) -> ActionResult:
        """Send ``action`` (an :class:`Action`, or a name and ``headers``) and block until its
        answer is complete; events read meanwhile are queued.

        Returns the :class:`~pyst.ami.correlation.ActionResult`: ``.response``; for a list
        action ``.events`` (the items) and ``.completion``; for an async ``Originate``
        ``.completion`` is the ``OriginateResponse``. An ActionID is added unless the action
        has one or ``assign_id`` is false (then replies are matched by order).

        Raises:
            ActionTimeoutError: no complete answer within ``timeout`` (default: the client's).
            ConnectionLostError: not connected, or the connection closed first.
            ActionFailedError: (``check=True``) see :func:`check_result`.
            LocalProtocolError: the action cannot be written (line feed in a value...).
        """
        return self.send_many([_make_action(action, headers)], timeout=timeout, check=check,
                              assign_id=assign_id)[0]

    def send_many(
        self,
        actions: Iterable[Action],
        *,
        timeout: float | None = _UNSET,
        check: bool = True,
        assign_id: bool = True,
    ) -> list[ActionResult]:
        """Send several actions at once (pipelined) and wait for all their answers; results in
        the order of ``actions``. ``timeout`` bounds the whole wait. Raises as
        :meth:`send_action` (the first failure, after every answer is in or given up)."""
        if not self.connected:
            raise ConnectionLostError(f"not connected ({self._closed_reason})")
        keys: list[object] = []
        tracked: list[Action] = []
        data: list[bytes] = []
        corr, conn = self._corr, self._conn
        try:
            for action in actions:
                item = corr.track(action, assign_id=assign_id)
                key: object = item.action_id
                if key is None:
                    self._anon_seq += 1
                    key = ("anonymous", self._anon_seq)
                    self._anonymous.append(key)
                tracked.append(item)
                keys.append(key)
                data.append(conn.send(item))
        except BaseException:
            for item, key in zip(tracked, keys, strict=True):
                self._forget(key, item)
            raise
        self._write(b"".join(data))
        deadline = self._deadline(self.timeout if timeout is _UNSET else timeout)
        results = self._results
        try:
            for key in keys:
                while key not in results:
                    if self._closed_reason is not None:
                        break  # every pending result was filled in by _lost()
                    if (
                        not self._read(deadline)
                        and deadline is not None
                        and self._clock() >= deadline
                        and key not in results
                    ):
                        raise ActionTimeoutError(self._timeout_text(tracked, keys, key, timeout))
        except BaseException:
            for item, key in zip(tracked, keys, strict=True):
                if key not in results:
                    self._forget(key, item)
                results.pop(key, None)
            raise
        out = [results.pop(key) for key in keys]
        if check:
            for result in out:
                check_result(result)
        return out

    def _timeout_text(
        self, tracked: list[Action], keys: list[object], key: object, timeout: float | None
    ) -> str:
        action = tracked[keys.index(key)]
        limit = self.timeout if timeout is _UNSET else timeout
        return (
            f"no complete answer to {action.name} (ActionID {action.action_id}) within "
            f"{limit} s"
        )

    def _forget(self, key: object, action: Action) -> None:
        action_id = action.action_id
        if action_id is not None:
            self._corr.cancel(action_id)
        elif key in self._anonymous:
            # The correlator answers anonymous actions in order: keep the slot so that the
            # late answer is matched to it and dropped, not to the next action.
            self._anonymous[self._anonymous.index(key)] = ("abandoned", key)

    # --- events -----------------------------------------------------------------------------

    def on(
        self,
        names: str | Iterable[str] | None,
        callback: EventCallback,
        *,
        predicate: Callable[[Event], bool] | None = None,
        **where: HeaderMatch,
    ) -> Subscription:
        """Call ``callback(event)`` from :meth:`dispatch` for matching events: ``names``
        (``None`` or ``"*"``: all), header conditions as keywords (see :class:`EventFilter`).
        Returns the :class:`Subscription` (``.cancel()``). A callback that raises is logged
        and the others still run."""
        return self._dispatcher.add(callback, names, where, predicate)

    def poll(self, timeout: float | None = 0.0) -> int:
        """Read what the server sent, waiting up to ``timeout`` seconds for the first bytes
        (``None``: until something arrives or the connection ends); events are queued.
        Returns the number of events queued. Does nothing when not connected."""
        events = self.events
        before = len(events) + events.dropped
        if self.connected and self._read(self._deadline(timeout)):
            # Take what else is already there, without waiting, but leave room in the queue
            # for the caller to dispatch: a server that never pauses cannot keep us here.
            for _ in range(_EXTRA_READS):
                if len(events) * 2 >= events.maxsize or not self._read(self._clock()):
                    break
        return len(self.events) + self.events.dropped - before

    def dispatch(self, limit: int | None = None) -> int:
        """Hand queued events to the callbacks, oldest first (at most ``limit``); returns how
        many events were dispatched. Events no callback wants are discarded."""
        count = 0
        events = self.events
        dispatch = self._dispatcher.dispatch
        while events and (limit is None or count < limit):
            event = events.get()
            assert event is not None
            dispatch(event)
            count += 1
        return count

    def get_event(self, timeout: float | None = 0.0) -> Event | None:
        """The oldest queued event, reading for up to ``timeout`` seconds if none is queued;
        ``None`` if none came (or the connection is gone and the queue is empty)."""
        event = self.events.get()
        if event is not None:
            return event
        deadline = self._deadline(timeout)
        while self.connected:
            self._read(deadline)
            event = self.events.get()
            if event is not None or (deadline is not None and self._clock() >= deadline):
                return event
        return self.events.get()

    def run(self, timeout: float | None = None) -> None:
        """:meth:`poll` and :meth:`dispatch` until the connection ends (or ``timeout``
        seconds pass): a listener's main loop."""
        deadline = self._deadline(timeout)
        while self.connected:
            remaining = None if deadline is None else deadline - self._clock()
            if remaining is not None and remaining <= 0:
                break
            self.poll(remaining)
            self.dispatch()
        self.dispatch()

    # --- I/O --------------------------------------------------------------------------------

    def _deadline(self, timeout: float | None) -> float | None:
        return None if timeout is None else self._clock() + max(timeout, 0.0)

    def _write(self, data: bytes) -> None:
        sock = self._sock
        assert sock is not None
        try:
            sock.sendall(data)
        except OSError as exc:
            self._lost(f"write failed: {exc!r}")
            raise ConnectionLostError(f"cannot send to {self.host}:{self.port}: {exc}") from exc

    def _read(self, deadline: float | None) -> bool:
        """Wait for bytes until ``deadline`` (``None``: no limit), read one chunk and process
        it. False when nothing was read (timeout, or the connection is gone)."""
        sock, selector = self._sock, self._selector
        if sock is None or selector is None or self._closed_reason is not None:
            return False
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
        if not pending:
            remaining = None if deadline is None else max(deadline - self._clock(), 0.0)
            if not selector.select(remaining):
                return False
        try:
            data = sock.recv(_READ_SIZE)
        except (BlockingIOError, InterruptedError, ssl.SSLWantReadError, TimeoutError):
            return False
        except OSError as exc:
            logger.debug("AMI read from %s:%s failed: %r", self.host, self.port, exc)
            data = b""
        self._feed(data)
        return True

    def _feed(self, data: bytes) -> None:
        conn = self._conn
        conn.receive_data(data)
        corr = self._corr
        try:
            while True:
                message = conn.next_event()
                if message is NEED_DATA:
                    return
                if isinstance(message, ConnectionClosed):
                    if message.partial:
                        logger.warning(
                            "AMI server %s:%s closed in the middle of a message (%d bytes lost)",
                            self.host, self.port, len(message.partial),
                        )
                    self._lost("the server closed the connection")
                    return
                if isinstance(message, Banner):
                    self._banner = message
                    continue
                if not len(corr):
                    self._unsolicited(message)  # type: ignore[arg-type]
                    continue
                routed = corr.receive(message)  # type: ignore[arg-type]
                if isinstance(routed, Unsolicited):
                    self._unsolicited(routed.message)
                elif not isinstance(routed, Progress):
                    self._complete(routed)
        except PystError as exc:  # RemoteProtocolError: the stream is unusable
            logger.error("AMI server %s:%s broke the protocol: %s", self.host, self.port, exc)
            self._protocol_error = exc
            self._lost(f"protocol error: {exc}")

    def _complete(self, result: ActionResult) -> None:
        key: object = result.action_id
        if key is None:
            if not self._anonymous:
                return
            key = self._anonymous.popleft()
            if isinstance(key, tuple) and key[0] == "abandoned":
                return
        self._results[key] = result

    def _unsolicited(self, message: Message) -> None:
        if isinstance(message, Event):
            self.events.put(message)
        else:
            logger.debug("AMI: unsolicited %r dropped", message)

    def _lost(self, reason: str) -> None:
        if self._closed_reason is not None:
            return
        self._closed_reason = reason
        for result in self._corr.close(f"connection lost before the answer: {reason}"):
            self._complete(result)
        self._anonymous.clear()
        self._teardown()  # the socket is useless now: free it at once

    def _teardown(self) -> None:
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
        if self._closed_reason is None:
            self._closed_reason = "closed"


def _message(response: Response | None) -> str:
    if response is None:
        return "no response"
    return response.message or response.status or "(no message)"
