"""pyst2's ``asterisk.config`` API, on top of the Asterisk-faithful reader.

Code written for pyst2 ports by changing ``import asterisk.config`` to ``import pyst.config``::

    config = pyst.config.Config("/etc/asterisk/extensions.conf")
    for category in config.categories:
        for item in category.items:
            print(category.name, item.name, item.value)

What is kept: ``Config(filename)`` with ``filename``, ``raw_lines``, ``lines`` (every line of the
file, in order) and ``categories``; ``Category`` (``name``, ``items``, ``comments``, ``append``,
``insert``, ``pop``, ``remove``, ``get_line``), ``Item`` (``name``, ``value``, ``style`` = ``'>'``
for ``=>``), ``Line`` (``line``, ``comment``, ``number``, ``get_line``) and
``ParseError(line, message)``.

What changed, because pyst2 got it wrong:

* values have no leading space (pyst2 kept ``' 5060'`` after ``port = 5060``);
* templates ``[x](!)``, inheritance ``[x](a,b)``, appends ``[x](+)``, ``#include`` and
  ``#tryinclude``, block comments and ``\\;`` escapes are understood (pyst2 raised ParseError or
  cut the value). ``categories`` is what Asterisk's modules see: templates are left out (they
  are in ``templates``), inherited items come first, and categories from included files are
  there too;
* ``ParseError`` is raised only where Asterisk itself rejects the file; it is a
  :class:`~pyst.errors.ConfigSyntaxError` (so a :class:`~pyst.errors.ConfigError`) with
  ``line`` and ``strerror`` attributes (pyst2's docstring used them, its class lacked them);
* the file is closed after reading, and a missing file raises ConfigNotFoundError (a
  FileNotFoundError, so ``except IOError`` still works);
* ``get_line()`` of an unmodified line gives back the line as written (escapes, spacing and
  block comments intact); only modified objects are formatted anew.
"""

from __future__ import annotations

import bisect
import os

from pyst.config._text import BLANKS, split_comment
from pyst.config.diagnostics import ConfigNotFoundError, ConfigValueError
from pyst.config.loader import load as _load
from pyst.config.model import DocLine, LineKind, LoadedConfig, LoadStatus
from pyst.config.parser import _BAD_FIRST, _BAD_LAST, _classify, _plain_parts, document_lines
from pyst.config.writer import escape_name, escape_value, format_variable
from pyst.errors import ConfigSyntaxError

__all__ = ["Category", "Config", "Item", "Line", "ParseError"]


class ParseError(ConfigSyntaxError):
    """Asterisk would reject the file. ``args == (line, message)`` as in pyst2."""

    def __init__(self, line: int, message: str, filename: str | None = None) -> None:
        super().__init__(message, filename, line)
        self.line = line
        self.strerror = message
        self.args = (line, message)

    def __str__(self) -> str:
        where = f"{self.filename}:" if self.filename else "line "
        return f"{where}{self.line}: {self.strerror}"


def _strip(text: str) -> str:
    """``ast_strip``: remove bytes below 0x21 at both ends (fast for ASCII text)."""
    if text.isascii():
        stripped = text.strip()
        if not stripped or (stripped[0] > " " and stripped[-1] > " "):
            return stripped
    return text.strip(BLANKS)


def _code_and_comment(text: str) -> tuple[str, str, str]:
    """(raw code, comment after ';', processed code) of a stripped line at comment depth 0."""
    p = text.find(";")
    if p < 0:
        return text, "", text
    if (
        (p == 0 or text[p - 1] != "\\")
        and not (text[p + 1 : p + 3] == "--" and text[p + 3 : p + 4] != "-")
        and not (p >= 2 and text[p - 2 : p] == "--")
    ):
        # The first ';' starts a plain comment: no escape or block marker before it.
        code = text[:p].rstrip(BLANKS)
        return code, text[p + 1 :], code
    pieces = split_comment(text, 0)
    code = "".join(t for is_code, t in pieces if is_code)
    comment_pieces = [t for is_code, t in pieces if not is_code]
    comment = comment_pieces[-1][1:] if comment_pieces and comment_pieces[-1][:1] == ";" else ""
    processed = code.replace("\\;", ";")
    return code.strip(BLANKS), comment, processed.strip(BLANKS)


