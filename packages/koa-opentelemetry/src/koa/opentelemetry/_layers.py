"""``middleware_spans=True``: an INTERNAL span around each middleware and each
router layer's handler, named as @opentelemetry/instrumentation-koa names
them: ``middleware - <function name>`` (``anonymous`` without one) and
``router - <route path>`` (the route's name when it has one), with the
attributes ``koa.name`` and ``koa.type`` (``middleware`` or ``router``), plus
``http.route`` on router spans. A span covers its middleware and everything
downstream of it, so they nest like the onion; a middleware runs untraced
when no span is current (an excluded URL).

Router handlers are wrapped in the router's own layers (the router object is
changed, as the Node instrumentation does); ``router.param()`` handlers are
left alone, and routers inside mounted apps are not reached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind, Tracer, get_current_span, set_span_in_context
from opentelemetry.util.types import AttributeValue

from koa.core import Context, Middleware, Next

from ._attributes import HTTP_ROUTE
from ._options import Settings

__all__ = ["Patch", "patch_router", "traced_middleware"]

KOA_NAME: Final = "koa.name"
KOA_TYPE: Final = "koa.type"
_WRAPPED: Final = "__koa_otel_wrapped__"

#: An undo step: put the original back where the wrapper is (if it still is).
Patch = Callable[[], None]


def _traced(
    fn: Callable[[Context, Next], Any],
    settings: Settings,
    tracer: Tracer,
    name: Callable[[Context], str],
    attributes: dict[str, AttributeValue],
) -> Middleware:
    async def traced(ctx: Context, next: Next) -> Any:
        if not settings.enabled or not get_current_span().get_span_context().is_valid:
            return await fn(ctx, next)
        span = tracer.start_span(name(ctx), kind=SpanKind.INTERNAL, attributes=attributes)
        token = otel_context.attach(set_span_in_context(span))
        try:
            return await fn(ctx, next)
        except Exception as err:
            span.record_exception(err)
            raise
        finally:
            otel_context.detach(token)
            span.end()

    setattr(traced, _WRAPPED, fn)
    traced.__name__ = getattr(fn, "__name__", "anonymous")
    return traced


def traced_middleware(fn: Middleware, settings: Settings) -> Middleware:
    """*fn* wrapped in a ``middleware - <name>`` span."""
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str) or not name or name == "<lambda>":
        name = "anonymous"
    span_name = f"middleware - {name}"
    attributes: dict[str, AttributeValue] = {KOA_NAME: name, KOA_TYPE: "middleware"}
    return _traced(fn, settings, settings.tracer, lambda ctx: span_name, attributes)


def _path_text(path: object) -> str:
    return path.pattern if isinstance(path, re.Pattern) else str(path)


def _router_span_name(default: str) -> Callable[[Context], str]:
    def name(ctx: Context) -> str:
        route_name = vars(ctx).get("matched_route_name")
        return str(route_name) if route_name is not None else default

    return name


def patch_router(router: Any, settings: Settings) -> list[Patch]:
    """Wrap every handler of every layer of *router* (koa-router's public
    ``router.stack`` of layers, each with its ``stack`` of handlers)."""
    undo: list[Patch] = []
    for layer in list(getattr(router, "stack", ())):
        stack = getattr(layer, "stack", None)
        if not isinstance(stack, list):
            continue
        path = _path_text(layer.path)
        attributes: dict[str, AttributeValue] = {
            KOA_NAME: path,
            KOA_TYPE: "router",
            HTTP_ROUTE: path,
        }
        name = _router_span_name(f"router - {path}")
        for index, handler in enumerate(stack):
            if hasattr(handler, _WRAPPED) or hasattr(handler, "param"):
                continue  # wrapped already, or a router.param() handler
            wrapper = _traced(handler, settings, settings.tracer, name, attributes)
            stack[index] = wrapper
            undo.append(_restorer(stack, wrapper, handler))
    return undo


def _restorer(stack: list[Any], wrapper: Any, original: Any) -> Patch:
    def restore() -> None:
        for index, item in enumerate(stack):
            if item is wrapper:
                stack[index] = original
                return

    return restore
