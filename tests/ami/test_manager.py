"""pyst.manager: pyst2's Manager API on the core, with the PYST2.md §7 bugs fixed."""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from typing import Any

import pytest

from pyst import manager
from pyst.ami.messages import (
    Action,
    Response,
    make_command_response,
    make_goodbye,
    make_legacy_command_response,
    make_response,
)
from pyst.errors import (
    ActionTimeoutError,
    AMIError,
    AuthenticationError,
    ConnectionLostError,
    LocalProtocolError,
    PystError,
)
from tests.ami.replay_server import ScriptedServer, ServerThread, Session, default_handler
from tests.ami.test_client import event, list_handler

CRLF = "\r\n"


# --- ManagerMsg and Event ----------------------------------------------------------------------


def test_manager_msg_from_lines_like_pyst2() -> None:
    msg = manager.ManagerMsg(["Response: Success\r\n", "ActionID: 7\r\n",
                              "Message:  padded  \r\n"])
    assert msg.headers == {"Response": "Success", "ActionID": "7", "Message": "padded"}
    assert msg.data == "" and repr(msg) == "Success"
    assert msg.has_header("ActionID") and not msg.has_header("actionid")
    assert msg.get_header("Nope", "d") == "d" and msg["Message"] == "padded"
    with pytest.raises(KeyError):
        msg["Nope"]
    assert msg.response == ["Response: Success\r\n", "ActionID: 7\r\n", "Message:  padded  \r\n"]
    assert msg.message.get("actionid") == "7"  # the core message: case-insensitive


def test_generated_headers() -> None:
    assert manager.ManagerMsg(["ActionID: 1\r\n", "Foo: bar\r\n"]).headers["Response"] == (
        "Generated Header"
    )
    noclue = manager.ManagerMsg(["Output here\r\n", "--END COMMAND--\r\n"])
    assert noclue.headers == {"Event": "NoClue"} and repr(noclue) == "NoClue"
    assert noclue.data == "Output here\r\n--END COMMAND--\r\n"
    other = manager.ManagerMsg(["Foo: bar\r\n"])
    assert other.headers == {"Foo": "bar", "Response": "Generated Header"}


def test_chanvariable_headers_become_a_dict() -> None:
    msg = manager.ManagerMsg([
        "Event: Newchannel\r\n", "Channel: PJSIP/1-1\r\n", "ChanVariable: FOO=bar\r\n",
        "ChanVariable(PJSIP/1-1): BAZ = a=b \r\n", "Variable: A=1\r\n", "Variable: B=2\r\n",
    ])
    assert msg.headers["ChanVariable"] == {"FOO": "bar", "BAZ": "a=b"}
    assert msg.multiheaders["ChanVariable"] == ["FOO=bar"]
    assert msg.multiheaders["Variable"] == ["A=1", "B=2"]
    assert msg.headers["Variable"] == "B=2"  # pyst2: the last value wins
    ev = manager.Event(msg)
    assert ev.name == "Newchannel" and repr(ev) == "Newchannel" and ev.get_action_id() == 0
    assert ev["Channel"] == "PJSIP/1-1" and ev.has_header("Variable")
    assert ev.get_header("x", 1) == 1 and ev.multiheaders is msg.multiheaders
    with pytest.raises(manager.ManagerException):
        manager.Event(manager.ManagerMsg(["Response: Success\r\n"]))


def test_command_data_for_both_server_generations() -> None:
    modern = manager.ManagerMsg(make_command_response(
        Action.make("Command", ActionID="1"), ["Name   Value", "  indented", ""]
    ))
    assert modern.data == "Name   Value\n  indented\n"
    assert modern.headers["Output"] == ""  # pyst2's dict: the last value
    legacy = manager.ManagerMsg(make_legacy_command_response(
        Action.make("Command", ActionID="1"), "line 1\nline 2\n"
    ))
    assert legacy.headers == {"Response": "Follows", "Privilege": "Command", "ActionID": "1"}
    assert legacy.data == "line 1\nline 2\n--END COMMAND--\r\n"
    lines = manager.ManagerMsg(["Response: Follows\r\n", "Privilege: Command\r\n",
                                "line 1\n", "--END COMMAND--\r\n"])
    assert lines.data == "line 1\n--END COMMAND--\r\n"


