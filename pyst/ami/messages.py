"""AMI messages: small immutable objects with ordered, repeatable, case-insensitive fields.

An AMI message is a block of ``Name: value`` lines ended by an empty line. This module holds
the objects; :mod:`pyst.ami.protocol` turns bytes into them and back.

Classes
-------
:class:`Message`
    The common base. ``fields`` is a tuple of ``(name, value)`` pairs in wire order; repeated
    names (``Variable``, ``Output``, ``ChanVariable``) stay repeated. Lookups follow Asterisk's
    ``astman_get_header``: the name is compared case-insensitively (ASCII letters only, like C's
    ``strncasecmp``) and the **first** match wins. Values keep their trailing blanks; the blanks
    after the colon are skipped when a line is read (bytes 1-32, like ``ast_skip_blanks``).
    Lines without a colon are kept (:attr:`Message.bare_lines`) so the block re-serialises, but
    they never match a lookup.
:class:`Action`
    What a client sends (and what the server role receives), whatever its headers: a block
    without an ``Action:`` header is still an :class:`Action` (Asterisk answers it with
    ``Missing action in request``).
:class:`Response`
    ``Response: Success|Error|Goodbye|Follows`` blocks, with :attr:`Response.output` for the
    ``Command`` action in both the AMI 11 form (``Output:`` headers) and the legacy form
    (``Response: Follows`` + raw text + ``--END COMMAND--``, kept verbatim in :attr:`data`).
:class:`Event`
    ``Event: <Name>`` blocks.
:class:`Banner`
    The greeting line ``Asterisk Call Manager/11.0.0`` (not a header block, so not a Message).
:class:`BadAction`
    What the server role yields instead of an :class:`Action` when Asterisk would reject the
    block before running it (a line over 1022 characters, or more than 128 lines).

Messages read from the wire keep their raw bytes and split them into fields only when asked
(:attr:`Message.fields`, equality, serialisation...). ``get()``/``name``/``action_id`` search the
raw bytes directly, with the same semantics, so routing a message costs no full parse.

Building messages::

    Action.make("Originate", Channel="Local/s@ctx", Async="true", Variable=["A=1", "B=2"])
    Event.make("UserEvent", [("UserEvent", "Ping"), ("Header1", "x")])
    Response([("Response", "Success"), ("ActionID", "42")])

Server-side builders lay responses out exactly as Asterisk 22 does (``astman_send_response_full``,
``astman_send_listack``, ``astman_send_list_complete_start``; PROTOCOL.md 1.3 and 1.7):
:func:`make_response`, :func:`make_error`, :func:`make_list_ack`, :func:`make_list_item`,
:func:`make_list_complete`, :func:`make_command_response`,
:func:`make_legacy_command_response`, :func:`make_goodbye`, :func:`make_bad_action_response`.

Serialisation (:meth:`Message.to_bytes`) writes ``\\r\\n`` line ends and raises
:class:`~pyst.errors.LocalProtocolError` for anything that would not read back as the same
message (a line feed or NUL in a name or value, a colon in a name...). Values that start with
a blank are written as given, but read back without those blanks, as Asterisk reads them.

Blanks after the colon: ``fields``/``get`` skip them, as Asterisk's reader does. What Asterisk
*writes* is ``Name: value``, and some values really start with blanks (indented CLI lines in
``Output:``), so a message read from the wire also keeps its lines as received:
``to_bytes()`` writes them back unchanged (only the line ends are normalised), and
:meth:`Message.get_all_verbatim` / :attr:`Response.output` give values with just the one
separator space removed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import Any, ClassVar, TypeVar, overload

from pyst.errors import LocalProtocolError

logger = logging.getLogger(__name__)

__all__ = [
    "END_COMMAND",
    "GOODBYE_MESSAGE",
    "LINE_TOO_LONG",
    "TOO_MANY_LINES",
    "Action",
    "BadAction",
    "Banner",
    "Event",
    "Field",
    "HeaderValue",
    "Message",
    "Response",
    "make_bad_action_response",
    "make_command_response",
    "make_error",
    "make_goodbye",
    "make_legacy_command_response",
    "make_list_ack",
    "make_list_complete",
    "make_list_item",
    "make_response",
    "split_variables",
]

#: One header: ``(name, value)``.
Field = tuple[str, str]
#: What :meth:`Action.make` and friends accept as a header value. ``None`` leaves the header out,
#: a list or tuple repeats it, ``bool`` becomes ``true``/``false``, anything else goes via ``str``.
HeaderValue = str | int | float | bool | None | Sequence[str | int | float | bool]

#: ``Message:`` of the error Asterisk sends for a block with a line over 1022 characters.
LINE_TOO_LONG = "Failed to parse message: line too long"
#: ``Message:`` of the error Asterisk sends for a block of more than 128 lines.
TOO_MANY_LINES = "Too many lines in message or allocation failure"
#: The line that ends a legacy (AMI 1.x/2.x) ``Command`` reply.
END_COMMAND = "--END COMMAND--"
#: ``Message:`` of the reply to ``Logoff``.
GOODBYE_MESSAGE = "Thanks for all the fish."

# ast_skip_blanks() skips every byte below 33 (space, tab, CR and the other control bytes).
_BLANKS = "".join(map(chr, range(1, 33)))
_BLANK_BYTES = bytes(range(1, 33))
# Asterisk compares header names with strncasecmp(): ASCII letters only.
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_SECRET_FIELDS = frozenset({"secret", "key"})
_M = TypeVar("_M", bound="Message")
_Parsed = tuple[tuple[Field, ...], tuple[tuple[int, str], ...], str]
_D = TypeVar("_D")


_partition = str.partition


def _fold(name: str) -> str:
    """ASCII-only lower case, as Asterisk's strncasecmp compares header names."""
    return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)


