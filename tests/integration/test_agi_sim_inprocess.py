"""In-process AGI handlers under the simulator: the handler runs in the test's thread (or as
a coroutine on its loop) and talks to the simulated channel over a socketpair.

The standard IVR session (answer, stream file with escape digits, get data, say digits,
set/get variable, verbose, hangup) runs with our ``pyst.agi`` (blocking and asyncio), with
pyst2 0.5.1's ``AGI`` class given the socket's text streams, and with the simulator's own
minimal client, with DTMF and hangup variants.
"""

from __future__ import annotations

import asyncio
import io
import signal
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from pyst.agi import AGI, AGIAppError, AGIHangup
from pyst.agi.aio import AsyncAGI
from pyst.agi.messages import DEAD_CHANNEL_TEXT
from pyst_sim.agi import AGITimeoutError, Caller, Press, simulate_call, simulate_call_async
from pyst_sim.agi.client import AsyncSimpleAGI, SimpleAGI
from pyst_sim.errors import SimulatorError

TIMEOUT = 5.0  # wall seconds the simulator waits for a command: far above what is needed
DEAD = f"511 {DEAD_CHANNEL_TEXT}"


def pyst_ivr(agi: AGI) -> None:
    agi.answer()
    agi.stream_file("welcome", "12")
    digits = agi.get_data("enter-account", 3000, 4)
    agi.set_variable("ACCOUNT", str(digits))
    assert str(agi.get_variable("ACCOUNT")) == str(digits)
    agi.say_digits(str(digits))
    agi.verbose("account entered")
    agi.hangup()


async def async_pyst_ivr(agi: AsyncAGI) -> None:
    await agi.answer()
    await agi.stream_file("welcome", "12")
    digits = await agi.get_data("enter-account", 3000, 4)
    await agi.set_variable("ACCOUNT", str(digits))
    assert str(await agi.get_variable("ACCOUNT")) == str(digits)
    await agi.say_digits(str(digits))
    await agi.verbose("account entered")
    await agi.hangup()


def check_completed(record: Any, digits: str = "1234") -> None:
    assert record.variables["ACCOUNT"] == digits
    record.assert_prompts("welcome", "enter-account", *(f"digits/{d}" for d in digits))
    record.assert_commands("answer", "stream file", "get data", "set variable", "get variable",
                           "say digits", "verbose", "hangup")
    record.assert_hung_up_by("app")
    assert record.agi_status == "HANGUP"
    assert record.verbose == [(1, "account entered")]


def test_pyst_agi_dtmf() -> None:
    record = simulate_call(pyst_ivr, caller=Caller(dtmf="1234"), seed=1, timeout=TIMEOUT)
    check_completed(record)
    assert record.error is None
    assert record.env["agi_network_script"] == "pyst_ivr"


def test_pyst_agi_caller_skips_the_welcome() -> None:
    caller = Caller(dtmf=[Press("2", on_prompt="welcome", delay=0.3), "99"])
    record = simulate_call(pyst_ivr, caller=caller, seed=1, timeout=TIMEOUT)
    assert record.replies_to("stream file") == ["200 result=50 endpos=2400"]
    # GET DATA waits 3 s for the missing two digits: "99 (timeout)"
    assert record.replies_to("get data") == ["200 result=99 (timeout)"]
    assert record.variables["ACCOUNT"] == "99"


def test_pyst_agi_caller_hangs_up() -> None:
    # GET DATA answers -1 before Asterisk's HANGUP line: pyst raises AGIAppError, as it
    # would against a real Asterisk.
    with pytest.raises(AGIAppError):
        simulate_call(pyst_ivr, caller=Caller(dtmf="12", hangup_at=2.0), seed=1,
                      timeout=TIMEOUT)
    record = simulate_call(pyst_ivr, caller=Caller(dtmf="12", hangup_at=2.0), seed=1,
                           timeout=TIMEOUT, raise_errors=False)
    assert isinstance(record.error, AGIAppError)
    record.assert_hung_up_by("caller")
    assert record.agi_status == "HANGUP"
    assert record.replies_to("get data") == ["200 result=-1"]
    assert "ACCOUNT" not in record.variables


def test_async_pyst_agi() -> None:
    record = asyncio.run(simulate_call_async(async_pyst_ivr, caller=Caller(dtmf="1234"),
                                             seed=1, timeout=TIMEOUT))
    check_completed(record)


def test_async_handler_through_sync_api_and_hangup() -> None:
    record = simulate_call(async_pyst_ivr, caller=Caller(hangup_on_prompt="enter-account"),
                           seed=1, timeout=TIMEOUT, raise_errors=False)
    assert isinstance(record.error, AGIAppError)
    assert record.hung_up_by == "caller"


def test_hangup_exceptions_are_kept_not_raised() -> None:
    def after_hangup(agi: AGI) -> None:
        agi.hangup()
        agi.answer()  # 511 after the HANGUP line: pyst raises an AGIHangup

    record = simulate_call(after_hangup, seed=1, timeout=TIMEOUT)
    assert isinstance(record.error, AGIHangup)
    assert record.replies_to("answer") in ([], [DEAD])


@pytest.fixture
def sighup_handler() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGHUP)
    yield
    signal.signal(signal.SIGHUP, previous)


