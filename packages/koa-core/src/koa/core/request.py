"""``ctx.request``: Koa's Request, over an aiohttp request.

URL parts come from aiohttp's *raw* request target, so ``path``,
``querystring`` and ``url`` are undecoded, as in Koa. Header access is
case-insensitive. Values that cost something to compute (``query``, ``ip``)
are computed once per request, on first use.
"""

from __future__ import annotations

import ipaddress
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

from aiohttp.web_request import BaseRequest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from . import _negotiation as negotiation
from ._aiohttp import request_head, tls_context
from ._http import is_fresh, whatwg_fragment, whatwg_path, whatwg_query
from ._links import alive
from ._mime import type_is

if TYPE_CHECKING:
    from asyncio import Transport

    from .application import Koa
    from .context import Context
    from .response import Response

__all__ = ["QueryValue", "Request", "parse_query", "stringify_query"]

#: A parsed query value: a str, or a list of them for a repeated key.
QueryValue = str | list[str]
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_UNSET: Any = object()
# WHATWG URL "forbidden domain code points" (IPv6 literals are checked by yarl).
_FORBIDDEN_HOST = frozenset(" \t\r\n#%/:<>?@[\\]^|\x00\x7f")


def parse_query(querystring: str) -> dict[str, QueryValue]:
    """Parse a query string as Koa does (URLSearchParams: ``+`` is a space, no
    nesting; a repeated key gives a list; ``a`` and ``a=`` give ``""``; one
    leading ``?`` is dropped, so ``/??a=1`` gives ``{"a": "1"}``)."""
    if querystring[:1] == "?":
        querystring = querystring[1:]
    query: dict[str, QueryValue] = {}
    for key, value in parse_qsl(querystring, keep_blank_values=True):
        current = query.get(key)
        if current is None:
            query[key] = value
        elif isinstance(current, list):
            current.append(value)
        else:
            query[key] = [current, value]
    return query


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return ""


def _encode(text: str) -> str:
    return quote_plus(text, safe="*").replace("~", "%7E")


def stringify_query(query: Mapping[str, Any]) -> str:
    """Serialise a flat mapping: lists become repeated keys, other non-scalar
    values an empty value (Koa's ``ctx.query =``)."""
    parts: list[str] = []
    for key, value in query.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        parts.extend(f"{_encode(str(key))}={_encode(_query_value(v))}" for v in values)
    return "&".join(parts)


# Node's http module keeps only the first line of these request fields.
_SINGLETONS = frozenset(
    {
        "age",
        "authorization",
        "content-length",
        "content-type",
        "etag",
        "expires",
        "from",
        "host",
        "if-modified-since",
        "if-unmodified-since",
        "last-modified",
        "location",
        "max-forwards",
        "proxy-authorization",
        "referer",
        "retry-after",
        "server",
        "user-agent",
    }
)
# multidict 7 counts a repeated name once in keys(); older releases count lines.
_KEYS_ARE_UNIQUE = len(CIMultiDict((("a", ""), ("A", ""))).keys()) == 1


def _combine(name: str, values: list[str]) -> str:
    """The value Node's ``req.headers`` gives a field sent on several lines."""
    lowered = name.lower()
    if lowered in _SINGLETONS:
        return values[0]
    return ("; " if lowered == "cookie" else ", ").join(values)


def _field(headers: CIMultiDictProxy[str], name: str) -> str | None:
    """One request field as Node reads it: repeated lines combined."""
    values = headers.getall(name, None)
    if values is None:
        return None
    return values[0] if len(values) == 1 else _combine(name, values)


def _repeats(headers: CIMultiDictProxy[str]) -> bool:
    if _KEYS_ARE_UNIQUE:
        return len(headers.keys()) != len(headers)
    return len({name.lower() for name in headers}) != len(headers)


def _combined(headers: CIMultiDictProxy[str]) -> CIMultiDictProxy[str]:
    """*headers* with each repeated field on one line, as Node's ``req.headers``
    (``Set-Cookie`` stays one line per cookie: Node's list)."""
    merged: CIMultiDict[str] = CIMultiDict()
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == "set-cookie" or name not in merged:
            merged.add(name, value)
        elif lowered not in _SINGLETONS:
            merged[name] += ("; " if lowered == "cookie" else ", ") + value
    return CIMultiDictProxy(merged)


