"""The blocking AGI class: pyst2's ``asterisk.agi.AGI``, on the sans-IO core.

A pyst2 script ports by changing ``import asterisk.agi`` to ``import pyst.agi``::

    from pyst.agi import AGI

    agi = AGI()                        # reads the environment from stdin
    agi.answer()
    digit = agi.stream_file("hello-world", "#")
    agi.verbose(f"caller pressed {digit!r}")

What is fixed against pyst2 (PYST2.md §7, A1-A10): the ``HANGUP`` line, EOF and ``511`` raise
:class:`~pyst.agi.exceptions.AGIHangup` subclasses instead of ``ValueError``/
``AGIUnknownError``; arguments are quoted safely; text and binary streams both work; the
object can be built in any thread (the SIGHUP handler is only installed from the main thread,
and chains to the previous one); nothing is written to stderr (use :mod:`logging`);
``(timeout)`` and ``endpos`` are kept (:class:`~pyst.agi.results.AGIValue`).
"""

from __future__ import annotations

import io
import logging
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Protocol

from pyst.agi.commands import AGICommands, SyncRunner
from pyst.agi.messages import DEFAULT_ENCODING, AGICommand
from pyst.agi.protocol import DEFAULT_MAX_LINE_LENGTH, NEED_DATA, AGIConnection, Event
from pyst.agi.results import AGIResult
from pyst.agi.session import command_line

__all__ = ["AGI", "ByteChannel"]

logger = logging.getLogger(__name__)

_SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class ByteChannel(Protocol):
    """What the blocking AGI needs to talk to Asterisk, when it is not a pair of streams."""

    def recv(self) -> bytes:
        """Block until bytes arrive; ``b""`` means the connection was closed."""

    def send(self, data: bytes) -> None:
        """Write all of ``data``; raise :class:`OSError` if the connection is broken."""


class _Streams:
    """A :class:`ByteChannel` over file objects: lines from ``stdin``, writes to ``stdout``.

    Either may be text or binary. Text is converted with the session's encoding and
    ``surrogateescape``, so bytes that are not valid text survive.
    """

    def __init__(self, stdin: Any, stdout: Any, encoding: str, max_line: int) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.encoding = encoding
        self.max_line = max_line
        self.text_out = _is_text_stream(stdout)

    def recv(self) -> bytes:
        line = self.stdin.readline(self.max_line + 1)
        if isinstance(line, str):
            return line.encode(self.encoding, "surrogateescape")
        return bytes(line)

    def send(self, data: bytes) -> None:
        if self.text_out:
            self.stdout.write(data.decode(self.encoding, "surrogateescape"))
        else:
            view = memoryview(data)
            while view:
                written = self.stdout.write(view)
                if written is None:  # a non-blocking raw stream that would block
                    raise BlockingIOError("the AGI output stream is non-blocking and full")
                view = view[written:]
        self.stdout.flush()


def _is_text_stream(stream: Any) -> bool:
    if isinstance(stream, io.TextIOBase):
        return True
    if isinstance(stream, (io.RawIOBase, io.BufferedIOBase)):
        return False
    mode = getattr(stream, "mode", None)
    if isinstance(mode, str):
        return "b" not in mode
    return True  # an unknown file-like object: pyst2 wrote str to it


def _binary_std(stream: Any, std: Any) -> Any:
    """The binary buffer under ``sys.stdin``/``sys.stdout`` (nothing else is touched): it reads
    bytes that are not valid UTF-8 without failing."""
    if stream is std and isinstance(stream, io.TextIOWrapper):
        if stream.writable():
            stream.flush()
        return stream.buffer
    return stream