class Line:
    """One line of the file: ``line`` (the text before any comment) and ``comment`` (after
    the ``;``), ``number`` (1-based)."""

    def __init__(self, line: str, number: int) -> None:
        self.number = number
        self._raw = _strip(line)
        self.line, self.comment, self._code = _code_and_comment(self._raw)
        self._parsed = self._state()

    def _state(self) -> tuple[object, ...]:
        return (self.line, self.comment)

    def __str__(self) -> str:
        return self.get_line()

    def get_line(self) -> str:
        """The line as text: as written if unchanged, else ``text\\t;comment``."""
        if self._state() == self._parsed:
            return self._raw
        if self.comment and self.line:
            return f"{self.line}\t;{self.comment}"
        if self.comment:
            return f";{self.comment}"
        return self.line


class Category(Line):
    """A ``[name]`` header and, once parsed, its ``items`` and following ``comments``.

    Extra attributes: ``options`` (the text in parentheses, or None), ``is_template`` and
    ``templates`` (names of the parents, as Asterisk resolved them).
    """

    def __init__(self, line: str = "", num: int = -1, name: str | None = None) -> None:
        self.items: list[Item] = []
        self._comments: list[Line] | None = []
        # Where ``comments`` come from when they are built on first use: the lines of the
        # file a Config read, and the number of this header's line in it.
        self._source: _LazyLines | None = None
        self._source_line = 0
        self.options: str | None = None
        self.is_template = False
        self.templates: list[str] = []
        self.name = name or ""
        if line:
            super().__init__(line, num)
            code = self._code
            close = code.find("]")
            if not code.startswith("[") or close < 0:
                raise ParseError(num, "Missing '[' or ']' in category definition")
            self.name = code[1:close]
            after = code[close + 1 :]
            if after.startswith("(") and ")" in after:
                self.options = after[1 : after.index(")")]
                self.is_template = "!" in self.options.split(",")
        elif name:
            super().__init__("", num)
            self.name = name
            self._parsed = ()
        else:
            raise ConfigValueError("Must provide name or line representing a category")
        if line:
            self._parsed = self._state()

    @property
    def comments(self) -> list[Line]:
        """The blank and comment lines that follow the header in the file (up to the next
        header), as :class:`Line` objects (the same objects as in ``Config.lines``)."""
        if self._comments is None:
            source = self._source
            self._comments = source.comments(self._source_line) if source is not None else []
        return self._comments

    @comments.setter
    def comments(self, value: list[Line]) -> None:
        self._comments = value

    def _state(self) -> tuple[object, ...]:
        return (self.line, self.comment, self.name, self.options)

    def get_line(self) -> str:
        """``[name](options)\\t;comment``, or the line as written if unchanged."""
        if self._state() == self._parsed and self._raw:
            return self._raw
        text = f"[{self.name}]" + (f"({self.options})" if self.options else "")
        return f"{text}\t;{self.comment}" if self.comment else text

    def append(self, item: Item) -> None:
        self.items.append(item)

    def insert(self, index: int, item: Item) -> None:
        self.items.insert(index, item)

    def pop(self, index: int = -1) -> None:
        self.items.pop(index)

    def remove(self, item: Item) -> None:
        self.items.remove(item)

    def __repr__(self) -> str:
        return f"<Category [{self.name}] {len(self.items)} items>"


