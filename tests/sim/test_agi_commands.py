"""All 47 AGI commands answered as Asterisk 22.10.1 answers them: the success path of each,
the usage (520) and dead-channel (511) paths from the command table, and the quirks the
source and the j1 capture show.

Calls run in memory (:class:`~pyst_sim.agi.InMemoryCall`): the script side is the AGI core in
the SCRIPT role, so every reply is parsed as a script would parse it.
"""

from __future__ import annotations

from typing import Any

import pytest

from pyst.agi import COMMANDS, find_command, split_args
from pyst.agi.messages import DEAD_CHANNEL_TEXT, USAGE_FOLLOWS_TEXT
from pyst.config.dialplan import Dialplan
from pyst_sim.agi import (
    USAGE,
    AppResult,
    Caller,
    InMemoryCall,
    Press,
    SoundLibrary,
    SpeechEngine,
    Text,
)
from pyst_sim.agi.usage import CAPTURED_USAGE, generated_usage
from pyst_sim.errors import SimulatorError
from pyst_sim.state import AstDB


def run(lines: list[str], **options: Any) -> tuple[list[str], InMemoryCall]:
    """Send ``lines``; the raw text of each final reply ("" if none)."""
    options.setdefault("seed", 1)
    call = InMemoryCall(**options)
    replies = []
    for line in lines:
        reply = call.send(line)
        replies.append(reply.raw.rstrip("\n") if reply is not None else "")
    return replies, call


def last(lines: list[str], **options: Any) -> str:
    return run(lines, **options)[0][-1]


# One success case per command: (command lines, expected reply to the last one, options).
SUCCESS: dict[str, tuple[list[str], str, dict[str, Any]]] = {
    "answer": (["ANSWER", "ANSWER"], "200 result=0", {}),
    "asyncagi break": (["ASYNCAGI BREAK"], "200 result=0", {}),
    "channel status": (["CHANNEL STATUS"], "200 result=4", {}),
    "control stream file": (['CONTROL STREAM FILE beep ""'], "200 result=0 endpos=-1", {}),
    "database del": (["DATABASE DEL fam key"], "200 result=1",
                     {"astdb": AstDB({"/fam/key": "v"})}),
    "database deltree": (["DATABASE DELTREE fam"], "200 result=0",
                         {"astdb": AstDB({"/fam/a": "1", "/fam/b/c": "2"})}),
    "database get": (["DATABASE GET fam key"], "200 result=1 (v a l)",
                     {"astdb": AstDB({"/fam/key": "v a l"})}),
    "database put": (["DATABASE PUT fam key value"], "200 result=1", {}),
    "exec": (["EXEC Set FOO=bar"], "200 result=0", {}),
    "get data": (["GET DATA beep 500 4"], "200 result= (timeout)", {}),
    "get full variable": (['GET FULL VARIABLE "${CALLERID(num)}-${LEN(abc)}"'],
                          "200 result=1 (5550100-3)", {"caller": Caller(callerid="5550100")}),
    "get option": (["GET OPTION beep 12 100"], "200 result=0 endpos=2000", {}),
    "get variable": (["SET VARIABLE X 1", "GET VARIABLE X"], "200 result=1 (1)", {}),
    "gosub": (["GOSUB sub s 1 a,b"], "200 result=0 Gosub complete",
              {"dialplan": Dialplan.from_text(
                  "[sub]\nexten => s,1,Set(GOT=${ARG1}${ARG2})\n same => n,Return(ok)\n")}),
    "hangup": (["HANGUP"], "200 result=1", {}),
    "noop": (["NOOP"], "200 result=0", {}),
    "receive char": (["RECEIVE CHAR 1000"], "200 result=65",
                     {"caller": Caller(texts=["AB"])}),
    "receive text": (["RECEIVE TEXT 1000"], "200 result=1 (hello there)",
                     {"caller": Caller(texts=["hello there"])}),
    "record file": (["RECORD FILE msg wav # 10000"], "200 result=0 (timeout) endpos=80000", {}),
    "say alpha": (['SAY ALPHA aB1 ""'], "200 result=0", {}),
    "say date": (['SAY DATE 0 ""'], "200 result=0", {}),
    "say datetime": (['SAY DATETIME 0 ""'], "200 result=0", {}),
    "say digits": (['SAY DIGITS 123 ""'], "200 result=0", {}),
    "say number": (['SAY NUMBER 2026 ""'], "200 result=0", {}),
    "say phonetic": (['SAY PHONETIC ab ""'], "200 result=0", {}),
    "say time": (['SAY TIME 0 ""'], "200 result=0", {}),
    "send image": (["SEND IMAGE logo"], "200 result=0", {}),
    "send text": (['SEND TEXT "hi there"'], "200 result=0", {}),
    "set autohangup": (["SET AUTOHANGUP 2.5"], "200 result=0", {}),
    "set callerid": (['SET CALLERID "Bob <1234>"'], "200 result=1", {}),
    "set context": (["SET CONTEXT other"], "200 result=0", {}),
    "set extension": (["SET EXTENSION 100"], "200 result=0", {}),
    "set music": (["SET MUSIC on default"], "200 result=0", {}),
    "set priority": (["SET PRIORITY 5"], "200 result=0", {}),
    "set variable": (["SET VARIABLE FOO bar"], "200 result=1", {}),
    "speech activate grammar": (
        ["SPEECH CREATE fake", "SPEECH LOAD GRAMMAR g g.gram", "SPEECH ACTIVATE GRAMMAR g"],
        "200 result=1", {"speech": {"fake": SpeechEngine()}}),
    "speech create": (["SPEECH CREATE fake"], "200 result=1",
                      {"speech": {"fake": SpeechEngine()}}),
    "speech deactivate grammar": (
        ["SPEECH CREATE fake", "SPEECH LOAD GRAMMAR g x", "SPEECH ACTIVATE GRAMMAR g",
         "SPEECH DEACTIVATE GRAMMAR g"], "200 result=1", {"speech": {"fake": SpeechEngine()}}),
    "speech destroy": (["SPEECH CREATE fake", "SPEECH DESTROY"], "200 result=1",
                       {"speech": {"fake": SpeechEngine()}}),
    "speech load grammar": (["SPEECH CREATE fake", "SPEECH LOAD GRAMMAR g x"], "200 result=1",
                            {"speech": {"fake": SpeechEngine()}}),
    "speech recognize": (
        ["SPEECH CREATE fake", "SPEECH RECOGNIZE beep 5"],
        '200 result=1 (speech) endpos=0 results=1 score0=1000 text0="yes" grammar0=default ',
        {"speech": {"fake": SpeechEngine(results=["yes"])}}),
    "speech set": (["SPEECH CREATE fake", "SPEECH SET confidence 500"], "200 result=1",
                   {"speech": {"fake": SpeechEngine()}}),
    "speech unload grammar": (
        ["SPEECH CREATE fake", "SPEECH LOAD GRAMMAR g x", "SPEECH UNLOAD GRAMMAR g"],
        "200 result=1", {"speech": {"fake": SpeechEngine()}}),
    "stream file": (['STREAM FILE welcome ""'], "200 result=0 endpos=8000", {}),
    "tdd mode": (["TDD MODE on"], "200 result=0", {}),
    "verbose": (['VERBOSE "hello" 2'], "200 result=1", {}),
    "wait for digit": (["WAIT FOR DIGIT 100"], "200 result=0", {}),
}


