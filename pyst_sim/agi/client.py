"""Minimal script-side AGI clients on the AGI core (SCRIPT role).

The simulator hands in-process handlers a :class:`pyst.agi.AGI` (or, for coroutines,
:class:`pyst.agi.aio.AsyncAGI`) when that module is importable. These two small classes are
the fallback, and a direct way to drive the simulator from tests: they send raw command lines
and return the core's :class:`~pyst.agi.messages.AGIReply`, without interpreting results.
A ``HANGUP`` line is remembered (:attr:`hangup_notified`) and skipped.
"""

from __future__ import annotations

import asyncio
import socket

from pyst.agi.messages import AGICommand, AGIEnvironment, AGIReply, ConnectionClosed, Hangup
from pyst.agi.protocol import NEED_DATA, AGIConnection, Event, Role, Sentinel
from pyst.errors import ConnectionLostError, RemoteProtocolError

__all__ = ["AsyncSimpleAGI", "SimpleAGI"]

_READ = 65536


class _Base:
    def __init__(self) -> None:
        self.conn = AGIConnection(Role.SCRIPT)
        self.env: AGIEnvironment | None = None
        self.hangup_notified = False

    def _event(self, event: Event) -> AGIReply | AGIEnvironment | None:
        if isinstance(event, Hangup):
            self.hangup_notified = True
            return None
        if isinstance(event, ConnectionClosed):
            raise ConnectionLostError("Asterisk closed the AGI connection")
        if isinstance(event, (AGIReply, AGIEnvironment)):
            return event
        raise RemoteProtocolError(f"unexpected AGI event {event!r}")  # pragma: no cover


class SimpleAGI(_Base):
    """A blocking client over a connected socket (reads the environment at once).

    Raises (constructor and :meth:`execute`):
        ConnectionLostError: the connection closed; RemoteProtocolError: bad bytes;
        TimeoutError: nothing arrived within the socket's timeout.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self.sock = sock
        env = self._next()
        assert isinstance(env, AGIEnvironment)
        self.env = env

    def _next(self) -> AGIReply | AGIEnvironment:
        while True:
            event = self.conn.next_event()
            if isinstance(event, Sentinel):
                assert event is NEED_DATA
                self.conn.receive_data(self.sock.recv(_READ))
                continue
            value = self._event(event)
            if value is not None and (not isinstance(value, AGIReply) or not value.is_provisional):
                return value

    def execute(self, line: str) -> AGIReply:
        """Send one command line (as written) and return its final reply."""
        self.sock.sendall(self.conn.send(AGICommand(line)))
        reply = self._next()
        assert isinstance(reply, AGIReply)
        return reply

    def command(self, name: str, *args: str) -> AGIReply:
        """Send ``name`` with ``args`` quoted as Asterisk reads them back."""
        return self.execute(AGICommand.build(name, *args).line)


class AsyncSimpleAGI(_Base):
    """The asyncio twin of :class:`SimpleAGI`; build it with :meth:`connect`."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        super().__init__()
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(
        cls, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> AsyncSimpleAGI:
        """A client with the environment read."""
        client = cls(reader, writer)
        env = await client._next()
        assert isinstance(env, AGIEnvironment)
        client.env = env
        return client

    async def _next(self) -> AGIReply | AGIEnvironment:
        while True:
            event = self.conn.next_event()
            if isinstance(event, Sentinel):
                self.conn.receive_data(await self.reader.read(_READ))
                continue
            value = self._event(event)
            if value is not None and (not isinstance(value, AGIReply) or not value.is_provisional):
                return value

    async def execute(self, line: str) -> AGIReply:
        """Send one command line (as written) and return its final reply."""
        self.writer.write(self.conn.send(AGICommand(line)))
        await self.writer.drain()
        reply = await self._next()
        assert isinstance(reply, AGIReply)
        return reply

    async def command(self, name: str, *args: str) -> AGIReply:
        """Send ``name`` with ``args`` quoted as Asterisk reads them back."""
        return await self.execute(AGICommand.build(name, *args).line)
