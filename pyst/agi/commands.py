"""Every AGI command as a method, written once for the blocking and the asyncio session.

Each command method is a generator: it builds the command line (arguments quoted with the
core's :func:`~pyst.agi.quoting.quote_arg`, so any text reaches Asterisk as one argument),
yields it as an :class:`~pyst.agi.messages.AGICommand`, receives the
:class:`~pyst.agi.results.AGIResult` of the reply (or has the reply's exception thrown in, so it
can handle it as pyst2 did), and returns what pyst2 returned. :func:`agi_command` turns such a
generator into a descriptor: on the blocking :class:`~pyst.agi.AGI` (a :class:`SyncRunner`)
the method runs the exchange and returns the value; on :class:`~pyst.agi.aio.AsyncAGI` (an
:class:`AsyncRunner`) it is a coroutine function. Both drive the generator with their own
``execute``, so a subclass that overrides ``execute`` sees every command.

Names, parameters, defaults and return conventions are pyst2 0.5.1's (PYST2.md §1.7); the
commands pyst2 did not wrap (``GOSUB``, ``SET MUSIC``, ``SPEECH *``, ``RECEIVE TEXT``,
``ASYNCAGI BREAK``) follow the same style. What changed on the wire, without changing what
Asterisk does: every argument is quoted only as needed (escape digits always in quotes, as
pyst2 wrote them), optional trailing arguments left at their defaults are not sent, and
``SET PRIORITY`` is upper case.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import Any, Concatenate, Generic, ParamSpec, TypeAlias, TypeVar, cast, overload

from pyst.agi.exceptions import (
    AGIAppError,
    AGIDBError,
    AGIError,
    AGIException,
    AGIHangup,
    with_result,
)
from pyst.agi.messages import AGICommand, _valid_command
from pyst.agi.quoting import quote_arg
from pyst.agi.results import AGIResult, AGIValue, SpeechResult, digit
from pyst.agi.session import AGISession

__all__ = [
    "DEFAULT_RECORD",
    "DEFAULT_TIMEOUT",
    "AGICommandMethod",
    "AGICommands",
    "AsyncRunner",
    "Digits",
    "Steps",
    "SyncRunner",
    "agi_command",
]

#: pyst2: milliseconds waited by ``wait_for_digit``, ``receive_char`` and ``get_data``.
DEFAULT_TIMEOUT = 2000
#: pyst2: the longest recording of ``record_file``, in milliseconds.
DEFAULT_RECORD = 20000

T = TypeVar("T")
P = ParamSpec("P")

#: A command method's body: yields commands, receives their results, returns the value.
Steps: TypeAlias = Generator[AGICommand, AGIResult, T]
#: DTMF digits as pyst2 took them: ``"12#"``, ``5``, or a list such as ``[1, "#", 3]``.
Digits: TypeAlias = "str | int | Sequence[str | int]"


# --- the two runners ---------------------------------------------------------------------------


def _bind_command_methods(cls: type, attribute: str) -> None:
    """Put each command method ``cls`` inherits as a descriptor into ``cls`` itself as the
    plain function for its runner (``attribute``: ``_sync`` or ``_async``). Reading
    ``agi.answer`` is then Python's own method binding, not a call to
    :meth:`AGICommandMethod.__get__` on every command; a method a class defines itself is
    left alone."""
    for name in dir(cls):
        method = inspect.getattr_static(cls, name)
        if isinstance(method, AGICommandMethod):
            setattr(cls, name, getattr(method, attribute))


class SyncRunner(AGISession):
    """Base of blocking sessions: runs command generators through :meth:`execute`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _bind_command_methods(cls, "_sync")

    def execute(self, command: str | AGICommand, *args: object) -> AGIResult:
        """Send one command and return its result (implemented by the I/O class)."""
        raise NotImplementedError

    def _drive(self, steps: Steps[T]) -> T:
        try:
            command = next(steps)
            while True:
                try:
                    result = self.execute(command)
                except AGIException as exc:
                    command = steps.throw(exc)
                else:
                    command = steps.send(result)
        except StopIteration as stop:
            return cast(T, stop.value)


