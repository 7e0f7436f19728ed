"""The state an AGI script keeps, shared by the blocking :class:`~pyst.agi.AGI` and the
asyncio :class:`~pyst.agi.aio.AsyncAGI`: no I/O here.

:class:`AGISession` wraps the sans-IO core (:class:`~pyst.agi.protocol.AGIConnection` in the
SCRIPT role) and adds what a script needs on top of the wire protocol:

* the environment, as the core read it (:attr:`AGISession.environment`) and as pyst2 gave it
  (:attr:`AGISession.env`, names and values stripped);
* pyst2's reading of replies (:func:`~pyst.agi.results.reply_error`): which exception a reply
  raises;
* hangup tracking. Asterisk tells a script about a hangup in several ways (PROTOCOL.md §2.5,
  res_agi.c run_agi): SIGHUP for a local script, the ``HANGUP`` line on FastAGI, ``511`` for
  commands that need a live channel, ``(hangup)`` in a reply, and the end of the connection
  (with ``AGIEXITONHANGUP``, or when the AGI ends). The session reports a hangup **once**, as an
  :class:`~pyst.agi.exceptions.AGIHangup` subclass, at the first of:

  - the start of the next command after SIGHUP or the ``HANGUP`` line (the command is not
    sent; pyst2 did the same for SIGHUP);
  - a failing reply (``result=-1``) read after SIGHUP or the ``HANGUP`` line: the hangup
    exception replaces pyst2's plain ``AGIAppError`` (it is a subclass of it);
  - ``511`` (:class:`~pyst.agi.exceptions.AGIDeadChannelError`).

  A reply saying ``(hangup)`` raises :class:`~pyst.agi.exceptions.AGIResultHangup` as in
  pyst2, but is not taken as proof on its own: Asterisk 22 answers ``RECEIVE CHAR`` with
  ``result=-1 (hangup)`` on a live channel that has no text support (j1 capture). Asterisk
  writes a command's reply before it notices the hangup, so a playback cut short by a hangup
  raises pyst2's ``AGIAppError`` (``result=-1``) and the hangup itself comes with the next
  command.

  After that the script is in dead mode: the commands Asterisk still runs on a dead channel
  (``noop``, ``verbose``, ``get variable``, ``set variable``, ``database *``, ``exec``, ...)
  work, the others get ``511``. With ``exit_on_hangup=True`` every later command raises the
  hangup again without being sent, as Asterisk's own ``AGIEXITONHANGUP`` ends the AGI at the
  hangup. The end of the connection always raises
  :class:`~pyst.agi.exceptions.AGIEOFHangup` (a failed write
  :class:`~pyst.agi.exceptions.AGISIGPIPEHangup`), on every later command too.
"""

from __future__ import annotations

import logging

from pyst.agi.exceptions import (
    AGIAppError,
    AGIDeadChannelError,
    AGIEOFHangup,
    AGIHangup,
    AGIHangupNotice,
    AGISIGHUPHangup,
    AGISIGPIPEHangup,
)
from pyst.agi.messages import (
    DEFAULT_ENCODING,
    AGICommand,
    AGIEnvironment,
    AGIReply,
    ConnectionClosed,
    Hangup,
)
from pyst.agi.protocol import DEFAULT_MAX_LINE_LENGTH, AGIConnection, Event, Role, State
from pyst.agi.results import AGIResult, reply_error

__all__ = ["AGISession", "FastAGIRequest", "command_line", "pyst2_env"]

logger = logging.getLogger(__name__)

# pyst2 stripped commands with str.strip(); only ASCII blanks here, so that a value ending in
# another Unicode space is not cut.
_BLANKS = " \t\r\n"


def command_line(command: str | AGICommand, args: tuple[object, ...], method: str) -> AGICommand:
    """What pyst2's ``send_command``/``execute`` sent: ``command`` and ``args`` joined by single
    spaces, **not quoted**, outer whitespace stripped ('%s %s' % (command.strip(), ' '.join(
    map(str, args))), stripped again); an :class:`AGICommand` as it is, with no ``args``."""
    if not isinstance(command, AGICommand):
        words = " ".join(map(str, args))
        return AGICommand(f"{command.strip(_BLANKS)} {words}".strip(_BLANKS))
    if args:
        raise TypeError(f"{method}(AGICommand) takes no further arguments")
    return command


def pyst2_env(environment: AGIEnvironment) -> dict[str, str]:
    """The environment as pyst2's ``AGI.env``: a plain dict, names and values stripped, empty
    names skipped."""
    env: dict[str, str] = {}
    for name, value in environment.items():
        key = name.strip()
        if key:
            env[key] = value.strip()
    return env


