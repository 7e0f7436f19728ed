"""One class per AMI action of Asterisk 22.10.1, generated from ``shared/spec/ami_actions.json``.

Do not edit: change ``tools/gen_ami_actions.py`` and run it to regenerate.
Source: asterisk/asterisk git tag 22.10.1 (LTS); XML docs assembled like
build_tools/make_xml_documentation, xi:include xpointers resolved; 154 actions.

Every class is an :class:`~pyst.ami.messages.Action` (so :class:`~pyst.ami.protocol.AMIConnection`
sends it and the :class:`~pyst.ami.correlation.Correlator` tracks it) built from typed keyword
arguments::

    from pyst.ami.actions import Originate, CoreShowChannels, DBGet

    Originate("PJSIP/100", context="default", exten="200", priority=1,
              variable={"CALLER": "me"}, run_async=True)
    DBGet("family", "key")
    Command("core show version")

Header names become snake-case keywords (``CallerID`` -> ``caller_id``, ``Async`` ->
``run_async``, ``From`` -> ``from_``). Required parameters (the XML ``required="true"``) come
first and may be given by position; Python refuses a call without them, and ``None`` or ``""``
for one raises ``ValueError`` before anything is sent. ``None`` leaves an optional header out;
``bool`` becomes ``true``/``false``. ``Variable`` takes a mapping (``{"A": "1"}``), ``name=value``
strings or ``(name, value)`` pairs and is sent as one ``Variable:`` header per variable. Comma
lists (``EventMask``, ``Codecs``, Status's ``Variables``) take a string or a sequence.
``UpdateConfig(changes=[{"Action": "NewCat", "Cat": "x"}, ...])`` numbers its headers
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
    "ACTIONS",
    "AGI",
    "AMIAction",
    "AOCMessage",
    "AbsoluteTimeout",
    "AgentLogoff",
    "Agents",
    "Atxfer",
    "BlindTransfer",
    "Bridge",
    "BridgeDestroy",
    "BridgeInfo",
    "BridgeKick",
    "BridgeList",
    "BridgeTechnologyList",
    "BridgeTechnologySuspend",
    "BridgeTechnologyUnsuspend",
    "CancelAtxfer",
    "Challenge",
    "Command",
    "ConfbridgeKick",
    "ConfbridgeList",
    "ConfbridgeListRooms",
    "ConfbridgeLock",
    "ConfbridgeMute",
    "ConfbridgeSetSingleVideoSrc",
    "ConfbridgeStartRecord",
    "ConfbridgeStopRecord",
    "ConfbridgeUnlock",
    "ConfbridgeUnmute",
    "ControlPlayback",
    "CoreSettings",
    "CoreShowChannelMap",
    "CoreShowChannels",
    "CoreStatus",
    "CreateConfig",
    "DAHDIDNDoff",
    "DAHDIDNDon",
    "DAHDIDialOffhook",
    "DAHDIHangup",
    "DAHDIRestart",
    "DAHDIShowChannels",
    "DAHDIShowStatus",
    "DAHDITransfer",
    "DBDel",
    "DBDelTree",
    "DBGet",
    "DBGetTree",
    "DBPut",
    "DeviceStateList",
    "DialplanExtensionAdd",
    "DialplanExtensionRemove",
    "Events",
    "ExtensionState",
    "ExtensionStateList",
    "FAXSession",
    "FAXSessions",
    "FAXStats",
    "Filter",
    "GetConfig",
    "GetConfigJSON",
    "Getvar",
    "Hangup",
    "IAXnetstats",
    "IAXpeerlist",
    "IAXpeers",
    "IAXregistry",
    "JabberSend",
    "ListCategories",
    "ListCommands",
    "LocalOptimizeAway",
    "LoggerRotate",
    "Login",
    "Logoff",
    "MWIDelete",
    "MWIGet",
    "MWIUpdate",
    "MailboxCount",
    "MailboxStatus",
    "MeetmeList",
    "MeetmeListRooms",
    "MeetmeMute",
    "MeetmeUnmute",
    "MessageSend",
    "MixMonitor",
    "MixMonitorMute",
    "ModuleCheck",
    "ModuleLoad",
    "MuteAudio",
    "Originate",
    "PJSIPHangup",
    "PJSIPNotify",
    "PJSIPQualify",
    "PJSIPRegister",
    "PJSIPSetMaintenance",
    "PJSIPShowAors",
    "PJSIPShowAuths",
    "PJSIPShowContacts",
    "PJSIPShowEndpoint",
    "PJSIPShowEndpoints",
    "PJSIPShowMaintenance",
    "PJSIPShowRegistrationInboundContactStatuses",
    "PJSIPShowRegistrationsInbound",
    "PJSIPShowRegistrationsOutbound",
    "PJSIPShowResourceLists",
    "PJSIPShowSubscriptionsInbound",
    "PJSIPShowSubscriptionsOutbound",
    "PJSIPUnregister",
    "PRIDebugFileSet",
    "PRIDebugFileUnset",
    "PRIDebugSet",
    "PRIShowSpans",
    "Parameter",
    "Park",
    "ParkedCalls",
    "Parkinglots",
    "Ping",
    "PlayDTMF",
    "PlayMF",
    "PresenceState",
    "PresenceStateList",
    "QueueAdd",
    "QueueChangePriorityCaller",
    "QueueLog",
    "QueueMemberRingInUse",
    "QueuePause",
    "QueuePenalty",
    "QueueReload",
    "QueueRemove",
    "QueueReset",
    "QueueRule",
    "QueueStatus",
    "QueueSummary",
    "QueueWithdrawCaller",
    "Redirect",
    "Reload",
    "SendFlash",
    "SendText",
    "Setvar",
    "ShowDialPlan",
    "SorceryMemoryCacheExpire",
    "SorceryMemoryCacheExpireObject",
    "SorceryMemoryCachePopulate",
    "SorceryMemoryCacheStale",
    "SorceryMemoryCacheStaleObject",
    "Status",
    "StopMixMonitor",
    "UpdateConfig",
    "UserEvent",
    "Value",
    "Variables",
    "VoicemailBoxSummary",
    "VoicemailForward",
    "VoicemailMove",
    "VoicemailRefresh",
    "VoicemailRemove",
    "VoicemailUserStatus",
    "VoicemailUsersList",
    "WaitEvent",
    "get_action_class",
]

#: A header value: ``bool`` is sent as ``true``/``false``, numbers as text.
Value: TypeAlias = "str | int | float | bool"
#: ``Variable`` values: ``{name: value}``, ``["name=value", ...]`` or ``[(name, value), ...]``.
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
        return [f"{_to_text(k)}={_to_text(v)}" for k, v in value.items()]
    if isinstance(value, (str, bytes)):
        raise TypeError("Variable takes a mapping or a sequence, not a single string")
    out = []
    for item in value:  # type: ignore[attr-defined]
        if isinstance(item, tuple):
            name, val = item
            out.append(f"{_to_text(name)}={_to_text(val)}")
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
                    raise ValueError(f"{name}: {param.header} ({param.name}=) is required")
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
                fields.extend((f"{header}({i})", _to_text(v)) for i, v in enumerate(units))
            else:  # numbered: UpdateConfig's changes
                changes = cast("Sequence[Mapping[str, Value]]", value)
                for i, change in enumerate(changes):
                    fields.extend((f"{k}-{i:06d}", _to_text(v)) for k, v in change.items())
        if headers:
            known = {_fold(p.header): p.name for p in self.parameters}
            known["action"] = "(the class)"
            known["actionid"] = "action_id"
            for header, value in headers.items():
                keyword = known.get(_fold(header))
                if keyword is not None:
                    raise TypeError(f"{name}: give {header} as {keyword}=, not as a header")
                if value is None:
                    continue
                if isinstance(value, (list, tuple)):
                    fields.extend((header, _to_text(v)) for v in value)
                else:
                    fields.append((header, _to_text(value)))
        Action.__init__(self, fields)


class AGI(AMIAction):
    """The ``AGI`` action (``res_agi``).

    Write permission: agi.
    Keywords: ``channel`` (required), ``command`` (required), ``command_id``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "AGI"
    module: ClassVar[str] = "res_agi"
    permission: ClassVar[tuple[str, ...]] = ("agi",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Command", "command", True, "value"),
        Parameter("CommandID", "command_id", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        command: Value,
        *,
        command_id: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, command, command_id), action_id, headers)


