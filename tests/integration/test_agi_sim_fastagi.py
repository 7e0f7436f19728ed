"""FastAGI under the simulator: the simulator connects to an ``agi://`` server as Asterisk
does. The j1 capture replayed over a real socket (byte for byte, the HANGUP line after the
hangup and the second one after the half-close included), FastAGI services written with
panoramisk 1.4 and ``pyst.fastagi`` running the standard IVR session with DTMF and hangup
variants, and connection errors.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pyst.agi import AGI, AGIConnection, AGIEnvironment, Role
from pyst.agi.aio import AsyncAGI
from pyst_sim.agi import Caller, SoundLibrary, options_from_env, simulate_call, simulate_call_async
from pyst_sim.captures import load_capture
from pyst_sim.errors import SimulatorError

TIMEOUT = 5.0


def _listener() -> socket.socket:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(TIMEOUT)
    return server


def test_j1_replayed_over_a_socket(shared_dir: Path) -> None:
    capture = load_capture(shared_dir / "captures" / "j1_fastagi_agi_side.jsonl")
    expected = capture.stream("agi", "ast2agi")
    script = AGIConnection(Role.SCRIPT)
    script.receive_data(expected)
    env = script.next_event()
    assert isinstance(env, AGIEnvironment)
    # Each command is sent once Asterisk's bytes before it (in the capture) have arrived.
    plan: list[tuple[int, bytes]] = []
    before = 0
    for record in capture.records:
        if record.type == "data" and record.dir == "ast2agi":
            before += len(record.data)
        elif record.type == "data" and record.dir == "agi2ast":
            plan.append((before, record.data))
    received = bytearray()
    problems: list[BaseException] = []
    server = _listener()
    port = server.getsockname()[1]

    def fastagi_server() -> None:
        try:
            conn, _ = server.accept()
            conn.settimeout(TIMEOUT)
            with conn:
                for needed, command in plan:
                    while len(received) < needed:
                        chunk = conn.recv(65536)
                        assert chunk, "the simulator closed early"
                        received.extend(chunk)
                    conn.sendall(command)
                conn.shutdown(socket.SHUT_WR)  # the capture tool's half-close
                while chunk := conn.recv(65536):
                    received.extend(chunk)
        except BaseException as exc:
            problems.append(exc)

    thread = threading.Thread(target=fastagi_server, daemon=True)
    thread.start()
    url = f"agi://127.0.0.1:{port}/ivr"
    record = simulate_call(
        url, *env.args, **options_from_env(env), request=env["agi_request"],
        sounds=SoundLibrary(strict=True), answer_delay=0.5, timeout=TIMEOUT,
    )
    thread.join(TIMEOUT)
    server.close()
    assert not problems
    assert bytes(received) == expected
    assert record.agi_status == "FAILURE"
    assert [e.kind for e in record.events if e.kind == "notice"] == ["notice", "notice"]


def _panoramisk_ivr(results: list[Any]) -> Any:
    async def ivr(request: Any) -> None:
        results.append(request.headers["agi_network_script"])
        await request.send_command("ANSWER")
        await request.send_command('STREAM FILE welcome "12"')
        data = await request.send_command("GET DATA enter-account 3000 4")
        results.append(data)
        if "error" in data:  # the caller hung up
            return
        digits = data["result"][0]
        await request.send_command(f"SET VARIABLE ACCOUNT {digits}")
        value = await request.send_command("GET VARIABLE ACCOUNT")
        results.append(value["result"])
        await request.send_command(f'SAY DIGITS {digits} ""')
        await request.send_command('VERBOSE "account entered" 1')
        await request.send_command("HANGUP")

    return ivr


async def _with_panoramisk(handler: Any, caller: Caller) -> Any:
    from panoramisk.fast_agi import Application

    app = Application()
    app.add_route("ivr", handler)
    server = await asyncio.start_server(app.handler, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        # panoramisk routes on the whole agi_network_script: no query string here.
        return await simulate_call_async(f"agi://127.0.0.1:{port}/ivr", caller=caller,
                                         seed=1, timeout=TIMEOUT)
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), TIMEOUT)


def test_panoramisk_ivr_with_dtmf() -> None:
    pytest.importorskip("panoramisk")
    results: list[Any] = []
    record = asyncio.run(_with_panoramisk(_panoramisk_ivr(results), Caller(dtmf="1234")))
    assert results[0] == "ivr"
    assert results[1]["result"] == ("1234", "")
    assert results[2] == ("1", "1234")
    assert record.variables["ACCOUNT"] == "1234"
    record.assert_prompts("welcome", "enter-account", "digits/1", "digits/2", "digits/3",
                          "digits/4")
    record.assert_hung_up_by("app")
    assert record.agi_status == "HANGUP"


def test_panoramisk_ivr_caller_hangs_up() -> None:
    pytest.importorskip("panoramisk")
    results: list[Any] = []
    record = asyncio.run(_with_panoramisk(_panoramisk_ivr(results),
                                          Caller(dtmf="1", hangup_at=1.5)))
    assert results[1] == {"error": "AGIAppError",
                          "msg": "Error executing application, or hangup"}
    record.assert_hung_up_by("caller")
    assert record.agi_status == "HANGUP"


@pytest.mark.xfail(
    reason="panoramisk 1.4 reads one line after '520-...' but Asterisk's usage block is "
    "three lines ('520-...', the usage text, '520 End of proper usage.'), so the closing "
    "line is taken as the reply to the next command: every later reply is off by one. No "
    "faithful Asterisk can avoid it.",
    strict=True,
)
def test_panoramisk_after_a_usage_error() -> None:
    pytest.importorskip("panoramisk")
    replies: list[Any] = []

    async def handler(request: Any) -> None:
        replies.append(await request.send_command("SAY DIGITS"))
        replies.append(await request.send_command("SET VARIABLE X 1"))

    asyncio.run(_with_panoramisk(handler, Caller()))
    assert replies[1]["result"] == ("1", "")


async def _pyst_async_ivr(agi: AsyncAGI) -> None:
    await agi.answer()
    await agi.stream_file("welcome", "12")
    digits = await agi.get_data("enter-account", 3000, 4)
    await agi.set_variable("ACCOUNT", str(digits))
    await agi.say_digits(str(digits))
    await agi.verbose("account entered")
    await agi.hangup()


def _pyst_blocking_ivr(agi: AGI) -> None:
    agi.answer()
    agi.stream_file("welcome", "12")
    digits = agi.get_data("enter-account", 3000, 4)
    agi.set_variable("ACCOUNT", str(digits))
    agi.say_digits(str(digits))
    agi.verbose("account entered")
    agi.hangup()


@pytest.mark.parametrize("hangup", [False, True], ids=["dtmf", "caller-hangs-up"])
def test_pyst_fastagi_async_handler(hangup: bool) -> None:
    from pyst.fastagi import FastAGIServer

    async def main() -> Any:
        server = FastAGIServer("127.0.0.1", 0, linger=1.0)
        server.add_route("ivr", _pyst_async_ivr)
        async with server:
            caller = Caller(dtmf="12", hangup_at=1.5) if hangup else Caller(dtmf="1234")
            record = await simulate_call_async(f"agi://127.0.0.1:{server.port}/ivr",
                                               caller=caller, seed=1, timeout=TIMEOUT)
        return record, server.stats

    record, stats = asyncio.run(main())
    if hangup:
        record.assert_hung_up_by("caller")
        assert record.replies_to("get data") == ["200 result=-1"]
        assert len(record.transcript) == 3
        # The handler raised AGIAppError (GET DATA's -1 came before the HANGUP line); the
        # server then ends the call with a "failure" line, which Asterisk turns into
        # AGISTATUS=FAILURE (run_agi).
        assert record.agi_status == "FAILURE"
        assert stats["failed"] == 1
    else:
        assert record.variables["ACCOUNT"] == "1234"
        record.assert_hung_up_by("app")
        assert stats["finished"] == 1
        assert record.agi_status == "HANGUP"


@pytest.mark.parametrize("hangup", [False, True], ids=["dtmf", "caller-hangs-up"])
def test_pyst_fastagi_blocking_handler_in_a_thread(hangup: bool) -> None:
    from pyst.fastagi import FastAGIServer, FastAGIThread

    server = FastAGIServer("127.0.0.1", 0, linger=1.0)
    server.add_route("ivr", _pyst_blocking_ivr)
    caller = Caller(dtmf="12", hangup_on_prompt="enter-account") if hangup else Caller(
        dtmf="1234")
    with FastAGIThread(server) as running:
        record = simulate_call(f"agi://127.0.0.1:{running.port}/ivr", caller=caller, seed=1,
                               timeout=TIMEOUT)
    if hangup:
        assert record.replies_to("get data") == ["200 result=-1"]
        record.assert_hung_up_by("caller")
        assert record.agi_status == "FAILURE"  # the handler raised: "failure" line
    else:
        assert record.variables["ACCOUNT"] == "1234"
        assert record.agi_status == "HANGUP"


def test_server_that_closes_at_once() -> None:
    server = _listener()
    port = server.getsockname()[1]

    def accept_and_close() -> None:
        conn, _ = server.accept()
        conn.settimeout(TIMEOUT)
        conn.recv(65536)
        conn.close()

    thread = threading.Thread(target=accept_and_close, daemon=True)
    thread.start()
    record = simulate_call(f"agi://127.0.0.1:{port}", timeout=TIMEOUT, seed=1)
    thread.join(TIMEOUT)
    server.close()
    assert record.transcript == []
    assert record.agi_status == "SUCCESS"
    assert record.env is not None and "agi_network_script" not in record.env


def test_connection_errors() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    started = time.perf_counter()
    with pytest.raises(SimulatorError, match="cannot connect"):
        simulate_call(f"agi://127.0.0.1:{port}/ivr", timeout=TIMEOUT)
    assert time.perf_counter() - started < 3
    with pytest.raises(SimulatorError, match="hagi"):
        simulate_call("hagi://example.invalid/ivr", timeout=TIMEOUT)
    with pytest.raises(SimulatorError, match="port"):
        simulate_call("agi://127.0.0.1:99999/ivr", timeout=TIMEOUT)
    with pytest.raises(SimulatorError, match="not a FastAGI URL"):
        simulate_call("agi:///ivr", timeout=TIMEOUT)
