"""The blocking pyst.agi.AGI: pyst2's API surface, streams, threads, SIGHUP and hangups."""

from __future__ import annotations

import inspect
import io
import os
import signal
import threading
from typing import Any

import pytest

import pyst.agi
from pyst import errors
from pyst.agi import (
    AGI,
    DEFAULT_RECORD,
    DEFAULT_TIMEOUT,
    AGIAppError,
    AGIDBError,
    AGIDeadChannelError,
    AGIEOFHangup,
    AGIError,
    AGIException,
    AGIHangup,
    AGIHangupNotice,
    AGIInvalidCommand,
    AGIReply,
    AGIResult,
    AGIResultHangup,
    AGISIGHUPHangup,
    AGISIGPIPEHangup,
    AGIUnknownError,
    AGIUsageError,
    Hangup,
)
from pyst.errors import LocalProtocolError, RemoteProtocolError
from tests.agi.test_agi_wire import CLOSE, ENV, Wire, ok, scripted

# --- pyst2's names ---------------------------------------------------------------------------

# PYST2.md §1.7: (method, parameters with defaults) of pyst2 0.5.1. Methods may add optional
# parameters after these, never change them.
PYST2_METHODS: dict[str, list[tuple[str, Any]]] = {
    "answer": [],
    "wait_for_digit": [("timeout", 2000)],
    "send_text": [("text", "")],
    "receive_char": [("timeout", 2000)],
    "tdd_mode": [("mode", "off")],
    "stream_file": [("filename", None), ("escape_digits", ""), ("sample_offset", 0)],
    "control_stream_file": [("filename", None), ("escape_digits", ""), ("skipms", 3000),
                            ("fwd", ""), ("rew", ""), ("pause", "")],
    "send_image": [("filename", None)],
    "say_digits": [("digits", None), ("escape_digits", "")],
    "say_number": [("number", None), ("escape_digits", "")],
    "say_alpha": [("characters", None), ("escape_digits", "")],
    "say_phonetic": [("characters", None), ("escape_digits", "")],
    "say_date": [("seconds", None), ("escape_digits", "")],
    "say_time": [("seconds", None), ("escape_digits", "")],
    "say_datetime": [("seconds", None), ("escape_digits", ""), ("format", ""), ("zone", "")],
    "get_data": [("filename", None), ("timeout", 2000), ("max_digits", 255)],
    "get_option": [("filename", None), ("escape_digits", ""), ("timeout", 0)],
    "set_context": [("context", None)],
    "set_extension": [("extension", None)],
    "set_priority": [("priority", None)],
    "goto_on_exit": [("context", ""), ("extension", ""), ("priority", "")],
    "record_file": [("filename", None), ("format", "gsm"), ("escape_digits", "#"),
                    ("timeout", 20000), ("offset", 0), ("beep", "beep"), ("silence", 0)],
    "set_autohangup": [("secs", None)],
    "hangup": [("channel", "")],
    "appexec": [("application", None), ("options", "")],
    "set_callerid": [("number", None)],
    "channel_status": [("channel", "")],
    "set_variable": [("name", None), ("value", None)],
    "get_variable": [("name", None)],
    "get_full_variable": [("name", None), ("channel", None)],
    "verbose": [("message", None), ("level", 1)],
    "database_get": [("family", None), ("key", None)],
    "database_put": [("family", None), ("key", None), ("value", None)],
    "database_del": [("family", None), ("key", None)],
    "database_deltree": [("family", None), ("key", "")],
    "noop": [],
    "exec_command": [("command", None), ("*args", None)],
    "execute": [("command", None), ("*args", None)],
    "send_command": [("command", None), ("*args", None)],
    "get_result": [("stdin", None)],
    "test_hangup": [],
    "_quote": [("string", None)],
    "_process_digit_list": [("digits", None)],
    "_handle_sighup": [("signum", None), ("frame", None)],
}


