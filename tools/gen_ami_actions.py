"""Generate ``pyst/ami/actions.py`` from ``shared/spec/ami_actions.json``.

The package must not read ``shared/`` at run time, so the 154 actions of Asterisk 22.10.1 are
shipped as Python source: one class per action, with typed parameters. Run after the spec (or
this template) changes::

    python tools/gen_ami_actions.py [--spec PATH] [--check]

``--check`` exits with status 1 (and writes nothing) when the file on disk differs from what the
spec gives. The rendering is deterministic: same JSON in, same bytes out.

Naming: a header becomes a keyword in snake case (``CallerID`` -> ``caller_id``,
``Content-Type`` -> ``content_type``); Python keywords get a trailing underscore (``From`` ->
``from_``), except ``Async``, which is ``run_async`` as in pyst2. Required parameters (XML
``required="true"``) come first and may be given by position; the others are keyword-only.
A few headers take structured values (:data:`_KINDS`): repeatable ``Variable`` (a mapping or a
sequence), comma lists (``EventMask``, ``Codecs``...), numbered ``UpdateConfig`` changes and
indexed ``AOCMessage`` units. ``UserEvent``'s free headers go through ``**headers``.
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO_ROOT.parent / "shared" / "spec" / "ami_actions.json"
TARGET = REPO_ROOT / "pyst" / "ami" / "actions.py"

# Python names that are not the plain snake case of the header.
_RENAMES = {"Async": "run_async", "PreDialGoSub": "predial_gosub"}
# (action, header) -> kind; default kind "value". A header listed for every action uses "*".
_KINDS = {
    ("*", "Variable"): "variables",
    ("Setvar", "Variable"): "value",  # the variable's name, not name=value pairs
    ("Getvar", "Variable"): "value",
    ("Events", "EventMask"): "csv",
    ("Login", "Events"): "csv",
    ("Originate", "Codecs"): "csv",
    ("Status", "Variables"): "csv",
}
# Numbered headers of UpdateConfig (Action-000000, Cat-000000...): one ``changes`` parameter.
_NUMBERED = re.compile(r"^([A-Za-z]+)-000000$")
# Indexed headers of AOCMessage (UnitAmount(0), UnitType(0)): one sequence each.
_INDEXED = re.compile(r"^([A-Za-z]+)\(0\)$")
# UserEvent documents Header1 ... HeaderN: free headers, given through **headers.
_FREE = {"Header1", "HeaderN"}


def snake(name: str) -> str:
    """``CallerID`` -> ``caller_id``; ``Content-Type`` -> ``content_type``."""
    if name in _RENAMES:
        return _RENAMES[name]
    out = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    out = out.replace("-", "_").lower()
    if keyword.iskeyword(out):
        out += "_"
    return out


def _kind(action: str, header: str) -> str:
    return _KINDS.get((action, header), _KINDS.get(("*", header), "value"))


_HINTS = {
    "value": "Value",
    "csv": "Value | Sequence[str]",
    "variables": "Variables",
    "numbered": "Sequence[Mapping[str, Value]]",
    "indexed": "Sequence[Value]",
}


def _params(action: dict[str, Any]) -> list[tuple[str, str, bool, str]]:
    """(header, python name, required, kind) for one action, required first (spec order)."""
    out: list[tuple[str, str, bool, str]] = []
    numbered_done = False
    for param in action["parameters"]:
        header = param["name"]
        if header == "ActionID" or header in _FREE:
            continue
        numbered = _NUMBERED.match(header)
        if numbered:
            if not numbered_done:
                out.append(("-000000", "changes", False, "numbered"))
                numbered_done = True
            continue
        indexed = _INDEXED.match(header)
        if indexed:
            base = indexed.group(1)
            out.append((base, snake(base), bool(param["required"]), "indexed"))
            continue
        out.append((header, snake(header), bool(param["required"]), _kind(action["name"], header)))
    names = [p[1] for p in out]
    if len(set(names)) != len(names) or "action_id" in names or "headers" in names:
        raise SystemExit(f"{action['name']}: parameter names collide: {names}")
    return [p for p in out if p[2]] + [p for p in out if not p[2]]


def _wrap(text: str, indent: str, width: int = 96) -> list[str]:
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(indent) + len(line) + 1 + len(word) > width:
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(indent + line)
    return lines


def _q(text: str) -> str:
    return json.dumps(text)


def _tuple(items: list[str]) -> str:
    if not items:
        return "()"
    return "(" + ", ".join(_q(i) for i in items) + ("," if len(items) == 1 else "") + ")"


def _classvar(name: str, hint: str, items: list[str]) -> list[str]:
    line = f"    {name}: ClassVar[{hint}] = {_tuple(items)}"
    if len(line) <= 100:
        return [line]
    return [f"    {name}: ClassVar[{hint}] = ("] + [f"        {_q(i)}," for i in items] + ["    )"]


def render_class(action: dict[str, Any]) -> str:
    name = action["name"]
    params = _params(action)
    perms = list(action["permission"])
    complete = action["list_complete_event"]
    items = list(action["list_events"])
    lines = [f"class {name}(AMIAction):", f'    """The ``{name}`` action (``{action["module"]}``).']
    perm_text = ", ".join(perms) if perms else "none needed"
    body = _wrap(f"Write permission: {perm_text}.", "    ")
    if params:
        described = []
        for header, pyname, required, kind in params:
            text = f"``{pyname}``"
            if kind == "numbered":
                text += " (``Action-NNNNNN``, ``Cat-NNNNNN``...: one mapping per change)"
            elif kind == "indexed":
                text += f" (``{header}(N)``)"
            elif pyname.replace("_", "") != header.replace("-", "").lower():
                text += f" (``{header}``)"
            if required:
                text += " (required)"
            described.append(text)
        body.extend(_wrap("Keywords: " + ", ".join(described) + ".", "    "))
    if complete:
        listed = ", ".join(f"``{e}``" for e in items) or "item events"
        body.extend(_wrap(f"Answers with an event list: {listed}, then ``{complete}``.", "    "))
    if action.get("list_note"):
        body.extend(_wrap(f"Note: {action['list_note']}.", "    "))
    if name == "UserEvent":
        body.extend(_wrap("The event's own headers go through ``**headers``.", "    "))
    lines.append("")
    lines.extend(body)
    lines.append('    """')
    lines.append("")
    lines.append("    __slots__ = ()")
    lines.append(f"    action_name: ClassVar[str] = {_q(name)}")
    lines.append(f"    module: ClassVar[str] = {_q(action['module'])}")
    lines.extend(_classvar("permission", "tuple[str, ...]", perms))
    lines.extend(_classvar("list_events", "tuple[str, ...]", items))
    lines.append(
        f"    list_complete_event: ClassVar[str | None] = {_q(complete) if complete else None}"
    )
    if params:
        lines.append("    parameters: ClassVar[tuple[Parameter, ...]] = (")
        for header, pyname, required, kind in params:
            lines.append(
                f"        Parameter({_q(header)}, {_q(pyname)}, {required!r}, {_q(kind)}),"
            )
        lines.append("    )")
    else:
        lines.append("    parameters: ClassVar[tuple[Parameter, ...]] = ()")
    lines.append("")
    sig = ["        self,"]
    required = [p for p in params if p[2]]
    optional = [p for p in params if not p[2]]
    for _, pyname, _, kind in required:
        sig.append(f"        {pyname}: {_HINTS[kind]},")
    sig.append("        *,")
    for _, pyname, _, kind in optional:
        sig.append(f"        {pyname}: {_HINTS[kind]} | None = None,")
    sig.append("        action_id: str | None = None,")
    sig.append("        **headers: HeaderValue,")
    lines.append("    def __init__(")
    lines.extend(sig)
    lines.append("    ) -> None:")
    values = ", ".join(p[1] for p in params)
    if len(params) == 1:
        values += ","
    call = f"        self._build(({values}), action_id, headers)"
    if len(call) > 100:
        lines.append("        self._build(")
        lines.append("            (")
        for p in params:
            lines.append(f"                {p[1]},")
        lines.append("            ),")
        lines.append("            action_id,")
        lines.append("            headers,")
        lines.append("        )")
    else:
        lines.append(call)
    return "\n".join(lines) + "\n"


