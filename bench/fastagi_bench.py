"""FastAGI throughput and latency: pyst.fastagi vs panoramisk 1.4, pyst2 0.5.1 and pystrix 1.3.

Each server runs in its own process (``python -m bench.fastagi_bench --serve NAME``) with the
same 10-command handler; a load generator in this process plays Asterisk for 50 concurrent
callers and measures completed calls per second and per-call latency (connect to the script's
close), after a warm-up.

The load generator is built on pyst's AGI core in the ASTERISK role (the same object the
tests use to play Asterisk): each caller connects, the core writes the environment, reads
each command line as Asterisk's ``parse_args``/``find_command`` would, and writes Asterisk's
reply; when the script closes, it writes Asterisk's final ``HANGUP`` and closes, as res_agi.c
does. It checks every call: the 10 expected commands, in order, or the call counts as lost.
Sockets are non-blocking, driven by one ``selectors`` loop (no asyncio), so the generator
costs less per command than any of the servers and the servers' speed is what is measured.

The handler: ANSWER, GET VARIABLE, SET VARIABLE, STREAM FILE, SAY DIGITS, DATABASE PUT,
DATABASE GET, VERBOSE, NOOP, HANGUP. The servers:

* ``pyst``: :class:`pyst.fastagi.FastAGIServer` with an ``async`` handler (``AsyncAGI``).
* ``panoramisk``: ``panoramisk.fast_agi.Application`` on ``asyncio.start_server``, sending
  the same command lines with ``request.send_command``.
* ``pyst2``: pyst2's ``AGI`` class on a ``socketserver.ThreadingTCPServer`` (pyst2's own
  fastagi module does not import on Python 3). Two adaptations, as any pyst2 user on Python 3
  needs: text-mode socket files (pyst2 writes ``str``), and ``asterisk.agi.signal`` replaced so
  the constructor's ``signal.signal(SIGHUP)`` does not raise off the main thread. Its stderr
  chatter goes to ``/dev/null``. The listen queue is raised to 1024 (socketserver's default
  of 5 would make the benchmark measure SYN retries).
* ``pystrix``: ``pystrix.agi.FastAGIServer`` (threads), ``agi.execute(core.Answer())``...

Run: ``python -m bench fastagi`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import types
from collections.abc import Callable
from typing import Any

from bench import Table, quick_mode
from pyst.agi import (
    NEED_DATA,
    PAUSED,
    AGIConnection,
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Failure,
    Hangup,
    Role,
    get_command,
)

SERVERS = {
    "pyst": "pyst.fastagi (asyncio)",
    "panoramisk": "panoramisk 1.4",
    "pyst2": "pyst2 0.5.1 (threads)",
    "pystrix": "pystrix 1.3.0 (threads)",
    "floor": "floor: bare asyncio Protocol",
}
METRIC = "calls/s"
BASELINE = SERVERS["pyst2"]
CONCURRENCY = 50
#: Seconds the calls still in flight at the end of a measurement get to finish.
DRAIN = 5.0
#: The issue's bounds: pyst.fastagi calls/s over pyst2-on-threads and over panoramisk.
TARGETS = {"pyst2": 5.0, "panoramisk": 1.5}

# The command lines every handler sends (pyst2 and pystrix write a few differently; the
# generator matches commands as Asterisk does, so that does not matter).
COMMAND_LINES = [
    "ANSWER",
    "GET VARIABLE CHANNEL",
    "SET VARIABLE FOO bar",
    'STREAM FILE beep ""',
    'SAY DIGITS 123 ""',
    "DATABASE PUT bench key value1",
    "DATABASE GET bench key",
    "VERBOSE hello 1",
    "NOOP",
    "HANGUP",
]
EXPECTED = (
    "answer", "get variable", "set variable", "stream file", "say digits", "database put",
    "database get", "verbose", "noop", "hangup",
)
CHANNEL = "Local/bench-00000001;2"
REPLIES = {
    "answer": AGIReply.success(0),
    "get variable": AGIReply.success(1, CHANNEL),
    "set variable": AGIReply.success(1),
    "stream file": AGIReply.success(0, endpos=2000),
    "say digits": AGIReply.success(0),
    "database put": AGIReply.success(1),
    "database get": AGIReply.success(1, "value1"),
    "verbose": AGIReply.success(1),
    "noop": AGIReply.success(0),
    "hangup": AGIReply.success(1),
}
# Asterisk's lookup over just these commands (none is a prefix of another, so the answer is
# the same as with the full table; find_command is a linear scan).
TABLE = tuple(get_command(name) for name in EXPECTED)


# --- the load generator ------------------------------------------------------------------------


class _Call:
    __slots__ = ("conn", "names", "sock", "started")

    def __init__(self, sock: socket.socket, conn: AGIConnection, started: float) -> None:
        self.sock = sock
        self.conn = conn
        self.started = started
        self.names: list[str | None] = []


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``), NaN elsewhere."""
    if pid is None:
        return float("nan")
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def generate(
    port: int,
    *,
    concurrency: int = CONCURRENCY,
    warmup: float = 0.5,
    duration: float = 3.0,
    server_pid: int | None = None,
) -> dict[str, Any]:
    """Play Asterisk for ``concurrency`` callers against ``127.0.0.1:port``; returns calls/s,
    latency percentiles, the number of calls that went wrong, and (with ``server_pid``) the
    server's CPU time per call, over ``duration`` seconds after ``warmup``."""
    env = AGIEnvironment.build(
        request=f"agi://127.0.0.1:{port}/bench", channel=CHANNEL, callerid="5551234",
        context="bench", extension="s", priority=1,
    )
    selector = selectors.DefaultSelector()
    clock = time.perf_counter
    begin = clock()
    measure_from = begin + warmup
    end = measure_from + duration
    latencies: list[float] = []
    lost = 0
    calls: set[_Call] = set()

    def start() -> None:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        conn = AGIConnection(Role.ASTERISK, commands=TABLE)
        call = _Call(sock, conn, clock())
        sock.send(conn.send(env))
        selector.register(sock, selectors.EVENT_READ, call)
        calls.add(call)

    def finish(call: _Call, ok: bool) -> None:
        nonlocal lost
        selector.unregister(call.sock)
        calls.discard(call)
        try:
            call.sock.send(call.conn.send(Hangup()))  # the AGI ended: Asterisk's HANGUP
        except OSError:
            pass  # a server that closed fully already
        call.sock.close()
        now = clock()
        if now >= measure_from:
            if not ok:
                lost += 1
            elif now < end:
                latencies.append(now - call.started)
        if now < end:
            start()

    for _ in range(concurrency):
        start()
    cpu_start = cpu_end = float("nan")
    # After the window no new call starts; the calls in flight finish (for at most
    # DRAIN seconds) rather than being cut off, which some servers do not survive.
    drain_until = end + DRAIN
    while calls and clock() < drain_until:
        now = clock()
        if cpu_start != cpu_start and now >= measure_from:
            cpu_start = _cpu_seconds(server_pid)
        if cpu_end != cpu_end and now >= end:
            cpu_end = _cpu_seconds(server_pid)
        for key, _mask in selector.select(timeout=0.5):
            call = key.data
            try:
                data = call.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            except BlockingIOError:
                continue
            conn = call.conn
            conn.receive_data(data)
            while True:
                event = conn.next_event()
                if event is NEED_DATA or event is PAUSED:
                    break
                if isinstance(event, CommandLine):
                    call.names.append(event.name)
                    call.sock.send(conn.send(REPLIES.get(event.name or "", REPLIES["noop"])))
                elif isinstance(event, ConnectionClosed):
                    finish(call, tuple(call.names) == EXPECTED)
                    break
                elif isinstance(event, Failure):
                    call.names.append("failure")
    if cpu_end != cpu_end:
        cpu_end = _cpu_seconds(server_pid)
    lost += len(calls)  # still unfinished after the drain
    for call in list(calls):
        selector.unregister(call.sock)
        call.sock.close()
    selector.close()
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e3

    return {
        "calls": len(latencies),
        "calls/s": len(latencies) / duration,
        "p50 ms": pct(50),
        "p99 ms": pct(99),
        "lost": lost,
        "server CPU ms/call": (cpu_end - cpu_start) / len(latencies) * 1e3
        if latencies else float("nan"),
        "latencies": latencies,
    }


