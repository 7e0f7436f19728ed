"""The caller's behaviour in simulated time: keys at a time, on a prompt, or when asked;
hang-ups; texts; talk into recordings; and how the clock moves."""

from __future__ import annotations

import math

import pytest

from pyst_sim.agi import Caller, Channel, InMemoryCall, Press, SoundLibrary, Text, VirtualClock
from pyst_sim.agi.caller import prompt_matches


def make(**caller: object) -> Channel:
    return Channel(name="a/b", uniqueid="1", threadid=1, seed=0,
                   caller=Caller(callerid="1", name="n", **caller))  # type: ignore[arg-type]


def test_when_asked_keys_go_to_input_commands_not_to_prompts() -> None:
    # "1234" is typed when GET DATA asks, not at the welcome prompt (which allows 1 and 2).
    call = InMemoryCall(seed=0, caller=Caller(dtmf="1234"))
    assert call.send('STREAM FILE welcome "12"').raw == "200 result=0 endpos=8000\n"
    assert call.send("GET DATA enter 5000 4").raw == "200 result=1234\n"
    # key_delay 0.5 s after GET DATA starts, then 0.2 s apart
    times = [e.t for e in call.record.events if e.kind == "dtmf"]
    assert times == pytest.approx([1.5, 1.7, 1.9, 2.1])


def test_patient_caller_waits_for_a_command_that_takes_the_key() -> None:
    call = InMemoryCall(seed=0, caller=Caller(dtmf=[Press("9", delay=0.1), "1"]))
    # GET OPTION "12" asks, but 9 is not an escape digit; WAIT FOR DIGIT takes anything...
    # ...yet the key comes only after the prompt: GET OPTION reads it in its wait and turns a
    # non-escape key into 0.
    assert call.send("GET OPTION beep 12 1000").raw == "200 result=0 endpos=2000\n"
    assert call.send("WAIT FOR DIGIT 1000").raw == "200 result=49\n"


def test_timed_keys_are_queued_until_someone_reads() -> None:
    call = InMemoryCall(seed=0, caller=Caller(dtmf=[Press("5", at=1.0)]))
    assert call.send("EXEC Wait 2").raw == "200 result=0\n"  # Wait does not read keys
    assert call.send("WAIT FOR DIGIT 1000").raw == "200 result=53\n"
    assert call.channel.clock.now == 2.0  # the queued key was there at once


def test_on_prompt_presses_arm_on_each_play() -> None:
    caller = Caller(dtmf=[Press("1", on_prompt="menu", delay=0.5),
                          Press("2", on_prompt="menu", delay=0.2)])
    call = InMemoryCall(seed=0, caller=caller, sounds=SoundLibrary({"custom/menu": 3.0}))
    assert call.send('STREAM FILE custom/menu "12"').raw == "200 result=49 endpos=4000\n"
    assert call.send('STREAM FILE custom/menu "12"').raw == "200 result=50 endpos=1600\n"
    assert call.send('STREAM FILE custom/menu "12"').raw == "200 result=0 endpos=24000\n"


def test_hangup_on_prompt_and_at_time() -> None:
    call = InMemoryCall(seed=0, caller=Caller(hangup_on_prompt="goodbye", hangup_delay=0.3))
    assert call.send('STREAM FILE hello ""').raw == "200 result=0 endpos=8000\n"
    assert call.send('STREAM FILE goodbye ""').raw == "200 result=-1 endpos=2400\n"
    assert call.hangup_lines == 1
    record = call.close()
    assert record.hung_up_by == "caller"
    assert record.duration == pytest.approx(1.3)
    # A hangup between commands is noticed after the command that passed its time.
    call = InMemoryCall(seed=0, caller=Caller(hangup_at=0.5))
    assert call.send("NOOP").raw == "200 result=0\n"
    assert call.send("EXEC Wait 1").raw == "200 result=-1\n"
    assert call.hangup_lines == 1


