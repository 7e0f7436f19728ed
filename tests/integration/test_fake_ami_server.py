"""The fake AMI server on real sockets: lifecycle, the thread controller, concurrency, CLI."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pyst.ami.messages import Action, Event, Response
from pyst.ami.protocol import AMIConnection, ConnectionClosed, Role
from pyst_sim.ami_server import FakeAMIServer, ThreadedFakeAMIServer
from pyst_sim.errors import ExpectationError, SimulatorError

REPO = Path(__file__).resolve().parents[2]


class SyncClient:
    """A blocking AMI client on the sans-IO core (test helper)."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=5)
        self.conn = AMIConnection(Role.CLIENT)
        self.pending: list[object] = []
        self.closed = False

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        for item in self.conn.receive(data):
            if isinstance(item, ConnectionClosed):
                self.closed = True
            else:
                self.pending.append(item)
        if not data:
            self.closed = True

    def next(self) -> object:
        while not self.pending:
            if self.closed:
                raise EOFError
            self._fill()
        return self.pending.pop(0)

    def ask(self, name: str, **headers: str) -> Response:
        self.sock.sendall(Action.make(name, **headers).to_bytes())
        while True:
            item = self.next()
            if isinstance(item, Response):
                return item

    def events(self, count: int) -> list[Event]:
        out: list[Event] = []
        while len(out) < count:
            item = self.next()
            if isinstance(item, Event):
                out.append(item)
        return out

    def close(self) -> None:
        self.sock.close()


def test_thread_controller_lifecycle_and_scripting(tmp_path: Path) -> None:
    ami = FakeAMIServer(time_scale=0, auth_failure_delay=0).start_in_thread()
    try:
        assert ami.port > 0 and ami.address == ("127.0.0.1", ami.port)
        assert ami.url == f"tcp://127.0.0.1:{ami.port}"
        ami.expect_oneshot_action("Ping").respond_with(Ping="Scripted")
        client = SyncClient(ami.address)
        assert isinstance(client.next(), object)  # banner
        assert client.ask("Login", Username="admin", Secret="secret")["Message"] == (
            "Authentication accepted")
        client.events(2)  # FullyBooted, SuccessfulAuth
        assert client.ask("Ping")["Ping"] == "Scripted"
        assert client.ask("Ping")["Ping"] == "Pong"
        # emit_event from this (non-loop) thread
        ami.emit_event("UserEvent", UserEvent="fromthread")
        assert client.events(1)[0]["UserEvent"] == "fromthread"
        ami.check()
        ami.expect_oneshot_action("Hangup")
        with pytest.raises(ExpectationError, match="unmet"):
            ami.check()
        ami.clear()
        ami.check()
        with pytest.raises(SimulatorError):
            ami.start()
        client.close()
        assert ami.run(asyncio.sleep(0, "done")) == "done"
    finally:
        ami.stop()
        ami.stop()  # idempotent
    with pytest.raises(OSError):
        socket.create_connection(ami.address, timeout=1)


def test_threaded_context_manager_and_startup_error() -> None:
    with ThreadedFakeAMIServer(time_scale=0) as ami:
        c = SyncClient(ami.address)
        c.next()
        c.close()
        busy_port = ami.port
        with pytest.raises(OSError):
            ThreadedFakeAMIServer(port=busy_port).start(timeout=5)
    # start() on a closed controller again, via a fresh one, works
    with ThreadedFakeAMIServer(time_scale=0) as again:
        assert again.port > 0


def test_async_context_manager_and_concurrent_clients() -> None:
    async def client(address: tuple[str, int], n: int) -> int:
        reader, writer = await asyncio.open_connection(*address)
        conn = AMIConnection(Role.CLIENT)
        writer.write(Action.make("Login", Username="admin", Secret="secret",
                                 Events="off").to_bytes())
        for i in range(n):
            writer.write(Action.make("Ping", ActionID=str(i)).to_bytes())
        writer.write(Action.make("Logoff").to_bytes())
        pongs = 0
        done = False
        while not done:
            data = await reader.read(65536)
            for m in conn.receive(data):
                if isinstance(m, Response) and m.get("Ping") == "Pong":
                    pongs += 1
                if isinstance(m, ConnectionClosed):
                    done = True
        writer.close()
        return pongs

    async def main() -> list[int]:
        async with FakeAMIServer(time_scale=0) as server:
            assert server.running
            results = await asyncio.gather(*(client(server.address, 50) for _ in range(20)))
        assert not server.running
        await server.stop()  # idempotent
        return results

    assert asyncio.run(asyncio.wait_for(main(), 30)) == [50] * 20


