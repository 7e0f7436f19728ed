"""AsyncAGI over AMI: the same handlers as FastAGI, driven through AGI actions and events.

The server plays Asterisk's side of res_agi.c's AsyncAGI (PROTOCOL.md 2.6): ``AsyncAGIStart``
with the URL-encoded environment, an answer to each ``AGI`` action, then ``AsyncAGIExec`` with
the URL-encoded reply and the ``CommandId`` (spelled as Asterisk spells it), ``AsyncAGIEnd``
after ``ASYNCAGI BREAK`` or a hangup. Commands are read and answered by the AGI core in the
ASTERISK role, so the replies are exactly what Asterisk would write.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from pyst.agi.agi import AGI
from pyst.agi.aio import AsyncAGI
from pyst.agi.exceptions import AGIHangup
from pyst.agi.messages import AGIEnvironment, AGIReply, CommandLine
from pyst.agi.protocol import AGIConnection, Role
from pyst.ami.asyncagi import AsyncAGIChannel, AsyncAGIServer, uri_decode, uri_encode
from pyst.ami.client import AMIClient
from pyst.ami.messages import Action, Event, make_error, make_response
from tests.ami.replay_server import ScriptedServer, Session, default_handler
from tests.ami.test_client import run


def test_uri_encoding_matches_asterisk() -> None:
    assert uri_encode("200 result=0\n") == "200%20result%3D0%0A"
    assert uri_encode("agi_request: async\n") == "agi_request%3A%20async%0A"
    assert uri_encode("aZ09-_.!~*'()") == "aZ09-_.!~*'()"
    assert uri_encode("é/+") == "%C3%A9%2F%2B"
    assert uri_encode(b"\xff") == "%FF"
    assert uri_decode("200%20result%3D1%20(J%C3%A9)%0A") == "200 result=1 (Jé)\n".encode()
    assert uri_decode("a+b") == b"a+b"
    assert uri_decode(uri_encode("x\udcff")) == b"x\xff"


class FakeAsterisk:
    """Asterisk's AsyncAGI side for the scripted AMI server."""

    def __init__(self, *, hang_up_on: str | None = None, silent_on: str | None = None) -> None:
        self.drop_on: str | None = None
        self.calls: dict[str, tuple[AGIConnection, Session, str]] = {}
        self.commands: list[tuple[str, str]] = []
        self.variables = {"CALLERID(num)": "5551234", "LANG": "fr"}
        self.hang_up_on = hang_up_on
        self.silent_on = silent_on

    def start(self, session: Session, channel: str, uniqueid: str, *args: str) -> None:
        conn = AGIConnection(Role.ASTERISK)
        env = AGIEnvironment.build(request="async", channel=channel, uniqueid=uniqueid,
                                   calleridname="José", args=args)
        data = conn.send(env)
        self.calls[channel] = (conn, session, uniqueid)
        session.send(Event.make("AsyncAGIStart", [
            ("Privilege", "agi,all"), ("Channel", channel), ("Uniqueid", uniqueid),
            ("Env", uri_encode(data)),
        ]))

    def end(self, channel: str) -> None:
        _, session, uniqueid = self.calls.pop(channel)
        session.send(Event.make("AsyncAGIEnd", [("Privilege", "agi,all"), ("Channel", channel),
                                                ("Uniqueid", uniqueid)]))

    def reply(self, line: CommandLine) -> AGIReply:
        name = line.command.name if line.command is not None else ""
        if name == "get variable":
            value = self.variables.get(line.args[0])
            return AGIReply.success(1, value) if value is not None else AGIReply.success(0)
        if name == "stream file":
            return AGIReply.success(0, endpos=2000)
        if name == "hangup":
            return AGIReply.success(1)
        if line.command is None:
            return AGIReply.invalid_command()
        return AGIReply.success(1 if name in ("verbose", "set variable") else 0)

    def handle(self, session: Session, action: Action) -> Any:
        if action.name != "AGI":
            return default_handler(session, action)
        channel = action.get("Channel") or ""
        if channel not in self.calls:
            session.send(make_error(action, f"Channel {channel} does not exist."))
            return None
        command = action.get("Command") or ""
        if command == self.drop_on:
            session.abort()  # the AMI connection breaks before Asterisk answers the action
            return None
        session.send(make_response(action, "Success", "Added AGI command to queue"))
        self.commands.append((channel, command))
        conn, _, uniqueid = self.calls[channel]
        conn.receive_data(command.encode() + b"\n")
        line = conn.next_event()
        assert isinstance(line, CommandLine)
        if command == self.silent_on:
            return None
        if command == self.hang_up_on:
            self.end(channel)  # the caller hung up while the command ran: no reply
            return None
        reply = self.reply(line)
        fields = [("Privilege", "agi,all"), ("Channel", channel), ("Uniqueid", uniqueid)]
        command_id = action.get("CommandID")
        if command_id:
            fields.append(("CommandId", command_id))
        fields.append(("Result", uri_encode(conn.send(reply))))
        session.send(Event.make("AsyncAGIExec", fields))
        if line.words[:2] == ("ASYNCAGI", "BREAK"):
            self.end(channel)
        return None