class AGI(SyncRunner, AGICommands):
    """An AGI script's session with Asterisk over ``stdin``/``stdout`` (pyst2-compatible).

    The constructor reads the environment (``agi.env``, ``agi.environment``). Every command of
    Asterisk 22 is a method (see :class:`~pyst.agi.commands.AGICommands`); :meth:`execute`
    sends any command line.

    Args:
        stdin, stdout: where Asterisk's replies come from and commands go; text or binary.
            Default: the process's stdin/stdout (their binary buffers).
        stderr: kept as ``agi.stderr`` for pyst2 code that writes to it; the library itself
            logs with :mod:`logging` and never writes there.
        sighup: install a SIGHUP handler (classic AGI: Asterisk signals a hangup with SIGHUP).
            None: when possible (main thread, platform with SIGHUP); True: insist (ValueError
            if it cannot); False: never.
        exit_on_hangup: after a hangup has been reported, raise it again on every command
            instead of running dead-channel commands (see :mod:`pyst.agi.session`).
        encoding: text encoding of the protocol.
        channel: a :class:`ByteChannel` to use instead of ``stdin``/``stdout``.
        connection: a core connection that already read the environment (FastAGI); the
            environment is then not read again.

    Raises:
        AGIEOFHangup: stdin ended before the environment did.
        RemoteProtocolError: the environment is malformed.
        ValueError: ``sighup=True`` but no handler can be installed here.
    """

    def __init__(
        self,
        stdin: Any = None,
        stdout: Any = None,
        stderr: Any = None,
        *,
        sighup: bool | None = None,
        exit_on_hangup: bool = False,
        encoding: str = DEFAULT_ENCODING,
        channel: ByteChannel | None = None,
        connection: AGIConnection | None = None,
    ) -> None:
        super().__init__(
            encoding=encoding,
            exit_on_hangup=exit_on_hangup,
            max_line_length=DEFAULT_MAX_LINE_LENGTH,
            connection=connection,
        )
        # pyst2 bound sys.stdin & co. at import time; read them now.
        self.stdin = sys.stdin if stdin is None else stdin
        self.stdout = sys.stdout if stdout is None else stdout
        self.stderr = sys.stderr if stderr is None else stderr
        if channel is None:
            channel = _Streams(
                _binary_std(self.stdin, sys.stdin),
                _binary_std(self.stdout, sys.stdout),
                encoding,
                DEFAULT_MAX_LINE_LENGTH,
            )
        self._channel = channel
        self._previous_sighup: _SignalHandler = None
        self._sighup_installed = False
        self._install_sighup(sighup)
        if self.environment is None:
            self._get_agi_env()

    # --- SIGHUP -----------------------------------------------------------------------------

    def _install_sighup(self, wanted: bool | None) -> None:
        if wanted is False:
            return
        sighup: signal.Signals | None = getattr(signal, "SIGHUP", None)
        if sighup is None:
            reason = "this platform has no SIGHUP"
        elif threading.current_thread() is not threading.main_thread():
            reason = "signal handlers can only be installed from the main thread"
        else:
            try:
                self._previous_sighup = signal.signal(sighup, self._handle_sighup)
            except ValueError as exc:  # not the main interpreter, ...
                reason = str(exc)
            else:
                self._sighup_installed = True
                return
        if wanted:
            raise ValueError(f"cannot install the SIGHUP handler: {reason}")
        logger.debug("no SIGHUP handler installed: %s", reason)

    def _handle_sighup(self, signum: int, frame: FrameType | None) -> None:
        """SIGHUP: Asterisk says the channel hung up. Set a flag (the next command raises
        AGISIGHUPHangup) and call the handler that was there before, if it was a function."""
        self._got_sighup = True
        previous = self._previous_sighup
        if callable(previous):
            previous(signum, frame)

    def close(self) -> None:
        """Put back the SIGHUP handler that was there before (if ours is still installed).

        The streams are not closed: they belong to the caller. Idempotent.
        """
        if not self._sighup_installed:
            return
        self._sighup_installed = False
        if threading.current_thread() is not threading.main_thread():
            return
        sighup = signal.SIGHUP
        if signal.getsignal(sighup) == self._handle_sighup:
            previous = self._previous_sighup
            signal.signal(sighup, previous if previous is not None else signal.SIG_DFL)

    def __enter__(self) -> AGI:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- I/O --------------------------------------------------------------------------------

    def _next_event(self) -> Event:
        conn = self._conn
        while True:
            event = conn.next_event()
            if event is not NEED_DATA:
                return event  # type: ignore[return-value]  # only NEED_DATA is a sentinel here
            try:
                data = self._channel.recv()
            except (ConnectionResetError, ConnectionAbortedError) as exc:
                self._read_failed(exc)
                data = b""
            conn.receive_data(data)

    def _get_agi_env(self) -> None:
        """Read the environment block (pyst2's name)."""
        self._environment_event(self._next_event())
        logger.debug("AGI environment: %r", self.environment)

    def send_command(self, command: str | AGICommand, *args: object) -> None:
        """Send one command line, as pyst2 did: ``command`` and ``args`` joined by single
        spaces, **without quoting** (quote with :meth:`_quote`), outer whitespace stripped.
        An :class:`~pyst.agi.messages.AGICommand` is sent as it is.

        Raises:
            AGISIGPIPEHangup: writing failed (the connection is gone).
            AGIEOFHangup: Asterisk already closed the connection.
            LocalProtocolError: the line holds a newline or NUL, or a reply is still due.
        """
        data = self._command_bytes(command_line(command, args, "send_command"))
        try:
            self._channel.send(data)
        except OSError as exc:
            raise self._write_failed(exc) from exc

    def get_result(self, stdin: Any = None) -> AGIResult:
        """Read the reply to the command sent last; pyst2's result dict (an
        :class:`~pyst.agi.results.AGIResult`). ``stdin`` is ignored (pyst2 had it, unused).

        Raises:
            AGIException: what the reply means (see :mod:`pyst.agi.results`).
            AGIEOFHangup: the connection closed first.
            RemoteProtocolError: Asterisk sent something that is not a reply.
        """
        while True:
            result = self._reply_event(self._next_event())
            if result is not None:
                return result

    def execute(self, command: str | AGICommand, *args: object) -> AGIResult:
        """:meth:`test_hangup`, :meth:`send_command`, :meth:`get_result` (pyst2's ``execute``).

        Raises:
            AGIHangup: a hangup was noticed before (the command is not sent), or the reply
                shows one.
            AGIException: what the reply means.
        """
        self.test_hangup()
        self.send_command(command, *args)
        return self.get_result()

