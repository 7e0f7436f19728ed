"""Property tests: arbitrary bytes never break the reader; written text reads back."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyst.config import ConfigValueError, Document, LineKind, LoadStatus, parse_bytes, parse_text
from pyst.errors import ConfigError

# Bytes biased towards the characters that matter to the reader.
SPECIAL = [
    b";",
    b"--",
    b";--",
    b"--;",
    b"\\",
    b"[",
    b"]",
    b"(",
    b")",
    b"!",
    b"+",
    b"=",
    b">",
    b"#include x",
    b"#exec y",
    b"\n",
    b"\r",
    b"\x00",
    b" ",
    b"\t",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3\xa9",
    b"k",
    b"v",
    b",",
]
chunks = st.lists(st.one_of(st.sampled_from(SPECIAL), st.binary(max_size=4)), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks)
def test_reader_never_raises_on_arbitrary_bytes(parts: list[bytes]) -> None:
    data = b"".join(parts)
    loaded = parse_bytes(data, "fuzz.conf")
    assert loaded.status in (LoadStatus.OK, LoadStatus.INVALID)
    try:
        loaded.raise_for_status()
    except ConfigError:
        assert loaded.status is LoadStatus.INVALID
    doc = loaded.document
    assert doc is not None
    assert doc.to_bytes() == data
    assert len(doc.lines) >= 0  # the document view never raises either
    doc.edited = True
    assert doc.to_bytes() == data
    for diag in loaded.diagnostics:
        assert diag.line >= 1 and diag.column >= 1
        assert str(diag).startswith("fuzz.conf:")


@settings(max_examples=200, deadline=None)
@given(chunks)
def test_document_view_agrees_with_the_reader(parts: list[bytes]) -> None:
    data = b"".join(parts)
    loaded = parse_bytes(data, "fuzz.conf")
    doc = loaded.document
    assert doc is not None
    if (
        loaded.status is not LoadStatus.OK
        or any(ln.kind in (LineKind.DIRECTIVE, LineKind.TOO_LONG) for ln in doc.lines)
        or "\x00" in doc.original_text
    ):
        return
    # Every category the reader created is a CATEGORY line of the document view.
    headers = {ln.lineno for ln in doc.lines if ln.kind is LineKind.CATEGORY}
    assert {c.lineno for c in loaded.config.all_categories} <= headers


names = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\x00"),
    min_size=1,
    max_size=8,
)
values = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\n\x00"), max_size=10
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(names, st.lists(st.tuples(names, values), max_size=4)), max_size=4))
def test_written_configuration_reads_back(
    model: list[tuple[str, list[tuple[str, str]]]],
) -> None:
    doc = Document("; generated\n", "gen.conf")
    written: list[tuple[str, list[tuple[str, str]]]] = []
    for category, items in model:
        try:
            doc.add_category(category, items)
        except ConfigValueError:
            continue  # text Asterisk could not read back is refused, not mangled
        written.append((category, items))
    loaded = parse_text(doc.text(), "gen.conf")
    assert loaded.status is LoadStatus.OK
    assert loaded.config.as_lists(True) == written
