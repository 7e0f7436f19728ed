"""Text for edited configuration lines: escaping, line styles, rendering.

Pure functions; the document model (:class:`pyst.config.model.Document`) uses them for its
edits, and writing the bytes to disk is the loader's job (:func:`pyst.config.loader.save`).

What the writer guarantees:

* untouched lines are written back byte for byte (comments, spacing, ``=>``, block comments,
  directives, CR before LF, a missing final newline, undecodable bytes);
* an edited line keeps its indentation, the spacing around its operator and its comment;
* new text reads back as written: ``;`` in names and values is written ``\\;``, a name starting
  with ``[``, ``#``, ``\\`` or ``;`` gets a leading backslash, and text Asterisk cannot read back
  (a newline, a key containing ``=``, blanks at either end of a value) raises
  :class:`~pyst.config.diagnostics.ConfigValueError`.

Unlike Asterisk's own writer (``UpdateConfig``), nothing is regenerated: block-comment markers
and every comment survive.
"""

from __future__ import annotations

from typing import NamedTuple

from pyst.config._text import BLANKS, ERRORS, MAX_CATEGORY_NAME, UTF8, byte_length, split_comment
from pyst.config.diagnostics import ConfigValueError

__all__ = [
    "DEFAULT_STYLE",
    "LineStyle",
    "encode",
    "escape_name",
    "escape_value",
    "format_category",
    "format_variable",
    "render",
    "replace_value",
    "style_of",
]

OPERATORS = ("=", "=>", "+=")


class LineStyle(NamedTuple):
    """Whitespace of a ``key = value`` line: before the key, before and after the operator."""

    indent: str = ""
    before: str = " "
    after: str = " "


DEFAULT_STYLE = LineStyle()


def _check_text(what: str, text: str) -> None:
    if "\n" in text or "\x00" in text:
        raise ConfigValueError(
            f"{what} {text!r} contains a newline or NUL: Asterisk cannot read it"
        )


def escape_value(value: str) -> str:
    """``value`` as written in a file: every ``;`` becomes ``\\;``.

    Raises ConfigValueError if Asterisk cannot read the value back unchanged (a newline or NUL,
    or blanks at either end, which ``ast_strip`` removes).
    """
    _check_text("value", value)
    if value and (value[0] in BLANKS or value[-1] in BLANKS):
        raise ConfigValueError(
            f"value {value!r} starts or ends with a blank: Asterisk strips it when reading"
        )
    return value.replace(";", "\\;")


def escape_name(name: str) -> str:
    """A key as written in a file (leading ``\\`` where the first character needs one).

    Raises ConfigValueError for an empty key, blanks at either end, a newline or NUL, or ``=``
    after the first character (the first ``=`` always ends the key).
    """
    _check_text("key", name)
    if not name or name[0] in BLANKS or name[-1] in BLANKS:
        raise ConfigValueError(f"key {name!r} is empty or starts or ends with a blank")
    if "=" in name[1:]:
        raise ConfigValueError(f"key {name!r} contains '=': the first '=' ends a key")
    first = name[0]
    rest = name[1:].replace(";", "\\;")
    if first == ";":
        return "\\;" + rest
    if first in "[#\\=":
        # process_text_line: a leading backslash makes the next character literal.
        return "\\" + first + rest
    return first + rest


def format_variable(name: str, value: str, op: str = "=", style: LineStyle = DEFAULT_STYLE) -> str:
    """One ``key = value`` line (without newline) in the given style.

    ``op`` is ``=`` or ``=>`` (an "object" line, as in extensions.conf). Spacing is added where
    the style's would change the meaning: before ``=`` after a key ending in ``+``, and after
    ``=`` before a value starting with ``>``.
    """
    if op not in ("=", "=>"):
        raise ConfigValueError(f"operator {op!r}: use '=' or '=>'")
    key = escape_name(name)
    text = escape_value(value)
    before = style.before
    after = style.after
    if not before and key.endswith("+"):
        before = " "
    if not after and op == "=" and text.startswith(">"):
        after = " "
    return f"{style.indent}{key}{before}{op}{after}{text}"


def format_category(
    name: str,
    *,
    template: bool = False,
    inherits: tuple[str, ...] | list[str] = (),
    append: bool = False,
) -> str:
    """A ``[name](options)`` header line (without newline).

    ``template`` adds ``!``, ``append`` adds ``+``, ``inherits`` lists parents (in order).
    Raises ConfigValueError for names Asterisk would cut or misread: containing ``]``, a
    newline, over 79 bytes; parents containing ``,``, ``)`` or blanks.
    """
    _check_text("category name", name)
    if "]" in name:
        raise ConfigValueError(f"category name {name!r} contains ']'")
    if byte_length(name) > MAX_CATEGORY_NAME:
        raise ConfigValueError(
            f"category name {name!r} is longer than {MAX_CATEGORY_NAME} bytes: Asterisk cuts it"
        )
    options: list[str] = []
    if template:
        options.append("!")
    if append:
        options.append("+")
    for parent in inherits:
        _check_text("parent", parent)
        if not parent or any(c in parent for c in ",)") or any(c in BLANKS for c in parent):
            raise ConfigValueError(f"parent name {parent!r} is empty or has ',', ')' or a blank")
        options.append(parent.replace(";", "\\;"))
    header = "[" + name.replace(";", "\\;") + "]"
    if options:
        header += "(" + ",".join(options) + ")"
    return header


