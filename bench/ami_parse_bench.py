"""AMI parsing throughput: pyst's sans-IO core vs panoramisk 1.4, pystrix 1.3.0 and pyst2 0.5.1.

Case 1 (stream): the server-to-client bytes of every AMI connection in the real Asterisk 22.10.1
captures (``shared/captures/*.jsonl``), banners removed, concatenated, repeated to at least 50 MB
(5 MB with ``--quick``) behind one banner, and fed to each parser in 64 KB chunks.
Case 2 (big): one ``Command`` response with about 3 MB of ``Output:`` lines (real CLI lines from
the capture, cycled) behind the banner, fed in 1 KB chunks; its cost per byte is compared with the
stream's.

Each parser goes from bytes to its own message objects along its real receive path, and the
messages go nowhere afterwards:

* pyst: ``AMIConnection(role=CLIENT)``: ``receive_data(chunk)``, then ``next_event()`` until it
  needs data.
* panoramisk: its ``AMIProtocol.data_received(chunk)`` (decode, split on the blank line,
  ``Message.from_line``, ``handle_message``) with a real, unconnected ``panoramisk.Manager`` as the
  factory and no callbacks registered; no socket or event loop is needed for that path.
* pystrix: its reader thread's loop ``_MessageReader.run()`` (``read_message()`` line by line,
  ``_Message``, the event-class lookup, the queues) run in this thread, on a
  ``_SynchronisedSocket`` whose socket file is a ``BufferedReader`` over the chunks (what
  ``socket.makefile("rb")`` gives it). Its queues are replaced by sinks that only count.
* pyst2: ``Manager.message_loop()`` (which starts its ``_receive_data`` thread and builds
  ``ManagerMsg``/``Event`` objects, as in a real connection) with ``_sock`` a ``BufferedReader``
  over the chunks and the event/response queues replaced by counting sinks. pyst2 itself opens the
  socket file unbuffered (``makefile(mode='rwb', buffering=0)``), so on a real socket its line
  reader costs one ``recv`` per byte; a separate row measures that over a real socketpair.
"""

from __future__ import annotations

import contextlib
import gc
import io
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench import ChunkedRaw, Table, best_of, chunked, quick_mode
from pyst_sim.captures import find_shared_dir, iter_captures

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
STREAM_CHUNK = 64 * 1024
BIG_CHUNK = 1024
TARGET_RATIO = 1.5  # the bound on (cost per byte, 3 MB message) / (cost per byte, stream)
TARGET_SPEEDUP = 3.0  # pyst messages/s over panoramisk's on the stream


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """The captured s2c AMI traffic without banners, and how many messages one copy holds."""

    body: bytes
    messages: int
    connections: int
    banner: bytes


def load_corpus() -> Corpus:
    """Every AMI connection's s2c bytes from the shared captures, banners cut off.

    Raises ``RuntimeError`` when the shared folder or its AMI captures cannot be found.
    """
    shared = find_shared_dir()
    if shared is None:
        raise RuntimeError("shared/captures not found (set PYST_SHARED_DIR)")
    parts: list[bytes] = []
    banner = BANNER
    for capture in iter_captures(shared):
        for conn in capture.connections():
            data = capture.stream(conn, "s2c")
            # AMI connections start with the banner line (Asterisk writes it on accept); AGI
            # connections have no s2c direction at all.
            if not data.startswith(b"Asterisk Call Manager/"):
                continue
            first, _, rest = data.partition(b"\r\n")
            banner = first + b"\r\n"
            if not rest.endswith(b"\r\n\r\n"):
                raise RuntimeError(f"{capture.path.name}:{conn}: stream ends inside a message")
            parts.append(rest)
    if not parts:
        raise RuntimeError(f"no AMI captures in {shared / 'captures'}")
    body = b"".join(parts)
    # Every message in these captures ends with one blank line and none holds an empty line, so
    # counting blank-line terminators counts messages (the parsers are then checked against it).
    return Corpus(body, body.count(b"\r\n\r\n"), len(parts), banner)


