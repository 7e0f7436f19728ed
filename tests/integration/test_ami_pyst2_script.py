"""A pyst2 AMI script runs unchanged once ``asterisk.manager`` is imported as ``pyst.manager``.

The script is pyst2's own module-docstring example (callbacks, ``status()``, ``command()``,
``message_thread.join()``, ``close()`` in ``finally``), run as a subprocess against a scripted
AMI server on 127.0.0.1:0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from pyst.ami.messages import (
    Action,
    Event,
    make_command_response,
    make_list_ack,
    make_list_complete,
    make_list_item,
)
from tests.ami.replay_server import ScriptedServer, ServerThread, Session, default_handler

REPO = Path(__file__).resolve().parent.parent.parent

SCRIPT = '''
import sys
import pyst.manager as manager_module   # was: import asterisk.manager as manager_module


def handle_shutdown(event, manager):
    print("Recieved shutdown event")
    manager.close()


def handle_event(event, manager):
    print("Recieved event: %s" % event.name)


manager = manager_module.Manager()
try:
    try:
        manager.connect(sys.argv[1], int(sys.argv[2]))
        manager.login("admin", "secret")
        manager.register_event("Shutdown", handle_shutdown)
        manager.register_event("*", handle_event)
        response = manager.status()
        print(response)
        response = manager.command("core show channels concise")
        print(response.data)
        manager.message_thread.join()
    except manager_module.ManagerSocketException as e:
        print("Error connecting to the manager: %s" % e.strerror)
        sys.exit(1)
    except manager_module.ManagerAuthException as e:
        print("Error logging in to the manager: %s" % e)
        sys.exit(1)
    except manager_module.ManagerException as e:
        print("Error: %s" % e)
        sys.exit(1)
finally:
    manager.close()
print("done")
'''


def handler(session: Session, action: Action) -> Any:
    if action.name == "Status":
        session.send(
            make_list_ack(action, "Channel status will follow"),
            make_list_item(action, "Status", {"Privilege": "Call", "Channel": "PJSIP/100-1"}),
            make_list_complete(action, "StatusComplete", 1, {"Items": "1"}),
        )
        return None
    if action.name == "Command":
        session.send(make_command_response(action, ["PJSIP/100-1!default!200!1!Up"]))
        session.send(Event.make("Shutdown", [("Privilege", "system,all"),
                                             ("Shutdown", "Cleanly"), ("Restart", "False")]))
        return None
    return default_handler(session, action)


def test_pyst2_example_script_runs_unchanged(tmp_path: Path) -> None:
    script = tmp_path / "pyst2_example.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        proc = subprocess.run(
            [sys.executable, str(script), "127.0.0.1", str(thread.port)],
            capture_output=True, text=True, timeout=30, env=env, cwd=tmp_path,
        )
        actions = [a.name for a in thread.server.sessions[0].actions]
    assert proc.returncode == 0, proc.stderr
    # The main thread and the callbacks print at the same time, and print() writes the text
    # and its newline separately, so lines may interleave: compare the printed items.
    items = re.findall(
        r"Recieved event: (?:StatusComplete|Status|Shutdown)|Recieved shutdown event|Success|"
        r"PJSIP/100-1!default!200!1!Up|done",
        proc.stdout,
    )
    callbacks = [item for item in items if item.startswith("Recieved")]
    assert [item for item in items if item not in callbacks] == [
        "Success", "PJSIP/100-1!default!200!1!Up", "done",
    ]
    assert callbacks == [
        "Recieved event: Status",
        "Recieved event: StatusComplete",
        "Recieved shutdown event",
        "Recieved event: Shutdown",
    ]
    assert proc.stdout.rstrip().endswith("done")
    assert actions == ["Login", "Status", "Command", "Logoff"]


def test_pyst2_script_reports_a_refused_connection(tmp_path: Path) -> None:
    script = tmp_path / "pyst2_example.py"
    script.write_text(SCRIPT, encoding="utf-8")
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    proc = subprocess.run(
        [sys.executable, str(script), "127.0.0.1", str(port)],
        capture_output=True, text=True, timeout=30,
        env=dict(os.environ, PYTHONPATH=str(REPO)), cwd=tmp_path,
    )
    assert proc.returncode == 1
    # pyst2's own docstring used e.strerror, which only exists here
    assert proc.stdout.strip() == "Error connecting to the manager: Connection refused"