@pytest.mark.parametrize("name", sorted(PYST2_METHODS))
def test_pyst2_method_signatures(name: str) -> None:
    agi = AGI(channel=Wire(), sighup=False)
    params = list(inspect.signature(getattr(agi, name)).parameters.values())
    expected = PYST2_METHODS[name]
    got = []
    for param in params[: len(expected)]:
        if param.kind is param.VAR_POSITIONAL:
            got.append(("*" + param.name, None))
        else:
            default = None if param.default is param.empty else param.default
            got.append((param.name, default))
    assert got == expected
    # anything added after pyst2's parameters is optional (keyword or defaulted)
    for extra in params[len(expected):]:
        assert extra.default is not extra.empty or extra.kind is extra.VAR_KEYWORD


def test_pyst2_constructor_and_module_names() -> None:
    params = list(inspect.signature(AGI).parameters)
    assert params[:3] == ["stdin", "stdout", "stderr"]
    assert (DEFAULT_TIMEOUT, DEFAULT_RECORD) == (2000, 20000)
    assert pyst.agi.re_code.match("200 result=0").groups() == ("200", "result=0")
    assert pyst.agi.re_kv.findall("result=0 (timeout)") == [("result", "0", "timeout")]
    for name in ("AGI", "AGIException", "AGIError", "AGIUnknownError", "AGIAppError",
                 "AGIHangup", "AGISIGHUPHangup", "AGISIGPIPEHangup", "AGIResultHangup",
                 "AGIDBError", "AGIUsageError", "AGIInvalidCommand"):
        assert hasattr(pyst.agi, name), name
    assert pyst.agi.AsyncAGI.__name__ == "AsyncAGI"
    with pytest.raises(AttributeError):
        pyst.agi.NoSuchThing  # noqa: B018


def test_pyst2_exception_tree_on_pyst_errors() -> None:
    pairs = [
        (AGIError, AGIException), (AGIUnknownError, AGIError), (AGIAppError, AGIError),
        (AGIHangup, AGIAppError), (AGISIGHUPHangup, AGIHangup), (AGISIGPIPEHangup, AGIHangup),
        (AGIResultHangup, AGIHangup), (AGIDBError, AGIAppError), (AGIUsageError, AGIError),
        (AGIInvalidCommand, AGIError),
        # new ones, inside the tree
        (AGIHangupNotice, AGISIGHUPHangup), (AGIDeadChannelError, AGIHangup),
        (AGIEOFHangup, AGIHangup),
        # and pyst's own tree
        (AGIException, errors.AGIError), (AGIException, errors.PystError),
        (AGIHangup, errors.AGIHangup), (AGIDeadChannelError, errors.DeadChannelError),
        (AGIUsageError, errors.AGICommandError), (AGIInvalidCommand, errors.AGICommandError),
        (AGIEOFHangup, errors.ConnectionLostError), (AGISIGPIPEHangup, ConnectionError),
    ]
    for child, parent in pairs:
        assert issubclass(child, parent), (child, parent)
    assert not issubclass(AGIDBError, AGIHangup)
    usage = AGIUsageError("520-...", "the usage")
    assert (usage.code, usage.usage, str(usage)) == (520, "the usage", "520-...")
    invalid = AGIInvalidCommand("Invalid or unknown command")
    assert (invalid.code, invalid.usage) == (510, "")
    assert AGIUnknownError(503, "Unhandled code or undefined response").args[0] == 503


# --- environment and streams --------------------------------------------------------------


def test_environment_pyst2_view_and_core_view() -> None:
    raw = b"agi_request: x.py\nagi_channel:  PJSIP/1 \nagi_arg_1: a:b: c\n : ignored\n\n"
    agi = AGI(channel=Wire(env=raw), sighup=False)
    assert agi.env == {"agi_request": "x.py", "agi_channel": "PJSIP/1", "agi_arg_1": "a:b: c"}
    assert agi.environment is not None
    assert agi.environment["agi_channel"] == " PJSIP/1 "  # the core keeps the value as sent
    assert type(agi.env) is dict


