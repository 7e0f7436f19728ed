"""All file I/O of pyst.config: finding, reading and writing configuration files.

:class:`ConfigLoader` reads files the way Asterisk 22 does (``config_text_file_load``):

* a relative name is looked up in the **config directory** (``/etc/asterisk``), never next to
  the including file; an absolute name is used as given;
* every name goes through glob(3) with ``GLOB_NOMAGIC | GLOB_BRACE``: ``*``, ``?``, ``[...]``
  match files (sorted byte-wise, hidden files skipped), ``{a,b}`` expands in the order written
  (each alternative sorted on its own); a name without wildcards is used as is;
* a path that is not a regular file is skipped with a warning, an unreadable one silently;
* ``#include`` nesting stops at 10 levels; a missing ``#include`` target makes the file
  invalid, a missing ``#tryinclude`` target is ignored.

``#exec`` is **off** unless ``exec_includes=True`` (Asterisk: ``execincludes = yes`` in
asterisk.conf). When on, ``#exec <command line>`` **runs a program**: the command line goes to
``/bin/sh -c`` exactly as Asterisk hands it to popen(3), so it can do anything the current user
can; its standard output is read as an included file, its standard error and exit status only
produce warnings. Enable it only for configuration you trust. A program that runs longer than
``exec_timeout`` seconds is killed (Asterisk would wait forever) and the file is invalid.

:class:`MemoryLoader` reads the same way from a dict of file texts (no disk access), for tests
and for simulators that keep their configuration in memory.

The module functions :func:`load` and :func:`read` read one file; :func:`save` writes a
:class:`~pyst.config.model.Document` back (atomically, keeping the file's permissions).
"""

from __future__ import annotations

import fnmatch
import glob as _glob
import logging
import os
import posixpath
import re
import stat
import subprocess
import tempfile
from collections.abc import Callable, Mapping

from pyst.config._text import BLANKS, ERRORS, UTF8
from pyst.config.model import Document, LoadedConfig
from pyst.config.parser import (
    MAX_INCLUDE_LEVEL,
    ExecResult,
    Source,
    _read,
)
from pyst.config.parser import (
    parse_text as _parse_text,
)

__all__ = [
    "DEFAULT_CONFIG_DIR",
    "ConfigLoader",
    "MemoryLoader",
    "expand_braces",
    "load",
    "read",
    "save",
]

DEFAULT_CONFIG_DIR = "/etc/asterisk"

logger = logging.getLogger(__name__)

_new_source = tuple.__new__
_S_IFMT = 0o170000  # stat.S_IFMT(mode) is mode & this
_S_IFREG = stat.S_IFREG
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


# --- glob(3) with GLOB_BRACE | GLOB_NOMAGIC ---------------------------------------------------


def _first_brace(pattern: str) -> int:
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            i += 2
            continue
        if c == "{":
            return i
        i += 1
    return -1


def _alternatives(pattern: str, open_at: int) -> tuple[list[str], int] | None:
    depth = 0
    i = open_at + 1
    start = i
    alts: list[str] = []
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                alts.append(pattern[start:i])
                return alts, i
            depth -= 1
        elif c == "," and depth == 0:
            alts.append(pattern[start:i])
            start = i + 1
        i += 1
    return None


def expand_braces(pattern: str) -> list[str]:
    """``{a,b}`` alternatives of a glob pattern, in the order written (nested braces too).

    A pattern without braces, or with an unbalanced ``{``, comes back as the only element (glibc
    then treats the braces literally).
    """
    at = _first_brace(pattern) if "{" in pattern else -1
    if at < 0:
        return [pattern]
    found = _alternatives(pattern, at)
    if found is None:
        return [pattern]
    alts, close = found
    out: list[str] = []
    for alt in alts:
        out.extend(expand_braces(pattern[:at] + alt + pattern[close + 1 :]))
    return out


_has_magic = re.compile(r"[*?[]").search


def _byte_key(path: str) -> bytes:
    return path.encode(UTF8, ERRORS)


def _glob_paths(
    pattern: str, exists: Callable[[str], bool], matches: Callable[[str], list[str]]
) -> list[str]:
    """glob(3) with GLOB_BRACE | GLOB_NOMAGIC over a file namespace."""
    alts = expand_braces(pattern)
    if alts != [pattern]:
        # Each alternative is globbed without GLOB_NOMAGIC and appended in order.
        out: list[str] = []
        for alt in alts:
            if _glob.has_magic(alt):
                out.extend(sorted(matches(alt), key=_byte_key))
            elif exists(alt):
                out.append(alt)
        if out:
            return out
    if _glob.has_magic(pattern):
        return sorted(matches(pattern), key=_byte_key)
    return [pattern]  # GLOB_NOMAGIC: the name itself, whether or not it exists


# --- file system ------------------------------------------------------------------------------