def test_bare_lines_start_the_data() -> None:
    msg = manager.ManagerMsg(Response([("Response", "Success"), ("A", "1"), ("B", "2")],
                                      bare_lines=[(2, "raw text")]))
    assert msg.headers == {"Response": "Success", "A": "1"}
    assert msg.data == "raw text\r\nB: 2\r\n"


def test_exceptions_keep_pyst2_arguments_and_join_the_tree() -> None:
    exc = manager.ManagerSocketException(errno.ECONNREFUSED, "Connection refused")
    assert exc.args == (errno.ECONNREFUSED, "Connection refused")
    assert exc.errno == errno.ECONNREFUSED and exc.strerror == "Connection refused"
    assert isinstance(exc, ConnectionError) and isinstance(exc, manager.ManagerException)
    assert isinstance(exc, ConnectionLostError) and isinstance(exc, PystError)
    auth = manager.ManagerAuthException("Authentication failed")
    assert auth.args == ("Authentication failed",) and isinstance(auth, AuthenticationError)
    timeout = manager.ManagerTimeoutException("late")
    assert isinstance(timeout, ActionTimeoutError) and isinstance(timeout, TimeoutError)
    assert issubclass(manager.ManagerException, AMIError)
    assert manager.EOL == "\r\n"


# --- against a server -------------------------------------------------------------------------


def connected(thread: ServerThread, **kwargs: Any) -> manager.Manager:
    m = manager.Manager(**kwargs)
    m.connect("127.0.0.1", thread.port, timeout=5)
    return m


def test_connect_login_and_greeting() -> None:
    with ServerThread(ScriptedServer) as thread:
        m = manager.Manager()
        assert not m.connected()
        m.message_thread.join()  # nothing runs yet: returns at once
        greeting = m.connect("127.0.0.1", thread.port, buffer_size=4096, timeout=5)
        assert repr(greeting) == "Generated Header"
        assert greeting.data == "Asterisk Call Manager/11.0.0\r\n"
        assert greeting.response == ["Response: Generated Header\r\n",
                                     "Asterisk Call Manager/11.0.0\r\n"]
        assert (m.title, m.version) == ("Asterisk Call Manager", "11.0.0")
        assert m.connected() and m.message_thread.is_alive()
        with pytest.raises(manager.ManagerException, match="Already connected"):
            m.connect("127.0.0.1", thread.port)
        assert repr(m.login("admin", "secret", events=False)) == "Success"
        assert thread.server.sessions[0].actions[0].get("Events") == "off"
        m.close()
        assert not m.connected() and not m.message_thread.is_alive()
        assert not m.event_dispatch_thread.is_alive()
        # reconnect with the same object (pyst2 issue #62)
        m.connect("127.0.0.1", thread.port, timeout=5)
        with pytest.raises(manager.ManagerAuthException) as info:
            m.login("admin", "wrong")
        assert info.value.args == ("Authentication failed",)
        m.message_thread.join(5)  # the server closed: the session ends
        assert not m.connected()
        with pytest.raises(manager.ManagerException, match="Not connected"):
            m.ping()
        assert m.logoff() is None
        m.close()
        with pytest.raises(TypeError):
            m.connect(b"127.0.0.1")  # type: ignore[arg-type]


def test_connect_failures() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    m = manager.Manager()
    with pytest.raises(manager.ManagerSocketException) as info:
        m.connect("127.0.0.1", port, timeout=2)
    assert info.value.args[0] == errno.ECONNREFUSED and info.value.strerror
    with ServerThread(lambda: ScriptedServer(banner=None)) as thread, pytest.raises(
        manager.ManagerTimeoutException
    ):
        m.connect("127.0.0.1", thread.port, timeout=0.1)
    listener = socket.create_server(("127.0.0.1", 0))
    thread_ = threading.Thread(target=lambda: listener.accept()[0].close())
    thread_.start()
    with pytest.raises(manager.ManagerSocketException, match="Connection Terminated"):
        m.connect("127.0.0.1", listener.getsockname()[1], timeout=2)
    thread_.join(5)
    listener.close()
    assert not m.connected()