class AOCMessage(AMIAction):
    """The ``AOCMessage`` action (``builtin``).

    Write permission: aoc.
    Keywords: ``msg_type`` (required), ``channel``, ``channel_prefix``, ``charge_type``,
    ``unit_amount`` (``UnitAmount(N)``), ``unit_type`` (``UnitType(N)``), ``currency_name``,
    ``currency_amount``, ``currency_multiplier``, ``total_type``, ``aoc_billing_id``,
    ``charging_association_id``, ``charging_association_number``, ``charging_association_plan``,
    ``charged_item``, ``rate_type``, ``time``, ``time_scale``, ``granularity``,
    ``granularity_time_scale``, ``charging_type``, ``volume_unit``, ``code``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "AOCMessage"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("aoc",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("MsgType", "msg_type", True, "value"),
        Parameter("Channel", "channel", False, "value"),
        Parameter("ChannelPrefix", "channel_prefix", False, "value"),
        Parameter("ChargeType", "charge_type", False, "value"),
        Parameter("UnitAmount", "unit_amount", False, "indexed"),
        Parameter("UnitType", "unit_type", False, "indexed"),
        Parameter("CurrencyName", "currency_name", False, "value"),
        Parameter("CurrencyAmount", "currency_amount", False, "value"),
        Parameter("CurrencyMultiplier", "currency_multiplier", False, "value"),
        Parameter("TotalType", "total_type", False, "value"),
        Parameter("AOCBillingId", "aoc_billing_id", False, "value"),
        Parameter("ChargingAssociationId", "charging_association_id", False, "value"),
        Parameter("ChargingAssociationNumber", "charging_association_number", False, "value"),
        Parameter("ChargingAssociationPlan", "charging_association_plan", False, "value"),
        Parameter("ChargedItem", "charged_item", False, "value"),
        Parameter("RateType", "rate_type", False, "value"),
        Parameter("Time", "time", False, "value"),
        Parameter("TimeScale", "time_scale", False, "value"),
        Parameter("Granularity", "granularity", False, "value"),
        Parameter("GranularityTimeScale", "granularity_time_scale", False, "value"),
        Parameter("ChargingType", "charging_type", False, "value"),
        Parameter("VolumeUnit", "volume_unit", False, "value"),
        Parameter("Code", "code", False, "value"),
    )

    def __init__(
        self,
        msg_type: Value,
        *,
        channel: Value | None = None,
        channel_prefix: Value | None = None,
        charge_type: Value | None = None,
        unit_amount: Sequence[Value] | None = None,
        unit_type: Sequence[Value] | None = None,
        currency_name: Value | None = None,
        currency_amount: Value | None = None,
        currency_multiplier: Value | None = None,
        total_type: Value | None = None,
        aoc_billing_id: Value | None = None,
        charging_association_id: Value | None = None,
        charging_association_number: Value | None = None,
        charging_association_plan: Value | None = None,
        charged_item: Value | None = None,
        rate_type: Value | None = None,
        time: Value | None = None,
        time_scale: Value | None = None,
        granularity: Value | None = None,
        granularity_time_scale: Value | None = None,
        charging_type: Value | None = None,
        volume_unit: Value | None = None,
        code: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                msg_type,
                channel,
                channel_prefix,
                charge_type,
                unit_amount,
                unit_type,
                currency_name,
                currency_amount,
                currency_multiplier,
                total_type,
                aoc_billing_id,
                charging_association_id,
                charging_association_number,
                charging_association_plan,
                charged_item,
                rate_type,
                time,
                time_scale,
                granularity,
                granularity_time_scale,
                charging_type,
                volume_unit,
                code,
            ),
            action_id,
            headers,
        )


class AbsoluteTimeout(AMIAction):
    """The ``AbsoluteTimeout`` action (``builtin``).

    Write permission: system, call.
    Keywords: ``channel`` (required), ``timeout`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "AbsoluteTimeout"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "call")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Timeout", "timeout", True, "value"),
    )

    def __init__(
        self,
        channel: Value,
        timeout: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, timeout), action_id, headers)


class AgentLogoff(AMIAction):
    """The ``AgentLogoff`` action (``app_agent_pool``).

    Write permission: agent.
    Keywords: ``agent`` (required), ``soft``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "AgentLogoff"
    module: ClassVar[str] = "app_agent_pool"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Agent", "agent", True, "value"),
        Parameter("Soft", "soft", False, "value"),
    )

    def __init__(
        self,
        agent: Value,
        *,
        soft: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((agent, soft), action_id, headers)


class Agents(AMIAction):
    """The ``Agents`` action (``app_agent_pool``).

    Write permission: agent.
    Answers with an event list: ``Agents``, then ``AgentsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Agents"
    module: ClassVar[str] = "app_agent_pool"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ("Agents",)
    list_complete_event: ClassVar[str | None] = "AgentsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class Atxfer(AMIAction):
    """The ``Atxfer`` action (``builtin``).

    Write permission: call.
    Keywords: ``channel`` (required), ``exten`` (required), ``context``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Atxfer"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Exten", "exten", True, "value"),
        Parameter("Context", "context", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        exten: Value,
        *,
        context: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, exten, context), action_id, headers)


class BlindTransfer(AMIAction):
    """The ``BlindTransfer`` action (``builtin``).

    Write permission: call.
    Keywords: ``channel`` (required), ``context``, ``exten``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BlindTransfer"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Context", "context", False, "value"),
        Parameter("Exten", "exten", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        context: Value | None = None,
        exten: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, context, exten), action_id, headers)


class Bridge(AMIAction):
    """The ``Bridge`` action (``builtin``).

    Write permission: call.
    Keywords: ``channel1`` (required), ``channel2`` (required), ``tone``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Bridge"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel1", "channel1", True, "value"),
        Parameter("Channel2", "channel2", True, "value"),
        Parameter("Tone", "tone", False, "value"),
    )

    def __init__(
        self,
        channel1: Value,
        channel2: Value,
        *,
        tone: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel1, channel2, tone), action_id, headers)


class BridgeDestroy(AMIAction):
    """The ``BridgeDestroy`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``bridge_uniqueid`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BridgeDestroy"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("BridgeUniqueid", "bridge_uniqueid", True, "value"),
    )

    def __init__(
        self,
        bridge_uniqueid: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((bridge_uniqueid,), action_id, headers)


class BridgeInfo(AMIAction):
    """The ``BridgeInfo`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``bridge_uniqueid`` (required).
    Answers with an event list: ``BridgeInfoChannel``, then ``BridgeInfoComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BridgeInfo"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("BridgeInfoChannel",)
    list_complete_event: ClassVar[str | None] = "BridgeInfoComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("BridgeUniqueid", "bridge_uniqueid", True, "value"),
    )

    def __init__(
        self,
        bridge_uniqueid: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((bridge_uniqueid,), action_id, headers)


class BridgeKick(AMIAction):
    """The ``BridgeKick`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``channel`` (required), ``bridge_uniqueid``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BridgeKick"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("BridgeUniqueid", "bridge_uniqueid", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        bridge_uniqueid: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, bridge_uniqueid), action_id, headers)


class BridgeList(AMIAction):
    """The ``BridgeList`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``bridge_type``.
    Answers with an event list: ``BridgeListItem``, then ``BridgeListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BridgeList"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("BridgeListItem",)
    list_complete_event: ClassVar[str | None] = "BridgeListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("BridgeType", "bridge_type", False, "value"),
    )

    def __init__(
        self,
        *,
        bridge_type: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((bridge_type,), action_id, headers)


class BridgeTechnologyList(AMIAction):
    """The ``BridgeTechnologyList`` action (``builtin``).

    Write permission: none needed.
    Answers with an event list: ``BridgeTechnologyListItem``, then
    ``BridgeTechnologyListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BridgeTechnologyList"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("BridgeTechnologyListItem",)
    list_complete_event: ClassVar[str | None] = "BridgeTechnologyListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class BridgeTechnologySuspend(AMIAction):
    """The ``BridgeTechnologySuspend`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``bridge_technology`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BridgeTechnologySuspend"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("BridgeTechnology", "bridge_technology", True, "value"),
    )

    def __init__(
        self,
        bridge_technology: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((bridge_technology,), action_id, headers)


class BridgeTechnologyUnsuspend(AMIAction):
    """The ``BridgeTechnologyUnsuspend`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``bridge_technology`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "BridgeTechnologyUnsuspend"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("BridgeTechnology", "bridge_technology", True, "value"),
    )

    def __init__(
        self,
        bridge_technology: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((bridge_technology,), action_id, headers)


class CancelAtxfer(AMIAction):
    """The ``CancelAtxfer`` action (``builtin``).

    Write permission: call.
    Keywords: ``channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "CancelAtxfer"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel,), action_id, headers)


class Challenge(AMIAction):
    """The ``Challenge`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``auth_type`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Challenge"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("AuthType", "auth_type", True, "value"),
    )

    def __init__(
        self,
        auth_type: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((auth_type,), action_id, headers)


class Command(AMIAction):
    """The ``Command`` action (``builtin``).

    Write permission: command.
    Keywords: ``command`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Command"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("command",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Command", "command", True, "value"),
    )

    def __init__(
        self,
        command: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((command,), action_id, headers)


class ConfbridgeKick(AMIAction):
    """The ``ConfbridgeKick`` action (``app_confbridge``).

    Write permission: call.
    Keywords: ``conference`` (required), ``channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeKick"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
        Parameter("Channel", "channel", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference, channel), action_id, headers)


class ConfbridgeList(AMIAction):
    """The ``ConfbridgeList`` action (``app_confbridge``).

    Write permission: reporting.
    Keywords: ``conference`` (required).
    Answers with an event list: ``ConfbridgeList``, then ``ConfbridgeListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeList"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("reporting",)
    list_events: ClassVar[tuple[str, ...]] = ("ConfbridgeList",)
    list_complete_event: ClassVar[str | None] = "ConfbridgeListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference,), action_id, headers)


class ConfbridgeListRooms(AMIAction):
    """The ``ConfbridgeListRooms`` action (``app_confbridge``).

    Write permission: reporting.
    Answers with an event list: ``ConfbridgeListRooms``, then ``ConfbridgeListRoomsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeListRooms"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("reporting",)
    list_events: ClassVar[tuple[str, ...]] = ("ConfbridgeListRooms",)
    list_complete_event: ClassVar[str | None] = "ConfbridgeListRoomsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class ConfbridgeLock(AMIAction):
    """The ``ConfbridgeLock`` action (``app_confbridge``).

    Write permission: call.
    Keywords: ``conference`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeLock"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference,), action_id, headers)


class ConfbridgeMute(AMIAction):
    """The ``ConfbridgeMute`` action (``app_confbridge``).

    Write permission: call.
    Keywords: ``conference`` (required), ``channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeMute"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
        Parameter("Channel", "channel", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference, channel), action_id, headers)


class ConfbridgeSetSingleVideoSrc(AMIAction):
    """The ``ConfbridgeSetSingleVideoSrc`` action (``app_confbridge``).

    Write permission: call.
    Keywords: ``conference`` (required), ``channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeSetSingleVideoSrc"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
        Parameter("Channel", "channel", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference, channel), action_id, headers)


class ConfbridgeStartRecord(AMIAction):
    """The ``ConfbridgeStartRecord`` action (``app_confbridge``).

    Write permission: system.
    Keywords: ``conference`` (required), ``record_file``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeStartRecord"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
        Parameter("RecordFile", "record_file", False, "value"),
    )

    def __init__(
        self,
        conference: Value,
        *,
        record_file: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference, record_file), action_id, headers)


class ConfbridgeStopRecord(AMIAction):
    """The ``ConfbridgeStopRecord`` action (``app_confbridge``).

    Write permission: system.
    Keywords: ``conference`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeStopRecord"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference,), action_id, headers)


class ConfbridgeUnlock(AMIAction):
    """The ``ConfbridgeUnlock`` action (``app_confbridge``).

    Write permission: call.
    Keywords: ``conference`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeUnlock"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference,), action_id, headers)


class ConfbridgeUnmute(AMIAction):
    """The ``ConfbridgeUnmute`` action (``app_confbridge``).

    Write permission: call.
    Keywords: ``conference`` (required), ``channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ConfbridgeUnmute"
    module: ClassVar[str] = "app_confbridge"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", True, "value"),
        Parameter("Channel", "channel", True, "value"),
    )

    def __init__(
        self,
        conference: Value,
        channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference, channel), action_id, headers)


