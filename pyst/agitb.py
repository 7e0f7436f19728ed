"""AGI-aware tracebacks: pyst2's ``asterisk.agitb``, working on Python 3.

A detailed report of an uncaught exception (every frame with its source and the values of the
variables on the failing line, the exception's attributes, the AGI environment) goes to the
channel's log through ``VERBOSE`` while the channel can take it, otherwise to a file (stderr by
default), and to a log directory when one is given::

    import pyst.agitb, pyst.agi
    agi = pyst.agi.AGI()
    pyst.agitb.enable(agi, display=True, logdir="/var/log/asterisk/agi")

pyst2's version referenced ``types.ClassType`` and silently fell back to a plain traceback on
Python 3 (PYST2.md §2, T1), and could raise inside the excepthook after a hangup. Here the
hook never raises: whatever goes wrong while reporting, the plain traceback is still written.
"""

from __future__ import annotations

import builtins
import inspect
import keyword
import linecache
import logging
import os
import reprlib
import sys
import tempfile
import time
import tokenize
import traceback
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import IO, Any

from pyst.agi.session import AGISession

__all__ = ["Hook", "enable", "handler", "lookup", "scanvars", "text"]
__author__ = "pyst-sim developers"
__version__ = "0.1.0"

logger = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException] | None, BaseException | None, TracebackType | None]


class _Undefined:
    """pyst2's ``__UNDEF__``: a name the report could not find."""

    def __repr__(self) -> str:
        return "undefined"


__UNDEF__ = _Undefined()

_repr = reprlib.Repr()
_repr.maxstring = 200
_repr.maxother = 200
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 20
_repr.maxlevel = 3


def _safe_repr(value: object) -> str:
    try:
        return _repr.repr(value)
    except Exception as exc:  # a __repr__ that raises must not break the report
        return f"<unrepresentable {type(value).__name__}: {type(exc).__name__}>"


def lookup(name: str, frame: FrameType, locals: dict[str, Any]) -> tuple[str | None, Any]:
    """Where ``name`` is found from ``frame`` and its value: ``('local', v)``,
    ``('global', v)``, ``('builtin', v)``, or ``(None, __UNDEF__)``."""
    if name in locals:
        return "local", locals[name]
    if name in frame.f_globals:
        return "global", frame.f_globals[name]
    found = getattr(builtins, name, __UNDEF__)
    if found is not __UNDEF__:
        return "builtin", found
    return None, __UNDEF__


def scanvars(
    reader: Callable[[], str], frame: FrameType, locals: dict[str, Any]
) -> list[tuple[str, str | None, Any]]:
    """The variables (and dotted attributes, ``agi.env``) on the source lines ``reader``
    returns (a ``readline``-like callable), with where they were found and their values."""
    found: list[tuple[str, str | None, Any]] = []
    seen: set[str] = set()
    parent: Any = None
    prefix = ""
    last = ""
    try:
        for token_type, token, _start, _end, _line in tokenize.generate_tokens(reader):
            if token_type == tokenize.NEWLINE:
                break
            if token_type == tokenize.NAME and not keyword.iskeyword(token):
                if last == ".":
                    if parent is not __UNDEF__ and parent is not None:
                        value = getattr(parent, token, __UNDEF__)
                        name = prefix + token
                        if name not in seen:
                            seen.add(name)
                            found.append((name, None, value))
                        parent, prefix = value, name + "."
                else:
                    where, value = lookup(token, frame, locals)
                    if token not in seen:
                        seen.add(token)
                        found.append((token, where, value))
                    parent, prefix = value, token + "."
            elif token != ".":
                parent, prefix = None, ""
            last = token
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # a partial statement: keep what was found
    return found


def _frame_lines(
    frame: FrameType, filename: str, lineno: int, context: int
) -> tuple[list[str], list[tuple[str, str | None, Any]]]:
    first = max(1, lineno - context // 2)
    source = [
        f"{'-->' if n == lineno else '   '}{n:5d} {linecache.getline(filename, n).rstrip()}"
        for n in range(first, first + max(context, 1))
        if linecache.getline(filename, n)
    ]
    line_iter = iter([linecache.getline(filename, lineno)])

    def reader() -> str:
        return next(line_iter, "")

    return source, scanvars(reader, frame, frame.f_locals)


def _find_agi(tb: TracebackType | None) -> AGISession | None:
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if isinstance(value, AGISession):
                return value
        tb = tb.tb_next
    return None


def text(eparams: ExcInfo, context: int = 5, agi: AGISession | None = None) -> str:
    """A plain-text report of the exception ``eparams`` (``sys.exc_info()``): the frames with
    ``context`` lines of source and the variables of each failing line, the exception's
    attributes, the AGI environment (of ``agi``, or of an AGI session found in the frames),
    then the usual traceback. Never raises for odd values (a failing ``repr`` is shown as
    such)."""
    etype, evalue, etb = eparams
    if etype is None:
        return "No exception.\n"
    frames = inspect.getinnerframes(etb, 0) if etb is not None else []
    name = etype.__name__
    lines = [
        f"{name}: Python {sys.version.split()[0]} ({sys.executable}), "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}",
        "A problem occurred in a Python script. Here is the sequence of function calls "
        "leading up to the error, in the order they occurred.",
        "",
    ]
    for frame, filename, lineno, function, _code, _index in frames:
        try:
            args = inspect.formatargvalues(
                *inspect.getargvalues(frame), formatvalue=lambda v: "=" + _safe_repr(v)
            )
        except Exception:
            args = "(...)"
        where = f" in {function}{args}" if function != "<module>" else ""
        lines.append(f" {os.path.abspath(filename)}{where}")
        source, variables = _frame_lines(frame, filename, lineno, context)
        lines.extend(source)
        shown = []
        for var, place, value in variables:
            label = f"{place} {var}" if place else var
            shown.append(f"{label} = {_safe_repr(value)}")
        if shown:
            lines.append("      " + ", ".join(shown))
        lines.append("")
    lines.append(f"{name}: {_safe_str(evalue)}")
    if evalue is not None:
        for attribute in sorted(dir(evalue)):
            if attribute.startswith("_") or attribute == "args":
                continue
            try:
                value = getattr(evalue, attribute)
            except Exception:
                continue
            if callable(value):
                continue
            lines.append(f"    {attribute} = {_safe_repr(value)}")
    session = agi if agi is not None else _find_agi(etb)
    if session is not None and session.env:
        lines.append("")
        lines.append("AGI environment:")
        lines.extend(f"    {key}: {value}" for key, value in session.env.items())
    lines.append("")
    lines.append("The above is a description of an error in a Python program. Here is")
    lines.append("the original traceback:")
    lines.append("")
    lines.extend(_plain(eparams).rstrip("\n").split("\n"))
    return "\n".join(lines) + "\n"


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return _safe_repr(value)


