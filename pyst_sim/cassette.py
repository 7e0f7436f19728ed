"""Cassettes: recorded AMI traffic, replayed to clients under test (after vcrpy).

A :class:`Cassette` holds what went over one or more AMI connections: per connection (a
:class:`Session`) the banner, then one :class:`Interaction` per client action -- the action's
headers and every message the server sent after it (the response, its list items, and the
events that arrived before the next action) with their delays. This module is the model and
the logic; the I/O lives in :mod:`pyst_sim.recorder` (the recording proxy) and
:mod:`pyst_sim.replay` (the replay server and the :class:`~pyst_sim.ami_server.FakeAMIServer`
responder). All AMI bytes are parsed and written by :mod:`pyst.ami`; nothing here reads AMI
any other way.

Sources
-------
:func:`load_cassette` reads three formats (``format="auto"`` tells them apart by content):

* **cassette** -- the YAML file described below (what ``pyst-sim record`` writes);
* **capture** -- a JSON-lines transcript of real Asterisk traffic (``shared/captures/*.jsonl``,
  :mod:`pyst_sim.captures`): its AMI connections (``c2s``/``s2c`` records) become sessions;
* **trace** -- a panoramisk-style raw trace (``panoramisk.testing`` fixture files, whatever their
  extension): AMI blocks separated by empty lines, lines ending in ``\\n``, an optional greeting
  line first. Blocks with an ``Action`` header (or with neither ``Response`` nor ``Event``) are
  the client's, the rest the server's. A server reply that follows no action (panoramisk's
  response-only fixtures) becomes an interaction *without* an action, which answers any action
  that matches nothing else, in order.

Cassette format (version 1)
---------------------------
YAML, UTF-8, human-readable and editable. Times are seconds (floats, microseconds)::

    version: 1
    recorded_at: '2026-11-28T21:42:49+00:00'    # optional metadata (free keys)
    upstream: 127.0.0.1:5038
    masked: [Secret, Login:Key]
    sessions:
    - name: c1                         # one per client connection, in connection order
      at: 0.0                          # connect time since the recording started
      banner: Asterisk Call Manager/11.0.0
      events: []                       # messages before the first action ('after' = since connect)
      interactions:
      - at: 0.000187                   # since connect
        action:                        # headers in wire order, repeats kept
        - Action: Login
        - ActionID: c1-001
        - Username: admin
        - Secret: '***'                # masked: matches any value
        replies:
        - after: 0.000239              # since the action arrived
          response:
          - Response: Success
          - ActionID: c1-001
          - Message: Authentication accepted
        - after: 0.000242
          unsolicited:
          - Event: FullyBooted
          - Privilege: system,all
          - Status: Fully Booted
        closed: 0.0003                 # optional: the server closed the connection then
      closed_by: server                # optional: who closed first (server or client)

Each reply has exactly one of ``response`` (the ``Response`` answering the action: same
ActionID, or the next one without ActionID for an action without one), ``event`` (an event
carrying the action's ActionID: list items, ``...Complete``, ``OriginateResponse``, the
``UserEvent`` echo) or ``unsolicited`` (anything else that arrived after this action and before
the next). A message is a list of one-key mappings ``Name: value`` (the value as written after
``": "``; ``Name:`` alone is an empty value) or, when that cannot reproduce its bytes exactly (a
legacy ``Response: Follows`` Command reply, colon-less lines), its exact wire text as one
string (``"Response: Follows\\r\\n..."``) or ``!!binary`` (bytes that are not UTF-8). An
interaction may also carry ``rejected:`` (the framing error Asterisk answered, see
:class:`~pyst.ami.messages.BadAction`) and ``action: null`` (see *trace* above).

Secrets
-------
The recorder forwards bytes unchanged (so an MD5 ``Challenge`` login works through it) but
masks secrets in the cassette: by default ``Secret`` in every action and ``Key`` in ``Login``
(``Key`` is also the AstDB key of ``DBPut``/``DBGet``, which must stay matchable). A masked
value is :data:`MASK`, and a recorded :data:`MASK` matches any value.

Matching and replay
-------------------
A client action is matched against the recorded ones by :class:`Matcher`: by default
``match_on=("action", "headers")`` -- the action name (ASCII case-insensitive, like
Asterisk's ``action_find``) and every other header (names case-insensitive, values exact; the
order of different names does not matter, the order of repeated ones does), always ignoring
``ActionID`` and any ``ignore_headers``. :class:`Player` takes the **first unused** match in
recording order (vcrpy's ``allow_playback_repeats=False``; with repeats allowed, a used one is
taken when no unused one matches). The recorded ActionID is replaced by the client's in every
replayed message that carries it (or removed, if the client sent none). Unsolicited events are
replayed after the action they followed, in recorded order; with a ``speed`` the recorded
delays are kept (divided by ``speed``), without one everything goes out at once. A session's
messages always keep their recorded order. A mismatch yields a :class:`Mismatch`: an
:class:`~pyst_sim.errors.ExpectationError` naming the closest recorded action with a header
diff, and a ``Response: Error`` for the client (so it does not hang).

Record modes (:class:`RecordMode`, vcrpy semantics): ``none`` replay only, an unmatched action
is an error; ``once`` record if the cassette file does not exist, else replay only;
``new_episodes`` replay what matches and record what does not against the upstream; ``all``
always record, never replay (the file is replaced).

For the fake AMI server, :class:`pyst_sim.replay.CassetteResponder` plugs a :class:`Player` in
through ``FakeAMIServer.add_responder``.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from pyst.ami.messages import Action, BadAction, Banner, Message, Response, make_error
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection, ConnectionClosed
from pyst.errors import ProtocolError
from pyst_sim.captures import Capture, load_capture
from pyst_sim.errors import ExpectationError, SimulatorError

logger = logging.getLogger(__name__)

__all__ = [
    "CASSETTE_VERSION",
    "DEFAULT_BANNER",
    "DEFAULT_MASK",
    "MASK",
    "Cassette",
    "CassetteError",
    "Interaction",
    "Masker",
    "Matcher",
    "Mismatch",
    "Playback",
    "Player",
    "RecordMode",
    "Reply",
    "Session",
    "SessionRecorder",
    "as_masker",
    "detect_format",
    "encode_message",
    "load_cassette",
    "parse_action",
    "parse_server_message",
    "verbatim_fields",
]

#: The cassette format version this module writes and reads.
CASSETTE_VERSION = 1
#: What a masked secret is replaced with; a recorded MASK matches any value.
MASK = "***"
#: Headers masked by default: ``Secret`` in any action, ``Key`` in ``Login`` only.
DEFAULT_MASK: tuple[str, ...] = ("Secret", "Login:Key")
#: The greeting used when a cassette has none (a trace without one): Asterisk 22's.
DEFAULT_BANNER = Banner("Asterisk Call Manager/11.0.0")

REPLY_KINDS = ("response", "event", "unsolicited")
_HEADER = (
    "# pyst-sim AMI cassette: recorded AMI traffic, replayed by 'pyst-sim replay'.\n"
    "# Format: see the docstring of pyst_sim/cassette.py. Times in seconds.\n"
)
# Longest Message: text of the error answered to a client on a mismatch (one AMI line).
_MAX_ERROR_TEXT = 900


class CassetteError(SimulatorError):
    """A cassette, capture or trace cannot be read; ``path`` and ``line`` say where."""

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        elif line is not None:
            where = f"line {line}: "
        super().__init__(f"{where}{message}")


class RecordMode(str, enum.Enum):
    """vcrpy's record modes (see the module docstring)."""

    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"


