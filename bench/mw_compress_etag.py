"""What koa-compress and koa-etag cost, and koa-compress against aiohttp's own
compression.

    python bench/mw_compress_etag.py cpu [--n 5000] [--rounds 5]
    python bench/mw_compress_etag.py throughput [--seconds 5] [--connections 8]

``cpu``: CPU microseconds each middleware adds to a request, in-process (the
app's aiohttp handler called on a mocked request, no sockets, as
bench/mw_cors_helmet.py does); ``added`` is the variant's CPU time per request
minus the same app without the middleware. Each figure is the median of
``--rounds`` runs of the mean ``time.process_time`` per request.

``throughput``: two servers, each in its own process on loopback, send the
same JSON body gzip-compressed: Koa with ``compress()`` and a plain aiohttp
handler with ``Response.enable_compression()``. A client process keeps
``--connections`` keep-alive connections busy for ``--seconds``; the figures
are requests per second and the server process's CPU time per request (user +
system, from /proc), the figure that survives a loaded machine. Bodies of
16 KiB (compressed inline by both) and 256 KiB (in a worker thread by both).
Linux only (reads /proc).

Figures of 2026-12-05 (Python 3.11, 2 cores shared with other jobs: load 4-8,
so take the ratios, not the absolute values):

- cpu: compress() adds ~7 µs to a response under the threshold, ~38 µs to a
  4 KiB JSON body with gzip (level 1: ~25), ~49 µs with br (quality 4);
  etag() ~5 µs (13 B) to ~7 µs (4 KiB); conditional_get() + etag() answering
  304: ~13 µs.
- throughput, 8 connections: 16 KiB body: Koa ~1,200-1,550 req/s at
  ~185 µs of server CPU per request; aiohttp ~2,200-3,000 req/s at
  ~270-380 µs (aiohttp compresses bodies over 4 KiB in a worker thread: the
  second core adds req/s, the hop doubles the CPU per request; with the line
  at 4 KiB koa-compress measured the same: 2,546 req/s at 411 µs). 256 KiB
  body (both in a thread): Koa ~290-300 req/s, aiohttp ~270-390 req/s, both
  ~1.55 ms of CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_request import BaseRequest

from koa.compress import compress
from koa.core import Context, Koa, Middleware, Next
from koa.etag import conditional_get, etag

Handler = Callable[[BaseRequest], Awaitable[web.StreamResponse]]


def json_body(size: int) -> bytes:
    """A JSON array of user records, about *size* bytes long."""
    rows = []
    total = 2
    i = 0
    while total < size:
        row = {"id": i, "name": f"user {i}", "email": f"user{i}@example.com", "active": i % 3 == 0}
        total += len(json.dumps(row, separators=(",", ":"))) + 1
        rows.append(row)
        i += 1
    return json.dumps(rows, separators=(",", ":")).encode()


SMALL = b"Hello, World!"
MEDIUM = json_body(4 * 1024)
GZIP = {"Accept-Encoding": "gzip, deflate"}
BR = {"Accept-Encoding": "gzip, deflate, br"}
TAG_4K = ""  # filled in main(): the ETag of MEDIUM


class PeerTransport:
    """What the request asks its transport: the peer's address."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 3000)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False


def answering(body: bytes) -> Middleware:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.type = "json"
        ctx.body = body

    return handler


#: name, baseline name, middleware, body, request headers
VARIANTS: list[tuple[str, str, Callable[[], list[Middleware]], bytes, dict[str, str]]] = [
    ("bare 13 B", "", lambda: [], SMALL, GZIP),
    ("compress() 13 B (under threshold)", "bare 13 B", lambda: [compress()], SMALL, GZIP),
    ("etag() 13 B", "bare 13 B", lambda: [etag()], SMALL, {}),
    (
        "conditional_get() + etag() 13 B",
        "bare 13 B",
        lambda: [conditional_get(), etag()],
        SMALL,
        {},
    ),
    ("bare 4 KiB JSON", "", lambda: [], MEDIUM, GZIP),
    ("compress() 4 KiB gzip", "bare 4 KiB JSON", lambda: [compress()], MEDIUM, GZIP),
    ("compress() 4 KiB br", "bare 4 KiB JSON", lambda: [compress()], MEDIUM, BR),
    (
        "compress(gzip level 1) 4 KiB",
        "bare 4 KiB JSON",
        lambda: [compress(gzip={"level": 1})],
        MEDIUM,
        GZIP,
    ),
    ("etag() 4 KiB", "bare 4 KiB JSON", lambda: [etag()], MEDIUM, {}),
    (
        "conditional_get() + etag() 4 KiB, 304",
        "bare 4 KiB JSON",
        lambda: [conditional_get(), etag()],
        MEDIUM,
        {"If-None-Match": "TAG"},
    ),
]


