"""A scriptable speech recognition engine for the ``SPEECH *`` commands.

Asterisk's speech commands need a ``res_speech`` engine. Without one (the default of the
simulator, and of a stock Asterisk), ``SPEECH CREATE`` answers ``result=0`` and the other
speech commands ``result=0`` for lack of a speech object. Give the simulator
``speech={"fake": SpeechEngine("fake", results=[...])}`` to script recognitions: each
``SPEECH RECOGNIZE`` takes the next entry of ``results`` (a string, a
:class:`SpeechResult`, or a list of them for n-best results); ``None`` or an exhausted list
means nothing was recognised (the command then times out).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["SpeechEngine", "SpeechResult", "SpeechSession"]


@dataclass(frozen=True)
class SpeechResult:
    """One recognition result: text, score (0-1000) and grammar.

    Raises (constructor):
        ValueError: ``text`` holds a newline or a double quote (Asterisk writes it inside
            ``text0="..."`` on the reply line).
    """

    text: str
    score: int = 1000
    grammar: str = "default"

    def __post_init__(self) -> None:
        if "\n" in self.text or '"' in self.text:
            raise ValueError(f"speech result text cannot hold a newline or quote: {self.text!r}")
        if "\n" in self.grammar or " " in self.grammar:
            raise ValueError(f"bad grammar name {self.grammar!r}")


ResultsItem = str | SpeechResult | Sequence[SpeechResult] | None


@dataclass
class SpeechEngine:
    """A fake engine: ``results`` are handed out one per recognition, after ``latency``
    seconds of listening once the prompt has played.

    Raises (constructor):
        ValueError: a negative ``latency``.
    """

    name: str = "fake"
    results: Sequence[ResultsItem] = ()
    latency: float = 1.0
    _queue: list[ResultsItem] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if not math.isfinite(self.latency) or self.latency < 0:
            raise ValueError(f"latency must be >= 0, not {self.latency!r}")
        self._queue = list(self.results)

    def next_results(self) -> list[SpeechResult]:
        """The results of the next recognition (empty: nothing recognised)."""
        if not self._queue:
            return []
        item = self._queue.pop(0)
        if item is None:
            return []
        if isinstance(item, str):
            return [SpeechResult(item)]
        if isinstance(item, SpeechResult):
            return [item]
        return list(item)


@dataclass
class SpeechSession:
    """The speech object of one AGI session (``agi->speech``)."""

    engine: SpeechEngine
    grammars: set[str] = field(default_factory=set)
    active: set[str] = field(default_factory=set)
    settings: dict[str, str] = field(default_factory=dict)