class _VarParts(NamedTuple):
    """Positions inside the code text of a variable line."""

    key_start: int
    key_end: int
    op_start: int
    op_end: int
    value_start: int
    value_end: int
    op: str


def _variable_parts(code: str) -> _VarParts | None:
    """Locate key, operator and value in the code part of a line, as process_text_line does."""
    lead = len(code) - len(code.lstrip(BLANKS))
    if lead >= len(code) or code[lead] in "[#":
        return None
    escaped = 1 if code[lead] == "\\" else 0
    eq = code.find("=", lead + 2 * escaped)
    if eq < 0:
        return None
    if eq > lead + 2 * escaped and code[eq - 1] == "+":
        op, op_start, op_end = "+=", eq - 1, eq + 1
    elif code.startswith(">", eq + 1):
        op, op_start, op_end = "=>", eq, eq + 2
    else:
        op, op_start, op_end = "=", eq, eq + 1
    key_end = len(code[:op_start].rstrip(BLANKS))
    tail = code[op_end:]
    value_start = op_end + len(tail) - len(tail.lstrip(BLANKS))
    value_end = max(value_start, len(code.rstrip(BLANKS)))
    return _VarParts(lead, key_end, op_start, op_end, value_start, value_end, op)


def _first_code(pieces: list[tuple[bool, str]]) -> int:
    for i, (is_code, text) in enumerate(pieces):
        if is_code and text.strip(BLANKS):
            return i
    return -1


def style_of(raw: str, depth: int = 0) -> LineStyle | None:
    """The whitespace style of an existing ``key = value`` line, or None if it is not one."""
    pieces = split_comment(raw, depth)
    index = _first_code(pieces)
    if index < 0:
        return None
    code = pieces[index][1]
    parts = _variable_parts(code)
    if parts is None:
        return None
    indent = code[: parts.key_start] if index == 0 else ""
    return LineStyle(
        indent, code[parts.key_end : parts.op_start], code[parts.op_end : parts.value_start]
    )


def replace_value(
    raw: str, depth: int, value: str, op: str | None = None, name: str | None = None
) -> str | None:
    """``raw`` (a variable line) with a new value, keeping spacing and comments.

    ``op`` changes the operator (``=`` or ``=>``; None keeps it, except that ``+=`` becomes
    ``=``), ``name`` renames the key. Code that Asterisk would have appended to the value after
    a same-line block comment (``a=1 ;-- c --; tail``) is dropped, the comment kept. Returns None
    if ``raw`` is not a variable line. Raises ConfigValueError for unwritable text.
    """
    pieces = split_comment(raw, depth)
    index = _first_code(pieces)
    if index < 0:
        return None
    code = pieces[index][1]
    parts = _variable_parts(code)
    if parts is None:
        return None
    new_op = op if op is not None else ("=" if parts.op == "+=" else parts.op)
    if new_op not in ("=", "=>"):
        raise ConfigValueError(f"operator {new_op!r}: use '=' or '=>'")
    text = escape_value(value)
    key = code[parts.key_start : parts.key_end] if name is None else escape_name(name)
    before = code[parts.key_end : parts.op_start]
    after = code[parts.op_end : parts.value_start]
    if not before and key.endswith("+"):
        before = " "
    if not after and text and (before or (new_op == "=" and text.startswith(">"))):
        after = " "
    trailing = code[parts.value_end :]
    new_code = code[: parts.key_start] + key + before + new_op + after + text + trailing
    out: list[str] = []
    for i, (is_code, piece) in enumerate(pieces):
        if i == index:
            out.append(new_code)
        elif is_code and i > index:
            # Asterisk joined this text to the value; the new value replaces it.
            continue
        else:
            if piece.startswith(";") and out and out[-1].endswith("\\"):
                out.append(" ")
            out.append(piece)
    return "".join(out)


def render(lines: list[str], final_newline: bool) -> str:
    """Join raw lines back into file text."""
    text = "\n".join(lines)
    if final_newline and lines:
        text += "\n"
    return text


def encode(text: str) -> bytes:
    """File bytes for ``text`` (UTF-8; undecodable input bytes come back unchanged)."""
    return text.encode(UTF8, ERRORS)