def _fold(name: str) -> str:
    # Asterisk compares header and action names with strcasecmp(): ASCII letters only.
    return name.lower() if name.isascii() else "".join(
        c.lower() if c.isascii() else c for c in name
    )


def _r6(value: float) -> float:
    return round(max(value, 0.0), 6)


# --- messages <-> cassette entries -------------------------------------------------------------

_BANNER_BYTES = DEFAULT_BANNER.to_bytes()


def verbatim_fields(message: Message) -> list[tuple[str, str]]:
    """``(name, value)`` pairs in wire order, each value as written after ``": "``.

    Uses :meth:`~pyst.ami.messages.Message.get_all_verbatim`, so indented ``Output:`` lines keep
    their blanks (``fields`` drops them, as Asterisk's reader does).
    """
    pending: dict[str, Iterator[str]] = {}
    out: list[tuple[str, str]] = []
    for name, value in message.fields:
        key = _fold(name)
        it = pending.get(key)
        if it is None:
            it = pending[key] = iter(message.get_all_verbatim(name))
        out.append((name, next(it, value)))
    return out


def _rebuild(message: Message, pairs: Sequence[tuple[str, str]],
             bare: Iterable[tuple[int, str]] = ()) -> Message:
    """A message of the same class with ``pairs`` (verbatim values) and ``message``'s data."""
    return type(message)(pairs, data=message.data, bare_lines=bare)


def _headers_to_bytes(pairs: Sequence[tuple[str, str]]) -> bytes:
    text = "".join(f"{name}: {value}\r\n" for name, value in pairs) + "\r\n"
    return text.encode("utf-8", "surrogateescape")


def encode_message(message: Message) -> list[dict[str, str]] | str | bytes:
    """The cassette form of ``message`` (see the module docstring)."""
    wire = message.to_bytes()
    try:
        text = wire.decode("utf-8")
    except UnicodeDecodeError:
        return wire  # YAML cannot hold undecodable bytes as text: !!binary
    if not message.bare_lines and not message.data:
        pairs = verbatim_fields(message)
        if pairs and _headers_to_bytes(pairs) == wire:
            return [{name: value} for name, value in pairs]
    return text


def parse_server_message(data: bytes) -> Message:
    """One block as Asterisk writes it (Response, Event, or a plain Message), via the core's
    client role. Raises ``ValueError`` unless ``data`` holds exactly one message."""
    conn = AMIConnection(CLIENT)
    try:
        events = conn.receive(_BANNER_BYTES + data)
        events += conn.receive(b"")
    except ProtocolError as exc:
        raise ValueError(str(exc)) from exc
    messages = [e for e in events if isinstance(e, Message)]
    closed = events[-1] if events else None
    if len(messages) != 1 or not isinstance(closed, ConnectionClosed) or closed.partial:
        raise ValueError(f"expected one complete AMI message, found {len(messages)}"
                         + (" and an unfinished one" if isinstance(closed, ConnectionClosed)
                            and closed.partial else ""))
    return messages[0]


def parse_action(data: bytes) -> Action:
    """One client block, read as Asterisk reads it (the core's server role). Raises
    ``ValueError`` unless ``data`` holds exactly one acceptable action."""
    conn = AMIConnection(SERVER)
    events = conn.receive(data) + conn.receive(b"")
    actions = [e for e in events if isinstance(e, (Action, BadAction))]
    closed = events[-1] if events else None
    if len(actions) != 1 or not isinstance(closed, ConnectionClosed) or closed.partial:
        raise ValueError(f"expected one complete AMI action, found {len(actions)}")
    found = actions[0]
    if isinstance(found, BadAction):
        raise ValueError(f"Asterisk would reject this action: {found.reason}")
    return found


def _decode_entry(value: object, where: _Where, *, action: bool) -> Message:
    """A message from its cassette form; raises CassetteError naming the line."""
    if isinstance(value, (str, bytes)):
        data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    elif isinstance(value, list):
        pairs: list[tuple[str, str]] = []
        for item in value:
            line = getattr(item, "line", None) or where.line
            if not isinstance(item, dict) or len(item) != 1:
                raise where.error("each header is a one-key mapping 'Name: value'", line)
            ((name, val),) = item.items()
            if not isinstance(name, str):
                raise where.error(f"header name {name!r} is not a string", line)
            if val is None:
                val = ""
            elif isinstance(val, bool) or not isinstance(val, (str, int)):
                raise where.error(
                    f"value of {name!r} must be a string (write it in quotes: '{val}')", line
                )
            text = str(val)
            if "\n" in text or "\r" in text or "\n" in name or ":" in name:
                raise where.error(f"header {name!r} holds a line end or its name a colon", line)
            pairs.append((name, text))
        data = _headers_to_bytes(pairs)
    else:
        raise where.error("a message is a list of 'Name: value' headers or a wire string")
    try:
        return parse_action(data) if action else parse_server_message(data)
    except ValueError as exc:
        raise where.error(str(exc)) from exc


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A message the server sent ``after`` seconds after the action (or the connect)."""

    after: float
    message: Message
    kind: str = "response"  # one of REPLY_KINDS

    @property
    def related(self) -> bool:
        """True for the response and the events that carry the action's ActionID."""
        return self.kind != "unsolicited"


