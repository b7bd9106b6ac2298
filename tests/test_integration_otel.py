"""koa-opentelemetry with the other packages, as a user composes them: span
names and metrics from koa-router's route templates (nested routers, router
prefixes, koa-mount prefixes), 404 and 405 from allowed_methods(), router
spans, koa-logger's JSON lines joined to the trace, and the same spans under
aiohttp serving, under uvicorn (ASGI), and in the worker processes of
`koa serve --workers` and Gunicorn."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor, serving
from koa.logger import logger
from koa.mount import mount
from koa.opentelemetry import KoaInstrumentor, log_fields
from koa.router import Router, RouterContext


@dataclass
class Otel:
    exporter: InMemorySpanExporter
    tracer_provider: TracerProvider
    reader: InMemoryMetricReader
    meter_provider: MeterProvider

    def instrument(self, app: Koa, **options: Any) -> Koa:
        KoaInstrumentor().instrument_app(
            app, tracer_provider=self.tracer_provider, meter_provider=self.meter_provider, **options
        )
        return app

    def server_spans(self) -> list[ReadableSpan]:
        return [s for s in self.exporter.get_finished_spans() if s.kind is SpanKind.SERVER]

    def names(self) -> list[str]:
        return [span.name for span in self.server_spans()]

    def durations(self) -> dict[tuple[Any, ...], int]:
        data = self.reader.get_metrics_data()
        series: dict[tuple[Any, ...], int] = {}
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == "http.server.request.duration":
                        for point in metric.data.data_points:
                            attributes = point.attributes or {}
                            key = (
                                attributes.get("http.route"),
                                attributes["http.response.status_code"],
                            )
                            series[key] = point.count  # type: ignore[union-attr]
        return series


@pytest.fixture
def otel() -> Iterator[Otel]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    yield Otel(exporter, tracer_provider, reader, meter_provider)
    tracer_provider.shutdown()
    meter_provider.shutdown()


async def show(ctx: RouterContext, next: Next) -> None:
    ctx.body = {"id": ctx.params.get("id")}


def users_router(**options: Any) -> Router:
    router = Router(**options)
    router.get("/users/:id", show)
    router.post("/users", show)
    router.get("/static/page", show)
    router.get("/files/*path", show)
    return router


def routed_app(router: Router) -> Koa:
    app = Koa(silent=True)
    app.use(router.routes()).use(router.allowed_methods())
    return app


# -- span names from the router --------------------------------------------------


async def test_a_routed_request_is_named_after_its_route_template(
    client: ClientFor, otel: Otel
) -> None:
    c = await client(otel.instrument(routed_app(users_router())))
    assert (await c.get("/users/42")).json() == {"id": "42"}
    [span] = otel.server_spans()
    assert span.name == "GET /users/:id"
    attributes = span.attributes or {}
    assert attributes["http.route"] == "/users/:id"
    assert attributes["url.path"] == "/users/42"
    assert attributes["http.response.status_code"] == 200


async def test_static_and_regex_routes_keep_their_templates(client: ClientFor, otel: Otel) -> None:
    c = await client(otel.instrument(routed_app(users_router())))
    await c.get("/static/page")
    await c.get("/files/a/b.txt")
    await c.post("/users")
    assert otel.names() == ["GET /static/page", "GET /files/*path", "POST /users"]


async def test_a_path_no_route_matches_is_a_404_named_after_its_method(
    client: ClientFor, otel: Otel
) -> None:
    c = await client(otel.instrument(routed_app(users_router())))
    assert (await c.get("/nowhere")).status == 404
    [span] = otel.server_spans()
    assert span.name == "GET"
    assert "http.route" not in (span.attributes or {})
    assert span.status.status_code is StatusCode.UNSET


async def test_a_405_from_allowed_methods_has_no_route_and_is_no_error(
    client: ClientFor, otel: Otel
) -> None:
    c = await client(otel.instrument(routed_app(users_router())))
    reply = await c.delete("/users/42")
    assert reply.status == 405
    [span] = otel.server_spans()
    assert span.name == "DELETE"
    assert (span.attributes or {})["http.response.status_code"] == 405
    assert span.status.status_code is StatusCode.UNSET


async def test_a_routed_handler_that_raises_is_a_500_named_by_route(
    client: ClientFor, otel: Otel
) -> None:
    router = Router()

    async def boom(ctx: RouterContext, next: Next) -> None:
        raise RuntimeError("no")

    router.get("/orders/:id", boom)
    c = await client(otel.instrument(routed_app(router)))
    assert (await c.get("/orders/7")).status == 500
    [span] = otel.server_spans()
    assert span.name == "GET /orders/:id"
    assert (span.attributes or {})["error.type"] == "RuntimeError"
    assert span.status.status_code is StatusCode.ERROR


async def test_nested_routers_and_prefixes_give_the_full_template(
    client: ClientFor, otel: Otel
) -> None:
    api = Router(prefix="/api")
    v2 = Router()
    v2.use("/v2", users_router().routes())
    api.use(v2.routes())
    c = await client(otel.instrument(routed_app(api)))
    assert (await c.get("/api/v2/users/5")).json() == {"id": "5"}
    assert otel.names() == ["GET /api/v2/users/:id"]


async def test_a_koa_mount_prefix_is_part_of_the_template(client: ClientFor, otel: Otel) -> None:
    sub = routed_app(users_router())
    app = Koa(silent=True)
    app.use(mount("/v1", sub))
    c = await client(otel.instrument(app))
    assert (await c.get("/v1/users/9")).json() == {"id": "9"}
    await c.get("/v1/static/page")
    await c.get("/v1/files/deep/down.txt")
    assert otel.names() == ["GET /v1/users/:id", "GET /v1/static/page", "GET /v1/files/*path"]
    [span, *_] = otel.server_spans()
    assert (span.attributes or {})["url.path"] == "/v1/users/9"


async def test_nested_mounts_and_a_router_prefix_add_up(client: ClientFor, otel: Otel) -> None:
    inner = routed_app(users_router(prefix="/shop"))
    middle = Koa()
    middle.use(mount("/eu", inner))
    app = Koa(silent=True)
    app.use(mount("/api/", middle))
    c = await client(otel.instrument(app))
    assert (await c.get("/api/eu/shop/users/3")).json() == {"id": "3"}
    assert otel.names() == ["GET /api/eu/shop/users/:id"]


async def test_a_mounted_catch_all_route_keeps_the_mount_prefix(
    client: ClientFor, otel: Otel
) -> None:
    router = Router()
    router.get("/*rest", show)
    app = Koa(silent=True)
    app.use(mount("/docs", routed_app(router)))
    c = await client(otel.instrument(app))
    await c.get("/docs/guide/intro")
    assert otel.names() == ["GET /docs/*rest"]


async def test_metrics_are_recorded_with_the_route(client: ClientFor, otel: Otel) -> None:
    c = await client(otel.instrument(routed_app(users_router())))
    for user in ("1", "2", "3"):
        await c.get(f"/users/{user}")
    await c.get("/nowhere")
    assert otel.durations() == {("/users/:id", 200): 3, (None, 404): 1}


async def test_router_spans_are_named_after_the_route_as_in_node(
    client: ClientFor, otel: Otel
) -> None:
    router = Router()
    router.get("/users/:id", show)
    router.get("/me", show, name="current-user")
    c = await client(otel.instrument(routed_app(router), middleware_spans=True))
    await c.get("/users/1")
    await c.get("/me")
    internal = [s for s in otel.exporter.get_finished_spans() if s.kind is SpanKind.INTERNAL]
    assert [span.name for span in internal] == ["router - /users/:id", "current-user"]
    route_span = internal[0]
    assert dict(route_span.attributes or {}) == {
        "koa.name": "/users/:id",
        "koa.type": "router",
        "http.route": "/users/:id",
    }
    [server, _] = otel.server_spans()
    assert route_span.parent is not None and route_span.parent.span_id == server.context.span_id


async def test_uninstrument_app_restores_the_router_handlers(client: ClientFor, otel: Otel) -> None:
    router = Router()
    router.get("/users/:id", show)
    app = otel.instrument(routed_app(router), middleware_spans=True)
    assert router.stack[0].stack != [show]
    KoaInstrumentor().uninstrument_app(app)
    assert router.stack[0].stack == [show]
    await (await client(app)).get("/users/1")
    assert otel.exporter.get_finished_spans() == ()


# -- logs that join traces --------------------------------------------------------


async def test_json_log_lines_carry_the_trace_and_span_ids(client: ClientFor, otel: Otel) -> None:
    lines: list[dict[str, Any]] = []

    def keep(line: str, args: list[Any]) -> None:
        lines.append(json.loads(line))

    router = users_router()
    app = Koa(silent=True)
    app.use(logger(keep, format="json", fields=log_fields))
    app.use(router.routes())
    c = await client(otel.instrument(app))
    await c.get("/users/1", headers={"traceparent": f"00-{'ab' * 16}-{'cd' * 8}-01"})
    [line] = lines
    [span] = otel.server_spans()
    assert line["trace_id"] == "ab" * 16 == f"{span.context.trace_id:032x}"
    assert line["span_id"] == f"{span.context.span_id:016x}"


async def test_a_streamed_response_is_logged_with_the_ids_too(
    client: ClientFor, otel: Otel
) -> None:
    lines: list[dict[str, Any]] = []

    async def stream(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"one"
            yield b"two"

        ctx.body = chunks()

    app = Koa(silent=True)
    app.use(logger(lambda line, args: lines.append(args[0]), format="json", fields=log_fields))
    app.use(stream)
    c = await client(otel.instrument(app))
    assert (await c.get("/")).body == b"onetwo"
    [span] = otel.server_spans()
    assert lines[0]["span_id"] == f"{span.context.span_id:016x}"
    assert lines[0]["bytes"] == 6


# -- serving modes ------------------------------------------------------------------


@asynccontextmanager
async def uvicorn_serving(app: Koa) -> AsyncIterator[str]:
    config = uvicorn.Config(app.asgi, host="127.0.0.1", port=0, lifespan="on", log_level="error")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def _comparable(span: ReadableSpan) -> tuple[Any, ...]:
    attributes = dict(span.attributes or {})
    for varying in ("server.port", "client.address"):
        attributes.pop(varying, None)
    return span.name, span.status.status_code, sorted(attributes.items())


async def test_uvicorn_and_aiohttp_serving_give_the_same_spans(otel: Otel) -> None:
    async def stream(ctx: Context, next: Next) -> None:
        if ctx.path == "/stream":

            async def chunks() -> AsyncIterator[bytes]:
                yield b"streamed"

            ctx.body = chunks()
        else:
            await next()

    def app() -> Koa:
        router = users_router()
        application = Koa(silent=True)
        application.use(stream).use(router.routes()).use(router.allowed_methods())
        return otel.instrument(application)

    paths = ["/users/7?x=1", "/stream", "/nowhere"]

    async def spans(url: str) -> list[tuple[Any, ...]]:
        otel.exporter.clear()
        async with Client(url) as c:
            for path in paths:
                await c.get(path)
            await c.delete("/users/7")
        for _ in range(200):
            if len(otel.server_spans()) == len(paths) + 1:
                break
            await asyncio.sleep(0.01)
        return [_comparable(span) for span in otel.server_spans()]

    async with serving(app()) as url:
        under_aiohttp = await spans(url)
    async with uvicorn_serving(app()) as url:
        under_uvicorn = await spans(url)
    assert [entry[0] for entry in under_aiohttp] == ["GET /users/:id", "GET", "GET", "DELETE"]
    assert under_uvicorn == under_aiohttp


# -- multi-process serving: koa serve --workers, gunicorn -----------------------------

SERVING_APP = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spans_of(prefix: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in prefix.parent.glob(prefix.name + ".*"):
        records.extend(json.loads(line) for line in path.read_text().splitlines())
    return records


@pytest.mark.parametrize("server", ["koa serve", "gunicorn"])
async def test_every_worker_traces_with_the_sdk_it_set_up_on_startup(
    server: str, tmp_path: Path
) -> None:
    port = _free_port()
    prefix = tmp_path / "spans"
    serve = ["-m", "koa.core", "serve", "otel_serving_app:app", "--workers", "2"]
    gunicorn = ["-m", "gunicorn", "otel_serving_app:app", "-k", "koa.core.worker.GunicornWorker"]
    command = {
        "koa serve": [sys.executable, *serve, "--port", str(port)],
        "gunicorn": [sys.executable, *gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}"],
    }[server]
    proc = subprocess.Popen(
        command,
        cwd=SERVING_APP,
        env={**os.environ, "OTEL_TEST_SPANS": str(prefix)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                await asyncio.sleep(0.05)
        async with Client(url) as c:
            for user in range(20):
                reply = await c.get(f"/users/{user}")
                assert reply.json()["id"] == str(user)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    records = _spans_of(prefix)
    assert len(records) == 20
    assert {record["name"] for record in records} == {"GET /users/:id"}
    assert sorted(record["url.path"] for record in records) == sorted(
        f"/users/{user}" for user in range(20)
    )