@pytest.mark.parametrize("mode", ["text", "binary", "wrapper"])
def test_text_and_binary_streams(mode: str) -> None:
    replies = b"200 result=1 (caf\xc3\xa9)\n200 result=0\n"
    data = ENV.to_bytes() + replies
    if mode == "text":
        stdin: Any = io.StringIO(data.decode())
        stdout: Any = io.StringIO()
    elif mode == "binary":
        stdin, stdout = io.BytesIO(data), io.BytesIO()
    else:
        stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="\n")
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
    stderr = io.StringIO()
    agi = AGI(stdin, stdout, stderr, sighup=False)
    assert agi.get_variable("NAME") == "café"
    agi.verbose("é")
    assert agi.stdin is stdin and agi.stdout is stdout and agi.stderr is stderr
    written = stdout.getvalue() if mode == "text" else (
        stdout.getvalue() if mode == "binary" else stdout.buffer.getvalue()
    )
    if isinstance(written, str):
        written = written.encode()
    assert written == "GET VARIABLE NAME\nVERBOSE é 1\n".encode()
    assert stderr.getvalue() == ""  # no chatter (pyst2 wrote ARGS/ENV/COMMAND/RESULT lines)


def test_undecodable_bytes_survive_a_binary_round_trip() -> None:
    data = ENV.to_bytes() + b"200 result=1 (Jos\xe9)\n200 result=1\n"
    stdout = io.BytesIO()
    agi = AGI(io.BytesIO(data), stdout, sighup=False)
    name = agi.get_variable("CALLERID(name)")
    agi.set_variable("COPY", name)
    assert stdout.getvalue().endswith(b"SET VARIABLE COPY Jos\xe9\n")


def test_a_raw_stream_with_short_writes() -> None:
    class Trickle(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: Any) -> int:
            self.data += bytes(b[:3])
            return min(3, len(b))

    out = Trickle()
    agi = AGI(io.BytesIO(ENV.to_bytes() + b"200 result=1\n"), out, sighup=False)
    agi.verbose("a longer message")
    assert bytes(out.data) == b'VERBOSE "a longer message" 1\n'


def test_eof_before_the_environment_is_a_hangup() -> None:
    with pytest.raises(AGIEOFHangup):
        AGI(io.BytesIO(b""), io.BytesIO(), sighup=False)
    with pytest.raises(AGIEOFHangup):
        AGI(channel=Wire(env=None), sighup=False)
    with pytest.raises(RemoteProtocolError):
        AGI(io.BytesIO(b"agi_request: x\n"), io.BytesIO(), sighup=False)


# --- pyst2's low-level API ----------------------------------------------------------------


def test_send_command_get_result_execute() -> None:
    wire = Wire(scripted("200 result=0 (timeout) endpos=16117", "200 result=1", "200 result=0"))
    agi = AGI(channel=wire, sighup=False)
    agi.send_command("STREAM FILE", "beep", '"#"')
    result = agi.get_result()
    assert result == {"result": ("0", "timeout"), "endpos": ("16117", "")}
    assert isinstance(result, AGIResult)
    assert (result.code, result.endpos, result.timeout, result.value, result.data) == (
        200, 16117, True, "0", "timeout")
    assert "AGIResult" in repr(result) and result.result_int == 0
    assert agi.execute(" SET VARIABLE ", "A", '"b c"', "") == {"result": ("1", "")}
    assert agi.last_result is not None and agi.last_result.reply == AGIReply.success(1)
    assert agi.execute("NOOP") == {"result": ("0", "")}
    assert wire.lines == ['STREAM FILE beep "#"', 'SET VARIABLE A "b c"', "NOOP"]
    with pytest.raises(LocalProtocolError):
        agi.execute("VERBOSE", '"a\nNOOP"')
    with pytest.raises(TypeError):
        agi.send_command(pyst.agi.AGICommand("NOOP"), "extra")


def test_result_dict_keeps_the_timeout_marker() -> None:
    agi = AGI(channel=Wire(scripted("200 result= (timeout)")), sighup=False)
    assert agi.execute("GET DATA beep 500 4") == {"result": ("", "timeout")}


