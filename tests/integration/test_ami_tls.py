"""AMI over TLS (Asterisk's ``tlsenable``, port 5039): both clients, a self-signed certificate
made with the ``openssl`` command for the test."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from pyst.ami.actions import Ping
from pyst.ami.blocking import BlockingAMIClient
from pyst.ami.client import AMIClient
from tests.ami.replay_server import ScriptedServer, ServerThread
from tests.prerequisites import missing


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        missing("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def contexts(certificate: tuple[Path, Path]) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    cert, key = certificate
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


def test_asyncio_client_over_tls(certificate: tuple[Path, Path]) -> None:
    server_ctx, client_ctx = contexts(certificate)

    async def main() -> None:
        async with ScriptedServer(ssl=server_ctx) as server:
            ami = AMIClient("127.0.0.1", server.port, username="admin", secret="secret",
                            ssl=client_ctx, server_hostname="localhost", ping_interval=None,
                            reconnect=False, timeout=5)
            async with ami:
                assert (await ami.send_action(Ping())).ok
            untrusted = AMIClient("127.0.0.1", server.port, ssl=True,
                                  server_hostname="localhost", ping_interval=None)
            with pytest.raises(ssl.SSLError):
                await untrusted.connect()

    asyncio.run(asyncio.wait_for(main(), 20))


def test_blocking_client_over_tls(certificate: tuple[Path, Path]) -> None:
    server_ctx, client_ctx = contexts(certificate)
    with ServerThread(lambda: ScriptedServer(ssl=server_ctx)) as thread:
        client = BlockingAMIClient("127.0.0.1", thread.port, ssl_context=client_ctx,
                                   server_hostname="localhost", timeout=5)
        client.connect()
        client.login("admin", "secret")
        results = client.send_many([Ping() for _ in range(50)])
        assert all(r.ok for r in results)
        assert client.logoff() is not None