def test_every_command_has_a_success_case() -> None:
    assert sorted(SUCCESS) == sorted(c.name for c in COMMANDS)
    assert len(SUCCESS) == 47


@pytest.mark.parametrize("name", sorted(SUCCESS))
def test_success(name: str) -> None:
    lines, expected, options = SUCCESS[name]
    replies, call = run(lines, **options)
    assert replies[-1] == expected
    record = call.close()
    expected_names = []
    for line in lines:
        found = find_command(split_args(line))
        assert found is not None
        expected_names.append(found[0].name)
    assert [e.name for e in record.transcript] == expected_names
    assert record.transcript[-1].reply is not None
    assert record.transcript[-1].reply.endswith(expected)


def _line_with(name: str, count: int) -> str:
    return " ".join([name.upper(), *(f"a{i}" for i in range(count))])


USAGE_CASES = [
    pytest.param(c.name, n, id=f"{c.name}-{n}args")
    for c in COMMANDS
    for n in (c.min_args - 1, (c.max_args or 0) + 1)
    if n >= 0 and not c.accepts(n) and not (n == 0 and c.min_args == 0)
]


@pytest.mark.parametrize(("name", "nargs"), USAGE_CASES)
def test_wrong_argument_count_gives_the_usage_block(name: str, nargs: int) -> None:
    call = InMemoryCall(seed=1)
    reply = call.send(_line_with(name, nargs))
    assert reply is not None
    assert reply.code == 520
    assert reply.text == USAGE_FOLLOWS_TEXT
    assert reply.usage == USAGE[name]
    assert reply.raw.endswith("\n520 End of proper usage.\n")


def test_usage_texts() -> None:
    # Only "say digits" is Asterisk's real text (captured); the others are generated from the
    # spec in the same one-line layout.
    assert USAGE["say digits"] == CAPTURED_USAGE["say digits"]
    for command in COMMANDS:
        if command.name != "say digits":
            assert USAGE[command.name] == generated_usage(command)
            assert "\n" not in USAGE[command.name]
            assert command.syntax in USAGE[command.name]


def test_own_usage_texts_can_be_given() -> None:
    call = InMemoryCall(seed=1, usage={"wait for digit": "mine"})
    reply = call.send("WAIT FOR DIGIT")
    assert reply is not None and reply.usage == "mine"
    reply = call.send("WAIT FOR DIGIT")
    assert reply is not None and reply.usage == "mine"


