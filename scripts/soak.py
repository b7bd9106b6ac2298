"""Soak test: many requests at high concurrency against the realistic stack,
in a real server process, with slow clients alongside (half trickling their
headers, half their body, a byte every half second); zero errors allowed for
the normal clients, RSS must not keep growing, and every slow client must be
cut off with a 408 (the server runs with --headers-timeout 2
--request-timeout 4 so that happens within the run).

    python scripts/soak.py                       # 1,000,000 requests, 256 connections
    python scripts/soak.py --requests 20000 --concurrency 64   # the short CI variant

Prints requests/s, errors, the server's RSS after warm-up and at the end, and
how the slow clients ended. Exits non-zero on any error, on RSS growth of 5% or
more after warm-up, or on a slow client not answered 408 in time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


REQUESTS = [
    ("GET", "/items/42?x=1", None, 200),
    ("POST", "/items", b'{"a": 1, "b": [1, 2, 3], "c": {"d": "e"}}', 201),
    ("GET", "/static/file.txt", None, 200),
    ("GET", "/teapot", None, 418),
    ("GET", "/missing", None, 404),
    ("DELETE", "/items", None, 405),
]


async def load(url: str, total: int, concurrency: int) -> tuple[int, int, float]:
    counter = itertools.count()
    errors = 0
    done = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors, done
            while (n := next(counter)) < total:
                method, path, body, expected = REQUESTS[n % len(REQUESTS)]
                headers = {"Content-Type": "application/json"} if body else None
                try:
                    async with session.request(method, url + path, data=body, headers=headers) as r:
                        await r.read()
                        if r.status != expected:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done, errors, time.perf_counter() - started


HEADERS_TIMEOUT = 2.0
REQUEST_TIMEOUT = 4.0


async def slow_client(port: int, kind: str) -> bool:
    """Trickle a request a byte every 0.5 s; True if the server answered 408
    and closed the connection within its deadline (plus a margin)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if kind == "body":
        writer.write(
            b"POST /items HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n"
        )
        data, deadline = b"[" + b"1," * 50000, REQUEST_TIMEOUT
    else:
        data, deadline = b"GET /items/1 HTTP/1.1\r\n" + b"X-Slow: 1\r\n" * 10000, HEADERS_TIMEOUT

    async def send() -> None:
        try:
            for byte in data:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.5)
        except (ConnectionError, RuntimeError):
            pass

    sender = asyncio.ensure_future(send())
    try:
        answer = await asyncio.wait_for(reader.read(), deadline + 3)
    except TimeoutError:
        return False
    finally:
        sender.cancel()
        writer.close()
    return answer.startswith(b"HTTP/1.1 408")


async def load_with_slow_clients(
    url: str, port: int, total: int, concurrency: int, slow: int
) -> tuple[tuple[int, int, float], list[bool]]:
    slow_clients = [
        asyncio.ensure_future(slow_client(port, "body" if i % 2 else "headers"))
        for i in range(slow)
    ]
    result = await load(url, total, concurrency)
    return result, list(await asyncio.gather(*slow_clients))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--warmup", type=int, default=None, help="requests before the RSS baseline")
    parser.add_argument("--slow", type=int, default=50, help="slow clients alongside the load")
    args = parser.parse_args()
    warmup = args.warmup if args.warmup is not None else max(5_000, args.requests // 20)

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "koa.core",
            "serve",
            "soak_app:app",
            "--port",
            str(port),
            "--headers-timeout",
            str(HEADERS_TIMEOUT),
            "--request-timeout",
            str(REQUEST_TIMEOUT),
        ],
        cwd=HERE,
        env={**os.environ, "PYTHONPATH": str(HERE)},
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("server did not start", file=sys.stderr)
                    return 2
                time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        asyncio.run(load(url, warmup, args.concurrency))
        baseline = rss_kib(server.pid)
        (done, errors, seconds), cut_off = asyncio.run(
            load_with_slow_clients(url, port, args.requests, args.concurrency, args.slow)
        )
        final = rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(20)
    growth = (final - baseline) / baseline * 100
    print(
        f"soak: {done} requests at {args.concurrency} connections in {seconds:.1f}s "
        f"({done / seconds:.0f} req/s), {errors} errors; "
        f"server RSS {baseline} KiB after {warmup} warm-up requests, {final} KiB at the end "
        f"({growth:+.1f}%); {sum(cut_off)} of {len(cut_off)} slow clients cut off with a 408"
    )
    if errors:
        return 1
    if not all(cut_off):
        print("soak: a slow client was not answered 408 in time", file=sys.stderr)
        return 1
    if growth >= 5:
        print("soak: RSS grew by 5% or more after warm-up", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
