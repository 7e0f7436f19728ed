"""Fuzzed input never kills the fake AMI server (in memory, hypothesis)."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyst.ami.messages import Action, Response
from pyst_sim.ami._spec import ACTIONS
from pyst_sim.ami_server import FakeAMIServer
from tests.sim.test_ami_server import Client, run

NAMES = [*sorted(ACTIONS), "NoSuchAction", "ping", "", "Login", "Logoff"]
HEADERS = ["Channel", "Variable", "Value", "Family", "Key", "Val", "Command", "Queue",
           "Interface", "Filename", "Priority", "Timeout", "Exten", "Context", "EventMask",
           "Filter", "Operation", "MatchCriteria", "Async", "Application", "Data", "X-Extra"]
TEXT = st.text(st.characters(blacklist_characters="\r\n\0", blacklist_categories=("Cs",)),
               max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=300), max_size=12))
def test_random_bytes_never_break_the_server(chunks: list[bytes]) -> None:
    async def main() -> None:
        server = FakeAMIServer(time_scale=0, auth_failure_delay=0)
        try:
            noisy = Client(server)
            for chunk in chunks:
                noisy.send(chunk)
                await noisy.settle(2)
            noisy.session.eof_received()
            await noisy.settle()
            fine = Client(server)
            await fine.login()
            assert (await fine.one("Ping"))["Ping"] == "Pong"
            assert not [p for p in server.problems if "internal error" in p or "raised" in p]
        finally:
            await server.stop()

    run(main())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(
    st.tuples(st.sampled_from(NAMES), st.lists(st.tuples(st.sampled_from(HEADERS), TEXT),
                                               max_size=5)),
    min_size=1, max_size=15,
))
def test_random_actions_each_get_one_response(actions: list[tuple[str, list[tuple[str, str]]]]
                                              ) -> None:
    async def main() -> None:
        server = FakeAMIServer(time_scale=0, auth_failure_delay=0)
        try:
            c = Client(server)
            await c.login(Events="off")
            sent = 0
            for name, headers in actions:
                if name.lower() == "logoff":
                    continue
                fields = [("Action", name), ("ActionID", f"f{sent}"), *headers]
                c.send(Action(fields).to_bytes())
                sent += 1
                for _ in range(200):
                    await asyncio.sleep(0)
                    c._drain()
                    ids = {m.get("ActionID") for m in c.messages if isinstance(m, Response)}
                    if f"f{sent - 1}" in ids or c.closed:
                        break
                if c.closed:
                    break
            await c.settle(50)
            answered = [m for m in c.messages if isinstance(m, Response)][1:]
            if not c.closed:
                ids = [m.get("ActionID") for m in answered]
                for i in range(sent):
                    assert f"f{i}" in ids, (i, actions)
            assert not [p for p in server.problems if "internal error" in p or "raised" in p], (
                server.problems)
        finally:
            await server.stop()

    run(main(), timeout=30)


LINE = st.one_of(
    st.builds(lambda n, v: f"{n}: {v}", st.sampled_from(["Action", "ActionID", "X", "a b"]),
              TEXT),
    st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)),
            max_size=30),
    st.just("Y: " + "z" * 1100),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(LINE, max_size=8), st.sampled_from(["\r\n", "\n"])),
                max_size=6),
       st.integers(0, 130))
def test_server_fast_path_reads_like_the_line_loop(
    blocks: list[tuple[list[str], str]], extra: int
) -> None:
    """The AMI core's server fast path (whole blocks at once) yields what its line-by-line
    loop yields for the same bytes (fed one byte at a time, which takes the line loop)."""
    from pyst.ami.protocol import NEED_DATA, AMIConnection, Role

    data = b"".join(
        ("".join(line + eol for line in lines) + eol).encode("utf-8", "surrogateescape")
        for lines, eol in blocks
    )
    data += b"".join(b"H: %d\r\n" % i for i in range(extra)) + b"\r\n"

    def events(chunks: list[bytes]) -> list[object]:
        conn = AMIConnection(Role.SERVER)
        out: list[object] = []
        for chunk in chunks:
            conn.receive_data(chunk)
            while (event := conn.next_event()) is not NEED_DATA:
                out.append(event)
        return out

    whole = events([data])
    bytewise = events([data[i : i + 1] for i in range(len(data))])
    assert whole == bytewise