class ControlPlayback(AMIAction):
    """The ``ControlPlayback`` action (``app_controlplayback``).

    Write permission: call.
    Keywords: ``channel`` (required), ``control`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ControlPlayback"
    module: ClassVar[str] = "app_controlplayback"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Control", "control", True, "value"),
    )

    def __init__(
        self,
        channel: Value,
        control: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, control), action_id, headers)


class CoreSettings(AMIAction):
    """The ``CoreSettings`` action (``builtin``).

    Write permission: system, reporting.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "CoreSettings"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class CoreShowChannelMap(AMIAction):
    """The ``CoreShowChannelMap`` action (``builtin``).

    Write permission: system, reporting.
    Keywords: ``channel``.
    Answers with an event list: ``CoreShowChannelMap``, then ``CoreShowChannelMapComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "CoreShowChannelMap"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("CoreShowChannelMap",)
    list_complete_event: ClassVar[str | None] = "CoreShowChannelMapComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", False, "value"),
    )

    def __init__(
        self,
        *,
        channel: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel,), action_id, headers)


class CoreShowChannels(AMIAction):
    """The ``CoreShowChannels`` action (``builtin``).

    Write permission: system, reporting.
    Answers with an event list: ``CoreShowChannel``, then ``CoreShowChannelsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "CoreShowChannels"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("CoreShowChannel",)
    list_complete_event: ClassVar[str | None] = "CoreShowChannelsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class CoreStatus(AMIAction):
    """The ``CoreStatus`` action (``builtin``).

    Write permission: system, reporting.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "CoreStatus"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class CreateConfig(AMIAction):
    """The ``CreateConfig`` action (``builtin``).

    Write permission: config.
    Keywords: ``filename`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "CreateConfig"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("config",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Filename", "filename", True, "value"),
    )

    def __init__(
        self,
        filename: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((filename,), action_id, headers)


class DAHDIDNDoff(AMIAction):
    """The ``DAHDIDNDoff`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``dahdi_channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDIDNDoff"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("DAHDIChannel", "dahdi_channel", True, "value"),
    )

    def __init__(
        self,
        dahdi_channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((dahdi_channel,), action_id, headers)


class DAHDIDNDon(AMIAction):
    """The ``DAHDIDNDon`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``dahdi_channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDIDNDon"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("DAHDIChannel", "dahdi_channel", True, "value"),
    )

    def __init__(
        self,
        dahdi_channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((dahdi_channel,), action_id, headers)


class DAHDIDialOffhook(AMIAction):
    """The ``DAHDIDialOffhook`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``dahdi_channel`` (required), ``number`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDIDialOffhook"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("DAHDIChannel", "dahdi_channel", True, "value"),
        Parameter("Number", "number", True, "value"),
    )

    def __init__(
        self,
        dahdi_channel: Value,
        number: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((dahdi_channel, number), action_id, headers)


class DAHDIHangup(AMIAction):
    """The ``DAHDIHangup`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``dahdi_channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDIHangup"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("DAHDIChannel", "dahdi_channel", True, "value"),
    )

    def __init__(
        self,
        dahdi_channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((dahdi_channel,), action_id, headers)


class DAHDIRestart(AMIAction):
    """The ``DAHDIRestart`` action (``chan_dahdi``).

    Write permission: none needed.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDIRestart"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class DAHDIShowChannels(AMIAction):
    """The ``DAHDIShowChannels`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``dahdi_channel``.
    Answers with an event list: ``DAHDIShowChannels``, then ``DAHDIShowChannelsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDIShowChannels"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("DAHDIShowChannels",)
    list_complete_event: ClassVar[str | None] = "DAHDIShowChannelsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("DAHDIChannel", "dahdi_channel", False, "value"),
    )

    def __init__(
        self,
        *,
        dahdi_channel: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((dahdi_channel,), action_id, headers)


class DAHDIShowStatus(AMIAction):
    """The ``DAHDIShowStatus`` action (``chan_dahdi``).

    Write permission: none needed.
    Answers with an event list: ``DAHDIShowStatus``, then ``DAHDIShowStatusComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDIShowStatus"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("DAHDIShowStatus",)
    list_complete_event: ClassVar[str | None] = "DAHDIShowStatusComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class DAHDITransfer(AMIAction):
    """The ``DAHDITransfer`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``dahdi_channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DAHDITransfer"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("DAHDIChannel", "dahdi_channel", True, "value"),
    )

    def __init__(
        self,
        dahdi_channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((dahdi_channel,), action_id, headers)


class DBDel(AMIAction):
    """The ``DBDel`` action (``builtin``).

    Write permission: system.
    Keywords: ``family`` (required), ``key`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DBDel"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Family", "family", True, "value"),
        Parameter("Key", "key", True, "value"),
    )

    def __init__(
        self,
        family: Value,
        key: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((family, key), action_id, headers)


class DBDelTree(AMIAction):
    """The ``DBDelTree`` action (``builtin``).

    Write permission: system.
    Keywords: ``family`` (required), ``key``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DBDelTree"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Family", "family", True, "value"),
        Parameter("Key", "key", False, "value"),
    )

    def __init__(
        self,
        family: Value,
        *,
        key: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((family, key), action_id, headers)


class DBGet(AMIAction):
    """The ``DBGet`` action (``builtin``).

    Write permission: system, reporting.
    Keywords: ``family`` (required), ``key`` (required).
    Answers with an event list: ``DBGetResponse``, then ``DBGetComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DBGet"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("DBGetResponse",)
    list_complete_event: ClassVar[str | None] = "DBGetComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Family", "family", True, "value"),
        Parameter("Key", "key", True, "value"),
    )

    def __init__(
        self,
        family: Value,
        key: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((family, key), action_id, headers)


class DBGetTree(AMIAction):
    """The ``DBGetTree`` action (``builtin``).

    Write permission: system, reporting.
    Keywords: ``family``, ``key``.
    Answers with an event list: ``DBGetTreeResponse``, then ``DBGetTreeComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DBGetTree"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("DBGetTreeResponse",)
    list_complete_event: ClassVar[str | None] = "DBGetTreeComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Family", "family", False, "value"),
        Parameter("Key", "key", False, "value"),
    )

    def __init__(
        self,
        *,
        family: Value | None = None,
        key: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((family, key), action_id, headers)


class DBPut(AMIAction):
    """The ``DBPut`` action (``builtin``).

    Write permission: system.
    Keywords: ``family`` (required), ``key`` (required), ``val``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DBPut"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Family", "family", True, "value"),
        Parameter("Key", "key", True, "value"),
        Parameter("Val", "val", False, "value"),
    )

    def __init__(
        self,
        family: Value,
        key: Value,
        *,
        val: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((family, key, val), action_id, headers)


class DeviceStateList(AMIAction):
    """The ``DeviceStateList`` action (``res_manager_devicestate``).

    Write permission: call, reporting.
    Answers with an event list: ``DeviceStateChange``, then ``DeviceStateListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DeviceStateList"
    module: ClassVar[str] = "res_manager_devicestate"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("DeviceStateChange",)
    list_complete_event: ClassVar[str | None] = "DeviceStateListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class DialplanExtensionAdd(AMIAction):
    """The ``DialplanExtensionAdd`` action (``pbx_config``).

    Write permission: system.
    Keywords: ``context`` (required), ``extension`` (required), ``priority`` (required),
    ``application`` (required), ``application_data``, ``replace``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DialplanExtensionAdd"
    module: ClassVar[str] = "pbx_config"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", True, "value"),
        Parameter("Extension", "extension", True, "value"),
        Parameter("Priority", "priority", True, "value"),
        Parameter("Application", "application", True, "value"),
        Parameter("ApplicationData", "application_data", False, "value"),
        Parameter("Replace", "replace", False, "value"),
    )

    def __init__(
        self,
        context: Value,
        extension: Value,
        priority: Value,
        application: Value,
        *,
        application_data: Value | None = None,
        replace: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                context,
                extension,
                priority,
                application,
                application_data,
                replace,
            ),
            action_id,
            headers,
        )


class DialplanExtensionRemove(AMIAction):
    """The ``DialplanExtensionRemove`` action (``pbx_config``).

    Write permission: system.
    Keywords: ``context`` (required), ``extension`` (required), ``priority``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "DialplanExtensionRemove"
    module: ClassVar[str] = "pbx_config"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", True, "value"),
        Parameter("Extension", "extension", True, "value"),
        Parameter("Priority", "priority", False, "value"),
    )

    def __init__(
        self,
        context: Value,
        extension: Value,
        *,
        priority: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((context, extension, priority), action_id, headers)


class Events(AMIAction):
    """The ``Events`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``event_mask`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Events"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("EventMask", "event_mask", True, "csv"),
    )

    def __init__(
        self,
        event_mask: Value | Sequence[str],
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((event_mask,), action_id, headers)


class ExtensionState(AMIAction):
    """The ``ExtensionState`` action (``builtin``).

    Write permission: call, reporting.
    Keywords: ``exten`` (required), ``context`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ExtensionState"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Exten", "exten", True, "value"),
        Parameter("Context", "context", True, "value"),
    )

    def __init__(
        self,
        exten: Value,
        context: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((exten, context), action_id, headers)


class ExtensionStateList(AMIAction):
    """The ``ExtensionStateList`` action (``builtin``).

    Write permission: call, reporting.
    Answers with an event list: ``ExtensionStatus``, then ``ExtensionStateListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ExtensionStateList"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("ExtensionStatus",)
    list_complete_event: ClassVar[str | None] = "ExtensionStateListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class FAXSession(AMIAction):
    """The ``FAXSession`` action (``res_fax``).

    Write permission: call.
    Keywords: ``session_number`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "FAXSession"
    module: ClassVar[str] = "res_fax"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("SessionNumber", "session_number", True, "value"),
    )

    def __init__(
        self,
        session_number: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((session_number,), action_id, headers)


class FAXSessions(AMIAction):
    """The ``FAXSessions`` action (``res_fax``).

    Write permission: call.
    Answers with an event list: ``FAXSessionsEntry``, then ``FAXSessionsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "FAXSessions"
    module: ClassVar[str] = "res_fax"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ("FAXSessionsEntry",)
    list_complete_event: ClassVar[str | None] = "FAXSessionsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class FAXStats(AMIAction):
    """The ``FAXStats`` action (``res_fax``).

    Write permission: reporting.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "FAXStats"
    module: ClassVar[str] = "res_fax"
    permission: ClassVar[tuple[str, ...]] = ("reporting",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class Filter(AMIAction):
    """The ``Filter`` action (``builtin``).

    Write permission: system.
    Keywords: ``operation``, ``match_criteria``, ``filter``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Filter"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Operation", "operation", False, "value"),
        Parameter("MatchCriteria", "match_criteria", False, "value"),
        Parameter("Filter", "filter", False, "value"),
    )

    def __init__(
        self,
        *,
        operation: Value | None = None,
        match_criteria: Value | None = None,
        filter: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((operation, match_criteria, filter), action_id, headers)


class GetConfig(AMIAction):
    """The ``GetConfig`` action (``builtin``).

    Write permission: system, config.
    Keywords: ``filename`` (required), ``category``, ``filter``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "GetConfig"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "config")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Filename", "filename", True, "value"),
        Parameter("Category", "category", False, "value"),
        Parameter("Filter", "filter", False, "value"),
    )

    def __init__(
        self,
        filename: Value,
        *,
        category: Value | None = None,
        filter: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((filename, category, filter), action_id, headers)


class GetConfigJSON(AMIAction):
    """The ``GetConfigJSON`` action (``builtin``).

    Write permission: system, config.
    Keywords: ``filename`` (required), ``category``, ``filter``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "GetConfigJSON"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "config")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Filename", "filename", True, "value"),
        Parameter("Category", "category", False, "value"),
        Parameter("Filter", "filter", False, "value"),
    )

    def __init__(
        self,
        filename: Value,
        *,
        category: Value | None = None,
        filter: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((filename, category, filter), action_id, headers)


class Getvar(AMIAction):
    """The ``Getvar`` action (``builtin``).

    Write permission: call, reporting.
    Keywords: ``variable`` (required), ``channel``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Getvar"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Variable", "variable", True, "value"),
        Parameter("Channel", "channel", False, "value"),
    )

    def __init__(
        self,
        variable: Value,
        *,
        channel: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((variable, channel), action_id, headers)


class Hangup(AMIAction):
    """The ``Hangup`` action (``builtin``).

    Write permission: system, call.
    Keywords: ``channel`` (required), ``cause``.
    Answers with an event list: ``ChannelHungup``, then ``ChannelsHungupListComplete``.
    Note: event list (ChannelHungup items + ChannelsHungupListComplete) only when Channel is
    given as /regex/; a plain channel name gives a single Success "Channel Hungup" response.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Hangup"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "call")
    list_events: ClassVar[tuple[str, ...]] = ("ChannelHungup",)
    list_complete_event: ClassVar[str | None] = "ChannelsHungupListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Cause", "cause", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        cause: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, cause), action_id, headers)


class IAXnetstats(AMIAction):
    """The ``IAXnetstats`` action (``chan_iax2``).

    Write permission: system, reporting.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "IAXnetstats"
    module: ClassVar[str] = "chan_iax2"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class IAXpeerlist(AMIAction):
    """The ``IAXpeerlist`` action (``chan_iax2``).

    Write permission: system, reporting.
    Answers with an event list: ``PeerEntry``, then ``PeerlistComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "IAXpeerlist"
    module: ClassVar[str] = "chan_iax2"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("PeerEntry",)
    list_complete_event: ClassVar[str | None] = "PeerlistComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class IAXpeers(AMIAction):
    """The ``IAXpeers`` action (``chan_iax2``).

    Write permission: system, reporting.
    Answers with an event list: ``PeerEntry``, then ``PeerlistComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "IAXpeers"
    module: ClassVar[str] = "chan_iax2"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("PeerEntry",)
    list_complete_event: ClassVar[str | None] = "PeerlistComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class IAXregistry(AMIAction):
    """The ``IAXregistry`` action (``chan_iax2``).

    Write permission: system, reporting.
    Answers with an event list: ``RegistryEntry``, then ``RegistrationsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "IAXregistry"
    module: ClassVar[str] = "chan_iax2"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("RegistryEntry",)
    list_complete_event: ClassVar[str | None] = "RegistrationsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class JabberSend(AMIAction):
    """The ``JabberSend`` action (``res_xmpp``).

    Write permission: system.
    Keywords: ``jabber`` (required), ``jid`` (required), ``message`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "JabberSend"
    module: ClassVar[str] = "res_xmpp"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Jabber", "jabber", True, "value"),
        Parameter("JID", "jid", True, "value"),
        Parameter("Message", "message", True, "value"),
    )

    def __init__(
        self,
        jabber: Value,
        jid: Value,
        message: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((jabber, jid, message), action_id, headers)


class ListCategories(AMIAction):
    """The ``ListCategories`` action (``builtin``).

    Write permission: config.
    Keywords: ``filename`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ListCategories"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("config",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Filename", "filename", True, "value"),
    )

    def __init__(
        self,
        filename: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((filename,), action_id, headers)


class ListCommands(AMIAction):
    """The ``ListCommands`` action (``builtin``).

    Write permission: none needed.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ListCommands"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class LocalOptimizeAway(AMIAction):
    """The ``LocalOptimizeAway`` action (``builtin``).

    Write permission: system, call.
    Keywords: ``channel`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "LocalOptimizeAway"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "call")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel,), action_id, headers)


class LoggerRotate(AMIAction):
    """The ``LoggerRotate`` action (``builtin``).

    Write permission: system, reporting.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "LoggerRotate"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class Login(AMIAction):
    """The ``Login`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``username`` (required), ``auth_type``, ``secret``, ``key``, ``events``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Login"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Username", "username", True, "value"),
        Parameter("AuthType", "auth_type", False, "value"),
        Parameter("Secret", "secret", False, "value"),
        Parameter("Key", "key", False, "value"),
        Parameter("Events", "events", False, "csv"),
    )

    def __init__(
        self,
        username: Value,
        *,
        auth_type: Value | None = None,
        secret: Value | None = None,
        key: Value | None = None,
        events: Value | Sequence[str] | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((username, auth_type, secret, key, events), action_id, headers)


class Logoff(AMIAction):
    """The ``Logoff`` action (``builtin``).

    Write permission: none needed.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Logoff"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class MWIDelete(AMIAction):
    """The ``MWIDelete`` action (``res_mwi_external_ami``).

    Write permission: call.
    Keywords: ``mailbox`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MWIDelete"
    module: ClassVar[str] = "res_mwi_external_ami"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Mailbox", "mailbox", True, "value"),
    )

    def __init__(
        self,
        mailbox: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((mailbox,), action_id, headers)


class MWIGet(AMIAction):
    """The ``MWIGet`` action (``res_mwi_external_ami``).

    Write permission: call, reporting.
    Keywords: ``mailbox`` (required).
    Answers with an event list: ``MWIGet``, then ``MWIGetComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MWIGet"
    module: ClassVar[str] = "res_mwi_external_ami"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("MWIGet",)
    list_complete_event: ClassVar[str | None] = "MWIGetComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Mailbox", "mailbox", True, "value"),
    )

    def __init__(
        self,
        mailbox: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((mailbox,), action_id, headers)


class MWIUpdate(AMIAction):
    """The ``MWIUpdate`` action (``res_mwi_external_ami``).

    Write permission: call.
    Keywords: ``mailbox`` (required), ``old_messages``, ``new_messages``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MWIUpdate"
    module: ClassVar[str] = "res_mwi_external_ami"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Mailbox", "mailbox", True, "value"),
        Parameter("OldMessages", "old_messages", False, "value"),
        Parameter("NewMessages", "new_messages", False, "value"),
    )

    def __init__(
        self,
        mailbox: Value,
        *,
        old_messages: Value | None = None,
        new_messages: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((mailbox, old_messages, new_messages), action_id, headers)


class MailboxCount(AMIAction):
    """The ``MailboxCount`` action (``builtin``).

    Write permission: call, reporting.
    Keywords: ``mailbox`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MailboxCount"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Mailbox", "mailbox", True, "value"),
    )

    def __init__(
        self,
        mailbox: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((mailbox,), action_id, headers)


class MailboxStatus(AMIAction):
    """The ``MailboxStatus`` action (``builtin``).

    Write permission: call, reporting.
    Keywords: ``mailbox`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MailboxStatus"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Mailbox", "mailbox", True, "value"),
    )

    def __init__(
        self,
        mailbox: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((mailbox,), action_id, headers)


class MeetmeList(AMIAction):
    """The ``MeetmeList`` action (``app_meetme``).

    Write permission: reporting.
    Keywords: ``conference``.
    Answers with an event list: ``MeetmeList``, then ``MeetmeListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MeetmeList"
    module: ClassVar[str] = "app_meetme"
    permission: ClassVar[tuple[str, ...]] = ("reporting",)
    list_events: ClassVar[tuple[str, ...]] = ("MeetmeList",)
    list_complete_event: ClassVar[str | None] = "MeetmeListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Conference", "conference", False, "value"),
    )

    def __init__(
        self,
        *,
        conference: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((conference,), action_id, headers)


class MeetmeListRooms(AMIAction):
    """The ``MeetmeListRooms`` action (``app_meetme``).

    Write permission: reporting.
    Answers with an event list: ``MeetmeListRooms``, then ``MeetmeListRoomsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MeetmeListRooms"
    module: ClassVar[str] = "app_meetme"
    permission: ClassVar[tuple[str, ...]] = ("reporting",)
    list_events: ClassVar[tuple[str, ...]] = ("MeetmeListRooms",)
    list_complete_event: ClassVar[str | None] = "MeetmeListRoomsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class MeetmeMute(AMIAction):
    """The ``MeetmeMute`` action (``app_meetme``).

    Write permission: call.
    Keywords: ``meetme`` (required), ``usernum`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MeetmeMute"
    module: ClassVar[str] = "app_meetme"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Meetme", "meetme", True, "value"),
        Parameter("Usernum", "usernum", True, "value"),
    )

    def __init__(
        self,
        meetme: Value,
        usernum: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((meetme, usernum), action_id, headers)


class MeetmeUnmute(AMIAction):
    """The ``MeetmeUnmute`` action (``app_meetme``).

    Write permission: call.
    Keywords: ``meetme`` (required), ``usernum`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MeetmeUnmute"
    module: ClassVar[str] = "app_meetme"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Meetme", "meetme", True, "value"),
        Parameter("Usernum", "usernum", True, "value"),
    )

    def __init__(
        self,
        meetme: Value,
        usernum: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((meetme, usernum), action_id, headers)


class MessageSend(AMIAction):
    """The ``MessageSend`` action (``builtin``).

    Write permission: message.
    Keywords: ``destination``, ``to``, ``from_``, ``body``, ``base64_body``, ``variable``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MessageSend"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("message",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Destination", "destination", False, "value"),
        Parameter("To", "to", False, "value"),
        Parameter("From", "from_", False, "value"),
        Parameter("Body", "body", False, "value"),
        Parameter("Base64Body", "base64_body", False, "value"),
        Parameter("Variable", "variable", False, "variables"),
    )

    def __init__(
        self,
        *,
        destination: Value | None = None,
        to: Value | None = None,
        from_: Value | None = None,
        body: Value | None = None,
        base64_body: Value | None = None,
        variable: Variables | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((destination, to, from_, body, base64_body, variable), action_id, headers)


class MixMonitor(AMIAction):
    """The ``MixMonitor`` action (``app_mixmonitor``).

    Write permission: system.
    Keywords: ``channel`` (required), ``file``, ``options``, ``command``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MixMonitor"
    module: ClassVar[str] = "app_mixmonitor"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("File", "file", False, "value"),
        Parameter("Options", "options", False, "value"),
        Parameter("Command", "command", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        file: Value | None = None,
        options: Value | None = None,
        command: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, file, options, command), action_id, headers)


class MixMonitorMute(AMIAction):
    """The ``MixMonitorMute`` action (``app_mixmonitor``).

    Write permission: system, call.
    Keywords: ``channel`` (required), ``direction``, ``state``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MixMonitorMute"
    module: ClassVar[str] = "app_mixmonitor"
    permission: ClassVar[tuple[str, ...]] = ("system", "call")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Direction", "direction", False, "value"),
        Parameter("State", "state", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        direction: Value | None = None,
        state: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, direction, state), action_id, headers)


class ModuleCheck(AMIAction):
    """The ``ModuleCheck`` action (``builtin``).

    Write permission: system.
    Keywords: ``module`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ModuleCheck"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Module", "module", True, "value"),
    )

    def __init__(
        self,
        module: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((module,), action_id, headers)


class ModuleLoad(AMIAction):
    """The ``ModuleLoad`` action (``builtin``).

    Write permission: system.
    Keywords: ``load_type`` (required), ``module``, ``recursive``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ModuleLoad"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("LoadType", "load_type", True, "value"),
        Parameter("Module", "module", False, "value"),
        Parameter("Recursive", "recursive", False, "value"),
    )

    def __init__(
        self,
        load_type: Value,
        *,
        module: Value | None = None,
        recursive: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((load_type, module, recursive), action_id, headers)


class MuteAudio(AMIAction):
    """The ``MuteAudio`` action (``res_mutestream``).

    Write permission: system.
    Keywords: ``channel`` (required), ``direction`` (required), ``state`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "MuteAudio"
    module: ClassVar[str] = "res_mutestream"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Direction", "direction", True, "value"),
        Parameter("State", "state", True, "value"),
    )

    def __init__(
        self,
        channel: Value,
        direction: Value,
        state: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, direction, state), action_id, headers)


class Originate(AMIAction):
    """The ``Originate`` action (``builtin``).

    Write permission: originate.
    Keywords: ``channel`` (required), ``exten``, ``context``, ``priority``, ``application``,
    ``data``, ``timeout``, ``caller_id``, ``variable``, ``account``, ``early_media``,
    ``run_async`` (``Async``), ``codecs``, ``channel_id``, ``other_channel_id``,
    ``predial_gosub``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Originate"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("originate",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Exten", "exten", False, "value"),
        Parameter("Context", "context", False, "value"),
        Parameter("Priority", "priority", False, "value"),
        Parameter("Application", "application", False, "value"),
        Parameter("Data", "data", False, "value"),
        Parameter("Timeout", "timeout", False, "value"),
        Parameter("CallerID", "caller_id", False, "value"),
        Parameter("Variable", "variable", False, "variables"),
        Parameter("Account", "account", False, "value"),
        Parameter("EarlyMedia", "early_media", False, "value"),
        Parameter("Async", "run_async", False, "value"),
        Parameter("Codecs", "codecs", False, "csv"),
        Parameter("ChannelId", "channel_id", False, "value"),
        Parameter("OtherChannelId", "other_channel_id", False, "value"),
        Parameter("PreDialGoSub", "predial_gosub", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        exten: Value | None = None,
        context: Value | None = None,
        priority: Value | None = None,
        application: Value | None = None,
        data: Value | None = None,
        timeout: Value | None = None,
        caller_id: Value | None = None,
        variable: Variables | None = None,
        account: Value | None = None,
        early_media: Value | None = None,
        run_async: Value | None = None,
        codecs: Value | Sequence[str] | None = None,
        channel_id: Value | None = None,
        other_channel_id: Value | None = None,
        predial_gosub: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                channel,
                exten,
                context,
                priority,
                application,
                data,
                timeout,
                caller_id,
                variable,
                account,
                early_media,
                run_async,
                codecs,
                channel_id,
                other_channel_id,
                predial_gosub,
            ),
            action_id,
            headers,
        )


class PJSIPHangup(AMIAction):
    """The ``PJSIPHangup`` action (``chan_pjsip``).

    Write permission: system, call.
    Keywords: ``channel`` (required), ``cause`` (required).
    Answers with an event list: ``ChannelHungup``, then ``ChannelsHungupListComplete``.
    Note: uses the same helper as Hangup (main/manager.c:ast_manager_hangup_helper): list only
    when Channel is /regex/.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPHangup"
    module: ClassVar[str] = "chan_pjsip"
    permission: ClassVar[tuple[str, ...]] = ("system", "call")
    list_events: ClassVar[tuple[str, ...]] = ("ChannelHungup",)
    list_complete_event: ClassVar[str | None] = "ChannelsHungupListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Cause", "cause", True, "value"),
    )

    def __init__(
        self,
        channel: Value,
        cause: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, cause), action_id, headers)


class PJSIPNotify(AMIAction):
    """The ``PJSIPNotify`` action (``res_pjsip_notify``).

    Write permission: system.
    Keywords: ``endpoint``, ``uri``, ``channel``, ``option``, ``variable``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPNotify"
    module: ClassVar[str] = "res_pjsip_notify"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Endpoint", "endpoint", False, "value"),
        Parameter("URI", "uri", False, "value"),
        Parameter("channel", "channel", False, "value"),
        Parameter("Option", "option", False, "value"),
        Parameter("Variable", "variable", False, "variables"),
    )

    def __init__(
        self,
        *,
        endpoint: Value | None = None,
        uri: Value | None = None,
        channel: Value | None = None,
        option: Value | None = None,
        variable: Variables | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((endpoint, uri, channel, option, variable), action_id, headers)


class PJSIPQualify(AMIAction):
    """The ``PJSIPQualify`` action (``res_pjsip``).

    Write permission: system, reporting.
    Keywords: ``endpoint`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPQualify"
    module: ClassVar[str] = "res_pjsip"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Endpoint", "endpoint", True, "value"),
    )

    def __init__(
        self,
        endpoint: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((endpoint,), action_id, headers)


class PJSIPRegister(AMIAction):
    """The ``PJSIPRegister`` action (``res_pjsip_outbound_registration``).

    Write permission: system, reporting.
    Keywords: ``registration`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPRegister"
    module: ClassVar[str] = "res_pjsip_outbound_registration"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Registration", "registration", True, "value"),
    )

    def __init__(
        self,
        registration: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((registration,), action_id, headers)


class PJSIPSetMaintenance(AMIAction):
    """The ``PJSIPSetMaintenance`` action (``res_pjsip_maintenance``).

    Write permission: system.
    Keywords: ``endpoint`` (required), ``state`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPSetMaintenance"
    module: ClassVar[str] = "res_pjsip_maintenance"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Endpoint", "endpoint", True, "value"),
        Parameter("State", "state", True, "value"),
    )

    def __init__(
        self,
        endpoint: Value,
        state: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((endpoint, state), action_id, headers)


class PJSIPShowAors(AMIAction):
    """The ``PJSIPShowAors`` action (``res_pjsip``).

    Write permission: system.
    Answers with an event list: ``AorList``, then ``AorListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowAors"
    module: ClassVar[str] = "res_pjsip"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("AorList",)
    list_complete_event: ClassVar[str | None] = "AorListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowAuths(AMIAction):
    """The ``PJSIPShowAuths`` action (``res_pjsip``).

    Write permission: system.
    Answers with an event list: ``AuthList``, then ``AuthListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowAuths"
    module: ClassVar[str] = "res_pjsip"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("AuthList",)
    list_complete_event: ClassVar[str | None] = "AuthListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowContacts(AMIAction):
    """The ``PJSIPShowContacts`` action (``res_pjsip``).

    Write permission: system.
    Answers with an event list: ``ContactList``, then ``ContactListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowContacts"
    module: ClassVar[str] = "res_pjsip"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("ContactList",)
    list_complete_event: ClassVar[str | None] = "ContactListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowEndpoint(AMIAction):
    """The ``PJSIPShowEndpoint`` action (``res_pjsip``).

    Write permission: system.
    Keywords: ``endpoint`` (required).
    Answers with an event list: ``EndpointDetail``, ``IdentifyDetail``, ``ContactStatusDetail``,
    ``AuthDetail``, ``TransportDetail``, ``AorDetail``, then ``EndpointDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowEndpoint"
    module: ClassVar[str] = "res_pjsip"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = (
        "EndpointDetail",
        "IdentifyDetail",
        "ContactStatusDetail",
        "AuthDetail",
        "TransportDetail",
        "AorDetail",
    )
    list_complete_event: ClassVar[str | None] = "EndpointDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Endpoint", "endpoint", True, "value"),
    )

    def __init__(
        self,
        endpoint: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((endpoint,), action_id, headers)


class PJSIPShowEndpoints(AMIAction):
    """The ``PJSIPShowEndpoints`` action (``res_pjsip``).

    Write permission: system.
    Answers with an event list: ``EndpointList``, then ``EndpointListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowEndpoints"
    module: ClassVar[str] = "res_pjsip"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("EndpointList",)
    list_complete_event: ClassVar[str | None] = "EndpointListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowMaintenance(AMIAction):
    """The ``PJSIPShowMaintenance`` action (``res_pjsip_maintenance``).

    Write permission: system, reporting.
    Keywords: ``endpoint``.
    Answers with an event list: ``PJSIPMaintenanceStatus``, then
    ``PJSIPMaintenanceStatusComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowMaintenance"
    module: ClassVar[str] = "res_pjsip_maintenance"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("PJSIPMaintenanceStatus",)
    list_complete_event: ClassVar[str | None] = "PJSIPMaintenanceStatusComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Endpoint", "endpoint", False, "value"),
    )

    def __init__(
        self,
        *,
        endpoint: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((endpoint,), action_id, headers)


class PJSIPShowRegistrationInboundContactStatuses(AMIAction):
    """The ``PJSIPShowRegistrationInboundContactStatuses`` action (``res_pjsip_registrar``).

    Write permission: system.
    Answers with an event list: ``ContactStatusDetail``, then ``ContactStatusDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowRegistrationInboundContactStatuses"
    module: ClassVar[str] = "res_pjsip_registrar"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("ContactStatusDetail",)
    list_complete_event: ClassVar[str | None] = "ContactStatusDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowRegistrationsInbound(AMIAction):
    """The ``PJSIPShowRegistrationsInbound`` action (``res_pjsip_registrar``).

    Write permission: system.
    Answers with an event list: ``InboundRegistrationDetail``, then
    ``InboundRegistrationDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowRegistrationsInbound"
    module: ClassVar[str] = "res_pjsip_registrar"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("InboundRegistrationDetail",)
    list_complete_event: ClassVar[str | None] = "InboundRegistrationDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowRegistrationsOutbound(AMIAction):
    """The ``PJSIPShowRegistrationsOutbound`` action (``res_pjsip_outbound_registration``).

    Write permission: system, reporting.
    Answers with an event list: ``OutboundRegistrationDetail``, ``AuthDetail``, then
    ``OutboundRegistrationDetailComplete``.
    Note: complete event carries extra Registered/NotRegistered headers.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowRegistrationsOutbound"
    module: ClassVar[str] = "res_pjsip_outbound_registration"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("OutboundRegistrationDetail", "AuthDetail")
    list_complete_event: ClassVar[str | None] = "OutboundRegistrationDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowResourceLists(AMIAction):
    """The ``PJSIPShowResourceLists`` action (``res_pjsip_pubsub``).

    Write permission: system.
    Answers with an event list: ``ResourceListDetail``, then ``ResourceListDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowResourceLists"
    module: ClassVar[str] = "res_pjsip_pubsub"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("ResourceListDetail",)
    list_complete_event: ClassVar[str | None] = "ResourceListDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowSubscriptionsInbound(AMIAction):
    """The ``PJSIPShowSubscriptionsInbound`` action (``res_pjsip_pubsub``).

    Write permission: system.
    Answers with an event list: ``InboundSubscriptionDetail``, then
    ``InboundSubscriptionDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowSubscriptionsInbound"
    module: ClassVar[str] = "res_pjsip_pubsub"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("InboundSubscriptionDetail",)
    list_complete_event: ClassVar[str | None] = "InboundSubscriptionDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPShowSubscriptionsOutbound(AMIAction):
    """The ``PJSIPShowSubscriptionsOutbound`` action (``res_pjsip_pubsub``).

    Write permission: system.
    Answers with an event list: ``OutboundSubscriptionDetail``, then
    ``OutboundSubscriptionDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPShowSubscriptionsOutbound"
    module: ClassVar[str] = "res_pjsip_pubsub"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ("OutboundSubscriptionDetail",)
    list_complete_event: ClassVar[str | None] = "OutboundSubscriptionDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PJSIPUnregister(AMIAction):
    """The ``PJSIPUnregister`` action (``res_pjsip_outbound_registration``).

    Write permission: system, reporting.
    Keywords: ``registration`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PJSIPUnregister"
    module: ClassVar[str] = "res_pjsip_outbound_registration"
    permission: ClassVar[tuple[str, ...]] = ("system", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Registration", "registration", True, "value"),
    )

    def __init__(
        self,
        registration: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((registration,), action_id, headers)


class PRIDebugFileSet(AMIAction):
    """The ``PRIDebugFileSet`` action (``chan_dahdi``).

    Write permission: system.
    Keywords: ``file`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PRIDebugFileSet"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("File", "file", True, "value"),
    )

    def __init__(
        self,
        file: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((file,), action_id, headers)


class PRIDebugFileUnset(AMIAction):
    """The ``PRIDebugFileUnset`` action (``chan_dahdi``).

    Write permission: none needed.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PRIDebugFileUnset"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PRIDebugSet(AMIAction):
    """The ``PRIDebugSet`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``span`` (required), ``level`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PRIDebugSet"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Span", "span", True, "value"),
        Parameter("Level", "level", True, "value"),
    )

    def __init__(
        self,
        span: Value,
        level: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((span, level), action_id, headers)


class PRIShowSpans(AMIAction):
    """The ``PRIShowSpans`` action (``chan_dahdi``).

    Write permission: none needed.
    Keywords: ``span``.
    Answers with an event list: ``PRIShowSpans``, then ``PRIShowSpansComplete``.
    Note: item events are named after the action (sig_pri.c:sig_pri_ami_show_spans formats
    "Event: PRIShowSpans").
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PRIShowSpans"
    module: ClassVar[str] = "chan_dahdi"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("PRIShowSpans",)
    list_complete_event: ClassVar[str | None] = "PRIShowSpansComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Span", "span", False, "value"),
    )

    def __init__(
        self,
        *,
        span: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((span,), action_id, headers)


class Park(AMIAction):
    """The ``Park`` action (``res_parking``).

    Write permission: call.
    Keywords: ``channel`` (required), ``timeout_channel``, ``announce_channel``, ``timeout``,
    ``parkinglot``, ``parking_space``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Park"
    module: ClassVar[str] = "res_parking"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("TimeoutChannel", "timeout_channel", False, "value"),
        Parameter("AnnounceChannel", "announce_channel", False, "value"),
        Parameter("Timeout", "timeout", False, "value"),
        Parameter("Parkinglot", "parkinglot", False, "value"),
        Parameter("ParkingSpace", "parking_space", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        timeout_channel: Value | None = None,
        announce_channel: Value | None = None,
        timeout: Value | None = None,
        parkinglot: Value | None = None,
        parking_space: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                channel,
                timeout_channel,
                announce_channel,
                timeout,
                parkinglot,
                parking_space,
            ),
            action_id,
            headers,
        )


class ParkedCalls(AMIAction):
    """The ``ParkedCalls`` action (``res_parking``).

    Write permission: call.
    Keywords: ``parking_lot``.
    Answers with an event list: ``ParkedCall``, then ``ParkedCallsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ParkedCalls"
    module: ClassVar[str] = "res_parking"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ("ParkedCall",)
    list_complete_event: ClassVar[str | None] = "ParkedCallsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("ParkingLot", "parking_lot", False, "value"),
    )

    def __init__(
        self,
        *,
        parking_lot: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((parking_lot,), action_id, headers)


class Parkinglots(AMIAction):
    """The ``Parkinglots`` action (``res_parking``).

    Write permission: call.
    Answers with an event list: ``Parkinglot``, then ``ParkinglotsComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Parkinglots"
    module: ClassVar[str] = "res_parking"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ("Parkinglot",)
    list_complete_event: ClassVar[str | None] = "ParkinglotsComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class Ping(AMIAction):
    """The ``Ping`` action (``builtin``).

    Write permission: none needed.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Ping"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class PlayDTMF(AMIAction):
    """The ``PlayDTMF`` action (``app_senddtmf``).

    Write permission: call.
    Keywords: ``channel`` (required), ``digit`` (required), ``duration``, ``receive``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PlayDTMF"
    module: ClassVar[str] = "app_senddtmf"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Digit", "digit", True, "value"),
        Parameter("Duration", "duration", False, "value"),
        Parameter("Receive", "receive", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        digit: Value,
        *,
        duration: Value | None = None,
        receive: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, digit, duration, receive), action_id, headers)


class PlayMF(AMIAction):
    """The ``PlayMF`` action (``app_mf``).

    Write permission: call.
    Keywords: ``channel`` (required), ``digit`` (required), ``duration``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PlayMF"
    module: ClassVar[str] = "app_mf"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Digit", "digit", True, "value"),
        Parameter("Duration", "duration", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        digit: Value,
        *,
        duration: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, digit, duration), action_id, headers)