@pytest.mark.parametrize(
    "line",
    [
        "SAY DIGITS abc 1", "SAY NUMBER x 1", "SAY DATE x 1", "SAY TIME x 1",
        "SAY DATETIME x 1", "SAY ALPHA abc 1 x", "WAIT FOR DIGIT soon", "SET AUTOHANGUP x",
        "STREAM FILE beep 1 x", "CONTROL STREAM FILE beep 1 x", "CONTROL STREAM FILE b 1 1 # * p x",
        "RECORD FILE f wav # x", "SET PRIORITY nolabel",
    ],
)
def test_arguments_the_handler_rejects(line: str) -> None:
    reply = InMemoryCall(seed=1).send(line)
    assert reply is not None and reply.code == 520


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_dead_channel(command: Any) -> None:
    """After a hangup, only the ``dead`` commands run; the others get 511."""
    call = InMemoryCall(seed=1)
    assert call.send("HANGUP") is not None
    assert call.hangup_lines == 1
    args = ["x"] * command.min_args
    if command.name in ("database get", "database del", "database put", "database deltree"):
        args = ["fam", "key", "value"][: max(command.min_args, 2 if "put" not in command.name
                                             else 3)][: command.max_args or 3]
    line = " ".join([command.name.upper(), *args])
    reply = call.send(line)
    assert reply is not None
    if command.dead_channel_ok:
        assert reply.code == 200, reply
    else:
        assert (reply.code, reply.text) == (511, DEAD_CHANNEL_TEXT)


def test_unknown_commands() -> None:
    replies, _ = run(["FOO BAR", "ANSWER\r", "", "  "])
    assert replies == ["510 Invalid or unknown command"] * 4


# --- details, command by command -----------------------------------------------------------------


def test_answer_takes_the_answer_delay_and_sets_the_state() -> None:
    replies, call = run(["CHANNEL STATUS", "ANSWER", "CHANNEL STATUS"], answer_delay=0.5)
    assert replies == ["200 result=4", "200 result=0", "200 result=6"]
    assert call.channel.clock.now == 0.5


def test_answer_fails_when_the_caller_hangs_up_first() -> None:
    replies, call = run(["ANSWER"], answer_delay=2, caller=Caller(hangup_at=1))
    assert replies == ["200 result=-1"]
    assert call.hangup_lines == 1
    assert call.close().agi_status == "HANGUP"


def test_channel_status_of_other_channels() -> None:
    call = InMemoryCall(seed=1, name="PJSIP/100-00000001",
                        channels=[{"name": "PJSIP/200-00000002", "state": "ringing"}])
    assert call.send("CHANNEL STATUS pjsip/100-00000001").raw == "200 result=4\n"
    assert call.send("CHANNEL STATUS PJSIP/200-00000002").raw == "200 result=5\n"
    assert call.send("CHANNEL STATUS PJSIP/300-00000003").raw == "200 result=-1\n"
    assert call.send("HANGUP PJSIP/200-00000002").raw == "200 result=1\n"
    assert call.send("CHANNEL STATUS PJSIP/200-00000002").raw == "200 result=-1\n"
    assert call.send("HANGUP PJSIP/999").raw == "200 result=-1\n"
    assert call.hangup_lines == 0


def test_stream_file() -> None:
    sounds = SoundLibrary({"menu": 3.0}, strict=True)
    caller = Caller(dtmf=[Press("2", at=1.5)])
    replies, call = run(
        ['STREAM FILE menu "12"', 'STREAM FILE nothing ""', "STREAM FILE menu 1 16000",
         "STREAM FILE nothing 1 77", "STREAM FILE menu 1 99999"],
        sounds=sounds, caller=caller,
    )
    assert replies == [
        "200 result=50 endpos=12000",  # '2' (ASCII 50) 1.5 s in: 12000 samples at 8 kHz
        "200 result=-1 endpos=0",  # missing file
        "200 result=0 endpos=24000",  # from sample 16000 to the end
        "200 result=-1 endpos=77",  # missing file: the offset is echoed
        "200 result=0 endpos=24000",  # past the end
    ]
    record = call.close()
    assert record.variables["PLAYBACKSTATUS"] == "SUCCESS"
    assert record.digits_collected == "2"
    assert record.agi_status == "FAILURE"  # a missing file fails the AGI (j1)


def test_stream_file_ignores_keys_that_are_not_escape_digits() -> None:
    caller = Caller(dtmf=[Press("9", at=0.2), Press("1", at=0.4)])
    replies, call = run(['STREAM FILE welcome "1"'], caller=caller)
    assert replies == ["200 result=49 endpos=3200"]
    kinds = [(e.kind, e.detail) for e in call.record.events if e.kind.startswith("dtmf")]
    assert kinds == [("dtmf-ignored", "9"), ("dtmf", "1")]


def test_control_stream_file_keys() -> None:
    sounds = SoundLibrary({"long": 10.0})
    # '#' forwards 3 s, '*' rewinds 3 s, '5' stops; positions in ms.
    caller = Caller(dtmf=[Press("#", at=1.0), Press("*", at=2.0), Press("5", at=3.0)])
    replies, call = run(['CONTROL STREAM FILE long "5"'], sounds=sounds, caller=caller)
    # 1 s played, +3 s = 4 s; 1 s more = 5 s, -3 s = 2 s; 1 s more = 3 s: stopped at 3000 ms.
    assert replies == ["200 result=53 endpos=3000"]
    variables = call.close().variables
    assert variables["CPLAYBACKSTATUS"] == "USERSTOPPED"
    assert variables["CPLAYBACKSTOPKEY"] == "5"
    assert variables["CPLAYBACKOFFSET"] == "3000"


