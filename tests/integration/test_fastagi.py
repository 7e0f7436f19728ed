"""pyst.fastagi over real sockets, with Asterisk played by the AGI core's ASTERISK role.

Every test is bounded (``asyncio.wait_for`` around the whole body); nothing sleeps to
synchronise: calls wait on events, barriers and the protocol itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from pyst.agi import (
    AGI,
    NEED_DATA,
    AGIConnection,
    AGIDeadChannelError,
    AGIEnvironment,
    AGIEOFHangup,
    AGIHangup,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Failure,
    Hangup,
    Role,
)
from pyst.agi.aio import AsyncAGI
from pyst.fastagi import FastAGIServer, FastAGIThread, main
from pyst_sim.captures import load_capture
from tests.agi.test_agi_replay import run_async
from tests.integration._stderr import wait_for_stderr

REPO = Path(__file__).resolve().parents[2]
VANISH = object()  # a responder's answer: drop the connection without replying
RESET = object()  # ... with a TCP reset


def run(coro: Awaitable[Any], timeout: float = 20.0) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


def default_responder(call: AsteriskCall, command: CommandLine) -> list[Any]:
    name = command.name
    if name == "get variable":
        value = call.variables.get(command.args[0])
        return [AGIReply.success(1, value) if value is not None else AGIReply.success(0)]
    if name == "set variable":
        call.variables[command.args[0]] = command.args[1]
        return [AGIReply.success(1)]
    if name in ("verbose", "database put", "database del"):
        return [AGIReply.success(1)]
    if name == "stream file":
        return [AGIReply.success(0, endpos=2000)]
    return [AGIReply.success(0)]


class AsteriskCall:
    """Asterisk's side of one FastAGI call (res_agi.c behaviour, PROTOCOL.md §2.2-2.5):
    writes the environment, answers each command through ``responder``, writes ``HANGUP`` and
    enters dead mode on request (511 for the commands a dead channel refuses), and when the
    script closes its side writes the final ``HANGUP`` and closes."""

    def __init__(
        self,
        port: int,
        script: str = "ivr",
        responder: Callable[[AsteriskCall, CommandLine], Iterable[Any]] = default_responder,
        *,
        args: Iterable[str] = (),
    ) -> None:
        self.port = port
        self.responder = responder
        self.env = AGIEnvironment.build(
            request=f"agi://127.0.0.1:{port}/{script}", channel="PJSIP/100-00000001",
            callerid="100", args=list(args),
        )
        self.variables: dict[str, str] = {}
        self.commands: list[str] = []
        self.failure = False
        self.script_closed = False
        self.dead = False
        self.started = time.monotonic()
        self.ended: float | None = None

    async def run(self) -> AsteriskCall:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        conn = AGIConnection(Role.ASTERISK)
        writer.write(conn.send(self.env))
        try:
            while True:
                event = conn.next_event()
                if event is NEED_DATA:
                    try:
                        data = await reader.read(65536)
                    except ConnectionResetError:
                        data = b""
                    conn.receive_data(data)
                    continue
                if isinstance(event, CommandLine):
                    self.commands.append(event.line)
                    if self.dead and event.command and not event.command.dead_channel_ok:
                        messages: list[Any] = [AGIReply.dead_channel()]
                    else:
                        messages = list(self.responder(self, event))
                    out = bytearray()  # one write for all of them: one TCP segment
                    for message in messages:
                        if message is VANISH:
                            writer.close()
                            return self
                        if message is RESET:
                            sock = writer.get_extra_info("socket")
                            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                            b"\x01\x00\x00\x00\x00\x00\x00\x00")
                            writer.transport.abort()
                            return self
                        if isinstance(message, Hangup):
                            self.dead = True
                        out += conn.send(message)
                    writer.write(bytes(out))
                elif isinstance(event, Failure):
                    self.failure = True
                elif isinstance(event, ConnectionClosed):
                    self.script_closed = True
                    if conn.state.name != "AWAIT_REPLY":
                        # The AGI ended: the second HANGUP, then close (capture j1).
                        writer.write(conn.send(Hangup()))
                    break
            writer.close()
            return self
        finally:
            self.ended = time.monotonic()
            writer.close()


def replies_in_order(*replies: Any) -> Callable[[AsteriskCall, CommandLine], list[Any]]:
    queue = list(replies)

    def respond(call: AsteriskCall, command: CommandLine) -> list[Any]:
        if not queue:
            return default_responder(call, command)
        item = queue.pop(0)
        return item if isinstance(item, list) else [item]

    return respond


# --- routing, handlers ---------------------------------------------------------------------------


def test_routes_query_arguments_and_both_kinds_of_handlers() -> None:
    server = FastAGIServer(port=0)
    seen: dict[str, Any] = {}

    @server.route("/ivr/")
    async def ivr(agi: AsyncAGI) -> None:
        seen["ivr"] = (agi.request.path, agi.request.query, agi.request.params,
                       agi.env["agi_arg_1"])
        await agi.answer()
        name = await agi.get_variable("NAME")
        await agi.set_variable("GREETING", f"hello {name}")

    @server.route("legacy")
    def legacy(agi: AGI) -> None:
        seen["legacy"] = (isinstance(agi, AGI), threading.current_thread().name)
        agi.answer()
        agi.verbose(agi.get_variable("NAME"))

    @server.route(None)
    async def fallback(agi: AsyncAGI) -> None:
        seen["fallback"] = agi.request.path
        await agi.noop()

    async def main() -> list[AsteriskCall]:
        async with server:
            calls = [
                AsteriskCall(server.port, "ivr?lang=fr&x=1&x=2", args=["a1"]),
                AsteriskCall(server.port, "legacy"),
                AsteriskCall(server.port, "somewhere/else"),
            ]
            for call in calls:
                call.variables["NAME"] = "Bob Smith"
            return list(await asyncio.gather(*(c.run() for c in calls)))

    ivr_call, legacy_call, other_call = run(main())
    assert seen["ivr"] == ("ivr", {"lang": ["fr"], "x": ["1", "2"]}, {"lang": "fr", "x": "2"},
                           "a1")
    assert ivr_call.commands == ["ANSWER", "GET VARIABLE NAME",
                                 'SET VARIABLE GREETING "hello Bob Smith"']
    assert ivr_call.script_closed and not ivr_call.failure
    assert seen["legacy"][0] is True and seen["legacy"][1].startswith("pyst-fastagi-")
    assert legacy_call.commands == ["ANSWER", "GET VARIABLE NAME", 'VERBOSE "Bob Smith" 1']
    assert seen["fallback"] == "somewhere/else" and other_call.commands == ["NOOP"]
    assert server.stats["accepted"] == 3 and server.stats["failed"] == 0


def test_unknown_route_is_refused_with_failure() -> None:
    server = FastAGIServer(port=0)

    async def main() -> AsteriskCall:
        async with server:
            return await AsteriskCall(server.port, "nowhere").run()

    call = run(main())
    assert call.failure and call.commands == []


def test_route_registration_errors() -> None:
    server = FastAGIServer(port=0)
    server.add_route("a", lambda agi: None)
    with pytest.raises(ValueError):
        server.add_route("/a", lambda agi: None)
    with pytest.raises(TypeError):
        server.add_route("b", "not callable")  # type: ignore[arg-type]
    server.add_route("*", lambda agi: None)
    with pytest.raises(ValueError):
        server.route(None)(lambda agi: None)
    server.remove_route("a")
    server.remove_route("*")
    with pytest.raises(KeyError):
        server.remove_route(None)
    with pytest.raises(KeyError):
        server.remove_route("a")
    with pytest.raises(ValueError):
        FastAGIServer(max_calls=0)
    with pytest.raises(ValueError):
        FastAGIServer(call_timeout=0)
    with pytest.raises(RuntimeError):
        FastAGIServer().port  # noqa: B018


# --- load ------------------------------------------------------------------------------------


def test_200_concurrent_calls_none_lost() -> None:
    server = FastAGIServer(port=0)
    total = 200
    inside = 0
    all_in = asyncio.Event()

    @server.route("load")
    async def load(agi: AsyncAGI) -> None:
        nonlocal inside
        await agi.answer()
        inside += 1
        if inside == total:
            all_in.set()
        await asyncio.wait_for(all_in.wait(), 10)  # every call is in flight at once
        for n in range(8):
            await agi.set_variable(f"V{n}", agi.env["agi_arg_1"])
        await agi.hangup()

    async def main() -> list[AsteriskCall]:
        async with server:
            calls = [AsteriskCall(server.port, "load", args=[str(i)]) for i in range(total)]
            return list(await asyncio.gather(*(c.run() for c in calls)))

    started = time.monotonic()
    calls = run(main())
    elapsed = time.monotonic() - started
    assert len(calls) == total
    for index, call in enumerate(calls):
        assert len(call.commands) == 10 and call.script_closed and not call.failure
        assert call.variables == {f"V{n}": str(index) for n in range(8)}
    assert server.stats["accepted"] == server.stats["finished"] == total
    # About 1 s here (0.6 s on an idle machine); the bound leaves room for coverage and a
    # busy CI machine while still catching a server that serialises calls.
    assert elapsed < 10.0, elapsed


def test_50_concurrent_blocking_handlers() -> None:
    server = FastAGIServer(port=0)
    total = 50
    barrier = threading.Barrier(total, timeout=10)

    @server.route("blocking")
    def blocking(agi: AGI) -> None:
        agi.answer()
        barrier.wait()  # all 50 run at the same time, each in its own thread
        agi.set_variable("THREAD", threading.current_thread().name)

    async def main() -> list[AsteriskCall]:
        async with server:
            return list(await asyncio.gather(
                *(AsteriskCall(server.port, "blocking").run() for _ in range(total))
            ))

    calls = run(main())
    assert len({c.variables["THREAD"] for c in calls}) == total
    assert all(c.commands[0] == "ANSWER" and c.script_closed for c in calls)


# --- isolation -------------------------------------------------------------------------------


def test_a_crashing_handler_is_logged_with_a_report_and_ends_in_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = FastAGIServer(port=0)

    @server.route("crash")
    async def crash(agi: AsyncAGI) -> None:
        secret_number = 41
        await agi.answer()
        raise RuntimeError("bug number", secret_number + 1)

    @server.route("fine")
    async def fine(agi: AsyncAGI) -> None:
        await agi.answer()
        await agi.verbose("fine")

    async def main() -> list[AsteriskCall]:
        async with server:
            return list(await asyncio.gather(AsteriskCall(server.port, "crash").run(),
                                             AsteriskCall(server.port, "fine").run()))

    with caplog.at_level(logging.ERROR, logger="pyst.fastagi"):
        crashed, fine_call = run(main())
    assert crashed.commands == ["ANSWER"] and crashed.failure
    assert fine_call.commands == ["ANSWER", "VERBOSE fine 1"] and not fine_call.failure
    report = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError: ('bug number', 42)" in report
    assert "local secret_number = 41" in report  # agitb: the variables of the failing line
    assert "agi_network_script: crash" in report  # and the AGI environment
    assert server.stats["failed"] == 1


def test_a_hanging_async_handler_is_cancelled_and_others_go_on() -> None:
    server = FastAGIServer(port=0, call_timeout=1.5)
    cancelled = asyncio.Event()

    @server.route("hang")
    async def hang(agi: AsyncAGI) -> None:
        await agi.answer()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    @server.route("quick")
    async def quick(agi: AsyncAGI) -> None:
        await agi.answer()
        await agi.noop()

    async def main() -> tuple[AsteriskCall, list[AsteriskCall], bool]:
        async with server:
            hung = asyncio.create_task(AsteriskCall(server.port, "hang").run())
            quick_calls = await asyncio.gather(
                *(AsteriskCall(server.port, "quick").run() for _ in range(10))
            )
            still_hanging = not hung.done()
            return await hung, list(quick_calls), still_hanging

    hung, quick_calls, still_hanging = run(main())
    assert still_hanging  # the 10 other calls finished while it hung
    assert all(c.commands == ["ANSWER", "NOOP"] and c.script_closed for c in quick_calls)
    assert cancelled.is_set() and hung.commands == ["ANSWER"]
    assert server.stats["timed_out"] == 1


def test_a_hanging_blocking_handler_is_cut_off() -> None:
    server = FastAGIServer(port=0, call_timeout=1.5)
    release = threading.Event()
    outcome: list[BaseException] = []

    @server.route("stuck")
    def stuck(agi: AGI) -> None:
        agi.answer()
        release.wait(10)
        try:
            agi.noop()
        except AGIHangup as exc:
            outcome.append(exc)

    @server.route("quick")
    def quick(agi: AGI) -> None:
        agi.answer()

    async def main() -> tuple[AsteriskCall, list[AsteriskCall]]:
        async with server:
            stuck_call = asyncio.create_task(AsteriskCall(server.port, "stuck").run())
            others = await asyncio.gather(
                *(AsteriskCall(server.port, "quick").run() for _ in range(10))
            )
            assert not stuck_call.done()
            return await stuck_call, list(others)

    try:
        stuck_call, others = run(main())
    finally:
        release.set()
    assert all(c.commands == ["ANSWER"] and c.script_closed for c in others)
    assert stuck_call.commands == ["ANSWER"]
    assert server.stats["timed_out"] == 1
    for _ in range(1000):  # the released thread notices it was cut off
        if outcome:
            break
        threading.Event().wait(0.01)
    assert outcome and isinstance(outcome[0], (AGIEOFHangup, AGIHangup))


@pytest.mark.parametrize("how", [VANISH, RESET], ids=["close", "reset"])
def test_asterisk_vanishing_mid_command(how: object) -> None:
    server = FastAGIServer(port=0)
    outcome: list[BaseException] = []

    @server.route("ivr")
    async def ivr(agi: AsyncAGI) -> None:
        await agi.answer()
        try:
            await agi.stream_file("long-prompt")
        except AGIHangup as exc:
            outcome.append(exc)
            raise

    async def main() -> tuple[AsteriskCall, AsteriskCall]:
        async with server:
            gone = await AsteriskCall(
                server.port, "ivr", replies_in_order(AGIReply.success(0), [how])
            ).run()
            after = await AsteriskCall(server.port, "ivr").run()
            return gone, after

    gone, after = run(main())
    assert gone.commands == ["ANSWER", 'STREAM FILE long-prompt ""']
    assert outcome and isinstance(outcome[0], AGIEOFHangup)
    assert after.commands == ["ANSWER", 'STREAM FILE long-prompt ""'] and after.script_closed
    assert server.stats["hangups"] == 1 and server.stats["failed"] == 0


def test_hangup_line_dead_mode_and_the_final_hangup() -> None:
    server = FastAGIServer(port=0)
    seen: list[str] = []

    @server.route("ivr")
    async def ivr(agi: AsyncAGI) -> None:
        await agi.answer()
        await agi.stream_file("prompt")
        try:
            await agi.stream_file("next-prompt")
        except AGIHangup as exc:
            seen.append(type(exc).__name__)
        await agi.set_variable("RESULT", "hung up")  # dead-safe
        await agi.database_put("calls", "last", "hung up")
        try:
            await agi.answer()
        except AGIDeadChannelError:
            seen.append("511")

    async def main() -> AsteriskCall:
        async with server:
            return await AsteriskCall(
                server.port, "ivr",
                replies_in_order(AGIReply.success(0), [AGIReply.success(0, endpos=10), Hangup()]),
            ).run()

    call = run(main())
    assert seen == ["AGIHangupNotice", "511"]
    assert call.commands == ["ANSWER", 'STREAM FILE prompt ""', "SET VARIABLE RESULT "
                             '"hung up"', 'DATABASE PUT calls last "hung up"', "ANSWER"]
    assert call.script_closed and call.variables == {"RESULT": "hung up"}


def test_j1_capture_through_the_server(shared_dir: Path) -> None:
    """The j1 session over a socket: the server's handler runs the j1 script; Asterisk's side
    writes the recorded bytes and checks the script's, byte for byte, including the
    half-close that ends the AGI and the final HANGUP."""
    capture = load_capture(shared_dir / "captures" / "j1_fastagi_agi_side.jsonl")
    records = [r for r in capture.records if r.conn == "agi" and r.type != "connect"]
    server = FastAGIServer(port=0)
    done = asyncio.Event()

    @server.route("ivr")
    async def ivr(agi: AsyncAGI) -> None:
        assert agi.request is not None and agi.request.path == "ivr"
        await run_async(agi)
        done.set()

    async def main() -> list[str]:
        log: list[str] = []
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            for record in records:
                if record.type == "data" and record.dir == "ast2agi":
                    writer.write(record.data)
                elif record.type == "data" and record.dir == "agi2ast":
                    got = await reader.readexactly(len(record.data))
                    assert got == record.data
                    log.append(got.decode())
                elif record.type == "shutdown_wr":
                    assert await reader.read(1) == b""  # the server half-closed
                    log.append("<half-close>")
                elif record.type == "close":
                    writer.close()
            await done.wait()
        return log

    log = run(main())
    assert log[-1] == "<half-close>" and len(log) == 36


# --- limits and lifecycle ----------------------------------------------------------------------


def test_call_cap_refuses_or_queues() -> None:
    def make(queue_timeout: float, gate: asyncio.Event) -> FastAGIServer:
        server = FastAGIServer(port=0, max_calls=1, queue_timeout=queue_timeout)

        @server.route("slow")
        async def slow(agi: AsyncAGI) -> None:
            await agi.answer()
            await gate.wait()
            await agi.noop()

        return server

    async def refuse() -> tuple[AsteriskCall, AsteriskCall]:
        gate = asyncio.Event()
        server = make(0, gate)
        async with server:
            first = asyncio.create_task(AsteriskCall(server.port, "slow").run())
            while server._slots is None or not server._slots.locked():
                await asyncio.sleep(0)
            second = await AsteriskCall(server.port, "slow").run()
            gate.set()
            return await first, second

    first, second = run(refuse())
    assert first.commands == ["ANSWER", "NOOP"] and second.failure and second.commands == []

    async def queue() -> tuple[AsteriskCall, AsteriskCall, int]:
        gate = asyncio.Event()
        server = make(10, gate)
        async with server:
            first = asyncio.create_task(AsteriskCall(server.port, "slow").run())
            while server._slots is None or not server._slots.locked():
                await asyncio.sleep(0)
            second = asyncio.create_task(AsteriskCall(server.port, "slow").run())
            while server.active_calls < 2:
                await asyncio.sleep(0)
            gate.set()
            return await first, await second, server.stats["refused"]

    first, second, refused = run(queue())
    assert first.commands == second.commands == ["ANSWER", "NOOP"] and refused == 0


def test_graceful_stop_lets_running_calls_finish() -> None:
    server = FastAGIServer(port=0)
    inside = asyncio.Event()
    finish = asyncio.Event()

    @server.route("ivr")
    async def ivr(agi: AsyncAGI) -> None:
        await agi.answer()
        inside.set()
        await finish.wait()
        await agi.verbose("finished after stop()")

    async def main() -> tuple[AsteriskCall, bool]:
        await server.start()
        port = server.port
        call = asyncio.create_task(AsteriskCall(port, "ivr").run())
        await inside.wait()
        stopping = asyncio.create_task(server.stop(timeout=10))
        while server.sockets:
            await asyncio.sleep(0)
        try:
            await asyncio.open_connection("127.0.0.1", port)
            refused = False
        except OSError:
            refused = True
        finish.set()
        await stopping
        await server.stop()  # idempotent
        return await call, refused

    call, refused = run(main())
    assert refused
    assert call.commands == ["ANSWER", "VERBOSE \"finished after stop()\" 1"]


def test_stop_cancels_what_does_not_finish_in_time() -> None:
    server = FastAGIServer(port=0)
    inside = asyncio.Event()

    @server.route("ivr")
    async def ivr(agi: AsyncAGI) -> None:
        await agi.answer()
        inside.set()
        await asyncio.Event().wait()

    async def main() -> AsteriskCall:
        await server.start()
        call = asyncio.create_task(AsteriskCall(server.port, "ivr").run())
        await inside.wait()
        await server.stop(timeout=0.2)
        return await call

    call = run(main())
    assert call.commands == ["ANSWER"]


def test_silent_or_garbled_peers_are_dropped(caplog: pytest.LogCaptureFixture) -> None:
    server = FastAGIServer(port=0, env_timeout=0.3)

    async def main() -> tuple[bytes, bytes, bytes]:
        async with server:
            silent_r, _silent_w = await asyncio.open_connection("127.0.0.1", server.port)
            garbled_r, garbled_w = await asyncio.open_connection("127.0.0.1", server.port)
            garbled_w.write(b"this is not an environment\n\n")
            early_r, early_w = await asyncio.open_connection("127.0.0.1", server.port)
            early_w.write(b"agi_network: yes\n")
            early_w.close()
            return (await silent_r.read(), await garbled_r.read(), await early_r.read())

    with caplog.at_level(logging.DEBUG, logger="pyst.fastagi"):
        silent, garbled, early = run(main())
    assert silent == garbled == early == b""
    assert server.stats["accepted"] == server.stats["finished"] == 3


def test_start_twice_and_bind_errors() -> None:
    async def main() -> None:
        server = FastAGIServer(port=0)
        await server.start()
        try:
            with pytest.raises(RuntimeError):
                await server.start()
            clash = FastAGIServer(port=server.port)
            with pytest.raises(OSError):
                await clash.start()
        finally:
            await server.stop()

    run(main())


def test_thread_controller_for_blocking_code() -> None:
    server = FastAGIServer(port=0)

    @server.route("ivr")
    def ivr(agi: AGI) -> None:
        agi.answer()

    with FastAGIThread(server) as running:
        port = running.port
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            conn = AGIConnection(Role.ASTERISK)
            sock.sendall(conn.send(AGIEnvironment.build(request="agi://x/ivr", channel="X/1")))
            lines = []
            while True:
                event = conn.next_event()
                if event is NEED_DATA:
                    conn.receive_data(sock.recv(4096))
                elif isinstance(event, CommandLine):
                    lines.append(event.line)
                    sock.sendall(conn.send(AGIReply.success(0)))
                else:
                    break
        assert lines == ["ANSWER"]
        with pytest.raises(OSError):
            FastAGIThread(FastAGIServer(port=port)).start()
    running.stop()  # idempotent
    with pytest.raises(RuntimeError):
        running.start()


# --- python -m pyst.fastagi ---------------------------------------------------------------------


APP = textwrap.dedent('''
    from pyst.fastagi import FastAGIServer

    server = FastAGIServer(port=4573)

    @server.route("hello")
    async def hello(agi):
        await agi.answer()
        await agi.verbose("hello from a module")

    def make():
        return server
''')


def test_python_m_pyst_fastagi(tmp_path: Path) -> None:
    (tmp_path / "fastagi_app.py").write_text(APP)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(tmp_path)]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyst.fastagi", "fastagi_app:make", "--port", "0"],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
    )
    try:
        found, buffer = wait_for_stderr(proc, rb"on 127\.0\.0\.1:(\d+)")
        port = int(found.group(1)) if found else None
        assert port is not None, buffer

        async def call() -> AsteriskCall:
            return await AsteriskCall(port, "hello").run()

        assert run(call()).commands == ["ANSWER", 'VERBOSE "hello from a module" 1']
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_main_rejects_what_is_not_a_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "not_an_app.py").write_text("server = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for target in ("not_an_app:server", "no_such_module_xyz:server", ":server"):
        with pytest.raises(SystemExit):
            main([target])
    assert "cannot load" in capsys.readouterr().err


# --- corners ---------------------------------------------------------------------------------


def test_a_flood_of_bytes_pauses_reading() -> None:
    server = FastAGIServer(port=0, max_buffered=4096)
    flooded = asyncio.Event()
    seen: list[str] = []

    @server.route("ivr")
    async def ivr(agi: AsyncAGI) -> None:
        await agi.answer()
        await flooded.wait()  # 14 kB of HANGUP lines arrive meanwhile: reading pauses
        try:
            await agi.noop()
        except AGIHangup as exc:
            seen.append(type(exc).__name__)
        await agi.noop()

    def respond(call: AsteriskCall, command: CommandLine) -> list[Any]:
        if command.name == "answer":
            return [AGIReply.success(0)] + [Hangup()] * 2000
        return [AGIReply.success(0)]

    async def main() -> AsteriskCall:
        async with server:
            task = asyncio.create_task(AsteriskCall(server.port, "ivr", respond).run())
            while not server._protocols or not any(p._paused for p in server._protocols):
                await asyncio.sleep(0)
            flooded.set()
            return await task

    call = run(main(), timeout=30)
    assert seen == ["AGIHangupNotice"] and call.commands == ["ANSWER", "NOOP"]


def test_blocking_handlers_crash_and_reuse_threads(caplog: pytest.LogCaptureFixture) -> None:
    server = FastAGIServer(port=0)
    threads: list[str] = []

    @server.route("crash")
    def crash(agi: AGI) -> None:
        threads.append(threading.current_thread().name)
        agi.answer()
        raise KeyError("blocking bug")

    async def main() -> list[AsteriskCall]:
        async with server:
            return [await AsteriskCall(server.port, "crash").run() for _ in range(3)]

    with caplog.at_level(logging.ERROR, logger="pyst.fastagi"):
        calls = run(main())
    assert all(c.failure and c.commands == ["ANSWER"] for c in calls)
    assert len(set(threads)) == 1  # one idle worker served the three calls in turn
    assert "KeyError: 'blocking bug'" in caplog.text and server.stats["failed"] == 3


def test_worker_threads_end_when_idle() -> None:
    from pyst.fastagi import _WorkerPool

    pool = _WorkerPool(idle_timeout=0.05)
    workers: list[threading.Thread] = []
    ran = threading.Event()

    def job() -> None:
        workers.append(threading.current_thread())
        ran.set()

    pool.submit(job)
    assert ran.wait(5)
    workers[0].join(5)
    assert not workers[0].is_alive()  # idle for longer than idle_timeout: it ended
    ran.clear()
    pool.submit(job)  # a new thread starts for the next job
    assert ran.wait(5) and workers[1] is not workers[0]
    pool.shutdown()


def test_queue_timeout_expires() -> None:
    server = FastAGIServer(port=0, max_calls=1, queue_timeout=0.2)

    async def main() -> tuple[AsteriskCall, AsteriskCall]:
        gate = asyncio.Event()

        @server.route("slow")
        async def slow(agi: AsyncAGI) -> None:
            await agi.answer()
            await gate.wait()

        async with server:
            first = asyncio.create_task(AsteriskCall(server.port, "slow").run())
            while server._slots is None or not server._slots.locked():
                await asyncio.sleep(0)
            second = await AsteriskCall(server.port, "slow").run()
            gate.set()
            return await first, second

    first, second = run(main())
    assert second.failure and first.commands == ["ANSWER"] and server.stats["refused"] == 1


def test_serve_forever_and_concurrent_stops() -> None:
    server = FastAGIServer(port=0)
    with pytest.raises(RuntimeError):
        server._loop_or_raise()

    async def main() -> None:
        serving = asyncio.create_task(server.serve_forever())
        while not server.sockets:
            await asyncio.sleep(0)
        await asyncio.gather(server.stop(), server.stop())
        await serving
        assert not server.sockets

        again = FastAGIServer(port=0)
        forever = asyncio.create_task(again.serve_forever())
        while not again.sockets:
            await asyncio.sleep(0)
        forever.cancel()
        with pytest.raises(asyncio.CancelledError):
            await forever
        assert not again.sockets

    run(main())


def test_main_overrides_and_bind_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "busy_app.py").write_text(
        "from pyst.fastagi import FastAGIServer\nserver = FastAGIServer(port=1)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["busy_app", "--host", "127.0.0.1", "--port", str(port)]) == 1


def test_async_agi_over_plain_asyncio_streams() -> None:
    """AsyncAGI.from_streams: the session without the FastAGI server (any asyncio server)."""
    seen: list[Any] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        agi = await AsyncAGI.from_streams(reader, writer)
        seen.append(agi.env["agi_network_script"])
        await agi.answer()
        seen.append(await agi.get_variable("NAME"))
        writer.close()
        try:
            await agi.noop()  # our side is closed now
        except AGIHangup as exc:
            seen.append(type(exc).__name__)

    async def main() -> AsteriskCall:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        async with server:
            call = AsteriskCall(server.sockets[0].getsockname()[1], "streams")
            call.variables["NAME"] = "x"
            return await call.run()

    call = run(main())
    assert seen == ["streams", "x", "AGISIGPIPEHangup"]
    assert call.commands == ["ANSWER", "GET VARIABLE NAME"]


def test_pyst2_request_handler_on_socketserver() -> None:
    """pyst2's way (asterisk.fastagi.FastAGI on a socketserver), which did not run on Python 3."""
    import socketserver

    from pyst.fastagi import FastAGI

    class Custom(FastAGI):
        def handle(self) -> None:
            agi = AGI(stdin=self.rfile, stdout=self.wfile)
            agi.answer()
            agi.set_variable("WHERE", threading.current_thread().name)

    results: list[AsteriskCall] = []
    for handler in (FastAGI, Custom):
        with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            try:
                results.append(run(AsteriskCall(server.server_address[1], "x").run()))
            finally:
                server.shutdown()
                thread.join(10)
    default, custom = results
    assert default.commands == ['VERBOSE "pyst: FastAGI on: 127.0.0.1:4573" 1']
    assert custom.commands[0] == "ANSWER" and custom.variables["WHERE"] != "MainThread"