# --- the servers (each in its own process) -----------------------------------------------------


def _announce(port: int) -> None:
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()


def serve_pyst() -> None:
    from pyst.agi.aio import AsyncAGI
    from pyst.fastagi import FastAGIServer

    server = FastAGIServer(port=0, max_calls=1000)

    @server.route("bench")
    async def bench(agi: AsyncAGI) -> None:
        await agi.answer()
        await agi.get_variable("CHANNEL")
        await agi.set_variable("FOO", "bar")
        await agi.stream_file("beep")
        await agi.say_digits(123)
        await agi.database_put("bench", "key", "value1")
        await agi.database_get("bench", "key")
        await agi.verbose("hello")
        await agi.noop()
        await agi.hangup()

    async def main() -> None:
        await server.start()
        _announce(server.port)
        await asyncio.Event().wait()

    asyncio.run(main())


def serve_panoramisk() -> None:
    from panoramisk.fast_agi import Application

    async def main() -> None:
        app = Application(loop=asyncio.get_running_loop())

        async def bench(request: Any) -> None:
            for line in COMMAND_LINES:
                await request.send_command(line)

        app.add_route("bench", bench)
        server = await asyncio.start_server(app.handler, "127.0.0.1", 0)
        _announce(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def serve_pyst2() -> None:
    import socketserver

    import asterisk.agi as pyst2_agi  # type: ignore[import-not-found]

    # pyst2's constructor calls signal.signal(SIGHUP, ...), which raises off the main thread.
    pyst2_agi.signal = types.SimpleNamespace(
        signal=lambda *args: None, SIGHUP=getattr(signal, "SIGHUP", 1)
    )
    devnull = open(os.devnull, "w")  # noqa: SIM115 - pyst2's chatter, for the process's life

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            rfile = self.connection.makefile("r", encoding="utf-8", newline="\n")
            wfile = self.connection.makefile("w", encoding="utf-8", newline="\n")
            agi = pyst2_agi.AGI(stdin=rfile, stdout=wfile, stderr=devnull)
            agi.answer()
            agi.get_variable("CHANNEL")
            agi.set_variable("FOO", "bar")
            agi.stream_file("beep")
            agi.say_digits(123)
            agi.database_put("bench", "key", "value1")
            agi.database_get("bench", "key")
            agi.verbose("hello")
            agi.noop()
            agi.hangup()
            wfile.close()
            rfile.close()

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 1024

    with Server(("127.0.0.1", 0), Handler) as server:
        _announce(server.server_address[1])
        server.serve_forever()


def serve_pystrix() -> None:
    from pystrix.agi import (
        FastAGIServer,  # type: ignore[import-not-found]
        core,
    )

    def bench(agi: Any, args: Any, kwargs: Any, match: Any, path: Any) -> None:
        agi.execute(core.Answer())
        agi.execute(core.GetVariable("CHANNEL"))
        agi.execute(core.SetVariable("FOO", "bar"))
        agi.execute(core.StreamFile("beep"))
        agi.execute(core.SayDigits(123))
        agi.execute(core.DatabasePut("bench", "key", "value1"))
        agi.execute(core.DatabaseGet("bench", "key"))
        agi.execute(core.Verbose("hello"))
        agi.execute(core.Noop())
        agi.execute(core.Hangup())

    server = FastAGIServer(interface="127.0.0.1", port=0)
    server.register_script_handler("bench", bench)
    _announce(server.server_address[1])
    server.serve_forever()


def serve_floor() -> None:
    """Not an AGI library: a bare asyncio Protocol that writes the 10 command lines and counts
    reply lines, parsing nothing. What any Python asyncio server costs here at the least."""
    lines = [line.encode() + b"\n" for line in COMMAND_LINES]

    class Floor(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            assert isinstance(transport, asyncio.Transport)
            self.transport = transport
            self.buffer = b""
            self.sent = -1  # -1: the environment is still coming

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\n" in self.buffer:
                line, _, self.buffer = self.buffer.partition(b"\n")
                if self.sent < 0:
                    if line:
                        continue
                    self.sent = 0  # the empty line ends the environment
                elif self.sent == len(lines):
                    continue  # Asterisk's final HANGUP
                elif self.sent + 1 == len(lines):
                    self.sent += 1
                    self.transport.write_eof()
                    continue
                else:
                    self.sent += 1
                self.transport.write(lines[self.sent]) if self.sent < len(lines) else None

        def eof_received(self) -> bool:
            self.transport.close()
            return True

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Floor, "127.0.0.1", 0, backlog=1024)
        _announce(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


SERVE: dict[str, Callable[[], None]] = {
    "floor": serve_floor,
    "pyst": serve_pyst,
    "panoramisk": serve_panoramisk,
    "pyst2": serve_pyst2,
    "pystrix": serve_pystrix,
}


# --- the runner ----------------------------------------------------------------------------------


def _start_server(name: str) -> tuple[subprocess.Popen[bytes], int]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fastagi_bench", "--serve", name],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=root,
    )
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(30):
            proc.kill()
            raise RuntimeError(f"the {name} server did not start")
    line = proc.stdout.readline().decode()
    if not line.startswith("PORT "):
        proc.kill()
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"the {name} server did not start: {line!r} {err}")
    return proc, int(line.split()[1])


