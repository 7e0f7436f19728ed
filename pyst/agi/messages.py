"""AGI messages: small immutable objects for everything on an AGI connection.

Asterisk to script (sent by the ASTERISK role, events of the SCRIPT role):

* :class:`AGIEnvironment` — the ``agi_*: value`` block that opens every session;
* :class:`AGIReply` — one reply: ``200 result=X (data) endpos=Y``, ``510 ...``, ``511 ...``,
  the multi-line ``520`` usage block, gosub's provisional ``100 result=0 Trying...``, ...;
* :class:`Hangup` — the unsolicited ``HANGUP`` line of FastAGI.

Script to Asterisk (sent by the SCRIPT role, events of the ASTERISK role):

* :class:`AGICommand` — one command line (sent); :class:`CommandLine` — one command line as
  Asterisk reads it (received: raw text, words, matched command);
* :class:`Failure` — a line starting with ``failure``, which ends the AGI.

:class:`ConnectionClosed` is the end of the peer's stream (an event in both roles) and, sent,
our own (half-)close.

Wire facts (PROTOCOL.md §2.2-2.5, captures ``j1_fastagi_agi_side``): lines end in a bare
``\\n`` in both directions; the environment block is ``name: value`` lines then an empty
line; replies are ``NNN text\\n``; the 520 block is
``520-Invalid command syntax.  Proper usage follows:\\n<usage>\\n520 End of proper usage.\\n``.

Every message has ``to_text()`` (the exact wire text) and ``to_bytes(encoding)``; text is
encoded with ``surrogateescape``, so bytes that are not valid UTF-8 survive a round trip.
Messages that cannot be written so that the peer reads back exactly the same message raise
:class:`~pyst.errors.LocalProtocolError` when they are built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from pyst.agi.quoting import MAX_COMMAND_BYTES, ascii_lower, build_command, split_args
from pyst.agi.spec import COMMANDS, AGICommandSpec, find_command
from pyst.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "DEAD_CHANNEL_TEXT",
    "DEFAULT_ENCODING",
    "ENV_ORDER",
    "HANGUP_LINE",
    "INVALID_COMMAND_TEXT",
    "USAGE_END_TEXT",
    "USAGE_FOLLOWS_TEXT",
    "USAGE_UNAVAILABLE_TEXT",
    "AGICommand",
    "AGIEnvironment",
    "AGIReply",
    "CommandLine",
    "ConnectionClosed",
    "Failure",
    "Hangup",
    "parse_env_line",
]

DEFAULT_ENCODING = "utf-8"

#: The order in which Asterisk writes the environment (launch_netscript + setup_env); the two
#: ``agi_network*`` lines only for FastAGI, then ``agi_arg_1`` ... ``agi_arg_N``.
ENV_ORDER: tuple[str, ...] = (
    "agi_network",
    "agi_network_script",
    "agi_request",
    "agi_channel",
    "agi_language",
    "agi_type",
    "agi_uniqueid",
    "agi_version",
    "agi_callerid",
    "agi_calleridname",
    "agi_callingpres",
    "agi_callingani2",
    "agi_callington",
    "agi_callingtns",
    "agi_dnid",
    "agi_rdnis",
    "agi_context",
    "agi_extension",
    "agi_priority",
    "agi_enhanced",
    "agi_accountcode",
    "agi_threadid",
)

#: Reply texts of res_agi.c agi_handle_command (two spaces after "syntax." are real).
INVALID_COMMAND_TEXT = "Invalid or unknown command"
DEAD_CHANNEL_TEXT = "Command Not Permitted on a dead channel or intercept routine"
USAGE_FOLLOWS_TEXT = "Invalid command syntax.  Proper usage follows:"
USAGE_END_TEXT = "End of proper usage."
USAGE_UNAVAILABLE_TEXT = "Invalid command syntax.  Proper usage not available."
#: The unsolicited FastAGI hangup notice (run_agi, when AGISIGHUP is on).
HANGUP_LINE = "HANGUP"


def _encode(text: str, encoding: str, what: str) -> bytes:
    try:
        return text.encode(encoding, "surrogateescape")
    except UnicodeError as exc:
        raise LocalProtocolError(f"{what} cannot be encoded as {encoding}: {exc}") from exc


# --- environment ----------------------------------------------------------------------------


def _check_env_pair(name: object, value: object) -> tuple[str, str]:
    if not isinstance(name, str) or not isinstance(value, str):
        raise TypeError(f"environment names and values are str: {name!r}: {value!r}")
    if not name or ":" in name or "\n" in name:
        raise LocalProtocolError(
            f"bad environment variable name {name!r}: it must be non-empty, without ':' or "
            f"newline"
        )
    if "\n" in value:
        raise LocalProtocolError(f"environment value of {name} contains a newline: {value!r}")
    return name, value


def _network_script(request: str) -> str | None:
    """The ``agi_network_script`` Asterisk derives from an ``agi://``/``hagi://`` URL."""
    lowered = ascii_lower(request)
    for scheme in ("agi://", "hagi://"):
        if lowered.startswith(scheme):
            # launch_netscript: the text after the first "/" following the host, kept as is
            # (a ?query included); no "/" means no script.
            _, slash, script = request[len(scheme) :].partition("/")
            return script if slash else ""
    return None


