"""Sans-IO AGI: one connection object, either role, bytes in and messages out.

:class:`AGIConnection` keeps no socket, thread or event loop: feed it what you read with
:meth:`~AGIConnection.receive_data` (``b""`` = EOF), take events from
:meth:`~AGIConnection.next_event` until it returns :data:`NEED_DATA` (or :data:`PAUSED`), and
write what :meth:`~AGIConnection.send` returns (:meth:`~AGIConnection.receive_reply` takes the
common case, one whole ``200 result=`` line, in one call). The same class plays both ends:

``Role.SCRIPT`` — an AGI script, FastAGI handler or AsyncAGI driver talking to Asterisk::

    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(sock.recv(65536))
    env = conn.next_event()                 # AGIEnvironment (after enough data)
    sock.sendall(conn.send(AGICommand.build("GET VARIABLE", "CHANNEL")))
    reply = conn.next_event()               # AGIReply, or Hangup, or NEED_DATA

  Events: :class:`~pyst.agi.messages.AGIEnvironment` (once, first),
  :class:`~pyst.agi.messages.AGIReply` (a ``1xx`` one is provisional: the final reply to the
  same command follows), :class:`~pyst.agi.messages.Hangup` (FastAGI's ``HANGUP`` line: at any
  time after the environment, even while a reply is awaited; the session goes on in dead mode
  and :attr:`~AGIConnection.hangup_notified` turns True),
  :class:`~pyst.agi.messages.ConnectionClosed` (EOF; returned again on every later call).
  Sendable: :class:`~pyst.agi.messages.AGICommand`, :class:`~pyst.agi.messages.Failure`,
  :class:`~pyst.agi.messages.ConnectionClosed` (returns ``b""``: close or half-close the socket;
  replies already due and the final ``HANGUP`` can still be received).

``Role.ASTERISK`` — the Asterisk side, used by the AGI channel simulator::

    conn = AGIConnection(Role.ASTERISK)
    sock.sendall(conn.send(AGIEnvironment.build(request="agi://127.0.0.1/ivr", channel=...)))
    conn.receive_data(sock.recv(65536))
    cmd = conn.next_event()                 # CommandLine (words, matched command, args)
    sock.sendall(conn.send(AGIReply.success(0)))

  Events: :class:`~pyst.agi.messages.CommandLine`, :class:`~pyst.agi.messages.Failure` (a line
  starting with ``failure``: the AGI ends; later input is discarded as Asterisk stops reading),
  :class:`~pyst.agi.messages.ConnectionClosed`. Sendable: the environment (first, once), one
  final :class:`~pyst.agi.messages.AGIReply` per command (``1xx`` replies may come before it),
  :class:`~pyst.agi.messages.Hangup` at any time after the environment,
  :class:`~pyst.agi.messages.ConnectionClosed`. :meth:`~AGIConnection.interrupt` ends a command
  without a reply (a playback command cut short by new input sends none, PROTOCOL.md §2.4).
  Asterisk reads the next command only after answering the current one, so ``next_event``
  returns :data:`PAUSED` until the environment is sent and while a reply is due (like h11, stop
  reading the socket meanwhile; :attr:`~AGIConnection.has_pending_input` tells whether the
  script already wrote more, which is what interrupts playback).

How the ASTERISK role reads commands (res_agi.c run_agi, Asterisk 22.10.1): a command is the
bytes up to ``\\n``, only that ``\\n`` removed (a CR stays in the last word: ``ANSWER\\r`` is
unknown). The line buffer is 8192 bytes (``AGI_BUF_LEN``): a line longer than 8191 bytes is
cut there, the first 8191 bytes are handled as one command and the rest as the next one (the
event has ``terminated=False``). A NUL ends the command text (C string; what follows up to the
newline is lost). That is classic AGI's behaviour; FastAGI's read loop can merge a NUL-holding
line with the next one depending on read timing, which no sans-IO model can reproduce. At EOF,
bytes after the last newline are handled as a last command (Asterisk does so when they and
the EOF come in the same read).

How the SCRIPT role reads: lines end in ``\\n``; a line longer than ``max_line_length`` bytes,
and an environment or 520 block of more than ``max_block_lines`` lines, raise
:class:`~pyst.errors.RemoteProtocolError`, so a peer cannot make memory grow without bound.
Bytes are decoded per complete line (UTF-8 with ``surrogateescape`` by default), so a character
split across reads is decoded whole, and undecodable bytes survive as lone surrogates.

States (:data:`TRANSITIONS` is the whole table; anything else raises, naming the state):

============  ==============================================  ==================================
state         SCRIPT                                          ASTERISK
============  ==============================================  ==================================
AWAIT_ENV     waiting for the environment                     must send the environment first
READY         may send one command                            waiting for a command
AWAIT_REPLY   the reply to the last command is due            must reply (or interrupt)
DONE          sent ``failure``: only HANGUP and EOF follow    got ``failure``: the AGI is over
CLOSED        Asterisk closed the connection (EOF)            not used (EOF sets ``peer_closed``)
============  ==============================================  ==================================

The hangup notice is a flag, not a state (:attr:`~AGIConnection.hangup_notified`): in dead mode
the exchange goes on, and Asterisk answers ``511`` to commands not allowed on a dead channel.
Closing our side is a flag too (:attr:`~AGIConnection.local_closed`).

Errors: what the peer sent wrong raises :class:`~pyst.errors.RemoteProtocolError` (with the
bytes) from ``next_event``, and every later ``next_event`` raises it again; what we were asked
to send wrong raises :class:`~pyst.errors.LocalProtocolError` from ``send`` and changes
nothing. Whatever the bytes, nothing else comes out of ``next_event`` (``receive_data`` raises
only LocalProtocolError, for data after EOF).
"""