def test_control_stream_file_pause_offset_and_missing_file() -> None:
    sounds = SoundLibrary({"long": 10.0}, strict=True)
    caller = Caller(dtmf=[Press("0", at=1.0), Press("0", at=5.0), Press("9", at=6.0)])
    replies, call = run(
        ['CONTROL STREAM FILE long "9" 3000 # * 0', 'CONTROL STREAM FILE nothing ""',
         'CONTROL STREAM FILE long "" 3000 "" "" "" 9000'],
        sounds=sounds, caller=caller,
    )
    # Paused at 1 s for 4 s, resumed at 5 s, stopped 1 s later: 2000 ms into the file.
    assert replies == [
        "200 result=57 endpos=2000",
        "200 result=-1 endpos=-1",
        "200 result=0 endpos=-1",  # from 9 s to the end: -1 means "end of file"
    ]
    assert call.channel.clock.now == pytest.approx(6.0 + 1.0)
    assert call.close().variables["CPLAYBACKSTATUS"] == "SUCCESS"


def test_database_commands() -> None:
    db = AstDB()
    replies, _ = run(
        ["DATABASE PUT fam key1 v1", "DATABASE PUT fam sub/key2 v2", "DATABASE GET fam key1",
         "DATABASE GET fam nothing", "DATABASE DEL fam nothing", "DATABASE DEL fam key1",
         "DATABASE GET fam key1", "DATABASE DELTREE fam nothing", "DATABASE DELTREE fam sub",
         "DATABASE DELTREE fam"],
        astdb=db,
    )
    assert replies == [
        "200 result=1", "200 result=1", "200 result=1 (v1)", "200 result=0",
        "200 result=1",  # DEL of a missing key still says 1 (j1)
        "200 result=1", "200 result=0",
        "200 result=1",  # DELTREE is inverted: 1 when nothing was deleted
        "200 result=0",  # ... and 0 when something was
        "200 result=1",
    ]
    assert len(db) == 0


def test_astdb_is_shared() -> None:
    db = AstDB({"/cfg/greeting": "hello"})
    replies, _ = run(["DATABASE GET cfg greeting", "DATABASE PUT cfg seen yes"], astdb=db)
    assert replies[0] == "200 result=1 (hello)"
    assert db.get("cfg", "seen") == "yes"


def test_exec_applications() -> None:
    apps = {
        "Dial": [AppResult(0, {"DIALSTATUS": "BUSY"}, duration=3.0),
                 AppResult(0, {"DIALSTATUS": "NOANSWER"})],
        "ReturnsOne": AppResult(1),
        "ReturnsTwo": AppResult(2),
        "Playback": None,  # removed: EXEC answers -2
    }
    replies, call = run(
        ["EXEC Dial PJSIP/200,20", "GET VARIABLE DIALSTATUS", "EXEC Dial PJSIP/200",
         "GET VARIABLE DIALSTATUS", "EXEC Playback beep", "EXEC Wait 2.5",
         'EXEC Set "X=${CHANNEL}"', "GET VARIABLE X", "EXEC ReturnsTwo"],
        applications=apps, name="PJSIP/1-1",
    )
    assert replies == [
        "200 result=0", "200 result=1 (BUSY)", "200 result=0", "200 result=1 (NOANSWER)",
        "200 result=-2", "200 result=0", "200 result=0",
        "200 result=1 (${CHANNEL})",  # options are not expanded unless AGIEXECFULL is set
        "200 result=2",
    ]
    record = call.close()
    assert call.channel.clock.now == pytest.approx(5.5)
    assert record.agi_status == "FAILURE"  # an application returning 2 reads as a failure
    assert [(a.app, a.result) for a in record.applications][:2] == [("Dial", 0), ("Dial", 0)]


def test_exec_returning_one_is_followed_by_the_usage_block() -> None:
    call = InMemoryCall(seed=1, applications={"ReturnsOne": AppResult(1)})
    raw = call.send_raw(b"EXEC ReturnsOne\n")
    assert raw == (
        b"200 result=1\n520-Invalid command syntax.  Proper usage follows:\n"
        + USAGE["exec"].encode() + b"\n520 End of proper usage.\n"
    )


def test_exec_full_expands_variables() -> None:
    replies, _ = run(['EXEC Set "X=${CHANNEL}"', "GET VARIABLE X"],
                     variables={"AGIEXECFULL": "yes"}, name="PJSIP/9-9")
    assert replies[1] == "200 result=1 (PJSIP/9-9)"


def test_exec_that_hangs_up() -> None:
    replies, call = run(["EXEC Dial PJSIP/200", "NOOP", "ANSWER"],
                        applications={"Dial": AppResult(-1, {"DIALSTATUS": "ANSWER"},
                                                        hangup=True, duration=30)})
    assert replies == ["200 result=-1", "200 result=0",
                       "511 Command Not Permitted on a dead channel or intercept routine"]
    record = call.close()
    assert record.hung_up_by == "caller"
    assert record.agi_status == "HANGUP"