@pytest.mark.parametrize(
    ("reply", "error", "check"),
    [
        ("510 Invalid or unknown command", AGIInvalidCommand,
         lambda e: str(e) == "Invalid or unknown command" and e.code == 510),
        ("520 Invalid command syntax.  Proper usage not available.", AGIUsageError,
         lambda e: e.usage == "" and e.code == 520),
        ("520-Invalid command syntax.  Proper usage follows:\nUse it well.\n"
         "520 End of proper usage.", AGIUsageError,
         lambda e: e.usage == "Use it well." and str(e).startswith("520-Invalid")),
        ("511 Command Not Permitted on a dead channel or intercept routine",
         AGIDeadChannelError, lambda e: "NOOP" in str(e)),
        ("500 odd", AGIUnknownError, lambda e: e.args == (500, "Unhandled code or undefined "
                                                                "response")),
        ("200 result=-1", AGIAppError, lambda e: type(e) is AGIAppError),
        ("200 result=-1 (hangup)", AGIResultHangup, lambda e: True),
    ],
)
def test_reply_exceptions(reply: Any, error: type[Exception], check: Any) -> None:
    agi = AGI(channel=Wire(scripted(reply)), sighup=False)
    with pytest.raises(error) as info:
        agi.execute("NOOP")
    assert check(info.value)
    assert info.value.result is not None  # type: ignore[attr-defined]


def test_garbage_from_asterisk_is_a_remote_protocol_error() -> None:
    agi = AGI(channel=Wire(lambda c: [b"hello there\n"]), sighup=False)
    with pytest.raises(RemoteProtocolError):
        agi.noop()


# --- hangups ------------------------------------------------------------------------------


def test_hangup_line_between_commands_is_reported_once_then_dead_mode() -> None:
    wire = Wire(ok)
    agi = AGI(channel=wire, sighup=False)
    agi.answer()
    wire.hangup()
    agi.noop()  # reads the HANGUP line, then its own reply: fine
    with pytest.raises(AGIHangupNotice) as info:
        agi.set_variable("A", "1")  # reported before sending
    assert isinstance(info.value, AGISIGHUPHangup) and isinstance(info.value, errors.AGIHangup)
    agi.set_variable("A", "1")  # dead-safe: works now
    agi.verbose("cleanup")
    with pytest.raises(AGIDeadChannelError):
        agi.answer()  # not allowed on a dead channel: 511
    agi.database_put("f", "k", "v")
    assert wire.lines == ["ANSWER", "NOOP", "SET VARIABLE A 1", "VERBOSE cleanup 1", "ANSWER",
                          "DATABASE PUT f k v"]
    assert agi.hangup_noticed and agi.connected


def test_failure_after_the_hangup_line_is_reported_as_the_hangup() -> None:
    wire = Wire(scripted([Hangup(), "200 result=-1 endpos=10"], "200 result=1"))
    agi = AGI(channel=wire, sighup=False)
    with pytest.raises(AGIHangupNotice) as info:
        agi.stream_file("long-prompt")
    assert isinstance(info.value, AGIAppError)  # pyst2 code catching AGIAppError still works
    assert info.value.result is not None and info.value.result.endpos == 10
    agi.verbose("bye")  # no second report
    assert wire.lines == ['STREAM FILE long-prompt ""', "VERBOSE bye 1"]


def test_hangup_line_already_received_is_reported_before_sending() -> None:
    wire = Wire(ok, prefix=[Hangup()])  # arrives with the environment, in the same read
    agi = AGI(channel=wire, sighup=False)
    with pytest.raises(AGIHangupNotice):
        agi.stream_file("x")
    agi.noop()
    assert wire.lines == ["NOOP"]


def test_511_is_the_report_itself() -> None:
    # AGISIGHUP=no: Asterisk sends no HANGUP line, only 511 in dead mode.
    wire = Wire(ok)
    agi = AGI(channel=wire, sighup=False)
    wire.hangup(line=False)
    with pytest.raises(AGIDeadChannelError):
        agi.stream_file("x")  # reads HANGUP then 511
    agi.noop()
    agi.verbose("x")
    assert wire.lines == ['STREAM FILE x ""', "NOOP", "VERBOSE x 1"]