class AsyncRunner(AGISession):
    """Base of asyncio sessions: command generators run through ``await execute`` (the loop
    is in :class:`AGICommandMethod`, written out to save a coroutine per command)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _bind_command_methods(cls, "_async")

    async def execute(self, command: str | AGICommand, *args: object) -> AGIResult:
        """Send one command and return its result (implemented by the I/O class)."""
        raise NotImplementedError


class AGICommandMethod(Generic[P, T]):
    """A command method shared by both runners (see the module docstring).

    ``commands`` names the AGI commands the method sends (lower case, as in
    :data:`~pyst.agi.spec.COMMANDS`). On an instance it is a bound method (a coroutine function
    on an :class:`AsyncRunner`); on the class it is this descriptor, which can also be called
    with the instance first (``AGI.verbose(agi, "hi")``).
    """

    def __init__(self, func: Callable[Concatenate[Any, P], Steps[T]], commands: tuple[str, ...]):
        self.func = func
        self.commands = commands

        def sync_method(agi: SyncRunner, *args: P.args, **kwargs: P.kwargs) -> T:
            return agi._drive(func(agi, *args, **kwargs))

        async def async_method(agi: AsyncRunner, *args: P.args, **kwargs: P.kwargs) -> T:
            # SyncRunner._drive as a coroutine, written out here: one frame less per command.
            steps = func(agi, *args, **kwargs)
            execute = agi.execute
            try:
                command = next(steps)
                while True:
                    try:
                        result = await execute(command)
                    except AGIException as exc:
                        command = steps.throw(exc)
                    else:
                        command = steps.send(result)
            except StopIteration as stop:
                value: T = stop.value  # (an annotation rather than cast(): no call)
                return value

        self._sync = functools.update_wrapper(sync_method, func)
        self._async = functools.update_wrapper(async_method, func)
        functools.update_wrapper(self, func)

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> AGICommandMethod[P, T]: ...
    @overload
    def __get__(self, obj: SyncRunner, owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(self, obj: AsyncRunner, owner: type[Any]) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: object, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        if isinstance(obj, AsyncRunner):
            return types.MethodType(self._async, obj)
        return types.MethodType(self._sync, obj)

    def __call__(self, agi: SyncRunner | AsyncRunner, *args: P.args, **kwargs: P.kwargs) -> Any:
        """Call on an explicit instance: ``AGI.answer(agi)``."""
        return self.__get__(agi, type(agi))(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<AGI command method {self.func.__name__} ({', '.join(self.commands)})>"


def agi_command(
    *commands: str,
) -> Callable[[Callable[Concatenate[Any, P], Steps[T]]], AGICommandMethod[P, T]]:
    """Decorator: make a command generator a method of both runners (``commands``: the AGI
    commands it sends, lower case)."""

    def decorate(func: Callable[Concatenate[Any, P], Steps[T]]) -> AGICommandMethod[P, T]:
        return AGICommandMethod(func, commands)

    return decorate


# --- argument helpers --------------------------------------------------------------------------


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _arg(value: object) -> str:
    """One argument, quoted only when it needs to be."""
    return quote_arg(value if isinstance(value, str) else str(value))  # _text(), written out


def _quoted(value: object) -> str:
    """One argument, always in double quotes (pyst2's ``_quote``, but escaped)."""
    quoted = quote_arg(_text(value))
    return quoted if quoted.startswith('"') else f'"{quoted}"'


def _digit_text(digits: object) -> str:
    """pyst2's ``_process_digit_list`` before quoting: a list or tuple is joined."""
    if isinstance(digits, (list, tuple)):
        return "".join(map(str, digits))
    return _text(digits)


def _escape(digits: object) -> str:
    return _quoted(_digit_text(digits))


def _line(name: str, *tokens: str) -> AGICommand:
    line = f"{name} {' '.join(tokens)}" if tokens else name
    if "\n" in line or "\x00" in line or line[:1] in "fF":
        return AGICommand(line)  # raises, or takes its long way for an empty line
    # What AGICommand(line) builds after its checks pass; this runs for every command.
    return _valid_command(line)


# --- the commands ------------------------------------------------------------------------------


class AGICommands:
    """The AGI command methods (mixed into :class:`~pyst.agi.AGI` and
    :class:`~pyst.agi.aio.AsyncAGI`).

    Besides what each method lists, every command can raise what a reply means
    (:func:`~pyst.agi.results.reply_error`): an :class:`~pyst.agi.exceptions.AGIHangup`
    subclass when the channel hung up (see :mod:`pyst.agi.session`: SIGHUP, the ``HANGUP``
    line, ``511``, ``(hangup)``, the end of the connection, a failed write),
    :class:`~pyst.agi.exceptions.AGIAppError` for ``result=-1``,
    :class:`~pyst.agi.exceptions.AGIInvalidCommand` (510),
    :class:`~pyst.agi.exceptions.AGIUsageError` (520, with ``usage``),
    :class:`~pyst.agi.exceptions.AGIUnknownError` (other codes), and
    :class:`~pyst.errors.LocalProtocolError` for an argument no AGI line can carry (a newline
    or NUL). "Digit" methods return ``''`` when no key was pressed, else the key, as an
    :class:`~pyst.agi.results.AGIValue` that also has ``endpos``/``timeout``.
    """

    env: dict[str, str]

    # pyst2's private helpers, kept because scripts call them.
    def _quote(self, string: object) -> str:
        """``string`` in double quotes with ``"`` and ``\\`` escaped (pyst2 did not escape).

        Raises:
            LocalProtocolError: it holds a newline or NUL.
        """
        return _quoted(string)

    def _process_digit_list(self, digits: Digits) -> str:
        """pyst2: a digit string or list (``[1, '#', 3]``) joined and quoted."""
        return _escape(digits)

    # --- call control -------------------------------------------------------------------

    @agi_command("answer")
    def answer(self) -> Steps[None]:
        """Answer the channel if it is not up yet (``ANSWER``)."""
        yield _line("ANSWER")

    @agi_command("hangup")
    def hangup(self, channel: str = "") -> Steps[None]:
        """Hang up this channel, or the one named (``HANGUP [channel]``).

        Raises:
            AGIAppError: the named channel does not exist (``result=-1``).
        """
        if channel:
            yield _line("HANGUP", _arg(channel))
        else:
            yield _line("HANGUP")

    @agi_command("channel status")
    def channel_status(self, channel: str = "") -> Steps[int]:
        """The state of this channel or the one named (``CHANNEL STATUS``): 0 down, 1 reserved,
        2 off hook, 3 dialing, 4 ring, 5 ringing, 6 up, 7 busy, 8 dialing off hook, 9 pre-ring;
        -1 when the named channel does not exist (pyst2 swallowed that error; so does this).

        Raises:
            AGIHangup: the channel hung up (511 in dead mode).
        """
        try:
            if channel:
                result = yield _line("CHANNEL STATUS", _arg(channel))
            else:
                result = yield _line("CHANNEL STATUS")
        except AGIHangup:
            raise
        except AGIAppError:
            return -1
        try:
            return int(result.value)
        except ValueError:
            exc = AGIError(f"Unable to read channel status: {result.value}")
        raise with_result(exc, result)

    @agi_command("set autohangup")
    def set_autohangup(self, secs: float) -> Steps[None]:
        """Hang the channel up ``secs`` seconds from now; 0 cancels (``SET AUTOHANGUP``)."""
        yield _line("SET AUTOHANGUP", _arg(secs))

    @agi_command("set callerid")
    def set_callerid(self, number: str) -> Steps[None]:
        """Set the caller ID; ``'"Name" <100>'`` works (it is quoted) (``SET CALLERID``)."""
        yield _line("SET CALLERID", _arg(number))

    @agi_command("set context")
    def set_context(self, context: str) -> Steps[None]:
        """The context the dialplan continues in after the AGI (``SET CONTEXT``)."""
        yield _line("SET CONTEXT", _arg(context))

    @agi_command("set extension")
    def set_extension(self, extension: str) -> Steps[None]:
        """The extension the dialplan continues at after the AGI (``SET EXTENSION``)."""
        yield _line("SET EXTENSION", _arg(extension))

    @agi_command("set priority")
    def set_priority(self, priority: int | str) -> Steps[None]:
        """The priority (number or label) the dialplan continues at (``SET PRIORITY``).

        Raises:
            AGIUsageError: an unknown label.
        """
        yield _line("SET PRIORITY", _arg(priority))

    @agi_command("set context", "set extension", "set priority")
    def goto_on_exit(
        self, context: str = "", extension: str = "", priority: int | str = ""
    ) -> Steps[None]:
        """Continue the dialplan at (context, extension, priority) after the AGI; blanks are
        taken from the environment, and left alone when it does not have them (pyst2 raised
        KeyError)."""
        env = self.env
        context = context or env.get("agi_context", "")
        extension = extension or env.get("agi_extension", "")
        priority = priority or env.get("agi_priority", "")
        if context:
            yield _line("SET CONTEXT", _arg(context))
        if extension:
            yield _line("SET EXTENSION", _arg(extension))
        if priority != "":
            yield _line("SET PRIORITY", _arg(priority))

    @agi_command("set music")
    def set_music(self, on: bool | str = True, music_class: str = "") -> Steps[None]:
        """Start (``on`` true or ``"on"``) or stop music on hold, optionally of one class
        (``SET MUSIC on|off [class]``)."""
        if isinstance(on, str):
            state = on
        else:
            state = "on" if on else "off"
        if music_class:
            yield _line("SET MUSIC", _arg(state), _arg(music_class))
        else:
            yield _line("SET MUSIC", _arg(state))

    @agi_command("tdd mode")
    def tdd_mode(self, mode: str | bool = "off") -> Steps[None]:
        """Switch TDD mode: ``on``, ``off``, ``tdd`` or ``mate`` (``TDD MODE``).

        Raises:
            AGIAppError: the channel is not TDD-capable (``result=0``).
        """
        if isinstance(mode, bool):
            mode = "on" if mode else "off"
        result = yield _line("TDD MODE", _arg(mode))
        if result.value == "0":
            channel = self.env.get("agi_channel", "UNKNOWN")
            raise with_result(AGIAppError(f"Channel {channel} is not TDD-capable"), result)

    @agi_command("noop")
    def noop(self) -> Steps[None]:
        """Do nothing (``NOOP``); works on a dead channel."""
        yield _line("NOOP")

    @agi_command("verbose")
    def verbose(self, message: str, level: int = 1) -> Steps[None]:
        """Log ``message`` on the Asterisk console at verbose ``level`` 1-4 (``VERBOSE``);
        works on a dead channel."""
        yield _line("VERBOSE", _arg(message), _arg(level))

    @agi_command("asyncagi break")
    def asyncagi_break(self) -> Steps[None]:
        """End an AsyncAGI session (``ASYNCAGI BREAK``); works on a dead channel."""
        yield _line("ASYNCAGI BREAK")

    # --- variables and the AstDB ------------------------------------------------------

    @agi_command("set variable")
    def set_variable(self, name: str, value: object) -> Steps[None]:
        """Set a channel variable (``SET VARIABLE``); works on a dead channel."""
        yield _line("SET VARIABLE", _arg(name), _arg(value))

    @agi_command("get variable")
    def get_variable(self, name: str) -> Steps[AGIValue]:
        """A channel variable's value, ``''`` when unset (``GET VARIABLE``). A value that is
        literally ``hangup`` is returned as such. Works on a dead channel."""
        result = yield _line("GET VARIABLE", _arg(name))
        return AGIValue(result.data, result)

    @agi_command("get full variable")
    def get_full_variable(self, name: str, channel: str | None = None) -> Steps[AGIValue]:
        """Evaluate an expression such as ``${CALLERID(num)}`` on this channel or the one named
        (``GET FULL VARIABLE``); ``''`` when it is empty or the channel does not exist."""
        if channel:
            result = yield _line("GET FULL VARIABLE", _arg(name), _arg(channel))
        else:
            result = yield _line("GET FULL VARIABLE", _arg(name))
        return AGIValue(result.data, result)

    @agi_command("database get")
    def database_get(self, family: str, key: str) -> Steps[AGIValue]:
        """The AstDB value of ``family``/``key`` (``DATABASE GET``).

        Raises:
            AGIDBError: no such key (``result=0``).
            AGIError: any other result.
        """
        result = yield _line("DATABASE GET", _arg(family), _arg(key))
        if result.value == "1":
            return AGIValue(result.data, result)
        if result.value == "0":
            raise with_result(
                AGIDBError(f"Key not found in database: family={family}, key={key}"), result
            )
        raise with_result(
            AGIError(
                f"Unknown exception for : family={family}, key={key}, result={dict(result)!r}"
            ),
            result,
        )

    @agi_command("database put")
    def database_put(self, family: str, key: str, value: object) -> Steps[None]:
        """Store an AstDB value (``DATABASE PUT``).

        Raises:
            AGIDBError: Asterisk could not store it (``result=0``).
        """
        result = yield _line("DATABASE PUT", _arg(family), _arg(key), _arg(value))
        if result.value == "0":
            raise with_result(
                AGIDBError(
                    f"Unable to put value in database: family={family}, key={key}, "
                    f"value={value}"
                ),
                result,
            )

    @agi_command("database del")
    def database_del(self, family: str, key: str) -> Steps[None]:
        """Delete an AstDB key (``DATABASE DEL``). Asterisk 22 answers ``result=1`` even for a
        key that does not exist.

        Raises:
            AGIDBError: ``result=0``.
        """
        result = yield _line("DATABASE DEL", _arg(family), _arg(key))
        if result.value == "0":
            raise with_result(
                AGIDBError(f"Unable to delete from database: family={family}, key={key}"),
                result,
            )

    @agi_command("database deltree")
    def database_deltree(self, family: str, key: str = "") -> Steps[bool]:
        """Delete a family, or one key tree in it (``DATABASE DELTREE``).

        Returns True when something was deleted. Asterisk 22 answers ``result=0`` when entries
        were deleted and ``result=1`` when none were (or the database failed), the reverse of
        its documentation (res_agi.c handle_dbdeltree); pyst2 raised AGIDBError on success.
        """
        if key:
            result = yield _line("DATABASE DELTREE", _arg(family), _arg(key))
        else:
            result = yield _line("DATABASE DELTREE", _arg(family))
        return result.value == "0"

    # --- applications -----------------------------------------------------------------

    @agi_command("exec")
    def appexec(self, application: str, options: str = "") -> Steps[AGIValue]:
        """Run a dialplan application (``EXEC <app> <options>``); returns its result string.
        Works on a dead channel.

        Raises:
            AGIAppError: no such application (``result=-2``), or it returned -1.
        """
        if options != "":
            result = yield _line("EXEC", _arg(application), _arg(options))
        else:
            result = yield _line("EXEC", _arg(application))
        if result.value == "-2":
            raise with_result(AGIAppError(f"Unable to find application: {application}"), result)
        return AGIValue(result.value, result)

    @agi_command("exec")
    def exec_command(self, command: str, *args: object) -> Steps[AGIResult]:
        """pyst2: run application ``command`` with ``args`` joined by commas as its options
        (one quoted argument); returns the raw result dict."""
        if args:
            result = yield _line("EXEC", _arg(command), _arg(",".join(map(str, args))))
        else:
            result = yield _line("EXEC", _arg(command))
        return result

    @agi_command("gosub")
    def gosub(
        self, context: str, extension: str, priority: int | str, *args: object
    ) -> Steps[AGIValue]:
        """Run a dialplan subroutine and wait for its ``Return`` (``GOSUB``); ``args`` become
        its arguments (joined by commas). Returns the final reply's text (``Gosub complete``,
        ``... (abnormal exit)``); the provisional ``100 Trying...`` is in
        ``value.result.provisional``.

        Raises:
            AGIAppError: the label does not exist (``result=-1``) or the gosub failed.
            AGIUnknownError: ``503`` (Asterisk ran out of memory).
        """
        tokens = [_arg(context), _arg(extension), _arg(priority)]
        if args:
            tokens.append(_arg(",".join(map(str, args))))
        result = yield _line("GOSUB", *tokens)
        if result.text.startswith("Gosub failed"):
            raise with_result(AGIAppError(f"Gosub failed: result={result.value}"), result)
        return AGIValue(result.text, result)

    # --- playback and input -----------------------------------------------------------

    @agi_command("stream file")
    def stream_file(
        self, filename: str, escape_digits: Digits = "", sample_offset: int = 0
    ) -> Steps[AGIValue]:
        """Play a sound file (no extension), stopping at one of ``escape_digits``, from sample
        ``sample_offset`` (``STREAM FILE``). Returns the digit; ``.endpos`` is the sample
        offset reached.

        Raises:
            AGIAppError: the file cannot be played (``result=-1``).
        """
        tokens = [_arg(filename), _escape(escape_digits)]
        if sample_offset:
            tokens.append(_arg(sample_offset))
        result = yield _line("STREAM FILE", *tokens)
        return digit(result, "char")

    @agi_command("control stream file")
    def control_stream_file(
        self,
        filename: str,
        escape_digits: Digits = "",
        skipms: int = 3000,
        fwd: str = "",
        rew: str = "",
        pause: str = "",
        offsetms: int | None = None,
    ) -> Steps[AGIValue]:
        """Play a file with fast-forward (``fwd``, default ``#``), rewind (``rew``, default
        ``*``) and ``pause`` keys, skipping ``skipms`` ms per key, from ``offsetms``
        (``CONTROL STREAM FILE``). Returns the stop digit; ``.endpos`` is in milliseconds."""
        tokens = [_arg(filename), _escape(escape_digits), _arg(skipms)]
        optional = [_arg(fwd), _arg(rew), _arg(pause)]
        if offsetms is not None:
            optional.append(_arg(offsetms))
        while optional and optional[-1] == '""':
            optional.pop()  # Asterisk treats "" as "use the default" (ast_strlen_zero)
        result = yield _line("CONTROL STREAM FILE", *tokens, *optional)
        return digit(result, "char")

    @agi_command("get option")
    def get_option(
        self, filename: str, escape_digits: Digits = "", timeout: int = 0
    ) -> Steps[AGIValue]:
        """Like :meth:`stream_file`, then wait ``timeout`` ms (default: the dialplan's digit
        timeout) for one of ``escape_digits`` (``GET OPTION``). Returns the digit."""
        tokens = [_arg(filename), _escape(escape_digits)]
        if timeout:
            tokens.append(_arg(timeout))
        result = yield _line("GET OPTION", *tokens)
        return digit(result, "char")

    @agi_command("get data")
    def get_data(
        self, filename: str, timeout: int = DEFAULT_TIMEOUT, max_digits: int = 255
    ) -> Steps[AGIValue]:
        """Play a prompt and collect up to ``max_digits`` digits (``GET DATA``). Returns the
        digits; ``.timeout`` tells whether the time ran out (pyst2 lost that).

        Raises:
            AGIAppError: ``result=-1`` (hangup or error).
        """
        result = yield _line("GET DATA", _arg(filename), _arg(timeout), _arg(max_digits))
        return AGIValue(result.value, result)

    @agi_command("wait for digit")
    def wait_for_digit(self, timeout: int = DEFAULT_TIMEOUT) -> Steps[AGIValue]:
        """Wait up to ``timeout`` ms (-1: for ever) for a key (``WAIT FOR DIGIT``).

        Raises:
            AGIAppError: ``result=-1``.
            AGIError: the result is not a character code.
        """
        result = yield _line("WAIT FOR DIGIT", _arg(timeout))
        return digit(result)

    @agi_command("say digits")
    def say_digits(self, digits: Digits, escape_digits: Digits = "") -> Steps[AGIValue]:
        """Say a digit string (``SAY DIGITS``); returns the digit that stopped it."""
        result = yield _line("SAY DIGITS", _arg(_digit_text(digits)), _escape(escape_digits))
        return digit(result, "char")

    @agi_command("say number")
    def say_number(
        self, number: Digits, escape_digits: Digits = "", gender: str = ""
    ) -> Steps[AGIValue]:
        """Say a number (``SAY NUMBER``), with an optional ``gender`` (``f``, ``m``, ``c``,
        ``n``) for languages that need one; returns the digit that stopped it."""
        tokens = [_arg(_digit_text(number)), _escape(escape_digits)]
        if gender:
            tokens.append(_arg(gender))
        result = yield _line("SAY NUMBER", *tokens)
        return digit(result, "char")

    @agi_command("say alpha")
    def say_alpha(
        self, characters: Digits, escape_digits: Digits = "", case: str = ""
    ) -> Steps[AGIValue]:
        """Spell a string (``SAY ALPHA``); ``case`` (``a``, ``l``, ``u``, ``n``) announces
        letter case. Returns the digit that stopped it."""
        tokens = [_arg(_digit_text(characters)), _escape(escape_digits)]
        if case:
            tokens.append(_arg(case))
        result = yield _line("SAY ALPHA", *tokens)
        return digit(result, "char")

    @agi_command("say phonetic")
    def say_phonetic(self, characters: Digits, escape_digits: Digits = "") -> Steps[AGIValue]:
        """Spell a string with the phonetic alphabet (``SAY PHONETIC``)."""
        result = yield _line("SAY PHONETIC", _arg(_digit_text(characters)), _escape(escape_digits))
        return digit(result, "char")

    @agi_command("say date")
    def say_date(self, seconds: int, escape_digits: Digits = "") -> Steps[AGIValue]:
        """Say the date of a Unix time (``SAY DATE``)."""
        result = yield _line("SAY DATE", _arg(seconds), _escape(escape_digits))
        return digit(result, "char")

    @agi_command("say time")
    def say_time(self, seconds: int, escape_digits: Digits = "") -> Steps[AGIValue]:
        """Say the time of day of a Unix time (``SAY TIME``)."""
        result = yield _line("SAY TIME", _arg(seconds), _escape(escape_digits))
        return digit(result, "char")

    @agi_command("say datetime")
    def say_datetime(
        self, seconds: int, escape_digits: Digits = "", format: str = "", zone: str = ""
    ) -> Steps[AGIValue]:
        """Say a Unix time in a voicemail.conf ``format``, in time ``zone`` (``SAY DATETIME``).

        With a zone and no format, Asterisk's default format for the channel's language is
        sent (pyst2 sent the zone in the format's place).
        """
        tokens = [_arg(seconds), _escape(escape_digits)]
        if zone and not format:
            # res_agi.c handle_saydatetime's default; it applies only when no format is sent.
            german = self.env.get("agi_language", "").lower() == "de"
            format = "A dBY HMS" if german else "ABdY 'digits/at' IMp"
        if format:
            tokens.append(_quoted(format))
        if zone:
            tokens.append(_arg(zone))
        result = yield _line("SAY DATETIME", *tokens)
        return digit(result, "char")

    @agi_command("record file")
    def record_file(
        self,
        filename: str,
        format: str = "gsm",
        escape_digits: Digits = "#",
        timeout: int = DEFAULT_RECORD,
        offset: int = 0,
        beep: str = "beep",
        silence: int = 0,
    ) -> Steps[AGIValue]:
        """Record to ``filename``.``format`` until a key of ``escape_digits``, ``timeout`` ms
        (-1: no limit) or ``silence`` seconds of silence (``RECORD FILE``); beeps first when
        ``beep`` is set (pyst2 always beeped). Returns the key pressed, or ``''`` (pyst2:
        ``'\\x00'``); ``.data`` is the reason (``dtmf``, ``timeout``, ...), ``.endpos`` the
        end offset.

        Raises:
            AGIAppError: ``result=-1`` (``(writefile)``: the file cannot be written).
            AGIResultHangup: the channel hung up while recording.
        """
        tokens = [_quoted(filename), _arg(format), _escape(escape_digits), _arg(timeout)]
        # res_agi.c handle_recordfile tells the optional arguments apart by form: a number is
        # the offset, an "s=" word the silence, any other word asks for a beep.
        if offset or beep or silence:
            tokens.append(_arg(offset))
        if beep:
            tokens.append(_arg(beep))
        if silence:
            tokens.append(_arg(f"s={silence}"))
        result = yield _line("RECORD FILE", *tokens)
        if result.data == "dtmf":
            return digit(result)
        return AGIValue("", result)

    @agi_command("receive char")
    def receive_char(self, timeout: int = DEFAULT_TIMEOUT) -> Steps[AGIValue]:
        """Wait up to ``timeout`` ms (0: for ever) for one character of text
        (``RECEIVE CHAR``); ``''`` on timeout or when the channel has no text support."""
        result = yield _line("RECEIVE CHAR", _arg(timeout))
        return digit(result, "char")

    @agi_command("receive text")
    def receive_text(self, timeout: int = DEFAULT_TIMEOUT) -> Steps[AGIValue]:
        """Wait up to ``timeout`` ms (0: for ever) for a text message (``RECEIVE TEXT``).

        Raises:
            AGIAppError: nothing arrived (``result=-1``: failure or timeout).
        """
        result = yield _line("RECEIVE TEXT", _arg(timeout))
        return AGIValue(result.data, result)

    @agi_command("send text")
    def send_text(self, text: str = "") -> Steps[None]:
        """Send text to the channel, if it supports text (``SEND TEXT``)."""
        yield _line("SEND TEXT", _arg(text))

    @agi_command("send image")
    def send_image(self, filename: str) -> Steps[None]:
        """Send an image (no extension), if the channel supports images (``SEND IMAGE``).

        Raises:
            AGIAppError: any result other than 0.
        """
        result = yield _line("SEND IMAGE", _arg(filename))
        if result.value != "0":
            channel = self.env.get("agi_channel", "UNKNOWN")
            raise with_result(AGIAppError(f"Channel failure on channel {channel}"), result)

    # --- speech (res_speech) ----------------------------------------------------------

    @agi_command("speech create")
    def speech_create(self, engine: str) -> Steps[None]:
        """Create the session's speech object with ``engine`` (``SPEECH CREATE``).

        Raises:
            AGIAppError: ``result=0`` (no such engine, or one exists already).
        """
        result = yield _line("SPEECH CREATE", _arg(engine))
        _speech_check(result, "SPEECH CREATE")

    @agi_command("speech set")
    def speech_set(self, name: str, value: object) -> Steps[None]:
        """Set an engine setting (``SPEECH SET``).

        Raises:
            AGIAppError: ``result=0`` (no speech object).
        """
        result = yield _line("SPEECH SET", _arg(name), _arg(value))
        _speech_check(result, "SPEECH SET")

    @agi_command("speech destroy")
    def speech_destroy(self) -> Steps[bool]:
        """Destroy the speech object (``SPEECH DESTROY``); False when there was none."""
        result = yield _line("SPEECH DESTROY")
        return result.value == "1"

    @agi_command("speech load grammar")
    def speech_load_grammar(self, name: str, path: str) -> Steps[None]:
        """Load grammar ``name`` from ``path`` (``SPEECH LOAD GRAMMAR``).

        Raises:
            AGIAppError: ``result=0``.
        """
        result = yield _line("SPEECH LOAD GRAMMAR", _arg(name), _arg(path))
        _speech_check(result, "SPEECH LOAD GRAMMAR")

    @agi_command("speech unload grammar")
    def speech_unload_grammar(self, name: str) -> Steps[None]:
        """Unload grammar ``name`` (``SPEECH UNLOAD GRAMMAR``).

        Raises:
            AGIAppError: ``result=0``.
        """
        result = yield _line("SPEECH UNLOAD GRAMMAR", _arg(name))
        _speech_check(result, "SPEECH UNLOAD GRAMMAR")

    @agi_command("speech activate grammar")
    def speech_activate_grammar(self, name: str) -> Steps[None]:
        """Activate a loaded grammar (``SPEECH ACTIVATE GRAMMAR``).

        Raises:
            AGIAppError: ``result=0``.
        """
        result = yield _line("SPEECH ACTIVATE GRAMMAR", _arg(name))
        _speech_check(result, "SPEECH ACTIVATE GRAMMAR")

    @agi_command("speech deactivate grammar")
    def speech_deactivate_grammar(self, name: str) -> Steps[None]:
        """Deactivate a grammar (``SPEECH DEACTIVATE GRAMMAR``).

        Raises:
            AGIAppError: ``result=0``.
        """
        result = yield _line("SPEECH DEACTIVATE GRAMMAR", _arg(name))
        _speech_check(result, "SPEECH DEACTIVATE GRAMMAR")

    @agi_command("speech recognize")
    def speech_recognize(
        self, prompt: str, timeout: float, offset: int | None = None
    ) -> Steps[SpeechResult]:
        """Play ``prompt`` and recognise speech for up to ``timeout`` seconds
        (``SPEECH RECOGNIZE``), from sample ``offset``.

        Raises:
            AGIAppError: ``result=0`` (no speech object, or the audio format failed).
            AGIResultHangup: the channel hung up (``(hangup)``).
        """
        tokens = [_arg(prompt), _arg(timeout)]
        if offset is not None:
            tokens.append(_arg(offset))
        result = yield _line("SPEECH RECOGNIZE", *tokens)
        _speech_check(result, "SPEECH RECOGNIZE")
        return SpeechResult.from_result(result)


def _speech_check(result: AGIResult, command: str) -> None:
    if result.value == "0":
        raise with_result(AGIAppError(f"{command} failed (result=0)"), result)
