"""AMI answers to ``GetConfig``, ``GetConfigJSON`` and ``ListCategories``, as Asterisk 22 writes
them (main/manager.c: ``action_getconfig``, ``action_getconfigjson``,
``action_listcategories``).

A reply is a :class:`ConfigActionReply`: ``Response: Success`` or ``Error``, the fields that
follow (``(header, value)`` pairs, in order, with Asterisk's numbering) and, for GetConfig, the
bare line ``No categories found`` that Asterisk writes without a header name. The AMI server
adds ``ActionID`` after ``Response`` (:meth:`ConfigActionReply.lines` and ``to_bytes`` do it).

Facts matched (checked against a real 22.10.1):

* GetConfig: per category in load order ``Category-NNNNNN``, then ``IsTemplate-NNNNNN: 1`` (only
  templates, which only show with ``Filter: TEMPLATES=include``), then ``Templates-NNNNNN``
  (direct parents, comma-joined, only when there are some), then ``Line-NNNNNN-MMMMMM:
  key=value`` with MMMMMM restarting at 0 per category; six-digit counters; values unescaped;
* GetConfigJSON: one ``JSON:`` field, ``{"cat":{"istemplate":1,"templates":"a,b","k":"v"}}``,
  duplicate category names and keys repeated as duplicate JSON keys, only ``\\`` and ``"``
  escaped (parent names not at all);
* errors: ``Filename not specified``; a path outside the config directory ``File requires
  escalated privileges``; a missing file ``Config file not found`` (GetConfigJSON says ``File
  requires escalated privileges`` there too, because it tests the same check for non-zero);
  a rejected file ``Config file has invalid format``; GetConfig with a ``Category`` that matches
  nothing appends the bare line ``No categories found``; ListCategories with no category adds
  ``Error: no categories found`` to a Success response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol

from pyst.config._text import ascii_lower
from pyst.config.model import LoadedConfig, LoadStatus, ResolvedConfig

__all__ = [
    "ESCALATED",
    "FILENAME_NOT_SPECIFIED",
    "INVALID_FORMAT",
    "LIST_NO_CATEGORIES",
    "NOT_FOUND",
    "NO_CATEGORIES",
    "ConfigActionReply",
    "ConfigSource",
    "getconfig",
    "getconfigjson",
    "json_escape",
    "listcategories",
    "render_getconfig",
    "render_getconfigjson",
    "render_listcategories",
    "respond",
]

FILENAME_NOT_SPECIFIED = "Filename not specified"
ESCALATED = "File requires escalated privileges"
NOT_FOUND = "Config file not found"
INVALID_FORMAT = "Config file has invalid format"
NO_CATEGORIES = "No categories found"  # GetConfig: a bare line, no header name
LIST_NO_CATEGORIES = "no categories found"  # ListCategories: the value of an "Error:" field


class ConfigActionReply(NamedTuple):
    """One AMI response.

    ``response`` is ``"Success"`` or ``"Error"``; ``message`` is the ``Message:`` text of an
    error; ``fields`` are the ``(header, value)`` pairs after ``Response``/``ActionID``;
    ``bare_lines`` are lines Asterisk writes without a ``Header:`` (GetConfig's
    ``No categories found``), after the fields.
    """

    response: str
    message: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    bare_lines: tuple[str, ...] = ()

    @property
    def success(self) -> bool:
        return self.response == "Success"

    def lines(self, action_id: str | None = None) -> list[str]:
        """The response lines without line ends (no final blank line)."""
        out = [f"Response: {self.response}"]
        if action_id:
            out.append(f"ActionID: {action_id}")
        if self.message is not None:
            out.append(f"Message: {self.message}")
        out.extend(f"{name}: {value}" for name, value in self.fields)
        out.extend(self.bare_lines)
        return out

    def to_bytes(self, action_id: str | None = None, encoding: str = "utf-8") -> bytes:
        """The response as sent on the wire: CRLF line ends and the closing blank line."""
        text = "".join(f"{line}\r\n" for line in self.lines(action_id)) + "\r\n"
        return text.encode(encoding, "surrogateescape")


class ConfigSource(Protocol):
    """What the actions need from a loader (ConfigLoader and MemoryLoader qualify)."""

    def load(self, filename: str) -> LoadedConfig: ...

    def is_restricted(self, filename: str) -> int: ...


def _error(message: str) -> ConfigActionReply:
    return ConfigActionReply("Error", message)


def json_escape(text: str) -> str:
    """``json_escape`` of manager.c: a backslash before every ``\\`` and ``"``, nothing else."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


# --- rendering from a resolved view (pure) ----------------------------------------------------


def render_getconfig(
    config: ResolvedConfig, category: str | None = None, filter: str | None = None
) -> ConfigActionReply:
    """GetConfig's Success reply for a configuration that loaded."""
    fields: list[tuple[str, str]] = []
    found = config.browse(category or None, filter or None)
    for n, cat in enumerate(found):
        fields.append((f"Category-{n:06d}", cat.name))
        if cat.is_template:
            fields.append((f"IsTemplate-{n:06d}", "1"))
        if cat.templates:
            fields.append((f"Templates-{n:06d}", ",".join(cat.templates)))
        for m, (key, value) in enumerate(cat.items()):
            fields.append((f"Line-{n:06d}-{m:06d}", f"{key}={value}"))
    bare = (NO_CATEGORIES,) if category and not found else ()
    return ConfigActionReply("Success", None, tuple(fields), bare)


