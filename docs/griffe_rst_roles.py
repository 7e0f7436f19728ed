"""Griffe extension used by ``mkdocs.yml``: read the docstrings' reStructuredText bits as Markdown.

The library's docstrings are written to read well in ``help()``, with a few reStructuredText
habits that Markdown does not have:

* Sphinx cross-reference roles (``:class:`~pyst.ami.client.AMIClient```) become inline code
  showing what Sphinx would show (the last dotted part after ``~``, or the explicit title of
  ``:meth:`title <target>```);
* a paragraph ending in ``::`` (which introduces an indented literal block, already a code
  block in Markdown) ends in ``:``, and a line that is only ``::`` goes.

Everything else (double-backtick literals, bullets, indented blocks) reads the same in both.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?[a-z]+:`(?P<body>[^`]+)`")
_TITLED = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_LITERAL_ONLY = re.compile(r"^[ \t]*::[ \t]*$", re.MULTILINE)
_LITERAL_END = re.compile(r"(?<=\S)::[ \t]*$", re.MULTILINE)


def _render(match: re.Match[str]) -> str:
    body = match.group("body").strip()
    titled = _TITLED.match(body)
    if titled:
        text = titled.group("title")
    elif body.startswith("~"):
        text = body[1:].rsplit(".", 1)[-1]
    else:
        text = body
    return f"`{text}`"


def rewrite_roles(text: str) -> str:
    """Return ``text`` with every ``:role:`target``` replaced by inline code, and the ``::``
    that introduce literal blocks turned into ``:``."""
    text = _ROLE.sub(_render, text)
    text = _LITERAL_ONLY.sub("", text)
    return _LITERAL_END.sub(":", text)


class RSTRoles(griffe.Extension):
    """Rewrite every docstring as it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rewrite_roles(obj.docstring.value)
