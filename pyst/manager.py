"""pyst2's ``asterisk.manager``, on the sans-IO AMI core: a pyst2 AMI script ports by changing
``import asterisk.manager`` to ``import pyst.manager``::

    import pyst.manager

    def handle_shutdown(event, manager):
        print("Recieved shutdown event")
        manager.close()

    manager = pyst.manager.Manager()
    manager.connect("127.0.0.1")
    manager.login("admin", "secret")
    manager.register_event("Shutdown", handle_shutdown)
    print(manager.status())
    print(manager.command("core show channels").data)
    manager.message_thread.join()      # block while the callbacks run, until the session ends

Kept from pyst2 (PYST2.md §3, §11): the names, signatures, defaults and return shapes of
:class:`Manager` (every action helper, with pyst2's ``originate`` order), :class:`ManagerMsg`
(``response``, ``headers``, ``data``, ``multiheaders``, ``get_header``...), :class:`Event`,
the exceptions, ``register_event(name|'*', cb)`` with ``cb(event, manager)`` and a truthy
return ending the chain, ``message_thread.join()``, and ``command().data`` for both server
generations (Asterisk 13 and older: the raw text with its ``--END COMMAND--`` line; 14 and
later: the ``Output:`` lines joined with ``\\n``, as pyst 0.9 gave them).

Fixed (PYST2.md §7, M1-M18):

* responses are matched to their action by ActionID (the core's
  :class:`~pyst.ami.correlation.Correlator`), never by arrival order, so any number of threads
  may call :meth:`Manager.send_action` at once; the waiter is registered before the action is
  written, and a lost connection wakes every waiter with
  :class:`ManagerSocketException` ``(0, 'Connection Terminated')``;
* every wait has a limit: ``connect(..., timeout=60)`` bounds the TCP connect, the greeting
  and each action's answer (:class:`ManagerTimeoutException`; ``timeout=None`` waits for ever
  as pyst2 did). There is no idle timeout: a quiet event listener stays connected;
* a callback that raises is logged and dispatch goes on; ``ChanVariable`` headers work
  (``headers['ChanVariable']`` is a dict, as pyst2 meant); bytes that are not UTF-8 survive;
* :meth:`Manager.logoff` and :meth:`Manager.close` may be called in any order, from any thread
  (a callback included), any number of times, and never hang on a server that does not close;
* a Manager can :meth:`~Manager.connect` again after :meth:`~Manager.close` or a lost
  connection (new threads each time); ``send_action`` neither mutates the caller's dict nor
  shares a default one;
* events of list actions (``Status``, ``QueueStatus``...) reach the callbacks like every other
  event, instead of being folded into ``response.data``: ``send_action`` returns the first
  response of the list, as pyst2 does for every list action but those two.

The event queue between the reading thread and the dispatch thread is bounded
(``Manager(event_queue_size=100_000)``): when callbacks fall that far behind, the oldest event
is dropped, counted in :attr:`Manager.dropped_events` and logged, so memory stays bounded and
answers to actions keep flowing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from pyst.ami.correlation import ActionResult, Correlator, Progress, Unsolicited
from pyst.ami.messages import END_COMMAND, Action, Banner, Message, Response
from pyst.ami.messages import Event as AMIEvent
from pyst.ami.protocol import CLIENT, NEED_DATA, AMIConnection, ConnectionClosed
from pyst.errors import (
    ActionTimeoutError,
    AMIError,
    AuthenticationError,
    ConnectionLostError,
    PystError,
)

__all__ = [
    "EOL",
    "Event",
    "Manager",
    "ManagerAuthException",
    "ManagerException",
    "ManagerMsg",
    "ManagerSocketException",
    "ManagerTimeoutException",
]

logger = logging.getLogger(__name__)

EOL = "\r\n"
_READ_SIZE = 65536
# close(): how long to wait for the Goodbye and for the threads.
_CLOSE_TIMEOUT = 5.0


class ManagerException(AMIError):
    """pyst2's base exception of the manager module (also a :class:`~pyst.errors.AMIError`)."""


