"""Warnings and errors found while reading a configuration, with what Asterisk does about them.

Every problem is a :class:`Diagnostic` carrying the file, line and column it points at, a short
machine-readable ``code`` and a ``message`` written for the person who edits the file: it says
what Asterisk 22 will do (ignore the line, skip the rest of the file, reject the file...).
``asterisk_log`` holds the text Asterisk itself logs, where it logs something.

Severity:

* ``error``: Asterisk stops reading a file at this line. In the top-level file that makes the
  whole load fail (``CONFIG_STATUS_FILEINVALID``: a module refuses the configuration, AMI
  ``GetConfig`` answers ``Config file has invalid format``). In an included file only that file
  stops; what was read before stays and the including file goes on.
* ``warning``: Asterisk reads on; the line (or part of the file) is ignored, or the text is
  probably not what the author meant. Some warnings are ours only (Asterisk accepts the text
  silently): their ``asterisk_log`` is empty.
"""

from __future__ import annotations

import enum
import errno
from dataclasses import dataclass

from pyst.errors import ConfigError, ConfigSyntaxError, IncludeError

__all__ = [
    "Code",
    "ConfigNotFoundError",
    "ConfigValueError",
    "Diagnostic",
    "IncludeSyntaxError",
    "Severity",
    "format_diagnostics",
]


class ConfigNotFoundError(ConfigError, FileNotFoundError):
    """The top-level configuration file does not exist (Asterisk: ``Config file not found``)."""

    def __init__(self, filename: str) -> None:
        FileNotFoundError.__init__(self, errno.ENOENT, "Config file not found", filename)


class IncludeSyntaxError(ConfigSyntaxError, IncludeError):
    """An ``#include`` made Asterisk reject the file (missing target, depth limit).

    Both ``except ConfigSyntaxError`` and ``except IncludeError`` catch it.
    """


class ConfigValueError(ConfigError, ValueError):
    """An edit asked for text that cannot be written so that Asterisk reads it back as given
    (a newline in a value, a key containing ``=``, ...)."""


class Severity(str, enum.Enum):
    """How bad a :class:`Diagnostic` is (see the module docstring)."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Code(str, enum.Enum):
    """Stable identifiers of the problems the reader reports."""

    # errors: Asterisk stops reading the file
    NO_CLOSING_BRACKET = "no-closing-bracket"
    NO_CLOSING_PAREN = "no-closing-paren"
    APPEND_TARGET_MISSING = "append-target-missing"
    INHERIT_TARGET_MISSING = "inherit-target-missing"
    NO_CATEGORY = "no-category"
    INVALID_ESCAPE = "invalid-escape"
    INCLUDE_NOT_FOUND = "include-not-found"
    INCLUDE_DEPTH = "include-depth"
    HANG = "hang"
    # warnings Asterisk logs too
    LINE_TOO_LONG = "line-too-long"
    UNTERMINATED_COMMENT = "unterminated-comment"
    STRAY_COMMENT_END = "stray-comment-end"
    NO_EQUALS = "no-equals"
    NO_NAME = "no-name"
    UNKNOWN_DIRECTIVE = "unknown-directive"
    DIRECTIVE_NEEDS_ARGUMENT = "directive-needs-argument"
    EXEC_DISABLED = "exec-disabled"
    EXEC_PROBLEM = "exec-problem"
    INCLUDED_AGAIN = "included-again"
    NOT_REGULAR_FILE = "not-regular-file"
    # ours only: Asterisk accepts these silently
    HEADER_TRAILING_TEXT = "header-trailing-text"
    NAME_TRUNCATED = "name-truncated"
    SEMICOLON_IN_VALUE = "semicolon-in-value"
    INCLUDE_NOT_FOLLOWED = "include-not-followed"
    FILE_NOT_FOUND = "file-not-found"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where it is, how bad it is, and what Asterisk does about it.

    ``line`` and ``column`` are 1-based; ``line == 0`` means the whole file (for instance a
    missing top-level file). ``include_level`` is 1 for the top-level file, 2 for a file it
    includes, and so on.
    """

    file: str
    line: int
    column: int
    severity: Severity
    code: Code
    message: str
    asterisk_log: str = ""
    include_level: int = 1

    @property
    def is_error(self) -> bool:
        """True for errors (Asterisk stops reading the file here)."""
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        """Compiler style: ``file:line:col: error: message``."""
        if self.line <= 0:
            return f"{self.file}: {self.severity.value}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {self.message}"


def format_diagnostics(diagnostics: list[Diagnostic]) -> str:
    """All diagnostics, one per line, compiler style (empty string for none)."""
    return "".join(f"{d}\n" for d in diagnostics)
