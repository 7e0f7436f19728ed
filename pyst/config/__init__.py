"""Asterisk ``.conf`` files: read them as Asterisk 22 does, lint them, edit them losslessly.

Reading::

    from pyst.config import ConfigLoader

    loaded = ConfigLoader("/etc/asterisk").load("manager.conf")
    loaded.status                 # LoadStatus.OK / MISSING / INVALID, as ast_config_load2 says
    for category in loaded.config:            # resolved view: what Asterisk's modules see
        print(category.name, category.items())
    loaded.diagnostics            # warnings and errors, with file, line and column

    pyst.config.read("/etc/asterisk/manager.conf")   # same, raising ConfigSyntaxError & co.

Editing (every untouched line is written back byte for byte)::

    doc = loaded.document
    doc.set("general", "port", "5039")
    doc.add("admin", "permit", "10.0.0.0/255.0.0.0")
    doc.save()

The names ``Config``, ``Category``, ``Item``, ``Line`` and ``ParseError`` are pyst2's
``asterisk.config`` API (see :mod:`pyst.config.compat`), now on top of this reader.
"""

from __future__ import annotations

from pyst.config.compat import Category, Config, Item, Line, ParseError
from pyst.config.diagnostics import (
    Code,
    ConfigNotFoundError,
    ConfigValueError,
    Diagnostic,
    IncludeSyntaxError,
    Severity,
    format_diagnostics,
)
from pyst.config.loader import (
    DEFAULT_CONFIG_DIR,
    ConfigLoader,
    MemoryLoader,
    load,
    read,
    save,
)
from pyst.config.model import (
    ConfigCategory,
    DocLine,
    Document,
    LineKind,
    LoadedConfig,
    LoadStatus,
    ResolvedConfig,
    Section,
    Variable,
)
from pyst.config.parser import (
    MAX_INCLUDE_LEVEL,
    ExecResult,
    IncludeResolver,
    Source,
    categories_from_text,
    parse_bytes,
    parse_text,
    read_config,
)

__all__ = [
    "DEFAULT_CONFIG_DIR",
    "MAX_INCLUDE_LEVEL",
    "Category",
    "Code",
    "Config",
    "ConfigCategory",
    "ConfigLoader",
    "ConfigNotFoundError",
    "ConfigValueError",
    "Diagnostic",
    "DocLine",
    "Document",
    "ExecResult",
    "IncludeResolver",
    "IncludeSyntaxError",
    "Item",
    "Line",
    "LineKind",
    "LoadStatus",
    "LoadedConfig",
    "MemoryLoader",
    "ParseError",
    "ResolvedConfig",
    "Section",
    "Severity",
    "Source",
    "Variable",
    "categories_from_text",
    "format_diagnostics",
    "load",
    "parse_bytes",
    "parse_text",
    "read",
    "read_config",
    "save",
]