class Item(Line):
    """A ``name = value`` line. ``style`` is ``'>'`` for ``name => value``, ``'+'`` for
    ``name += value`` (pyst2 knew only the first two), ``''`` otherwise."""

    def __init__(
        self, line: str = "", num: int = -1, name: str | None = None, value: str | None = None
    ) -> None:
        self.style = ""
        self.name = name or ""
        self.value = value if value is not None else ""
        if line:
            super().__init__(line, num)
            self.parse()
            self._parsed = self._state()
        elif name and value is not None:
            super().__init__("", num)
            self.name = name
            self.value = value
            self._parsed = ()
        else:
            raise ConfigValueError("Must provide name and value representing an item")

    def _state(self) -> tuple[object, ...]:
        return (self.line, self.comment, self.name, self.value, self.style)

    def parse(self) -> None:
        """Split the line into ``name``, ``value`` and ``style`` as Asterisk does.

        Raises ParseError for a line without ``=`` or without a name.
        """
        kind, name, op, value = _classify(self._code, self._raw)
        if kind is not LineKind.VARIABLE or name is None or value is None:
            if self._code.endswith("]"):
                raise ParseError(self.number, "Category name missing '['")
            raise ParseError(self.number, "Item must be in name = value pairs")
        self.name = name
        self.value = value
        self.style = {"=>": ">", "+=": "+"}.get(op or "=", "")

    def get_line(self) -> str:
        """``name = value\\t;comment`` (``=>``/``+=`` per ``style``), or the line as written if
        unchanged."""
        if self._state() == self._parsed and self._raw:
            return self._raw
        op = {">": "=>", "+": "+="}.get(self.style, "=")
        try:
            if op == "+=":
                text = f"{escape_name(self.name)} += {escape_value(self.value)}"
            else:
                text = format_variable(self.name, self.value, op)
        except ConfigValueError:
            text = f"{self.name} {op} {self.value}"
        return f"{text}\t;{self.comment}" if self.comment else text

    def __repr__(self) -> str:
        return f"<Item {self.name!r}={self.value!r}>"


def _item_from_docline(raw: str, number: int, name: str, op: str | None, value: str) -> Item:
    """An Item for a VARIABLE line the document view already split (no second parse)."""
    item = Item.__new__(Item)
    item.number = number
    item._raw = _strip(raw)
    item.line, item.comment, item._code = _code_and_comment(item._raw)
    item.name = name
    item.value = value
    item.style = ">" if op == "=>" else ("+" if op == "+=" else "")
    item._parsed = (item.line, item.comment, name, value, item.style)
    return item


def _plain_code(raw: str) -> tuple[str, str, str] | None:
    """(stripped line, code, comment) of an ASCII line whose comment, if any, is a plain one
    (a ';' with no backslash before it and no block-comment marker); None for other lines.
    ``code`` is the text before the ';', stripped, as _code_and_comment gives it."""
    if not raw.isascii():
        return None
    text = raw.strip()
    if not text or text[0] < "!" or text[-1] < "!":
        return None
    p = text.find(";")
    if p < 0:
        return text, text, ""
    if (
        p == 0
        or text[p - 1] == "\\"
        or (text[p + 1 : p + 3] == "--" and text[p + 3 : p + 4] != "-")
        or (p >= 2 and text[p - 2 : p] == "--")
    ):
        return None
    code = text[:p].rstrip()
    if code and code[-1] < "!":
        return None
    return text, code, text[p + 1 :]


def _simple_item(raw: str, number: int) -> Item | None:
    """The Item of a plain ``key = value`` / ``key => value`` line (ASCII, no escape, no
    ``+=``, at most a plain comment), built in one go; None for any other line. The result is
    what _item_from_docline makes of the line and its document-view parts."""
    found = _plain_code(raw)
    if found is None:
        return None
    text, code, comment = found
    name, eq, value = code.partition("=")
    if not eq:
        return None
    name = name.rstrip()
    if not name or name[0] in _BAD_FIRST or name[-1] in _BAD_LAST:
        return None
    if value[:1] == ">":
        style = ">"
        value = value[1:].lstrip()
    else:
        style = ""
        value = value.lstrip()
    if value and value[0] < "!":
        value = value.lstrip(BLANKS)
    item = Item.__new__(Item)
    item.number = number
    item._raw = text
    item.line = code
    item.comment = comment
    item._code = code
    item.name = name
    item.value = value
    item.style = style
    item._parsed = (code, comment, name, value, style)
    return item