async def measure(handler: Handler, headers: dict[str, str], n: int, rounds: int) -> float:
    """Median of *rounds* runs of the mean CPU µs per request."""
    request = make_mocked_request(
        "GET", "/", headers={"Host": "bench:3000", **headers}, transport=PeerTransport()
    )
    for _ in range(min(n, 1000)):  # warm up
        await handler(request)
    runs = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(n):
            await handler(request)
        runs.append((time.process_time() - started) / n * 1e6)
    return statistics.median(runs)


async def cpu(n: int, rounds: int) -> None:
    from koa.etag import entity_tag

    print(f"python {platform.python_version()} on {platform.machine()}, n={n}, rounds={rounds}")
    print(f"{'variant':<40} {'µs/request':>11} {'added':>8}")
    costs: dict[str, float] = {}
    for name, base, middleware, body, headers in VARIANTS:
        app = Koa()
        for mw in middleware():
            app.use(mw)
        app.use(answering(body))
        if headers.get("If-None-Match") == "TAG":
            headers = {"If-None-Match": entity_tag(body)}
        cost = costs[name] = await measure(app.callback(), headers, n, rounds)
        added = f"{cost - costs[base]:>8.2f}" if base else ""
        print(f"{name:<40} {cost:>11.2f} {added}")


# -- throughput -------------------------------------------------------------

SERVER = r"""
import asyncio, sys
from aiohttp import web
sys.path.insert(0, {bench!r})
from mw_compress_etag import json_body
BODY = json_body({size})
kind = {kind!r}

async def main():
    if kind == "koa":
        from koa.compress import compress
        from koa.core import Koa
        app = Koa()
        app.use(compress())
        async def handler(ctx, next):
            ctx.type = "json"
            ctx.body = BODY
        app.use(handler)
        handle = await app.listen(0, "127.0.0.1")
        port = int(handle.url.rsplit(":", 1)[1].strip("/"))
    else:
        async def handler(request):
            response = web.Response(body=BODY, content_type="application/json")
            response.enable_compression()
            return response
        server = web.Server(handler)
        loop = asyncio.get_running_loop()
        srv = await loop.create_server(server, "127.0.0.1", 0)
        port = srv.sockets[0].getsockname()[1]
    print(port, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


async def _client(port: int, seconds: float, connections: int) -> int:
    request = b"GET / HTTP/1.1\r\nHost: bench\r\nAccept-Encoding: gzip\r\n\r\n"
    deadline = time.monotonic() + seconds
    done = 0

    async def one() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.monotonic() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            headers = head.lower()
            assert b"content-encoding: gzip" in headers, head
            if b"transfer-encoding: chunked" in headers:
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                length = int(headers.split(b"content-length:")[1].split(b"\r\n")[0])
                await reader.readexactly(length)
            done += 1
        writer.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    return done


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def throughput(seconds: float, connections: int) -> None:
    bench = os.path.dirname(os.path.abspath(__file__))
    print(f"python {platform.python_version()}, {seconds}s per run, {connections} connections")
    print(f"{'server':<34} {'body':>8} {'req/s':>8} {'server CPU µs/req':>18}")
    for size in (16 * 1024, 256 * 1024):
        for kind, label in (
            ("koa", "Koa + compress()"),
            ("aiohttp", "aiohttp enable_compression()"),
        ):
            code = SERVER.format(bench=bench, size=size, kind=kind)
            server = subprocess.Popen(
                [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
            )
            try:
                assert server.stdout is not None
                port = int(server.stdout.readline())
                asyncio.run(_client(port, 1.0, connections))  # warm up
                cpu_before = _cpu_seconds(server.pid)
                started = time.monotonic()
                done = asyncio.run(_client(port, seconds, connections))
                elapsed = time.monotonic() - started
                cpu_used = _cpu_seconds(server.pid) - cpu_before
            finally:
                server.terminate()
                server.wait()
            print(
                f"{label:<34} {size // 1024:>5} KiB {done / elapsed:>8.0f} "
                f"{cpu_used / done * 1e6:>18.0f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cpu_parser = sub.add_parser("cpu")
    cpu_parser.add_argument("--n", type=int, default=5000, help="requests per round")
    cpu_parser.add_argument("--rounds", type=int, default=5)
    tp_parser = sub.add_parser("throughput")
    tp_parser.add_argument("--seconds", type=float, default=5.0)
    tp_parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if args.command == "cpu":
        asyncio.run(cpu(args.n, args.rounds))
    else:
        throughput(args.seconds, args.connections)