def _parse_text(text: str) -> tuple[tuple[Field, ...], tuple[tuple[int, str], ...]]:
    """Split a decoded block (without its final line end) into fields and colon-less lines.

    Lines end in CRLF or a bare LF; exactly one CR before the LF is part of the line end.
    """
    if not text:
        return (), ()
    # The hot part of a full parse: kept inline, with locals, since every call counts.
    if "\r" in text:
        lines = text.split("\r\n")
        if len(lines) - 1 != text.count("\n"):
            lines = _split_lines(text)  # a bare LF somewhere
    else:
        lines = text.split("\n")
    blanks = _BLANKS
    # The usual block, every line a field, in this frame: a 3.11 list comprehension is a
    # function call of its own, and map() + list() two more (twice the time of a Ping's parse).
    fields: list[Field] = []
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep:
            break  # a colon-less line: the general path below
        fields.append((name, value.lstrip(blanks)))
    else:
        return tuple(fields), ()
    parts = list(map(_partition, lines, repeat(":")))
    fields = [(name, value.lstrip(blanks)) for name, sep, value in parts if sep]
    bare: list[tuple[int, str]] = []
    count = 0
    for name, sep, _value in parts:
        if sep:
            count += 1
        else:
            bare.append((count, name))
    return tuple(fields), tuple(bare)


def _split_lines(text: str) -> list[str]:
    """Lines of a decoded block (CRLF or bare LF; one CR before LF belongs to the line end)."""
    if "\r" not in text:
        return text.split("\n")
    lines = text.split("\r\n")
    if len(lines) - 1 != text.count("\n"):
        lines = text.split("\n")
        last = lines.pop()
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        lines.append(last)
    return lines


def _lines_to_fields(
    lines: Iterable[str],
) -> tuple[tuple[Field, ...], tuple[tuple[int, str], ...]]:
    """Fields and colon-less lines from already split lines."""
    fields: list[Field] = []
    bare: list[tuple[int, str]] = []
    for line in lines:
        name, sep, value = line.partition(":")
        if sep:
            fields.append((name, value.lstrip(_BLANKS)))
        else:
            bare.append((len(fields), line))
    return tuple(fields), tuple(bare)


def _raw_value(raw: bytes, start: int) -> str:
    """The value whose text starts at ``start`` (just after the colon) in a raw block."""
    end = raw.find(b"\n", start)
    if end < 0:
        end = len(raw)  # the last line: its line end is not part of the raw block
    elif end > start and raw[end - 1] == 13:
        end -= 1
    value = raw[start:end].lstrip(_BLANK_BYTES)
    try:
        return value.decode()
    except UnicodeDecodeError:
        return value.decode("utf-8", "surrogateescape")


def _raw_lookup(raw: bytes, name: str, low: bytes | None) -> tuple[str | None, bytes | None]:
    """First value of ``name`` in a raw block, searching the bytes; also returns raw.lower().

    Same result as parsing the block and scanning its fields: a line matches when it starts
    with the name (ASCII case-insensitive) directly followed by ``:``.
    """
    if ":" in name or "\n" in name:
        return None, low
    try:
        key = name.encode()
    except UnicodeEncodeError:
        try:
            key = name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return None, low
    n = len(key)
    if raw.startswith(key) and raw[n : n + 1] == b":":
        return _raw_value(raw, n + 1), low  # the usual case for Event/Response: first line
    key = key.lower() + b":"
    if low is None:
        low = raw.lower()
    if low.startswith(key):
        return _raw_value(raw, n + 1), low
    p = low.find(b"\n" + key)
    if p < 0:
        return None, low
    return _raw_value(raw, p + n + 2), low