def test_channel_status_swallows_app_errors_but_not_hangups() -> None:
    wire = Wire(ok)
    agi = AGI(channel=wire, sighup=False)
    wire.hangup(line=False)
    with pytest.raises(AGIDeadChannelError):
        agi.channel_status()


def test_result_hangup_is_not_proof_without_the_notice() -> None:
    # RECEIVE CHAR on a channel without text support answers "-1 (hangup)" (capture j1).
    wire = Wire(scripted("200 result=-1 (hangup)", "200 result=0",
                         [Hangup(), "200 result=-1 (hangup)"], "200 result=1"))
    agi = AGI(channel=wire, sighup=False)
    with pytest.raises(AGIResultHangup):
        agi.receive_char(100)
    agi.noop()  # no hangup was reported: nothing pending
    with pytest.raises(AGIResultHangup):  # the notice came with it: this is the report
        agi.receive_char(100)
    agi.verbose("still usable")  # no second report
    assert len(wire.lines) == 4


def test_exit_on_hangup_raises_on_every_later_command() -> None:
    wire = Wire(ok)
    agi = AGI(channel=wire, sighup=False, exit_on_hangup=True)
    agi.noop()
    wire.hangup()
    agi.noop()
    for _ in range(3):
        with pytest.raises(AGIHangupNotice):
            agi.verbose("never sent")
    assert wire.lines == ["NOOP", "NOOP"]


def test_exit_on_hangup_after_511() -> None:
    wire = Wire(ok)
    agi = AGI(channel=wire, sighup=False, exit_on_hangup=True)
    wire.hangup(line=False)
    with pytest.raises(AGIDeadChannelError):
        agi.answer()
    with pytest.raises(AGIHangup) as info:
        agi.noop()
    assert type(info.value) is AGIHangup
    assert wire.lines == ["ANSWER"]


def test_eof_while_waiting_and_afterwards() -> None:
    wire = Wire(scripted(OK := "200 result=0", [CLOSE]))
    agi = AGI(channel=wire, sighup=False)
    assert OK
    agi.noop()
    with pytest.raises(AGIEOFHangup) as info:
        agi.noop()
    assert isinstance(info.value, ConnectionError)
    with pytest.raises(AGIEOFHangup):
        agi.verbose("not sent")
    with pytest.raises(AGIEOFHangup):
        agi.send_command("NOOP")
    assert not agi.connected and agi.hangup_noticed
    assert wire.lines == ["NOOP", "NOOP"]


def test_broken_pipe_is_sigpipe_hangup() -> None:
    wire = Wire(scripted("200 result=0"))
    agi = AGI(channel=wire, sighup=False)
    agi.noop()
    wire.closed = True  # Asterisk is gone; the next write fails
    with pytest.raises(AGISIGPIPEHangup) as info:
        agi.noop()
    assert isinstance(info.value.__cause__, BrokenPipeError)
    with pytest.raises(AGISIGPIPEHangup):
        agi.noop()


def test_connection_reset_while_reading_is_eof() -> None:
    class Resetting(Wire):
        def recv(self) -> bytes:
            if not self.pending:
                raise ConnectionResetError(104, "reset")
            return super().recv()

    agi = AGI(channel=Resetting(lambda c: []), sighup=False)
    with pytest.raises(AGIEOFHangup):
        agi.noop()


# --- SIGHUP and threads -------------------------------------------------------------------


@pytest.fixture
def restore_sighup() -> Any:
    previous = signal.getsignal(signal.SIGHUP)
    yield
    signal.signal(signal.SIGHUP, previous)


