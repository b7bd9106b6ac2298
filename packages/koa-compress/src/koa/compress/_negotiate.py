"""Choosing a content coding from ``Accept-Encoding``, as negotiator 1.1 does
for koa-compress (``negotiator.encoding(available, {preferred})``).

The header is read the way negotiator reads it (through content-type 2's
parser, comma-separated, parameters included, quoted strings unescaped), and q
values the way JavaScript's ``parseFloat`` reads them, so absurd values
(``q=1e999``, ``q=NaN``, ``q=-1``) rank as they do in Koa.js. Linear in the
header's length: a header with 10,000 codings costs 10,000 steps.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cmp_to_key
from typing import Final, NamedTuple

__all__ = ["Accepted", "negotiate", "parse_accept_encoding"]

_OWS: Final = " \t"
# The prefix of a string that JavaScript's parseFloat reads (after whitespace).
_JS_FLOAT: Final = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_JS_SPACE: Final = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class Accepted(NamedTuple):
    """One coding of the header: its name as sent, its q, and its position."""

    encoding: str
    q: float
    position: int


class _Priority(NamedTuple):
    encoding: str
    q: float
    specificity: int
    order: int  # the position of the header entry that matched
    offered: int  # the position among the codings offered


def js_parse_float(text: str) -> float:
    """JavaScript's ``parseFloat``: the longest numeric prefix, else NaN."""
    match = _JS_FLOAT.match(text.lstrip(_JS_SPACE))
    if match is None:
        return math.nan
    number = match.group()
    if number.endswith("Infinity"):
        return -math.inf if number.startswith("-") else math.inf
    return float(number)


def _skip_ows(text: str, index: int, end: int) -> int:
    while index < end and text[index] in _OWS:
        index += 1
    return index


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _OWS:
        end -= 1
    return end


def _skip_value(text: str, index: int, end: int) -> int:
    while index < end and text[index] not in ";,":
        index += 1
    return index


def _parse_parameters(text: str, index: int, end: int) -> tuple[dict[str, str], int]:
    params: dict[str, str] = {}
    while index < end and text[index] != ",":
        index = _skip_ows(text, index + 1, end)  # past the ";"
        key_start = index
        while index < end:
            char = text[index]
            if char == ",":
                return params, index
            if char == ";":
                break
            if char == "=":
                key = text[key_start : _trim_end(text, key_start, index)].lower()
                index = _skip_ows(text, index + 1, end)
                if index < end and text[index] == '"':
                    index += 1
                    value: list[str] = []
                    while index < end:
                        char = text[index]
                        index += 1
                        if char == '"':
                            index = _skip_value(text, index, end)
                            params.setdefault(key, "".join(value))
                            break
                        if char == "\\" and index < end:
                            char = text[index]
                            index += 1
                        value.append(char)
                    break
                value_start = index
                index = _skip_value(text, index, end)
                params.setdefault(key, text[value_start : _trim_end(text, value_start, index)])
                break
            index += 1
    return params, index


def parse_accept_encoding(header: str) -> list[Accepted]:
    """The codings of an ``Accept-Encoding`` value with their q, as
    negotiator's ``parseAcceptEncoding``: empty entries are skipped, and
    ``identity`` is added with the lowest q when neither it nor ``*`` is named.
    """
    accepted: list[Accepted] = []
    has_identity = False
    min_q = 1.0
    end = len(header)
    position = index = 0
    while index < end:
        start = _skip_ows(header, index, end)
        index = _skip_value(header, start, end)
        name = header[start : _trim_end(header, start, index)]
        params, index = _parse_parameters(header, index, end)
        if name:
            raw_q = params.get("q")
            q = js_parse_float(raw_q) if raw_q else 1.0
            accepted.append(Accepted(name, q, position))
            has_identity = has_identity or name == "*" or name.lower() == "identity"
            min_q = min(min_q, q or 1.0)  # JavaScript's `q || 1`: 0 and NaN count as 1
        position += 1
        index += 1
    if not has_identity:
        accepted.append(Accepted("identity", min_q, position))
    return accepted


def _js_or(*values: float) -> float:
    # JavaScript's `a || b || c` on numbers: the first that is not 0 or NaN.
    for value in values[:-1]:
        if value and not math.isnan(value):
            return value
    return values[-1]


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _priority(encoding: str, accepted: Sequence[Accepted], index: int) -> _Priority:
    best = _Priority(encoding, 0.0, 0, -1, index)
    lowered = encoding.lower()
    for entry in accepted:
        if entry.encoding.lower() == lowered:
            specificity = 1
        elif entry.encoding == "*":
            specificity = 0
        else:
            continue
        if (
            _js_or(best.specificity - specificity, best.q - entry.q, best.order - entry.position)
            < 0
        ):
            best = _Priority(encoding, entry.q, specificity, entry.position, index)
    return best


def negotiate(header: str, available: Sequence[str], preferred: Sequence[str]) -> str | None:
    """The coding to answer *header* with, among *available* (``identity``
    included when it may be chosen), ties broken by *preferred*; ``None`` when
    none is acceptable (``identity;q=0`` and nothing else)."""
    accepted = parse_accept_encoding(header)
    ranked = [
        priority
        for index, encoding in enumerate(available)
        if (priority := _priority(encoding, accepted, index)).q > 0
    ]
    if not ranked:
        return None

    def compare(a: _Priority, b: _Priority) -> int:
        if a.q != b.q:
            return _sign(b.q - a.q)
        a_rank = preferred.index(a.encoding) if a.encoding in preferred else -1
        b_rank = preferred.index(b.encoding) if b.encoding in preferred else -1
        if a_rank == -1 and b_rank == -1:
            return _sign(
                _js_or(b.specificity - a.specificity, a.order - b.order, a.offered - b.offered)
            )
        if a_rank != -1 and b_rank != -1:
            return a_rank - b_rank
        return 1 if a_rank == -1 else -1

    return min(ranked, key=cmp_to_key(compare)).encoding if len(ranked) > 1 else ranked[0].encoding