def _to_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise TypeError(f"AMI header values are str, int, float or bool, not {type(value).__name__}")


def _expand(fields: Iterable[tuple[str, Any]] | Mapping[str, Any]) -> list[Field]:
    items = fields.items() if isinstance(fields, Mapping) else fields
    out: list[Field] = []
    for name, value in items:
        if not isinstance(name, str):
            raise TypeError(f"AMI header names are str, not {type(name).__name__}")
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            out.extend((name, _to_text(v)) for v in value)
        else:
            out.append((name, _to_text(value)))
    return out


def split_variables(value: str) -> list[tuple[str, str]]:
    """Read one ``Variable:`` value as Asterisk does (``man_do_variable_value``).

    The value is cut on commas the way ``ast_app_separate_args`` cuts application arguments:
    commas inside ``(...)``, ``[...]`` or double quotes do not cut, double quotes are removed,
    and a backslash makes the next character literal. At most 64 items; the 64th keeps the
    raw rest. Each item is cut at its first ``=``; items without ``=`` or with an empty name are
    skipped. Nothing is trimmed.

    >>> split_variables("A=1,B=x=y")
    [('A', '1'), ('B', 'x=y')]
    """
    value = value.lstrip(_BLANKS)
    args: list[str] = []
    i, n = 0, len(value)
    ended_on_delimiter = False
    while i < n and len(args) < 63:
        cur: list[str] = []
        paren = bracket = 0
        quote = False
        ended_on_delimiter = False
        while i < n:
            ch = value[i]
            i += 1
            if ch == "(":
                paren += 1
            elif ch == ")":
                if paren:
                    paren -= 1
            elif ch == "[":
                bracket += 1
            elif ch == "]":
                if bracket:
                    bracket -= 1
            elif ch == '"':
                quote = not quote
                continue
            elif ch == "\\":
                if i < n:
                    cur.append(value[i])
                    i += 1
                continue
            elif ch == "," and not paren and not quote and not bracket:
                ended_on_delimiter = True
                break
            cur.append(ch)
        args.append("".join(cur))
    if i < n:
        args.append(value[i:])
    elif ended_on_delimiter:
        args.append("")
    out: list[tuple[str, str]] = []
    for arg in args:
        name, sep, val = arg.partition("=")
        if sep and name:
            out.append((name, val))
    return out


