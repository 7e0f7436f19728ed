"""AGI command-line quoting, the way Asterisk's argument splitter reads it back.

Asterisk reads one command per line and splits it into words with ``parse_args``
(res/res_agi.c, Asterisk 22.10.1; PROTOCOL.md §2.3):

* spaces and tabs separate words (runs of them count as one separator);
* a double quote toggles "quoted" mode and is removed; text inside quotes keeps its spaces and
  tabs; a quote that opens right after whitespace starts a word, so ``""`` is an empty word;
* a backslash escapes the next character (inside quotes too): ``\\"`` is a literal quote,
  ``\\\\`` a literal backslash, ``\\x`` just ``x``; a trailing lone backslash is dropped;
* every other character, including CR, is an ordinary character;
* at most ``MAX_WORDS`` (``MAX_ARGS - 1`` = 127) words: the check is ``x >= MAX_ARGS - 1``
  before a word is started, and the characters of further words are dropped (Asterisk logs
  "Too many arguments, truncating").

What cannot be sent (decided here, raised as :class:`~pyst.errors.LocalProtocolError`):

* a newline (``\\n``) inside an argument: the line reader stops at the first ``\\n`` and
  ``parse_args`` has no escape that produces one, so a newline would end the command and turn
  the rest of the value into a second command (command injection, pyst2 defect A3);
* a NUL: Asterisk handles the line as a C string, so everything after a NUL is lost.

A CR is safe: it is an ordinary character to ``parse_args``. :func:`quote_arg` puts any value
holding one in quotes, so a CR never ends up right before the newline (where it would still
be read correctly, as part of the last word, but is easy to misread in logs).
"""

from __future__ import annotations

from pyst.errors import LocalProtocolError

__all__ = [
    "AGI_BUF_LEN",
    "MAX_ARGS",
    "MAX_COMMAND_BYTES",
    "MAX_WORDS",
    "ascii_lower",
    "build_command",
    "quote_arg",
    "split_args",
]

#: ``MAX_ARGS`` of res_agi.c: size of the argv array ``parse_args`` fills.
MAX_ARGS = 128
#: Words ``parse_args`` keeps: it refuses to start a word once ``x >= MAX_ARGS - 1``.
MAX_WORDS = MAX_ARGS - 1
#: ``AGI_BUF_LEN`` of res_agi.c: the command line buffer (``fgets`` reads up to 8191 bytes).
AGI_BUF_LEN = 8192
#: Longest command we send, in bytes, without the newline: the line *and* its ``\\n`` must fit
#: into one 8191-byte read, or the newline is read as a second (empty) command and answered
#: with an extra ``510`` that would put every later reply one command out of step.
MAX_COMMAND_BYTES = AGI_BUF_LEN - 2

# Characters that make quote_arg() use quotes; CR is included only for readability (see above).
_NEEDS_QUOTES = frozenset(' \t"\\\r')
# Characters a command name may not contain (it is written without quoting).
_NOT_IN_NAME = frozenset(' \t"\\\r\n\x00')
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as C's ``strcasecmp``/``strncasecmp`` compare them.

    ``str.lower`` is not used because it also folds non-ASCII letters (the Kelvin sign
    lower-cases to ``k``), which Asterisk would not match.
    """
    return text.translate(_ASCII_LOWER)


def quote_arg(value: str) -> str:
    """Return ``value`` written so that Asterisk's ``parse_args`` reads it back as one word.

    A non-empty value made only of ordinary characters is returned as it is; anything else
    (empty, or holding a space, tab, double quote, backslash or CR) is put in double quotes
    with ``"`` and ``\\`` escaped by a backslash.

    Raises:
        TypeError: ``value`` is not a ``str``.
        LocalProtocolError: ``value`` holds a newline or a NUL, which no AGI line can carry.
    """
    if not isinstance(value, str):
        raise TypeError(f"AGI arguments are str, not {type(value).__name__}: {value!r}")
    if "\n" in value:
        raise LocalProtocolError(
            f"an AGI argument cannot contain a newline (Asterisk reads one command per line "
            f"and has no escape for it): {value!r}"
        )
    if "\x00" in value:
        raise LocalProtocolError(
            f"an AGI argument cannot contain NUL (Asterisk would cut the line there): {value!r}"
        )
    if value and _NEEDS_QUOTES.isdisjoint(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_command(name: str, *args: str) -> str:
    """Return the command line (without the newline) for command ``name`` and ``args``.

    ``name`` is the command's words separated by single spaces (``"GET VARIABLE"``); it is
    written as it is, in the case given. Each argument goes through :func:`quote_arg`.

    Raises:
        TypeError: an argument is not a ``str``.
        LocalProtocolError: ``name`` is empty, has empty words or characters that would need
            quoting, starts with ``failure`` (that line ends the AGI, see
            :class:`~pyst.agi.messages.Failure`), an argument cannot be quoted (newline, NUL),
            or the line would have more than ``MAX_WORDS`` words (Asterisk drops the rest).
    """
    words = name.split(" ")
    for word in words:
        if not word or not _NOT_IN_NAME.isdisjoint(word):
            raise LocalProtocolError(
                f"bad AGI command name {name!r}: words must be non-empty, separated by single "
                f"spaces, without quotes, backslashes, tabs, CR, LF or NUL"
            )
    if ascii_lower(name).startswith("failure"):
        raise LocalProtocolError(
            f"a command line starting with 'failure' ends the AGI (res_agi.c run_agi): {name!r}"
        )
    if len(words) + len(args) > MAX_WORDS:
        raise LocalProtocolError(
            f"{name} with {len(args)} arguments has {len(words) + len(args)} words; Asterisk "
            f"keeps at most {MAX_WORDS} and silently drops the rest"
        )
    return " ".join([name, *(quote_arg(arg) for arg in args)])


def split_args(line: str) -> list[str]:
    """Split a command line into words exactly as Asterisk's ``parse_args`` does.

    ``line`` is the command as Asterisk handles it: only the trailing ``\\n`` removed, so a CR
    before it is part of the last word. A NUL ends the line (C string). Words beyond
    ``MAX_WORDS`` are dropped, as Asterisk drops them.

    Never raises.
    """
    nul = line.find("\x00")
    if nul >= 0:
        line = line[:nul]
    words: list[list[str]] = []
    quoted = False
    escaped = False
    whitespace = True  # parse_args starts as if coming off whitespace
    for char in line:
        if char == '"' and not escaped:
            quoted = not quoted
            # An opening quote right after whitespace starts a word; that is how "" gives an
            # empty argument. res_agi.c does not check MAX_ARGS on this path (it would write
            # past its argv array); we apply the same limit as for ordinary characters.
            if quoted and whitespace and len(words) < MAX_WORDS:
                words.append([])
                whitespace = False
        elif char in " \t" and not quoted and not escaped:
            whitespace = True
        elif char == "\\" and not escaped:
            escaped = True
        else:
            # An ordinary character, or an escaped quote, space, tab or backslash.
            if whitespace:
                if len(words) >= MAX_WORDS:
                    # Dropped; `escaped` stays as it was, like parse_args' early `break`.
                    continue
                words.append([])
                whitespace = False
            words[-1].append(char)
            escaped = False
    return ["".join(word) for word in words]
