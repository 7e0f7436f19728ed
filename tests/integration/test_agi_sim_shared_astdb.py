"""One AstDB shared by the fake AMI server and the AGI channel simulator: what an AMI client
stores is what an AGI script reads, and the other way round."""

from __future__ import annotations

import socket

from pyst_sim.agi import InMemoryCall
from pyst_sim.ami_server import FakeAMIServer


def _ami(sock: socket.socket, action: str, **headers: str) -> str:
    lines = [f"Action: {action}", *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the fake AMI server closed"
        data += chunk
    return data.decode()


def test_ami_and_agi_see_the_same_astdb() -> None:
    server = FakeAMIServer(users={"admin": "secret"})
    with server.start_in_thread() as running, socket.create_connection(
        ("127.0.0.1", running.port), timeout=5
    ) as sock:
        assert sock.recv(1024).startswith(b"Asterisk Call Manager/")
        login = _ami(sock, "Login", Username="admin", Secret="secret", Events="off")
        assert "Authentication accepted" in login
        assert "Success" in _ami(sock, "DBPut", Family="ivr", Key="greeting", Val="hi")
        call = InMemoryCall(seed=1, astdb=server.pbx.astdb)
        assert call.send("DATABASE GET ivr greeting").raw == "200 result=1 (hi)\n"
        assert call.send("DATABASE PUT ivr seen yes").raw == "200 result=1\n"
        call.close()
        reply = _ami(sock, "DBGet", Family="ivr", Key="seen", ActionID="x")
        assert reply.startswith("Response: Success"), reply
        assert server.pbx.astdb.get("ivr", "seen") == "yes"
