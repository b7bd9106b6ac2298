"""Entity tags as the npm ``etag`` package (1.8) computes them."""

from __future__ import annotations

import base64
import hashlib
import math
import os
from typing import Final

__all__ = ["entity_tag"]

_EMPTY: Final = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'


def _mtime_ms(st: os.stat_result) -> int:
    # Node's stats.mtime.getTime(): Math.round(sec * 1e3 + nsec / 1e6), in doubles.
    sec, nsec = divmod(st.st_mtime_ns, 1_000_000_000)
    return math.floor(sec * 1000 + nsec / 1e6 + 0.5)


def entity_tag(entity: str | bytes | os.stat_result, *, weak: bool | None = None) -> str:
    """The ``ETag`` value the npm ``etag`` package gives *entity*.

    For str and bytes: ``"<length in hex>-<first 27 characters of the base64
    SHA-1>"`` (a str is hashed as UTF-8), strong unless ``weak=True``. For an
    ``os.stat_result``: ``W/"<size in hex>-<mtime in ms, hex>"`` (the mtime
    rounded to the millisecond, as Node's Date), weak unless ``weak=False``.
    So a cache shared with a Node service sees the same tags::

        entity_tag("Hello World") == '"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"'
    """
    if isinstance(entity, os.stat_result):
        tag = f'"{entity.st_size:x}-{_mtime_ms(entity):x}"'
        return tag if weak is False else "W/" + tag
    data: bytes | bytearray | memoryview
    if isinstance(entity, str):
        try:
            data = entity.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates are U+FFFD, as in Node's Buffer
            text = entity.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            data = text.encode("utf-8")
    elif isinstance(entity, (bytes, bytearray, memoryview)):
        data = entity
    else:
        raise TypeError(
            f"entity_tag(): the entity must be str, bytes or os.stat_result, not "
            f"{type(entity).__name__}"
        )
    if not data:
        tag = _EMPTY
    else:
        digest = base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")[:27]
        tag = f'"{len(data):x}-{digest}"'
    return "W/" + tag if weak else tag