def test_get_data_variants() -> None:
    cases = [
        (Caller(dtmf="12#"), "GET DATA beep 3000 5", "200 result=12"),
        (Caller(dtmf="#"), "GET DATA beep 3000 5", "200 result="),
        (Caller(dtmf="1234"), "GET DATA beep 3000 2", "200 result=12"),
        (Caller(dtmf="1"), "GET DATA beep 3000 5", "200 result=1 (timeout)"),
        (Caller(dtmf="1"), "GET DATA beep 3000 0", "200 result=-1"),  # maxdigits 0
        (Caller(dtmf="1", hangup_at=0.6), "GET DATA beep 3000 5", "200 result=-1"),
        (Caller(), 'GET DATA "" 100', "200 result= (timeout)"),
    ]
    for caller, line, expected in cases:
        assert last([line], caller=caller) == expected, (caller, line)
    strict = SoundLibrary(strict=True)
    assert last(["GET DATA missing 100"], sounds=strict) == "200 result=-1"


def test_get_data_default_timeouts() -> None:
    # timeout 0: 6 s for the first key and 2 s between keys (ast_app_getdata_full).
    _, call = run(["GET DATA beep"])
    assert call.channel.clock.now == pytest.approx(0.25 + 6.0)
    _, call = run(["GET DATA beep 0 4"], caller=Caller(dtmf=[Press("1", delay=1.0)]))
    assert call.channel.clock.now == pytest.approx(1.0 + 2.0)


def test_get_full_variable_on_another_channel() -> None:
    call = InMemoryCall(seed=1, channels=[{"name": "Local/x;1", "variables": {"V": "42"}}])
    assert call.send("GET FULL VARIABLE ${V}/${CHANNEL} Local/x;1").raw == (
        "200 result=1 (42/Local/x;1)\n"
    )
    assert call.send("GET FULL VARIABLE ${V} Local/nothing").raw == "200 result=0\n"
    assert call.send('GET FULL VARIABLE ""').raw == "200 result=1 ()\n"


def test_get_option() -> None:
    sounds = SoundLibrary({"menu": 2.0})
    cases = [
        (Caller(), "GET OPTION menu 12 1000", "200 result=0 endpos=16000"),
        (Caller(dtmf="2"), "GET OPTION menu 12 1000", "200 result=50 endpos=4000"),
        # A key that is not an escape digit, pressed after the prompt, reads as 0.
        (Caller(dtmf=[Press("9", at=2.5)]), "GET OPTION menu 12 1000",
         "200 result=0 endpos=16000"),
        (Caller(dtmf=[Press("1", at=2.5)]), "GET OPTION menu 12 1000",
         "200 result=49 endpos=16000"),
        # A hangup in the wait after the prompt also reads as 0 (strchr(edigits, -1)).
        (Caller(hangup_at=2.5), "GET OPTION menu 12 1000", "200 result=0 endpos=16000"),
        (Caller(hangup_at=1.0), "GET OPTION menu 12 1000", "200 result=-1 endpos=8000"),
    ]
    for caller, line, expected in cases:
        assert last([line], caller=caller, sounds=sounds) == expected, (caller, line)
    _, call = run(["GET OPTION menu 12"], sounds=sounds)
    assert call.channel.clock.now == pytest.approx(2.0 + 5.0)  # default digit timeout 5 s
    assert last(["GET OPTION nothing 1"], sounds=SoundLibrary(strict=True)) == (
        "200 result=-1 endpos=0"
    )


def test_get_variable_builtins_functions_and_unset() -> None:
    replies, _ = run(
        ["GET VARIABLE CHANNEL", "GET VARIABLE UNIQUEID", "GET VARIABLE CONTEXT",
         "GET VARIABLE EXTEN", "GET VARIABLE PRIORITY", "GET VARIABLE CALLERID(name)",
         "GET VARIABLE NOPE(x)", "GET VARIABLE G", "SET VARIABLE EMPTY \"\"",
         "GET VARIABLE EMPTY", "GET VARIABLE foo"],
        name="PJSIP/7-7", uniqueid="123.4", context="ivr", extension="100", priority=3,
        caller=Caller(name="Ann"), globals_={"G": "global"},
    )
    assert replies == [
        "200 result=1 (PJSIP/7-7)", "200 result=1 (123.4)", "200 result=1 (ivr)",
        "200 result=1 (100)", "200 result=1 (3)", "200 result=1 (Ann)", "200 result=0",
        "200 result=1 (global)", "200 result=1", "200 result=1 ()", "200 result=0",
    ]


