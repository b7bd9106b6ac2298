"""What koa-opentelemetry costs per request: CPU microseconds added to a request
by the server span and the two metrics, measured in-process (the app's aiohttp
handler called on a request object, no sockets, as bench/overhead.py does), so
the figures do not drown in HTTP noise on a shared machine.

    python bench/otel_cost.py [--n 20000] [--rounds 5]
    python bench/otel_cost.py --server [--n 20000]   # through a real server too

Two apps: ``plaintext`` (one middleware answering "Hello, World!") and
``routes`` (100 koa-router routes ``/api/r{i}/:id``, ``GET /api/r57/123``
answered with JSON). Each is measured bare and instrumented with
``KoaInstrumentor().instrument_app()`` and the real OpenTelemetry SDK:

- ``api only``: no SDK configured (what a library user pays before setting
  providers up: the API's no-op tracer and meter);
- ``sdk, no-op exporter``: TracerProvider + SimpleSpanProcessor(exporter that
  drops the spans), MeterProvider with a reader (measurements aggregated);
- ``sdk, batching``: the same with a BatchSpanProcessor (its export thread's
  CPU time is counted: process time covers every thread);
- ``sdk, 10% sampled``: batching, with ``ParentBased(TraceIdRatioBased(0.1))``:
  nine requests in ten get a non-recording span (the metrics are still
  recorded for all).

Each figure is the median of ``--rounds`` runs of the mean CPU time per
request (``time.process_time``).

In-process, a request costs only what Koa and the handler do (no HTTP parsing,
no socket writes), which makes the instrumentation's share look far larger
than it is. ``--server`` also serves each variant from its own process
(``app.listen``) and sends it ``--n`` keep-alive requests from 8 concurrent
clients in this process, reading the server process's CPU time (user +
system, ``/proc/<pid>/stat``) before and after: the CPU µs a real request
costs, and what the instrumentation adds to it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_request import BaseRequest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from koa.core import Context, Koa, Next
from koa.opentelemetry import KoaInstrumentor
from koa.router import Router, RouterContext

Handler = Callable[[BaseRequest], Awaitable[web.StreamResponse]]


class DropExporter(SpanExporter):
    """Exports nowhere: the cost of the SDK, not of a network."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


class PeerTransport:
    """What the request asks its transport: the peer's address."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 3000)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False


def plaintext() -> tuple[Koa, str]:
    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = "Hello, World!"

    return Koa().use(hello), "/"


def routes() -> tuple[Koa, str]:
    router: Router[RouterContext] = Router()
    for i in range(100):

        async def route(ctx: RouterContext, next: Next, i: int = i) -> None:
            ctx.body = {"route": i, "id": ctx.params["id"]}

        router.get(f"/api/r{i}/:id", route)
    return Koa().use(router.routes()), "/api/r57/123"


def instrumented(build: Callable[[], tuple[Koa, str]], variant: str) -> tuple[Handler, str, Any]:
    app, path = build()
    if variant == "bare":
        return app.callback(), path, None
    if variant == "api only":
        # no providers given and none set globally: the API's no-op ones
        KoaInstrumentor().instrument_app(app)
        return app.callback(), path, None
    sampled = variant == "sdk, 10% sampled"
    tracer_provider = (
        TracerProvider(sampler=ParentBased(TraceIdRatioBased(0.1))) if sampled else TracerProvider()
    )
    processor = (
        SimpleSpanProcessor(DropExporter())
        if variant == "sdk, no-op exporter"
        else BatchSpanProcessor(DropExporter(), max_queue_size=65536)
    )
    tracer_provider.add_span_processor(processor)
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    KoaInstrumentor().instrument_app(
        app, tracer_provider=tracer_provider, meter_provider=meter_provider
    )

    def shutdown() -> None:
        tracer_provider.shutdown()
        meter_provider.shutdown()

    return app.callback(), path, shutdown


async def measure(handler: Handler, path: str, n: int, rounds: int) -> float:
    """Median of *rounds* runs of the mean CPU µs per request."""
    request = make_mocked_request(
        "GET",
        path,
        headers={"Host": "bench:3000", "User-Agent": "bench/1.0"},
        transport=PeerTransport(),
    )
    for _ in range(min(n, 2000)):  # warm up
        await handler(request)
    runs = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(n):
            await handler(request)
        runs.append((time.process_time() - started) / n * 1e6)
    return statistics.median(runs)


VARIANTS = ("bare", "api only", "sdk, no-op exporter", "sdk, batching", "sdk, 10% sampled")
SCENARIOS: dict[str, Callable[[], tuple[Koa, str]]] = {"plaintext": plaintext, "routes": routes}


async def serve(scenario: str, variant: str) -> None:
    """The child process of --server: serve one variant, print its port."""
    app, _ = SCENARIOS[scenario]()
    handler, _, _ = instrumented(lambda: (app, ""), variant)
    del handler  # instrumented() only needed to instrument the app
    server = await app.listen(0, "127.0.0.1")
    print(server.url.rsplit(":", 1)[1], flush=True)
    await asyncio.Event().wait()


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def served_cost(scenario: str, variant: str, n: int) -> float:
    """Server CPU µs per request over HTTP/1.1 keep-alive."""
    import aiohttp

    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", scenario, variant],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        path = SCENARIOS[scenario]()[1]
        url = f"http://127.0.0.1:{port}{path}"
        async with aiohttp.ClientSession(headers={"User-Agent": "bench/1.0"}) as session:

            async def client(count: int) -> None:
                for _ in range(count):
                    async with session.get(url) as response:
                        await response.read()

            await asyncio.gather(*(client(500) for _ in range(8)))  # warm up
            before = _cpu_seconds(child.pid)
            await asyncio.gather(*(client(n // 8) for _ in range(8)))
            return (_cpu_seconds(child.pid) - before) / (n // 8 * 8) * 1e6
    finally:
        child.terminate()
        child.wait()


async def main_server(n: int) -> None:
    print(f"through a real server, n={n} (server process CPU µs per request)")
    print(f"{'scenario':<10} {'variant':<22} {'µs/request':>11} {'added':>8} {'share':>7}")
    for name in SCENARIOS:
        bare = 0.0
        for variant in VARIANTS:
            cost = await served_cost(name, variant, n)
            if variant == "bare":
                bare = cost
                print(f"{name:<10} {variant:<22} {cost:>11.1f}")
                continue
            added = cost - bare
            print(f"{name:<10} {variant:<22} {cost:>11.1f} {added:>8.1f} {added / cost:>7.0%}")


async def main(n: int, rounds: int) -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, n={n}, rounds={rounds}")
    print(f"{'scenario':<10} {'variant':<22} {'µs/request':>11} {'added':>8} {'share':>7}")
    for name, build in SCENARIOS.items():
        bare = 0.0
        for variant in VARIANTS:
            handler, path, shutdown = instrumented(build, variant)
            cost = await measure(handler, path, n, rounds)
            if shutdown is not None:
                shutdown()
            if variant == "bare":
                bare = cost
                print(f"{name:<10} {variant:<22} {cost:>11.1f}")
                continue
            added = cost - bare
            print(f"{name:<10} {variant:<22} {cost:>11.1f} {added:>8.1f} {added / cost:>7.0%}")
    print("share: the instrumentation's part of the instrumented request's CPU time")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--server", action="store_true", help="also measure through a server")
    parser.add_argument("--serve", nargs=2, metavar=("SCENARIO", "VARIANT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(*args.serve))
    else:
        asyncio.run(main(args.n, args.rounds))
        if args.server:
            asyncio.run(main_server(args.n))