def _simple_category(raw: str, number: int) -> Category | None:
    """``Category(raw, number)`` for a plain ``[name]`` or ``[name](options)`` header (ASCII,
    at most a plain comment after it); None for any other line."""
    found = _plain_code(raw)
    if found is None:
        return None
    text, code, comment = found
    close = code.find("]")
    if code[:1] != "[" or close < 0:
        return None
    after = code[close + 1 :]
    if after[:1] == "(" and ")" not in after:
        return None  # not a header for the document view (an unclosed option list)
    category = Category.__new__(Category)
    category.items = []
    category._comments = []
    category._source = None
    category._source_line = 0
    category.options = None
    category.is_template = False
    category.templates = []
    category.name = ""
    category.number = number
    category._raw = text
    category.line = code
    category.comment = comment
    category._code = code
    category.name = name = code[1:close]
    options = None
    if after.startswith("(") and ")" in after:
        category.options = options = after[1 : after.index(")")]
        category.is_template = "!" in options.split(",")
    category._parsed = (code, comment, name, options)
    return category


def _key_item(raw: str, number: int, name: str, value: str, is_object: bool) -> Item:
    """The Item of a plain ``key = value`` line with no ';' whose key and value are known
    (read by the reader's fast path and not changed since): what _item_from_docline makes."""
    text = raw.strip(BLANKS)
    item = Item.__new__(Item)
    item.number = number
    item._raw = item.line = text
    item.comment = ""
    item._code = text
    item.name = name
    item.value = value
    item.style = style = ">" if is_object else ""
    item._parsed = (text, "", name, value, style)
    return item


def _fresh_item(name: str, value: str, number: int, is_object: bool) -> Item:
    """``Item(name=name, value=value, num=number)`` with ``style`` set from ``is_object``, as
    built for a key that has no line of its own in the file (inherited, included, appended)."""
    item = Item.__new__(Item)
    item.style = style = ">" if is_object else ""
    item.name = name
    item.value = value
    item.number = number
    item._raw = item.line = item.comment = item._code = ""
    item._parsed = ("", "", name, value, style)
    return item


def _line_at(text: str, noted: dict[int, str], number: int) -> str:
    """The text of line ``number``, as the reader noted it (line 1 from the text: the reader
    noted it without a BOM)."""
    if number == 1:
        end = text.find("\n")
        return text if end < 0 else text[:end]
    return noted[number]


def _plain_line(raw: str, number: int, depth: int) -> Line:
    """A Line for a blank, comment or other non-key line, without the general parse for the
    common shapes (a blank line, a ';' comment, a line inside a block comment)."""
    line = Line.__new__(Line)
    line.number = number
    text = _strip(raw)
    line._raw = text
    if depth != 0:
        # Inside a block comment: all of it is comment, kept as written.
        line.line = ""
        line.comment = text
        line._code = ""
    elif not text:
        line.line = line.comment = line._code = ""
    elif text[0] == ";":
        line.line = line._code = ""
        line.comment = text[1:]
    else:
        line.line, line.comment, line._code = _code_and_comment(text)
    line._parsed = (line.line, line.comment)
    return line