def test_send_action_builds_headers_without_mutating_anything() -> None:
    with ServerThread(ScriptedServer) as thread:
        m = connected(thread, id_factory=iter(f"id-{i}" for i in range(100)).__next__)
        cdict = {"Action": "Originate", "Channel": "Local/s@x", "Variable": ["A=1", "B=2"]}
        response = m.send_action(cdict, Async=True, Timeout=30000)
        assert repr(response) == "Error"  # the default server does not know Originate
        assert cdict == {"Action": "Originate", "Channel": "Local/s@x",
                         "Variable": ["A=1", "B=2"]}
        sent = thread.server.sessions[0].actions[0]
        assert sent.fields == (("Action", "Originate"), ("Channel", "Local/s@x"),
                               ("Variable", "A=1"), ("Variable", "B=2"), ("Async", "True"),
                               ("Timeout", "30000"), ("ActionID", "id-0"))
        m.send_action({"Action": "Ping", "ActionID": "mine"})
        m.send_action(Action="Ping")
        assert [a.action_id for a in thread.server.sessions[0].actions] == ["id-0", "mine",
                                                                            "id-1"]
        with pytest.raises(LocalProtocolError):
            m.send_action({"Action": "Ping", "Foo": "x\r\nAction: Hangup"})
        m.close()
    m = manager.Manager()
    assert m.next_seq() == 0 and m.next_seq() == 1
    first, second = m.get_actionID(), m.get_actionID()
    assert first != second and first.startswith(m.hostname)
    assert manager.Manager().get_actionID() != first  # unique across objects


def test_concurrent_actions_get_their_own_responses() -> None:
    held: list[Action] = []

    def handler(session: Session, action: Action) -> Any:
        if action.name != "Echo":
            return default_handler(session, action)
        held.append(action)
        if len(held) == 8:  # answer everything in reverse order, with events in between
            for item in reversed(held):
                session.send(event("Noise", N=item.get("N") or ""))
                session.send(make_response(item, "Success", None, {"N": item.get("N")}))
            held.clear()
        return None

    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        m = connected(thread)
        results: dict[int, str] = {}

        def call(i: int) -> None:
            results[i] = m.send_action({"Action": "Echo", "N": str(i)})["N"]

        threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert results == {i: str(i) for i in range(8)}
        m.close()


def test_callbacks_chain_wildcards_and_isolation(caplog: pytest.LogCaptureFixture) -> None:
    with ServerThread(ScriptedServer) as thread:
        m = connected(thread)
        calls: list[str] = []
        done = threading.Event()

        def named(ev: manager.Event, mgr: manager.Manager) -> bool:
            assert mgr is m
            calls.append(f"named:{ev.name}")
            return ev.get_header("Stop") == "yes"

        def star(ev: manager.Event, mgr: manager.Manager) -> None:
            calls.append(f"star:{ev.name}")
            if ev.name == "Done":
                done.set()

        def broken(ev: manager.Event, mgr: manager.Manager) -> None:
            raise RuntimeError("handler bug")

        m.register_event("Hangup", broken)
        m.register_event("Hangup", named)
        m.register_event("*", star)
        with pytest.raises(ValueError):
            m.unregister_event("Hangup", star)
        session = thread.server.sessions[0]
        with caplog.at_level(logging.ERROR, logger="pyst.manager"):
            thread.call(lambda: session.send(
                event("Hangup", Stop="yes"), event("Hangup", Stop="no"), event("hangup"),
                event("Done"),
            ))
            assert done.wait(5)
        assert calls == ["named:Hangup", "named:Hangup", "star:Hangup", "star:hangup",
                         "star:Done"]
        assert m.callback_errors == 2 and "handler bug" in caplog.text
        m.unregister_event("Hangup", broken)
        m.close()


def test_list_items_and_originate_responses_reach_the_callbacks() -> None:
    with ServerThread(lambda: ScriptedServer(list_handler)) as thread:
        m = connected(thread)
        names: list[str] = []
        complete = threading.Event()

        def collect(ev: manager.Event, mgr: manager.Manager) -> None:
            names.append(ev.name)
            if ev.name in ("CoreShowChannelsComplete", "OriginateResponse"):
                complete.set()

        m.register_event("*", collect)
        response = m.send_action({"Action": "CoreShowChannels"})
        assert response.headers["EventList"] == "start"  # the first response, as pyst2
        assert complete.wait(5)
        assert names == ["Newchannel", "CoreShowChannel", "Hangup", "CoreShowChannel",
                         "CoreShowChannelsComplete"]
        names.clear()
        complete.clear()
        response = m.originate("Local/s@x", "s", context="x", priority="1", run_async=True)
        assert response.headers["Message"] == "Originate successfully queued"
        assert complete.wait(5)
        assert names == ["Newchannel", "OriginateResponse"]  # once each
        m.close()


