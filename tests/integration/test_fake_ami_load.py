"""Load on the fake AMI server: many clients and many events, counted, nothing lost.

The server runs in its own process (the ``pyst-sim ami`` CLI module), the clients here on raw
sockets. The suite runs reduced sizes (a few seconds); ``make load`` (``PYST_SIM_FULL_LOAD=1``)
runs the sizes of the issue: 200 clients x 1,000 actions, and 100,000 events to 50 clients
(``bench/fake_ami_bench.py`` measures the rates).
"""

from __future__ import annotations

import asyncio
import os

import pytest

from bench.fake_ami_bench import USEREVENT, FakeServerProcess

FULL = os.environ.get("PYST_SIM_FULL_LOAD") == "1"
CLIENTS, ACTIONS = (200, 1000) if FULL else (200, 50)
EVENTS, LISTENERS = (100_000, 50) if FULL else (2_000, 50)
LOGIN = b"Action: Login\r\nUsername: bench\r\nSecret: bench\r\nEvents: %s\r\n\r\n"


@pytest.fixture(scope="module")
def server() -> FakeServerProcess:
    with FakeServerProcess() as proc:
        yield proc


async def _pinger(port: int, index: int, count: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    actions = b"".join(
        b"Action: Ping\r\nActionID: %d-%d\r\n\r\n" % (index, i) for i in range(count)
    )
    writer.write((LOGIN % b"off") + actions)
    got = 0
    tail = b""
    while got < count:
        data = await reader.read(1 << 20)
        if not data:
            break
        data = tail + data
        got += data.count(b"Ping: Pong\r\n")
        tail = data[-11:]
        got -= tail.count(b"Ping: Pong\r\n")
    writer.close()
    return got


def test_many_clients_many_actions(server: FakeServerProcess) -> None:
    async def main() -> list[int]:
        return await asyncio.gather(*(_pinger(server.port, i, ACTIONS) for i in range(CLIENTS)))

    counts = asyncio.run(asyncio.wait_for(main(), 600 if FULL else 60))
    assert counts == [ACTIONS] * CLIENTS


async def _listener(port: int, expect: int, ready: asyncio.Event, started: list[int]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(LOGIN % b"user")
    buf = b""
    while b"Authentication accepted\r\n\r\n" not in buf:
        buf += await reader.read(65536)
    started.append(1)
    if len(started) == LISTENERS:
        ready.set()
    marker = b"Event: UserEvent\r\n"
    got = 0
    tail = b""
    while got < expect:
        data = await reader.read(1 << 20)
        if not data:
            break
        data = tail + data
        got += data.count(marker)
        tail = data[-(len(marker) - 1):]
        got -= tail.count(marker)
    writer.close()
    return got


async def _publisher(port: int, count: int) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(LOGIN % b"off")
    batch = 500
    acked = 0
    sent = 0
    while acked < count:
        while sent < count and sent - acked < 2 * batch:
            writer.write(b"".join(USEREVENT % i for i in range(sent, min(sent + batch, count))))
            sent = min(sent + batch, count)
        data = await reader.read(1 << 20)
        if not data:
            break
        acked += data.count(b"Event Sent")
    writer.close()
    return acked


def test_events_fan_out_to_many_listeners(server: FakeServerProcess) -> None:
    async def main() -> tuple[list[int], int]:
        ready = asyncio.Event()
        started: list[int] = []
        listeners = [asyncio.ensure_future(_listener(server.port, EVENTS, ready, started))
                     for _ in range(LISTENERS)]
        await asyncio.wait_for(ready.wait(), 30)
        acked = await _publisher(server.port, EVENTS)
        counts = await asyncio.gather(*listeners)
        return counts, acked

    counts, acked = asyncio.run(asyncio.wait_for(main(), 900 if FULL else 60))
    assert acked == EVENTS
    assert counts == [EVENTS] * LISTENERS
