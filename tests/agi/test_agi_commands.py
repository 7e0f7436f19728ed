"""Every AGI command method: the line it sends, and what it makes of each reply.

One table drives both the blocking :class:`pyst.agi.AGI` and :class:`pyst.agi.aio.AsyncAGI`
(the methods are the same code; this checks both runners drive it the same way). Every line
is also read back by the core's ASTERISK role: it must match the intended command with an
argument count Asterisk accepts. Hypothesis checks that any text reaches Asterisk as exactly
one argument.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyst.agi import (
    AGI,
    COMMANDS,
    AGIAppError,
    AGICommands,
    AGIDBError,
    AGIError,
    AGIResult,
    AGIResultHangup,
    AGIUnknownError,
    AGIValue,
    SpeechResult,
    quote_arg,
    split_args,
)
from pyst.agi.aio import AsyncAGI
from pyst.agi.commands import AGICommandMethod
from pyst.errors import LocalProtocolError
from tests.agi.test_agi_wire import AsyncWire, Wire, ok, scripted


@dataclass
class Case:
    """``method(*args, **kwargs)`` sends ``lines``; Asterisk answers ``replies`` (one entry per
    line: a reply text or a list of them); the call returns ``expect`` (or raises it, if it is
    an exception class; or passes it, if it is a check function)."""

    id: str
    method: str
    args: tuple[Any, ...]
    lines: list[str]
    replies: list[Any]
    expect: Any = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    command: str | None = None  # the spec command the lines must match (default: by method)


def check(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
    func.is_check = True  # type: ignore[attr-defined]
    return func


@check
def is_result_dict(value: Any) -> bool:
    return isinstance(value, AGIResult) and value == {"result": ("0", "")}


@check
def timed_out(value: Any) -> bool:
    return isinstance(value, AGIValue) and value == "" and value.timeout


@check
def gosub_done(value: Any) -> bool:
    return (
        value == "Gosub complete"
        and value.result is not None
        and [r.code for r in value.result.provisional] == [100]
    )


@check
def speech(value: Any) -> bool:
    return (
        isinstance(value, SpeechResult)
        and value.status == "speech"
        and value.endpos == 1234
        and [(m.score, m.text, m.grammar) for m in value.matches]
        == [(900, "yes please", "yesno"), (10, "no", "yesno")]
    )


@check
def speech_digit(value: Any) -> bool:
    return isinstance(value, SpeechResult) and value.status == "digit" and value.digit == "5"


@check
def digit_with_endpos(value: Any) -> bool:
    return value == "1" and value.endpos == 900 and value.data == ""


@check
def recorded_dtmf(value: Any) -> bool:
    return value == "#" and value.endpos == 800 and value.data == "dtmf"


@check
def recorded_timeout(value: Any) -> bool:
    return value == "" and value.timeout and value.endpos == 1600


OK0, OK1 = "200 result=0", "200 result=1"

CASES = [
    Case("answer", "answer", (), ["ANSWER"], [OK0]),
    Case("hangup", "hangup", (), ["HANGUP"], [OK1]),
    Case("hangup-named", "hangup", ("PJSIP/1-1",), ["HANGUP PJSIP/1-1"], [OK1]),
    Case("hangup-missing", "hangup", ("X",), ["HANGUP X"], ["200 result=-1"], AGIAppError),
    Case("channel-status", "channel_status", (), ["CHANNEL STATUS"], ["200 result=6"], 6),
    Case("channel-status-missing", "channel_status", ("X",), ["CHANNEL STATUS X"],
         ["200 result=-1"], -1),
    Case("channel-status-odd", "channel_status", (), ["CHANNEL STATUS"], ["200 result=x"],
         AGIError),
    Case("autohangup", "set_autohangup", (1.5,), ["SET AUTOHANGUP 1.5"], [OK0]),
    Case("callerid", "set_callerid", ('"Bob" <100>',), ['SET CALLERID "\\"Bob\\" <100>"'],
         [OK1]),
    Case("context", "set_context", ("default",), ["SET CONTEXT default"], [OK0]),
    Case("extension", "set_extension", (100,), ["SET EXTENSION 100"], [OK0]),
    Case("priority", "set_priority", (2,), ["SET PRIORITY 2"], [OK0]),
    Case("priority-label", "set_priority", ("next",), ["SET PRIORITY next"], [OK0]),
    Case("goto-on-exit", "goto_on_exit", (), [
        "SET CONTEXT from-internal", "SET EXTENSION 1234", "SET PRIORITY 3",
    ], [OK0, OK0, OK0], kwargs={"extension": "1234"}),
    Case("music-on", "set_music", (), ["SET MUSIC on"], [OK0]),
    Case("music-off-class", "set_music", (False, "jazz"), ["SET MUSIC off jazz"], [OK0]),
    Case("music-text", "set_music", ("off",), ["SET MUSIC off"], [OK0]),
    Case("tdd", "tdd_mode", ("on",), ["TDD MODE on"], [OK1]),
    Case("tdd-bool", "tdd_mode", (False,), ["TDD MODE off"], [OK1]),
    Case("tdd-unsupported", "tdd_mode", (), ["TDD MODE off"], [OK0], AGIAppError),
    Case("noop", "noop", (), ["NOOP"], [OK0]),
    Case("verbose", "verbose", ("hi there", 3), ['VERBOSE "hi there" 3'], [OK1]),
    Case("verbose-default", "verbose", ("hi",), ["VERBOSE hi 1"], [OK1]),
    Case("asyncagi-break", "asyncagi_break", (), ["ASYNCAGI BREAK"], [OK0]),
    Case("set-variable", "set_variable", ("A", 'x "y" \\z'),
         ['SET VARIABLE A "x \\"y\\" \\\\z"'], [OK1]),
    Case("set-variable-int", "set_variable", ("N", 5), ["SET VARIABLE N 5"], [OK1]),
    Case("get-variable", "get_variable", ("A",), ["GET VARIABLE A"],
         ["200 result=1 (hello world)"], "hello world"),
    Case("get-variable-unset", "get_variable", ("A",), ["GET VARIABLE A"], [OK0], ""),
    Case("get-variable-literal-hangup", "get_variable", ("A",), ["GET VARIABLE A"],
         ["200 result=1 (hangup)"], "hangup"),
    Case("get-variable-parens", "get_variable", ("A",), ["GET VARIABLE A"],
         ["200 result=1 (a) b (c)"], "a) b (c"),
    Case("get-full-variable", "get_full_variable", ("${CALLERID(num)}", "PJSIP/2"),
         ["GET FULL VARIABLE ${CALLERID(num)} PJSIP/2"], ["200 result=1 (100)"], "100"),
    Case("get-full-variable-spaces", "get_full_variable", ("${A} ${B}",),
         ['GET FULL VARIABLE "${A} ${B}"'], ["200 result=1 (x y)"], "x y"),
    Case("db-get", "database_get", ("fam", "key"), ["DATABASE GET fam key"],
         ["200 result=1 (v)"], "v"),
    Case("db-get-missing", "database_get", ("fam", "key"), ["DATABASE GET fam key"], [OK0],
         AGIDBError),
    Case("db-get-odd", "database_get", ("fam", "key"), ["DATABASE GET fam key"],
         ["200 result=2"], AGIError),
    Case("db-put", "database_put", ("fam", "key", "a b"), ['DATABASE PUT fam key "a b"'],
         [OK1]),
    Case("db-put-fails", "database_put", ("f", "k", "v"), ["DATABASE PUT f k v"], [OK0],
         AGIDBError),
    Case("db-del", "database_del", ("f", "k"), ["DATABASE DEL f k"], [OK1]),
    Case("db-del-fails", "database_del", ("f", "k"), ["DATABASE DEL f k"], [OK0], AGIDBError),
    Case("db-deltree", "database_deltree", ("f",), ["DATABASE DELTREE f"], [OK0], True),
    Case("db-deltree-none", "database_deltree", ("f", "sub"), ["DATABASE DELTREE f sub"],
         [OK1], False),
    Case("appexec", "appexec", ("Dial", "PJSIP/100,20"), ["EXEC Dial PJSIP/100,20"], [OK0],
         "0"),
    Case("appexec-no-options", "appexec", ("Answer",), ["EXEC Answer"], [OK0], "0"),
    Case("appexec-spaces", "appexec", ("Playback", "a b"), ['EXEC Playback "a b"'], [OK0], "0"),
    Case("appexec-missing", "appexec", ("Nope",), ["EXEC Nope"], ["200 result=-2"],
         AGIAppError),
    Case("exec-command", "exec_command", ("Dial", "PJSIP/100", 20),
         ["EXEC Dial PJSIP/100,20"], [OK0], is_result_dict),
    Case("exec-command-bare", "exec_command", ("Answer",), ["EXEC Answer"], [OK0],
         is_result_dict),
    Case("gosub", "gosub", ("sub", "s", 1, "a", "b c"), ['GOSUB sub s 1 "a,b c"'],
         [["100 result=0 Trying...", "200 result=0 Gosub complete"]], gosub_done),
    Case("gosub-missing", "gosub", ("sub", "s", 1), ["GOSUB sub s 1"],
         [["100 result=0 Trying...", "200 result=-1 Gosub label not found"]], AGIAppError),
    Case("gosub-failed", "gosub", ("sub", "s", 1), ["GOSUB sub s 1"],
         [["100 result=0 Trying...", "200 result=3 Gosub failed"]], AGIAppError),
    Case("gosub-503", "gosub", ("sub", "s", 1), ["GOSUB sub s 1"],
         ["503 result=-2 Memory allocation failure"], AGIUnknownError),
    Case("stream-file", "stream_file", ("hello",), ['STREAM FILE hello ""'],
         ["200 result=0 endpos=100"], ""),
    Case("stream-file-digit", "stream_file", ("hello world", [1, "#"], 800),
         ['STREAM FILE "hello world" "1#" 800'], ["200 result=49 endpos=900"],
         digit_with_endpos),
    Case("stream-file-missing", "stream_file", ("x", "12#"), ['STREAM FILE x "12#"'],
         ["200 result=-1 endpos=0"], AGIAppError),
    Case("control-stream", "control_stream_file", ("f",), ['CONTROL STREAM FILE f "" 3000'],
         ["200 result=0 endpos=12"], ""),
    Case("control-stream-all", "control_stream_file", ("f", "#", 5000, "6", "4", "5", 100),
         ['CONTROL STREAM FILE f "#" 5000 6 4 5 100'], ["200 result=35 endpos=12"], "#"),
    Case("control-stream-gap", "control_stream_file", ("f", "", 3000, "", "4"),
         ['CONTROL STREAM FILE f "" 3000 "" 4'], ["200 result=0 endpos=1"], ""),
    Case("get-option", "get_option", ("f", "12", 5000), ['GET OPTION f "12" 5000'],
         ["200 result=50 endpos=1"], "2"),
    Case("get-option-default", "get_option", ("f",), ['GET OPTION f ""'],
         ["200 result=0 endpos=1"], ""),
    Case("get-data", "get_data", ("prompt",), ["GET DATA prompt 2000 255"],
         ["200 result=123"], "123"),
    Case("get-data-timeout", "get_data", ("beep", 500, 4), ["GET DATA beep 500 4"],
         ["200 result= (timeout)"], timed_out),
    Case("get-data-hangup", "get_data", ("p",), ["GET DATA p 2000 255"], ["200 result=-1"],
         AGIAppError),
    Case("wait-for-digit", "wait_for_digit", (), ["WAIT FOR DIGIT 2000"], ["200 result=35"],
         "#"),
    Case("wait-for-digit-none", "wait_for_digit", (-1,), ["WAIT FOR DIGIT -1"], [OK0], ""),
    Case("wait-for-digit-odd", "wait_for_digit", (), ["WAIT FOR DIGIT 2000"],
         ["200 result=x"], AGIError),
    Case("say-digits", "say_digits", ("123", "#"), ['SAY DIGITS 123 "#"'], [OK0], ""),
    Case("say-digits-list", "say_digits", ([1, 2],), ['SAY DIGITS 12 ""'], [OK0], ""),
    Case("say-number", "say_number", (42, "", "f"), ['SAY NUMBER 42 "" f'], [OK0], ""),
    Case("say-alpha", "say_alpha", ("abc",), ['SAY ALPHA abc ""'], ["200 result=49"], "1"),
    Case("say-alpha-case", "say_alpha", ("abc", "", "u"), ['SAY ALPHA abc "" u'], [OK0], ""),
    Case("say-phonetic", "say_phonetic", ("xyz", "1"), ['SAY PHONETIC xyz "1"'], [OK0], ""),
    Case("say-date", "say_date", (0,), ['SAY DATE 0 ""'], [OK0], ""),
    Case("say-time", "say_time", (86399, "9"), ['SAY TIME 86399 "9"'], [OK0], ""),
    Case("say-datetime", "say_datetime", (0,), ['SAY DATETIME 0 ""'], [OK0], ""),
    Case("say-datetime-format", "say_datetime", (0, "", "IMp"), ['SAY DATETIME 0 "" "IMp"'],
         [OK0], ""),
    Case("say-datetime-zone", "say_datetime", (0, "", "", "Europe/Paris"),
         ['SAY DATETIME 0 "" "ABdY \'digits/at\' IMp" Europe/Paris'], [OK0], ""),
    Case("record", "record_file", ("rec",), ['RECORD FILE "rec" gsm "#" 20000 0 beep'],
         ["200 result=35 (dtmf) endpos=800"], recorded_dtmf),
    Case("record-timeout", "record_file", ("rec",), ['RECORD FILE "rec" gsm "#" 20000 0 beep'],
         ["200 result=0 (timeout) endpos=1600"], recorded_timeout),
    Case("record-silence", "record_file", ("rec", "wav", "", -1, 0, "", 3),
         ['RECORD FILE "rec" wav "" -1 0 s=3'], ["200 result=0 (timeout) endpos=1600"],
         recorded_timeout),
    Case("record-plain", "record_file", ("rec", "wav", "", 1000, 0, ""),
         ['RECORD FILE "rec" wav "" 1000'], ["200 result=0 (timeout) endpos=1600"],
         recorded_timeout),
    Case("record-writefile", "record_file", ("r",), ['RECORD FILE "r" gsm "#" 20000 0 beep'],
         ["200 result=-1 (writefile)"], AGIAppError),
    Case("record-hangup", "record_file", ("r",), ['RECORD FILE "r" gsm "#" 20000 0 beep'],
         ["200 result=-1 (hangup) endpos=5"], AGIResultHangup),
    Case("receive-char", "receive_char", (), ["RECEIVE CHAR 2000"], ["200 result=65"], "A"),
    Case("receive-char-timeout", "receive_char", (0,), ["RECEIVE CHAR 0"],
         ["200 result=0 (timeout)"], timed_out),
    Case("receive-char-unsupported", "receive_char", (100,), ["RECEIVE CHAR 100"],
         ["200 result=-1 (hangup)"], AGIResultHangup),
    Case("receive-text", "receive_text", (), ["RECEIVE TEXT 2000"],
         ["200 result=1 (hi there)"], "hi there"),
    Case("receive-text-hangup-word", "receive_text", (), ["RECEIVE TEXT 2000"],
         ["200 result=1 (hangup)"], "hangup"),
    Case("receive-text-none", "receive_text", (5,), ["RECEIVE TEXT 5"], ["200 result=-1"],
         AGIAppError),
    Case("send-text", "send_text", ("hi there",), ['SEND TEXT "hi there"'], [OK0]),
    Case("send-text-empty", "send_text", (), ['SEND TEXT ""'], [OK0]),
    Case("send-image", "send_image", ("logo",), ["SEND IMAGE logo"], [OK0]),
    Case("send-image-fails", "send_image", ("logo",), ["SEND IMAGE logo"], [OK1], AGIAppError),
    Case("speech-create", "speech_create", ("lumenvox",), ["SPEECH CREATE lumenvox"], [OK1]),
    Case("speech-create-fails", "speech_create", ("x",), ["SPEECH CREATE x"], [OK0],
         AGIAppError),
    Case("speech-set", "speech_set", ("a", "b c"), ['SPEECH SET a "b c"'], [OK1]),
    Case("speech-destroy", "speech_destroy", (), ["SPEECH DESTROY"], [OK1], True),
    Case("speech-destroy-none", "speech_destroy", (), ["SPEECH DESTROY"], [OK0], False),
    Case("speech-load", "speech_load_grammar", ("yesno", "/g/yesno.gram"),
         ["SPEECH LOAD GRAMMAR yesno /g/yesno.gram"], [OK1]),
    Case("speech-unload", "speech_unload_grammar", ("yesno",),
         ["SPEECH UNLOAD GRAMMAR yesno"], [OK1]),
    Case("speech-activate", "speech_activate_grammar", ("yesno",),
         ["SPEECH ACTIVATE GRAMMAR yesno"], [OK1]),
    Case("speech-deactivate", "speech_deactivate_grammar", ("yesno",),
         ["SPEECH DEACTIVATE GRAMMAR yesno"], [OK0], AGIAppError),
    Case("speech-recognize", "speech_recognize", ("prompt", 5),
         ["SPEECH RECOGNIZE prompt 5"],
         ['200 result=1 (speech) endpos=1234 results=2 score0=900 text0="yes please" '
          'grammar0=yesno score1=10 text1="no" grammar1=yesno'], speech),
    Case("speech-recognize-digit", "speech_recognize", ("p", 2.5, 800),
         ["SPEECH RECOGNIZE p 2.5 800"], ["200 result=1 (digit) digit=5 endpos=100"],
         speech_digit),
    Case("speech-recognize-hangup", "speech_recognize", ("p", 5), ["SPEECH RECOGNIZE p 5"],
         ["200 result=1 (hangup) endpos=10"], AGIResultHangup),
]


def _expected_command(case: Case) -> str:
    method = getattr(AGICommands, case.method)
    assert isinstance(method, AGICommandMethod)
    return case.command or method.commands[0]


def _verify(case: Case, wire: Wire, outcome: Any, error: BaseException | None) -> None:
    assert wire.lines == case.lines
    # Asterisk's reader must see the intended command with an argument count it accepts.
    for command in wire.commands:
        assert command.command is not None, command.line
        assert command.command.accepts(len(command.args)), command.line
    assert wire.commands[0].name == _expected_command(case)
    if isinstance(case.expect, type) and issubclass(case.expect, BaseException):
        assert isinstance(error, case.expect), (error, outcome)
        assert getattr(error, "result", None) is not None
        return
    assert error is None, error
    if getattr(case.expect, "is_check", False):
        assert case.expect(outcome), outcome
    else:
        assert outcome == case.expect
        assert type(outcome) is not AGIValue or isinstance(outcome.result, AGIResult)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_blocking(case: Case) -> None:
    wire = Wire(scripted(*case.replies))
    agi = AGI(channel=wire, sighup=False)
    outcome: Any = None
    error: BaseException | None = None
    try:
        outcome = getattr(agi, case.method)(*case.args, **case.kwargs)
    except Exception as exc:
        error = exc
    _verify(case, wire, outcome, error)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_async(case: Case) -> None:
    async def run() -> tuple[AsyncWire, Any, BaseException | None]:
        wire = AsyncWire(scripted(*case.replies))
        agi = AsyncAGI(wire)
        await asyncio.wait_for(agi.read_environment(), 5)
        try:
            return wire, await asyncio.wait_for(
                getattr(agi, case.method)(*case.args, **case.kwargs), 5
            ), None
        except Exception as exc:
            return wire, None, exc

    wire, outcome, error = asyncio.run(run())
    _verify(case, wire, outcome, error)


def test_every_asterisk_command_has_a_method_and_a_case() -> None:
    methods = {
        name: value
        for name, value in vars(AGICommands).items()
        if isinstance(value, AGICommandMethod)
    }
    covered = {command for method in methods.values() for command in method.commands}
    assert covered == {spec.name for spec in COMMANDS}
    assert len(COMMANDS) == 47
    assert {case.method for case in CASES} == set(methods)


def test_async_methods_are_coroutine_functions_with_the_same_signature() -> None:
    wire = AsyncWire()
    agi = AsyncAGI(wire)
    blocking = AGI(channel=Wire(), sighup=False)
    for name, value in vars(AGICommands).items():
        if isinstance(value, AGICommandMethod):
            assert inspect.iscoroutinefunction(getattr(agi, name)), name
            assert not inspect.iscoroutinefunction(getattr(blocking, name)), name
            assert inspect.signature(getattr(agi, name)) == inspect.signature(
                getattr(blocking, name)
            )
            assert getattr(blocking, name).__doc__ == value.func.__doc__
            assert name in repr(value)


def test_methods_can_be_called_on_the_class_with_the_instance() -> None:
    wire = Wire()
    agi = AGI(channel=wire, sighup=False)
    assert AGI.verbose(agi, "hi") is None
    assert wire.lines == ["VERBOSE hi 1"]

    async def run() -> list[str]:
        async_wire = AsyncWire()
        session = AsyncAGI(async_wire)
        await session.read_environment()
        await AsyncAGI.noop(session)
        return async_wire.lines

    assert asyncio.run(run()) == ["NOOP"]


# --- quoting ---------------------------------------------------------------------------------

# Any text a line can carry: no newline, no NUL, and encodable (no lone surrogates other than
# the ones surrogateescape makes of undecodable bytes).
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\x00"), max_size=40
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=texts, value=texts)
def test_any_value_reaches_asterisk_as_one_argument(name: str, value: str) -> None:
    wire = Wire(ok)
    agi = AGI(channel=wire, sighup=False)
    agi.set_variable(name, value)
    agi.database_put(name, "k", value)
    agi.stream_file(value, value)
    agi.verbose(value, 2)
    assert [c.args for c in wire.commands] == [
        (name, value),
        (name, "k", value),
        (value, value),
        (value, "2"),
    ]


@settings(max_examples=200, deadline=None)
@given(value=texts)
def test_quote_is_pyst2_shaped_and_escaped(value: str) -> None:
    agi = AGI(channel=Wire(), sighup=False)
    quoted = agi._quote(value)
    assert quoted.startswith('"') and quoted.endswith('"')
    assert split_args(f"X {quoted} Y") == ["X", value, "Y"]
    assert agi._process_digit_list(value) == quoted
    assert quote_arg(value) in (quoted, value)


def test_quote_and_digit_list_compatibility() -> None:
    agi = AGI(channel=Wire(), sighup=False)
    assert agi._quote("hello") == '"hello"'
    assert agi._quote(5) == '"5"'
    assert agi._quote(2.5) == '"2.5"'
    assert agi._quote('a"b') == '"a\\"b"'
    assert agi._process_digit_list([1, "#", 3]) == '"1#3"'
    assert agi._process_digit_list("123") == '"123"'


@pytest.mark.parametrize("bad", ["a\nb", "a\x00b", "ANSWER\nHANGUP"])
def test_unsendable_values_raise_and_send_nothing(bad: str) -> None:
    wire = Wire()
    agi = AGI(channel=wire, sighup=False)
    with pytest.raises(LocalProtocolError):
        agi.set_variable("X", bad)
    with pytest.raises(LocalProtocolError):
        agi.verbose(bad)
    assert wire.sent == b""
    agi.noop()  # the session is still usable
    assert wire.lines == ["NOOP"]