def test_gosub() -> None:
    plan = Dialplan.from_text(
        "[sub]\n"
        "exten => s,1(start),Set(R=${ARG1})\n"
        " same => n,Return(${R}!)\n"
        "exten => t,1,Playback(beep)\n"  # no Return: abnormal exit
    )
    raw = InMemoryCall(seed=1, dialplan=plan).send_raw(b"GOSUB sub s start hello\n")
    assert raw == b"100 result=0 Trying...\n200 result=0 Gosub complete\n"
    call = InMemoryCall(seed=1, dialplan=plan, context="ivr", extension="s", priority=2)
    assert call.send("GOSUB sub s start hello").raw == "200 result=0 Gosub complete\n"
    assert call.send("GET VARIABLE GOSUB_RETVAL").raw == "200 result=1 (hello!)\n"
    assert call.send("GOSUB sub t 1").raw == "200 result=0 Gosub complete (abnormal exit)\n"
    assert call.send("GOSUB sub nothing 1").raw == "200 result=-1 Gosub label not found\n"
    assert call.send("GOSUB sub s nolabel").raw == "200 result=-1 Gosub label not found\n"
    record = call.close()
    assert tuple(record.exit_point) == ("ivr", "s", 3)  # restored after the routines
    assert record.prompts_played == ["beep"]
    assert record.transcript[0].reply == (
        "100 result=0 Trying...\n200 result=0 Gosub complete"
    )


def test_gosub_without_a_dialplan() -> None:
    assert last(["GOSUB sub s 1"]) == "200 result=-1 Gosub label not found"


def test_hangup_notices_and_dead_mode() -> None:
    call = InMemoryCall(seed=1)
    assert call.send("HANGUP").raw == "200 result=1\n"
    assert call.hangup_lines == 1
    assert call.send("NOOP").raw == "200 result=0\n"
    assert call.send("ANSWER").code == 511  # type: ignore[union-attr]
    record = call.close()
    assert call.hangup_lines == 2  # and again when the AGI ends
    assert record.hung_up_by == "app"
    assert record.agi_status == "HANGUP"


def test_receive_char_and_text() -> None:
    cases = [
        (Caller(), "RECEIVE CHAR 100", "200 result=-1 (hangup)"),  # j1: no text came
        (Caller(texts=["x"]), "RECEIVE CHAR 0", "200 result=-1 (hangup)"),  # 0: no wait
        (Caller(texts=[""]), "RECEIVE CHAR 1000", "200 result=0 (timeout)"),
        (Caller(texts=[Text("Z", at=0.3)]), "RECEIVE CHAR -1", "200 result=90"),
        (Caller(), "RECEIVE TEXT 100", "200 result=-1"),
        (Caller(texts=[Text("late", at=5)]), "RECEIVE TEXT 1000", "200 result=-1"),
    ]
    for caller, line, expected in cases:
        assert last([line], caller=caller) == expected, line
    _, call = run(["RECEIVE CHAR 100"])
    assert call.close().agi_status == "FAILURE"


def test_record_file_variants() -> None:
    cases = [
        # talks 2 s, then 2 s of silence ends it; Asterisk rewinds (silence - 1 s).
        (Caller(), "RECORD FILE m wav # 10000 s=2", "200 result=6000 (timeout) endpos=24000"),
        # '#' 0.5 s in; 200 ms are chopped off.
        (Caller(dtmf="#"), "RECORD FILE m wav # 10000", "200 result=35 (dtmf) endpos=2400"),
        (Caller(hangup_at=1.0), "RECORD FILE m wav # 10000", "200 result=-1 (hangup) endpos=8000"),
        # beep first (0.25 s), then 1 s; an offset appends.
        (Caller(), "RECORD FILE m wav # 1000 800 beep", "200 result=0 (timeout) endpos=8800"),
        (Caller(), "RECORD FILE m wav # 0", "200 result=0 (timeout) endpos=0"),
        # a digit during the beep ends it all: "randomerror"
        (Caller(dtmf=[Press("#", at=0.1)]), "RECORD FILE m wav # 1000 0 beep",
         "200 result=35 (randomerror) endpos=0"),
    ]
    for caller, line, expected in cases:
        assert last([line], caller=caller) == expected, line
    call = InMemoryCall(seed=1, caller=Caller(talk=[1.0, 3.0]), sounds=SoundLibrary(strict=True))
    call.send("RECORD FILE first wav # -1 s=1")
    call.send("RECORD FILE second wav # 10000 s=1")
    # 1 s of talk and 1 s of silence; with s=1 nothing is cut (silence - 1 s = 0).
    assert call.send('STREAM FILE first ""').raw == "200 result=0 endpos=16000\n"
    record = call.close()
    assert [(r.filename, r.ended_by) for r in record.recordings] == [
        ("first", "silence"), ("second", "silence")
    ]
    assert record.recordings[1].seconds == pytest.approx(4.0)


def test_say_commands_play_the_right_prompts() -> None:
    _, call = run(['SAY NUMBER -2026 ""', 'SAY DIGITS 1*#-0 ""', 'SAY ALPHA "aB @" "" a',
                   'SAY PHONETIC "x1" ""'])
    assert call.record.prompts_played == [
        "digits/minus", "digits/2", "digits/thousand", "digits/20", "digits/6",
        "digits/1", "digits/star", "digits/pound", "digits/minus", "digits/0",
        "lowercase", "letters/a", "uppercase", "letters/b", "letters/space", "letters/at",
        "phonetic/x_p", "digits/1",
    ]


