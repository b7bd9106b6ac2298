"""``ctx.response``: Koa's Response.

Headers are kept here, with their values' types (``set("X-Count", 3)`` reads
back as ``3``), until the response is written: aiohttp only sees them then,
or at ``await ctx.flush_headers()``. Setting ``body`` follows Koa's rules
(status 200 unless one was set, Content-Type inferred, ``None`` is 204); each
rule is one branch of the ``body`` setter below.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from aiohttp import web

from ._aiohttp import response_ended
from ._body import UNSET, destroy_stream, dump_json, is_stream
from ._http import (
    content_disposition,
    encode_url,
    escape_html,
    vary_append,
    whatwg_fragment,
    whatwg_path,
    whatwg_query,
)
from ._links import alive
from ._mime import content_type, lookup, type_is
from ._wire import wire_pairs
from .http import parse_http_date
from .statuses import EMPTY_STATUSES, REDIRECT_STATUSES, STATUS_CODES

if TYPE_CHECKING:
    from asyncio import Transport

    from .application import Koa
    from .context import Context
    from .request import Request

__all__ = ["BIN", "HTML", "JSON", "TEXT", "HeaderValue", "Response"]

HeaderValue = str | int | float | Sequence[str]

#: The Content-Type given to a str body (``TEXT``, or ``HTML`` when it starts
#: with ``<``), a dict or list body (``JSON``) and a bytes or stream body (``BIN``).
TEXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
BIN = "application/octet-stream"
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")
_ABSOLUTE = re.compile(r"^https?://", re.IGNORECASE)
_HTML_START = re.compile(r"\s*<")
# Headers an error cannot set on its answer (Koa keeps its own type and length).
_ERROR_HEADERS_IGNORED = ("content-type", "content-length")
_STRIP_ON_EMPTY = ("content-type", "content-length", "transfer-encoding")


def _check_header(name: str, value: object) -> None:
    if not isinstance(name, str) or not _TOKEN.match(name):
        raise ValueError(f"Invalid header name: {name!r}")
    values = value if isinstance(value, (list, tuple)) else (value,)
    for item in values:
        if _BAD_VALUE.search(str(item)):
            raise ValueError(
                f"Invalid character in header {name!r}: CR, LF and other control "
                "characters are not allowed in header values"
            )


def _normalize_absolute_url(url: str) -> str:
    # What a WHATWG URL parser does to an http(s) URL that matters here: "\" is
    # "/", scheme and host are lower-cased, the default port is dropped, a bare
    # origin gets its "/" path.
    try:
        parts = urlsplit(url.replace("\\", "/"))
    except ValueError:  # "http://a]b/": no browser can follow it; sent as given
        return url.replace("\\", "/")
    scheme = parts.scheme.lower()
    userinfo, at, host = parts.netloc.rpartition("@")
    host = host.lower()
    if not host.isascii():  # an internationalised name goes out as punycode
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    default_port = ":80" if scheme == "http" else ":443"
    if host.endswith(default_port):
        host = host[: -len(default_port)]
    path = whatwg_path(parts.path)
    query = whatwg_query(parts.query)
    fragment = whatwg_fragment(parts.fragment)
    return urlunsplit((scheme, userinfo + at + host, path, query, fragment))


class Response:
    """The outgoing response, with Koa's API (``ctx.response``)."""

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_body",
        "_ctx",
        "_encoded",
        "_explicit_null_body",
        "_explicit_status",
        "_headers",
        "_message",
        "_res",
        "_status",
        "app",
        "request",
    )

    app: Koa
    #: The request this response answers (a strong link: it outlives ctx).
    request: Request

    def __init__(self, app: Koa, ctx: Context, request: Request) -> None:
        self.app = app
        self._ctx = weakref.ref(ctx)
        self.request = request
        self._status = 404
        self._explicit_status = False
        self._explicit_null_body = False
        self._message: str | None = None
        self._body: Any = UNSET
        self._encoded: bytes | None = None
        self._headers: dict[str, tuple[str, HeaderValue]] = {}
        self._res: web.StreamResponse | None = None

    @property
    def ctx(self) -> Context:
        """The response's Context; a weak link, as ``ctx.request.ctx``."""
        return alive(self._ctx(), "ctx.response.ctx")

    @ctx.setter
    def ctx(self, value: Context) -> None:
        self._ctx = weakref.ref(value)

    # -- status --------------------------------------------------------------

    @property
    def status(self) -> int:
        """The status code, 404 until something sets it. Must be an int from 100
        to 999; ignored once headers are sent. An empty status (204, 205, 304)
        drops the body."""
        return self._status

    @status.setter
    def status(self, code: int) -> None:
        if self.header_sent:
            return
        if not isinstance(code, int) or isinstance(code, bool):
            raise TypeError("status code must be a number")
        if not 100 <= code <= 999:
            raise ValueError(f"invalid status code: {code}")
        self._explicit_status = True
        self._status = code
        self._message = None
        if code in EMPTY_STATUSES and self._body is not None and self._body is not UNSET:
            self.body = None

    @property
    def message(self) -> str:
        """The reason phrase: the one set, else the status table's, else ``""``."""
        return self._message or STATUS_CODES.get(self._status) or ""

    @message.setter
    def message(self, value: str) -> None:
        if "\r" in value or "\n" in value:
            raise ValueError("Invalid character in status message")
        self._message = value

    # -- body ----------------------------------------------------------------

    @property
    def body(self) -> Any:
        """The body: ``str``, ``bytes``, a JSON-able value (dict, list, number,
        bool), a stream (async iterable, aiohttp ``StreamReader``, binary file),
        or ``None`` for an empty response."""
        return None if self._body is UNSET else self._body

    @body.setter
    def body(self, value: Any) -> None:
        original = self._body
        self._body = value
        self._encoded = None
        headers = self._headers

        if value is None or value is UNSET:
            if self._status not in EMPTY_STATUSES:
                if self.type == "application/json":
                    self._body = "null"
                    return
                self.status = 204
            if value is None:
                self._explicit_null_body = True
            for name in _STRIP_ON_EMPTY:
                headers.pop(name, None)
            if original is not UNSET and original is not None and is_stream(original):
                destroy_stream(original)
            return

        if not self._explicit_status:
            # self.status = 200, inlined: this runs on nearly every request.
            res = self._res
            if res is None or not res.prepared:
                self._status = 200
                self._explicit_status = True
                self._message = None
        set_type = "content-type" not in headers

        if isinstance(value, str):
            if set_type:
                headers["content-type"] = (
                    "Content-Type",
                    HTML if _HTML_START.match(value) else TEXT,
                )
            # "replace": a lone surrogate (aiohttp's escape for header bytes that
            # are not UTF-8) cannot be encoded; it becomes "?" instead of a 500.
            self._encoded = encoded = value.encode("utf-8", "replace")
            if "transfer-encoding" not in headers:
                headers["content-length"] = ("Content-Length", len(encoded))
        elif value.__class__ is dict or value.__class__ is list:  # JSON, the next most common
            headers.pop("content-length", None)
            if set_type or "json" not in self.type:
                headers["content-type"] = ("Content-Type", JSON)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            if set_type:
                headers["content-type"] = ("Content-Type", BIN)
            self.length = len(value)
        elif isinstance(value, web.StreamResponse):
            # An aiohttp response as the body (Koa's web Response body): its
            # status and headers become the context's; aiohttp writes it, so a
            # FileResponse keeps its zero-copy sendfile path.
            self.status = value.status
            for name, header_value in value.headers.items():
                if name.lower() not in ("date", "server"):
                    self._headers[name.lower()] = (name, header_value)
        elif isinstance(value, (dict, list)) or not is_stream(value):
            headers.pop("content-length", None)
            if set_type or "json" not in self.type:
                headers["content-type"] = ("Content-Type", JSON)
        else:
            if original is not UNSET and original is not None and original is not value:
                headers.pop("content-length", None)
            if set_type:
                headers["content-type"] = ("Content-Type", BIN)
            return
        # Not a stream any more: release the stream it replaces (fd leak fix, K226).
        if original is not UNSET and original is not None and is_stream(original):
            destroy_stream(original)

    def encoded_body(self) -> bytes | None:
        """The body as the bytes to send, for str, bytes and JSON bodies."""
        body = self._body
        if body is UNSET or body is None:
            return None
        if isinstance(body, bytes):
            return body
        if isinstance(body, str):
            if self._encoded is None:
                self._encoded = body.encode("utf-8", "replace")
            return self._encoded
        if isinstance(body, (bytearray, memoryview)):
            return bytes(body)
        if is_stream(body) or isinstance(body, web.StreamResponse):
            return None
        return dump_json(body)

    @property
    def length(self) -> int | None:
        """``Content-Length`` when set (0 if not a number), else the body's byte
        length; ``None`` for streams and no body. Assigning sets Content-Length
        unless Transfer-Encoding is set."""
        value = self.get("Content-Length")
        if value is not None:
            try:
                return int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return 0
        body = self._body
        if body is UNSET or body is None:
            return None
        if isinstance(body, (str, bytes, bytearray, memoryview)):
            encoded = self.encoded_body()
            return None if encoded is None else len(encoded)
        if is_stream(body) or isinstance(body, web.StreamResponse):
            return None
        return len(dump_json(body))

    @length.setter
    def length(self, value: int) -> None:
        if "transfer-encoding" not in self._headers:
            self._headers["content-length"] = ("Content-Length", value)

    # -- headers -------------------------------------------------------------

    @property
    def headers(self) -> dict[str, HeaderValue]:
        """The outgoing headers, lower-cased names to values (a copy)."""
        return {key: value for key, (_, value) in self._headers.items()}

    header = headers

    def get(self, field: str) -> HeaderValue | None:
        """An outgoing header's value as it was set, or ``None``."""
        entry = self._headers.get(field.lower())
        return None if entry is None else entry[1]

    def has(self, field: str) -> bool:
        """Whether an outgoing header is set (even to ``""``)."""
        return field.lower() in self._headers

    def set(self, field: str | Mapping[str, HeaderValue], value: HeaderValue | None = None) -> None:
        """Set one header, or several from a mapping. Ignored once headers are
        sent. CR, LF and other control characters raise :class:`ValueError`."""
        if self.header_sent:
            return
        if isinstance(field, Mapping):
            for key, val in field.items():
                self.set(key, val)
            return
        if not field:
            return
        if value is None:
            self._headers.pop(field.lower(), None)
            return
        lowered = field.lower()
        if isinstance(value, (list, tuple)):
            if lowered in ("content-type", "content-length"):
                if len(value) != 1:
                    raise ValueError(f"{field} must have exactly one value")
                value = value[0]
            else:
                value = [str(v) for v in value]
        _check_header(field, value)
        self._headers[lowered] = (field, value)

    def append(self, field: str, value: HeaderValue) -> None:
        """Add a value to a header, making it a list when it already had one."""
        previous = self.get(field)
        if previous is not None:
            prev_list = previous if isinstance(previous, list) else [str(previous)]
            new_list = list(value) if isinstance(value, (list, tuple)) else [str(value)]
            value = [*prev_list, *new_list]
        self.set(field, value)

    def remove(self, field: str) -> None:
        """Remove an outgoing header. Ignored once headers are sent."""
        if self.header_sent:
            return
        self._headers.pop(field.lower(), None)

    def vary(self, field: str | Sequence[str]) -> None:
        """Add *field* (or several) to ``Vary``, once each."""
        if self.header_sent:
            return
        fields = [field] if isinstance(field, str) else list(field)
        current = self.get("Vary")
        self.set("Vary", vary_append(str(current) if current is not None else "", fields))

    @property
    def type(self) -> str:
        """The Content-Type without parameters (``""`` when none). Assign an
        extension, shorthand or type (``"json"``, ``".png"``, ``"text/html"``);
        text-like types get ``charset=utf-8``; an unknown value or ``None``
        removes the header."""
        entry = self._headers.get("content-type")
        if entry is None:
            return ""
        return str(entry[1]).split(";", 1)[0].strip()

    @type.setter
    def type(self, value: str | None) -> None:
        full = content_type(value) if value else None
        if full:
            self.set("Content-Type", full)
        else:
            self.remove("Content-Type")

    def is_(self, *types: str | Sequence[str]) -> str | bool:
        """Whether the response type is one of *types* (type-is), as ``ctx.request.is_``."""
        flat = [t for t in types if isinstance(t, str)]
        if len(types) == 1 and not isinstance(types[0], str):
            flat = list(types[0])
        entry = self._headers.get("content-type")
        return type_is(str(entry[1]) if entry else None, flat)

    @property
    def last_modified(self) -> datetime | None:
        """``Last-Modified`` as a datetime; assign a datetime or an HTTP date string."""
        value = self.get("Last-Modified")
        if value is None:
            return None
        return parse_http_date(str(value))

    @last_modified.setter
    def last_modified(self, value: datetime | str) -> None:
        if isinstance(value, str):
            value = parsedate_to_datetime(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        self.set("Last-Modified", formatdate(value.timestamp(), usegmt=True))

    @property
    def etag(self) -> str:
        """``ETag``; a value not already quoted (or ``W/"..."``) gets quotes."""
        value = self.get("ETag")
        return "" if value is None else str(value)

    @etag.setter
    def etag(self, value: str) -> None:
        if not (value.startswith('"') or value.startswith('W/"')):
            value = f'"{value}"'
        self.set("ETag", value)

    # -- redirects and downloads ---------------------------------------------

    def redirect(self, url: str, alt: str | None = None) -> None:
        """Redirect to *url*: ``Location`` (percent-encoded, so it can never
        split a header), status 302 unless a redirect status is set, and a short
        HTML or text body. ``redirect("back", alt)`` is :meth:`back`."""
        if url == "back":
            self.back(alt)
            return
        if _ABSOLUTE.match(url):
            url = _normalize_absolute_url(url)
        self.set("Location", encode_url(url))
        if self._status not in REDIRECT_STATUSES:
            self.status = 302
        if self.request.accepts("html"):
            self.type = HTML
            self.body = f"Redirecting to {escape_html(url)}."
        else:
            self.type = TEXT
            self.body = f"Redirecting to {url}."

    def back(self, alt: str | None = None) -> None:
        """Redirect to the Referer when it is on this host, else to *alt* or ``/``
        (never to another site: the open-redirect fix of Koa 3)."""
        referrer = self.request.get("Referrer")
        if referrer and self._same_host(referrer):
            self.redirect(referrer)
            return
        self.redirect(alt or "/")

    def _same_host(self, referrer: str) -> bool:
        # Resolve the way a browser would: tabs and newlines vanish, "\" is "/".
        cleaned = referrer.strip().replace("\t", "").replace("\n", "").replace("\r", "")
        cleaned = cleaned.replace("\\", "/")
        try:
            if cleaned.startswith("//") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", cleaned):
                parts = urlsplit(cleaned if not cleaned.startswith("//") else "http:" + cleaned)
                host = parts.netloc.rpartition("@")[2].lower()
                default = {"http": ":80", "https": ":443"}.get(parts.scheme.lower())
                if default and host.endswith(default):
                    host = host[: -len(default)]
                # Only http(s): "javascript://this-host/..." names this host too.
                return bool(host) and default is not None and host == self.request.host.lower()
        except ValueError:
            return False
        return True  # a relative reference stays on this host

    def attachment(
        self,
        filename: str | None = None,
        *,
        type: str = "attachment",
        fallback: str | bool = True,
    ) -> None:
        """Set ``Content-Disposition`` for a download; with a *filename* and no
        Content-Type yet, the type follows its extension."""
        if filename and "content-type" not in self._headers:
            self.type = lookup(filename) or None
        self.set("Content-Disposition", content_disposition(filename, type=type, fallback=fallback))

    # -- what respond() and error answers change -----------------------------

    def _answer_error(self, status: int, text: str, headers: Mapping[Any, Any] | None) -> None:
        """Become the answer to an error (Koa's ``ctx.onerror``): every header
        set so far dropped, the error's *headers* applied (except
        Content-Type/Length and values that are not valid), *status* and
        *text* as plain text."""
        stored = self._headers
        stored.clear()
        if headers:
            for name, value in headers.items():
                if str(name).lower() not in _ERROR_HEADERS_IGNORED:
                    try:
                        self.set(str(name), value)
                    except ValueError:
                        pass
        self._status = status
        self._explicit_status = True
        self._message = None
        stored["content-type"] = ("Content-Type", TEXT)
        self._body = text
        self._encoded = encoded = text.encode("utf-8", "replace")
        stored["content-length"] = ("Content-Length", len(encoded))

    def _head_length(self) -> None:
        """A HEAD answer announces the length its body would have had, unless
        Content-Length was set."""
        stored = self._headers
        if "content-length" not in stored:
            length = self.length
            if isinstance(length, int):
                stored["content-length"] = ("Content-Length", length)

    def _no_body(self) -> None:
        """``body = None`` was assigned: an empty answer, Content-Length 0."""
        stored = self._headers
        stored.pop("content-type", None)
        stored.pop("transfer-encoding", None)
        stored["content-length"] = ("Content-Length", 0)

    def _default_body(self, text: bytes) -> None:
        """No body was set: *text* (the status message) goes out as plain text."""
        self._headers["content-type"] = ("Content-Type", TEXT)
        self._headers["content-length"] = ("Content-Length", len(text))

    # -- connection state ----------------------------------------------------

    @property
    def res(self) -> web.StreamResponse:
        """The aiohttp response object, created on first use. With
        ``ctx.respond = False`` the middleware prepares and writes it itself (or
        assigns another, such as a ``WebSocketResponse``)."""
        if self._res is None:
            self._res = web.StreamResponse(status=self._status if self._status != 404 else 200)
        return self._res

    @res.setter
    def res(self, value: web.StreamResponse) -> None:
        self._res = value

    @property
    def header_sent(self) -> bool:
        """Whether the status line and headers have been sent."""
        res = self._res
        return res is not None and res.prepared

    @property
    def socket(self) -> Transport | None:
        """The connection's transport (``None`` once closed)."""
        return self.request.req.transport  # type: ignore[return-value,unused-ignore]

    @property
    def writable(self) -> bool:
        """False once the response has ended or the client has gone away."""
        res = self._res
        if res is not None and res.prepared and response_ended(res):
            return False
        transport = self.request.req.transport
        return transport is not None and not transport.is_closing()

    async def flush_headers(self) -> None:
        """Send the status line and headers now (for server-sent events and long
        responses). Later header changes are ignored; the body still follows.
        Unlike Koa's, this is a coroutine: ``await ctx.flush_headers()``."""
        if self.header_sent:
            return
        res = self.res
        res.set_status(self._status, self._message or STATUS_CODES.get(self._status) or "")
        res.headers.extend(self.wire_headers())
        await res.prepare(self.request.req)

    def wire_headers(self) -> list[tuple[str, str]]:
        """The headers as aiohttp writes them: (name, str value) pairs."""
        return wire_pairs(self._headers)

    # -- inspection ----------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """``{"status", "message", "header"}``, as Koa's ``response.toJSON()``."""
        return {"status": self._status, "message": self.message, "header": self.headers}

    def __repr__(self) -> str:
        return f"<Response {dict(self.to_json(), body=self.body)!r}>"