def _plain(eparams: ExcInfo) -> str:
    try:
        return "".join(traceback.format_exception(*eparams))
    except Exception:  # pragma: no cover - format_exception failing is exotic
        return f"{eparams[0]!r}: {eparams[1]!r}\n"


class Hook:
    """An exception handler that reports through AGI (pyst2's ``agitb.Hook``).

    Args:
        display: show the report: through ``agi.verbose(line, 4)`` when ``agi`` is a usable
            blocking session, else on ``file``.
        logdir: also write the report to a new ``.txt`` file in this directory.
        context: source lines shown around each frame's current line.
        file: where to display when not through AGI (default: ``sys.stderr`` at the time).
        agi: the blocking AGI session of the script.
    """

    def __init__(
        self,
        display: int | bool = 1,
        logdir: str | os.PathLike[str] | None = None,
        context: int = 5,
        file: IO[str] | None = None,
        agi: Any = None,
    ) -> None:
        self.display = display
        self.logdir = logdir
        self.context = context
        self.file = file
        self.agi = agi

    def __call__(
        self,
        etype: type[BaseException] | None,
        evalue: BaseException | None,
        etb: TracebackType | None,
    ) -> None:
        self.handle((etype, evalue, etb))

    def handle(self, info: ExcInfo | None = None) -> None:
        """Report ``info`` (default: the exception being handled). Never raises."""
        try:
            self._handle(info or sys.exc_info())
        except BaseException:  # the last line of defence inside an excepthook
            with _suppressed():
                traceback.print_exception(*(info or sys.exc_info()), file=sys.__stderr__)

    def _handle(self, info: ExcInfo) -> None:
        session = self.agi if isinstance(self.agi, AGISession) else None
        try:
            report = text(info, self.context, agi=session)
        except Exception:
            report = _plain(info)
            logger.debug("agitb: the detailed report failed", exc_info=True)
        if self.display:
            self._display(report)
        if self.logdir is not None:
            path = self._write_log(report)
            if path is not None and self.display:
                self._display(
                    f"A problem occurred in a Python script.\nThe report was written to {path}\n"
                )

    def _display(self, report: str) -> None:
        if self._verbose(report):
            return
        file = self.file if self.file is not None else sys.stderr
        with _suppressed():
            file.write(report)
            file.flush()

    def _verbose(self, report: str) -> bool:
        """Send the report through ``agi.verbose``; False if there is no usable session or
        the channel stopped taking commands (hung up, connection gone)."""
        agi = self.agi
        verbose = getattr(agi, "verbose", None)
        if agi is None or verbose is None or inspect.iscoroutinefunction(verbose):
            return False
        if isinstance(agi, AGISession) and not agi.connected:
            return False
        try:
            for line in report.splitlines():
                verbose(line, 4)
        except Exception as exc:
            logger.debug("agitb: reporting through VERBOSE stopped: %r", exc)
            return False
        return True

    def _write_log(self, report: str) -> str | None:
        assert self.logdir is not None
        try:
            fd, path = tempfile.mkstemp(suffix=".txt", dir=os.fspath(self.logdir))
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as out:
                out.write(report)
        except OSError as exc:
            logger.warning("agitb: cannot write the report to %s: %s", self.logdir, exc)
            return None
        return path


class _suppressed:
    """``contextlib.suppress(BaseException)`` without importing contextlib for one use."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> bool:
        return True


#: pyst2: the module's default handler (``enable`` rebinds it).
handler: Callable[[ExcInfo | None], None] = Hook().handle


def enable(
    agi: Any = None,
    display: int | bool = 1,
    logdir: str | os.PathLike[str] | None = None,
    context: int = 5,
) -> Hook:
    """Install a :class:`Hook` as ``sys.excepthook`` (and as :data:`handler`); returns it."""
    global handler
    hook = Hook(display=display, logdir=logdir, context=context, agi=agi)
    sys.excepthook = hook
    handler = hook.handle
    return hook
