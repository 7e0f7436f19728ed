"""Call queues of the simulated PBX (app_queue): queues, members and waiting callers.

Queues come from queues.conf (read with :func:`pyst.config.files.queues_config`) or are built
in code. Members keep what ``QueueStatus``/``QueueSummary`` report (penalty, calls taken,
pause state and reason, device status...). Static members come from ``member =>`` lines;
``QueueAdd`` adds dynamic ones (``QueueRemove`` refuses to remove static members, as
app_queue does: "Member not dynamic").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from pyst.config.files import QueuesConfig

__all__ = ["AddResult", "Queue", "QueueEntry", "QueueMember", "Queues", "RemoveResult"]

#: ``AST_DEVICE_NOT_INUSE``: what a free member's ``Status`` shows.
DEVICE_NOT_INUSE = 1


@dataclass
class QueueMember:
    """One member of a queue."""

    interface: str
    membername: str = ""
    state_interface: str = ""
    penalty: int = 0
    paused: bool = False
    paused_reason: str = ""
    dynamic: bool = False
    calls_taken: int = 0
    last_call: int = 0
    last_pause: int = 0
    login_time: int = 0
    in_call: bool = False
    status: int = DEVICE_NOT_INUSE
    ringinuse: bool = True
    wrapuptime: int = 0

    def __post_init__(self) -> None:
        if not self.membername:
            self.membername = self.interface
        if not self.state_interface:
            self.state_interface = self.interface


@dataclass
class QueueEntry:
    """A caller waiting in a queue."""

    channel: str
    uniqueid: str
    callerid_num: str = ""
    callerid_name: str = ""
    connected_num: str = ""
    connected_name: str = ""
    joined: float = 0.0
    priority: int = 0


@dataclass
class Queue:
    """One queue and its statistics."""

    name: str
    strategy: str = "ringall"
    maxlen: int = 0
    weight: int = 0
    servicelevel: int = 0
    holdtime: int = 0
    talktime: int = 0
    completed: int = 0
    abandoned: int = 0
    members: list[QueueMember] = field(default_factory=list)
    entries: list[QueueEntry] = field(default_factory=list)

    def member(self, interface: str) -> QueueMember | None:
        """The member with this interface (exact, as app_queue compares), or None."""
        for m in self.members:
            if m.interface == interface:
                return m
        return None


class AddResult:
    """Outcomes of :meth:`Queues.add_member` (app_queue's RES_* codes)."""

    OKAY = "okay"
    EXISTS = "exists"
    NO_SUCH_QUEUE = "no such queue"


class RemoveResult:
    """Outcomes of :meth:`Queues.remove_member`."""

    OKAY = "okay"
    NOT_THERE = "not there"
    NO_SUCH_QUEUE = "no such queue"
    NOT_DYNAMIC = "not dynamic"


class Queues:
    """Every queue of the PBX, by name (case-insensitive, as app_queue's container)."""

    def __init__(self, queues: list[Queue] | None = None) -> None:
        self.lock = threading.RLock()
        self._queues: dict[str, Queue] = {}
        for q in queues or []:
            self.add_queue(q)

    @classmethod
    def from_config(cls, config: QueuesConfig, *, now: int = 0) -> Queues:
        """Queues and static members of a read queues.conf."""
        out = cls()
        for q in config.queues.values():
            queue = Queue(
                q.name,
                strategy=q.strategy,
                maxlen=q.maxlen,
                weight=q.weight,
                servicelevel=q.servicelevel,
            )
            for m in q.members:
                queue.members.append(
                    QueueMember(
                        m.interface,
                        m.membername,
                        m.state_interface,
                        m.penalty,
                        paused=m.paused,
                        ringinuse=m.ringinuse,
                        wrapuptime=m.wrapuptime,
                        login_time=now,
                    )
                )
            out.add_queue(queue)
        return out

    def add_queue(self, queue: Queue) -> Queue:
        """Add (or replace) a queue."""
        with self.lock:
            self._queues[queue.name.lower()] = queue
            return queue

    def get(self, name: str) -> Queue | None:
        """The queue called ``name``, or None."""
        with self.lock:
            return self._queues.get(name.lower())

    def __iter__(self) -> Iterator[Queue]:
        with self.lock:
            return iter(list(self._queues.values()))

    def __len__(self) -> int:
        return len(self._queues)

    def add_member(self, queue_name: str, member: QueueMember) -> tuple[str, Queue | None]:
        """``add_to_queue``: a dynamic member; returns an :class:`AddResult` value."""
        with self.lock:
            queue = self.get(queue_name)
            if queue is None:
                return AddResult.NO_SUCH_QUEUE, None
            if queue.member(member.interface) is not None:
                return AddResult.EXISTS, queue
            member.dynamic = True
            queue.members.append(member)
            return AddResult.OKAY, queue

    def remove_member(
        self, queue_name: str, interface: str
    ) -> tuple[str, Queue | None, QueueMember | None]:
        """``remove_from_queue``; returns a :class:`RemoveResult` value."""
        with self.lock:
            queue = self.get(queue_name)
            if queue is None:
                return RemoveResult.NO_SUCH_QUEUE, None, None
            member = queue.member(interface)
            if member is None:
                return RemoveResult.NOT_THERE, queue, None
            if not member.dynamic:
                return RemoveResult.NOT_DYNAMIC, queue, member
            queue.members.remove(member)
            return RemoveResult.OKAY, queue, member