@dataclass(frozen=True)
class Interaction:
    """One client action and what the server sent after it.

    ``action`` is ``None`` for a reply recorded without its action (raw traces). ``at``:
    seconds since the connect. ``closed_after``: the server closed the connection this long
    after the action. ``rejected``: the framing error Asterisk answered instead of running it.
    ``session``/``index``/``line`` say where it was recorded (for messages).
    """

    action: Action | None
    at: float = 0.0
    replies: tuple[Reply, ...] = ()
    closed_after: float | None = None
    rejected: str | None = None
    session: str = ""
    index: int = 0
    line: int | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        """The action name (``""`` without one)."""
        return self.action.name if self.action is not None else ""

    @property
    def action_id(self) -> str | None:
        """The recorded ActionID: the action's, else the one its replies carry (a reply
        recorded without its action, or a trace whose action lost its ActionID)."""
        if self.action is not None and self.action.action_id is not None:
            return self.action.action_id
        for reply in self.replies:
            if reply.related:
                return reply.message.action_id
        return None

    def describe(self, source: str | None = None) -> str:
        """``Action: Ping (session c1, action #2, file.yaml:12)``."""
        what = f"Action: {self.name}" if self.action is not None else "(reply without action)"
        where = [f"session {self.session}" if self.session else "", f"action #{self.index + 1}"]
        if source is not None:
            where.append(f"{source}:{self.line}" if self.line else source)
        return f"{what} ({', '.join(w for w in where if w)})"


@dataclass(frozen=True)
class Session:
    """One recorded client connection."""

    name: str
    at: float = 0.0
    banner: Banner | None = DEFAULT_BANNER
    preamble: tuple[Reply, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    closed_by: str | None = None
    closed_at: float | None = None
    line: int | None = field(default=None, compare=False)


class Cassette:
    """Recorded sessions plus free metadata; see the module docstring for the file format.

    ``Cassette(sessions=(), *, metadata=None, path=None)``. Sessions are kept in connection
    order; :meth:`interactions` lists every interaction in recording order.
    """

    def __init__(self, sessions: Iterable[Session] = (), *,
                 metadata: Mapping[str, Any] | None = None,
                 path: str | os.PathLike[str] | None = None, source: str = "cassette") -> None:
        self.sessions: list[Session] = list(sessions)
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.path = None if path is None else Path(path)
        #: Where it came from: ``cassette``, ``capture``, ``trace`` or ``new``.
        self.source = source
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (f"Cassette({self.path or '<memory>'}, {len(self.sessions)} sessions, "
                f"{len(self)} interactions)")

    def __len__(self) -> int:
        return sum(len(s.interactions) for s in self.sessions)

    @property
    def banner(self) -> Banner:
        """The first session's greeting (Asterisk 22's when there is none)."""
        for session in self.sessions:
            if session.banner is not None:
                return session.banner
        return DEFAULT_BANNER

    def interactions(self) -> list[Interaction]:
        """Every interaction, in recording order (connect time plus action time)."""
        indexed = [
            (s.at + i.at, n, i)
            for n, (s, i) in enumerate(
                (s, i) for s in self.sessions for i in s.interactions
            )
        ]
        indexed.sort(key=lambda x: (x[0], x[1]))
        return [i for _, _, i in indexed]

    def add_session(self, session: Session) -> None:
        """Add a session in connect-time order (``at``), after those with the same time;
        a name already taken gets a ``-2``, ``-3``... suffix. Thread-safe: the recorder calls
        this when a connection ends, in whatever order connections end."""
        with self._lock:
            names = {s.name for s in self.sessions}
            if session.name in names:
                base, n = session.name, 2
                while f"{base}-{n}" in names:
                    n += 1
                session = replace(session, name=f"{base}-{n}",
                                  interactions=tuple(replace(i, session=f"{base}-{n}")
                                                     for i in session.interactions))
            at = len(self.sessions)
            while at and self.sessions[at - 1].at > session.at:
                at -= 1
            self.sessions.insert(at, session)

    # --- writing ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The plain data written to YAML."""
        with self._lock:
            sessions = list(self.sessions)
        out: dict[str, Any] = {"version": CASSETTE_VERSION}
        for key, value in self.metadata.items():
            if key not in ("version", "sessions"):
                out[key] = value
        out["sessions"] = [_session_to_dict(s) for s in sessions]
        return out

    def to_yaml(self) -> str:
        """The cassette as YAML text (with a comment header)."""
        body = yaml.dump(self.to_dict(), Dumper=_Dumper, default_flow_style=False,
                         sort_keys=False, allow_unicode=True, width=1 << 20)
        return _HEADER + body

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the YAML file (atomically: a temporary file, then a rename); returns the path.

        Raises ``ValueError`` without a path, ``OSError`` if it cannot be written.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no path to save the cassette to")
        text = self.to_yaml()
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        self.path = target
        return target

    # --- reading ---------------------------------------------------------------------------

    @classmethod
    def from_yaml(cls, text: str, path: str | os.PathLike[str] | None = None) -> Cassette:
        """Read cassette YAML; raises :class:`CassetteError` (with the line) on bad content."""
        try:
            data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise CassetteError(f"not valid YAML: {exc}", path,
                                mark.line + 1 if mark is not None else None) from exc
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: object, path: str | os.PathLike[str] | None = None) -> Cassette:
        """Build a cassette from loaded YAML data (see the format)."""
        where = _Where(path, getattr(data, "line", None) or 1)
        if not isinstance(data, dict):
            raise where.error("a cassette is a mapping with 'version' and 'sessions'")
        version = data.get("version")
        if version != CASSETTE_VERSION:
            if isinstance(version, int) and version > CASSETTE_VERSION:
                raise where.error(f"cassette version {version} is newer than this pyst-sim "
                                  f"reads (version {CASSETTE_VERSION})")
            raise where.error(f"'version: {CASSETTE_VERSION}' expected, found {version!r}")
        sessions_data = data.get("sessions", [])
        if not isinstance(sessions_data, list):
            raise where.error("'sessions' must be a list")
        sessions = [_session_from_dict(s, where.at(s)) for s in sessions_data]
        metadata = {k: _plain(v) for k, v in data.items() if k not in ("version", "sessions")}
        return cls(sessions, metadata=metadata, path=path, source="cassette")

    @classmethod
    def from_capture(cls, capture: Capture | str | os.PathLike[str], *,
                     mask: Masker | Sequence[str] | None = DEFAULT_MASK) -> Cassette:
        """Sessions from a JSON-lines capture (``shared/captures``): one per AMI connection.

        Raises :class:`CassetteError` if it has no AMI connection (an AGI-only capture).
        """
        cap = capture if isinstance(capture, Capture) else load_capture(capture)
        masker = as_masker(mask)
        starts: dict[str, float] = {}
        recorders: dict[str, SessionRecorder] = {}
        ami_conns = {r.conn for r in cap.records
                     if r.type == "data" and r.dir in ("c2s", "s2c") and r.conn is not None}
        if not ami_conns:
            raise CassetteError("no AMI connection (c2s/s2c data) in this capture", cap.path)
        for record in cap.records:
            conn = record.conn
            if conn is None or conn not in ami_conns:
                continue
            if conn not in recorders:
                starts[conn] = record.t
                recorders[conn] = SessionRecorder(conn, record.t, at=record.t, mask=masker)
            rec = recorders[conn]
            if record.type == "data":
                if record.dir == "c2s":
                    rec.client_bytes(record.t, record.data)
                else:
                    rec.server_bytes(record.t, record.data)
            elif record.type == "close":
                by = str(record.raw.get("by", "server"))
                rec.close(record.t, "client" if by == "client" else "server")
        metadata: dict[str, Any] = {"source": str(cap.path), "flow": cap.flow}
        for key in ("description", "asterisk_version", "started_at"):
            if key in cap.meta:
                metadata[key] = cap.meta[key]
        if masker.rules:
            metadata["masked"] = list(masker.spec)
        return cls((r.session() for r in recorders.values()), metadata=metadata,
                   path=cap.path, source="capture")

    @classmethod
    def from_trace(cls, data: bytes | str, path: str | os.PathLike[str] | None = None, *,
                   mask: Masker | Sequence[str] | None = DEFAULT_MASK,
                   name: str = "trace") -> Cassette:
        """One session from a panoramisk-style raw trace (see the module docstring)."""
        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        rec = SessionRecorder(name, 0.0, mask=as_masker(mask))
        lines = raw.splitlines(keepends=True)
        first = lines[0].rstrip(b"\r\n") if lines else b""
        if first and b"/" in first and b":" not in first:
            rec.server_bytes(0.0, lines.pop(0))
        else:
            rec.server_bytes(0.0, _BANNER_BYTES)  # no greeting in the trace: Asterisk 22's
        for block, to_server in _trace_blocks(lines):
            if to_server:
                rec.client_bytes(0.0, block)
            else:
                rec.server_bytes(0.0, block)
        session = rec.session()
        if not session.interactions and not session.preamble:
            raise CassetteError("no AMI message found in this trace", path)
        meta = {"source": str(path)} if path is not None else {}
        return cls([session], metadata=meta, path=path, source="trace")


