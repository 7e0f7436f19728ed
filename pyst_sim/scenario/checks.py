"""Compare what happened in a case with what its scenario expects.

The runner turns a simulator's record into a neutral *outcome* (:class:`CallOutcome`,
:class:`AMIOutcome`); :func:`check_call` and :func:`check_ami` compare it with the case's
expectations and return :class:`Mismatch` objects; :class:`ScenarioFailure` carries them to the
test report. Ordered expectations (AGI commands, AMI actions) are matched by
:func:`match_sequence`, a small NFA over (step, occurrences) that supports counts, and whose
best partial match drives a readable expected-vs-actual diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from pyst_sim.errors import ExpectationError
from pyst_sim.scenario.matchers import Count, Matcher
from pyst_sim.scenario.model import (
    ActionExpect,
    AMICase,
    CallCase,
    CommandStep,
    MatchMode,
    ObservedCommand,
    Where,
)

__all__ = [
    "AMIOutcome",
    "CallOutcome",
    "Mismatch",
    "ObservedAction",
    "ScenarioFailure",
    "SequenceResult",
    "check_ami",
    "check_call",
    "match_sequence",
]


# --- outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallOutcome:
    """What a simulated call did, independent of the simulator's own record type."""

    commands: tuple[ObservedCommand, ...] = ()
    variables: Mapping[str, str] = field(default_factory=dict)
    exit_context: str | None = None
    exit_extension: str | None = None
    exit_priority: str | None = None
    hung_up_by: str | None = None
    prompts: tuple[str, ...] = ()
    digits: str = ""
    status: str | None = None
    astdb: Mapping[str, str] = field(default_factory=dict)
    wire: tuple[str, ...] = ()  # the transcript, one line per command/reply, for reports
    error: str | None = None  # the app raised / crashed / timed out (text for the report)


@dataclass(frozen=True)
class ObservedAction:
    """An AMI action the program sent (ActionID left out of ``headers``)."""

    name: str
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def lower(self) -> dict[str, str]:
        """Header values by lower-case name (the first of repeated headers)."""
        out: dict[str, str] = {}
        for k, v in self.headers:
            out.setdefault(k.lower(), v)
        return out

    def describe(self) -> str:
        shown = [(k, v) for k, v in self.headers if k.lower() not in ("action", "actionid")]
        text = f"Action: {self.name}"
        if shown:
            text += " {" + ", ".join(f"{k}: {v}" for k, v in shown) + "}"
        return text


@dataclass(frozen=True)
class AMIOutcome:
    """What an AMI program did."""

    actions: tuple[ObservedAction, ...] = ()
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    wire: tuple[str, ...] = ()
    error: str | None = None


# --- failures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """One difference between the scenario and what happened."""

    title: str
    message: str
    where: Where | None = None
    diff: tuple[str, ...] = ()


class ScenarioFailure(ExpectationError):
    """A case did not do what its scenario expects; ``render()`` gives the full report."""

    def __init__(
        self,
        case_id: str,
        mismatches: Sequence[Mismatch],
        wire: Sequence[str] = (),
        *,
        wire_title: str = "last wire lines",
    ) -> None:
        self.case_id = case_id
        self.mismatches = tuple(mismatches)
        self.wire = tuple(wire)
        self.wire_title = wire_title
        first = self.mismatches[0] if self.mismatches else None
        summary = f"{first.title}: {first.message}" if first else "expectations not met"
        if first is not None and first.where is not None:
            summary = f"{first.where}: {summary}"
        super().__init__(summary)

    def render(self, *, wire_lines: int = 12) -> str:
        """The report: each mismatch with its YAML lines and diff, then the last wire lines."""
        parts: list[str] = []
        for m in self.mismatches:
            head = f"{m.title}: {m.message}"
            if m.where is not None:
                head = f"{m.where}: {head}"
            block = [head]
            if m.where is not None:
                block.append(m.where.snippet())
            if m.diff:
                block.append("\n".join(m.diff))
            parts.append("\n".join(block))
        if self.wire:
            tail = self.wire[-wire_lines:]
            more = len(self.wire) - len(tail)
            title = f"{self.wire_title} ({more} earlier not shown)" if more else self.wire_title
            parts.append(title + ":\n" + "\n".join("    " + line for line in tail))
        return "\n\n".join(parts)

    def __str__(self) -> str:
        return self.render()


# --- sequence matching -----------------------------------------------------------------------


