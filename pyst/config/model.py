"""The two views of one configuration load.

Resolved view (what Asterisk's modules and AMI ``GetConfig`` see):

* :class:`ResolvedConfig`: every category in load order (includes expanded), same-name
  categories kept apart, templates kept but hidden unless asked for;
* :class:`ConfigCategory`: ``name``, ``is_template``, ``templates`` (direct parents),
  ``variables``;
* :class:`Variable`: a named tuple ``(name, value, file, lineno, is_object, inherited)``;
  inherited keys come first, duplicates are kept, ``is_object`` marks ``=>`` lines.

Document view (what is in one file, for editing and linting):

* :class:`Document`: every raw line of one file (:class:`DocLine`, with its kind, line number
  and the key/value or header it holds), plus the editing methods (``set``, ``add``,
  ``remove``, ``add_category``, ``remove_category``). Untouched lines are written back byte for
  byte.

:class:`LoadedConfig` bundles both views with the diagnostics and the load status.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from pyst.config import writer
from pyst.config._text import BLANKS, ERRORS, UTF8, ascii_lower, split_comment
from pyst.config.diagnostics import (
    Code,
    ConfigNotFoundError,
    ConfigValueError,
    Diagnostic,
    IncludeSyntaxError,
    Severity,
)
from pyst.errors import ConfigSyntaxError

if TYPE_CHECKING:
    from os import PathLike

__all__ = [
    "ConfigCategory",
    "DocLine",
    "Document",
    "LineKind",
    "LoadStatus",
    "LoadedConfig",
    "ResolvedConfig",
    "Section",
    "Variable",
    "category_matches",
]


# --- resolved view ---------------------------------------------------------------------------


class Variable(NamedTuple):
    """One key of a category, as Asterisk stores it (``struct ast_variable``).

    ``file``/``lineno`` say where the line is (for an inherited key: where the parent's line is).
    ``is_object`` is true for ``key => value`` lines. ``inherited`` is true for keys copied from
    a parent by ``[child](parent)``.
    """

    name: str
    value: str
    file: str
    lineno: int
    is_object: bool = False
    inherited: bool = False


# The raw form of a Variable: (name, value, file, lineno, is_object, inherited). The reader
# stores plain tuples (much cheaper to build) and Variable objects are made on first access.
RawVariable = tuple[str, str, str, int, bool, bool]


class ConfigCategory:
    """A category (``struct ast_category``) of the resolved view.

    ``variables`` lists its keys in order (inherited ones first, duplicates kept); treat it as
    read-only. Lookups by key are case-insensitive, as ``ast_variable_retrieve`` does; ``get``
    returns the first match (so an inherited value wins over a local one, as in Asterisk) and
    ``get_last`` the last one (what modules that walk the list and overwrite end up with).
    """

    __slots__ = ("_items", "_variables", "file", "is_template", "lineno", "name", "templates")

    def __init__(
        self,
        name: str,
        file: str = "",
        lineno: int = 0,
        is_template: bool = False,
        variables: Iterable[Variable] = (),
        templates: Iterable[str] = (),
    ) -> None:
        # The reader makes the categories of plain [name] lines without this call (see
        # parser._Load.read_text): a new slot must be set there too.
        self.name = name
        self.file = file
        self.lineno = lineno
        self.is_template = is_template
        self.templates: list[str] = list(templates) if templates else []
        self._items: list[RawVariable] = (
            [(v[0], v[1], v[2], v[3], v[4], v[5]) for v in variables] if variables else []
        )
        self._variables: list[Variable] | None = None

    @property
    def variables(self) -> list[Variable]:
        """The keys, as :class:`Variable` named tuples, in order."""
        cached = self._variables
        if cached is None or len(cached) != len(self._items):
            make = tuple.__new__
            cached = self._variables = [make(Variable, t) for t in self._items]
        return cached

    def get(self, key: str, default: str | None = None) -> str | None:
        """Value of the first ``key`` (case-insensitive), or ``default``."""
        wanted = ascii_lower(key)
        for v in self._items:
            if ascii_lower(v[0]) == wanted:
                return v[1]
        return default

    def get_last(self, key: str, default: str | None = None) -> str | None:
        """Value of the last ``key`` (case-insensitive), or ``default``."""
        found = default
        wanted = ascii_lower(key)
        for v in self._items:
            if ascii_lower(v[0]) == wanted:
                found = v[1]
        return found

    def get_all(self, key: str) -> list[str]:
        """Values of every ``key`` (case-insensitive), in order."""
        wanted = ascii_lower(key)
        return [v[1] for v in self._items if ascii_lower(v[0]) == wanted]

    def items(self) -> list[tuple[str, str]]:
        """``(key, value)`` pairs in order, duplicates included."""
        return [(v[0], v[1]) for v in self._items]

    def keys(self) -> list[str]:
        """Key names in order of first appearance (case as first written)."""
        seen: dict[str, str] = {}
        for v in self._items:
            seen.setdefault(ascii_lower(v[0]), v[0])
        return list(seen.values())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[Variable]:
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        flags = " template" if self.is_template else ""
        return f"<ConfigCategory [{self.name}]{flags} {len(self._items)} keys>"


def _posix_search(pattern: str, text: str) -> bool:
    # regcomp(REG_EXTENDED) + regexec: an unanchored search. Python's syntax covers the usual
    # POSIX ERE; a pattern it cannot compile matches nothing, as a failed regcomp does.
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _strsep_tokens(text: str, sep: str) -> Iterator[str]:
    """ast_strsep(..., AST_STRSEP_STRIP): tokens split at ``sep`` outside quotes, stripped."""
    rest: str | None = text
    while rest is not None:
        if rest == "":
            yield ""
            return
        quote = ""
        i = 0
        cut = -1
        while i < len(rest):
            ch = rest[i]
            if ch == "\\" and i + 1 < len(rest):
                i += 2
                continue
            if ch in "\"'":
                quote = "" if quote == ch else (quote or ch)
            elif ch == sep and not quote:
                cut = i
                break
            i += 1
        if cut < 0:
            yield rest.strip(BLANKS)
            rest = None
        else:
            yield rest[:cut].strip(BLANKS)
            rest = rest[cut + 1 :]


def category_matches(
    category: ConfigCategory, name: str | None, match: str | None, sep: str = ","
) -> bool:
    """Asterisk's ``does_category_match``: name (case-insensitive) and filter expressions.

    ``match`` is a ``sep``-separated list of ``key=regex`` tests (all must hold for some key) and
    the pseudo-test ``TEMPLATES=include`` (templates may match too) or ``TEMPLATES=restrict``
    (only templates match). Without ``match`` only non-templates match. An empty or missing
    ``name`` matches every name.
    """
    if name and ascii_lower(category.name) != ascii_lower(name):
        return False
    if not match:
        return not category.is_template
    found = 0
    expressions = 0
    template_ok = False
    for token in _strsep_tokens(match, sep):
        expressions += 1
        key, eq, regex = token.partition("=")
        key = key.strip(BLANKS)
        if not eq:
            break
        regex = regex.split("=", 1)[0].strip(BLANKS)
        if key == "TEMPLATES":
            mode = ascii_lower(regex)
            if mode == "include":
                template_ok = template_ok or category.is_template
                found += 1
            elif mode == "restrict":
                if not category.is_template:
                    break
                found += 1
                template_ok = True
            continue
        for v in category._items:
            if _posix_search(key, v[0]) and _posix_search(regex, v[1]):
                found += 1
                break
    return found == expressions and (not category.is_template or template_ok)


class ResolvedConfig:
    """The categories of a load, in order, as Asterisk holds them (``struct ast_config``).

    Iterating gives the non-template categories (what ``ast_category_browse`` walks);
    ``all_categories`` has the templates too.
    """

    __slots__ = ("all_categories",)

    def __init__(self, categories: Iterable[ConfigCategory] = ()) -> None:
        self.all_categories: list[ConfigCategory] = list(categories)

    @property
    def categories(self) -> list[ConfigCategory]:
        """Non-template categories in load order (duplicates kept)."""
        return [c for c in self.all_categories if not c.is_template]

    @property
    def templates(self) -> list[ConfigCategory]:
        """Template categories (``[name](!)``) in load order."""
        return [c for c in self.all_categories if c.is_template]

    def names(self) -> list[str]:
        """Names of the non-template categories, in order, duplicates kept."""
        return [c.name for c in self.all_categories if not c.is_template]

    def browse(
        self, category: str | None = None, filter: str | None = None
    ) -> list[ConfigCategory]:
        """``ast_category_browse_filtered``: what AMI ``GetConfig`` lists.

        ``category`` selects by name (case-insensitive; None or empty: all). ``filter`` is
        GetConfig's ``Filter`` header: ``TEMPLATES=include`` adds templates,
        ``TEMPLATES=restrict`` lists only templates, ``key=regex`` keeps categories with a
        matching key (comma-separated tests, all required).
        """
        return [c for c in self.all_categories if category_matches(c, category, filter, ",")]

    def category(self, name: str) -> ConfigCategory | None:
        """The first non-template category named ``name`` (case-insensitive), or None."""
        wanted = ascii_lower(name)
        for c in self.all_categories:
            if not c.is_template and ascii_lower(c.name) == wanted:
                return c
        return None

    def get(self, category: str | None, key: str, default: str | None = None) -> str | None:
        """``ast_variable_retrieve``: first ``key`` of the first non-template ``category``.

        With ``category=None`` every category is searched in order, templates included (as
        Asterisk does).
        """
        if category is None:
            wanted = ascii_lower(key)
            for c in self.all_categories:
                for v in c._items:
                    if ascii_lower(v[0]) == wanted:
                        return v[1]
            return default
        found = self.category(category)
        if found is None:
            return default
        return found.get(key, default)

    def as_lists(self, include_templates: bool = False) -> list[tuple[str, list[tuple[str, str]]]]:
        """``[(category, [(key, value), ...]), ...]``: a plain snapshot, handy in tests."""
        return [
            (c.name, c.items())
            for c in self.all_categories
            if include_templates or not c.is_template
        ]

    def raw_categories(
        self, include_templates: bool = False
    ) -> list[tuple[str, list[tuple[str, str, str, int, bool]]]]:
        """``[(name, [(key, value, file, lineno, is_object), ...]), ...]`` in load order: the
        plain shape the dialplan builder (:mod:`pyst.config.dialplan`) consumes."""
        return [
            (c.name, [(v[0], v[1], v[2], v[3], v[4]) for v in c._items])
            for c in self.all_categories
            if include_templates or not c.is_template
        ]

    def __iter__(self) -> Iterator[ConfigCategory]:
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    def __repr__(self) -> str:
        return f"<ResolvedConfig {len(self.all_categories)} categories>"


# --- document view ---------------------------------------------------------------------------


class LineKind(str, enum.Enum):
    """What a physical line holds, syntactically."""

    BLANK = "blank"
    COMMENT = "comment"  # a comment, or a line inside a block comment
    CATEGORY = "category"  # [name](options)
    VARIABLE = "variable"  # key = value, key => value, key += value
    DIRECTIVE = "directive"  # #include, #tryinclude, #exec, or an unknown #word
    IGNORED = "ignored"  # text Asterisk drops with a warning (no '=', no key)
    ERROR = "error"  # text Asterisk rejects (no ']' or ')', bad escape)
    TOO_LONG = "too-long"  # over 8190 bytes: skipped

    def __str__(self) -> str:
        return self.value


# The kinds, bound once: in 3.11 an Enum member read as a class attribute (LineKind.VARIABLE)
# goes through EnumType.__getattr__, ten times the cost of a global; the document view reads
# one per line.
_BLANK, _COMMENT, _CATEGORY, _VARIABLE = (
    LineKind.BLANK,
    LineKind.COMMENT,
    LineKind.CATEGORY,
    LineKind.VARIABLE,
)
_DIRECTIVE, _IGNORED, _ERROR, _TOO_LONG = (
    LineKind.DIRECTIVE,
    LineKind.IGNORED,
    LineKind.ERROR,
    LineKind.TOO_LONG,
)


class DocLine:
    """One physical line of a :class:`Document`.

    ``raw`` is the text without the newline (a CR before it stays). ``lineno`` is the 1-based
    line number in the file as read, None for a line added by an edit. ``depth`` is the
    block-comment nesting at the start of the line. For a CATEGORY line ``name`` is the name as
    written and ``value`` the option list (None without one); for a VARIABLE line ``name``,
    ``op`` (``=``, ``=>`` or ``+=``) and ``value`` (this line's text, unescaped); for a DIRECTIVE
    ``name`` is the directive and ``value`` its argument.
    """

    __slots__ = ("depth", "kind", "lineno", "name", "op", "raw", "value")

    def __init__(
        self,
        raw: str,
        lineno: int | None = None,
        kind: LineKind = LineKind.BLANK,
        depth: int = 0,
        name: str | None = None,
        op: str | None = None,
        value: str | None = None,
    ) -> None:
        self.raw = raw
        self.lineno = lineno
        self.kind = kind
        self.depth = depth
        self.name = name
        self.op = op
        self.value = value

    def __repr__(self) -> str:
        return f"<DocLine {self.lineno} {self.kind.value} {self.raw!r}>"


class Section(NamedTuple):
    """A category header of a document and its body: lines ``start`` (the header) to ``end``
    (exclusive; the next header or the end of the file)."""

    name: str
    start: int
    end: int


# Document._changed until a `+=` changes a key (the reader then sets a new frozenset).
_NO_LINES: frozenset[int] = frozenset()


def _key_of(name: str | None) -> str:
    return ascii_lower(name) if name is not None else ""


class Document:
    """Every line of one configuration file, editable, written back byte for byte.

    Build one with :meth:`from_bytes` / the constructor, or get them from
    :class:`LoadedConfig.documents`. ``lines`` is computed on first use. Edits (``set``, ``add``,
    ``remove``, ``add_category``, ``remove_category``) change only the lines they touch;
    :meth:`text` and :meth:`to_bytes` give the new file, :meth:`save` writes it.

    Categories and keys are matched case-insensitively, as Asterisk does. When a name occurs more
    than once, ``nth`` picks the header (0 = first). Edits work on one section of one file: a
    key inherited from a template, or set in an ``[x](+)`` section or an included file, is not
    seen by ``set`` in ``[x]`` (which then adds a local line).
    """

    __slots__ = (
        "_changed",
        "_end_depth",
        "_kv",
        "_lines",
        "_seen",
        "edited",
        "final_newline",
        "initial_depth",
        "original_text",
        "path",
        "stopped_at",
        "strip_bom",
    )

    def __init__(
        self,
        text: str,
        path: str = "<string>",
        *,
        initial_depth: int = 0,
        strip_bom: bool = True,
    ) -> None:
        self._setup(text, path, initial_depth, strip_bom)

    def _setup(self, text: str, path: str, initial_depth: int, strip_bom: bool) -> None:
        # The constructor's work. The reader calls it on object.__new__(Document): a call of
        # the class with keyword arguments costs more than the rest of reading a short file.
        self.path = path
        self.original_text = text
        self.initial_depth = initial_depth
        self.strip_bom = strip_bom
        self.final_newline = text[-1] == "\n" if text else False
        self.stopped_at: int | None = None
        self.edited = False
        self._lines: list[DocLine] | None = None
        self._end_depth = 0
        # Set by the reader when it read this text in full, every line starting at comment
        # depth 0, with no NUL and no long line (else _seen stays None): every line that holds
        # more than blanks and a comment; the plain `key = value` lines among them in _kv, as
        # its fast path read them (line number, line text, key, value, is_object), the others
        # in _seen (line number, line text). The text of line 1 is without a BOM the reader
        # removed. _changed: the numbers of the lines whose key a later `+=` changed (for any
        # read). The document view and pyst2's Config use these instead of searching and
        # reading the text again.
        self._seen: list[tuple[int, str]] | None = None
        self._kv: Sequence[tuple[int, str, str, str, bool]] = ()
        self._changed: frozenset[int] = _NO_LINES

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<string>") -> Document:
        """A document from file bytes (UTF-8; undecodable bytes are kept as they are)."""
        return cls(data.decode(UTF8, ERRORS), path)

    @property
    def lines(self) -> list[DocLine]:
        """Every physical line, in order (computed on first use)."""
        if self._lines is None:
            from pyst.config.parser import document_lines

            self._lines, self._end_depth = document_lines(
                self.original_text,
                self.initial_depth,
                self.strip_bom,
                seen=self._seen,
                keys=self._kv,
            )
        return self._lines

    def text(self) -> str:
        """The file text, with the edits applied."""
        if not self.edited:
            return self.original_text
        return writer.render([ln.raw for ln in self.lines], self.final_newline)

    def to_bytes(self) -> bytes:
        """The file bytes, with the edits applied."""
        return writer.encode(self.text())

    def save(self, path: str | PathLike[str] | None = None) -> None:
        """Write the document to ``path`` (default: where it was read), atomically.

        Raises OSError if the file cannot be written.
        """
        from pyst.config.loader import save

        save(self, path)

    # -- structure --

    def sections(self) -> list[Section]:
        """Every category header with the range of its body."""
        lines = self.lines
        heads = [i for i, ln in enumerate(lines) if ln.kind is _CATEGORY]
        out: list[Section] = []
        for n, start in enumerate(heads):
            end = heads[n + 1] if n + 1 < len(heads) else len(lines)
            out.append(Section(lines[start].name or "", start, end))
        return out

    def section(self, category: str, nth: int = 0) -> Section | None:
        """The ``nth`` section whose header names ``category`` (case-insensitive), or None."""
        wanted = ascii_lower(category)
        found = [s for s in self.sections() if ascii_lower(s.name) == wanted]
        return found[nth] if 0 <= nth < len(found) else None

    def variables(self, category: str, nth: int = 0) -> list[DocLine]:
        """The key lines written in one section (not inherited ones)."""
        sec = self.section(category, nth)
        if sec is None:
            return []
        return [ln for ln in self.lines[sec.start + 1 : sec.end] if ln.kind is _VARIABLE]

    # -- edits --

    def _depth_after(self, index: int) -> int:
        lines = self.lines
        return lines[index + 1].depth if index + 1 < len(lines) else self._end_depth

    def _newline_cr(self) -> bool:
        lines = self.lines
        with_cr = sum(1 for ln in lines if ln.raw.endswith("\r"))
        return with_cr * 2 > len(lines)

    def _new_line(self, raw: str, kind: LineKind, **fields: str | None) -> DocLine:
        if self._newline_cr():
            raw += "\r"
        return DocLine(
            raw, None, kind, 0, fields.get("name"), fields.get("op"), fields.get("value")
        )

    def _insert_at(self, index: int, new: list[DocLine]) -> None:
        lines = self.lines
        # A line inserted where a block comment is open would be commented out: move past it.
        while index < len(lines) and lines[index].depth != 0:
            index += 1
        if index >= len(lines) and self._end_depth != 0:
            raise ConfigValueError(
                f"{self.path}: cannot add lines: an unterminated block comment (or a stray "
                "'--;') hides the end of the file"
            )
        if index >= len(lines):
            self.final_newline = True
        lines[index:index] = new
        self.edited = True

    def _style(self, start: int, end: int) -> writer.LineStyle:
        lines = self.lines
        for ln in reversed(lines[start:end]):
            if ln.kind is _VARIABLE and ln.lineno is not None:
                style = writer.style_of(ln.raw.rstrip("\r"), ln.depth)
                if style is not None:
                    return style
        for ln in lines:
            if ln.kind is _VARIABLE and ln.lineno is not None:
                style = writer.style_of(ln.raw.rstrip("\r"), ln.depth)
                if style is not None:
                    return writer.LineStyle("", style.before, style.after)
        return writer.DEFAULT_STYLE

    def _require_section(self, category: str, nth: int) -> Section:
        sec = self.section(category, nth)
        if sec is None:
            raise ConfigValueError(f"{self.path}: no category [{category}] (occurrence {nth})")
        return sec

    def set(
        self, category: str, key: str, value: str, *, is_object: bool | None = None, nth: int = 0
    ) -> None:
        """Give ``key`` the value ``value`` in section ``[category]``.

        The first ``key =``/``key =>`` line of the section gets the new value (its ``+=``
        continuations are removed, so the key reads back as exactly ``value``); without one the
        key is added at the end of the section, and a missing category is added at the end of
        the file. ``is_object`` switches between ``=`` and ``=>`` (None keeps the line's).
        Raises ConfigValueError for text Asterisk could not read back.
        """
        sec = self.section(category, nth)
        if sec is None:
            if nth != 0:
                self._require_section(category, nth)
            self.add_category(category)
            sec = self._require_section(category, 0)
        lines = self.lines
        wanted = ascii_lower(key)
        hits = [
            i
            for i in range(sec.start + 1, sec.end)
            if lines[i].kind is _VARIABLE and _key_of(lines[i].name) == wanted
        ]
        if not hits:
            self.add(category, key, value, is_object=bool(is_object), nth=nth)
            return
        plain = [i for i in hits if lines[i].op != "+="]
        target = plain[0] if plain else hits[0]
        line = lines[target]
        op = None if is_object is None else ("=>" if is_object else "=")
        eol = "\r" if line.raw.endswith("\r") else ""
        new_raw = writer.replace_value(line.raw[: len(line.raw) - len(eol)], line.depth, value, op)
        if new_raw is None:  # pragma: no cover - a VARIABLE line always has a key and '='
            raise ConfigValueError(f"{self.path}: line {line.lineno} is not a key line")
        line.raw = new_raw + eol
        line.op = op or ("=" if line.op == "+=" else line.op)
        line.value = value
        # Drop the += lines that would append to this value (up to the next plain line).
        following = [i for i in hits if i > target]
        doomed: list[int] = []
        for i in following:
            if lines[i].op != "+=":
                break
            doomed.append(i)
        for i in reversed(doomed):
            self._delete_line(i)
        self.edited = True

    def add(
        self, category: str, key: str, value: str, *, is_object: bool = False, nth: int = 0
    ) -> None:
        """Add another ``key = value`` line at the end of section ``[category]``.

        Duplicate keys are kept by Asterisk (e.g. several ``allow=`` lines). The line takes the
        style of its neighbours. Raises ConfigValueError if the category does not exist or the
        text cannot be written.
        """
        sec = self._require_section(category, nth)
        lines = self.lines
        after = sec.start
        for i in range(sec.start + 1, sec.end):
            if lines[i].kind not in (_BLANK, _COMMENT):
                after = i
        text = writer.format_variable(
            key, value, "=>" if is_object else "=", self._style(sec.start, sec.end)
        )
        new = self._new_line(text, _VARIABLE, name=key, op="=>" if is_object else "=", value=value)
        self._insert_at(after + 1, [new])

    def _delete_line(self, index: int) -> None:
        lines = self.lines
        line = lines[index]
        if line.depth != self._depth_after(index):
            # The line opens or closes a block comment: keep the comment, drop the code.
            eol = "\r" if line.raw.endswith("\r") else ""
            body = line.raw[: len(line.raw) - len(eol)]
            line.raw = "".join(t for is_code, t in split_comment(body, line.depth) if not is_code)
            line.raw += eol
            line.kind = _COMMENT
            line.name = line.op = line.value = None
        else:
            del lines[index]
        self.edited = True

    def remove(self, category: str, key: str, *, value: str | None = None, nth: int = 0) -> int:
        """Remove the ``key`` lines of section ``[category]`` (only those with ``value`` if
        given); returns how many lines went. A missing category removes nothing."""
        sec = self.section(category, nth)
        if sec is None:
            return 0
        lines = self.lines
        wanted = ascii_lower(key)
        doomed = [
            i
            for i in range(sec.start + 1, sec.end)
            if lines[i].kind is _VARIABLE
            and _key_of(lines[i].name) == wanted
            and (value is None or lines[i].value == value)
        ]
        for i in reversed(doomed):
            self._delete_line(i)
        return len(doomed)

    def add_category(
        self,
        name: str,
        items: Iterable[tuple[str, str]] = (),
        *,
        template: bool = False,
        inherits: tuple[str, ...] | list[str] = (),
    ) -> None:
        """Append ``[name](options)`` and its ``items`` at the end of the file.

        A blank line separates it from the text before. Raises ConfigValueError for names or
        values Asterisk could not read back.
        """
        header = writer.format_category(name, template=template, inherits=inherits)
        style = self._style(0, 0)
        new: list[DocLine] = []
        lines = self.lines
        if lines and lines[-1].raw.strip(BLANKS):
            new.append(self._new_line("", _BLANK))
        opts: list[str] = (["!"] if template else []) + list(inherits)
        new.append(self._new_line(header, _CATEGORY, name=name, value=",".join(opts) or None))
        for key, value in items:
            text = writer.format_variable(key, value, "=", writer.LineStyle("", *style[1:]))
            new.append(self._new_line(text, _VARIABLE, name=key, op="=", value=value))
        self._insert_at(len(lines), new)

    def remove_category(self, name: str, *, nth: int = 0) -> None:
        """Remove section ``[name]``: its header and body, keeping the comments and blank lines
        that lead into the next section. Raises ConfigValueError if there is no such section or
        it straddles a block comment."""
        sec = self._require_section(name, nth)
        lines = self.lines
        last = sec.start
        for i in range(sec.start + 1, sec.end):
            if lines[i].kind not in (_BLANK, _COMMENT):
                last = i
        if lines[sec.start].depth != self._depth_after(last) or lines[sec.start].depth != 0:
            raise ConfigValueError(f"{self.path}: [{name}] straddles a block comment")
        del lines[sec.start : last + 1]
        # Avoid leaving two blank lines where one separated the sections.
        start = sec.start
        if (
            start > 0
            and not lines[start - 1].raw.strip(BLANKS)
            and (start == len(lines) or not lines[start].raw.strip(BLANKS))
        ):
            del lines[start - 1]
        self.edited = True

    def __repr__(self) -> str:
        return f"<Document {self.path!r}>"


# --- a load ----------------------------------------------------------------------------------


class LoadStatus(str, enum.Enum):
    """Outcome of a load, as ``ast_config_load2`` reports it."""

    OK = "ok"
    MISSING = "missing"  # NULL / CONFIG_STATUS_FILEMISSING: no such file
    INVALID = "invalid"  # CONFIG_STATUS_FILEINVALID: Asterisk rejects the configuration

    def __str__(self) -> str:
        return self.value


class LoadedConfig:
    """The result of reading one configuration (a file and everything it includes).

    ``config`` is the resolved view, ``documents`` the files read (in first-read order; the
    top-level file first), ``diagnostics`` every warning and error, ``status`` what Asterisk
    would make of it. The resolved view of an INVALID load holds what was read before the
    error (Asterisk itself throws it away).
    """

    __slots__ = ("config", "diagnostics", "documents", "filename", "status")

    def __init__(
        self,
        filename: str,
        status: LoadStatus,
        config: ResolvedConfig,
        documents: list[Document],
        diagnostics: list[Diagnostic],
    ) -> None:
        self.filename = filename
        self.status = status
        self.config = config
        self.documents = documents
        self.diagnostics = diagnostics

    # The constructor's work under another name: the reader calls it on
    # object.__new__(LoadedConfig), which is cheaper than calling the class (once per file).
    _setup = __init__

    @property
    def valid(self) -> bool:
        """True when Asterisk would load this configuration."""
        return self.status is LoadStatus.OK

    @property
    def document(self) -> Document | None:
        """The top-level file's document (None if it was not found)."""
        return self.documents[0] if self.documents else None

    @property
    def categories(self) -> list[ConfigCategory]:
        """Non-template categories of the resolved view."""
        return self.config.categories

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of severity error (in any file)."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of severity warning."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def get(self, category: str | None, key: str, default: str | None = None) -> str | None:
        """``ast_variable_retrieve`` on the resolved view (see :meth:`ResolvedConfig.get`)."""
        return self.config.get(category, key, default)

    def document_for(self, path: str) -> Document | None:
        """The document read from ``path``, if any."""
        for doc in self.documents:
            if doc.path == path:
                return doc
        return None

    def raise_for_status(self) -> LoadedConfig:
        """Return self if Asterisk would load the configuration, else raise.

        Raises ConfigNotFoundError (also a FileNotFoundError) for a missing file,
        IncludeSyntaxError for a failed ``#include`` in the top-level file, and
        ConfigSyntaxError (with file and line) for any other reason Asterisk rejects it.
        """
        if self.status is LoadStatus.MISSING:
            raise ConfigNotFoundError(self.filename)
        if self.status is LoadStatus.INVALID:
            first = next(
                (d for d in self.diagnostics if d.is_error and d.include_level == 1),
                None,
            )
            if first is None:  # pragma: no cover - an invalid load always records its error
                raise ConfigSyntaxError("Asterisk rejects this configuration", self.filename)
            cls = (
                IncludeSyntaxError
                if first.code in (Code.INCLUDE_NOT_FOUND, Code.INCLUDE_DEPTH)
                else ConfigSyntaxError
            )
            raise cls(first.message, first.file, first.line)
        return self

    def __repr__(self) -> str:
        return (
            f"<LoadedConfig {self.filename!r} {self.status.value} "
            f"{len(self.config.all_categories)} categories {len(self.diagnostics)} diagnostics>"
        )
