"""The AGI command table of Asterisk 22.10.1, generated from ``shared/spec/agi_commands.json``.

Do not edit: run ``python tools/gen_agi_commands.py`` to regenerate.
Source: asterisk/asterisk git tag 22.10.1 (LTS): <agi name=...> XML docs in res/res_agi.c and
apps/app_stack.c; dead flag from res_agi.c commands[] table and app_stack.c gosub_agi_command
Order: entries sorted by name, plain code-point order.
"""

from __future__ import annotations

from typing import TypedDict


class ParameterRow(TypedDict):
    """One documented parameter (``<parameter>`` of the XML docs)."""

    position: int
    name: str
    required: bool


class CommandRow(TypedDict):
    """One AGI command; ``min_args``/``max_args`` count arguments after the command words."""

    name: str
    words: tuple[str, ...]
    module: str
    file: str
    handler: str
    syntax: str
    synopsis: str
    result: str
    parameters: tuple[ParameterRow, ...]
    min_args: int
    max_args: int | None
    dead_channel_ok: bool


COMMAND_ROWS: tuple[CommandRow, ...] = (
    {
        "name": "answer",
        "words": ("answer",),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_answer",
        "syntax": "ANSWER",
        "synopsis": "Answers the channel if it is not already up.",
        "result": (
            "result=0 on success (also when already answered); result=-1 if "
            "answering failed."
        ),
        "parameters": (),
        "min_args": 0,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "asyncagi break",
        "words": ("asyncagi", "break"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_asyncagi_break",
        "syntax": "ASYNCAGI BREAK",
        "synopsis": "Ends the AsyncAGI command loop and returns the channel to the dialplan.",
        "result": (
            "Always result=0; the AsyncAGI session then terminates (only meaningful "
            "under AGI(agi:async))."
        ),
        "parameters": (),
        "min_args": 0,
        "max_args": None,
        "dead_channel_ok": True,
    },
    {
        "name": "channel status",
        "words": ("channel", "status"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_channelstatus",
        "syntax": "CHANNEL STATUS [channelname]",
        "synopsis": "Reports the state code of this or a named channel.",
        "result": (
            "result=<state> where 0=Down 1=Reserved 2=OffHook 3=Dialing 4=Ring "
            "5=Ringing 6=Up 7=Busy 8=Dialing Offhook 9=Pre-ring; result=-1 if the "
            "named channel does not exist."
        ),
        "parameters": (
            {"position": 1, "name": "channelname", "required": False},
        ),
        "min_args": 0,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "control stream file",
        "words": ("control", "stream", "file"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_controlstreamfile",
        "syntax": (
            "CONTROL STREAM FILE <filename> <escape_digits> [skipms] [ffchar] "
            "[rewchr] [pausechr] [offsetms]"
        ),
        "synopsis": "Plays a file with fast-forward/rewind/pause/stop key control.",
        "result": (
            "result=0 on completion (also when stopped remotely); result=<ASCII code "
            "of the DTMF digit pressed> when a stop key ends playback; result=-1 on "
            "error/hangup. Always followed by endpos=<position in milliseconds>. "
            "Sets CPLAYBACKSTATUS (SUCCESS, USERSTOPPED, REMOTESTOPPED, ERROR), "
            "CPLAYBACKOFFSET (ms, -1 at end of file) and CPLAYBACKSTOPKEY. Defaults: "
            "skipms=3000, ffchar=#, rewchr=*."
        ),
        "parameters": (
            {"position": 1, "name": "filename", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
            {"position": 3, "name": "skipms", "required": False},
            {"position": 4, "name": "ffchar", "required": False},
            {"position": 5, "name": "rewchr", "required": False},
            {"position": 6, "name": "pausechr", "required": False},
            {"position": 7, "name": "offsetms", "required": False},
        ),
        "min_args": 2,
        "max_args": 7,
        "dead_channel_ok": False,
    },
    {
        "name": "database del",
        "words": ("database", "del"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_dbdel",
        "syntax": "DATABASE DEL <family> <key>",
        "synopsis": "Removes one key from the AstDB.",
        "result": "result=1 when deleted; result=0 on failure (e.g. key absent).",
        "parameters": (
            {"position": 1, "name": "family", "required": True},
            {"position": 2, "name": "key", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": True,
    },
    {
        "name": "database deltree",
        "words": ("database", "deltree"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_dbdeltree",
        "syntax": "DATABASE DELTREE <family> [keytree]",
        "synopsis": "Removes a whole family or key subtree from the AstDB.",
        "result": (
            "Documented as 1=success/0=failure, but 22.10.1 code sends result=0 when "
            "at least one entry was deleted and result=1 when nothing was deleted or "
            "the DB failed (res_agi.c:handle_dbdeltree)."
        ),
        "parameters": (
            {"position": 1, "name": "family", "required": True},
            {"position": 2, "name": "keytree", "required": False},
        ),
        "min_args": 1,
        "max_args": 2,
        "dead_channel_ok": True,
    },
    {
        "name": "database get",
        "words": ("database", "get"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_dbget",
        "syntax": "DATABASE GET <family> <key>",
        "synopsis": "Reads one AstDB value.",
        "result": (
            "result=1 (value) when the key exists; result=0 when it does not; "
            "result=-1 only on internal allocation failure."
        ),
        "parameters": (
            {"position": 1, "name": "family", "required": True},
            {"position": 2, "name": "key", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": True,
    },
    {
        "name": "database put",
        "words": ("database", "put"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_dbput",
        "syntax": "DATABASE PUT <family> <key> <value>",
        "synopsis": "Stores or overwrites one AstDB value.",
        "result": "result=1 on success; result=0 on failure.",
        "parameters": (
            {"position": 1, "name": "family", "required": True},
            {"position": 2, "name": "key", "required": True},
            {"position": 3, "name": "value", "required": True},
        ),
        "min_args": 3,
        "max_args": 3,
        "dead_channel_ok": True,
    },
    {
        "name": "exec",
        "words": ("exec",),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_exec",
        "syntax": "EXEC <application> <options>",
        "synopsis": "Runs a dialplan application with the given argument string.",
        "result": (
            "result=<return value of the application> (usually 0, -1 when the app "
            "hung up); result=-2 if the application does not exist. "
            "Variables/functions in options are only expanded when channel variable "
            "AGIEXECFULL is true."
        ),
        "parameters": (
            {"position": 1, "name": "application", "required": True},
            {"position": 2, "name": "options", "required": True},
        ),
        "min_args": 1,
        "max_args": None,
        "dead_channel_ok": True,
    },
    {
        "name": "get data",
        "words": ("get", "data"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_getdata",
        "syntax": "GET DATA <file> [timeout] [maxdigits]",
        "synopsis": "Plays a prompt and collects DTMF digits until # , timeout or maxdigits.",
        "result": (
            'result=<digits collected> (possibly empty); "result=<digits> (timeout)" '
            "when the timeout expired; result=-1 on hangup/error. Defaults: 6000 ms "
            "to first digit and 2000 ms between digits when timeout is 0/absent; "
            "negative timeout waits (practically) forever; maxdigits defaults to "
            "1024."
        ),
        "parameters": (
            {"position": 1, "name": "file", "required": True},
            {"position": 2, "name": "timeout", "required": False},
            {"position": 3, "name": "maxdigits", "required": False},
        ),
        "min_args": 1,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "get full variable",
        "words": ("get", "full", "variable"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_getvariablefull",
        "syntax": "GET FULL VARIABLE <expression> [channelname]",
        "synopsis": "Expands an expression with ${} substitution on this or another channel.",
        "result": "result=1 (expanded text); result=0 if the named channel does not exist.",
        "parameters": (
            {"position": 1, "name": "expression", "required": True},
            {"position": 2, "name": "channelname", "required": False},
        ),
        "min_args": 1,
        "max_args": 2,
        "dead_channel_ok": True,
    },
    {
        "name": "get option",
        "words": ("get", "option"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_getoption",
        "syntax": "GET OPTION <filename> <escape_digits> [timeout]",
        "synopsis": "Plays a file then waits a timeout for one escape digit.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup; a digit pressed after playback that is "
            "not in escape_digits yields 0. Followed by endpos=<sample offset>. "
            "Timeout in ms, default is the channel's dialplan digit timeout."
        ),
        "parameters": (
            {"position": 1, "name": "filename", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
            {"position": 3, "name": "timeout", "required": False},
        ),
        "min_args": 2,
        "max_args": 3,
        "dead_channel_ok": False,
    },
    {
        "name": "get variable",
        "words": ("get", "variable"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_getvariable",
        "syntax": "GET VARIABLE <variablename>",
        "synopsis": "Returns a channel variable or dialplan function value.",
        "result": (
            'result=1 (value) when set; result=0 when unset. A name ending in ")" is '
            "evaluated as a dialplan function."
        ),
        "parameters": (
            {"position": 1, "name": "variablename", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": True,
    },
    {
        "name": "gosub",
        "words": ("gosub",),
        "module": "app_stack",
        "file": "apps/app_stack.c",
        "handler": "handle_gosub",
        "syntax": "GOSUB <context> <extension> <priority> [optional-argument]",
        "synopsis": "Runs a dialplan subroutine and returns to the AGI script.",
        "result": (
            'Sends an interim "100 result=0 Trying..." line, then "200 result=0 '
            'Gosub complete" (suffix " (abnormal exit)" if the routine did not '
            'Return); "200 result=-1 Gosub label not found"; "200 result=<n> Gosub '
            'failed"; "503 result=-2 Memory allocation failure". Priority may be a '
            "label; the optional argument list is passed as Gosub arguments."
        ),
        "parameters": (
            {"position": 1, "name": "context", "required": True},
            {"position": 2, "name": "extension", "required": True},
            {"position": 3, "name": "priority", "required": True},
            {"position": 4, "name": "optional-argument", "required": False},
        ),
        "min_args": 3,
        "max_args": 4,
        "dead_channel_ok": False,
    },
    {
        "name": "hangup",
        "words": ("hangup",),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_hangup",
        "syntax": "HANGUP [channelname]",
        "synopsis": "Hangs up the current channel or a named channel.",
        "result": "result=1 on success; result=-1 if the named channel is not found.",
        "parameters": (
            {"position": 1, "name": "channelname", "required": False},
        ),
        "min_args": 0,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "noop",
        "words": ("noop",),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_noop",
        "syntax": "NOOP",
        "synopsis": "Does nothing; useful as a keepalive or log marker.",
        "result": "Always result=0.",
        "parameters": (),
        "min_args": 0,
        "max_args": None,
        "dead_channel_ok": True,
    },
    {
        "name": "receive char",
        "words": ("receive", "char"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_recvchar",
        "syntax": "RECEIVE CHAR <timeout>",
        "synopsis": "Waits for one text character on channels supporting text.",
        "result": (
            'result=<decimal character code>; "result=0 (timeout)" on timeout or '
            'when text is unsupported; "result=-1 (hangup)" on hangup/error. Timeout '
            "in ms, 0 = infinite."
        ),
        "parameters": (
            {"position": 1, "name": "timeout", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "receive text",
        "words": ("receive", "text"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_recvtext",
        "syntax": "RECEIVE TEXT <timeout>",
        "synopsis": "Waits for a text message on channels supporting text.",
        "result": (
            "result=1 (text) when received; result=-1 on failure/timeout. Timeout in "
            "ms, 0 = infinite."
        ),
        "parameters": (
            {"position": 1, "name": "timeout", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "record file",
        "words": ("record", "file"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_recordfile",
        "syntax": (
            "RECORD FILE <filename> <format> <escape_digits> <timeout> "
            "[offset_samples] [beep] [s=silence]"
        ),
        "synopsis": "Records channel audio to a file until digit, timeout or silence.",
        "result": (
            'Each reply carries a reason and usually endpos: "result=<ASCII code of '
            'the DTMF digit pressed> (dtmf) endpos=N"; "result=<n> (timeout) '
            'endpos=N" when the time limit or silence ended recording (numeric value '
            'not meaningful); "result=-1 (hangup) endpos=N"; "result=-1 (writefile)" '
            'if the file cannot be created; "(randomerror)" if the beep/initial wait '
            'failed; "(waitfor)" on wait error. timeout is ms, -1 = no limit; '
            "silence is given as s=<seconds>; any non-numeric, non-s= extra argument "
            "requests a beep."
        ),
        "parameters": (
            {"position": 1, "name": "filename", "required": True},
            {"position": 2, "name": "format", "required": True},
            {"position": 3, "name": "escape_digits", "required": True},
            {"position": 4, "name": "timeout", "required": True},
            {"position": 5, "name": "offset_samples", "required": False},
            {"position": 6, "name": "beep", "required": False},
            {"position": 7, "name": "s=silence", "required": False},
        ),
        "min_args": 4,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "say alpha",
        "words": ("say", "alpha"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_sayalpha",
        "syntax": "SAY ALPHA <number> <escape_digits>",
        "synopsis": "Spells out a character string.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup. Code also accepts an optional 5th "
            "argument for case announcement (a=all, l=lower, u=upper, n=none) not "
            "listed in the XML syntax."
        ),
        "parameters": (
            {"position": 1, "name": "number", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
        ),
        "min_args": 2,
        "max_args": 3,
        "dead_channel_ok": False,
    },
    {
        "name": "say date",
        "words": ("say", "date"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_saydate",
        "syntax": "SAY DATE <date> <escape_digits>",
        "synopsis": "Says the date of a Unix timestamp.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup."
        ),
        "parameters": (
            {"position": 1, "name": "date", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": False,
    },
    {
        "name": "say datetime",
        "words": ("say", "datetime"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_saydatetime",
        "syntax": "SAY DATETIME <time> <escape_digits> [format] [timezone]",
        "synopsis": "Says a Unix timestamp using a voicemail-style format and timezone.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            'result=-1 on error or hangup. Default format "ABdY \'digits/at\' IMp" ("A '
            'dBY HMS" for language de).'
        ),
        "parameters": (
            {"position": 1, "name": "time", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
            {"position": 3, "name": "format", "required": False},
            {"position": 4, "name": "timezone", "required": False},
        ),
        "min_args": 2,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "say digits",
        "words": ("say", "digits"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_saydigits",
        "syntax": "SAY DIGITS <number> <escape_digits>",
        "synopsis": "Says a string of digits one by one.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup. The number argument must parse as an "
            "integer or usage (520) is returned."
        ),
        "parameters": (
            {"position": 1, "name": "number", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": False,
    },
    {
        "name": "say number",
        "words": ("say", "number"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_saynumber",
        "syntax": "SAY NUMBER <number> <escape_digits> [gender]",
        "synopsis": "Says a whole number, optionally with gender.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup."
        ),
        "parameters": (
            {"position": 1, "name": "number", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
            {"position": 3, "name": "gender", "required": False},
        ),
        "min_args": 2,
        "max_args": 3,
        "dead_channel_ok": False,
    },
    {
        "name": "say phonetic",
        "words": ("say", "phonetic"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_sayphonetic",
        "syntax": "SAY PHONETIC <string> <escape_digits>",
        "synopsis": "Spells a string using the phonetic (NATO) alphabet.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup."
        ),
        "parameters": (
            {"position": 1, "name": "string", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": False,
    },
    {
        "name": "say time",
        "words": ("say", "time"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_saytime",
        "syntax": "SAY TIME <time> <escape_digits>",
        "synopsis": "Says the time of a Unix timestamp.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup."
        ),
        "parameters": (
            {"position": 1, "name": "time", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": False,
    },
    {
        "name": "send image",
        "words": ("send", "image"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_sendimage",
        "syntax": "SEND IMAGE <image>",
        "synopsis": "Sends an image on channels that support images.",
        "result": (
            "result=0 when sent or unsupported; result=-1 only on error while hung "
            "up."
        ),
        "parameters": (
            {"position": 1, "name": "image", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "send text",
        "words": ("send", "text"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_sendtext",
        "syntax": "SEND TEXT <text to send>",
        "synopsis": "Sends a text message on channels that support text.",
        "result": (
            "result=0 when sent or unsupported; result=-1 on error/hangup. "
            "Multi-word text must be quoted (single argument)."
        ),
        "parameters": (
            {"position": 1, "name": "text to send", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "set autohangup",
        "words": ("set", "autohangup"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_autohangup",
        "syntax": "SET AUTOHANGUP <time>",
        "synopsis": "Schedules an automatic hangup after N seconds.",
        "result": (
            "Always result=0. Seconds may be fractional; 0 (or negative) cancels the "
            "timer."
        ),
        "parameters": (
            {"position": 1, "name": "time", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "set callerid",
        "words": ("set", "callerid"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_setcallerid",
        "syntax": "SET CALLERID <number>",
        "synopsis": "Changes the caller ID of the current channel.",
        "result": 'Always result=1. Value parsed like "Name <number>".',
        "parameters": (
            {"position": 1, "name": "number", "required": True},
        ),
        "min_args": 0,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "set context",
        "words": ("set", "context"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_setcontext",
        "syntax": "SET CONTEXT <desired context>",
        "synopsis": "Sets the context used when AGI returns to the dialplan.",
        "result": "Always result=0 (context is not validated).",
        "parameters": (
            {"position": 1, "name": "desired context", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "set extension",
        "words": ("set", "extension"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_setextension",
        "syntax": "SET EXTENSION <new extension>",
        "synopsis": "Sets the extension used when AGI returns to the dialplan.",
        "result": "Always result=0.",
        "parameters": (
            {"position": 1, "name": "new extension", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "set music",
        "words": ("set", "music"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_setmusic",
        "syntax": "SET MUSIC <boolean> <class>",
        "synopsis": "Starts or stops music on hold, optionally with a class.",
        "result": 'Always result=0. First argument "on" or "off".',
        "parameters": (
            {"position": 1, "name": "boolean", "required": True},
            {"position": 2, "name": "class", "required": True},
        ),
        "min_args": 1,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "set priority",
        "words": ("set", "priority"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_setpriority",
        "syntax": "SET PRIORITY <priority>",
        "synopsis": "Sets the priority (number or label) used on return to dialplan.",
        "result": "result=0; an unknown label gives the 520 usage reply.",
        "parameters": (
            {"position": 1, "name": "priority", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "set variable",
        "words": ("set", "variable"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_setvariable",
        "syntax": "SET VARIABLE <variablename> <value>",
        "synopsis": "Sets a channel variable.",
        "result": "Always result=1.",
        "parameters": (
            {"position": 1, "name": "variablename", "required": True},
            {"position": 2, "name": "value", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": True,
    },
    {
        "name": "speech activate grammar",
        "words": ("speech", "activate", "grammar"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechactivategrammar",
        "syntax": "SPEECH ACTIVATE GRAMMAR <grammar name>",
        "synopsis": "Activates a loaded grammar.",
        "result": "result=1 on success; result=0 on failure or without speech object.",
        "parameters": (
            {"position": 1, "name": "grammar name", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "speech create",
        "words": ("speech", "create"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechcreate",
        "syntax": "SPEECH CREATE <engine>",
        "synopsis": "Creates a speech recognition object using an engine.",
        "result": (
            "result=1 on success; result=0 on failure or if one already exists for "
            "this AGI session."
        ),
        "parameters": (
            {"position": 1, "name": "engine", "required": True},
        ),
        "min_args": 1,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "speech deactivate grammar",
        "words": ("speech", "deactivate", "grammar"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechdeactivategrammar",
        "syntax": "SPEECH DEACTIVATE GRAMMAR <grammar name>",
        "synopsis": "Deactivates a grammar.",
        "result": "result=1 on success; result=0 on failure or without speech object.",
        "parameters": (
            {"position": 1, "name": "grammar name", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "speech destroy",
        "words": ("speech", "destroy"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechdestroy",
        "syntax": "SPEECH DESTROY",
        "synopsis": "Destroys the speech object of this AGI session.",
        "result": "result=1 when destroyed; result=0 if none existed.",
        "parameters": (),
        "min_args": 0,
        "max_args": None,
        "dead_channel_ok": True,
    },
    {
        "name": "speech load grammar",
        "words": ("speech", "load", "grammar"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechloadgrammar",
        "syntax": "SPEECH LOAD GRAMMAR <grammar name> <path to grammar>",
        "synopsis": "Loads a grammar file under a name.",
        "result": "result=1 on success; result=0 on failure or without speech object.",
        "parameters": (
            {"position": 1, "name": "grammar name", "required": True},
            {"position": 2, "name": "path to grammar", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": False,
    },
    {
        "name": "speech recognize",
        "words": ("speech", "recognize"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechrecognize",
        "syntax": "SPEECH RECOGNIZE <prompt> <timeout> [offset]",
        "synopsis": "Plays a prompt while recognizing speech or DTMF.",
        "result": (
            'result=1 (speech) endpos=N results=K followed by scoreI=, textI="...", '
            'grammarI= for each result; "result=1 (digit) digit=X endpos=N"; '
            '"result=1 (timeout) endpos=N" or "result=1 (hangup) endpos=N"; result=0 '
            "if there is no speech object or audio format could not be set. Timeout "
            "in seconds."
        ),
        "parameters": (
            {"position": 1, "name": "prompt", "required": True},
            {"position": 2, "name": "timeout", "required": True},
            {"position": 3, "name": "offset", "required": False},
        ),
        "min_args": 2,
        "max_args": None,
        "dead_channel_ok": False,
    },
    {
        "name": "speech set",
        "words": ("speech", "set"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechset",
        "syntax": "SPEECH SET <name> <value>",
        "synopsis": "Sets an engine-specific speech setting.",
        "result": "result=1 on success; result=0 if no speech object exists.",
        "parameters": (
            {"position": 1, "name": "name", "required": True},
            {"position": 2, "name": "value", "required": True},
        ),
        "min_args": 2,
        "max_args": 2,
        "dead_channel_ok": False,
    },
    {
        "name": "speech unload grammar",
        "words": ("speech", "unload", "grammar"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_speechunloadgrammar",
        "syntax": "SPEECH UNLOAD GRAMMAR <grammar name>",
        "synopsis": "Unloads a named grammar.",
        "result": "result=1 on success; result=0 on failure or without speech object.",
        "parameters": (
            {"position": 1, "name": "grammar name", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": True,
    },
    {
        "name": "stream file",
        "words": ("stream", "file"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_streamfile",
        "syntax": "STREAM FILE <filename> <escape_digits> [sample offset]",
        "synopsis": "Plays an audio file, interruptible by escape digits.",
        "result": (
            "result=0 when playback finishes with no key pressed; result=<ASCII code "
            "of the DTMF digit pressed> when one of escape_digits interrupts; "
            "result=-1 on error or hangup. Always followed by endpos=<sample offset "
            'reached>; "result=-1 endpos=<offset>" if the file cannot be opened. '
            "Sets PLAYBACKSTATUS (SUCCESS only when result is 0, otherwise FAILED)."
        ),
        "parameters": (
            {"position": 1, "name": "filename", "required": True},
            {"position": 2, "name": "escape_digits", "required": True},
            {"position": 3, "name": "sample offset", "required": False},
        ),
        "min_args": 2,
        "max_args": 3,
        "dead_channel_ok": False,
    },
    {
        "name": "tdd mode",
        "words": ("tdd", "mode"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_tddmode",
        "syntax": "TDD MODE <boolean>",
        "synopsis": "Turns TDD (deaf telephony) mode on, off or mate.",
        "result": "result=1 on success; result=0 if the channel is not TDD-capable.",
        "parameters": (
            {"position": 1, "name": "boolean", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
    {
        "name": "verbose",
        "words": ("verbose",),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_verbose",
        "syntax": "VERBOSE <message> <level>",
        "synopsis": "Writes a message to the Asterisk verbose log at a level.",
        "result": "Always result=1. Level is optional in code (documented 1-4).",
        "parameters": (
            {"position": 1, "name": "message", "required": True},
            {"position": 2, "name": "level", "required": True},
        ),
        "min_args": 1,
        "max_args": None,
        "dead_channel_ok": True,
    },
    {
        "name": "wait for digit",
        "words": ("wait", "for", "digit"),
        "module": "res_agi",
        "file": "res/res_agi.c",
        "handler": "handle_waitfordigit",
        "syntax": "WAIT FOR DIGIT <timeout>",
        "synopsis": "Waits up to a timeout for a single DTMF digit.",
        "result": (
            "result=<ASCII code of the DTMF digit pressed>; result=0 on timeout; "
            "result=-1 on hangup/failure. Timeout in ms, -1 blocks indefinitely."
        ),
        "parameters": (
            {"position": 1, "name": "timeout", "required": True},
        ),
        "min_args": 1,
        "max_args": 1,
        "dead_channel_ok": False,
    },
)