class Message:
    """An AMI header block: ordered ``(name, value)`` fields, immutable.

    ``Message(fields, *, data="", bare_lines=())``: ``fields`` is an iterable of
    ``(name, value)`` string pairs; ``bare_lines`` holds colon-less lines as
    ``(position, text)`` where position is the number of fields before the line; ``data`` is the
    raw text of a legacy ``Response: Follows`` reply (see :class:`Response`).

    Raises ``TypeError`` if a name or value is not a ``str``, ``ValueError`` if a bare line
    position is outside ``0..len(fields)``.
    """

    __slots__ = ("_hash", "_low", "_parsed", "_raw")

    #: The header that names this kind of message (``Action``/``Event``/``Response``).
    kind_header: ClassVar[str | None] = None

    # A message read from the wire starts with only _raw (the block's bytes, without the line
    # end of its last line) and _parsed=None; _parsed = (fields, bare lines, data) is filled in
    # on first use. _low (raw.lower(), for lookups) and _hash (set when needed) are caches.
    _raw: bytes | None
    _parsed: _Parsed | None
    _low: bytes | None
    _hash: int

    def __init__(
        self,
        fields: Iterable[tuple[str, str]] = (),
        *,
        data: str = "",
        bare_lines: Iterable[tuple[int, str]] = (),
    ) -> None:
        checked: list[Field] = []
        for pair in fields:
            name, value = pair
            if not isinstance(name, str) or not isinstance(value, str):
                raise TypeError(f"AMI fields are (str, str) pairs, got {pair!r}")
            checked.append((name, value))
        bare = tuple(
            sorted(((int(pos), str(text)) for pos, text in bare_lines), key=lambda x: x[0])
        )
        if not isinstance(data, str):
            raise TypeError(f"data is a str, not {type(data).__name__}")
        if bare and not (bare[0][0] >= 0 and bare[-1][0] <= len(checked)):
            raise ValueError(f"bare line positions must be within 0..{len(checked)}: {bare!r}")
        self._raw = None
        self._low = None
        self._parsed = (tuple(checked), bare, data)

    @classmethod
    def _from_raw(cls: type[_M], raw: bytes) -> _M:
        """A message over a raw block (no final line end); parsed on first use. Internal."""
        msg = cls.__new__(cls)
        msg._raw = raw
        msg._low = None
        msg._parsed = None
        return msg

    @classmethod
    def _from_parts(
        cls: type[_M],
        fields: tuple[Field, ...],
        bare: tuple[tuple[int, str], ...] = (),
        data: str = "",
    ) -> _M:
        """A message from already checked parts. Internal."""
        msg = cls.__new__(cls)
        msg._raw = None
        msg._low = None
        msg._parsed = (fields, bare, data)
        return msg

    def _parse(self) -> _Parsed:
        parsed = self._parsed
        if parsed is None:
            raw = self._raw
            assert raw is not None
            fields, bare = _parse_text(raw.decode("utf-8", "surrogateescape"))
            parsed = self._parsed = (fields, bare, "")
        return parsed

    # --- reading -----------------------------------------------------------------------------

    @property
    def fields(self) -> tuple[Field, ...]:
        """All ``(name, value)`` pairs in wire order (colon-less lines excluded)."""
        parsed = self._parsed
        return (parsed if parsed is not None else self._parse())[0]

    @property
    def bare_lines(self) -> tuple[tuple[int, str], ...]:
        """Colon-less lines as ``(position, text)``; position = number of fields before it."""
        return self._parse()[1]

    @property
    def data(self) -> str:
        """Raw text after the headers of a legacy ``Response: Follows`` reply, else ``""``."""
        parsed = self._parsed
        return parsed[2] if parsed is not None else ""

    @overload
    def get(self, name: str) -> str | None: ...

    @overload
    def get(self, name: str, default: _D) -> str | _D: ...

    def get(self, name: str, default: object = None) -> object:
        """Value of the first field called ``name`` (case-insensitive), else ``default``."""
        raw = self._raw
        if raw is not None:
            value, low = _raw_lookup(raw, name, self._low)
            if low is not None:
                self._low = low
        else:
            value = None
            key = _fold(name)
            size = len(key)
            parsed = self._parsed
            assert parsed is not None
            for field_name, field_value in parsed[0]:
                if len(field_name) == size and _fold(field_name) == key:
                    value = field_value
                    break
        return default if value is None else value

    def get_all(self, name: str) -> tuple[str, ...]:
        """Values of every field called ``name`` (case-insensitive), in order."""
        key = _fold(name)
        size = len(key)
        return tuple(v for n, v in self.fields if len(n) == size and _fold(n) == key)

    def get_all_verbatim(self, name: str) -> tuple[str, ...]:
        """Like :meth:`get_all`, but each value exactly as written on the wire: only the one
        space Asterisk writes after the colon (``"%s: %s"``) is removed, other leading blanks
        stay. For a message built in Python, the values as given. This is how ``Command``
        output keeps its indentation (:attr:`Response.output`)."""
        raw = self._raw
        if raw is None:
            return self.get_all(name)
        key = _fold(name)
        out = []
        for line in _split_lines(raw.decode("utf-8", "surrogateescape")):
            field_name, sep, value = line.partition(":")
            if sep and _fold(field_name) == key:
                out.append(value[1:] if value.startswith(" ") else value)
        return tuple(out)

    def __getitem__(self, name: str) -> str:
        """First value of ``name``; raises ``KeyError`` when there is none."""
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[str]:
        """Field names in order (repeated names repeat)."""
        return (name for name, _ in self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def as_dict(self) -> dict[str, str]:
        """``{name: value}`` with the first value of each name (names as first written)."""
        out: dict[str, str] = {}
        seen: set[str] = set()
        for name, value in self.fields:
            key = _fold(name)
            if key not in seen:
                seen.add(key)
                out[name] = value
        return out

    @property
    def name(self) -> str:
        """The action or event name (``""`` on a plain :class:`Message`)."""
        return ""

    @property
    def action_id(self) -> str | None:
        """The first ``ActionID`` value, or ``None`` if absent or empty (Asterisk echoes only a
        non-empty one)."""
        raw = self._raw
        if raw is None:
            return self.get("ActionID") or None
        # Every received message is asked this (correlation): search the bytes directly.
        low = self._low
        if low is None:
            low = self._low = raw.lower()
        if low.startswith(b"actionid:"):
            return _raw_value(raw, 9) or None
        p = low.find(b"\nactionid:")
        if p < 0:
            return None
        return _raw_value(raw, p + 10) or None

    def variables(self) -> list[tuple[str, str]]:
        """``(name, value)`` pairs of every ``Variable:`` header, read as Asterisk reads an
        action's variables (each header may hold a comma list; see :func:`split_variables`)."""
        out: list[tuple[str, str]] = []
        for value in self.get_all("Variable"):
            out.extend(split_variables(value))
        return out

    def chan_variables(self) -> list[tuple[str, str]]:
        """``(name, value)`` pairs of the ``ChanVariable`` headers of an event (both the 22.x
        ``ChanVariable: n=v`` and the older ``ChanVariable(<chan>): n=v`` forms)."""
        out: list[tuple[str, str]] = []
        for name, value in self.fields:
            key = _fold(name)
            if key == "chanvariable" or key.startswith("chanvariable("):
                var, _, val = value.partition("=")
                out.append((var, val))
        return out

    # --- deriving ----------------------------------------------------------------------------

    def with_fields(self: _M, *pairs: tuple[str, str]) -> _M:
        """A copy with ``pairs`` appended."""
        fields, bare, data = self._parse()
        return type(self)._from_parts(fields + tuple(_expand(pairs)), bare, data)

    def with_action_id(self: _M, action_id: str) -> _M:
        """A copy whose first ``ActionID`` is ``action_id``; added as the 2nd line if absent."""
        parsed_fields, bare, data = self._parse()
        fields = list(parsed_fields)
        for i, (name, _) in enumerate(fields):
            if _fold(name) == "actionid":
                fields[i] = (name, action_id)
                break
        else:
            at = 1 if fields else 0
            fields.insert(at, ("ActionID", action_id))
            bare = tuple((pos + 1 if pos >= at else pos, text) for pos, text in bare)
        return type(self)._from_parts(tuple(fields), bare, data)

    # --- writing -----------------------------------------------------------------------------

    def to_bytes(self, eol: str = "\r\n") -> bytes:
        """The wire form: one ``Name: value`` line per field, then an empty line.

        ``eol`` is ``"\\r\\n"`` (what Asterisk writes; the default) or ``"\\n"``.
        Raises :class:`~pyst.errors.LocalProtocolError` when the message cannot be written so
        that it reads back the same (line feed or NUL in a name or value, colon in a name,
        empty or colon-holding bare line, a value ending in CR with ``eol="\\n"``, text that is
        not encodable, ``data`` on something that is not a legacy ``Response: Follows``, a
        ``Response: Follows`` first line without ``data``).
        """
        if eol not in ("\r\n", "\n"):
            raise LocalProtocolError(f"eol must be '\\r\\n' or '\\n', not {eol!r}")
        raw = self._raw
        if raw is not None:
            return self._raw_to_bytes(raw, eol)
        fields, bare, data = self._parse()
        if not bare and not data and eol == "\r\n" and fields:
            # Fast path (same result as the checks below): the usual server reply or event.
            # One line per field, so the text holds exactly len(fields) + 1 LFs unless a name
            # or value holds one; NULs and colons in names are checked on the joined text.
            names = [name for name, _ in fields]
            joined_names = "".join(names)
            if ":" not in joined_names and fields[0] != ("Response", "Follows"):
                text = "".join([f"{name}: {value}\r\n" for name, value in fields]) + "\r\n"
                if text.count("\n") == len(fields) + 1 and "\0" not in text:
                    try:
                        return text.encode("utf-8", "surrogateescape")
                    except UnicodeEncodeError:
                        pass  # the slow path raises the right error
        lf_only = eol == "\n"
        out: list[str] = []
        b = 0
        for i, (name, value) in enumerate(fields):
            while b < len(bare) and bare[b][0] <= i:
                out.append(self._bare_line(bare[b][1], lf_only) + eol)
                b += 1
            if ":" in name or "\n" in name or "\0" in name:
                raise LocalProtocolError(
                    f"cannot send field name {name!r}: it holds a colon, line feed or NUL"
                )
            if "\n" in value or "\0" in value:
                raise LocalProtocolError(
                    f"cannot send {name}: {value!r}: the value holds a line feed or NUL"
                )
            if lf_only and value.endswith("\r"):
                raise LocalProtocolError(
                    f"cannot send {name}: {value!r} with bare-LF line ends: it ends in CR"
                )
            out.append(f"{name}: {value}{eol}")
        while b < len(bare):
            out.append(self._bare_line(bare[b][1], lf_only) + eol)
            b += 1
        if data:
            self._check_legacy(lf_only)
            out.append(data)
        elif fields and fields[0] == ("Response", "Follows"):
            # Readers (ours, pyst2's) take this first line as the start of a legacy Command
            # reply and wait for --END COMMAND--.
            raise LocalProtocolError("a 'Response: Follows' block needs its legacy raw data")
        out.append(eol)
        text = "".join(out)
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as exc:
            raise LocalProtocolError(f"cannot encode {self!r}: {exc}") from exc

    @staticmethod
    def _raw_to_bytes(raw: bytes, eol: str) -> bytes:
        # A message read from the wire is written back line for line, so blanks that
        # Asterisk's reader would skip (indented Output lines...) survive a round trip.
        if 0 in raw:  # (a NUL byte; an int needle is a plain memchr, see protocol.py)
            raise LocalProtocolError(f"cannot send {raw[:80]!r}...: it holds a NUL")
        if not raw:
            return eol.encode()
        lines = _split_lines(raw.decode("utf-8", "surrogateescape"))
        if eol == "\n" and any(line.endswith("\r") for line in lines):
            raise LocalProtocolError("cannot send a line ending in CR with bare-LF line ends")
        return (eol.join(lines) + eol + eol).encode("utf-8", "surrogateescape")

    @staticmethod
    def _bare_line(text: str, lf_only: bool) -> str:
        if not text or ":" in text or "\n" in text or "\0" in text:
            raise LocalProtocolError(
                f"cannot send line {text!r} without a colon: it is empty or holds a colon, "
                "line feed or NUL"
            )
        if lf_only and text.endswith("\r"):
            raise LocalProtocolError(f"cannot send line {text!r} with bare-LF line ends")
        return text

    def _check_legacy(self, lf_only: bool) -> None:
        fields, bare, data = self._parse()
        if not fields or fields[0] != ("Response", "Follows") or bare:
            raise LocalProtocolError(
                "raw data is only written after the headers of a legacy 'Response: Follows' "
                "reply without colon-less lines"
            )
        if lf_only:
            raise LocalProtocolError("a legacy 'Response: Follows' reply needs CRLF headers")
        marker = data.find(END_COMMAND)
        if marker < 0 or not (
            data.endswith(END_COMMAND + "\r\n") or data.endswith(END_COMMAND + "\n")
        ):
            raise LocalProtocolError(f"legacy reply data must end with the {END_COMMAND} line")
        if marker != data.rfind(END_COMMAND):
            raise LocalProtocolError(f"legacy reply data holds {END_COMMAND} twice")
        if "\0" in data:
            raise LocalProtocolError("legacy reply data holds a NUL")
        first, nl, _ = data.partition("\n")
        if nl and first.endswith("\r") and ":" in first and END_COMMAND not in first:
            raise LocalProtocolError(
                f"the first data line {first!r} would read back as a header (CRLF and a colon)"
            )

    # --- comparing and showing ---------------------------------------------------------------

    def _key(self) -> _Parsed:
        return self._parse()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message) or type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        h: int | None = getattr(self, "_hash", None)
        if h is None:
            h = self._hash = hash((type(self).__name__, self._key()))
        return h

    def __repr__(self) -> str:
        # Secrets never reach logs through repr(): Secret and Key values are masked.
        shown = [
            (n, "***" if _fold(n) in _SECRET_FIELDS else v) for n, v in self.fields
        ]
        extra = ""
        _, bare, data = self._parse()
        if bare:
            extra += f", bare_lines={bare!r}"
        if data:
            extra += f", data={data!r}"
        return f"{type(self).__name__}({shown!r}{extra})"

    # --- building ----------------------------------------------------------------------------

    @classmethod
    def make(
        cls: type[_M],
        name: str,
        fields: Iterable[tuple[str, Any]] | Mapping[str, Any] = (),
        /,
        **headers: HeaderValue,
    ) -> _M:
        """Build a message whose first field is ``<kind_header>: name``, then ``fields``, then
        ``headers`` in order. List values repeat the header; ``None`` leaves it out.

        Raises ``TypeError`` on a plain :class:`Message` (it has no kind header) or on values
        that are not str/int/float/bool.
        """
        kind = cls.kind_header
        if kind is None:
            raise TypeError("Message.make needs a subclass: use Action, Event or Response")
        out = [(kind, _to_text(name))]
        out.extend(_expand(fields))
        out.extend(_expand(headers))
        return cls._from_parts(tuple(out))