class ManagerSocketException(ManagerException, ConnectionLostError):
    """A socket problem, with pyst2's arguments ``(errno, strerror)``; also a
    :class:`~pyst.errors.ConnectionLostError` (so an ``OSError``: ``e.errno`` and
    ``e.strerror`` work, which pyst2's own docstring assumed)."""


class ManagerAuthException(ManagerException, AuthenticationError):
    """Login refused; ``args`` is ``(message,)`` as in pyst2."""


class ManagerTimeoutException(ManagerException, ActionTimeoutError):
    """No answer within the ``timeout`` given to :meth:`Manager.connect`."""


# --- messages --------------------------------------------------------------------------------


class _Headers:
    """pyst2's header access, shared by :class:`ManagerMsg` and :class:`Event` (a dict of the
    last value of each name, looked up by exact name)."""

    headers: dict[str, Any]

    def has_header(self, hname: str) -> bool:
        """Whether the header is present (exact name, as pyst2's dict)."""
        return hname in self.headers

    def get_header(self, hname: str, defval: Any = None) -> Any:
        """The header's value, else ``defval``."""
        return self.headers.get(hname, defval)

    def __getitem__(self, hname: str) -> Any:
        """The header's value; ``KeyError`` if absent."""
        return self.headers[hname]


class ManagerMsg(_Headers):
    """A manager message as pyst2 gave it (see PYST2.md §3.2).

    ``ManagerMsg(response)``: ``response`` is the list of raw lines (each ending in ``\\r\\n``),
    as pyst2 took it, or a core :class:`~pyst.ami.messages.Message`. Attributes:

    * ``headers``: ``{name: value}``, values stripped, the last of repeated names wins (as in
      pyst2); ``ChanVariable`` headers (both ``ChanVariable: n=v`` and ``ChanVariable(chan):
      n=v``) are gathered in ``headers['ChanVariable'] = {n: v}``;
    * ``multiheaders``: ``{name: [every value]}`` (pyst 0.9);
    * ``data``: the raw text of a legacy ``Response: Follows`` reply (``--END COMMAND--`` line
      included), or the ``Output:`` lines joined with ``\\n`` (Asterisk 14 and later), or the
      lines from the first one that is not a header;
    * ``response``: the raw lines;
    * ``message``: the core message (new: ``fields`` in order, ``get()`` case-insensitive).

    A message with neither ``Event`` nor ``Response`` gets ``Response: Generated Header``
    (``Event: NoClue`` when its data holds ``--END COMMAND--``), as in pyst2.
    """

    def __init__(self, response: list[str] | Message) -> None:
        if isinstance(response, Message):
            message = response
            self._lines: list[str] | None = None
        else:
            self._lines = list(response)
            message = _parse_lines(self._lines)
        self.message = message
        self.headers: dict[str, Any] = {}
        self.multiheaders: dict[str, list[str]] = {}
        self.data = ""
        self._fill(message)

    @classmethod
    def _greeting(cls, banner: Banner) -> ManagerMsg:
        line = banner.text + EOL
        msg = cls([f"Response: Generated Header{EOL}", line])
        msg.headers = {"Response": "Generated Header"}
        msg.multiheaders = {"Response": ["Generated Header"]}
        msg.data = line
        return msg

    def _fill(self, message: Message) -> None:
        fields = message.fields
        bare = message.bare_lines
        cut = bare[0][0] if bare else len(fields)  # pyst2: data starts at the first bad line
        headers = self.headers
        multi = self.multiheaders
        for name, value in fields[:cut]:
            key = name.strip()
            value = value.strip()
            multi.setdefault(key, []).append(value)
            if "ChanVariable" in key:
                var, _, val = value.partition("=")
                chanvars = headers.get("ChanVariable")
                if not isinstance(chanvars, dict):
                    chanvars = headers["ChanVariable"] = {}
                chanvars[var.strip()] = val.strip()
            else:
                headers[key] = value
        if message.data:
            self.data = message.data
        elif bare:
            self.data = "".join(self.response[cut:])
        elif "Output" in multi:
            # the lines as written (indentation kept), not the stripped header values
            self.data = "\n".join(message.get_all_verbatim("Output"))
        if "Event" not in headers and "Response" not in headers:
            if "ActionID" in headers:
                headers["Response"] = "Generated Header"
            elif END_COMMAND in self.data:
                headers["Event"] = "NoClue"
            else:
                headers["Response"] = "Generated Header"

    @property
    def response(self) -> list[str]:
        """The raw lines of the message (each ending in ``\\r\\n``; no final empty line)."""
        if self._lines is None:
            text = self.message.to_bytes().decode("utf-8", "surrogateescape")
            lines = text.splitlines(keepends=True)
            if lines and lines[-1] in ("\r\n", "\n"):
                lines.pop()
            self._lines = lines
        return self._lines

    def __repr__(self) -> str:
        if "Response" in self.headers:
            return str(self.headers["Response"])
        return str(self.headers["Event"])


