"""AsyncAGI in memory (no sockets): pyst2-style low-level calls, hangups, broken channels.
Sockets (``from_streams``, the FastAGI server) are in ``tests/integration``."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Awaitable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyst.agi import (
    AGIAppError,
    AGICommand,
    AGIConnection,
    AGIDeadChannelError,
    AGIEnvironment,
    AGIEOFHangup,
    AGIHangupNotice,
    AGIResult,
    AGISIGPIPEHangup,
    AGIValue,
    FastAGIRequest,
    Role,
    SpeechResult,
)
from pyst.agi.aio import AsyncAGI
from pyst.agi.messages import AGIReply
from pyst.agi.session import AGISession
from pyst.errors import LocalProtocolError, RemoteProtocolError
from tests.agi.test_agi_wire import CLOSE, AsyncWire, Wire, ok, scripted


def run(coro: Awaitable[Any]) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coro, 10)

    return asyncio.run(bounded())


async def session(wire: AsyncWire, **kwargs: Any) -> AsyncAGI:
    agi = AsyncAGI(wire, **kwargs)
    env = await agi.read_environment()
    assert await agi.read_environment() is env  # read once
    return agi


def test_low_level_calls() -> None:
    async def main() -> AsyncWire:
        wire = AsyncWire(scripted("200 result=0 endpos=5", "200 result=1", "200 result=-1"))
        agi = await session(wire)
        await agi.send_command("STREAM FILE", "beep", '""')
        result = await agi.get_result()
        assert result == {"result": ("0", ""), "endpos": ("5", "")}
        assert await agi.execute(AGICommand("VERBOSE hi 1")) == {"result": ("1", "")}
        with pytest.raises(AGIAppError):
            await agi.execute("EXEC", "Nope")
        with pytest.raises(TypeError, match=r"^send_command\(AGICommand\) takes no further"):
            await agi.send_command(AGICommand("NOOP"), "extra")
        with pytest.raises(TypeError, match=r"^execute\(AGICommand\) takes no further"):
            await agi.execute(AGICommand("NOOP"), "extra")
        with pytest.raises(LocalProtocolError):
            await agi.send_command("VERBOSE", '"a\nb"')
        return wire

    assert run(main()).lines == ['STREAM FILE beep ""', "VERBOSE hi 1", "EXEC Nope"]


def test_hangup_line_then_dead_mode() -> None:
    async def main() -> AsyncWire:
        wire = AsyncWire(ok)
        agi = await session(wire)
        await agi.answer()
        wire.hangup()
        await agi.noop()
        with pytest.raises(AGIHangupNotice):
            await agi.get_variable("X")
        assert await agi.get_variable("X") == ""
        with pytest.raises(AGIDeadChannelError):
            await agi.stream_file("x")
        return wire

    assert run(main()).lines == ["ANSWER", "NOOP", "GET VARIABLE X", 'STREAM FILE x ""']


def test_eof_and_broken_pipe() -> None:
    async def main() -> None:
        agi = await session(AsyncWire(lambda c: [CLOSE]))
        with pytest.raises(AGIEOFHangup):
            await agi.noop()
        with pytest.raises(AGIEOFHangup):
            await agi.noop()
        with pytest.raises(AGIEOFHangup):
            await agi.send_command("NOOP")

        wire = AsyncWire(ok)
        broken = await session(wire)
        wire.closed = True
        with pytest.raises(AGISIGPIPEHangup):
            await broken.noop()
        with pytest.raises(AGISIGPIPEHangup):
            await broken.send_command("NOOP")  # no hangup test here: still refused

        class Resetting(AsyncWire):
            async def recv(self) -> bytes:
                if not self.pending:
                    raise ConnectionResetError(104, "reset")
                return Wire.recv(self)

        reset = await session(Resetting(lambda c: []))
        with pytest.raises(AGIEOFHangup):
            await reset.noop()

    run(main())


def test_eof_before_the_environment() -> None:
    async def main() -> None:
        with pytest.raises(AGIEOFHangup):
            await AsyncAGI(AsyncWire(env=None)).read_environment()

    run(main())


def test_eof_already_received_is_reported_before_sending() -> None:
    async def main() -> AsyncWire:
        wire = AsyncWire(ok)
        agi = await session(wire)
        await agi.noop()
        agi.connection.receive_data(b"")  # Asterisk closed; the core has not said so yet
        with pytest.raises(AGIEOFHangup):
            await agi.noop()
        return wire

    assert run(main()).lines == ["NOOP"]


def test_a_partial_line_is_left_for_later() -> None:
    async def main() -> AsyncWire:
        wire = AsyncWire(scripted(["200 result=0"]), prefix=[b"HANG"])
        agi = await session(wire)
        with pytest.raises(RemoteProtocolError):  # "HANG" + the reply is not a reply
            await agi.noop()
        return wire

    assert run(main()).lines == ["NOOP"]


def test_session_needs_a_script_connection() -> None:
    with pytest.raises(ValueError):
        AGISession(connection=AGIConnection(Role.ASTERISK))


def test_request_repr_and_params() -> None:
    request = FastAGIRequest("ivr?a=1&a=2&b=", "ivr", {"a": ["1", "2"], "b": [""], "c": []})
    assert request.params == {"a": "2", "b": ""}
    assert "ivr" in repr(request)


def test_results_pickle_and_repeated_keys() -> None:
    result = AGIResult(AGIReply.parse("200 result=1 (x) endpos=5 result=2"))
    assert result == {"result": ("1", "x"), "endpos": ("5", "")}  # the first result= wins
    again = pickle.loads(pickle.dumps(result))
    assert again == result and again.reply == result.reply
    value = AGIValue("5", result)
    copy = pickle.loads(pickle.dumps(value))
    assert copy == "5" and copy.endpos == 5 and copy.data == "x"
    bare = AGIValue("z")
    assert (bare.endpos, bare.timeout, bare.data) == (None, False, "")
    speech = SpeechResult.from_result(AGIResult(AGIReply.parse(
        "200 result=1 (speech) endpos=1 results=x")))
    assert speech.matches == ()
    speech = SpeechResult.from_result(AGIResult(AGIReply.parse(
        "200 result=1 (speech) endpos=1 results=1 score0=abc text0=plain grammar0=g")))
    assert [(m.score, m.text, m.grammar) for m in speech.matches] == [(None, "plain", "g")]


def test_more_error_paths() -> None:
    async def main() -> None:
        wire = AsyncWire(ok)
        agi = await session(wire)
        with pytest.raises(TypeError):
            await agi.execute(AGICommand("NOOP"), "extra")
        agi.env = {"agi_channel": "mine"}  # pyst2 allowed replacing env
        assert agi.env == {"agi_channel": "mine"}
        wire.closed = True
        with pytest.raises(AGISIGPIPEHangup):
            await agi.send_command("NOOP")

        class Resetting(AsyncWire):
            async def recv(self) -> bytes:
                if not self.pending:
                    raise ConnectionAbortedError(103, "aborted")
                return Wire.recv(self)

        reset = await session(Resetting(lambda c: []))
        await reset.send_command("NOOP")
        with pytest.raises(AGIEOFHangup):
            await reset.get_result()

    run(main())


# AGIReply._from_wire (the protocol's fast path, added with this module) must build exactly
# what the validating constructor builds.
@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[1-9][0-9]{2}( [^\n]*)?", fullmatch=True).filter(
    lambda s: s.encode("utf-8", "surrogatepass").decode("utf-8", "replace") == s))
def test_replies_read_off_the_wire_equal_validated_ones(line: str) -> None:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(AGIEnvironment.build(request="x", channel="y").to_bytes())
    conn.next_event()
    conn.send(AGICommand("NOOP"))
    conn.receive_data(line.encode() + b"\n")
    reply = conn.next_event()
    assert isinstance(reply, AGIReply)
    expected = AGIReply.parse(line)
    assert reply == expected and reply.raw == expected.raw == line + "\n"
    assert reply.to_text() == line + "\n" and dict(reply.extra) == dict(expected.extra)
    assert repr(reply) == repr(expected)