def test_command_output_over_the_wire() -> None:
    def handler(session: Session, action: Action) -> Any:
        if action.name == "Command":
            command = action.get("Command")
            if command == "legacy":
                session.send(make_legacy_command_response(action, "a\n\nb\n"))
            else:
                session.send(make_command_response(action, ["x", " y"]))
            return None
        return default_handler(session, action)

    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        m = connected(thread)
        assert m.command("core show version").data == "x\n y"
        assert m.command("legacy").data == "a\n\nb\n--END COMMAND--\r\n"
        m.close()


def test_helpers_send_pyst2_actions() -> None:
    with ServerThread(ScriptedServer) as thread:
        m = connected(thread)
        calls = [
            (m.ping, (), {"Action": "Ping"}),
            (m.hangup, ("PJSIP/1",), {"Channel": "PJSIP/1"}),
            (m.status, (), {"Action": "Status", "Channel": ""}),
            (m.redirect, ("C", "100"), {"Channel": "C", "Exten": "100", "Priority": "1"}),
            (m.redirect, ("C", "100", "2", "E", "ctx"),
             {"ExtraChannel": "E", "Context": "ctx", "Priority": "2"}),
            (m.originate, ("C", "100", "ctx", "1", "30000", "Wait", "5", "me", True, "true",
                           "acct", {"A": 1}),
             {"Context": "ctx", "Priority": "1", "Timeout": "30000", "Application": "Wait",
              "Data": "5", "CallerID": "me", "Async": "yes", "EarlyMedia": "true",
              "Account": "acct", "Variable": "A=1"}),
            (m.mailbox_status, ("100@default",), {"Action": "MailboxStatus"}),
            (m.command, ("core show version",), {"Command": "core show version"}),
            (m.extension_state, ("100", "ctx"), {"Exten": "100", "Context": "ctx"}),
            (m.playdtmf, ("C", "5"), {"Digit": "5"}),
            (m.absolute_timeout, ("C", 10), {"Timeout": "10"}),
            (m.mailbox_count, ("100",), {"Action": "MailboxCount"}),
            (m.sippeers, (), {"Action": "Sippeers"}),
            (m.sipshowpeer, ("p",), {"Action": "SIPshowpeer", "Peer": "p"}),
            (m.sipshowregistry, (), {"Action": "SIPShowregistry"}),
            (m.iaxregistry, (), {"Action": "IAXregistry"}),
            (m.reload, ("res_pjsip.so",), {"Module": "res_pjsip.so"}),
            (m.dbdel, ("f", "k"), {"Action": "DBDel", "Family": "f", "Key": "k"}),
            (m.dbdeltree, ("f", "k"), {"Action": "DBDelTree"}),
            (m.dbget, ("f", "k"), {"Action": "DBGet"}),
            (m.dbput, ("f", "k", "v"), {"Action": "DBPut", "Val": "v"}),
        ]
        for func, args, expected in calls:
            func(*args)
            sent = thread.server.sessions[0].actions[-1]
            for name, value in expected.items():
                assert sent.get(name) == value, (func.__name__, name)
        plain = thread.server.sessions[0].actions[5]
        assert plain.name == "Originate" and plain.get("EarlyMedia") == "true"
        m.originate("C", "100")
        assert thread.server.sessions[0].actions[-1].get("EarlyMedia") is None
        m.close()