class _Step(Protocol):
    @property
    def count(self) -> Count: ...

    @property
    def where(self) -> Where: ...

    def describe(self) -> str: ...


S = TypeVar("S", bound=_Step)
O = TypeVar("O")  # noqa: E741


@dataclass
class SequenceResult(Generic[S, O]):
    """Result of :func:`match_sequence`.

    ``assignment[p]`` is the index of the step observed item ``p`` was matched to (None: not
    matched). On failure, ``failed_step`` is the step that could not be satisfied (None when the
    problem is an unexpected extra item, ``extra``) and ``message`` says what went wrong.
    """

    ok: bool
    assignment: list[int | None]
    message: str = ""
    failed_step: int | None = None
    extra: int | None = None
    counts: list[int] = field(default_factory=list)


State = tuple[int, int]  # (step index, occurrences taken for that step)


def match_sequence(
    steps: Sequence[S],
    observed: Sequence[O],
    mode: MatchMode,
    matches: Callable[[S, O], bool],
    render: Callable[[O], str],
    noun: str = "item",
) -> SequenceResult[S, O]:
    """Match ``observed`` against ``steps`` (each step ``count`` times).

    Modes: ``exact`` -- the observed items are exactly the steps, in order (a step's
    occurrences are consecutive); ``partial`` -- the steps in order, other items anywhere (while
    a step's run is open, items matching it belong to it); ``unordered`` -- every step occurs
    its count of times, in any order, other items allowed.
    """
    if mode == "unordered":
        return _unordered(steps, observed, matches)
    return _ordered(steps, observed, mode == "partial", matches, render, noun)


def _unordered(
    steps: Sequence[S], observed: Sequence[O], matches: Callable[[S, O], bool]
) -> SequenceResult[S, O]:
    assignment: list[int | None] = [None] * len(observed)
    counts = []
    failed: int | None = None
    for i, step in enumerate(steps):
        hits = [p for p, o in enumerate(observed) if matches(step, o)]
        counts.append(len(hits))
        for p in hits:
            if assignment[p] is None:
                assignment[p] = i
        if failed is None and not step.count.accepts(len(hits)):
            failed = i
    if failed is None:
        return SequenceResult(True, assignment, counts=counts)
    step = steps[failed]
    n = counts[failed]
    msg = f"expected {step.describe()} {step.count.describe()}, found {_times(n)}"
    return SequenceResult(False, assignment, msg, failed_step=failed, counts=counts)


def _times(n: int) -> str:
    return "none" if n == 0 else ("once" if n == 1 else f"{n} times")


def _ordered(
    steps: Sequence[S], observed: Sequence[O], partial: bool,
    matches: Callable[[S, O], bool], render: Callable[[O], str], noun: str,
) -> SequenceResult[S, O]:
    n = len(steps)
    Parent = tuple[State | None, str]

    def closure(layer: dict[State, Parent]) -> dict[State, Parent]:
        stack = list(layer)
        while stack:
            st = stack.pop()
            i, k = st
            if i < n and steps[i].count.accepts(k):
                nxt = (i + 1, 0)
                if nxt not in layer:
                    layer[nxt] = (st, "eps")
                    stack.append(nxt)
        return layer

    layers: list[dict[State, Parent]] = [closure({(0, 0): (None, "start")})]
    for o in observed:
        cur = layers[-1]
        nxt: dict[State, Parent] = {}
        # Visit the most advanced states first so the kept parent prefers progress.
        for st in sorted(cur, reverse=True):
            i, k = st
            hit = i < n and matches(steps[i], o)
            if hit and steps[i].count.allows_more(k):
                nxt.setdefault((i, k + 1), (st, "take"))
            if partial and not (hit and k > 0):
                nxt.setdefault((i, k), (st, "skip"))
        if not nxt:
            break
        layers.append(closure(nxt))

    consumed = len(layers) - 1
    final = layers[-1]
    best = max(final)
    if consumed == len(observed) and (n, 0) in final:
        best = (n, 0)
    assignment = _trace(layers, best, len(observed))
    counts = [0] * n
    for a in assignment:
        if a is not None:
            counts[a] += 1
    if consumed == len(observed) and (n, 0) in final:
        return SequenceResult(True, assignment, counts=counts)
    i, k = best
    if consumed < len(observed):
        item = render(observed[consumed])
        # A run that is full and would take this item explains the failure best.
        full = [
            st for st in final
            if st[0] < n and st[1] > 0 and not steps[st[0]].count.allows_more(st[1])
            and matches(steps[st[0]], observed[consumed])
        ]
        if full:
            i, k = max(full)
        if i >= n:
            return SequenceResult(
                False, assignment,
                f"unexpected {noun} {consumed + 1} {item!r} after the last expected one",
                extra=consumed, counts=counts,
            )
        step = steps[i]
        if k > 0 and not step.count.allows_more(k):
            msg = (
                f"{step.describe()} expected {step.count.describe()}; {noun} {consumed + 1} "
                f"{item!r} would be one more"
            )
        else:
            msg = f"expected {step.describe()}, got {noun} {consumed + 1} {item!r}"
        return SequenceResult(False, assignment, msg, failed_step=i, extra=consumed, counts=counts)
    step = steps[i]
    if k == 0:
        taken = [p for p, a in enumerate(assignment) if a is not None]
        if not observed:
            msg = f"missing {step.describe()}: no {noun} was sent"
        elif taken:
            last = taken[-1]
            msg = (
                f"missing {step.describe()}: no matching {noun} after {noun} {last + 1} "
                f"{render(observed[last])!r}"
            )
        else:
            msg = f"missing {step.describe()}: no matching {noun} among {len(observed)} sent"
    else:
        msg = f"{step.describe()} expected {step.count.describe()}, found {_times(k)}"
    return SequenceResult(False, assignment, msg, failed_step=i, counts=counts)


