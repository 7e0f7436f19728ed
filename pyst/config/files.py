"""Typed views of the configuration files the simulator needs: manager.conf and queues.conf.

Each helper reads a resolved view (:class:`~pyst.config.model.ResolvedConfig`, or a
:class:`~pyst.config.model.LoadedConfig`) the way the Asterisk module does, defaults included:

* :func:`manager_config` follows ``__init_manager`` (main/manager.c, 22.x): ``[general]`` (the
  first one) holds the global settings; every other non-template category is a user; users are
  matched case-insensitively and a repeated user category updates the first (keys it lacks keep
  their earlier values; its ACL, channel variables and event filters replace the earlier ones);
* :func:`queues_config` follows ``reload_queues``/``reload_single_queue`` (apps/app_queue.c):
  ``[general]`` holds globals; every other non-template category is a queue; a repeated queue
  name is skipped ("Queue 'x' already defined! Skipping!"); ``strategy`` is the first value,
  other settings the last; ``member`` lines are parsed like ``AST_STANDARD_APP_ARGS``, and a
  second line for the same interface replaces the first.

Problems Asterisk logs (an invalid port, a writetimeout under 100...) are collected in each
result's ``warnings`` (plain strings); nothing raises for bad values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyst.config._text import ascii_lower
from pyst.config.model import ConfigCategory, LoadedConfig, ResolvedConfig

__all__ = [
    "PERMISSION_CLASSES",
    "QUEUE_STRATEGIES",
    "EventFilter",
    "ManagerConfig",
    "ManagerUser",
    "Queue",
    "QueueMember",
    "QueuesConfig",
    "ast_false",
    "ast_true",
    "manager_config",
    "permission_mask",
    "permission_names",
    "queues_config",
    "separate_args",
]

_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})
_FALSE = frozenset({"no", "false", "n", "f", "0", "off"})


def ast_true(value: str | None) -> bool:
    """Asterisk's ``ast_true``: yes, true, y, t, 1, on (any case)."""
    return value is not None and ascii_lower(value.strip()) in _TRUE


def ast_false(value: str | None) -> bool:
    """Asterisk's ``ast_false``: no, false, n, f, 0, off (any case)."""
    return value is not None and ascii_lower(value.strip()) in _FALSE


def _atoi(value: str) -> int:
    """C ``atoi``: optional blanks and sign, then digits; anything else stops it (0 if none)."""
    match = re.match(r"[ \t\n\v\f\r]*([+-]?\d+)", value)
    return int(match.group(1)) if match else 0


def _resolved(config: ResolvedConfig | LoadedConfig) -> ResolvedConfig:
    return config.config if isinstance(config, LoadedConfig) else config


# --- manager.conf -----------------------------------------------------------------------------

# perms[] of main/manager.c, in its order (the order of ``Privilege:`` headers).
PERMISSION_CLASSES: dict[str, int] = {
    "system": 1 << 0,
    "call": 1 << 1,
    "log": 1 << 2,
    "verbose": 1 << 3,
    "command": 1 << 4,
    "agent": 1 << 5,
    "user": 1 << 6,
    "config": 1 << 7,
    "dtmf": 1 << 8,
    "reporting": 1 << 9,
    "cdr": 1 << 10,
    "dialplan": 1 << 11,
    "originate": 1 << 12,
    "agi": 1 << 13,
    "cc": 1 << 15,
    "aoc": 1 << 16,
    "test": 1 << 17,
    "security": 1 << 18,
    "message": 1 << 30,
    "all": 2**31 - 1,
    "none": 0,
}


def _instring(text: str, label: str) -> bool:
    """``ast_instring(text, label, ',')`` as manager.c has it: each element but the last
    matches when it is a prefix of ``label`` (an empty element matches everything); the last
    must equal it; case-sensitive, no blank stripping."""
    start = 0
    while True:
        comma = text.find(",", start)
        if comma < 0:
            return text[start:] == label
        if label.startswith(text[start:comma]):
            return True
        start = comma + 1
        if start >= len(text):
            return False


