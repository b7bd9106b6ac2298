"""The ``cors()`` middleware: @koa/cors 5's algorithm.

Per request::

    Vary: Origin                                   always
    origin function returns a falsy value   ->     nothing else, downstream runs
    not OPTIONS (simple / actual request)   ->     Allow-Origin, [Allow-Credentials],
                                                   [Expose-Headers], [COOP + COEP],
                                                   then downstream; on an error the
                                                   headers ride on err.headers
    OPTIONS without Access-Control-Request-Method -> downstream (not a preflight)
    OPTIONS preflight                       ->     Allow-Origin, [Allow-Credentials],
                                                   [Max-Age], [Allow-Private-Network],
                                                   [Allow-Methods], [COOP + COEP],
                                                   [Allow-Headers], 204; downstream
                                                   does not run
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, MutableMapping
from typing import Any

from koa.core import Context, Middleware, Next

from ._options import (
    CredentialsFunction,
    HeaderList,
    MaxAge,
    OriginFunction,
    header_list,
    header_value,
    max_age_value,
)
from ._vary import vary_append

__all__ = ["cors"]

_ALLOW_ORIGIN = "Access-Control-Allow-Origin"
_ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
_DEFAULT_METHODS = "GET,HEAD,PUT,POST,DELETE,PATCH"


async def _resolve(value: Any) -> Any:
    """A plain value, or the result of awaiting it (an ``async`` option function)."""
    if inspect.isawaitable(value):
        return await value
    return value


def _set_reflected(ctx: Context, field: str, value: str, source: str) -> None:
    """Set a header whose value may come from the request: a value koa-core
    cannot send (a character outside Latin-1, a control character) is the
    client's fault, so the answer is 400, never 500."""
    try:
        ctx.set(field, value)
    except ValueError:
        ctx.throw(400, f"Invalid {source} header")


def _carry_headers_on(err: Exception, headers_set: dict[str, str]) -> None:
    """Put the CORS headers on ``err.headers`` (koa-core's ``onerror`` drops
    every header set so far, then applies the error's own), with ``Origin``
    appended to the error's ``Vary``."""
    existing = getattr(err, "headers", None)
    carried: dict[str, Any] = dict(existing) if isinstance(existing, Mapping) else {}
    vary = carried.pop("vary", None)
    for key in [key for key in carried if isinstance(key, str) and key.lower() == "vary"]:
        value = carried.pop(key)
        vary = vary or value
    if isinstance(vary, (list, tuple)):  # several Vary lines
        vary = ", ".join(str(field) for field in vary)
    merged = {**carried, **headers_set, "vary": vary_append(str(vary or ""), "Origin")}
    try:
        err.headers = merged  # type: ignore[attr-defined]
    except (AttributeError, TypeError):
        # A read-only ``headers`` (an aiohttp HTTPException): update it in place.
        if isinstance(existing, MutableMapping):
            existing.clear()
            existing.update(merged)


