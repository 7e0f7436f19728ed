"""Load scenario files: YAML with line numbers, JSON Schema validation, model building.

Every error is a :class:`~pyst_sim.errors.ScenarioError` naming the file and line, followed by
the offending YAML lines; unknown keys get a "did you mean". The schema (``schema.json`` beside
this module) is the reference for the format; ``docs/scenarios.md`` is generated from it.

Loading is pure (no imports of the code under test, no sockets): Python references
(``module:function``) are resolved when a case runs, but files that a scenario names (scripts,
config folders, cassettes) must exist at load time, so a typo fails at collection.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pyst.agi.quoting import split_args as split_agi_words
from pyst.agi.spec import COMMANDS, find_command
from pyst_sim.errors import ScenarioError
from pyst_sim.scenario.matchers import Count, Matcher, parse_count, parse_matcher
from pyst_sim.scenario.model import (
    ActionExpect,
    AMICase,
    AMIExpect,
    AMIUser,
    AppOutcome,
    AppSpec,
    CallCase,
    CallerSpec,
    CallExpect,
    Case,
    CommandStep,
    DTMFPress,
    ExitExpect,
    FakerValue,
    HangupSpec,
    Message,
    PBXSpec,
    ProgramSpec,
    Scenario,
    SoundsSpec,
    Source,
    Where,
)

__all__ = [
    "MarkedDocument",
    "Span",
    "find_scenario_files",
    "is_scenario_file",
    "load_scenario",
    "load_scenario_text",
    "load_yaml",
    "schema",
    "split_command",
]

VERSION_KEY = "pyst-scenario"
SUPPORTED_VERSIONS = (1,)

def split_command(words: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Split AGI words into (command words upper-cased, arguments), or None if unknown.

    Uses the AGI core's lookup (res_agi.c ``find_command``: case-insensitive command words).
    """
    found = find_command(words)
    if found is None:
        return None
    spec, args = found
    return tuple(w.upper() for w in spec.words), tuple(args)


# --- YAML with marks -------------------------------------------------------------------------

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Span:
    """Lines of one YAML element (1-based, inclusive); ``key_line`` is its key's line."""

    line: int
    end_line: int
    key_line: int


class _Loader(yaml.SafeLoader):
    """Safe loader used only to resolve scalar tags (we build containers ourselves)."""


def _end_line(node: yaml.Node) -> int:
    # The end mark of a block node is the start of the next token; at column 0 that token is on
    # the next line, so the element itself ended one line earlier.
    end = node.end_mark
    return end.line if end.column == 0 and end.line > node.start_mark.line else end.line + 1


