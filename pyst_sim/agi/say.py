"""The prompts Asterisk's ``say`` functions play (English rules of main/say.c), as lists of
``(prompt, required)``: a missing prompt that is not required is skipped (``ast_say_number``,
``ast_say_digit_str`` test the file first), a missing required one ends the saying with -1
(the date and time functions call ``ast_streamfile`` directly). Other languages are said with
the English rules.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_DATETIME_FORMAT",
    "Prompts",
    "alpha_prompts",
    "date_prompts",
    "datetime_prompts",
    "digit_prompts",
    "number_prompts",
    "phonetic_prompts",
    "time_prompts",
]

Prompts = list[tuple[str, bool]]

#: ``SAY DATETIME``'s default format (``"A dBY HMS"`` when the language is ``de``).
DEFAULT_DATETIME_FORMAT = "ABdY 'digits/at' IMp"

_SYMBOLS = {
    "*": "digits/star", "#": "digits/pound", "!": "letters/exclaimation-point",
    "@": "letters/at", "$": "letters/dollar", "-": "letters/dash", ".": "letters/dot",
    "=": "letters/equals", "+": "letters/plus", "/": "letters/slash", " ": "letters/space",
}


def digit_prompts(text: str) -> list[str]:
    """``ast_say_digit_str``: one prompt per digit, ``*``, ``#`` and ``-``; other characters
    are skipped."""
    out = []
    for char in text:
        if "0" <= char <= "9":
            out.append(f"digits/{char}")
        elif char in "*#":
            out.append(_SYMBOLS[char])
        elif char == "-":
            out.append("digits/minus")
    return out


def number_prompts(number: int) -> list[str]:
    """``ast_say_number_full_en``: ``digits/N`` (0-19), tens, ``hundred``, ``thousand``,
    ``million``, ``minus``. Numbers of a billion and more are not said (Asterisk logs "too big"
    and returns -1)."""
    if number == 0:
        return ["digits/0"]
    out: list[str] = []
    if number < 0:
        out.append("digits/minus")
        number = -number
    if number >= 1_000_000_000:
        return out
    if number >= 1_000_000:
        out += [*number_prompts(number // 1000000), "digits/million"]
        number %= 1_000_000
    if number >= 1000:
        out += [*number_prompts(number // 1000), "digits/thousand"]
        number %= 1000
    if number >= 100:
        out += [f"digits/{number // 100}", "digits/hundred"]
        number %= 100
    if number >= 20:
        out.append(f"digits/{number // 10 * 10}")
        number %= 10
    if number:
        out.append(f"digits/{number}")
    return out


def alpha_prompts(text: str, case: str = "n") -> list[str]:
    """``ast_say_character_str``: letters, digits and symbols; ``case`` a/l/u/n announces the
    case of all/lower/upper/no letters first (``uppercase``/``lowercase``)."""
    out = []
    for char in text:
        if char in _SYMBOLS:
            out.append(_SYMBOLS[char])
        elif "0" <= char <= "9":
            out.append(f"digits/{char}")
        else:
            if "A" <= char <= "Z" and case in ("a", "u"):
                out.append("uppercase")
            elif "a" <= char <= "z" and case in ("a", "l"):
                out.append("lowercase")
            out.append(f"letters/{char.lower()}")
    return out


def phonetic_prompts(text: str) -> list[str]:
    """``ast_say_phonetic_str``: ``phonetic/x_p`` per letter, digits and symbols as for
    alpha."""
    out = []
    for char in text:
        if char in _SYMBOLS:
            out.append(_SYMBOLS[char])
        elif "0" <= char <= "9":
            out.append(f"digits/{char}")
        else:
            out.append(f"phonetic/{char.lower()}_p")
    return out


def _local(when: float, zone: str | None) -> datetime:
    try:
        tz: ZoneInfo | timezone = ZoneInfo(zone) if zone else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        tz = timezone.utc
    return datetime.fromtimestamp(when, tz)


def _number(n: int) -> Prompts:
    return [(p, False) for p in number_prompts(n)]


def date_prompts(when: float, zone: str | None) -> Prompts:
    """``ast_say_date_en``: weekday, month, day number, year."""
    t = _local(when, zone)
    weekday = (t.weekday() + 1) % 7  # tm_wday: Sunday is 0
    return [(f"digits/day-{weekday}", True), (f"digits/mon-{t.month - 1}", True),
            *_number(t.day), *_number(t.year)]


def time_prompts(when: float, zone: str | None) -> Prompts:
    """``ast_say_time_en``: hour (12-hour), minutes (``oh`` N, or ``oclock``), a-m / p-m."""
    t = _local(when, zone)
    hour = t.hour % 12 or 12
    out = _number(hour)
    if t.minute > 9:
        out += _number(t.minute)
    elif t.minute:
        out += [("digits/oh", True), *_number(t.minute)]
    else:
        out.append(("digits/oclock", True))
    out.append(("digits/p-m" if t.hour >= 12 else "digits/a-m", True))
    return out


def datetime_prompts(when: float, fmt: str, zone: str | None) -> Prompts:
    """``ast_say_date_with_format_en`` for the common format letters (A a B b h d e m Y I l H
    k M N P p S R T and ``'file'``); other letters are skipped."""
    t = _local(when, zone)
    out: Prompts = []
    index = 0
    while index < len(fmt):
        char = fmt[index]
        if char == "'":
            end = fmt.find("'", index + 1)
            end = len(fmt) if end < 0 else end
            if end > index + 1:
                out.append((fmt[index + 1 : end], True))
            index = end + 1
            continue
        if char in "Aa":
            out.append((f"digits/day-{(t.weekday() + 1) % 7}", True))
        elif char in "Bbh":
            out.append((f"digits/mon-{t.month - 1}", True))
        elif char == "m":
            out.append((f"digits/h-{t.month}", True))
        elif char in "de":
            out.append((f"digits/h-{t.day}", True))
        elif char == "Y":
            out += _number(t.year)
        elif char in "Il":
            out.append((f"digits/{t.hour % 12 or 12}", True))
        elif char in "Hk":
            if char == "H" and t.hour < 10:
                out.append(("digits/oh", True))
            out += _number(t.hour)
        elif char in "MN":
            if t.minute == 0:
                out.append(("digits/oclock" if char == "M" else "digits/hundred", True))
            elif t.minute < 10:
                out += [("digits/oh", True), (f"digits/{t.minute}", True)]
            else:
                out += _number(t.minute)
        elif char in "Pp":
            out.append(("digits/p-m" if t.hour >= 12 else "digits/a-m", True))
        elif char == "S":
            out += _number(t.second)
        elif char == "R":
            out += datetime_prompts(when, "HM", zone)
        elif char == "T":
            out += datetime_prompts(when, "HMS", zone)
        index += 1
    return out
