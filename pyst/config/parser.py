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
from collections.abc import Sequence
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
from pyst.config.model import (  # (_BLANK... _VARIABLE: the LineKind members, see model.py)
    _BLANK,
    _CATEGORY,
    _COMMENT,
    _DIRECTIVE,
    _ERROR,
    _IGNORED,
    _TOO_LONG,
    _VARIABLE,
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

# Inside a block comment: lines without any ';'. Bounded, so that a line long enough for
# Asterisk to skip with a warning ("Line N too long": 8191 bytes or more) is never swallowed.
_SKIP_BLOCK = re.compile(r"(?:[^;\n]{0,2000}\n)*")
# First characters of a line that may start a comment or blank line.
_SKIPPABLE = frozenset("".join(chr(i) for i in range(1, 33)) + ";")
# Outside block comments a line that holds only blanks, or whose first visible character is a
# ';' that does not open a block comment ('--' not followed by '-'), never matters: this search
# jumps from newline to newline in C to the next line that may. Blanks are the bytes 1 to 0x20
# (ast_strip() removes bytes below 0x21; a NUL ends the line, so a line with one is looked at).
# Written as alternatives that each start with a character class or a literal, so that the
# regular expression engine rejects the usual line (a ';' comment) on its first character,
# without entering a repeat or a lookahead; a run of spaces after the first blank is skipped by
# the engine's fast loop for one literal character. (Unlike a lookahead, it does not stop at a
# newline followed only by blanks at the end of the text: that last line does nothing anyway.)
_V = r"[^;\n\x01-\x09\x0b-\x20]"  # a visible character other than ';'
_O = r";--(?!-)"  # a block-comment opener
_B = r"[\x01-\x09\x0b-\x20]"  # a blank
_NEXT_LINE = re.compile(rf"\n(?:{_V}|{_O}|{_B} *+(?:{_V}|{_O}|{_B}{_B}*+(?:{_V}|{_O})))")
# _NEXT_LINE's search, going on to the end of the run of lines that starts there: that line
# and the lines after it that start with a visible character other than ';' (lines that
# matter), with the empty lines between them. The reader splits a run in one go instead of
# searching for each line's end, and the line after a run is never in one: it searches again
# from the newline that ends the run. (Possessive repeats: nothing to backtrack into.)
_RUN_REST = rf"[^\n]*+(?:\n\n*+{_V}[^\n]*+)*+"
_NEXT_RUN = re.compile(_NEXT_LINE.pattern + _RUN_REST)
# A run from a line reached without a search (the first line, a line after a block comment).
_RUN = re.compile(_RUN_REST)
# The same test for the first line of a text (nothing before it to search from).
_SKIPPABLE_LINE = re.compile(r"[\x01-\x09\x0b-\x20]*(?:;(?!--(?!-))|\n|\Z)")
# A line needs at least 2048 characters (of up to four bytes) to overflow Asterisk's 8190-byte
# buffer: lines longer than this take the careful path (careful_line).
_LONG_LINE = 2040

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
_new_source = tuple.__new__  # Source(...) without the Python-level __new__ of NamedTuple
_new_object = object.__new__

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


def _next_long_line(text: str, start: int) -> int:
    """Where the first line longer than _LONG_LINE characters at or after ``start`` (a line
    start) begins; ``len(text) + 1`` if there is none. Cheap: each C search finds the last
    newline within the next _LONG_LINE + 1 characters."""
    n = len(text)
    i = start
    rfind = text.rfind
    while n - i > _LONG_LINE:
        j = rfind("\n", i, i + _LONG_LINE + 1)
        if j < 0:
            return i
        i = j + 1
    return n + 1


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

    __slots__ = (
        "categories",
        "config",
        "config_dir",
        "current",
        "diagnostics",
        "documents",
        "level",
        "max_include_level",
        "nesting",
        "noted",
        "resolver",
    )

    def __init__(self, resolver: IncludeResolver, max_include_level: int, config_dir: str) -> None:
        self.resolver = resolver
        self.max_include_level = max_include_level
        self.config_dir = config_dir
        # (ResolvedConfig() without its __init__: one load per file read, so it counts.)
        self.config = config = _new_object(ResolvedConfig)
        self.categories: list[ConfigCategory] = []
        config.all_categories = self.categories
        self.current: ConfigCategory | None = None
        # Asterisk's include_level counter (which an invalid include never gives back) and the
        # real nesting of the file being read (1 = top level), for the diagnostics.
        self.level = 0
        self.nesting = 0
        # What was reported or seen once: ("included", name), ("repeated", name) for
        # #include names, ("stray", path) for files with a stray '--;'. Made on first use
        # (see _noted): most files have neither.
        self.noted: set[tuple[str, str]] | None = None
        self.diagnostics: list[Diagnostic] = []
        self.documents: dict[str, Document] = {}

    def _noted(self) -> set[tuple[str, str]]:
        noted = self.noted
        if noted is None:
            noted = self.noted = set()
        return noted

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
        for source_path, text in sources:
            if text is None:
                self.diag(
                    source_path,
                    0,
                    0,
                    Severity.WARNING,
                    Code.NOT_REGULAR_FILE,
                    f"'{source_path}' is not a regular file: Asterisk skips it",
                    f"'{source_path}' is not a regular file, ignoring",
                )
                continue
            # fgets() line counting is not reset between the files of one glob, so only the
            # first file read gets its UTF-8 BOM removed (the check is "line 1").
            strip_bom = count == 0
            count += 1
            doc = self.documents.get(source_path)
            fresh: Document | None = None
            if doc is None:
                # Document(text, source_path, initial_depth=depth, strip_bom=strip_bom), without
                # the cost of calling the class.
                doc = _new_object(Document)
                doc._setup(text, source_path, depth, strip_bom)
                self.documents[source_path] = doc
                if depth == 0:
                    fresh = doc
            ok, cat, depth = self.read_text(
                text, source_path, cat, depth, nest, strip_bom, 0, fresh
            )
            if fresh is not None and (not ok or depth != 0):
                fresh._seen = None  # not read in full, or not at depth 0
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
        record: Document | None = None,
    ) -> tuple[bool, ConfigCategory | None, int]:
        """Read the lines of one file. Returns (no error, current category, comment depth).

        This loop is the hot path of the package: one regular-expression search (C speed)
        skips the comment and blank lines and finds the run of lines that matter after them
        (see _NEXT_RUN), which is split in one go; the common ``key = value`` and ``[name]``
        lines are read right here; every other line goes through :meth:`text_line` (comments,
        then ``process_text_line``, step by step), after :meth:`careful_line` if it holds a NUL
        or is long (what fgets() and strlen() make of it).

        ``record``: the document of this text, read for the first time, at depth 0. While
        every line starts at depth 0 and none is unusual (NUL, long), the lines that are not
        blank or plain comments are noted: the plain key lines in ``record._kv``, the others in
        ``record._seen`` (see :class:`~pyst.config.model.Document`); else ``_seen`` is left
        None.
        """
        n = len(text)
        pos = 1 if strip_bom and n and text[0] == "\ufeff" else 0
        # A NUL byte ends a line early (fgets() + strlen()): such text takes the careful path.
        nul = "\x00" in text
        ascii_text = text.isascii()
        # Comment and blank lines are skipped by one search per line that matters, but never
        # past a line too long for the plain path: that one gets its warning (careful_line).
        # (Most files are shorter than one long line: no search for one then.)
        long_at = n + 1 if n - pos <= _LONG_LINE else _next_long_line(text, pos)
        # Lines from careful_at on take the careful path: every line of a text with a NUL,
        # else the long line at long_at (reading never steps over it, so `>=` is `==`).
        careful_at = -1 if nul else long_at
        # (Globals and methods are used as they are, not bound to locals first: binding costs
        # more than it saves on the usual file, which has few lines that matter.)
        items = cat._items if cat is not None else None
        lineno = line_offset
        seen: list[tuple[int, str]] | None = None
        kv: list[tuple[int, str, str, str, bool]] | None = None
        if record is not None:
            if nul or long_at <= n:
                record = None
            else:
                record._seen = seen = []
                record._kv = kv = []
        while pos < n:
            end = -1  # the end of the run of lines from pos, when a search found it
            if depth == 0:
                c = text[pos]
                if c in _SKIPPABLE and (c == ";" or c == "\n" or _SKIPPABLE_LINE.match(text, pos)):
                    # Skip comment and blank lines at C speed (see _NEXT_RUN). (An indented
                    # line with content is only tested, not searched from.)
                    start = -1
                    if pos and text[pos - 1] == "\n":
                        start = pos
                        found = _NEXT_RUN.search(text, pos - 1)
                    elif _SKIPPABLE_LINE.match(text, pos):  # the first line of the text
                        start = pos
                        found = _NEXT_RUN.search(text, pos)
                    # (else the first line of the text opens a block comment: read it)
                    if start >= 0:
                        if found is not None:
                            pos, end = found.span()
                            pos += 1  # (the match starts at the newline before the line)
                        elif long_at > n:
                            # Nothing left that matters. (The line count is not needed: more
                            # than half of a sample file is the comments after its last key.)
                            break
                        else:
                            pos = n
                        if pos > long_at:
                            pos = long_at
                        lineno += text.count("\n", start, pos)
                        if pos >= n:
                            break
            else:
                # Inside a block comment only lines with a ';' can change anything.
                end = _SKIP_BLOCK.match(text, pos).end()  # type: ignore[union-attr]  # matches
                if end != pos:
                    if end >= n:
                        break
                    lineno += text.count("\n", pos, end)
                    pos = end
                end = -1
            if pos >= careful_at:
                # A line with a NUL, or a long one: read through careful_line and text_line.
                nl = text.find("\n", pos)
                if nl < 0:
                    nl = n
                raw = text[pos:nl]
                lineno += 1
                ok, cat, depth, line = self.careful_line(
                    raw, nl < n, lineno, path, cat, depth, nest
                )
                if ok and line:
                    ok, cat, depth = self.text_line(raw, line, lineno, path, cat, depth, nest)
                if not ok:
                    return False, cat, depth
                items = cat._items if cat is not None else None
                if nl + 1 > long_at:
                    long_at = _next_long_line(text, nl + 1)
                    if not nul:
                        careful_at = long_at
                pos = nl + 1
                continue
            if depth != 0:
                # One line in a block comment: text_line.
                nl = text.find("\n", pos)
                if nl < 0:
                    nl = n
                line = text[pos:nl]
                lineno += 1
                pos = nl + 1
                ok, cat, depth = self.text_line(line, line, lineno, path, cat, depth, nest)
                if not ok:
                    return False, cat, depth
                items = cat._items if cat is not None else None
                continue
            # Runs of lines that matter, one after the other. A run is the line at pos and the
            # lines after it that start with a visible character other than ';' (and the empty
            # lines between them): one C search gives it (_NEXT_RUN, or _RUN for a line reached
            # otherwise), and it is split in one go rather than searched for line by line. It
            # stops before a long line. After a run the next line cannot start one: the search
            # for the next run starts at once, from the newline that ends the run.
            if end < 0:
                end = _RUN.match(text, pos).end()  # type: ignore[union-attr]  # always matches
            while True:
                if end >= long_at:
                    end = long_at - 1
                first = lineno + 1  # the number of the run's first line
                lines = text[pos:end].split("\n")
                for line in lines:
                    lineno += 1
                    # The common lines, read here (the others by text_line). Blanks are
                    # stripped with BLANKS, as ast_strip() does (str.strip() would take Unicode
                    # spaces too).
                    # -- comments (config_text_file_load) --
                    if ";" not in line:
                        proc = line
                    else:
                        p = line.find(";")
                        if (
                            (p and line[p - 1] == "\\")
                            or (line[p + 1 : p + 3] == "--" and line[p + 3 : p + 4] != "-")
                            or (p >= 2 and line[p - 2 : p] == "--")
                        ):
                            proc = ""  # an escape or a block-comment marker: text_line
                        else:
                            proc = line[:p]  # a plain comment ends the line
                            if not proc.strip(BLANKS):
                                continue
                    # -- process_text_line --
                    name, eq, value = proc.partition("=")
                    if eq:
                        # str.strip() is quicker than strip(BLANKS) and, on ASCII text, takes
                        # the same characters but a few control characters (which send the line
                        # to the general path, with the headers, directives, escapes and '+=').
                        name = name.strip() if ascii_text else name.strip(BLANKS)
                        if name and name[0] not in _BAD_FIRST and name[-1] not in _BAD_LAST:
                            if items is None:
                                self.no_category(proc.strip(BLANKS), line, lineno, path)
                                return False, cat, depth
                            if value and value[0] == ">":
                                is_object = True
                                value = value[1:].strip(BLANKS)
                            else:
                                is_object = False
                                value = value.strip(BLANKS)
                            items.append((name, value, path, lineno, is_object, False))
                            if kv is not None:
                                kv.append((lineno, line, name, value, is_object))
                            if (
                                proc is not line
                                and "(" in value
                                and value.count("(") > value.count(")")
                            ):
                                self.semicolon_in_value(path, lineno, len(proc), value)
                            continue
                    elif proc:
                        s = proc.strip() if ascii_text else proc.strip(BLANKS)
                        if (
                            s
                            and s[0] == "["
                            and s[-1] == "]"
                            and len(s) < 22
                            and "]" not in (name := s[1:-1])
                        ):
                            # A plain short [name] header: no options, nothing to cut (79
                            # bytes need at least 20 characters). The category is made here, as
                            # ConfigCategory(name, path, lineno) would make it, without the call.
                            cat = _new_object(ConfigCategory)
                            cat.name = name
                            cat.file = path
                            cat.lineno = lineno
                            cat.is_template = False
                            cat.templates = []
                            items = cat._items = []
                            cat._variables = None
                            self.categories.append(cat)
                            self.current = cat
                            if seen is not None:
                                seen.append((lineno, line))
                            continue
                    elif not line:  # an empty line inside the run
                        continue
                    if seen is not None:
                        seen.append((lineno, line))
                    ok, cat, depth = self.text_line(line, line, lineno, path, cat, depth, nest)
                    if not ok:
                        return False, cat, depth
                    items = cat._items if cat is not None else None
                    if depth != 0:
                        # A block comment opened: the rest of the run is read from the top of
                        # the loop, at that depth (from the line after this one).
                        if record is not None:
                            record._seen = None  # the depth changed: not plain text
                            record = seen = kv = None
                        done = lines[: lineno - first + 1]
                        pos += sum(map(len, done)) + len(done)
                        break
                else:
                    # The run is read: search for the next one from the newline that ends it.
                    start = pos = end + 1
                    found = _NEXT_RUN.search(text, end)
                    if found is not None:
                        pos, end = found.span()
                        pos += 1
                    elif long_at > n:
                        return True, cat, depth  # nothing left that matters
                    else:
                        pos = n
                    if pos > long_at:
                        pos = long_at
                    lineno += text.count("\n", start, pos)
                    if pos < long_at:
                        continue  # the next run
                    # (else the top of the loop reads the long line at pos)
                break  # to the top of the loop: a long line, or the depth changed
        return True, cat, depth

    def text_line(
        self,
        raw: str,
        line: str,
        lineno: int,
        path: str,
        cat: ConfigCategory | None,
        depth: int,
        nest: list[tuple[str, int, int]],
    ) -> tuple[bool, ConfigCategory | None, int]:
        """One line as fgets() and strlen() gave it (``line``; ``raw`` is the line as written,
        for the diagnostics), starting at comment depth ``depth``: comments removed as
        ``config_text_file_load`` does, then ``process_text_line``. Returns (no error, current
        category, depth after the line)."""
        # -- comments (config_text_file_load) --
        proc: str | None
        if ";" not in line:
            if depth != 0:
                return True, cat, depth
            proc = line
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
                if events and not self.comment_events(events, path, lineno, nest):
                    return False, cat, depth
                if proc is None:
                    return True, cat, depth
        # -- process_text_line --
        s = proc.strip(BLANKS)
        if not s:
            return True, cat, depth
        first = s[0]
        if first == "[":
            ok, cat = self.header(s, raw, lineno, path, cat)
            return ok, cat, depth
        if first == "#":
            return self.directive(s, raw, lineno, path), cat, depth
        if cat is None:
            self.no_category(s, raw, lineno, path)
            return False, cat, depth
        cut = len(proc) if proc is not line else -1
        return self.special_variable(s, raw, lineno, path, cat, cut), cat, depth

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
        if len(raw) > _LONG_LINE and byte_length(raw) >= _LONG:
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
                ok, cat, depth = self.read_text(piece, path, cat, depth, nest, False, lineno - 1)
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
                noted = self._noted()
                if ("stray", path) not in noted:  # once per file: later ones say nothing new
                    noted.add(("stray", path))
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
                changed = self.append_value(cat, replace, appended)
                if changed is not None:
                    # The key no longer holds what its own line says (see Document._kv).
                    doc = self.documents.get(changed[2])
                    if doc is not None:
                        doc._changed = doc._changed | {changed[3]}
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
    def append_value(
        cat: ConfigCategory, replace: RawVariable, appended: str
    ) -> RawVariable | None:
        """``key += text``: concatenation, trailing blanks trimmed, then ast_variable_update().

        ast_variable_update() replaces the *first* key whose name and value match the last
        same-named key case-insensitively; with keys differing only in case that can be an
        earlier line. The updated key is no longer flagged as inherited. Returns the key as it
        was before (None if nothing matched).
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
            return v
        return None

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
        noted = self._noted()
        if ("included", target) in noted and ("repeated", target) not in noted:
            noted.add(("repeated", target))
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
        noted.add(("included", target))
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


# The statuses as module constants: an enum member looked up on its class costs a call of the
# enum type's __getattr__ (Python 3.11), once per file read.
_STATUS_OK = LoadStatus.OK
_STATUS_MISSING = LoadStatus.MISSING
_STATUS_INVALID = LoadStatus.INVALID


def _read(
    resolver: IncludeResolver,
    max_include_level: int,
    config_dir: str,
    filename: str,
    sources: list[Source] | None,
) -> LoadedConfig:
    """One ``ast_config_load2`` call: read_config, parse_text and the loaders' ``load``.

    (Called directly by the loaders: one file read is mostly fixed costs like these calls.)
    """
    load = _Load(resolver, max_include_level, config_dir)
    # ast_config_internal_load() for the top-level file, whose level (1) is never over the
    # limit: what internal_load does, without its call.
    load.level = load.nesting = 1
    result = load.text_file_load(filename, sources)
    load.nesting = 0
    if result == _OK:
        status = _STATUS_OK
    elif result == _INVALID:
        status = _STATUS_INVALID
    else:  # _MISSING, _DEPTH (not for level 1), _UNFOLLOWED (a resolver without files)
        status = _STATUS_MISSING
        load.diag(
            filename,
            0,
            0,
            Severity.ERROR,
            Code.FILE_NOT_FOUND,
            f"no such file: {filename} (Asterisk: Config file not found)",
        )
    loaded = _new_object(LoadedConfig)
    loaded._setup(filename, status, load.config, list(load.documents.values()), load.diagnostics)
    return loaded


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
    return _read(resolver, max_include_level, config_dir, filename, None)


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
    sources = [_new_source(Source, (filename, text))]
    return _read(resolver or _NO_INCLUDES, max_include_level, "", filename, sources)


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
        return (_COMMENT if raw.strip(BLANKS) else _BLANK), None, None, None
    first = s[0]
    if first == "[":
        close = s.find("]")
        if close < 0:
            return _ERROR, None, None, None
        after = s[close + 1 :]
        options = None
        if after[:1] == "(":
            paren = after.find(")", 1)
            if paren < 0:
                return _ERROR, None, None, None
            options = after[1:paren]
        return _CATEGORY, s[1:close], None, options
    if first == "#":
        name, arg = _after_directive_name(s[1:])
        return _DIRECTIVE, name, None, arg
    escaped = 0
    cur = s
    if first == "\\":
        cur = s[1:]
        escaped = 1
        if not cur or not ("\x20" < cur[0] < "\x80"):
            return _ERROR, None, None, None
    eq = cur.find("=", escaped)
    if eq < 0:
        return _IGNORED, None, None, None
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
        return _IGNORED, None, None, None
    return _VARIABLE, name, op, value


def _doc_line(
    raw: str, lineno: int, depth: int, bom: bool, has_newline: bool
) -> tuple[DocLine, int]:
    """One line of document_lines, in full: its DocLine and the block-comment depth after it.
    ``bom``: a UTF-8 BOM at its start is removed (line 1 of the first file read)."""
    start_depth = depth
    line = raw
    if bom and line.startswith("\ufeff"):
        line = line[1:]
    if len(line) > _LONG_LINE and byte_length(line) >= _LONG:
        pieces, too_long = _split_long(line, has_newline)
        if too_long:
            return DocLine(raw, lineno, _TOO_LONG, start_depth), depth
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
                return DocLine(raw, lineno, _ERROR, start_depth), depth
    if proc is None or not proc or (proc.isspace() and proc.isascii()):
        kind = _COMMENT if raw.strip(BLANKS) else _BLANK
        return DocLine(raw, lineno, kind, start_depth), depth
    kind, name, op, value = _classify(proc, raw)
    return DocLine(raw, lineno, kind, start_depth, name, op, value), depth


def _plain_key(raw: str) -> tuple[str, str, str] | None:
    """Name, op and value of a common ``key = value`` line without ';' (ASCII), read as the
    reader's own fast path reads it; None for any other line (the general path reads it)."""
    if ";" not in raw and raw.isascii():
        name, eq, value = raw.partition("=")
        if eq:
            name = name.strip()
            if name and name[0] not in _BAD_FIRST and name[-1] not in _BAD_LAST:
                if value[:1] == ">":
                    op = "=>"
                    value = value[1:].strip()
                else:
                    op = "="
                    value = value.strip()
                if value and (value[0] < "!" or value[-1] < "!"):
                    value = value.strip(BLANKS)
                return name, op, value
    return None


