"""State of the simulated PBX, shared by the fake AMI server and the AGI channel simulator."""

from pyst_sim.state.astdb import AstDB

__all__ = ["AstDB"]