async def setup(asterisk: FakeAsterisk) -> tuple[ScriptedServer, AMIClient]:
    server = await ScriptedServer(asterisk.handle).start()
    ami = AMIClient("127.0.0.1", server.port, username="admin", secret="secret",
                    ping_interval=None, reconnect=False, timeout=2)
    await ami.connect()
    return server, ami


async def wait_for(condition: Any, limit: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not condition():
        assert loop.time() < end, "condition not met in time"
        await asyncio.sleep(0.002)


def test_an_async_handler_runs_over_ami() -> None:
    asterisk = FakeAsterisk()
    seen: dict[str, Any] = {}

    async def ivr(agi: AsyncAGI) -> None:
        seen["env"] = dict(agi.env)
        seen["request"] = agi.request.script if agi.request else None
        await agi.answer()
        seen["number"] = await agi.get_variable("CALLERID(num)")
        seen["missing"] = await agi.get_variable("NOPE")
        seen["played"] = await agi.stream_file("beep")
        await agi.verbose('quotes " and \\ survive')

    async def main() -> None:
        server, ami = await setup(asterisk)
        async with AsyncAGIServer(ami, ivr) as agi_server:
            asterisk.start(server.sessions[0], "PJSIP/100-00000001", "1700000000.1", "a b")
            await wait_for(lambda: agi_server.stats["finished"] == 1 and not asterisk.calls)
            assert not agi_server.sessions
        await ami.close()
        await server.stop()

    run(main)
    assert seen["env"]["agi_request"] == "async"
    assert seen["env"]["agi_calleridname"] == "José"
    assert seen["env"]["agi_arg_1"] == "a b"
    assert seen["request"] == "async"
    assert seen["number"] == "5551234" and seen["missing"] == ""
    assert seen["played"] == "" and seen["played"].endpos == 2000
    assert [c for _, c in asterisk.commands] == [
        "ANSWER", "GET VARIABLE CALLERID(num)", "GET VARIABLE NOPE", 'STREAM FILE beep ""',
        'VERBOSE "quotes \\" and \\\\ survive" 1', "ASYNCAGI BREAK",
    ]


def test_a_blocking_handler_runs_in_a_thread() -> None:
    asterisk = FakeAsterisk()
    seen: list[str] = []

    def legacy(agi: AGI) -> None:  # pyst2-style code, unchanged
        agi.answer()
        seen.append(agi.get_variable("LANG"))
        agi.set_variable("DONE", "1")

    async def main() -> None:
        server, ami = await setup(asterisk)
        agi_server = AsyncAGIServer(ami, legacy).start()
        assert agi_server.blocking
        asterisk.start(server.sessions[0], "PJSIP/200-00000002", "1700000000.2")
        await wait_for(lambda: agi_server.stats["finished"] == 1 and not asterisk.calls)
        await agi_server.stop()
        await ami.close()
        await server.stop()

    run(main)
    assert seen == ["fr"]
    assert [c for _, c in asterisk.commands] == [
        "ANSWER", "GET VARIABLE LANG", "SET VARIABLE DONE 1", "ASYNCAGI BREAK",
    ]


@pytest.mark.parametrize("blocking", [False, True])
def test_a_hangup_ends_the_handler_with_agihangup(blocking: bool) -> None:
    asterisk = FakeAsterisk(hang_up_on='STREAM FILE long-prompt ""')
    raised: list[BaseException] = []

    async def ivr(agi: AsyncAGI) -> None:
        await agi.answer()
        try:
            await agi.stream_file("long-prompt")
        except AGIHangup as exc:
            raised.append(exc)
            raise

    def legacy(agi: AGI) -> None:
        agi.answer()
        try:
            agi.stream_file("long-prompt")
        except AGIHangup as exc:
            raised.append(exc)
            raise

    async def main() -> None:
        server, ami = await setup(asterisk)
        agi_server = AsyncAGIServer(ami, legacy if blocking else ivr).start()
        asterisk.start(server.sessions[0], "PJSIP/300-00000003", "1700000000.3")
        await wait_for(lambda: agi_server.stats["hangups"] == 1)
        await agi_server.stop()
        await ami.close()
        await server.stop()

    run(main)
    assert len(raised) == 1
    # no ASYNCAGI BREAK for a session Asterisk already ended
    assert [c for _, c in asterisk.commands] == ["ANSWER", 'STREAM FILE long-prompt ""']


def test_failing_handlers_refused_commands_and_timeouts(caplog: pytest.LogCaptureFixture) -> None:
    asterisk = FakeAsterisk(silent_on="NOOP")

    async def broken(agi: AsyncAGI) -> None:
        await agi.answer()
        raise RuntimeError("handler bug")

    async def gone(agi: AsyncAGI) -> None:
        asterisk.calls.pop(agi.env["agi_channel"])  # Asterisk forgot the channel
        await agi.answer()

    async def waits(agi: AsyncAGI) -> None:
        await agi.noop()  # Asterisk never answers this one

    async def main() -> None:
        server, ami = await setup(asterisk)
        session = server.sessions[0]
        with caplog.at_level(logging.ERROR, logger="pyst.ami.asyncagi"):
            async with AsyncAGIServer(ami, broken) as agi_server:
                asterisk.start(session, "PJSIP/1-1", "1.1")
                await wait_for(lambda: agi_server.stats["failed"] == 1 and not asterisk.calls)
            assert "handler bug" in caplog.text
            async with AsyncAGIServer(ami, gone) as agi_server:
                asterisk.start(session, "PJSIP/1-2", "1.2")
                await wait_for(lambda: agi_server.stats["hangups"] == 1)
            async with AsyncAGIServer(ami, waits, command_timeout=0.05) as agi_server:
                asterisk.start(session, "PJSIP/1-3", "1.3")
                await wait_for(lambda: agi_server.stats["hangups"] == 1)
        await ami.close()
        await server.stop()

    run(main)
    assert ("PJSIP/1-1", "ASYNCAGI BREAK") in asterisk.commands


def test_sessions_are_kept_apart_and_filtered() -> None:
    asterisk = FakeAsterisk()
    order: list[str] = []
    gate = asyncio.Event()

    async def ivr(agi: AsyncAGI) -> None:
        channel = agi.env["agi_channel"]
        await agi.answer()
        order.append(f"{channel} answered")
        if channel == "PJSIP/1-1":
            await gate.wait()  # the second call overtakes the first
        order.append(f"{channel} {await agi.get_variable('LANG')}")

    async def main() -> None:
        server, ami = await setup(asterisk)
        session = server.sessions[0]
        only = AsyncAGIServer(ami, ivr,
                              channel_filter=lambda e: not (e["Channel"] or "").startswith("X"))
        async with only:
            asterisk.start(session, "PJSIP/1-1", "2.1")
            asterisk.start(session, "PJSIP/2-1", "2.2")
            asterisk.start(session, "X/ignored", "2.3")
            await wait_for(lambda: len(order) == 3)
            gate.set()
            await wait_for(lambda: only.stats["finished"] == 2)
            assert only.stats["started"] == 2
        await ami.close()
        await server.stop()

    run(main)
    assert order[:3] == ["PJSIP/1-1 answered", "PJSIP/2-1 answered", "PJSIP/2-1 fr"]
    assert order[3] == "PJSIP/1-1 fr"


def test_stop_ends_running_sessions() -> None:
    asterisk = FakeAsterisk(silent_on="NOOP")
    raised: list[BaseException] = []

    async def stuck(agi: AsyncAGI) -> None:
        try:
            await agi.noop()
        except AGIHangup as exc:
            raised.append(exc)

    async def main() -> None:
        server, ami = await setup(asterisk)
        agi_server = AsyncAGIServer(ami, stuck).start()
        agi_server.start()  # idempotent
        asterisk.start(server.sessions[0], "PJSIP/9-9", "3.1")
        await wait_for(lambda: asterisk.commands)
        await agi_server.stop(timeout=2)
        assert raised and agi_server.stats["finished"] == 1
        await ami.close()
        await server.stop()

    run(main)


def test_channel_adapter_directly() -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            ami = AMIClient("127.0.0.1", server.port, ping_interval=None, reconnect=False)
            channel = AsyncAGIChannel(ami, "PJSIP/1-1", None, uri_encode("agi_request: async\n\n"))
            assert await channel.recv() == b"agi_request: async\n\n"
            waiter = asyncio.ensure_future(channel.recv())
            await asyncio.sleep(0)
            channel.exec_event(Event.make("AsyncAGIExec", Channel="PJSIP/1-1"))  # no Result
            channel.exec_event(Event.make("AsyncAGIExec", Result=uri_encode("200 result=0\n")))
            assert await waiter == b"200 result=0\n"
            channel.end("test")
            channel.end("again")
            assert channel.end_reason == "test" and await channel.recv() == b""
            with pytest.raises(BrokenPipeError):
                channel.send(b"ANSWER\n")
            assert "ended=True" in repr(channel)

    run(main)


def test_start_events_without_channel_are_ignored(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        async with ScriptedServer() as server:
            ami = AMIClient("127.0.0.1", server.port, username="admin", secret="secret",
                            ping_interval=None, reconnect=False)
            await ami.connect()
            handled: list[str] = []

            async def ivr(agi: AsyncAGI) -> None:
                handled.append("x")

            async with AsyncAGIServer(ami, ivr) as agi_server:
                with caplog.at_level(logging.WARNING, logger="pyst.ami.asyncagi"):
                    server.sessions[0].send(
                        Event.make("AsyncAGIStart", Uniqueid="1"),
                        Event.make("AsyncAGIExec", Uniqueid="nobody", Result="x"),
                        Event.make("AsyncAGIEnd", Uniqueid="nobody"),
                    )
                    await ami.send_action("Ping")
                assert "without Channel or Env" in caplog.text
                assert agi_server.stats["started"] == 0 and not handled
            await ami.close()

    run(main)


def test_the_fake_asterisk_speaks_the_agi_core() -> None:
    # The simulator's replies come from the core: check one against the capture's text.
    conn = AGIConnection(Role.ASTERISK)
    conn.send(AGIEnvironment.build(request="async", channel="PJSIP/1-1"))
    conn.receive_data(b"GET VARIABLE X\n")
    line = conn.next_event()
    assert isinstance(line, CommandLine) and line.args == ("X",)
    assert FakeAsterisk().reply(line).to_bytes() == b"200 result=0\n"


def test_the_thread_bridge(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from pyst.ami import asyncagi

    monkeypatch.setattr(asyncagi, "_BRIDGE_POLL", 0.01)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    ami = AMIClient("127.0.0.1", 1, ping_interval=None)
    channel = AsyncAGIChannel(ami, "PJSIP/1-1", "1.1", uri_encode("agi_request: async\n\n"))
    bridge = asyncagi._ThreadBridge(channel, loop)
    assert bridge.recv() == b"agi_request: async\n\n"
    # the loop stops while a thread waits for a reply
    waiting: list[bytes] = []
    reader = threading.Thread(target=lambda: waiting.append(bridge.recv()))
    reader.start()
    while not channel._waiter:
        threading.Event().wait(0.001)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    reader.join(5)
    assert waiting == [b""]
    assert bridge.recv() == b""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    assert bridge.recv() == b""
    with pytest.raises(BrokenPipeError, match="stopped"):
        bridge.send(b"ANSWER\n")
    channel.end()
    with pytest.raises(BrokenPipeError, match="ended"):
        bridge.send(b"ANSWER\n")


def test_partial_handlers_lost_connections_and_stuck_handlers() -> None:
    import functools

    asterisk = FakeAsterisk(silent_on="NOOP")

    async def ivr(agi: AsyncAGI, greeting: str) -> None:
        await agi.answer()
        await agi.verbose(greeting)

    async def stubborn(agi: AsyncAGI) -> None:
        try:
            await agi.noop()
        except AGIHangup:
            await asyncio.sleep(30)  # ignores the end of its session

    async def main() -> None:
        server, ami = await setup(asterisk)
        session = server.sessions[0]
        partial = AsyncAGIServer(ami, functools.partial(ivr, greeting="hi"), command_timeout=5)
        assert not partial.blocking
        async with partial:
            asterisk.start(session, "PJSIP/5-1", "5.1")
            await wait_for(lambda: partial.stats["finished"] == 1)
        stuck = AsyncAGIServer(ami, stubborn).start()
        asterisk.start(session, "PJSIP/5-2", "5.2")
        await wait_for(lambda: ("PJSIP/5-2", "NOOP") in asterisk.commands)
        await stuck.stop(timeout=0.05)  # the handler is cancelled
        assert not stuck._tasks
        # the AMI connection drops while a command waits for its answer
        asterisk.drop_on = "ANSWER"
        lost = AsyncAGIServer(ami, functools.partial(ivr, greeting="lost")).start()
        asterisk.start(session, "PJSIP/5-3", "5.3")
        await wait_for(lambda: lost.stats["hangups"] == 1)
        assert lost.sessions == {}
        await lost.stop(timeout=1)
        await ami.close()
        await server.stop()

    run(main)
    assert ("PJSIP/5-1", "VERBOSE hi 1") in asterisk.commands
