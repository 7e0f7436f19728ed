"""``lint-config``: check Asterisk configuration files, report problems like a compiler.

Usage: ``python -m pyst.config.lint [options] FILE...`` (also ``pyst-sim lint-config``).

Each file is read as Asterisk 22 reads it, includes followed; every problem is printed as
``file:line:col: error|warning: message`` on standard output, the message saying what Asterisk
will do. The exit status is 1 if any file has an error (Asterisk stops reading a file, or
rejects the configuration), 2 for bad usage, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from pyst.config.diagnostics import Diagnostic, Severity
from pyst.config.loader import ConfigLoader
from pyst.config.model import LoadStatus

__all__ = ["lint_file", "main"]


def lint_file(
    path: str,
    *,
    config_dir: str | None = None,
    exec_includes: bool = False,
) -> list[Diagnostic]:
    """The diagnostics of one file (and of what it includes), in reading order."""
    full = os.path.abspath(path)
    directory = config_dir if config_dir is not None else os.path.dirname(full)
    loaded = ConfigLoader(directory, exec_includes=exec_includes).load(full)
    if loaded.status is LoadStatus.MISSING:
        return [
            Diagnostic(
                path,
                0,
                0,
                Severity.ERROR,
                loaded.diagnostics[-1].code,
                "no such file (Asterisk: Config file not found)",
            )
        ]
    return loaded.diagnostics


def _display(file: str) -> str:
    if not os.path.isabs(file):
        return file
    try:
        relative = os.path.relpath(file)
    except ValueError:  # pragma: no cover - another drive on Windows
        return file
    return file if relative.startswith("..") else relative


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command; returns the exit status (0 clean or warnings only, 1 errors)."""
    stream = out if out is not None else sys.stdout
    parser = argparse.ArgumentParser(
        prog="lint-config",
        description="Check Asterisk .conf files the way Asterisk 22 reads them.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="configuration files")
    parser.add_argument(
        "--config-dir",
        help="where #include names are looked up (Asterisk's astetcdir; default: each "
        "file's own directory)",
    )
    parser.add_argument(
        "--exec",
        dest="exec_includes",
        action="store_true",
        help="run #exec programs (as execincludes=yes does; this executes commands!)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only, not warnings"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    errors = 0
    for path in args.files:
        for diag in lint_file(path, config_dir=args.config_dir, exec_includes=args.exec_includes):
            if diag.is_error:
                errors += 1
            elif args.quiet:
                continue
            shown = Diagnostic(
                _display(diag.file),
                diag.line,
                diag.column,
                diag.severity,
                diag.code,
                diag.message,
                diag.asterisk_log,
                diag.include_level,
            )
            stream.write(f"{shown}\n")
    return 1 if errors else 0


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess in the tests
    sys.exit(main())