def render_getconfigjson(
    config: ResolvedConfig, category: str | None = None, filter: str | None = None
) -> ConfigActionReply:
    """GetConfigJSON's Success reply (one ``JSON`` field) for a configuration that loaded."""
    parts: list[str] = []
    for cat in config.browse(category or None, filter or None):
        members: list[str] = []
        if cat.is_template:
            members.append('"istemplate":1')
        if cat.templates:
            members.append('"templates":"' + ",".join(cat.templates) + '"')
        members.extend(f'"{json_escape(k)}":"{json_escape(v)}"' for k, v in cat.items())
        parts.append(f'"{json_escape(cat.name)}":{{' + ",".join(members) + "}")
    return ConfigActionReply("Success", None, (("JSON", "{" + ",".join(parts) + "}"),))


def render_listcategories(config: ResolvedConfig, match: str | None = None) -> ConfigActionReply:
    """ListCategories' Success reply (``Match`` filters like GetConfig's ``Filter``)."""
    found = config.browse(None, match or None)
    fields = tuple((f"Category-{n:06d}", cat.name) for n, cat in enumerate(found))
    if not fields:
        fields = (("Error", LIST_NO_CATEGORIES),)
    return ConfigActionReply("Success", None, fields)


# --- whole actions ---------------------------------------------------------------------------


def _checked_load(
    source: ConfigSource,
    filename: str | None,
    live_dangerously: bool,
    missing_is_escalated: bool = False,
) -> LoadedConfig | ConfigActionReply:
    """The checks every config action makes before reading (filename given, inside the config
    directory unless ``live_dangerously``), then the load; the error reply when one fails.

    ``missing_is_escalated``: a file that does not resolve is ``File requires escalated
    privileges`` (GetConfigJSON tests ``is_restricted_file() != 0``), not ``Config file not
    found``.
    """
    if not filename:
        return _error(FILENAME_NOT_SPECIFIED)
    restricted = 0 if live_dangerously else source.is_restricted(filename)
    if restricted == 1 or (restricted == -1 and missing_is_escalated):
        return _error(ESCALATED)
    if restricted == -1:
        return _error(NOT_FOUND)
    loaded = source.load(filename)
    if loaded.status is LoadStatus.MISSING:
        return _error(NOT_FOUND)
    if loaded.status is LoadStatus.INVALID:
        return _error(INVALID_FORMAT)
    return loaded


def getconfig(
    source: ConfigSource,
    filename: str | None,
    category: str | None = None,
    filter: str | None = None,
    *,
    live_dangerously: bool = False,
) -> ConfigActionReply:
    """The full GetConfig action: checks, load, reply.

    ``live_dangerously`` (asterisk.conf) turns off the config-directory check.
    """
    loaded = _checked_load(source, filename, live_dangerously)
    if not isinstance(loaded, LoadedConfig):
        return loaded
    return render_getconfig(loaded.config, category, filter)


def getconfigjson(
    source: ConfigSource,
    filename: str | None,
    category: str | None = None,
    filter: str | None = None,
    *,
    live_dangerously: bool = False,
) -> ConfigActionReply:
    """The full GetConfigJSON action. A missing file is reported as ``File requires escalated
    privileges``, as Asterisk does (it tests ``is_restricted_file() != 0``)."""
    loaded = _checked_load(source, filename, live_dangerously, missing_is_escalated=True)
    if not isinstance(loaded, LoadedConfig):
        return loaded
    return render_getconfigjson(loaded.config, category, filter)


def listcategories(
    source: ConfigSource,
    filename: str | None,
    match: str | None = None,
    *,
    live_dangerously: bool = False,
) -> ConfigActionReply:
    """The full ListCategories action."""
    loaded = _checked_load(source, filename, live_dangerously)
    if not isinstance(loaded, LoadedConfig):
        return loaded
    return render_listcategories(loaded.config, match)


def respond(
    source: ConfigSource,
    action: str,
    headers: Mapping[str, str],
    *,
    live_dangerously: bool = False,
) -> ConfigActionReply | None:
    """Answer ``action`` (GetConfig, GetConfigJSON or ListCategories, any letter case) from
    request ``headers`` (names matched case-insensitively, as ``astman_get_header`` does).
    Returns None for other actions."""
    lowered = {ascii_lower(k): v for k, v in reversed(list(headers.items()))}

    def header(name: str) -> str | None:
        return lowered.get(ascii_lower(name))

    kind = ascii_lower(action)
    if kind == "getconfig":
        return getconfig(
            source,
            header("Filename"),
            header("Category"),
            header("Filter"),
            live_dangerously=live_dangerously,
        )
    if kind == "getconfigjson":
        return getconfigjson(
            source,
            header("Filename"),
            header("Category"),
            header("Filter"),
            live_dangerously=live_dangerously,
        )
    if kind == "listcategories":
        return listcategories(
            source, header("Filename"), header("Match"), live_dangerously=live_dangerously
        )
    return None
