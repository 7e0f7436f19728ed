"""The built-in PBX emulation of the fake AMI server: link 3 of the action chain.

:class:`BuiltinPBX` answers an action the way Asterisk 22's ``process_message`` and the
action handlers do (PROTOCOL.md section 1 and the captures), in this order:

1. no non-empty ``Action`` header: ``Missing action in request``;
2. before login, anything but Login, Logoff and Challenge: ``Permission denied``;
3. a user with ``allowmultiplelogin = no`` already logged in: ``Login Already In Use`` after
   one second, then the connection closes;
4. an action Asterisk 22 does not have: ``Invalid/unknown command: X. Use Action:
   ListCommands to show available commands.``;
5. an action whose write classes the session lacks: ``Permission denied``;
6. the handler below, or ``None`` when the action is not emulated (the server then answers
   that it is not emulated and reports it to the test).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pyst.ami.messages import (
    Action,
    Event,
    Response,
    make_command_response,
    make_error,
    make_goodbye,
    make_list_ack,
    make_list_complete,
    make_list_item,
    make_response,
)
from pyst.config import amiformat
from pyst.config.files import ManagerUser, ast_true
from pyst_sim.ami._spec import ACTIONS
from pyst_sim.ami.calls import (
    CallEngine,
    OriginateOutcome,
    OriginateRequest,
    parse_originate_callerid,
)
from pyst_sim.ami.cli import run_command
from pyst_sim.ami.functions import get_variable, set_variable
from pyst_sim.ami.perms import (
    CLASS_BITS,
    EventFilter,
    FilterError,
    action_authority,
    action_name,
    authority_to_str,
    event_authority,
    strings_to_mask,
)
from pyst_sim.state.channels import Channel
from pyst_sim.state.queues import AddResult, Queue, QueueMember, RemoveResult

if TYPE_CHECKING:
    from pyst_sim.ami_server import AMISession, FakeAMIServer, Reply

__all__ = ["SYNOPSES", "BuiltinPBX"]

logger = logging.getLogger(__name__)

Handler = Callable[["AMISession", Action], "Reply | Awaitable[Reply] | None"]

#: ``ListCommands`` synopses of the emulated actions (others list with an empty synopsis).
SYNOPSES = {
    "Challenge": "Generate Challenge for MD5 Auth.",
    "Command": "Execute Asterisk CLI Command.",
    "CoreSettings": "Show PBX core settings (version etc).",
    "CoreShowChannels": "List currently active channels.",
    "CoreStatus": "Show PBX core status variables.",
    "DBDel": "Delete DB entry.",
    "DBDelTree": "Delete DB Tree.",
    "DBGet": "Get DB Entry.",
    "DBGetTree": "Get DB entries, optionally at a particular family/key",
    "DBPut": "Put DB entry.",
    "Events": "Control Event Flow.",
    "Filter": "Dynamically add filters for the current manager session.",
    "GetConfig": "Retrieve configuration.",
    "GetConfigJSON": "Retrieve configuration (JSON format).",
    "Getvar": "Gets a channel variable or function value.",
    "Hangup": "Hangup channel.",
    "ListCategories": "List categories in configuration file.",
    "ListCommands": "List available manager commands.",
    "Login": "Login Manager.",
    "Logoff": "Logoff Manager.",
    "Originate": "Originate a call.",
    "Ping": "Keepalive command.",
    "QueueAdd": "Add interface to queue.",
    "QueuePause": "Makes a queue member temporarily unavailable.",
    "QueueRemove": "Remove interface from queue.",
    "QueueStatus": "Show queue status.",
    "QueueSummary": "Show queue summary.",
    "Redirect": "Redirect (transfer) a call.",
    "Setvar": "Sets a channel variable or function value.",
    "Status": "List channel status.",
    "UpdateConfig": "Update basic configuration.",
    "UserEvent": "Send an arbitrary event.",
}

_SYSTEM = CLASS_BITS["system"]
_USER = CLASS_BITS["user"]
_SECURITY_CLASS = CLASS_BITS["security"]
# Applications Originate refuses without the system class (manager.c originate_app_permission).
_BLACKLISTED_APPS = ("system", "exec", "trysystem", "eval")
_PONG = ("Ping", "Pong")
_EVENT_SENT = ("Message", "Event Sent")
_CLI_BLACKLIST = (("module", "load"), ("module", "unload"), ("restart", "gracefully"))


def _ok(action: Action, message: str | None = None, fields: Any = ()) -> list[Any]:
    return [make_response(action, "Success", message, fields)]


def _err(action: Action, message: str) -> list[Any]:
    return [make_error(action, message)]


def _or_unknown(text: str) -> str:
    return text or "<unknown>"


def _timeval_now() -> str:
    """The wall clock as Asterisk prints a timeval (``%ld.%06lu``: microseconds truncated, not
    rounded), from integer nanoseconds: a float format costs a Ping 7% of its instructions."""
    ns = str(time.time_ns())
    return f"{ns[:-9]}.{ns[-9:-3]}"


# The usual Ping as clients write it, over its wire bytes (no final line end): exactly
# ``Action: Ping`` (any case) and optionally ``ActionID: <id>``, in that order, nothing else.
# Where this matches, the general path (fields split, respond(), ping()) gives the same reply:
# the id is what ping() takes (the value after the blanks Asterisk skips; an id that starts with
# another blank, or holds a CR, LF or NUL, is left to the general path, as is any other layout).
_QUICK_PING = re.compile(
    rb"Action:[ \t]*(?i:ping)(?:\r\nActionID:[ \t]*([^\x00-\x20][^\r\n\x00]*)?)?"
).fullmatch


def _pong(action_id: bytes) -> bytes:
    """Asterisk's reply to Ping as wire bytes (no final line end): astman_start_ack (with the
    ActionID when there is one), ``Ping: Pong``, ``Timestamp:`` the wall clock as
    :func:`_timeval_now` prints it."""
    ns = b"%d" % time.time_ns()
    if action_id:
        return b"Response: Success\r\nActionID: %b\r\nPing: Pong\r\nTimestamp: %b.%b" % (
            action_id, ns[:-9], ns[-9:-3])
    return b"Response: Success\r\nPing: Pong\r\nTimestamp: %b.%b" % (ns[:-9], ns[-9:-3])


def _tv(when: float) -> str:
    # Security events' EventTV/SessionTV: 2026-11-28T21:42:49.155+0000 (UTC, milliseconds).
    stamp = datetime.fromtimestamp(when, timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}+0000"


def _acl_allows(user: ManagerUser, host: str) -> bool:
    """``ast_apply_ha``: rules in order, the last matching one decides; allow by default."""
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return True
    allowed = True
    for kind, value in user.acl:
        if kind == "acl":
            continue  # named ACLs (acl.conf) are not modelled
        net_text = value.strip()
        if "/" in net_text:
            base, _, mask = net_text.partition("/")
            try:
                if "." in mask:
                    bits = ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
                    net = ipaddress.ip_network(f"{base}/{bits}", strict=False)
                else:
                    net = ipaddress.ip_network(net_text, strict=False)
            except ValueError:
                continue
        else:
            try:
                net = ipaddress.ip_network(net_text, strict=False)
            except ValueError:
                continue
        if addr.version == net.version and addr in net:
            allowed = kind == "permit"
    return allowed


class BuiltinPBX:
    """Answers actions from the server's PBX (see the module docstring)."""

    def __init__(self, server: FakeAMIServer, *, seed: int | None = None) -> None:
        self.server = server
        self.calls = CallEngine(server)
        self._random = random.Random(seed)
        self._handlers: dict[str, Handler] = {
            "login": self.login,
            "logoff": self.logoff,
            "challenge": self.challenge,
            "ping": self.ping,
            "events": self.events,
            "filter": self.filter,
            "coresettings": self.coresettings,
            "corestatus": self.corestatus,
            "listcommands": self.listcommands,
            "command": self.command,
            "getvar": self.getvar,
            "setvar": self.setvar,
            "dbput": self.dbput,
            "dbget": self.dbget,
            "dbgettree": self.dbgettree,
            "dbdel": self.dbdel,
            "dbdeltree": self.dbdeltree,
            "userevent": self.userevent,
            "originate": self.originate,
            "coreshowchannels": self.coreshowchannels,
            "status": self.status,
            "hangup": self.hangup,
            "redirect": self.redirect,
            "queuestatus": self.queuestatus,
            "queuesummary": self.queuesummary,
            "queueadd": self.queueadd,
            "queueremove": self.queueremove,
            "queuepause": self.queuepause,
            "getconfig": self.config_action,
            "getconfigjson": self.config_action,
            "listcategories": self.config_action,
            "updateconfig": self.updateconfig,
        }

    @property
    def pbx(self) -> Any:
        return self.server.pbx

    async def shutdown(self) -> None:
        await self.calls.shutdown()

    def reset(self) -> None:
        self.calls.reset()

    def emulated(self) -> list[str]:
        """Names of the actions answered here."""
        return sorted(action_name(n) or n for n in self._handlers)

    # -- the checks of process_message -------------------------------------------------

    def respond(self, session: AMISession, action: Action) -> Any:
        fields = action.fields
        if fields and fields[0][0] == "Action" and fields[0][1]:
            name = fields[0][1]  # the usual first line: what action.name finds first
        else:
            name = action.name
        if not name:
            return _err(action, "Missing action in request")
        lowered = name.lower()
        if session.authenticated:
            # The hot paths of the benchmarks (authority 0 / the user class).
            if lowered == "ping":
                return self.ping(session, action, fields)
            if lowered == "userevent" and session.write_mask & _USER:
                return self.userevent(session, action)
        if not session.authenticated and lowered not in ("login", "logoff", "challenge"):
            return _err(action, "Permission denied")
        if lowered == "login" and not session.authenticated:
            user = self.pbx.user(action.get("Username") or "")
            if user is not None and not user.allowmultiplelogin and any(
                s.authenticated and s.username and s.username.lower() == user.name.lower()
                for s in self.server.sessions
            ):
                return self._delayed_failure(action, "Login Already In Use")
        authority = action_authority(name)
        if authority is None:
            return _err(
                action,
                f"Invalid/unknown command: {name}. Use Action: ListCommands to show available "
                "commands.",
            )
        if authority and not session.write_mask & authority:
            return _err(action, "Permission denied")
        handler = self._handlers.get(lowered)
        if handler is None:
            return None
        return handler(session, action)

    async def _failure_after_delay(self, action: Action, message: str) -> Reply:
        from pyst_sim.ami_server import Close

        await asyncio.sleep(self.server.auth_failure_delay)
        return [make_error(action, message), Close()]

    def _delayed_failure(self, action: Action, message: str) -> Awaitable[Reply]:
        return self._failure_after_delay(action, message)

    # -- session actions ----------------------------------------------------------------

    def _security_event(self, session: AMISession, name: str, severity: str, version: str,
                        account: str, *extra: tuple[str, str]) -> None:
        # res_security_log/manager.c security events: same envelope as the captured
        # SuccessfulAuth (EventTV, Severity, Service, EventVersion, AccountID, SessionID,
        # LocalAddress, RemoteAddress, ..., SessionTV).
        fields = [
            ("EventTV", _tv(time.time())),
            ("Severity", severity),
            ("Service", "AMI"),
            ("EventVersion", version),
            ("AccountID", account),
            ("SessionID", session.session_id),
            ("LocalAddress", f"IPV4/TCP/{session.local[0]}/{session.local[1]}"),
            ("RemoteAddress", f"IPV4/TCP/{session.peer[0]}/{session.peer[1]}"),
            *extra,
            ("SessionTV", _tv(session.connected_wall)),
        ]
        self.pbx.publish(name, _SECURITY_CLASS, fields)

    def login(self, session: AMISession, action: Action) -> Any:
        if session.authenticated:
            return _ok(action, "Already authenticated")
        username = action.get("Username") or ""
        user = self.pbx.user(username)
        ok = False
        if user is not None and _acl_allows(user, session.peer[0]):
            if (action.get("AuthType") or "").lower() == "md5":
                key = action.get("Key") or ""
                if session.challenge and user.secret:
                    digest = hashlib.md5((session.challenge + user.secret).encode()).hexdigest()
                    ok = key == digest
            else:
                secret = action.get("Secret")
                ok = secret is not None and user.secret is not None and secret == user.secret
        if not ok:
            if user is None:
                self._security_event(session, "InvalidAccountID", "Error", "1", username)
            else:
                self._security_event(session, "InvalidPassword", "Error", "2", username)
            return self._delayed_failure(action, "Authentication failed")
        session.authenticate(username, user)
        events = action.get("Events")
        if events:
            mask = strings_to_mask(events)
            if mask >= 0:
                session.event_mask = mask
        reply: list[Any] = _ok(action, "Authentication accepted")
        if session.event_mask & _SYSTEM and session.read_mask & _SYSTEM:
            up = str(self.pbx.uptime())
            since = str(int(self.pbx.clock() - self.pbx.reloaded))
            reply.append(Event.make(
                "FullyBooted", Privilege="system,all", Uptime=up, LastReload=since,
                Status="Fully Booted",
            ))
        self._security_event(session, "SuccessfulAuth", "Informational", "1", username,
                             ("UsingPassword", "0"))
        return reply

    def logoff(self, session: AMISession, action: Action) -> Any:
        from pyst_sim.ami_server import Close

        return [make_goodbye(action), Close()]

    def challenge(self, session: AMISession, action: Action) -> Any:
        if (action.get("AuthType") or "").lower() != "md5":
            return _err(action, "Must specify AuthType")
        if session.challenge is None:
            session.challenge = str(self._random.randrange(2**31))
        return _ok(action, None, [("Challenge", session.challenge)])

    def ping(
        self, session: AMISession, action: Action, parts: tuple[tuple[str, str], ...] = ()
    ) -> Any:
        # astman_start_ack + "Ping: Pong" + "Timestamp: <sec>.<usec>".
        parts = parts or action.fields
        if len(parts) > 1 and parts[0][0] == "Action" and parts[1][0] == "ActionID":
            action_id = parts[1][1] or None  # the usual layout: the first ActionID
        else:
            action_id = action.action_id
        if action_id is None or ("\n" not in action_id and "\0" not in action_id):
            # The reply as Asterisk writes it, as a message over its wire bytes: the server
            # writes those bytes as they are, with no serialising.
            try:
                wire_id = action_id.encode("utf-8", "surrogateescape") if action_id else b""
            except UnicodeEncodeError:
                pass  # not from the wire: built from parts below, sending raises
            else:
                return [Response._from_raw(_pong(wire_id))]
        stamp = ("Timestamp", _timeval_now())
        fields: tuple[tuple[str, str], ...]
        if action_id:
            fields = (("Response", "Success"), ("ActionID", action_id), _PONG, stamp)
        else:
            fields = (("Response", "Success"), _PONG, stamp)
        return [Response._from_parts(fields)]

    def quick_ping(self, raw: bytes) -> bytes | None:
        """The reply to a Ping over wire bytes ``raw`` (no final line end) in its usual layout,
        as wire bytes (no final line end), or None for anything else.

        For an authenticated session this is what :meth:`respond` answers, without splitting
        the fields: Ping is the keepalive every client sends on a timer, and the action the
        benchmarks time. The caller checks the session may act and that nothing scripted
        answers first.
        """
        match = _QUICK_PING(raw)
        return None if match is None else _pong(match[1] or b"")

    def events(self, session: AMISession, action: Action) -> Any:
        mask = strings_to_mask(action.get("EventMask"))
        if mask >= 0:
            session.event_mask = mask
        if self.pbx.manager.brokeneventsaction and (mask < 0 or mask & 0x7FFFFFFF == 0x7FFFFFFF):
            return []
        if mask > 0:
            return _ok(action, None, [("Events", "On")])
        if mask == 0:
            return _ok(action, None, [("Events", "Off")])
        return _err(action, "Invalid event mask")

    def filter(self, session: AMISession, action: Action) -> Any:
        if (action.get("Operation") or "").lower() != "add":
            return _err(action, "Unknown operation")
        criteria = action.get("MatchCriteria") or None
        try:
            compiled = EventFilter.parse(criteria, action.get("Filter") or "")
        except FilterError as exc:
            return _err(action, exc.reason)
        (session.excludes if compiled.exclude else session.includes).append(compiled)
        return _ok(action, "Success")

    def coresettings(self, session: AMISession, action: Action) -> Any:
        ident = self.pbx.identity
        return _ok(action, None, [
            ("AMIversion", self.server.banner.version),
            ("AsteriskVersion", ident.asterisk_version),
            ("SystemName", ident.system_name),
            ("CoreMaxCalls", "0"),
            ("CoreMaxLoadAvg", "0.000000"),
            ("CoreRunUser", ident.run_user),
            ("CoreRunGroup", ident.run_group),
            ("CoreMaxFilehandles", "0"),
            ("CoreRealTimeEnabled", "No"),
            ("CoreCDRenabled", "Yes"),
            ("CoreHTTPenabled", "Yes" if self.pbx.manager.webenabled else "No"),
            ("SoundsSearchCustomDir", "No"),
        ])

    def corestatus(self, session: AMISession, action: Action) -> Any:
        started = time.localtime(self.pbx.started)
        reloaded = time.localtime(self.pbx.reloaded)
        calls = len({c.linkedid for c in self.pbx.registry})
        return _ok(action, None, [
            ("CoreStartupDate", time.strftime("%Y-%m-%d", started)),
            ("CoreStartupTime", time.strftime("%H:%M:%S", started)),
            ("CoreReloadDate", time.strftime("%Y-%m-%d", reloaded)),
            ("CoreReloadTime", time.strftime("%H:%M:%S", reloaded)),
            ("CoreCurrentCalls", str(calls)),
            ("CoreProcessedCalls", str(self.pbx.counters.processed_calls)),
        ])

    def listcommands(self, session: AMISession, action: Action) -> Any:
        fields = []
        for name in sorted(ACTIONS, key=str.lower):
            authority = action_authority(name) or 0
            if authority and not session.write_mask & authority:
                continue
            fields.append(
                (name, f"{SYNOPSES.get(name, '')} (Priv: {authority_to_str(authority)})")
            )
        return _ok(action, None, fields)

    def command(self, session: AMISession, action: Action) -> Any:
        cmd = action.get("Command")
        if not cmd:
            return _err(action, "No command provided")
        words = tuple(w.lower() for w in cmd.split())
        if any(words[: len(b)] == b for b in _CLI_BLACKLIST):
            return _err(action, "Command blacklisted")
        ok, lines = run_command(self.server, cmd)
        return [make_command_response(action, lines, status="Success" if ok else "Error")]

    # -- variables and AstDB -----------------------------------------------------------

    def _channel_arg(self, action: Action) -> tuple[Channel | None, list[Any] | None]:
        name = action.get("Channel")
        if not name:
            return None, None
        chan = self.pbx.channel(name)
        if chan is None:
            return None, _err(action, "No such channel")
        return chan, None

    def getvar(self, session: AMISession, action: Action) -> Any:
        variable = action.get("Variable")
        if not variable:
            return _err(action, "No variable specified")
        chan, error = self._channel_arg(action)
        if error is not None:
            return error
        if chan is None and variable.endswith(")"):
            self.pbx.registry.next_uniqueid()  # Asterisk reads it on a dummy channel
        value = get_variable(self.pbx, chan, variable)
        return _ok(action, None, [("Variable", variable), ("Value", value)])

    def setvar(self, session: AMISession, action: Action) -> Any:
        variable = action.get("Variable")
        if not variable:
            return _err(action, "No variable specified")
        chan, error = self._channel_arg(action)
        if error is not None:
            return error
        value = action.get("Value") or ""
        if chan is not None and not variable.endswith(")"):
            self.calls.set_var(chan, variable, value)
        elif not set_variable(self.pbx, chan, variable, value):
            return _err(action, "Variable not set")
        return _ok(action, "Variable Set")

    def dbput(self, session: AMISession, action: Action) -> Any:
        family, key = action.get("Family"), action.get("Key")
        if not family:
            return _err(action, "No family specified")
        if not key:
            return _err(action, "No key specified")
        self.pbx.astdb.put(family, key, action.get("Val") or "")
        return _ok(action, "Updated database successfully")

    def dbget(self, session: AMISession, action: Action) -> Any:
        family, key = action.get("Family"), action.get("Key")
        if not family:
            return _err(action, "No family specified.")
        if not key:
            return _err(action, "No key specified.")
        value = self.pbx.astdb.get(family, key)
        if value is None:
            return _err(action, "Database entry not found")
        item = Event.make("DBGetResponse", Family=family, Key=key, Val=value)
        if action.action_id:
            item = item.with_fields(("ActionID", action.action_id))
        return [
            make_list_ack(action, "Result will follow"),
            item,
            make_list_complete(action, "DBGetComplete", 1),
        ]

    def dbgettree(self, session: AMISession, action: Action) -> Any:
        family, key = action.get("Family"), action.get("Key")
        if key and not family:
            return _err(action, "No family specified.")
        rows = self.pbx.astdb.tree(family or None, key or None)
        out: list[Any] = [make_list_ack(action, "Result will follow")]
        for path, value in rows:
            item = Event.make("DBGetTreeResponse", Key=path, Val=value)
            if action.action_id:
                item = item.with_fields(("ActionID", action.action_id))
            out.append(item)
        out.append(make_list_complete(action, "DBGetTreeComplete", len(rows)))
        return out

    def dbdel(self, session: AMISession, action: Action) -> Any:
        family, key = action.get("Family"), action.get("Key")
        if not family:
            return _err(action, "No family specified.")
        if not key:
            return _err(action, "No key specified.")
        if self.pbx.astdb.delete(family, key):
            return _ok(action, "Key deleted successfully")
        return _err(action, "Database entry could not be deleted")

    def dbdeltree(self, session: AMISession, action: Action) -> Any:
        family, key = action.get("Family"), action.get("Key")
        if not family:
            return _err(action, "No family specified.")
        if self.pbx.astdb.deltree(family, key or None) > 0:
            return _ok(action, "Key tree deleted successfully")
        return _err(action, "Database entry could not be deleted")

    def userevent(self, session: AMISession, action: Action) -> Any:
        # action_userevent: "UserEvent: <name>", then every other header line of the
        # request (ActionID included) except Action: and UserEvent:, in order.
        fields = [("UserEvent", action.get("UserEvent") or "")]
        fields.extend(
            (n, v) for n, v in action.fields if n.lower() not in ("action", "userevent")
        )
        action_id = action.action_id
        reply = [Response._from_parts(
            (("Response", "Success"), ("ActionID", action_id), _EVENT_SENT) if action_id
            else (("Response", "Success"), _EVENT_SENT)
        )]
        self.pbx.publish("UserEvent", CLASS_BITS["user"], fields)
        return reply

    # -- calls ---------------------------------------------------------------------------

    def originate(self, session: AMISession, action: Action) -> Any:
        channel = action.get("Channel") or ""
        context = action.get("Context") or ""
        exten = action.get("Exten") or ""
        priority_text = action.get("Priority") or ""
        app = action.get("Application") or ""
        if not channel:
            return _err(action, "Channel not specified")
        priority = 0
        if priority_text:
            match = re.match(r"\s*([+-]?\d+)", priority_text)
            if match:
                priority = int(match.group(1))
            else:
                found = self.pbx.dialplan.find_label(context, exten, priority_text)
                if found is None:
                    return _err(action, "Invalid priority")
                priority = found.priority
        timeout_text = action.get("Timeout")
        timeout: float | None = 30.0
        if timeout_text:
            match = re.match(r"\s*([+-]?\d+)", timeout_text)
            if not match:
                return _err(action, "Invalid timeout")
            ms = int(match.group(1))
            # A negative timeout was accepted by 22.10.1 (capture h1): no time limit.
            timeout = ms / 1000.0 if ms >= 0 else None
        if "/" not in channel:
            return _err(action, "Invalid channel")
        if app and not session.write_mask & _SYSTEM:
            lowered = app.lower()
            data = (action.get("Data") or "").lower()
            if any(b in lowered for b in _BLACKLISTED_APPS) or (
                "(" in data and any(b in data for b in ("system", "shell", "eval", "file"))
            ):
                return _err(action, "Originate Access Forbidden: app or data blacklisted")
        if not app:
            if not exten or not context or not priority_text:
                return _err(action, "Originate with 'Exten' requires 'Context' and 'Priority'")
            if not self.pbx.dialplan.exists(context, exten, priority):
                return _err(action, "Extension does not exist.")
        name, number = parse_originate_callerid(action.get("CallerID") or "")
        variables = action.variables()
        if session.user is not None:
            variables = list(session.user.channel_variables.items()) + variables
        req = OriginateRequest(
            channel=channel,
            context=context,
            exten=exten,
            priority=priority or 1,
            application=app,
            data=action.get("Data") or "",
            timeout=timeout,
            callerid_name=name,
            callerid_num=number,
            variables=variables,
            account=action.get("Account") or "",
            channel_id=action.get("ChannelId") or "",
            other_channel_id=action.get("OtherChannelId") or "",
        )
        if ast_true(action.get("Async")):
            self.calls.start_originate(
                req, lambda outcome: self._originate_response(action, req, outcome)
            )
            return _ok(action, "Originate successfully queued")
        return self._sync_originate(action, req)

    async def _sync_originate(self, action: Action, req: OriginateRequest) -> Reply:
        outcome = await self.calls.originate(req)
        if outcome.success:
            return _ok(action, "Originate successfully queued")
        return _err(action, "Originate failed")

    def _originate_response(
        self, action: Action, req: OriginateRequest, outcome: OriginateOutcome
    ) -> None:
        fields: list[tuple[str, str]] = []
        if action.action_id:
            fields.append(("ActionID", action.action_id))
        chan = outcome.channel if outcome.success else None
        fields.append(("Response", "Success" if outcome.success else "Failure"))
        fields.append(("Channel", chan.name if chan is not None else req.channel))
        if req.application:
            fields += [("Application", req.application), ("Data", req.data)]
        else:
            fields += [("Context", req.context), ("Exten", req.exten)]
        fields.append(("Reason", str(outcome.reason)))
        fields.append(("Uniqueid", chan.uniqueid if chan is not None else "<unknown>"))
        fields.append(("CallerIDNum", _or_unknown(req.callerid_num)))
        fields.append(("CallerIDName", _or_unknown(req.callerid_name)))
        self.pbx.publish("OriginateResponse", event_authority("OriginateResponse"), fields)

    def coreshowchannels(self, session: AMISession, action: Action) -> Any:
        now = self.pbx.clock()
        out: list[Any] = [make_list_ack(action, "Channels will follow")]
        channels = list(self.pbx.registry)
        for chan in channels:
            seconds = chan.duration(now)
            out.append(make_list_item(action, "CoreShowChannel", [
                *self.pbx.snapshot(chan),
                ("Application", chan.application),
                ("ApplicationData", chan.data),
                ("Duration", f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"),
                ("BridgeId", chan.bridge_id),
            ]))
        out.append(make_list_complete(action, "CoreShowChannelsComplete", len(channels)))
        return out

    def status(self, session: AMISession, action: Action) -> Any:
        name = action.get("Channel")
        if name:
            chan = self.pbx.channel(name)
            if chan is None:
                return _err(action, "No such channel")
            channels = [chan]
        else:
            channels = list(self.pbx.registry)
        wanted = [v.strip() for v in (action.get("Variables") or "").split(",") if v.strip()]
        now = self.pbx.clock()
        out: list[Any] = [make_list_ack(action, "Channel status will follow")]
        for chan in channels:
            fields = [
                ("Event", "Status"),
                ("Privilege", "Call"),
                *self.pbx.snapshot(chan),
                ("Type", chan.tech),
                ("DNID", chan.dialed),
                ("EffectiveConnectedLineNum", _or_unknown(chan.connected_num)),
                ("EffectiveConnectedLineName", _or_unknown(chan.connected_name)),
                ("TimeToHangup", "0"),
                ("BridgeID", chan.bridge_id),
                ("Application", chan.application),
                ("Data", chan.data),
                ("Nativeformats", "(slin)"),
                ("Readformat", "slin"),
                ("Readtrans", ""),
                ("Writeformat", "slin"),
                ("Writetrans", ""),
                ("Callgroup", "0"),
                ("Pickupgroup", "0"),
                ("Seconds", str(chan.duration(now))),
            ]
            for var in wanted:
                fields.append(("Variable", f"{var}={get_variable(self.pbx, chan, var)}"))
            if action.action_id:
                fields.append(("ActionID", action.action_id))
            out.append(Event._from_parts(tuple(fields)))
        n = len(channels)
        out.append(make_list_complete(action, "StatusComplete", n, [("Items", str(n))]))
        return out

    def hangup(self, session: AMISession, action: Action) -> Any:
        name = action.get("Channel") or ""
        if not name:
            return _err(action, "No channel specified")
        cause_text = action.get("Cause") or ""
        cause = 16
        if cause_text:
            match = re.match(r"\s*(\d+)", cause_text)
            if not match:
                return _err(action, "Invalid cause")
            cause = int(match.group(1)) or 16
        if len(name) > 2 and name.startswith("/") and name.endswith("/"):
            try:
                pattern = re.compile(name[1:-1])
            except re.error:
                return _err(action, "Invalid regex")
            out: list[Any] = [make_list_ack(action, "Channels hung up will follow")]
            hit = [c for c in self.pbx.registry if pattern.search(c.name)]
            for chan in hit:
                self.calls.hangup(chan, cause, soft=True)
                out.append(make_list_item(action, "ChannelHungup", [("Channel", chan.name)]))
            out.append(make_list_complete(action, "ChannelsHungupListComplete", len(hit)))
            return out
        chan = self.pbx.channel(name)
        if chan is None:
            return _err(action, "No such channel")
        self.calls.hangup(chan, cause, soft=True)
        return _ok(action, "Channel Hungup")

    def redirect(self, session: AMISession, action: Action) -> Any:
        name = action.get("Channel") or ""
        context = action.get("Context") or ""
        exten = action.get("Exten") or ""
        priority_text = action.get("Priority") or ""
        if not name:
            return _err(action, "Channel not specified")
        if not context:
            return _err(action, "Context not specified")
        if not exten:
            return _err(action, "Exten not specified")
        if not priority_text:
            return _err(action, "Priority not specified")
        if priority_text.strip().lstrip("+-").isdigit():
            priority = int(priority_text)
        else:
            found = self.pbx.dialplan.find_label(context, exten, priority_text)
            priority = found.priority if found is not None else 0
        if priority < 1:
            return _err(action, "Priority is invalid")
        chan = self.pbx.channel(name)
        if chan is None:
            return _err(action, f"Channel does not exist: {name}")
        extra_name = action.get("ExtraChannel") or ""
        extra = self.pbx.channel(extra_name) if extra_name else None
        self.calls.redirect(chan, context, exten, priority)
        if extra is not None:
            self.calls.redirect(
                extra,
                action.get("ExtraContext") or context,
                action.get("ExtraExten") or exten,
                int(action.get("ExtraPriority") or priority),
            )
        return _ok(action, "Redirect successful")

    # -- queues --------------------------------------------------------------------------

    def _member_fields(self, queue: Any, m: QueueMember) -> list[tuple[str, str]]:
        return [
            ("Queue", queue.name),
            ("MemberName", m.membername),
            ("Interface", m.interface),
            ("StateInterface", m.state_interface),
            ("Membership", "dynamic" if m.dynamic else "static"),
            ("Penalty", str(m.penalty)),
            ("CallsTaken", str(m.calls_taken)),
            ("LastCall", str(m.last_call)),
            ("LastPause", str(m.last_pause)),
            ("LoginTime", str(m.login_time)),
            ("InCall", "1" if m.in_call else "0"),
            ("Status", str(m.status)),
            ("Paused", "1" if m.paused else "0"),
            ("PausedReason", m.paused_reason),
            ("Ringinuse", "1" if m.ringinuse else "0"),
            ("Wrapuptime", str(m.wrapuptime)),
        ]

    def _queue_list(
        self,
        action: Action,
        ack: str,
        complete: str,
        rows: Callable[[Queue, float, list[tuple[str, str]]], list[Event]],
    ) -> list[Any]:
        """A queue list reply (QueueStatus, QueueSummary): the ack, ``rows(queue, now, tail)``
        for each queue the ``Queue`` header selects (all without it; ``tail`` is the ActionID
        line app_queue writes last in each event), then the complete event."""
        wanted = action.get("Queue") or ""
        aid = action.action_id
        tail = [("ActionID", aid)] if aid else []
        out: list[Any] = [make_list_ack(action, ack)]
        now = self.pbx.clock()
        with self.pbx.queues.lock:
            for q in self.pbx.queues:
                if not wanted or q.name == wanted:
                    out.extend(rows(q, now, tail))
        out.append(make_list_complete(action, complete, len(out) - 1))
        return out

    def queuestatus(self, session: AMISession, action: Action) -> Any:
        member_filter = action.get("Member") or ""

        def rows(q: Queue, now: float, tail: list[tuple[str, str]]) -> list[Event]:
            out = [Event.make("QueueParams", [
                ("Queue", q.name), ("Max", q.maxlen), ("Strategy", q.strategy),
                ("Calls", len(q.entries)), ("Holdtime", q.holdtime),
                ("TalkTime", q.talktime), ("Completed", q.completed),
                ("Abandoned", q.abandoned), ("ServiceLevel", q.servicelevel),
                ("ServicelevelPerf", "0.0"), ("ServicelevelPerf2", "0.0"),
                ("Weight", q.weight), *tail,
            ])]
            for m in q.members:
                if member_filter and member_filter not in (m.interface, m.membername):
                    continue
                out.append(Event.make("QueueMember", [
                    ("Queue", q.name), ("Name", m.membername), ("Location", m.interface),
                    ("StateInterface", m.state_interface),
                    ("Membership", "dynamic" if m.dynamic else "static"),
                    ("Penalty", m.penalty), ("CallsTaken", m.calls_taken),
                    ("LastCall", m.last_call), ("LastPause", m.last_pause),
                    ("LoginTime", m.login_time), ("InCall", int(m.in_call)),
                    ("Status", m.status), ("Paused", int(m.paused)),
                    ("PausedReason", m.paused_reason), ("Wrapuptime", m.wrapuptime),
                    *tail,
                ]))
            for pos, e in enumerate(q.entries, 1):
                out.append(Event.make("QueueEntry", [
                    ("Queue", q.name), ("Position", pos), ("Channel", e.channel),
                    ("Uniqueid", e.uniqueid), ("CallerIDNum", e.callerid_num or "unknown"),
                    ("CallerIDName", e.callerid_name or "unknown"),
                    ("ConnectedLineNum", e.connected_num or "unknown"),
                    ("ConnectedLineName", e.connected_name or "unknown"),
                    ("Wait", int(now - e.joined)), ("Priority", e.priority), *tail,
                ]))
            return out

        return self._queue_list(action, "Queue status will follow", "QueueStatusComplete", rows)

    def queuesummary(self, session: AMISession, action: Action) -> Any:
        def rows(q: Queue, now: float, tail: list[tuple[str, str]]) -> list[Event]:
            available = sum(1 for m in q.members if not m.paused and not m.in_call)
            longest = max((int(now - e.joined) for e in q.entries), default=0)
            return [Event.make("QueueSummary", [
                ("Queue", q.name), ("LoggedIn", len(q.members)), ("Available", available),
                ("Callers", len(q.entries)), ("HoldTime", q.holdtime),
                ("TalkTime", q.talktime), ("LongestHoldTime", longest), *tail,
            ])]

        return self._queue_list(
            action, "Queue summary will follow", "QueueSummaryComplete", rows
        )

    def queueadd(self, session: AMISession, action: Action) -> Any:
        queue_name = action.get("Queue") or ""
        interface = action.get("Interface") or ""
        if not queue_name:
            return _err(action, "'Queue' not specified.")
        if not interface:
            return _err(action, "'Interface' not specified.")
        penalty_text = action.get("Penalty") or "0"
        penalty = int(penalty_text) if penalty_text.strip().lstrip("-").isdigit() else 0
        member = QueueMember(
            interface,
            action.get("MemberName") or "",
            action.get("StateInterface") or "",
            max(penalty, 0),
            paused=ast_true(action.get("Paused")),
            paused_reason=action.get("Reason") or "",
            login_time=int(self.pbx.clock()),
        )
        result, queue = self.pbx.queues.add_member(queue_name, member)
        if result == AddResult.NO_SUCH_QUEUE:
            return _err(action, "Unable to add interface to queue: No such queue")
        if result == AddResult.EXISTS:
            return _err(action, "Unable to add interface: Already there")
        self.pbx.publish("QueueMemberAdded", event_authority("QueueMemberAdded"),
                         self._member_fields(queue, member))
        return _ok(action, "Added interface to queue")

    def queueremove(self, session: AMISession, action: Action) -> Any:
        queue_name = action.get("Queue") or ""
        interface = action.get("Interface") or ""
        if not queue_name or not interface:
            return _err(action, "Need 'Queue' and 'Interface' parameters.")
        result, queue, member = self.pbx.queues.remove_member(queue_name, interface)
        if result == RemoveResult.NO_SUCH_QUEUE:
            return _err(action, "Unable to remove interface from queue: No such queue")
        if result == RemoveResult.NOT_THERE:
            return _err(action, "Unable to remove interface: Not there")
        if result == RemoveResult.NOT_DYNAMIC:
            return _err(action, "Member not dynamic")
        assert member is not None
        self.pbx.publish("QueueMemberRemoved", event_authority("QueueMemberRemoved"),
                         self._member_fields(queue, member))
        return _ok(action, "Removed interface from queue")

    def queuepause(self, session: AMISession, action: Action) -> Any:
        interface = action.get("Interface") or ""
        paused_text = action.get("Paused") or ""
        if not interface or not paused_text:
            return _err(action, "Need 'Interface' and 'Paused' parameters.")
        paused = ast_true(paused_text)
        queue_name = action.get("Queue") or ""
        reason = action.get("Reason") or ""
        found = False
        now = int(self.pbx.clock())
        with self.pbx.queues.lock:
            for q in self.pbx.queues:
                if queue_name and q.name.lower() != queue_name.lower():
                    continue
                m = q.member(interface)
                if m is None:
                    continue
                found = True
                m.paused = paused
                m.paused_reason = reason if paused else ""
                if paused:
                    m.last_pause = now
                self.pbx.publish("QueueMemberPause", event_authority("QueueMemberPause"),
                                 self._member_fields(q, m))
        if not found:
            return _err(action, "Interface not found")
        return _ok(action, "Interface paused successfully" if paused
                   else "Interface unpaused successfully")

    # -- config files --------------------------------------------------------------------

    def config_action(self, session: AMISession, action: Action) -> Any:
        loader = self.pbx.config_loader
        if loader is None:
            if not action.get("Filename"):
                return _err(action, amiformat.FILENAME_NOT_SPECIFIED)
            return _err(action, amiformat.NOT_FOUND)
        headers: dict[str, str] = {}
        seen: set[str] = set()
        for name, value in action.fields:
            if name.lower() not in seen:
                seen.add(name.lower())
                headers[name] = value
        reply = amiformat.respond(loader, action.name, headers)
        assert reply is not None
        fields: list[tuple[str, str]] = [("Response", reply.response)]
        if action.action_id:
            fields.append(("ActionID", action.action_id))
        if reply.message is not None:
            fields.append(("Message", reply.message))
        fields.extend(reply.fields)
        bare = tuple((len(fields), line) for line in reply.bare_lines)
        return [Response._from_parts(tuple(fields), bare)]

    def updateconfig(self, session: AMISession, action: Action) -> Any:
        from pyst_sim.ami.updateconfig import update_config

        loader = self.pbx.config_loader
        status, message = update_config(self.pbx, loader, action)
        if status != "Success":
            return _err(action, message or "")
        if ast_true(action.get("Reload")) or (action.get("Reload") or "").strip():
            self.server._reload_from_disk()
        return [make_response(action, "Success")]
