"""Static-file throughput: koa-static's ``serve()`` against aiohttp's own
``web.FileResponse``, in the same run.

Each server runs in its own process (so the client does not steal its CPU),
on loopback, with access logs off:

- ``koa-static``: ``Koa().use(serve(root))`` served by koa-core.
- ``aiohttp``: aiohttp's low-level ``web.Server`` whose handler returns
  ``web.FileResponse(root / name)`` (no router: the leanest aiohttp baseline).

The client is a minimal keep-alive HTTP/1.1 client on raw asyncio streams
(cheaper than any full client, so the servers are what is measured), with a
few concurrent connections and a bounded number of requests. Rounds
alternate between the two servers and the best round of each counts.

    python bench/static_files.py            # a few seconds
    python bench/static_files.py --rss      # also: server RSS while sending a 1 GiB file
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILES = {"small.bin": 1024, "large.bin": 10 * 1024 * 1024}
# (requests per round, concurrent connections) for each file
LOAD = {"small.bin": (2000, 8), "large.bin": (40, 4)}
ROUNDS = 4
HUGE = 1 << 30


# -- servers (child processes) -------------------------------------------------


async def _koa_server(root: str, ready: Any) -> None:
    from koa.core import Koa
    from koa.static import serve

    app = Koa(silent=True)
    app.use(serve(root))
    handle = await app.listen(0, "127.0.0.1", access_log=None)
    ready.put(handle.port)
    await asyncio.Event().wait()


async def _aiohttp_server(root: str, ready: Any) -> None:
    from aiohttp import web
    from aiohttp.web_request import BaseRequest

    base = Path(root)

    async def handler(request: BaseRequest) -> web.StreamResponse:
        name = request.path.lstrip("/")
        if "/" in name or name.startswith("."):
            return web.Response(status=404)
        return web.FileResponse(base / name)

    runner = web.ServerRunner(web.Server(handler, access_log=None), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    ready.put(runner.addresses[0][1])
    await asyncio.Event().wait()


def _run_server(kind: str, root: str, ready: Any) -> None:
    main = _koa_server if kind == "koa-static" else _aiohttp_server
    try:
        asyncio.run(main(root, ready))
    except KeyboardInterrupt:
        pass


# -- client ----------------------------------------------------------------------


async def _fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"unexpected answer for {path}: {head[:40]!r}")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    remaining = length
    while remaining:
        chunk = await reader.read(min(remaining, 1 << 20))
        if not chunk:
            raise RuntimeError("connection closed early")
        remaining -= len(chunk)
    return length


async def _load(port: int, path: str, requests: int, connections: int) -> tuple[float, int]:
    """Seconds taken for *requests* GETs over *connections*; bytes received."""
    counter = iter(range(requests))
    received = 0

    async def worker() -> None:
        nonlocal received
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        try:
            for _ in counter:
                length = await _fetch(reader, writer, path)
                received += length
        finally:
            writer.close()

    for _ in range(connections):  # warm-up: connections, caches, executor threads
        await _fetch(*(await asyncio.open_connection("127.0.0.1", port)), path)
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - start, received


@dataclass
class Result:
    server: str
    file: str
    requests_per_s: float
    mb_per_s: float


async def _bench(ports: dict[str, int]) -> list[Result]:
    best: dict[tuple[str, str], tuple[float, int, int]] = {}
    for name, (requests, connections) in LOAD.items():
        for _ in range(ROUNDS):
            for server, port in ports.items():
                seconds, received = await _load(port, "/" + name, requests, connections)
                key = (server, name)
                if key not in best or seconds < best[key][0]:
                    best[key] = (seconds, received, requests)
    return [
        Result(server, name, requests / seconds, received / seconds / 1e6)
        for (server, name), (seconds, received, requests) in best.items()
    ]


def _peak_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


async def _huge(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    await _fetch(reader, writer, "/huge.bin")
    writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rss", action="store_true", help="measure RSS while sending 1 GiB")
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as root:
        for name, size in FILES.items():
            Path(root, name).write_bytes(os.urandom(size))
        if args.rss:
            with open(Path(root, "huge.bin"), "wb") as huge:
                huge.truncate(HUGE)
        processes, ports = [], {}
        try:
            for kind in ("koa-static", "aiohttp"):
                ready = ctx.Queue()
                process = ctx.Process(target=_run_server, args=(kind, root, ready), daemon=True)
                process.start()
                processes.append(process)
                ports[kind] = ready.get(timeout=30)
            started = time.perf_counter()
            results = asyncio.run(_bench(ports))
            elapsed = time.perf_counter() - started
            rss = None
            if args.rss and sys.platform.startswith("linux") and processes[0].pid is not None:
                pid = processes[0].pid
                before = _peak_rss(pid)
                asyncio.run(_huge(ports["koa-static"]))
                rss = (before, _peak_rss(pid))
        finally:
            for process in processes:
                process.terminate()
                process.join(5)

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {elapsed:.1f} s of load")
    print(f"{'file':<10} {'server':<11} {'req/s':>9} {'MB/s':>9}  ratio")
    for name in FILES:
        rows = {r.server: r for r in results if r.file == name}
        base = rows["aiohttp"].requests_per_s
        for server in ("koa-static", "aiohttp"):
            r = rows[server]
            print(
                f"{name:<10} {server:<11} {r.requests_per_s:>9.0f} {r.mb_per_s:>9.1f}"
                f"  {r.requests_per_s / base:.2f}"
            )
    if rss is not None:
        before, after = rss
        print(
            f"koa-static server peak RSS: {before / 2**20:.1f} MiB before, "
            f"{after / 2**20:.1f} MiB after sending a 1 GiB file"
        )


if __name__ == "__main__":
    main()