def _plain_parts(
    raw: str, lineno: int, bom: bool
) -> tuple[LineKind, str | None, str | None, str | None]:
    """Kind, name, op and value of a line that starts at comment depth 0 in text with no NUL
    and no long line, as _doc_line gives them (whose general path it takes but for the common
    ``key = value`` line, see _plain_key)."""
    key = _plain_key(raw)
    if key is not None:
        return _VARIABLE, *key
    line = _doc_line(raw, lineno, 0, bom, True)[0]
    return line.kind, line.name, line.op, line.value


def _plain_document_lines(
    text: str,
    strip_bom: bool,
    seen: Sequence[tuple[int, object]] | None,
    keys: Sequence[tuple[int, object, str, str, bool]] | None = None,
) -> list[DocLine] | None:
    """document_lines for text that starts outside block comments and has no NUL and no line
    over _LONG_LINE characters; None if a line changes the comment depth (the general loop
    then reads the text).

    Every line is first made a COMMENT (if it holds a ';') or a BLANK line; then the lines the
    reader looks at (every line that is not blank or a plain comment, the only ones that can
    change the depth) are classified in full. When the reader noted them (see
    :class:`~pyst.config.model.Document`), ``keys`` has the plain key lines among them, already
    read (line number, line text, key, value, is_object), and ``seen`` the others (line number,
    line text); else they are searched for here.
    """
    raws = text.split("\n")
    comment = _COMMENT
    blank = _BLANK
    out = [DocLine(raw, i, comment if ";" in raw else blank) for i, raw in enumerate(raws, 1)]
    if out and not raws[-1]:
        out.pop()  # the text ends with a newline: no line after it
    if not out:
        return out
    if seen is None:
        found_lines: list[tuple[int, int]] = []
        seen = found_lines
        search = _NEXT_LINE.search
        count = text.count
        n = len(text)
        if not _SKIPPABLE_LINE.match(text):
            found_lines.append((1, 0))
        lineno = 1  # the line holding text[at]
        at = 0
        found = search(text)
        while found is not None:
            begin = found.start() + 1
            if begin >= n:
                break
            lineno += count("\n", at, begin)
            at = begin
            found_lines.append((lineno, begin))
            found = search(text, begin)
    looked_at_1 = bool(seen and seen[0][0] == 1) or bool(keys and keys[0][0] == 1)
    if strip_bom and raws[0].startswith("\ufeff") and not looked_at_1:
        # A BOM-only line is a COMMENT line in the document view (its text is not blank).
        out[0], depth = _doc_line(raws[0], 1, 0, True, True)
        if depth:  # pragma: no cover - the reader skipped the line: it holds no block comment
            return None
    variable = _VARIABLE
    if keys:
        for lineno, _, name, value, is_object in keys:
            out[lineno - 1] = DocLine(
                raws[lineno - 1], lineno, variable, 0, name, "=>" if is_object else "=", value
            )
    for lineno, _ in seen:
        raw = raws[lineno - 1]
        key = _plain_key(raw)
        if key is not None:
            out[lineno - 1] = DocLine(raw, lineno, variable, 0, *key)
            continue
        line, depth = _doc_line(raw, lineno, 0, lineno == 1 and strip_bom, True)
        if depth:
            return None
        out[lineno - 1] = line
    return out