class PresenceState(AMIAction):
    """The ``PresenceState`` action (``builtin``).

    Write permission: call, reporting.
    Keywords: ``provider`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PresenceState"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Provider", "provider", True, "value"),
    )

    def __init__(
        self,
        provider: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((provider,), action_id, headers)


class PresenceStateList(AMIAction):
    """The ``PresenceStateList`` action (``res_manager_presencestate``).

    Write permission: call, reporting.
    Answers with an event list: ``PresenceStateChange``, then ``PresenceStateListComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "PresenceStateList"
    module: ClassVar[str] = "res_manager_presencestate"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("PresenceStateChange",)
    list_complete_event: ClassVar[str | None] = "PresenceStateListComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class QueueAdd(AMIAction):
    """The ``QueueAdd`` action (``app_queue``).

    Write permission: agent.
    Keywords: ``queue`` (required), ``interface`` (required), ``penalty``, ``paused``,
    ``reason``, ``member_name``, ``state_interface``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueAdd"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", True, "value"),
        Parameter("Interface", "interface", True, "value"),
        Parameter("Penalty", "penalty", False, "value"),
        Parameter("Paused", "paused", False, "value"),
        Parameter("Reason", "reason", False, "value"),
        Parameter("MemberName", "member_name", False, "value"),
        Parameter("StateInterface", "state_interface", False, "value"),
    )

    def __init__(
        self,
        queue: Value,
        interface: Value,
        *,
        penalty: Value | None = None,
        paused: Value | None = None,
        reason: Value | None = None,
        member_name: Value | None = None,
        state_interface: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                queue,
                interface,
                penalty,
                paused,
                reason,
                member_name,
                state_interface,
            ),
            action_id,
            headers,
        )


class QueueChangePriorityCaller(AMIAction):
    """The ``QueueChangePriorityCaller`` action (``app_queue``).

    Write permission: none needed.
    Keywords: ``queue`` (required), ``caller`` (required), ``priority`` (required),
    ``immediate``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueChangePriorityCaller"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", True, "value"),
        Parameter("Caller", "caller", True, "value"),
        Parameter("Priority", "priority", True, "value"),
        Parameter("Immediate", "immediate", False, "value"),
    )

    def __init__(
        self,
        queue: Value,
        caller: Value,
        priority: Value,
        *,
        immediate: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue, caller, priority, immediate), action_id, headers)


