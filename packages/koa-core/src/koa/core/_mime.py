"""MIME type lookup and type matching (the parts of mime-types and type-is Koa uses).

The table is Python's built-in one (never the machine's /etc/mime.types, so the
answers are the same everywhere) with the mime-db spellings Koa users expect.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["content_type", "lookup", "type_is"]

_OVERRIDES = {
    "bin": "application/octet-stream",
    "css": "text/css",
    "csv": "text/csv",
    "gz": "application/gzip",
    "htm": "text/html",
    "html": "text/html",
    "ico": "image/x-icon",
    "js": "application/javascript",
    "json": "application/json",
    "jsonld": "application/ld+json",
    "map": "application/json",
    "md": "text/markdown",
    "mjs": "application/javascript",
    "otf": "font/otf",
    "svg": "image/svg+xml",
    "ttf": "font/ttf",
    "txt": "text/plain",
    "text": "text/plain",
    "wasm": "application/wasm",
    "webmanifest": "application/manifest+json",
    "webp": "image/webp",
    "avif": "image/avif",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "xml": "application/xml",
    "yaml": "text/yaml",
    "yml": "text/yaml",
    "zip": "application/zip",
}
_TABLE: dict[str, str] = {
    ext.lstrip("."): mime for ext, mime in mimetypes.MimeTypes().types_map[True].items()
}
_TABLE.update(_OVERRIDES)

# mime-db's types that carry "charset: UTF-8" besides text/*.
_UTF8_TYPES = frozenset({"application/json", "application/javascript", "application/ecmascript"})


def lookup(path_or_ext: str) -> str | None:
    """The MIME type for a file name, path or bare extension (``"json"``, ``".png"``)."""
    ext = path_or_ext.rsplit(".", 1)[-1].lower()
    if "/" in ext:
        return None
    return _TABLE.get(ext)


def _charset(mime: str) -> str | None:
    base = mime.split(";", 1)[0].strip().lower()
    if base.startswith("text/") or base in _UTF8_TYPES:
        return "utf-8"
    return None


@lru_cache(maxsize=256)
def content_type(value: str) -> str | None:
    """A full Content-Type for an extension, shorthand or type (``"json"`` ->
    ``"application/json; charset=utf-8"``); ``None`` when it is unknown.
    """
    mime = value if "/" in value else lookup(value)
    if not mime:
        return None
    if "charset" not in mime.lower():
        charset = _charset(mime)
        if charset:
            mime += "; charset=" + charset
    return mime


def _normalize_expected(kind: str) -> str | None:
    if kind == "urlencoded":
        return "application/x-www-form-urlencoded"
    if kind == "multipart":
        return "multipart/*"
    if kind.startswith("+"):
        return "*/*" + kind
    if "/" in kind:
        return kind.lower()
    return lookup(kind)


def _normalize_actual(value: str) -> str | None:
    mime = value.split(";", 1)[0].strip().lower()
    main, sep, sub = mime.partition("/")
    if not sep or not main or not sub or "/" in sub or " " in mime:
        return None
    return mime


def _mime_match(expected: str, actual: str) -> bool:
    exp_main, _, exp_sub = expected.partition("/")
    act_main, _, act_sub = actual.partition("/")
    if exp_main != "*" and exp_main != act_main:
        return False
    if exp_sub.startswith("*+"):
        return len(act_sub) > len(exp_sub) - 1 and act_sub.endswith(exp_sub[1:])
    return exp_sub == "*" or exp_sub == act_sub


def type_is(value: str | None, kinds: Sequence[str]) -> str | bool:
    """type-is: the first of *kinds* that the media type *value* matches.

    Returns the caller's spelling (``"json"``, ``".png"``), or the actual type
    when the match was a wildcard; ``False`` when nothing matches or *value* is
    missing or malformed. With no *kinds*, returns the normalised actual type.
    """
    if not value:
        return False
    actual = _normalize_actual(value)
    if actual is None:
        return False
    if not kinds:
        return actual
    for kind in kinds:
        expected = _normalize_expected(kind)
        if expected is not None and _mime_match(expected, actual):
            return actual if kind.startswith("+") or "*" in kind else kind
    return False
