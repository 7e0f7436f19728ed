"""A small IVR, written pyst2-style on :class:`pyst.agi.AGI`.

The call flow:

1. answer, play ``ivr/welcome``;
2. ask for one digit on ``ivr/main-menu`` (5 s timeout), up to three tries: ``1`` sales,
   ``2`` support, ``0`` the operator; anything else plays ``ivr/invalid`` (no input:
   ``ivr/no-input``) and asks again; after three bad tries, ``ivr/goodbye`` and hang up;
3. sales and support: ``Dial`` the team; if nobody answers (``DIALSTATUS`` other than
   ``ANSWER``), fall back to the team's voicemail;
4. the operator: leave AGI and continue in the dialplan at ``operator,s,1``.

The outcome is left in the channel variable ``IVR_RESULT`` (``transferred``, ``voicemail``,
``operator``, ``gave-up`` or ``caller-hangup``), which the scenarios check. A caller who hangs up
mid-menu is handled: the ``AGIHangup`` is caught and ``IVR_RESULT`` is still set (SET VARIABLE
is allowed on a dead channel).

Run it three ways: in-process (``handler: demo_apps.ivr:ivr``), as a stdin AGI script
(``python -m demo_apps.ivr`` or ``script: demo_apps/ivr.py``), or over FastAGI
(:data:`fastagi_server`, route ``ivr``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyst.agi import AGI, AGIAppError, AGIHangup
from pyst.fastagi import FastAGIServer

MAX_TRIES = 3
MENU_TIMEOUT_MS = 5000
DIAL_TIMEOUT_S = 20


@dataclass(frozen=True)
class Team:
    name: str
    dial: str
    mailbox: str


TEAMS = {
    "1": Team("sales", "PJSIP/sales", "100@default"),
    "2": Team("support", "PJSIP/support", "200@default"),
}


def ivr(agi: Any) -> None:
    """Run the IVR on one call (``agi`` is a :class:`pyst.agi.AGI` or compatible)."""
    try:
        agi.answer()
        agi.stream_file("ivr/welcome")
        for _attempt in range(MAX_TRIES):
            choice = agi.get_data("ivr/main-menu", timeout=MENU_TIMEOUT_MS, max_digits=1)
            if choice in TEAMS:
                agi.set_variable("IVR_CHOICE", choice)
                _transfer(agi, TEAMS[choice])
                return
            if choice == "0":
                agi.set_variable("IVR_CHOICE", "0")
                agi.set_variable("IVR_RESULT", "operator")
                agi.set_context("operator")
                agi.set_extension("s")
                agi.set_priority(1)
                return
            agi.stream_file("ivr/invalid" if choice else "ivr/no-input")
        agi.stream_file("ivr/goodbye")
        agi.set_variable("IVR_RESULT", "gave-up")
        agi.hangup()
    except AGIAppError as exc:
        # A command failed with result=-1 ("error executing application, or hangup", as
        # pyst2 says) or reported the hangup itself. Tell the two apart, then record the
        # outcome: SET VARIABLE still works on a dead channel (res_agi.c dead flag).
        if not isinstance(exc, AGIHangup) and _alive(agi):
            raise
        _dead_channel(agi.set_variable, "IVR_RESULT", "caller-hangup")


def _alive(agi: Any) -> bool:
    """Whether the channel is still up (CHANNEL STATUS gets 511 on a dead channel)."""
    try:
        agi.channel_status()
    except AGIHangup:
        return False
    return True


def _transfer(agi: Any, team: Team) -> None:
    agi.verbose(f"IVR: transfer to {team.name}", 3)
    try:
        agi.appexec("Dial", f"{team.dial},{DIAL_TIMEOUT_S}")
    except AGIAppError:
        # Dial returns -1 when the bridged call ends (app_dial), and the channel is gone.
        pass
    if _dead_channel(agi.get_variable, "DIALSTATUS") == "ANSWER":
        _dead_channel(agi.set_variable, "IVR_RESULT", "transferred")
        return
    agi.appexec("VoiceMail", f"{team.mailbox},u")
    agi.set_variable("IVR_RESULT", "voicemail")
    agi.hangup()


def _dead_channel(command: Callable[..., Any], *args: Any) -> Any:
    """Run a command that works on a dead channel (GET/SET VARIABLE), after a hangup too.

    The first command after Asterisk reports a hangup (SIGHUP, or the ``HANGUP`` line) raises
    ``AGIHangup`` without being sent, as pyst2 did; the next one runs. When the report
    arrives depends on timing (a signal), so try once more.
    """
    try:
        return command(*args)
    except AGIHangup:
        return command(*args)


#: The same IVR over FastAGI: ``agi://host:4573/ivr`` (a blocking handler, run in a thread).
fastagi_server = FastAGIServer()
fastagi_server.add_route("ivr", ivr)


def main() -> None:
    """Entry point as a stdin/stdout AGI script."""
    ivr(AGI())


if __name__ == "__main__":
    main()