class AGIEnvironment(Mapping[str, str]):
    """The environment block: an immutable, ordered mapping of ``agi_*`` names to values.

    Order is kept (it is written back in the same order), and equality between two
    environments includes the order. Values are exactly as sent: a value may contain ``:``
    (the line is split at the first one) and only the single space after the colon is
    removed. (pyst2 also stripped names and values; the pyst2-compatible layer does that.)

    Build one from pairs or a mapping, or with :meth:`build`, which writes Asterisk's
    variables in Asterisk's order.

    Raises (constructor):
        TypeError: a name or value is not a ``str``.
        LocalProtocolError: a name is empty or holds ``:`` or a newline, a value holds a
            newline, or a name is repeated.
    """

    __slots__ = ("_map", "_pairs")

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        mapping: dict[str, str] = {}
        for name, value in pairs:
            _check_env_pair(name, value)
            if name in mapping:
                raise LocalProtocolError(f"environment variable {name!r} given twice")
            mapping[name] = value
        self._map = mapping
        self._pairs: tuple[tuple[str, str], ...] | None = None

    @classmethod
    def _from_parsed(cls, mapping: dict[str, str]) -> AGIEnvironment:
        """An environment from a dict the protocol parsed (it now belongs to the object).

        Same object as the constructor builds, without its checks: parsed names are
        non-empty, hold no ``:`` (the line is split at the first one) nor newline, values
        hold no newline, and a repeated name was refused while parsing."""
        environment = object.__new__(cls)
        environment._map = mapping
        environment._pairs = None
        return environment

    @property
    def _items(self) -> tuple[tuple[str, str], ...]:
        """The pairs in order, made on first use (for equality, hashing and writing): the
        mapping never changes, and a FastAGI call seldom needs them."""
        pairs = self._pairs
        if pairs is None:
            pairs = self._pairs = tuple(self._map.items())
        return pairs

    # Mapping protocol
    def __getitem__(self, key: str) -> str:
        return self._map[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AGIEnvironment):
            return self._items == other._items
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return f"AGIEnvironment({dict(self._items)!r})"

    # typed accessors
    def _int(self, key: str) -> int | None:
        value = self._map.get(key)
        if value is None or not _INT_RE.fullmatch(value):
            return None
        return int(value)

    @property
    def network(self) -> bool:
        """True for FastAGI (``agi_network: yes``)."""
        return self._map.get("agi_network") == "yes"

    @property
    def network_script(self) -> str | None:
        """``agi_network_script``: the FastAGI URL's path after the host (``ivr``), or None."""
        return self._map.get("agi_network_script")

    @property
    def request(self) -> str | None:
        """``agi_request``: the script name/path, the full ``agi://`` URL, or ``async``."""
        return self._map.get("agi_request")

    @property
    def channel(self) -> str | None:
        """``agi_channel``: the channel name."""
        return self._map.get("agi_channel")

    @property
    def language(self) -> str | None:
        """``agi_language``."""
        return self._map.get("agi_language")

    @property
    def channel_type(self) -> str | None:
        """``agi_type``: the channel technology (``PJSIP``, ``Local``...)."""
        return self._map.get("agi_type")

    @property
    def uniqueid(self) -> str | None:
        """``agi_uniqueid``."""
        return self._map.get("agi_uniqueid")

    @property
    def version(self) -> str | None:
        """``agi_version``: the Asterisk version string."""
        return self._map.get("agi_version")

    @property
    def callerid(self) -> str | None:
        """``agi_callerid``: the caller number, ``unknown`` if none."""
        return self._map.get("agi_callerid")

    @property
    def calleridname(self) -> str | None:
        """``agi_calleridname``: the caller name, ``unknown`` if none."""
        return self._map.get("agi_calleridname")

    @property
    def callingpres(self) -> int | None:
        """``agi_callingpres`` as an int (None if absent or not a number)."""
        return self._int("agi_callingpres")

    @property
    def callingani2(self) -> int | None:
        """``agi_callingani2`` as an int."""
        return self._int("agi_callingani2")

    @property
    def callington(self) -> int | None:
        """``agi_callington`` as an int."""
        return self._int("agi_callington")

    @property
    def callingtns(self) -> int | None:
        """``agi_callingtns`` as an int."""
        return self._int("agi_callingtns")

    @property
    def dnid(self) -> str | None:
        """``agi_dnid``: the dialed number, ``unknown`` if none."""
        return self._map.get("agi_dnid")

    @property
    def rdnis(self) -> str | None:
        """``agi_rdnis``: the redirecting number, ``unknown`` if none."""
        return self._map.get("agi_rdnis")

    @property
    def context(self) -> str | None:
        """``agi_context``."""
        return self._map.get("agi_context")

    @property
    def extension(self) -> str | None:
        """``agi_extension``."""
        return self._map.get("agi_extension")

    @property
    def priority(self) -> int | None:
        """``agi_priority`` as an int."""
        return self._int("agi_priority")

    @property
    def enhanced(self) -> bool:
        """True for EAGI (``agi_enhanced: 1.0``)."""
        return self._map.get("agi_enhanced") == "1.0"

    @property
    def accountcode(self) -> str | None:
        """``agi_accountcode`` (often empty)."""
        return self._map.get("agi_accountcode")

    @property
    def threadid(self) -> int | None:
        """``agi_threadid`` as an int."""
        return self._int("agi_threadid")

    @property
    def args(self) -> list[str]:
        """The AGI() arguments after the script: ``agi_arg_1``, ``agi_arg_2``... in order.

        Asterisk numbers them from 1 without gaps; reading stops at the first missing number.
        """
        found: list[str] = []
        while (value := self._map.get(f"agi_arg_{len(found) + 1}")) is not None:
            found.append(value)
        return found

    # wire form
    def to_text(self) -> str:
        """The block as Asterisk writes it: ``name: value\\n`` lines and an empty line."""
        return "".join(f"{name}: {value}\n" for name, value in self._items) + "\n"

    def to_bytes(self, encoding: str = DEFAULT_ENCODING) -> bytes:
        """:meth:`to_text` encoded. Raises LocalProtocolError if it cannot be encoded."""
        return _encode(self.to_text(), encoding, "environment")

    @classmethod
    def build(
        cls,
        *,
        request: str,
        channel: str,
        language: str = "en",
        channel_type: str | None = None,
        uniqueid: str = "0.0",
        version: str = "22.10.1",
        callerid: str = "unknown",
        calleridname: str = "unknown",
        callingpres: int | str = 0,
        callingani2: int | str = 0,
        callington: int | str = 0,
        callingtns: int | str = 0,
        dnid: str = "unknown",
        rdnis: str = "unknown",
        context: str = "default",
        extension: str = "s",
        priority: int | str = 1,
        enhanced: bool | str = False,
        accountcode: str = "",
        threadid: int | str = 0,
        args: Sequence[str] = (),
        network: bool | None = None,
        network_script: str | None = None,
    ) -> AGIEnvironment:
        """The environment Asterisk would write, in Asterisk's order (:data:`ENV_ORDER`).

        ``network`` None means "FastAGI if ``request`` is an ``agi://``/``hagi://`` URL".
        ``network_script`` None means "the URL's path after the host"; an empty script line is
        left out, as Asterisk leaves it out. ``channel_type`` defaults to the technology part
        of ``channel`` (``PJSIP/100-0001`` -> ``PJSIP``). ``enhanced`` True writes ``1.0``.
        The other defaults are what Asterisk writes for a bare channel.

        Raises:
            LocalProtocolError: a value holds a newline.
        """
        derived = _network_script(request)
        if network is None:
            network = derived is not None
        if network_script is None:
            network_script = derived or ""
        if channel_type is None:
            channel_type = channel.partition("/")[0]
        if isinstance(enhanced, bool):
            enhanced = "1.0" if enhanced else "0.0"
        pairs: list[tuple[str, str]] = []
        if network:
            pairs.append(("agi_network", "yes"))
            if network_script:
                pairs.append(("agi_network_script", network_script))
        pairs += [
            ("agi_request", request),
            ("agi_channel", channel),
            ("agi_language", language),
            ("agi_type", channel_type),
            ("agi_uniqueid", uniqueid),
            ("agi_version", version),
            ("agi_callerid", callerid),
            ("agi_calleridname", calleridname),
            ("agi_callingpres", str(callingpres)),
            ("agi_callingani2", str(callingani2)),
            ("agi_callington", str(callington)),
            ("agi_callingtns", str(callingtns)),
            ("agi_dnid", dnid),
            ("agi_rdnis", rdnis),
            ("agi_context", context),
            ("agi_extension", extension),
            ("agi_priority", str(priority)),
            ("agi_enhanced", enhanced),
            ("agi_accountcode", accountcode),
            ("agi_threadid", str(threadid)),
        ]
        pairs += [(f"agi_arg_{n}", arg) for n, arg in enumerate(args, 1)]
        return cls(pairs)


