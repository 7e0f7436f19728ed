"""pyst_sim: a fake Asterisk (AMI server emulator and AGI channel simulator) for tests."""

from pyst._version import __version__

__all__ = ["__version__"]
