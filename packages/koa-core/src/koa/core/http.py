"""Small HTTP helpers for middleware, koa-core's own packages and yours.

Koa's npm middleware share little helpers through tiny npm packages
(``decode-uri-component``, ``statuses``, ...); here they are one public
module, so that a middleware package needs nothing but koa-core's public API::

    from koa.core.http import EMPTY_STATUSES, client_gone, decode_uri_component

Each helper is a plain function of a few lines, safe to call on every request.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from .statuses import EMPTY_STATUSES

if TYPE_CHECKING:
    from aiohttp.web_request import BaseRequest

__all__ = [
    "EMPTY_STATUSES",
    "client_gone",
    "decode_uri_component",
    "parse_http_date",
    "safe_decode_uri_component",
]

# A run of %XX escapes: decoded as one UTF-8 byte string. Written with a
# literal "%" first (not "(?:%XX)+") so the engine skips to each "%" at once:
# 2.5-5x faster on text with few escapes, what paths mostly are.
_ESCAPES = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")


def decode_uri_component(text: str) -> str:
    """JavaScript's ``decodeURIComponent``: ``%XX`` escapes are UTF-8 bytes,
    ``+`` stays ``+``.

    Raises :class:`ValueError` for a ``%`` that does not start an escape
    (``100%``, ``%zz``) and for escapes that are not valid UTF-8 (``%FF``),
    where JavaScript throws ``URIError``; answer those with a 400.
    """
    if "%" not in text:
        return text
    output: list[str] = []
    position = 0
    for match in _ESCAPES.finditer(text):
        chunk = text[position : match.start()]
        if "%" in chunk:
            raise ValueError(f"malformed percent escape in {text!r}")
        output.append(chunk)
        # A UnicodeDecodeError (a ValueError) for bytes that are not UTF-8.
        output.append(bytes.fromhex(match.group().replace("%", "")).decode("utf-8"))
        position = match.end()
    tail = text[position:]
    if "%" in tail:
        raise ValueError(f"malformed percent escape in {text!r}")
    output.append(tail)
    return "".join(output)


def safe_decode_uri_component(text: str) -> str:
    """:func:`decode_uri_component`, but *text* comes back unchanged where
    that would raise (``100%`` stays ``100%``), as koa-router's
    ``safeDecodeURIComponent`` and the ``qs`` parser do."""
    if "%" not in text:
        return text
    try:
        return decode_uri_component(text)
    except ValueError:
        return text


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP date (``Last-Modified``, ``If-Modified-Since``, ...) as a
    :class:`~datetime.datetime`, or ``None`` when *value* is empty or not a
    date. Dates with a zone (as HTTP dates are: GMT) are aware; a zone-less
    or ``-0000`` date gives a naive datetime, which does not compare with
    aware ones: check ``tzinfo`` when that matters."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):  # year 99999999999
        return None


def client_gone(req: BaseRequest) -> bool:
    """Whether the client of *req* (``ctx.req``) has closed its connection,
    or it is closing: a response written now would go nowhere."""
    transport = req.transport
    return transport is None or transport.is_closing()
