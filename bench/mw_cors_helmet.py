"""What koa-cors and koa-helmet cost per request: CPU microseconds each adds to
a request, measured in-process (the app's aiohttp handler called on a request
object, no sockets, as bench/otel_cost.py does), so the figures do not drown
in HTTP noise on a shared machine.

    python bench/mw_cors_helmet.py [--n 20000] [--rounds 5]

The bare app answers ``GET /`` with "Hello, World!". Each variant adds the
middleware in front of it; ``added`` is the variant's CPU time per request
minus the bare app's. Each figure is the median of ``--rounds`` runs of the
mean CPU time per request (``time.process_time``).
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_request import BaseRequest

from koa.core import Context, Koa, Middleware, Next
from koa.cors import OriginResult, cors
from koa.helmet import helmet

Handler = Callable[[BaseRequest], Awaitable[web.StreamResponse]]

ORIGIN = {"Origin": "https://app.example"}
PREFLIGHT = {
    **ORIGIN,
    "Access-Control-Request-Method": "PUT",
    "Access-Control-Request-Headers": "Content-Type, Authorization",
}


class PeerTransport:
    """What the request asks its transport: the peer's address."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 3000)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "Hello, World!"


def allow_listed(ctx: Context) -> OriginResult:
    origin = ctx.get("Origin")
    return origin if origin in {"https://app.example", "https://admin.example"} else None


async def nonce(ctx: Context, next: Next) -> None:
    ctx.state["nonce"] = secrets.token_urlsafe(16)
    await next()


def nonce_source(ctx: Context) -> str:
    return f"'nonce-{ctx.state['nonce']}'"


#: name, middleware in front of ``hello``, method, request headers
VARIANTS: list[tuple[str, Callable[[], list[Middleware]], str, dict[str, str]]] = [
    ("bare", lambda: [], "GET", ORIGIN),
    ("cors()", lambda: [cors()], "GET", ORIGIN),
    ("cors() preflight", lambda: [cors()], "OPTIONS", PREFLIGHT),
    (
        "cors(allow-list fn, credentials)",
        lambda: [cors(origin=allow_listed, credentials=True, expose_headers=["X-Total"])],
        "GET",
        ORIGIN,
    ),
    ("helmet()", lambda: [helmet()], "GET", ORIGIN),
    (
        "nonce mw + helmet(CSP fn)",
        lambda: [
            nonce,
            helmet(
                content_security_policy={"directives": {"script-src": ["'self'", nonce_source]}}
            ),
        ],
        "GET",
        ORIGIN,
    ),
    ("cors() + helmet()", lambda: [cors(), helmet()], "GET", ORIGIN),
]


async def measure(
    handler: Handler, method: str, headers: dict[str, str], n: int, rounds: int
) -> float:
    """Median of *rounds* runs of the mean CPU µs per request."""
    request = make_mocked_request(
        method, "/", headers={"Host": "bench:3000", **headers}, transport=PeerTransport()
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


async def main(n: int, rounds: int) -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, n={n}, rounds={rounds}")
    print(f"{'variant':<34} {'µs/request':>11} {'added':>8}")
    bare = 0.0
    for name, middleware, method, headers in VARIANTS:
        app = Koa()
        for mw in middleware():
            app.use(mw)
        app.use(hello)
        cost = await measure(app.callback(), method, headers, n, rounds)
        if name == "bare":
            bare = cost
            print(f"{name:<34} {cost:>11.2f}")
        else:
            print(f"{name:<34} {cost:>11.2f} {cost - bare:>8.2f}")
    print("added: CPU µs per request over the bare app (a preflight skips the handler)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.rounds))