class Action(Message):
    """A block sent by a client (received by the server role). See :meth:`Message.make`."""

    __slots__ = ()
    kind_header = "Action"

    @property
    def name(self) -> str:
        """The first non-empty ``Action`` value (Asterisk skips empty ones), else ``""``."""
        first = self.get("Action")
        if first:
            return first
        return next((v for v in self.get_all("Action") if v), "")


class Response(Message):
    """A ``Response:`` block."""

    __slots__ = ()
    kind_header = "Response"

    @property
    def name(self) -> str:
        """The ``Response`` value (same as :attr:`status`)."""
        return self.status

    @property
    def status(self) -> str:
        """``Success``, ``Error``, ``Goodbye``, ``Follows``... (``""`` if absent)."""
        raw = self._raw
        if raw is not None and raw.startswith(b"Response:"):
            return _raw_value(raw, 9)
        return self.get("Response", "")

    @property
    def is_error(self) -> bool:
        """True for ``Response: Error`` (compared case-insensitively)."""
        return self.status.lower() == "error"

    @property
    def message(self) -> str | None:
        """The ``Message`` value, if any."""
        return self.get("Message")

    @property
    def is_legacy(self) -> bool:
        """True for a legacy ``Response: Follows`` reply carrying raw :attr:`data`."""
        return bool(self.data)

    @property
    def output(self) -> tuple[str, ...]:
        """Lines of ``Command`` output, the same for both server generations.

        AMI 11+ (Asterisk 14 and later): the ``Output`` header values as written (only the
        space after the colon removed, so indentation survives; :meth:`get_all_verbatim`).
        Legacy: the raw text before ``--END COMMAND--``, minus its final line end, split on
        ``\\n``.
        """
        data = self.data
        if not data:
            return self.get_all_verbatim("Output")
        text = data[: data.rfind(END_COMMAND)]
        if text.endswith("\n"):
            text = text[:-1]
        return tuple(text.split("\n")) if text else ()