def test_say_dates_and_times() -> None:
    # 2026-01-01 13:05 UTC was a Thursday.
    when = "1767272700"
    _, call = run([f'SAY DATE {when} ""', f'SAY TIME {when} ""',
                   f"SAY DATETIME {when} \"\" \"HM 'digits/at' dB\" UTC"])
    assert call.record.prompts_played == [
        "digits/day-4", "digits/mon-0", "digits/1", "digits/2", "digits/thousand",
        "digits/20", "digits/6",
        "digits/1", "digits/oh", "digits/5", "digits/p-m",
        "digits/13", "digits/oh", "digits/5", "digits/at", "digits/h-1", "digits/mon-0",
    ]


def test_say_is_stopped_by_escape_digits_and_missing_prompts() -> None:
    caller = Caller(dtmf=[Press("5", at=0.4)])
    assert last(['SAY DIGITS 123 "5"'], caller=caller) == "200 result=53"
    # A missing digit file is skipped; a missing date prompt stops the saying with -1.
    core_off = SoundLibrary(strict=True, core_sounds=False)
    assert last(['SAY DIGITS 12 ""'], sounds=core_off) == "200 result=0"
    assert last(['SAY DATE 0 ""'], sounds=core_off) == "200 result=-1"
    assert last(['SAY NUMBER 1000000000 ""']) == "200 result=-1"  # too big


def test_set_autohangup_hangs_up_later() -> None:
    replies, call = run(["SET AUTOHANGUP 2.5", "WAIT FOR DIGIT -1", "NOOP"])
    assert replies == ["200 result=0", "200 result=-1", "200 result=0"]
    record = call.close()
    assert call.channel.clock.now == 2.5
    assert record.hung_up_by == "app"
    replies, call = run(["SET AUTOHANGUP 1", "SET AUTOHANGUP 0", "WAIT FOR DIGIT 2000"])
    assert replies[-1] == "200 result=0"


def test_set_callerid_variants() -> None:
    for value, num, name in [('"Bob <1234>"', "1234", "Bob"), ("5551234", "5551234", ""),
                             ('"(555) 123-4567"', "5551234567", ""), ("Alice", "", "Alice")]:
        call = InMemoryCall(seed=1, caller=Caller(callerid="1", name="x"))
        call.send(f"SET CALLERID {value}")
        assert (call.channel.callerid_num, call.channel.callerid_name) == (num, name), value
    assert last(["SET CALLERID"]) == "200 result=1"


def test_set_context_extension_priority_make_the_exit_point() -> None:
    plan = Dialplan.from_text("[after]\nexten => 200,1,NoOp()\n same => n(retry),NoOp()\n")
    replies, call = run(["SET CONTEXT after", "SET EXTENSION 200", "SET PRIORITY retry",
                         "GET VARIABLE PRIORITY"], dialplan=plan)
    assert replies == ["200 result=0", "200 result=0", "200 result=0", "200 result=1 (1)"]
    assert tuple(call.close().exit_point) == ("after", "200", 2)
    # Without SET PRIORITY the dialplan goes on at the next priority.
    _, call = run(["NOOP"], context="ivr", extension="s", priority=4)
    assert tuple(call.close().exit_point) == ("ivr", "s", 5)


def test_set_music_and_tdd() -> None:
    _, call = run(["SET MUSIC on jazz", "SET MUSIC off", "TDD MODE on"], tdd_capable=True)
    assert call.channel.musicclass == "jazz" and not call.channel.music_on
    assert last(["TDD MODE mate"], tdd_capable=True) == "200 result=1"


def test_set_variable_functions_and_inheritance() -> None:
    db = AstDB()
    replies, call = run(
        ["SET VARIABLE CALLERID(num) 999", "GET VARIABLE CALLERID(num)",
         "SET VARIABLE DB(fam/k) stored", "SET VARIABLE __INHERIT yes",
         "GET VARIABLE INHERIT", 'SET VARIABLE "SPACED" "a b"', "GET VARIABLE SPACED"],
        astdb=db,
    )
    assert replies[1] == "200 result=1 (999)"
    assert replies[4] == "200 result=1 (yes)"
    assert replies[6] == "200 result=1 (a b)"
    assert db.get("fam", "k") == "stored"
    assert call.close().variables_set["INHERIT"] == "yes"


def test_speech_without_an_engine_or_object() -> None:
    replies, _ = run(["SPEECH CREATE nothing", "SPEECH SET a b", "SPEECH LOAD GRAMMAR g x",
                      "SPEECH ACTIVATE GRAMMAR g", "SPEECH DEACTIVATE GRAMMAR g",
                      "SPEECH UNLOAD GRAMMAR g", "SPEECH RECOGNIZE beep 1", "SPEECH DESTROY"])
    assert replies == ["200 result=0"] * 8


def test_speech_recognize_outcomes() -> None:
    engine = SpeechEngine(results=[None, "second"], latency=0.5)
    caller = Caller(dtmf=[Press("7", at=10)])
    replies, _ = run(
        ["SPEECH CREATE fake", "SPEECH CREATE fake", "SPEECH UNLOAD GRAMMAR g",
         "SPEECH RECOGNIZE beep 2", "SPEECH RECOGNIZE beep 2", "SPEECH RECOGNIZE beep 0"],
        speech={"fake": engine}, caller=caller,
    )
    assert replies[:3] == ["200 result=1", "200 result=0", "200 result=0"]
    assert replies[3] == "200 result=1 (timeout) endpos=0"
    assert replies[4].startswith('200 result=1 (speech) endpos=0 results=1 score0=1000 '
                                 'text0="second"')
    assert replies[5] == "200 result=1 (digit) digit=7 endpos=0"
    hung = last(["SPEECH CREATE fake", "SPEECH RECOGNIZE beep 5"],
                speech={"fake": SpeechEngine()}, caller=Caller(hangup_at=1))
    assert hung == "200 result=1 (hangup) endpos=0"