class _LazyLines:
    """The lines of a file the reader read at comment depth 0 throughout (see
    ``Document._seen``), made into pyst2's objects on demand: ``Config.lines`` and each
    header's ``comments`` take the same :class:`Line` objects from here.

    It holds no Config or Category (a header's ``comments`` come from here, and a reference
    back would make a cycle for the garbage collector to find). The lines the reader did not
    look at are blank lines or plain comments; the others are classified as the document view
    does.
    """

    __slots__ = ("_bom", "_cache", "_headers", "_looked", "_parts", "_raws", "_text")

    def __init__(self, text: str, looked: dict[int, str], bom: bool) -> None:
        self._text = text
        self._looked = looked  # the numbers of the lines the reader looked at (-> their text)
        self._bom = bom
        self._raws: list[str] | None = None
        self._parts: dict[int, tuple[LineKind, str | None, str | None, str | None]] = {}
        self._cache: dict[int, Line] = {}
        self._headers: list[int] | None = None

    def raws(self) -> list[str]:
        """The text split at LF (without the empty piece after a final newline)."""
        raws = self._raws
        if raws is None:
            raws = self._raws = self._text.split("\n")
            if not raws[-1]:
                raws.pop()
        return raws

    def parts(self, number: int) -> tuple[LineKind, str | None, str | None, str | None]:
        """Document-view kind, name, op and value of a line the reader looked at."""
        found = self._parts.get(number)
        if found is None:
            raw = self.raws()[number - 1]
            found = self._parts[number] = _plain_parts(raw, number, self._bom and number == 1)
        return found

    def line(self, number: int) -> Line:
        """The :class:`Line` of a line that is not a header or a key (made once)."""
        line = self._cache.get(number)
        if line is None:
            line = self._cache[number] = _plain_line(self.raws()[number - 1], number, 0)
        return line

    def comments(self, header: int) -> list[Line]:
        """The blank and comment lines between the header on line ``header`` and the next
        header."""
        headers = self._headers
        if headers is None:
            category = LineKind.CATEGORY
            headers = self._headers = [
                n for n in sorted(self._looked) if self.parts(n)[0] is category
            ]
        at = bisect.bisect_right(headers, header)
        end = headers[at] if at < len(headers) else len(self.raws()) + 1
        looked = self._looked
        plain = (LineKind.BLANK, LineKind.COMMENT)
        return [
            self.line(n)
            for n in range(header + 1, end)
            if n not in looked or self.parts(n)[0] in plain
        ]

    def lines(self, headers: dict[int, Category], own_items: dict[int, Item]) -> list[Line]:
        """Every line in order; ``headers`` and ``own_items`` (by line number) are the objects
        already made, and get the ones made here."""
        raws = self.raws()
        looked = self._looked
        cache = self._cache
        lines: list[Line] = []
        add = lines.append
        category_kind = LineKind.CATEGORY
        variable_kind = LineKind.VARIABLE
        new = object.__new__
        nothing = ("", "")
        for number, raw in enumerate(raws, 1):
            if number in looked:
                kind, name, op, value = self.parts(number)
                if kind is category_kind:
                    current = headers.get(number)
                    if current is None:
                        current = headers[number] = Category(raw, number)
                        current._comments = None
                        current._source = self
                        current._source_line = number
                    add(current)
                    continue
                if kind is variable_kind:
                    item = own_items.get(number)
                    if item is None:
                        assert name is not None and value is not None
                        item = own_items[number] = _item_from_docline(raw, number, name, op, value)
                    add(item)
                    continue
            line = cache.get(number)
            if line is None:
                # A blank line or a plain comment, mostly: what _plain_line makes of it.
                if number in looked:
                    line = _plain_line(raw, number, 0)
                elif not raw:
                    line = new(Line)
                    line.number = number
                    line._raw = line.line = line.comment = line._code = ""
                    line._parsed = nothing
                elif raw[0] == ";" and raw.isascii():
                    text = raw.rstrip()
                    if text[-1] < "!":
                        text = text.rstrip(BLANKS)
                    line = new(Line)
                    line.number = number
                    line._raw = text
                    line.line = line._code = ""
                    line.comment = comment = text[1:]
                    line._parsed = ("", comment)
                else:
                    line = _plain_line(raw, number, 0)
                cache[number] = line
            add(line)
        return lines


