"""http.server.request.duration and http.server.active_requests, read with the
real SDK's in-memory metric reader."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.opentelemetry import telemetry


@dataclass
class Metrics:
    reader: InMemoryMetricReader
    provider: MeterProvider

    def points(self, name: str) -> list[Any]:
        data = self.reader.get_metrics_data()
        found: list[Any] = []
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                assert scope.scope.name == "koa.opentelemetry"
                for metric in scope.metrics:
                    if metric.name == name:
                        found.extend(metric.data.data_points)
        return found

    def app(self, *middleware: Any) -> Koa:
        app = Koa(silent=True)
        app.use(telemetry(meter_provider=self.provider))
        for fn in middleware:
            app.use(fn)
        return app


@pytest.fixture
def metrics() -> Iterator[Metrics]:
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader])
    yield Metrics(reader, provider)
    provider.shutdown()


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "hello"


async def test_each_request_records_its_duration_in_seconds_with_low_cardinality_attributes(
    client: ClientFor, metrics: Metrics
) -> None:
    c = await client(metrics.app(hello))
    await c.get("/a?x=1")
    await c.get("/b")
    [point] = metrics.points("http.server.request.duration")
    assert isinstance(point, HistogramDataPoint)
    assert point.count == 2
    assert 0 < point.sum < 30
    # no path, query or client address: one series for both requests
    assert dict(point.attributes or {}) == {
        "http.request.method": "GET",
        "url.scheme": "http",
        "http.response.status_code": 200,
    }
    assert point.explicit_bounds[:3] == (0.005, 0.01, 0.025)


async def test_statuses_and_errors_are_separate_series(client: ClientFor, metrics: Metrics) -> None:
    async def routes(ctx: Context, next: Next) -> None:
        if ctx.path == "/boom":
            raise RuntimeError("no")
        if ctx.path == "/ok":
            ctx.body = "ok"

    c = await client(metrics.app(routes))
    await c.get("/ok")
    await c.get("/missing")
    await c.get("/boom")
    series = {
        (p.attributes["http.response.status_code"], p.attributes.get("error.type")): p.count
        for p in metrics.points("http.server.request.duration")
    }
    assert series == {(200, None): 1, (404, None): 1, (500, "RuntimeError"): 1}


async def test_active_requests_counts_requests_in_flight(
    client: ClientFor, metrics: Metrics
) -> None:
    seen: list[int] = []

    async def look(ctx: Context, next: Next) -> None:
        [point] = metrics.points("http.server.active_requests")
        seen.append(point.value)
        assert dict(point.attributes or {}) == {"http.request.method": "GET", "url.scheme": "http"}
        ctx.body = "ok"

    c = await client(metrics.app(look))
    await c.get("/")
    assert seen == [1]
    [point] = metrics.points("http.server.active_requests")
    assert point.value == 0


async def test_a_streamed_request_stays_active_until_its_body_was_sent(
    client: ClientFor, metrics: Metrics
) -> None:
    release = asyncio.Event()
    values: list[int] = []

    async def stream(ctx: Context, next: Next) -> None:
        async def chunks() -> Any:
            yield b"a"
            [point] = metrics.points("http.server.active_requests")
            values.append(point.value)
            await release.wait()
            yield b"b"

        ctx.body = chunks()

    c = await client(metrics.app(stream))
    task = asyncio.create_task(c.get("/"))
    while not values:
        await asyncio.sleep(0.01)
    release.set()
    assert (await task).body == b"ab"
    assert values == [1]
    [point] = metrics.points("http.server.active_requests")
    assert point.value == 0
    [duration] = metrics.points("http.server.request.duration")
    assert duration.count == 1