def build_stream(corpus: Corpus, target: int) -> tuple[bytes, int]:
    """Banner + the corpus repeated to at least ``target`` bytes; returns (bytes, messages)."""
    copies = -(-target // len(corpus.body))
    return corpus.banner + corpus.body * copies, corpus.messages * copies


def build_big_message(corpus: Corpus, size: int) -> bytes:
    """Banner + one ``Command`` response whose ``Output:`` lines add up to ``size`` bytes.

    The lines are the real CLI output lines of the captured Command responses, cycled (the shape
    of a large ``dialplan show`` or ``core show channels`` reply in AMI 11).
    """
    outputs = [
        line + b"\r\n" for line in corpus.body.split(b"\r\n") if line.startswith(b"Output: ")
    ]
    if not outputs:
        outputs = [b"Output: " + b"x" * 72 + b"\r\n"]
    head = b"Response: Success\r\nActionID: big-1\r\nMessage: Command output follows\r\n"
    lines = [head]
    total = len(head)
    i = 0
    while total < size:
        line = outputs[i % len(outputs)]
        lines.append(line)
        total += len(line)
        i += 1
    lines.append(b"\r\n")
    return corpus.banner + b"".join(lines)


# --------------------------------------------------------------------------------------------
# Parsers: each takes the chunks (first one starting with the banner) and returns the number of
# messages it produced, the banner not counted.
# --------------------------------------------------------------------------------------------


class _Sink:
    """Stands in for a ``queue.Queue`` that nobody reads: counts what is put."""

    def __init__(self) -> None:
        self.count = 0

    def put(self, item: Any, *args: Any, **kwargs: Any) -> None:
        if item is not None:  # pyst2 puts None to tell its other threads to stop
            self.count += 1

    put_nowait = put


def parse_pyst(chunks: Sequence[bytes]) -> int:
    """pyst's sans-IO core in the client role, as an I/O layer drives it."""
    from pyst.ami.protocol import NEED_DATA, AMIConnection, Role

    conn = AMIConnection(Role.CLIENT)
    receive_data = conn.receive_data
    next_event = conn.next_event
    count = 0
    for chunk in chunks:
        receive_data(chunk)
        while next_event() is not NEED_DATA:
            count += 1
    return count - 1  # the Banner event


def parse_pyst_routed(chunks: Sequence[bytes]) -> int:
    """As :func:`parse_pyst`, and each message routed by pyst's ``Correlator`` (nothing pending,
    so everything comes out ``Unsolicited`` and goes nowhere): the ActionID lookup a client makes
    for every message, like panoramisk's ``handle_message``."""
    from pyst.ami.correlation import Correlator
    from pyst.ami.messages import Message
    from pyst.ami.protocol import NEED_DATA, AMIConnection, Role

    conn = AMIConnection(Role.CLIENT)
    route = Correlator().receive
    receive_data = conn.receive_data
    next_event = conn.next_event
    count = 0
    for chunk in chunks:
        receive_data(chunk)
        while (event := next_event()) is not NEED_DATA:
            if isinstance(event, Message):
                route(event)
                count += 1
    return count


def parse_pyst_fields(chunks: Sequence[bytes]) -> int:
    """As :func:`parse_pyst`, and each message split into its fields.

    The core hands out messages that split their fields on first use; touching ``fields`` makes
    pyst do the same work as a peer that builds a dict of every header.
    """
    from pyst.ami.messages import Message
    from pyst.ami.protocol import NEED_DATA, AMIConnection, Role

    conn = AMIConnection(Role.CLIENT)
    receive_data = conn.receive_data
    next_event = conn.next_event
    count = 0
    for chunk in chunks:
        receive_data(chunk)
        while (event := next_event()) is not NEED_DATA:
            if isinstance(event, Message):
                event.fields  # noqa: B018 - the point is the parse it triggers
                count += 1
    return count


def parse_panoramisk(chunks: Sequence[bytes]) -> int:
    """panoramisk 1.4: ``AMIProtocol.data_received`` with an unconnected ``Manager`` factory."""
    from panoramisk.ami_protocol import AMIProtocol
    from panoramisk.manager import Manager

    class CountingProtocol(AMIProtocol):  # type: ignore[misc]
        # One extra call per message to count them; the parsing is panoramisk's own.
        count = 0

        def handle_message(self, message: Any) -> Any:
            self.count += 1
            return super().handle_message(message)

    manager = Manager(encoding="utf8")
    # Manager registers an async FullyBooted callback of its own (resending queued actions);
    # without an event loop that cannot run, and the benchmark dispatches events to nothing.
    manager.patterns = []
    manager.callbacks.clear()
    protocol = CountingProtocol()
    protocol.connection_made(_NullTransport())
    # What Manager.connection_made does once the TCP connection is up:
    protocol.factory = manager
    protocol.log = manager.log
    protocol.config = manager.config
    protocol.encoding = manager.encoding = manager.config["encoding"]
    manager.responses = protocol.responses
    data_received = protocol.data_received
    for chunk in chunks:
        data_received(chunk)
    return protocol.count


class _NullTransport:
    def write(self, data: bytes) -> None:  # pragma: no cover - nothing is sent
        pass

    def close(self) -> None:
        pass


def parse_pystrix(chunks: Sequence[bytes]) -> int:
    """pystrix 1.3.0: ``_MessageReader.run`` over a ``_SynchronisedSocket`` reading the chunks."""
    from pystrix.ami import ami

    sock = ami._SynchronisedSocket.__new__(ami._SynchronisedSocket)
    # The attributes _SynchronisedSocket.__init__/_connect set, minus the TCP connection. The
    # reader only stops on a socket error, so the stream raises one at its end.
    sock._socket = None
    sock._socket_file = io.BufferedReader(ChunkedRaw(chunks, eof_error=True))
    sock._socket_read_lock = threading.Lock()
    sock._socket_write_lock = threading.Lock()
    sock._connected = True
    sock._timeout = 5
    sock._socket_file.readline()  # _connect reads the greeting line before the reader starts

    class _Manager:
        _debug = False
        _logger = None

        def get_connection(self) -> Any:
            return sock

    # orphaned_response_timeout=0: a response waits in _served_requests until the next one, as
    # when send_action collects it; a bigger timeout only makes the dict (scanned per response)
    # grow, which is not what a live client sees.
    reader = ami._MessageReader(_Manager(), 0)
    events, responses = _Sink(), _Sink()
    reader.event_queue = events
    reader.response_queue = responses
    reader.run()
    return events.count + responses.count + len(reader._served_requests)


def parse_pyst2(chunks: Sequence[bytes]) -> int:
    """pyst2 0.5.1: ``Manager.message_loop`` (+ its ``_receive_data`` thread) over a buffered
    reader of the chunks."""
    return _run_pyst2(io.BufferedReader(ChunkedRaw(chunks)))


def _run_pyst2(sock_file: Any) -> int:
    from asterisk import manager

    mgr = manager.Manager()
    events, responses = _Sink(), _Sink()
    mgr._event_queue = events
    mgr._response_queue = responses
    mgr._sock = sock_file
    # What Manager.connect does after the TCP connect, minus starting the dispatch thread (no
    # callbacks are registered, and its queue is a sink).
    mgr._connected.set()
    mgr._running.set()
    mgr.message_loop()  # returns after EOF, once its reader thread has ended
    # Manager.close (called by __del__) would otherwise join the message thread it never started.
    mgr._running.clear()
    # pyst2 turns the greeting line into a message of its own ("Response: Generated Header").
    return events.count + responses.count - 1


def parse_pyst2_socket(data: bytes) -> int:
    """pyst2 0.5.1 exactly as it reads a socket: ``makefile(mode='rwb', buffering=0)``."""
    ours, theirs = socket.socketpair()
    sock_file = ours.makefile(mode="rwb", buffering=0)
    ours.close()  # as Manager.connect does: the file keeps the socket open

    def feed() -> None:
        with theirs:
            for chunk in chunked(data, STREAM_CHUNK):
                theirs.sendall(chunk)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        return _run_pyst2(sock_file)
    finally:
        writer.join()
        with contextlib.suppress(OSError):
            sock_file.close()


PARSERS: dict[str, Callable[[Sequence[bytes]], int]] = {
    "pyst": parse_pyst,
    "pyst+routing": parse_pyst_routed,
    "pyst+fields": parse_pyst_fields,
    "panoramisk": parse_panoramisk,
    "pystrix": parse_pystrix,
    "pyst2": parse_pyst2,
}
VERSIONS = {"panoramisk": "panoramisk", "pystrix": "pystrix", "pyst2": "pyst2"}
BASELINE = "panoramisk"


def _label(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    if name == "pyst":
        return "pyst (lazy messages)"
    if name == "pyst+routing":
        return "pyst + Correlator"
    if name == "pyst+fields":
        return "pyst, fields split"
    try:
        return f"{name} {version(VERSIONS[name])}"
    except PackageNotFoundError:
        return name


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    seconds: float = float("nan")
    messages: int = 0
    nbytes: int = 0
    error: str = ""

    @property
    def ns_per_byte(self) -> float:
        return self.seconds * 1e9 / self.nbytes if self.nbytes and not self.error else float("nan")


def measure_all(
    parsers: Mapping[str, Callable[[Sequence[bytes]], int]],
    chunks: Sequence[bytes],
    repeat: int,
    budget: float,
) -> dict[str, Measure]:
    """Best time of each parser over ``repeat`` rounds.

    The rounds go round-robin over the parsers, so a burst of load from elsewhere on the machine
    hits one run of several parsers rather than every run of one. A parser gets no further
    round once its runs have taken ``budget`` seconds. A parser that raises is recorded with
    its error, not retried.
    """
    nbytes = sum(len(c) for c in chunks)
    results = {name: Measure(name, nbytes=nbytes) for name in parsers}
    spent = dict.fromkeys(parsers, 0.0)
    for round_ in range(max(1, repeat)):
        for name, func in parsers.items():
            m = results[name]
            if m.error or (round_ and spent[name] + m.seconds > budget):
                continue
            try:
                seconds, count = best_of(1, lambda func=func: func(chunks))
            except Exception as exc:  # a peer that cannot parse the input is a result too
                m.error = f"{type(exc).__name__}: {exc}"
                continue
            spent[name] += seconds
            if not seconds >= m.seconds:  # also replaces the initial NaN
                m.seconds, m.messages = seconds, count
    return results


def measure_pyst2_shipped(sample: bytes) -> Measure:
    """pyst2 reading a real socket the way it opens it (one ``recv`` per byte)."""
    m = Measure("pyst2 as shipped", nbytes=len(sample))
    try:
        gc.collect()
        start = time.perf_counter()
        m.messages = parse_pyst2_socket(sample)
        m.seconds = time.perf_counter() - start
    except Exception as exc:
        m.error = f"{type(exc).__name__}: {exc}"
    return m


def run(quick: bool = False) -> list[Table]:
    """Both cases; returns the stream table and the big-message table."""
    quick = quick or quick_mode()
    corpus = load_corpus()
    repeat = 1 if quick else 3
    stream, expected = build_stream(corpus, (5 if quick else 50) * 1024 * 1024)
    stream_chunks = chunked(stream, STREAM_CHUNK)
    big = build_big_message(corpus, 3 * 1024 * 1024)
    big_chunks = chunked(big, BIG_CHUNK)
    # The first 4 MB of the same stream in 1 KB chunks, ending on a message boundary: separates
    # the cost of many small chunks from the cost of one big message.
    cut = stream[: 4 * 1024 * 1024].rfind(b"\r\n\r\n") + 4
    small_1k = chunked(stream[:cut], BIG_CHUNK)
    small_1k_expected = stream[:cut].count(b"\r\n\r\n")
    sample = stream[: (256 if quick else 1024) * 1024]
    sample = sample[: sample.rfind(b"\r\n\r\n") + 4]

    results = measure_all(PARSERS, stream_chunks, repeat, budget=40.0)
    shipped = measure_pyst2_shipped(sample)
    big_results = measure_all(PARSERS, big_chunks, repeat, budget=10.0)
    small_results = measure_all(PARSERS, small_1k, 1, budget=0.0)

    rows = [_stream_row(_label(name), m, expected) for name, m in results.items()]
    rows.append(
        _stream_row(
            f"{_label('pyst2')} as shipped (unbuffered socket)",
            shipped,
            sample.count(b"\r\n\r\n"),
        )
    )
    notes: list[str] = []
    for name, m in [*results.items(), ("pyst2 as shipped", shipped)]:
        if m.error:
            notes.append(f"{name} failed: {m.error}")
        elif name in results and m.messages != expected:
            notes.append(f"{name} counted {m.messages:,} messages, expected {expected:,}")
    base = results[BASELINE]
    for name in ("pyst", "pyst+routing", "pyst+fields"):
        m = results[name]
        if m.error or base.error:
            continue
        speedup = (m.messages / m.seconds) / (base.messages / base.seconds)
        verdict = "meets" if speedup >= TARGET_SPEEDUP else "MISSES"
        notes.append(
            f"{_label(name)}: {speedup:.2f}x panoramisk's messages/s ({verdict} the "
            f">= {TARGET_SPEEDUP:g}x target)"
        )
    notes.append(
        f"stream: {len(stream) / 1e6:.1f} MB = {len(stream) // len(corpus.body)} copies of "
        f"{corpus.connections} captured connections ({corpus.messages} messages, "
        f"{len(corpus.body):,} bytes), {STREAM_CHUNK // 1024} KB chunks, best of {repeat}"
    )
    notes.append(
        f"pyst2 as shipped: the first {len(sample) // 1024} KB only, over a real socketpair "
        "(its unbuffered socket file reads one byte per recv)"
    )
    stream_table = Table(
        "AMI parse: captured small-message stream",
        rows,
        metric="msg/s",
        baseline=_label(BASELINE),
        notes=notes,
    )

    big_rows: list[dict[str, Any]] = []
    big_notes: list[str] = []
    for name, m in big_results.items():
        small = small_results.get(name)
        big_rows.append(_big_row(_label(name), m, results[name], small))
        if m.error:
            big_notes.append(f"{name} failed on the big message: {m.error}")
        elif m.messages != 1:
            big_notes.append(f"{name} produced {m.messages} messages from the big message")
        if small is not None and not small.error and small.messages != small_1k_expected:
            big_notes.append(
                f"{name} counted {small.messages} of {small_1k_expected} messages in 1 KB chunks"
            )
    pyst_big = big_rows[0]["big/stream"]
    if pyst_big == pyst_big:
        verdict = "meets" if pyst_big <= TARGET_RATIO else "MISSES"
        big_notes.append(
            f"pyst: the 3 MB message costs {pyst_big:.2f}x the stream's cost per byte "
            f"({verdict} the <= {TARGET_RATIO:g}x target)"
        )
    big_notes.append(
        f"big: one Command response of {len(big) / 1e6:.2f} MB "
        f"({big.count(b'Output: '):,} Output lines) in {BIG_CHUNK} B chunks, best of {repeat}; "
        "big/stream = its ns/B over the stream's (64 KB chunks)"
    )
    big_notes.append(
        f"stream@1KB: the first {cut / 1e6:.1f} MB of the stream in {BIG_CHUNK} B chunks "
        "(the cost of many small chunks, apart from the size of one message)"
    )
    big_table = Table("AMI parse: one 3 MB message, 1 KB chunks", big_rows, notes=big_notes)
    return [stream_table, big_table]


def _stream_row(label: str, m: Measure, expected: int) -> dict[str, Any]:
    ok = not m.error
    return {
        "parser": label,
        "messages": m.messages if ok else None,
        "expected": expected,
        "seconds": m.seconds if ok else float("nan"),
        "msg/s": m.messages / m.seconds if ok and m.seconds else float("nan"),
        "MB/s": m.nbytes / m.seconds / 1e6 if ok and m.seconds else float("nan"),
        "ns/B": m.ns_per_byte,
    }


def _big_row(label: str, big: Measure, stream: Measure, small_1k: Measure | None) -> dict[str, Any]:
    ratio = big.ns_per_byte / stream.ns_per_byte
    return {
        "parser": label,
        "seconds": big.seconds if not big.error else float("nan"),
        "big ns/B": big.ns_per_byte,
        "stream ns/B": stream.ns_per_byte,
        "big/stream": ratio,
        "stream@1KB ns/B": small_1k.ns_per_byte if small_1k is not None else float("nan"),
    }


if __name__ == "__main__":
    from bench import format_table, machine_header

    print(machine_header())
    for table in run(quick=quick_mode()):
        print()
        print(format_table(table))
