"""Click-to-call over AMI: ring an agent's phone, then dial a number for them.

``click_to_call(target, agent, number)`` logs in, sends an async ``Originate`` (the agent's
phone ``PJSIP/<agent>`` first, then ``<number>@from-internal``), waits for the
``OriginateResponse`` and follows the call's events until its channel hangs up. It prints one
line per step and returns 0 when the call was placed and ended normally, 1 when the agent
could not be reached, 2 when the call did not end within ``call_timeout`` seconds.

Run it against a real or fake Asterisk::

    python -m demo_apps.click_to_call --host 127.0.0.1 --port 5038 --username admin \\
        --secret secret 100 5551234
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from pyst.ami.actions import Originate
from pyst.ami.blocking import BlockingAMIClient
from pyst.errors import AMIError

DIAL_CONTEXT = "from-internal"


def click_to_call(target: Any, agent: str, number: str, call_timeout: float = 60.0) -> int:
    """Place the call (``target``: host, port, username, secret); returns the exit status."""
    with BlockingAMIClient(target.host, int(target.port), timeout=10.0) as ami:
        ami.login(target.username, target.secret, events=["call"])
        print(f"calling agent {agent} to connect them to {number}")
        result = ami.send_action(
            Originate(
                channel=f"PJSIP/{agent}",
                context=DIAL_CONTEXT,
                exten=number,
                priority=1,
                caller_id=f'"Click to call" <{number}>',
                timeout=30000,
                run_async=True,
                variable={"CLICK_TO_CALL": "1"},
            ),
            timeout=45.0,
            check=False,
        )
        outcome = result.completion
        if result.is_error or outcome is None or outcome.get("Response") != "Success":
            why = (outcome.get("Reason") if outcome is not None else None) or (
                result.response.get("Message") if result.response is not None else "no answer"
            )
            print(f"agent {agent} not reached (reason {why})")
            return 1
        channel = outcome.get("Channel", "")
        print(f"agent {agent} answered on {channel}; dialing {number}")
        return _follow(ami, channel, call_timeout)


def _follow(ami: BlockingAMIClient, channel: str, call_timeout: float) -> int:
    deadline = time.monotonic() + call_timeout
    while time.monotonic() < deadline:
        event = ami.get_event(timeout=deadline - time.monotonic())
        if event is None:
            break
        if event.get("Channel") != channel and event.get("DestChannel") != channel:
            continue
        if event.name == "DialEnd":
            print(f"dial status {event.get('DialStatus')}")
        elif event.name == "Hangup":
            print(f"call ended: {event.get('Cause-txt') or event.get('Cause')}")
            return 0
    print("the call did not end in time")
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--username", default="admin")
    parser.add_argument("--secret", default="secret")
    parser.add_argument("agent")
    parser.add_argument("number")
    args = parser.parse_args(argv)
    try:
        return click_to_call(args, args.agent, args.number)
    except AMIError as exc:
        print(f"AMI error: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