class FastAGIRequest:
    """Where a FastAGI call asked to go: ``agi://host[:port]/<path>[?<query>]``.

    ``path`` is ``agi_network_script`` without the query and without surrounding slashes;
    ``query`` maps each query name to its values in order (``?lang=fr&x=1&x=2``); ``params``
    keeps the last value of each. ``peer`` is the caller's address when known.
    """

    __slots__ = ("path", "peer", "query", "script")

    def __init__(
        self,
        script: str,
        path: str,
        query: dict[str, list[str]],
        peer: object = None,
    ) -> None:
        self.script = script
        self.path = path
        self.query = query
        self.peer = peer

    @property
    def params(self) -> dict[str, str]:
        """The query with the last value of each name."""
        return {name: values[-1] for name, values in self.query.items() if values}

    def __repr__(self) -> str:
        return f"FastAGIRequest(path={self.path!r}, query={self.query!r}, peer={self.peer!r})"


class AGISession:
    """Protocol state of one AGI script (see the module docstring); I/O lives in subclasses.

    Args:
        encoding: how text is carried (UTF-8; bytes that do not decode survive as lone
            surrogates).
        exit_on_hangup: raise the hangup on every command after it has been reported, instead of
            going on in dead mode.
        max_line_length: longest line accepted from Asterisk, in bytes.
        connection: a core connection to continue (already past the environment), instead of
            a new one.

    Attributes:
        env: pyst2's view of the environment (a plain ``dict``; filled once it is read).
        environment: the :class:`~pyst.agi.messages.AGIEnvironment` as sent, or None.
        request: for FastAGI, the :class:`FastAGIRequest` (set by :mod:`pyst.fastagi`).
        last_result: the :class:`~pyst.agi.results.AGIResult` of the last reply read.
        exit_on_hangup: see above.
    """

    def __init__(
        self,
        *,
        encoding: str = DEFAULT_ENCODING,
        exit_on_hangup: bool = False,
        max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
        connection: AGIConnection | None = None,
    ) -> None:
        if connection is None:
            connection = AGIConnection(
                Role.SCRIPT, encoding=encoding, max_line_length=max_line_length
            )
        elif connection.role is not Role.SCRIPT:
            raise ValueError("an AGI session needs a SCRIPT-role connection")
        self._conn = connection
        self.encoding = encoding
        self.exit_on_hangup = exit_on_hangup
        self.environment: AGIEnvironment | None = connection.environment
        self._env: dict[str, str] | None = None
        self.request: FastAGIRequest | None = None
        self.last_result: AGIResult | None = None
        # pyst2's attribute name: set by the SIGHUP handler (a flag is all a handler may set).
        self._got_sighup = False
        self._hangup_line = False
        self._hangup_reported = False
        self._eof = False
        self._broken = False
        self._provisional: list[AGIReply] = []
        self._current_line = ""  # the command whose reply is (or was last) awaited

    # --- inspection -----------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """pyst2's view of the environment: a plain dict, names and values stripped (built on
        first use; assignable, as in pyst2). Empty until the environment is read."""
        env = self._env
        if env is None:
            env = {} if self.environment is None else pyst2_env(self.environment)
            if self.environment is not None:
                self._env = env
        return env

    @env.setter
    def env(self, value: dict[str, str]) -> None:
        self._env = value

    @property
    def connection(self) -> AGIConnection:
        """The sans-IO core connection (SCRIPT role)."""
        return self._conn

    @property
    def hangup_noticed(self) -> bool:
        """True once any sign of hangup arrived (reported or not)."""
        return (
            self._got_sighup
            or self._hangup_line
            or self._hangup_reported
            or self._eof
            or self._broken
        )

    @property
    def connected(self) -> bool:
        """False once Asterisk closed the connection or writing to it failed."""
        return not (self._eof or self._broken)

    # --- environment ----------------------------------------------------------------------

    def _environment_event(self, event: Event) -> AGIEnvironment:
        """Take the environment event, or raise AGIEOFHangup for an early EOF."""
        if isinstance(event, AGIEnvironment):
            self.environment = event
            self._env = None
            return event
        if isinstance(event, ConnectionClosed):
            self._eof = True
            raise AGIEOFHangup("Asterisk closed the connection before sending the environment")
        # The core returns nothing else before the environment; be loud if it ever does.
        raise AssertionError(f"unexpected event: {event!r}")  # pragma: no cover

    # --- hangup ---------------------------------------------------------------------------

    def _pending_hangup(self) -> AGIHangup | None:
        """The hangup to raise before a command is sent, or None; marks it reported."""
        if self._eof:
            return AGIEOFHangup("Asterisk closed the connection")
        if self._broken:
            return AGISIGPIPEHangup("the connection to Asterisk is broken")
        if self._got_sighup or self._hangup_line:
            if not self._hangup_reported:
                return self._report_notice()
            if self.exit_on_hangup:
                return self._report_notice()
            return None
        if self._hangup_reported and self.exit_on_hangup:
            return AGIHangup("The channel hung up (exit_on_hangup)")
        return None

    def _report_notice(self) -> AGIHangup:
        """Asterisk's own notice (SIGHUP, the HANGUP line) as an exception; now reported."""
        self._hangup_reported = True
        if self._got_sighup:
            return AGISIGHUPHangup("Received SIGHUP from Asterisk")
        return AGIHangupNotice("Received HANGUP from Asterisk")

    def test_hangup(self) -> None:
        """Raise the hangup noticed since the last one reported (pyst2: SIGHUP only).

        Raises:
            AGISIGHUPHangup: SIGHUP arrived. AGIHangupNotice: the ``HANGUP`` line arrived.
            AGIEOFHangup / AGISIGPIPEHangup: the connection is gone.
            AGIHangup: ``exit_on_hangup`` is set and the hangup was reported before.
        """
        if self._conn.has_pending_input:
            self._take_buffered_events()
        if (
            self._got_sighup
            or self._hangup_line
            or self._hangup_reported
            or self._eof
            or self._broken
        ):
            exc = self._pending_hangup()
            if exc is not None:
                raise exc

    def _take_buffered_events(self) -> None:
        """Read what already arrived between commands (the ``HANGUP`` line, EOF) without
        waiting for more: a hangup that is already known is reported before the command."""
        conn = self._conn
        while conn.state is State.READY and conn.has_pending_input:
            event = conn.next_event()
            if isinstance(event, Hangup):
                self._hangup_line = True
            elif isinstance(event, ConnectionClosed):
                self._eof = True
            else:
                return  # NEED_DATA: a partial line; a stray reply raised in next_event

    # --- one exchange ---------------------------------------------------------------------

    def _command_bytes(self, command: AGICommand) -> bytes:
        """The bytes to write for ``command`` (no hangup test: that is ``execute``'s job).

        Raises:
            AGIEOFHangup / AGISIGPIPEHangup: the connection is gone.
            LocalProtocolError: a reply is still due, or the command cannot be encoded.
        """
        if self._eof:
            raise AGIEOFHangup("Asterisk closed the connection")
        if self._broken:
            raise AGISIGPIPEHangup("the connection to Asterisk is broken")
        data = self._conn.send(command)
        if self._provisional:
            self._provisional = []
        self._current_line = command.line
        return data

    def _write_failed(self, error: OSError) -> AGISIGPIPEHangup:
        """Record that writing failed; the exception to raise (chain ``error`` to it)."""
        self._broken = True
        self._hangup_reported = True
        logger.debug("writing to Asterisk failed: %r", error)
        return AGISIGPIPEHangup(f"Received SIGPIPE ({error})")

    def _read_failed(self, error: OSError) -> None:
        """A read error (connection reset): handled as the end of the connection."""
        logger.debug("reading from Asterisk failed: %r", error)

    def _reply_event(self, event: Event) -> AGIResult | None:
        """Handle one event while a reply is due: the result when it is the final reply.

        Raises:
            AGIException: what the reply means (see :func:`~pyst.agi.results.reply_error`).
            AGIEOFHangup: Asterisk closed the connection first.
        """
        if isinstance(event, AGIReply):
            if event.is_provisional:
                self._provisional.append(event)
                return None
            result = AGIResult(event, tuple(self._provisional))
            self.last_result = result
            exc = reply_error(result, self._current_line)
            if exc is None:
                return result
            notice = (self._got_sighup or self._hangup_line) and not self._hangup_reported
            if isinstance(exc, AGIDeadChannelError):
                # 511: Asterisk is in dead mode; that is the hangup report.
                self._hangup_reported = True
            elif isinstance(exc, AGIHangup):
                # "(hangup)" alone is not proof: RECEIVE CHAR answers "-1 (hangup)" on a live
                # channel without text support (j1 capture, Local channel). It counts as the
                # report only when Asterisk's notice came too.
                self._hangup_reported = self._hangup_reported or notice
            elif type(exc) is AGIAppError and notice:
                # result=-1 after Asterisk said the channel hung up: that is why it failed.
                hangup = self._report_notice()
                hangup.result = result
                raise hangup from exc
            raise exc
        if isinstance(event, Hangup):
            logger.debug("Asterisk sent HANGUP: the channel hung up")
            self._hangup_line = True
            return None
        if isinstance(event, ConnectionClosed):
            self._eof = True
            raise AGIEOFHangup("Asterisk closed the connection while a reply was awaited")
        raise AssertionError(f"unexpected event: {event!r}")  # pragma: no cover