_HEADER = '''\
"""One class per AMI action of Asterisk 22.10.1, generated from ``shared/spec/ami_actions.json``.

Do not edit: change ``tools/gen_ami_actions.py`` and run it to regenerate.
{source}

Every class is an :class:`~pyst.ami.messages.Action` (so :class:`~pyst.ami.protocol.AMIConnection`
sends it and the :class:`~pyst.ami.correlation.Correlator` tracks it) built from typed keyword
arguments::

    from pyst.ami.actions import Originate, CoreShowChannels, DBGet

    Originate("PJSIP/100", context="default", exten="200", priority=1,
              variable={{"CALLER": "me"}}, run_async=True)
    DBGet("family", "key")
    Command("core show version")

Header names become snake-case keywords (``CallerID`` -> ``caller_id``, ``Async`` ->
``run_async``, ``From`` -> ``from_``). Required parameters (the XML ``required="true"``) come
first and may be given by position; Python refuses a call without them, and ``None`` or ``""``
for one raises ``ValueError`` before anything is sent. ``None`` leaves an optional header out;
``bool`` becomes ``true``/``false``. ``Variable`` takes a mapping (``{{"A": "1"}}``), ``name=value``
strings or ``(name, value)`` pairs and is sent as one ``Variable:`` header per variable. Comma
lists (``EventMask``, ``Codecs``, Status's ``Variables``) take a string or a sequence.
``UpdateConfig(changes=[{{"Action": "NewCat", "Cat": "x"}}, ...])`` numbers its headers
(``Action-000000``...). Anything else goes through ``**headers`` with its AMI name (``UserEvent``'s
own headers, headers newer than the spec); a header that has a keyword must use it.

For an action missing here, use the generic :meth:`Action.make(name, **headers)
<pyst.ami.messages.Message.make>`. :data:`ACTIONS` maps names to classes and
:func:`get_action_class` finds one case-insensitively, as Asterisk matches action names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import ClassVar, NamedTuple, TypeAlias, cast

from pyst.ami.messages import Action, Field, HeaderValue, _fold, _to_text

__all__ = [
{all_names}
]

#: A header value: ``bool`` is sent as ``true``/``false``, numbers as text.
Value: TypeAlias = "str | int | float | bool"
#: ``Variable`` values: ``{{name: value}}``, ``["name=value", ...]`` or ``[(name, value), ...]``.
Variables: TypeAlias = "Mapping[str, Value] | Sequence[str | tuple[str, Value]]"


class Parameter(NamedTuple):
    """One documented header of an action: its AMI ``header``, the Python ``name`` of the
    keyword, whether Asterisk documents it as ``required``, and how a value is written
    (``kind``: ``value``, ``csv``, ``variables``, ``numbered`` or ``indexed``)."""

    header: str
    name: str
    required: bool
    kind: str = "value"


def _csv(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_to_text(v) for v in value)
    return _to_text(value)


def _variables(value: object) -> list[str]:
    if isinstance(value, Mapping):
        return [f"{{_to_text(k)}}={{_to_text(v)}}" for k, v in value.items()]
    if isinstance(value, (str, bytes)):
        raise TypeError("Variable takes a mapping or a sequence, not a single string")
    out = []
    for item in value:  # type: ignore[attr-defined]
        if isinstance(item, tuple):
            name, val = item
            out.append(f"{{_to_text(name)}}={{_to_text(val)}}")
        else:
            out.append(_to_text(item))
    return out


class AMIAction(Action):
    """Base of the generated action classes (see the module docstring).

    Class attributes describe the action as Asterisk 22.10.1 registers it: ``action_name``,
    ``module``, ``permission`` (write classes, any one of which allows the action; empty: any
    session), ``parameters``, and for list actions ``list_events`` and
    ``list_complete_event``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = ""
    module: ClassVar[str] = ""
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    @classmethod
    def returns_list(cls) -> bool:
        """True when Asterisk answers with an event list (``Hangup``: only for a ``/regex/``)."""
        return cls.list_complete_event is not None

    def _build(
        self,
        values: tuple[object, ...],
        action_id: str | None,
        headers: Mapping[str, HeaderValue],
    ) -> None:
        """Lay out the fields: ``Action``, ``ActionID`` (if given), the parameters in spec
        order, then the extra headers. Raises ``ValueError`` for a missing required value and
        ``TypeError`` for an extra header that duplicates a parameter."""
        name = self.action_name
        fields: list[Field] = [("Action", name)]
        if action_id is not None:
            fields.append(("ActionID", _to_text(action_id)))
        for param, value in zip(self.parameters, values, strict=True):
            if value is None or value == "":
                if param.required:
                    raise ValueError(f"{{name}}: {{param.header}} ({{param.name}}=) is required")
                continue
            kind = param.kind
            if kind == "value":
                fields.append((param.header, _to_text(value)))
            elif kind == "csv":
                fields.append((param.header, _csv(value)))
            elif kind == "variables":
                fields.extend((param.header, v) for v in _variables(value))
            elif kind == "indexed":
                units = cast("Sequence[Value]", value)
                header = param.header
                fields.extend((f"{{header}}({{i}})", _to_text(v)) for i, v in enumerate(units))
            else:  # numbered: UpdateConfig's changes
                changes = cast("Sequence[Mapping[str, Value]]", value)
                for i, change in enumerate(changes):
                    fields.extend((f"{{k}}-{{i:06d}}", _to_text(v)) for k, v in change.items())
        if headers:
            known = {{_fold(p.header): p.name for p in self.parameters}}
            known["action"] = "(the class)"
            known["actionid"] = "action_id"
            for header, value in headers.items():
                keyword = known.get(_fold(header))
                if keyword is not None:
                    raise TypeError(f"{{name}}: give {{header}} as {{keyword}}=, not as a header")
                if value is None:
                    continue
                if isinstance(value, (list, tuple)):
                    fields.extend((header, _to_text(v)) for v in value)
                else:
                    fields.append((header, _to_text(value)))
        Action.__init__(self, fields)


'''

