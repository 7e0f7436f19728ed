"""The j1 capture (real Asterisk 22.10.1, FastAGI) replayed through the channel simulator.

The call model is set from the capture's own environment block (channel name, unique id,
caller id...), ``answer_delay`` from the capture's ANSWER (0.5 s on a Local channel) and the
sound library is strict with the core prompts (``nonexistent-file`` is missing, ``beep`` and
``digits/*`` exist): then the simulator must write Asterisk's bytes exactly, environment,
every reply, the HANGUP line after the hangup and the second one after the half-close, and
its simulated times must follow the capture's timing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pyst.agi import AGIConnection, AGIEnvironment, Role
from pyst_sim.agi import InMemoryCall, SoundLibrary, options_from_env
from pyst_sim.agi.channel import Channel
from pyst_sim.agi.engine import AGIEngine, CloseConnection, Notice, SendData
from pyst_sim.captures import Capture, load_capture


@pytest.fixture(scope="module")
def j1(shared_dir: Path) -> Capture:
    return load_capture(shared_dir / "captures" / "j1_fastagi_agi_side.jsonl")


def capture_env(capture: Capture) -> AGIEnvironment:
    script = AGIConnection(Role.SCRIPT)
    script.receive_data(capture.stream("agi", "ast2agi"))
    env = script.next_event()
    assert isinstance(env, AGIEnvironment)
    return env


def j1_channel(capture: Capture) -> tuple[Channel, AGIEnvironment]:
    env = capture_env(capture)
    options: dict[str, Any] = options_from_env(env)
    channel = Channel(**options, sounds=SoundLibrary(strict=True), answer_delay=0.5)
    return channel, env


def replay(capture: Capture, *, bytewise: bool) -> tuple[bytes, list[Any], AGIEngine]:
    channel, env = j1_channel(capture)
    engine = AGIEngine(channel, request=env["agi_request"], args=env.args, notice=Notice.LINE)
    out = bytearray()
    others: list[Any] = []

    def perform(actions: list[Any]) -> None:
        for action in actions:
            if isinstance(action, SendData):
                out.extend(action.data)
            else:
                others.append(action)

    perform(engine.start())
    for chunk in capture.chunks("agi", "agi2ast"):
        pieces = [chunk[i : i + 1] for i in range(len(chunk))] if bytewise else [chunk]
        for piece in pieces:
            engine.receive_data(piece)
            perform(engine.step())
    engine.receive_data(b"")  # the capture tool's half-close
    perform(engine.step())
    engine.finalize()
    return bytes(out), others, engine


@pytest.mark.parametrize("bytewise", [False, True], ids=["chunks", "bytewise"])
def test_replies_are_asterisks_bytes(j1: Capture, bytewise: bool) -> None:
    out, others, engine = replay(j1, bytewise=bytewise)
    expected = j1.stream("agi", "ast2agi")
    assert out == expected
    # After the final HANGUP Asterisk closed the socket.
    assert others == [CloseConnection()]
    assert engine.finished


def test_final_state_matches_the_ami_side(j1: Capture) -> None:
    # The AMI side of the same run shows AGISTATUS=FAILURE (STREAM FILE of a missing file
    # and RECEIVE CHAR's "-1 (hangup)" are handler failures) and PLAYBACKSTATUS=SUCCESS.
    _, _, engine = replay(j1, bytewise=False)
    record = engine.channel.record
    assert record.agi_status == "FAILURE"
    assert record.variables["AGISTATUS"] == "FAILURE"
    assert record.variables["PLAYBACKSTATUS"] == "SUCCESS"
    assert record.variables["FOO"] == "bar"
    assert record.hung_up_by == "app"
    assert tuple(record.exit_point) == ("agi-after", "1000", 1)
    assert record.prompts_played == ["beep", "beep", "digits/1", "digits/2", "digits/3",
                                     "digits/40", "digits/2"]
    kinds = [e.kind for e in record.events if e.kind == "notice"]
    assert kinds == ["notice", "notice"]


def _command_times(capture: Capture) -> list[tuple[str, float]]:
    """(command line, seconds until Asterisk's reply) for every command of the capture."""
    records = [r for r in capture.records if r.type == "data" and r.conn == "agi"]
    out: list[tuple[str, float]] = []
    for index, record in enumerate(records):
        if record.dir != "agi2ast":
            continue
        reply = next(r for r in records[index + 1 :] if r.dir == "ast2agi")
        out.append((record.data.decode().rstrip("\n"), reply.t - record.t))
    return out


def test_simulated_times_follow_the_capture(j1: Capture) -> None:
    _, _, engine = replay(j1, bytewise=False)
    transcript = engine.channel.record.transcript
    real = _command_times(j1)
    assert [line for line, _ in real] == [entry.command for entry in transcript]
    for (line, seconds), entry in zip(real, transcript, strict=True):
        simulated = entry.end - entry.t
        if line == "SAY DIGITS":
            continue  # Asterisk took 43 ms to build the XML usage text
        assert simulated == pytest.approx(seconds, abs=0.01), line


def test_the_capture_through_a_script_session(j1: Capture) -> None:
    # The same commands through InMemoryCall (the SCRIPT-role core parses each reply).
    channel_env = capture_env(j1)
    call = InMemoryCall(
        **options_from_env(channel_env), request=channel_env["agi_request"],
        args=channel_env.args, sounds=SoundLibrary(strict=True),
    )
    assert call.env == channel_env
    replies = []
    for chunk in j1.chunks("agi", "agi2ast"):
        reply = call.send(chunk.decode().rstrip("\n"))
        assert reply is not None
        replies.append(reply.raw)
    record = call.close()
    expected_stream = j1.stream("agi", "ast2agi").decode()
    assert "".join(replies) == expected_stream[len(channel_env.to_text()):].replace(
        "HANGUP\n", ""
    )
    assert call.hangup_lines == 2
    assert record.agi_status == "FAILURE"
