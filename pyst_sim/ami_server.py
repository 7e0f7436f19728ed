"""A fake Asterisk Manager Interface server for tests (asyncio, on the AMI core's SERVER role).

Quick start::

    async with FakeAMIServer(config_dir="tests/asterisk") as ami:      # 127.0.0.1, port 0
        host, port = ami.address
        ami.expect_action("Originate", Channel="Local/100@ctx").respond_with(
            Message="Originate successfully queued"
        ).then_emit("OriginateResponse", Response="Success", Reason="4")
        ...                                   # run the client under test against host:port
        ami.check()                           # ExpectationError on anything unexpected/unmet

    with FakeAMIServer().start_in_thread() as ami:       # synchronous tests
        ...

How an action is answered
-------------------------
Framing errors (a line over 1022 characters, more than 128 lines) are answered by the core
(:class:`~pyst.ami.messages.BadAction`), exactly as Asterisk. Every other action goes down a
chain, and the first link that answers wins:

1. **scripted expectations** (:meth:`FakeAMIServer.expect_action` and friends) whose action
   name and fields match. An expectation without a scripted response only records the match
   and lets the action go on down the chain;
2. **responders** registered with :meth:`FakeAMIServer.add_responder`, in registration order
   (see below);
3. the **built-in PBX emulation** (:mod:`pyst_sim.ami`): Login/Challenge/Logoff, permissions,
   events, Originate, channels, AstDB, queues, config files...;
4. an error naming the action as **not emulated** (``Response: Error``,
   ``Message: Action 'X' is not emulated by pyst-sim``), also recorded as a problem that
   :meth:`FakeAMIServer.check` reports. Asterisk's own answers come first where they apply:
   ``Permission denied`` before login or without the write class, ``Invalid/unknown command``
   for names that Asterisk 22 does not know.

One shortcut, invisible to clients and tests: when no expectation or responder is registered,
a logged-in session's Ping in its usual layout (``Action: Ping``, optionally ``ActionID``) is
answered from its wire bytes without walking the chain, with the reply and log entry the
chain gives (Ping is the keepalive clients send on a timer; this takes a third of the work).

Responder interface
-------------------
A responder is any object with a method::

    def respond(self, session: AMISession, action: Action) -> Reply | None

``None`` means "not mine": the next link is asked. Otherwise the reply is a sequence (or an
awaitable resolving to one) whose items are performed in order:

* a :class:`~pyst.ami.messages.Response` or :class:`~pyst.ami.messages.Event`: written to
  this session only, as is (list items, the response itself);
* :class:`Broadcast` ``(event)``: sent through the event path to every session allowed to see
  it (read permissions, event mask, filters), this one included, serialised once;
* :class:`Delay` ``(seconds)``: pause before the following items (scaled by the server's
  ``speed``); the session answers its next action only after the whole reply is done;
* :class:`Close` ``()``: close the connection after what was written.

An empty sequence answers nothing (the action is swallowed). When a responder (or a scripted
expectation) answers ``Login`` with ``Response: Success``, the session becomes authenticated
(as the named manager.conf user if there is one, else with every permission); answering
``Logoff`` with ``Response: Goodbye`` closes the connection. Responders may also use the
session (:attr:`AMISession.username`, :meth:`AMISession.send`, ...) and the server
(:attr:`AMISession.server`: :meth:`FakeAMIServer.broadcast`, :attr:`FakeAMIServer.pbx`).
``respond`` runs on the server's event loop thread: it must not block.

Scripting (pytest-httpserver's manner; :mod:`pyst_sim.expectations`)
---------------------------------------------------------------------
``expect_action(name, **fields)`` (permanent), ``expect_oneshot_action``,
``expect_ordered_action``, each chained with ``.respond_with(...)``,
``.respond_with_error(...)``, ``.respond_with_list(...)``, ``.respond_with_handler(...)``,
``.then_emit(...)`` (to every permitted session), ``.then_send(...)`` (this session),
``.then_wait(s)``, ``.then_close()``; ``emit_event(...)`` from any thread; :attr:`log` (every
exchange); :meth:`check` raises :class:`~pyst_sim.errors.ExpectationError` naming the closest
expectation with a field diff; :meth:`clear` resets a session-scoped server between tests.

The PBX (:class:`~pyst_sim.state.pbx.PBX`, ``server.pbx``) holds the users, dialplan, AstDB,
globals, channels and queues; the built-in emulation reads and changes it and publishes what
changes as events (serialised once, ``Privilege:`` from the event's classes, delivered to the
sessions whose read classes, event mask and filters allow it). Simulated durations follow
``time_scale`` (0: no real time, simulated-time order kept).

Lifecycle: ``await server.start()`` / ``await server.stop()`` (idempotent) or ``async with``;
``server.start_in_thread()`` / :class:`ThreadedFakeAMIServer` for synchronous tests (start
re-raises the startup error; every scripting method is thread-safe).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from pyst.ami.messages import (
    Action,
    BadAction,
    Banner,
    Event,
    Message,
    Response,
    make_bad_action_response,
    make_error,
)
from pyst.ami.protocol import NEED_DATA, AMIConnection, ConnectionClosed, Role, State
from pyst.config.files import ManagerUser
from pyst_sim.ami.perms import (
    EVERYTHING,
    EventFilter,
    authority_to_str,
    event_authority,
    get_perm,
    should_send,
)
from pyst_sim.errors import ExpectationError, SimulatorError
from pyst_sim.expectations import (
    ANY_VALUE,
    Exchange,
    Expectation,
    ExpectationBook,
    HeaderSpec,
)
from pyst_sim.state.pbx import PBX
from pyst_sim.threaded import ThreadedServer

__all__ = [
    "ANY_VALUE",
    "AMISession",
    "Broadcast",
    "Close",
    "Delay",
    "Exchange",
    "Expectation",
    "FakeAMIServer",
    "Reply",
    "ReplyItem",
    "Responder",
    "ThreadedFakeAMIServer",
]

logger = logging.getLogger(__name__)


# --- the reply vocabulary of responders ----------------------------------------------------


@dataclass(frozen=True)
class Broadcast:
    """Send ``event`` to every session allowed to see it (read classes, event mask, filters).

    The event's ``Privilege`` header, if present, gives its classes; without one the classes
    of the documented event of that name are used (``call`` for undocumented names) and a
    ``Privilege`` header is added after ``Event``, as Asterisk writes it.
    """

    event: Event


@dataclass(frozen=True)
class Delay:
    """Pause ``seconds`` (scaled by the server's ``time_scale``) before the next reply item."""

    seconds: float


@dataclass(frozen=True)
class Close:
    """Close the session once what comes before is written."""


ReplyItem = Message | Broadcast | Delay | Close
Reply = Sequence[ReplyItem]


class Responder(Protocol):
    """A link of the action chain (see the module docstring)."""

    def respond(
        self, session: AMISession, action: Action
    ) -> Reply | Awaitable[Reply | None] | None: ...


# --- the exchange log ----------------------------------------------------------------------

# The log keeps up to ``log_limit`` exchanges (100,000 by default). Kept as Exchange objects
# holding live messages, each entry is a handful of objects the cyclic GC scans again and again:
# about a third of the time of a Ping once the log is long. Nested tuples of strings do not help:
# the GC stops tracking a tuple only when it finds its items untracked, and it looks at a
# parent before its young children. So an entry is stored flat: one tuple of strings and
# numbers (untracked from the first collection on), turned back into an Exchange (with equal
# messages) when read. Items that are not messages built from parts are kept as they are.
_KIND_CODES: dict[type, int] = {Action: 0, Response: 1, Event: 2, Message: 3}
_KINDS: tuple[type[Message], ...] = (Action, Response, Event, Message)
_AS_IS = -1
_RAW = len(_KINDS)
_flatten = itertools.chain.from_iterable
# What the server role may send once open, besides ConnectionClosed (pyst.ami.protocol _SEND).
_DIRECT = frozenset({Response, Event})
# State.OPEN looked up once: in 3.11 a class attribute of an Enum goes through EnumType's
# __getattr__ hook, a cost on every answered action.
_OPEN = State.OPEN
# The log codes of an Action and a Response over wire bytes (see _pack).
_ACTION_RAW = _KIND_CODES[Action] + _RAW
_RESPONSE_RAW = _KIND_CODES[Response] + _RAW


def _pack(out: list[Any], item: Any) -> None:
    """Append ``item`` to a flat entry: ``code, n fields, n bare lines, data, names and values,
    bare positions and texts`` for a message built from parts, ``code + _RAW, bytes`` for one
    over wire bytes, else ``-1, item``."""
    code = _KIND_CODES.get(type(item))
    if code is None:
        out += (_AS_IS, item)
        return
    raw = item._raw
    parsed = item._parsed
    if raw is not None:
        if parsed is None or not parsed[2]:
            out += (code + _RAW, raw)  # a message over wire bytes (parsed when read)
        else:
            out += (_AS_IS, item)
        return
    fields, bare, data = parsed
    out += (code, len(fields), len(bare), data)
    out += _flatten(fields)
    if bare:
        out += _flatten(bare)


def _unpack(entry: tuple[Any, ...], i: int) -> tuple[Any, int]:
    """The item at ``entry[i]`` (see :func:`_pack`) and the index after it."""
    code = entry[i]
    if code == _AS_IS:
        return entry[i + 1], i + 2
    if code >= _RAW:
        return _KINDS[code - _RAW]._from_raw(entry[i + 1]), i + 2
    nfields, nbare, data = entry[i + 1 : i + 4]
    i += 4
    flat = entry[i : i + 2 * nfields]
    i += 2 * nfields
    fields = tuple(zip(flat[::2], flat[1::2], strict=True))
    bare: tuple[tuple[int, str], ...] = ()
    if nbare:
        flat = entry[i : i + 2 * nbare]
        i += 2 * nbare
        bare = tuple(zip(flat[::2], flat[1::2], strict=True))
    return _KINDS[code]._from_parts(fields, bare, data), i


def _log_entry(
    session: AMISession, action: Any, replies: Iterable[Any], source: str,
    exp: Expectation | None,
) -> tuple[Any, ...]:
    items = replies if type(replies) is list else list(replies)
    if len(items) == 1:
        # The usual exchange, one action and one reply, both over wire bytes (a Ping...):
        # what the general path below packs, without its calls.
        reply = items[0]
        a_code = _KIND_CODES.get(type(action))
        r_code = _KIND_CODES.get(type(reply))
        if a_code is not None and r_code is not None:
            a_raw, a_parsed = action._raw, action._parsed
            r_raw, r_parsed = reply._raw, reply._parsed
            if (
                a_raw is not None and r_raw is not None
                and (a_parsed is None or not a_parsed[2])
                and (r_parsed is None or not r_parsed[2])
            ):
                return (session.id, session.username, source, exp, time.time(), 1,
                        a_code + _RAW, a_raw, r_code + _RAW, r_raw)
    out: list[Any] = [session.id, session.username, source, exp, time.time(), len(items)]
    _pack(out, action)
    for item in items:
        _pack(out, item)
    return tuple(out)


def _exchange(entry: tuple[Any, ...]) -> Exchange:
    sid, username, source, exp, at, count = entry[:6]
    action, i = _unpack(entry, 6)
    replies = []
    for _ in range(count):
        item, i = _unpack(entry, i)
        replies.append(item)
    return Exchange(sid, username, action, tuple(replies), source, exp, at)


# --- simulated time -------------------------------------------------------------------------


class _Timer:
    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callable[[], Any]) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class VirtualTime:
    """Timers that take no real time but fire in simulated-time order (``time_scale=0``).

    The earliest timer fires once the event loop has gone round a few times with nothing
    new for it, so what a fired timer starts (events, replies) happens before the next one.
    """

    _SETTLE = 3  # loop iterations between two firings

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, _Timer]] = []
        self._seq = itertools.count()
        self._scheduled = False
        self._holds = 0

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Stop simulated time while real I/O is awaited (a FastAGI script's reply): a
        timer must not fire just because the loop waits for the network."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            if self._heap:
                self._kick()

    def call_later(self, seconds: float, callback: Callable[[], Any]) -> _Timer:
        import heapq

        timer = _Timer(callback)
        heapq.heappush(self._heap, (self.now + max(0.0, seconds), next(self._seq), timer))
        self._kick()
        return timer

    def sleep(self, seconds: float) -> Awaitable[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not future.done():
                future.set_result(None)

        self.call_later(seconds, wake)
        return future

    def _kick(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._settle, self._SETTLE)

    def _settle(self, left: int) -> None:
        if self._holds:
            self._scheduled = False  # hold() kicks again when the I/O is done
            return
        if left > 0:
            asyncio.get_running_loop().call_soon(self._settle, left - 1)
            return
        import heapq

        self._scheduled = False
        while self._heap:
            when, _, timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            self.now = max(self.now, when)
            timer.callback()
            break
        if self._heap:
            self._kick()


# --- one client connection -------------------------------------------------------------------

class AMISession(asyncio.Protocol):
    """One client connection: the AMI core in the SERVER role plus Asterisk's session state.

    Attributes a responder may read: ``id`` (1, 2, ... per server), ``peer`` (host, port),
    ``authenticated``, ``username``, ``user`` (the manager.conf user or None), ``read_mask``,
    ``write_mask``, ``event_mask`` (the ``Events`` mask, every class by default),
    ``includes``/``excludes`` (event filters), ``challenge`` (the MD5 challenge, once asked).
    """

    def __init__(self, server: FakeAMIServer, number: int) -> None:
        self.server = server
        self.id = number
        # A stable, pointer-looking SessionID for security events (SuccessfulAuth...).
        self.session_id = f"0x{0x7F0000000000 + number * 0x1810:x}"
        self.conn = AMIConnection(Role.SERVER)
        self.transport: asyncio.Transport | None = None
        self.peer: tuple[str, int] = ("", 0)
        self.local: tuple[str, int] = ("", 0)
        self.authenticated = False
        self.username: str | None = None
        self.user: ManagerUser | None = None
        self.read_mask = 0
        self.write_mask = 0
        self.event_mask = EVERYTHING
        self.includes: list[EventFilter] = []
        self.excludes: list[EventFilter] = []
        self.challenge: str | None = None
        self.closed = False
        self.connected_at = 0.0
        self.connected_wall = 0.0
        self._out: list[bytes] = []
        self._held: list[bytes] | None = None  # events queued while an action runs
        self._flush_scheduled = False
        self._busy = False
        self._task: asyncio.Task[None] | None = None
        self._auth_timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        who = self.username if self.authenticated else "not logged in"
        return f"<AMISession #{self.id} {self.peer[0]}:{self.peer[1]} {who}>"

    # -- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # Not an isinstance check: uvloop's transports are not asyncio.Transport subclasses.
        self.transport = cast(asyncio.Transport, transport)
        self._loop = asyncio.get_running_loop()
        self.connected_at = self._loop.time()
        self.connected_wall = time.time()
        peer = transport.get_extra_info("peername")
        sock = transport.get_extra_info("sockname")
        if isinstance(peer, tuple):
            self.peer = (str(peer[0]), int(peer[1]))
        if isinstance(sock, tuple):
            self.local = (str(sock[0]), int(sock[1]))
        # Writes go out whole: a slow reader buffers (up to the server's limit) instead of
        # pausing the writer, like Asterisk's per-session queue.
        transport.set_write_buffer_limits(high=self.server.write_buffer_limit)
        server = self.server
        if not server._accept(self):
            # Over authlimit: Asterisk closes before sending the banner.
            transport.close()
            self.closed = True
            return
        transport.write(self.conn.send(server.banner))
        if server.auth_timeout:
            self._auth_timer = self._loop.call_later(server.auth_timeout, self._auth_expired)

    def data_received(self, data: bytes) -> None:
        try:
            self.conn.receive_data(data)
        except Exception:  # pragma: no cover - the core accepts any bytes until EOF
            logger.exception("session %d: bad input", self.id)
            self.close()
            return
        if not self._busy:
            self._process()

    def eof_received(self) -> bool | None:
        with contextlib.suppress(Exception):
            self.conn.receive_data(b"")
        if not self._busy:
            self._process()
        return True  # keep our side open until we have answered what was read

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._auth_timer is not None:
            self._auth_timer.cancel()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.server._forget(self)

    def pause_writing(self) -> None:  # pragma: no cover - only with a stuck reader
        pass

    def resume_writing(self) -> None:  # pragma: no cover
        pass

    # -- reading and answering ---------------------------------------------------------------

    def _process(self) -> None:
        # The hot path: one action after another, replies queued, one write at the end.
        conn = self.conn
        server = self.server
        dispatch = server._dispatch
        next_event = conn.next_event
        # Ping in its usual layout is answered here when the chain would reach the builtin
        # PBX anyway (a session that may act, no expectations, no responders, the connection
        # open): the same bytes and log entry as _dispatch() gives, a third of the work.
        quick = (
            server._builtin.quick_ping
            if self.authenticated and not server._book.active and not server._responders
            and conn.our_state is _OPEN else None
        )
        while not self._busy and not self.closed:
            event = next_event()
            if event is NEED_DATA:
                break
            if isinstance(event, Action):
                if quick is not None:
                    raw = event._raw
                    if raw is not None:
                        pong = quick(raw)
                        if pong is not None:
                            server._action_count += 1
                            if server._log_enabled:
                                server._log.append((
                                    self.id, self.username, "builtin", None, time.time(), 1,
                                    _ACTION_RAW, raw, _RESPONSE_RAW, pong,
                                ))
                            self._out.append(pong + b"\r\n\r\n")
                            continue
                self._held = []
                try:
                    result = dispatch(self, event)
                except Exception as exc:
                    logger.exception("session %d: action %s failed", self.id, event.name)
                    server._problem(f"action {event.name or '(none)'} raised {exc!r}")
                    result = [make_error(event, f"pyst-sim internal error: {exc!r}")]
                if type(result) is list or type(result) is tuple:
                    rest = self._perform_now(result)
                    if rest is None:
                        if self._held:
                            self._release_held()
                        else:
                            self._held = None  # nothing was held back: no flush to plan
                        continue
                    result = rest
                self._busy = True
                assert self._loop is not None
                self._task = self._loop.create_task(self._perform_later(event, result))
            elif isinstance(event, BadAction):
                reply = make_bad_action_response(event)
                server._log_exchange(self, event.action, [reply], "framing")
                self._out.append(conn.send(reply))
            elif isinstance(event, ConnectionClosed):
                self.close()
                break
        self.flush()

    def _perform_now(self, items: Reply) -> Reply | None:
        """Perform reply items up to the first :class:`Delay`; returns the items left (from
        that Delay on), or None when all were done."""
        out = self._out
        direct = self.conn.our_state is _OPEN
        index = -1  # (a counter, not enumerate(): one object less per answered action)
        for item in items:
            index += 1
            kind = type(item)
            if kind in _DIRECT or isinstance(item, Message):
                if self.closed:
                    continue
                raw = item._raw
                if (
                    direct and raw and kind in _DIRECT
                    and 0 not in raw and raw.count(b"\n") == raw.count(b"\r\n")
                ):
                    # A response or event over CRLF wire bytes (a Ping reply...): what
                    # conn.send() would return (the same bytes, no state change in OPEN).
                    out.append(raw + b"\r\n\r\n")
                else:
                    out.append(self.conn.send(item))
            elif isinstance(item, Broadcast):
                self.server.broadcast(item.event)
            elif isinstance(item, Delay):
                return items[index:]
            elif isinstance(item, Close):
                self._release_held()
                self.flush()
                self.close()
                return None
        return None

    async def _perform_later(self, action: Action, result: Any) -> None:
        try:
            if inspect.isawaitable(result):
                result = await result
            if result is None:
                result = self.server._fallback(self, action)
            for item in result:
                if self.closed:
                    return
                if isinstance(item, Delay):
                    self.flush()
                    await self.server.sleep(item.seconds)
                elif isinstance(item, Message):
                    self.write(self.conn.send(item))
                elif isinstance(item, Broadcast):
                    self.server.broadcast(item.event)
                elif isinstance(item, Close):
                    self._release_held()
                    self.flush()
                    self.close()
                    return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("session %d: reply to %s failed", self.id, action.name)
            self.server._problem(f"reply to {action.name or '(none)'} raised {exc!r}")
            if not self.closed:
                self.write(self.conn.send(make_error(action, f"pyst-sim internal error: {exc!r}")))
        finally:
            self._task = None
        self._release_held()
        self._busy = False
        if not self.closed:
            self._process()

    def _release_held(self) -> None:
        held = self._held
        self._held = None
        if held:
            self._out.extend(held)
            self._schedule_flush()

    # -- writing ---------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Queue bytes for this client (written at the end of the loop iteration)."""
        if not self.closed:
            self._out.append(data)

    def send(self, message: Message) -> None:
        """Write a response or event to this session only, as is (no class filtering)."""
        self.write(self.conn.send(message))
        self._schedule_flush()

    def deliver(self, data: bytes) -> None:
        """Queue an already serialised event (held back while an action runs)."""
        held = self._held
        if held is not None:
            held.append(data)
        else:
            self._out.append(data)
            if not self._flush_scheduled:
                self._flush_scheduled = True
                assert self._loop is not None
                self._loop.call_soon(self.flush)

    def _schedule_flush(self) -> None:
        if not self._flush_scheduled and self._loop is not None:
            self._flush_scheduled = True
            self._loop.call_soon(self.flush)

    def flush(self) -> None:
        """Write what is queued in one ``transport.write``."""
        self._flush_scheduled = False
        out = self._out
        if not out or self.transport is None:
            return
        data = out[0] if len(out) == 1 else b"".join(out)
        out.clear()
        if self.closed:
            return
        self.transport.write(data)
        if self.transport.get_write_buffer_size() > self.server.max_write_buffer:
            # A client that never reads: drop it (Asterisk drops sessions whose writes time
            # out) instead of growing memory without bound.
            logger.warning("session %d: client does not read; closing", self.id)
            self.server._problem(f"session {self.id}: client stopped reading; closed")
            self.transport.abort()
            self.closed = True

    def close(self) -> None:
        """Close the connection (after writing what is queued)."""
        if self.transport is not None and not self.transport.is_closing():
            out = self._out
            if out:
                self.transport.write(b"".join(out))
                out.clear()
            self.transport.close()
        self.closed = True

    # -- authentication ----------------------------------------------------------------------

    def authenticate(
        self,
        username: str,
        user: ManagerUser | None = None,
        *,
        read_mask: int | None = None,
        write_mask: int | None = None,
    ) -> None:
        """Mark the session logged in (as ``user``, or with every class if there is none)."""
        self.authenticated = True
        self.username = username
        self.user = user
        if user is not None:
            self.read_mask = user.read_mask if read_mask is None else read_mask
            self.write_mask = user.write_mask if write_mask is None else write_mask
            for f in user.eventfilters:
                if not f.valid:
                    continue
                try:
                    criteria = None if f.legacy else f.key[len("eventfilter") + 1 : -1]
                    pattern = f.expression if criteria is not None else (
                        ("!" if f.action == "exclude" else "") + f.expression
                    )
                    compiled = EventFilter.parse(criteria, pattern)
                except ValueError:
                    logger.warning("user %s: eventfilter %r ignored", username, f.key)
                    continue
                (self.excludes if compiled.exclude else self.includes).append(compiled)
        else:
            self.read_mask = EVERYTHING if read_mask is None else read_mask
            self.write_mask = EVERYTHING if write_mask is None else write_mask
        if self._auth_timer is not None:
            self._auth_timer.cancel()
            self._auth_timer = None

    def _auth_expired(self) -> None:
        self._auth_timer = None
        if not self.authenticated and not self.closed:
            self.close()

    def wants(self, mask: int) -> bool:
        """Would this session get an event of these classes (before filters)?"""
        return (
            self.authenticated
            and (self.read_mask & mask) == mask
            and (self.event_mask & mask) == mask
        )


# --- the server ------------------------------------------------------------------------------


UserSpec = str | ManagerUser | Mapping[str, Any]


class FakeAMIServer:
    """A fake Asterisk Manager Interface (see the module docstring).

    Args:
        config_dir: a folder with manager.conf, extensions.conf, queues.conf (each optional),
            read with :mod:`pyst.config` into a :class:`~pyst_sim.state.pbx.PBX`.
        pbx: a PBX built in code (instead of, or besides, ``config_dir``).
        host, port: where to listen (127.0.0.1 and a free port by default).
        users: extra manager users: ``{"admin": "secret"}`` (every class),
            ``{"bob": {"secret": "x", "read": "call", "write": "originate"}}`` or
            :class:`~pyst.config.files.ManagerUser` objects. With neither a manager.conf user
            nor ``users``, ``admin``/``secret`` with every class is created.
        ami_version: the version in the banner (``11.0.0`` is Asterisk 22's).
        auth_failure_delay: seconds before ``Authentication failed`` (Asterisk: 1).
        time_scale: multiplies every simulated duration (dialplan ``Wait``, prompts, answer
            delays, responder :class:`Delay`); 0 runs calls as fast as possible.
        auth_timeout: seconds an unauthenticated session may stay (manager.conf
            ``authtimeout``, 30 by default; None or 0 disables it).
        require_expectations: when true, an action that matches no expectation (other than
            Login, Logoff, Challenge) is reported by :meth:`check` as unexpected.
        log_limit: how many exchanges :attr:`log` keeps (the oldest go first).
        max_write_buffer: bytes queued for a client that does not read before it is dropped.

    Raises :class:`~pyst.errors.ConfigError` (with file and line) for a config file Asterisk
    would refuse, ``ValueError`` for bad arguments.
    """

    def __init__(
        self,
        config_dir: str | os.PathLike[str] | None = None,
        *,
        pbx: PBX | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        users: Mapping[str, UserSpec] | None = None,
        ami_version: str = "11.0.0",
        auth_failure_delay: float = 1.0,
        time_scale: float = 1.0,
        auth_timeout: float | None = None,
        require_expectations: bool = False,
        log_limit: int = 100_000,
        max_write_buffer: int = 64 * 1024 * 1024,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if time_scale < 0 or auth_failure_delay < 0:
            raise ValueError("time_scale and auth_failure_delay must be >= 0")
        self._config_dir = os.fspath(config_dir) if config_dir is not None else None
        self._pbx_given = pbx
        self._clock = clock
        self.pbx = pbx if pbx is not None else self._load_pbx()
        self._users_arg = dict(users or {})
        self._install_users()
        self.host = host
        self._port = port
        self.banner = Banner.for_version(ami_version)
        self.auth_failure_delay = auth_failure_delay
        self.time_scale = time_scale
        self.auth_timeout = (
            float(self.pbx.manager.authtimeout) if auth_timeout is None else auth_timeout
        )
        self.require_expectations = require_expectations
        self.max_write_buffer = max_write_buffer
        self.write_buffer_limit = 1024 * 1024
        self._lock = threading.RLock()
        self._book = ExpectationBook()
        self._responders: list[Responder] = []
        self._log: deque[tuple[Any, ...]] = deque(maxlen=log_limit if log_limit > 0 else None)
        self._log_enabled = log_limit > 0
        self._problems: list[str] = []
        self._sessions: dict[int, AMISession] = {}
        self._numbers = itertools.count(1)
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._closing = False
        self._subscribed = False
        self._action_count = 0
        self._event_count = 0
        self._connection_count = 0
        self._virtual = VirtualTime()
        from pyst_sim.ami.builtin import BuiltinPBX

        self._builtin = BuiltinPBX(self)

    # -- configuration ---------------------------------------------------------------------

    def _load_pbx(self) -> PBX:
        if self._config_dir is not None:
            return PBX.from_config_dir(self._config_dir, clock=self._clock)
        return PBX(clock=self._clock)

    def _install_users(self) -> None:
        for name, spec in self._users_arg.items():
            if isinstance(spec, ManagerUser):
                self.pbx.users[name.lower()] = spec
            elif isinstance(spec, str):
                self.pbx.add_user(name, spec)
            else:
                options = dict(spec)
                secret = str(options.pop("secret", ""))
                read = str(options.pop("read", "all"))
                write = str(options.pop("write", "all"))
                self.pbx.add_user(name, secret, read=read, write=write, **options)
        if not self.pbx.users:
            self.pbx.add_user("admin", "secret")

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port listened on (the real one once started, even with port 0)."""
        return self._port

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` to connect to."""
        return (self.host, self._port)

    @property
    def url(self) -> str:
        """``tcp://host:port``."""
        return f"tcp://{self.host}:{self._port}"

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    async def start(self) -> FakeAMIServer:
        """Listen; returns once connections are accepted. Raises ``OSError`` (address in use,
        bad host) and :class:`~pyst_sim.errors.SimulatorError` if already running."""
        if self._server is not None:
            raise SimulatorError("FakeAMIServer is already running")
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._closing = False
        self._server = await loop.create_server(
            self._new_session, self.host, self._port, reuse_address=True
        )
        sock = self._server.sockets[0].getsockname()
        self._port = int(sock[1])
        if not self._subscribed:
            self.pbx.subscribe(self._on_pbx_event)
            self._subscribed = True
        logger.info("fake AMI listening on %s:%d", self.host, self._port)
        return self

    async def stop(self) -> None:
        """Stop listening, close every session and cancel running calls. Idempotent."""
        server = self._server
        if server is None:
            return
        self._server = None
        self._closing = True
        self.pbx.unsubscribe(self._on_pbx_event)
        self._subscribed = False
        server.close()
        await self._builtin.shutdown()
        for session in list(self._sessions.values()):
            session.close()
        self._sessions.clear()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 5)
        logger.info("fake AMI on port %d stopped", self._port)

    async def __aenter__(self) -> FakeAMIServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def start_in_thread(self, timeout: float = 10.0) -> ThreadedFakeAMIServer:
        """Run this server on an event loop in a background thread (for synchronous tests);
        returns the started controller (also a context manager). Raises what :meth:`start`
        raises."""
        controller = ThreadedFakeAMIServer(self)
        controller.start(timeout)
        return controller

    def connect_transport(self, transport: asyncio.Transport) -> AMISession:
        """Open a session over an already connected transport (in-memory tests, custom
        transports): the banner is written at once. Call on the event loop; the server
        need not listen, but its loop becomes the running one."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._loop_thread = threading.get_ident()
        if not self._subscribed:
            self.pbx.subscribe(self._on_pbx_event)
            self._subscribed = True
        session = self._new_session()
        session.connection_made(transport)
        return session

    def _new_session(self) -> AMISession:
        return AMISession(self, next(self._numbers))

    def _accept(self, session: AMISession) -> bool:
        if self._closing:
            return False
        limit = self.pbx.manager.authlimit
        unauth = sum(1 for s in self._sessions.values() if not s.authenticated)
        if limit and unauth >= limit:
            logger.warning("authlimit %d reached: connection refused", limit)
            return False
        self._sessions[session.id] = session
        self._connection_count += 1
        return True

    def _forget(self, session: AMISession) -> None:
        self._sessions.pop(session.id, None)

    @property
    def sessions(self) -> list[AMISession]:
        """Connected sessions, oldest first."""
        return list(self._sessions.values())

    def sleep(self, seconds: float) -> Awaitable[None]:
        """Wait a simulated duration: ``seconds * time_scale`` of real time, or, with
        ``time_scale=0``, no real time at all but in simulated-time order (a 1 s wait ends
        before a 2 s one that started at the same time)."""
        if self.time_scale > 0:
            return asyncio.sleep(max(0.0, seconds) * self.time_scale)
        return self._virtual.sleep(seconds)

    def hold_time(self) -> contextlib.AbstractContextManager[None]:
        """A context manager stopping simulated time (``time_scale=0``) while real I/O is
        awaited; does nothing with a real-time scale."""
        if self.time_scale > 0:
            return contextlib.nullcontext()
        return self._virtual.hold()

    def call_later(self, seconds: float, callback: Callable[[], Any]) -> Any:
        """Run ``callback`` after a simulated duration (see :meth:`sleep`); the handle has
        ``cancel()``."""
        if self.time_scale > 0:
            assert self._loop is not None
            return self._loop.call_later(max(0.0, seconds) * self.time_scale, callback)
        return self._virtual.call_later(seconds, callback)

    # -- thread plumbing ---------------------------------------------------------------------

    def _in_loop(self) -> bool:
        return self._loop is None or threading.get_ident() == self._loop_thread

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` on the server's loop (now, if already on it)."""
        if self._in_loop():
            fn(*args)
        else:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(fn, *args)

    # -- events ------------------------------------------------------------------------------

    def emit_event(
        self,
        event: str | Event,
        fields: Iterable[tuple[str, Any]] | Mapping[str, Any] = (),
        /,
        **headers: Any,
    ) -> Event:
        """Send an event to every session allowed to see it; returns the event sent.

        ``emit_event("Hangup", Channel="Local/1@x-00000001;1", Cause="16")``; a ``Privilege``
        header sets the classes (else those of the documented event, else ``call``). Safe to
        call from any thread.
        """
        ev = event if isinstance(event, Event) else Event.make(event, fields, **headers)
        self.call_soon(self.broadcast, ev)
        return ev

    def broadcast(self, event: Event) -> int:
        """Serialise ``event`` once and queue it for every permitted session; returns how many
        sessions got it. Loop thread only (use :meth:`emit_event` elsewhere)."""
        name = event.name
        privilege = event.get("Privilege")
        if privilege is None:
            mask = event_authority(name)
            fields = list(event.fields)
            fields.insert(1, ("Privilege", authority_to_str(mask)))
            event = Event._from_parts(tuple(fields))
        else:
            mask = get_perm(privilege)
        return self._fan_out(name, mask, event.to_bytes())

    def _on_pbx_event(self, name: str, mask: int, fields: Sequence[tuple[str, str]]) -> None:
        if not self._in_loop():
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._on_pbx_event, name, mask, fields)
            return
        head: list[tuple[str, str]] = [("Event", name), ("Privilege", authority_to_str(mask))]
        if self.pbx.manager.timestampevents:
            now = self.pbx.clock()
            head.append(("Timestamp", f"{now:.6f}"))
        if self.pbx.identity.system_name:
            head.append(("SystemName", self.pbx.identity.system_name))
        data = Event._from_parts((*head, *fields)).to_bytes()
        self._fan_out(name, mask, data)

    @property
    def stats(self) -> dict[str, int]:
        """Counters: actions answered, events broadcast, connections accepted."""
        return {"actions": self._action_count, "events": self._event_count,
                "connections": self._connection_count}

    def _fan_out(self, name: str, mask: int, data: bytes) -> int:
        self._event_count += 1
        count = 0
        text: str | None = None
        for session in self._sessions.values():
            if not session.wants(mask):
                continue
            if session.includes or session.excludes:
                if text is None:
                    text = data.decode("utf-8", "surrogateescape")
                if not should_send(session.includes, session.excludes, name, text):
                    continue
            session.deliver(data)
            count += 1
        return count

    # -- scripting ---------------------------------------------------------------------------

    def expect_action(
        self,
        name: str,
        fields: Mapping[str, HeaderSpec] | None = None,
        /,
        **headers: HeaderSpec,
    ) -> Expectation:
        """A permanent expectation: every matching action is answered as scripted.

        ``name`` is the action name (any case); ``fields``/``headers`` are header values the
        action must carry: a string (exact), a compiled regex (full match), a predicate,
        :data:`ANY_VALUE` (present, any value) or None (absent). Chain
        ``.respond_with(...)``, ``.respond_with_error(...)``, ``.then_emit(...)``.
        """
        return self._book.add(name, {**(fields or {}), **headers}, "permanent")

    def expect_oneshot_action(
        self,
        name: str,
        fields: Mapping[str, HeaderSpec] | None = None,
        /,
        **headers: HeaderSpec,
    ) -> Expectation:
        """Like :meth:`expect_action`, but matched once; unmet at :meth:`check` if never."""
        return self._book.add(name, {**(fields or {}), **headers}, "oneshot")

    def expect_ordered_action(
        self,
        name: str,
        fields: Mapping[str, HeaderSpec] | None = None,
        /,
        **headers: HeaderSpec,
    ) -> Expectation:
        """An expectation matched once, in the order ordered expectations were added; an
        action matching a later one first is an error (answered with ``Response: Error``)."""
        return self._book.add(name, {**(fields or {}), **headers}, "ordered")

    def add_responder(self, responder: Responder) -> None:
        """Add a link to the chain, after the expectations and earlier responders."""
        with self._lock:
            self._responders.append(responder)

    def remove_responder(self, responder: Responder) -> None:
        """Remove a responder (no error if absent)."""
        with self._lock:
            if responder in self._responders:
                self._responders.remove(responder)

    @property
    def responders(self) -> list[Responder]:
        """The responders, in order."""
        return list(self._responders)

    @property
    def expectations(self) -> list[Expectation]:
        """Every expectation, in the order added."""
        return self._book.all()

    @property
    def log(self) -> list[Exchange]:
        """Every exchange so far (action, what answered it, the reply), oldest first."""
        with self._lock:
            entries = list(self._log)
        return list(map(_exchange, entries))

    def actions(self, name: str | None = None) -> list[Action]:
        """The actions received (only those called ``name``, any case, if given)."""
        return [
            x.action for x in self.log if name is None or x.action.name.lower() == name.lower()
        ]

    @property
    def problems(self) -> list[str]:
        """What :meth:`check` reports besides expectations (not emulated actions...)."""
        with self._lock:
            return list(self._problems)

    def _problem(self, text: str) -> None:
        with self._lock:
            self._problems.append(text)

    def check(self) -> None:
        """Raise :class:`~pyst_sim.errors.ExpectationError` for anything unexpected or unmet:
        unmet oneshot/ordered expectations, actions out of order, unexpected actions (with
        ``require_expectations``), actions that are not emulated. The message names the
        closest expectation and shows a field diff."""
        report = self._book.report()
        with self._lock:
            problems = list(self._problems)
        if problems:
            report = problems + report
        if report:
            raise ExpectationError(
                "fake AMI server: "
                + f"{len(report)} problem(s)\n"
                + "\n".join(f"- {line}" for line in report)
            )

    def check_assertions(self) -> None:
        """Alias of :meth:`check` (pytest-httpserver's name)."""
        self.check()

    def clear(self, *, sessions: bool = True, state: bool = True) -> None:
        """Forget expectations, responders' order is kept, log and problems; with ``sessions``
        close every client connection; with ``state`` reload the PBX (AstDB, globals,
        channels, queues) as it was built. For per-test reuse of one server."""
        self._book.clear()
        with self._lock:
            self._log.clear()
            self._problems.clear()
        if sessions or state:
            done = threading.Event()

            def _reset() -> None:
                try:
                    if sessions:
                        for session in list(self._sessions.values()):
                            session.close()
                    if state:
                        self._builtin.reset()
                        self._reset_pbx()
                finally:
                    done.set()

            if self._loop is None or self._server is None:
                _reset()
            else:
                self.call_soon(_reset)
                if not self._in_loop():
                    done.wait(10)

    def _reset_pbx(self) -> None:
        if self._pbx_given is not None:
            pbx = self._pbx_given
            pbx.registry._by_name.clear()
            return
        fresh = self._load_pbx()
        old = self.pbx
        # Keep the objects others may hold (the AGI simulator shares AstDB and globals).
        for path in list(old.astdb):
            family, _, key = path.strip("/").partition("/")
            old.astdb.delete(family, key)
        old.globals.clear()
        old.globals.update(fresh.globals.snapshot())
        old.registry._by_name.clear()
        old.queues._queues = fresh.queues._queues
        old.counters.processed_calls = 0

    def _reload_from_disk(self) -> None:
        """Re-read manager.conf, extensions.conf and queues.conf (``UpdateConfig`` with
        ``Reload``); live channels, AstDB and globals stay."""
        if self._config_dir is None:
            return
        fresh = PBX.from_config_dir(self._config_dir, clock=self._clock)
        pbx = self.pbx
        pbx.dialplan = fresh.dialplan
        pbx.manager = fresh.manager
        pbx.users.update(fresh.users)
        pbx.queues._queues = fresh.queues._queues
        pbx.reloaded = pbx.clock()

    # -- the chain ---------------------------------------------------------------------------

    def _dispatch(self, session: AMISession, action: Action) -> Any:
        self._action_count += 1
        if self._book.active:
            outcome = self._book.match(session, action, self.require_expectations)
            if outcome is not None:
                reply, source, exp = outcome
                if reply is not None:
                    return self._custom(session, action, reply, source, exp)
        for responder in self._responders:
            reply = responder.respond(session, action)
            if reply is not None:
                return self._custom(session, action, reply, f"responder {responder!r}", None)
        return self._fallback(session, action)

    def _fallback(self, session: AMISession, action: Action) -> Any:
        reply = self._builtin.respond(session, action)
        if type(reply) is not list:
            if reply is None:
                return self._not_emulated(session, action)
            if inspect.isawaitable(reply):
                return self._builtin_later(session, action, reply)
        if self._log_enabled:
            self._log.append(_log_entry(session, action, reply, "builtin", None))
        return reply

    async def _builtin_later(
        self, session: AMISession, action: Action, reply: Awaitable[Any]
    ) -> Any:
        result = await reply
        if result is None:
            return self._not_emulated(session, action)
        self._log_exchange(session, action, result, "builtin")
        return result

    def _not_emulated(self, session: AMISession, action: Action) -> Reply:
        text = f"Action '{action.name}' is not emulated by pyst-sim"
        self._problem(f"session {session.id}: {text} (sent {action!r})")
        reply = [make_error(action, text)]
        self._log_exchange(session, action, reply, "not emulated")
        return reply

    def _custom(
        self, session: AMISession, action: Action, reply: Any, source: str,
        exp: Expectation | None,
    ) -> Any:
        if inspect.isawaitable(reply):
            return self._custom_later(session, action, reply, source, exp)
        items = list(reply)
        self._log_exchange(session, action, items, source, exp)
        self._apply_effects(session, action, items)
        return items

    async def _custom_later(
        self, session: AMISession, action: Action, reply: Awaitable[Any], source: str,
        exp: Expectation | None,
    ) -> Reply:
        result = await reply
        if result is None:
            return self._fallback(session, action)  # type: ignore[no-any-return]
        items = list(result)
        self._log_exchange(session, action, items, source, exp)
        self._apply_effects(session, action, items)
        return items

    def _apply_effects(self, session: AMISession, action: Action, items: list[Any]) -> None:
        # A scripted or responder reply to Login/Logoff has the effect Asterisk's would.
        first = next((i for i in items if isinstance(i, Response)), None)
        if first is None:
            return
        name = action.name.lower()
        if name == "login" and first.status == "Success" and not session.authenticated:
            username = action.get("Username") or ""
            session.authenticate(username, self.pbx.user(username))
            events = action.get("Events")
            if events:
                from pyst_sim.ami.perms import strings_to_mask

                mask = strings_to_mask(events)
                if mask >= 0:
                    session.event_mask = mask
        elif name == "logoff" and first.status == "Goodbye" and not any(
            isinstance(i, Close) for i in items
        ):
            items.append(Close())

    def _log_exchange(
        self,
        session: AMISession,
        action: Action,
        items: Sequence[Any],
        source: str,
        exp: Expectation | None = None,
    ) -> None:
        if not self._log_enabled:
            return
        replies = [
            i.event if isinstance(i, Broadcast) else i
            for i in items
            if isinstance(i, (Message, Broadcast))
        ]
        entry = _log_entry(session, action, replies, source, exp)
        with self._lock:
            self._log.append(entry)


class ThreadedFakeAMIServer(ThreadedServer[FakeAMIServer]):
    """A :class:`FakeAMIServer` on its own event loop thread, for synchronous tests::

        with ThreadedFakeAMIServer(FakeAMIServer(config_dir)) as ami:
            ami.expect_action("Ping").respond_with(Ping="Pong")
            ...
            ami.check()

    Every attribute of the server is reachable through the controller (``ami.port``,
    ``ami.expect_action``, ``ami.pbx``...); the scripting methods are thread-safe. ``start``
    waits until the server listens and re-raises its startup error; ``stop`` is idempotent.
    """

    def __init__(self, server: FakeAMIServer | None = None, **kwargs: Any) -> None:
        super().__init__(server if server is not None else FakeAMIServer(**kwargs))