class _FileResolver:
    """Include resolver over the real file system."""

    def __init__(self, config_dir: str, exec_enabled: bool, exec_timeout: float) -> None:
        self.config_dir = config_dir
        self.exec_enabled = exec_enabled
        self.exec_timeout = exec_timeout

    def path_of(self, name: str) -> str:
        # snprintf(fn, sizeof(fn), "%s/%s", ast_config_AST_CONFIG_DIR, filename)
        return name if name.startswith("/") else f"{self.config_dir}/{name}"

    def expand(self, name: str) -> list[Source] | None:
        pattern = name if name and name[0] == "/" else f"{self.config_dir}/{name}"
        sources: list[Source] = []
        if "{" in pattern or "*" in pattern or "?" in pattern or "[" in pattern:
            paths = _glob_paths(pattern, os.path.lexists, _glob.glob)
        else:
            paths = [pattern]  # GLOB_NOMAGIC: the name itself
        for path in paths:
            # Asterisk stat()s first and skips what is not a regular file; opening without
            # blocking and then fstat() does the same in one system call less (and never
            # blocks on a FIFO).
            try:
                fd = os.open(path, _OPEN_FLAGS)
            except OSError:
                continue
            try:
                info = os.fstat(fd)
                if info.st_mode & _S_IFMT != _S_IFREG:  # stat.S_ISREG(), without its call
                    sources.append(Source(path, None))
                    continue
                size = info.st_size
                data = os.read(fd, size + 1)
                if len(data) > size:  # the file grew since fstat()
                    chunks = [data]
                    while chunks[-1]:
                        chunks.append(os.read(fd, 65536))
                    data = b"".join(chunks)
            except OSError:
                continue
            finally:
                os.close(fd)
            sources.append(_new_source(Source, (path, data.decode(UTF8, ERRORS))))
        return sources

    def run_exec(self, command: str) -> ExecResult | None:
        # Asterisk: popen("<command> 2>&1 > /var/tmp/exec.XXX"): a shell runs the line, stdout is
        # the included text, stderr is logged.
        logger.info("#exec: running %r", command)
        try:
            done = subprocess.run(
                ["/bin/sh", "-c", command],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=self.exec_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return ExecResult("", "", None, f"still running after {self.exec_timeout:g} s")
        except OSError as exc:
            return ExecResult("", "", None, str(exc))
        status = done.returncode if done.returncode >= 0 else None
        return ExecResult(
            done.stdout.decode(UTF8, ERRORS), done.stderr.decode(UTF8, ERRORS), status
        )


class ConfigLoader:
    """Reads configuration files from a config directory, as Asterisk does.

    ``config_dir`` is Asterisk's ``astetcdir``. ``exec_includes`` enables ``#exec`` (it runs
    programs: see the module docstring). ``max_include_level`` is Asterisk's include depth
    limit (10).
    """

    def __init__(
        self,
        config_dir: str | os.PathLike[str] = DEFAULT_CONFIG_DIR,
        *,
        exec_includes: bool = False,
        max_include_level: int = MAX_INCLUDE_LEVEL,
        exec_timeout: float = 30.0,
    ) -> None:
        directory = os.fspath(config_dir)
        if len(directory) > 1:
            directory = directory.rstrip("/")
        self.config_dir = directory
        self.exec_includes = exec_includes
        self.max_include_level = max_include_level
        self._resolver = _FileResolver(directory, exec_includes, exec_timeout)

    def path_of(self, filename: str) -> str:
        """Where Asterisk looks for ``filename`` (before globbing)."""
        return self._resolver.path_of(filename)

    def load(self, filename: str | os.PathLike[str]) -> LoadedConfig:
        """Read ``filename`` (relative to the config directory, or absolute) and its includes.

        Never raises for bad content or a missing file: see ``status`` and ``diagnostics``, or
        call ``raise_for_status()``.
        """
        # (read_config without its own call: a file read is mostly fixed costs like this.)
        return _read(
            self._resolver, self.max_include_level, self.config_dir, os.fspath(filename), None
        )

    def load_text(self, text: str, filename: str = "<string>") -> LoadedConfig:
        """Read ``text`` as if it were the file ``filename``; its includes come from disk."""
        return _parse_text(
            text, filename, resolver=self._resolver, max_include_level=self.max_include_level
        )

    def is_restricted(self, filename: str) -> int:
        """AMI's ``is_restricted_file``: 0 if ``filename`` resolves inside the config
        directory, 1 if it resolves outside (``File requires escalated privileges``), -1 if it
        does not resolve at all (``Config file not found``).

        As in Asterisk the name is stripped, symlinks are resolved and the check is a plain
        string prefix test against the configured directory.
        """
        name = filename.strip(BLANKS)
        path = name if name.startswith("/") else f"{self.config_dir}/{name}"
        try:
            real = os.path.realpath(path, strict=True)
        except OSError:
            return -1
        return 0 if real.startswith(self.config_dir) else 1


# --- memory -----------------------------------------------------------------------------------


class _MemoryResolver:
    def __init__(
        self,
        config_dir: str,
        files: dict[str, str],
        exec_handler: Callable[[str], ExecResult] | None,
    ) -> None:
        self.config_dir = config_dir
        self.files = files
        self.exec_handler = exec_handler
        self.exec_enabled = exec_handler is not None

    def path_of(self, name: str) -> str:
        return name if name.startswith("/") else f"{self.config_dir}/{name}"

    def _matches(self, pattern: str) -> list[str]:
        # fnmatch's '*' crosses '/', glob's does not: match component by component.
        parts = pattern.split("/")
        out = []
        for path in self.files:
            names = path.split("/")
            if len(names) != len(parts):
                continue
            if all(
                fnmatch.fnmatchcase(n, p) and not (n.startswith(".") and not p.startswith("."))
                for n, p in zip(names, parts, strict=True)
            ):
                out.append(path)
        return out

    def expand(self, name: str) -> list[Source] | None:
        pattern = self.path_of(name)
        out: list[Source] = []
        for path in _glob_paths(pattern, lambda p: p in self.files, self._matches):
            key = posixpath.normpath(path)
            if key in self.files:
                out.append(Source(path, self.files[key]))
            elif any(k.startswith(key + "/") for k in self.files):
                out.append(Source(path, None))  # a directory
        return out

    def run_exec(self, command: str) -> ExecResult | None:
        if self.exec_handler is None:  # pragma: no cover - exec_enabled is false then
            return None
        return self.exec_handler(command)


class MemoryLoader:
    """A :class:`ConfigLoader` over a dict ``{path: text or bytes}`` instead of a disk.

    Keys are paths relative to ``config_dir`` or absolute. ``exec_handler``, if given, enables
    ``#exec`` and is called with the command line instead of running a program.
    """

    def __init__(
        self,
        files: Mapping[str, str | bytes],
        config_dir: str = DEFAULT_CONFIG_DIR,
        *,
        max_include_level: int = MAX_INCLUDE_LEVEL,
        exec_handler: Callable[[str], ExecResult] | None = None,
    ) -> None:
        self.config_dir = config_dir.rstrip("/") if len(config_dir) > 1 else config_dir
        self.max_include_level = max_include_level
        texts: dict[str, str] = {}
        for name, content in files.items():
            path = name if name.startswith("/") else f"{self.config_dir}/{name}"
            text = content.decode(UTF8, ERRORS) if isinstance(content, bytes) else content
            texts[posixpath.normpath(path)] = text
        self._resolver = _MemoryResolver(self.config_dir, texts, exec_handler)

    def path_of(self, filename: str) -> str:
        """Where ``filename`` is looked up (before globbing)."""
        return self._resolver.path_of(filename)

    def load(self, filename: str) -> LoadedConfig:
        """Read ``filename`` and its includes from the dict (see :meth:`ConfigLoader.load`)."""
        return _read(self._resolver, self.max_include_level, self.config_dir, filename, None)

    def load_text(self, text: str, filename: str = "<string>") -> LoadedConfig:
        """Read ``text``; its includes come from the dict."""
        return _parse_text(
            text, filename, resolver=self._resolver, max_include_level=self.max_include_level
        )

    def is_restricted(self, filename: str) -> int:
        """As :meth:`ConfigLoader.is_restricted`, on the dict's paths."""
        name = filename.strip(BLANKS)
        path = posixpath.normpath(name if name.startswith("/") else f"{self.config_dir}/{name}")
        files = self._resolver.files
        if path not in files and not any(k.startswith(path + "/") for k in files):
            return -1
        return 0 if path.startswith(self.config_dir) else 1


# --- module-level helpers ---------------------------------------------------------------------


def load(
    path: str | os.PathLike[str],
    *,
    config_dir: str | os.PathLike[str] | None = None,
    exec_includes: bool = False,
) -> LoadedConfig:
    """Read one file and its includes. ``config_dir`` defaults to the file's directory.

    Never raises for bad content or a missing file (see ``LoadedConfig.status``).
    """
    full = os.fspath(path)
    if not (full[:1] == "/" and full[-1:] != "/" and "//" not in full and "/." not in full):
        full = os.path.abspath(full)  # (an absolute path with none of those is normal already)
    directory = os.fspath(config_dir) if config_dir is not None else os.path.dirname(full)
    return ConfigLoader(directory, exec_includes=exec_includes).load(full)


def read(
    path: str | os.PathLike[str],
    *,
    config_dir: str | os.PathLike[str] | None = None,
    exec_includes: bool = False,
) -> LoadedConfig:
    """Like :func:`load`, but raise if Asterisk would not load the file.

    Raises ConfigNotFoundError (a FileNotFoundError) for a missing file, IncludeSyntaxError for
    a failed ``#include`` and ConfigSyntaxError (with file and line) for other rejections.
    """
    return load(path, config_dir=config_dir, exec_includes=exec_includes).raise_for_status()


def save(document: Document, path: str | os.PathLike[str] | None = None) -> None:
    """Write ``document`` (with its edits) to ``path`` or to where it was read from.

    The write is atomic (a temporary file in the same directory, then a rename) and keeps the
    permissions of the file it replaces. Raises OSError on failure.
    """
    target = os.fspath(path) if path is not None else document.path
    data = document.to_bytes()
    directory = os.path.dirname(os.path.abspath(target))
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=".pyst-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
