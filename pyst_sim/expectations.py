"""Scripted expectations of the fake AMI server, in the manner of pytest-httpserver.

::

    ami.expect_action("Originate", Channel="Local/100@ctx", Async="true").respond_with(
        Message="Originate successfully queued"
    ).then_emit("OriginateResponse", ActionID=ECHO, Response="Success", Reason="4")

Kinds (:class:`Expectation` ``mode``):

* ``permanent`` (``expect_action``): answers every matching action, any number of times;
* ``oneshot`` (``expect_oneshot_action``): answers the first matching action only; unmet if
  none came;
* ``ordered`` (``expect_ordered_action``): answered once each, in the order they were added;
  an action matching a later ordered expectation before the earlier ones were met is an error.

Matching is by action name (case-insensitive) and the given headers (names case-insensitive):
a value is a string (exact), a compiled regex (full match), a callable ``f(value) -> bool``,
:data:`ANY_VALUE` (present) or None (absent). Order of search: the next ordered expectation,
then oneshots, then permanents (oldest first).

An expectation without a scripted reply only records the match; the action then goes on down
the server's chain (responders, built-in emulation). Replies are rendered per action: field
values may be :data:`ECHO` (the same header of the action, e.g. ``ActionID=ECHO``) or a
callable ``f(action) -> str``.

:class:`ExpectationBook` keeps them, matches actions, and writes the report that
``FakeAMIServer.check()`` raises as :class:`~pyst_sim.errors.ExpectationError`: unmet
expectations, actions out of order, unexpected actions, each with the closest expectation and
a field diff.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from pyst.ami.messages import (
    Action,
    Event,
    Message,
    Response,
    make_error,
    make_list_ack,
    make_list_complete,
    make_list_item,
    make_response,
)

if TYPE_CHECKING:
    from pyst_sim.ami_server import AMISession

__all__ = [
    "ANY_VALUE",
    "ECHO",
    "Exchange",
    "Expectation",
    "ExpectationBook",
    "HeaderSpec",
    "closest",
    "field_diff",
]


class _AnyValue:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ANY_VALUE"


class _Echo:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ECHO"


#: Matches any value of a header that is present.
ANY_VALUE: Any = _AnyValue()
#: In a scripted reply: the value of the same header in the action being answered.
ECHO: Any = _Echo()

HeaderSpec = Union[str, int, "re.Pattern[str]", Callable[[str], bool], _AnyValue, None]
_Template = str | int | float | bool | _Echo | Callable[[Action], Any] | None

_ORDER = {"ordered": 0, "oneshot": 1, "permanent": 2}


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _caller() -> str:
    """``file:line`` of the code that created the expectation (outside pyst_sim)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE_DIR):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "?"


def _show(spec: HeaderSpec) -> str:
    if isinstance(spec, re.Pattern):
        return f"/{spec.pattern}/"
    if spec is None:
        return "(absent)"
    if callable(spec) and not isinstance(spec, _AnyValue):
        return getattr(spec, "__name__", repr(spec))
    return repr(spec) if not isinstance(spec, str) else spec


def _value_matches(spec: HeaderSpec, value: str | None) -> bool:
    if spec is None:
        return value is None
    if value is None:
        return False
    if isinstance(spec, _AnyValue):
        return True
    if isinstance(spec, str):
        return value == spec
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return value == str(spec)
    if isinstance(spec, re.Pattern):
        return spec.fullmatch(value) is not None
    if callable(spec):
        return bool(spec(value))
    return False


def _render(value: _Template, action: Action, name: str) -> Any:
    if isinstance(value, _Echo):
        return action.get(name)
    if callable(value):
        return value(action)
    return value


def _render_fields(items: Iterable[tuple[str, _Template]], action: Action) -> list[tuple[str, Any]]:
    out = []
    for name, value in items:
        rendered = _render(value, action, name)
        if rendered is not None:
            out.append((name, rendered))
    return out


