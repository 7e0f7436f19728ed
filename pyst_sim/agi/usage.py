"""Usage texts for ``520`` replies.

Asterisk sends a command's XML ``<description>`` as the usage text of a ``520`` reply
(res_agi.c ``ast_agi_register`` builds ``usage`` with ``ast_xmldoc_build_description``), raw,
inline doc tags such as ``<literal>`` included. ``shared/spec/agi_commands.json`` carries no
descriptions, and Asterisk's documentation prose is not ours to copy, so:

* ``say digits`` has the exact text captured from Asterisk 22.10.1 (j1 capture): the only
  byte-exact usage text here;
* every other command gets a generated text in the same layout (one line, no header): the
  command's synopsis from the spec, then ``Syntax:`` and its syntax line. Scripts that only
  look at the ``520`` code and the block's framing (``520-Invalid command syntax.  Proper
  usage follows:`` ... ``520 End of proper usage.``) see exactly what Asterisk sends; the text
  in between differs from Asterisk's wording.

Pass ``usage={...}`` to the simulator to supply texts of your own.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pyst.agi.spec import COMMANDS, AGICommandSpec

__all__ = ["CAPTURED_USAGE", "USAGE", "generated_usage"]

#: Usage texts captured from a real Asterisk 22.10.1 (exact bytes, without the final newline).
CAPTURED_USAGE: Mapping[str, str] = MappingProxyType({
    "say digits": (
        "Say a given digit string, returning early if any of the given DTMF digits are "
        "received on the channel. Returns <literal>0</literal> if playback completes without "
        "a digit being pressed, or the ASCII numerical value of the digit if one was pressed "
        "or <literal>-1</literal> on error/hangup."
    ),
})


def generated_usage(command: AGICommandSpec) -> str:
    """The generated one-line usage text of ``command`` (see the module docstring)."""
    return f"{command.synopsis} Syntax: {command.syntax}"


#: Usage text per command name (``"stream file"``): captured where available, else generated.
USAGE: Mapping[str, str] = MappingProxyType({
    command.name: CAPTURED_USAGE.get(command.name, generated_usage(command))
    for command in COMMANDS
})
