"""The same app under aiohttp, under uvicorn (ASGI) and under Gunicorn answers alike;
lifecycle hooks run in every way of serving."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn

from koa.core import Context, Koa, Next
from koa.core.testing import Client, Reply, serving

HERE = Path(__file__).parent
COMPARED_HEADERS = ("content-type", "content-length", "location", "set-cookie", "x-custom")


def representative_app() -> Koa:
    app = Koa(silent=True, keys=["secret"])

    async def errors(ctx: Context, next: Next) -> None:
        try:
            await next()
        except ValueError as err:
            ctx.status = 422
            ctx.body = {"error": str(err)}

    async def routes(ctx: Context, next: Next) -> None:
        path = ctx.path
        if path == "/text":
            ctx.body = "hello"
        elif path == "/json":
            ctx.body = {"query": ctx.query, "method": ctx.method}
        elif path == "/echo":
            ctx.body = await ctx.req.read()
            ctx.type = ctx.request.type or "bin"
        elif path == "/stream":

            async def chunks() -> AsyncIterator[str]:
                for word in ("streamed ", "in ", "chunks"):
                    yield word

            ctx.body = chunks()
        elif path == "/cookie":
            ctx.cookies.set("session", "abc", signed=True)
            ctx.body = ctx.cookies.get("visit") or "none"
        elif path == "/redirect":
            ctx.redirect("/text")
        elif path == "/throw":
            ctx.throw(403, "nope", headers={"X-Custom": "kept"})
        elif path == "/boom":
            raise RuntimeError("internal detail")
        elif path == "/invalid":
            raise ValueError("bad value")
        elif path == "/empty":
            ctx.status = 204
        elif path == "/header":
            ctx.set("X-Custom", ctx.get("X-In") or "-")
            ctx.body = ctx.href

    return app.use(errors).use(routes)


REQUESTS: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/text", {}),
    ("HEAD", "/text", {}),
    ("GET", "/json?a=1&a=2&b=x+y", {}),
    ("POST", "/echo", {"data": b"raw body", "headers": {"Content-Type": "text/plain"}}),
    ("POST", "/echo", {"data": b"x" * 200_000}),
    ("GET", "/stream", {}),
    ("GET", "/cookie", {"headers": {"Cookie": "visit=yes"}}),
    ("GET", "/redirect", {}),
    ("GET", "/throw", {}),
    ("GET", "/boom", {}),
    ("GET", "/invalid", {}),
    ("GET", "/empty", {}),
    ("GET", "/missing", {}),
    ("PUT", "/header", {"headers": {"X-In": "value", "Host": "example.com"}}),
]


def _comparable(reply: Reply) -> tuple[int, bytes, dict[str, str]]:
    return (
        reply.status,
        reply.body,
        {name: reply.headers.get(name, "") for name in COMPARED_HEADERS},
    )


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


async def _answers(url: str) -> list[tuple[int, bytes, dict[str, str]]]:
    async with Client(url) as client:
        return [
            _comparable(await client.request(method, path, **options))
            for method, path, options in REQUESTS
        ]


async def test_uvicorn_and_aiohttp_serve_the_same_responses() -> None:
    app = representative_app()
    async with serving(app) as url:
        native = await _answers(url)
    async with uvicorn_serving(app) as url:
        asgi = await _answers(url)
    for request, a, b in zip(REQUESTS, native, asgi, strict=True):
        assert a == b, request[:2]
    assert native[0][:2] == (200, b"hello")
    assert native[5][1] == b"streamed in chunks"
    assert native[9][:2] == (500, b"Internal Server Error")


async def test_lifecycle_hooks_run_under_listen() -> None:
    events: list[str] = []
    app = Koa()
    app.on_startup.append(lambda app: events.append("startup"))

    async def closing(app: Koa) -> None:
        events.append("shutdown")

    app.on_shutdown.append(closing)
    async with serving(app):
        assert events == ["startup"]
    assert events == ["startup", "shutdown"]


async def test_lifecycle_hooks_run_under_asgi_lifespan() -> None:
    events: list[str] = []
    app = Koa()
    app.on_startup.append(lambda app: events.append("startup"))
    app.on_shutdown.append(lambda app: events.append("shutdown"))
    async with uvicorn_serving(app) as url:
        assert events == ["startup"]
        async with Client(url) as client:
            assert (await client.get("/")).status == 404
    assert events == ["startup", "shutdown"]


async def test_cleanup_in_finally_runs_when_the_client_disconnects() -> None:
    cleaned = asyncio.Event()
    app = Koa(silent=True)

    async def slow(ctx: Context, next: Next) -> None:
        if ctx.path == "/ok":
            ctx.body = "ok"
            return

        async def forever() -> AsyncIterator[bytes]:
            try:
                while True:
                    yield b"tick\n"
                    await asyncio.sleep(0.01)
            finally:
                cleaned.set()

        ctx.body = forever()

    app.use(slow)
    async with serving(app) as url:
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await reader.readuntil(b"tick")
        writer.close()
        await asyncio.wait_for(cleaned.wait(), 5)
        async with Client(url) as client:  # and the server still serves
            assert (await client.get("/ok")).text == "ok"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def until_serving(port: int, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Wait until *proc* accepts connections on *port* (raise if it exits)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise
            await asyncio.sleep(0.1)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_gunicorn_serves_a_koa_app_with_the_koa_worker() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "serving_app:app",
            "-k",
            "koa.core.worker.GunicornWorker",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--graceful-timeout",
            "5",
        ],
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await until_serving(port, proc)
        async with Client(f"http://127.0.0.1:{port}") as client:
            reply = await client.get("/")
        assert reply.status == 200
        assert reply.json() == {"hello": "world", "started": 1}
    finally:
        proc.terminate()
        proc.wait(15)
        if proc.stderr:
            proc.stderr.close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_the_gunicorn_worker_answers_a_header_trickler_with_408_per_its_env_config() -> None:
    """Gunicorn's ``--env`` (its ``raw_env`` setting) carries koa-core's limits
    to the worker: KOA_HEADERS_TIMEOUT=1 cuts a trickling client off at 1 s."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "serving_app:app",
            "-k",
            "koa.core.worker.GunicornWorker",
            "-b",
            f"127.0.0.1:{port}",
            "--env",
            "KOA_HEADERS_TIMEOUT=1",
            "--keep-alive",
            "5",
        ],
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await until_serving(port, proc)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.monotonic()

        async def trickle() -> None:
            try:
                for byte in b"GET / HTTP/1.1\r\n" + b"X-Slow: 1\r\n" * 100:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    await asyncio.sleep(0.05)
            except ConnectionError:
                pass

        sender = asyncio.ensure_future(trickle())
        answer = await asyncio.wait_for(reader.read(), 5)
        sender.cancel()
        writer.close()
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert 1.0 <= time.monotonic() - started < 3.0
    finally:
        proc.terminate()
        proc.wait(15)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    ("env", "module"),
    [
        ((), "asyncio.unix_events"),
        (("--env", "KOA_LOOP=uvloop"), "uvloop"),
        (("--env", "KOA_LOOP=auto"), "uvloop"),
    ],
)
async def test_the_gunicorn_worker_runs_on_the_loop_koa_loop_names(
    env: tuple[str, ...], module: str
) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "serving_limits_app:app",
            "-k",
            "koa.core.worker.GunicornWorker",
            "-b",
            f"127.0.0.1:{port}",
            *env,
        ],
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        await until_serving(port, proc)
        async with Client(f"http://127.0.0.1:{port}") as client:
            reply = await client.get("/loop")
        assert reply.text == module
    finally:
        proc.terminate()
        proc.wait(15)