def _stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _median(values: list[float]) -> float:
    ordered = sorted(v for v in values if v == v)
    if not ordered:
        return float("nan")
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def run(quick: bool = False) -> Table:
    """Every server, measured in interleaved rounds (the order rotates each round), so that a
    change in the load of a shared machine does not fall on one server; medians per server."""
    quick = quick or quick_mode()
    rounds, duration, warmup = (1, 1.5, 0.3) if quick else (3, 2.0, 0.4)
    rows: list[dict[str, Any]] = []
    measured: dict[str, float] = {}
    running: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    failed: dict[str, str] = {}
    for name in SERVERS:
        try:
            running[name] = _start_server(name)
        except Exception as exc:  # a peer that cannot run here is reported, not fatal
            failed[name] = str(exc)[:60]
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in running}
    try:
        order = list(running)
        for round_ in range(rounds):
            for name in order[round_ % len(order):] + order[:round_ % len(order)]:
                proc, port = running[name]
                results[name].append(
                    generate(port, warmup=warmup, duration=duration, server_pid=proc.pid)
                )
    finally:
        for proc, _port in running.values():
            _stop_server(proc)
    for name, label in SERVERS.items():
        if name in failed:
            rows.append({"server": label, "calls/s": float("nan"), "note": failed[name]})
            continue
        runs = results[name]
        latencies = sorted(t for r in runs for t in r["latencies"])

        def pct(p: float, latencies: list[float] = latencies) -> float:
            if not latencies:
                return float("nan")
            return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e3

        rate = _median([r["calls/s"] for r in runs])
        measured[name] = rate
        rows.append({
            "server": label,
            "calls": sum(r["calls"] for r in runs),
            "calls/s": rate,
            "p50 ms": pct(50),
            "p99 ms": pct(99),
            "lost": sum(r["lost"] for r in runs),
            "server CPU ms/call": _median([r["server CPU ms/call"] for r in runs]),
        })
    notes = [
        f"{CONCURRENCY} concurrent callers, 10 commands per call; {rounds} interleaved "
        f"round(s) of {duration:g} s after a {warmup:g} s warm-up, medians; latency = connect "
        f"to the script's close (all rounds).",
        "Load generator: pyst's AGI core in the ASTERISK role on one selectors loop (this "
        "process); each server in its own process. 'server CPU' = user+system time of the "
        "server process per completed call (a steadier figure than calls/s on a shared "
        "machine).",
        "The floor row is no AGI library: the least any Python asyncio server costs here; no "
        "server can beat it by much, so ratios above floor/peer cannot be reached.",
    ]
    cpu = {row["server"]: row.get("server CPU ms/call") for row in rows}
    for peer, target in TARGETS.items():
        if measured.get(peer) and measured.get("pyst"):
            ratio = measured["pyst"] / measured[peer]
            verdict = "met" if ratio >= target else "NOT met"
            line = (f"pyst.fastagi / {SERVERS[peer]}: {ratio:.2f}x calls/s "
                    f"(target >= {target:g}x: {verdict})")
            mine, theirs = cpu.get(SERVERS["pyst"]), cpu.get(SERVERS[peer])
            floor = cpu.get(SERVERS["floor"])
            if mine and theirs:
                line += f"; {theirs / mine:.2f}x in server CPU per call"
            if floor and theirs:
                line += f" (the floor's: {theirs / floor:.2f}x)"
            notes.append(line)
    return Table("FastAGI: calls/s and latency", rows, metric=METRIC, baseline=BASELINE,
                 notes=notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fastagi_bench")
    parser.add_argument("--serve", choices=sorted(SERVE), help="run one server (internal)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.serve:
        signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
        SERVE[args.serve]()
        return 0
    from bench import format_table

    print(format_table(run(quick=args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