def document_lines(
    text: str,
    initial_depth: int = 0,
    strip_bom: bool = True,
    *,
    seen: Sequence[tuple[int, object]] | None = None,
    keys: Sequence[tuple[int, object, str, str, bool]] | None = None,
) -> tuple[list[DocLine], int]:
    """Every physical line of ``text`` with its kind. Returns the lines and the block-comment
    depth at the end. Lines are split at LF only (a lone CR is part of a line).

    The classification follows the reader line by line (same comment scanner, same rules); only
    meaning that needs the whole configuration (a missing parent, a key before any category) is
    left to the reader's diagnostics. ``seen`` and ``keys`` are what the reader noted about
    this text (``Document._seen``, ``Document._kv``), if anything.
    """
    if seen is not None or (
        initial_depth == 0 and "\x00" not in text and _next_long_line(text, 0) > len(text)
    ):
        plain = _plain_document_lines(text, strip_bom, seen, keys if seen is not None else None)
        if plain is not None:
            return plain, 0
    raws = text.split("\n")
    if raws[-1] == "":
        raws.pop()
    out: list[DocLine] = []
    append = out.append
    depth = initial_depth
    blank_kind = _BLANK
    comment_kind = _COMMENT
    last = len(raws) - 1
    ends_with_newline = text.endswith("\n")
    at = text.find(";--")
    while at >= 0 and text[at + 3 : at + 4] == "-":
        at = text.find(";--", at + 4)
    openers = at >= 0
    lineno = 0
    for raw in raws:
        lineno += 1
        if depth == 0:
            # The common cases first, as in the reader.
            if not raw:
                append(DocLine(raw, lineno, blank_kind))
                continue
            if (
                raw[0] == ";"
                and (not openers or raw[1:3] != "--" or raw[3:4] == "-")
                and len(raw) <= _LONG_LINE
            ):
                append(DocLine(raw, lineno, comment_kind))
                continue
        line, depth = _doc_line(
            raw, lineno, depth, lineno == 1 and strip_bom, lineno - 1 < last or ends_with_newline
        )
        append(line)
    return out, depth