@dataclass
class MarkedDocument:
    """A parsed YAML document with the lines of every element, addressed by path."""

    source: Source
    data: Any
    spans: dict[PathKey, Span]

    @property
    def path(self) -> Path:
        return self.source.path

    def span(self, path: Sequence[str | int]) -> Span:
        """The span of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p and p not in self.spans:
            p = p[:-1]
        return self.spans.get(p, Span(1, max(1, len(self.source.lines)), 1))

    def where(self, path: Sequence[str | int]) -> Where:
        s = self.span(path)
        return Where(self.source, s.line, s.end_line)

    def error(self, path: Sequence[str | int], message: str, *, key: bool = False) -> ScenarioError:
        """A ScenarioError at ``path`` with the YAML lines quoted (``key``: point at the key)."""
        s = self.span(path)
        line = s.key_line if key else s.line
        where = _format_path(path)
        text = f"{where}: {message}" if where else message
        end = line if key else s.end_line
        snippet = self.source.snippet(line, end, max_lines=8)
        return ScenarioError(f"{text}\n{snippet}", str(self.source.path), line)


def _format_path(path: Sequence[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def load_yaml(text: str, path: str | Path = "<scenario>") -> MarkedDocument:
    """Parse one YAML document, recording the lines of every element.

    Raises ``ScenarioError`` for YAML syntax errors, several documents, and duplicate keys
    (which PyYAML would otherwise silently overwrite).
    """
    p = Path(path)
    source = Source(p, tuple(text.splitlines()))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        snippet = "\n" + source.snippet(line) if line else ""
        raise ScenarioError(f"YAML syntax error: {problem}{snippet}", str(p), line) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML error: {exc}", str(p)) from exc
    finally:
        loader.dispose()
    spans: dict[PathKey, Span] = {}
    if node is None:
        return MarkedDocument(source, None, spans)
    doc = MarkedDocument(source, None, spans)
    doc.data = _construct(node, (), spans, loader, doc, node.start_mark.line + 1, set())
    return doc


def _construct(
    node: yaml.Node,
    path: PathKey,
    spans: dict[PathKey, Span],
    loader: _Loader,
    doc: MarkedDocument,
    key_line: int,
    active: set[int],
) -> Any:
    spans.setdefault(path, Span(node.start_mark.line + 1, _end_line(node), key_line))
    if id(node) in active:
        raise doc.error(path, "recursive YAML alias")
    if isinstance(node, yaml.MappingNode):
        active.add(id(node))
        try:
            result: dict[Any, Any] = {}
            merged: list[yaml.Node] = []
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged.append(value_node)
                    continue
                key = loader.construct_object(key_node, deep=True)
                if isinstance(key, (int, float, bool)) or key is None:
                    key = str(key).lower() if isinstance(key, bool) or key is None else str(key)
                if not isinstance(key, str):
                    raise doc.error(path, f"keys must be text, not {type(key).__name__}")
                if key in result:
                    first_key: PathKey = (*path, key)
                    dup_key: PathKey = (*path, key, "#dup")
                    first = spans[first_key].key_line
                    kl = key_node.start_mark.line + 1
                    spans.setdefault(dup_key, Span(kl, kl, kl))
                    raise doc.error(
                        dup_key, f"duplicate key {key!r} (first at line {first})", key=True
                    )
                child = (*path, key)
                result[key] = _construct(
                    value_node, child, spans, loader, doc, key_node.start_mark.line + 1, active
                )
            # ``<<: *anchor`` merges: explicit keys win, earlier merges win over later ones.
            for m in merged:
                sources = m.value if isinstance(m, yaml.SequenceNode) else [m]
                for src in sources:
                    if not isinstance(src, yaml.MappingNode):
                        raise doc.error(path, "'<<' must merge a mapping")
                    value = _construct(src, (*path, "#merge"), {}, loader, doc, key_line, active)
                    for k, v in value.items():
                        if k not in result:
                            result[k] = v
                            # Keys brought in by a merge point at the merge's lines.
                            spans.setdefault((*path, k), spans[path])
            return result
        finally:
            active.discard(id(node))
    if isinstance(node, yaml.SequenceNode):
        active.add(id(node))
        try:
            return [
                _construct(item, (*path, i), spans, loader, doc, item.start_mark.line + 1, active)
                for i, item in enumerate(node.value)
            ]
        finally:
            active.discard(id(node))
    value = loader.construct_object(node, deep=True)
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        # Timestamps and binary blobs: scenarios only hold text, numbers and booleans.
        return str(node.value)
    return value


# --- schema ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The scenario JSON Schema shipped in the package (``schema.json``)."""
    text = resources.files("pyst_sim.scenario").joinpath("schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=4)
def _validator(part: str) -> Any:
    import jsonschema  # type: ignore[import-untyped,unused-ignore]  # imported here: only needed when a scenario is loaded

    full = schema()
    if part == "top":
        top = copy.deepcopy(full)
        # Items are validated one parameter case at a time (see _expand_items).
        top["properties"]["calls"]["items"] = {"type": "object"}
        top["properties"]["ami"]["items"] = {"type": "object"}
        return jsonschema.Draft202012Validator(top)
    sub = {"$ref": f"#/$defs/{part}", "$defs": full["$defs"]}
    return jsonschema.Draft202012Validator(sub)


_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "true or false", "null": "null",
}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    return "a string"


def _instance_type_ok(schema_part: Mapping[str, Any], value: Any) -> bool:
    t = schema_part.get("type")
    if t is None:
        return True
    types = [t] if isinstance(t, str) else list(t)
    checks = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }
    return any(checks.get(x, False) for x in types)