from __future__ import annotations

import codecs
import enum
import logging
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import NoReturn, TypeAlias

from pyst.agi.messages import (
    DEFAULT_ENCODING,
    HANGUP_LINE,
    AGICommand,
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Failure,
    Hangup,
    _Fields,
    _is_block_end,
    _parse_status_line,
    parse_env_line,
)
from pyst.agi.quoting import AGI_BUF_LEN, MAX_COMMAND_BYTES, ascii_lower
from pyst.agi.spec import COMMANDS, AGICommandSpec
from pyst.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "DEFAULT_MAX_BLOCK_LINES",
    "DEFAULT_MAX_LINE_LENGTH",
    "NEED_DATA",
    "PAUSED",
    "TRANSITIONS",
    "AGIConnection",
    "Event",
    "Message",
    "Role",
    "Sentinel",
    "State",
]

logger = logging.getLogger(__name__)

#: SCRIPT role: longest line accepted from Asterisk, in bytes (newline excluded).
DEFAULT_MAX_LINE_LENGTH = 1 << 20
#: SCRIPT role: most lines in the environment block or in one 520 usage block.
DEFAULT_MAX_BLOCK_LINES = 4096
# ASTERISK role: fgets(buf, AGI_BUF_LEN) reads at most this many bytes per command.
_ASTERISK_LINE_BYTES = AGI_BUF_LEN - 1
# Drop consumed bytes from the front of the buffer once this many have piled up.
_COMPACT_AFTER = 1 << 16
# SCRIPT role: the longest command line sent, newline included (see AGICommand.to_bytes).
_MAX_COMMAND_LINE = MAX_COMMAND_BYTES + 1
# Codecs (codecs.lookup names) whose decoding of a block equals that of its lines joined.
_BLOCK_CODECS = frozenset({"utf-8", "ascii", "latin-1", "iso8859-1"})
#: One environment line as the line path reads it (parse_env_line): the name up to the first
#: colon (not empty), one optional space, the value to the end of the line.
_ENV_LINE = re.compile(r"^([^:\n]+): ?(.*)$", re.MULTILINE)


class Role(enum.Enum):
    """Which end of the AGI connection this object plays."""

    SCRIPT = "script"
    ASTERISK = "asterisk"


class State(enum.Enum):
    """Where the command/reply exchange stands (see the module docstring's table)."""

    AWAIT_ENV = "await_env"
    READY = "ready"
    AWAIT_REPLY = "await_reply"
    DONE = "done"
    CLOSED = "closed"