def parse_env_line(line: str) -> tuple[str, str]:
    """Split one environment line (without its newline) into ``(name, value)``.

    The line is split at the first ``:``; one space after it is removed, nothing else.

    Raises:
        RemoteProtocolError: no ``:`` in the line, or an empty name.
    """
    name, colon, value = line.partition(":")
    if not colon or not name:
        raise RemoteProtocolError(
            "malformed AGI environment line (expected 'name: value')",
            line.encode("utf-8", "surrogateescape"),
        )
    if value.startswith(" "):
        value = value[1:]
    return name, value


# --- replies ---------------------------------------------------------------------------------

_INT_RE = re.compile(r"-?[0-9]+")
# Asterisk's codes are 100..999 (it writes them with %d, so never with a leading zero).
_STATUS_RE = re.compile(r"([1-9][0-9]{2})(?:([ -])(.*))?", re.DOTALL)
# One key=value token after the result: the value is a "quoted string" (speech results) when
# that is followed by a space or the end, otherwise everything up to the next space.
_KV_RE = re.compile(r'([A-Za-z0-9_]+)=("[^"]*"(?= |\Z)|[^ ]*)')
_KEY_START_RE = re.compile(r"[A-Za-z0-9_]+=")

_Extra = tuple[tuple[str, str], ...]
# The extra fields of a reply that has none (read-only, so one can be shared).
_NO_EXTRA: Mapping[str, str] = MappingProxyType({})
# code, separator (" ", "-" or None), result, data, extra, text
_Fields = tuple[int, str | None, str | None, str | None, _Extra, str | None]


