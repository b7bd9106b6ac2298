"""From ``ctx.render(name)`` to a template file, as koa-views (get-paths) does.

``name`` is relative to the root; in order, the first that exists wins:

1. ``name`` as it is, when it names a file (``"user.txt"``);
2. ``name/index.<ext>``, when it names a directory (``"."`` or ``"blog"``);
3. ``name.<ext>`` (``"user"`` or ``"basic.test"`` -> ``basic.test.html``).

A name with a NUL byte, an absolute name or a drive is refused with 400
(``Malicious Path``), one that climbs out of the root with 403, as koa-views'
``resolve-path`` does. This runs in a worker thread: it touches the disk.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from koa.core import HttpError

from ._errors import TemplateMissingError

__all__ = ["normalize", "resolve"]


def normalize(name: str) -> str:
    """The root-relative, normalised POSIX form of *name* (no disk access).
    Raises :class:`~koa.core.HttpError` 400/403 for names that leave the root."""
    if not isinstance(name, str):
        raise TypeError(f"ctx.render(name): the template name must be a str, got {name!r}")
    if "\x00" in name:
        raise HttpError(400, "Malicious Path")
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        raise HttpError(400, "Malicious Path")
    relative = posixpath.normpath(unified or ".")
    if relative == ".." or relative.startswith("../"):
        raise HttpError(403, "Forbidden")
    return relative


def resolve(root: Path, relative: str, extension: str) -> tuple[str, list[str]]:
    """The template name (relative to *root*) for the normalised *relative*
    name, and the paths searched; :class:`TemplateMissingError` when none
    exists."""
    searched: list[str] = []
    full = root / relative
    candidates: list[str] = []
    if full.is_dir():
        candidates.append(posixpath.normpath(f"{relative}/index.{extension}"))
    else:
        candidates.append(relative)
        if not relative.endswith(f".{extension}"):
            candidates.append(f"{relative}.{extension}")
    for candidate in candidates:
        path = root / candidate
        searched.append(os.fspath(path))
        if path.is_file():
            return candidate, searched
    raise TemplateMissingError(relative, searched)
