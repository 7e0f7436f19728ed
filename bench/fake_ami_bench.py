"""Throughput of the fake AMI server, measured by one raw-socket load generator.

The server runs in its own process (``python -m pyst_sim.ami_cli --port 0 --time-scale 0``, a
manager.conf with ``authlimit`` raised); this process is the load generator, on plain blocking
sockets (no AMI library: it writes ready-made action bytes and counts reply terminators), so
the figures measure the server. Three measures, each the best of a few runs:

* **sequential**: one connection, ``Action: Ping`` then wait for the whole reply, repeated:
  round trips per second;
* **pipelined**: one connection, Pings written in batches of 1,000 while the replies are read
  (at most 2,000 in flight): replies per second;
* **fan-out**: 50 listener connections (``Events: user``) and one publisher sending
  ``UserEvent`` actions in batches; every listener counts its ``Event: UserEvent`` blocks:
  events delivered per second, all listeners together (each event counted once per listener
  that got it), with a check that none was lost.

For reference, a real Asterisk 22.10.1 on the same kind of machine (2 cores) gave about 17,000
sequential round trips/s, 55,000-75,000 pipelined replies/s and 130,000-160,000 events/s with
the same method.
"""

from __future__ import annotations

import os
import selectors
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import Table, quick_mode

REPO = Path(__file__).resolve().parent.parent
MANAGER_CONF = (
    "[general]\nauthlimit = 1000\n"
    "[bench]\nsecret = bench\nread = all\nwrite = all\n"
)
LOGIN = b"Action: Login\r\nUsername: bench\r\nSecret: bench\r\nEvents: %s\r\n\r\n"
PING = b"Action: Ping\r\nActionID: %d\r\n\r\n"
USEREVENT = b"Action: UserEvent\r\nUserEvent: Bench\r\nSeq: %d\r\n\r\n"
REFERENCE = {
    "sequential round trips/s": "17,000",
    "pipelined replies/s": "55,000-75,000",
    "events delivered/s": "130,000-160,000",
}


class FakeServerProcess:
    """The fake AMI server in a subprocess; ``port`` once started."""

    def __init__(self, loop: str = "auto") -> None:
        self.tmp = tempfile.TemporaryDirectory()
        Path(self.tmp.name, "manager.conf").write_text(MANAGER_CONF)
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pyst_sim.ami_cli", "--port", "0", "--time-scale", "0",
             "--config-dir", self.tmp.name, "--loop", loop],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("listening on"):
            self.close()
            raise RuntimeError(f"fake AMI server did not start: {line!r}")
        self.port = int(line.strip().rsplit(":", 1)[1])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.proc.kill()
                self.proc.wait(5)
        self.tmp.cleanup()

    def __enter__(self) -> FakeServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(port: int, events: bytes = b"off") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(LOGIN % events)
    buf = b""
    while b"Authentication accepted" not in buf or not buf.endswith(b"\r\n\r\n"):
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("server closed during login")
        buf += chunk
    return sock


def sequential(port: int, count: int) -> float:
    """Round trips per second of Ping, one at a time."""
    sock = _connect(port)
    try:
        actions = [PING % i for i in range(count)]
        start = time.perf_counter()
        for data in actions:
            sock.sendall(data)
            reply = sock.recv(65536)
            while not reply.endswith(b"\r\n\r\n"):
                reply += sock.recv(65536)
        return count / (time.perf_counter() - start)
    finally:
        sock.close()


def pipelined(port: int, count: int, batch: int = 1000) -> float:
    """Replies per second with up to two batches of Pings in flight."""
    sock = _connect(port)
    try:
        batches = [b"".join(PING % i for i in range(n, min(n + batch, count)))
                   for n in range(0, count, batch)]
        start = time.perf_counter()
        sent_batches = 0
        received = 0
        in_flight_limit = 2 * batch
        tail = b""
        while received < count:
            while sent_batches < len(batches) and sent_batches * batch - received < in_flight_limit:
                sock.sendall(batches[sent_batches])
                sent_batches += 1
            data = tail + sock.recv(1 << 20)
            received += data.count(b"Ping: Pong\r\n")
            tail = data[-11:]
            received -= tail.count(b"Ping: Pong\r\n")
        return count / (time.perf_counter() - start)
    finally:
        sock.close()