def _parse_lines(lines: list[str]) -> Message:
    """Raw lines -> a core message, read by the core (client role) like any received bytes."""
    text = "".join(lines)
    if not text.endswith("\n"):
        text += EOL
    conn = AMIConnection(CLIENT)
    conn.receive_data(b"Asterisk Call Manager/0\r\n")
    data = text.encode("utf-8", "surrogateescape") + EOL.encode()
    for item in conn.receive(data) + conn.receive(b""):
        if isinstance(item, Message):
            return item
    return Message(())


class Event(_Headers):
    """A manager event (pyst2's ``Event(message)``); ``ManagerException`` if ``message`` has no
    ``Event`` header. ``name``, ``headers``, ``data``, ``multiheaders``, ``message``."""

    def __init__(self, message: ManagerMsg) -> None:
        self.message = message
        self.data = message.data
        self.headers = message.headers
        self.multiheaders = message.multiheaders
        if not message.has_header("Event"):
            raise ManagerException("Trying to create event from non event message")
        self.name: str = message.get_header("Event")

    def __repr__(self) -> str:
        return str(self.headers["Event"])

    def get_action_id(self) -> Any:
        """The ``ActionID`` header, else ``0`` (pyst2's ``0000``)."""
        return self.headers.get("ActionID", 0)


# --- the manager -----------------------------------------------------------------------------


class _IdleThread:
    """Stands for ``message_thread``/``event_dispatch_thread`` when no session runs:
    ``join()`` returns at once."""

    name = "idle"
    daemon = True

    def join(self, timeout: float | None = None) -> None:
        return None

    def is_alive(self) -> bool:
        return False


class _Waiter:
    __slots__ = ("event", "response")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.response: Response | None = None

    def set(self, response: Response | None) -> None:
        if not self.event.is_set():
            self.response = response
            self.event.set()


