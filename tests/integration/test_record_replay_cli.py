"""``pyst-sim record`` / ``pyst-sim replay`` as real subprocesses (python -m pyst_sim.*_cli).

Each process prints ``listening on HOST:PORT`` when ready; the test reads that line (bounded),
talks AMI to it, then stops it with SIGINT/SIGTERM and checks the exit status and output.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest
import yaml

from pyst.ami.messages import Action
from pyst_sim import record_cli, replay_cli
from pyst_sim.cassette import MASK, load_cassette
from tests.integration.test_record_replay import (
    Client,
    TinyAsterisk,
    bounded,
    run,
    session_script,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class Proc:
    """A CLI subprocess, started and read with bounded waits."""

    def __init__(self, module: str, *args: str) -> None:
        self.argv = [sys.executable, "-m", module, *args]
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> tuple[str, int]:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        assert self.proc.stdout is not None
        line = (await bounded(self.proc.stdout.readline(), 20)).decode()
        match = re.fullmatch(r"listening on (\S+):(\d+)\n", line)
        if match is None:
            err = await bounded(self.proc.stderr.read(), 20) if self.proc.stderr else b""
            raise AssertionError(f"no 'listening on' line: {line!r} {err!r}")
        return match.group(1), int(match.group(2))

    async def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        assert self.proc is not None
        self.proc.send_signal(sig)
        out, err = await bounded(self.proc.communicate(), 20)
        return self.proc.returncode or 0, out.decode(), err.decode()

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()


def test_record_cli_writes_a_masked_cassette_that_replay_cli_serves(tmp_path: Path) -> None:
    path = tmp_path / "rec.yaml"

    async def scenario() -> None:
        async with TinyAsterisk() as pbx:
            recorder = Proc("pyst_sim.record_cli", "--listen", "127.0.0.1:0", "--upstream",
                            f"127.0.0.1:{pbx.address[1]}", "--out", str(path))
            try:
                address = await recorder.start()
                live = await session_script(address, "a")
                status, out, err = await recorder.stop(signal.SIGTERM)
            finally:
                recorder.kill()
        assert status == 0, err
        assert f"recording 127.0.0.1:{pbx.address[1]} to {path}" in out
        assert "recorded 1 session(s), 7 action(s)" in out
        text = path.read_text()
        assert "Key: '***'" in text or f"Key: {MASK!r}" in text
        replayer = Proc("pyst_sim.replay_cli", str(path), "--listen", "127.0.0.1:0",
                        "--require-all-played")
        try:
            address = await replayer.start()
            again = await session_script(address, "b")
            status, out, err = await replayer.stop()
        finally:
            replayer.kill()
        assert status == 0, err
        assert "replaying 7 action(s)" in out
        assert again["ping"].get("Timestamp") == live["ping"].get("Timestamp")

    run(scenario, timeout=60)


def test_replay_cli_reports_mismatches_at_exit(shared_dir: Path) -> None:
    capture = shared_dir / "captures" / "b1_ping_coresettings_corestatus.jsonl"

    async def scenario() -> None:
        proc = Proc("pyst_sim.replay_cli", str(capture), "--listen", "127.0.0.1:0",
                    "--speed", "100")
        try:
            address = await proc.start()
            c = await Client().connect(address)
            login = await c.call(Action.make("Login", Username="admin", Secret="x",
                                             Events="off"))
            assert login.response is not None and not login.response.is_error
            bad = await c.call(Action.make("Reload"))
            assert bad.response is not None and bad.response.is_error
            c.close()
            status, _, err = await proc.stop()
        finally:
            proc.kill()
        assert status == 1
        assert "no recorded action matches Action: Reload" in err
        assert "closest recorded: Action:" in err

    run(scenario, timeout=60)


def test_replay_cli_record_mode_once(tmp_path: Path) -> None:
    path = tmp_path / "once.yaml"

    async def scenario() -> None:
        async with TinyAsterisk() as pbx:
            proc = Proc("pyst_sim.replay_cli", str(path), "--listen", "127.0.0.1:0",
                        "--record-mode", "once", "--upstream", f"127.0.0.1:{pbx.address[1]}",
                        "--no-mask")
            try:
                address = await proc.start()
                c = await Client().connect(address)
                await c.call(Action.make("Login", Username="admin", Secret="secret"))
                c.close()
                status, out, err = await proc.stop()
            finally:
                proc.kill()
        assert status == 0, err
        assert "recording from" in out
        data = yaml.safe_load(path.read_text())
        assert {"Secret": "secret"} in data["sessions"][0]["interactions"][0]["action"]

    run(scenario, timeout=60)


def test_cli_setup_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert replay_cli.main([str(tmp_path / "missing.yaml"), "--listen", "127.0.0.1:0"]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 7\nsessions: []\n")
    assert replay_cli.main([str(bad), "--listen", "127.0.0.1:0"]) == 2
    assert "newer than this pyst-sim reads" in capsys.readouterr().err
    assert replay_cli.main([str(bad), "--listen", "127.0.0.1:99999"]) == 2
    assert "port out of range" in capsys.readouterr().err
    assert record_cli.main(["--upstream", "x:notaport", "--out", str(tmp_path / "o.yaml")]) == 2
    assert "bad port" in capsys.readouterr().err
    assert not (tmp_path / "o.yaml").exists()


def test_cli_modules_have_the_subcommand_interface() -> None:
    import argparse

    for module in (record_cli, replay_cli):
        parser = argparse.ArgumentParser()
        module.add_arguments(parser)
        assert callable(module.run)
    parser = argparse.ArgumentParser()
    replay_cli.add_arguments(parser)
    args = parser.parse_args(["x.yaml", "--realtime", "--ignore-header", "Timestamp",
                              "--match-on", "action"])
    assert args.realtime and args.ignore_header == ["Timestamp"]
    assert record_cli.mask_from_args(argparse.Namespace(no_mask=True, mask=None)) is None
    assert record_cli.mask_from_args(argparse.Namespace(no_mask=False, mask=["Login:Key"])) == (
        "Login:Key",)


def test_record_cli_append_adds_sessions(tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"

    async def one_session(extra: tuple[str, ...]) -> None:
        async with TinyAsterisk() as pbx:
            proc = Proc("pyst_sim.record_cli", "--upstream", f"127.0.0.1:{pbx.address[1]}",
                        "--out", str(path), *extra)
            try:
                address = await proc.start()
                c = await Client().connect(address)
                await c.call(Action.make("Login", Username="admin", Secret="secret"))
                c.close()
                status, _, err = await proc.stop()
            finally:
                proc.kill()
            assert status == 0, err

    run(lambda: one_session(()), timeout=60)
    run(lambda: one_session(("--append",)), timeout=60)
    assert len(load_cassette(path).sessions) == 2
