"""Queue monitor over AMI (asyncio): a snapshot of a queue, then its live changes.

``monitor(target, queue, updates)`` logs in with :class:`pyst.ami.client.AMIClient`, asks
``QueueStatus`` for the queue (the list of ``QueueParams``/``QueueMember``/``QueueEntry``
items, gathered by the client), prints a summary, then prints the next ``updates`` queue events
(callers joining or leaving, members paused or changing state) and logs off. It returns 0, or
1 when the queue does not exist.

    python -m demo_apps.queue_monitor --port 5038 support
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from pyst.ami.actions import QueueStatus
from pyst.ami.client import AMIClient
from pyst.ami.messages import Event

QUEUE_EVENTS = (
    "QueueCallerJoin",
    "QueueCallerLeave",
    "QueueCallerAbandon",
    "QueueMemberStatus",
    "QueueMemberPause",
)
# app_queue's member Status values (AST_DEVICE_*).
DEVICE_STATES = {
    "0": "unknown", "1": "not in use", "2": "in use", "3": "busy", "4": "invalid",
    "5": "unavailable", "6": "ringing", "7": "ringing, in use", "8": "on hold",
}


async def monitor(target: Any, queue: str = "support", updates: int = 2,
                  wait: float = 10.0) -> int:
    """Print the queue's state and its next ``updates`` events; returns the exit status."""
    client = AMIClient(target.host, int(target.port), username=target.username,
                       secret=target.secret)
    async with client as ami, ami.events(QUEUE_EVENTS, Queue=queue) as stream:
        status = await ami.send_action(QueueStatus(queue=queue))
        if not any(item.name == "QueueParams" for item in status.events):
            print(f"no queue called {queue}")
            return 1
        for line in summary(status.events):
            print(line)
        for _ in range(updates):
            try:
                event = await stream.get(timeout=wait)
            except TimeoutError:
                print("no more updates")
                break
            print(describe(event))
    return 0


def summary(items: tuple[Event, ...]) -> list[str]:
    """Lines describing a QueueStatus answer."""
    params = next(i for i in items if i.name == "QueueParams")
    members = [i for i in items if i.name == "QueueMember"]
    entries = [i for i in items if i.name == "QueueEntry"]
    available = [m for m in members if m.get("Paused") != "1" and m.get("Status") == "1"]
    lines = [
        f"queue {params.get('Queue')} ({params.get('Strategy')}): {len(members)} members, "
        f"{len(available)} available, {len(entries)} waiting"
    ]
    for m in members:
        state = DEVICE_STATES.get(m.get("Status", "0"), "unknown")
        paused = ", paused" if m.get("Paused") == "1" else ""
        lines.append(f"  member {m.get('Name')} ({m.get('Location')}): {state}{paused}")
    for e in entries:
        lines.append(
            f"  caller {e.get('Position')}: {e.get('CallerIDNum')} waiting {e.get('Wait')} s"
        )
    return lines


def describe(event: Event) -> str:
    """One line for a live queue event."""
    name = event.name
    if name == "QueueCallerJoin":
        return f"caller {event.get('CallerIDNum')} joined at position {event.get('Position')}"
    if name in ("QueueCallerLeave", "QueueCallerAbandon"):
        verb = "left" if name == "QueueCallerLeave" else "gave up"
        return f"caller {event.get('CallerIDNum')} {verb}"
    if name == "QueueMemberPause":
        what = "paused" if event.get("Paused") == "1" else "unpaused"
        reason = f" ({event.get('PausedReason')})" if event.get("PausedReason") else ""
        return f"member {event.get('MemberName')} {what}{reason}"
    state = DEVICE_STATES.get(event.get("Status", "0"), "unknown")
    return f"member {event.get('MemberName')} is {state}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--username", default="admin")
    parser.add_argument("--secret", default="secret")
    parser.add_argument("--updates", type=int, default=2)
    parser.add_argument("queue", nargs="?", default="support")
    args = parser.parse_args(argv)
    return asyncio.run(monitor(args, args.queue, args.updates))


if __name__ == "__main__":
    sys.exit(main())
