"""The ``UpdateConfig`` action (main/manager.c ``action_updateconfig``/``handle_updates``),
applied through pyst's lossless document editor (:class:`pyst.config.Document`): untouched
lines are written back byte for byte, where Asterisk would rewrite the whole file.

Numbered headers ``Action-NNNNNN``, ``Cat-NNNNNN``, ``Var-NNNNNN``, ``Value-NNNNNN``,
``Match-NNNNNN``, ``Options-NNNNNN`` are read from 000000 up to the first missing
``Action-``. Operations: NewCat, RenameCat, DelCat, EmptyCat, Update, Delete, Append, Insert
(inserted as an append). The error texts are Asterisk's.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pyst.ami.messages import Action
from pyst.config import ConfigLoader, LoadStatus
from pyst.config import writer as config_writer
from pyst.config.model import LineKind

if TYPE_CHECKING:
    from pyst_sim.state.pbx import PBX

__all__ = ["update_config"]

UNKNOWN_ACTION = "Unknown action command"
UNKNOWN_CATEGORY = "Given category does not exist"
UNSPECIFIED_CATEGORY = "Category not specified"
UNSPECIFIED_ARGUMENT = "Problem with category, value, or line (if required)"
FAILURE_UPDATE = "Update did not complete successfully"
FAILURE_DELETE = "Delete did not complete successfully"
FAILURE_DELCAT = "Delete category did not complete successfully"


def _exists(doc: Any, category: str) -> bool:
    return doc.section(category) is not None


def _apply(doc: Any, action: Action) -> str | None:
    for n in range(100000):
        suffix = f"{n:06d}"
        op = action.get(f"Action-{suffix}")
        if op is None:
            return None
        cat = action.get(f"Cat-{suffix}") or ""
        var = action.get(f"Var-{suffix}") or ""
        value = action.get(f"Value-{suffix}") or ""
        match = action.get(f"Match-{suffix}")
        options = (action.get(f"Options-{suffix}") or "").lower()
        kind = op.lower()
        if kind not in ("newcat", "renamecat", "delcat", "emptycat", "update", "delete",
                        "append", "insert"):
            return UNKNOWN_ACTION
        if not cat:
            return UNSPECIFIED_CATEGORY
        if kind == "newcat":
            doc.add_category(cat)
            continue
        if not _exists(doc, cat):
            return UNKNOWN_CATEGORY
        if kind == "renamecat":
            if not value:
                return UNSPECIFIED_ARGUMENT
            sec = doc.section(cat)
            line = doc.lines[sec.start]
            line.raw = config_writer.format_category(value) + (
                "\r" if line.raw.endswith("\r") else ""
            )
            line.name = value
            doc.edited = True
        elif kind == "delcat":
            try:
                doc.remove_category(cat)
            except Exception:
                return FAILURE_DELCAT
        elif kind == "emptycat":
            sec = doc.section(cat)
            names = {
                doc.lines[i].name
                for i in range(sec.start + 1, sec.end)
                if doc.lines[i].kind is LineKind.VARIABLE
            }
            for name in names:
                doc.remove(cat, name)
        elif kind == "update":
            if not var:
                return UNSPECIFIED_ARGUMENT
            if match:
                if not doc.remove(cat, var, value=match):
                    return FAILURE_UPDATE
                doc.add(cat, var, value, is_object="object" in options)
            else:
                doc.set(cat, var, value)
        elif kind == "delete":
            if not var:
                return UNSPECIFIED_ARGUMENT
            if not doc.remove(cat, var, value=match):
                return FAILURE_DELETE
        else:  # append, insert
            if not var:
                return UNSPECIFIED_ARGUMENT
            doc.add(cat, var, value, is_object="object" in options)
    return None


def update_config(pbx: PBX, loader: Any, action: Action) -> tuple[str, str | None]:
    """Run ``UpdateConfig``; ``("Success", None)`` or ``("Error", message)``."""
    src = action.get("SrcFilename") or ""
    dst = action.get("DstFilename") or ""
    if not src or not dst:
        return "Error", "Filename not specified"
    if loader is None or not isinstance(loader, ConfigLoader):
        return "Error", "Config file not found"
    for name in (src, dst):
        full = name if name.startswith("/") else os.path.join(loader.config_dir, name)
        real = os.path.realpath(full)
        if not real.startswith(os.path.realpath(loader.config_dir)):
            return "Error", "File requires escalated privileges"
    loaded = loader.load(src)
    if loaded.status is LoadStatus.MISSING:
        return "Error", "Config file not found"
    if loaded.status is LoadStatus.INVALID or loaded.document is None:
        return "Error", "Config file has invalid format"
    doc = loaded.document
    problem = _apply(doc, action)
    if problem is not None:
        return "Error", problem
    target = dst if dst.startswith("/") else os.path.join(loader.config_dir, dst)
    try:
        doc.save(target)
    except OSError:
        return "Error", "Save of config failed"
    return "Success", None
