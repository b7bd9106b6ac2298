"""The instrumentation's options, checked once: tracer, meter, exclusions, hooks."""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeAlias

from opentelemetry import metrics, trace
from opentelemetry.metrics import CallbackOptions, Histogram, Meter, MeterProvider, Observation
from opentelemetry.trace import Span, Tracer, TracerProvider

from koa.core import Context

from .__about__ import __version__

__all__ = [
    "ActiveRequests",
    "ClientResponseHook",
    "ServerRequestHook",
    "Settings",
    "excluded_pattern",
]

#: ``server_request_hook(span, ctx)``: called when the server span has started,
#: before any middleware runs (add attributes from the request).
ServerRequestHook: TypeAlias = Callable[[Span, Context], Any]
#: ``client_response_hook(span, ctx)``: called right before the server span
#: ends, once the response is known (add attributes from the response).
ClientResponseHook: TypeAlias = Callable[[Span, Context], Any]

#: The instrumentation scope's name (``otel.scope.name`` in exporters).
SCOPE: Final = "koa.opentelemetry"
_SCHEMA_URL: Final = "https://opentelemetry.io/schemas/1.26.0"
#: The bucket boundaries the HTTP conventions advise for request durations.
_DURATION_BUCKETS: Final = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip


def excluded_pattern(excluded_urls: str | Iterable[str] | None) -> re.Pattern[str] | None:
    """One regex out of comma-separated regexes (or a list of them), searched
    in each request's full URL; ``None`` reads ``OTEL_PYTHON_KOA_EXCLUDED_URLS``
    and then ``OTEL_PYTHON_EXCLUDED_URLS``, as the other Python
    instrumentations do."""
    if excluded_urls is None:
        excluded_urls = os.environ.get("OTEL_PYTHON_KOA_EXCLUDED_URLS") or os.environ.get(
            "OTEL_PYTHON_EXCLUDED_URLS", ""
        )
    if isinstance(excluded_urls, str):
        items = excluded_urls.split(",")
    else:
        items = list(excluded_urls)
        for item in items:
            if not isinstance(item, str):
                raise TypeError(f"excluded_urls must hold regex strings, got {item!r}")
    patterns = [item.strip() for item in items if item.strip()]
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    except re.error as err:
        raise ValueError(f"excluded_urls holds an invalid regex: {err}") from err


def _check_hook(name: str, hook: object) -> None:
    if hook is not None and not callable(hook):
        raise TypeError(f"{name} must be a function (span, ctx), got {hook!r}")


class Settings:
    """What one instrumented app (or one ``telemetry()`` middleware) uses.
    ``enabled`` turns it into a pass-through at once (``uninstrument_app``
    on an app already serving)."""

    __slots__ = (
        "active",
        "duration",
        "enabled",
        "excluded",
        "request_hook",
        "response_hook",
        "tracer",
    )

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        excluded_urls: str | Iterable[str] | None = None,
        server_request_hook: ServerRequestHook | None = None,
        client_response_hook: ClientResponseHook | None = None,
    ) -> None:
        _check_hook("server_request_hook", server_request_hook)
        _check_hook("client_response_hook", client_response_hook)
        self.enabled = True
        self.excluded = excluded_pattern(excluded_urls)
        self.request_hook = server_request_hook
        self.response_hook = client_response_hook
        # With no provider given, the global ones: a proxy until the
        # application sets its own, so instrumenting first is fine.
        self.tracer: Tracer = trace.get_tracer(
            SCOPE, __version__, tracer_provider, schema_url=_SCHEMA_URL
        )
        meter = metrics.get_meter(SCOPE, __version__, meter_provider, schema_url=_SCHEMA_URL)
        self.duration: Histogram = meter.create_histogram(
            "http.server.request.duration",
            unit="s",
            description="Duration of HTTP server requests.",
            explicit_bucket_boundaries_advisory=list(_DURATION_BUCKETS),
        )
        self.active = _active_requests(meter, meter_provider)


class ActiveRequests:
    """``http.server.active_requests``: the requests in flight per method and
    scheme, counted in a dict and reported when the metrics are collected (an
    asynchronous up-down counter: two SDK ``add()`` calls per request cost
    far more than two dict updates)."""

    __slots__ = ("__weakref__", "counts")

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], int] = {}

    def observe(self, options: CallbackOptions) -> Iterable[Observation]:
        """The callback the SDK calls at collection time."""
        return [
            Observation(count, {"http.request.method": method, "url.scheme": scheme})
            for (method, scheme), count in list(self.counts.items())
        ]


# One table per meter provider (the global one: None), and one instrument: a
# second registration of the same instrument would be ignored by the SDK,
# callbacks included, so every app measured by a provider shares its table.
_global_active: list[ActiveRequests] = []
_provider_active: weakref.WeakKeyDictionary[MeterProvider, ActiveRequests] = (
    weakref.WeakKeyDictionary()
)


def _active_requests(meter: Meter, provider: MeterProvider | None) -> ActiveRequests:
    found = _global_active[0] if provider is None and _global_active else None
    if provider is not None:
        found = _provider_active.get(provider)
    if found is not None:
        return found
    table = ActiveRequests()
    meter.create_observable_up_down_counter(
        "http.server.active_requests",
        callbacks=[table.observe],
        unit="{request}",
        description="Number of active HTTP server requests.",
    )
    if provider is None:
        _global_active.append(table)
    else:
        _provider_active[provider] = table
    return table