def permission_mask(text: str | None) -> int:
    """``get_perm``: the permission bits a ``read=``/``write=`` value grants."""
    if not text:
        return 0
    mask = 0
    for label, bit in PERMISSION_CLASSES.items():
        if _instring(text, label):
            mask |= bit
    return mask


def permission_names(mask: int) -> list[str]:
    """The class names of ``mask`` in perms[] order (``all`` included when ``mask`` is not 0),
    as ``authority_to_str`` lists them."""
    return [label for label, bit in PERMISSION_CLASSES.items() if bit and mask & bit]


@dataclass(frozen=True)
class EventFilter:
    """One ``eventfilter`` line of a manager user.

    Legacy form ``eventfilter = [!]regex``: ``legacy`` is true, ``method`` is ``regex``.
    Advanced form ``eventfilter(action(exclude),name(X),header(H),method(M)) = text``:
    ``event_name``, ``header`` and ``method`` (default ``none``) come from the criteria.
    ``valid`` is false when the criteria cannot be parsed (Asterisk rejects the filter).
    """

    key: str
    expression: str
    action: str = "include"
    event_name: str | None = None
    header: str | None = None
    method: str = "regex"
    legacy: bool = True
    valid: bool = True

    @classmethod
    def parse(cls, key: str, value: str) -> EventFilter:
        """Read one ``eventfilter...`` key and its value."""
        if ascii_lower(key) == "eventfilter":
            if value.startswith("!"):
                return cls(key, value[1:], "exclude")
            return cls(key, value)
        inner = key[len("eventfilter") :]
        if not (inner.startswith("(") and inner.endswith(")")):
            return cls(key, value, legacy=False, method="none", valid=False)
        criteria = inner[1:-1]
        found: dict[str, str] = {}
        pos = 0
        valid = True
        for match in re.finditer(r"\s*(\w+)\(([^()]*)\)\s*(,|$)", criteria):
            if match.start() != pos:
                valid = False
                break
            found.setdefault(ascii_lower(match.group(1)), match.group(2))
            pos = match.end()
        if pos != len(criteria):
            valid = False
        action = ascii_lower(found.get("action", "include"))
        method = ascii_lower(found.get("method", "none"))
        known = {"regex", "exact", "starts_with", "ends_with", "contains", "none"}
        if action not in ("include", "exclude") or method not in known:
            valid = False
        return cls(
            key,
            value,
            action,
            found.get("name"),
            found.get("header"),
            method,
            legacy=False,
            valid=valid and not (set(found) - {"action", "name", "header", "method"}),
        )


@dataclass
class ManagerUser:
    """One AMI user (a non-``general`` category of manager.conf)."""

    name: str
    secret: str | None = None
    read: list[str] = field(default_factory=list)
    write: list[str] = field(default_factory=list)
    read_mask: int = 0
    write_mask: int = 0
    acl: list[tuple[str, str]] = field(default_factory=list)
    eventfilters: list[EventFilter] = field(default_factory=list)
    setvars: list[tuple[str, str]] = field(default_factory=list)
    displayconnects: bool = True
    allowmultiplelogin: bool = True
    writetimeout: int = 100
    file: str = ""
    lineno: int = 0

    @property
    def permit(self) -> list[str]:
        """The ``permit`` values, in order (see ``acl`` for the full ordered list)."""
        return [v for kind, v in self.acl if kind == "permit"]

    @property
    def deny(self) -> list[str]:
        """The ``deny`` values, in order."""
        return [v for kind, v in self.acl if kind == "deny"]

    @property
    def channel_variables(self) -> dict[str, str]:
        """``setvar`` values as Asterisk applies them (it stores the list reversed, so for a
        name set twice the first line wins)."""
        out: dict[str, str] = {}
        for name, value in reversed(self.setvars):
            out[name] = value
        return out

    def can_read(self, cls: str) -> bool:
        """True if the user's read permissions include class ``cls``."""
        return bool(self.read_mask & PERMISSION_CLASSES.get(ascii_lower(cls), 0))

    def can_write(self, cls: str) -> bool:
        """True if the user's write permissions include class ``cls``."""
        return bool(self.write_mask & PERMISSION_CLASSES.get(ascii_lower(cls), 0))


