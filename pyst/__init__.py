"""pyst: a Python library for the Asterisk PBX (AGI, FastAGI, AMI, .conf files).

Successor of pyst/pyst2: code written for ``asterisk.X`` ports by importing ``pyst.X``.
The package uses the standard library only.
"""

from pyst._version import __version__

__all__ = ["__version__"]
