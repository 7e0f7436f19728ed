"""Record and replay with the fake AMI server: as the upstream of the recording proxy, and
hosting a cassette through its responder chain (CassetteResponder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pyst.ami.messages import Action, Response
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection
from pyst_sim.ami_server import Close, Delay, FakeAMIServer
from pyst_sim.captures import load_capture
from pyst_sim.cassette import Cassette, load_cassette
from pyst_sim.errors import ExpectationError
from pyst_sim.recorder import RecordingProxy
from pyst_sim.replay import CassetteResponder, ReplayServer
from tests.integration.test_record_replay import Client, md5_key, run, strip_ids


async def fake_flow(address: tuple[str, int], prefix: str) -> dict[str, Any]:
    c = await Client(prefix).connect(address)
    out: dict[str, Any] = {}
    challenge = await c.call(Action.make("Challenge", AuthType="MD5"))
    assert challenge.response is not None
    key = md5_key(challenge.response.get("Challenge") or "", "secret")
    out["login"] = (await c.call(Action.make("Login", AuthType="MD5", Username="admin",
                                             Key=key))).response
    out["setvar"] = (await c.call(Action.make("Setvar", Variable="FOO", Value="bar"))).response
    out["getvar"] = (await c.call(Action.make("Getvar", Variable="FOO"))).response
    db = await c.call(Action.make("DBGet", Family="nofam", Key="nokey"))
    out["dbget"] = db.response
    out["logoff"] = (await c.call(Action.make("Logoff"))).response
    await c.wait_closed()
    c.close()
    return out


def test_record_the_fake_server_with_an_md5_login_then_replay(tmp_path: Path) -> None:
    path = tmp_path / "fake.yaml"

    async def scenario() -> None:
        async with FakeAMIServer(time_scale=0, auth_failure_delay=0) as fake:
            async with RecordingProxy(fake.address, save_to=path) as proxy:
                live = await fake_flow(proxy.address, "live")
            proxy.check()
        assert live["login"].message == "Authentication accepted"
        assert live["getvar"].get("Value") == "bar"
        async with ReplayServer(path) as replay:
            again = await fake_flow(replay.address, "again")
        replay.check(require_all_played=True)
        for key, response in live.items():
            assert strip_ids(again[key]) == strip_ids(response), key
            assert again[key].action_id.startswith("again-")

    run(scenario)
    assert "Key: '***'" in path.read_text()


def _actions(stream: bytes) -> list[Action]:
    return [e for e in AMIConnection(SERVER).receive(stream) if isinstance(e, Action)]


def _responses(stream: bytes) -> list[Response]:
    conn = AMIConnection(CLIENT)
    return [m for m in conn.receive(stream) if isinstance(m, Response)]


def test_the_responder_answers_the_fake_servers_actions_from_a_capture(
    shared_dir: Path,
) -> None:
    capture = load_capture(shared_dir / "captures" / "d1_getvar_setvar.jsonl")
    responder = CassetteResponder(capture.path)

    async def scenario() -> None:
        async with FakeAMIServer(time_scale=0) as fake:
            fake.add_responder(responder)
            c = await Client().connect(fake.address)
            got = []
            for action in _actions(capture.stream("c1", "c2s")):
                if action.name.lower() == "logoff":
                    break
                result = await c.call(action.with_action_id(f"x-{len(got)}"))
                got.append(result.response)
            c.close()
            fake.check()
        want = [r for r in _responses(capture.stream("c1", "s2c"))][: len(got)]
        assert [strip_ids(r) for r in got] == [strip_ids(r) for r in want]
        assert [r.action_id for r in got] == [f"x-{n}" for n in range(len(got))]

    run(scenario)
    responder.check()
    assert responder.banner.version == "11.0.0"


def test_responder_mismatch_and_fallthrough() -> None:
    cassette = Cassette.from_trace(b"Action: Getvar\nVariable: A\n\n"
                                   b"Response: Success\nVariable: A\nValue: recorded\n\n")

    async def scenario(fallthrough: bool) -> tuple[Any, Any, FakeAMIServer]:
        responder = CassetteResponder(cassette, fallthrough=fallthrough)
        async with FakeAMIServer(time_scale=0) as fake:
            fake.add_responder(responder)
            c = await Client().connect(fake.address)
            await c.call(Action.make("Login", Username="admin", Secret="secret"))
            recorded = await c.call(Action.make("Getvar", Variable="A"))
            other = await c.call(Action.make("Getvar", Variable="B"))
            c.close()
        return recorded.response, other.response, fake

    recorded, other, fake = run(lambda: scenario(True))
    assert recorded.get("Value") == "recorded"
    assert not other.is_error  # the built-in emulation answered it
    fake.check()
    recorded, other, fake = run(lambda: scenario(False))
    assert other.is_error and "no recorded action matches" in (other.message or "")
    with pytest.raises(ExpectationError, match="no recorded action matches Action: Getvar"):
        fake.check()


def test_responder_timing_gives_delay_and_close_items(shared_dir: Path) -> None:
    path = shared_dir / "captures" / "a2_login_failure.jsonl"
    timed = CassetteResponder(load_cassette(path), timing=True)
    items = timed.respond(None, Action.make("Login", Username="admin", Secret="x"))
    assert items is not None
    assert [type(i).__name__ for i in items] == ["Delay", "Response", "Delay", "Close"]
    first, _, second, _ = items
    assert isinstance(first, Delay) and first.seconds == pytest.approx(1.0, abs=0.01)
    assert isinstance(second, Delay) and second.seconds < 0.01
    fast = CassetteResponder(path)
    items = fast.respond(None, Action.make("Login", Username="admin", Secret="x"))
    assert items is not None and [type(i) for i in items] == [Response, Close]
    assert "CassetteResponder(Cassette(" in repr(fast)
    assert fast.errors == []
