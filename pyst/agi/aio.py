"""The asyncio AGI session: every AGI command as a coroutine, on the sans-IO core.

:class:`AsyncAGI` has the same command methods as the blocking :class:`~pyst.agi.AGI` (they
are the same code, :mod:`pyst.agi.commands`), as coroutines::

    agi = await AsyncAGI.from_streams(reader, writer)     # reads the environment
    await agi.answer()
    digit = await agi.stream_file("hello-world", "#")

:mod:`pyst.fastagi` hands one to each FastAGI handler; tests can build one over any
:class:`AsyncByteChannel` (or a pair of asyncio streams). Hangups are reported as in the
blocking class (:mod:`pyst.agi.session`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Protocol

from pyst.agi.commands import AGICommands, AsyncRunner
from pyst.agi.messages import DEFAULT_ENCODING, AGICommand, AGIEnvironment
from pyst.agi.protocol import (
    DEFAULT_MAX_LINE_LENGTH,
    NEED_DATA,
    AGIConnection,
    Event,
    Sentinel,
)
from pyst.agi.results import AGIResult
from pyst.agi.session import command_line

__all__ = ["AsyncAGI", "AsyncByteChannel", "StreamChannel"]

logger = logging.getLogger(__name__)

_READ_SIZE = 65536


class AsyncByteChannel(Protocol):
    """What :class:`AsyncAGI` needs to talk to Asterisk."""

    def recv(self) -> Awaitable[bytes]:
        """Wait for bytes; ``b""`` means the connection was closed (a coroutine function, or
        anything returning an awaitable such as a future)."""

    def send(self, data: bytes) -> None:
        """Queue ``data`` for writing; raise :class:`OSError` if the connection is broken."""


class StreamChannel:
    """An :class:`AsyncByteChannel` over an asyncio ``(reader, writer)`` pair.

    AGI never has more than one command in flight, so the write buffer stays small and
    ``drain()`` is not needed.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def recv(self) -> bytes:
        return await self.reader.read(_READ_SIZE)

    def send(self, data: bytes) -> None:
        if self.writer.is_closing():
            raise BrokenPipeError("the FastAGI connection is closed")
        self.writer.write(data)


class AsyncAGI(AsyncRunner, AGICommands):
    """One AGI session over asyncio (see the module docstring).

    Build it with :meth:`from_streams`, or give a channel and call :meth:`read_environment`
    (or pass a ``connection`` that already read it).

    Args:
        channel: where bytes come from and go to.
        exit_on_hangup: see :mod:`pyst.agi.session`.
        encoding: text encoding of the protocol.
        connection: a core connection to continue (already past the environment).
    """

    def __init__(
        self,
        channel: AsyncByteChannel,
        *,
        exit_on_hangup: bool = False,
        encoding: str = DEFAULT_ENCODING,
        connection: AGIConnection | None = None,
    ) -> None:
        super().__init__(
            encoding=encoding,
            exit_on_hangup=exit_on_hangup,
            max_line_length=DEFAULT_MAX_LINE_LENGTH,
            connection=connection,
        )
        self.channel = channel

    @classmethod
    async def from_streams(
        cls,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        exit_on_hangup: bool = False,
        encoding: str = DEFAULT_ENCODING,
    ) -> AsyncAGI:
        """A session over asyncio streams, with the environment read.

        Raises:
            AGIEOFHangup: the connection closed before the environment did.
            RemoteProtocolError: the environment is malformed.
        """
        agi = cls(StreamChannel(reader, writer), exit_on_hangup=exit_on_hangup, encoding=encoding)
        await agi.read_environment()
        return agi

    async def _next_event(self) -> Event:
        conn = self._conn
        while True:
            event = conn.next_event()
            if event is not NEED_DATA:
                return event  # type: ignore[return-value]  # only NEED_DATA is a sentinel here
            try:
                data = await self.channel.recv()
            except (ConnectionResetError, ConnectionAbortedError) as exc:
                self._read_failed(exc)
                data = b""
            conn.receive_data(data)

    async def read_environment(self) -> AGIEnvironment:
        """Read the environment block (``agi.env``, ``agi.environment``); returns it.

        Raises:
            AGIEOFHangup: the connection closed first.
            RemoteProtocolError: the environment is malformed.
        """
        if self.environment is not None:
            return self.environment
        return self._environment_event(await self._next_event())

    async def send_command(self, command: str | AGICommand, *args: object) -> None:
        """Send one command line without quoting the arguments (as pyst2's ``send_command``;
        an :class:`~pyst.agi.messages.AGICommand` is sent as it is).

        Raises:
            AGISIGPIPEHangup: the connection is broken. AGIEOFHangup: it is closed.
            LocalProtocolError: a newline or NUL in the line, or a reply is still due.
        """
        data = self._command_bytes(command_line(command, args, "send_command"))
        try:
            self.channel.send(data)
        except OSError as exc:
            raise self._write_failed(exc) from exc

    async def get_result(self) -> AGIResult:
        """Read the reply to the last command (pyst2's result dict, an
        :class:`~pyst.agi.results.AGIResult`).

        Raises:
            AGIException: what the reply means. AGIEOFHangup: the connection closed first.
            RemoteProtocolError: Asterisk sent something that is not a reply.
        """
        while True:
            result = self._reply_event(await self._next_event())
            if result is not None:
                return result

    async def execute(self, command: str | AGICommand, *args: object) -> AGIResult:
        """:meth:`test_hangup`, :meth:`send_command`, :meth:`get_result` (written out in one
        coroutine: this is the path every command takes).

        Raises:
            AGIHangup: a hangup was noticed before (the command is not sent), or the reply
                shows one.
            AGIException: what the reply means.
        """
        conn = self._conn
        pending = conn.has_pending_input
        if (
            pending
            or self._got_sighup
            or self._hangup_line
            or self._hangup_reported
            or self._eof
            or self._broken
        ):
            self.test_hangup()
        if type(command) is not AGICommand or args:  # (the command methods pass AGICommands)
            command = command_line(command, args, "execute")
        # _command_bytes() without its connection checks: test_hangup() raised if the
        # connection is gone.
        data = conn.send(command)
        if self._provisional:
            self._provisional = []
        self._current_line = command.line
        channel = self.channel
        try:
            channel.send(data)
        except OSError as exc:
            raise self._write_failed(exc) from exc
        # Input that came before the command (rare: test_hangup left a partial line) goes
        # through the general path first; otherwise nothing is buffered until the reply.
        event: Event | Sentinel = conn.next_event() if pending else NEED_DATA
        while True:
            if event is NEED_DATA:
                try:
                    data = await channel.recv()
                except (ConnectionResetError, ConnectionAbortedError) as exc:
                    self._read_failed(exc)
                    data = b""
                reply = conn.receive_reply(data)
                if reply is None:  # not one whole plain reply: the general path
                    event = conn.next_event()
                    continue
                if reply.result != "-1" and reply.data != "hangup" and not self._provisional:
                    # A plain success (receive_reply only gives 200 replies): what
                    # _reply_event gives, without its general checks.
                    success = AGIResult(reply)
                    self.last_result = success
                    return success
                event = reply
            result = self._reply_event(event)  # type: ignore[arg-type]  # not a sentinel
            if result is not None:
                return result
            event = conn.next_event()
