"""Soak test: many requests at high concurrency against the realistic stack,
in a real server process; zero errors allowed and RSS must not keep growing.

    python scripts/soak.py                       # 1,000,000 requests, 256 connections
    python scripts/soak.py --requests 20000 --concurrency 64   # the short CI variant

Prints requests/s, errors, and the server's RSS after warm-up and at the end.
Exits non-zero on any error or on RSS growth of 5% or more after warm-up.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--warmup", type=int, default=None, help="requests before the RSS baseline")
    args = parser.parse_args()
    warmup = args.warmup if args.warmup is not None else max(5_000, args.requests // 20)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "koa.core", "serve", "soak_app:app", "--port", str(port)],
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
        done, errors, seconds = asyncio.run(load(url, args.requests, args.concurrency))
        final = rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(20)
    growth = (final - baseline) / baseline * 100
    print(
        f"soak: {done} requests at {args.concurrency} connections in {seconds:.1f}s "
        f"({done / seconds:.0f} req/s), {errors} errors; "
        f"server RSS {baseline} KiB after {warmup} warm-up requests, {final} KiB at the end "
        f"({growth:+.1f}%)"
    )
    if errors:
        return 1
    if growth >= 5:
        print("soak: RSS grew by 5% or more after warm-up", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
