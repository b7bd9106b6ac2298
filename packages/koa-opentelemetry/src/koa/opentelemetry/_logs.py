"""Fields that join log lines to traces."""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import format_span_id, format_trace_id, get_current_span

__all__ = ["log_fields"]


def log_fields(ctx: Any = None) -> dict[str, str]:
    """``{"trace_id": ..., "span_id": ...}`` of the current span, in the W3C
    hex form exporters and log backends use; ``{}`` when no span is current.

    Made for koa-logger's ``fields`` hook, whose JSON lines then carry the
    ids of the request's span (``*ctx*`` is accepted and not needed)::

        app.use(logger(format="json", fields=log_fields))
    """
    span_context = get_current_span().get_span_context()
    if not span_context.is_valid:
        return {}
    return {
        "trace_id": format_trace_id(span_context.trace_id),
        "span_id": format_span_id(span_context.span_id),
    }
