"""The virtual clock of a simulated call.

Time only moves when the simulated channel waits: a prompt plays, a digit timeout runs out,
``EXEC Wait`` sleeps. Commands that do not wait on the channel (``SET VARIABLE``, ``NOOP``...)
take no simulated time, so a call with 35 s of timeouts runs in a few milliseconds of wall
time, and its transcript carries the times a real call would have shown.

``now`` counts seconds since the call started; ``epoch`` is the Unix time of that start, used
wherever Asterisk reads the wall clock (``${EPOCH}``, ``STRFTIME``, the default of ``SAY
DATETIME`` scripts). The default epoch is fixed, so runs reproduce.
"""

from __future__ import annotations

import math

__all__ = ["DEFAULT_EPOCH", "VirtualClock"]

#: 2026-01-01T00:00:00Z: the simulated wall-clock start when none is given.
DEFAULT_EPOCH = 1767225600.0


class VirtualClock:
    """Simulated seconds since the start of a call.

    Args:
        epoch: Unix time of the call's start (:data:`DEFAULT_EPOCH` by default).

    Raises:
        ValueError: ``epoch`` is not a finite number.
    """

    __slots__ = ("_epoch", "_now")

    def __init__(self, epoch: float = DEFAULT_EPOCH) -> None:
        if not math.isfinite(epoch):
            raise ValueError(f"epoch must be a finite number, not {epoch!r}")
        self._epoch = float(epoch)
        self._now = 0.0

    def __repr__(self) -> str:
        return f"<VirtualClock now={self._now:.3f}s epoch={self._epoch:.0f}>"

    @property
    def now(self) -> float:
        """Seconds since the call started."""
        return self._now

    @property
    def epoch(self) -> float:
        """Unix time at which the call started."""
        return self._epoch

    @property
    def unix_time(self) -> float:
        """The simulated Unix time now (``epoch + now``)."""
        return self._epoch + self._now

    def advance_to(self, t: float) -> None:
        """Move to ``t`` seconds since the start.

        Raises:
            ValueError: ``t`` is in the past or not finite (time never runs backwards).
        """
        if not math.isfinite(t) or t < self._now:
            raise ValueError(f"cannot move the clock from {self._now} s to {t!r} s")
        self._now = float(t)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass.

        Raises:
            ValueError: ``seconds`` is negative or not finite.
        """
        self.advance_to(self._now + seconds)
