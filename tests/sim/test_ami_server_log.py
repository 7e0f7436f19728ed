"""The exchange log of the fake AMI server, stored compactly (flat tuples) and read back.

What is read back must equal what was answered: actions, responses built from parts (with
colon-less lines, legacy data), responses over wire bytes (the Ping fast path), non-message
items (``Close``), sources and the limit.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from pyst.ami.messages import Action, Response
from pyst_sim.ami_server import AMISession, FakeAMIServer
from tests.sim.test_ami_server import Client, conf, scenario  # noqa: F401 (fixture)

LEGACY = Response(
    [("Response", "Follows"), ("Privilege", "Command")],
    data="line one\n--END COMMAND--\r\n",
)
BARE = Response([("Response", "Success"), ("Message", "x")], bare_lines=[(1, "no colon")])


class Replies:
    def respond(self, session: AMISession, action: Action) -> Any:
        name = action.name.lower()
        if name == "legacy":
            return [LEGACY]
        if name == "bare":
            return [BARE]
        return None


def test_log_reads_back_what_was_answered(conf: Path) -> None:  # noqa: F811
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        server.add_responder(Replies())
        c = Client(server)
        await c.login()
        pong = await c.one("Ping", ActionID="p-1")
        assert await c.one("Legacy") == LEGACY
        assert await c.one("Bare") == BARE
        await c.one("Logoff")
        log = server.log
        assert [x.action.name for x in log] == ["Login", "Ping", "Legacy", "Bare", "Logoff"]
        assert [x.source for x in log][:2] == ["builtin", "builtin"]
        ping = log[1]
        assert ping.action == Action.make("Ping", ActionID="p-1")
        assert ping.session == log[0].session and ping.username == "admin"
        assert ping.response == pong
        assert ping.response is not None and ping.response.fields == pong.fields
        assert ping.response.to_bytes() == pong.to_bytes()
        assert log[2].replies == (LEGACY,) and log[2].response is not None
        assert log[2].response.data == LEGACY.data
        assert log[3].replies == (BARE,)
        assert log[3].replies[0].bare_lines == ((1, "no colon"),)
        # Logoff's built-in reply: the Goodbye response, then the Close item as it is.
        assert [type(i).__name__ for i in log[4].replies] == ["Response", "Close"]
        assert server.actions("ping") == [ping.action]


def test_log_entries_leave_the_gc_alone(conf: Path) -> None:  # noqa: F811
    @scenario(conf, log_limit=3)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        for i in range(5):
            await c.one("Ping", ActionID=str(i))
        assert [x.action["ActionID"] for x in server.log] == ["2", "3", "4"]
        gc.collect()
        # Flat tuples of strings and numbers: the cyclic GC stops tracking them.
        assert not any(gc.is_tracked(entry) for entry in server._log)
