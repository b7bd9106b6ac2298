"""In-process framework overhead: microseconds per request that Koa adds on top
of a raw aiohttp handler, measured by calling each handler on a mocked aiohttp
request (no sockets, so it is far steadier than HTTP load).

    python bench/overhead.py [--n 20000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_request import BaseRequest

from koa.core import Context, Koa, Next

Handler = Callable[[BaseRequest], Awaitable[web.StreamResponse]]


async def raw_hello(request: BaseRequest) -> web.StreamResponse:
    return web.Response(text="Hello, World!")


def koa_hello() -> Handler:
    app = Koa()

    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = "Hello, World!"

    return app.use(hello).callback()


def koa_json_10_middleware() -> Handler:
    app = Koa()
    for _ in range(10):

        async def passthrough(ctx: Context, next: Next) -> None:
            await next()

        app.use(passthrough)

    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = {"message": "Hello, World!"}

    return app.use(hello).callback()


def koa_router_100() -> Handler:
    from koa.router import Router, RouterContext

    app = Koa()
    router: Router[RouterContext] = Router()
    for i in range(100):

        async def route(ctx: RouterContext, next: Next, i: int = i) -> None:
            ctx.body = {"route": i, "id": ctx.params["id"]}

        router.get(f"/api/r{i}/:id", route)
    return app.use(router.routes()).callback()


async def raw_json(request: BaseRequest) -> web.StreamResponse:
    return web.json_response({"message": "Hello, World!"})


async def measure(handler: Handler, n: int, path: str = "/") -> float:
    """Median of 5 runs of the mean CPU µs per call."""
    request = make_mocked_request("GET", path, headers={"Host": "bench"})
    runs = []
    for _ in range(5):
        started = time.process_time()  # CPU time: steadier on a shared machine
        for _ in range(n):
            await handler(request)
        runs.append((time.process_time() - started) / n * 1e6)
    return statistics.median(runs)


async def main(n: int, profile: str | None) -> None:
    cases: dict[str, tuple[Handler, Handler, str]] = {
        "plaintext": (raw_hello, koa_hello(), "/"),
        "json + 10 middleware": (raw_json, koa_json_10_middleware(), "/"),
        "json, 100-route router": (raw_json, koa_router_100(), "/api/r57/123"),
    }
    print(f"{'scenario':24} {'raw µs':>8} {'koa µs':>8} {'overhead µs':>12}")
    for name, (raw, koa, path) in cases.items():
        raw_us = await measure(raw, n, path)
        koa_us = await measure(koa, n, path)
        print(f"{name:24} {raw_us:8.2f} {koa_us:8.2f} {koa_us - raw_us:12.2f}")
    if profile:
        if profile == "plaintext":
            handler, path = koa_hello(), "/"
        else:
            handler, path = koa_router_100(), "/api/r57/123"
        request: Any = make_mocked_request("GET", path, headers={"Host": "bench"})
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            await handler(request)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument(
        "--profile", choices=["plaintext", "router"], help="cProfile one Koa scenario"
    )
    args = parser.parse_args()
    asyncio.run(main(args.n, args.profile))
