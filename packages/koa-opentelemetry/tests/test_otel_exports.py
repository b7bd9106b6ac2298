"""The public surface: exactly what __all__ lists, each name documented, and
log_fields for joining log lines to traces."""

from __future__ import annotations

import importlib.metadata

from opentelemetry.sdk.trace import TracerProvider

import koa.opentelemetry
from koa.opentelemetry import log_fields


def test_the_public_names_are_exactly_these() -> None:
    assert sorted(koa.opentelemetry.__all__) == [
        "ClientResponseHook",
        "KoaInstrumentor",
        "ServerRequestHook",
        "__version__",
        "log_fields",
        "telemetry",
    ]


def test_every_public_function_and_class_has_a_docstring() -> None:
    for name in ("KoaInstrumentor", "log_fields", "telemetry"):
        assert getattr(koa.opentelemetry, name).__doc__, name
    instrumentor = koa.opentelemetry.KoaInstrumentor
    for method in ("instrument_app", "uninstrument_app", "instrumentation_dependencies"):
        assert getattr(instrumentor, method).__doc__, method


def test_the_version_is_the_distribution_version() -> None:
    version = importlib.metadata.version("koa-opentelemetry")
    assert koa.opentelemetry.__version__ == version


def test_opentelemetry_instrument_finds_the_instrumentor() -> None:
    points = importlib.metadata.entry_points(group="opentelemetry_instrumentor")
    [point] = [each for each in points if each.name == "koa"]
    assert point.load() is koa.opentelemetry.KoaInstrumentor


def test_log_fields_are_empty_without_a_current_span() -> None:
    assert log_fields() == {}


def test_log_fields_are_the_current_spans_ids_in_hex() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        fields = log_fields(None)
    context = span.get_span_context()
    assert fields == {
        "trace_id": f"{context.trace_id:032x}",
        "span_id": f"{context.span_id:016x}",
    }
