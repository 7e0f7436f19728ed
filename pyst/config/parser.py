"""Asterisk's config reader (main/config.c, 22.x), in Python and without I/O.

:func:`parse_text` reads one text. :func:`read_config` reads a named file and follows its
``#include``/``#tryinclude``/``#exec`` lines through an :class:`IncludeResolver` (the loader
supplies one that reads files; :class:`pyst.config.loader.MemoryLoader` one that reads a dict).
Both return a :class:`~pyst.config.model.LoadedConfig` with the resolved view, the documents
and the diagnostics.

Each rule below names the Asterisk function it follows; quirks are kept on purpose, because a
configuration that works in the simulator must work in Asterisk (and fail the same way):

* an error stops the file it is in; only an error in the top-level file makes the load fail;
  an included file's error keeps what was read before it (``ast_config_internal_load``
  returns ``CONFIG_STATUS_FILEINVALID``, which the ``#include`` code takes for success);
* an invalid included file does not give back its include level, so later ``#include`` lines
  hit the depth limit sooner (``ast_config_internal_load`` only decrements on success);
* an included file starts in the configuration's current category (the last one created, or
  the target of the last ``(+)``), and its includer then goes on in its own category;
* files matched by one glob share one reader state: line counting for the BOM, the open block
  comments and the current category carry from one file to the next.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Protocol

from pyst.config._text import (
    BLANKS,
    ERRORS,
    MAX_CATEGORY_NAME,
    READ_BUFFER,
    UTF8,
    ascii_lower,
    byte_length,
    scan_line,
    truncate_bytes,
)
from pyst.config.diagnostics import Code, Diagnostic, Severity
from pyst.config.model import (
    ConfigCategory,
    DocLine,
    Document,
    LineKind,
    LoadedConfig,
    LoadStatus,
    RawVariable,
    ResolvedConfig,
    category_matches,
)

__all__ = [
    "MAX_INCLUDE_LEVEL",
    "ExecResult",
    "IncludeResolver",
    "Source",
    "categories_from_text",
    "document_lines",
    "parse_bytes",
    "parse_text",
    "read_config",
]

# MAX_INCLUDE_LEVEL in main/config.c.
MAX_INCLUDE_LEVEL = 10

_LONG = READ_BUFFER - 1  # a line of this many bytes (without its newline) overflows fgets()

# Runs of lines that cannot matter when no block comment is open: blank lines and lines whose
# first visible character is a ';' that does not open a block ('--' not followed by '-').
# Both parts are bounded so that a line long enough for Asterisk to skip with a warning ("Line
# N too long": 8191 bytes or more) is never swallowed here: at most 1000 one-byte blanks and
# 1000 characters of up to four bytes. Lines with other control characters (NUL...) stop it.
_SKIP = re.compile(
    r"(?:;(?!--(?!-))[^\n]{0,1000}\n"  # the common case first: a comment in column 1
    r"|\n"  # an empty line
    r"|[ \t\r\x0b\x0c]{1,1000}(?:;(?!--(?!-))[^\n]{0,1000})?\n)*"  # blanks, maybe a comment
)
# Without any block-comment opener in the text, runs of lines starting with ';' or empty are
# skipped by searching for the next line that starts otherwise: the search moves from newline
# to newline in C, about twice as fast as matching line by line.
_NEXT_CONTENT = re.compile(r"\n[^;\n]")
# Lines starting with blanks that hold nothing or a comment (bounded like _SKIP).
_SKIP_INDENTED = re.compile(r"(?:[ \t\r\x0b\x0c]{1,1000}(?:;[^\n]{0,1000})?\n)*")
# Inside a block comment: lines without any ';' (bounded like _SKIP).
_SKIP_BLOCK = re.compile(r"(?:[^;\n]{0,2000}\n)*")
_SKIPPABLE = frozenset(" \t\r\x0b\x0c;\n")
_INDENT = frozenset(" \t\r\x0b\x0c")

# First and last characters of a stripped key that send a line to the general path: headers,
# directives, escapes, '+=' and the odd control characters str.strip() leaves.
_BAD_FIRST = frozenset("[#\\" + "".join(chr(i) for i in range(33)))
_BAD_LAST = frozenset("+" + "".join(chr(i) for i in range(33)))


class Source(NamedTuple):
    """One file an include name expanded to. ``text`` is None when the path exists but is not
    a regular file (Asterisk warns and skips it)."""

    path: str
    text: str | None


class ExecResult(NamedTuple):
    """What an ``#exec`` program did: its output (parsed as an included file), its stderr, its
    exit status (None if it did not exit normally) and, if it could not run at all, why."""

    output: str
    stderr: str = ""
    status: int | None = 0
    error: str | None = None


class IncludeResolver(Protocol):
    """What the reader needs from a loader.

    ``expand(name)`` resolves a name as Asterisk does (relative to the config directory, through
    glob(3) with braces) and returns the sources in load order: an empty list when nothing
    matches, None when the resolver cannot follow includes at all. ``run_exec`` runs an
    ``#exec`` command line; it is only called when ``exec_enabled`` is true.
    """

    exec_enabled: bool

    def expand(self, name: str) -> list[Source] | None: ...

    def run_exec(self, command: str) -> ExecResult | None: ...


class _NoIncludes:
    """The resolver of :func:`parse_text`: includes are noted, not followed."""

    exec_enabled = False

    def expand(self, name: str) -> list[Source] | None:
        return None

    def run_exec(self, command: str) -> ExecResult | None:  # pragma: no cover - exec disabled
        return None


_NO_INCLUDES = _NoIncludes()

# Results of _Load.internal_load / text_file_load.
_OK = 0
_MISSING = 1
_INVALID = 2
_DEPTH = 3  # MISSING because the include level limit was hit
_UNFOLLOWED = 4


def _split_long(line: str, has_newline: bool) -> tuple[list[str], bool]:
    """What fgets() makes of a line of READ_BUFFER - 1 bytes or more.

    Returns the pieces Asterisk goes on to parse (normally none) and whether it logged
    "Line N too long". A NUL inside the first buffer makes ``strlen`` short, so that piece is
    parsed and the rest of the line is read as further lines.
    """
    data = line.encode(UTF8, ERRORS) + (b"\n" if has_newline else b"")
    chunks = [data[i : i + _LONG] for i in range(0, len(data), _LONG)]
    pieces: list[str] = []
    too_long = False
    i = 0

    def full(chunk: bytes) -> bool:
        nul = chunk.find(b"\x00")
        size = nul if nul >= 0 else len(chunk)
        return size == _LONG and chunk[_LONG - 1 : _LONG] != b"\n"

    while i < len(chunks):
        chunk = chunks[i]
        i += 1
        if full(chunk):
            too_long = True
            while i < len(chunks):
                chunk = chunks[i]
                i += 1
                if not full(chunk):
                    break
            continue
        piece = chunk.split(b"\x00", 1)[0].rstrip(b"\n")
        pieces.append(piece.decode(UTF8, ERRORS))
    return pieces, too_long


def _after_directive_name(body: str) -> tuple[str, str | None]:
    """Split ``#name argument``: the name ends at the first byte <= 32, compared as a signed
    char, so a non-ASCII byte ends it too; one byte is then skipped and the rest stripped."""
    i = 0
    n = len(body)
    while i < n and "\x20" < body[i] < "\x80":
        i += 1
    if i >= n:
        return body, None
    if body[i] < "\x80":
        rest = body[i + 1 :]
    else:
        rest = body[i:].encode(UTF8, ERRORS)[1:].decode(UTF8, ERRORS)
    arg = rest.strip(BLANKS)
    return body[:i], (arg or None)


class _Load:
    """State of one ``ast_config_load2`` call."""

    def __init__(self, resolver: IncludeResolver, max_include_level: int, config_dir: str) -> None:
        self.resolver = resolver
        self.max_include_level = max_include_level
        self.config_dir = config_dir
        self.config = ResolvedConfig()
        self.categories = self.config.all_categories
        self.current: ConfigCategory | None = None
        # Asterisk's include_level counter (which an invalid include never gives back) and the
        # real nesting of the file being read (1 = top level), for the diagnostics.
        self.level = 0
        self.nesting = 0
        self.included: set[str] = set()
        self.repeated: set[str] = set()
        self.stray_reported: set[str] = set()
        self.diagnostics: list[Diagnostic] = []
        self.documents: dict[str, Document] = {}

    # -- diagnostics --

    def diag(
        self,
        path: str,
        line: int,
        column: int,
        severity: Severity,
        code: Code,
        message: str,
        log: str = "",
    ) -> None:
        self.diagnostics.append(
            Diagnostic(path, line, column, severity, code, message, log, self.nesting)
        )

    def stop(self, path: str, line: int, column: int, code: Code, what: str, log: str) -> None:
        """Record an error that stops the current file."""
        if self.nesting <= 1:
            outcome = "Asterisk rejects the configuration"
        else:
            outcome = (
                "Asterisk stops reading this included file here (what was read before stays; "
                "the including file goes on)"
            )
        self.diag(path, line, column, Severity.ERROR, code, f"{what}: {outcome}", log)
        doc = self.documents.get(path)
        if doc is not None and doc.stopped_at is None:
            doc.stopped_at = line

    # -- loading (ast_config_internal_load / config_text_file_load) --

    def internal_load(self, name: str, sources: list[Source] | None = None) -> int:
        if self.max_include_level > 0 and self.level == self.max_include_level + 1:
            return _DEPTH
        self.level += 1
        self.nesting += 1
        result = self.text_file_load(name, sources)
        self.nesting -= 1
        if result != _INVALID:
            self.level -= 1
        return result

    def text_file_load(self, name: str, sources: list[Source] | None) -> int:
        if sources is None:
            sources = self.resolver.expand(name)
            if sources is None:
                return _UNFOLLOWED
        cat = self.current
        depth = 0
        nest: list[tuple[str, int, int]] = []
        count = 0
        for source in sources:
            if source.text is None:
                self.diag(
                    source.path,
                    0,
                    0,
                    Severity.WARNING,
                    Code.NOT_REGULAR_FILE,
                    f"'{source.path}' is not a regular file: Asterisk skips it",
                    f"'{source.path}' is not a regular file, ignoring",
                )
                continue
            # fgets() line counting is not reset between the files of one glob, so only the
            # first file read gets its UTF-8 BOM removed (the check is "line 1").
            strip_bom = count == 0
            count += 1
            doc = self.documents.get(source.path)
            if doc is None:
                doc = Document(source.text, source.path, initial_depth=depth, strip_bom=strip_bom)
                self.documents[source.path] = doc
            ok, cat, depth = self.read_text(source.text, source.path, cat, depth, nest, strip_bom)
            if depth > 0 and ok:
                path, line, col = nest[-1]
                self.diag(
                    path,
                    line,
                    col + 1,
                    Severity.WARNING,
                    Code.UNTERMINATED_COMMENT,
                    "block comment ';--' is never closed: Asterisk ignores the rest of the file",
                    f"Unterminated comment detected beginning on line {line}",
                )
            if not ok:
                return _INVALID
        return _OK if count else _MISSING

    def read_text(
        self,
        text: str,
        path: str,
        cat: ConfigCategory | None,
        depth: int,
        nest: list[tuple[str, int, int]],
        strip_bom: bool,
        line_offset: int = 0,
    ) -> tuple[bool, ConfigCategory | None, int]:
        """Read the lines of one file. Returns (no error, current category, comment depth).

        This loop is the hot path of the package: runs of comment and blank lines are skipped
        by regular expressions and string searches (C speed); only the other lines are looked
        at in Python, following ``config_text_file_load`` and ``process_text_line`` step by
        step.
        """
        n = len(text)
        pos = 1 if strip_bom and text.startswith("\ufeff") else 0
        # A NUL byte ends a line early (fgets() + strlen()): such text takes the careful path.
        nul = "\x00" in text
        # In ASCII text str.strip() removes what ast_strip() removes, except the odd control
        # characters, which the checks after each strip catch. Non-ASCII text is checked line
        # by line.
        plain = text.isascii()
        blanks = BLANKS
        at = text.find(";--")
        while at >= 0 and text[at + 3 : at + 4] == "-":
            at = text.find(";--", at + 4)
        openers = at >= 0
        skip = _SKIP.match
        next_content = _NEXT_CONTENT.search
        skip_indented = _SKIP_INDENTED.match
        rfind = text.rfind
        indent = _INDENT
        skip_block = _SKIP_BLOCK.match
        find = text.find
        count = text.count
        bad_first = _BAD_FIRST
        bad_last = _BAD_LAST
        categories = self.categories
        skippable = _SKIPPABLE
        append = cat._items.append if cat is not None else None
        lineno = line_offset
        while pos < n:
            if depth == 0:
                if text[pos] in skippable:
                    # Skip comment and blank lines at C speed (see _NEXT_CONTENT).
                    start = pos
                    if openers:
                        pos = skip(text, pos).end()  # type: ignore[union-attr]  # always matches
                    else:
                        while pos < n:
                            c = text[pos]
                            if c == ";" or c == "\n":
                                found = next_content(text, pos)
                                end = found.start() + 1 if found is not None else n
                                # A line over 2040 characters may be too long for Asterisk
                                # (a warning): stop before it. rfind() jumps ~2000 at a time.
                                i = pos
                                while end - i > 2041:
                                    j = rfind("\n", i, i + 2041)
                                    if j < 0:
                                        end = i
                                        break
                                    i = j + 1
                            elif c in indent:
                                end = skip_indented(text, pos).end()  # type: ignore[union-attr]
                            else:
                                break
                            if end == pos:
                                break
                            pos = end
                    if pos != start:
                        lineno += count("\n", start, pos)
                        if pos >= n:
                            break
            else:
                # Inside a block comment only lines with a ';' can change anything.
                end = skip_block(text, pos).end()  # type: ignore[union-attr]  # always matches
                if end != pos:
                    lineno += count("\n", pos, end)
                    pos = end
                    if pos >= n:
                        break
            nl = find("\n", pos)
            if nl < 0:
                nl = n
            raw = line = text[pos:nl]
            lineno += 1
            if nul or nl - pos > 2040:
                pos = nl + 1
                ok, cat, depth, line = self.careful_line(
                    raw, nl < n, lineno, path, cat, depth, nest
                )
                if not ok:
                    return False, cat, depth
                append = cat._items.append if cat is not None else None
                if not line:
                    continue
            pos = nl + 1
            # -- comments (config_text_file_load) --
            if depth == 0:
                if ";" not in line:
                    proc = line
                else:
                    p = line.find(";")
                    if (
                        (p == 0 or line[p - 1] != "\\")
                        and not (line[p + 1 : p + 3] == "--" and line[p + 3 : p + 4] != "-")
                        and not (p >= 2 and line[p - 2 : p] == "--")
                    ):
                        proc = line[:p]
                        if not proc or (proc.isspace() and (plain or proc.isascii())):
                            continue
                    else:
                        scanned, depth, events = scan_line(line, 0)
                        if events:
                            ok = self.comment_events(events, path, lineno, nest)
                            if not ok:
                                return False, cat, depth
                        if scanned is None:
                            continue
                        proc = scanned
            else:
                if ";" not in line:
                    continue
                scanned, depth, events = scan_line(line, depth)
                if events:
                    ok = self.comment_events(events, path, lineno, nest)
                    if not ok:
                        return False, cat, depth
                if scanned is None:
                    continue
                proc = scanned
            # -- process_text_line --
            name, eq, value = proc.partition("=")
            # str.strip() is only right for ASCII text (it would remove Unicode spaces too);
            # isascii() on a slice is a flag test, not a scan.
            ascii_line = plain or proc.isascii()
            if eq and ascii_line:
                name = name.strip()
                slow = not name or name[0] in bad_first or name[-1] in bad_last
            else:
                slow = True
            if slow:
                # The rare forms: headers, directives, escapes, '+=', no '=', no key, and
                # anything in non-ASCII text (where str.strip() would remove too much).
                if ascii_line:
                    s = proc.strip()
                    if s and (s[0] < "!" or s[-1] < "!"):
                        s = proc.strip(blanks)
                else:
                    s = proc.strip(blanks)
                if not s:
                    continue
                first = s[0]
                if first == "[" and s[-1] == "]" and s.find("]") == len(s) - 1 and len(s) < 22:
                    # A plain short [name] header: no options, nothing to cut (79 bytes need
                    # at least 20 characters).
                    cat = ConfigCategory(s[1:-1], path, lineno)
                    categories.append(cat)
                    self.current = cat
                    append = cat._items.append
                    continue
                if first == "[":
                    ok, cat = self.header(s, raw, lineno, path, cat)
                    if not ok:
                        return False, cat, depth
                    append = cat._items.append if cat is not None else None
                    continue
                if first == "#":
                    if not self.directive(s, raw, lineno, path):
                        return False, cat, depth
                    continue
                if cat is None:
                    self.no_category(s, raw, lineno, path)
                    return False, cat, depth
                cut = len(proc) if proc is not line else -1
                if not self.special_variable(s, raw, lineno, path, cat, cut):
                    return False, cat, depth
                continue
            if append is None:
                self.no_category(proc.strip(blanks), raw, lineno, path)
                return False, cat, depth
            if value and value[0] == ">":
                is_object = True
                value = value[1:].strip()
            else:
                is_object = False
                value = value.strip()
            if value and (value[0] < "!" or value[-1] < "!"):
                value = value.strip(blanks)
            append((name, value, path, lineno, is_object, False))
            if proc is not line and "(" in value and value.count("(") > value.count(")"):
                self.semicolon_in_value(path, lineno, len(proc), value)
        return True, cat, depth

    def careful_line(
        self,
        raw: str,
        has_newline: bool,
        lineno: int,
        path: str,
        cat: ConfigCategory | None,
        depth: int,
        nest: list[tuple[str, int, int]],
    ) -> tuple[bool, ConfigCategory | None, int, str]:
        """A line with a NUL or over 2040 characters: what fgets() and strlen() make of it.

        Returns (no error, category, depth, the text left to parse on this line: "" if
        nothing). A line too long for the buffer is skipped with a warning; a NUL inside it
        can make Asterisk read the rest as further lines, which are parsed here.
        """
        if len(raw) > 2040 and byte_length(raw) >= _LONG:
            pieces, too_long = _split_long(raw, has_newline)
            if too_long:
                self.diag(
                    path,
                    lineno,
                    1,
                    Severity.WARNING,
                    Code.LINE_TOO_LONG,
                    f"line is {byte_length(raw)} bytes long: Asterisk skips lines longer than "
                    f"{_LONG - 1} bytes",
                    f"Line {lineno} too long, skipping. It begins with: {raw[:32]}...",
                )
            for piece in pieces:
                ok, cat, depth = self.read_text(
                    piece, path, cat, depth, nest, False, lineno - 1
                )
                if not ok:
                    return False, cat, depth, ""
            return True, cat, depth, ""
        if "\x00" in raw:
            return True, cat, depth, raw[: raw.index("\x00")]
        return True, cat, depth, raw

    # -- helpers of read_text --

    def comment_events(
        self,
        events: list[tuple[str, int]],
        path: str,
        lineno: int,
        nest: list[tuple[str, int, int]],
    ) -> bool:
        """Track block-comment openers and closers; False if the file must stop here."""
        for kind, col in events:
            if kind == "open":
                nest.append((path, lineno, col))
            elif kind == "close":
                if nest:
                    nest.pop()
            elif kind == "stray":
                if path not in self.stray_reported:  # once per file: later ones say nothing new
                    self.stray_reported.add(path)
                    self.diag(
                        path,
                        lineno,
                        col + 1,
                        Severity.WARNING,
                        Code.STRAY_COMMENT_END,
                        "stray '--;' outside a block comment: Asterisk ignores every later "
                        "line after this (its comment counter goes below zero)",
                    )
            else:  # "hang"
                self.stop(
                    path,
                    lineno,
                    col + 1,
                    Code.HANG,
                    "more than 128 nested block comments: Asterisk 22 loops forever on this line",
                    "Maximum nest limit of 128 reached.",
                )
                return False
        return True

    def no_category(self, s: str, line: str, lineno: int, path: str) -> None:
        self.stop(
            path,
            lineno,
            len(line) - len(line.lstrip(BLANKS)) + 1,
            Code.NO_CATEGORY,
            f"'{s}' comes before any [category]",
            f"parse error: No category context for line {lineno} of {path}",
        )

    def no_name(self, path: str, lineno: int, line: str) -> None:
        self.diag(
            path,
            lineno,
            len(line) - len(line.lstrip(BLANKS)) + 1,
            Severity.WARNING,
            Code.NO_NAME,
            "no key before '=': Asterisk ignores the line",
            f"No variable name in line {lineno} of {path}",
        )

    def semicolon_in_value(self, path: str, lineno: int, cut: int, value: str) -> None:
        self.diag(
            path,
            lineno,
            cut + 1,
            Severity.WARNING,
            Code.SEMICOLON_IN_VALUE,
            f"';' starts a comment here, so the value is cut to '{value}' (write '\\;' for a "
            "literal semicolon)",
        )

    def special_variable(
        self, s: str, line: str, lineno: int, path: str, cat: ConfigCategory, cut: int = -1
    ) -> bool:
        """A key line with a leading escape or a ``+=`` operator (process_text_line)."""
        escaped = 0
        cur = s
        if cur[0] == "\\":
            escaped = 1
            cur = cur[1:]
            # `cur[0] < 33` on a signed char: a non-ASCII byte is negative, so invalid too.
            if not cur or not ("\x20" < cur[0] < "\x80"):
                self.stop(
                    path,
                    lineno,
                    len(line) - len(line.lstrip(BLANKS)) + 1,
                    Code.INVALID_ESCAPE,
                    "a backslash at the start of a line must escape a visible ASCII character",
                    f"Invalid escape in line {lineno} of {path}",
                )
                return False
        eq = cur.find("=", escaped)
        if eq > escaped and cur[eq - 1] == "+":
            name = cur[: eq - 1].strip(BLANKS)
            appended = cur[eq + 1 :]
            replace: RawVariable | None = None
            for v in cat._items:
                if v[0] == name:
                    replace = v
            if replace is not None:
                self.append_value(cat, replace, appended)
                return True
            value = appended.strip(BLANKS)
            is_object = False
        elif eq >= 0:
            name = cur[:eq].strip(BLANKS)
            value = cur[eq + 1 :]
            is_object = value[:1] == ">"
            if is_object:
                value = value[1:]
            value = value.strip(BLANKS)
        else:
            self.diag(
                path,
                lineno,
                len(line) - len(line.lstrip(BLANKS)) + 1,
                Severity.WARNING,
                Code.NO_EQUALS,
                f"'{s}' has no '=': Asterisk ignores the line",
                f"No '=' (equal sign) in line {lineno} of {path}",
            )
            return True
        if not name:
            self.no_name(path, lineno, line)
            return True
        cat._items.append((name, value, path, lineno, is_object, False))
        if cut >= 0 and "(" in value and value.count("(") > value.count(")"):
            self.semicolon_in_value(path, lineno, cut, value)
        return True

    @staticmethod
    def append_value(cat: ConfigCategory, replace: RawVariable, appended: str) -> None:
        """``key += text``: concatenation, trailing blanks trimmed, then ast_variable_update().

        ast_variable_update() replaces the *first* key whose name and value match the last
        same-named key case-insensitively; with keys differing only in case that can be an
        earlier line. The updated key is no longer flagged as inherited.
        """
        new_value = (replace[1] + appended).rstrip(BLANKS).lstrip(BLANKS)
        wanted_name = ascii_lower(replace[0])
        match = replace[1]
        wanted_value = ascii_lower(match)
        items = cat._items
        for i, v in enumerate(items):
            if ascii_lower(v[0]) != wanted_name:
                continue
            if match and ascii_lower(v[1]) != wanted_value:
                continue
            items[i] = (replace[0], new_value, v[2], v[3], v[4], False)
            cat._variables = None
            return

    def find_category(self, name: str, match: str | None, sep: str) -> ConfigCategory | None:
        """category_get_sep(): the first category of the whole configuration that matches."""
        for c in self.categories:
            if category_matches(c, name, match, sep):
                return c
        return None

    def header(
        self, s: str, line: str, lineno: int, path: str, cat: ConfigCategory | None
    ) -> tuple[bool, ConfigCategory | None]:
        """A ``[name](options)`` line (process_text_line)."""
        col = len(line) - len(line.lstrip(BLANKS)) + 1 if line[:1] != "[" else 1
        close = s.find("]")
        if close < 0:
            self.stop(
                path,
                lineno,
                col,
                Code.NO_CLOSING_BRACKET,
                "category header has no closing ']'",
                f"parse error: no closing ']', line {lineno} of {path}",
            )
            return False, cat
        raw_name = s[1:close]
        after = s[close + 1 :]
        options: str | None = None
        if after[:1] == "(":
            paren = after.find(")", 1)
            if paren < 0:
                self.stop(
                    path,
                    lineno,
                    col,
                    Code.NO_CLOSING_PAREN,
                    "category option list has no closing ')'",
                    f"parse error: no closing ')', line {lineno} of {path}",
                )
                return False, cat
            options = after[1:paren]
            trailing = after[paren + 1 :]
        else:
            trailing = after
        if trailing:
            self.diag(
                path,
                lineno,
                col + line.lstrip(BLANKS).find(trailing),
                Severity.WARNING,
                Code.HEADER_TRAILING_TEXT,
                f"'{trailing}' after the header is ignored"
                + (
                    " (an option list must follow ']' with no space: this category is plain)"
                    if trailing.lstrip(BLANKS).startswith("(") and options is None
                    else ""
                ),
            )
        if len(raw_name) <= 19:  # 79 bytes need at least 20 characters
            name = raw_name
        else:
            name = truncate_bytes(raw_name, MAX_CATEGORY_NAME)
        if name is not raw_name and name != raw_name:
            self.diag(
                path,
                lineno,
                col + 1,
                Severity.WARNING,
                Code.NAME_TRUNCATED,
                f"category name is longer than {MAX_CATEGORY_NAME} bytes: Asterisk cuts it to "
                f"'{name}'",
            )
        newcat: ConfigCategory | None = ConfigCategory(name, path, lineno)
        assert newcat is not None
        current: ConfigCategory = newcat
        if options is not None:
            for token in options.split(","):
                if token == "!":
                    current.is_template = True
                elif token[:1] == "+":
                    target = self.find_category(raw_name, token[1:], "&")
                    if target is None:
                        self.stop(
                            path,
                            lineno,
                            col,
                            Code.APPEND_TARGET_MISSING,
                            f"[{raw_name}](+) appends to a category that does not exist above "
                            "this line (or is a template)",
                            f"Category addition requested, but category '{raw_name}' does not "
                            f"exist, line {lineno} of {path}",
                        )
                        return False, cat
                    current = target
                    if newcat is not None:
                        self.current = target
                        target.is_template = target.is_template or newcat.is_template
                        target._items.extend(newcat._items)
                        newcat = None
                else:
                    base = self.find_category(token, "TEMPLATES=include", ",")
                    if base is None:
                        hint = ""
                        if token != token.strip(BLANKS):
                            hint = " (option lists take no spaces)"
                        self.stop(
                            path,
                            lineno,
                            col,
                            Code.INHERIT_TARGET_MISSING,
                            f"[{name}] inherits from '{token}', which is not defined above this "
                            f"line{hint}",
                            f"Inheritance requested, but category '{token}' does not exist, "
                            f"line {lineno} of {path}",
                        )
                        return False, cat
                    if base is current:
                        # ast_category_inherit() appends to the list it walks: endless.
                        self.stop(
                            path,
                            lineno,
                            col,
                            Code.HANG,
                            f"[{name}] inherits from itself: Asterisk 22 loops forever here",
                            "",
                        )
                        return False, cat
                    current.templates.append(base.name)
                    current._items.extend([(*v[:5], True) for v in base._items])
        if newcat is not None:
            self.categories.append(newcat)
            self.current = newcat
        return True, current

    def directive(self, s: str, line: str, lineno: int, path: str) -> bool:
        """``#include``, ``#tryinclude``, ``#exec`` or an unknown directive."""
        col = len(line) - len(line.lstrip(BLANKS)) + 1
        name, arg = _after_directive_name(s[1:])
        kind = ascii_lower(name)
        if kind == "exec":
            if not self.resolver.exec_enabled:
                self.diag(
                    path,
                    lineno,
                    col,
                    Severity.WARNING,
                    Code.EXEC_DISABLED,
                    "#exec is disabled (execincludes is not 'yes' in asterisk.conf [options]): "
                    "Asterisk ignores the line",
                    "Cannot perform #exec unless execincludes option is enabled in asterisk.conf "
                    "(options section)!",
                )
                return True
        elif kind not in ("include", "tryinclude"):
            self.diag(
                path,
                lineno,
                col,
                Severity.WARNING,
                Code.UNKNOWN_DIRECTIVE,
                f"unknown directive '#{name}': Asterisk ignores the line",
                f"Unknown directive '#{name}' at line {lineno} of {path}",
            )
            return True
        if arg is None:
            what = "/path/to/executable" if kind == "exec" else "filename"
            self.diag(
                path,
                lineno,
                col,
                Severity.WARNING,
                Code.DIRECTIVE_NEEDS_ARGUMENT,
                f"'#{name}' needs an argument ({what}): Asterisk ignores the line",
                f"Directive '#{name}' needs an argument ({what}) at line {lineno} of {path}",
            )
            return True
        target = arg
        if arg[0] in '"<' and arg[-1] == ('"' if arg[0] == '"' else ">"):
            target = arg[1:-1]
        if kind == "exec":
            return self.exec_directive(target, path, lineno, col)
        if target in self.included and target not in self.repeated:
            self.repeated.add(target)
            self.diag(
                path,
                lineno,
                col,
                Severity.WARNING,
                Code.INCLUDED_AGAIN,
                f"'{target}' is included more than once: Asterisk reads it again each time "
                "(reported once)",
                f"'{path}', line {lineno}:  Same File included more than once!",
            )
        self.included.add(target)
        result = self.internal_load(target)
        if result == _UNFOLLOWED:
            self.diag(
                path,
                lineno,
                col,
                Severity.WARNING,
                Code.INCLUDE_NOT_FOLLOWED,
                f"#{kind} '{target}' not followed: this reader has no access to files "
                "(use a ConfigLoader)",
            )
            return True
        if result in (_MISSING, _DEPTH):
            if result == _DEPTH:
                what = (
                    f"#{kind} '{target}' nests more than {self.max_include_level} levels deep "
                    "(an include loop?)"
                )
                log = f"Maximum Include level ({self.max_include_level}) exceeded"
            else:
                what = (
                    f"#{kind} '{target}': no such file (a relative name is looked up in the "
                    f"config directory {self.config_dir}, not next to this file)"
                )
                log = f"The file '{target}' was listed as a #include but it does not exist."
            if kind == "tryinclude":
                if result == _DEPTH:
                    self.diag(
                        path,
                        lineno,
                        col,
                        Severity.WARNING,
                        Code.INCLUDE_DEPTH,
                        f"{what}: Asterisk skips it",
                        log,
                    )
                return True
            self.stop(
                path,
                lineno,
                col,
                Code.INCLUDE_DEPTH if result == _DEPTH else Code.INCLUDE_NOT_FOUND,
                what,
                log,
            )
            return False
        return True

    def exec_directive(self, command: str, path: str, lineno: int, col: int) -> bool:
        """``#exec``: run the program, read its output as an included file (a temp file in
        Asterisk, here a source named ``#exec <command>``)."""
        result = self.resolver.run_exec(command)
        if result is None or result.error is not None:
            why = result.error if result is not None else "could not run"
            self.stop(
                path,
                lineno,
                col,
                Code.INCLUDE_NOT_FOUND,
                f"#exec '{command}' did not run ({why})",
                f"#exec <{command}>: Failed to execute",
            )
            return False
        problems: list[str] = []
        if result.stderr:
            problems.append(f"wrote to stderr: {result.stderr.strip()!r}")
        if result.status is None:
            problems.append("did not exit normally")
        elif result.status:
            problems.append(f"exited with status {result.status}")
        if not result.output:
            problems.append("produced no output")
        if problems:
            self.diag(
                path,
                lineno,
                col,
                Severity.WARNING,
                Code.EXEC_PROBLEM,
                f"#exec '{command}' " + "; ".join(problems) + " (Asterisk logs it and goes on)",
            )
        name = f"#exec {command}"
        status = self.internal_load(name, [Source(name, result.output)])
        if status == _DEPTH:
            self.stop(
                path,
                lineno,
                col,
                Code.INCLUDE_DEPTH,
                f"#exec output nests more than {self.max_include_level} levels deep",
                f"Maximum Include level ({self.max_include_level}) exceeded",
            )
            return False
        return True