class QueueLog(AMIAction):
    """The ``QueueLog`` action (``app_queue``).

    Write permission: agent.
    Keywords: ``queue`` (required), ``event`` (required), ``uniqueid``, ``interface``,
    ``message``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueLog"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", True, "value"),
        Parameter("Event", "event", True, "value"),
        Parameter("Uniqueid", "uniqueid", False, "value"),
        Parameter("Interface", "interface", False, "value"),
        Parameter("Message", "message", False, "value"),
    )

    def __init__(
        self,
        queue: Value,
        event: Value,
        *,
        uniqueid: Value | None = None,
        interface: Value | None = None,
        message: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue, event, uniqueid, interface, message), action_id, headers)


class QueueMemberRingInUse(AMIAction):
    """The ``QueueMemberRingInUse`` action (``app_queue``).

    Write permission: agent.
    Keywords: ``interface`` (required), ``ring_in_use`` (required), ``queue``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueMemberRingInUse"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Interface", "interface", True, "value"),
        Parameter("RingInUse", "ring_in_use", True, "value"),
        Parameter("Queue", "queue", False, "value"),
    )

    def __init__(
        self,
        interface: Value,
        ring_in_use: Value,
        *,
        queue: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((interface, ring_in_use, queue), action_id, headers)


class QueuePause(AMIAction):
    """The ``QueuePause`` action (``app_queue``).

    Write permission: agent.
    Keywords: ``interface`` (required), ``paused`` (required), ``queue``, ``reason``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueuePause"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Interface", "interface", True, "value"),
        Parameter("Paused", "paused", True, "value"),
        Parameter("Queue", "queue", False, "value"),
        Parameter("Reason", "reason", False, "value"),
    )

    def __init__(
        self,
        interface: Value,
        paused: Value,
        *,
        queue: Value | None = None,
        reason: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((interface, paused, queue, reason), action_id, headers)


class QueuePenalty(AMIAction):
    """The ``QueuePenalty`` action (``app_queue``).

    Write permission: agent.
    Keywords: ``interface`` (required), ``penalty`` (required), ``queue``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueuePenalty"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Interface", "interface", True, "value"),
        Parameter("Penalty", "penalty", True, "value"),
        Parameter("Queue", "queue", False, "value"),
    )

    def __init__(
        self,
        interface: Value,
        penalty: Value,
        *,
        queue: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((interface, penalty, queue), action_id, headers)


class QueueReload(AMIAction):
    """The ``QueueReload`` action (``app_queue``).

    Write permission: none needed.
    Keywords: ``queue``, ``members``, ``rules``, ``parameters``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueReload"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", False, "value"),
        Parameter("Members", "members", False, "value"),
        Parameter("Rules", "rules", False, "value"),
        Parameter("Parameters", "parameters", False, "value"),
    )

    def __init__(
        self,
        *,
        queue: Value | None = None,
        members: Value | None = None,
        rules: Value | None = None,
        parameters: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue, members, rules, parameters), action_id, headers)


class QueueRemove(AMIAction):
    """The ``QueueRemove`` action (``app_queue``).

    Write permission: agent.
    Keywords: ``queue`` (required), ``interface`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueRemove"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ("agent",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", True, "value"),
        Parameter("Interface", "interface", True, "value"),
    )

    def __init__(
        self,
        queue: Value,
        interface: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue, interface), action_id, headers)


class QueueReset(AMIAction):
    """The ``QueueReset`` action (``app_queue``).

    Write permission: none needed.
    Keywords: ``queue``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueReset"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", False, "value"),
    )

    def __init__(
        self,
        *,
        queue: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue,), action_id, headers)


class QueueRule(AMIAction):
    """The ``QueueRule`` action (``app_queue``).

    Write permission: none needed.
    Keywords: ``rule``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueRule"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Rule", "rule", False, "value"),
    )

    def __init__(
        self,
        *,
        rule: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((rule,), action_id, headers)


class QueueStatus(AMIAction):
    """The ``QueueStatus`` action (``app_queue``).

    Write permission: none needed.
    Keywords: ``queue``, ``member``.
    Answers with an event list: ``QueueParams``, ``QueueMember``, ``QueueEntry``, then
    ``QueueStatusComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueStatus"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("QueueParams", "QueueMember", "QueueEntry")
    list_complete_event: ClassVar[str | None] = "QueueStatusComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", False, "value"),
        Parameter("Member", "member", False, "value"),
    )

    def __init__(
        self,
        *,
        queue: Value | None = None,
        member: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue, member), action_id, headers)


class QueueSummary(AMIAction):
    """The ``QueueSummary`` action (``app_queue``).

    Write permission: none needed.
    Keywords: ``queue``.
    Answers with an event list: ``QueueSummary``, then ``QueueSummaryComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueSummary"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ("QueueSummary",)
    list_complete_event: ClassVar[str | None] = "QueueSummaryComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", False, "value"),
    )

    def __init__(
        self,
        *,
        queue: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue,), action_id, headers)


class QueueWithdrawCaller(AMIAction):
    """The ``QueueWithdrawCaller`` action (``app_queue``).

    Write permission: none needed.
    Keywords: ``queue`` (required), ``caller`` (required), ``withdraw_info``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "QueueWithdrawCaller"
    module: ClassVar[str] = "app_queue"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Queue", "queue", True, "value"),
        Parameter("Caller", "caller", True, "value"),
        Parameter("WithdrawInfo", "withdraw_info", False, "value"),
    )

    def __init__(
        self,
        queue: Value,
        caller: Value,
        *,
        withdraw_info: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((queue, caller, withdraw_info), action_id, headers)


class Redirect(AMIAction):
    """The ``Redirect`` action (``builtin``).

    Write permission: call.
    Keywords: ``channel`` (required), ``exten`` (required), ``context`` (required), ``priority``
    (required), ``extra_channel``, ``extra_exten``, ``extra_context``, ``extra_priority``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Redirect"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Exten", "exten", True, "value"),
        Parameter("Context", "context", True, "value"),
        Parameter("Priority", "priority", True, "value"),
        Parameter("ExtraChannel", "extra_channel", False, "value"),
        Parameter("ExtraExten", "extra_exten", False, "value"),
        Parameter("ExtraContext", "extra_context", False, "value"),
        Parameter("ExtraPriority", "extra_priority", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        exten: Value,
        context: Value,
        priority: Value,
        *,
        extra_channel: Value | None = None,
        extra_exten: Value | None = None,
        extra_context: Value | None = None,
        extra_priority: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                channel,
                exten,
                context,
                priority,
                extra_channel,
                extra_exten,
                extra_context,
                extra_priority,
            ),
            action_id,
            headers,
        )


class Reload(AMIAction):
    """The ``Reload`` action (``builtin``).

    Write permission: config, system.
    Keywords: ``module``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Reload"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("config", "system")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Module", "module", False, "value"),
    )

    def __init__(
        self,
        *,
        module: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((module,), action_id, headers)


class SendFlash(AMIAction):
    """The ``SendFlash`` action (``app_senddtmf``).

    Write permission: call.
    Keywords: ``channel`` (required), ``receive``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "SendFlash"
    module: ClassVar[str] = "app_senddtmf"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Receive", "receive", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        receive: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, receive), action_id, headers)


class SendText(AMIAction):
    """The ``SendText`` action (``builtin``).

    Write permission: call.
    Keywords: ``channel`` (required), ``message`` (required), ``content_type``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "SendText"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("Message", "message", True, "value"),
        Parameter("Content-Type", "content_type", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        message: Value,
        *,
        content_type: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, message, content_type), action_id, headers)


class Setvar(AMIAction):
    """The ``Setvar`` action (``builtin``).

    Write permission: call.
    Keywords: ``variable`` (required), ``value`` (required), ``channel``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Setvar"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("call",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Variable", "variable", True, "value"),
        Parameter("Value", "value", True, "value"),
        Parameter("Channel", "channel", False, "value"),
    )

    def __init__(
        self,
        variable: Value,
        value: Value,
        *,
        channel: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((variable, value, channel), action_id, headers)


class ShowDialPlan(AMIAction):
    """The ``ShowDialPlan`` action (``builtin``).

    Write permission: config, reporting.
    Keywords: ``extension``, ``context``.
    Answers with an event list: ``ListDialplan``, then ``ShowDialPlanComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "ShowDialPlan"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("config", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("ListDialplan",)
    list_complete_event: ClassVar[str | None] = "ShowDialPlanComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Extension", "extension", False, "value"),
        Parameter("Context", "context", False, "value"),
    )

    def __init__(
        self,
        *,
        extension: Value | None = None,
        context: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((extension, context), action_id, headers)


class SorceryMemoryCacheExpire(AMIAction):
    """The ``SorceryMemoryCacheExpire`` action (``res_sorcery_memory_cache``).

    Write permission: system.
    Keywords: ``cache`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "SorceryMemoryCacheExpire"
    module: ClassVar[str] = "res_sorcery_memory_cache"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Cache", "cache", True, "value"),
    )

    def __init__(
        self,
        cache: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((cache,), action_id, headers)


class SorceryMemoryCacheExpireObject(AMIAction):
    """The ``SorceryMemoryCacheExpireObject`` action (``res_sorcery_memory_cache``).

    Write permission: system.
    Keywords: ``cache`` (required), ``object`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "SorceryMemoryCacheExpireObject"
    module: ClassVar[str] = "res_sorcery_memory_cache"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Cache", "cache", True, "value"),
        Parameter("Object", "object", True, "value"),
    )

    def __init__(
        self,
        cache: Value,
        object: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((cache, object), action_id, headers)


class SorceryMemoryCachePopulate(AMIAction):
    """The ``SorceryMemoryCachePopulate`` action (``res_sorcery_memory_cache``).

    Write permission: system.
    Keywords: ``cache`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "SorceryMemoryCachePopulate"
    module: ClassVar[str] = "res_sorcery_memory_cache"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Cache", "cache", True, "value"),
    )

    def __init__(
        self,
        cache: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((cache,), action_id, headers)


class SorceryMemoryCacheStale(AMIAction):
    """The ``SorceryMemoryCacheStale`` action (``res_sorcery_memory_cache``).

    Write permission: system.
    Keywords: ``cache`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "SorceryMemoryCacheStale"
    module: ClassVar[str] = "res_sorcery_memory_cache"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Cache", "cache", True, "value"),
    )

    def __init__(
        self,
        cache: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((cache,), action_id, headers)


class SorceryMemoryCacheStaleObject(AMIAction):
    """The ``SorceryMemoryCacheStaleObject`` action (``res_sorcery_memory_cache``).

    Write permission: system.
    Keywords: ``cache`` (required), ``object`` (required), ``reload``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "SorceryMemoryCacheStaleObject"
    module: ClassVar[str] = "res_sorcery_memory_cache"
    permission: ClassVar[tuple[str, ...]] = ("system",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Cache", "cache", True, "value"),
        Parameter("Object", "object", True, "value"),
        Parameter("Reload", "reload", False, "value"),
    )

    def __init__(
        self,
        cache: Value,
        object: Value,
        *,
        reload: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((cache, object, reload), action_id, headers)


class Status(AMIAction):
    """The ``Status`` action (``builtin``).

    Write permission: system, call, reporting.
    Keywords: ``channel``, ``variables``, ``all_variables``.
    Answers with an event list: ``Status``, then ``StatusComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "Status"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("system", "call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("Status",)
    list_complete_event: ClassVar[str | None] = "StatusComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", False, "value"),
        Parameter("Variables", "variables", False, "csv"),
        Parameter("AllVariables", "all_variables", False, "value"),
    )

    def __init__(
        self,
        *,
        channel: Value | None = None,
        variables: Value | Sequence[str] | None = None,
        all_variables: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, variables, all_variables), action_id, headers)