class Event(Message):
    """An ``Event:`` block."""

    __slots__ = ()
    kind_header = "Event"

    @property
    def name(self) -> str:
        """The ``Event`` value (``""`` if absent)."""
        raw = self._raw
        if raw is not None and raw.startswith(b"Event:"):
            return _raw_value(raw, 6)  # what event dispatch asks of every event
        return self.get("Event", "")


class Banner:
    """The AMI greeting line, e.g. ``Banner("Asterisk Call Manager/11.0.0")``.

    Raises ``ValueError`` if ``text`` holds a line end or NUL.
    """

    __slots__ = ("_text",)

    def __init__(self, text: str = "Asterisk Call Manager/11.0.0") -> None:
        if not isinstance(text, str):
            raise TypeError(f"banner text is a str, not {type(text).__name__}")
        if "\n" in text or "\r" in text or "\0" in text:
            raise ValueError(f"banner {text!r} holds a line end or NUL")
        self._text = text

    @classmethod
    def for_version(cls, version: str, product: str = "Asterisk Call Manager") -> Banner:
        """``Banner.for_version("11.0.0")`` -> ``Asterisk Call Manager/11.0.0``."""
        return cls(f"{product}/{version}")

    @property
    def text(self) -> str:
        """The whole line, without its line end."""
        return self._text

    @property
    def product(self) -> str:
        """What comes before the last ``/`` (``Asterisk Call Manager``)."""
        return self._text.rpartition("/")[0]

    @property
    def version(self) -> str:
        """What comes after the last ``/`` (``11.0.0``; see PROTOCOL.md 1.1 for the table)."""
        return self._text.rpartition("/")[2]

    def to_bytes(self) -> bytes:
        """The greeting as Asterisk writes it: the line and CRLF, no empty line after it."""
        return (self._text + "\r\n").encode("utf-8", "surrogateescape")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Banner):
            return NotImplemented
        return self._text == other._text

    def __hash__(self) -> int:
        return hash(("Banner", self._text))

    def __repr__(self) -> str:
        return f"Banner({self._text!r})"