def _parse_extras(text: str, pos: int) -> tuple[_Extra, str | None]:
    """Read ``key=value`` tokens from ``pos``; the first token that is not one (or repeats a
    key) starts the free text, which runs to the end. Lossless: joining the tokens and the
    text with single spaces gives ``text[pos:]`` back."""
    extra: list[tuple[str, str]] = []
    seen: set[str] = set()
    end = len(text)
    while True:
        match = _KV_RE.match(text, pos)
        if match is None or match.group(1) in seen:
            return tuple(extra), text[pos:]
        extra.append((match.group(1), match.group(2)))
        seen.add(match.group(1))
        pos = match.end()
        if pos == end:
            return tuple(extra), None
        pos += 1  # the single space the value stopped at


def _parse_tail(tail: str) -> tuple[str | None, _Extra, str | None]:
    """Split what follows ``result=<value> `` into (data, extra, text)."""
    if tail.startswith("("):
        # Data runs to the *last* ")" that is followed by the end or by " key=": greedy like
        # pyst2, so a value holding ")" (GET VARIABLE of "a) b") is read whole, yet
        # "(speech) endpos=0 ... text0="x (y) z"" still ends the data after "speech". Each
        # candidate looks only at the key run after it, so this stays linear.
        end = len(tail)
        while (close := tail.rfind(")", 1, end)) >= 0:
            after = close + 1
            if after == len(tail):
                return tail[1:close], (), None
            if tail[after] == " " and _KEY_START_RE.match(tail, after + 1):
                extra, text = _parse_extras(tail, after + 1)
                return tail[1:close], extra, text
            end = close
    extra, text = _parse_extras(tail, 0)
    return None, extra, text


