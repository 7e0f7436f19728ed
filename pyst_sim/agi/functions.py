"""Channel variables, ``${...}`` substitution, ``$[...]`` expressions and dialplan functions, as
``GET VARIABLE``, ``GET FULL VARIABLE``, ``SET VARIABLE`` and ``EXEC`` see them.

What Asterisk 22 does, and what is kept here (main/pbx_variables.c, main/pbx_functions.c,
main/ast_expr2.y, funcs/*):

* Variable lookup (``ast_str_retrieve_variable``): first the channel's built-in names
  ``CALLINGPRES``, ``CALLINGANI2``, ``CALLINGTON``, ``CALLINGTNS``, ``HINT``/``HINTNAME``
  (no hints are simulated: unset), ``EXTEN``, ``CONTEXT``, ``PRIORITY``, ``CHANNEL``,
  ``UNIQUEID``, ``HANGUPCAUSE``; then ``EPOCH``, ``SYSTEMNAME``, ``ENTITYID``; then channel
  variables; then globals. Names are case-sensitive. A variable set with a leading ``_`` or
  ``__`` (inheritance) is found without them.
* A name ending in ``)`` is a function call. Function names are case-sensitive; an unknown
  function reads as "not found" (``GET VARIABLE`` answers ``result=0``) and substitutes as
  nothing.
* ``${NAME:offset:length}`` takes a substring; nested references are expanded inside out;
  ``$[...]`` is an expression.

Functions: ``CALLERID``, ``CHANNEL``, ``DB``, ``DB_EXISTS``, ``DB_DELETE``, ``GLOBAL``, ``LEN``,
``IF``, ``ISNULL``, ``EXISTS``, ``TOUPPER``, ``TOLOWER``, ``CUT``, ``FIELDQTY``, ``REPLACE``,
``STRFTIME``, ``SET``, ``EVAL``, ``RAND`` (from the call's seeded random generator).
Expressions support ``| & = == != < > <= >= + - * / % ! =~ ~~ ( )`` and ``cond ? a :: b``;
operands that look like numbers compare as numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from pyst_sim.agi.channel import Channel

__all__ = [
    "FUNCTIONS",
    "ast_false",
    "ast_true",
    "atoi",
    "c_int",
    "check_condition",
    "evaluate_expression",
    "parse_callerid",
    "read_function",
    "retrieve_variable",
    "substitute",
    "write_function",
]

_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})
_FALSE = frozenset({"no", "false", "n", "f", "0", "off"})
_C_INT = re.compile(r"[ \t\n\r\f\v]*([+-]?[0-9]+)")
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def ast_true(value: str | None) -> bool:
    """``ast_true``: yes, true, y, t, 1, on (any case)."""
    return value is not None and value.strip().lower() in _TRUE


def ast_false(value: str | None) -> bool:
    """``ast_false``: no, false, n, f, 0, off (any case)."""
    return value is not None and value.strip().lower() in _FALSE


def c_int(text: str) -> int | None:
    """``sscanf(text, "%30d", &n) == 1``: leading blanks, a sign, digits; None if no digits.
    The value is clamped to a C int."""
    match = _C_INT.match(text[:60])
    if match is None:
        return None
    return max(_INT_MIN, min(_INT_MAX, int(match.group(1))))


def atoi(text: str) -> int:
    """C ``atoi``: :func:`c_int`, or 0."""
    value = c_int(text)
    return 0 if value is None else value


def check_condition(text: str) -> bool:
    """``pbx_checkcondition``: empty is false, an integer is its truth, any other text true."""
    if not text.strip():
        return False
    value = c_int(text)
    return bool(value) if value is not None else True


# --- variables ---------------------------------------------------------------------------------


def retrieve_variable(chan: Channel, name: str) -> str | None:
    """The value of variable ``name`` on ``chan`` (see the module docstring), or None."""
    builtin = _builtin(chan, name)
    if not isinstance(builtin, _NotFound):
        return builtin
    if name == "EPOCH":
        return str(int(chan.clock.unix_time))
    if name == "SYSTEMNAME":
        return None
    if name == "ENTITYID":
        return "00:00:00:00:00:00"
    value = chan.get_local_variable(name)
    if value is not None:
        return value
    return chan.globals.get(name)


class _NotFound:
    pass


_NOT_FOUND = _NotFound()


def _builtin(chan: Channel, name: str) -> str | _NotFound | None:
    table: dict[str, Callable[[], str | None]] = {
        "CALLINGPRES": lambda: str(chan.callingpres),
        "CALLINGANI2": lambda: str(chan.callingani2),
        "CALLINGTON": lambda: str(chan.callington),
        "CALLINGTNS": lambda: str(chan.callingtns),
        "HINT": lambda: None,
        "HINTNAME": lambda: None,
        "EXTEN": lambda: chan.exten,
        "CONTEXT": lambda: chan.context,
        "PRIORITY": lambda: str(chan.priority),
        "CHANNEL": lambda: chan.name,
        "UNIQUEID": lambda: chan.uniqueid,
        "HANGUPCAUSE": lambda: str(chan.hangupcause),
    }
    getter = table.get(name)
    return _NOT_FOUND if getter is None else getter()


def _parse_variable_name(expr: str) -> tuple[str, int, int | None, bool]:
    """``parse_variable_name``: split ``NAME:offset:length`` at a colon outside parentheses."""
    depth = 0
    for index, char in enumerate(expr):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == ":" and depth == 0:
            rest = expr[index + 1 :].split(":", 1)
            offset = atoi(rest[0])
            length = atoi(rest[1]) if len(rest) > 1 else None
            return expr[:index], offset, length, True
    return expr, 0, None, False


def _substring(value: str, offset: int, length: int | None) -> str:
    """``substring`` of main/pbx_variables.c: negative offset counts from the end, negative
    length drops characters from the end."""
    size = len(value)
    if offset < 0:
        offset = max(size + offset, 0)
    if offset >= size:
        return ""
    value = value[offset:]
    if length is None:
        return value
    if length >= 0:
        return value[:length]
    return value[: max(len(value) + length, 0)]


def _find_close(text: str, start: int, open_char: str, close_char: str) -> int:
    """Index just past the closing bracket of a ``${``/``$[`` opened before ``start``, or -1."""
    depth = 1
    index = start
    while index < len(text):
        char = text[index]
        if char == open_char:
            depth += 1
        elif char == close_char:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def substitute(chan: Channel, text: str, *, _depth: int = 0) -> str:
    """``pbx_substitute_variables_helper``: expand ``${...}`` and ``$[...]`` in ``text``."""
    if "$" not in text or _depth > 15:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        dollar = text.find("$", index)
        if dollar < 0 or dollar + 1 >= len(text):
            out.append(text[index:])
            break
        kind = text[dollar + 1]
        if kind not in "{[":
            out.append(text[index : dollar + 1])
            index = dollar + 1
            continue
        out.append(text[index:dollar])
        close = _find_close(text, dollar + 2, kind, "}" if kind == "{" else "]")
        # Asterisk warns about a missing '}' or ']' and takes the rest of the text.
        inner = text[dollar + 2 : close - 1] if close > 0 else text[dollar + 2 :]
        inner = substitute(chan, inner, _depth=_depth + 1)
        if kind == "{":
            out.append(_expand_reference(chan, inner))
        else:
            out.append(evaluate_expression(inner))
        index = close if close > 0 else len(text)
    return "".join(out)


def _expand_reference(chan: Channel, inner: str) -> str:
    name, offset, length, need_substring = _parse_variable_name(inner)
    if name.endswith(")"):
        value = read_function(chan, name)
    else:
        value = retrieve_variable(chan, name)
    value = value or ""
    return _substring(value, offset, length) if need_substring else value


# --- expressions -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<op>::|=~|~~|==|!=|<=|>=|[|&=<>+\-*/%!?:()])'
    r'|(?P<word>[^\s|&=<>+\-*/%!?:()"]+))'
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"unexpected {text[pos:]!r}")
        if match.group("quoted") is not None:
            tokens.append("\x00" + match.group("quoted")[1:-1])
        else:
            tokens.append(match.group("op") or match.group("word") or "")
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


def _num(value: str) -> float | None:
    return float(value) if _NUMBER.fullmatch(value.strip()) else None


def _fmt(value: float) -> str:
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return f"{value:.15g}"


def _is_false(value: str) -> bool:
    number = _num(value)
    return value == "" or (number is not None and number == 0)


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ValueError("unexpected end of expression")
        self.pos += 1
        return token

    def parse(self) -> str:
        value = self.conditional()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r}")
        return value

    def conditional(self) -> str:
        cond = self.logic_or()
        if self.peek() == "?":
            self.take()
            yes = self.conditional()
            if self.take() != "::":
                raise ValueError("'?' without '::'")
            no = self.conditional()
            return no if _is_false(cond) else yes
        return cond

    def logic_or(self) -> str:
        left = self.logic_and()
        while self.peek() == "|":
            self.take()
            right = self.logic_and()
            left = right if _is_false(left) else left
        return left

    def logic_and(self) -> str:
        left = self.compare()
        while self.peek() == "&":
            self.take()
            right = self.compare()
            left = "0" if _is_false(left) or _is_false(right) else left
        return left

    def compare(self) -> str:
        left = self.additive()
        while self.peek() in ("=", "==", "!=", "<", ">", "<=", ">=", "=~"):
            op = self.take()
            right = self.additive()
            if op == "=~":
                try:
                    match = re.search(right, left)
                except re.error as exc:
                    raise ValueError(str(exc)) from exc
                if match is None:
                    left = "0"
                else:
                    left = match.group(1) if match.groups() else str(len(match.group(0)))
                continue
            a, b = _num(left), _num(right)
            pair: tuple[float, float] | tuple[str, str]
            pair = (a, b) if a is not None and b is not None else (left, right)
            x, y = pair
            outcome = {
                "=": x == y, "==": x == y, "!=": x != y,
                "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y,  # type: ignore[operator]
            }[op]
            left = "1" if outcome else "0"
        return left

    def additive(self) -> str:
        left = self.multiplicative()
        while self.peek() in ("+", "-", "~~"):
            op = self.take()
            right = self.multiplicative()
            if op == "~~":
                left = left + right
                continue
            a, b = _num(left), _num(right)
            if a is None or b is None:
                raise ValueError(f"non-numeric argument to {op}")
            left = _fmt(a + b if op == "+" else a - b)
        return left

    def multiplicative(self) -> str:
        left = self.unary()
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            right = self.unary()
            a, b = _num(left), _num(right)
            if a is None or b is None:
                raise ValueError(f"non-numeric argument to {op}")
            if op == "*":
                left = _fmt(a * b)
            elif b == 0:
                raise ValueError("division by zero")
            elif op == "/":
                left = _fmt(a / b)
            else:
                left = _fmt(math.fmod(a, b))
        return left

    def unary(self) -> str:
        token = self.peek()
        if token == "!":
            self.take()
            return "1" if _is_false(self.unary()) else "0"
        if token == "-":
            self.take()
            value = _num(self.unary())
            if value is None:
                raise ValueError("non-numeric argument to unary -")
            return _fmt(-value)
        return self.primary()

    def primary(self) -> str:
        token = self.take()
        if token == "(":
            value = self.conditional()
            if self.take() != ")":
                raise ValueError("missing ')'")
            return value
        if token.startswith("\x00"):
            return token[1:]
        if token in ("|", "&", "=", "==", "!=", "<", ">", "<=", ">=", "+", "*", "/", "%",
                     "?", "::", ":", ")", "=~", "~~"):
            raise ValueError(f"unexpected {token!r}")
        return token


def evaluate_expression(text: str) -> str:
    """Evaluate the inside of ``$[...]`` (already substituted); "" if it does not parse
    (Asterisk logs a syntax error)."""
    try:
        tokens = _tokens(text)
        return _Parser(tokens).parse() if tokens else ""
    except (ValueError, IndexError):
        return ""


# --- functions ---------------------------------------------------------------------------------

Reader = Callable[["Channel", str], "str | None"]
Writer = Callable[["Channel", str, str], None]


def _family_key(args: str) -> tuple[str, str]:
    family, _, key = args.partition("/")
    return family.strip(), key.strip()


def _callerid_read(chan: Channel, args: str) -> str | None:
    item = args.split(",")[0].strip().lower()
    if item in ("num", "number"):
        return chan.callerid_num
    if item == "name":
        return chan.callerid_name
    if item == "all":
        return f'"{chan.callerid_name}" <{chan.callerid_num}>'
    if item == "ani":
        return chan.callerid_ani
    if item == "dnid":
        return chan.dnid
    if item == "rdnis":
        return chan.rdnis
    if item == "pres":
        return str(chan.callingpres)
    if item == "ton":
        return str(chan.callington)
    return None


def _callerid_write(chan: Channel, args: str, value: str) -> None:
    item = args.split(",")[0].strip().lower()
    if item in ("num", "number"):
        chan.callerid_num = value
    elif item == "name":
        chan.callerid_name = value
    elif item == "all":
        name, number = parse_callerid(value)
        chan.callerid_name, chan.callerid_num = name or "", number or ""
    elif item == "ani":
        chan.callerid_ani = value
    elif item == "dnid":
        chan.dnid = value
    elif item == "rdnis":
        chan.rdnis = value


def parse_callerid(value: str) -> tuple[str | None, str | None]:
    """``ast_callerid_parse``: ``"Name" <number>``, ``Name <number>``, a bare number or a
    bare name -> (name, number)."""
    text = value.strip()
    quoted = len(text) >= 2 and text[0] == '"' and text[-1] == '"' and "<" not in text
    if quoted:
        text = text[1:-1]
    less = text.rfind("<")
    if less >= 0:
        greater = text.find(">", less)
        number = text[less + 1 : greater if greater >= 0 else len(text)]
        name = text[:less].strip()
        if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
            name = name[1:-1]
        return name, number
    shrunk = re.sub(r"[()\-. ]", "", text)
    if not quoted and shrunk and re.fullmatch(r"[+0-9*#A-Da-d]+", shrunk):
        return None, shrunk
    return text, None


def _channel_read(chan: Channel, args: str) -> str | None:
    item = args.strip().lower()
    values: dict[str, Callable[[], str]] = {
        "name": lambda: chan.name,
        "language": lambda: chan.language,
        "state": lambda: chan.state_name,
        "uniqueid": lambda: chan.uniqueid,
        "linkedid": lambda: chan.linkedid,
        "accountcode": lambda: chan.accountcode,
        "context": lambda: chan.context,
        "exten": lambda: chan.exten,
        "channeltype": lambda: chan.channel_type,
        "tech": lambda: chan.channel_type,
        "musicclass": lambda: chan.musicclass,
        "checkhangup": lambda: "1" if chan.hung_up else "0",
        "hangupsource": lambda: chan.hangupsource,
    }
    getter = values.get(item)
    return getter() if getter is not None else None


def _channel_write(chan: Channel, args: str, value: str) -> None:
    item = args.strip().lower()
    if item == "language":
        chan.language = value
    elif item == "musicclass":
        chan.musicclass = value
    elif item == "accountcode":
        chan.accountcode = value


def _db_read(chan: Channel, args: str) -> str | None:
    family, key = _family_key(args)
    if not family or not key:
        return None
    value = chan.astdb.get(family, key)
    # func_db: a missing key reads as empty (and is only a debug message).
    return "" if value is None else value


def _db_write(chan: Channel, args: str, value: str) -> None:
    family, key = _family_key(args)
    if family and key:
        chan.astdb.put(family, key, value)


def _db_exists(chan: Channel, args: str) -> str | None:
    family, key = _family_key(args)
    if not family or not key:
        return None
    value = chan.astdb.get(family, key)
    chan.set_variable("DB_RESULT", value or "")
    return "0" if value is None else "1"


def _db_delete(chan: Channel, args: str) -> str | None:
    family, key = _family_key(args)
    if not family or not key:
        return None
    value = chan.astdb.get(family, key)
    if value is None:
        return ""
    chan.astdb.delete(family, key)
    return value


def _if(chan: Channel, args: str) -> str | None:
    cond, sep, rest = args.partition("?")
    if not sep:
        return None
    yes, _, no = rest.partition(":")
    return yes.strip() if check_condition(cond) else no.strip()


def _cut(chan: Channel, args: str) -> str | None:
    parts = args.split(",")
    if len(parts) < 3:
        return None
    value = retrieve_variable(chan, parts[0].strip()) or ""
    delim = parts[1][:1] if parts[1] else "-"
    fields = value.split(delim)
    picked: list[str] = []
    for spec in parts[2].split("&"):
        first, dash, last = spec.partition("-")
        start = atoi(first) if first else 1
        end = (atoi(last) if last else len(fields)) if dash else start
        picked.extend(fields[max(start, 1) - 1 : end])
    return delim.join(picked)


def _fieldqty(chan: Channel, args: str) -> str | None:
    parts = args.split(",")
    if len(parts) < 2:
        return None
    value = retrieve_variable(chan, parts[0].strip()) or ""
    if not value:
        return "0"
    delim = parts[1] or "-"
    return str(len(value.split(delim[0])))


def _replace(chan: Channel, args: str) -> str | None:
    parts = args.split(",")
    if len(parts) < 2:
        return None
    value = retrieve_variable(chan, parts[0].strip()) or ""
    find = parts[1]
    replacement = parts[2][:1] if len(parts) > 2 else ""
    return "".join(replacement if ch in find else ch for ch in value)


def _strftime(chan: Channel, args: str) -> str | None:
    parts = args.split(",", 2)
    epoch = c_int(parts[0]) if parts[0].strip() else None
    when = float(epoch) if epoch is not None else chan.clock.unix_time
    zone_name = parts[1].strip() if len(parts) > 1 and parts[1].strip() else chan.timezone
    fmt = parts[2] if len(parts) > 2 and parts[2] else "%c"
    try:
        zone: ZoneInfo | timezone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = timezone.utc
    return datetime.fromtimestamp(when, zone).strftime(fmt)


def _set(chan: Channel, args: str) -> str | None:
    name, sep, value = args.partition("=")
    if not sep:
        return None
    chan.set_variable(name.strip(), value)
    return value


def _rand(chan: Channel, args: str) -> str | None:
    parts = args.split(",")
    low = atoi(parts[0]) if parts and parts[0].strip() else 0
    high = atoi(parts[1]) if len(parts) > 1 and parts[1].strip() else 2**31 - 1
    if low > high:
        low, high = high, low
    return str(chan.random.randint(low, high))


def _global_write(chan: Channel, args: str, value: str) -> None:
    chan.globals[args.strip()] = value


FUNCTIONS: dict[str, tuple[Reader | None, Writer | None]] = {
    "CALLERID": (_callerid_read, _callerid_write),
    "CHANNEL": (_channel_read, _channel_write),
    "DB": (_db_read, _db_write),
    "DB_EXISTS": (_db_exists, None),
    "DB_DELETE": (_db_delete, None),
    "GLOBAL": (lambda chan, args: chan.globals.get(args.strip()), _global_write),
    "LEN": (lambda chan, args: str(len(args)), None),
    "IF": (_if, None),
    "ISNULL": (lambda chan, args: "1" if not args else "0", None),
    "EXISTS": (lambda chan, args: "1" if args else "0", None),
    "TOUPPER": (lambda chan, args: args.upper(), None),
    "TOLOWER": (lambda chan, args: args.lower(), None),
    "CUT": (_cut, None),
    "FIELDQTY": (_fieldqty, None),
    "REPLACE": (_replace, None),
    "STRFTIME": (_strftime, None),
    "SET": (_set, None),
    "EVAL": (lambda chan, args: substitute(chan, retrieve_variable(chan, args.strip()) or ""),
             None),
    "RAND": (_rand, None),
}


def _split_call(expr: str) -> tuple[str, str] | None:
    """``NAME(args)`` -> (NAME, args); None if it is not a call."""
    open_paren = expr.find("(")
    if open_paren <= 0 or not expr.endswith(")"):
        return None
    return expr[:open_paren], expr[open_paren + 1 : -1]


def read_function(chan: Channel, expr: str) -> str | None:
    """``ast_func_read``: the value of ``NAME(args)``, or None (unknown function, bad
    arguments)."""
    call = _split_call(expr)
    if call is None:
        return None
    name, args = call
    reader = FUNCTIONS.get(name, (None, None))[0]
    return reader(chan, args) if reader is not None else None


def write_function(chan: Channel, expr: str, value: str) -> bool:
    """``ast_func_write``: False when the function is unknown or read-only."""
    call = _split_call(expr)
    if call is None:
        return False
    name, args = call
    writer = FUNCTIONS.get(name, (None, None))[1]
    if writer is None:
        return False
    writer(chan, args, value)
    return True
