"""pyst.agitb: pyst2's API, a real report on Python 3, and a hook that never raises."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from pyst import agitb
from pyst.agi import AGI, AGIReply, Hangup
from tests.agi.test_agi_wire import CLOSE, Wire, ok

ExcInfo = tuple[type[BaseException], BaseException, TracebackType]


class Grumpy:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


def failing(agi: Any, amount: int) -> None:
    ratio = amount
    grumpy = Grumpy()
    label = "a" * 500
    assert grumpy and label
    ratio = ratio / (amount - amount)  # ZeroDivisionError here


def capture_error(agi: Any = None) -> ExcInfo:
    try:
        failing(agi, 7)
    except ZeroDivisionError:
        info = sys.exc_info()
        assert info[0] is not None and info[1] is not None and info[2] is not None
        return info  # type: ignore[return-value]
    raise AssertionError("no error")


def test_text_has_frames_variables_exception_and_environment() -> None:
    agi = AGI(channel=Wire(), sighup=False)
    report = agitb.text(capture_error(agi), context=3)
    assert "ZeroDivisionError: division by zero" in report
    assert "in failing(agi=" in report and "amount=7" in report
    assert "-->" in report and "ratio = ratio / (amount - amount)" in report
    assert "local ratio = 7" in report and "local amount = 7" in report
    assert "AGI environment:" in report and "agi_channel: PJSIP/100-00000001" in report
    assert "Traceback (most recent call last):" in report  # the plain one closes the report


def _no_slicing(self: str, key: Any) -> str:
    raise RuntimeError("no slicing")


# reprlib dispatches on the type's name: a "str" whose slicing fails makes reprlib itself fail.
Sneaky = type("str", (str,), {"__getitem__": _no_slicing})


def test_text_survives_bad_reprs_and_truncates_long_values() -> None:
    try:
        grumpy = Grumpy()
        sneaky = Sneaky("x")
        value = "b" * 1000
        raise ValueError(grumpy, sneaky, value)
    except ValueError:
        report = agitb.text(sys.exc_info())  # type: ignore[arg-type]
    assert "local grumpy = <Grumpy instance at" in report
    assert "local sneaky = <unrepresentable str: RuntimeError>" in report
    assert "b" * 1000 not in report and "b" * 50 + "..." in report
    assert agitb.text((None, None, None)) == "No exception.\n"


def test_exception_attributes_are_listed() -> None:
    class Custom(Exception):
        code = 42

    try:
        raise Custom("x")
    except Custom:
        report = agitb.text(sys.exc_info())  # type: ignore[arg-type]
    assert "    code = 42" in report


def test_lookup_and_scanvars() -> None:
    frame = sys._getframe()
    local_value = {"k": 1}
    assert agitb.lookup("local_value", frame, frame.f_locals) == ("local", local_value)
    assert agitb.lookup("agitb", frame, frame.f_locals)[0] == "global"
    assert agitb.lookup("len", frame, frame.f_locals) == ("builtin", len)
    assert agitb.lookup("nowhere_at_all", frame, frame.f_locals) == (None, agitb.__UNDEF__)
    lines = iter(["x = local_value.keys() + nowhere.attr\n"])
    found = agitb.scanvars(lambda: next(lines, ""), frame, frame.f_locals)
    names = [name for name, _, _ in found]
    assert names[:3] == ["x", "local_value", "local_value.keys"]
    assert ("nowhere", None, agitb.__UNDEF__) in found
    broken = iter(["foo(\n"])
    assert agitb.scanvars(lambda: next(broken, ""), frame, frame.f_locals)[0][0] == "foo"
    assert repr(agitb.__UNDEF__) == "undefined" and agitb.__version__


def test_hook_reports_through_verbose_while_the_channel_is_alive() -> None:
    wire = Wire(ok)
    agi = AGI(channel=wire, sighup=False)
    out = io.StringIO()
    agitb.Hook(agi=agi, file=out, context=1)(*capture_error())
    assert out.getvalue() == ""
    assert wire.lines and all(line.endswith(" 4") for line in wire.lines)
    assert all(c.name == "verbose" for c in wire.commands)
    sent = [c.args[0] for c in wire.commands]
    assert "ZeroDivisionError: division by zero" in sent
    assert any("agi_callerid: 100" in s for s in sent)


def test_hook_after_hangup_falls_back_to_the_file_and_never_raises() -> None:
    wire = Wire(lambda c: [Hangup(), AGIReply.success(1)])  # every reply brings a HANGUP
    agi = AGI(channel=wire, sighup=False, exit_on_hangup=True)
    agi.noop()
    out = io.StringIO()
    agitb.Hook(agi=agi, file=out)(*capture_error())  # VERBOSE now raises the hangup
    assert "ZeroDivisionError" in out.getvalue()

    closed = Wire(lambda c: [CLOSE])
    agi2 = AGI(channel=closed, sighup=False)
    with pytest.raises(Exception):  # noqa: B017 - the connection is gone
        agi2.noop()
    out2 = io.StringIO()
    agitb.Hook(agi=agi2, file=out2).handle(capture_error())
    assert "ZeroDivisionError" in out2.getvalue()


def test_hook_with_a_broken_file_and_broken_agi_does_not_raise(capsys: Any) -> None:
    class BrokenFile(io.StringIO):
        def write(self, s: str) -> int:
            raise OSError("disk on fire")

    class BrokenAGI:
        def verbose(self, message: str, level: int) -> None:
            raise RuntimeError("nope")

    agitb.Hook(agi=BrokenAGI(), file=BrokenFile())(*capture_error())


def test_hook_logdir_and_display_off(tmp_path: Path) -> None:
    out = io.StringIO()
    agitb.Hook(display=0, logdir=tmp_path, file=out)(*capture_error())
    assert out.getvalue() == ""
    (report,) = tmp_path.glob("*.txt")
    assert "ZeroDivisionError" in report.read_text()

    agitb.Hook(display=1, logdir=tmp_path, file=out)(*capture_error())
    assert "The report was written to" in out.getvalue()
    assert len(list(tmp_path.glob("*.txt"))) == 2

    missing = tmp_path / "missing" / "dir"
    agitb.Hook(display=0, logdir=missing, file=out)(*capture_error())  # logged, not raised


def test_hook_handle_without_info_uses_the_current_exception() -> None:
    out = io.StringIO()
    hook = agitb.Hook(file=out)
    try:
        raise KeyError("current")
    except KeyError:
        hook.handle()
    assert "KeyError" in out.getvalue()


def test_hook_with_an_async_session_writes_to_the_file() -> None:
    from pyst.agi.aio import AsyncAGI
    from tests.agi.test_agi_wire import AsyncWire

    out = io.StringIO()
    agitb.Hook(agi=AsyncAGI(AsyncWire()), file=out)(*capture_error())
    assert "ZeroDivisionError" in out.getvalue()


def test_enable_installs_the_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(agitb, "handler", agitb.handler)
    hook = agitb.enable(display=0)
    assert sys.excepthook is hook and agitb.handler == hook.handle
    assert (hook.display, hook.logdir, hook.context, hook.agi) == (0, None, 5, None)


def test_the_report_falls_back_to_the_plain_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_text(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("report failed")

    monkeypatch.setattr(agitb, "text", broken_text)
    out = io.StringIO()
    agitb.Hook(file=out)(*capture_error())
    assert out.getvalue().startswith("Traceback (most recent call last):")
