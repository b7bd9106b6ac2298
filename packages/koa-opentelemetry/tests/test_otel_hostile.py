"""Hostile input never turns into a 5xx, an exception in the server or a
broken trace: garbage trace headers, huge headers, odd hosts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor
from koa.opentelemetry import telemetry


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.shutdown()


@pytest.fixture
async def traced(client: ClientFor, exporter: InMemorySpanExporter) -> Client:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = "hello"

    app = Koa(proxy=True)
    app.use(telemetry(tracer_provider=provider))
    app.use(hello)
    return await client(app)


def only_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    [span] = exporter.get_finished_spans()
    exporter.clear()
    return span


GARBAGE_TRACEPARENTS = [
    "",
    "garbage",
    "00-xyz-abc-01",
    "00-00000000000000000000000000000000-0000000000000000-01",  # all-zero ids
    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # forbidden version
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  # no flags
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra" + "-x" * 500,
    "00-" + "4bf92f3577b34da6a3ce929d0e0e4736" * 100 + "-00f067aa0ba902b7-01",
    "\u00e9\u00e9-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
]


@pytest.mark.parametrize("traceparent", GARBAGE_TRACEPARENTS)
async def test_a_garbage_traceparent_starts_a_fresh_trace(
    traced: Client, exporter: InMemorySpanExporter, traceparent: str
) -> None:
    reply = await traced.get("/", headers={"traceparent": traceparent, "tracestate": "=,=;;"})
    assert (reply.status, reply.text) == (200, "hello")
    span = only_span(exporter)
    assert span.parent is None
    assert span.context.is_valid


async def test_a_huge_tracestate_is_ignored_not_a_500(
    traced: Client, exporter: InMemorySpanExporter
) -> None:
    tracestate = ",".join(f"k{n}=v{n}" for n in range(700))
    reply = await traced.get(
        "/",
        headers={
            "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "tracestate": tracestate[:8000],
        },
    )
    assert reply.status == 200
    span = only_span(exporter)
    assert span.parent is not None  # the traceparent itself is fine
    assert len(span.context.trace_state) <= 32


async def test_huge_headers_are_never_a_5xx(traced: Client, exporter: InMemorySpanExporter) -> None:
    headers = {
        "User-Agent": "u" * 8000,
        "X-Forwarded-For": ",".join(["203.0.113.9"] * 600)[:8000],
        "X-Forwarded-Host": "h" * 8000,
    }
    reply = await traced.get("/", headers=headers)
    assert reply.status < 500
    if reply.status == 200:
        assert (only_span(exporter).attributes or {})["user_agent.original"] == "u" * 8000


async def test_too_large_headers_are_refused_by_the_server_before_any_span(
    traced: Client, exporter: InMemorySpanExporter
) -> None:
    reply = await traced.get("/", headers={"traceparent": "0" * 20_000})
    assert 400 <= reply.status < 500
    assert exporter.get_finished_spans() == ()


@pytest.mark.parametrize(
    "host", ["", "[::1", "example.com:99999", "example.com:abc", "a:b:c", "[::1]:8443"]
)
async def test_odd_hosts_give_a_span_and_never_a_5xx(
    traced: Client, exporter: InMemorySpanExporter, host: str
) -> None:
    reply = await traced.get("/", headers={"Host": host})
    assert reply.status < 500
    span = only_span(exporter)
    port = (span.attributes or {}).get("server.port")
    assert port is None or (isinstance(port, int) and 0 < port < 65536)


async def test_odd_paths_and_queries_are_recorded_as_sent(
    traced: Client, exporter: InMemorySpanExporter
) -> None:
    from yarl import URL

    url = URL(traced.base_url + "/%ZZ/%00/..%2f?q=%FF&&=", encoded=True)
    async with traced.session.get(url) as response:
        assert response.status == 200
    attributes = only_span(exporter).attributes or {}
    assert attributes["url.path"] == "/%ZZ/%00/..%2f"
    assert attributes["url.query"] == "q=%FF&&="