def test_start_twice_and_closed_port() -> None:
    async def main() -> None:
        server = FakeAMIServer()
        await server.start()
        try:
            with pytest.raises(SimulatorError):
                await server.start()
        finally:
            await server.stop()

    asyncio.run(asyncio.wait_for(main(), 10))


def test_auth_timeout_and_authlimit(tmp_path: Path) -> None:
    (tmp_path / "manager.conf").write_text(
        "[general]\nauthlimit = 2\n[admin]\nsecret = s\nread = all\nwrite = all\n")

    async def main() -> None:
        async with FakeAMIServer(tmp_path, auth_timeout=0.2) as server:
            r1, w1 = await asyncio.open_connection(*server.address)
            r2, w2 = await asyncio.open_connection(*server.address)
            assert await asyncio.wait_for(r1.readline(), 5) == b"Asterisk Call Manager/11.0.0\r\n"
            await asyncio.wait_for(r2.readline(), 5)
            r3, w3 = await asyncio.open_connection(*server.address)
            # Over authlimit: closed before the banner.
            assert await asyncio.wait_for(r3.read(), 5) == b""
            # Unauthenticated sessions are dropped after authtimeout.
            assert await asyncio.wait_for(r1.read(), 5) == b""
            for w in (w1, w2, w3):
                w.close()

    asyncio.run(asyncio.wait_for(main(), 20))


def test_slow_reader_is_dropped() -> None:
    async def main() -> None:
        async with FakeAMIServer(time_scale=0, max_write_buffer=200_000) as server:
            reader, writer = await asyncio.open_connection(*server.address)
            writer.write(Action.make("Login", Username="admin", Secret="secret").to_bytes())
            await writer.drain()
            await asyncio.wait_for(reader.readuntil(b"Fully Booted"), 5)
            session = server.sessions[0]
            big = "x" * 900
            for i in range(20_000):
                server.emit_event("UserEvent", UserEvent=str(i), Body=big)
                if session.closed:
                    break
                if i % 100 == 0:
                    await asyncio.sleep(0)
            assert session.closed
            assert any("stopped reading" in p for p in server.problems)
            writer.close()

    asyncio.run(asyncio.wait_for(main(), 30))


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_cli_serves_until_interrupted(tmp_path: Path, shared_dir: Path, loop: str) -> None:
    if loop == "uvloop":
        pytest.importorskip("uvloop", reason="uvloop is not built for this platform")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyst_sim.ami_cli", "--port", "0", "--time-scale", "0",
         "--config-dir", str(shared_dir / "captures" / "config"), "--user", "bob:b",
         "--loop", loop],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        port = int(line.strip().rsplit(":", 1)[1])
        client = SyncClient(("127.0.0.1", port))
        client.next()
        assert client.ask("Login", Username="bob", Secret="b", Events="off")["Response"] == (
            "Success")
        version = client.ask("Command", Command="core show version")
        assert version.output[0].startswith("Asterisk 22.10.1")
        client.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_cli_reports_problems_and_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pyst_sim import ami_cli

    assert ami_cli.main(["--user", "nocolon"]) == 2
    with pytest.raises(SystemExit):
        ami_cli.main(["--loop", "trio"])  # argparse: not one of the choices
    bad = tmp_path / "manager.conf"
    bad.write_text("[general\n")
    assert ami_cli.main(["--config-dir", str(tmp_path)]) == 2
    # A mistyped folder is an error, not a server with the default users.
    missing = tmp_path / "no-such-dir"
    assert ami_cli.main(["--config-dir", str(missing)]) == 2
    assert f"config directory '{missing}' does not exist" in capsys.readouterr().err
    assert ami_cli.main(["--config-dir", str(bad)]) == 2
    assert f"config directory '{bad}' is not a directory" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match="does not exist"):
        FakeAMIServer(missing)
    assert ami_cli.main(["--cassette", str(tmp_path / "none.yaml")]) == 2
    assert f"cassette {tmp_path / 'none.yaml'} does not exist" in capsys.readouterr().err

    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyst_sim.ami_cli", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip().rsplit(":", 1)[1])
        client = SyncClient(("127.0.0.1", port))
        client.next()
        client.ask("Login", Username="admin", Secret="secret", Events="off")
        assert "not emulated" in client.ask("AOCMessage", Channel="x", MsgType="D")["Message"]
        client.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 1
        assert proc.stderr is not None
        assert "AOCMessage" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_cli_cassette_and_scenario(tmp_path: Path, shared_dir: Path) -> None:
    from pyst_sim import ami_cli

    parser = __import__("argparse").ArgumentParser()
    ami_cli.add_arguments(parser)
    capture = shared_dir / "captures" / "b1_ping_coresettings_corestatus.jsonl"
    args = parser.parse_args(["--cassette", str(capture), "--port", "0"])
    server = ami_cli._build(args)
    assert server.responders and server.banner.version == "11.0.0"
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "pyst-scenario: 1\n"
        "name: cli\n"
        "ami:\n"
        "  - name: ping\n"
        "    program: {command: 'true'}\n"
        "    users: [{username: u, secret: p}]\n"
        "    expect:\n"
        "      actions:\n"
        "        - action: Ping\n"
        "          respond: {Response: Success, Ping: Scripted}\n"
    )
    args = parser.parse_args(["--scenario", str(scenario), "--port", "0"])
    server = ami_cli._build(args)
    assert server.pbx.user("u") is not None
    assert [e.name for e in server.expectations] == ["Ping"]

    async def main() -> Response:
        async with server:
            reader, writer = await asyncio.open_connection(*server.address)
            writer.write(Action.make("Login", Username="u", Secret="p", Events="off").to_bytes())
            writer.write(Action.make("Ping", ActionID="x").to_bytes())
            conn = AMIConnection(Role.CLIENT)
            replies: list[Response] = []
            while len(replies) < 2:
                replies += [m for m in conn.receive(await reader.read(65536))
                            if isinstance(m, Response)]
            writer.close()
            return replies[1]

    ping = asyncio.run(asyncio.wait_for(main(), 10))
    assert ping["Ping"] == "Scripted" and ping["ActionID"] == "x"


