"""The server span of each request, through a real server and the real SDK
(in-memory exporter): name, kind, attributes, status, parent, current span."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor
from koa.opentelemetry import telemetry


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


def traced_app(provider: TracerProvider, *middleware: Any, **app_options: Any) -> Koa:
    app = Koa(silent=True, **app_options)
    app.use(telemetry(tracer_provider=provider))
    for fn in middleware:
        app.use(fn)
    return app


def server_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    spans = [span for span in exporter.get_finished_spans() if span.kind is SpanKind.SERVER]
    assert len(spans) == 1, spans
    return spans[0]


async def finished_server_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    # A span that ends after the response (a stream the client left): wait for it.
    for _ in range(500):
        if any(span.kind is SpanKind.SERVER for span in exporter.get_finished_spans()):
            break
        await asyncio.sleep(0.01)
    return server_span(exporter)


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "hello"


# -- name, kind and attributes ------------------------------------------------


async def test_an_unrouted_request_is_one_server_span_named_after_its_method(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello))
    reply = await c.get("/plain?x=1&y=2", headers={"User-Agent": "tester/1.0"})
    assert reply.status == 200
    span = server_span(exporter)
    assert span.name == "GET"
    assert span.kind is SpanKind.SERVER
    assert span.status.status_code is StatusCode.UNSET
    attributes = dict(span.attributes or {})
    port = int(c.base_url.rsplit(":", 1)[1])
    assert attributes == {
        "http.request.method": "GET",
        "url.path": "/plain",
        "url.query": "x=1&y=2",
        "url.scheme": "http",
        "server.address": "127.0.0.1",
        "server.port": port,
        "client.address": "127.0.0.1",
        "user_agent.original": "tester/1.0",
        "network.protocol.version": "1.1",
        "http.response.status_code": 200,
    }


async def test_a_request_without_query_has_no_url_query(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello))
    await c.get("/plain")
    assert "url.query" not in (server_span(exporter).attributes or {})


async def test_an_unknown_method_is_other_and_the_span_is_named_http(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello))
    reply = await c.request("PROPFIND", "/")
    assert reply.status == 200
    span = server_span(exporter)
    assert span.name == "HTTP"
    attributes = span.attributes or {}
    assert attributes["http.request.method"] == "_OTHER"
    assert attributes["http.request.method_original"] == "PROPFIND"


async def test_a_head_request_is_traced_with_its_method(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello))
    assert (await c.head("/")).status == 200
    span = server_span(exporter)
    assert (span.name, (span.attributes or {})["http.response.status_code"]) == ("HEAD", 200)


# -- statuses and errors ---------------------------------------------------------


async def test_a_404_is_not_an_error_on_a_server_span(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider))
    assert (await c.get("/nothing-here")).status == 404
    span = server_span(exporter)
    assert span.status.status_code is StatusCode.UNSET
    assert (span.attributes or {})["http.response.status_code"] == 404
    assert "error.type" not in (span.attributes or {})


async def test_a_5xx_status_makes_the_span_an_error_typed_by_the_status(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def unavailable(ctx: Context, next: Next) -> None:
        ctx.status = 503
        ctx.body = "later"

    c = await client(traced_app(provider, unavailable))
    assert (await c.get("/")).status == 503
    span = server_span(exporter)
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "503"
    assert not span.events


async def test_an_exception_is_a_500_error_with_the_exception_recorded(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def boom(ctx: Context, next: Next) -> None:
        raise RuntimeError("database down")

    c = await client(traced_app(provider, boom))
    reply = await c.get("/")
    assert reply.status == 500
    span = server_span(exporter)
    attributes = span.attributes or {}
    assert attributes["http.response.status_code"] == 500
    assert attributes["error.type"] == "RuntimeError"
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "RuntimeError: database down"
    [event] = span.events
    assert event.name == "exception"
    assert (event.attributes or {})["exception.type"] == "RuntimeError"
    assert (event.attributes or {})["exception.message"] == "database down"


async def test_a_thrown_4xx_http_error_is_its_status_and_not_an_error(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def forbidden(ctx: Context, next: Next) -> None:
        ctx.throw(403, "not yours")

    c = await client(traced_app(provider, forbidden))
    assert (await c.get("/")).status == 403
    span = server_span(exporter)
    assert (span.attributes or {})["http.response.status_code"] == 403
    assert span.status.status_code is StatusCode.UNSET
    assert "error.type" not in (span.attributes or {})
    assert not span.events


async def test_a_thrown_5xx_http_error_is_an_error_typed_by_its_class(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def unavailable(ctx: Context, next: Next) -> None:
        raise HttpError(503, "maintenance")

    c = await client(traced_app(provider, unavailable))
    assert (await c.get("/")).status == 503
    span = server_span(exporter)
    attributes = span.attributes or {}
    assert attributes["http.response.status_code"] == 503
    assert attributes["error.type"] == f"{HttpError.__module__}.HttpError"
    assert span.status.status_code is StatusCode.ERROR


async def test_an_error_handler_downstream_of_telemetry_decides_the_status(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def handle_errors(ctx: Context, next: Next) -> None:
        try:
            await next()
        except ValueError:
            ctx.status = 422
            ctx.body = {"error": "invalid"}

    async def invalid(ctx: Context, next: Next) -> None:
        raise ValueError("bad input")

    c = await client(traced_app(provider, handle_errors, invalid))
    assert (await c.get("/")).status == 422
    span = server_span(exporter)
    assert (span.attributes or {})["http.response.status_code"] == 422
    assert span.status.status_code is StatusCode.UNSET


# -- streamed bodies and respond = False ---------------------------------------


async def test_a_streamed_body_ends_the_span_after_it_was_sent(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracer = provider.get_tracer("test")

    async def stream(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for number in range(3):
                with tracer.start_as_current_span(f"chunk {number}"):
                    await asyncio.sleep(0.01)
                yield b"part%d;" % number

        ctx.set("Content-Length", "18")
        ctx.body = chunks()

    c = await client(traced_app(provider, stream))
    reply = await c.get("/stream")
    assert (reply.status, reply.body) == (200, b"part0;part1;part2;")
    assert reply.headers["Content-Length"] == "18"
    span = await finished_server_span(exporter)
    chunk_spans = [s for s in exporter.get_finished_spans() if s.name.startswith("chunk")]
    assert len(chunk_spans) == 3
    for chunk in chunk_spans:
        # made while the body was being sent: children of the request's span
        assert chunk.parent is not None and chunk.parent.span_id == span.context.span_id
        assert span.end_time is not None and chunk.end_time is not None
        assert chunk.end_time <= span.end_time
    assert (span.attributes or {})["http.response.status_code"] == 200
    assert span.status.status_code is StatusCode.UNSET


async def test_a_stream_the_client_leaves_ends_the_span_without_an_error(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def endless(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            while True:
                yield b"x" * 1024
                await asyncio.sleep(0.01)

        ctx.body = chunks()

    c = await client(traced_app(provider, endless))
    async with c.session.get(c.base_url + "/") as response:
        await response.content.readexactly(2048)
    # the client closed the connection: the server notices and stops streaming
    span = await finished_server_span(exporter)
    assert (span.attributes or {})["http.response.status_code"] == 200
    assert span.status.status_code is StatusCode.UNSET


async def test_a_stream_that_fails_midway_is_an_error(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def failing(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"first"
            raise OSError("disk gone")

        ctx.body = chunks()

    c = await client(traced_app(provider, failing))
    with pytest.raises(Exception):  # noqa: B017 - the response is cut short
        await c.get("/")
    span = await finished_server_span(exporter)
    assert (span.attributes or {})["error.type"] == "OSError"
    assert span.status.status_code is StatusCode.ERROR


async def test_respond_false_ends_the_span_when_the_writer_returns(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async def events(ctx: Context, next: Next) -> None:
        ctx.respond = False
        res = ctx.res
        res.content_type = "text/event-stream"
        await res.prepare(ctx.req)
        for number in range(3):
            await res.write(b"data: %d\n\n" % number)
        await res.write_eof()

    c = await client(traced_app(provider, events))
    reply = await c.get("/events")
    assert reply.body == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"
    span = server_span(exporter)
    assert span.name == "GET"
    assert (span.attributes or {})["http.response.status_code"] == 200


async def test_a_websocket_session_is_one_span_with_status_101(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    from aiohttp import WSMsgType, web

    async def echo(ctx: Context, next: Next) -> None:
        ws = web.WebSocketResponse()
        ctx.res = ws
        ctx.respond = False
        await ws.prepare(ctx.req)
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                await ws.send_str(message.data.upper())

    c = await client(traced_app(provider, echo))
    async with c.session.ws_connect(c.base_url + "/ws") as ws:
        await ws.send_str("hi")
        assert (await ws.receive()).data == "HI"
    span = await finished_server_span(exporter)
    assert (span.attributes or {})["http.response.status_code"] == 101
    assert span.status.status_code is StatusCode.UNSET


# -- proxies -------------------------------------------------------------------


FORWARDED = {
    "X-Forwarded-For": "203.0.113.7, 10.0.0.1",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "shop.example.com",
}


async def test_behind_a_trusted_proxy_the_forwarded_client_and_host_are_used(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello, proxy=True))
    await c.get("/", headers=FORWARDED)
    attributes = server_span(exporter).attributes or {}
    assert attributes["client.address"] == "203.0.113.7"
    assert attributes["url.scheme"] == "https"
    assert attributes["server.address"] == "shop.example.com"
    assert attributes["server.port"] == 443


async def test_without_app_proxy_forwarded_headers_are_ignored(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello))
    await c.get("/", headers=FORWARDED)
    attributes = server_span(exporter).attributes or {}
    assert attributes["client.address"] == "127.0.0.1"
    assert attributes["url.scheme"] == "http"
    assert attributes["server.address"] == "127.0.0.1"


# -- parent and current span ----------------------------------------------------

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


async def test_traceparent_makes_the_server_span_a_child_of_the_caller(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello))
    await c.get(
        "/",
        headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01", "tracestate": "vendor=abc"},
    )
    span = server_span(exporter)
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert span.parent is not None and span.parent.is_remote
    assert format(span.parent.span_id, "016x") == PARENT_ID
    assert span.context.trace_state.get("vendor") == "abc"


async def test_without_traceparent_the_server_span_starts_a_trace(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    c = await client(traced_app(provider, hello))
    await c.get("/")
    assert server_span(exporter).parent is None


async def test_the_server_span_is_current_for_the_whole_chain_and_its_tasks(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    tracer = provider.get_tracer("test")

    async def outer(ctx: Context, next: Next) -> None:
        with tracer.start_as_current_span("outer"):
            await next()

    async def handler(ctx: Context, next: Next) -> None:
        async def background() -> None:
            with tracer.start_as_current_span("task"):
                pass

        await asyncio.create_task(background())
        with tracer.start_as_current_span("handler"):
            ctx.body = "ok"

    c = await client(traced_app(provider, outer, handler))
    await c.get("/")
    spans = {span.name: span for span in exporter.get_finished_spans()}
    server = spans["GET"]
    outer_span = spans["outer"]
    assert outer_span.parent is not None and outer_span.parent.span_id == server.context.span_id
    for name in ("handler", "task"):
        child = spans[name]
        assert child.parent is not None and child.parent.span_id == outer_span.context.span_id
        assert child.context.trace_id == server.context.trace_id


async def test_no_span_is_current_once_the_request_is_done(
    client: ClientFor, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    from opentelemetry import trace

    c = await client(traced_app(provider, hello))
    await c.get("/")
    assert not trace.get_current_span().get_span_context().is_valid
