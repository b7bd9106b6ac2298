"""OpenTelemetry's stable HTTP semantic conventions, read off a Koa context.

Attribute names are spelled out here rather than taken from
``opentelemetry-semantic-conventions`` (a plain string is what the API wants,
and the stable HTTP names do not change).
"""

from __future__ import annotations

from typing import Any, Final

from opentelemetry.util.types import AttributeValue

from koa.core import STATUS_CODES, Context

__all__ = [
    "CLIENT_ADDRESS",
    "ERROR_TYPE",
    "HTTP_REQUEST_METHOD",
    "HTTP_REQUEST_METHOD_ORIGINAL",
    "HTTP_RESPONSE_STATUS_CODE",
    "HTTP_ROUTE",
    "NETWORK_PROTOCOL_VERSION",
    "SERVER_ADDRESS",
    "SERVER_PORT",
    "URL_PATH",
    "URL_QUERY",
    "URL_SCHEME",
    "USER_AGENT_ORIGINAL",
    "error_status",
    "error_type",
    "request_attributes",
    "span_method",
]

HTTP_REQUEST_METHOD: Final = "http.request.method"
HTTP_REQUEST_METHOD_ORIGINAL: Final = "http.request.method_original"
HTTP_RESPONSE_STATUS_CODE: Final = "http.response.status_code"
HTTP_ROUTE: Final = "http.route"
URL_PATH: Final = "url.path"
URL_QUERY: Final = "url.query"
URL_SCHEME: Final = "url.scheme"
SERVER_ADDRESS: Final = "server.address"
SERVER_PORT: Final = "server.port"
CLIENT_ADDRESS: Final = "client.address"
USER_AGENT_ORIGINAL: Final = "user_agent.original"
NETWORK_PROTOCOL_VERSION: Final = "network.protocol.version"
ERROR_TYPE: Final = "error.type"

#: The methods the conventions know (RFC 9110, PATCH, QUERY); any other is
#: reported as ``_OTHER`` so that a client cannot blow up metric cardinality.
_KNOWN_METHODS: Final = frozenset(
    {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE"}
)
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def span_method(method: str) -> str:
    """``http.request.method``: the method itself when known, else ``_OTHER``."""
    return method if method in _KNOWN_METHODS else "_OTHER"


def _port(host: str, scheme: str) -> int | None:
    # "example.com:8080", "[::1]:8080"; without a port, the scheme's default.
    name, colon, digits = host.rpartition(":")
    if colon and digits.isdigit() and len(digits) <= 5 and not name.endswith(":"):
        port = int(digits)
        return port if 0 < port < 65536 else None
    return _DEFAULT_PORTS.get(scheme)


def request_attributes(ctx: Context, method: str, scheme: str) -> dict[str, AttributeValue]:
    """The attributes known when the request arrives (before any middleware
    ran): what samplers see. ``client.address`` and ``server.address`` honour
    ``app.proxy`` exactly as ``ctx.ip`` and ``ctx.hostname`` do."""
    request = ctx.request  # its properties directly: one call each, not two
    req = ctx.req
    major, minor = req.version
    attributes: dict[str, AttributeValue] = {
        HTTP_REQUEST_METHOD: method,
        URL_PATH: request.path,
        URL_SCHEME: scheme,
        NETWORK_PROTOCOL_VERSION: f"{major}" if major >= 2 and minor == 0 else f"{major}.{minor}",
    }
    if method == "_OTHER":
        attributes[HTTP_REQUEST_METHOD_ORIGINAL] = request.method
    query = request.querystring
    if query:
        attributes[URL_QUERY] = query
    host = request.host
    if host:
        hostname = request.hostname
        if hostname:
            attributes[SERVER_ADDRESS] = hostname
            port = _port(host, scheme)
            if port is not None:
                attributes[SERVER_PORT] = port
    ip = request.ip
    if ip:
        attributes[CLIENT_ADDRESS] = ip
    user_agent = req.headers.get("User-Agent")
    if user_agent:
        attributes[USER_AGENT_ORIGINAL] = user_agent
    return attributes


def error_status(err: BaseException) -> int:
    """The status Koa answers *err* with (``ctx.onerror``'s rule): its
    ``status`` or ``status_code`` when a valid status, 404 for
    ``FileNotFoundError``, else 500."""
    status: Any = None
    for attr in ("status", "status_code"):
        status = getattr(err, attr, None)
        if status:
            break
    if isinstance(err, FileNotFoundError) and not status:
        return 404
    if isinstance(status, int) and not isinstance(status, bool) and status in STATUS_CODES:
        return status
    return 500


def error_type(err: BaseException) -> str:
    """``error.type`` for an exception: its class name, qualified by its
    module unless a builtin (``ValueError``, ``koa.core.errors.HttpError``)."""
    cls = type(err)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"
