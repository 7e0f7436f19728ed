"""State of the simulated PBX, shared by the fake AMI server and the AGI channel simulator.

* :class:`AstDB` - the family/key database (thread-safe);
* :class:`GlobalVariables` - global dialplan variables;
* :class:`ChannelRegistry` / :class:`Channel` - live channels, their ids and states;
* :class:`Queues` / :class:`Queue` / :class:`QueueMember` - app_queue's queues;
* :class:`PBX` - all of the above plus the dialplan, the manager users and the config dir.
"""

from pyst_sim.state.astdb import AstDB
from pyst_sim.state.channels import Channel, ChannelRegistry, ChannelState
from pyst_sim.state.globals import GlobalVariables
from pyst_sim.state.pbx import PBX, Identity
from pyst_sim.state.queues import Queue, QueueEntry, QueueMember, Queues

__all__ = [
    "PBX",
    "AstDB",
    "Channel",
    "ChannelRegistry",
    "ChannelState",
    "GlobalVariables",
    "Identity",
    "Queue",
    "QueueEntry",
    "QueueMember",
    "Queues",
]