def _parse_status_line(line: str) -> _Fields | None:
    """Fields of one reply line, or None when it does not start with a 3-digit code."""
    if line[:11] == "200 result=":
        # The most common replies, what the general path below gives for them:
        space = line.find(" ", 11)
        if space < 0:  # "200 result=<value>" alone
            return 200, " ", line[11:], None, (), None
        if line[-1] == ")" and line[space + 1] == "(":
            # "200 result=<value> (<data>)": the data runs to the last ")" (_parse_tail).
            return 200, " ", line[11:space], line[space + 2 : -1], (), None
    match = _STATUS_RE.fullmatch(line)
    if match is None:
        return None
    code = int(match.group(1))
    sep: str | None = match.group(2)
    rest: str | None = match.group(3)
    if rest is None:
        return code, None, None, None, (), None
    if not rest.startswith("result="):
        return code, sep, None, None, (), rest
    space = rest.find(" ", 7)
    if space < 0:
        return code, sep, rest[7:], None, (), None
    data, extra, text = _parse_tail(rest[space + 1 :])
    return code, sep, rest[7:space], data, extra, text


def _is_block_end(line: str, code: int) -> bool:
    """True for the line that closes an ``NNN-`` block: ``NNN`` then a space (or nothing)."""
    prefix = str(code)
    return line == prefix or line.startswith(prefix + " ")


def _parse_reply_text(text: str) -> tuple[_Fields, str | None] | None:
    """Fields and usage of a whole reply text (ending in ``\\n``), or None if malformed."""
    lines = text[:-1].split("\n")
    fields = _parse_status_line(lines[0])
    if fields is None:
        return None
    if fields[1] != "-":
        return (fields, None) if len(lines) == 1 else None
    for index in range(1, len(lines)):
        if _is_block_end(lines[index], fields[0]):
            if index != len(lines) - 1:
                return None
            return fields, "\n".join(lines[1:index])
    return None