def cors(
    *,
    origin: str | OriginFunction | None = None,
    allow_methods: HeaderList | None = _DEFAULT_METHODS,
    expose_headers: HeaderList | None = None,
    allow_headers: HeaderList | None = None,
    max_age: MaxAge | None = None,
    credentials: bool | CredentialsFunction = False,
    keep_headers_on_error: bool = True,
    secure_context: bool = False,
    private_network_access: bool = False,
) -> Middleware:
    """Answer CORS preflights and add CORS headers to responses (@koa/cors 5).

    Args:
        origin: ``Access-Control-Allow-Origin``. A string (default ``"*"``), or
            a function of ``ctx`` (plain or ``async``) returning the value, or
            a falsy value to skip CORS for that request. With credentials
            allowed, ``"*"`` becomes the request's ``Origin``.
        allow_methods: ``Access-Control-Allow-Methods`` on preflights; a
            string or a list (joined with ``,``); ``None`` to leave it out.
        expose_headers: ``Access-Control-Expose-Headers`` on other requests.
        allow_headers: ``Access-Control-Allow-Headers`` on preflights; by
            default the request's ``Access-Control-Request-Headers``.
        max_age: ``Access-Control-Max-Age`` on preflights: seconds (``int``,
            ``float``, ``str``) or a ``timedelta``; ``0`` and ``None`` send none.
        credentials: ``Access-Control-Allow-Credentials: true``; a bool, or a
            function of ``ctx`` (plain or ``async``) whose truthy result allows.
        keep_headers_on_error: when downstream raises, put the CORS headers
            on ``err.headers`` so that the error response keeps them.
        secure_context: add ``Cross-Origin-Opener-Policy: same-origin`` and
            ``Cross-Origin-Embedder-Policy: require-corp``.
        private_network_access: answer a preflight's
            ``Access-Control-Request-Private-Network`` with
            ``Access-Control-Allow-Private-Network: true``.

    Raises:
        TypeError: an option of the wrong type.
        ValueError: a header value that cannot be sent (CR, LF, controls).
    """
    origin_function: OriginFunction | None = None
    static_origin = "*"
    if callable(origin):
        origin_function = origin
    elif isinstance(origin, str):
        static_origin = header_value("origin", origin) or "*"
    elif origin is not None:
        raise TypeError(f"cors(): origin must be a string or a function, got {origin!r}")

    credentials_function: CredentialsFunction | None = None
    static_credentials = False
    if callable(credentials):
        credentials_function = credentials
    elif isinstance(credentials, bool):
        static_credentials = credentials
    else:
        raise TypeError(f"cors(): credentials must be a bool or a function, got {credentials!r}")

    methods = header_list("allow_methods", allow_methods)
    exposed = header_list("expose_headers", expose_headers)
    allowed_headers = header_list("allow_headers", allow_headers)
    max_age_header = max_age_value(max_age)
    keep_on_error = bool(keep_headers_on_error)
    secure = bool(secure_context)
    private_network = bool(private_network_access)

    async def cors_middleware(ctx: Context, next: Next) -> Any:
        request_origin = ctx.get("Origin")
        ctx.vary("Origin")  # always: caches must key on Origin (rs/cors#10)

        if origin_function is not None:
            allowed = await _resolve(origin_function(ctx))
            if not allowed:
                return await next()
            if not isinstance(allowed, str):
                raise TypeError(
                    f"cors(): the origin function must return a string or a falsy value, "
                    f"got {allowed!r}"
                )
            allowed_origin = allowed
        else:
            allowed_origin = static_origin

        if credentials_function is not None:
            allow_credentials = bool(await _resolve(credentials_function(ctx)))
        else:
            allow_credentials = static_credentials

        if allow_credentials and allowed_origin == "*":
            allowed_origin = request_origin  # "*" is not allowed with credentials

        if ctx.method != "OPTIONS":
            # Simple cross-origin request, actual request, and redirects.
            headers_set: dict[str, str] = {_ALLOW_ORIGIN: allowed_origin}
            _set_reflected(ctx, _ALLOW_ORIGIN, allowed_origin, "Origin")
            if allow_credentials:
                ctx.set(_ALLOW_CREDENTIALS, "true")
                headers_set[_ALLOW_CREDENTIALS] = "true"
            if exposed:
                ctx.set("Access-Control-Expose-Headers", exposed)
                headers_set["Access-Control-Expose-Headers"] = exposed
            if secure:
                ctx.set("Cross-Origin-Opener-Policy", "same-origin")
                ctx.set("Cross-Origin-Embedder-Policy", "require-corp")
                headers_set["Cross-Origin-Opener-Policy"] = "same-origin"
                headers_set["Cross-Origin-Embedder-Policy"] = "require-corp"
            if not keep_on_error:
                return await next()
            try:
                return await next()
            except Exception as err:
                _carry_headers_on(err, headers_set)
                raise

        # Preflight request. Without Access-Control-Request-Method it is a
        # plain OPTIONS request, outside the scope of CORS.
        if not ctx.get("Access-Control-Request-Method"):
            return await next()

        _set_reflected(ctx, _ALLOW_ORIGIN, allowed_origin, "Origin")
        if allow_credentials:
            ctx.set(_ALLOW_CREDENTIALS, "true")
        if max_age_header:
            ctx.set("Access-Control-Max-Age", max_age_header)
        if private_network and ctx.get("Access-Control-Request-Private-Network"):
            ctx.set("Access-Control-Allow-Private-Network", "true")
        if methods:
            ctx.set("Access-Control-Allow-Methods", methods)
        if secure:
            ctx.set("Cross-Origin-Opener-Policy", "same-origin")
            ctx.set("Cross-Origin-Embedder-Policy", "require-corp")
        request_headers = allowed_headers or ctx.get("Access-Control-Request-Headers")
        if request_headers:
            _set_reflected(
                ctx,
                "Access-Control-Allow-Headers",
                request_headers,
                "Access-Control-Request-Headers",
            )
        ctx.status = 204
        return None

    return cors_middleware