@dataclass
class ManagerConfig:
    """manager.conf as Asterisk 22 reads it."""

    enabled: bool = False
    webenabled: bool = False
    port: int = 5038
    bindaddr: str = "::"
    displayconnects: bool = True
    timestampevents: bool = False
    allowmultiplelogin: bool = True
    brokeneventsaction: bool = False
    debug: bool = False
    httptimeout: int = 60
    authtimeout: int = 30
    authlimit: int = 50
    channelvars: list[str] = field(default_factory=list)
    disabledevents: list[str] = field(default_factory=list)
    tls: dict[str, str] = field(default_factory=dict)
    users: dict[str, ManagerUser] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def user(self, name: str) -> ManagerUser | None:
        """The user called ``name`` (case-insensitive, as the AMI login lookup)."""
        return self.users.get(ascii_lower(name))


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def manager_config(config: ResolvedConfig | LoadedConfig) -> ManagerConfig:
    """Read manager.conf's settings and users from a resolved view."""
    resolved = _resolved(config)
    result = ManagerConfig()
    general = resolved.category("general")
    for var in general.variables if general is not None else ():
        key = ascii_lower(var.name)
        value = var.value
        if key.startswith(("tls", "ssl")):
            result.tls[key] = value
        elif key == "enabled":
            result.enabled = ast_true(value)
        elif key == "webenabled":
            result.webenabled = ast_true(value)
        elif key == "port":
            if value.strip().isdigit() and 1024 <= int(value) <= 65535:
                result.port = int(value)
            else:
                result.warnings.append(f"Invalid port number '{value}'")
        elif key == "bindaddr":
            result.bindaddr = value
        elif key == "brokeneventsaction":
            result.brokeneventsaction = ast_true(value)
        elif key == "allowmultiplelogin":
            result.allowmultiplelogin = ast_true(value)
        elif key == "displayconnects":
            result.displayconnects = ast_true(value)
        elif key == "timestampevents":
            result.timestampevents = ast_true(value)
        elif key == "debug":
            result.debug = ast_true(value)
        elif key == "httptimeout":
            result.httptimeout = _atoi(value) if _atoi(value) > 0 else result.httptimeout
        elif key in ("authtimeout", "authlimit"):
            number = _atoi(value)
            if number < 1:
                result.warnings.append(f"Invalid {key} value '{value}', using default value")
            else:
                setattr(result, key, number)
        elif key == "channelvars":
            result.channelvars = _csv(value)
        elif key == "disabledevents":
            result.disabledevents = _csv(value)
        else:
            result.warnings.append(f"Invalid keyword <{var.name}> = <{value}> in [general]")
    for cat in resolved.categories:
        if ascii_lower(cat.name) == "general":
            continue
        _manager_user(result, cat)
    return result