def _finish(load: _Load, filename: str, result: int) -> LoadedConfig:
    if result == _INVALID:
        status = LoadStatus.INVALID
    elif result in (_MISSING, _DEPTH):
        status = LoadStatus.MISSING
        load.diag(
            filename,
            0,
            0,
            Severity.ERROR,
            Code.FILE_NOT_FOUND,
            f"no such file: {filename} (Asterisk: Config file not found)",
        )
    else:
        status = LoadStatus.OK
    return LoadedConfig(
        filename, status, load.config, list(load.documents.values()), load.diagnostics
    )


def read_config(
    filename: str,
    resolver: IncludeResolver,
    *,
    max_include_level: int = MAX_INCLUDE_LEVEL,
    config_dir: str = "",
) -> LoadedConfig:
    """Read ``filename`` and what it includes, as ``ast_config_load2`` does.

    ``resolver`` turns names into sources (see :class:`IncludeResolver`). Never raises for bad
    content: problems are diagnostics and the status says whether Asterisk would accept the
    configuration.
    """
    load = _Load(resolver, max_include_level, config_dir)
    result = load.internal_load(filename)
    if result == _UNFOLLOWED:
        result = _MISSING
    return _finish(load, filename, result)


def parse_text(
    text: str,
    filename: str = "<string>",
    *,
    resolver: IncludeResolver | None = None,
    max_include_level: int = MAX_INCLUDE_LEVEL,
) -> LoadedConfig:
    """Read configuration text. Pure: without a ``resolver`` includes are noted, not followed.

    Never raises for bad content (see :meth:`LoadedConfig.raise_for_status`).
    """
    load = _Load(resolver or _NO_INCLUDES, max_include_level, "")
    result = load.internal_load(filename, [Source(filename, text)])
    return _finish(load, filename, result)


