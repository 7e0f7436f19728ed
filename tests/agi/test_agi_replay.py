"""The j1 capture (real Asterisk 22.10.1 FastAGI traffic) replayed through the AGI library.

The library gets the real environment and Asterisk's reply bytes, chunk by recorded chunk,
and must write the recorded commands byte for byte, in order, and read every reply as
Asterisk meant it (values, ``endpos``, ``(timeout)``, 510, the 520 usage text, the ``HANGUP``
line, 511 in dead mode). The same script runs on the blocking :class:`pyst.agi.AGI` and on
:class:`pyst.agi.aio.AsyncAGI`; ``tests/integration/test_fastagi.py`` runs it through the
FastAGI server over a socket.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pyst.agi import (
    AGI,
    AGIAppError,
    AGIDBError,
    AGIDeadChannelError,
    AGIHangupNotice,
    AGIInvalidCommand,
    AGIResult,
    AGIResultHangup,
    AGIUsageError,
)
from pyst.agi.aio import AsyncAGI
from pyst_sim.captures import Capture, Record, load_capture

CHANNEL = "Local/s@fastagi-test-00000009;2"
SAY_DIGITS_USAGE = (
    "Say a given digit string, returning early if any of the given DTMF digits are received on "
    "the channel. Returns <literal>0</literal> if playback completes without a digit being "
    "pressed, or the ASCII numerical value of the digit if one was pressed or "
    "<literal>-1</literal> on error/hangup."
)


def has(**attributes: Any) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return all(getattr(value, k) == v for k, v in attributes.items())

    return check


def raises(error: type[BaseException], **attributes: Any) -> tuple[str, Any, Any]:
    return ("raises", error, attributes)


# (method, args, expected): a value, a check function, or raises(...). Written from the
# capture by hand: what each recorded reply means.
J1_STEPS: list[tuple[str, tuple[Any, ...], Any]] = [
    ("answer", (), None),
    ("channel_status", (), 6),
    ("get_variable", ("CHANNEL",), CHANNEL),
    ("get_variable", ("NO_SUCH_VAR",), ""),
    ("get_full_variable", ("${CALLERID(num)}",), "5552468"),
    ("get_full_variable", ("${CALLERID(name)} on ${CHANNEL}",), f"Agi Caller on {CHANNEL}"),
    ("set_variable", ("FOO", "bar"), None),
    ("get_variable", ("FOO",), "bar"),
    # "200 result=-1 endpos=0": the file does not exist
    ("stream_file", ("nonexistent-file", "12#"), raises(AGIAppError)),
    ("stream_file", ("beep", "12#"), has(endpos=2000, timeout=False)),
    ("get_data", ("beep", 500, 4), has(timeout=True, data="timeout")),
    ("say_digits", (123,), ""),
    ("say_number", (42,), ""),
    ("wait_for_digit", (100,), ""),
    ("database_put", ("agitest", "key1", "value1"), None),
    ("database_get", ("agitest", "key1"), "value1"),
    ("database_del", ("agitest", "key1"), None),
    ("database_get", ("agitest", "key1"), raises(AGIDBError)),
    ("database_del", ("agitest", "key1"), None),  # 22.10.1 answers 1 for a missing key
    ("appexec", ("Wait", "0.1"), "0"),
    ("exec_command", ("NoSuchApplication", "foo"), {"result": ("-2", "")}),
    ("verbose", ("hello from fastagi", 1), None),
    ("execute", ("FOO BAR",), raises(AGIInvalidCommand, code=510)),
    ("execute", ("SAY DIGITS",), raises(AGIUsageError, code=520, usage=SAY_DIGITS_USAGE)),
    ("set_context", ("agi-after",), None),
    ("set_extension", ("1000",), None),
    ("set_priority", (1,), None),
    # a Local channel has no text support: "-1 (hangup)" on a live channel
    ("receive_char", (100,), raises(AGIResultHangup)),
    ("noop", (), None),
    ("execute", ("NOOP", "with", "some", "args"), {"result": ("0", "")}),
    ("hangup", (), None),
    # Asterisk's HANGUP line arrives after HANGUP's reply, before the script's next command.
    # The library reports it once, as AGIHangupNotice, before the first command that starts
    # after it has been read: the NOOP below if it was read already (it came in the same read
    # as HANGUP's reply), else the GET VARIABLE (the NOOP reads it with its own reply). From
    # here on, run() calls a command again when the notice stopped it, and checks that
    # exactly one notice came.
    ("noop", (), None),
    # dead mode: GET VARIABLE still works, ANSWER and CHANNEL STATUS get 511
    ("get_variable", ("FOO",), "bar"),
    ("answer", (), raises(AGIDeadChannelError)),
    ("channel_status", (), raises(AGIDeadChannelError)),
]


def check_outcome(step: tuple[str, tuple[Any, ...], Any], value: Any,
                  error: BaseException | None) -> None:
    name, args, expected = step
    if isinstance(expected, tuple) and expected[:1] == ("raises",):
        _, kind, attributes = expected
        assert isinstance(error, kind), (name, args, error)
        for key, want in attributes.items():
            assert getattr(error, key) == want, (name, key)
        return
    assert error is None, (name, args, error)
    if callable(expected):
        assert expected(value), (name, args, value)
    else:
        assert value == expected, (name, args, value)
    if isinstance(value, AGIResult):
        assert value.reply.raw  # the exact reply text is kept


AFTER_HANGUP = [name for name, _, _ in J1_STEPS].index("hangup") + 1


def run_blocking(agi: AGI) -> None:
    notices = 0
    for index, step in enumerate(J1_STEPS):
        name, args, _ = step
        value, error = None, None
        for _attempt in range(2):
            try:
                value = getattr(agi, name)(*args)
            except AGIHangupNotice:
                assert index >= AFTER_HANGUP and notices == 0
                notices += 1
                continue
            except Exception as exc:
                error = exc
            break
        check_outcome(step, value, error)
    assert notices == 1


async def run_async(agi: AsyncAGI) -> None:
    notices = 0
    for index, step in enumerate(J1_STEPS):
        name, args, _ = step
        value, error = None, None
        for _attempt in range(2):
            try:
                value = await asyncio.wait_for(getattr(agi, name)(*args), 5)
            except AGIHangupNotice:
                assert index >= AFTER_HANGUP and notices == 0
                notices += 1
                continue
            except Exception as exc:
                error = exc
            break
        check_outcome(step, value, error)
    assert notices == 1


class Replay:
    """A byte channel that plays Asterisk from a capture.

    ``recv`` hands out the recorded ``ast2agi`` chunks in order (chunks recorded before a
    command was sent count as already in flight when it is sent); ``send`` must write exactly
    the next recorded ``agi2ast`` bytes. Reading when the capture says the script should be
    writing fails at once, instead of hanging.
    """

    def __init__(self, capture: Capture, conn: str = "agi") -> None:
        self.records: list[Record] = [
            r for r in capture.records
            if r.conn == conn and r.type in ("data", "shutdown_wr", "close")
        ]
        self.pos = 0
        self.in_flight: collections.deque[bytes] = collections.deque()

    def _next(self) -> Record | None:
        return self.records[self.pos] if self.pos < len(self.records) else None

    def recv(self) -> bytes:
        if self.in_flight:
            return self.in_flight.popleft()
        record = self._next()
        if record is not None and record.type == "data" and record.dir == "ast2agi":
            self.pos += 1
            return record.data
        if record is not None and record.type == "close":
            self.pos += 1
            return b""
        raise AssertionError(f"the script reads, but the capture has it do {record} next")

    def send(self, data: bytes) -> None:
        while (record := self._next()) is not None and record.dir == "ast2agi":
            self.in_flight.append(record.data)
            self.pos += 1
        assert record is not None and record.dir == "agi2ast", f"unexpected write {data!r}"
        assert data == record.data
        self.pos += 1

    def rest(self) -> list[tuple[str, str | None, bytes]]:
        return [(r.type, r.dir, r.data) for r in self.records[self.pos:]]


class AsyncReplay(Replay):
    async def recv(self) -> bytes:  # type: ignore[override]
        return Replay.recv(self)


@pytest.fixture(scope="module")
def j1(shared_dir: Path) -> Capture:
    return load_capture(shared_dir / "captures" / "j1_fastagi_agi_side.jsonl")


AFTER_THE_SCRIPT = [("shutdown_wr", None, b""), ("data", "ast2agi", b"HANGUP\n"),
                    ("close", None, b"")]


def test_j1_blocking(j1: Capture) -> None:
    replay = Replay(j1)
    agi = AGI(channel=replay, sighup=False)
    assert agi.env["agi_network_script"] == "ivr"
    assert agi.env["agi_arg_2"] == "arg 2"
    assert agi.environment is not None and agi.environment.channel == CHANNEL
    run_blocking(agi)
    assert replay.rest() == AFTER_THE_SCRIPT and not replay.in_flight


def test_j1_async(j1: Capture) -> None:
    async def main() -> Replay:
        replay = AsyncReplay(j1)
        agi = AsyncAGI(replay)
        await agi.read_environment()
        assert agi.env["agi_request"] == "agi://127.0.0.1:4573/ivr"
        await run_async(agi)
        return replay

    replay = asyncio.run(main())
    assert replay.rest() == AFTER_THE_SCRIPT and not replay.in_flight


def test_j1_the_replay_catches_a_wrong_byte(j1: Capture) -> None:
    agi = AGI(channel=Replay(j1), sighup=False)
    agi.answer()
    with pytest.raises(AssertionError):
        agi.channel_status("Local/other")  # the capture sent CHANNEL STATUS without a name
