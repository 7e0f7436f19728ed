"""CLI commands for the ``Command`` action, with Asterisk 22's output layouts.

:func:`run_command` returns ``(ok, lines)``: ``ok`` False is what makes ``Command`` answer
``Response: Error`` (an unknown command, or a handler that failed). The lines are the CLI
output split on ``\\n`` without the final line end, as ``action_command`` cuts them.

Commands: ``core show version``, ``core show uptime [seconds]``, ``core show channels
[concise|verbose|count]``, ``core show calls``, ``dialplan show [[exten@]context]``,
``database show [family [key]]``, ``database get|put|del|deltree``, ``queue show [name]``,
``manager show connected``, ``core show settings`` (a few lines), ``module show like X``.
Anything else: ``No such command '<cmd>' (type 'core show help <best>' for other possible
commands)``, where ``<best>`` is the command minus its last word (what the captured 22.10.1
answered for ``foo bar baz``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pyst_sim.state.channels import state_desc

if TYPE_CHECKING:
    from pyst_sim.ami_server import FakeAMIServer
    from pyst_sim.state.pbx import PBX

__all__ = ["run_command"]

# main/cli.c handle_chanlist: FORMAT_STRING "%-64.64s %-32.32s %-7.7s %-30.30s\n".
_CHANNELS = "{:<64.64} {:<32.32} {:<7.7} {:<30.30}"
# CONCISE_FORMAT_STRING "%s!%s!%s!%d!%s!%s!%s!%s!%s!%s!%d!%s!%s!%s\n"
_VERBOSE = "{:<20.20} {:<20.20} {:<16.16} {:>4.4} {:<7.7} {:<12.12} {:<25.25} {:<15.15} {:>8.8} {:<11.11} {:<11.11} {:<20.20}"  # noqa: E501


def _ess(n: int) -> str:
    return "" if n == 1 else "s"


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _uptime_text(seconds: int) -> str:
    # ast_cli's print_uptimestr: "1 hour, 2 minutes, 3 seconds" (only non-zero parts).
    parts = []
    for size, name in ((31536000, "year"), (604800, "week"), (86400, "day"), (3600, "hour"),
                       (60, "minute")):
        if seconds >= size:
            n, seconds = divmod(seconds, size)
            parts.append(f"{n} {name}{_ess(n)}")
    if seconds or not parts:
        parts.append(f"{seconds} second{_ess(seconds)}")
    return ", ".join(parts)


class _CLI:
    def __init__(self, server: FakeAMIServer) -> None:
        self.server = server
        self.pbx: PBX = server.pbx

    # -- core --------------------------------------------------------------------------

    def core_show_version(self, args: list[str]) -> tuple[bool, list[str]]:
        return True, [self.pbx.identity.version_line]

    def core_show_uptime(self, args: list[str]) -> tuple[bool, list[str]]:
        up = self.pbx.uptime()
        since = int(self.pbx.clock() - self.pbx.reloaded)
        if args[:1] == ["seconds"]:
            return True, [f"System uptime: {up}", f"Last reload: {since}"]
        return True, [f"System uptime: {_uptime_text(up)}", f"Last reload: {_uptime_text(since)}"]

    def _active_calls(self) -> int:
        seen = set()
        for chan in self.pbx.registry:
            seen.add(chan.linkedid)
        return len(seen)

    def core_show_channels(self, args: list[str]) -> tuple[bool, list[str]]:
        channels = list(self.pbx.registry)
        mode = args[0] if args else ""
        out: list[str] = []
        now = self.pbx.clock()
        if mode == "concise":
            for c in channels:
                out.append(
                    "!".join([
                        c.name, c.context, c.exten, str(c.priority), state_desc(c.state),
                        c.application, c.data, c.callerid_num, c.accountcode, "", "3",
                        str(c.duration(now)), "(None)", c.uniqueid,
                    ])
                )
            return True, out
        if mode == "count":
            pass
        elif mode == "verbose":
            out.append(_VERBOSE.format("Channel", "Context", "Extension", "Prio", "State",
                                       "Application", "Data", "CallerID", "Duration",
                                       "Accountcode", "PeerAccount", "BridgeID"))
            for c in channels:
                out.append(_VERBOSE.format(c.name, c.context, c.exten, str(c.priority),
                                           state_desc(c.state), c.application, c.data,
                                           c.callerid_num, _hms(c.duration(now)), c.accountcode,
                                           "", c.bridge_id))
        elif mode == "":
            out.append(_CHANNELS.format("Channel", "Location", "State", "Application(Data)"))
            for c in channels:
                location = f"{c.exten}@{c.context}:{c.priority}"
                app = f"{c.application}({c.data})" if c.application else "(None)"
                out.append(_CHANNELS.format(c.name, location, state_desc(c.state), app))
        else:
            return self._no_such(["core", "show", "channels", *args])
        n = len(channels)
        calls = self._active_calls()
        processed = self.pbx.counters.processed_calls
        out.append(f"{n} active channel{_ess(n)}")
        out.append(f"{calls} active call{_ess(calls)}")
        out.append(f"{processed} call{_ess(processed)} processed")
        return True, out

    def core_show_calls(self, args: list[str]) -> tuple[bool, list[str]]:
        calls = self._active_calls()
        processed = self.pbx.counters.processed_calls
        return True, [f"{calls} active call{_ess(calls)}",
                      f"{processed} call{_ess(processed)} processed"]

    def core_show_settings(self, args: list[str]) -> tuple[bool, list[str]]:
        ident = self.pbx.identity
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.pbx.started))
        return True, [
            "",
            "PBX Core settings",
            "-----------------",
            f"  Version:                     {ident.asterisk_version}",
            "  Build Options:               ",
            "  Maximum calls:               Not set",
            "  Maximum open file handles:   Not set",
            "  Root console verbosity:      0",
            "  Current console verbosity:   0",
            "  Debug level:                 0",
            "  Trace level:                 0",
            "  Maximum load average:        0.000000",
            f"  Startup time:                {started}",
            f"  System name:                 {ident.system_name}",
        ]

    # -- dialplan ------------------------------------------------------------------------

    def dialplan_show(self, args: list[str]) -> tuple[bool, list[str]]:
        dialplan = self.pbx.dialplan
        exten_filter: str | None = None
        context: str | None = None
        if args:
            target = args[0]
            if "@" in target:
                exten_filter, _, context = target.partition("@")
                context = context or None
            else:
                context = target
        contexts = [c for c in dialplan.contexts.values() if context is None or c.name == context]
        if context is not None and not contexts:
            return False, [f"There is no existence of '{context}' context"]
        out: list[str] = []
        n_ext = n_prio = n_ctx = 0
        for ctx in contexts:
            extensions = [
                e for e in ctx.extensions if exten_filter is None or e.name == exten_filter
            ]
            if exten_filter is not None and not extensions:
                continue
            n_ctx += 1
            out.append(f"[ Context '{ctx.name}' created by 'pbx_config' ]")
            for ext in extensions:
                n_ext += 1
                name = f"'{ext.name}'" + (f" (CID match '{ext.cidmatch}')" if ext.cidmatch else "")
                first = True
                for prio in ext.priorities:
                    n_prio += 1
                    where = f"[{os.path.basename(prio.filename)}:{prio.lineno}]"
                    if prio.is_hint:
                        body = f"hint: {prio.app}"
                    else:
                        label = f"[{prio.label}]" if prio.label else ""
                        body = f"{prio.priority}. {label}{prio.app}({prio.data})"
                    head = f"{name} =>" if first else ""
                    out.append(f"  {head:<17} {body:<45} {where}")
                    first = False
            for inc in ctx.includes:
                included = f"'{inc.text}'"
                out.append(f"  {'Include =>':<17} {included:<45} [pbx_config]")
            out.append("")
        if exten_filter is not None and not n_ext:
            where = f"{exten_filter}@{context}" if context else exten_filter
            return False, [f"There is no existence of {where} extension"]
        out.append(
            f"-= {n_ext} extension{_ess(n_ext)} ({n_prio} priorit{'y' if n_prio == 1 else 'ies'})"
            f" in {n_ctx} context{_ess(n_ctx)}. =-"
        )
        return True, out

    # -- database ------------------------------------------------------------------------

    def database_show(self, args: list[str]) -> tuple[bool, list[str]]:
        family = args[0] if args else None
        key = args[1] if len(args) > 1 else None
        rows = self.pbx.astdb.tree(family, key)
        # main/db.c handle_cli_database_show: "%-50s: %-25s".
        out = [f"{path:<50}: {value:<25}" for path, value in rows]
        out.append(f"{len(rows)} result{_ess(len(rows))} found.")
        return True, out

    def database_get(self, args: list[str]) -> tuple[bool, list[str]]:
        if len(args) != 2:
            return False, ["Usage: database get <family> <key>",
                           "       Retrieves an entry in the Asterisk database for a given",
                           "       family and key."]
        value = self.pbx.astdb.get(args[0], args[1])
        if value is None:
            return True, ["Database entry not found."]
        return True, [f"Value: {value}"]

    def database_put(self, args: list[str]) -> tuple[bool, list[str]]:
        if len(args) != 3:
            return False, ["Usage: database put <family> <key> <value>",
                           "       Adds or updates an entry in the Asterisk database for",
                           "       a given family, key, and value."]
        self.pbx.astdb.put(args[0], args[1], args[2])
        return True, ["Updated database successfully"]

    def database_del(self, args: list[str]) -> tuple[bool, list[str]]:
        if len(args) != 2:
            return False, ["Usage: database del <family> <key>",
                           "       Deletes an entry in the Asterisk database for a given",
                           "       family and key."]
        if self.pbx.astdb.delete(args[0], args[1]):
            return True, ["Database entry removed."]
        return True, ["Database entry does not exist."]

    def database_deltree(self, args: list[str]) -> tuple[bool, list[str]]:
        if not 1 <= len(args) <= 2:
            return False, ["Usage: database deltree <family> [keytree]",
                           "       OR: database deltree <family>[/keytree]",
                           "       Deletes a family or specific keytree within a family",
                           "       in the Asterisk database.  The two arguments may be",
                           "       separated by either a space or a slash."]
        count = self.pbx.astdb.deltree(args[0], args[1] if len(args) > 1 else None)
        if count:
            return True, [f"{count} database entries removed."]
        return True, ["Database entries do not exist."]

    # -- queues and manager ------------------------------------------------------------

    def queue_show(self, args: list[str]) -> tuple[bool, list[str]]:
        queues = list(self.pbx.queues)
        if args:
            queues = [q for q in queues if q.name.lower() == args[0].lower()]
            if not queues:
                return True, [f"No such queue: {args[0]}."]
        if not queues:
            return True, ["No queues."]
        out: list[str] = []
        for q in queues:
            out.append(
                f"{q.name} has {len(q.entries)} calls (max {q.maxlen or 'unlimited'}) in "
                f"'{q.strategy}' strategy ({q.holdtime}s holdtime, {q.talktime}s talktime), "
                f"W:{q.weight}, C:{q.completed}, A:{q.abandoned}, SL:0.0%, SL2:0.0% within "
                f"{q.servicelevel}s"
            )
            if q.members:
                out.append("   Members: ")
                for m in q.members:
                    kind = " (dynamic)" if m.dynamic else ""
                    paused = " (paused)" if m.paused else ""
                    taken = m.calls_taken or "no"
                    out.append(f"      {m.membername} ({m.interface}){kind}{paused} "
                               f"(Not in use) has taken {taken} calls yet")
            else:
                out.append("   No Members")
            if q.entries:
                out.append("   Callers: ")
                for i, e in enumerate(q.entries, 1):
                    wait = int(self.pbx.clock() - e.joined)
                    out.append(f"      {i}. {e.channel} (wait: {wait // 60}:{wait % 60:02d}, "
                               f"prio: {e.priority})")
            else:
                out.append("   No Callers")
            out.append("")
        return True, out

    def manager_show_connected(self, args: list[str]) -> tuple[bool, list[str]]:
        fmt = "  {:<15.15}  {:<55.55}  {:<10.10}  {:<10.10}  {:<8.8}  {:<8.8}  {:<5.5}  {:<5.5}"
        out = [fmt.format("Username", "IP Address", "Start", "Elapsed", "FileDes", "HttpCnt",
                          "ReadPerms", "WritePerms")]
        count = 0
        for s in self.server.sessions:
            if not s.authenticated:
                continue
            count += 1
            out.append(fmt.format(s.username or "", s.peer[0], "0", "0", "-1", "0",
                                  f"{s.read_mask:08x}", f"{s.write_mask:08x}"))
        out.append(f"{count} users connected.")
        return True, out

    def module_show_like(self, args: list[str]) -> tuple[bool, list[str]]:
        return True, ["Module                         Description                              "
                      "Use Count  Status      Support Level", "0 modules loaded"]

    # -- dispatch ------------------------------------------------------------------------

    def _no_such(self, words: list[str]) -> tuple[bool, list[str]]:
        best = " ".join(words[: max(1, len(words) - 1)])
        cmd = " ".join(words)
        return False, [
            f"No such command '{cmd}' (type 'core show help {best}' for other possible commands)"
        ]

    def run(self, command: str) -> tuple[bool, list[str]]:
        words = command.split()
        table: dict[tuple[str, ...], Callable[[list[str]], tuple[bool, list[str]]]] = {
            ("core", "show", "version"): self.core_show_version,
            ("core", "show", "uptime"): self.core_show_uptime,
            ("core", "show", "channels"): self.core_show_channels,
            ("core", "show", "calls"): self.core_show_calls,
            ("core", "show", "settings"): self.core_show_settings,
            ("dialplan", "show"): self.dialplan_show,
            ("database", "show"): self.database_show,
            ("database", "get"): self.database_get,
            ("database", "put"): self.database_put,
            ("database", "del"): self.database_del,
            ("database", "deltree"): self.database_deltree,
            ("queue", "show"): self.queue_show,
            ("manager", "show", "connected"): self.manager_show_connected,
            ("module", "show", "like"): self.module_show_like,
        }
        for size in (3, 2):
            handler = table.get(tuple(w.lower() for w in words[:size]))
            if handler is not None and len(words) >= size:
                return handler(words[size:])
        return self._no_such(words)


def run_command(server: FakeAMIServer, command: str) -> tuple[bool, list[str]]:
    """Run one CLI command against the server's PBX; ``(ok, output lines)``."""
    return _CLI(server).run(command)
