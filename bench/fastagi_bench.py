"""FastAGI throughput and latency: pyst.fastagi vs panoramisk 1.4, pyst2 0.5.1 and pystrix 1.3.

Each server runs in its own process (``python -m bench.fastagi_bench --serve NAME``) with the
same 10-command handler; a load generator plays Asterisk for 50 concurrent callers and
measures completed calls per second and per-call latency (connect to the script's close),
after a warm-up. The server is pinned to one CPU and the generator to another
(``sched_setaffinity``), so that neither steals the other's core; the server's CPU time per
call (user + system, from ``/proc``) is the steadier figure on a shared machine.

Two load generators play Asterisk the same way:

* the reference, :func:`generate`: pyst's AGI core in the ASTERISK role (the object the tests
  use to play Asterisk) on one ``selectors`` loop. Each caller connects, the core writes the
  environment, reads each command line as Asterisk's ``parse_args``/``find_command`` would,
  and writes Asterisk's reply; when the script closes, it writes Asterisk's final ``HANGUP``
  and closes, as res_agi.c does. A call counts as lost unless the 10 expected commands came,
  in order. It costs about 0.8-1.2 ms of CPU per call: as much as the servers measured, so
  it cannot tell them apart;
* :func:`generate_c`: the same in C (``bench/agi_loadgen.c``, built with ``cc -O2`` into a
  temporary directory at run time; it gets the command table, the replies and the
  environment bytes from pyst's core, so both write the same bytes). About 0.2-0.3 ms per
  call. Without a C compiler the benchmark warns and uses the Python generator. Each run
  cross-checks the two: the same number of calls through both, all must come out good.

The handler: ANSWER, GET VARIABLE, SET VARIABLE, STREAM FILE, SAY DIGITS, DATABASE PUT,
DATABASE GET, VERBOSE, NOOP, HANGUP. The servers:

* ``pyst``: :class:`pyst.fastagi.FastAGIServer` with an ``async`` handler (``AsyncAGI``),
  run by :func:`pyst.fastagi.run`; ``pyst-uvloop`` the same on uvloop.
* ``panoramisk``: ``panoramisk.fast_agi.Application`` on ``asyncio.start_server``, sending
  the same command lines with ``request.send_command``; ``panoramisk-uvloop`` the same on
  uvloop (it runs on any asyncio loop).
* ``pyst2``: pyst2's ``AGI`` class on a ``socketserver.ThreadingTCPServer`` (pyst2's own
  fastagi module does not import on Python 3). Two adaptations, as any pyst2 user on Python 3
  needs: text-mode socket files (pyst2 writes ``str``), and ``asterisk.agi.signal`` replaced so
  the constructor's ``signal.signal(SIGHUP)`` does not raise off the main thread. Its stderr
  chatter goes to ``/dev/null``.
* ``pystrix``: ``pystrix.agi.FastAGIServer`` (threads), ``agi.execute(core.Answer())``...
* ``floor``, ``floor-uvloop``: no AGI library, a bare Protocol that writes the 10 lines and
  counts reply lines: what any Python server costs here at the least.
* ``least``, ``least-uvloop``: no library either, but the least a coroutine-style AGI server
  must do (a task per call whose ``async`` code awaits each reply on a future, the environment
  split into a dict, the ``result=`` value taken out of each reply): a bound that no library
  with coroutine handlers, pyst.fastagi and panoramisk among them, can beat on that loop.

Every listen queue is at least 1024 long (socketserver's default of 5 and asyncio's 100 would make
the benchmark measure SYN retries).

Run: ``python -m bench fastagi`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

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

if TYPE_CHECKING:
    from pyst.agi.aio import AsyncAGI

SERVERS = {
    "pyst": "pyst.fastagi, asyncio",
    "pyst-uvloop": "pyst.fastagi, uvloop",
    "panoramisk": "panoramisk 1.4, asyncio",
    "panoramisk-uvloop": "panoramisk 1.4, uvloop",
    "pyst2": "pyst2 0.5.1 (threads)",
    "pystrix": "pystrix 1.3.0 (threads)",
    "floor": "floor: bare Protocol, asyncio",
    "floor-uvloop": "floor: bare Protocol, uvloop",
    "least": "least coroutine-style AGI server, asyncio",
    "least-uvloop": "least coroutine-style AGI server, uvloop",
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


# --- the load generators -----------------------------------------------------------------------


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


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _environment(port: int) -> AGIEnvironment:
    return AGIEnvironment.build(
        request=f"agi://127.0.0.1:{port}/bench", channel=CHANNEL, callerid="5551234",
        context="bench", extension="s", priority=1,
    )


def _pct(latencies: list[float], p: float) -> float:
    """The ``p``-th percentile of sorted ``latencies`` (seconds), in ms."""
    if not latencies:
        return float("nan")
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e3


def _summary(
    latencies: list[float], lost: int, duration: float, server_cpu: float, generator_cpu: float
) -> dict[str, Any]:
    latencies.sort()
    calls = len(latencies)
    return {
        "calls": calls,
        "calls/s": calls / duration,
        "p50 ms": _pct(latencies, 50),
        "p99 ms": _pct(latencies, 99),
        "lost": lost,
        "server CPU ms/call": server_cpu / calls * 1e3 if calls else float("nan"),
        "generator CPU ms/call": generator_cpu / calls * 1e3 if calls else float("nan"),
        "latencies": latencies,
    }


def generate(
    port: int,
    *,
    concurrency: int = CONCURRENCY,
    warmup: float = 0.5,
    duration: float = 3.0,
    server_pid: int | None = None,
    max_calls: int = 0,
) -> dict[str, Any]:
    """Play Asterisk for ``concurrency`` callers against ``127.0.0.1:port``; returns calls/s,
    latency percentiles, the number of calls that went wrong, this generator's CPU time per
    call and (with ``server_pid``) the server's, over ``duration`` seconds after ``warmup``.
    ``max_calls`` > 0: start no more calls than that in all.

    The reference generator (pyst's core); :func:`generate_c` does the same in C."""
    env = _environment(port)
    selector = selectors.DefaultSelector()
    clock = time.perf_counter
    begin = clock()
    measure_from = begin + warmup
    end = measure_from + duration
    latencies: list[float] = []
    lost = 0
    started = 0
    calls: set[_Call] = set()

    def start() -> None:
        nonlocal started
        started += 1
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
        if now < end and (not max_calls or started < max_calls):
            start()

    for _ in range(concurrency if not max_calls else min(concurrency, max_calls)):
        start()
    cpu_start = cpu_end = own_start = own_end = float("nan")
    # After the window no new call starts; the calls in flight finish (for at most
    # DRAIN seconds) rather than being cut off, which some servers do not survive.
    drain_until = end + DRAIN
    while calls and clock() < drain_until:
        now = clock()
        if cpu_start != cpu_start and now >= measure_from:
            cpu_start, own_start = _cpu_seconds(server_pid), _self_cpu()
        if cpu_end != cpu_end and now >= end:
            cpu_end, own_end = _cpu_seconds(server_pid), _self_cpu()
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
        cpu_end, own_end = _cpu_seconds(server_pid), _self_cpu()
    lost += len(calls)  # still unfinished after the drain
    for call in list(calls):
        selector.unregister(call.sock)
        call.sock.close()
    selector.close()
    return _summary(latencies, lost, duration, cpu_end - cpu_start, own_end - own_start)


def build_c_generator(directory: str) -> str | None:
    """Compile ``bench/agi_loadgen.c`` with ``cc -O2`` into ``directory``; the executable's
    path, or None (with a warning on stderr) when there is no C compiler or it fails."""
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agi_loadgen.c")
    target = os.path.join(directory, "agi_loadgen")
    compiler = os.environ.get("CC", "cc")
    try:
        subprocess.run(
            [compiler, "-O2", "-o", target, source, "-lm"],
            check=True, capture_output=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        sys.stderr.write(
            f"warning: cannot build the C load generator ({exc}; "
            f"{detail.decode(errors='replace').strip()[:200]}); "
            "falling back to the Python one, which costs about as much CPU per call as "
            "the servers measured: the calls/s figures will be bounded by it\n"
        )
        return None
    return target


def _c_generator_input(port: int) -> bytes:
    """What agi_loadgen reads on stdin: the command table with each reply, then the
    environment block, all as pyst's core writes them."""
    lines = [f"{len(TABLE)}\n".encode()]
    for spec in TABLE:
        reply = REPLIES[spec.name].to_bytes("utf-8")
        lines.append(" ".join(spec.words).encode() + b"\t" + reply)
    conn = AGIConnection(Role.ASTERISK, commands=TABLE)
    lines.append(conn.send(_environment(port)))
    return b"".join(lines)


def generate_c(
    executable: str,
    port: int,
    *,
    concurrency: int = CONCURRENCY,
    warmup: float = 0.5,
    duration: float = 3.0,
    server_pid: int | None = None,
    max_calls: int = 0,
    cpu: int | None = None,
) -> dict[str, Any]:
    """:func:`generate`, done by the compiled ``agi_loadgen`` (pinned to ``cpu`` if given)."""
    args = [
        executable, str(port), str(concurrency), repr(warmup), repr(duration), repr(DRAIN),
        str(server_pid or 0), str(max_calls),
    ]
    preexec = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    done = subprocess.run(
        args, input=_c_generator_input(port), capture_output=True, check=False,
        timeout=warmup + duration + DRAIN + 60, preexec_fn=preexec,
    )
    if done.returncode != 0:
        raise RuntimeError(f"agi_loadgen failed: {done.stderr.decode(errors='replace')[:300]}")
    head, _, tail = done.stdout.decode().partition("latencies_us\n")
    fields = dict(line.split(" ", 1) for line in head.splitlines())
    latencies = [float(value) / 1e6 for value in tail.split()]
    return _summary(
        latencies, int(fields["lost"]), duration,
        float(fields["server_cpu"]), float(fields["gen_cpu"]),
    )


# --- the servers (each in its own process) -----------------------------------------------------


def _announce(port: int) -> None:
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()


async def pyst_handler(agi: AsyncAGI, *, skip_noop: bool = False) -> None:
    """The benchmark's 10-command handler on pyst.fastagi (``skip_noop``: one command short,
    for the tests that check a generator counts such a call as lost)."""
    await agi.answer()
    await agi.get_variable("CHANNEL")
    await agi.set_variable("FOO", "bar")
    await agi.stream_file("beep")
    await agi.say_digits(123)
    await agi.database_put("bench", "key", "value1")
    await agi.database_get("bench", "key")
    await agi.verbose("hello")
    if not skip_noop:
        await agi.noop()
    await agi.hangup()


def serve_pyst(loop: str = "asyncio") -> None:
    from pyst.fastagi import FastAGIServer, run

    server = FastAGIServer(port=0, max_calls=1000)
    server.add_route("bench", pyst_handler)
    run(server, loop=loop, ready=lambda running: _announce(running.port))


def _run_on(loop: str, main: Callable[[], Any]) -> None:
    """Run ``main()`` (a coroutine function) on a new event loop of kind ``loop``."""
    from pyst.fastagi import new_event_loop

    event_loop = new_event_loop(loop)
    asyncio.set_event_loop(event_loop)
    event_loop.run_until_complete(main())


def serve_panoramisk(loop: str = "asyncio") -> None:
    from panoramisk.fast_agi import Application

    async def main() -> None:
        app = Application(loop=asyncio.get_running_loop())

        async def bench(request: Any) -> None:
            for line in COMMAND_LINES:
                await request.send_command(line)

        app.add_route("bench", bench)
        server = await asyncio.start_server(app.handler, "127.0.0.1", 0, backlog=1024)
        _announce(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    _run_on(loop, main)


def serve_pyst2(loop: str = "") -> None:
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


def serve_pystrix(loop: str = "") -> None:
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


class _Reference(asyncio.Protocol):
    """Base of the reference servers' protocols: Asterisk closing its side ends the call."""

    transport: asyncio.Transport

    def eof_received(self) -> bool:
        self.transport.close()
        return True


def _serve_protocol(factory: Callable[[], asyncio.Protocol], loop: str) -> None:
    """Serve ``factory``'s protocol on 127.0.0.1 (a free port, announced) until killed."""

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(
            factory, "127.0.0.1", 0, backlog=1024
        )
        _announce(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    _run_on(loop, main)


def serve_floor(loop: str = "asyncio") -> None:
    """Not an AGI library: a bare asyncio Protocol that writes the 10 command lines and counts
    reply lines, parsing nothing. What any Python asyncio server costs here at the least."""
    lines = [line.encode() + b"\n" for line in COMMAND_LINES]

    class Floor(_Reference):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = cast(asyncio.Transport, transport)  # uvloop's: no subclass
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

    _serve_protocol(Floor, loop)


def serve_least(loop: str = "asyncio") -> None:
    """Not a library either: the least a coroutine-style AGI server must do, written for this
    one handler. Each call is a task running ``async`` code that awaits one reply per command
    (as pyst.fastagi's and panoramisk's handlers do): the environment is split into a dict,
    each command line is written and its reply line awaited on a future that
    ``data_received`` resolves, and the reply's ``result=`` value is taken out. No quoting,
    no hangup or error handling, no result objects, no logging: a bound on what any
    AGI library with coroutine handlers can reach on this loop."""
    lines = [line.encode() + b"\n" for line in COMMAND_LINES]

    class Least(_Reference):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = cast(asyncio.Transport, transport)  # uvloop's: no subclass
            self.loop = asyncio.get_running_loop()
            self.buffer = b""
            self.env: dict[str, str] | None = None
            self.waiter: asyncio.Future[bytes] | None = None

        def data_received(self, data: bytes) -> None:
            buffer = self.buffer + data
            if self.env is None:
                end = buffer.find(b"\n\n")
                if end < 0:
                    self.buffer = buffer
                    return
                self.env = dict(
                    line.split(": ", 1) for line in buffer[:end].decode().split("\n")
                )
                self.buffer = buffer[end + 2 :]
                self.loop.create_task(self.call())
                return
            newline = buffer.find(b"\n")
            if newline < 0:
                self.buffer = buffer
                return
            self.buffer = buffer[newline + 1 :]
            waiter, self.waiter = self.waiter, None
            if waiter is not None:
                waiter.set_result(buffer[:newline])

        async def command(self, line: bytes) -> str:
            self.transport.write(line)
            waiter: asyncio.Future[bytes] = self.loop.create_future()
            self.waiter = waiter
            reply = await waiter
            if not reply.startswith(b"200 result="):
                raise RuntimeError(reply)
            return reply[11:].decode().partition(" ")[0]

        async def call(self) -> None:
            for line in lines:
                await self.command(line)
            self.transport.write_eof()

    _serve_protocol(Least, loop)


SERVE: dict[str, Callable[[str], None]] = {
    "floor": serve_floor,
    "least": serve_least,
    "pyst": serve_pyst,
    "panoramisk": serve_panoramisk,
    "pyst2": serve_pyst2,
    "pystrix": serve_pystrix,
}


def serve(name: str) -> None:
    """Run server ``name`` (a key of :data:`SERVERS`: ``base`` or ``base-uvloop``)."""
    base, _, loop = name.partition("-")
    SERVE[base](loop or "asyncio")


# --- the runner ----------------------------------------------------------------------------------


def _start_server(name: str, cpu: int | None = None) -> tuple[subprocess.Popen[bytes], int]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "bench.fastagi_bench", "--serve", name]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=root,
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
        raise RuntimeError(f"the {name} server did not start: {line!r} {err.strip()[-200:]}")
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


def _cpus() -> tuple[int | None, int | None]:
    """(server CPU, generator CPU): two different CPUs this process may use, or Nones."""
    try:
        usable = sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return None, None
    return (usable[0], usable[1]) if len(usable) >= 2 else (None, None)


def _ratio_note(
    what: str, mine: dict[str, Any] | None, theirs: dict[str, Any] | None, target: float
) -> str | None:
    if not mine or not theirs or not theirs["calls/s"] or not mine["server CPU ms/call"]:
        return None
    ratio = mine["calls/s"] / theirs["calls/s"]
    cpu = theirs["server CPU ms/call"] / mine["server CPU ms/call"]
    verdict = "met" if ratio >= target else "NOT met"
    return (f"{what}: {ratio:.2f}x calls/s, {cpu:.2f}x server CPU per call (theirs / ours: "
            f"above 1, pyst is cheaper) (target >= {target:g}x calls/s: {verdict})")


def run(quick: bool = False) -> Table:
    """Every server, measured in interleaved rounds (the order rotates each round), so that a
    change in the load of a shared machine does not fall on one server; medians per server."""
    quick = quick or quick_mode()
    rounds, duration, warmup = (1, 1.5, 0.3) if quick else (3, 2.0, 0.4)
    rows: list[dict[str, Any]] = []
    measured: dict[str, dict[str, Any]] = {}
    running: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    failed: dict[str, str] = {}
    server_cpu, generator_cpu = _cpus()
    original_affinity = os.sched_getaffinity(0) if server_cpu is not None else None
    load_before = os.getloadavg()
    tmp = tempfile.TemporaryDirectory(prefix="pyst-bench-")
    executable = build_c_generator(tmp.name)
    cross: dict[str, dict[str, Any]] = {}

    def measure(port: int, pid: int | None, **kwargs: Any) -> dict[str, Any]:
        if executable is None:
            return generate(port, server_pid=pid, **kwargs)
        return generate_c(executable, port, server_pid=pid, cpu=generator_cpu, **kwargs)

    try:
        if generator_cpu is not None:
            os.sched_setaffinity(0, {generator_cpu})  # the Python generator, if it runs
        for name in SERVERS:
            try:
                running[name] = _start_server(name, server_cpu)
            except Exception as exc:  # a peer that cannot run here is reported, not fatal
                failed[name] = str(exc)[-80:]
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in running}
        order = list(running)
        for round_ in range(rounds):
            for name in order[round_ % len(order):] + order[:round_ % len(order)]:
                proc, port = running[name]
                results[name].append(
                    measure(port, proc.pid, warmup=warmup, duration=duration)
                )
        if "pyst" in running:
            # Both generators, the same number of calls, against the same server: every call
            # must come out good with either (the C one mirrors the Python reference).
            proc, port = running["pyst"]
            count = 200 if quick else 500
            cross["python"] = generate(port, server_pid=proc.pid, warmup=0.0, duration=120.0,
                                       max_calls=count)
            if executable is not None:
                cross["C"] = generate_c(executable, port, server_pid=proc.pid, warmup=0.0,
                                        duration=120.0, max_calls=count, cpu=generator_cpu)
    finally:
        for proc, _port in running.values():
            _stop_server(proc)
        if original_affinity is not None:
            os.sched_setaffinity(0, original_affinity)
        tmp.cleanup()
    for name, label in SERVERS.items():
        if name in failed:
            rows.append({"server": label, "calls/s": float("nan"), "note": failed[name]})
            continue
        runs = results[name]
        latencies = sorted(t for r in runs for t in r["latencies"])
        summary = {
            "server": label,
            "calls": sum(r["calls"] for r in runs),
            "calls/s": _median([r["calls/s"] for r in runs]),
            "p50 ms": _pct(latencies, 50),
            "p99 ms": _pct(latencies, 99),
            "lost": sum(r["lost"] for r in runs),
            "server CPU ms/call": _median([r["server CPU ms/call"] for r in runs]),
            "generator CPU ms/call": _median([r["generator CPU ms/call"] for r in runs]),
        }
        measured[name] = summary
        rows.append(summary)
    load_after = os.getloadavg()
    generator = "C (bench/agi_loadgen.c, cc -O2)" if executable else "Python (no C compiler!)"
    notes = [
        f"{CONCURRENCY} concurrent callers, 10 commands per call; {rounds} interleaved "
        f"round(s) of {duration:g} s after a {warmup:g} s warm-up, medians; latency = connect "
        f"to the script's close (all rounds).",
        f"Load generator: {generator}, playing Asterisk as pyst's AGI core in the ASTERISK "
        "role does; each server in its own process. 'server CPU' = user+system time of the "
        "server process per completed call; 'generator CPU' = the generator's own.",
        f"Pinned: server on CPU {server_cpu}, generator on CPU {generator_cpu}. Load average "
        f"before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min; other jobs share "
        "the machine).",
        "The floor rows are no AGI library: the least any Python server costs here on that "
        "event loop; no server can beat them by much.",
    ]
    for gen, result in cross.items():
        notes.append(
            f"Cross-check, {gen} generator on pyst.fastagi: {result['calls']} good calls, "
            f"{result['lost']} lost, of {200 if quick else 500}; generator CPU "
            f"{result['generator CPU ms/call']:.3f} ms/call."
        )
    auto = "pyst-uvloop" if _uvloop_installed() else "pyst"
    comparisons = [
        ("like-for-like, asyncio: pyst / panoramisk", "pyst", "panoramisk", "panoramisk"),
        ("like-for-like, uvloop: pyst / panoramisk", "pyst-uvloop", "panoramisk-uvloop",
         "panoramisk"),
        ("out of the box (pyst.fastagi.run's default loop vs panoramisk on asyncio): "
         "pyst / panoramisk", auto, "panoramisk", "panoramisk"),
        ("pyst on asyncio / pyst2 on threads", "pyst", "pyst2", "pyst2"),
        ("pyst on uvloop / pyst2 on threads", "pyst-uvloop", "pyst2", "pyst2"),
        # What no coroutine-style library could beat: the bound, against the same bounds.
        ("bound, asyncio: least / panoramisk", "least", "panoramisk", "panoramisk"),
        ("bound, uvloop: least / panoramisk", "least-uvloop", "panoramisk-uvloop",
         "panoramisk"),
        ("bound, uvloop: least / pyst2 on threads", "least-uvloop", "pyst2", "pyst2"),
    ]
    for what, mine, theirs, target in comparisons:
        line = _ratio_note(what, measured.get(mine), measured.get(theirs), TARGETS[target])
        if line:
            notes.append(line)
    return Table("FastAGI: calls/s and latency", rows, metric=METRIC, baseline=BASELINE,
                 notes=notes)


def _uvloop_installed() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fastagi_bench")
    parser.add_argument("--serve", choices=sorted(SERVERS), help="run one server (internal)")
    parser.add_argument("--cpu", type=int, help="pin the server to this CPU (internal)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.serve:
        if args.cpu is not None:
            os.sched_setaffinity(0, {args.cpu})  # before any thread starts: they inherit it
        signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
        serve(args.serve)
        return 0
    from bench import format_table

    print(format_table(run(quick=args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