def _trace(layers: list[dict[State, tuple[State | None, str]]], end: State, total: int) -> list[
    int | None
]:
    assignment: list[int | None] = [None] * total
    p = len(layers) - 1
    st: State | None = end
    while st is not None and p >= 0:
        parent, kind = layers[p][st]
        if kind == "take":
            assignment[p - 1] = st[0]
            p -= 1
        elif kind == "skip":
            p -= 1
        st = parent
    return assignment


def sequence_diff(
    steps: Sequence[S],
    observed: Sequence[O],
    result: SequenceResult[S, O],
    matches: Callable[[S, O], bool],
    render: Callable[[O], str],
    mode: MatchMode,
) -> tuple[str, ...]:
    """Expected vs actual as a unified diff.

    An observed item that some step matches is printed as that step, so agreeing lines compare
    equal and the diff shows only the real differences. In ``partial`` mode, items no step
    matches are allowed and left out (their number is given); ``unordered`` compares counts.
    """
    exp: list[str] = []
    act: list[str] = []
    if mode == "unordered":
        for i, step in enumerate(steps):
            n = result.counts[i] if i < len(result.counts) else 0
            want = f"{step.describe()}  [{step.count.describe()}]"
            exp.append(want)
            act.append(want if step.count.accepts(n) else f"{step.describe()}  [{_times(n)}]")
        return _unified(exp, act)
    hits = [0] * len(steps)
    others = 0
    for p, o in enumerate(observed):
        a = result.assignment[p]
        if a is None:
            a = next((i for i, st in enumerate(steps) if matches(st, o)), None)
        if a is None:
            others += mode == "partial"
            act.append(render(o))
            continue
        hits[a] += 1
        act.append(steps[a].describe())
    for i, step in enumerate(steps):
        high = step.count.high if step.count.high is not None else max(hits[i], step.count.low)
        times = min(max(hits[i], step.count.low), high)
        exp.extend([step.describe()] * times)
    lines = _unified(exp, act)
    if others and lines:
        lines += ("(partial matching: '+' lines that match no step are allowed; "
                  "'-' lines are what is missing)",)
    return lines


def _unified(exp: list[str], act: list[str]) -> tuple[str, ...]:
    lines = list(difflib.unified_diff(exp, act, "expected (scenario)", "actual", n=3, lineterm=""))
    return tuple(lines)


# --- calls -----------------------------------------------------------------------------------


def render_command(cmd: ObservedCommand) -> str:
    return cmd.line


def _step_matches(step: CommandStep, cmd: ObservedCommand) -> bool:
    return step.matches(cmd)


def _check_value(
    title: str, matcher: Matcher, actual: str | None, where: Where
) -> Mismatch | None:
    if matcher.matches(actual):
        return None
    shown = "absent" if actual is None else repr(actual)
    return Mismatch(title, f"expected {matcher.describe()}, got {shown}", where)


