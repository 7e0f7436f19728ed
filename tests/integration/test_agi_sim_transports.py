"""The simulator's transports at their edges: peers that close, stop reading or never exit.
Every wait here is bounded (short write timeouts, killed children)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time

import pytest

from pyst_sim.agi.transports import ProcessTransport, SocketTransport, parse_fastagi_url


def test_socket_transport_edges() -> None:
    ours, theirs = socket.socketpair()
    transport = SocketTransport(ours, write_timeout=0.2)
    assert transport.recv(0.05) is None  # nothing yet
    theirs.sendall(b"NOOP\n")
    assert transport.recv(1.0) == b"NOOP\n"
    theirs.close()
    transport.send(b"200 result=0\n" * 10000)  # the peer is gone: no exception
    assert transport.recv(1.0) == b""
    transport.signal(1)
    assert transport.wait_exit(1.0) is None
    transport.close()
    transport.close()  # idempotent
    transport.send(b"x")
    assert transport.recv(0.1) == b""


def _child(code: str) -> ProcessTransport:
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by ProcessTransport.finish()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=stderr, bufsize=0)
    return ProcessTransport(proc, stderr, write_timeout=0.3)


def test_process_transport_child_that_exits() -> None:
    transport = _child("import sys; sys.stderr.write('bye')")
    assert transport.wait_exit(10) == 0
    transport.send(b"200 result=0\n")  # broken pipe: ignored
    transport.signal(1)  # already gone: ignored
    assert transport.recv(1.0) == b""
    assert transport.finish(1.0) == "bye"
    assert transport.recv(0.1) == b""
    transport.send(b"x")


def test_process_transport_child_that_stops_reading() -> None:
    transport = _child("import time; time.sleep(30)")
    started = time.perf_counter()
    transport.send(b"x" * (1 << 20))  # far more than a pipe holds
    assert time.perf_counter() - started < 5
    assert transport.recv(0.05) is None
    assert transport.wait_exit(0.2) is None  # killed after the timeout
    assert transport.proc.returncode is not None
    transport.finish(1.0)


def test_process_transport_finish_kills_a_lingering_child() -> None:
    transport = _child("import signal, time; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
                       "time.sleep(30)")
    started = time.perf_counter()
    transport.signal(1)
    transport.finish(0.2)
    assert time.perf_counter() - started < 5
    assert transport.proc.returncode is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [("agi://host/x", ("host", 4573)), ("AGI://host:4000", ("host", 4000)),
     ("hagi://host:4001/y", ("host", 4001)), ("agi://[::1]:4002/z", ("::1", 4002))],
)
def test_fastagi_urls(url: str, expected: tuple[str, int]) -> None:
    assert parse_fastagi_url(url) == expected