class _EventQueue:
    """Reader -> dispatcher: bounded, never blocks the reader (the oldest event goes)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.dropped = 0
        self._items: deque[AMIEvent | None] = deque()
        self._cond = threading.Condition()

    def put(self, item: AMIEvent | None) -> None:
        self.put_many([item])

    def put_many(self, items: list[AMIEvent] | list[AMIEvent | None]) -> None:
        with self._cond:
            queue = self._items
            for item in items:
                if item is not None and len(queue) >= self.maxsize:
                    queue.popleft()
                    self.dropped += 1
                    if self.dropped in (1, 10, 100, 1000) or self.dropped % 10000 == 0:
                        logger.warning("manager event queue full (%d): %d events dropped",
                                       self.maxsize, self.dropped)
                queue.append(item)
            self._cond.notify()

    def get(self) -> AMIEvent | None:
        with self._cond:
            while not self._items:
                self._cond.wait()
            return self._items.popleft()


class Manager:
    """pyst2's AMI client (module docstring). ``Manager()`` starts no thread; each
    :meth:`connect` starts a reading thread (``message_thread``) and a dispatch thread
    (``event_dispatch_thread``).

    New keyword arguments: ``id_factory`` (ActionIDs; default ``<hostname>-<random>-%08x``) and
    ``event_queue_size``.
    """

    def __init__(
        self,
        *,
        id_factory: Callable[[], str] | None = None,
        event_queue_size: int = 100_000,
    ) -> None:
        self._sock: socket.socket | None = None
        self.title: str | None = None
        self.version: str | None = None
        self._connected = threading.Event()
        self._running = threading.Event()
        self.hostname = socket.gethostname()
        self.pid = os.getpid()
        self._instance = uuid.uuid4().hex[:8]
        self._id_factory = id_factory
        self._event_callbacks: dict[str, list[Callable[[Event, Manager], Any]]] = {}
        self._seqlock = threading.Lock()
        self._seq = 0
        self._lock = threading.Lock()  # correlator and waiters
        self._write_lock = threading.Lock()
        self._close_lock = threading.RLock()
        self._corr = Correlator(self.get_actionID)
        self._conn = AMIConnection(CLIENT)
        self._waiters: dict[str, _Waiter] = {}
        self._event_queue_size = event_queue_size
        self._events = _EventQueue(event_queue_size)
        self._timeout: float | None = 60.0
        self._logged_off = False
        self.message_thread: threading.Thread | _IdleThread = _IdleThread()
        self.event_dispatch_thread: threading.Thread | _IdleThread = _IdleThread()
        #: Callback exceptions so far (each was logged).
        self.callback_errors = 0

    # --- pyst2's small methods ----------------------------------------------------------------

    def connected(self) -> bool:
        """True while the connection is up."""
        return self._connected.is_set()

    def next_seq(self) -> int:
        """The next number of the ActionID sequence (from 0)."""
        with self._seqlock:
            seq = self._seq
            self._seq += 1
            return seq

    def get_actionID(self) -> str:  # pyst2's name
        """A new ActionID, unique across processes and Manager objects."""
        if self._id_factory is not None:
            return self._id_factory()
        return f"{self.hostname}-{self._instance}-{self.next_seq():08x}"

    @property
    def dropped_events(self) -> int:
        """Events dropped because the callbacks fell ``event_queue_size`` events behind."""
        return self._events.dropped

    # --- connecting -------------------------------------------------------------------------

    def connect(
        self, host: str, port: int = 5038, buffer_size: int = 0, timeout: float | None = 60
    ) -> ManagerMsg:
        """Connect and return the greeting (``Response: Generated Header``, ``data`` = the
        greeting line); sets ``title`` and ``version``. ``timeout`` bounds the connect, the
        greeting and every later action's answer (``None``: no limit); ``buffer_size`` is
        accepted for pyst2's develop branch and ignored (reads are buffered).

        Raises:
            ManagerException: already connected.
            ManagerSocketException: the connection failed or closed before the greeting.
            ManagerTimeoutException: no greeting within ``timeout``.
        """
        with self._close_lock:
            if self._connected.is_set():
                raise ManagerException("Already connected to manager")
            if not isinstance(host, str):
                raise TypeError(f"host must be a str, not {type(host).__name__}")
            self._wait_threads(_CLOSE_TIMEOUT)
            try:
                sock = socket.create_connection((host, int(port)), timeout=timeout)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError as exc:
                raise ManagerSocketException(exc.errno or 0, exc.strerror or str(exc)) from exc
            conn = AMIConnection(CLIENT)
            try:
                banner = self._read_banner(sock, conn)
                sock.settimeout(None)  # no idle timeout (PYST2.md §11)
            except BaseException:
                sock.close()
                raise
            self._sock = sock
            self._conn = conn
            self._timeout = timeout
            self._logged_off = False
            self._events = _EventQueue(self._event_queue_size)
            self.title = banner.product.strip()
            self.version = banner.version.strip()
            self._connected.set()
            self._running.set()
            reader = threading.Thread(target=self._read_loop, args=(sock, conn),
                                      name=f"pyst-manager-{host}:{port}", daemon=True)
            dispatcher = threading.Thread(target=self._dispatch_loop, args=(self._events,),
                                          name=f"pyst-manager-events-{host}:{port}", daemon=True)
            self.message_thread = reader
            self.event_dispatch_thread = dispatcher
            dispatcher.start()
            reader.start()
            return ManagerMsg._greeting(banner)

    @staticmethod
    def _read_banner(sock: socket.socket, conn: AMIConnection) -> Banner:
        while True:
            item = conn.next_event()
            if isinstance(item, Banner):
                return item
            if isinstance(item, ConnectionClosed):
                raise ManagerSocketException(0, "Connection Terminated")
            try:
                data = sock.recv(_READ_SIZE)
            except TimeoutError as exc:
                raise ManagerTimeoutException("no greeting from the manager") from exc
            except OSError as exc:
                raise ManagerSocketException(exc.errno or 0, exc.strerror or str(exc)) from exc
            try:
                conn.receive_data(data)
            except PystError as exc:  # pragma: no cover - receive_data raises only after EOF
                raise ManagerException(str(exc)) from exc

    def close(self) -> None:
        """Log off (if connected and not yet logged off), close the connection and wait (a
        bounded time) for the threads. Safe from any thread, callbacks included, in any order
        with :meth:`logoff`, any number of times."""
        with self._close_lock:
            if self._connected.is_set() and not self._logged_off:
                try:
                    self.logoff(timeout=_CLOSE_TIMEOUT)
                except (PystError, OSError) as exc:
                    logger.debug("manager: logoff during close failed: %r", exc)
            self._shutdown()
            self._wait_threads(_CLOSE_TIMEOUT)
            self._running.clear()

    def _shutdown(self) -> None:
        sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the reading thread
            with contextlib.suppress(OSError):
                sock.close()

    def _wait_threads(self, timeout: float) -> None:
        current = threading.current_thread()
        if current is self.event_dispatch_thread:
            return  # close() from a callback: the threads end once it returns
        for thread in (self.message_thread, self.event_dispatch_thread):
            if thread is not current and thread.is_alive():
                thread.join(timeout)
                if thread.is_alive():
                    logger.warning("manager: thread %s still running after %.0f s",
                                   thread.name, timeout)

    # --- the threads ------------------------------------------------------------------------

    def _read_loop(self, sock: socket.socket, conn: AMIConnection) -> None:
        try:
            while True:
                if self._route(conn):
                    break
                try:
                    data = sock.recv(_READ_SIZE)
                except OSError as exc:
                    logger.debug("manager: read failed: %r", exc)
                    data = b""
                conn.receive_data(data)
        except Exception:  # pragma: no cover - a bug; never let the session hang
            logger.exception("manager: reading thread failed")
        finally:
            self._session_ended(sock)

    def _route(self, conn: AMIConnection) -> bool:
        """Handle every complete message; True when the connection ended."""
        wake: list[tuple[_Waiter, Response | None]] = []
        events: list[AMIEvent] = []
        ended = False
        with self._lock:
            corr = self._corr
            waiters = self._waiters
            try:
                while True:
                    message = conn.next_event()
                    if message is NEED_DATA:
                        break
                    if isinstance(message, ConnectionClosed):
                        if message.partial:
                            logger.warning("manager: the server closed in the middle of a "
                                           "message (%d bytes lost)", len(message.partial))
                        ended = True
                        break
                    if not isinstance(message, Message):
                        continue
                    routed = corr.receive(message) if len(corr) else Unsolicited(message)
                    if isinstance(routed, Unsolicited):
                        if isinstance(routed.message, AMIEvent):
                            events.append(routed.message)
                        else:
                            logger.debug("manager: unsolicited %r dropped", routed.message)
                    elif isinstance(routed, Progress):
                        item = routed.message
                        if isinstance(item, Response):
                            waiter = waiters.pop(routed.action_id or "", None)
                            if waiter is not None:
                                wake.append((waiter, item))
                        elif isinstance(item, AMIEvent) and item.name != "OriginateResponse":
                            events.append(item)  # list items go to the callbacks, as in pyst2
                    else:
                        self._completed(routed, wake, events)
            except PystError as exc:
                logger.error("manager: the server broke the protocol: %s", exc)
                ended = True
        # Events first: a caller woken by an answer finds the events sent before it queued.
        if events:
            self._events.put_many(events)
        for waiter, response in wake:
            waiter.set(response)
        return ended

    def _completed(
        self,
        result: ActionResult,
        wake: list[tuple[_Waiter, Response | None]],
        events: list[AMIEvent],
    ) -> None:
        waiter = self._waiters.pop(result.action_id or "", None)
        if waiter is not None:
            wake.append((waiter, result.response))
        if result.completion is not None:
            events.append(result.completion)  # ...Complete / OriginateResponse

    def _session_ended(self, sock: socket.socket) -> None:
        with self._lock:
            self._corr.close("connection terminated")
            waiters = list(self._waiters.values())
            self._waiters.clear()
            if self._sock is sock:
                self._connected.clear()
        for waiter in waiters:
            waiter.set(None)
        with contextlib.suppress(OSError):
            sock.close()
        events = self._events
        events.put(None)
        dispatcher = self.event_dispatch_thread
        if dispatcher.is_alive() and dispatcher is not threading.current_thread():
            dispatcher.join()  # message_thread.join() returns once every event is dispatched

    def _dispatch_loop(self, queue: _EventQueue) -> None:
        while True:
            item = queue.get()
            if item is None:
                return
            try:
                event = Event(ManagerMsg(item))
            except Exception:  # pragma: no cover - every item has an Event header
                logger.exception("manager: cannot read event %r", item)
                continue
            callbacks = self._event_callbacks.get(event.name, []) + self._event_callbacks.get(
                "*", []
            )
            for callback in callbacks:
                try:
                    if callback(event, self):
                        break
                except Exception:
                    self.callback_errors += 1
                    logger.exception("manager: callback %r failed on %s", callback, event.name)

    # --- events -----------------------------------------------------------------------------

    def register_event(self, event: str, function: Callable[[Event, Manager], Any]) -> None:
        """Call ``function(event, manager)`` for events named ``event`` (exact name) or every
        event (``'*'``, after the named ones). A callback returning a true value stops the
        callbacks after it for that event."""
        callbacks = list(self._event_callbacks.get(event, []))
        callbacks.append(function)
        self._event_callbacks[event] = callbacks

    def unregister_event(self, event: str, function: Callable[[Event, Manager], Any]) -> None:
        """Remove a callback; ``ValueError`` if it was not registered (as pyst2)."""
        callbacks = list(self._event_callbacks.get(event, []))
        callbacks.remove(function)
        self._event_callbacks[event] = callbacks

    # --- actions ----------------------------------------------------------------------------

    def send_action(
        self, cdict: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> ManagerMsg:
        """Send an action and return its response (for a list action, the first response; the
        items go to the event callbacks). Header order is the dict's; a list value repeats
        the header; an ``ActionID`` is added if missing. Neither ``cdict`` nor a default is
        changed.

        Raises:
            ManagerException: not connected.
            ManagerSocketException: the write failed or the connection ended first
                (``(0, 'Connection Terminated')``).
            ManagerTimeoutException: no answer within the connect ``timeout``.
            LocalProtocolError: a header value holds a line feed (header injection).
        """
        return self._send(cdict, kwargs, self._timeout)

    def _send(
        self, cdict: Mapping[str, Any] | None, kwargs: Mapping[str, Any], timeout: float | None
    ) -> ManagerMsg:
        if not self._connected.is_set():
            raise ManagerException("Not connected")
        headers = dict(cdict) if cdict else {}
        headers.update(kwargs)
        if not headers.get("ActionID"):
            headers["ActionID"] = self.get_actionID()
        fields: list[tuple[str, str]] = []
        for key, value in headers.items():
            if isinstance(value, (list, tuple)):
                fields.extend((str(key), str(item)) for item in value)
            else:
                fields.append((str(key), str(value)))
        action = Action(fields)
        waiter = _Waiter()
        with self._lock:
            try:
                action = self._corr.track(action)
            except PystError as exc:  # the ActionID is already waiting
                raise ManagerException(str(exc)) from exc
            data = self._conn.send(action)
            action_id = action.action_id
            assert action_id is not None
            self._waiters[action_id] = waiter
            sock = self._sock
        try:
            with self._write_lock:
                assert sock is not None
                sock.sendall(data)
        except OSError as exc:
            self._forget(action_id)
            raise ManagerSocketException(exc.errno or 0, exc.strerror or str(exc)) from exc
        if not waiter.event.wait(timeout):
            self._forget(action_id)
            raise ManagerTimeoutException(
                f"no answer to {action.name} (ActionID {action_id}) within {timeout} s"
            )
        if waiter.response is None:
            raise ManagerSocketException(0, "Connection Terminated")
        return ManagerMsg(waiter.response)

    def _forget(self, action_id: str) -> None:
        with self._lock:
            self._waiters.pop(action_id, None)
            self._corr.cancel(action_id)

    def login(
        self, username: str, secret: str, *, events: bool | str | None = None
    ) -> ManagerMsg:
        """Log in; raises :class:`ManagerAuthException` (the server's ``Message``) when
        refused. ``events`` (new) is the Login's ``Events:`` header (``False``: none)."""
        cdict: dict[str, Any] = {"Action": "Login", "Username": username, "Secret": secret}
        if events is not None:
            cdict["Events"] = "on" if events is True else "off" if events is False else events
        response = self.send_action(cdict)
        if response.get_header("Response") == "Error":
            raise ManagerAuthException(response.get_header("Message"))
        return response

    def logoff(self, timeout: float | None = None) -> ManagerMsg | None:
        """Send ``Logoff``; the server answers ``Goodbye`` and closes, which ends the session.
        Returns the response, or ``None`` when not connected (or the server closed first)."""
        if not self._connected.is_set() or self._logged_off:
            return None
        self._logged_off = True
        try:
            return self._send({"Action": "Logoff"}, {}, timeout or self._timeout)
        except ManagerSocketException:
            return None  # it closed before answering: the session is over all the same
        except ManagerException:
            if not self._connected.is_set():
                return None
            raise

    def ping(self) -> ManagerMsg:
        """Send ``Ping``."""
        return self.send_action({"Action": "Ping"})

    def hangup(self, channel: str) -> ManagerMsg:
        """Hang up ``channel``."""
        return self.send_action({"Action": "Hangup", "Channel": channel})

    def status(self, channel: str = "") -> ManagerMsg:
        """``Status`` (``Channel`` is always sent, empty for every channel, as pyst2)."""
        return self.send_action({"Action": "Status", "Channel": channel})

    def redirect(
        self,
        channel: str,
        exten: str,
        priority: str = "1",
        extra_channel: str = "",
        context: str = "",
    ) -> ManagerMsg:
        """``Redirect`` a channel."""
        cdict: dict[str, Any] = {
            "Action": "Redirect",
            "Channel": channel,
            "Exten": exten,
            "Priority": priority,
        }
        if context:
            cdict["Context"] = context
        if extra_channel:
            cdict["ExtraChannel"] = extra_channel
        return self.send_action(cdict)

    def originate(
        self,
        channel: str,
        exten: str,
        context: str = "",
        priority: str = "",
        timeout: str = "",
        application: str = "",
        data: str = "",
        caller_id: str = "",
        run_async: bool = False,
        earlymedia: str = "false",
        account: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> ManagerMsg:
        """``Originate`` with pyst2 0.5.1's arguments and order; ``variables`` become one
        ``Variable: k=v`` header each, ``run_async`` sends ``Async: yes``. ``EarlyMedia`` is
        sent only when true (pyst2 always sent ``EarlyMedia: false``, which means the same)."""
        cdict: dict[str, Any] = {"Action": "Originate", "Channel": channel, "Exten": exten}
        if context:
            cdict["Context"] = context
        if priority:
            cdict["Priority"] = priority
        if timeout:
            cdict["Timeout"] = timeout
        if application:
            cdict["Application"] = application
        if data:
            cdict["Data"] = data
        if caller_id:
            cdict["CallerID"] = caller_id
        if run_async:
            cdict["Async"] = "yes"
        if earlymedia and str(earlymedia).lower() not in ("false", "no", "0", "off"):
            cdict["EarlyMedia"] = earlymedia
        if account:
            cdict["Account"] = account
        if variables:
            cdict["Variable"] = [f"{key}={value}" for key, value in variables.items()]
        return self.send_action(cdict)

    def mailbox_status(self, mailbox: str) -> ManagerMsg:
        """``MailboxStatus``."""
        return self.send_action({"Action": "MailboxStatus", "Mailbox": mailbox})

    def command(self, command: str) -> ManagerMsg:
        """``Command``: the CLI output is in ``.data`` (see :class:`ManagerMsg`)."""
        return self.send_action({"Action": "Command", "Command": command})

    def extension_state(self, exten: str, context: str) -> ManagerMsg:
        """``ExtensionState``."""
        return self.send_action({"Action": "ExtensionState", "Exten": exten, "Context": context})

    def playdtmf(self, channel: str, digit: str) -> ManagerMsg:
        """``PlayDTMF``."""
        return self.send_action({"Action": "PlayDTMF", "Channel": channel, "Digit": digit})

    def absolute_timeout(self, channel: str, timeout: int | str) -> ManagerMsg:
        """``AbsoluteTimeout``."""
        return self.send_action(
            {"Action": "AbsoluteTimeout", "Channel": channel, "Timeout": timeout}
        )

    def mailbox_count(self, mailbox: str) -> ManagerMsg:
        """``MailboxCount``."""
        return self.send_action({"Action": "MailboxCount", "Mailbox": mailbox})

    def sippeers(self) -> ManagerMsg:
        """``Sippeers`` (chan_sip; gone from Asterisk 21)."""
        return self.send_action({"Action": "Sippeers"})

    def sipshowpeer(self, peer: str) -> ManagerMsg:
        """``SIPshowpeer``."""
        return self.send_action({"Action": "SIPshowpeer", "Peer": peer})

    def sipshowregistry(self) -> ManagerMsg:
        """``SIPShowregistry``."""
        return self.send_action({"Action": "SIPShowregistry"})

    def iaxregistry(self) -> ManagerMsg:
        """``IAXregistry``."""
        return self.send_action({"Action": "IAXregistry"})

    def reload(self, module: str) -> ManagerMsg:
        """``Reload`` a module."""
        return self.send_action({"Action": "Reload", "Module": module})

    def dbdel(self, family: str, key: str) -> ManagerMsg:
        """``DBDel``."""
        return self.send_action({"Action": "DBDel", "Family": family, "Key": key})

    def dbdeltree(self, family: str, key: str) -> ManagerMsg:
        """``DBDelTree``."""
        return self.send_action({"Action": "DBDelTree", "Family": family, "Key": key})

    def dbget(self, family: str, key: str) -> ManagerMsg:
        """``DBGet``: the value arrives as a ``DBGetResponse`` event (to the callbacks)."""
        return self.send_action({"Action": "DBGet", "Family": family, "Key": key})

    def dbput(self, family: str, key: str, val: str) -> ManagerMsg:
        """``DBPut``."""
        return self.send_action({"Action": "DBPut", "Family": family, "Key": key, "Val": val})