def _refine(error: Any) -> Any:
    """For anyOf/oneOf errors, the most telling error of the branch the value was aiming at."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return error
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    options = error.validator_value
    aimed = [
        errs for idx, errs in branches.items()
        if _instance_type_ok(options[idx], error.instance)
    ]
    if len(aimed) == 1:
        best = max(aimed[0], key=lambda e: len(e.absolute_path))
        return _refine(best)
    return error


def _describe_error(error: Any) -> tuple[PathKey, str, bool]:
    """(path, message, point-at-key) for a jsonschema error, in words for scenario authors."""
    path: PathKey = tuple(error.absolute_path)
    v = error.validator
    inst = error.instance
    if v == "additionalProperties" and isinstance(inst, dict):
        known = list(error.schema.get("properties", {}))
        extra = [k for k in inst if k not in known]
        key = extra[0]
        hint = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        msg = f"unknown key {key!r}"
        if hint:
            msg += f" (did you mean {hint[0]!r}?)"
        elif " " in key and len(inst) == 1:
            # `- VERBOSE "IVR: hello" 1`: YAML reads the ": " as a mapping.
            msg += " (YAML read this line as a mapping because of ': ' in it: quote the line)"
        else:
            msg += f" (expected one of: {', '.join(known)})"
        return (*path, key), msg, True
    if v == "required":
        missing = [k for k in error.validator_value if k not in inst]
        return path, f"missing required key {missing[0]!r}", False
    if v == "type":
        want = error.validator_value
        wants = [want] if isinstance(want, str) else list(want)
        names = " or ".join(_TYPE_NAMES.get(w, w) for w in wants)
        return path, f"expected {names}, got {_type_name(inst)} ({inst!r})", False
    if v == "enum":
        opts = ", ".join("null" if o is None else str(o) for o in error.validator_value)
        return path, f"{inst!r} is not one of: {opts}", False
    if v == "const" and path == (VERSION_KEY,):
        return path, (
            f"unsupported scenario version {inst!r} (this pyst-sim reads version "
            f"{', '.join(map(str, SUPPORTED_VERSIONS))})"
        ), False
    if v == "pattern":
        if "module" in error.schema.get("description", ""):
            return path, f"{inst!r} is not a 'module:function' reference", False
        if "count" in str(error.schema_path) or "\\d+\\s*-" in error.validator_value:
            forms = "N, '>N', '>=N', '<N', '<=N', 'N-M', '*', '+'"
            return path, f"{inst!r} is not a count ({forms})", False
    if (
        v in ("minProperties", "maxProperties")
        and isinstance(inst, dict)
        and "regex" in error.schema.get("properties", {})
    ):
        return path, (
            "a matcher is a mapping with exactly one key: equals, regex, any, absent, "
            f"contains, startswith, one_of or not (got {sorted(inst) or 'none'})"
        ), False
    if v == "anyOf":
        return path, f"{inst!r} is not valid here: {error.schema.get('description', '')}", False
    return path, str(error.message), False


def _validate(doc: MarkedDocument, part: str, data: Any, prefix: PathKey, case: str | None) -> None:
    errors = list(_validator(part).iter_errors(data))
    if not errors:
        return
    described = []
    for err in errors:
        path, msg, key = _describe_error(_refine(err))
        full = (*prefix, *path)
        span = doc.span(full)
        described.append(((span.key_line if key else span.line), full, msg, key))
    described.sort(key=lambda d: d[0])
    _, path, msg, key = described[0]
    if case is not None:
        msg += f" (in parameter case {case!r})"
    raise doc.error(path, msg, key=key)


# --- parametrisation -------------------------------------------------------------------------

_PARAM_RE = re.compile(r"\{\{\s*([A-Za-z_][\w-]*)\s*\}\}")


def _substitute(
    value: Any, params: Mapping[str, Any], doc: MarkedDocument, path: PathKey, used: set[str]
) -> Any:
    if isinstance(value, str):
        whole = _PARAM_RE.fullmatch(value)
        if whole is not None:
            name = whole.group(1)
            if name not in params:
                raise doc.error(path, f"unknown parameter {{{{{name}}}}} ({_known(params)})")
            used.add(name)
            return params[name]

        def repl(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in params:
                raise doc.error(path, f"unknown parameter {{{{{name}}}}} ({_known(params)})")
            used.add(name)
            v = params[name]
            return "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))

        return _PARAM_RE.sub(repl, value)
    if isinstance(value, dict):
        return {k: _substitute(v, params, doc, (*path, k), used) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, params, doc, (*path, i), used) for i, v in enumerate(value)]
    return value


def _known(params: Mapping[str, Any]) -> str:
    names = [k for k in params if k != "id"]
    return "parameters: " + ", ".join(names) if names else "this item has no parameters"


def _expand_items(
    doc: MarkedDocument, section: str, part: str
) -> Iterator[tuple[PathKey, dict[str, Any], str | None, dict[str, Any]]]:
    """(path, item data, case id, params) for every item of a section and parameter case."""
    for i, raw in enumerate(doc.data.get(section) or []):
        path: PathKey = (section, i)
        if not isinstance(raw, dict):
            raise doc.error(path, f"expected a mapping, got {_type_name(raw)}")
        cases = raw.get("parametrize")
        if cases is None:
            _validate(doc, part, raw, path, None)
            yield path, raw, None, {}
            continue
        # Check the parametrize list itself before using it.
        if not isinstance(cases, list) or not cases:
            raise doc.error((*path, "parametrize"), "expected a non-empty list of mappings")
        body = {k: v for k, v in raw.items() if k != "parametrize"}
        seen: dict[str, int] = {}
        for j, params in enumerate(cases):
            if not isinstance(params, dict) or not params:
                raise doc.error((*path, "parametrize", j), "expected a mapping of parameters")
            case_id = str(params.get("id", j))
            if case_id in seen:
                raise doc.error(
                    (*path, "parametrize", j),
                    f"duplicate case id {case_id!r} (also case {seen[case_id]})",
                )
            seen[case_id] = j
        for j, params in enumerate(cases):
            case_id = str(params.get("id", j))
            used: set[str] = set()
            item = _substitute(body, params, doc, path, used)
            unused = [k for k in params if k != "id" and k not in used]
            if unused:
                raise doc.error(
                    (*path, "parametrize", j),
                    f"parameter {unused[0]!r} is never used "
                    f"(write {{{{{unused[0]}}}}} in the item)",
                )
            _validate(doc, part, {**item, "parametrize": cases}, path, case_id)
            yield path, item, case_id, params


# --- model building --------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text_map(raw: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(k): _text(v) for k, v in (raw or {}).items()}


class _Builder:
    def __init__(self, doc: MarkedDocument) -> None:
        self.doc = doc
        self.base = doc.path.parent

    def where(self, path: PathKey) -> Where:
        return self.doc.where(path)

    def error(self, path: PathKey, message: str, *, key: bool = False) -> ScenarioError:
        return self.doc.error(path, message, key=key)

    def matcher(self, raw: Any, path: PathKey) -> Matcher:
        try:
            return parse_matcher(raw)
        except ValueError as exc:
            raise self.error(path, str(exc)) from None

    def count(self, raw: Any, path: PathKey) -> Count:
        try:
            return parse_count(raw)
        except ValueError as exc:
            raise self.error(path, str(exc)) from None

    def file(self, raw: str, path: PathKey, *, kind: str, directory: bool = False) -> Path:
        p = Path(raw)
        p = p if p.is_absolute() else (self.base / p)
        ok = p.is_dir() if directory else p.is_file()
        if not ok:
            what = "folder" if directory else "file"
            raise self.error(path, f"{kind} {what} not found: {p}")
        return p.resolve()

    # -- PBX --

    def pbx(self, raw: Mapping[str, Any] | None, path: PathKey) -> PBXSpec:
        if not raw:
            return PBXSpec()
        config_dir = None
        if raw.get("config_dir") is not None:
            config_dir = self.file(
                raw["config_dir"], (*path, "config_dir"), kind="config", directory=True
            )
        for name in raw.get("config") or {}:
            if "/" in name or "\\" in name or name in (".", ".."):
                raise self.error(
                    (*path, "config", name), f"a config file name, not a path: {name!r}", key=True
                )
        return PBXSpec(
            config_dir=config_dir,
            config=dict(raw.get("config") or {}),
            globals=_text_map(raw.get("globals")),
            astdb={str(k).strip("/"): _text(v) for k, v in (raw.get("astdb") or {}).items()},
            queues=tuple(raw.get("queues") or ()),
            channels=tuple(raw.get("channels") or ()),
            sounds=SoundsSpec(
                strict=bool(raw["sounds"].get("strict", False)),
                lengths={str(k): float(v) for k, v in (raw["sounds"].get("lengths") or {}).items()},
            ) if raw.get("sounds") is not None else None,
            applications={
                str(name).lower(): tuple(
                    self.outcome(o) for o in (spec if isinstance(spec, list) else [spec])
                )
                for name, spec in (raw.get("applications") or {}).items()
            },
        )

    def outcome(self, raw: Mapping[str, Any]) -> AppOutcome:
        return AppOutcome(
            result=_text(raw.get("result", 0)),
            variables=_text_map(raw.get("variables")),
            hangup=bool(raw.get("hangup", False)),
            duration=raw.get("duration"),
        )

    # -- AGI --

    def app(self, raw: Mapping[str, Any], path: PathKey) -> AppSpec:
        kinds = [k for k in ("handler", "script", "fastagi") if k in raw]
        if len(kinds) != 1:
            msg = (
                "an app needs one of handler, script or fastagi"
                if not kinds
                else f"an app is one of handler, script or fastagi, not {' and '.join(kinds)}"
            )
            raise self.error(path, msg)
        kind = kinds[0]
        if "server" in raw and kind != "fastagi":
            raise self.error((*path, "server"), "server is only for a fastagi app", key=True)
        if "interpreter" in raw and kind != "script":
            raise self.error((*path, "interpreter"), "interpreter is only for a script", key=True)
        target = str(raw[kind])
        if kind == "script":
            target = str(self.file(target, (*path, "script"), kind="script"))
        elif kind == "fastagi" and not target.startswith("agi://"):
            raise self.error((*path, "fastagi"), f"not an agi:// URL: {target!r}")
        interp = raw.get("interpreter")
        return AppSpec(
            kind=kind,  # type: ignore[arg-type]
            target=target,
            where=self.where(path),
            args=tuple(_text(a) for a in raw.get("args") or ()),
            interpreter=tuple(interp) if interp is not None else None,
            env=_text_map(raw.get("env")),
            server=raw.get("server"),
            timeout=float(raw.get("timeout", 10.0)),
        )

    def faker_value(self, raw: Any) -> str | FakerValue | None:
        if raw is None:
            return None
        if isinstance(raw, dict):
            return FakerValue(str(raw["faker"]), raw.get("locale"))
        return _text(raw)

    def caller(self, raw: Mapping[str, Any] | None, path: PathKey) -> CallerSpec:
        if not raw:
            return CallerSpec()
        dtmf_raw = raw.get("dtmf")
        presses: list[DTMFPress] = []
        if isinstance(dtmf_raw, list):
            for i, d in enumerate(dtmf_raw):
                if "at" in d and "on_prompt" in d:
                    raise self.error((*path, "dtmf", i), "use at or on_prompt, not both")
                presses.append(self.press(d, (*path, "dtmf", i)))
        elif dtmf_raw is not None:
            presses.append(self.press({"digits": dtmf_raw}, (*path, "dtmf")))
        hangup = None
        if raw.get("hangup") is not None:
            h = raw["hangup"]
            if ("at" in h) == ("on_prompt" in h):
                raise self.error((*path, "hangup"), "hangup needs exactly one of at or on_prompt")
            if "delay" in h and "on_prompt" not in h:
                raise self.error((*path, "hangup", "delay"), "delay goes with on_prompt",
                                 key=True)
            hangup = HangupSpec(
                at=h.get("at"), on_prompt=h.get("on_prompt"), delay=float(h.get("delay", 0.0))
            )

        talk = raw.get("talk")

        def opt(key: str) -> str | None:
            v = raw.get(key)
            return None if v is None else _text(v)

        return CallerSpec(
            callerid=self.faker_value(raw.get("callerid")),
            name=self.faker_value(raw.get("name")),
            dnid=opt("dnid"),
            rdnis=opt("rdnis"),
            context=opt("context"),
            extension=opt("extension"),
            priority=raw.get("priority"),
            language=opt("language"),
            channel=opt("channel"),
            accountcode=opt("accountcode"),
            uniqueid=opt("uniqueid"),
            variables=_text_map(raw.get("variables")),
            dtmf=tuple(presses),
            hangup=hangup,
            talk=tuple(float(t) for t in talk) if isinstance(talk, list) else (
                (float(talk),) if talk is not None else ()
            ),
            seed=raw.get("seed"),
        )

    def press(self, raw: Mapping[str, Any], path: PathKey) -> DTMFPress:
        digits = _text(raw["digits"])
        bad = [c for c in digits if c not in "0123456789*#ABCDabcd"]
        if bad or not digits:
            raise self.error(path, f"not DTMF digits: {digits!r} (use 0-9, *, #, A-D)")
        return DTMFPress(
            digits.upper(), at=raw.get("at"), on_prompt=raw.get("on_prompt"),
            delay=raw.get("delay"), gap=raw.get("gap"),
        )

    def step(self, raw: Any, path: PathKey) -> CommandStep:
        """A step: a command line, or ``{command, args, args_match, reply, count}``.

        Arguments written after the command words are compared exactly; ``args`` adds matchers
        after them; a command written without arguments accepts any arguments.
        """
        spec = {"command": raw} if isinstance(raw, str) else raw
        words = split_agi_words(str(spec["command"]))
        split = split_command(words) if words else None
        if split is None:
            names = [c.name.upper() for c in COMMANDS]
            shown = " ".join(words[:3]).upper() or "(empty)"
            hint = difflib.get_close_matches(shown, names, n=1, cutoff=0.5)
            hint = hint or difflib.get_close_matches(" ".join(words[:1]).upper(), names, n=1)
            msg = f"unknown AGI command {shown!r}"
            msg += f" (did you mean {hint[0]!r}?)" if hint else ""
            raise self.error(path if isinstance(raw, str) else (*path, "command"), msg)
        cmd, inline = split
        args: tuple[Matcher, ...] | None = None
        if "args" in spec:
            # Words written after the command come first: {command: EXEC Dial, args: [...]}.
            args = tuple(self.matcher(a, path) for a in inline) + tuple(
                self.matcher(a, (*path, "args", i)) for i, a in enumerate(spec["args"])
            )
        elif inline:
            args = tuple(self.matcher(a, path) for a in inline)
        return CommandStep(
            words=cmd,
            where=self.where(path),
            args=args,
            args_match="prefix" if spec.get("args_match") == "prefix" else "exact",
            reply=self.matcher(spec["reply"], (*path, "reply")) if "reply" in spec else None,
            count=self.count(spec.get("count", 1), (*path, "count")),
        )

    def steps(self, raw: list[Any], path: PathKey) -> tuple[CommandStep, ...]:
        return tuple(self.step(s, (*path, i)) for i, s in enumerate(raw))

    def call_expect(self, raw: Mapping[str, Any] | None, path: PathKey) -> CallExpect:
        raw = raw or {}
        w = self.where

        def m(key: str) -> tuple[Matcher, Where] | None:
            if key not in raw:
                return None
            return self.matcher(raw[key], (*path, key)), w((*path, key))

        exit_ = None
        if "exit" in raw:
            e = raw["exit"] or {}
            ep = (*path, "exit")
            exit_ = (
                ExitExpect(
                    context=self.matcher(e["context"], (*ep, "context"))
                    if "context" in e else None,
                    extension=self.matcher(e["extension"], (*ep, "extension"))
                    if "extension" in e else None,
                    priority=self.matcher(e["priority"], (*ep, "priority"))
                    if "priority" in e else None,
                ),
                w(ep),
            )
        return CallExpect(
            where=w(path),
            commands=self.steps(raw["commands"], (*path, "commands"))
            if "commands" in raw else None,
            match=raw.get("match", "exact"),
            variables={
                str(k): (self.matcher(v, (*path, "variables", k)), w((*path, "variables", k)))
                for k, v in (raw.get("variables") or {}).items()
            },
            exit=exit_,
            hung_up_by=(raw["hung_up_by"], w((*path, "hung_up_by")))
            if "hung_up_by" in raw else None,
            prompts=(
                tuple(self.matcher(p, (*path, "prompts", i)) for i, p in enumerate(raw["prompts"])),
                w((*path, "prompts")),
            ) if "prompts" in raw else None,
            digits=m("digits"),
            status=m("status"),
            astdb={
                str(k).strip("/"): (self.matcher(v, (*path, "astdb", k)), w((*path, "astdb", k)))
                for k, v in (raw.get("astdb") or {}).items()
            },
        )

    # -- AMI --

    def message(self, raw: Mapping[str, Any]) -> Message:
        pairs: list[tuple[str, str]] = []
        for k, v in raw.items():
            if isinstance(v, list):
                pairs.extend((str(k), _text(x)) for x in v)
            else:
                pairs.append((str(k), _text(v)))
        return tuple(pairs)

    def program(self, raw: Mapping[str, Any], path: PathKey) -> ProgramSpec:
        kinds = [k for k in ("callable", "command") if k in raw]
        if len(kinds) != 1:
            msg = (
                "a program needs one of callable or command"
                if not kinds
                else "a program is a callable or a command, not both"
            )
            raise self.error(path, msg)
        cwd = self.base
        if raw.get("cwd") is not None:
            cwd = self.file(raw["cwd"], (*path, "cwd"), kind="working", directory=True)
        common: dict[str, Any] = {
            "where": self.where(path),
            # Kept as YAML typed them: a callable gets 2 as an int (a command gets "2").
            "args": tuple(raw.get("args") or ()),
            "env": _text_map(raw.get("env")),
            "cwd": cwd.resolve(),
            "timeout": float(raw.get("timeout", 10.0)),
        }
        if kinds[0] == "callable":
            return ProgramSpec(kind="callable", target=str(raw["callable"]), **common)
        cmd = raw["command"]
        if isinstance(cmd, str):
            import shlex

            try:
                argv = tuple(shlex.split(cmd))
            except ValueError as exc:
                raise self.error((*path, "command"), f"cannot split the command: {exc}") from None
            if not argv:
                raise self.error((*path, "command"), "empty command")
            return ProgramSpec(kind="command", argv=argv, shell=True, **common)
        return ProgramSpec(kind="command", argv=tuple(str(c) for c in cmd), **common)

    def ami_expect(self, raw: Mapping[str, Any] | None, path: PathKey) -> AMIExpect:
        raw = raw or {}
        actions = []
        for i, a in enumerate(raw.get("actions") or []):
            p = (*path, "actions", i)
            respond = a.get("respond")
            if isinstance(respond, dict):
                respond = [respond]
            actions.append(ActionExpect(
                action=str(a["action"]),
                where=self.where(p),
                headers={
                    str(k): self.matcher(v, (*p, "headers", k))
                    for k, v in (a.get("headers") or {}).items()
                },
                count=self.count(a.get("count", 1), (*p, "count")),
                respond=tuple(self.message(r) for r in respond) if respond is not None else None,
                events=tuple(self.message(e) for e in a.get("events") or ()),
            ))
        kwargs: dict[str, Any] = {}
        if "ignore" in raw:
            kwargs["ignore"] = frozenset(str(x).lower() for x in raw["ignore"])
        for key in ("stdout", "stderr"):
            if key in raw:
                kwargs[key] = (self.matcher(raw[key], (*path, key)), self.where((*path, key)))
        return AMIExpect(
            where=self.where(path),
            actions=tuple(actions),
            match=raw.get("match", "unordered"),
            exit_code=raw.get("exit_code", 0),
            **kwargs,
        )


def _flag(value: Any) -> str | None:
    if value is None or value is False:
        return None
    return "" if value is True else str(value)


def _build(doc: MarkedDocument) -> Scenario:
    data = doc.data
    if data is None:
        raise doc.error((), f"empty file: a scenario starts with '{VERSION_KEY}: 1'")
    if not isinstance(data, dict):
        raise doc.error((), f"a scenario is a mapping, not {_type_name(data)}")
    if VERSION_KEY not in data:
        hint = [k for k in data if difflib.get_close_matches(k, [VERSION_KEY], n=1, cutoff=0.6)]
        msg = f"not a pyst-sim scenario: the first key must be '{VERSION_KEY}: 1'"
        if hint:
            msg += f" (found {hint[0]!r})"
        raise doc.error((), msg)
    _validate(doc, "top", data, (), None)
    if not data.get("calls") and not data.get("ami"):
        raise doc.error((), "a scenario needs at least one entry under calls or ami")
    b = _Builder(doc)
    seed = int(data.get("seed", 0))
    name = str(data.get("name") or doc.path.name.split(".")[0])
    python_path = tuple(
        b.file(p, ("python_path", i), kind="python_path", directory=True)
        for i, p in enumerate(data.get("python_path") or ["."])
    )
    base_pbx = b.pbx(data.get("pbx"), ("pbx",))
    default_app = data.get("app")
    if default_app is not None:
        b.app(default_app, ("app",))  # report problems at the scenario's app once
    cases: list[Case] = []
    names: dict[str, int] = {}

    def unique(item_name: str, path: PathKey) -> None:
        line = doc.span(path).line
        if item_name in names and names[item_name] != line:
            raise doc.error(
                (*path, "name"),
                f"duplicate item name {item_name!r} (also at line {names[item_name]})",
            )
        names[item_name] = line

    for path, item, case_id, params in _expand_items(doc, "calls", "call"):
        iname = str(item.get("name") or f"call-{int(path[1]) + 1}")
        unique(iname, path)
        if "app" in item:
            app = b.app(item["app"], (*path, "app"))
        elif default_app is not None:
            app = b.app(default_app, ("app",))
        else:
            raise doc.error(path, "no app: give this call an app, or the scenario a default app")
        cases.append(CallCase(
            scenario_name=name, name=iname, where=doc.where(path), seed=seed,
            case_id=case_id, params=params, python_path=python_path,
            pbx=base_pbx.merged(b.pbx(item.get("pbx"), (*path, "pbx"))),
            skip=_flag(item.get("skip")), xfail=_flag(item.get("xfail")),
            description=str(item.get("description", "")),
            app=app,
            caller=b.caller(item.get("caller"), (*path, "caller")),
            expect=b.call_expect(item.get("expect"), (*path, "expect")),
        ))
    for path, item, case_id, params in _expand_items(doc, "ami", "ami_session"):
        iname = str(item.get("name") or f"ami-{int(path[1]) + 1}")
        unique(iname, path)
        users = tuple(
            AMIUser(u["username"], u["secret"], u.get("read", "all"), u.get("write", "all"))
            for u in item.get("users") or ()
        ) or (AMIUser(),)
        cassette = None
        if item.get("cassette") is not None:
            cassette = b.file(item["cassette"], (*path, "cassette"), kind="cassette")
        cases.append(AMICase(
            scenario_name=name, name=iname, where=doc.where(path), seed=seed,
            case_id=case_id, params=params, python_path=python_path,
            pbx=base_pbx.merged(b.pbx(item.get("pbx"), (*path, "pbx"))),
            skip=_flag(item.get("skip")), xfail=_flag(item.get("xfail")),
            description=str(item.get("description", "")),
            program=b.program(item["program"], (*path, "program")),
            users=users,
            on_login=tuple(b.message(m) for m in item.get("on_login") or ()),
            expect=b.ami_expect(item.get("expect"), (*path, "expect")),
            cassette=cassette,
        ))
    return Scenario(
        path=doc.path,
        name=name,
        source=doc.source,
        cases=tuple(cases),
        version=int(data[VERSION_KEY]),
        description=str(data.get("description", "")),
        seed=seed,
    )


def load_scenario_text(text: str, path: str | Path = "<scenario>") -> Scenario:
    """Load a scenario from text; relative paths in it are taken from ``path``'s folder.

    Raises ``ScenarioError`` (with file, line and the offending YAML) for anything invalid.
    """
    return _build(load_yaml(text, path))


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file; raises ``ScenarioError`` (file:line and the YAML) when invalid."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the scenario: {exc}", str(p)) from exc
    return load_scenario_text(text, p)


_MARKER_RE = re.compile(rf"^['\"]?{re.escape(VERSION_KEY)}['\"]?\s*:", re.MULTILINE)


def is_scenario_file(path: str | Path) -> bool:
    """Cheap check: a ``.yaml``/``.yml`` file with a top-level ``pyst-scenario:`` key."""
    p = Path(path)
    if p.suffix not in (".yaml", ".yml") or not p.is_file():
        return False
    try:
        with p.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(8192)
    except OSError:
        return False
    return _MARKER_RE.search(head) is not None


def _scenario_files_in(folder: Path) -> list[Path]:
    found = []
    for p in sorted(folder.rglob("*")):
        parts = p.relative_to(folder).parts
        if any(part.startswith(".") or part == "__pycache__" for part in parts):
            continue
        if is_scenario_file(p):
            found.append(p)
    return found


def find_scenario_files(specs: Sequence[str], base: str | Path = ".") -> list[Path]:
    """Expand scenario arguments (files, folders, globs) into scenario files, in order.

    A file is taken as given (so a broken scenario is reported rather than skipped); a folder
    yields every ``.yaml``/``.yml`` file below it that starts a scenario (``pyst-scenario:``
    key); a glob yields its matches the same way. Relative values are taken from ``base``.
    Raises ``FileNotFoundError`` naming the value that matches nothing.
    """
    import glob

    out: list[Path] = []
    for spec in specs:
        p = Path(spec)
        p = p if p.is_absolute() else Path(base) / p
        if p.is_file():
            matches = [p]
        elif p.is_dir():
            matches = _scenario_files_in(p)
            if not matches:
                raise FileNotFoundError(f"{spec}: no scenario files in this folder")
        else:
            matches = []
            for hit in sorted(glob.glob(str(p), recursive=True)):
                hp = Path(hit)
                if hp.is_dir():
                    matches.extend(_scenario_files_in(hp))
                elif is_scenario_file(hp):
                    matches.append(hp)
            if not matches:
                raise FileNotFoundError(f"{spec}: no such file, folder or glob match")
        for m in matches:
            m = m.resolve()
            if m not in out:
                out.append(m)
    return out