def test_logoff_and_close_in_any_order_and_from_callbacks() -> None:
    with ServerThread(ScriptedServer) as thread:
        m = connected(thread)
        assert repr(m.logoff()) == "Goodbye"
        m.close()
        m.close()
        assert m.logoff() is None

        m.connect("127.0.0.1", thread.port, timeout=5)
        m.close()
        assert m.logoff() is None
        assert [a.name for a in thread.server.sessions[1].actions] == ["Logoff"]

        m.connect("127.0.0.1", thread.port, timeout=5)
        closed = threading.Event()

        def close_from_handler(ev: manager.Event, mgr: manager.Manager) -> None:
            mgr.close()
            closed.set()

        m.register_event("Shutdown", close_from_handler)
        session = thread.server.sessions[2]
        thread.call(lambda: session.send(event("Shutdown")))
        assert closed.wait(5)
        m.message_thread.join(5)
        assert not m.message_thread.is_alive() and not m.connected()
        # closing from another thread while the main one blocks in message_thread.join()
        m.connect("127.0.0.1", thread.port, timeout=5)
        closer = threading.Timer(0.05, m.close)
        closer.start()
        m.message_thread.join(5)
        closer.join(5)
        assert not m.message_thread.is_alive()


def test_close_does_not_hang_on_a_server_that_stays_open() -> None:
    def handler(session: Session, action: Action) -> Any:
        if action.name == "Logoff":
            session.send(make_goodbye(action))  # ...and keeps the connection open (M4)
            return None
        return default_handler(session, action)

    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        m = connected(thread)
        start = time.monotonic()
        m.close()
        assert time.monotonic() - start < 2 and not m.message_thread.is_alive()


def test_timeouts_and_lost_connections() -> None:
    def handler(session: Session, action: Action) -> Any:
        if action.name == "Silent":
            return None
        if action.name == "Drop":
            session.abort()
            return None
        return default_handler(session, action)

    with ServerThread(lambda: ScriptedServer(handler)) as thread:
        m = manager.Manager()
        m.connect("127.0.0.1", thread.port, timeout=0.1)
        with pytest.raises(manager.ManagerTimeoutException, match="Silent"):
            m.send_action({"Action": "Silent"})
        assert repr(m.ping()) == "Success"  # the late answer would not be taken for it
        with pytest.raises(manager.ManagerSocketException) as info:
            m.send_action({"Action": "Drop"})
        assert info.value.args == (0, "Connection Terminated")
        m.message_thread.join(5)
        assert not m.connected()
        m.close()


def test_bounded_event_queue_between_the_threads() -> None:
    with ServerThread(ScriptedServer) as thread:
        m = connected(thread, event_queue_size=2)
        started, release = threading.Event(), threading.Event()
        seen: list[str] = []

        def slow(ev: manager.Event, mgr: manager.Manager) -> None:
            seen.append(ev.get_header("N"))
            started.set()
            release.wait(5)

        m.register_event("VarSet", slow)
        session = thread.server.sessions[0]
        thread.call(lambda: session.send(event("VarSet", N="0")))
        assert started.wait(5)
        thread.call(lambda: session.send(*(event("VarSet", N=str(i)) for i in range(1, 11))))
        m.ping()  # answered after the events: they are all queued (or dropped) by now
        assert m.dropped_events == 8
        release.set()
        m.close()
        assert seen == ["0", "9", "10"]


def test_chanvariable_events_do_not_kill_the_reader() -> None:
    with ServerThread(ScriptedServer) as thread:
        m = connected(thread)
        got: list[dict[str, str]] = []
        done = threading.Event()

        def on_event(ev: manager.Event, mgr: manager.Manager) -> None:
            got.append(ev.headers["ChanVariable"])
            done.set()

        m.register_event("Newchannel", on_event)
        session = thread.server.sessions[0]
        thread.call(lambda: session.send(
            b"Event: Newchannel\r\nChannel: A\r\nChanVariable: X=1\r\n"
            b"CallerIDName: \xe9\r\n\r\n"
        ))
        assert done.wait(5)
        assert got == [{"X": "1"}]
        assert repr(m.ping()) == "Success"  # the reading thread is alive (M1, M9)
        m.close()


def test_unsolicited_responses_are_dropped() -> None:
    with ServerThread(ScriptedServer) as thread:
        m = connected(thread)
        session = thread.server.sessions[0]
        thread.call(lambda: session.send(
            make_response(Action.make("X", ActionID="stray"), "Success", "nobody asked"),
            b"Foo: bar\r\n\r\n",
        ))
        assert repr(m.ping()) == "Success"
        m.close()