def test_fastagi_session_from_the_dialplan(tmp_path: Path) -> None:
    from pyst_sim.ami.agi_bridge import FastAGIRunner

    (tmp_path / "extensions.conf").write_text(
        "[agi]\nexten => s,1,Answer()\n same => n,AGI(agi://fastagi.example:4573/x,a1)\n"
        " same => n,NoOp(after ${X})\n same => n,Hangup()\n"
        "[other]\nexten => 7,1,NoOp(jumped)\n same => n,Hangup()\n")
    seen: list[bytes] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        env = b""
        while b"\n\n" not in env:
            env += await reader.read(65536)
        seen.append(env)
        for command in (b"SET VARIABLE X 1\n", b"GET VARIABLE X\n", b"SET CONTEXT other\n",
                        b"SET EXTENSION 7\n", b"SET PRIORITY 1\n"):
            writer.write(command)
            seen.append(await reader.readline())
        writer.write_eof()
        await reader.read()
        writer.close()

    async def main() -> list[str]:
        agi_server = await asyncio.start_server(script, "127.0.0.1", 0)
        port = agi_server.sockets[0].getsockname()[1]
        async with FakeAMIServer(tmp_path, time_scale=0) as server:
            server.pbx.agi_runner = FastAGIRunner(
                lambda host, p: ("127.0.0.1", port) if host == "fastagi.example" else (host, p))
            reader, writer = await asyncio.open_connection(*server.address)
            conn = AMIConnection(Role.CLIENT)
            writer.write(Action.make("Login", Username="admin", Secret="secret").to_bytes())
            writer.write(Action.make("Originate", Channel="Local/s@agi", Application="Echo",
                                     Async="1").to_bytes())
            events: list[Event] = []
            while not any(e.name == "Hangup" for e in events):
                events += [m for m in conn.receive(await asyncio.wait_for(reader.read(65536), 5))
                           if isinstance(m, Event)]
            writer.close()
        agi_server.close()
        return [f"{e.name}:{e.get('Application') or e.get('Command') or e.get('Variable')}"
                + (f"@{e['Context']}" if e.name == "Newexten" else "")
                for e in events if e.name in ("Newexten", "AGIExecEnd", "VarSet")]

    names = asyncio.run(asyncio.wait_for(main(), 20))
    assert b"agi_arg_1: a1\n" in seen[0] and seen[2] == b"200 result=1 (1)\n"
    assert "AGIExecEnd:SET VARIABLE X 1" in names and "VarSet:AGISTATUS" in names
    # SET CONTEXT/EXTENSION/PRIORITY: the dialplan goes on at other,7,1 after the AGI.
    assert names[-2:] == ["Newexten:NoOp@other", "Newexten:Hangup@other"]