def categories_from_text(
    text: str, filename: str = "extensions.conf"
) -> list[tuple[str, list[tuple[str, str, str, int, bool]]]]:
    """The non-template categories of ``text`` as plain tuples
    ``(name, [(key, value, file, lineno, is_object), ...])`` (see
    :meth:`ResolvedConfig.raw_categories`); the hook :mod:`pyst.config.dialplan` looks for.

    Includes are not followed (use a loader and ``raw_categories()`` for that). Raises
    ConfigSyntaxError (or IncludeSyntaxError) where Asterisk rejects the text.
    """
    loaded = parse_text(text, filename)
    loaded.raise_for_status()
    return loaded.config.raw_categories()


def parse_bytes(data: bytes, filename: str = "<string>") -> LoadedConfig:
    """:func:`parse_text` for file bytes (UTF-8, undecodable bytes kept as escapes)."""
    return parse_text(data.decode(UTF8, ERRORS), filename)


# --- document view ---------------------------------------------------------------------------


def _classify(proc: str, raw: str) -> tuple[LineKind, str | None, str | None, str | None]:
    """Kind and parts of a line's code text (what process_text_line would look at)."""
    if proc.isascii():
        s = proc.strip()
        if s and (s[0] < "!" or s[-1] < "!"):
            s = proc.strip(BLANKS)  # ASCII control characters str.strip() leaves
    else:
        s = proc.strip(BLANKS)
    if not s:
        return (LineKind.COMMENT if raw.strip(BLANKS) else LineKind.BLANK), None, None, None
    first = s[0]
    if first == "[":
        close = s.find("]")
        if close < 0:
            return LineKind.ERROR, None, None, None
        after = s[close + 1 :]
        options = None
        if after[:1] == "(":
            paren = after.find(")", 1)
            if paren < 0:
                return LineKind.ERROR, None, None, None
            options = after[1:paren]
        return LineKind.CATEGORY, s[1:close], None, options
    if first == "#":
        name, arg = _after_directive_name(s[1:])
        return LineKind.DIRECTIVE, name, None, arg
    escaped = 0
    cur = s
    if first == "\\":
        cur = s[1:]
        escaped = 1
        if not cur or not ("\x20" < cur[0] < "\x80"):
            return LineKind.ERROR, None, None, None
    eq = cur.find("=", escaped)
    if eq < 0:
        return LineKind.IGNORED, None, None, None
    if eq > escaped and cur[eq - 1] == "+":
        name = cur[: eq - 1].strip(BLANKS)
        op = "+="
        value = cur[eq + 1 :].strip(BLANKS)
    else:
        name = cur[:eq].strip(BLANKS)
        value = cur[eq + 1 :]
        op = "=>" if value[:1] == ">" else "="
        value = value[len(op) - 1 :].strip(BLANKS)
    if not name:
        return LineKind.IGNORED, None, None, None
    return LineKind.VARIABLE, name, op, value