def _manager_user(result: ManagerConfig, cat: ConfigCategory) -> None:
    key = ascii_lower(cat.name)
    user = result.users.get(key)
    if user is None:
        user = ManagerUser(
            cat.name,
            displayconnects=result.displayconnects,
            allowmultiplelogin=result.allowmultiplelogin,
            file=cat.file,
            lineno=cat.lineno,
        )
        result.users[key] = user
    # A repeated category rebuilds these from scratch (manager.c clears them per category).
    user.acl = []
    user.eventfilters = []
    user.setvars = []
    for var in cat.variables:
        name = ascii_lower(var.name)
        value = var.value
        if name == "secret":
            user.secret = value
        elif name in ("deny", "permit", "acl"):
            user.acl.append((name, value))
        elif name == "read":
            user.read = _csv(value)
            user.read_mask = permission_mask(value)
        elif name == "write":
            user.write = _csv(value)
            user.write_mask = permission_mask(value)
        elif name == "displayconnects":
            user.displayconnects = ast_true(value)
        elif name == "allowmultiplelogin":
            user.allowmultiplelogin = ast_true(value)
        elif name == "writetimeout":
            timeout = _atoi(value)
            if timeout < 100:
                result.warnings.append(f"Invalid writetimeout value '{value}' at line {var.lineno}")
            else:
                user.writetimeout = timeout
        elif name == "setvar":
            # char varbuf[256]: the text is cut to 255 bytes before the split at '='.
            text = value.encode("utf-8", "surrogateescape")[:255].decode("utf-8", "surrogateescape")
            var_name, eq, var_value = text.partition("=")
            if eq:
                user.setvars.append((var_name, var_value))
        elif name.startswith("eventfilter"):
            user.eventfilters.append(EventFilter.parse(var.name, value))


# --- queues.conf ------------------------------------------------------------------------------

QUEUE_STRATEGIES = (
    "ringall",
    "leastrecent",
    "fewestcalls",
    "random",
    "rrmemory",
    "linear",
    "wrandom",
    "rrordered",
)


def separate_args(text: str, delimiter: str = ",") -> list[str]:
    """``AST_STANDARD_APP_ARGS``: split at ``delimiter`` outside quotes, parentheses and
    brackets; double quotes and backslash escapes are removed; blanks are kept."""
    args: list[str] = []
    current: list[str] = []
    paren = bracket = 0
    quoted = escaped = False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif quoted:
            current.append(ch)
        else:
            if ch == "(":
                paren += 1
            elif ch == ")" and paren:
                paren -= 1
            elif ch == "[":
                bracket += 1
            elif ch == "]" and bracket:
                bracket -= 1
            elif ch == delimiter and not paren and not bracket:
                args.append("".join(current))
                current = []
                continue
            current.append(ch)
    args.append("".join(current))
    return args


@dataclass(frozen=True)
class QueueMember:
    """A static ``member =>`` line: ``interface[,penalty[,membername[,state_interface
    [,ringinuse[,wrapuptime[,paused]]]]]]``."""

    interface: str
    penalty: int = 0
    membername: str = ""
    state_interface: str = ""
    ringinuse: bool = True
    wrapuptime: int = 0
    paused: bool = False
    lineno: int = 0


@dataclass
class Queue:
    """One queue of queues.conf. ``params`` lists every non-member key in order; the typed
    attributes hold what app_queue makes of them (its defaults when absent)."""

    name: str
    strategy: str = "ringall"
    members: list[QueueMember] = field(default_factory=list)
    params: list[tuple[str, str]] = field(default_factory=list)
    timeout: int = 15
    retry: int = 5
    wrapuptime: int = 0
    maxlen: int = 0
    weight: int = 0
    servicelevel: int = 0
    context: str = ""
    musicclass: str = ""
    ringinuse: bool = True
    autofill: bool = False
    joinempty: str = ""
    leavewhenempty: str = ""
    announce_frequency: int = 0
    file: str = ""
    lineno: int = 0

    def get(self, name: str, default: str | None = None) -> str | None:
        """The last value of setting ``name`` (case-insensitive), or ``default``."""
        wanted = ascii_lower(name)
        found = default
        for key, value in self.params:
            if ascii_lower(key) == wanted:
                found = value
        return found

    def member(self, interface: str) -> QueueMember | None:
        """The static member with this interface, or None."""
        for m in self.members:
            if m.interface == interface:
                return m
        return None


@dataclass
class QueuesConfig:
    """queues.conf as app_queue reads it."""

    persistentmembers: bool = False
    autofill: bool = False
    monitor_type: str | None = None
    updatecdr: bool = False
    shared_lastcall: bool = False
    negative_penalty_invalid: bool = False
    log_membername_as_agent: bool = False
    general: dict[str, str] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def queue(self, name: str) -> Queue | None:
        """The queue called ``name`` (case-insensitive, as app_queue's container)."""
        return self.queues.get(ascii_lower(name))