def _strip_userinfo(host: str) -> str:
    host = host.rsplit("@", 1)[1]
    if not host or any(c in host for c in "/?#\\ \t"):
        return ""
    return host


def _flat(args: tuple[str | Sequence[str], ...]) -> list[str]:
    if len(args) == 1 and not isinstance(args[0], str):
        return list(args[0])
    return [a for a in args if isinstance(a, str)]


class Request:
    """The incoming request, with Koa's API (``ctx.request``)."""

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_ctx",
        "_headers",
        "_ip",
        "_method",
        "_query",
        "_query_key",
        "_url",
        "app",
        "original_url",
        "req",
    )

    app: Koa
    req: BaseRequest
    # Not a slot: a class default read until ``headers`` first sets it (in
    # ``__dict__``), so a request that never reads ``headers`` pays nothing.
    _checked_repeats = False
    #: The request target as received; never changes when ``url`` is rewritten.
    original_url: str

    def __init__(self, app: Koa, ctx: Context, req: BaseRequest) -> None:
        self.app = app
        self._ctx = weakref.ref(ctx)
        self.req = req
        # The raw target, method and headers, in one C call (see _aiohttp).
        url, self._method, self._headers = request_head(req)
        self.original_url = self._url = url
        self._query_key: str | None = None
        self._query: dict[str, QueryValue] = {}
        self._ip: str = _UNSET

    # -- links ---------------------------------------------------------------

    @property
    def ctx(self) -> Context:
        """The request's Context. A weak link (see :mod:`koa.core._links`): keep
        ``ctx``, not ``ctx.request`` alone, for as long as you need it."""
        return alive(self._ctx(), "ctx.request.ctx")

    @ctx.setter
    def ctx(self, value: Context) -> None:
        self._ctx = weakref.ref(value)

    @property
    def response(self) -> Response:
        """The request's Response: ``ctx.response``, through the weak ``ctx``."""
        return alive(self._ctx(), "ctx.request.response").response

    # -- headers -------------------------------------------------------------

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The request headers (case-insensitive). A field sent on several lines
        reads as Node's ``req.headers`` gives it: joined with ``", "`` (Cookie
        with ``"; "``), the first line of a singleton field (Host, Content-Type,
        Authorization...), every ``Set-Cookie`` line kept (``getall()``).
        Assign a mapping to replace them."""
        headers = self._headers
        if not self._checked_repeats:  # once, on first use: no cost per request
            self._checked_repeats = True
            if _repeats(headers):
                headers = self._headers = _combined(headers)
        return headers

    @headers.setter
    def headers(self, value: Mapping[str, str]) -> None:
        self._headers = CIMultiDictProxy(CIMultiDict(value))
        self._checked_repeats = False

    header = headers

    def get(self, field: str) -> str:
        """A request header's value, ``""`` when absent; repeated lines combined
        as in ``headers`` (``Set-Cookie`` lines joined with ``", "``).
        ``Referer`` and ``Referrer`` are the same header here."""
        headers = self._headers
        lowered = field.lower()
        if lowered == "referer" or lowered == "referrer":
            return _field(headers, "Referrer") or _field(headers, "Referer") or ""
        values = headers.getall(field, None)
        if values is None:
            return ""
        return values[0] if len(values) == 1 else _combine(field, values)

    # -- method and URL ------------------------------------------------------

    @property
    def method(self) -> str:
        """The request method; assignable (method override)."""
        return self._method

    @method.setter
    def method(self, value: str) -> None:
        self._method = value

    @property
    def url(self) -> str:
        """The request target (path and query), undecoded; assignable to rewrite
        the routing target (``original_url`` keeps the original)."""
        return self._url

    @url.setter
    def url(self, value: str) -> None:
        self._url = value

    def _split(self) -> tuple[str, str]:
        url = self._url
        if url.startswith("/"):
            path, _, query = url.partition("#")[0].partition("?")
            return path, query
        try:
            parts = urlsplit(url)
        except ValueError:
            return url, ""
        return parts.path, parts.query

    def _join(self, path: str, query: str, bare_mark: bool = False) -> None:
        # bare_mark: keep a "?" with nothing after it ("/a?"), as Koa's path
        # setter does (its querystring setter drops it).
        if self._url.startswith("/") or not self._url:
            _, hash_sign, fragment = self._url.partition("#")
            mark = "?" if query or bare_mark else ""
            self._url = path + mark + query + hash_sign + fragment
            return
        parts = urlsplit(self._url)
        self._url = urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))

    @property
    def path(self) -> str:
        """The URL path, not percent-decoded; assignable (keeps the query)."""
        url = self._url
        if url[:1] == "/" and "?" not in url and "#" not in url:
            return url  # nothing to split off (most requests)
        return self._split()[0]

    @path.setter
    def path(self, value: str) -> None:
        current, query = self._split()
        if current != value:
            self._join(value, query, bare_mark="?" in self._url.partition("#")[0])

    @property
    def querystring(self) -> str:
        """The raw query string without ``?``; assignable."""
        url = self._url
        index = url.find("?")
        if index < 0:
            return ""
        if url.startswith("/"):
            if 0 <= url.find("#") < index:  # "/a#b?c": the "?" is in the fragment
                return ""
            return url[index + 1 :].partition("#")[0]
        return self._split()[1]

    @querystring.setter
    def querystring(self, value: str) -> None:
        path, current = self._split()
        if current != value:
            self._join(path, value)

    @property
    def search(self) -> str:
        """``"?" + querystring``, or ``""``; assignable with or without ``?``."""
        qs = self.querystring
        return "?" + qs if qs else ""

    @search.setter
    def search(self, value: str) -> None:
        self.querystring = value[1:] if value.startswith("?") else value

    @property
    def query(self) -> dict[str, QueryValue]:
        """The parsed query string: ``str`` values, ``list[str]`` for repeated
        keys. The same dict is returned until the query string changes, so
        changes made to it stick. Assign a mapping to rewrite the query string."""
        qs = self.querystring
        if qs != self._query_key:
            self._query = parse_query(qs)
            self._query_key = qs
        return self._query

    @query.setter
    def query(self, value: Mapping[str, Any]) -> None:
        self.querystring = stringify_query(value)

    @property
    def origin(self) -> str | None:
        """The ``Origin`` request header, or ``None`` (Koa 3: not protocol+host)."""
        return _field(self._headers, "Origin")

    @property
    def href(self) -> str:
        """The full URL: protocol, host and ``original_url``."""
        original = self.original_url
        if original[:7].lower() == "http://" or original[:8].lower() == "https://":
            return original
        return f"{self.protocol}://{self.host}{original}"

    @property
    def URL(self) -> URL | None:
        """The request URL parsed (``yarl.URL``), or ``None`` when it cannot be.
        Path, query and fragment are kept as sent, as Koa's WHATWG ``URL``
        keeps them (``?a[b]=1``, ``%7e``), only percent-encoding what may not
        appear and resolving ``.``/``..`` segments; yarl drops a bare ``?``."""
        try:
            original = self.original_url
            if original[:7].lower() == "http://" or original[:8].lower() == "https://":
                url = URL(original)
                parts = urlsplit(original)
                path, query, fragment = parts.path, parts.query, parts.fragment
            else:
                url = URL(f"{self.protocol}://{self.host}{original}")
                before, _, fragment = original.partition("#")
                path, _, query = before.partition("?")
        except (ValueError, TypeError):
            return None
        # yarl is lenient where a WHATWG parser (Koa's) fails: no host at all, or
        # a host with forbidden code points ("invalid host", "a<b").
        host = url.raw_host
        if not host or (":" not in host and not _FORBIDDEN_HOST.isdisjoint(host)):
            return None
        try:
            return URL.build(
                scheme=url.scheme,
                authority=url.raw_authority,
                path=whatwg_path(path),
                query_string=whatwg_query(query),
                fragment=whatwg_fragment(fragment),
                encoded=True,
            )
        except (ValueError, TypeError):
            return url

    # -- host and protocol ---------------------------------------------------

    @property
    def host(self) -> str:
        """``Host`` (with port); ``X-Forwarded-Host`` when ``app.proxy`` is on.
        Of a comma-separated list, the first value; user info (``user@``) is
        dropped; ``""`` when there is no host."""
        headers = self._headers
        host = (_field(headers, "X-Forwarded-Host") or "") if self.app.proxy else ""
        if not host:
            host = _field(headers, "Host") or ""
        # "a.com, b.com": the first value, trimmed, as Koa 3.3.
        if "," in host:
            host = host.split(",", 1)[0]
        host = host.strip()
        if "@" in host:
            host = _strip_userinfo(host)
        return host

    @property
    def hostname(self) -> str:
        """``host`` without the port; IPv6 literals normalised, invalid ones ``""``."""
        host = self.host
        if not host:
            return ""
        if host.startswith("["):
            end = host.find("]")
            rest = host[end + 1 :] if end > 0 else ""
            if end < 0 or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
                return ""
            try:
                return "[" + ipaddress.IPv6Address(host[1:end]).compressed + "]"
            except ValueError:
                return ""
        return host.split(":", 1)[0]

    @property
    def protocol(self) -> str:
        """``"https"`` over TLS; with ``app.proxy``, ``X-Forwarded-Proto``; else ``"http"``."""
        # The connection's TLS, never the request line: aiohttp before 3.14.4
        # made a plain-HTTP "GET https://x/" secure through req.secure.
        if tls_context(self.req):
            return "https"
        if self.app.proxy:
            proto = _field(self._headers, "X-Forwarded-Proto")
            if proto:
                return proto.split(",", 1)[0].strip().lower() or "http"
        return "http"

    @property
    def secure(self) -> bool:
        """Whether ``protocol`` is ``https``."""
        return self.protocol == "https"

    @property
    def ips(self) -> list[str]:
        """With ``app.proxy``, the addresses in ``app.proxy_ip_header`` (client
        first, the last ``app.max_ips_count`` when set); else ``[]``."""
        app = self.app
        if not app.proxy:
            return []
        value = _field(self._headers, app.proxy_ip_header)
        if not value:
            return []
        ips = [ip.strip() for ip in value.split(",")]
        if app.max_ips_count > 0:
            ips = ips[-app.max_ips_count :]
        return ips

    @property
    def ip(self) -> str:
        """The client address: ``ips[0]``, else the peer address, else ``""``.
        Computed once; assignable."""
        if self._ip is _UNSET:
            ips = self.ips
            # An empty first entry (``X-Forwarded-For: , 1.2.3.4``) falls back
            # to the peer address, as Koa's ``ips[0] || remoteAddress``.
            self._ip = (ips[0] if ips else "") or self.req.remote or ""
        return self._ip

    @ip.setter
    def ip(self, value: str) -> None:
        self._ip = value

    @property
    def subdomains(self) -> list[str]:
        """Host labels before the last ``app.subdomain_offset`` ones, reversed
        (``tobi.ferrets.example.com`` -> ``["ferrets", "tobi"]``); ``[]`` for IPs."""
        hostname = self.hostname
        if not hostname:
            return []
        if hostname.startswith("["):
            return []
        try:
            ipaddress.IPv4Address(hostname)
            return []
        except ValueError:
            pass
        return hostname.split(".")[::-1][self.app.subdomain_offset :]

    @property
    def socket(self) -> Transport | None:
        """The connection's transport (``None`` once closed)."""
        return self.req.transport  # type: ignore[return-value,unused-ignore]

    # -- caching and semantics -----------------------------------------------

    @property
    def fresh(self) -> bool:
        """Whether the client's cached copy is still good (conditional GET): only
        for GET/HEAD with a 2xx or 304 response, by ETag and Last-Modified."""
        if self._method not in ("GET", "HEAD"):
            return False
        response = self.response
        status = response.status
        if not (200 <= status < 300 or status == 304):
            return False
        headers = self._headers
        etag = response.get("ETag")
        modified = response.get("Last-Modified")
        return is_fresh(
            _field(headers, "If-None-Match"),
            _field(headers, "If-Modified-Since"),
            _field(headers, "Cache-Control"),
            str(etag) if etag is not None else None,
            str(modified) if modified is not None else None,
        )

    @property
    def stale(self) -> bool:
        """``not fresh``."""
        return not self.fresh

    @property
    def idempotent(self) -> bool:
        """Whether the method is GET, HEAD, PUT, DELETE, OPTIONS or TRACE."""
        return self._method in _IDEMPOTENT

    # -- body metadata -------------------------------------------------------

    @property
    def length(self) -> int | None:
        """``Content-Length`` as an int; ``None`` when absent or not a number."""
        value = self._headers.get("Content-Length")
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return None

    @property
    def type(self) -> str:
        """The ``Content-Type`` without parameters, ``""`` when absent."""
        return self._headers.get("Content-Type", "").split(";", 1)[0].strip()

    @property
    def charset(self) -> str:
        """The ``charset`` parameter of a well-formed Content-Type, else ``""``."""
        value = self._headers.get("Content-Type")
        if not value:
            return ""
        mime, *params = value.split(";")
        if type_is(mime, ()) is False:
            return ""
        charset = ""
        for param in params:
            key, sep, val = param.strip().partition("=")
            if not sep or not key or not val:
                return ""
            if key.strip().lower() == "charset":
                charset = val.strip().strip('"')
        return charset

    def has_body(self) -> bool:
        """Whether the request declares a body (Transfer-Encoding or a numeric
        Content-Length, even ``0``)."""
        headers = self._headers
        if "Transfer-Encoding" in headers:
            return True
        return headers.get("Content-Length", "").strip().isdigit()

    def is_(self, *types: str | Sequence[str]) -> str | bool | None:
        """Whether the request body is of one of *types* (type-is): the matching
        type in the caller's spelling, ``False``, or ``None`` when the request
        has no body. ``is_("json", "urlencoded")``, ``is_("image/*")``."""
        if not self.has_body():
            return None
        return type_is(self._headers.get("Content-Type"), _flat(types))

    # -- content negotiation -------------------------------------------------

    @overload
    def accepts(self) -> list[str]: ...
    @overload
    def accepts(self, type: str | Sequence[str], /, *types: str) -> str | Literal[False]: ...
    def accepts(self, *types: str | Sequence[str]) -> list[str] | str | bool:
        """The best of *types* for the Accept header (``"json"``, ``"html"``,
        ``"text/plain"``...), or ``False``; with no argument, every accepted type
        by preference."""
        return negotiation.accepts_types(_field(self._headers, "Accept"), _flat(types))

    @overload
    def accepts_encodings(self) -> list[str]: ...
    @overload
    def accepts_encodings(
        self, encoding: str | Sequence[str], /, *encodings: str
    ) -> str | Literal[False]: ...
    def accepts_encodings(self, *encodings: str | Sequence[str]) -> list[str] | str | bool:
        """The best of *encodings* for Accept-Encoding, or ``False``; with no
        argument, every accepted encoding (``identity`` included)."""
        offered = _flat(encodings)
        best = negotiation.preferred_encodings(
            _field(self._headers, "Accept-Encoding"), offered or None
        )
        return (best[0] if best else False) if offered else best

    @overload
    def accepts_charsets(self) -> list[str]: ...
    @overload
    def accepts_charsets(
        self, charset: str | Sequence[str], /, *charsets: str
    ) -> str | Literal[False]: ...
    def accepts_charsets(self, *charsets: str | Sequence[str]) -> list[str] | str | bool:
        """The best of *charsets* for Accept-Charset, or ``False``; with no
        argument, every accepted charset."""
        offered = _flat(charsets)
        best = negotiation.preferred_charsets(
            _field(self._headers, "Accept-Charset"), offered or None
        )
        return (best[0] if best else False) if offered else best

    @overload
    def accepts_languages(self) -> list[str]: ...
    @overload
    def accepts_languages(
        self, language: str | Sequence[str], /, *languages: str
    ) -> str | Literal[False]: ...
    def accepts_languages(self, *languages: str | Sequence[str]) -> list[str] | str | bool:
        """The best of *languages* for Accept-Language, or ``False``; with no
        argument, every accepted language."""
        offered = _flat(languages)
        best = negotiation.preferred_languages(
            _field(self._headers, "Accept-Language"), offered or None
        )
        return (best[0] if best else False) if offered else best

    # -- inspection ----------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """``{"method", "url", "header"}``, as Koa's ``request.toJSON()``."""
        return {
            "method": self._method,
            "url": self._url,
            "header": {k.lower(): v for k, v in self.headers.items()},
        }

    def __repr__(self) -> str:
        return f"<Request {self.to_json()!r}>"