@dataclass(frozen=True)
class _Step:
    kind: str  # "respond", "broadcast", "send", "wait", "close", "handler"
    payload: Any


class Expectation:
    """One scripted expectation; build it with the server's ``expect_*`` methods."""

    def __init__(
        self, name: str, headers: Mapping[str, HeaderSpec], mode: str, where: str = "?"
    ) -> None:
        if mode not in _ORDER:
            raise ValueError(f"mode must be permanent, oneshot or ordered, not {mode!r}")
        if not name:
            raise ValueError("an expectation needs an action name")
        self.name = name
        self.headers = dict(headers)
        self.mode = mode
        self.where = where
        self.steps: list[_Step] = []
        self.calls: list[Action] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={_show(v)}" for k, v in self.headers.items())
        return f"<{self.mode} expectation {self.name}({shown}) at {self.where}>"

    @property
    def describe(self) -> str:
        """``Action: X`` plus the expected headers, one per line."""
        lines = [f"Action: {self.name}"]
        lines.extend(f"{k}: {_show(v)}" for k, v in self.headers.items())
        return "\n".join(lines)

    @property
    def has_reply(self) -> bool:
        """True once a response or handler is scripted."""
        return any(s.kind in ("respond", "handler") for s in self.steps)

    # -- matching ------------------------------------------------------------------------

    def matches(self, action: Action) -> bool:
        """Does ``action`` satisfy the name and every header spec?"""
        if action.name.lower() != self.name.lower():
            return False
        return all(_value_matches(spec, action.get(name)) for name, spec in self.headers.items())

    def score(self, action: Action) -> int:
        """How close ``action`` comes (name counts most; each matching header one)."""
        points = 10 if action.name.lower() == self.name.lower() else 0
        for name, spec in self.headers.items():
            if _value_matches(spec, action.get(name)):
                points += 1
        return points

    def diff(self, action: Action) -> list[str]:
        """Lines ``- expected`` / ``+ got`` for every field that differs."""
        lines: list[str] = []
        if action.name.lower() != self.name.lower():
            lines.append(f"  - Action: {self.name}")
            lines.append(f"  + Action: {action.name or '(none)'}")
        for name, spec in self.headers.items():
            value = action.get(name)
            if not _value_matches(spec, value):
                lines.append(f"  - {name}: {_show(spec)}")
                lines.append(f"  + {name}: {'(absent)' if value is None else value}")
        return lines

    # -- scripting -----------------------------------------------------------------------

    def respond_with(
        self,
        response: Message | Sequence[Message] | None = None,
        /,
        **fields: _Template,
    ) -> Expectation:
        """Answer with a response: a :class:`~pyst.ami.messages.Response` (and more messages,
        written as given; the action's ActionID is added where a response lacks one), or
        ``Response: Success`` + ActionID + ``fields`` (``Response="Error"`` changes the
        status; ``Message=...`` is a field like the others)."""
        if response is not None and fields:
            raise TypeError("give a message or fields, not both")
        self.steps.append(_Step("respond", response if response is not None else fields))
        return self

    def respond_with_error(self, message: str) -> Expectation:
        """Answer ``Response: Error`` / ``Message: <message>``."""
        return self.respond_with(Response="Error", Message=message)

    def respond_with_list(
        self,
        item_event: str,
        items: Iterable[Mapping[str, _Template] | Sequence[tuple[str, _Template]]],
        *,
        message: str = "Result will follow",
        complete: str | None = None,
    ) -> Expectation:
        """Answer with an event list: ``EventList: start`` + ``Message``, one ``item_event``
        per item (ActionID second), then ``<complete>`` (default ``<Action>Complete``) with
        ``EventList: Complete`` and ``ListItems``."""
        frozen = [list(i.items()) if isinstance(i, Mapping) else list(i) for i in items]
        self.steps.append(_Step("list", (item_event, frozen, message, complete)))
        return self

    def respond_with_handler(
        self, handler: Callable[[AMISession, Action], Any]
    ) -> Expectation:
        """Answer with whatever ``handler(session, action)`` returns (a reply sequence as a
        responder returns; None passes the action on down the chain)."""
        self.steps.append(_Step("handler", handler))
        return self

    def then_emit(
        self,
        event: str | Event,
        fields: Iterable[tuple[str, _Template]] | Mapping[str, _Template] = (),
        /,
        **headers: _Template,
    ) -> Expectation:
        """After the response, send an event to every permitted session (the event path:
        classes, masks, filters)."""
        self.steps.append(_Step("broadcast", (event, _pairs(fields), list(headers.items()))))
        return self

    def then_send(
        self,
        event: str | Event,
        fields: Iterable[tuple[str, _Template]] | Mapping[str, _Template] = (),
        /,
        **headers: _Template,
    ) -> Expectation:
        """After the response, write an event to the requesting session only (no filters)."""
        self.steps.append(_Step("send", (event, _pairs(fields), list(headers.items()))))
        return self

    def then_wait(self, seconds: float) -> Expectation:
        """Pause (scaled by the server's ``time_scale``) before the next step."""
        self.steps.append(_Step("wait", float(seconds)))
        return self

    def then_close(self) -> Expectation:
        """Close the connection after the previous steps."""
        self.steps.append(_Step("close", None))
        return self

    # -- replying ------------------------------------------------------------------------

    def reply(self, session: AMISession, action: Action) -> Any:
        """The reply items for ``action`` (None when nothing is scripted)."""
        from pyst_sim.ami_server import Broadcast, Close, Delay

        if not self.steps:
            return None
        out: list[Any] = []
        for step in self.steps:
            if step.kind == "respond":
                payload = step.payload
                if isinstance(payload, Message):
                    out.append(_with_id(payload, action))
                elif isinstance(payload, (list, tuple)):
                    out.extend(_with_id(m, action) for m in payload)
                else:
                    items = _render_fields(payload.items(), action)
                    status = "Success"
                    rest = []
                    for name, value in items:
                        if name.lower() == "response":
                            status = str(value)
                        else:
                            rest.append((name, value))
                    out.append(make_response(action, status, None, rest))
            elif step.kind == "list":
                item_event, items, message, complete = step.payload
                out.append(make_list_ack(action, message))
                for item in items:
                    out.append(make_list_item(action, item_event, _render_fields(item, action)))
                done = complete or f"{action.name}Complete"
                out.append(make_list_complete(action, done, len(items)))
            elif step.kind == "handler":
                result = step.payload(session, action)
                if result is None:
                    return None
                out.extend(result)
            elif step.kind in ("broadcast", "send"):
                event, fields, headers = step.payload
                if isinstance(event, Event):
                    ev = event
                else:
                    ev = Event.make(
                        event,
                        _render_fields(fields, action) + _render_fields(headers, action),
                    )
                out.append(Broadcast(ev) if step.kind == "broadcast" else ev)
            elif step.kind == "wait":
                out.append(Delay(step.payload))
            elif step.kind == "close":
                out.append(Close())
        return out


