"""pyst.fastagi's event-loop choice: ``new_event_loop``, ``run`` and ``--loop``; the server on
uvloop (an optional dependency: those tests skip without it)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pyst.agi import AGI
from pyst.agi.aio import AsyncAGI
from pyst.fastagi import LOOPS, FastAGIServer, main, new_event_loop
from tests.integration._stderr import wait_for_stderr
from tests.integration.test_fastagi import REPO, AsteriskCall


def test_new_event_loop_asyncio() -> None:
    loop = new_event_loop("asyncio")
    try:
        assert isinstance(loop, asyncio.BaseEventLoop)
        assert type(loop).__module__.startswith("asyncio")
    finally:
        loop.close()


def test_new_event_loop_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="tokio"):
        new_event_loop("tokio")
    assert LOOPS == ("auto", "asyncio", "uvloop")


def test_without_uvloop_auto_falls_back_and_uvloop_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # what an absent package looks like
    loop = new_event_loop("auto")
    try:
        assert type(loop).__module__.startswith("asyncio")
    finally:
        loop.close()
    with pytest.raises(ImportError):
        new_event_loop("uvloop")


def test_main_rejects_an_unknown_loop(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["some_app:server", "--loop", "tokio"])
    assert "--loop" in capsys.readouterr().err


def test_auto_and_uvloop_give_uvloop_when_installed() -> None:
    uvloop = pytest.importorskip("uvloop")
    for kind in ("auto", "uvloop"):
        loop = new_event_loop(kind)
        try:
            assert isinstance(loop, uvloop.Loop)
        finally:
            loop.close()


def test_async_and_blocking_handlers_on_uvloop() -> None:
    """uvloop's transports are not asyncio.Transport subclasses; the server must not care.
    A blocking handler also exercises call_soon_threadsafe from its worker thread."""
    pytest.importorskip("uvloop")
    server = FastAGIServer(port=0)

    @server.route("ivr")
    async def ivr(agi: AsyncAGI) -> None:
        await agi.answer()
        assert await agi.get_variable("LANG") == "fr"
        await agi.stream_file("welcome")

    @server.route("legacy")
    def legacy(agi: AGI) -> None:
        agi.answer()
        agi.verbose("blocking")

    async def scenario() -> tuple[AsteriskCall, AsteriskCall]:
        async with server:
            call = AsteriskCall(server.port, "ivr")
            call.variables["LANG"] = "fr"
            return await asyncio.gather(call.run(), AsteriskCall(server.port, "legacy").run())

    loop = new_event_loop("uvloop")
    try:
        ivr_call, legacy_call = loop.run_until_complete(asyncio.wait_for(scenario(), 20))
    finally:
        loop.close()
    assert ivr_call.commands == ["ANSWER", "GET VARIABLE LANG", 'STREAM FILE welcome ""']
    assert legacy_call.commands == ["ANSWER", "VERBOSE blocking 1"]
    assert ivr_call.script_closed and legacy_call.script_closed
    assert server.stats["finished"] == 2 and server.stats["failed"] == 0


APP = textwrap.dedent('''
    from pyst.fastagi import FastAGIServer

    server = FastAGIServer(port=0)

    @server.route("hello")
    async def hello(agi):
        await agi.answer()
''')


@pytest.mark.parametrize("kind", ["asyncio", "uvloop"])
def test_python_m_pyst_fastagi_loop(kind: str, tmp_path: Path) -> None:
    if kind == "uvloop":
        pytest.importorskip("uvloop")
    (tmp_path / "loop_app.py").write_text(APP)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(tmp_path)]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyst.fastagi", "loop_app:server", "--loop", kind],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
    )
    try:
        found, buffer = wait_for_stderr(proc, rb"on 127\.0\.0\.1:(\d+) with (\w+)\.")
        assert found is not None, buffer
        assert found.group(2).decode() == kind

        async def call() -> AsteriskCall:
            return await AsteriskCall(int(found.group(1)), "hello").run()

        assert asyncio.run(asyncio.wait_for(call(), 20)).commands == ["ANSWER"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