def queues_config(config: ResolvedConfig | LoadedConfig) -> QueuesConfig:
    """Read queues.conf's globals, queues and static members from a resolved view."""
    resolved = _resolved(config)
    result = QueuesConfig()
    general = resolved.category("general")
    if general is not None:
        for key, value in general.items():
            result.general.setdefault(ascii_lower(key), value)
    get = result.general.get
    result.persistentmembers = ast_true(get("persistentmembers"))
    result.autofill = ast_true(get("autofill"))
    result.monitor_type = get("monitor-type")
    result.updatecdr = ast_true(get("updatecdr"))
    result.shared_lastcall = ast_true(get("shared_lastcall"))
    result.negative_penalty_invalid = ast_true(get("negative_penalty_invalid"))
    result.log_membername_as_agent = ast_true(get("log_membername_as_agent"))
    for cat in resolved.categories:
        key = ascii_lower(cat.name)
        if key == "general":
            continue
        if key in result.queues:
            result.warnings.append(f"Queue '{cat.name}' already defined! Skipping!")
            continue
        result.queues[key] = _queue(cat, result)
    return result


def _queue(cat: ConfigCategory, result: QueuesConfig) -> Queue:
    queue = Queue(cat.name, autofill=result.autofill, file=cat.file, lineno=cat.lineno)
    strategy = cat.get("strategy")
    if strategy is not None:
        if ascii_lower(strategy) in QUEUE_STRATEGIES:
            queue.strategy = ascii_lower(strategy)
        else:
            result.warnings.append(
                f"'{strategy}' isn't a valid strategy for queue '{cat.name}', using ringall instead"
            )
    ints = {
        "timeout": "timeout",
        "retry": "retry",
        "wrapuptime": "wrapuptime",
        "maxlen": "maxlen",
        "weight": "weight",
        "servicelevel": "servicelevel",
        "announce-frequency": "announce_frequency",
    }
    for var in cat.variables:
        name = ascii_lower(var.name)
        if name == "member":
            continue
        queue.params.append((var.name, var.value))
        if name in ints:
            setattr(queue, ints[name], _atoi(var.value))
        elif name == "context":
            queue.context = var.value
        elif name in ("music", "musicclass", "musiconhold"):
            queue.musicclass = var.value
        elif name == "ringinuse":
            queue.ringinuse = ast_true(var.value)
        elif name == "autofill":
            queue.autofill = ast_true(var.value)
        elif name == "joinempty":
            queue.joinempty = var.value
        elif name == "leavewhenempty":
            queue.leavewhenempty = var.value
    for var in cat.variables:
        if ascii_lower(var.name) == "member":
            _queue_member(queue, var.value, var.lineno, result)
    return queue


def _queue_member(queue: Queue, data: str, lineno: int, result: QueuesConfig) -> None:
    if not data:
        result.warnings.append("Empty queue member definition. Moving on!")
        return
    args = separate_args(data) + [""] * 7
    interface = args[0]
    penalty = max(_atoi(args[1].strip()), 0) if args[1] else 0
    membername = args[2].strip() if args[2] else interface
    state_interface = args[3].strip() if args[3] else interface
    ringinuse = queue.ringinuse
    if args[4]:
        text = args[4].strip()
        if ast_true(text):
            ringinuse = True
        elif ast_false(text):
            ringinuse = False
        else:
            result.warnings.append(
                f"Member {membername} has an invalid ringinuse value. Using {queue.name} "
                "ringinuse value."
            )
    wrapuptime = max(_atoi(args[5].strip()), 0) if args[5] else 0
    paused = ast_true(args[6]) if args[6] else False
    member = QueueMember(
        interface, penalty, membername, state_interface, ringinuse, wrapuptime, paused, lineno
    )
    for i, existing in enumerate(queue.members):
        if existing.interface == interface:
            queue.members[i] = member
            return
    queue.members.append(member)