def document_lines(
    text: str, initial_depth: int = 0, strip_bom: bool = True
) -> tuple[list[DocLine], int]:
    """Every physical line of ``text`` with its kind. Returns the lines and the block-comment
    depth at the end. Lines are split at LF only (a lone CR is part of a line).

    The classification follows the reader line by line (same comment scanner, same rules); only
    meaning that needs the whole configuration (a missing parent, a key before any category) is
    left to the reader's diagnostics.
    """
    raws = text.split("\n")
    if raws[-1] == "":
        raws.pop()
    out: list[DocLine] = []
    append = out.append
    depth = initial_depth
    blank_kind = LineKind.BLANK
    comment_kind = LineKind.COMMENT
    last = len(raws) - 1
    ends_with_newline = text.endswith("\n")
    at = text.find(";--")
    while at >= 0 and text[at + 3 : at + 4] == "-":
        at = text.find(";--", at + 4)
    openers = at >= 0
    lineno = 0
    for raw in raws:
        lineno += 1
        start_depth = depth
        if depth == 0:
            # The common cases first, as in the reader.
            if not raw:
                append(DocLine(raw, lineno, blank_kind))
                continue
            if (
                raw[0] == ";"
                and (not openers or raw[1:3] != "--" or raw[3:4] == "-")
                and len(raw) <= 2040
            ):
                append(DocLine(raw, lineno, comment_kind))
                continue
        line = raw
        if lineno == 1 and strip_bom and line.startswith("\ufeff"):
            line = line[1:]
        if len(line) > 2040 and byte_length(line) >= _LONG:
            pieces, too_long = _split_long(line, lineno - 1 < last or ends_with_newline)
            if too_long:
                append(DocLine(raw, lineno, LineKind.TOO_LONG, start_depth))
                continue
            line = pieces[0] if pieces else ""
        if "\x00" in line:
            line = line[: line.index("\x00")]
        proc: str | None
        if ";" not in line:
            proc = line if depth == 0 else None
        else:
            p = line.find(";") if depth == 0 else -1
            if (
                p >= 0
                and (p == 0 or line[p - 1] != "\\")
                and not (line[p + 1 : p + 3] == "--" and line[p + 3 : p + 4] != "-")
                and not (p >= 2 and line[p - 2 : p] == "--")
            ):
                proc = line[:p]  # a plain comment ends the line
            else:
                proc, depth, events = scan_line(line, depth)
                if events and any(kind == "hang" for kind, _ in events):
                    append(DocLine(raw, lineno, LineKind.ERROR, start_depth))
                    continue
        if proc is None or not proc or (proc.isspace() and proc.isascii()):
            kind = comment_kind if raw.strip(BLANKS) else blank_kind
            append(DocLine(raw, lineno, kind, start_depth))
            continue
        kind, name, op, value = _classify(proc, raw)
        append(DocLine(raw, lineno, kind, start_depth, name, op, value))
    return out, depth
