"""From a URL path to a file path that cannot leave the root.

The order is @koa/send's and it matters: *decode* the whole path first (so
``%2e%2e%2f`` is seen as ``../``), then *reject* NUL bytes and absolute paths
(POSIX and Windows forms) with 400, then *normalise* and reject any ``..``
that is left with 403, even one that would land back inside the root. Only
then is the path joined to the root, which it can no longer escape lexically.
Symlinks are the one remaining way out; they are checked against the real
root when the file is opened (see ``_files.py``).
"""

from __future__ import annotations

import posixpath
import re

from koa.core import HttpError
from koa.core.http import decode_uri_component

__all__ = ["is_hidden", "relative_file_path"]

# "..", as a whole segment, with "/" or "\" as separators (resolve-path's test).
_UP_PATH = re.compile(r"(?:^|[\\/])\.\.(?:[\\/]|$)")
# "/x", "\x", "C:\x", "C:/x", "\\host\share" and also drive-relative "C:x".
_ABSOLUTE = re.compile(r"^(?:[\\/]|[A-Za-z]:)")


def relative_file_path(url_path: str, index: str | None) -> str:
    """The normalised path, relative to the root, for *url_path* (raw, as in
    ``ctx.path``), with *index* appended when it ends with ``/``.

    Raises :class:`HttpError` 400 for a malformed escape (``failed to decode``),
    a NUL byte or an absolute path (``Malicious Path``), and 403 when a ``..``
    segment remains after normalisation. The result has no leading ``/``, no
    ``.`` or ``..`` segment, and is ``""`` for the root itself.
    """
    trailing_slash = url_path.endswith("/")
    # Strip the one leading "/" of a URL path (Node's path.parse(p).root), so
    # "//etc/passwd" stays absolute and is refused below.
    if url_path.startswith("/"):
        url_path = url_path[1:]
    try:
        path = decode_uri_component(url_path)
    except ValueError:
        raise HttpError(400, "failed to decode") from None
    if index and trailing_slash:
        path += index
    if "\0" in path or _ABSOLUTE.match(path):
        raise HttpError(400, "Malicious Path")
    normalised = posixpath.normpath("./" + path)
    if _UP_PATH.search(normalised):
        raise HttpError(403)
    return "" if normalised == "." else normalised


def is_hidden(relative: str) -> bool:
    """Whether a segment of *relative* (to the root) starts with a dot."""
    return any(segment.startswith(".") for segment in re.split(r"[\\/]", relative))
