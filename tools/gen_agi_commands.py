"""Generate ``pyst/agi/_commands.py`` from ``shared/spec/agi_commands.json``.

The package must not read ``shared/`` at run time, so the AGI command table (47 commands of
Asterisk 22.10.1) is shipped as Python source. Run after the spec changes::

    python tools/gen_agi_commands.py [--spec PATH] [--check]

``--check`` exits with status 1 (and writes nothing) when the file on disk differs from what
the spec gives. The rendering is deterministic: same JSON in, same bytes out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT.parent / "shared" / "spec" / "agi_commands.json"
TARGET = REPO_ROOT / "pyst" / "agi" / "_commands.py"

# Long strings are cut into pieces of at most this many characters, so the generated file
# stays inside the project's line length without a noqa.
_PIECE = 72

_HEADER = '''\
"""The AGI command table of Asterisk 22.10.1, generated from ``shared/spec/agi_commands.json``.

Do not edit: run ``python tools/gen_agi_commands.py`` to regenerate.
{source}
Order: {order}.
"""

from __future__ import annotations

from typing import TypedDict


class ParameterRow(TypedDict):
    """One documented parameter (``<parameter>`` of the XML docs)."""

    position: int
    name: str
    required: bool


class CommandRow(TypedDict):
    """One AGI command; ``min_args``/``max_args`` count arguments after the command words."""

    name: str
    words: tuple[str, ...]
    module: str
    file: str
    handler: str
    syntax: str
    synopsis: str
    result: str
    parameters: tuple[ParameterRow, ...]
    min_args: int
    max_args: int | None
    dead_channel_ok: bool


COMMAND_ROWS: tuple[CommandRow, ...] = (
'''


def _str(value: str) -> str:
    """``repr(value)``, in double quotes when the text holds none (the house style)."""
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        text = '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def _pieces(value: str, width: int) -> list[str]:
    """Cut ``value`` into pieces of at most ``width`` characters, after a space when possible."""
    pieces: list[str] = []
    rest = value
    while len(rest) > width:
        cut = rest.rfind(" ", 0, width) + 1
        if cut <= 0:
            cut = width
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


def _literal(value: str, indent: str) -> str:
    """A Python literal for ``value``; long strings become parenthesised adjacent pieces."""
    if len(value) <= _PIECE:
        return _str(value)
    inner = "".join(f"{indent}    {_str(piece)}\n" for piece in _pieces(value, _PIECE))
    return f"(\n{inner}{indent})"


def rows_from_spec(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The table rows (plain dicts, in the JSON's order) that the spec describes."""
    rows: list[dict[str, Any]] = []
    for cmd in spec["commands"]:
        accepted = cmd["args_accepted_by_code"]
        rows.append(
            {
                "name": cmd["name"],
                "words": tuple(cmd["words"]),
                "module": cmd["module"],
                "file": cmd["file"],
                "handler": cmd["handler"],
                "syntax": cmd["syntax"],
                "synopsis": cmd["synopsis"],
                "result": cmd["result"],
                "parameters": tuple(
                    {
                        "position": int(p["position"]),
                        "name": p["name"],
                        "required": bool(p["required"]),
                    }
                    for p in cmd["parameters"]
                ),
                "min_args": int(accepted["min"]),
                "max_args": None if accepted["max"] is None else int(accepted["max"]),
                "dead_channel_ok": bool(cmd["dead_channel_ok"]),
            }
        )
    return rows


def render(spec: dict[str, Any]) -> str:
    """The full text of ``_commands.py`` for ``spec`` (the parsed JSON)."""
    meta = spec.get("_meta", {})
    source = _pieces("Source: " + str(meta.get("source", "unknown")), 95)
    out = [
        _HEADER.format(
            source="\n".join(piece.rstrip() for piece in source),
            order=meta.get("sort_order", "as in the JSON"),
        )
    ]
    for row in rows_from_spec(spec):
        out.append("    {\n")
        for key, value in row.items():
            if key == "parameters":
                if not value:
                    out.append('        "parameters": (),\n')
                    continue
                out.append('        "parameters": (\n')
                for p in value:
                    out.append(
                        f'            {{"position": {p["position"]}, "name": {_str(p["name"])}, '
                        f'"required": {p["required"]}}},\n'
                    )
                out.append("        ),\n")
            elif key == "words":
                words = ", ".join(_str(w) for w in value)
                out.append(f'        "words": ({words}{"," if len(value) == 1 else ""}),\n')
            elif isinstance(value, str):
                out.append(f'        "{key}": {_literal(value, "        ")},\n')
            else:
                out.append(f'        "{key}": {value!r},\n')
        out.append("    },\n")
    out.append(")\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="agi_commands.json")
    parser.add_argument("--output", type=Path, default=TARGET, help="file to write")
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    options = parser.parse_args(argv)
    spec = json.loads(options.spec.read_text(encoding="utf-8"))
    text = render(spec)
    if options.check:
        current = options.output.read_text(encoding="utf-8") if options.output.exists() else ""
        if current != text:
            sys.stderr.write(f"{options.output} is out of date; run {Path(__file__).name}\n")
            return 1
        return 0
    options.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