class Sentinel(enum.Enum):
    """Non-events returned by :meth:`AGIConnection.next_event`."""

    NEED_DATA = "need_data"
    PAUSED = "paused"


#: No complete event yet: call ``receive_data`` with more bytes (or ``b""`` at EOF).
NEED_DATA = Sentinel.NEED_DATA
#: ASTERISK role: no command is read until you send the environment or the due reply.
PAUSED = Sentinel.PAUSED

#: What ``next_event`` can return besides a :class:`Sentinel`.
Event: TypeAlias = AGIEnvironment | AGIReply | Hangup | ConnectionClosed | CommandLine | Failure
#: What ``send`` accepts (which ones depends on the role).
Message: TypeAlias = AGIEnvironment | AGIReply | Hangup | ConnectionClosed | AGICommand | Failure

_S, _A = Role.SCRIPT, Role.ASTERISK
# The states, bound once for the per-command path: in 3.11 reading an Enum member as a class
# attribute (State.READY) goes through EnumType.__getattr__, about 850 instructions each time.
_AWAIT_ENV, _READY, _AWAIT_REPLY, _DONE, _CLOSED = (
    State.AWAIT_ENV,
    State.READY,
    State.AWAIT_REPLY,
    State.DONE,
    State.CLOSED,
)


def _table() -> dict[tuple[Role, State, str], State]:
    t: dict[tuple[Role, State, str], State] = {
        # SCRIPT: the environment, then command / reply turns.
        (_S, State.AWAIT_ENV, "recv_env"): State.READY,
        (_S, State.READY, "send_command"): State.AWAIT_REPLY,
        (_S, State.AWAIT_REPLY, "recv_provisional"): State.AWAIT_REPLY,
        (_S, State.AWAIT_REPLY, "recv_reply"): State.READY,
        # A child that cannot run the script prints "failure" without reading anything.
        (_S, State.AWAIT_ENV, "send_failure"): State.DONE,
        (_S, State.READY, "send_failure"): State.DONE,
        # ASTERISK: the mirror image.
        (_A, State.AWAIT_ENV, "send_env"): State.READY,
        (_A, State.READY, "recv_command"): State.AWAIT_REPLY,
        (_A, State.AWAIT_REPLY, "send_provisional"): State.AWAIT_REPLY,
        (_A, State.AWAIT_REPLY, "send_reply"): State.READY,
        (_A, State.AWAIT_REPLY, "interrupt"): State.READY,
        (_A, State.READY, "recv_failure"): State.DONE,
    }
    for state in (State.READY, State.AWAIT_REPLY, State.DONE):
        # HANGUP comes between replies whenever Asterisk notices the hangup, and again when
        # the AGI ends (after a failure line too).
        t[_S, state, "recv_hangup"] = state
        t[_A, state, "send_hangup"] = state
    for state in State:
        t[_S, state, "recv_close"] = State.CLOSED
        # Closing our side is a flag (further sends refused), not a state: the peer's data
        # still arrives after a half-close.
        t[_S, state, "send_close"] = state
        t[_A, state, "send_close"] = state
    for state in (State.READY, State.DONE):
        # Asterisk sees EOF only where it reads; it may still write (HANGUP) afterwards.
        t[_A, state, "recv_close"] = state
    return t


#: (role, state, what happened) -> new state. "send_*"/"recv_*" name the message sent or
#: received; a missing entry is a protocol error.
TRANSITIONS: Mapping[tuple[Role, State, str], State] = MappingProxyType(_table())

# The same table, arranged for the hot path: for each role, state -> {what happened: (new
# state, the new state's own entry)}. A connection keeps its current state's entry, so a
# transition is one dict lookup by str (enum members hash in Python code, which cost more
# than the rest of a transition).
_Moves: TypeAlias = "dict[str, tuple[State, _Moves]]"


def _moves_table() -> dict[Role, dict[State, _Moves]]:
    table: dict[Role, dict[State, _Moves]] = {
        role: {state: {} for state in State} for role in Role
    }
    for (role, state, kind), new in TRANSITIONS.items():
        table[role][state][kind] = (new, table[role][new])
    return table


_MOVES = _moves_table()


