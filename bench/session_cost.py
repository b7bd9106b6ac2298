"""What koa-session costs per request: CPU microseconds added by a cookie
session and by a Redis session, measured in-process (the app's aiohttp handler
called on a request object, no sockets, as bench/otel_cost.py does).

    python bench/session_cost.py [--n 5000] [--rounds 5] [--redis-url URL]

Without ``--redis-url`` a private ``redis-server`` (Debian's, from PATH) is
started on a random port without persistence, and stopped at the end.

Scenarios, each answering ``"ok"`` to ``GET /`` with a request that carries a
valid session cookie (so the session is loaded every time):

- ``bare``: no session middleware (the baseline);
- ``cookie, read``: ``ctx.session["user"]`` read, nothing changed (the cookie
  is verified and decoded, no Set-Cookie);
- ``cookie, write``: a counter incremented (decode + encode + two signed
  Set-Cookie lines);
- ``memory store, write``: the same with ``MemoryStore``;
- ``redis, read`` / ``redis, write``: ``RedisStore`` over a real loopback
  connection (one GET; GET + SET with a TTL).

Each figure is the median of ``--rounds`` runs of the mean per request:
process CPU time (``time.process_time``; the Redis server's own CPU is not
included) and wall time (which includes the Redis round trips).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_request import BaseRequest

from koa.core import Context, Keygrip, Koa, Next
from koa.session import MemoryStore, RedisStore, SessionContext, encode, session

Handler = Callable[[BaseRequest], Awaitable[web.StreamResponse]]
KEYS = ["bench key"]


class PeerTransport:
    """What the request asks its transport: the peer's address."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 3000)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False


def signed(name: str, value: str) -> str:
    return f"{name}={value}; {name}.sig={Keygrip(KEYS).sign(f'{name}={value}')}"


async def read(ctx: SessionContext, next: Next) -> None:
    ctx.body = "ok" if ctx.session.get("user") else "?"


async def write(ctx: SessionContext, next: Next) -> None:
    ctx.session["n"] = ctx.session.get("n", 0) + 1
    ctx.body = "ok"


async def bare_handler(ctx: Context, next: Next) -> None:
    ctx.body = "ok"


async def build(variant: str, redis_url: str) -> tuple[Handler, str, Callable[[], Awaitable[None]]]:
    """The handler, the Cookie header its requests carry, and a cleanup."""
    app = Koa(keys=KEYS)

    async def nothing() -> None:
        return None

    if variant == "bare":
        app.use(bare_handler)
        return app.callback(), "", nothing
    data = {"user": "ann", "n": 0, "_expire": int(time.time() * 1000) + 86_400_000,
            "_maxAge": 86_400_000}  # fmt: skip
    handler = read if variant.endswith("read") else write
    if variant.startswith("cookie"):
        app.use(session(app))
        app.use(handler)
        return app.callback(), signed("koa.sess", encode(data)), nothing
    store: MemoryStore | RedisStore
    store = MemoryStore() if variant.startswith("memory") else RedisStore(redis_url, timeout=5)
    none: Any = None
    await store.set("bench-session", data, 86_400, rolling=False, changed=True, ctx=none)
    app.use(session(app, store=store))
    app.use(handler)

    async def close() -> None:
        if isinstance(store, RedisStore):
            await store.close()

    return app.callback(), signed("koa.sess", "bench-session"), close


async def measure(handler: Handler, cookie: str, n: int, rounds: int) -> tuple[float, float]:
    """Median of *rounds* runs of (CPU µs, wall µs) per request."""
    headers = {"Host": "bench:3000", "User-Agent": "bench/1.0"}
    if cookie:
        headers["Cookie"] = cookie
    request = make_mocked_request("GET", "/", headers=headers, transport=PeerTransport())
    for _ in range(min(n, 1000)):  # warm up
        await handler(request)
    cpu, wall = [], []
    for _ in range(rounds):
        started, started_wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            response = await handler(request)
        cpu.append((time.process_time() - started) / n * 1e6)
        wall.append((time.perf_counter() - started_wall) / n * 1e6)
        assert response.status == 200, response.status
    return statistics.median(cpu), statistics.median(wall)


VARIANTS = (
    "bare",
    "cookie, read",
    "cookie, write",
    "memory store, write",
    "redis, read",
    "redis, write",
)


def start_redis() -> tuple[str, subprocess.Popen[bytes]]:
    server = shutil.which("redis-server")
    if server is None:
        sys.exit("no redis-server on PATH (apt-get install redis-server), or pass --redis-url")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0", proc


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis-url", help="use this Redis instead of starting one")
    args = parser.parse_args()
    proc = None
    redis_url = args.redis_url
    if redis_url is None:
        redis_url, proc = start_redis()
    try:
        print(f"# koa-session cost per request, in-process ({args.n} requests x {args.rounds})")
        print(f"# {platform.python_implementation()} {platform.python_version()}, "
              f"{platform.machine()}, load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")  # fmt: skip
        print(f"{'variant':<22}{'CPU µs':>9}{'+ bare':>9}{'wall µs':>10}")
        bare = 0.0
        for variant in VARIANTS:
            handler, cookie, close = await build(variant, redis_url)
            try:
                cpu, wall = await measure(handler, cookie, args.n, args.rounds)
            finally:
                await close()
            if variant == "bare":
                bare = cpu
            print(f"{variant:<22}{cpu:>9.1f}{cpu - bare:>+9.1f}{wall:>10.1f}")
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    asyncio.run(main())