def _pairs(fields: Iterable[tuple[str, _Template]] | Mapping[str, _Template]) -> list[Any]:
    return list(fields.items()) if isinstance(fields, Mapping) else list(fields)


def _with_id(message: Message, action: Action) -> Message:
    if isinstance(message, Response) and message.get("ActionID") is None and action.action_id:
        return message.with_action_id(action.action_id)
    return message


class Exchange(NamedTuple):
    """One action and its answer: session number, user, the action, the messages written in
    reply (responses, items, events sent), what answered (``builtin``, ``expectation``,
    ``responder ...``, ``not emulated``, ``framing``) and when (Unix time)."""

    session: int
    username: str | None
    action: Action
    replies: tuple[Any, ...]
    source: str
    expectation: Expectation | None
    at: float

    @property
    def response(self) -> Response | None:
        """The first response of the reply."""
        return next((m for m in self.replies if isinstance(m, Response)), None)


def closest(expectations: Sequence[Expectation], action: Action) -> Expectation | None:
    """The expectation ``action`` comes closest to (None if there are none)."""
    if not expectations:
        return None
    return max(expectations, key=lambda e: e.score(action))


def field_diff(expectation: Expectation, action: Action) -> str:
    """A readable diff of ``action`` against ``expectation``."""
    lines = expectation.diff(action)
    return "\n".join(lines) if lines else "  (every expected field matches)"