class StopMixMonitor(AMIAction):
    """The ``StopMixMonitor`` action (``app_mixmonitor``).

    Write permission: system, call.
    Keywords: ``channel`` (required), ``mix_monitor_id``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "StopMixMonitor"
    module: ClassVar[str] = "app_mixmonitor"
    permission: ClassVar[tuple[str, ...]] = ("system", "call")
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Channel", "channel", True, "value"),
        Parameter("MixMonitorID", "mix_monitor_id", False, "value"),
    )

    def __init__(
        self,
        channel: Value,
        *,
        mix_monitor_id: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((channel, mix_monitor_id), action_id, headers)


class UpdateConfig(AMIAction):
    """The ``UpdateConfig`` action (``builtin``).

    Write permission: config.
    Keywords: ``src_filename`` (required), ``dst_filename`` (required), ``reload``,
    ``preserve_effective_context``, ``changes`` (``Action-NNNNNN``, ``Cat-NNNNNN``...: one
    mapping per change).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "UpdateConfig"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("config",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("SrcFilename", "src_filename", True, "value"),
        Parameter("DstFilename", "dst_filename", True, "value"),
        Parameter("Reload", "reload", False, "value"),
        Parameter("PreserveEffectiveContext", "preserve_effective_context", False, "value"),
        Parameter("-000000", "changes", False, "numbered"),
    )

    def __init__(
        self,
        src_filename: Value,
        dst_filename: Value,
        *,
        reload: Value | None = None,
        preserve_effective_context: Value | None = None,
        changes: Sequence[Mapping[str, Value]] | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                src_filename,
                dst_filename,
                reload,
                preserve_effective_context,
                changes,
            ),
            action_id,
            headers,
        )