class AGIConnection:
    """One AGI session, sans-IO, in either role (see the module docstring).

    Args:
        role: ``Role.SCRIPT`` or ``Role.ASTERISK``.
        encoding: how text is carried; must be ASCII-compatible. Undecodable bytes survive as
            lone surrogates (``surrogateescape``).
        max_line_length: SCRIPT role: longest line accepted, in bytes.
        max_block_lines: SCRIPT role: most lines in an environment block or 520 block.
        commands: ASTERISK role: the command table lines are matched against, in
            registration order (default: Asterisk 22.10.1's 47 commands).

    Raises:
        LookupError: unknown encoding.
        ValueError: an encoding that is not ASCII-compatible, or a limit below 1.
    """

    def __init__(
        self,
        role: Role,
        *,
        encoding: str = DEFAULT_ENCODING,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
        max_block_lines: int = DEFAULT_MAX_BLOCK_LINES,
        commands: Sequence[AGICommandSpec] = COMMANDS,
    ) -> None:
        codec = codecs.lookup(encoding)
        probe = "agi_x: HANGUP 200 result=\n"
        if probe.encode(encoding, "surrogateescape") != probe.encode("ascii"):
            raise ValueError(f"the AGI encoding must be ASCII-compatible: {encoding!r}")
        if max_line_length < 1 or max_block_lines < 1:
            raise ValueError("max_line_length and max_block_lines must be at least 1")
        self._role = role if type(role) is Role else Role(role)
        self._encoding = encoding
        self._max_line = max_line_length
        self._max_block = max_block_lines
        # The environment block may be decoded whole when that gives the same text as
        # decoding it line by line (stateless codecs where "\n" is one byte of its own).
        self._block_decode = codec.name in _BLOCK_CODECS
        self._commands = tuple(commands)
        self._state = _AWAIT_ENV
        self._moves = _MOVES[self._role][_AWAIT_ENV]
        self._buffer = bytearray()
        self._start = 0  # first unconsumed byte
        self._scan = 0  # no newline before this offset
        self._eof = False
        self._eof_delivered = False
        self._local_closed = False
        self._hangup = False
        self._error: RemoteProtocolError | None = None
        self._environment: AGIEnvironment | None = None
        self._env_items: dict[str, str] = {}
        # A 520-style block being read: first line's fields, usage lines, raw lines.
        self._block: tuple[_Fields, list[str], list[str]] | None = None
        self._awaiting: AGICommand | None = None
        self._current: CommandLine | None = None

    def __repr__(self) -> str:
        return f"<AGIConnection {self._role.name} {self._state.name}>"

    # --- inspection -----------------------------------------------------------------------

    @property
    def role(self) -> Role:
        """The role given at construction."""
        return self._role

    @property
    def state(self) -> State:
        """The current :class:`State`."""
        return self._state

    @property
    def environment(self) -> AGIEnvironment | None:
        """The environment received (SCRIPT) or sent (ASTERISK), once there is one."""
        return self._environment

    @property
    def hangup_notified(self) -> bool:
        """SCRIPT: a ``HANGUP`` line was received (dead mode). ASTERISK: one was sent."""
        return self._hangup

    @property
    def peer_closed(self) -> bool:
        """``receive_data(b"")`` was called: the peer will send nothing more."""
        return self._eof

    @property
    def local_closed(self) -> bool:
        """``ConnectionClosed`` was sent: :meth:`send` refuses everything now."""
        return self._local_closed

    @property
    def awaiting_reply_to(self) -> AGICommand | None:
        """SCRIPT: the command whose (final) reply is due, or None."""
        return self._awaiting

    @property
    def current_command(self) -> CommandLine | None:
        """ASTERISK: the command that must be answered now, or None."""
        return self._current

    @property
    def has_pending_input(self) -> bool:
        """True when received bytes (or EOF) have not been turned into events yet."""
        return len(self._buffer) > self._start or (self._eof and not self._eof_delivered)

    # --- input ------------------------------------------------------------------------------

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Add bytes read from the peer; ``b""`` means EOF (the peer closed its side).

        Raises:
            LocalProtocolError: non-empty data after EOF was reported.
        """
        if not data:
            self._eof = True
            return
        if self._eof:
            raise LocalProtocolError("receive_data() called with data after EOF (b'')")
        self._buffer += data

    def receive_reply(self, data: bytes) -> AGIReply | None:
        """:meth:`receive_data`, with the reply returned at once in the common case.

        SCRIPT role: when nothing is buffered, a command's reply is awaited and ``data`` is
        exactly one whole ``200 result=...`` line (how Asterisk writes nearly every reply),
        that reply is returned, as :meth:`next_event` would give it. Otherwise ``data`` is
        buffered and None returned: :meth:`next_event` gives what it holds.

        Raises:
            LocalProtocolError: non-empty data after EOF was reported.
        """
        if (
            data[:11] == b"200 result="
            and type(data) is bytes
            and self._state is _AWAIT_REPLY
            and self._role is _S
            and not self._buffer
            and self._block is None
            and self._error is None
            and not self._eof
            and data.find(10) == len(data) - 1
            and len(data) - 1 <= self._max_line
        ):
            reply = self._plain_reply(data[:-1])
            if reply is not None:
                if logger.isEnabledFor(logging.DEBUG):
                    logger.debug("AGI %s received %r", self._role.name, reply)
                return reply
        self.receive_data(data)
        return None

    def next_event(self) -> Event | Sentinel:
        """The next event, or :data:`NEED_DATA` / :data:`PAUSED` (ASTERISK role).

        Raises:
            RemoteProtocolError: the peer broke the protocol (raised again on later calls).
        """
        if self._error is not None:
            raise self._error
        try:
            if self._role is _S:
                if (
                    self._start == len(self._buffer)
                    and not self._eof
                    and self._state is not _CLOSED
                ):
                    return NEED_DATA  # nothing buffered: what the full reading would say
                event = self._next_script_event()
            else:
                event = self._next_asterisk_event()
        except RemoteProtocolError as exc:
            self._error = exc
            raise
        if type(event) is not Sentinel and logger.isEnabledFor(logging.DEBUG):
            logger.debug("AGI %s received %r", self._role.name, event)
        return event

    # --- output -----------------------------------------------------------------------------

    def send(self, message: Message) -> bytes:
        """The bytes to write for ``message``; updates the state.

        SCRIPT sends :class:`AGICommand`, :class:`Failure`, :class:`ConnectionClosed`;
        ASTERISK sends :class:`AGIEnvironment`, :class:`AGIReply`, :class:`Hangup`,
        :class:`ConnectionClosed` (which returns ``b""``).

        Raises:
            LocalProtocolError: the message is not for this role, not allowed in this state
                (a second command before the reply, a reply nobody asked for, anything
                before the environment or after ``ConnectionClosed``), or cannot be encoded.
                The state is unchanged.
        """
        if type(message) is AGICommand and self._role is _S and not self._local_closed:
            # The SCRIPT role's hot path: what the general path below does for a command.
            step = self._moves.get("send_command")
            if step is not None:
                line = message.line
                try:
                    data = (line + "\n").encode(self._encoding, "surrogateescape")
                except UnicodeError:
                    data = b""  # the general path raises the error
                if data and len(data) <= _MAX_COMMAND_LINE:
                    self._state, self._moves = step
                    self._awaiting = message
                    if logger.isEnabledFor(logging.DEBUG):
                        logger.debug("AGI %s sent %r", self._role.name, message)
                    return data
        what = type(message).__name__
        if self._local_closed:
            raise LocalProtocolError(
                f"cannot send {what}: this {self._role.name} side already sent ConnectionClosed"
            )
        kind = self._send_kind(message)
        if kind is None:
            raise LocalProtocolError(f"the {self._role.name} role does not send {what}")
        data = message.to_bytes(self._encoding)
        self._transition(kind, what, local=True)
        if isinstance(message, AGICommand):
            self._awaiting = message
        elif isinstance(message, AGIEnvironment):
            self._environment = message
        elif isinstance(message, Hangup):
            self._hangup = True
        elif isinstance(message, ConnectionClosed):
            self._local_closed = True
        elif isinstance(message, AGIReply) and not message.is_provisional:
            self._current = None
        logger.debug("AGI %s sent %r", self._role.name, message)
        return data

    def interrupt(self) -> None:
        """ASTERISK role: end the current command without a reply.

        Asterisk's playback commands (stream file, get data, say ..., get option) stop when a
        new command arrives and send no ``200`` line for the interrupted one (PROTOCOL.md
        §2.4); call this, then read the new command.

        Raises:
            LocalProtocolError: not the ASTERISK role, or no command is awaiting a reply.
        """
        if self._role is not _A:
            raise LocalProtocolError("interrupt() is for the ASTERISK role")
        self._transition("interrupt", "interrupt()", local=True)
        self._current = None

    # --- internals --------------------------------------------------------------------------

    def _send_kind(self, message: Message) -> str | None:
        if self._role is _S:
            if isinstance(message, AGICommand):
                return "send_command"
            if isinstance(message, Failure):
                return "send_failure"
        else:
            if isinstance(message, AGIEnvironment):
                return "send_env"
            if isinstance(message, AGIReply):
                return "send_provisional" if message.is_provisional else "send_reply"
            if isinstance(message, Hangup):
                return "send_hangup"
        if isinstance(message, ConnectionClosed):
            return "send_close"
        return None

    def _transition(self, kind: str, what: str, *, local: bool, data: bytes = b"") -> None:
        step = self._moves.get(kind)
        if step is None:
            self._refuse_transition(what, local=local, data=data)
        self._state, self._moves = step

    def _refuse_transition(self, what: str, *, local: bool, data: bytes = b"") -> NoReturn:
        """Raise for a transition missing from :data:`TRANSITIONS` (naming the state)."""
        detail = ""
        if self._state is _AWAIT_REPLY and self._awaiting is not None:
            detail = f"; the reply to {self._awaiting.line!r} is still awaited"
        elif self._state is _AWAIT_REPLY and self._current is not None:
            detail = f"; {self._current.line!r} has not been answered"
        message = f"{what} is not allowed in state {self._state.name} ({self._role.name})"
        if local:
            raise LocalProtocolError(message + detail)
        raise RemoteProtocolError(message + detail, data)

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode(self._encoding, "surrogateescape")
        except ValueError as exc:  # UnicodeDecodeError, or a codec's own complaint
            raise RemoteProtocolError(f"cannot decode as {self._encoding}: {exc}", raw) from exc

    def _consume(self, end: int) -> bytes:
        """Take the bytes up to ``end`` (absolute offset) off the buffer."""
        data = bytes(self._buffer[self._start : end])
        self._start = self._scan = end
        if self._start == len(self._buffer):
            self._buffer.clear()
            self._start = self._scan = 0
        elif self._start >= _COMPACT_AFTER and self._start * 2 >= len(self._buffer):
            del self._buffer[: self._start]
            self._start = self._scan = 0
        return data

    # SCRIPT role

    def _take_line(self) -> bytes | None:
        """One line with its ``\\n``, or None while none is complete."""
        newline = self._buffer.find(b"\n", self._scan)
        if newline < 0:
            self._scan = len(self._buffer)
            end = len(self._buffer)
        else:
            end = newline
        if end - self._start > self._max_line:
            raise RemoteProtocolError(
                f"AGI line longer than max_line_length={self._max_line} bytes",
                bytes(self._buffer[self._start : self._start + 64]),
            )
        if newline < 0:
            return None
        return self._consume(newline + 1)

    def _next_script_event(self) -> Event | Sentinel:
        state = self._state
        if state is _CLOSED:
            return ConnectionClosed()
        if state is _AWAIT_ENV and self._block_decode:
            environment = self._environment_block()
            if environment is not None:
                return environment
        buffer = self._buffer
        encoding = self._encoding
        while True:
            newline = buffer.find(b"\n", self._scan)
            start = self._start
            if (
                self._state is _AWAIT_REPLY
                and newline >= 0
                and newline - start <= self._max_line
                and self._block is None
                and buffer.startswith(b"200 result=", start)
            ):
                reply = self._plain_reply(buffer[start:newline])
                if reply is not None:
                    if newline + 1 == len(buffer):
                        buffer.clear()
                        self._start = self._scan = 0
                    else:
                        self._consume(newline + 1)
                    return reply
            if newline >= 0 and newline - start <= self._max_line:
                raw = self._consume(newline + 1)
            elif newline < 0 and len(buffer) - self._start <= self._max_line:
                # No complete line yet (what _take_line does in that case).
                self._scan = len(buffer)
                return self._script_eof() if self._eof else NEED_DATA
            else:  # a line too long: the general path raises
                taken = self._take_line()
                if taken is None:
                    return self._script_eof() if self._eof else NEED_DATA
                raw = taken
            try:
                line = raw[:-1].decode(encoding, "surrogateescape")
            except ValueError:
                line = self._decode(raw[:-1])  # raises, naming the codec's complaint
            event: AGIEnvironment | AGIReply | Hangup | None
            if self._state is _AWAIT_ENV:
                event = self._environment_line(line, raw)
            elif self._block is not None:
                event = self._block_line(line)
            else:
                event = self._reply_line(line, raw)
            if event is not None:
                return event

    def _plain_reply(self, raw: bytes | bytearray) -> AGIReply | None:
        """The reply to nearly every command, a ``200 result=`` line (``raw``, without its
        ``\\n``) that came whole: what the general path (_consume, _reply_line,
        _deliver_reply) does for it, in one go, the state moved on. None: take the general
        path, which also reports whatever is wrong with the line."""
        try:
            line = raw.decode(self._encoding, "surrogateescape")
        except ValueError:
            return None
        fields = _parse_status_line(line)
        step = self._moves.get("recv_reply")
        if fields is None or step is None:
            return None
        self._state, self._moves = step
        self._awaiting = None
        return AGIReply._from_wire(fields, line + "\n")

    def _environment_block(self) -> AGIEnvironment | None:
        """The whole environment at once when its end is already buffered and every line is
        well formed, decoding the block in one go (the common case: Asterisk writes it in
        one piece); None to read it line by line, which also finds and reports any fault."""
        buffer = self._buffer
        start = self._start
        end = buffer.find(b"\n\n", start)
        # A block starting with the empty line (an empty environment) takes the slow path.
        if end < 0 or end == start or buffer[start] == 10 or end - start > self._max_line:
            return None
        try:
            text = buffer[start:end].decode(self._encoding, "surrogateescape")
        except ValueError:
            return None
        items = self._env_items
        # One regular-expression pass instead of a Python loop over the ~20 lines; the block
        # is taken only if every line matched (a line without a colon or with an empty name
        # does not) and no name came twice. Otherwise the line path reports the fault.
        pairs = _ENV_LINE.findall(text)
        if len(pairs) != text.count("\n") + 1 or len(pairs) + len(items) > self._max_block:
            return None
        added: dict[str, str] = dict(pairs)
        if len(added) != len(pairs) or (items and not items.keys().isdisjoint(added)):
            return None
        self._consume(end + 2)
        if items:
            items.update(added)
            added = items
        environment = AGIEnvironment._from_parsed(added)
        self._env_items = {}
        self._transition("recv_env", "the environment", local=False)
        self._environment = environment
        return environment

    def _environment_line(self, line: str, raw: bytes) -> AGIEnvironment | None:
        if line:
            if len(self._env_items) >= self._max_block:
                raise RemoteProtocolError(
                    f"AGI environment has more than max_block_lines={self._max_block} lines", raw
                )
            name, value = parse_env_line(line)
            if name in self._env_items:
                raise RemoteProtocolError(f"environment variable {name!r} sent twice", raw)
            self._env_items[name] = value
            return None
        # The empty line ends the block (launch_netscript + setup_env).
        environment = AGIEnvironment(self._env_items)
        self._env_items = {}
        self._transition("recv_env", "the environment", local=False)
        self._environment = environment
        return environment

    def _reply_line(self, line: str, raw: bytes) -> Hangup | AGIReply | None:
        if line == HANGUP_LINE:
            self._transition("recv_hangup", "HANGUP", local=False, data=raw)
            self._hangup = True
            return Hangup()
        fields = _parse_status_line(line)
        if fields is None:
            raise RemoteProtocolError("not an AGI reply (NNN ...) nor HANGUP", raw)
        if fields[1] == "-":
            # "520-..." opens a block that runs to the "520 ..." line. Check now that a reply
            # is expected at all, so the error names the first line.
            self._check_reply_expected(fields[0], raw)
            self._block = (fields, [], [line + "\n"])
            return None
        return self._deliver_reply(AGIReply._from_wire(fields, line + "\n"), raw)

    def _block_line(self, line: str) -> AGIReply | None:
        assert self._block is not None
        fields, usage, raw_lines = self._block
        raw_lines.append(line + "\n")
        if not _is_block_end(line, fields[0]):
            if len(usage) >= self._max_block:
                raise RemoteProtocolError(
                    f"{fields[0]} block longer than max_block_lines={self._max_block} lines",
                    line.encode(self._encoding, "surrogateescape"),
                )
            usage.append(line)
            return None
        self._block = None
        code, _sep, result, data, extra, text = fields
        raw = "".join(raw_lines)
        reply = AGIReply(code, result, data, dict(extra), text, "\n".join(usage), raw=raw)
        return self._deliver_reply(reply, raw.encode(self._encoding, "surrogateescape"))

    def _check_reply_expected(self, code: int, raw: bytes) -> None:
        kind = "recv_provisional" if code < 200 else "recv_reply"
        if kind not in self._moves:
            self._transition(kind, f"a {code} reply", local=False, data=raw)

    def _deliver_reply(self, reply: AGIReply, raw: bytes) -> AGIReply:
        provisional = reply.code < 200
        step = self._moves.get("recv_provisional" if provisional else "recv_reply")
        if step is None:
            self._refuse_transition(f"a {reply.code} reply", local=False, data=raw)
        self._state, self._moves = step
        if not provisional:
            self._awaiting = None
        return reply

    def _script_eof(self) -> ConnectionClosed:
        if len(self._buffer) > self._start or self._block is not None or self._env_items:
            partial = bytes(self._buffer[self._start :])
            raise RemoteProtocolError(
                f"connection closed in the middle of "
                f"{'the environment' if self._state is _AWAIT_ENV else 'a reply'}",
                partial,
            )
        self._transition("recv_close", "EOF", local=False)
        self._eof_delivered = True
        return ConnectionClosed()

    # ASTERISK role

    def _take_command_bytes(self) -> tuple[bytes, bool] | None:
        """The next command as run_agi's fgets loop reads it: (bytes, ends with newline)."""
        available = len(self._buffer) - self._start
        stop = self._start + min(available, _ASTERISK_LINE_BYTES)
        newline = self._buffer.find(b"\n", self._scan, stop)
        if newline >= 0:
            return self._consume(newline + 1), True
        if available >= _ASTERISK_LINE_BYTES or (self._eof and available):
            return self._consume(stop), False
        self._scan = stop
        return None

    def _next_asterisk_event(self) -> Event | Sentinel:
        if self._state in (_AWAIT_ENV, _AWAIT_REPLY):
            return PAUSED
        if self._state is _DONE:
            # After "failure" run_agi leaves its loop and never reads again.
            self._consume(len(self._buffer))
            return self._asterisk_eof() if self._eof else NEED_DATA
        taken = self._take_command_bytes()
        if taken is None:
            return self._asterisk_eof() if self._eof else NEED_DATA
        raw, terminated = taken
        text = raw[:-1] if terminated else raw
        nul = text.find(b"\x00")
        if nul >= 0:
            text = text[:nul]
        line = self._decode(text)
        # run_agi: `strncasecmp(buf, "failure", 7) == 0` ends the AGI with FAILURE.
        if ascii_lower(line[:7]) == "failure":
            self._transition("recv_failure", "a failure line", local=False, data=raw)
            return Failure(line)
        command = CommandLine.from_line(line, self._commands, raw=raw, terminated=terminated)
        self._transition("recv_command", "a command", local=False, data=raw)
        self._current = command
        return command

    def _asterisk_eof(self) -> ConnectionClosed:
        self._transition("recv_close", "EOF", local=False)
        self._eof_delivered = True
        return ConnectionClosed()