def fan_out(port: int, events: int, listeners: int, batch: int = 500) -> tuple[float, int]:
    """Events delivered per second to ``listeners`` (and how many were lost)."""
    marker = b"Event: UserEvent\r\n"
    socks = [_connect(port, b"user") for _ in range(listeners)]
    publisher = _connect(port)
    sel = selectors.DefaultSelector()
    counts = {s.fileno(): 0 for s in socks}
    tails = {s.fileno(): b"" for s in socks}
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    publisher.setblocking(False)
    sel.register(publisher, selectors.EVENT_READ)
    payload = [b"".join(USEREVENT % i for i in range(n, min(n + batch, events)))
               for n in range(0, events, batch)]
    want = events * listeners
    got = 0
    acked = 0
    sent = 0
    start = time.perf_counter()
    deadline = start + 300
    try:
        while got < want and time.perf_counter() < deadline:
            # Keep at most two batches unacknowledged by the server.
            while sent < len(payload) and sent * batch - acked < 2 * batch:
                publisher.setblocking(True)
                publisher.sendall(payload[sent])
                publisher.setblocking(False)
                sent += 1
            for key, _ in sel.select(timeout=1):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data = sock.recv(1 << 20)
                except BlockingIOError:
                    continue
                if sock is publisher:
                    acked += data.count(b"Event Sent")
                    continue
                fd = sock.fileno()
                data = tails[fd] + data
                n = data.count(marker)
                tails[fd] = data[-(len(marker) - 1):]
                n -= tails[fd].count(marker)
                counts[fd] += n
                got += n
        elapsed = time.perf_counter() - start
        return got / elapsed, want - got
    finally:
        sel.close()
        for s in [*socks, publisher]:
            s.close()


def _best(fn: Any, *args: Any, repeat: int = 3) -> float:
    return max(fn(*args) for _ in range(repeat))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc; 0.0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(loop: str, quick: bool) -> dict[str, Any]:
    """The three rates (best of a few runs) and the server CPU per sequential Ping, with the
    fake on event loop ``loop``."""
    seq_n, pipe_n, events_n, listeners = (
        (2_000, 20_000, 2_000, 50) if quick else (10_000, 100_000, 10_000, 50)
    )
    repeat = 1 if quick else 3
    with FakeServerProcess(loop) as server:
        seq = 0.0
        cpu_per_ping = float("inf")
        for _ in range(repeat):
            before = _cpu_seconds(server.proc.pid)
            seq = max(seq, sequential(server.port, seq_n))
            used = _cpu_seconds(server.proc.pid) - before
            cpu_per_ping = min(cpu_per_ping, used / seq_n)
        pipe = _best(pipelined, server.port, pipe_n, repeat=repeat)
        best_fan = 0.0
        lost = 0
        for _ in range(repeat):
            rate, missing = fan_out(server.port, events_n, listeners)
            lost += missing
            best_fan = max(best_fan, rate)
    return {"seq": seq, "cpu_us": cpu_per_ping * 1e6, "pipe": pipe, "fan": best_fan,
            "lost": lost, "counts": (seq_n, pipe_n, events_n, listeners)}


def run(quick: bool | None = None) -> Table:
    """Measure the three rates (smaller counts with ``quick``), with the fake on uvloop (what
    ``pyst-sim ami`` runs on when uvloop is installed) and on the standard asyncio loop."""
    quick = quick_mode() if quick is None else quick
    from pyst_sim.loops import resolve_loop

    loops = ["asyncio"]
    if resolve_loop("auto") == "uvloop":
        loops.insert(0, "uvloop")
    results = {loop: measure(loop, quick) for loop in loops}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    def row(name: str, key: str, reference: str) -> dict[str, Any]:
        out: dict[str, Any] = {"measure": name}
        for loop in loops:
            out[f"fake ({loop})"] = round(results[loop][key])
        out["real Asterisk 22.10.1"] = reference
        return out

    rows = [
        row("sequential round trips/s", "seq", REFERENCE["sequential round trips/s"]),
        row("server CPU per sequential Ping (us)", "cpu_us", "-"),
        row("pipelined replies/s", "pipe", REFERENCE["pipelined replies/s"]),
        row("events delivered/s", "fan", REFERENCE["events delivered/s"]),
    ]
    seq_n, pipe_n, events_n, listeners = results[loops[0]]["counts"]
    lost = sum(r["lost"] for r in results.values())
    notes = [
        f"sequential: {seq_n} Pings; pipelined: {pipe_n} Pings in batches of 1,000; fan-out: "
        f"{events_n} UserEvents to {listeners} listeners ({events_n * listeners} deliveries), "
        f"events lost: {lost}",
        "server: python -m pyst_sim.ami_cli --loop LOOP (own process), generator: raw blocking "
        f"sockets; load average at the end: {load:.2f}",
    ]
    return Table("fake AMI server throughput", rows, notes=notes)


if __name__ == "__main__":
    from bench import format_table

    table = run()
    print(format_table(table) if callable(format_table) else table)
