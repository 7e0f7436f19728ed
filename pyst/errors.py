"""One exception tree for all of pyst.

``PystError`` is the root. pyst2's exception names (``AGIException``, ``ManagerException``, ...)
are defined in :mod:`pyst.agi` and :mod:`pyst.manager` as aliases or subclasses of these, so
``except`` clauses written for pyst2 still catch.
"""

from __future__ import annotations


class PystError(Exception):
    """Root of every exception raised by pyst."""


# --- protocol --------------------------------------------------------------------------------


class ProtocolError(PystError):
    """The bytes on a connection broke the protocol."""


class LocalProtocolError(ProtocolError):
    """We were asked to send something the protocol does not allow (our bug or the caller's)."""


class RemoteProtocolError(ProtocolError):
    """The peer sent bytes that break the protocol.

    ``data`` holds the offending raw bytes (possibly truncated to ``MAX_REPORTED_BYTES``) so the
    error can be shown and reproduced.
    """

    MAX_REPORTED_BYTES = 256

    def __init__(self, message: str, data: bytes = b"") -> None:
        self.data = bytes(data[: self.MAX_REPORTED_BYTES])
        self.message = message
        if data:
            super().__init__(f"{message} (near {self.data!r})")
        else:
            super().__init__(message)


class ConnectionLostError(PystError, ConnectionError):
    """The connection closed (or broke) while something was still expected from it."""


# --- AMI -------------------------------------------------------------------------------------


class AMIError(PystError):
    """An AMI-level failure."""


class AuthenticationError(AMIError):
    """Login was refused (``Message: Authentication failed``) or could not be attempted."""


class ActionFailedError(AMIError):
    """An action got ``Response: Error``; ``response`` is the response message."""

    def __init__(self, response: object, message: str | None = None) -> None:
        self.response = response
        if message is None:
            get = getattr(response, "get", None)
            text = get("Message") if callable(get) else None
            message = f"action failed: {text}" if text else "action failed"
        super().__init__(message)


class ActionTimeoutError(AMIError, TimeoutError):
    """No (complete) answer to an action arrived within its timeout."""


# --- AGI -------------------------------------------------------------------------------------


class AGIError(PystError):
    """An AGI-level failure."""


class AGICommandError(AGIError):
    """Asterisk refused a command: 510 (unknown command) or 520 (bad usage, with ``usage``)."""

    def __init__(self, code: int, message: str, usage: str = "") -> None:
        self.code = code
        self.usage = usage
        super().__init__(message)


class DeadChannelError(AGIError):
    """511: the command is not permitted on a dead channel (or inside an intercept routine)."""


class AGIHangup(AGIError):
    """The channel hung up (``HANGUP`` line, SIGHUP, EOF, EPIPE or a ``(hangup)`` result)."""


# --- config ----------------------------------------------------------------------------------


class ConfigError(PystError):
    """A configuration file could not be read as Asterisk would read it."""


class ConfigSyntaxError(ConfigError):
    """Asterisk would reject the file (``CONFIG_STATUS_FILEINVALID``); names file and line."""

    def __init__(
        self, message: str, filename: str | None = None, lineno: int | None = None
    ) -> None:
        self.filename = filename
        self.lineno = lineno
        self.message = message
        where = ""
        if filename is not None:
            where = f"{filename}:{lineno}: " if lineno is not None else f"{filename}: "
        super().__init__(f"{where}{message}")


class IncludeError(ConfigError):
    """An ``#include`` could not be satisfied (missing file, depth limit)."""


__all__ = [
    "AGICommandError",
    "AGIError",
    "AGIHangup",
    "AMIError",
    "ActionFailedError",
    "ActionTimeoutError",
    "AuthenticationError",
    "ConfigError",
    "ConfigSyntaxError",
    "ConnectionLostError",
    "DeadChannelError",
    "IncludeError",
    "LocalProtocolError",
    "ProtocolError",
    "PystError",
    "RemoteProtocolError",
]
