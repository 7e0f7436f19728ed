"""A PBX report over AMI, written pyst2-style on :class:`pyst.manager.Manager`.

``report(target)`` logs in, runs the CLI commands ``core show version`` and
``core show channels`` through the ``Command`` action, and prints the Asterisk version and the
channel and call counts. It returns 0, or 1 when a command fails. The code is what a pyst2
script looks like (``from asterisk.manager import Manager`` becomes
``from pyst.manager import Manager``).

    python -m demo_apps.pbx_report --port 5038
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pyst.manager import Manager, ManagerException


def report(target: Any) -> int:
    """Print the report for the PBX at ``target`` (host, port, username, secret)."""
    manager = Manager()
    manager.connect(target.host, int(target.port))
    try:
        manager.login(target.username, target.secret)
        version = manager.command("core show version")
        channels = manager.command("core show channels")
    except ManagerException as exc:
        print(f"AMI error: {exc}")
        return 1
    finally:
        manager.close()
    if version.get_header("Response") != "Success":
        print(f"core show version failed: {version.data}")
        return 1
    words = version.data.split()
    print(" ".join(words[:2]) if len(words) >= 2 else version.data)
    # The table's header line first, then "N active channels", "N active calls", ...
    for line in channels.data.splitlines()[1:]:
        print(line.strip())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--username", default="admin")
    parser.add_argument("--secret", default="secret")
    return report(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
