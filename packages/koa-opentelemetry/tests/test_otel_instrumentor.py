"""KoaInstrumentor: instrument_app / uninstrument_app, instrument() for every
app, hooks, excluded URLs and middleware spans."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Span, SpanKind

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.opentelemetry import KoaInstrumentor, telemetry


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.shutdown()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


def names(exporter: InMemorySpanExporter) -> list[str]:
    return [span.name for span in exporter.get_finished_spans()]


def by_name(exporter: InMemorySpanExporter) -> dict[str, ReadableSpan]:
    return {span.name: span for span in exporter.get_finished_spans()}


async def timing(ctx: Context, next: Next) -> None:
    await next()
    ctx.set("X-Timed", "yes")


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "hello"


def plain_app() -> Koa:
    app = Koa(silent=True)
    app.use(timing)
    app.use(hello)
    return app


# -- instrument_app / uninstrument_app ---------------------------------------


async def test_instrument_app_puts_the_middleware_first(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    app = plain_app()
    KoaInstrumentor().instrument_app(app, tracer_provider=provider)
    assert len(app.middleware) == 3
    assert app.middleware[1:] == [timing, hello]
    c = await client(app)
    reply = await c.get("/")
    assert (reply.status, reply.headers["X-Timed"]) == (200, "yes")
    assert names(exporter) == ["GET"]


async def test_instrumenting_an_app_twice_warns_and_changes_nothing(
    provider: TracerProvider, caplog: pytest.LogCaptureFixture
) -> None:
    app = plain_app()
    KoaInstrumentor().instrument_app(app, tracer_provider=provider)
    with caplog.at_level(logging.WARNING, "koa.opentelemetry"):
        KoaInstrumentor().instrument_app(app, tracer_provider=provider)
    assert len(app.middleware) == 3
    assert "instrumented already" in caplog.text


async def test_uninstrument_app_takes_the_middleware_out(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    app = plain_app()
    KoaInstrumentor().instrument_app(app, tracer_provider=provider, middleware_spans=True)
    KoaInstrumentor().uninstrument_app(app)
    assert app.middleware == [timing, hello]
    c = await client(app)
    assert (await c.get("/")).status == 200
    assert names(exporter) == []


async def test_uninstrument_app_stops_tracing_an_app_already_serving(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    app = plain_app()
    KoaInstrumentor().instrument_app(app, tracer_provider=provider, middleware_spans=True)
    c = await client(app)
    await c.get("/")
    assert len(exporter.get_finished_spans()) == 3
    exporter.clear()
    KoaInstrumentor().uninstrument_app(app)
    assert (await c.get("/")).status == 200
    assert names(exporter) == []


def test_instrument_app_wants_a_koa_app() -> None:
    with pytest.raises(TypeError, match="Koa app"):
        KoaInstrumentor().instrument_app(object())  # type: ignore[arg-type]


def test_uninstrumenting_an_app_never_instrumented_does_nothing() -> None:
    app = plain_app()
    KoaInstrumentor().uninstrument_app(app)
    assert app.middleware == [timing, hello]


# -- instrument(): every app ------------------------------------------------------


async def test_instrument_traces_every_app_when_it_starts_serving(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    instrumentor = KoaInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        first, second = plain_app(), plain_app()
        await (await client(first)).get("/one")
        await (await client(second)).get("/two")
        paths = [(s.attributes or {})["url.path"] for s in exporter.get_finished_spans()]
        assert paths == ["/one", "/two"]
    finally:
        instrumentor.uninstrument()
    assert first.middleware == [timing, hello]
    exporter.clear()
    await (await client(plain_app())).get("/three")
    assert names(exporter) == []


def test_the_instrumented_library_is_koa_core() -> None:
    assert KoaInstrumentor().instrumentation_dependencies() == ("koa-core >= 0.1, < 0.2",)


# -- options ----------------------------------------------------------------------


async def test_excluded_urls_are_neither_traced_nor_slowed(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    app = plain_app()
    KoaInstrumentor().instrument_app(
        app, tracer_provider=provider, excluded_urls="/healthz,/metrics$"
    )
    c = await client(app)
    for path in ("/healthz", "/metrics", "/metrics/x", "/users"):
        assert (await c.get(path)).status == 200
    paths = [(s.attributes or {})["url.path"] for s in exporter.get_finished_spans()]
    assert paths == ["/metrics/x", "/users"]


async def test_excluded_urls_default_to_the_environment(
    client: ClientFor,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_PYTHON_KOA_EXCLUDED_URLS", "ping")
    app = Koa()
    app.use(telemetry(tracer_provider=provider))
    app.use(hello)
    c = await client(app)
    await c.get("/ping")
    await c.get("/pong")
    assert [(s.attributes or {})["url.path"] for s in exporter.get_finished_spans()] == ["/pong"]


def test_an_invalid_excluded_url_regex_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="invalid regex"):
        telemetry(excluded_urls="(unclosed")


def test_a_hook_that_is_not_callable_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="server_request_hook must be a function"):
        telemetry(server_request_hook="nope")  # type: ignore[arg-type]


async def test_hooks_see_the_span_with_the_request_and_with_the_response(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def on_request(span: Span, ctx: Context) -> None:
        span.set_attribute("app.tenant", ctx.get("X-Tenant"))

    def on_response(span: Span, ctx: Context) -> None:
        span.set_attribute("app.body_type", ctx.type)

    app = plain_app()
    KoaInstrumentor().instrument_app(
        app,
        tracer_provider=provider,
        server_request_hook=on_request,
        client_response_hook=on_response,
    )
    await (await client(app)).get("/", headers={"X-Tenant": "acme"})
    attributes = by_name(exporter)["GET"].attributes or {}
    assert attributes["app.tenant"] == "acme"
    assert attributes["app.body_type"] == "text/plain"


async def test_a_failing_hook_is_logged_and_the_request_goes_on(
    client: ClientFor,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(span: Span, ctx: Context) -> None:
        raise KeyError("oops")

    app = plain_app()
    KoaInstrumentor().instrument_app(
        app, tracer_provider=provider, server_request_hook=broken, client_response_hook=broken
    )
    with caplog.at_level(logging.WARNING, "koa.opentelemetry"):
        reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (200, "hello")
    assert names(exporter) == ["GET"]
    assert "server_request_hook raised" in caplog.text
    assert "client_response_hook raised" in caplog.text


# -- middleware spans ---------------------------------------------------------------


async def test_middleware_spans_nest_like_the_onion_and_are_named_as_in_node(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    app = plain_app()
    KoaInstrumentor().instrument_app(app, tracer_provider=provider, middleware_spans=True)
    await (await client(app)).get("/")
    spans = by_name(exporter)
    assert set(spans) == {"GET", "middleware - timing", "middleware - hello"}
    server, outer, inner = spans["GET"], spans["middleware - timing"], spans["middleware - hello"]
    assert outer.kind is SpanKind.INTERNAL
    assert outer.parent is not None and outer.parent.span_id == server.context.span_id
    assert inner.parent is not None and inner.parent.span_id == outer.context.span_id
    assert dict(inner.attributes or {}) == {"koa.name": "hello", "koa.type": "middleware"}


async def test_a_lambda_middleware_span_is_anonymous(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    app = Koa()

    def anonymous(ctx: Context, next: Next) -> Any:
        return next()

    app.use(lambda ctx, next: anonymous(ctx, next))
    app.use(hello)
    KoaInstrumentor().instrument_app(app, tracer_provider=provider, middleware_spans=True)
    await (await client(app)).get("/")
    assert "middleware - anonymous" in names(exporter)


async def test_a_middleware_error_is_recorded_on_its_span(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def fails(ctx: Context, next: Next) -> None:
        raise LookupError("missing")

    app = Koa(silent=True)
    app.use(fails)
    KoaInstrumentor().instrument_app(app, tracer_provider=provider, middleware_spans=True)
    assert (await (await client(app)).get("/")).status == 500
    [event] = by_name(exporter)["middleware - fails"].events
    assert (event.attributes or {})["exception.type"] == "LookupError"
