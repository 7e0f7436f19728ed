"""Exceptions of the simulator, on top of pyst's tree."""

from __future__ import annotations

from pyst.errors import PystError


class SimulatorError(PystError):
    """The simulator itself could not do what was asked (bad setup, server failed to start)."""


class ScenarioError(SimulatorError):
    """A scenario file is invalid; ``path`` and ``line`` say where."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class ExpectationError(SimulatorError, AssertionError):
    """What the app under test did differs from what the test expected (pytest shows a failure)."""
