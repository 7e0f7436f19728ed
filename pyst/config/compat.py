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

import os

from pyst.config._text import BLANKS, split_comment
from pyst.config.diagnostics import ConfigNotFoundError, ConfigValueError
from pyst.config.loader import load as _load
from pyst.config.model import ConfigCategory, LineKind, LoadedConfig, LoadStatus
from pyst.config.parser import _classify, document_lines
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
        self.comments: list[Line] = []
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


class Config:
    """A configuration file read as Asterisk reads it, in pyst2's shape.

    ``config_dir`` (where ``#include`` names are looked up) defaults to the file's directory;
    ``exec_includes`` enables ``#exec`` (it runs programs). The new reader's full result is in
    ``loaded``. Raises ConfigNotFoundError if the file does not exist and ParseError where
    Asterisk would reject it.
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
        self.raw_lines: list[str] = []
        self.lines: list[Line] = []
        self.categories: list[Category] = []
        self.templates: list[Category] = []
        self.loaded: LoadedConfig | None = None
        self.load()
        self.parse()

    def load(self) -> None:
        """Read the file (and what it includes). Raises ConfigNotFoundError if missing."""
        self.loaded = _load(
            self.filename, config_dir=self.config_dir, exec_includes=self.exec_includes
        )
        if self.loaded.status is LoadStatus.MISSING or self.loaded.document is None:
            raise ConfigNotFoundError(self.filename)
        text = self.loaded.document.original_text
        parts = text.split("\n")
        self.raw_lines = [part + "\n" for part in parts[:-1]]
        if parts[-1]:
            self.raw_lines.append(parts[-1])

    def parse(self) -> None:
        """Build ``lines`` and ``categories``. Raises ParseError where Asterisk rejects the
        file."""
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
        self.lines = []
        self.categories = []
        self.templates = []
        headers: dict[int, Category] = {}
        own_items: dict[int, Item] = {}
        current: Category | None = None
        lines = self.lines
        add = lines.append
        category_kind = LineKind.CATEGORY
        variable_kind = LineKind.VARIABLE
        plain_kinds = (LineKind.BLANK, LineKind.COMMENT)
        for dl in document_lines(doc.original_text, doc.initial_depth, doc.strip_bom)[0]:
            number = dl.lineno or 0
            kind = dl.kind
            if kind is category_kind:
                current = Category(dl.raw, number)
                headers[number] = current
                add(current)
            elif kind is variable_kind and dl.depth == 0:
                assert dl.name is not None and dl.value is not None
                item = _item_from_docline(dl.raw, number, dl.name, dl.op, dl.value)
                own_items[number] = item
                add(item)
            else:
                line = _plain_line(dl.raw, number, dl.depth)
                add(line)
                if current is not None and kind in plain_kinds:
                    current.comments.append(line)
        for resolved in loaded.config.all_categories:
            category = self._category(resolved, doc.path, headers, own_items)
            (self.templates if resolved.is_template else self.categories).append(category)

    @staticmethod
    def _category(
        resolved: ConfigCategory,
        path: str,
        headers: dict[int, Category],
        own_items: dict[int, Item],
    ) -> Category:
        category = headers.get(resolved.lineno) if resolved.file == path else None
        if category is None:
            category = Category(name=resolved.name or " ", num=resolved.lineno)
            category.name = resolved.name
        category.is_template = resolved.is_template
        category.templates = list(resolved.templates)
        category.items = []
        for var in resolved.variables:
            item = own_items.get(var.lineno) if var.file == path and not var.inherited else None
            if item is None or item.name != var.name or item.value != var.value:
                item = Item(name=var.name, value=var.value, num=var.lineno)
                item.style = ">" if var.is_object else ""
                item._parsed = item._state()
                item._raw = ""
            category.items.append(item)
        return category
