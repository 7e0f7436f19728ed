"""The call model: generated identity, the environment block, the sound library, the
applications EXEC runs, and the call record with its assertion helpers."""

from __future__ import annotations

from typing import Any

import pytest

from pyst.config.dialplan import Dialplan
from pyst_sim.agi import (
    ApplicationTable,
    AppResult,
    Caller,
    Channel,
    ChannelState,
    InMemoryCall,
    Notice,
    Press,
    SoundLibrary,
    SpeechEngine,
    SpeechResult,
    dial_outcome,
    options_from_env,
)
from pyst_sim.agi.applications import parse_app_args
from pyst_sim.errors import ExpectationError


def test_generated_identity_is_reproducible() -> None:
    first, second, other = (InMemoryCall(seed=s).env for s in (7, 7, 8))
    assert first == second
    assert first != other
    assert first["agi_channel"].startswith("PJSIP/1")
    assert first["agi_type"] == "PJSIP"
    assert first["agi_callerid"].startswith("555") and len(first["agi_callerid"]) == 10
    assert " " in first["agi_calleridname"]
    with pytest.raises(ValueError, match="locale"):
        Channel(seed=1, locale="xx_NOPE")


def test_environment_block_order_and_values() -> None:
    call = InMemoryCall(
        request="agi://10.0.0.1:4573/ivr?lang=fr", args=["a1", "a 2"], name="PJSIP/7-00000001",
        uniqueid="99.1", caller=Caller(callerid="", name=""), threadid=42, context="c",
        extension="100", priority=3, dnid="100", accountcode="acc", language="fr",
    )
    text = call.env.to_text()
    assert text == (
        "agi_network: yes\nagi_network_script: ivr?lang=fr\n"
        "agi_request: agi://10.0.0.1:4573/ivr?lang=fr\nagi_channel: PJSIP/7-00000001\n"
        "agi_language: fr\nagi_type: PJSIP\nagi_uniqueid: 99.1\nagi_version: 22.10.1\n"
        "agi_callerid: unknown\nagi_calleridname: unknown\nagi_callingpres: 0\n"
        "agi_callingani2: 0\nagi_callington: 0\nagi_callingtns: 0\nagi_dnid: 100\n"
        "agi_rdnis: unknown\nagi_context: c\nagi_extension: 100\nagi_priority: 3\n"
        "agi_enhanced: 0.0\nagi_accountcode: acc\nagi_threadid: 42\nagi_arg_1: a1\n"
        "agi_arg_2: a 2\n\n"
    )
    classic = InMemoryCall(seed=1, request="/var/lib/asterisk/agi-bin/x.py", network=False)
    assert "agi_network" not in classic.env


def test_options_from_env_round_trip() -> None:
    env = InMemoryCall(seed=3, dnid="123").env
    again = InMemoryCall(request=env["agi_request"], **options_from_env(env)).env
    assert again == env


