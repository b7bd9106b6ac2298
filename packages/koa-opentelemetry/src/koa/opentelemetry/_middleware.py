"""The ``telemetry()`` middleware: one SERVER span and two metrics per request.

The span starts when the request reaches the middleware (first in the app),
with the request's attributes and the parent the global propagator extracts
from ``traceparent``/``tracestate``; it is the current span for the whole
middleware chain. It ends when the response is known: when downstream
returns a buffered body, when a streamed body has been sent (or the client
went away), when downstream raises (the status Koa will answer with), or,
with ``ctx.respond = False``, when the middleware that wrote the response
returns. Then it is named ``"{method} {route}"`` from the route template.

The instrumentation never fails a request: an error in a hook or in the
OpenTelemetry SDK is logged and the request goes on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

from aiohttp import web
from opentelemetry import context as otel_context
from opentelemetry import propagate
from opentelemetry.context import Context as TraceContext
from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import (
    Span,
    SpanKind,
    Status,
    StatusCode,
    TracerProvider,
    set_span_in_context,
)
from opentelemetry.util.types import AttributeValue

from koa.core import Context, Middleware, Next, is_stream
from koa.core.http import EMPTY_STATUSES

from ._attributes import (
    ERROR_TYPE,
    HTTP_REQUEST_METHOD,
    HTTP_RESPONSE_STATUS_CODE,
    HTTP_ROUTE,
    URL_SCHEME,
    error_status,
    error_type,
    request_attributes,
    span_method,
)
from ._body import TracedBody
from ._options import ClientResponseHook, ServerRequestHook, Settings
from ._route import route_template

__all__ = ["build", "telemetry"]

_log = logging.getLogger("koa.opentelemetry")
_BUFFERED = frozenset({str, bytes, dict, list})
# Set when the span started: not set again when it ends.
_START_KEYS = frozenset({HTTP_REQUEST_METHOD, URL_SCHEME})


def telemetry(
    *,
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    excluded_urls: str | Iterable[str] | None = None,
    server_request_hook: ServerRequestHook | None = None,
    client_response_hook: ClientResponseHook | None = None,
) -> Middleware:
    """The instrumentation as a plain middleware, for apps composed by hand
    (``KoaInstrumentor().instrument_app(app)`` puts it first for you).

    Use it first, before every middleware it should time and see the errors
    of. ``tracer_provider`` / ``meter_provider``: default to the global ones.
    ``excluded_urls``: comma-separated regexes (or a list) searched in the
    full URL; matching requests are not traced nor measured (default:
    ``$OTEL_PYTHON_KOA_EXCLUDED_URLS``, then ``$OTEL_PYTHON_EXCLUDED_URLS``).
    ``server_request_hook(span, ctx)`` runs when the span has started,
    ``client_response_hook(span, ctx)`` right before it ends.
    """
    return build(
        Settings(
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
            excluded_urls=excluded_urls,
            server_request_hook=server_request_hook,
            client_response_hook=client_response_hook,
        )
    )


def _call_hook(hook: Any, span: Span, ctx: Context, which: str) -> None:
    try:
        hook(span, ctx)
    except Exception:
        _log.warning("the %s raised; the request goes on", which, exc_info=True)


class _Request:
    """One request being traced: ends its span and records its metrics once."""

    __slots__ = ("active_key", "ctx", "settings", "span", "start")

    def __init__(
        self, settings: Settings, ctx: Context, span: Span, active_key: tuple[str, str]
    ) -> None:
        self.settings = settings
        self.ctx = ctx
        self.span = span
        self.active_key = active_key
        self.start = time.perf_counter()
        counts = settings.active.counts
        counts[active_key] = counts.get(active_key, 0) + 1

    def finish(self, status: int | None, error: BaseException | None, broken: bool) -> None:
        """End the span: *status* answered (``None``: none, the request was
        cancelled), *error* raised, *broken*: the response failed after its
        headers were sent."""
        try:
            self._finish(status, error, broken)
        except Exception:
            _log.warning("could not end the request's span", exc_info=True)

    def _finish(self, status: int | None, error: BaseException | None, broken: bool) -> None:
        elapsed = time.perf_counter() - self.start
        settings = self.settings
        span = self.span
        counts = settings.active.counts
        counts[self.active_key] -= 1
        method, scheme = self.active_key
        measured: dict[str, AttributeValue] = {HTTP_REQUEST_METHOD: method, URL_SCHEME: scheme}
        route = route_template(self.ctx)
        if route is not None:
            measured[HTTP_ROUTE] = route
        if status is not None:
            measured[HTTP_RESPONSE_STATUS_CODE] = status
        failed: str | None = None
        if isinstance(error, Exception) and (broken or status is None or status >= 500):
            failed = measured[ERROR_TYPE] = error_type(error)
        elif status is not None and status >= 500:
            failed = measured[ERROR_TYPE] = str(status)
        if span.is_recording():
            if route is not None:
                span.update_name(f"{'HTTP' if method == '_OTHER' else method} {route}")
            # one call: the SDK takes its lock once for all of them
            span.set_attributes({k: v for k, v in measured.items() if k not in _START_KEYS})
            if failed is not None:
                if isinstance(error, Exception):
                    span.record_exception(error)
                    description = f"{type(error).__name__}: {error}"
                    span.set_status(Status(StatusCode.ERROR, description))
                else:
                    span.set_status(Status(StatusCode.ERROR))
        hook = settings.response_hook
        if hook is not None:
            _call_hook(hook, span, self.ctx, "client_response_hook")
        span.end()
        settings.duration.record(elapsed, measured)

    def stream_done(self, error: BaseException | None) -> None:
        # A streamed body ended: an exception from it broke the response; a
        # cancellation is the client going away, not an error of the server.
        failed = error if isinstance(error, Exception) else None
        self.finish(self.ctx.status, failed, failed is not None)


def _sent_status(ctx: Context) -> int:
    # ctx.respond = False: what the middleware sent itself (101 for a WebSocket).
    if ctx.response.header_sent:
        return ctx.res.status
    return ctx.status


def _start(settings: Settings, ctx: Context) -> tuple[_Request, TraceContext]:
    method = span_method(ctx.method)
    scheme = ctx.protocol
    attributes = request_attributes(ctx, method, scheme)
    try:
        parent: TraceContext | None = propagate.extract(ctx.req.headers)
    except Exception:  # a propagator that chokes on hostile headers: no parent
        _log.debug("could not extract the trace context", exc_info=True)
        parent = None
    span = settings.tracer.start_span(
        "HTTP" if method == "_OTHER" else method,
        context=parent,
        kind=SpanKind.SERVER,
        attributes=attributes,
    )
    request = _Request(settings, ctx, span, (method, scheme))
    hook = settings.request_hook
    if hook is not None:
        _call_hook(hook, span, ctx, "server_request_hook")
    return request, set_span_in_context(span, parent)


def _streams(ctx: Context) -> bool:
    body = ctx.response.body
    if type(body) in _BUFFERED or body is None:  # the usual case, first
        return False
    if ctx.method == "HEAD" or ctx.status in EMPTY_STATUSES:
        return False
    return not isinstance(body, web.StreamResponse) and is_stream(body)


def build(settings: Settings) -> Middleware:
    """The middleware for *settings* (``telemetry()`` and ``instrument_app``)."""
    excluded = settings.excluded

    async def telemetry_middleware(ctx: Context, next: Next) -> Any:
        if not settings.enabled or (excluded is not None and excluded.search(ctx.href)):
            return await next()
        try:
            request, trace = _start(settings, ctx)
        except Exception:
            _log.warning("could not start the request's span", exc_info=True)
            return await next()
        token = otel_context.attach(trace)
        try:
            result = await next()
        except asyncio.CancelledError:
            # The client went away (aiohttp cancels the handler) or the
            # server is shutting down: no response, and no server error.
            request.finish(None, None, False)
            raise
        except Exception as err:
            sent = ctx.response.header_sent
            status = ctx.res.status if sent else error_status(err)
            request.finish(status, err, sent)
            raise
        finally:
            otel_context.detach(token)
        if ctx.respond is False:
            request.finish(_sent_status(ctx), None, False)
        elif _streams(ctx):
            # Replacing a stream drops Content-Length (Koa's rule): put it back.
            declared = ctx.response.get("Content-Length")
            ctx.body = TracedBody(ctx.response.body, trace, request.stream_done)
            if declared:
                ctx.set("Content-Length", declared)
        else:
            request.finish(ctx.status, None, False)
        return result

    return telemetry_middleware