def test_send_text_is_recorded() -> None:
    _, call = run(['SEND TEXT "hi there"'])
    assert call.close().texts_sent == ["hi there"]


def test_verbose_is_recorded() -> None:
    _, call = run(['VERBOSE "a message" 3', "VERBOSE plain"])
    assert call.close().verbose == [(3, "a message"), (0, "plain")]


def test_wait_for_digit() -> None:
    assert last(["WAIT FOR DIGIT 5000"], caller=Caller(dtmf="*")) == "200 result=42"
    assert last(["WAIT FOR DIGIT 0"], caller=Caller(dtmf="1")) == "200 result=0"
    assert last(["WAIT FOR DIGIT -1"], caller=Caller(hangup_at=100)) == "200 result=-1"


def test_a_new_command_interrupts_playback() -> None:
    # Asterisk stops a playing prompt when the script writes its next command, and the
    # interrupted command sends no 200 line; WAIT FOR DIGIT answers result=1 instead.
    call = InMemoryCall(seed=1)
    out = call.send_raw(b'STREAM FILE welcome ""\nNOOP\n')
    assert out == b"200 result=0\n"
    out = call.send_raw(b"GET DATA beep 1000 2\nWAIT FOR DIGIT 100\nNOOP\n")
    assert out == b"200 result=1\n200 result=0\n"
    out = call.send_raw(b'SAY DIGITS 12 ""\nGET OPTION beep 1\nSAY DATE 0 ""\nNOOP\n')
    assert out == b"200 result=0\n200 result=0\n"
    record = call.close()
    assert [e.reply for e in record.transcript[:2]] == [None, "200 result=0"]
    assert record.agi_status == "SUCCESS"


def test_agisighup_and_agiexitonhangup() -> None:
    call = InMemoryCall(seed=1, variables={"AGISIGHUP": "no"})
    call.send("HANGUP")
    call.close()
    assert call.hangup_lines == 0
    call = InMemoryCall(seed=1, variables={"AGIEXITONHANGUP": "yes"})
    call.send("HANGUP")
    assert call.closed  # the AGI ended at the hangup
    assert call.hangup_lines == 2
    assert call.send("NOOP") is None


def test_failure_line_ends_the_agi() -> None:
    call = InMemoryCall(seed=1)
    call.send_raw(b"failure: cannot run\nNOOP\n")
    assert call.closed
    assert call.close().agi_status == "FAILURE"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ANSWER", "200 result=-1"),
        ('STREAM FILE welcome ""', "200 result=-1 endpos=800"),
        ('CONTROL STREAM FILE welcome ""', "200 result=-1 endpos=100"),
        ("GET DATA welcome 1000", "200 result=-1"),
        ('GET OPTION welcome "1"', "200 result=-1 endpos=800"),
        ('SAY ALPHA abc ""', "200 result=-1"),
        ('SAY DATE 0 ""', "200 result=-1"),
        ('SAY DATETIME 0 ""', "200 result=-1"),
        ('SAY DIGITS 12 ""', "200 result=-1"),
        ('SAY NUMBER 12 ""', "200 result=-1"),
        ('SAY PHONETIC ab ""', "200 result=-1"),
        ('SAY TIME 0 ""', "200 result=-1"),
        ("WAIT FOR DIGIT 1000", "200 result=-1"),
        ("RECORD FILE f wav # 1000", "200 result=-1 (hangup) endpos=800"),
        ("RECEIVE CHAR 1000", "200 result=-1 (hangup)"),
        ("RECEIVE TEXT 1000", "200 result=-1"),
        ("EXEC Wait 1", "200 result=-1"),
        ("SPEECH RECOGNIZE welcome 5", "200 result=1 (hangup) endpos=0"),
    ],
)
def test_caller_hangs_up_during_the_command(line: str, expected: str) -> None:
    call = InMemoryCall(seed=1, caller=Caller(hangup_at=0.1), answer_delay=1.0,
                        speech={"fake": SpeechEngine()})
    if line.startswith("SPEECH"):
        call.send("SPEECH CREATE fake")
    reply = call.send(line)
    assert reply is not None and reply.raw == expected + "\n"
    assert call.hangup_lines == 1
    record = call.close()
    assert record.hung_up_by == "caller"
    assert record.agi_status == "HANGUP"  # a failure caused by the hangup is not FAILURE
    assert record.duration == pytest.approx(0.1)


def test_a_value_no_reply_can_carry_is_a_clear_error() -> None:
    call = InMemoryCall(seed=1, variables={"MULTI": "two\nlines"})
    with pytest.raises(SimulatorError, match="GET VARIABLE MULTI"):
        call.send("GET VARIABLE MULTI")