@pytest.mark.usefixtures("sighup_handler")
def test_pyst2_agi_in_process() -> None:
    pyst2_agi = pytest.importorskip("asterisk.agi")

    def factory(sock: socket.socket) -> Any:
        # pyst2 reads and writes text streams; it installs a SIGHUP handler (main thread).
        return pyst2_agi.AGI(stdin=sock.makefile("r"), stdout=sock.makefile("w"),
                             stderr=io.StringIO())

    def ivr(agi: Any) -> None:
        agi.answer()
        agi.stream_file("welcome", "12")
        digits = agi.get_data("enter-account", 3000, 4)
        agi.set_variable("ACCOUNT", digits)
        assert agi.get_variable("ACCOUNT") == digits
        agi.say_digits(digits)
        agi.verbose("account entered")
        agi.hangup()

    record = simulate_call(ivr, caller=Caller(dtmf="1234"), agi_factory=factory, seed=1,
                           timeout=TIMEOUT, hangup_notice="none")
    check_completed(record)
    # pyst2 quotes every argument
    assert record.commands[3] == 'SET VARIABLE "ACCOUNT" "1234"'


def test_simple_client_and_async_simple_client() -> None:
    def handler(agi: SimpleAGI) -> None:
        assert agi.env is not None and agi.env["agi_request"].endswith("/handler")
        assert agi.command("GET DATA", "beep", "1000", "2").result == "42"
        assert agi.execute("HANGUP").result == "1"
        assert agi.execute("NOOP").result == "0"
        assert agi.hangup_notified

    record = simulate_call(handler, caller=Caller(dtmf="42"), agi_factory=SimpleAGI,
                           timeout=TIMEOUT)
    assert record.digits_collected == "42"

    async def coroutine(agi: AsyncSimpleAGI) -> None:
        assert (await agi.command("WAIT FOR DIGIT", "1000")).result == "55"
        assert (await agi.execute("HANGUP")).result == "1"

    record = asyncio.run(simulate_call_async(
        coroutine, caller=Caller(dtmf="7"), agi_factory=AsyncSimpleAGI.connect, timeout=TIMEOUT,
    ))
    assert record.digits_collected == "7"


def test_35_seconds_of_timeouts_in_well_under_100_ms() -> None:
    def slow_ivr(agi: AGI) -> None:
        agi.answer()
        for _ in range(5):
            agi.get_data("beep", 5000, 4)  # 0.25 s prompt + 5 s timeout, nothing pressed
        agi.wait_for_digit(8750)

    simulate_call(slow_ivr, seed=1, timeout=TIMEOUT)  # warm up imports and Faker
    walls = []
    for _ in range(3):  # best of three: the machine is shared
        started = time.perf_counter()
        record = simulate_call(slow_ivr, seed=1, timeout=TIMEOUT)
        walls.append(time.perf_counter() - started)
        assert record.duration == pytest.approx(35.0)
    assert min(walls) < 0.1, f"{min(walls) * 1000:.1f} ms of wall time for 35 s simulated"


def test_handler_errors_are_raised_after_the_call_winds_up() -> None:
    def broken(agi: AGI) -> None:
        agi.answer()
        raise RuntimeError("bug in the app")

    with pytest.raises(RuntimeError, match="bug in the app"):
        simulate_call(broken, seed=1, timeout=TIMEOUT)
    record = simulate_call(broken, seed=1, timeout=TIMEOUT, raise_errors=False)
    assert isinstance(record.error, RuntimeError)
    assert record.agi_status == "SUCCESS"  # the connection simply closed

    async def broken_async(agi: AsyncAGI) -> None:
        raise KeyError("async bug")

    with pytest.raises(KeyError):
        simulate_call(broken_async, seed=1, timeout=TIMEOUT)


def test_an_app_that_stops_answering_times_out() -> None:
    def stuck(agi: SimpleAGI) -> None:
        agi.execute("ANSWER")
        # The app now waits for something from Asterisk instead of sending a command: the
        # simulator gives up after its timeout and closes, which ends this read.
        assert agi.sock.recv(1) == b""

    started = time.perf_counter()
    with pytest.raises(AGITimeoutError) as info:
        simulate_call(stuck, seed=1, timeout=0.2, agi_factory=SimpleAGI)
    assert time.perf_counter() - started < 3
    assert "sent nothing for 0.2 s" in str(info.value)
    assert info.value.record is not None
    assert info.value.record.commands == ["ANSWER"]


def test_async_handler_that_outlives_the_agi_is_cancelled() -> None:
    async def lingering(agi: AsyncSimpleAGI) -> None:
        await agi.execute("HANGUP")
        await asyncio.sleep(30)

    started = time.perf_counter()
    with pytest.raises(AGITimeoutError, match="did not finish"):
        asyncio.run(simulate_call_async(
            lingering, seed=1, timeout=0.3, agi_factory=AsyncSimpleAGI.connect,
            variables={"AGIEXITONHANGUP": "yes"},
        ))
    assert time.perf_counter() - started < 3


def test_bad_uses() -> None:
    with pytest.raises(TypeError):
        simulate_call(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        simulate_call([])

    async def inner() -> None:
        async def handler(agi: Any) -> None:
            pass

        with pytest.raises(SimulatorError, match="simulate_call_async"):
            simulate_call(handler)

    asyncio.run(inner())


def test_the_package_quick_start() -> None:
    # The example of pyst_sim.agi's docstring, as written there.
    def ivr(agi: AGI) -> None:
        agi.answer()
        digits = agi.get_data("enter-account", timeout=5000, max_digits=4)
        agi.set_variable("ACCOUNT", digits)

    call = simulate_call(ivr, caller=Caller(callerid="5551234", dtmf="1234"))
    assert call.variables["ACCOUNT"] == "1234"
    assert call.env is not None and call.env["agi_callerid"] == "5551234"
    assert "GET DATA enter-account 5000 4" in call.format()


def test_simulator_errors_reach_the_caller() -> None:
    def handler(agi: SimpleAGI) -> None:
        agi.execute("GET VARIABLE MULTI")

    with pytest.raises(SimulatorError, match="cannot be written"):
        simulate_call(handler, agi_factory=SimpleAGI, variables={"MULTI": "a\nb"},
                      timeout=TIMEOUT, raise_errors=False)