class BadAction:
    """A block Asterisk rejects before running it (server role only).

    ``reason`` is the exact ``Message:`` text Asterisk answers with (:data:`LINE_TOO_LONG` or
    :data:`TOO_MANY_LINES`); ``action`` holds the lines Asterisk kept (the too-long line is
    dropped, lines past 128 are dropped), so :attr:`action_id` is the ActionID Asterisk echoes.
    Answer it with :func:`make_bad_action_response` and keep the connection open.
    """

    __slots__ = ("_action", "_reason")

    def __init__(self, reason: str, action: Action) -> None:
        self._reason = reason
        self._action = action

    @property
    def reason(self) -> str:
        """Asterisk's error text."""
        return self._reason

    @property
    def action(self) -> Action:
        """The lines Asterisk kept, as an :class:`Action`."""
        return self._action

    @property
    def fields(self) -> tuple[Field, ...]:
        """The kept fields (same as ``action.fields``)."""
        return self._action.fields

    @property
    def action_id(self) -> str | None:
        """The ActionID Asterisk would echo (first one, ``None`` if absent or empty)."""
        return self._action.action_id

    def get(self, name: str, default: str | None = None) -> str | None:
        """Lookup in the kept fields, like :meth:`Message.get`."""
        return self._action.get(name, default)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BadAction):
            return NotImplemented
        return (self._reason, self._action) == (other._reason, other._action)

    def __hash__(self) -> int:
        return hash(("BadAction", self._reason, self._action))

    def __repr__(self) -> str:
        return f"BadAction({self._reason!r}, {self._action!r})"