class Config:
    """A configuration file read as Asterisk reads it, in pyst2's shape.

    ``config_dir`` (where ``#include`` names are looked up) defaults to the file's directory;
    ``exec_includes`` enables ``#exec`` (it runs programs). The new reader's full result is in
    ``loaded``. Raises ConfigNotFoundError if the file does not exist and ParseError where
    Asterisk would reject it.

    ``categories`` (with their items) and ``templates`` are built at once; ``lines``,
    ``raw_lines`` and each category's ``comments`` (one object per line of the file) are
    built the first time they are used, as most callers never look at them.
    """

    def __init__(
        self,
        filename: str | os.PathLike[str],
        *,
        config_dir: str | os.PathLike[str] | None = None,
        exec_includes: bool = False,
    ) -> None:
        self.filename = os.fspath(filename)
        self.config_dir = config_dir
        self.exec_includes = exec_includes
        self._raw_lines: list[str] | None = []
        self._lines: list[Line] | None = []
        self._source: _LazyLines | None = None
        self._headers: dict[int, Category] = {}
        self._own_items: dict[int, Item] = {}
        self.categories: list[Category] = []
        self.templates: list[Category] = []
        self.loaded: LoadedConfig | None = None
        self.load()
        self.parse()

    @property
    def raw_lines(self) -> list[str]:
        """The lines of the file as read, each with its newline (the last one may lack it)."""
        if self._raw_lines is None:
            doc = self.loaded.document if self.loaded is not None else None
            text = doc.original_text if doc is not None else ""
            parts = text.split("\n")
            self._raw_lines = [part + "\n" for part in parts[:-1]]
            if parts[-1]:
                self._raw_lines.append(parts[-1])
        return self._raw_lines

    @raw_lines.setter
    def raw_lines(self, value: list[str]) -> None:
        self._raw_lines = value

    @property
    def lines(self) -> list[Line]:
        """Every line of the file in order: :class:`Category` for headers, :class:`Item` for
        keys (the objects in ``categories``), :class:`Line` for the rest."""
        if self._lines is None:
            self._build_lines()
        assert self._lines is not None
        return self._lines

    @lines.setter
    def lines(self, value: list[Line]) -> None:
        self._lines = value

    def load(self) -> None:
        """Read the file (and what it includes). Raises ConfigNotFoundError if missing."""
        self.loaded = _load(
            self.filename, config_dir=self.config_dir, exec_includes=self.exec_includes
        )
        if self.loaded.status is LoadStatus.MISSING or self.loaded.document is None:
            raise ConfigNotFoundError(self.filename)
        self._raw_lines = None  # split from the document's text when first used

    def parse(self) -> None:
        """Build ``categories`` and ``templates`` (``lines`` on first use). Raises ParseError
        where Asterisk rejects the file."""
        loaded = self.loaded
        if loaded is None:  # pragma: no cover - load() always runs first
            self.load()
            loaded = self.loaded
        assert loaded is not None
        if loaded.status is LoadStatus.INVALID:
            error = next(d for d in loaded.diagnostics if d.is_error and d.include_level == 1)
            raise ParseError(error.line, error.message, error.file)
        doc = loaded.document
        assert doc is not None
        self.categories = []
        self.templates = []
        self._lines = None
        self._headers = {}
        self._own_items = {}
        text = doc.original_text
        bom = doc.strip_bom
        # The lines the reader looked at (line number -> line text), if it noted them: only
        # those can be headers or keys, and they all start at comment depth 0.
        starts: dict[int, str] = {}
        plain_keys: set[int] = set()
        if doc._seen is not None:
            starts = dict(doc._seen)
            for key in doc._kv:
                starts[key[0]] = key[1]
            # The plain `key = value` lines whose key still holds what the line says: their
            # Item is made from the resolved key and the line's text, with no parse.
            plain_keys = {key[0] for key in doc._kv}.difference(doc._changed)
        source = self._source = _LazyLines(text, starts, bom) if doc._seen is not None else None
        if doc._seen is None:
            # Text with block comments (or NUL bytes, or long lines): classify every line now
            # and build the lines at once, headers first, as they may raise ParseError.
            self._build_lines(document_lines(text, doc.initial_depth, bom)[0])
        path = doc.path
        headers = self._headers
        own_items = self._own_items
        for resolved in loaded.config.all_categories:
            category: Category | None = None
            if resolved.file == path:
                number = resolved.lineno
                category = headers.get(number)
                if category is None and number in starts:
                    category = self._header(_line_at(text, starts, number), number, bom)
                    if category is not None:
                        headers[number] = category
                        category._comments = None
                        category._source = source
                        category._source_line = number
            if category is None:
                category = Category(name=resolved.name or " ", num=resolved.lineno)
                category.name = resolved.name
            category.is_template = resolved.is_template
            category.templates = list(resolved.templates)
            items: list[Item] = []
            for name, value, file, number, is_object, inherited in resolved._items:
                item = None
                if file == path and not inherited:
                    item = own_items.get(number)
                    if item is None and number in starts:
                        raw = _line_at(text, starts, number)
                        if number in plain_keys and ";" not in raw:
                            item = _key_item(raw, number, name, value, is_object)
                        else:
                            item = self._own_item(raw, number, bom)
                        if item is not None:
                            own_items[number] = item
                if item is None or item.name != name or item.value != value:
                    item = _fresh_item(name, value, number, is_object)
                items.append(item)
            category.items = items
            (self.templates if resolved.is_template else self.categories).append(category)

    @staticmethod
    def _header(raw: str, number: int, bom: bool) -> Category | None:
        """The Category of line ``number`` (``raw``, at comment depth 0) if it is a header."""
        category = _simple_category(raw, number)
        if category is None and _plain_parts(raw, number, bom and number == 1)[0] is (
            LineKind.CATEGORY
        ):
            category = Category(raw, number)
        return category

    @staticmethod
    def _own_item(raw: str, number: int, bom: bool) -> Item | None:
        """The Item of line ``number`` (``raw``, at comment depth 0) if it is a key line."""
        item = _simple_item(raw, number)
        if item is None:
            kind, name, op, value = _plain_parts(raw, number, bom and number == 1)
            if kind is LineKind.VARIABLE:
                assert name is not None and value is not None
                item = _item_from_docline(raw, number, name, op, value)
        return item

    def _build_lines(self, doc_lines: list[DocLine] | None = None) -> None:
        """Build ``lines`` (and, from ``doc_lines``, the headers' ``comments``), reusing the
        header and key objects parse() made."""
        if doc_lines is None:
            source = self._source
            self._lines = source.lines(self._headers, self._own_items) if source else []
            return
        # Every line of a text the reader did not note (see parse()): the old way.
        headers = self._headers
        own_items = self._own_items
        lines: list[Line] = []
        add = lines.append
        comments: list[Line] | None = None
        category_kind = LineKind.CATEGORY
        variable_kind = LineKind.VARIABLE
        plain_kinds = (LineKind.BLANK, LineKind.COMMENT)
        for dl in doc_lines:
            number = dl.lineno or 0
            kind = dl.kind
            if kind is category_kind:
                current = headers[number] = Category(dl.raw, number)
                comments = current._comments
                add(current)
            elif kind is variable_kind and dl.depth == 0:
                assert dl.name is not None and dl.value is not None
                item = own_items[number] = _item_from_docline(
                    dl.raw, number, dl.name, dl.op, dl.value
                )
                add(item)
            else:
                line = _plain_line(dl.raw, number, dl.depth)
                add(line)
                if comments is not None and kind in plain_kinds:
                    comments.append(line)
        self._lines = lines
