"""Text-level rules of Asterisk's config reader (main/config.c), shared by the parser and writer.

No model, no I/O: constants, ASCII case folding as C's ``strcasecmp`` does it, byte-length
truncation, and the block-comment scanner.
"""

from __future__ import annotations

# ast_strip()/ast_skip_blanks()/ast_trim_blanks() treat every byte below 0x21 as blank (NUL,
# controls, space); nothing else, so Unicode spaces are kept.
BLANKS = "".join(chr(i) for i in range(33))

# config_text_file_load() reads with fgets() into char buf[8192]: a line may hold 8190
# characters plus the newline.
READ_BUFFER = 8192

# MAX_NESTED_COMMENTS in main/config.c.
MAX_NESTED_COMMENTS = 128

# ast_category.name is char[80]: names are cut to 79 bytes.
MAX_CATEGORY_NAME = 79

UTF8 = "utf-8"
ERRORS = "surrogateescape"

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as ``strcasecmp`` compares in Asterisk's C locale."""
    if text.isascii():
        return text.lower()
    return text.translate(_ASCII_LOWER)


def byte_length(text: str) -> int:
    """Length of ``text`` in bytes once encoded (UTF-8, undecodable bytes kept)."""
    if text.isascii():
        return len(text)
    return len(text.encode(UTF8, ERRORS))


def truncate_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes, as ``ast_copy_string`` does into a fixed buffer.

    A cut in the middle of a multi-byte character leaves its first bytes, which come back as
    surrogate escapes (so the bytes are exactly what Asterisk keeps).
    """
    if len(text) <= limit and byte_length(text) <= limit:
        return text
    return text.encode(UTF8, ERRORS)[:limit].decode(UTF8, ERRORS)


# Events reported by scan_line(): ("open" | "close" | "stray" | "hang", 0-based raw column).
ScanEvent = tuple[str, int]


def scan_line(line: str, depth: int) -> tuple[str | None, int, list[ScanEvent]]:
    """Remove comments from one line the way ``config_text_file_load`` does.

    ``line`` is the raw line without its newline (and already cut at a NUL); ``depth`` is the
    block-comment nesting at its start. Returns the text Asterisk goes on to parse (``None``
    when the whole line is comment), the nesting after the line, and the block-comment events
    with their raw columns.

    Rules matched (main/config.c, the ``strchr(new_buf, COMMENT_META)`` loop):

    * ``\\;`` is a literal ``;``: the backslash is removed (inside comments too);
    * ``;--`` opens a block unless a fourth ``-`` follows (``;---`` banners are line comments);
      text before the opener on the same line is kept and joined with text after the closer;
    * ``--;`` closes a block. The closer is recognised even outside a block: the counter then
      goes negative and every later line counts as comment (Asterisk never checks for this);
    * any other ``;`` ends the line when not inside a block.

    A 129th nested opener makes Asterisk 22 loop forever on the line; the scan stops and
    reports a ``hang`` event instead.
    """
    events: list[ScanEvent] = []
    start: int | None = 0 if depth == 0 else None  # process_buf, as an index
    end = -1  # where a NUL cut the process text, -1 while it runs to the end of the line
    pos = 0  # new_buf
    shift = 0  # raw column minus column in the (edited) text, for positions >= pos
    s = line
    while True:
        p = s.find(";", pos)
        if p < 0:
            break
        if p > pos and s[p - 1] == "\\":
            s = s[: p - 1] + s[p:]
            shift += 1
            pos = p
            continue
        if s.startswith("--", p + 1) and s[p + 3 : p + 4] != "-":
            if depth >= MAX_NESTED_COMMENTS:
                events.append(("hang", p + shift))
                return None, depth, events
            if start is not None and end < 0:
                end = p
            depth += 1
            events.append(("open", p + shift))
            pos = p + 3
            continue
        if p >= pos + 2 and s[p - 1] == "-" and s[p - 2] == "-":
            depth -= 1
            events.append(("close" if depth >= 0 else "stray", p - 2 + shift))
            pos = p + 1
            if depth == 0:
                if start is not None:
                    # Text after the closer is moved over the NUL left by the opener.
                    s = s[:end] + s[pos:]
                    shift += pos - end
                    pos = end
                else:
                    start = pos
                end = -1
            continue
        if depth == 0:
            if start is not None and end < 0:
                end = p
            break
        pos = p + 1
    if start is None:
        return None, depth, events
    return (s[start:end] if end >= 0 else s[start:]), depth, events


def split_comment(raw: str, depth: int) -> list[tuple[bool, str]]:
    """Cut a raw line into ``(is_code, text)`` pieces that join back to ``raw``.

    Used by the writer to replace the code of a line while keeping its comments byte for byte.
    Escaped semicolons stay in the code pieces. After a stray ``--;`` the text stays code, as
    Asterisk keeps it.
    """
    pieces: list[tuple[bool, str]] = []
    in_code = depth == 0
    piece_start = 0
    pos = 0
    while True:
        p = raw.find(";", pos)
        if p < 0:
            break
        if p > pos and raw[p - 1] == "\\":
            pos = p + 1
            continue
        if raw.startswith("--", p + 1) and raw[p + 3 : p + 4] != "-":
            if in_code:
                if p > piece_start:
                    pieces.append((True, raw[piece_start:p]))
                piece_start = p
                in_code = False
            depth += 1
            pos = p + 3
            continue
        if p >= pos + 2 and raw[p - 1] == "-" and raw[p - 2] == "-":
            depth -= 1
            pos = p + 1
            if depth == 0 and not in_code:
                pieces.append((False, raw[piece_start:pos]))
                piece_start = pos
                in_code = True
            continue
        if depth == 0:
            if in_code and p > piece_start:
                pieces.append((True, raw[piece_start:p]))
                piece_start = p
            pieces.append((False, raw[piece_start:]))
            return pieces
        pos = p + 1
    if piece_start < len(raw):
        pieces.append((in_code, raw[piece_start:]))
    return pieces
