"""The event loop of the standalone servers (pyst_sim.loops), and the harness on uvloop."""

from __future__ import annotations

import asyncio

import pytest

from pyst.ami.client import AMIClient
from pyst_sim import loops
from pyst_sim.ami_server import FakeAMIServer
from pyst_sim.errors import SimulatorError


def test_resolve_names() -> None:
    assert loops.resolve_loop("asyncio") == "asyncio"
    assert loops.resolve_loop("auto") in ("asyncio", "uvloop")
    with pytest.raises(SimulatorError, match="unknown event loop 'trio'"):
        loops.resolve_loop("trio")
    assert loops.loop_factory("asyncio") is asyncio.new_event_loop


def test_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loops, "_uvloop", lambda: None)  # as on a platform without uvloop
    assert loops.resolve_loop("auto") == "asyncio"
    with pytest.raises(SimulatorError, match="uvloop is not installed"):
        loops.resolve_loop("uvloop")


async def _ping_through_the_fake() -> tuple[str, str, str]:
    async with FakeAMIServer(users={"u": "p"}, port=0, time_scale=0) as server:
        client = AMIClient(*server.address, reconnect=False, ping_interval=None)
        await client.connect()
        try:
            await client.login("u", "p", events=False)
            reply = await client.send_action("Ping")
            # Fan-out reaches a listener too (events written from another session's action).
            await client.send_action("UserEvent", UserEvent="Loop")
        finally:
            await client.close()
        assert reply.response is not None
        response = reply.response
        return type(asyncio.get_running_loop()).__module__, response["Ping"], response["Response"]


@pytest.mark.parametrize("name", ["asyncio", "uvloop"])
def test_fake_and_client_run_on_the_loop(name: str) -> None:
    if name == "uvloop":
        pytest.importorskip("uvloop", reason="uvloop is not built for this platform")
    module, ping, response = loops.run(_ping_through_the_fake(), name)
    assert module.split(".")[0] == name
    assert (ping, response) == ("Pong", "Success")


def test_run_cancels_what_is_left() -> None:
    started = []

    async def main() -> int:
        async def forever() -> None:
            started.append(True)
            await asyncio.Event().wait()

        asyncio.get_running_loop().create_task(forever())
        await asyncio.sleep(0)
        return 7

    assert loops.run(main(), "asyncio") == 7
    assert started == [True]