_FOOTER = '''

#: Every generated class by its action name (Asterisk 22.10.1).
ACTIONS: Mapping[str, type[AMIAction]] = MappingProxyType(
    {{
{entries}
    }}
)
_BY_FOLDED = {{_fold(name): cls for name, cls in ACTIONS.items()}}


def get_action_class(name: str) -> type[AMIAction] | None:
    """The class of action ``name`` (compared case-insensitively, as Asterisk's
    ``action_find``), or ``None``."""
    return _BY_FOLDED.get(_fold(name))
'''


def render(spec: dict[str, Any], source: str) -> str:
    actions = spec["actions"]
    names = [a["name"] for a in actions]
    special = ["ACTIONS", "AMIAction", "Parameter", "Value", "Variables", "get_action_class"]
    all_names = "\n".join(f"    {n!r}," for n in sorted(names + special)).replace("'", '"')
    out = _HEADER.format(source=source, all_names=all_names)
    out += "\n\n".join(render_class(a) for a in actions)
    entries = "\n".join(f"        {n!r}: {n}," for n in names).replace("'", '"')
    out += _FOOTER.format(entries=entries)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text(encoding="utf-8"))
    meta = spec.get("_meta", {})
    source = f"Source: {meta.get('source', 'ami_actions.json')}; {len(spec['actions'])} actions."
    text = render(spec, "\n".join(_wrap(source, "")))
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(spec['actions'])} actions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
