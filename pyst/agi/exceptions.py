"""pyst2's AGI exception tree, rebuilt on :mod:`pyst.errors`.

The names and the hierarchy are pyst2 0.5.1's (PYST2.md §1.2), so ``except AGIAppError`` or
``except AGISIGHUPHangup`` written for pyst2 still catches; every class is also a
:class:`pyst.errors.PystError`, and the hangup, 510/511/520 classes are also the matching
:mod:`pyst.errors` classes::

    AGIException                      (pyst.errors.AGIError)
    └── AGIError
        ├── AGIUnknownError           an unexpected reply code (503 of GOSUB, ...)
        ├── AGIAppError               result=-1, application not found (-2), ...
        │   ├── AGIHangup             (pyst.errors.AGIHangup)
        │   │   ├── AGISIGHUPHangup   SIGHUP noticed before a command
        │   │   │   └── AGIHangupNotice    FastAGI's ``HANGUP`` line (new)
        │   │   ├── AGISIGPIPEHangup  the pipe or socket broke while writing
        │   │   │                     (also pyst.errors.ConnectionLostError)
        │   │   ├── AGIResultHangup   ``(hangup)`` in a reply
        │   │   ├── AGIDeadChannelError   511 (new; also pyst.errors.DeadChannelError)
        │   │   └── AGIEOFHangup      Asterisk closed the connection (new;
        │   │                         also pyst.errors.ConnectionLostError)
        │   └── AGIDBError            DATABASE commands that fail
        ├── AGIUsageError             520 (also pyst.errors.AGICommandError, ``usage``)
        └── AGIInvalidCommand         510 (also pyst.errors.AGICommandError)

An exception raised because of a reply carries it as ``result`` (an
:class:`~pyst.agi.results.AGIResult`, None otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyst import errors

if TYPE_CHECKING:
    from pyst.agi.results import AGIResult

__all__ = [
    "AGIAppError",
    "AGIDBError",
    "AGIDeadChannelError",
    "AGIEOFHangup",
    "AGIError",
    "AGIException",
    "AGIHangup",
    "AGIHangupNotice",
    "AGIInvalidCommand",
    "AGIResultHangup",
    "AGISIGHUPHangup",
    "AGISIGPIPEHangup",
    "AGIUnknownError",
    "AGIUsageError",
]


class AGIException(errors.AGIError):
    """Root of pyst2's AGI exceptions (``asterisk.agi.AGIException``)."""

    #: The reply that caused the exception, when one did.
    result: AGIResult | None = None


class AGIError(AGIException):
    """pyst2's ``AGIError`` (not :class:`pyst.errors.AGIError`, which is above it)."""


class AGIUnknownError(AGIError):
    """A reply code the library does not expect; ``args`` are ``(code, message)`` as in pyst2."""


class AGIAppError(AGIError):
    """The command failed: ``result=-1``, an application that does not exist, ..."""


class AGIHangup(AGIAppError, errors.AGIHangup):
    """The channel hung up. Every hangup the library notices raises a subclass of this."""


class AGISIGHUPHangup(AGIHangup):
    """Asterisk sent SIGHUP (classic AGI with ``AGISIGHUP`` on); raised before the next command
    is sent, once."""


class AGIHangupNotice(AGISIGHUPHangup):
    """Asterisk wrote its ``HANGUP`` line (FastAGI; the network form of SIGHUP). A subclass of
    :class:`AGISIGHUPHangup`, so scripts that catch SIGHUP hangups catch this one too."""


class AGISIGPIPEHangup(AGIHangup, errors.ConnectionLostError):
    """Writing to Asterisk failed: the pipe or socket is gone (EPIPE, reset)."""


class AGIResultHangup(AGIHangup):
    """A reply said ``(hangup)``: the channel hung up while the command ran."""


class AGIDeadChannelError(AGIHangup, errors.DeadChannelError):
    """``511 Command Not Permitted on a dead channel or intercept routine``: the channel has hung
    up and the command is not one of those Asterisk still runs in dead mode."""


class AGIEOFHangup(AGIHangup, errors.ConnectionLostError):
    """Asterisk closed the connection (end of stdin or of the FastAGI socket)."""


class AGIDBError(AGIAppError):
    """A ``DATABASE`` command failed (a ``database_get`` of a missing key, ...)."""


class AGIUsageError(AGIError, errors.AGICommandError):
    """``520``: Asterisk refused the command's arguments.

    ``str(exc)`` is the whole reply as pyst2 gave it; ``usage`` is the usage text alone (empty
    when Asterisk has none: ``520 Invalid command syntax.  Proper usage not available.``).
    """

    def __init__(self, message: str = "", usage: str = "", code: int = 520) -> None:
        errors.AGICommandError.__init__(self, code, message, usage)


class AGIInvalidCommand(AGIError, errors.AGICommandError):
    """``510 Invalid or unknown command`` (the message is the reply text, as in pyst2)."""

    def __init__(self, message: str = "", code: int = 510) -> None:
        errors.AGICommandError.__init__(self, code, message)


def with_result(exc: AGIException, result: AGIResult | None) -> AGIException:
    """``exc`` with ``result`` attached (returned for ``raise with_result(...)``)."""
    exc.result = result
    return exc