@dataclass(frozen=True, eq=False, repr=False)
class AGIReply:
    """One reply from Asterisk, possibly several lines (the ``520`` usage block).

    Wire layout of the (first) line, tokens separated by single spaces::

        <code>[ result=<result>][ (<data>)][ <key>=<value>...][ <text>]

    * ``code``: the 3-digit code (100 provisional, 200 success, 503, 510, 511, 520).
    * ``result``: the text after ``result=`` exactly as sent (may be empty:
      ``200 result= (timeout)``), or None when the line has no ``result=`` (510/511/520).
    * ``data``: the parenthesised part without its parentheses, or None. It may hold anything,
      parentheses included: it runs to the last ``)`` that is followed by the end of the line
      or by `` key=`` (pyst2 also takes data greedily up to the last ``)``).
    * ``extra``: the ``key=value`` tokens after result/data, in order (``endpos``,
      ``results``, ``digit``, speech's ``score0``/``text0``...); a ``"quoted value"`` keeps
      its quotes. Read-only mapping.
    * ``text``: free text: everything after the code when there is no ``result=``
      (``Invalid or unknown command``), or after the result tokens (gosub's ``Trying...``,
      ``Gosub complete``, ``Memory allocation failure``).
    * ``usage``: for a multi-line ``NNN-`` reply (only ``520``), the lines between the first
      line and the closing ``520 End of proper usage.`` line, joined by ``\\n``; else None.
    * ``raw``: the exact text received (every line with its ``\\n``); for a reply built
      locally, its serialization. Not part of equality.

    Parsing is lossless for single lines (``to_text()`` of a parsed line gives the line back);
    a 520 block is written back with the standard closing line.

    Raises (constructor):
        TypeError: a field has the wrong type.
        LocalProtocolError: ``code`` is not 100-999, or the fields cannot be written so that
            they read back the same (a newline in a field, ``data`` with ``text`` but no
            ``extra``, a usage line that would close the block early, ...).
    """

    code: int
    result: str | None = None
    data: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    text: str | None = None
    usage: str | None = None
    raw: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.code, int) or isinstance(self.code, bool):
            raise TypeError(f"reply code must be an int, not {self.code!r}")
        if not 100 <= self.code <= 999:
            raise LocalProtocolError(f"reply code must have 3 digits: {self.code}")
        for name in ("result", "data", "text", "usage", "raw"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"AGIReply.{name} must be str or None, not {value!r}")
        extra = dict(self.extra)
        for key, value in extra.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"AGIReply.extra items are str: {key!r}={value!r}")
        object.__setattr__(self, "extra", MappingProxyType(extra))
        wire = self.to_text()
        # The one rule behind every check: Asterisk's peer must read back this very reply.
        if _parse_reply_text(wire) != (self._fields(), self.usage):
            raise LocalProtocolError(
                f"{self!r} cannot be written unambiguously: it would be read back differently "
                f"from {wire!r}"
            )
        if not self.raw:
            object.__setattr__(self, "raw", wire)

    def _fields(self) -> _Fields:
        sep = "-" if self.usage is not None else None
        parts = self._parts()
        if parts:
            sep = sep or " "
        return (self.code, sep, self.result, self.data, tuple(self.extra.items()), self.text)

    def _parts(self) -> list[str]:
        parts: list[str] = []
        if self.result is not None:
            parts.append("result=" + self.result)
        if self.data is not None:
            parts.append(f"({self.data})")
        parts += [f"{key}={value}" for key, value in self.extra.items()]
        if self.text is not None:
            parts.append(self.text)
        return parts

    def _key(self) -> tuple[object, ...]:
        return (*self._fields(), self.usage)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AGIReply):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = [f"code={self.code}"]
        for name in ("result", "data"):
            if getattr(self, name) is not None:
                shown.append(f"{name}={getattr(self, name)!r}")
        if self.extra:
            shown.append(f"extra={dict(self.extra)!r}")
        for name in ("text", "usage"):
            if getattr(self, name) is not None:
                shown.append(f"{name}={getattr(self, name)!r}")
        return f"AGIReply({', '.join(shown)})"

    @classmethod
    def _from_wire(cls, fields: _Fields, raw: str) -> AGIReply:
        """A single-line reply whose ``fields`` were parsed from ``raw`` (by the protocol).

        Same object as the constructor builds, without its round-trip check: parsing a line is
        lossless (``to_text()`` gives the line back; the fuzz tests check this), so the check
        cannot fail here, and it is most of the cost of reading a reply.
        """
        code, _sep, result, data, extra, text = fields
        reply = object.__new__(cls)
        reply.__dict__.update(
            code=code, result=result, data=data,
            extra=MappingProxyType(dict(extra)) if extra else _NO_EXTRA,
            text=text, usage=None, raw=raw,
        )
        return reply

    # wire form
    def to_text(self) -> str:
        """The reply as Asterisk writes it, every line ending in ``\\n``."""
        parts = self._parts()
        if self.usage is None:
            return f"{self.code} {' '.join(parts)}\n" if parts else f"{self.code}\n"
        return f"{self.code}-{' '.join(parts)}\n{self.usage}\n{self.code} {USAGE_END_TEXT}\n"

    def to_bytes(self, encoding: str = DEFAULT_ENCODING) -> bytes:
        """:meth:`to_text` encoded. Raises LocalProtocolError if it cannot be encoded."""
        return _encode(self.to_text(), encoding, "reply")

    @classmethod
    def parse(cls, text: str) -> AGIReply:
        """Parse one complete reply (a line, or a whole 520 block); the final ``\\n`` may be
        left out.

        Raises:
            RemoteProtocolError: ``text`` is not a well-formed reply.
        """
        if not text.endswith("\n"):
            text += "\n"
        parsed = _parse_reply_text(text)
        if parsed is None:
            raise RemoteProtocolError(
                "not an AGI reply", text.encode(DEFAULT_ENCODING, "surrogateescape")
            )
        (code, _sep, result, data, extra, free), usage = parsed
        return cls(code, result, data, dict(extra), free, usage, raw=text)

    # Asterisk's standard replies
    @classmethod
    def success(cls, result: int | str, data: str | None = None, **extra: int | str) -> AGIReply:
        """``200 result=<result>[ (<data>)][ key=value...]`` (keywords become ``extra``)."""
        return cls(200, str(result), data, {key: str(value) for key, value in extra.items()})

    @classmethod
    def invalid_command(cls) -> AGIReply:
        """``510 Invalid or unknown command``: no such command (or its module is unloaded)."""
        return cls(510, text=INVALID_COMMAND_TEXT)

    @classmethod
    def dead_channel(cls) -> AGIReply:
        """``511 Command Not Permitted on a dead channel or intercept routine``."""
        return cls(511, text=DEAD_CHANNEL_TEXT)

    @classmethod
    def usage_error(cls, usage: str | None) -> AGIReply:
        """The ``520`` reply: the multi-line block with ``usage``, or, when ``usage`` is None or
        empty, ``520 Invalid command syntax.  Proper usage not available.``"""
        if not usage:
            return cls(520, text=USAGE_UNAVAILABLE_TEXT)
        return cls(520, text=USAGE_FOLLOWS_TEXT, usage=usage)

    # typed views
    @property
    def is_provisional(self) -> bool:
        """True for a 1xx line (gosub's ``100 result=0 Trying...``); the final reply follows."""
        return self.code < 200

    @property
    def result_int(self) -> int | None:
        """``result`` as an int, or None if absent or not an integer (``result=``)."""
        if self.result is None or not _INT_RE.fullmatch(self.result):
            return None
        return int(self.result)

    @property
    def endpos(self) -> int | None:
        """The ``endpos=`` value as an int (playback/record offset), or None."""
        value = self.extra.get("endpos")
        if value is None or not _INT_RE.fullmatch(value):
            return None
        return int(value)

    @property
    def timeout(self) -> bool:
        """True when the data is ``timeout`` (``200 result= (timeout)`` of GET DATA...)."""
        return self.data == "timeout"

    @property
    def hangup(self) -> bool:
        """True when the data is ``hangup`` (``200 result=-1 (hangup)``)."""
        return self.data == "hangup"


