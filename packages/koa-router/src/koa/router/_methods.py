"""HTTP method names known to the router."""

from __future__ import annotations

from typing import Final

__all__ = ["ALL_METHODS", "DEFAULT_METHODS"]

#: Node's ``http.METHODS`` (Node 20): what ``router.all()`` registers.
ALL_METHODS: Final = (
    "ACL",
    "BIND",
    "CHECKOUT",
    "CONNECT",
    "COPY",
    "DELETE",
    "GET",
    "HEAD",
    "LINK",
    "LOCK",
    "M-SEARCH",
    "MERGE",
    "MKACTIVITY",
    "MKCALENDAR",
    "MKCOL",
    "MOVE",
    "NOTIFY",
    "OPTIONS",
    "PATCH",
    "POST",
    "PROPFIND",
    "PROPPATCH",
    "PURGE",
    "PUT",
    "QUERY",
    "REBIND",
    "REPORT",
    "SEARCH",
    "SOURCE",
    "SUBSCRIBE",
    "TRACE",
    "UNBIND",
    "UNLINK",
    "UNLOCK",
    "UNSUBSCRIBE",
)

#: The methods a router implements unless told otherwise (for 501 answers).
DEFAULT_METHODS: Final = ("HEAD", "OPTIONS", "GET", "PUT", "PATCH", "POST", "DELETE")