def _trace_blocks(lines: list[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Blocks of a raw trace and whether each goes to the server.

    Only the direction is decided here (by the header names); the blocks themselves are
    parsed by the core. A legacy ``Response: Follows`` block runs to the empty line after its
    ``--END COMMAND--`` line, since its raw CLI text may hold empty lines.
    """
    block: list[bytes] = []
    legacy = False
    for line in lines:
        bare = line.rstrip(b"\r\n")
        if not block:
            if not bare:
                continue  # an empty line between blocks
            legacy = _legacy_start(bare)
        if legacy and b"--END COMMAND--" in bare:
            legacy = False
        if bare or legacy:
            block.append(line if line.endswith(b"\n") else line + b"\n")
            continue
        yield _finish_block(block)
        block = []
    if block:
        yield _finish_block(block)


def _legacy_start(line: bytes) -> bool:
    return _fold(line.decode("utf-8", "surrogateescape")).replace(" ", "") == "response:follows"


# The headers Asterisk 13 writes before the raw text of a legacy Command reply
# (action_command: "Response: Follows", "Privilege: Command", then the ActionID).
_LEGACY_HEADERS = ("response", "privilege", "actionid")


def _finish_block(block: list[bytes]) -> tuple[bytes, bool]:
    names: list[str] = []
    for line in block:
        raw_name, sep, _ = line.partition(b":")
        names.append(_fold(raw_name.decode("utf-8", "surrogateescape").strip()) if sep else "")
    if _legacy_start(block[0].rstrip(b"\r\n")):
        # Traces write every line with a bare LF, but a legacy reply's headers end in CRLF
        # on the wire (that is how readers tell them from the raw text): restore that.
        for n, header in enumerate(names):
            if header not in _LEGACY_HEADERS:
                break
            block[n] = block[n].rstrip(b"\r\n") + b"\r\n"
    to_server = "response" not in names and "event" not in names
    return b"".join(block) + b"\n", to_server


# --- YAML plumbing -----------------------------------------------------------------------------


class _Map(dict):  # type: ignore[type-arg]
    """A loaded mapping that remembers its line (1-based)."""

    line: int | None = None


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    pass


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map(loader.construct_pairs(node, deep=True))
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


class _Dumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):  # type: ignore[misc]
    pass


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    # Times as plain decimals (0.000053, not 5.3e-05): easier to read and to edit.
    text = f"{value:.6f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(float, _represent_float)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class _Where:
    path: str | os.PathLike[str] | None
    line: int | None = None

    def at(self, node: object) -> _Where:
        line = getattr(node, "line", None)
        return _Where(self.path, line if line is not None else self.line)

    def error(self, message: str, line: int | None = None) -> CassetteError:
        return CassetteError(message, self.path, line if line is not None else self.line)


def _float(data: Mapping[str, object], key: str, where: _Where, default: float | None = 0.0
           ) -> float | None:
    value = data.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise where.error(f"'{key}' must be a number of seconds >= 0, not {value!r}")
    return float(value)


def _reply_to_dict(reply: Reply) -> dict[str, Any]:
    return {"after": _r6(reply.after), reply.kind: encode_message(reply.message)}


def _reply_from_dict(data: object, where: _Where) -> Reply:
    if not isinstance(data, dict):
        raise where.error("a reply is a mapping with 'after' and one of "
                          "'response', 'event', 'unsolicited'")
    kinds = [k for k in REPLY_KINDS if k in data]
    unknown = set(data) - {"after", *REPLY_KINDS}
    if len(kinds) != 1 or unknown:
        raise where.error("a reply has 'after' and exactly one of 'response', 'event', "
                          f"'unsolicited' (found {', '.join(map(str, data)) or 'nothing'})")
    after = _float(data, "after", where)
    assert after is not None
    return Reply(after, _decode_entry(data[kinds[0]], where, action=False), kinds[0])


def _interaction_to_dict(it: Interaction) -> dict[str, Any]:
    out: dict[str, Any] = {"at": _r6(it.at)}
    out["action"] = None if it.action is None else encode_message(it.action)
    if it.rejected is not None:
        out["rejected"] = it.rejected
    out["replies"] = [_reply_to_dict(r) for r in it.replies]
    if it.closed_after is not None:
        out["closed"] = _r6(it.closed_after)
    return out


_INTERACTION_KEYS = {"at", "action", "rejected", "replies", "closed"}


def _interaction_from_dict(data: object, where: _Where, session: str, index: int) -> Interaction:
    if not isinstance(data, dict):
        raise where.error("an interaction is a mapping with 'action' and 'replies'")
    unknown = set(data) - _INTERACTION_KEYS
    if unknown:
        raise where.error(f"unknown interaction key(s): {', '.join(sorted(map(str, unknown)))}")
    if "action" not in data:
        raise where.error("an interaction needs 'action' (null for a reply without action)")
    raw_action = data["action"]
    action = None if raw_action is None else _decode_entry(raw_action, where, action=True)
    assert action is None or isinstance(action, Action)
    replies = data.get("replies") or []
    if not isinstance(replies, list):
        raise where.error("'replies' must be a list")
    rejected = data.get("rejected")
    if rejected is not None and not isinstance(rejected, str):
        raise where.error("'rejected' must be a string")
    at = _float(data, "at", where)
    assert at is not None
    return Interaction(
        action=action,
        at=at,
        replies=tuple(_reply_from_dict(r, where.at(r)) for r in replies),
        closed_after=_float(data, "closed", where, None),
        rejected=rejected,
        session=session,
        index=index,
        line=where.line,
    )


def _session_to_dict(s: Session) -> dict[str, Any]:
    out: dict[str, Any] = {"name": s.name, "at": _r6(s.at)}
    out["banner"] = s.banner.text if s.banner is not None else None
    if s.preamble:
        out["events"] = [_reply_to_dict(r) for r in s.preamble]
    out["interactions"] = [_interaction_to_dict(i) for i in s.interactions]
    if s.closed_by is not None:
        out["closed_by"] = s.closed_by
        if not s.interactions and s.closed_at is not None:
            out["closed_at"] = _r6(s.closed_at)
    return out


_SESSION_KEYS = {"name", "at", "banner", "events", "interactions", "closed_by", "closed_at"}


def _session_from_dict(data: object, where: _Where) -> Session:
    if not isinstance(data, dict):
        raise where.error("a session is a mapping with 'name' and 'interactions'")
    unknown = set(data) - _SESSION_KEYS
    if unknown:
        raise where.error(f"unknown session key(s): {', '.join(sorted(map(str, unknown)))}")
    name = str(data.get("name", ""))
    banner_text = data.get("banner", DEFAULT_BANNER.text)
    banner = None
    if banner_text is not None:
        try:
            banner = Banner(str(banner_text))
        except ValueError as exc:
            raise where.error(str(exc)) from exc
    events = data.get("events") or []
    interactions = data.get("interactions") or []
    if not isinstance(events, list) or not isinstance(interactions, list):
        raise where.error("'events' and 'interactions' must be lists")
    closed_by = data.get("closed_by")
    if closed_by not in (None, "server", "client"):
        raise where.error(f"'closed_by' is 'server' or 'client', not {closed_by!r}")
    at = _float(data, "at", where)
    assert at is not None
    return Session(
        name=name,
        at=at,
        banner=banner,
        preamble=tuple(_reply_from_dict(r, where.at(r)) for r in events),
        interactions=tuple(
            _interaction_from_dict(i, where.at(i), name, n) for n, i in enumerate(interactions)
        ),
        closed_by=closed_by,
        closed_at=_float(data, "closed_at", where, None),
        line=where.line,
    )


# --- loading any source ------------------------------------------------------------------------

_CASSETTE_RE = re.compile(r"^version:", re.MULTILINE)


def load_cassette(path: str | os.PathLike[str], *, format: str = "auto",
                  mask: Masker | Sequence[str] | None = DEFAULT_MASK) -> Cassette:
    """Read a cassette, a capture (``.jsonl``) or a raw trace; see the module docstring.

    ``format``: ``auto`` (by content), ``cassette``, ``capture`` or ``trace``. Raises
    :class:`CassetteError` for unreadable content, ``OSError`` if the file cannot be read,
    ``ValueError`` for an unknown format.
    """
    p = Path(path)
    if format not in ("auto", "cassette", "capture", "trace"):
        raise ValueError(f"unknown cassette format {format!r} "
                         "(auto, cassette, capture or trace)")
    raw = p.read_bytes()
    if format == "auto":
        format = _sniff(raw)
    if format == "capture":
        try:
            return Cassette.from_capture(p, mask=mask)
        except ValueError as exc:
            raise CassetteError(str(exc), p) from exc
    if format == "cassette":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CassetteError(f"not UTF-8: {exc}", p) from exc
        return Cassette.from_yaml(text, p)
    return Cassette.from_trace(raw, p, mask=mask, name=p.stem)


def detect_format(path: str | os.PathLike[str]) -> str:
    """``cassette``, ``capture`` or ``trace``: what ``format="auto"`` reads ``path`` as.
    Raises ``OSError`` if it cannot be read."""
    return _sniff(Path(path).read_bytes())


def _sniff(raw: bytes) -> str:
    head = raw.lstrip()
    if head.startswith(b"{"):
        try:
            first = json.loads(head.split(b"\n", 1)[0])
        except ValueError:
            first = None
        if isinstance(first, dict) and "type" in first:
            return "capture"
    text = raw[:65536].decode("utf-8", "replace")
    if _CASSETTE_RE.search(text) and re.search(r"^sessions:", text, re.MULTILINE):
        return "cassette"
    return "trace"


# --- masking -----------------------------------------------------------------------------------


class Masker:
    """Which action headers are secrets. ``Masker(["Secret", "Login:Key"])``: a bare name is
    masked in every action, ``Action:Header`` only in that action."""

    def __init__(self, spec: Iterable[str] = DEFAULT_MASK) -> None:
        self.spec = tuple(spec)
        rules: list[tuple[str | None, str]] = []
        for item in self.spec:
            action, sep, header = item.partition(":")
            if not sep:
                action, header = "", action
            if not header.strip():
                raise ValueError(f"bad mask rule {item!r}: 'Header' or 'Action:Header'")
            rules.append((_fold(action.strip()) or None, _fold(header.strip())))
        self.rules = tuple(rules)

    def masks(self, action_name: str, header: str) -> bool:
        """True if ``header`` of ``action_name`` is a secret."""
        a, h = _fold(action_name), _fold(header)
        return any(h == rh and (ra is None or ra == a) for ra, rh in self.rules)

    def mask(self, action: Action) -> Action:
        """``action`` with its secret values replaced by :data:`MASK` (itself if none)."""
        if not self.rules:
            return action
        name = action.name
        fields = action.fields
        if not any(self.masks(name, n) for n, _ in fields):
            return action
        masked = [(n, MASK if self.masks(name, n) else v) for n, v in fields]
        return Action(masked, bare_lines=action.bare_lines)


def as_masker(mask: Masker | Sequence[str] | None) -> Masker:
    """A :class:`Masker` from a spec list (``None``: mask nothing)."""
    if isinstance(mask, Masker):
        return mask
    return Masker(() if mask is None else mask)


# --- recording (sans I/O) ----------------------------------------------------------------------


@dataclass
class _Open:
    action: Action | None
    action_id: str | None
    at: float  # absolute
    replies: list[Reply] = field(default_factory=list)
    answered: bool = False
    closed_after: float | None = None
    rejected: str | None = None


class SessionRecorder:
    """Builds a :class:`Session` from the two byte streams of one connection (no I/O).

    ``SessionRecorder(name, start, *, at=0.0, mask=DEFAULT_MASK)``: ``start`` is the connect
    time on the caller's clock, ``at`` the session's offset in the cassette. Feed
    :meth:`client_bytes` / :meth:`server_bytes` with the time each chunk was seen (``b""`` is
    that side's EOF), or the message-level :meth:`add_action` / :meth:`add_message`. Bytes are
    parsed by the core (server role for the client's stream, client role for Asterisk's); a
    protocol error stops recording that stream and is kept in :attr:`problems`.
    """

    def __init__(self, name: str, start: float, *, at: float = 0.0,
                 mask: Masker | Sequence[str] | None = DEFAULT_MASK) -> None:
        self.name = name
        self.start = start
        self.at = at
        self.masker = as_masker(mask)
        self.banner: Banner | None = None
        self.problems: list[str] = []
        self.closed_by: str | None = None
        self._closed_at: float | None = None
        self._from_client = AMIConnection(SERVER)
        self._from_server = AMIConnection(CLIENT)
        self._preamble: list[Reply] = []
        self._open: list[_Open] = []
        self._broken: set[str] = set()

    def __len__(self) -> int:
        return len(self._open)

    # byte level

    def client_bytes(self, t: float, data: bytes) -> None:
        """Bytes the client sent at time ``t`` (``b""``: the client closed)."""
        if "client" in self._broken:
            return
        try:
            events = self._from_client.receive(data)
        except ProtocolError as exc:  # pragma: no cover - the server role never raises
            self._problem("client", exc)
            return
        for event in events:
            if isinstance(event, (Action, BadAction)):
                self.add_action(t, event)
            elif isinstance(event, ConnectionClosed):
                self.close(t, "client")

    def server_bytes(self, t: float, data: bytes) -> None:
        """Bytes the server sent at time ``t`` (``b""``: the server closed)."""
        if "server" in self._broken:
            if not data:
                self.close(t, "server")
            return
        try:
            events = self._from_server.receive(data)
        except ProtocolError as exc:
            self._problem("server", exc)
            if not data:
                self.close(t, "server")
            return
        for event in events:
            if isinstance(event, Banner):
                self.banner = event
            elif isinstance(event, Message):
                self.add_message(t, event)
            elif isinstance(event, ConnectionClosed):
                self.close(t, "server")

    def _problem(self, side: str, exc: Exception) -> None:
        self._broken.add(side)
        text = f"stopped recording what the {side} sent: {exc}"
        logger.warning("session %s: %s", self.name, text)
        self.problems.append(text)

    # message level

    def add_action(self, t: float, action: Action | BadAction) -> None:
        """A client action seen at ``t`` (masked before it is kept)."""
        rejected = None
        if isinstance(action, BadAction):
            rejected, action = action.reason, action.action
        self._open.append(_Open(self.masker.mask(action), action.action_id, t,
                                rejected=rejected))

    def add_message(self, t: float, message: Message) -> None:
        """A server message seen at ``t``; attached to the action it belongs to (by ActionID,
        or in order for a Response without one), else to the latest action as unsolicited."""
        owner: _Open | None = None
        kind = "unsolicited"
        action_id = message.action_id
        is_response = isinstance(message, Response)
        if action_id is not None:
            owner = next((o for o in reversed(self._open) if o.action_id == action_id), None)
        if owner is None and is_response:
            # In order, like Asterisk answers one session: the oldest unanswered action sent
            # without ActionID. (A Response carrying an ActionID that no action sent only
            # occurs in hand-edited traces whose actions lost theirs: it is adopted too.)
            owner = next((o for o in self._open if o.action_id is None and not o.answered
                          and o.action is not None), None)
            if owner is not None and action_id is not None:
                owner.action_id = action_id
        if owner is not None:
            kind = "response" if is_response else "event"
            if is_response:
                owner.answered = True
        elif is_response:
            # A reply to no recorded action (raw traces hold only Asterisk's side at times).
            owner = _Open(None, action_id, t, answered=True)
            self._open.append(owner)
            kind = "response"
        elif self._open:
            owner = self._open[-1]
        if owner is None:
            self._preamble.append(Reply(_r6(t - self.start), message, "unsolicited"))
        else:
            owner.replies.append(Reply(_r6(t - owner.at), message, kind))

    def close(self, t: float, by: str) -> None:
        """The connection closed at ``t``; ``by`` is ``"server"`` or ``"client"`` (first wins)."""
        if self.closed_by is not None:
            return
        self.closed_by = by
        self._closed_at = t
        if by == "server" and self._open:
            last = self._open[-1]
            last.closed_after = _r6(t - last.at)

    def session(self) -> Session:
        """The session recorded so far."""
        interactions = tuple(
            Interaction(
                action=o.action,
                at=_r6(o.at - self.start),
                replies=tuple(o.replies),
                closed_after=o.closed_after,
                rejected=o.rejected,
                session=self.name,
                index=n,
            )
            for n, o in enumerate(self._open)
        )
        return Session(
            name=self.name,
            at=_r6(self.at),
            banner=self.banner,
            preamble=tuple(self._preamble),
            interactions=interactions,
            closed_by=self.closed_by,
            closed_at=(_r6(self._closed_at - self.start)
                       if self._closed_at is not None and not interactions else None),
        )


# --- matching ----------------------------------------------------------------------------------

CustomMatcher = Callable[[Action, Action], bool]
MatchOn = Sequence[str | CustomMatcher]
_SKIPPED = frozenset({"action", "actionid"})


class Matcher:
    """Compares a client action with a recorded one (see the module docstring).

    ``Matcher(match_on=("action", "headers"), ignore_headers=())``: ``match_on`` items are
    ``"action"`` (the action name), ``"headers"`` (every other header but ``ActionID`` and the
    ignored ones) or callables ``(recorded, actual) -> bool``. Raises ``ValueError`` for an
    unknown criterion.
    """

    def __init__(self, match_on: MatchOn = ("action", "headers"),
                 ignore_headers: Iterable[str] = ()) -> None:
        for item in match_on:
            if not callable(item) and item not in ("action", "headers"):
                raise ValueError(f"unknown match_on criterion {item!r} "
                                 "('action', 'headers' or a callable)")
        self.match_on = tuple(match_on)
        self.ignore_headers = frozenset(_fold(h) for h in ignore_headers)

    def _headers(self, action: Action) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for name, value in action.fields:
            key = _fold(name)
            if key in _SKIPPED or key in self.ignore_headers:
                continue
            out.setdefault(key, []).append((name, value))
        return out

    def differences(self, recorded: Action, actual: Action) -> list[str]:
        """Why ``actual`` does not match ``recorded``, one line per difference; ``[]`` if it
        matches."""
        out: list[str] = []
        for item in self.match_on:
            if item == "action":
                if _fold(recorded.name) != _fold(actual.name):
                    out.append(f"Action: recorded {recorded.name!r}, got {actual.name!r}")
            elif item == "headers":
                out.extend(self._header_differences(recorded, actual))
            elif callable(item) and not item(recorded, actual):
                label = getattr(item, "__name__", repr(item))
                out.append(f"custom matcher {label} said no")
        return out

    def _header_differences(self, recorded: Action, actual: Action) -> list[str]:
        want, got = self._headers(recorded), self._headers(actual)
        out: list[str] = []
        for key in list(want) + [k for k in got if k not in want]:
            w, g = want.get(key, []), got.get(key, [])
            name = (w or g)[0][0]
            for i in range(max(len(w), len(g))):
                wv = w[i][1] if i < len(w) else None
                gv = g[i][1] if i < len(g) else None
                label = name if max(len(w), len(g)) == 1 else f"{name} #{i + 1}"
                if wv is None:
                    out.append(f"{label}: not recorded, got {gv!r}")
                elif gv is None:
                    out.append(f"{label}: recorded {wv!r}, missing")
                elif wv != gv and wv != MASK:
                    out.append(f"{label}: recorded {wv!r}, got {gv!r}")
        return out

    def matches(self, recorded: Action, actual: Action) -> bool:
        """True when :meth:`differences` is empty."""
        return not self.differences(recorded, actual)

    def distance(self, recorded: Action, actual: Action) -> int:
        """How far apart they are (a different action name weighs most)."""
        name_differs = _fold(recorded.name) != _fold(actual.name)
        return 1000 * name_differs + len(self._header_differences(recorded, actual))


# --- replay (sans I/O) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Playback:
    """What to send for one matched action: ``messages`` as ``(after, message)`` with the
    recorded delays (not scaled), the client's ActionID already in place; ``close_after`` when
    the server closed the connection after it."""

    interaction: Interaction
    messages: tuple[tuple[float, Message], ...]
    close_after: float | None = None


@dataclass(frozen=True)
class Mismatch:
    """An action that matched nothing: the error for the test and the reply for the client."""

    action: Action
    closest: Interaction | None
    differences: tuple[str, ...]
    error: ExpectationError
    response: Response


class Player:
    """Replays a :class:`Cassette`: matches actions, rewrites ActionIDs, remembers what was
    played and every mismatch. Thread-safe.

    ``Player(cassette, *, matcher=None, allow_playback_repeats=False, replay_unsolicited=True)``.
    """

    def __init__(self, cassette: Cassette, *, matcher: Matcher | None = None,
                 allow_playback_repeats: bool = False, replay_unsolicited: bool = True) -> None:
        self.cassette = cassette
        self.matcher = matcher if matcher is not None else Matcher()
        self.allow_playback_repeats = allow_playback_repeats
        self.replay_unsolicited = replay_unsolicited
        self._lock = threading.Lock()
        self._interactions = cassette.interactions()
        self._plays = [0] * len(self._interactions)
        self._sessions_given = 0
        self.mismatches: list[Mismatch] = []

    @property
    def errors(self) -> list[ExpectationError]:
        """One error per mismatch so far."""
        with self._lock:
            return [m.error for m in self.mismatches]

    def check(self, *, require_all_played: bool = False) -> None:
        """Raise :class:`~pyst_sim.errors.ExpectationError` for the mismatches so far (all in
        one message), and with ``require_all_played`` for recorded actions never played."""
        with self._lock:
            problems = [str(m.error) for m in self.mismatches]
        if require_all_played:
            problems += [f"never played: {i.describe(self._source())}" for i in self.unplayed()]
        if problems:
            raise ExpectationError("\n\n".join(problems))

    def unplayed(self) -> list[Interaction]:
        """Recorded interactions that were not played, in order."""
        with self._lock:
            return [i for i, n in zip(self._interactions, self._plays, strict=True) if not n]

    def next_session(self) -> Session | None:
        """The recorded session whose banner and early events the next connection gets
        (connection k gets session k; ``None`` past the last one)."""
        with self._lock:
            k = self._sessions_given
            self._sessions_given += 1
        sessions = self.cassette.sessions
        return sessions[k] if k < len(sessions) else None

    def _source(self) -> str | None:
        return None if self.cassette.path is None else str(self.cassette.path)

    def find(self, action: Action) -> Interaction | None:
        """The interaction that answers ``action`` (marked played), or ``None``."""
        with self._lock:
            return self._find(action)

    def _find(self, action: Action) -> Interaction | None:
        fallback = wildcard = None
        for n, it in enumerate(self._interactions):
            if it.action is None:
                if wildcard is None and not self._plays[n]:
                    wildcard = n
                continue
            if it.rejected is not None or not self.matcher.matches(it.action, action):
                continue
            if not self._plays[n]:
                self._plays[n] += 1
                return it
            if fallback is None and self.allow_playback_repeats:
                fallback = n
        chosen = fallback if fallback is not None else wildcard
        if chosen is None:
            return None
        self._plays[chosen] += 1
        return self._interactions[chosen]

    def play(self, action: Action) -> Playback | Mismatch:
        """The playback for ``action``, or the :class:`Mismatch` (also kept in
        :attr:`mismatches`)."""
        with self._lock:
            it = self._find(action)
            if it is None:
                mismatch = self._mismatch(action)
                self.mismatches.append(mismatch)
                logger.warning("%s", mismatch.error)
                return mismatch
        return self.playback(it, action)

    def playback(self, it: Interaction, action: Action) -> Playback:
        """Messages of ``it`` for the client's ``action`` (ActionIDs rewritten)."""
        recorded_id = it.action_id
        client_id = action.action_id
        out: list[tuple[float, Message]] = []
        for reply in it.replies:
            if not reply.related and not self.replay_unsolicited:
                continue
            message = _rewrite_action_id(reply.message, recorded_id, client_id,
                                         add=reply.kind == "response")
            out.append((reply.after, message))
        return Playback(it, tuple(out), it.closed_after)

    def preamble(self, session: Session | None) -> tuple[tuple[float, Message], ...]:
        """The early events of a session (``after`` = seconds since connect)."""
        if session is None or not self.replay_unsolicited:
            return ()
        return tuple((r.after, r.message) for r in session.preamble)

    def _mismatch(self, action: Action) -> Mismatch:
        source = self._source()
        best: tuple[int, int, int] | None = None
        for n, it in enumerate(self._interactions):
            if it.action is None:
                continue
            score = (self.matcher.distance(it.action, action), self._plays[n] > 0, n)
            if best is None or score < best:
                best = score
        closest = self._interactions[best[2]] if best is not None else None
        played = best is not None and best[1]
        shown = _show_action(action)
        lines = [f"replay: no recorded action matches {shown}"]
        diffs: list[str] = []
        if closest is None:
            lines.append("the cassette holds no action to match")
            short = "the cassette holds no action"
        else:
            assert closest.action is not None
            diffs = self.matcher.differences(closest.action, action)
            note = ""
            if played and not diffs:
                note = " (already played; allow_playback_repeats is off)"
            elif closest.rejected is not None:
                note = f" (recorded as rejected: {closest.rejected})"
            lines.append(f"closest recorded: {closest.describe(source)}{note}")
            lines.extend(f"  {d}" for d in diffs)
            short = f"closest: Action: {closest.name}"
            if diffs:
                short += " differs in " + "; ".join(diffs)
            elif note:
                short += note
        if source is not None:
            lines.append(f"cassette: {source}")
        text = "\n".join(lines)
        reply_text = f"pyst-sim replay: no recorded action matches {shown}; {short}"
        reply_text = " ".join(reply_text.split())  # one AMI line: no line ends
        if len(reply_text) > _MAX_ERROR_TEXT:
            reply_text = reply_text[: _MAX_ERROR_TEXT - 3] + "..."
        return Mismatch(action, closest, tuple(diffs), ExpectationError(text),
                        make_error(action, reply_text))


def _show_action(action: Action) -> str:
    parts = [f"Action: {action.name}" if action.name else "a message without Action"]
    extra = [f"{n}: {v}" for n, v in action.fields if _fold(n) not in _SKIPPED]
    if extra:
        parts.append("(" + ", ".join(extra) + ")")
    return " ".join(parts)


def _rewrite_action_id(message: Message, recorded: str | None, client: str | None, *,
                       add: bool) -> Message:
    """``message`` with the recorded ActionID replaced by the client's (removed without one).

    A recorded action without ActionID gets the client's as the 2nd line of its response, as
    Asterisk echoes it (``astman_send_response_full``).
    """
    if recorded is None:
        if add and client is not None and isinstance(message, Response):
            return message.with_action_id(client)
        return message
    if recorded == client:
        return message
    pairs = verbatim_fields(message)
    hits = [n for n, (name, value) in enumerate(pairs)
            if _fold(name) == "actionid" and value.strip() == recorded]
    if not hits:
        return message
    bare = list(message.bare_lines)
    if client is not None:
        for n in hits:
            pairs[n] = (pairs[n][0], client)
    else:
        for n in reversed(hits):
            del pairs[n]
            bare = [(pos - 1 if pos > n else pos, text) for pos, text in bare]
    return _rebuild(message, pairs, bare)

