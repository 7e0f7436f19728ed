"""Sans-IO matching of AMI replies to actions: ActionIDs, event lists, async Originate.

A :class:`Correlator` sits between :class:`~pyst.ami.protocol.AMIConnection` (client role) and
the code that waits for answers. It never does I/O and never waits::

    corr = Correlator()                          # ActionIDs "pyst-000001", "pyst-000002", ...
    action = corr.track(Action.make("CoreShowChannels"))   # ActionID added if missing
    sock.sendall(conn.send(action))
    for message in conn.receive(sock.recv(65536)):
        routed = corr.receive(message)
        if isinstance(routed, ActionResult):     # the action is complete: hand it back
            ...
        elif isinstance(routed, Unsolicited):    # an ordinary event: dispatch it
            ...
        # Progress: a list ack or list item of a pending action (routed.action_id)

How replies complete an action (everything keyed by the ActionID Asterisk echoes):

* A ``Response`` with ``EventList: start`` (any case; PROTOCOL.md 1.7) opens a list: every
  ``Event`` carrying the ActionID is an item, until the event with ``EventList: Complete``
  (the ``...Complete`` event). Its ``ListItems`` (or ``Items`` when there is no ``ListItems``)
  is checked against the number of items: a mismatch or a non-number is reported in
  :attr:`ActionResult.problem` (and logged), never ignored. An empty list is a start and a
  ``Complete`` with ``ListItems: 0``. The list is driven by the response, not by a table, so
  ``Hangup`` with a ``/regex/`` channel (a list of ``ChannelHungup``) and a plain ``Hangup``
  (one response) both work. ``Status`` items carry ``Privilege: Call`` and ``StatusComplete``
  has ``Items:``; neither matters here.
* Older servers (Asterisk 11 and before) answer some list actions without ``EventList``
  headers: when the action is a known list action (:data:`LIST_COMPLETE_EVENTS`, from the
  22.10.1 action spec), its response is a success whose ``Message`` ends in ``will follow``,
  the list is gathered the same way and ends at the event named in that table.
* ``Originate`` with ``Async`` true (``yes``/``true``/``y``/``t``/``1``/``on``, as Asterisk's
  ``ast_true``): the ``Originate successfully queued`` response is progress; the
  ``OriginateResponse`` event carrying the ActionID completes it (one that arrives before the
  response is kept until the response comes).
* ``Response: Error`` completes at once, list or not (so does an error to an async Originate).
* Anything else completes on its response (``Logoff`` on ``Response: Goodbye``; a legacy
  ``Response: Follows`` Command reply too).
* Every message that matches no pending action is :class:`Unsolicited`: ordinary events, events
  that arrive between list items, late replies to cancelled actions, a ``UserEvent`` that
  copies the ActionID of an already answered ``UserEvent`` action, duplicate responses.

Actions tracked without an ActionID (``track(action, assign_id=False)``) are answered in
order: a ``Response`` without ActionID completes the oldest of them (Asterisk answers one
session's actions in order); their lists cannot be told from broadcast events, so they
complete on the response.

ActionIDs come from an injectable factory (``Correlator(id_factory=...)``); the default is
:func:`action_id_factory`, a prefix and a counter private to the correlator (no global state).
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pyst.ami.messages import Action, Event, Message, Response, _fold
from pyst.errors import LocalProtocolError

logger = logging.getLogger(__name__)

__all__ = [
    "LIST_COMPLETE_EVENTS",
    "ActionResult",
    "Correlator",
    "Progress",
    "Routed",
    "Unsolicited",
    "action_id_factory",
    "is_async_originate",
]

#: List actions of Asterisk 22.10.1 and the event that ends each list (from
#: ``shared/spec/ami_actions.json``: ``returns_event_list`` / ``list_complete_event``; a test
#: keeps the two in step). Used only for servers that send no ``EventList`` headers.
LIST_COMPLETE_EVENTS: Mapping[str, str] = MappingProxyType(
    {
        "Agents": "AgentsComplete",
        "BridgeInfo": "BridgeInfoComplete",
        "BridgeList": "BridgeListComplete",
        "BridgeTechnologyList": "BridgeTechnologyListComplete",
        "ConfbridgeList": "ConfbridgeListComplete",
        "ConfbridgeListRooms": "ConfbridgeListRoomsComplete",
        "CoreShowChannelMap": "CoreShowChannelMapComplete",
        "CoreShowChannels": "CoreShowChannelsComplete",
        "DAHDIShowChannels": "DAHDIShowChannelsComplete",
        "DAHDIShowStatus": "DAHDIShowStatusComplete",
        "DBGet": "DBGetComplete",
        "DBGetTree": "DBGetTreeComplete",
        "DeviceStateList": "DeviceStateListComplete",
        "ExtensionStateList": "ExtensionStateListComplete",
        "FAXSessions": "FAXSessionsComplete",
        "Hangup": "ChannelsHungupListComplete",
        "IAXpeerlist": "PeerlistComplete",
        "IAXpeers": "PeerlistComplete",
        "IAXregistry": "RegistrationsComplete",
        "MWIGet": "MWIGetComplete",
        "MeetmeList": "MeetmeListComplete",
        "MeetmeListRooms": "MeetmeListRoomsComplete",
        "PJSIPHangup": "ChannelsHungupListComplete",
        "PJSIPShowAors": "AorListComplete",
        "PJSIPShowAuths": "AuthListComplete",
        "PJSIPShowContacts": "ContactListComplete",
        "PJSIPShowEndpoint": "EndpointDetailComplete",
        "PJSIPShowEndpoints": "EndpointListComplete",
        "PJSIPShowMaintenance": "PJSIPMaintenanceStatusComplete",
        "PJSIPShowRegistrationInboundContactStatuses": "ContactStatusDetailComplete",
        "PJSIPShowRegistrationsInbound": "InboundRegistrationDetailComplete",
        "PJSIPShowRegistrationsOutbound": "OutboundRegistrationDetailComplete",
        "PJSIPShowResourceLists": "ResourceListDetailComplete",
        "PJSIPShowSubscriptionsInbound": "InboundSubscriptionDetailComplete",
        "PJSIPShowSubscriptionsOutbound": "OutboundSubscriptionDetailComplete",
        "PRIShowSpans": "PRIShowSpansComplete",
        "ParkedCalls": "ParkedCallsComplete",
        "Parkinglots": "ParkinglotsComplete",
        "PresenceStateList": "PresenceStateListComplete",
        "QueueStatus": "QueueStatusComplete",
        "QueueSummary": "QueueSummaryComplete",
        "ShowDialPlan": "ShowDialPlanComplete",
        "Status": "StatusComplete",
        "VoicemailBoxSummary": "VoicemailBoxDetailComplete",
        "VoicemailUserStatus": "VoicemailUserDetailComplete",
        "VoicemailUsersList": "VoicemailUserEntryComplete",
    }
)

_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})


def action_id_factory(prefix: str = "pyst", start: int = 1) -> Callable[[], str]:
    """A fresh ActionID generator: ``pyst-000001``, ``pyst-000002``, ...

    Each call returns an independent counter, so two correlators never share state.
    """
    counter = itertools.count(start)
    return lambda: f"{prefix}-{next(counter):06d}"


def is_async_originate(action: Message) -> bool:
    """True for ``Action: Originate`` whose ``Async`` is true for ``ast_true``."""
    return _fold(action.name) == "originate" and (action.get("Async") or "").lower() in _TRUE


@dataclass(frozen=True)
class ActionResult:
    """What an action got back; returned by :meth:`Correlator.receive` once complete.

    ``action``: the action as sent. ``response``: its response (``None`` if the connection
    closed or the wait was cancelled first). ``events``: list items in arrival order.
    ``completion``: the ``...Complete`` event of a list, or the ``OriginateResponse`` of an
    async Originate. ``complete``: everything expected arrived. ``is_list``: the response
    opened an event list. ``problem``: why the result is not trustworthy even though it is
    complete (``ListItems`` mismatch), or why it is incomplete (connection closed,
    cancelled); ``None`` when all is well.
    """

    action: Action
    response: Response | None = None
    events: tuple[Event, ...] = ()
    completion: Event | None = None
    complete: bool = False
    is_list: bool = False
    problem: str | None = None

    @property
    def action_id(self) -> str | None:
        """The ActionID the action was sent with."""
        return self.action.action_id

    @property
    def items(self) -> tuple[Event, ...]:
        """Same as :attr:`events` (the list items)."""
        return self.events

    @property
    def is_error(self) -> bool:
        """The response was ``Response: Error``."""
        return self.response is not None and self.response.is_error

    @property
    def ok(self) -> bool:
        """Complete, no problem, not an error, and (async Originate) the call succeeded."""
        if not self.complete or self.problem is not None or self.response is None:
            return False
        if self.response.is_error:
            return False
        completion = self.completion
        if completion is not None and _fold(completion.name) == "originateresponse":
            return _fold(completion.get("Response") or "") == "success"
        return True


@dataclass(frozen=True)
class Unsolicited:
    """A message that belongs to no pending action (dispatch it to event listeners)."""

    message: Message


@dataclass(frozen=True)
class Progress:
    """A message that belongs to a pending action that is not complete yet."""

    action_id: str | None
    message: Message


Routed = ActionResult | Unsolicited | Progress


@dataclass
class _Pending:
    action: Action
    action_id: str | None
    async_originate: bool
    list_complete_name: str | None
    response: Response | None = None
    is_list: bool = False
    items: list[Event] = field(default_factory=list)
    early: Event | None = None

    def result(self, complete: bool, completion: Event | None, problem: str | None) -> ActionResult:
        return ActionResult(
            action=self.action,
            response=self.response,
            events=tuple(self.items),
            completion=completion,
            complete=complete,
            is_list=self.is_list,
            problem=problem,
        )


class Correlator:
    """Matches replies to the actions of one AMI connection (client side; sans I/O).

    ``Correlator(id_factory=None, *, list_complete_events=LIST_COMPLETE_EVENTS)``:
    ``id_factory`` returns a new ActionID per call (default: :func:`action_id_factory`).
    """

    def __init__(
        self,
        id_factory: Callable[[], str] | None = None,
        *,
        list_complete_events: Mapping[str, str] = LIST_COMPLETE_EVENTS,
    ) -> None:
        self._new_id = id_factory if id_factory is not None else action_id_factory()
        self._list_complete = {_fold(k): v for k, v in list_complete_events.items()}
        self._pending: dict[str, _Pending] = {}
        self._anonymous: deque[_Pending] = deque()

    @property
    def pending(self) -> tuple[str, ...]:
        """ActionIDs still waiting, oldest first."""
        return tuple(self._pending)

    def __len__(self) -> int:
        return len(self._pending) + len(self._anonymous)

    def new_action_id(self) -> str:
        """A fresh ActionID from the factory."""
        return self._new_id()

    def track(self, action: Action, *, assign_id: bool = True) -> Action:
        """Register ``action`` as sent and return it as it must be sent.

        Without a (non-empty) ActionID, one is added (:meth:`Message.with_action_id`) unless
        ``assign_id`` is false, in which case the action is matched by order. Raises
        :class:`~pyst.errors.LocalProtocolError` if its ActionID is already pending.
        """
        action_id = action.action_id
        if action_id is None and assign_id:
            action_id = self._new_id()
            action = action.with_action_id(action_id)
        if action_id is not None and action_id in self._pending:
            raise LocalProtocolError(f"ActionID {action_id!r} is already waiting for a reply")
        pending = _Pending(
            action=action,
            action_id=action_id,
            async_originate=is_async_originate(action),
            list_complete_name=self._list_complete.get(_fold(action.name)),
        )
        if action_id is None:
            self._anonymous.append(pending)
        else:
            self._pending[action_id] = pending
        return action

    def receive(self, message: Message) -> Routed:
        """Route one received message: :class:`ActionResult` when it completes an action,
        :class:`Progress` when it belongs to one still pending, else :class:`Unsolicited`."""
        if isinstance(message, Response):
            return self._response(message)
        if isinstance(message, Event):
            return self._event(message)
        return Unsolicited(message)

    def cancel(self, action_id: str) -> ActionResult | None:
        """Stop waiting for ``action_id`` (e.g. on timeout): its incomplete result, or
        ``None`` if it was not pending. Later replies to it are :class:`Unsolicited`."""
        pending = self._pending.pop(action_id, None)
        if pending is None:
            return None
        return pending.result(False, None, "cancelled before it completed")

    def close(self, reason: str = "connection closed before the action completed") -> list[
        ActionResult
    ]:
        """The connection is gone: every pending action, as an incomplete result."""
        out = [p.result(False, None, reason) for p in self._pending.values()]
        out.extend(p.result(False, None, reason) for p in self._anonymous)
        self._pending.clear()
        self._anonymous.clear()
        return out

    # --- internals -------------------------------------------------------------------------

    def _finish(
        self, pending: _Pending, completion: Event | None = None, problem: str | None = None
    ) -> ActionResult:
        if pending.action_id is not None:
            self._pending.pop(pending.action_id, None)
        if problem is not None:
            logger.warning("AMI action %s (ActionID %s): %s", pending.action.name,
                           pending.action_id, problem)
        return pending.result(True, completion, problem)

    def _response(self, response: Response) -> Routed:
        action_id = response.action_id
        if action_id is not None:
            pending = self._pending.get(action_id)
        else:
            pending = self._anonymous.popleft() if self._anonymous else None
            if pending is not None:
                pending.response = response
                return self._finish(pending)
        if pending is None or pending.response is not None:
            return Unsolicited(response)
        pending.response = response
        if response.is_error:
            return self._finish(pending)
        event_list = response.get("EventList")
        if event_list is not None and _fold(event_list) == "start":
            pending.is_list = True
            return Progress(action_id, response)
        if (
            pending.list_complete_name is not None
            and event_list is None
            and _fold(response.status) == "success"
            and _fold(response.message or "").endswith("will follow")
        ):
            # Asterisk 11 and older: a list without EventList headers.
            pending.is_list = True
            return Progress(action_id, response)
        if pending.async_originate:
            if pending.early is not None:
                return self._finish(pending, pending.early)
            return Progress(action_id, response)
        return self._finish(pending)

    def _event(self, event: Event) -> Routed:
        action_id = event.action_id
        pending = self._pending.get(action_id) if action_id is not None else None
        if pending is None:
            return Unsolicited(event)
        if pending.response is None:
            if pending.async_originate and _fold(event.name) == "originateresponse":
                pending.early = event
                return Progress(action_id, event)
            return Unsolicited(event)
        if pending.is_list:
            event_list = event.get("EventList")
            if (event_list is not None and _fold(event_list) == "complete") or (
                pending.list_complete_name is not None
                and _fold(event.name) == _fold(pending.list_complete_name)
            ):
                return self._finish(pending, event, _check_count(event, len(pending.items)))
            pending.items.append(event)
            return Progress(action_id, event)
        if pending.async_originate and _fold(event.name) == "originateresponse":
            return self._finish(pending, event)
        return Unsolicited(event)  # pragma: no cover - such actions complete on their response


def _check_count(completion: Event, count: int) -> str | None:
    """Compare ``ListItems`` (or ``Items``) with the number of items received."""
    header = "ListItems"
    value = completion.get("ListItems")
    if value is None:
        header = "Items"
        value = completion.get("Items")
        if value is None:
            return None
    try:
        expected = int(value.strip())
    except ValueError:
        return f"{completion.name} has {header}: {value!r}, not a number ({count} items arrived)"
    if expected != count:
        return (
            f"{completion.name} says {header}: {expected} but {count} item events carrying the "
            "ActionID arrived"
        )
    return None
