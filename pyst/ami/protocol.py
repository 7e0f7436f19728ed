"""Sans-IO AMI connection: bytes in, messages out; messages in, bytes out.

One :class:`AMIConnection` object per TCP connection, in either role, after h11::

    conn = AMIConnection(Role.CLIENT)          # or Role.SERVER for a fake Asterisk
    conn.receive_data(sock.recv(65536))        # b"" means EOF
    while True:
        event = conn.next_event()
        if event is NEED_DATA:
            break
        ...                                    # Banner, Response, Event, ConnectionClosed...
    sock.sendall(conn.send(Action.make("Ping")))

:meth:`AMIConnection.receive` does ``receive_data`` and drains ``next_event`` into a list.
Nothing here touches sockets, threads or event loops; the asyncio and blocking clients and the
fake server are thin I/O layers over this class.

Roles and what :meth:`~AMIConnection.next_event` yields
-------------------------------------------------------
``Role.CLIENT`` reads what Asterisk writes: first a :class:`~pyst.ami.messages.Banner` (the
greeting line ``Asterisk Call Manager/11.0.0``, with no empty line after it), then
:class:`~pyst.ami.messages.Response`, :class:`~pyst.ami.messages.Event`, or a plain
:class:`~pyst.ami.messages.Message` for a block that has neither header. A legacy
``Response: Follows`` reply (Asterisk 13 and older ``Command``) is read up to its
``--END COMMAND--`` line even when the raw CLI text holds empty lines. Stray empty lines
between messages are skipped. Messages are parsed lazily (see :mod:`pyst.ami.messages`).

``Role.SERVER`` reads what a client writes, line by line, exactly as Asterisk 22's
``get_input``/``do_message`` do (PROTOCOL.md 1.2): every block becomes an
:class:`~pyst.ami.messages.Action` (even an empty one, which Asterisk answers with
``Missing action in request``), except that

* a line whose ``\\n`` is not within the 1024-byte input buffer (more than 1022 characters
  before CRLF, 1023 before a bare LF) is dropped: the 1023 buffered bytes go, the last one is
  kept and starts the next line, and the block is flagged;
* lines past the 128th are dropped and the block is flagged;

and a flagged block yields a :class:`~pyst.ami.messages.BadAction` whose ``reason`` is the
exact text Asterisk answers with (``Failed to parse message: line too long`` or
``Too many lines in message or allocation failure``) and whose ActionID is the one Asterisk
kept. Nothing is raised: reply with :func:`~pyst.ami.messages.make_bad_action_response` and
keep going. As in Asterisk, a NUL ends a line's text (a line starting with NUL counts as
empty), and when a block is both too long and has too many lines, "too many lines" is answered
and the "line too long" flag stays set for the next block (Asterisk clears it only when it
sends that error).

End of stream: ``receive_data(b"")``. Complete messages are still returned; then a
:class:`ConnectionClosed` whose ``partial`` holds the bytes of an unfinished message
(``b""`` after a clean close), so a peer that closed mid-message is detectable. It is returned
again on later calls.

Limits: the client role refuses (``RemoteProtocolError``) a message larger than
``max_message_size`` bytes (default :data:`DEFAULT_MAX_MESSAGE_SIZE`, 8 MiB: a big
``Command`` reply such as a full ``dialplan show`` stays well below it) as soon as that many
bytes are buffered without a message end, so memory stays bounded even if no empty line ever
comes, and a greeting longer than :data:`MAX_BANNER_LENGTH`. Call ``next_event`` until
``NEED_DATA`` after each ``receive_data`` (``receive`` does): the limit is checked there.

Errors: bad bytes from the peer raise :class:`~pyst.errors.RemoteProtocolError` (only in the
client role: an unusable greeting or an oversized message), after the messages received
before them have been returned; the connection then stays in state ``ERROR``. Asking to send
something the state or role does not allow raises :class:`~pyst.errors.LocalProtocolError`
naming the state and the message. Nothing else is raised, whatever the bytes.

States (``our_state`` is our side, ``their_state`` the peer's, as far as parsed)::

    role    side    state         message           -> new state
    CLIENT  ours    OPEN          Action            -> OPEN    (sending before the banner is fine)
    CLIENT  ours    OPEN          ConnectionClosed  -> CLOSED
    CLIENT  theirs  AWAIT_BANNER  Banner            -> OPEN
    CLIENT  theirs  AWAIT_BANNER  ConnectionClosed  -> CLOSED  (Asterisk over authlimit)
    CLIENT  theirs  OPEN          Response, Event, Message -> OPEN
    CLIENT  theirs  OPEN          ConnectionClosed  -> CLOSED
    SERVER  ours    SEND_BANNER   Banner            -> OPEN
    SERVER  ours    SEND_BANNER   ConnectionClosed  -> CLOSED  (close before the banner)
    SERVER  ours    OPEN          Response, Event   -> OPEN
    SERVER  ours    OPEN          ConnectionClosed  -> CLOSED
    SERVER  theirs  OPEN          Action, BadAction -> OPEN
    SERVER  theirs  OPEN          ConnectionClosed  -> CLOSED
    any     theirs  any           (protocol error)  -> ERROR

``send(ConnectionClosed())`` returns ``b""`` and records that we are closing.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from pyst.ami.messages import (
    _BLANKS,
    LINE_TOO_LONG,
    TOO_MANY_LINES,
    Action,
    BadAction,
    Banner,
    Event,
    Message,
    Response,
    _fold,
    _lines_to_fields,
    _parse_text,
)
from pyst.errors import LocalProtocolError, RemoteProtocolError

logger = logging.getLogger(__name__)

__all__ = [
    "ASTERISK_INPUT_BUFFER",
    "ASTERISK_MAX_HEADERS",
    "CLIENT",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "MAX_BANNER_LENGTH",
    "NEED_DATA",
    "SERVER",
    "AMIConnection",
    "ConnectionClosed",
    "NeedData",
    "ReceivedEvent",
    "Role",
    "SendableEvent",
    "State",
]

#: Default client-side limit on one message, in bytes (8 MiB).
DEFAULT_MAX_MESSAGE_SIZE: Final = 8 * 1024 * 1024
#: Longest greeting line accepted by the client role, in bytes.
MAX_BANNER_LENGTH: Final = 1024
#: Asterisk's session input buffer (``inbuf[1025]`` less the NUL): a line and its terminator
#: must fit, so at most 1022 characters before CRLF (1023 before a bare LF).
ASTERISK_INPUT_BUFFER: Final = 1024
#: Asterisk's ``AST_MAX_MANHEADERS``: lines kept per block.
ASTERISK_MAX_HEADERS: Final = 128

_END_COMMAND = b"--END COMMAND--"
_LEGACY_START = b"Response: Follows"


class Role(enum.Enum):
    """Which end of the connection this object plays."""

    CLIENT = "client"
    SERVER = "server"


CLIENT: Final = Role.CLIENT
SERVER: Final = Role.SERVER


class State(enum.Enum):
    """Connection states (see the module docstring for the table)."""

    AWAIT_BANNER = "AWAIT_BANNER"
    SEND_BANNER = "SEND_BANNER"
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    ERROR = "ERROR"


class NeedData:
    """Type of :data:`NEED_DATA`: nothing complete yet, call ``receive_data``."""

    __slots__ = ()
    _instance: NeedData | None = None

    def __new__(cls) -> NeedData:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NEED_DATA"


#: Returned by :meth:`AMIConnection.next_event` when more bytes are needed.
NEED_DATA: Final = NeedData()


@dataclass(frozen=True)
class ConnectionClosed:
    """The peer closed (received) or we close (sent; ``to_bytes()`` is ``b""``).

    ``partial``: bytes of a message the peer left unfinished (``b""`` for a clean close). In
    the server role, the lines already read are given back with CRLF ends.
    """

    partial: bytes = b""

    def to_bytes(self) -> bytes:
        """Nothing goes on the wire; the I/O layer closes the socket."""
        return b""


ReceivedEvent = Banner | Action | Response | Event | Message | BadAction | ConnectionClosed
SendableEvent = Banner | Message | ConnectionClosed

_O, _A, _C = State.OPEN, State.AWAIT_BANNER, State.CLOSED

# role -> state -> message class -> new state. The message class is looked up along the MRO,
# so subclasses of Action (pyst.ami.actions) are sendable as Actions.
_SEND: Mapping[Role, Mapping[State, Mapping[type, State]]] = {
    Role.CLIENT: {_O: {Action: _O, ConnectionClosed: _C}},
    Role.SERVER: {
        State.SEND_BANNER: {Banner: _O, ConnectionClosed: _C},
        _O: {Response: _O, Event: _O, ConnectionClosed: _C},
    },
}
_RECEIVE: Mapping[Role, Mapping[State, Mapping[type, State]]] = {
    Role.CLIENT: {
        _A: {Banner: _O, ConnectionClosed: _C},
        _O: {Response: _O, Event: _O, Message: _O, ConnectionClosed: _C},
    },
    Role.SERVER: {_O: {Action: _O, BadAction: _O, ConnectionClosed: _C}},
}
_INITIAL: Mapping[Role, tuple[State, State]] = {
    Role.CLIENT: (State.OPEN, State.AWAIT_BANNER),
    Role.SERVER: (State.SEND_BANNER, State.OPEN),
}
_EMPTY: Mapping[type, State] = {}


class AMIConnection:
    """One AMI connection, sans I/O, in the client or the server role.

    ``AMIConnection(role, *, max_message_size=DEFAULT_MAX_MESSAGE_SIZE)``; ``role`` is a
    :class:`Role` or ``"client"``/``"server"``. Raises ``ValueError`` for an unknown role or a
    non-positive size.
    """

    def __init__(
        self, role: Role | str, *, max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE
    ) -> None:
        self._role = Role(role)
        if max_message_size <= 0:
            raise ValueError(f"max_message_size must be positive, not {max_message_size}")
        self._max = int(max_message_size)
        self._our_state, self._their_state = _INITIAL[self._role]
        self._recv_table = _RECEIVE[self._role].get(self._their_state, _EMPTY)
        self._banner: Banner | None = None
        self._buf = bytearray()
        self._pos = 0
        self._eof = False
        self._events: deque[ReceivedEvent] = deque()
        self._error: tuple[str, bytes] | None = None  # (message, data) of the failure
        self._closed: ConnectionClosed | None = None
        # Client scanning state: next match of b"\n\r\n" / b"\n\n" / --END COMMAND-- at or
        # after the current message start (-1: none before *_checked). Each byte is searched
        # once per pattern, however the stream is chunked: parsing stays linear.
        self._crlf_next = -1
        self._crlf_checked = 0
        self._lf_next = -1
        self._lf_checked = 0
        self._marker_next = -1
        self._marker_checked = 0
        # Server line state (Asterisk's struct message and session flags).
        self._server_role = self._role is Role.SERVER
        self._lines: list[bytes] = []
        self._too_long = False
        self._hdr_loss = False

    # --- introspection ---------------------------------------------------------------------

    @property
    def role(self) -> Role:
        """The role given at construction."""
        return self._role

    @property
    def our_state(self) -> State:
        """Our side's state (changes in :meth:`send`)."""
        return self._our_state

    @property
    def their_state(self) -> State:
        """The peer's state, as far as the received bytes have been parsed."""
        return self._their_state

    @property
    def banner(self) -> Banner | None:
        """The greeting received (client role) or sent (server role), once there is one."""
        return self._banner

    @property
    def max_message_size(self) -> int:
        """The client-side limit on one message, in bytes."""
        return self._max

    @property
    def trailing_data(self) -> bytes:
        """Bytes received but not yet turned into messages (a partial message; in the server
        role the lines already read are given back with CRLF ends)."""
        return self._partial()

    def _partial(self) -> bytes:
        partial = bytes(self._buf[self._pos :])
        if self._lines:
            partial = b"".join(line + b"\r\n" for line in self._lines) + partial
        return partial

    # --- receiving -------------------------------------------------------------------------

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Add bytes from the peer; ``b""`` means the peer closed (EOF).

        Raises :class:`~pyst.errors.LocalProtocolError` for data after EOF. After a
        :class:`~pyst.errors.RemoteProtocolError` the data is dropped (nothing more is read).
        """
        if not data:
            self._eof = True
            return
        if self._eof:
            raise LocalProtocolError("receive_data() called with data after EOF")
        if self._error is not None:
            return
        pos = self._pos
        if (
            self._server_role and pos == len(self._buf) and type(data) is bytes
            and not self._lines and not self._too_long and not self._hdr_loss
            and self._closed is None
        ):
            # Server fast path: a request/response client sends one whole action per
            # segment. When the chunk is exactly one block that _server_block() would take
            # (it fits Asterisk's buffer, at most 128 lines, no NUL, no bare-LF empty line,
            # no empty first line), parse it straight from the chunk: no buffering, no scan.
            # (`0 in data` and find() rather than `b"..." in data`: CPython's bytes
            # __contains__ first tries the needle as an int and builds, then drops, a
            # TypeError for a bytes needle: ~2k instructions per test on this path.)
            n = len(data)
            if (
                n < ASTERISK_INPUT_BUFFER and data[0] > 13 and data.endswith(b"\r\n\r\n")
                and data.find(b"\n\r\n") == n - 3 and data.find(b"\n\n") < 0
                and 0 not in data and data.count(b"\n") <= ASTERISK_MAX_HEADERS + 1
            ):
                # A message over its wire bytes, split into fields on first use (the same
                # _parse_text() of the same decoded text). _emit() without the table: an
                # Action keeps the server's OPEN state.
                self._events.append(Action._from_raw(data[:-4]))
                return
        if pos and pos == len(self._buf):
            # Everything read so far was consumed (the usual case between two blocks of a
            # request/response peer): start a fresh buffer, no bytes to move.
            self._buf = bytearray(data)
            self._pos = 0
            self._crlf_next = self._lf_next = self._marker_next = -1
            self._crlf_checked = self._lf_checked = self._marker_checked = 0
            return
        if pos:
            buf = self._buf
            del buf[:pos]
            self._pos = 0
            # Keep the scan state in step with the shifted buffer.
            self._crlf_next = self._crlf_next - pos if self._crlf_next >= pos else -1
            self._crlf_checked = max(self._crlf_checked - pos, 0)
            self._lf_next = self._lf_next - pos if self._lf_next >= pos else -1
            self._lf_checked = max(self._lf_checked - pos, 0)
            self._marker_next = self._marker_next - pos if self._marker_next >= pos else -1
            self._marker_checked = max(self._marker_checked - pos, 0)
        self._buf += data

    def next_event(self) -> ReceivedEvent | NeedData:
        """The next complete message, :class:`ConnectionClosed`, or :data:`NEED_DATA`.

        Raises :class:`~pyst.errors.RemoteProtocolError` when the peer broke the protocol
        (client role: unusable greeting, message over ``max_message_size``); again on later
        calls.
        """
        events = self._events
        if events:
            return events.popleft()
        if self._error is None and self._closed is None:
            if self._pos == len(self._buf) and not self._eof and not self._lines:
                return NEED_DATA  # nothing unread: no parser pass needed
            self._parse()
            if events:
                return events.popleft()
        if self._error is not None:
            raise RemoteProtocolError(*self._error)
        if self._closed is not None:
            return self._closed
        return NEED_DATA

    def receive(self, data: bytes | bytearray | memoryview) -> list[ReceivedEvent]:
        """``receive_data(data)``, then every complete event (a :class:`ConnectionClosed` ends
        the list). Raises what :meth:`next_event` raises, once the events before the error have
        been returned (that is, on the next call)."""
        self.receive_data(data)
        events = self._events
        if self._error is None and self._closed is None:
            self._parse()
        if not events:
            if self._error is not None:
                raise RemoteProtocolError(*self._error)
            if self._closed is not None:
                return [self._closed]
            return []
        out = list(events)
        events.clear()
        return out

    # --- sending ---------------------------------------------------------------------------

    def send(self, event: SendableEvent) -> bytes:
        """The bytes for ``event``, after checking the role and state allow it.

        Raises :class:`~pyst.errors.LocalProtocolError` naming the state and the message when
        they do not, or when the message cannot be written (see
        :meth:`~pyst.ami.messages.Message.to_bytes`).
        """
        table = _SEND[self._role].get(self._our_state, _EMPTY)
        new_state = None
        for cls in type(event).__mro__:
            new_state = table.get(cls)
            if new_state is not None:
                break
        if new_state is None:
            raise LocalProtocolError(
                f"{self._role.name}: cannot send {type(event).__name__} in state "
                f"{self._our_state.name}: {event!r:.200}"
            )
        data = event.to_bytes()
        if isinstance(event, Banner):
            self._banner = event
        if new_state is not self._our_state:
            logger.debug("%s: our state %s -> %s", self._role.name, self._our_state.name,
                         new_state.name)
        self._our_state = new_state
        return data

    # --- internals -------------------------------------------------------------------------

    def _set_their_state(self, state: State) -> None:
        logger.debug("%s: their state %s -> %s", self._role.name, self._their_state.name,
                     state.name)
        self._their_state = state
        self._recv_table = _RECEIVE[self._role].get(state, _EMPTY)

    def _emit(self, event: ReceivedEvent) -> None:
        new_state = self._recv_table.get(type(event))
        if new_state is None:  # pragma: no cover - the parsers only produce allowed events
            raise LocalProtocolError(
                f"{self._role.name}: received {type(event).__name__} in state "
                f"{self._their_state.name}"
            )
        if new_state is not self._their_state:
            self._set_their_state(new_state)
        self._events.append(event)

    def _fail(self, message: str, data: bytes) -> None:
        logger.debug("%s: remote protocol error: %s", self._role.name, message)
        self._error = (message, data)
        self._set_their_state(State.ERROR)
        # Free the buffer: nothing more will be read from it.
        self._buf = bytearray()
        self._pos = 0

    def _parse(self) -> None:
        # (Module constants, not State.X: an Enum class attribute costs a __getattr__ hook in
        # 3.11, and this runs for every chunk read.)
        if not self._server_role:
            if self._their_state is _A:
                self._parse_banner()
            if self._their_state is _O:
                self._parse_client()
        else:
            self._parse_server()
        if self._eof and self._error is None and self._closed is None:
            self._close_received()

    def _close_received(self) -> None:
        partial = self._partial()
        self._lines = []
        if partial:
            logger.debug("%s: peer closed in the middle of a message (%d bytes)",
                         self._role.name, len(partial))
        self._buf = bytearray()
        self._pos = 0
        self._closed = ConnectionClosed(partial)
        self._emit(self._closed)

    def _parse_banner(self) -> None:
        buf = self._buf
        pos = self._pos
        nl = buf.find(b"\n", pos, pos + MAX_BANNER_LENGTH + 1)
        if nl < 0:
            if len(buf) - pos > MAX_BANNER_LENGTH:
                self._fail(f"no AMI greeting line within {MAX_BANNER_LENGTH} bytes",
                           bytes(buf[pos:]))
            return
        line = bytes(buf[pos:nl])
        if line.endswith(b"\r"):
            line = line[:-1]
        text = line.decode("utf-8", "surrogateescape")
        # pyst2's rule for the greeting: a line with a "/" and no ":" (a header is no banner).
        if "/" not in text or ":" in text or "\r" in text or "\0" in text:
            self._fail(
                f"expected the AMI greeting 'Asterisk Call Manager/<version>', got {text!r}",
                bytes(buf[pos : nl + 1]),
            )
            return
        self._pos = nl + 1
        self._banner = Banner(text)
        self._emit(self._banner)

    def _parse_client(self) -> None:
        # The hot path: one bytes.find per message for CRLF streams, a slice, a class pick.
        # Fields are split later, on first use (Message._from_raw).
        buf = self._buf
        pos = self._pos
        n = len(buf)
        limit = self._max
        append = self._events.append
        crlf_next, crlf_checked = self._crlf_next, self._crlf_checked
        lf_next, lf_checked = self._lf_next, self._lf_checked
        new = object.__new__
        # _RECEIVE keeps OPEN on Response, Event and Message: the loop appends directly.
        while pos < n:
            first = buf[pos]
            if first == 10:  # an empty line between messages: Asterisk never sends one; skip
                pos += 1
                continue
            if first == 13:
                if pos + 1 >= n:
                    break
                if buf[pos + 1] == 10:
                    pos += 2
                    continue
            elif first == 82 and buf.startswith(_LEGACY_START, pos):  # b"R"
                tail = buf[pos + 17 : pos + 19]
                if tail[:1] == b"\n" or tail == b"\r\n":
                    self._pos = pos
                    self._crlf_next, self._crlf_checked = crlf_next, crlf_checked
                    self._lf_next, self._lf_checked = lf_next, lf_checked
                    done = self._parse_legacy(pos, n)
                    if done < 0:
                        return
                    pos = done
                    crlf_next, crlf_checked = self._crlf_next, self._crlf_checked
                    lf_next, lf_checked = self._lf_next, self._lf_checked
                    continue
                if len(tail) < 2:
                    break  # cannot tell yet whether the line is exactly "Response: Follows"
            # Find the empty line that ends this message: b"\n\r\n" or b"\n\n".
            if crlf_next < pos:
                start = pos if pos > crlf_checked else crlf_checked
                crlf_next = buf.find(b"\n\r\n", start)
                if crlf_next < 0:
                    crlf_checked = n - 2 if n - 2 > start else start
            if lf_next < pos:
                start = pos if pos > lf_checked else lf_checked
                lf_next = buf.find(b"\n\n", start)
                if lf_next < 0:
                    lf_checked = n - 1 if n - 1 > start else start
            if crlf_next >= 0 and (lf_next < 0 or crlf_next < lf_next):
                end = crlf_next
                after = end + 3
            elif lf_next >= 0:
                end = lf_next
                after = end + 2
            else:
                if n - pos > limit:
                    self._fail(f"message larger than max_message_size ({limit} bytes)",
                               bytes(buf[pos : pos + 256]))
                    return
                break
            if after - pos > limit:
                self._fail(f"message larger than max_message_size ({limit} bytes)",
                           bytes(buf[pos : pos + 256]))
                return
            # buf[end] is the LF ending the last line; one CR before it belongs to the line end.
            raw = bytes(buf[pos : end - 1 if buf[end - 1] == 13 else end])
            pos = after
            if raw.startswith(b"Event:"):
                msg: Message = new(Event)
            elif raw.startswith(b"Response:"):
                msg = new(Response)
            else:
                append(_classify(raw))
                continue
            msg._raw = raw
            msg._low = None
            msg._parsed = None
            append(msg)
        self._pos = pos
        self._crlf_next, self._crlf_checked = crlf_next, crlf_checked
        self._lf_next, self._lf_checked = lf_next, lf_checked

    def _parse_legacy(self, pos: int, n: int) -> int:
        """A legacy ``Response: Follows`` reply at ``pos``: its end is the empty line after the
        ``--END COMMAND--`` marker (the raw CLI text may hold empty lines). Returns the position
        after it, or -1 (need data / failed)."""
        buf = self._buf
        marker = self._marker_next
        if marker < pos:
            start = max(pos, self._marker_checked)
            marker = buf.find(_END_COMMAND, start)
            self._marker_next = marker
            if marker < 0:
                self._marker_checked = max(n - len(_END_COMMAND) + 1, start)
        end = after = -1
        if marker >= 0:
            # The first empty line at or after the marker, using (and keeping) the scan state.
            if self._crlf_next < marker:
                start = max(marker, self._crlf_checked)
                self._crlf_next = buf.find(b"\n\r\n", start)
                if self._crlf_next < 0:
                    self._crlf_checked = max(n - 2, start)
            if self._lf_next < marker:
                start = max(marker, self._lf_checked)
                self._lf_next = buf.find(b"\n\n", start)
                if self._lf_next < 0:
                    self._lf_checked = max(n - 1, start)
            c, lf = self._crlf_next, self._lf_next
            if c >= 0 and (lf < 0 or c < lf):
                end, after = c, c + 3
            elif lf >= 0:
                end, after = lf, lf + 2
        if end < 0:
            if n - pos > self._max:
                self._fail(f"message larger than max_message_size ({self._max} bytes)",
                           bytes(buf[pos : pos + 256]))
            return -1
        if after - pos > self._max:
            self._fail(f"message larger than max_message_size ({self._max} bytes)",
                       bytes(buf[pos : pos + 256]))
            return -1
        text = bytes(buf[pos : end + 1]).decode("utf-8", "surrogateescape")
        marker_at = text.find(_END_COMMAND.decode())
        # Headers: the Response line, then lines that end in CRLF and hold a colon (pyst2's
        # rule) before the marker line; the raw text starts at the first other line and is kept
        # verbatim, up to and including the marker line.
        fields = []
        p = 0
        first = True
        while True:
            e = text.find("\n", p)
            line = text[p:e]
            if not first and (not line.endswith("\r") or ":" not in line or e >= marker_at):
                break
            first = False
            if line.endswith("\r"):
                line = line[:-1]
            name, _, value = line.partition(":")
            fields.append((name, value.lstrip(_BLANKS)))
            p = e + 1
            # No need to check for the end of text: the marker line always ends the loop.
        self._events.append(Response._from_parts(tuple(fields), (), text[p:]))
        self._marker_next = -1
        return after

    def _parse_server(self) -> None:
        # Asterisk 22 get_input(): a line ends at the first LF within the 1024-byte buffer
        # (a CR right before it is part of the line end). Without one, the buffer is full:
        # drop it but its last byte, flag the block (MESSAGE_LINE_TOO_LONG), go on.
        buf = self._buf
        pos = self._pos
        n = len(buf)
        lines = self._lines
        size = ASTERISK_INPUT_BUFFER
        while pos < n:
            if not lines and not self._too_long and not self._hdr_loss:
                # Fast path (same result as the line loop below): a whole block is buffered,
                # every line fits Asterisk's buffer, at most 128 lines, no NUL. One search for
                # the empty line, one decode, one split. Otherwise the line loop takes it,
                # line by line, so a block that arrives slowly is never rescanned.
                done = self._server_block(buf, pos, n)
                if done > 0:
                    pos = done
                    continue
            nl = buf.find(b"\n", pos, pos + size)
            if nl < 0:
                if n - pos >= size:
                    pos += size - 1
                    self._too_long = True
                    continue
                break
            line = bytes(buf[pos:nl])
            pos = nl + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            nul = line.find(b"\0")
            if nul >= 0:  # C strings: the line's text ends at the NUL
                line = line[:nul]
            if line:
                if len(lines) < ASTERISK_MAX_HEADERS:
                    lines.append(line)
                else:
                    self._hdr_loss = True  # do_message(): lines past 128 are dropped
                continue
            # The empty line: the block is complete (do_message()).
            fields, bare = _lines_to_fields(
                line.decode("utf-8", "surrogateescape") for line in lines
            )
            action = Action._from_parts(fields, bare)
            lines.clear()
            if self._hdr_loss:
                self._hdr_loss = False
                self._emit(BadAction(TOO_MANY_LINES, action))
            elif self._too_long:
                self._too_long = False
                self._emit(BadAction(LINE_TOO_LONG, action))
            else:
                self._emit(action)
        self._pos = pos

    def _server_block(self, buf: bytearray, pos: int, n: int) -> int:
        """The fast path of :meth:`_parse_server`: emit the block at ``pos`` and return the
        position after its empty line, or 0 when the line loop must handle it."""
        first = buf[pos]
        if first == 10 or (first == 13 and buf[pos + 1 : pos + 2] == b"\n"):
            return 0  # an empty block: the line loop answers it
        window = min(n, pos + _FAST_BLOCK_LIMIT)
        crlf = buf.find(b"\n\r\n", pos, window)
        # A bare-LF empty line before it? Only the bytes before the CRLF one are searched.
        lf = buf.find(b"\n\n", pos, crlf + 1 if crlf >= 0 else window)
        if lf >= 0:
            end, after = lf, lf + 2
        elif crlf >= 0:
            end, after = crlf, crlf + 3
        else:
            return 0
        block = buf[pos:end]  # a bytearray copy; decoded as such, no second copy to bytes
        if 0 in block or block.count(b"\n") >= ASTERISK_MAX_HEADERS:
            return 0
        if len(block) > ASTERISK_INPUT_BUFFER - 1 and max(
            map(len, block.split(b"\n"))
        ) > ASTERISK_INPUT_BUFFER - 1:
            return 0
        if block.endswith(b"\r"):
            block = block[:-1]
        # Over its wire bytes, split into fields on first use, as receive_data()'s fast path
        # gives it: a pipelined block and a block read alone are the same message (and a
        # server may answer from the bytes, as pyst_sim does a Ping, or log them as they are).
        self._emit(Action._from_raw(bytes(block)))
        return after


# Longest block the server fast path looks for: 128 lines of 1024 bytes.
_FAST_BLOCK_LIMIT: Final = ASTERISK_MAX_HEADERS * ASTERISK_INPUT_BUFFER + 2


def _classify(raw: bytes) -> Message:
    """Response/Event/Message for a block whose first line is not exactly ``Event:`` or
    ``Response:``: by the first field's name (any case), else by the presence of the header."""
    fields, bare = _parse_text(raw.decode("utf-8", "surrogateescape"))
    kind: type[Message] = Message
    if fields:
        first = _fold(fields[0][0])
        if first == "event":
            kind = Event
        elif first == "response":
            kind = Response
        else:
            probe = Message._from_parts(fields)
            if probe.get("Event") is not None:
                kind = Event
            elif probe.get("Response") is not None:
                kind = Response
    msg = kind._from_raw(raw)
    msg._parsed = (fields, bare, "")
    return msg

