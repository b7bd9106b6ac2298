"""Conditional requests (RFC 9110 §13) and single byte ranges (RFC 9110 §14).

Evaluation order, as §13.2.2 prescribes::

    If-Match             fails  -> 412
    else If-Unmodified-Since fails -> 412
    If-None-Match        matches -> 304 (GET/HEAD) or 412
    else If-Modified-Since  not modified -> 304 (GET/HEAD only)
    Range (GET only)     honoured unless If-Range names another version
                         one satisfiable range -> 206, none -> 416

The validators compared are the ones the response carries (``ETag`` and
``Last-Modified`` as set by ``send`` or by ``set_headers``), so what a client
echoes back is always judged against what it was given.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

from koa.core.http import parse_http_date

__all__ = ["ByteRange", "Precondition", "evaluate_preconditions", "if_range_allows", "parse_range"]

# Each run of spaces can be matched one way only (an optional number starts with
# a digit): "\s*(\d*)\s*" backtracked cubically on "bytes=   -   x" (ReDoS).
_RANGE = re.compile(r"^\s*bytes\s*=\s*(?:(\d+)\s*)?-\s*(?:(\d+)\s*)?$", re.IGNORECASE)


class Precondition(IntEnum):
    """Outcomes of :func:`evaluate_preconditions` (the status they lead to)."""

    PROCEED = 200
    NOT_MODIFIED = 304
    FAILED = 412


def _http_date(value: str | None) -> float | None:
    parsed = parse_http_date(value)
    if parsed is None or parsed.tzinfo is None:  # not an HTTP-date (those are GMT)
        return None
    return parsed.timestamp()


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _strong_match(tags: list[str], etag: str) -> bool:
    return not etag.startswith("W/") and etag in tags


def _weak_match(tags: list[str], etag: str) -> bool:
    opaque = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == opaque for tag in tags)


def evaluate_preconditions(
    method: str,
    if_match: str | None,
    if_unmodified_since: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str | None,
    last_modified: str | None,
) -> Precondition:
    """The outcome of a request's preconditions on an existing file."""
    if if_match is not None:
        tags = _tags(if_match)
        if "*" not in tags and not (etag and _strong_match(tags, etag)):
            return Precondition.FAILED
    elif if_unmodified_since is not None:
        since = _http_date(if_unmodified_since)
        modified = _http_date(last_modified)
        if since is not None and modified is not None and modified > since:
            return Precondition.FAILED
    safe = method in ("GET", "HEAD")
    if if_none_match is not None:
        tags = _tags(if_none_match)
        if "*" in tags or (etag and _weak_match(tags, etag)):
            return Precondition.NOT_MODIFIED if safe else Precondition.FAILED
    elif if_modified_since is not None and safe:
        since = _http_date(if_modified_since)
        modified = _http_date(last_modified)
        # A date later than our clock is invalid (RFC 7232 §3.3): ignore it, so
        # a bogus future date cannot pin a stale copy in the client's cache.
        if since is not None and modified is not None and modified <= since <= time.time():
            return Precondition.NOT_MODIFIED
    return Precondition.PROCEED


@dataclass(frozen=True, slots=True)
class ByteRange:
    """``start`` and ``length`` of a satisfiable range of a ``size``-byte file."""

    start: int
    length: int
    size: int

    @property
    def content_range(self) -> str:
        """The ``Content-Range`` header value."""
        return f"bytes {self.start}-{self.start + self.length - 1}/{self.size}"


def if_range_allows(if_range: str | None, etag: str | None, last_modified: str | None) -> bool:
    """Whether a ``Range`` may be honoured given ``If-Range``: absent, or it
    names the current version (strong ETag match, or the exact Last-Modified)."""
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return bool(etag) and not value.startswith("W/") and value == etag
    return last_modified is not None and _http_date(value) == _http_date(last_modified)


def parse_range(header: str, size: int) -> ByteRange | Literal[False] | None:
    """Read a ``Range`` header for a *size*-byte file.

    Returns the :class:`ByteRange` of one satisfiable range; ``False`` when the
    range cannot be satisfied (416); ``None`` when the header is to be ignored
    (not ``bytes``, malformed, or several ranges: the whole file is sent).
    """
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = _number(last)
        if suffix == 0 or size == 0:
            return False
        start = max(size - suffix, 0)
        return ByteRange(start, size - start, size)
    start = _number(first)
    if last and _number(last) < start:
        return None  # invalid syntax: ignored, as RFC 9110 §14.1.1 allows
    if start >= size:
        return False
    end = min(_number(last), size - 1) if last else size - 1
    return ByteRange(start, end - start + 1, size)


def _number(digits: str) -> int:
    # int() refuses more than 4300 digits (and any size is far shorter): a
    # longer number only needs to compare as larger than every file.
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 20 else 10**20
