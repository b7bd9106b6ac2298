"""Appending a field to a ``Vary`` header value, as the ``vary`` npm package does.

Used for the headers that travel on an error (``err.headers``): koa-core's
``ctx.vary()`` does the same for the response being built.
"""

from __future__ import annotations

__all__ = ["vary_append"]


def _fields(header: str) -> list[str]:
    return [part.strip(" ") for part in header.split(",") if part.strip(" ")]


def vary_append(header: str, field: str) -> str:
    """*header* with *field* (a header name) added once, compared
    case-insensitively; a ``*`` in *header* absorbs everything."""
    if header == "*":
        return header
    present = [name.lower() for name in _fields(header)]
    if "*" in present:
        return "*"
    if field.lower() in present:
        return header
    return f"{header}, {field}" if header else field