_AUTH_ACTIONS = frozenset({"login", "logoff", "challenge"})


class ExpectationBook:
    """The expectations of one server, thread-safe (tests script from their own thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Expectation] = []
        self._ordered_next = 0
        self._problems: list[str] = []
        self.active = False

    def add(self, name: str, headers: Mapping[str, HeaderSpec], mode: str) -> Expectation:
        """Create and keep an expectation."""
        exp = Expectation(name, headers, mode, _caller())
        with self._lock:
            self._items.append(exp)
            self.active = True
        return exp

    def all(self) -> list[Expectation]:
        """Every expectation, in the order added."""
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        """Forget every expectation and problem."""
        with self._lock:
            self._items.clear()
            self._problems.clear()
            self._ordered_next = 0
            self.active = False

    def _ordered(self) -> list[Expectation]:
        return [e for e in self._items if e.mode == "ordered"]

    def match(
        self, session: AMISession, action: Action, require: bool
    ) -> tuple[Any, str, Expectation] | None:
        """Find the expectation for ``action``; returns ``(reply or None, source, exp)``, or
        None when no expectation takes it (recorded as unexpected when ``require``)."""
        with self._lock:
            ordered = self._ordered()
            chosen: Expectation | None = None
            if self._ordered_next < len(ordered) and ordered[self._ordered_next].matches(action):
                chosen = ordered[self._ordered_next]
                self._ordered_next += 1
            if chosen is None:
                for later in ordered[self._ordered_next + 1 :]:
                    if later.matches(action) and not later.calls:
                        expected = ordered[self._ordered_next]
                        self._problems.append(
                            f"{action.name} arrived out of order: {later!r} matched before "
                            f"{expected!r} was met\n{field_diff(expected, action)}"
                        )
                        chosen = later
                        later.calls.append(action)
                        error = make_error(
                            action,
                            f"pyst-sim: action out of order, expected {expected.name} first",
                        )
                        return [error], "expectation (out of order)", later
            if chosen is None:
                for mode in ("oneshot", "permanent"):
                    for exp in self._items:
                        if exp.mode != mode or (mode == "oneshot" and exp.calls):
                            continue
                        if exp.matches(action):
                            chosen = exp
                            break
                    if chosen is not None:
                        break
            if chosen is None:
                if require and action.name.lower() not in _AUTH_ACTIONS:
                    near = closest(self._items, action)
                    text = f"unexpected action (session {session.id}):\n{_show_action(action)}"
                    if near is not None:
                        text += f"\n  closest: {near!r}\n{field_diff(near, action)}"
                    self._problems.append(text)
                return None
            chosen.calls.append(action)
        return chosen.reply(session, action), "expectation", chosen

    def report(self) -> list[str]:
        """Problems so far plus the unmet oneshot/ordered expectations."""
        with self._lock:
            out = list(self._problems)
            for exp in self._items:
                if exp.mode != "permanent" and not exp.calls:
                    out.append(f"unmet: {exp!r}\n" + _indent(exp.describe))
        return out


def _show_action(action: Action) -> str:
    return _indent("\n".join(f"{n}: {'***' if n.lower() in ('secret', 'key') else v}"
                             for n, v in action.fields))


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