class UserEvent(AMIAction):
    """The ``UserEvent`` action (``builtin``).

    Write permission: user.
    Keywords: ``user_event`` (required).
    The event's own headers go through ``**headers``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "UserEvent"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ("user",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("UserEvent", "user_event", True, "value"),
    )

    def __init__(
        self,
        user_event: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((user_event,), action_id, headers)


class VoicemailBoxSummary(AMIAction):
    """The ``VoicemailBoxSummary`` action (``app_voicemail``).

    Write permission: call, reporting.
    Keywords: ``context`` (required), ``mailbox`` (required).
    Answers with an event list: ``VoicemailBoxDetail``, then ``VoicemailBoxDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "VoicemailBoxSummary"
    module: ClassVar[str] = "app_voicemail"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("VoicemailBoxDetail",)
    list_complete_event: ClassVar[str | None] = "VoicemailBoxDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", True, "value"),
        Parameter("Mailbox", "mailbox", True, "value"),
    )

    def __init__(
        self,
        context: Value,
        mailbox: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((context, mailbox), action_id, headers)


class VoicemailForward(AMIAction):
    """The ``VoicemailForward`` action (``app_voicemail``).

    Write permission: user.
    Keywords: ``context`` (required), ``mailbox`` (required), ``folder`` (required), ``id``
    (required), ``to_context`` (required), ``to_mailbox`` (required), ``to_folder`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "VoicemailForward"
    module: ClassVar[str] = "app_voicemail"
    permission: ClassVar[tuple[str, ...]] = ("user",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", True, "value"),
        Parameter("Mailbox", "mailbox", True, "value"),
        Parameter("Folder", "folder", True, "value"),
        Parameter("ID", "id", True, "value"),
        Parameter("ToContext", "to_context", True, "value"),
        Parameter("ToMailbox", "to_mailbox", True, "value"),
        Parameter("ToFolder", "to_folder", True, "value"),
    )

    def __init__(
        self,
        context: Value,
        mailbox: Value,
        folder: Value,
        id: Value,
        to_context: Value,
        to_mailbox: Value,
        to_folder: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build(
            (
                context,
                mailbox,
                folder,
                id,
                to_context,
                to_mailbox,
                to_folder,
            ),
            action_id,
            headers,
        )


class VoicemailMove(AMIAction):
    """The ``VoicemailMove`` action (``app_voicemail``).

    Write permission: user.
    Keywords: ``context`` (required), ``mailbox`` (required), ``folder`` (required), ``id``
    (required), ``to_folder`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "VoicemailMove"
    module: ClassVar[str] = "app_voicemail"
    permission: ClassVar[tuple[str, ...]] = ("user",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", True, "value"),
        Parameter("Mailbox", "mailbox", True, "value"),
        Parameter("Folder", "folder", True, "value"),
        Parameter("ID", "id", True, "value"),
        Parameter("ToFolder", "to_folder", True, "value"),
    )

    def __init__(
        self,
        context: Value,
        mailbox: Value,
        folder: Value,
        id: Value,
        to_folder: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((context, mailbox, folder, id, to_folder), action_id, headers)


class VoicemailRefresh(AMIAction):
    """The ``VoicemailRefresh`` action (``app_voicemail``).

    Write permission: user.
    Keywords: ``context``, ``mailbox``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "VoicemailRefresh"
    module: ClassVar[str] = "app_voicemail"
    permission: ClassVar[tuple[str, ...]] = ("user",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", False, "value"),
        Parameter("Mailbox", "mailbox", False, "value"),
    )

    def __init__(
        self,
        *,
        context: Value | None = None,
        mailbox: Value | None = None,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((context, mailbox), action_id, headers)


class VoicemailRemove(AMIAction):
    """The ``VoicemailRemove`` action (``app_voicemail``).

    Write permission: user.
    Keywords: ``context`` (required), ``mailbox`` (required), ``folder`` (required), ``id``
    (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "VoicemailRemove"
    module: ClassVar[str] = "app_voicemail"
    permission: ClassVar[tuple[str, ...]] = ("user",)
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", True, "value"),
        Parameter("Mailbox", "mailbox", True, "value"),
        Parameter("Folder", "folder", True, "value"),
        Parameter("ID", "id", True, "value"),
    )

    def __init__(
        self,
        context: Value,
        mailbox: Value,
        folder: Value,
        id: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((context, mailbox, folder, id), action_id, headers)


class VoicemailUserStatus(AMIAction):
    """The ``VoicemailUserStatus`` action (``app_voicemail``).

    Write permission: call, reporting.
    Keywords: ``context`` (required), ``mailbox`` (required).
    Answers with an event list: ``VoicemailUserDetail``, then ``VoicemailUserDetailComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "VoicemailUserStatus"
    module: ClassVar[str] = "app_voicemail"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("VoicemailUserDetail",)
    list_complete_event: ClassVar[str | None] = "VoicemailUserDetailComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Context", "context", True, "value"),
        Parameter("Mailbox", "mailbox", True, "value"),
    )

    def __init__(
        self,
        context: Value,
        mailbox: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((context, mailbox), action_id, headers)


class VoicemailUsersList(AMIAction):
    """The ``VoicemailUsersList`` action (``app_voicemail``).

    Write permission: call, reporting.
    Answers with an event list: ``VoicemailUserEntry``, then ``VoicemailUserEntryComplete``.
    """

    __slots__ = ()
    action_name: ClassVar[str] = "VoicemailUsersList"
    module: ClassVar[str] = "app_voicemail"
    permission: ClassVar[tuple[str, ...]] = ("call", "reporting")
    list_events: ClassVar[tuple[str, ...]] = ("VoicemailUserEntry",)
    list_complete_event: ClassVar[str | None] = "VoicemailUserEntryComplete"
    parameters: ClassVar[tuple[Parameter, ...]] = ()

    def __init__(
        self,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((), action_id, headers)


class WaitEvent(AMIAction):
    """The ``WaitEvent`` action (``builtin``).

    Write permission: none needed.
    Keywords: ``timeout`` (required).
    """

    __slots__ = ()
    action_name: ClassVar[str] = "WaitEvent"
    module: ClassVar[str] = "builtin"
    permission: ClassVar[tuple[str, ...]] = ()
    list_events: ClassVar[tuple[str, ...]] = ()
    list_complete_event: ClassVar[str | None] = None
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("Timeout", "timeout", True, "value"),
    )

    def __init__(
        self,
        timeout: Value,
        *,
        action_id: str | None = None,
        **headers: HeaderValue,
    ) -> None:
        self._build((timeout,), action_id, headers)


#: Every generated class by its action name (Asterisk 22.10.1).
ACTIONS: Mapping[str, type[AMIAction]] = MappingProxyType(
    {
        "AGI": AGI,
        "AOCMessage": AOCMessage,
        "AbsoluteTimeout": AbsoluteTimeout,
        "AgentLogoff": AgentLogoff,
        "Agents": Agents,
        "Atxfer": Atxfer,
        "BlindTransfer": BlindTransfer,
        "Bridge": Bridge,
        "BridgeDestroy": BridgeDestroy,
        "BridgeInfo": BridgeInfo,
        "BridgeKick": BridgeKick,
        "BridgeList": BridgeList,
        "BridgeTechnologyList": BridgeTechnologyList,
        "BridgeTechnologySuspend": BridgeTechnologySuspend,
        "BridgeTechnologyUnsuspend": BridgeTechnologyUnsuspend,
        "CancelAtxfer": CancelAtxfer,
        "Challenge": Challenge,
        "Command": Command,
        "ConfbridgeKick": ConfbridgeKick,
        "ConfbridgeList": ConfbridgeList,
        "ConfbridgeListRooms": ConfbridgeListRooms,
        "ConfbridgeLock": ConfbridgeLock,
        "ConfbridgeMute": ConfbridgeMute,
        "ConfbridgeSetSingleVideoSrc": ConfbridgeSetSingleVideoSrc,
        "ConfbridgeStartRecord": ConfbridgeStartRecord,
        "ConfbridgeStopRecord": ConfbridgeStopRecord,
        "ConfbridgeUnlock": ConfbridgeUnlock,
        "ConfbridgeUnmute": ConfbridgeUnmute,
        "ControlPlayback": ControlPlayback,
        "CoreSettings": CoreSettings,
        "CoreShowChannelMap": CoreShowChannelMap,
        "CoreShowChannels": CoreShowChannels,
        "CoreStatus": CoreStatus,
        "CreateConfig": CreateConfig,
        "DAHDIDNDoff": DAHDIDNDoff,
        "DAHDIDNDon": DAHDIDNDon,
        "DAHDIDialOffhook": DAHDIDialOffhook,
        "DAHDIHangup": DAHDIHangup,
        "DAHDIRestart": DAHDIRestart,
        "DAHDIShowChannels": DAHDIShowChannels,
        "DAHDIShowStatus": DAHDIShowStatus,
        "DAHDITransfer": DAHDITransfer,
        "DBDel": DBDel,
        "DBDelTree": DBDelTree,
        "DBGet": DBGet,
        "DBGetTree": DBGetTree,
        "DBPut": DBPut,
        "DeviceStateList": DeviceStateList,
        "DialplanExtensionAdd": DialplanExtensionAdd,
        "DialplanExtensionRemove": DialplanExtensionRemove,
        "Events": Events,
        "ExtensionState": ExtensionState,
        "ExtensionStateList": ExtensionStateList,
        "FAXSession": FAXSession,
        "FAXSessions": FAXSessions,
        "FAXStats": FAXStats,
        "Filter": Filter,
        "GetConfig": GetConfig,
        "GetConfigJSON": GetConfigJSON,
        "Getvar": Getvar,
        "Hangup": Hangup,
        "IAXnetstats": IAXnetstats,
        "IAXpeerlist": IAXpeerlist,
        "IAXpeers": IAXpeers,
        "IAXregistry": IAXregistry,
        "JabberSend": JabberSend,
        "ListCategories": ListCategories,
        "ListCommands": ListCommands,
        "LocalOptimizeAway": LocalOptimizeAway,
        "LoggerRotate": LoggerRotate,
        "Login": Login,
        "Logoff": Logoff,
        "MWIDelete": MWIDelete,
        "MWIGet": MWIGet,
        "MWIUpdate": MWIUpdate,
        "MailboxCount": MailboxCount,
        "MailboxStatus": MailboxStatus,
        "MeetmeList": MeetmeList,
        "MeetmeListRooms": MeetmeListRooms,
        "MeetmeMute": MeetmeMute,
        "MeetmeUnmute": MeetmeUnmute,
        "MessageSend": MessageSend,
        "MixMonitor": MixMonitor,
        "MixMonitorMute": MixMonitorMute,
        "ModuleCheck": ModuleCheck,
        "ModuleLoad": ModuleLoad,
        "MuteAudio": MuteAudio,
        "Originate": Originate,
        "PJSIPHangup": PJSIPHangup,
        "PJSIPNotify": PJSIPNotify,
        "PJSIPQualify": PJSIPQualify,
        "PJSIPRegister": PJSIPRegister,
        "PJSIPSetMaintenance": PJSIPSetMaintenance,
        "PJSIPShowAors": PJSIPShowAors,
        "PJSIPShowAuths": PJSIPShowAuths,
        "PJSIPShowContacts": PJSIPShowContacts,
        "PJSIPShowEndpoint": PJSIPShowEndpoint,
        "PJSIPShowEndpoints": PJSIPShowEndpoints,
        "PJSIPShowMaintenance": PJSIPShowMaintenance,
        "PJSIPShowRegistrationInboundContactStatuses": PJSIPShowRegistrationInboundContactStatuses,
        "PJSIPShowRegistrationsInbound": PJSIPShowRegistrationsInbound,
        "PJSIPShowRegistrationsOutbound": PJSIPShowRegistrationsOutbound,
        "PJSIPShowResourceLists": PJSIPShowResourceLists,
        "PJSIPShowSubscriptionsInbound": PJSIPShowSubscriptionsInbound,
        "PJSIPShowSubscriptionsOutbound": PJSIPShowSubscriptionsOutbound,
        "PJSIPUnregister": PJSIPUnregister,
        "PRIDebugFileSet": PRIDebugFileSet,
        "PRIDebugFileUnset": PRIDebugFileUnset,
        "PRIDebugSet": PRIDebugSet,
        "PRIShowSpans": PRIShowSpans,
        "Park": Park,
        "ParkedCalls": ParkedCalls,
        "Parkinglots": Parkinglots,
        "Ping": Ping,
        "PlayDTMF": PlayDTMF,
        "PlayMF": PlayMF,
        "PresenceState": PresenceState,
        "PresenceStateList": PresenceStateList,
        "QueueAdd": QueueAdd,
        "QueueChangePriorityCaller": QueueChangePriorityCaller,
        "QueueLog": QueueLog,
        "QueueMemberRingInUse": QueueMemberRingInUse,
        "QueuePause": QueuePause,
        "QueuePenalty": QueuePenalty,
        "QueueReload": QueueReload,
        "QueueRemove": QueueRemove,
        "QueueReset": QueueReset,
        "QueueRule": QueueRule,
        "QueueStatus": QueueStatus,
        "QueueSummary": QueueSummary,
        "QueueWithdrawCaller": QueueWithdrawCaller,
        "Redirect": Redirect,
        "Reload": Reload,
        "SendFlash": SendFlash,
        "SendText": SendText,
        "Setvar": Setvar,
        "ShowDialPlan": ShowDialPlan,
        "SorceryMemoryCacheExpire": SorceryMemoryCacheExpire,
        "SorceryMemoryCacheExpireObject": SorceryMemoryCacheExpireObject,
        "SorceryMemoryCachePopulate": SorceryMemoryCachePopulate,
        "SorceryMemoryCacheStale": SorceryMemoryCacheStale,
        "SorceryMemoryCacheStaleObject": SorceryMemoryCacheStaleObject,
        "Status": Status,
        "StopMixMonitor": StopMixMonitor,
        "UpdateConfig": UpdateConfig,
        "UserEvent": UserEvent,
        "VoicemailBoxSummary": VoicemailBoxSummary,
        "VoicemailForward": VoicemailForward,
        "VoicemailMove": VoicemailMove,
        "VoicemailRefresh": VoicemailRefresh,
        "VoicemailRemove": VoicemailRemove,
        "VoicemailUserStatus": VoicemailUserStatus,
        "VoicemailUsersList": VoicemailUsersList,
        "WaitEvent": WaitEvent,
    }
)
_BY_FOLDED = {_fold(name): cls for name, cls in ACTIONS.items()}


def get_action_class(name: str) -> type[AMIAction] | None:
    """The class of action ``name`` (compared case-insensitively, as Asterisk's
    ``action_find``), or ``None``."""
    return _BY_FOLDED.get(_fold(name))
