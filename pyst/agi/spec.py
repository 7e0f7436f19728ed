"""The 47 AGI commands of Asterisk 22.10.1 and Asterisk's command lookup.

The table comes from ``shared/spec/agi_commands.json``, shipped as generated Python
(:mod:`pyst.agi._commands`, made by ``tools/gen_agi_commands.py``); nothing under ``shared/``
is read at run time.

Lookup follows res_agi.c ``find_command(argv, 0)``: a command matches when its registered
words equal the first words of the line, compared like ``strcasecmp`` (ASCII letters only,
case-insensitively); the remaining words become the arguments; a line with fewer words than
the command does not match; the first match in table order wins. Asterisk walks its
registration list (res_agi.c's ``commands[]`` then app_stack's ``gosub``); the JSON is sorted
by name instead. The order cannot change a result for these 47 commands, because no
command's words are a prefix of another's (a test checks this), so the JSON order is kept.
A caller that registers extra commands passes its own sequence, in registration order.

The JSON has no usage text (the XML description Asterisk prints in a ``520`` reply), so
:class:`AGICommandSpec` has none; a simulator supplies its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from pyst.agi._commands import COMMAND_ROWS
from pyst.agi.quoting import ascii_lower

__all__ = [
    "COMMANDS",
    "COMMANDS_BY_NAME",
    "AGICommandSpec",
    "AGIParameter",
    "find_command",
    "get_command",
]


@dataclass(frozen=True)
class AGIParameter:
    """One documented parameter of a command (1-based ``position`` after the command words)."""

    position: int
    name: str
    required: bool


@dataclass(frozen=True)
class AGICommandSpec:
    """One AGI command as registered by Asterisk 22.10.1.

    ``name`` is the lower-case words joined by spaces (``"get full variable"``); ``words`` the
    same as a tuple. ``min_args``/``max_args`` count the arguments after the command words that
    the handler accepts (``max_args`` None: no upper limit is checked); outside that range
    Asterisk answers with the ``520`` usage reply. ``dead_channel_ok`` is the ``dead`` flag:
    the command still runs after hangup (others get ``511``). ``result`` describes the reply
    values in prose.
    """

    name: str
    words: tuple[str, ...]
    syntax: str
    synopsis: str
    result: str
    parameters: tuple[AGIParameter, ...]
    min_args: int
    max_args: int | None
    dead_channel_ok: bool
    module: str
    handler: str
    file: str

    def matches(self, words: Sequence[str]) -> bool:
        """True if this command's words equal the first ``words`` (ASCII case-insensitively)."""
        if len(words) < len(self.words):
            return False
        head = words[: len(self.words)]
        return all(ascii_lower(w) == mine for w, mine in zip(head, self.words, strict=True))

    def accepts(self, nargs: int) -> bool:
        """True if the handler accepts ``nargs`` arguments (otherwise it shows the usage)."""
        return nargs >= self.min_args and (self.max_args is None or nargs <= self.max_args)


def _build_table() -> tuple[AGICommandSpec, ...]:
    specs = []
    for row in COMMAND_ROWS:
        specs.append(
            AGICommandSpec(
                name=row["name"],
                words=tuple(ascii_lower(w) for w in row["words"]),
                syntax=row["syntax"],
                synopsis=row["synopsis"],
                result=row["result"],
                parameters=tuple(
                    AGIParameter(p["position"], p["name"], p["required"]) for p in row["parameters"]
                ),
                min_args=row["min_args"],
                max_args=row["max_args"],
                dead_channel_ok=row["dead_channel_ok"],
                module=row["module"],
                handler=row["handler"],
                file=row["file"],
            )
        )
    return tuple(specs)


#: Every command, in the order of ``agi_commands.json`` (sorted by name).
COMMANDS: tuple[AGICommandSpec, ...] = _build_table()

#: The commands by ``name`` (lower case, words joined by single spaces); read-only.
COMMANDS_BY_NAME: Mapping[str, AGICommandSpec] = MappingProxyType({c.name: c for c in COMMANDS})


def get_command(name: str) -> AGICommandSpec:
    """The command called ``name`` (any case, words separated by whitespace).

    Raises:
        KeyError: no such command.
    """
    key = " ".join(ascii_lower(name).split())
    try:
        return COMMANDS_BY_NAME[key]
    except KeyError:
        raise KeyError(f"no AGI command named {name!r}") from None


def find_command(
    words: Sequence[str], commands: Iterable[AGICommandSpec] = COMMANDS
) -> tuple[AGICommandSpec, list[str]] | None:
    """Look up the command a split line starts with, as Asterisk's ``find_command`` does.

    Returns ``(command, arguments)`` where ``arguments`` are the words after the command's
    words, or ``None`` when no command matches (Asterisk then answers ``510``). An empty
    ``words`` never matches. ``commands`` is searched in order; the first match wins.

    Never raises.
    """
    if commands is COMMANDS:
        # The simulator looks up every command line: bucket the built-in table by its first
        # word instead of scanning all 47 entries (order inside a bucket is kept).
        if not words:
            return None
        commands = _BY_FIRST_WORD.get(ascii_lower(words[0]), ())
    for command in commands:
        if command.matches(words):
            return command, list(words[len(command.words) :])
    return None


def _index_by_first_word(
    commands: Sequence[AGICommandSpec],
) -> dict[str, tuple[AGICommandSpec, ...]]:
    index: dict[str, list[AGICommandSpec]] = {}
    for command in commands:
        index.setdefault(command.words[0], []).append(command)
    return {word: tuple(specs) for word, specs in index.items()}


_BY_FIRST_WORD = _index_by_first_word(COMMANDS)
