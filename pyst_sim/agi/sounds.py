"""Which prompts exist on the simulated Asterisk, and how long they play.

By default every prompt exists (a test rarely wants to describe all of them): a prompt nobody
described plays for ``default_length`` seconds. ``strict=True`` answers like Asterisk does for
a missing file (``STREAM FILE`` gives ``200 result=-1 endpos=0``, ``GET DATA`` ``result=-1``,
``Playback`` sets ``PLAYBACKSTATUS=FAILED``); only the prompts given in ``lengths``, the core
prompts (``beep``, ``digits/*``, ``letters/*``, ``phonetic/*``; switch them off with
``core_sounds=False``) and files recorded during the call exist then.

Lengths of the core prompts follow the capture machine of ``shared/captures`` (j1): ``beep``
is 0.25 s (``STREAM FILE beep`` answered ``endpos=2000``, 2000 samples at 8 kHz) and each
``digits/*`` file about 0.3 s (``SAY DIGITS 123`` took 0.89 s, ``SAY NUMBER 42`` 0.60 s).
Positions are reported in samples at 8 kHz, as Asterisk reports them for 8 kHz files.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping

__all__ = ["CORE_PREFIXES", "DEFAULT_LENGTH", "SAMPLE_RATE", "SoundLibrary"]

#: Samples per second of the simulated files (``endpos`` and offsets are in samples).
SAMPLE_RATE = 8000
#: Seconds a prompt plays when nobody gave its length.
DEFAULT_LENGTH = 1.0
#: Folders of Asterisk's core sound package that ``say *`` commands read.
CORE_PREFIXES = ("digits/", "letters/", "phonetic/")
_CORE_FILES = {"beep": 0.25}
_CORE_LENGTH = 0.3


def _check_length(name: str, length: float) -> float:
    if isinstance(length, bool) or not isinstance(length, (int, float)):
        raise TypeError(f"length of prompt {name!r} must be a number, not {length!r}")
    if not math.isfinite(length) or length < 0:
        raise ValueError(f"length of prompt {name!r} must be a finite number >= 0: {length!r}")
    return float(length)


class SoundLibrary:
    """The prompts of the simulated Asterisk (thread-safe; one library may serve many calls).

    Args:
        lengths: prompt name (as the AGI command names it, without extension) -> seconds.
        strict: only known prompts exist (see the module docstring).
        default_length: seconds for a prompt without a given length.
        core_sounds: in strict mode, whether ``beep`` and ``digits/``, ``letters/``,
            ``phonetic/`` prompts exist.

    Raises:
        TypeError, ValueError: a length is not a finite number >= 0.
    """

    def __init__(
        self,
        lengths: Mapping[str, float] | None = None,
        *,
        strict: bool = False,
        default_length: float = DEFAULT_LENGTH,
        core_sounds: bool = True,
    ) -> None:
        self._lengths = {name: _check_length(name, v) for name, v in (lengths or {}).items()}
        self._default = _check_length("<default>", default_length)
        self.strict = strict
        self.core_sounds = core_sounds
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        mode = "strict" if self.strict else "lenient"
        return f"<SoundLibrary {mode}, {len(self._lengths)} prompts described>"

    def _core_length(self, name: str) -> float | None:
        if name in _CORE_FILES:
            return _CORE_FILES[name]
        if name.startswith(CORE_PREFIXES):
            return _CORE_LENGTH
        return None

    def exists(self, name: str) -> bool:
        """Whether Asterisk would find the file ``name``."""
        with self._lock:
            if name in self._lengths or not self.strict:
                return True
        return self.core_sounds and self._core_length(name) is not None

    def length(self, name: str) -> float:
        """Seconds the prompt plays (whether or not it exists in strict mode)."""
        with self._lock:
            known = self._lengths.get(name)
        if known is not None:
            return known
        core = self._core_length(name)
        return core if core is not None else self._default

    def samples(self, name: str) -> int:
        """The prompt's length in samples at :data:`SAMPLE_RATE`."""
        return round(self.length(name) * SAMPLE_RATE)

    def add(self, name: str, length: float) -> None:
        """Make ``name`` exist with this length (``RECORD FILE`` adds what it recorded).

        Raises:
            TypeError, ValueError: ``length`` is not a finite number >= 0.
        """
        value = _check_length(name, length)
        with self._lock:
            self._lengths[name] = value

    def known(self) -> dict[str, float]:
        """A snapshot of the described prompts and their lengths."""
        with self._lock:
            return dict(self._lengths)