# --- the other messages ----------------------------------------------------------------------


@dataclass(frozen=True)
class AGICommand:
    """One command line sent by the script (without its newline).

    Build it with :meth:`build` (quoting done for you) or give the line as is.

    Raises (constructor):
        TypeError: ``line`` is not a ``str``.
        LocalProtocolError: the line holds a newline or NUL, or starts with ``failure``
            (use :class:`Failure` for that).
    """

    line: str

    def __post_init__(self) -> None:
        line = self.line
        if type(line) is str and "\n" not in line and "\x00" not in line and line[:1] not in "fF":
            return  # the usual case, decided in one go (an empty line goes the long way)
        if not isinstance(self.line, str):
            raise TypeError(f"AGICommand.line must be str, not {self.line!r}")
        if "\n" in self.line:
            raise LocalProtocolError(f"an AGI command cannot contain a newline: {self.line!r}")
        if "\x00" in self.line:
            raise LocalProtocolError(f"an AGI command cannot contain NUL: {self.line!r}")
        if ascii_lower(self.line).startswith("failure"):
            raise LocalProtocolError(
                f"a line starting with 'failure' ends the AGI; send Failure() for that: "
                f"{self.line!r}"
            )

    @classmethod
    def build(cls, name: str, *args: str) -> AGICommand:
        """``AGICommand(build_command(name, *args))``; see :func:`~pyst.agi.quoting.build_command`
        for what it raises."""
        return cls(build_command(name, *args))


    @property
    def words(self) -> list[str]:
        """The words Asterisk will read (:func:`~pyst.agi.quoting.split_args`)."""
        return split_args(self.line)

    def to_text(self) -> str:
        """The line with its ``\\n``."""
        return self.line + "\n"

    def to_bytes(self, encoding: str = DEFAULT_ENCODING) -> bytes:
        """The encoded line with its ``\\n``.

        Raises:
            LocalProtocolError: it cannot be encoded, or it is longer than
                ``MAX_COMMAND_BYTES`` (8190) bytes: Asterisk would split it into two commands.
        """
        data = _encode(self.to_text(), encoding, "command")
        if len(data) - 1 > MAX_COMMAND_BYTES:
            raise LocalProtocolError(
                f"AGI command of {len(data) - 1} bytes is too long: Asterisk reads at most "
                f"{MAX_COMMAND_BYTES} bytes plus the newline as one command"
            )
        return data


