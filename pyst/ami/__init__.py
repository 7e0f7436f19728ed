"""The Asterisk Manager Interface: sans-IO core shared by the clients and the fake server.

* :mod:`pyst.ami.messages` - immutable :class:`Action`, :class:`Response`, :class:`Event`,
  :class:`Banner`, :class:`BadAction` and the server-side response builders.
* :mod:`pyst.ami.protocol` - :class:`AMIConnection` (``Role.CLIENT`` or ``Role.SERVER``):
  ``receive_data(bytes)``, ``next_event()``, ``send(message) -> bytes``.
* :mod:`pyst.ami.correlation` - :class:`Correlator`: ActionIDs, event lists, async Originate.

Bytes flow one way: socket -> ``AMIConnection`` -> messages -> ``Correlator`` -> your code,
and back through ``AMIConnection.send``. None of these modules does I/O.

On top of the core (imported on first use, so that importing the core stays light):

* :mod:`pyst.ami.actions` - one class per AMI action of Asterisk 22 (``Originate``, ...).
* :mod:`pyst.ami.client` - :class:`AMIClient`, the asyncio client (reconnect, keep-alive,
  event callbacks and streams).
* :mod:`pyst.ami.blocking` - :class:`BlockingAMIClient`, single-threaded (``poll``/``dispatch``).
* :mod:`pyst.ami.asyncagi` - :class:`AsyncAGIServer`: AGI handlers over AMI.
* :mod:`pyst.manager` - pyst2's ``Manager`` API on the same core.
"""

from typing import TYPE_CHECKING, Any

from pyst.ami.correlation import (
    LIST_COMPLETE_EVENTS,
    ActionResult,
    Correlator,
    Progress,
    Routed,
    Unsolicited,
    action_id_factory,
    is_async_originate,
)
from pyst.ami.messages import (
    END_COMMAND,
    GOODBYE_MESSAGE,
    LINE_TOO_LONG,
    TOO_MANY_LINES,
    Action,
    BadAction,
    Banner,
    Event,
    Field,
    Message,
    Response,
    make_bad_action_response,
    make_command_response,
    make_error,
    make_goodbye,
    make_legacy_command_response,
    make_list_ack,
    make_list_complete,
    make_list_item,
    make_response,
    split_variables,
)
from pyst.ami.protocol import (
    ASTERISK_INPUT_BUFFER,
    ASTERISK_MAX_HEADERS,
    CLIENT,
    DEFAULT_MAX_MESSAGE_SIZE,
    MAX_BANNER_LENGTH,
    NEED_DATA,
    SERVER,
    AMIConnection,
    ConnectionClosed,
    NeedData,
    ReceivedEvent,
    Role,
    SendableEvent,
    State,
)

if TYPE_CHECKING:
    from pyst.ami.actions import ACTIONS, AMIAction, get_action_class
    from pyst.ami.asyncagi import AsyncAGIChannel, AsyncAGIServer
    from pyst.ami.blocking import (
        BlockingAMIClient,
        Dispatcher,
        EventFilter,
        EventQueue,
        Subscription,
        check_result,
        md5_key,
    )
    from pyst.ami.client import AMIClient, Backoff, EventStream

# name -> module, for the I/O layers imported on first use.
_LAZY = {
    "AMIClient": "pyst.ami.client",
    "Backoff": "pyst.ami.client",
    "EventStream": "pyst.ami.client",
    "BlockingAMIClient": "pyst.ami.blocking",
    "Dispatcher": "pyst.ami.blocking",
    "EventFilter": "pyst.ami.blocking",
    "EventQueue": "pyst.ami.blocking",
    "Subscription": "pyst.ami.blocking",
    "check_result": "pyst.ami.blocking",
    "md5_key": "pyst.ami.blocking",
    "AsyncAGIServer": "pyst.ami.asyncagi",
    "AsyncAGIChannel": "pyst.ami.asyncagi",
    "AMIAction": "pyst.ami.actions",
    "ACTIONS": "pyst.ami.actions",
    "get_action_class": "pyst.ami.actions",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "ACTIONS",
    "ASTERISK_INPUT_BUFFER",
    "ASTERISK_MAX_HEADERS",
    "CLIENT",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "END_COMMAND",
    "GOODBYE_MESSAGE",
    "LINE_TOO_LONG",
    "LIST_COMPLETE_EVENTS",
    "MAX_BANNER_LENGTH",
    "NEED_DATA",
    "SERVER",
    "TOO_MANY_LINES",
    "AMIAction",
    "AMIClient",
    "AMIConnection",
    "Action",
    "ActionResult",
    "AsyncAGIChannel",
    "AsyncAGIServer",
    "Backoff",
    "BadAction",
    "Banner",
    "BlockingAMIClient",
    "ConnectionClosed",
    "Correlator",
    "Dispatcher",
    "Event",
    "EventFilter",
    "EventQueue",
    "EventStream",
    "Field",
    "Message",
    "NeedData",
    "Progress",
    "ReceivedEvent",
    "Response",
    "Role",
    "Routed",
    "SendableEvent",
    "State",
    "Subscription",
    "Unsolicited",
    "action_id_factory",
    "check_result",
    "get_action_class",
    "is_async_originate",
    "make_bad_action_response",
    "make_command_response",
    "make_error",
    "make_goodbye",
    "make_legacy_command_response",
    "make_list_ack",
    "make_list_complete",
    "make_list_item",
    "make_response",
    "md5_key",
    "split_variables",
]