def test_caller_gone_before_the_agi_starts_runs_in_dead_mode() -> None:
    call = InMemoryCall(seed=0, caller=Caller(hangup_at=0))
    assert call.send("ANSWER").code == 511  # type: ignore[union-attr]
    assert call.send("NOOP").raw == "200 result=0\n"
    assert call.hangup_lines == 0  # no notice at the start (run_agi starts with dead=1)
    record = call.close()
    assert call.hangup_lines == 1
    assert record.agi_status == "SUCCESS"


def test_max_duration_ends_endless_waits() -> None:
    call = InMemoryCall(seed=0, max_duration=60)
    assert call.send("WAIT FOR DIGIT -1").raw == "200 result=-1\n"
    assert call.channel.clock.now == 60
    assert call.close().hung_up_by == "caller"


def test_texts_when_asked_and_timed() -> None:
    call = InMemoryCall(seed=0, caller=Caller(texts=["first", Text("later", at=10)]))
    assert call.send("RECEIVE TEXT 2000").raw == "200 result=1 (first)\n"
    assert call.send("RECEIVE TEXT 2000").raw == "200 result=-1\n"
    assert call.send("RECEIVE TEXT 20000").raw == "200 result=1 (later)\n"
    assert call.channel.clock.now == 10


def test_talk_lengths_repeat_the_last() -> None:
    call = InMemoryCall(seed=0, caller=Caller(talk=[1.0, 2.0]))
    ends = [call.send(f"RECORD FILE r{i} wav # -1 s=1").raw for i in range(3)]  # type: ignore[union-attr]
    assert ends == [
        "200 result=0 (timeout) endpos=16000\n",
        "200 result=0 (timeout) endpos=24000\n",
        "200 result=0 (timeout) endpos=24000\n",
    ]


def test_unused_keys_are_reported() -> None:
    call = InMemoryCall(seed=0, caller=Caller(dtmf=["12", Press("3", at=99),
                                                    Press("4", on_prompt="never")]))
    call.send("WAIT FOR DIGIT 1000")
    # timed keys first, then keys "when asked", then keys waiting for a prompt
    assert call.close().unused_dtmf == "324"


def test_press_validation() -> None:
    with pytest.raises(ValueError, match="not a DTMF key"):
        Press("1x")
    with pytest.raises(ValueError, match="at least one"):
        Press("")
    with pytest.raises(ValueError, match="not both"):
        Press("1", at=1, on_prompt="x")
    with pytest.raises(ValueError, match=">= 0"):
        Press("1", at=-1)
    with pytest.raises(TypeError):
        Press("1", delay="soon")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Caller(dtmf=[1])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        Caller(talk=[])
    with pytest.raises(ValueError):
        Caller(hangup_at=math.inf)
    with pytest.raises(TypeError):
        Caller(texts=[3])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        Text(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="newline"):
        Caller(texts=["two\nlines"])


def test_prompt_matching() -> None:
    assert prompt_matches("menu", "menu")
    assert prompt_matches("menu", "custom/menu")
    assert not prompt_matches("menu", "submenu")


def test_clock() -> None:
    clock = VirtualClock(epoch=100.0)
    clock.advance(1.5)
    clock.advance_to(2.0)
    assert (clock.now, clock.unix_time, clock.epoch) == (2.0, 102.0, 100.0)
    assert "2.000" in repr(clock)
    with pytest.raises(ValueError):
        clock.advance_to(1.0)
    with pytest.raises(ValueError):
        clock.advance(math.nan)
    with pytest.raises(ValueError):
        VirtualClock(math.inf)


def test_wait_primitives() -> None:
    chan = make(dtmf=[Press("1", at=0.5), Press("2", at=0.6)])
    wake = chan.wait_event(1.0, accept=frozenset("2"))
    assert (wake.kind, wake.at, wake.value) == ("digit", 0.6, "2")
    assert [e.kind for e in chan.record.events] == ["dtmf-ignored", "dtmf"]
    assert chan.wait_event(0).kind == "timeout"
    assert chan.sleep(1.0) is True
    chan.hangup("app")
    assert chan.wait_event(5).kind == "hangup"
    assert chan.play("beep").status == "hangup"
    assert chan.answer() == -1