# --- server-side builders (Asterisk 22 layouts) ---------------------------------------------

Request = Message | BadAction


def _echo_id(request: Request | None) -> list[Field]:
    # astman_send_response_full: "ActionID: <id>" right after "Response:", only when the
    # request carried a non-empty one (first match, like astman_get_header).
    if request is None:
        return []
    action_id = request.get("ActionID")
    return [("ActionID", action_id)] if action_id else []


def make_response(
    request: Request | None,
    status: str = "Success",
    message: str | None = None,
    fields: Iterable[tuple[str, Any]] | Mapping[str, Any] = (),
    *,
    event_list: str | None = None,
) -> Response:
    """``Response: <status>``, ``ActionID`` (if the request had one), ``EventList:
    <event_list>`` (if given), ``Message: <message>`` (if given), then ``fields``.

    With ``message=None`` and ``fields`` this is Asterisk's ``astman_start_ack`` layout (Ping's
    ``Ping: Pong`` / ``Timestamp``, Getvar's ``Variable`` / ``Value``...).
    """
    out: list[Field] = [("Response", status), *_echo_id(request)]
    if event_list is not None:
        out.append(("EventList", event_list))
    if message is not None:
        out.append(("Message", message))
    out.extend(_expand(fields))
    return Response._from_parts(tuple(out))


def make_error(request: Request | None, message: str) -> Response:
    """``Response: Error`` / [ActionID] / ``Message: <message>`` (``astman_send_error``)."""
    return make_response(request, "Error", message)


def make_bad_action_response(bad: BadAction) -> Response:
    """The exact reply Asterisk sends for a :class:`BadAction` (echoing the kept ActionID)."""
    return make_error(bad, bad.reason)


def make_goodbye(request: Request | None) -> Response:
    """The reply to ``Logoff``: ``Response: Goodbye`` / ``Message: Thanks for all the fish.``
    (Asterisk then closes the connection)."""
    return make_response(request, "Goodbye", GOODBYE_MESSAGE)


def make_list_ack(request: Request | None, message: str, *, event_list: str = "start") -> Response:
    """First part of a list reply (``astman_send_listack``): Success, [ActionID],
    ``EventList: start``, ``Message: <message>`` (e.g. ``Channels will follow``).
    ``FAXSessions`` is the one caller passing ``Start``."""
    return make_response(request, "Success", message, event_list=event_list)


def make_list_item(
    request: Request | None,
    name: str,
    fields: Iterable[tuple[str, Any]] | Mapping[str, Any] = (),
) -> Event:
    """A list item: ``Event: <name>``, [ActionID], then ``fields`` (no ``Privilege`` line, as
    most list handlers write; ``Status`` items carry ``Privilege: Call``, pass it in fields).
    For handlers that put the ActionID last, build the :class:`Event` directly."""
    out: list[Field] = [("Event", name), *_echo_id(request)]
    out.extend(_expand(fields))
    return Event._from_parts(tuple(out))


def make_list_complete(
    request: Request | None,
    name: str,
    count: int,
    fields: Iterable[tuple[str, Any]] | Mapping[str, Any] = (),
) -> Event:
    """Last part of a list reply (``astman_send_list_complete_start``/``_end``):
    ``Event: <name>``, [ActionID], ``EventList: Complete``, ``ListItems: <count>``, then
    ``fields`` (e.g. ``Items: N`` for ``StatusComplete``)."""
    out: list[Field] = [("Event", name), *_echo_id(request)]
    out.append(("EventList", "Complete"))
    out.append(("ListItems", str(count)))
    out.extend(_expand(fields))
    return Event._from_parts(tuple(out))


def make_command_response(
    request: Request | None, lines: Iterable[str], *, status: str = "Success"
) -> Response:
    """AMI 11 ``Command`` reply: [ActionID], ``Message: Command output follows``, one
    ``Output:`` per CLI line (empty lines as ``Output: ``). ``status="Error"`` for an unknown
    CLI command, as Asterisk 22 answers."""
    out = [("Output", line) for line in lines]
    return make_response(request, status, "Command output follows", out)


def make_legacy_command_response(request: Request | None, text: str) -> Response:
    """Legacy (Asterisk 13 and older) ``Command`` reply: ``Response: Follows``,
    ``Privilege: Command``, [ActionID], the raw CLI ``text`` (lines ending in ``\\n``), then the
    line ``--END COMMAND--`` and the empty line."""
    fields: list[Field] = [("Response", "Follows"), ("Privilege", "Command"), *_echo_id(request)]
    return Response._from_parts(tuple(fields), (), text + END_COMMAND + "\r\n")