def check_call(case: CallCase, out: CallOutcome) -> list[Mismatch]:
    """Every way ``out`` differs from what ``case`` expects (empty: the call passed)."""
    found: list[Mismatch] = []
    exp = case.expect
    if out.error is not None:
        found.append(Mismatch("app error", out.error, case.app.where if case.app else None))
    if exp is None:
        return found
    if exp.commands is not None:
        res = match_sequence(
            exp.commands, out.commands, exp.match, _step_matches, render_command, "command"
        )
        if not res.ok:
            where = exp.commands[res.failed_step].where if res.failed_step is not None else \
                exp.where
            diff = sequence_diff(
                exp.commands, out.commands, res, _step_matches, render_command, exp.match
            )
            found.append(Mismatch(f"AGI commands ({exp.match})", res.message, where, diff))
    for name, (matcher, where) in exp.variables.items():
        m = _check_value(f"variable {name}", matcher, out.variables.get(name), where)
        if m:
            found.append(m)
    if exp.exit is not None:
        ex, where = exp.exit
        for label, exit_matcher, actual in (
            ("context", ex.context, out.exit_context),
            ("extension", ex.extension, out.exit_extension),
            ("priority", ex.priority, out.exit_priority),
        ):
            if exit_matcher is not None:
                m = _check_value(f"exit {label}", exit_matcher, actual, where)
                if m:
                    found.append(m)
    if exp.hung_up_by is not None:
        want, where = exp.hung_up_by
        if want != out.hung_up_by:
            found.append(Mismatch(
                "hung up by",
                f"expected {want or 'nobody'}, but {out.hung_up_by or 'nobody'} hung up",
                where,
            ))
    if exp.prompts is not None:
        matchers, where = exp.prompts
        ok = len(matchers) == len(out.prompts) and all(
            m.matches(p) for m, p in zip(matchers, out.prompts, strict=False)
        )
        if not ok:
            diff = _unified(
                [m.describe() for m in matchers],
                [
                    matchers[i].describe()
                    if i < len(matchers) and matchers[i].matches(p) else p
                    for i, p in enumerate(out.prompts)
                ],
            )
            found.append(Mismatch(
                "prompts", f"{len(out.prompts)} prompts played, not as expected", where, diff
            ))
    if exp.digits is not None:
        m = _check_value("digits", exp.digits[0], out.digits, exp.digits[1])
        if m:
            found.append(m)
    if exp.status is not None:
        m = _check_value("AGISTATUS", exp.status[0], out.status, exp.status[1])
        if m:
            found.append(m)
    for key, (matcher, where) in exp.astdb.items():
        m = _check_value(f"AstDB /{key}", matcher, out.astdb.get(key), where)
        if m:
            found.append(m)
    return found


# --- AMI -------------------------------------------------------------------------------------


def _action_matches(step: ActionExpect, action: ObservedAction) -> bool:
    return step.matches(action.name, action.lower)


def _render_action(action: ObservedAction) -> str:
    return action.describe()


def check_ami(case: AMICase, out: AMIOutcome) -> list[Mismatch]:
    """Every way ``out`` differs from what ``case`` expects (empty: the program passed)."""
    found: list[Mismatch] = []
    exp = case.expect
    program_where = case.program.where if case.program else case.where
    if out.error is not None:
        found.append(Mismatch("program error", out.error, program_where))
    if exp is None:
        return found
    actions = [a for a in out.actions if a.name.lower() not in exp.ignore]
    if exp.actions:
        res = match_sequence(
            exp.actions, actions, exp.match, _action_matches, _render_action, "action"
        )
        if not res.ok:
            where = exp.actions[res.failed_step].where if res.failed_step is not None else \
                exp.where
            diff = sequence_diff(
                exp.actions, actions, res, _action_matches, _render_action, exp.match
            )
            found.append(Mismatch(f"AMI actions ({exp.match})", res.message, where, diff))
    if exp.exit_code is not None and out.error is None and out.exit_code != exp.exit_code:
        detail = f"; stderr:\n{out.stderr.rstrip()}" if out.stderr.strip() else ""
        found.append(Mismatch(
            "exit code", f"expected {exp.exit_code}, got {out.exit_code}{detail}", exp.where
        ))
    for label, spec, actual in (("stdout", exp.stdout, out.stdout), ("stderr", exp.stderr,
                                                                     out.stderr)):
        if spec is not None:
            m = _check_value(label, spec[0], actual, spec[1])
            if m:
                found.append(m)
    return found
