"""``ctx``: one request's context, handed to every middleware.

Koa delegates dozens of ``ctx.*`` names to ``ctx.request`` and
``ctx.response``; here each one is written out as a property or method, so
they are greppable, documented and visible to type checkers. Request-side
names read the request; ``ctx.length``, ``ctx.type`` and ``ctx.headers``-like
names follow Koa exactly (``ctx.headers`` are the *request* headers).

Middleware may add attributes (``ctx.user = ...``), though ``ctx.state`` is
the conventional place for per-request data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NoReturn, overload

from aiohttp import web
from aiohttp.web_request import BaseRequest
from multidict import CIMultiDictProxy
from yarl import URL

from .cookies import Cookies, Keygrip
from .errors import create_error
from .response import HeaderValue
from .statuses import STATUS_CODES

if TYPE_CHECKING:
    from asyncio import Transport

    from .application import Koa
    from .request import QueryValue, Request
    from .response import Response

__all__ = ["Context"]


def _error_status(err: BaseException) -> int:
    for attr in ("status", "status_code"):
        status = getattr(err, attr, None)
        if status:
            break
    if isinstance(err, FileNotFoundError) and not status:
        status = 404
    if not isinstance(status, int) or isinstance(status, bool) or status not in STATUS_CODES:
        return 500
    return status


class Context:
    """The context of one request: ``ctx.request``, ``ctx.response``, the app,
    per-request ``state``, and shortcuts to the most used members of both."""

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_cookies",
        "_state",
        "app",
        "original_url",
        "req",
        "request",
        "respond",
        "response",
    )

    app: Koa
    req: BaseRequest
    request: Request
    response: Response
    #: Set to ``False`` to write the response yourself through ``ctx.res``
    #: (WebSocket, server-sent events); Koa then leaves it alone.
    respond: bool
    #: The request target as received; never changes.
    original_url: str

    def __init__(self, app: Koa, req: BaseRequest) -> None:
        self.app = app
        self.req = req
        self.respond = True
        self._state: dict[str, Any] | None = None
        self._cookies: Cookies | None = None
        request = self.request = app.request(app, self, req)
        self.response = app.response(app, self, request)
        self.original_url = request.original_url

    # -- own members ---------------------------------------------------------

    @property
    def state(self) -> dict[str, Any]:
        """A dict for passing data between middleware (and to views)."""
        state = self._state
        if state is None:
            state = self._state = {}
        return state

    @state.setter
    def state(self, value: dict[str, Any]) -> None:
        self._state = value

    @property
    def cookies(self) -> Cookies:
        """Request cookies and ``Set-Cookie`` (signed with ``app.keys``)."""
        cookies = self._cookies
        if cookies is None:
            keys = self.app.keys
            grip = keys if isinstance(keys, Keygrip) or keys is None else Keygrip(keys)
            cookies = self._cookies = Cookies(self, grip, self.request.secure)
        return cookies

    @cookies.setter
    def cookies(self, value: Cookies) -> None:
        self._cookies = value

    @property
    def res(self) -> web.StreamResponse:
        """The aiohttp response (see :attr:`respond`)."""
        return self.response.res

    @res.setter
    def res(self, value: web.StreamResponse) -> None:
        self.response.res = value

    def throw(self, *args: Any, **props: Any) -> NoReturn:
        """Raise an HTTP error: ``ctx.throw(400)``, ``ctx.throw(400, "name
        required")``, ``ctx.throw(401, "login", user=user)``,
        ``ctx.throw(422, exc)``. A status is only read in first position."""
        raise create_error(*args, **props)

    def assert_(
        self, value: object, status: int = 500, message: str | None = None, **props: Any
    ) -> None:
        """``ctx.throw(status, message, **props)`` unless *value* is truthy."""
        if not value:
            raise create_error(status, *([message] if message is not None else []), **props)

    def onerror(self, err: BaseException | None) -> None:
        """Turn *err* into the error response (Koa's ``ctx.onerror``).

        Emits ``"error"`` on the app, drops every header set so far, applies the
        error's own ``headers`` (except Content-Type/Length) and answers with its
        status and, when ``expose`` is true, its message, as plain text. When the
        headers were already sent, it can only emit and close the connection.
        """
        if err is None:
            return
        if not isinstance(err, BaseException):  # Koa's "non-error thrown"
            text = json.dumps(err, default=repr, separators=(",", ":"))  # type: ignore[unreachable]
            err = TypeError(f"non-error thrown: {text}")
        response = self.response
        if response.header_sent or not response.writable:
            err.header_sent = True  # type: ignore[attr-defined]
            self.app.emit("error", err, self)
            transport = self.req.transport
            if transport is not None:
                transport.close()
            return
        self.app.emit("error", err, self)

        extra = getattr(err, "headers", None)
        status = _error_status(err)
        if getattr(err, "expose", False):
            message = getattr(err, "message", None)
            text = message if isinstance(message, str) else str(err)
        else:
            text = STATUS_CODES[status]
        response._answer_error(status, text, extra if isinstance(extra, Mapping) else None)

    # -- request aliases -----------------------------------------------------

    @property
    def header(self) -> CIMultiDictProxy[str]:
        """Request headers (``ctx.request.header``)."""
        return self.request.headers

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """Request headers (``ctx.request.headers``)."""
        return self.request.headers

    @property
    def method(self) -> str:
        """Request method (``ctx.request.method``); assignable."""
        return self.request.method

    @method.setter
    def method(self, value: str) -> None:
        self.request.method = value

    @property
    def url(self) -> str:
        """Request URL (``ctx.request.url``); assignable."""
        return self.request.url

    @url.setter
    def url(self, value: str) -> None:
        self.request.url = value

    @property
    def origin(self) -> str | None:
        """The ``Origin`` request header (``ctx.request.origin``)."""
        return self.request.origin

    @property
    def href(self) -> str:
        """Full request URL (``ctx.request.href``)."""
        return self.request.href

    @property
    def path(self) -> str:
        """Request path (``ctx.request.path``); assignable."""
        return self.request.path

    @path.setter
    def path(self, value: str) -> None:
        self.request.path = value

    @property
    def query(self) -> dict[str, QueryValue]:
        """Parsed query (``ctx.request.query``); assignable."""
        return self.request.query

    @query.setter
    def query(self, value: Mapping[str, Any]) -> None:
        self.request.query = value

    @property
    def querystring(self) -> str:
        """Raw query string (``ctx.request.querystring``); assignable."""
        return self.request.querystring

    @querystring.setter
    def querystring(self, value: str) -> None:
        self.request.querystring = value

    @property
    def search(self) -> str:
        """``?`` + query string (``ctx.request.search``); assignable."""
        return self.request.search

    @search.setter
    def search(self, value: str) -> None:
        self.request.search = value

    @property
    def host(self) -> str:
        """Host with port (``ctx.request.host``)."""
        return self.request.host

    @property
    def hostname(self) -> str:
        """Host without port (``ctx.request.hostname``)."""
        return self.request.hostname

    @property
    def URL(self) -> URL | None:
        """Parsed request URL (``ctx.request.URL``)."""
        return self.request.URL

    @property
    def fresh(self) -> bool:
        """Conditional-GET freshness (``ctx.request.fresh``)."""
        return self.request.fresh

    @property
    def stale(self) -> bool:
        """``not ctx.fresh``."""
        return self.request.stale

    @property
    def protocol(self) -> str:
        """``http`` or ``https`` (``ctx.request.protocol``)."""
        return self.request.protocol

    @property
    def secure(self) -> bool:
        """Whether the request came over HTTPS (``ctx.request.secure``)."""
        return self.request.secure

    @property
    def ip(self) -> str:
        """Client address (``ctx.request.ip``); assignable."""
        return self.request.ip

    @ip.setter
    def ip(self, value: str) -> None:
        self.request.ip = value

    @property
    def ips(self) -> list[str]:
        """Proxy address chain (``ctx.request.ips``)."""
        return self.request.ips

    @property
    def subdomains(self) -> list[str]:
        """Subdomains (``ctx.request.subdomains``)."""
        return self.request.subdomains

    @property
    def idempotent(self) -> bool:
        """Whether the method is idempotent (``ctx.request.idempotent``)."""
        return self.request.idempotent

    @property
    def socket(self) -> Transport | None:
        """The connection's transport (``ctx.request.socket``)."""
        return self.request.socket

    def is_(self, *types: str | Sequence[str]) -> str | bool | None:
        """Request body type check (``ctx.request.is_``)."""
        return self.request.is_(*types)

    @overload
    def accepts(self) -> list[str]: ...
    @overload
    def accepts(self, type: str | Sequence[str], /, *types: str) -> str | Literal[False]: ...
    def accepts(self, *types: str | Sequence[str]) -> list[str] | str | bool:
        """Content negotiation on Accept (``ctx.request.accepts``)."""
        return self.request.accepts(*types)  # type: ignore[arg-type,unused-ignore]

    @overload
    def accepts_encodings(self) -> list[str]: ...
    @overload
    def accepts_encodings(
        self, encoding: str | Sequence[str], /, *encodings: str
    ) -> str | Literal[False]: ...
    def accepts_encodings(self, *encodings: str | Sequence[str]) -> list[str] | str | bool:
        """Negotiation on Accept-Encoding (``ctx.request.accepts_encodings``)."""
        return self.request.accepts_encodings(*encodings)  # type: ignore[arg-type,unused-ignore]

    @overload
    def accepts_charsets(self) -> list[str]: ...
    @overload
    def accepts_charsets(
        self, charset: str | Sequence[str], /, *charsets: str
    ) -> str | Literal[False]: ...
    def accepts_charsets(self, *charsets: str | Sequence[str]) -> list[str] | str | bool:
        """Negotiation on Accept-Charset (``ctx.request.accepts_charsets``)."""
        return self.request.accepts_charsets(*charsets)  # type: ignore[arg-type,unused-ignore]

    @overload
    def accepts_languages(self) -> list[str]: ...
    @overload
    def accepts_languages(
        self, language: str | Sequence[str], /, *languages: str
    ) -> str | Literal[False]: ...
    def accepts_languages(self, *languages: str | Sequence[str]) -> list[str] | str | bool:
        """Negotiation on Accept-Language (``ctx.request.accepts_languages``)."""
        return self.request.accepts_languages(*languages)  # type: ignore[arg-type,unused-ignore]

    def get(self, field: str) -> str:
        """A request header, ``""`` when absent (``ctx.request.get``)."""
        return self.request.get(field)

    # -- response aliases ----------------------------------------------------

    @property
    def body(self) -> Any:
        """Response body (``ctx.response.body``); assignable."""
        return self.response.body

    @body.setter
    def body(self, value: Any) -> None:
        self.response.body = value

    @property
    def status(self) -> int:
        """Response status (``ctx.response.status``); assignable."""
        return self.response.status

    @status.setter
    def status(self, value: int) -> None:
        self.response.status = value

    @property
    def message(self) -> str:
        """Response reason phrase (``ctx.response.message``); assignable."""
        return self.response.message

    @message.setter
    def message(self, value: str) -> None:
        self.response.message = value

    @property
    def length(self) -> int | None:
        """Response Content-Length (``ctx.response.length``); assignable."""
        return self.response.length

    @length.setter
    def length(self, value: int) -> None:
        self.response.length = value

    @property
    def type(self) -> str:
        """Response Content-Type without parameters (``ctx.response.type``); assignable."""
        return self.response.type

    @type.setter
    def type(self, value: str | None) -> None:
        self.response.type = value

    @property
    def last_modified(self) -> datetime | None:
        """Response Last-Modified (``ctx.response.last_modified``); assignable."""
        return self.response.last_modified

    @last_modified.setter
    def last_modified(self, value: datetime | str) -> None:
        self.response.last_modified = value

    @property
    def etag(self) -> str:
        """Response ETag (``ctx.response.etag``); assignable."""
        return self.response.etag

    @etag.setter
    def etag(self, value: str) -> None:
        self.response.etag = value

    @property
    def header_sent(self) -> bool:
        """Whether headers were sent (``ctx.response.header_sent``)."""
        return self.response.header_sent

    @property
    def writable(self) -> bool:
        """Whether the response can still be written (``ctx.response.writable``)."""
        return self.response.writable

    def redirect(self, url: str, alt: str | None = None) -> None:
        """Redirect (``ctx.response.redirect``)."""
        self.response.redirect(url, alt)

    def back(self, alt: str | None = None) -> None:
        """Redirect back to a same-host Referer (``ctx.response.back``)."""
        self.response.back(alt)

    def attachment(
        self, filename: str | None = None, *, type: str = "attachment", fallback: str | bool = True
    ) -> None:
        """Content-Disposition for downloads (``ctx.response.attachment``)."""
        self.response.attachment(filename, type=type, fallback=fallback)

    def set(self, field: str | Mapping[str, HeaderValue], value: HeaderValue | None = None) -> None:
        """Set response header(s) (``ctx.response.set``)."""
        self.response.set(field, value)

    def append(self, field: str, value: HeaderValue) -> None:
        """Append to a response header (``ctx.response.append``)."""
        self.response.append(field, value)

    def remove(self, field: str) -> None:
        """Remove a response header (``ctx.response.remove``)."""
        self.response.remove(field)

    def has(self, field: str) -> bool:
        """Whether a response header is set (``ctx.response.has``)."""
        return self.response.has(field)

    def vary(self, field: str | Sequence[str]) -> None:
        """Add to the Vary header (``ctx.response.vary``)."""
        self.response.vary(field)

    async def flush_headers(self) -> None:
        """Send headers now (``await ctx.response.flush_headers()``)."""
        await self.response.flush_headers()

    # -- inspection ----------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Koa's ``ctx.toJSON()``: request, response, app and original URL."""
        return {
            "request": self.request.to_json(),
            "response": self.response.to_json(),
            "app": self.app.to_json(),
            "original_url": self.original_url,
            "req": "<original aiohttp request>",
            "res": "<original aiohttp response>",
            "socket": "<original transport>",
        }

    def __repr__(self) -> str:
        return f"<Context {self.request.method} {self.request.url}>"
