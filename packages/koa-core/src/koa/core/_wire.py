"""Koa's stored headers as they go on the wire, and the Date header.

Shared by ``ctx.response`` (``wire_headers()``) and the buffered responses
of :mod:`._aiohttp`; nothing here touches aiohttp.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any

__all__ = ["StoredHeaders", "date_header", "http_date", "wire_pairs"]

#: Koa's stored headers: lower-cased name -> (name as set, value as set).
StoredHeaders = dict[str, tuple[str, Any]]

_date_second = -1
_date_header = ("Date", "")


def http_date() -> str:
    """The current time as an HTTP date, formatted once per second."""
    return date_header()[1]


def date_header() -> tuple[str, str]:
    """``("Date", <the current time as an HTTP date>)``, formatted once per second."""
    global _date_second, _date_header
    now = int(time.time())
    if now != _date_second:
        _date_header = ("Date", formatdate(now, usegmt=True))
        _date_second = now
    return _date_header


def wire_pairs(stored: StoredHeaders, body_length: int | None = None) -> list[tuple[str, str]]:
    """Koa's stored headers as aiohttp writes them: (name, str value) pairs,
    a list value giving one pair per item. For a buffered body of
    *body_length* bytes, Content-Length is that length whatever was set
    (a wrong one would desynchronise the connection; K082) and
    Transfer-Encoding is left out."""
    pairs: list[tuple[str, str]] = []
    append = pairs.append
    for key, entry in stored.items():
        value = entry[1]
        if body_length is not None and (key == "content-length" or key == "transfer-encoding"):
            if key == "content-length":
                append((entry[0], str(body_length)))
        elif value.__class__ is str:
            append(entry)
        elif isinstance(value, (list, tuple)):
            pairs.extend((entry[0], str(item)) for item in value)
        else:
            append((entry[0], str(value)))
    return pairs