def test_channel_argument_checks() -> None:
    with pytest.raises(TypeError):
        Channel(priority="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Channel(max_duration=-1)
    with pytest.raises(TypeError):
        Channel(channels=[3])
    chan = Channel(seed=1, channels={"Local/a;1": 6}, state=ChannelState.UP)
    assert chan.find_channel("local/A;1") is not None
    assert chan.state_name == "Up"
    chan.state = 42
    assert chan.state_name == "Unknown"
    assert "Channel" in repr(chan)


def test_sound_library() -> None:
    lib = SoundLibrary({"menu": 2.5}, strict=True, default_length=4)
    assert lib.exists("menu") and lib.exists("beep") and lib.exists("digits/5")
    assert not lib.exists("other")
    assert lib.length("other") == 4 and lib.samples("menu") == 20000
    assert lib.length("letters/a") == pytest.approx(0.3)
    lib.add("recorded", 1.0)
    assert lib.exists("recorded") and lib.known()["recorded"] == 1.0
    assert not SoundLibrary(strict=True, core_sounds=False).exists("beep")
    assert SoundLibrary().exists("anything")
    assert "strict" in repr(lib)
    with pytest.raises(ValueError):
        SoundLibrary({"x": -1})
    with pytest.raises(TypeError):
        SoundLibrary({"x": "long"})  # type: ignore[dict-item]


# --- applications ----------------------------------------------------------------------------


def exec_lines(lines: list[str], **options: Any) -> tuple[list[str], InMemoryCall]:
    call = InMemoryCall(seed=2, **options)
    replies = []
    for line in lines:
        reply = call.send(line)
        replies.append(reply.raw.rstrip("\n") if reply else "")
    return replies, call


def test_builtin_applications() -> None:
    plan = Dialplan.from_text("[ivr]\nexten => s,1,NoOp()\n same => n(menu),NoOp()\n")
    replies, call = exec_lines(
        ['EXEC Playback "hello&missing"', "EXEC MSet A=1,B=2", "EXEC Verbose 2,hi",
         "EXEC Log NOTICE,x", "EXEC Answer", "EXEC Goto menu", "EXEC GotoIf 0?a,1:b,s,1",
         "EXEC SayDigits 12", "EXEC SayNumber 7", "EXEC SayNumber x", "EXEC Progress",
         "EXEC Wait x", "EXEC Goto ivr,s,nolabel", "EXEC Goto", "EXEC GotoIf bad",
         "EXEC GotoIf 1?", "EXEC Set nothing"],
        sounds=SoundLibrary({"hello": 1.0}, strict=True), dialplan=plan, context="ivr",
    )
    assert replies == ["200 result=0"] * 12 + ["200 result=-1"] * 3 + ["200 result=0"] * 2
    record = call.close()
    assert record.variables["PLAYBACKSTATUS"] == "FAILED"
    assert (record.variables["A"], record.variables["B"]) == ("1", "2")
    assert record.verbose == [(2, "hi")]
    assert record.final_state == ChannelState.UP
    assert tuple(record.exit_point) == ("b", "s", 1)
    assert record.prompts_played == ["hello", "digits/1", "digits/2", "digits/7"]


def test_read_application() -> None:
    replies, call = exec_lines(["EXEC Read PIN,enter-pin,4,,1,3", "EXEC Read PIN2,,2,,1,1",
                                "EXEC Read"], caller=Caller(dtmf="4321"))
    assert replies == ["200 result=0"] * 3
    variables = call.close().variables
    assert variables["PIN"] == "4321" and variables["READSTATUS"] == "TIMEOUT"
    assert variables["PIN2"] == ""
    _, call = exec_lines(["EXEC Read PIN,beep,4"], caller=Caller(hangup_at=0.1))
    assert call.close().variables["READSTATUS"] == "HANGUP"


def test_dial_default_and_outcomes() -> None:
    replies, call = exec_lines(["EXEC Dial PJSIP/200,15", "GET VARIABLE DIALSTATUS"])
    assert replies == ["200 result=0", "200 result=1 (NOANSWER)"]
    assert call.channel.clock.now == 15
    replies, call = exec_lines(["EXEC Dial PJSIP/200,15"], caller=Caller(hangup_at=3))
    assert replies == ["200 result=-1"]
    assert call.close().variables["DIALSTATUS"] == "CANCEL"
    answered = dial_outcome("answer", ring=2, talk=10)
    assert answered.hangup and answered.variables["ANSWEREDTIME"] == "10"
    busy = dial_outcome("BUSY")
    replies, call = exec_lines(["EXEC Dial x", "GET VARIABLE DIALSTATUS"],
                               applications={"dial": busy})
    assert replies == ["200 result=0", "200 result=1 (BUSY)"]
    replies, call = exec_lines(["EXEC Dial x", "NOOP"], applications={"Dial": answered})
    assert replies == ["200 result=-1", "200 result=0"]
    assert call.close().duration == 12


def test_scripted_application_sees_the_hangup() -> None:
    replies, _ = exec_lines(["EXEC Long"], applications={"Long": AppResult(duration=10)},
                            caller=Caller(hangup_at=2))
    assert replies == ["200 result=-1"]


def test_custom_application_callable() -> None:
    def transfer(chan: Channel, data: str) -> int:
        chan.set_variable("TARGET", data.upper())
        return 0 if chan.play("ringing").status == "done" else -1

    replies, call = exec_lines(["EXEC Transfer sales"], applications={"Transfer": transfer})
    assert replies == ["200 result=0"]
    assert call.close().variables["TARGET"] == "SALES"


def test_application_table() -> None:
    table = ApplicationTable({"Custom": AppResult(3)}, builtins=False)
    assert "custom" in table and "Wait" not in table and 3 not in table
    assert table.names() == ["Custom"]
    table.set("custom", None)
    assert table.find("Custom") is None
    with pytest.raises(TypeError):
        ApplicationTable({"Bad": 42})
    with pytest.raises(TypeError):
        ApplicationTable({"Bad": []})
    with pytest.raises(ValueError):
        AppResult(duration=-1)
    assert parse_app_args('a,"b,c",d(e,f),g\\,h') == ["a", "b,c", "d(e,f)", "g,h"]


def test_speech_validation() -> None:
    with pytest.raises(ValueError):
        SpeechResult('say "hi"')
    with pytest.raises(ValueError):
        SpeechResult("ok", grammar="two words")
    with pytest.raises(ValueError):
        SpeechEngine(latency=-1)
    engine = SpeechEngine(results=[SpeechResult("a"), [SpeechResult("b"), SpeechResult("c")]])
    assert [r.text for r in engine.next_results()] == ["a"]
    assert [r.text for r in engine.next_results()] == ["b", "c"]
    assert engine.next_results() == []


# --- the record -------------------------------------------------------------------------------


@pytest.fixture
def record() -> Any:
    call = InMemoryCall(seed=4, caller=Caller(dtmf=[Press("1", at=0.2), "42"]),
                        sounds=SoundLibrary({"custom/menu": 1.0}), context="ivr")
    for line in ['STREAM FILE custom/menu "1"', "GET DATA enter 2000 2", "SET VARIABLE X y",
                 "SET CONTEXT done", "FOO", "HANGUP"]:
        call.send(line)
    return call.close()


def test_record_views(record: Any) -> None:
    assert record.commands[0] == 'STREAM FILE custom/menu "1"'
    assert record.replies_to("GET  data") == ["200 result=42"]
    assert record.played("menu") and record.played("custom/menu") and not record.played("x")
    assert record.digits_collected == "142"
    assert record.transcript[0].code == 200 and record.transcript[0].result == "49"
    assert record.transcript[4].code == 510 and record.transcript[4].result is None
    assert record.variables_set == {"X": "y", "PLAYBACKSTATUS": "FAILED"}


def test_record_assertions(record: Any) -> None:
    record.assert_prompts("custom/menu", "enter")
    record.assert_prompts("menu", exact=False)
    record.assert_variable("X", "y")
    record.assert_variable("NOPE", None)
    record.assert_exit("done", "s", 2)
    record.assert_exit("done")
    record.assert_hung_up_by("app")
    record.assert_digits("142")
    small = InMemoryCall(seed=1)
    small.send("ANSWER")
    small.send("GET  VARIABLE x")
    small.close().assert_commands("ANSWER", "get variable")
    failures = [
        lambda: record.assert_prompts("enter"),
        lambda: record.assert_prompts("enter", "custom/menu", exact=False),
        lambda: record.assert_variable("X", "z"),
        lambda: record.assert_exit("ivr"),
        lambda: record.assert_hung_up_by("caller"),
        lambda: record.assert_digits("1"),
        lambda: record.assert_commands("answer"),
    ]
    for failing in failures:
        with pytest.raises(ExpectationError) as info:
            failing()
        assert isinstance(info.value, AssertionError)
    with pytest.raises(ExpectationError, match="unknown: FOO"):
        record.assert_commands("stream file", "get data", "set variable", "set context",
                               "hangup")


def test_record_format(record: Any) -> None:
    text = record.format()
    assert "    0.000  > STREAM FILE custom/menu \"1\"" in text
    assert "    0.200  * dtmf 1" in text
    assert "< 510 Invalid or unknown command" in text
    assert "* notice HANGUP line" in text
    assert text.splitlines()[-1].startswith("-- HANGUP; hung up by app; exit point done,s,2")
    assert "* dtmf" not in record.format(events=False)
    assert str(record) == text


def test_record_format_shows_script_failures() -> None:
    call = InMemoryCall(seed=1, notice=Notice.SIGNAL, exit_code=3)
    call.send("NOOP")
    record = call.close()
    record.stderr = "Traceback: boom"
    record.error = RuntimeError("x")
    text = record.format()
    assert "-- script exit status 3" in text and "Traceback: boom" in text
    assert "RuntimeError" in text
    assert record.agi_status == "FAILURE"  # non-zero exit after a clean end