def _valid_command(line: str) -> AGICommand:
    """``AGICommand(line)`` for a ``str`` the caller checked: no newline, no NUL, not empty and
    not starting with ``f``/``F`` (so the constructor's checks would pass). Skips the
    dataclass ``__init__`` and ``__post_init__`` calls: the command methods build one per
    command."""
    command = object.__new__(AGICommand)
    command.__dict__["line"] = line
    return command


@dataclass(frozen=True)
class Failure:
    """A line starting with ``failure`` (ASCII case-insensitively, ``strncasecmp``): Asterisk
    ends the AGI with AGISTATUS=FAILURE and sends no reply (run_agi). A local AGI child prints
    ``failure`` when it cannot execute the script.

    Raises (constructor):
        LocalProtocolError: ``line`` does not start with ``failure`` or holds a newline/NUL.
    """

    line: str = "failure"

    def __post_init__(self) -> None:
        if not ascii_lower(self.line).startswith("failure") or not {"\n", "\x00"}.isdisjoint(
            self.line
        ):
            raise LocalProtocolError(f"not a failure line: {self.line!r}")

    def to_text(self) -> str:
        """The line with its ``\\n``."""
        return self.line + "\n"

    def to_bytes(self, encoding: str = DEFAULT_ENCODING) -> bytes:
        """:meth:`to_text` encoded. Raises LocalProtocolError if it cannot be encoded."""
        return _encode(self.to_text(), encoding, "failure line")


@dataclass(frozen=True)
class Hangup:
    """The ``HANGUP`` line FastAGI sends when the channel hangs up (and again when the AGI
    ends), unsolicited, between replies (PROTOCOL.md §2.5)."""

    def to_text(self) -> str:
        """``HANGUP\\n``."""
        return HANGUP_LINE + "\n"

    def to_bytes(self, encoding: str = DEFAULT_ENCODING) -> bytes:
        """``b"HANGUP\\n"``."""
        return _encode(self.to_text(), encoding, "hangup")


@dataclass(frozen=True)
class ConnectionClosed:
    """Received: the peer closed its side (EOF). Sent: we close (or half-close) ours."""

    def to_text(self) -> str:
        """Nothing: closing is not a line."""
        return ""

    def to_bytes(self, encoding: str = DEFAULT_ENCODING) -> bytes:
        """``b""``."""
        return b""


@dataclass(frozen=True)
class CommandLine:
    """A command line as Asterisk reads it (event of the ASTERISK role).

    * ``line``: the text Asterisk handles: the trailing ``\\n`` removed (a CR before it stays,
      and becomes part of the last word), text from a NUL on dropped.
    * ``words``: :func:`~pyst.agi.quoting.split_args` of the line.
    * ``command``: the matching :class:`~pyst.agi.spec.AGICommandSpec`, or None (Asterisk
      answers ``510``); ``args``: the words after the command's words (empty when None).
    * ``raw``: the exact bytes read for this line, ``\\n`` included when there was one.
    * ``terminated``: False when the line had no ``\\n``: cut at Asterisk's 8191-byte line
      buffer (the rest arrives as the next line), or the last bytes before EOF.
    """

    line: str
    words: tuple[str, ...]
    command: AGICommandSpec | None
    args: tuple[str, ...]
    raw: bytes = field(default=b"", repr=False)
    terminated: bool = True

    @classmethod
    def from_line(
        cls,
        line: str,
        commands: Sequence[AGICommandSpec] = COMMANDS,
        *,
        raw: bytes = b"",
        terminated: bool = True,
    ) -> CommandLine:
        """Split ``line`` and look its command up in ``commands``. Never raises."""
        words = split_args(line)
        found = find_command(words, commands)
        command, args = found if found is not None else (None, [])
        return cls(line, tuple(words), command, tuple(args), raw, terminated)

    @property
    def name(self) -> str | None:
        """The matched command's name (``"get variable"``), or None."""
        return self.command.name if self.command is not None else None