def test_sighup_is_reported_before_the_next_command(restore_sighup: Any) -> None:
    seen: list[int] = []
    signal.signal(signal.SIGHUP, lambda signum, frame: seen.append(signum))
    wire = Wire(ok)
    with AGI(channel=wire) as agi:
        assert signal.getsignal(signal.SIGHUP) == agi._handle_sighup
        agi.answer()
        wire.hangup(line=False)
        os.kill(os.getpid(), signal.SIGHUP)  # the handler runs before kill() returns here
        assert agi._got_sighup and seen == [signal.SIGHUP]  # the previous handler still runs
        with pytest.raises(AGISIGHUPHangup):
            agi.stream_file("x")  # not sent
        agi.set_variable("HUNG", "yes")  # dead mode: dead-safe commands work
        assert wire.lines == ["ANSWER", "SET VARIABLE HUNG yes"]
    assert signal.getsignal(signal.SIGHUP) != agi._handle_sighup  # restored on close
    agi.close()  # idempotent


def test_sighup_handler_is_optional_and_absent_off_the_main_thread(restore_sighup: Any) -> None:
    before = signal.getsignal(signal.SIGHUP)
    AGI(channel=Wire(), sighup=False)
    assert signal.getsignal(signal.SIGHUP) == before
    results: list[Any] = []

    def build(sighup: bool | None) -> None:
        try:
            agi = AGI(channel=Wire(), sighup=sighup)
            agi.noop()
            results.append(agi._sighup_installed)
            agi.close()
        except Exception as exc:
            results.append(exc)

    for wanted in (None, True):
        thread = threading.Thread(target=build, args=(wanted,))
        thread.start()
        thread.join(10)
    assert results[0] is False
    assert isinstance(results[1], ValueError)
    assert signal.getsignal(signal.SIGHUP) == before


def test_default_streams_are_the_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(ENV.to_bytes() + b"200 result=1 (\xff)\n"))
    stdout = io.TextIOWrapper(io.BytesIO())
    monkeypatch.setattr("sys.stdin", stdin)
    monkeypatch.setattr("sys.stdout", stdout)
    agi = AGI(sighup=False)
    assert agi.stdin is stdin and agi.stdout is stdout
    # read through the binary buffer: a byte that is not UTF-8 does not break the text layer
    assert agi.get_variable("X") == "\udcff"
    assert stdout.buffer.getvalue() == b"GET VARIABLE X\n"


def test_odd_output_streams() -> None:
    class NonBlocking(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b: Any) -> None:  # type: ignore[override]
            return None  # "would block"

    agi = AGI(io.BytesIO(ENV.to_bytes()), NonBlocking(), sighup=False)
    with pytest.raises(AGISIGPIPEHangup) as info:
        agi.noop()
    assert isinstance(info.value.__cause__, BlockingIOError)

    class Duck:
        def __init__(self, mode: str | None) -> None:
            if mode is not None:
                self.mode = mode
            self.written: list[Any] = []

        def write(self, data: Any) -> int:
            self.written.append(data)
            return len(data)

        def flush(self) -> None:
            pass

    for mode, kind in (("wb", memoryview), ("w", str), (None, str)):
        duck = Duck(mode)
        agi = AGI(io.BytesIO(ENV.to_bytes() + b"200 result=0\n"), duck, sighup=False)
        agi.noop()
        assert isinstance(duck.written[0], kind), mode


def test_sighup_where_the_platform_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(signal, "SIGHUP")
    AGI(channel=Wire(), sighup=None)
    with pytest.raises(ValueError, match="no SIGHUP"):
        AGI(channel=Wire(), sighup=True)


def test_close_leaves_a_handler_installed_since(restore_sighup: Any) -> None:
    agi = AGI(channel=Wire())
    assert agi._sighup_installed

    def other(signum: int, frame: Any) -> None:
        pass

    signal.signal(signal.SIGHUP, other)
    agi.close()
    assert signal.getsignal(signal.SIGHUP) is other

    agi2 = AGI(channel=Wire())
    closer = threading.Thread(target=agi2.close)
    closer.start()
    closer.join(10)
    assert signal.getsignal(signal.SIGHUP) == agi2._handle_sighup  # only the main thread may


def test_sighup_failing_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> None:
        raise ValueError("signal only works in main thread of the main interpreter")

    monkeypatch.setattr(signal, "signal", refuse)
    assert not AGI(channel=Wire())._sighup_installed
    with pytest.raises(ValueError, match="main interpreter"):
        AGI(channel=Wire(), sighup=True)
