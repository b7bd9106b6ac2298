"""Fault injection over real sockets: the client vanishes while its body is
read, while a streamed body or a file is sent, and between keep-alive
requests; a middleware raises after the headers were sent; a handler is
cancelled. Each time the request is logged once (one koa-logger response
line, and an ``"error"`` event only for a real error), every ``finally``
block runs, and no file descriptor or asyncio task is left behind.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from koa.bodyparser import bodyparser
from koa.core import Context, Koa, Next, ServerHandle
from koa.logger import logger
from koa.mount import mount
from koa.static import serve

BIG = 8 * 1024 * 1024  # a file sendfile cannot send in one go


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def other_tasks() -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


class Harness:
    """An app with koa-logger, a ``finally`` recorder, the body parser and
    static files, served on a loopback port, with what it logged."""

    def __init__(self, root: Path) -> None:
        self.lines: list[str] = []
        self.errors: list[BaseException] = []
        self.finals: list[str] = []
        self.started = asyncio.Event()
        app = self.app = Koa()
        app.on("error", lambda err, ctx: self.errors.append(err))
        app.use(logger(lambda line, args: self.lines.append(line), colors=False))
        app.use(self.record_finally)
        app.use(mount("/static", serve(root)))
        app.use(bodyparser())
        app.use(self.handler)

    async def record_finally(self, ctx: Context, next: Next) -> None:
        try:
            await next()
        finally:
            self.finals.append(ctx.path)

    async def handler(self, ctx: Context, next: Next) -> None:
        self.started.set()
        if ctx.path == "/stream":

            async def chunks() -> AsyncIterator[bytes]:
                try:
                    while True:
                        yield b"x" * 65536
                        await asyncio.sleep(0.005)
                finally:
                    self.finals.append("stream body")

            ctx.body = chunks()
        elif ctx.path == "/raise-after-headers":
            ctx.status = 200
            ctx.type = "text"
            await ctx.flush_headers()
            raise RuntimeError("failed after the headers were sent")
        elif ctx.path == "/slow":
            await asyncio.sleep(30)
            ctx.body = "too late"
        else:
            ctx.body = {"body": getattr(ctx.request, "body", None)}

    def responses(self) -> list[str]:
        """The logged response lines (not the ``<--`` request lines)."""
        return [line for line in self.lines if "<--" not in line]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "big.bin").write_bytes(os.urandom(1024) * (BIG // 1024))
    return tmp_path


async def start(harness: Harness, **options: Any) -> tuple[ServerHandle, int, int, set[Any]]:
    handle = await harness.app.listen(0, "127.0.0.1", shutdown_timeout=0.5, **options)
    await asyncio.sleep(0)
    return handle, handle.port, open_fds(), other_tasks()


async def vanish(port: int, payload: bytes, read: int = 0, idle: float = 0.0) -> bytes:
    """Connect, send *payload*, read *read* bytes, wait *idle*, then reset."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(payload)
    data = b""
    while len(data) < read:
        chunk = await reader.read(65536)
        if not chunk:
            break
        data += chunk
    if idle:
        await asyncio.sleep(idle)
    writer.transport.abort()
    return data


async def settled(harness: Harness, fds: int, tasks: set[Any], lines: int = 1) -> None:
    assert await until(lambda: len(harness.responses()) >= lines), harness.lines
    assert await until(lambda: open_fds() <= fds and len(other_tasks() - tasks) == 0), (
        open_fds(),
        fds,
        other_tasks() - tasks,
    )
    await asyncio.sleep(0.05)  # nothing logged late
    assert len(harness.responses()) == lines, harness.lines


async def test_client_vanishes_while_its_body_is_read(root: Path) -> None:
    harness = Harness(root)
    handle, port, fds, tasks = await start(harness)
    try:
        head = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        await vanish(port, head + b"Content-Length: 100000\r\n\r\n" + b'{"a": "' + b"x" * 1000)
        await settled(harness, fds, tasks)
        assert harness.finals == ["/echo"]
        (line,) = harness.responses()
        assert " 400 " in line or " 499 " in line, line
        # the body parser's 400/499 reaches the error event once, as a 4xx
        assert len(harness.errors) <= 1 and all(
            getattr(e, "status", 500) < 500 for e in harness.errors
        )
    finally:
        await handle.close()


async def test_client_vanishes_while_a_stream_is_sent(root: Path) -> None:
    harness = Harness(root)
    handle, port, fds, tasks = await start(harness)
    try:
        await vanish(port, b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n", read=200_000)
        await settled(harness, fds, tasks)
        assert sorted(harness.finals) == ["/stream", "stream body"]
        (line,) = harness.responses()
        assert line.lstrip().startswith("-x-"), line
        assert harness.errors == []
    finally:
        await handle.close()


async def test_client_vanishes_while_a_file_is_sent(root: Path) -> None:
    harness = Harness(root)
    handle, port, fds, tasks = await start(harness)
    try:
        data = await vanish(port, b"GET /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n", read=100_000)
        assert data.startswith(b"HTTP/1.1 200")
        await settled(harness, fds, tasks)
        assert harness.finals == ["/static/big.bin"]
        assert harness.errors == []
    finally:
        await handle.close()


async def test_client_vanishes_between_keep_alive_requests(root: Path) -> None:
    harness = Harness(root)
    handle, port, fds, tasks = await start(harness)
    try:
        two = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
        data = await vanish(port, two, read=10, idle=0.1)
        assert data.startswith(b"HTTP/1.1 200")
        await settled(harness, fds, tasks, lines=2)
        assert harness.finals == ["/a", "/b"]
        assert all(line.lstrip().startswith("-->") for line in harness.responses())
        assert harness.errors == []
    finally:
        await handle.close()


async def test_middleware_raises_after_the_headers_were_sent(root: Path) -> None:
    harness = Harness(root)
    handle, port, fds, tasks = await start(harness)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /raise-after-headers HTTP/1.1\r\nHost: x\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)  # the server closes the connection
        writer.close()
        assert data.startswith(b"HTTP/1.1 200")
        await settled(harness, fds, tasks)
        (error,) = harness.errors
        assert isinstance(error, RuntimeError) and getattr(error, "header_sent", False)
        assert harness.finals == ["/raise-after-headers"]
        (line,) = harness.responses()
        assert line.lstrip().startswith("xxx"), line
    finally:
        await handle.close()


async def test_regression_handler_cancelled_when_its_client_vanishes_is_logged(
    root: Path,
) -> None:
    """Found by these fault tests: koa-logger caught ``Exception`` only, so a
    handler cancelled by aiohttp (``handler_cancellation=True``, the client
    went away) was never logged; it is logged once, as ``-x-``."""
    harness = Harness(root)
    handle, port, fds, tasks = await start(harness, handler_cancellation=True)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        await asyncio.wait_for(harness.started.wait(), 5)
        writer.transport.abort()
        await settled(harness, fds, tasks)
        assert harness.finals == ["/slow"]
        (line,) = harness.responses()
        assert line.lstrip().startswith("-x-"), line
        assert harness.errors == []
    finally:
        await handle.close()


async def test_regression_handler_cancelled_by_a_server_shutdown_is_logged(
    root: Path,
) -> None:
    """Found by these fault tests: a request cancelled by a graceful shutdown
    (past ``shutdown_timeout``) left no koa-logger response line."""
    harness = Harness(root)
    fds, tasks = open_fds(), other_tasks()
    handle, port, _, _ = await start(harness)
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    await asyncio.wait_for(harness.started.wait(), 5)
    await handle.close()  # shutdown_timeout=0.5: the handler is cancelled
    writer.transport.abort()
    assert await until(lambda: open_fds() <= fds and not other_tasks() - tasks)
    assert harness.finals == ["/slow"]
    assert await until(lambda: len(harness.responses()) == 1), harness.lines
    (line,) = harness.responses()
    assert line.lstrip().startswith("-x-"), line
    assert harness.errors == []


async def test_client_vanishes_while_an_upload_is_spooled(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    finals: list[str] = []
    app = Koa(silent=True)

    async def record(ctx: Context, next: Next) -> None:
        try:
            await next()
        finally:
            finals.append(ctx.path)

    app.use(record)
    app.use(bodyparser(enable_types=["multipart"], upload_dir=str(uploads)))
    fds, tasks = open_fds(), other_tasks()
    handle = await app.listen(0, "127.0.0.1", shutdown_timeout=0.5)
    try:
        part = b'--B\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n'
        _, writer = await asyncio.open_connection("127.0.0.1", handle.port)
        writer.write(
            b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
            b"Content-Length: 1000000\r\n\r\n" + part + os.urandom(300_000)
        )
        assert await until(lambda: any(uploads.iterdir()))  # spooling has begun
        writer.transport.abort()
        assert await until(lambda: finals == ["/up"])
        assert list(uploads.iterdir()) == []  # the partial upload is deleted
    finally:
        await handle.close()
    assert await until(lambda: open_fds() <= fds and not other_tasks() - tasks)


async def test_client_vanishes_while_a_file_object_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(4 * 1024 * 1024))
    opened: list[Any] = []
    app = Koa(silent=True)

    async def send_file(ctx: Context, next: Next) -> None:
        file = path.open("rb")
        opened.append(file)
        ctx.body = file

    app.use(send_file)
    fds, tasks = open_fds(), other_tasks()
    handle = await app.listen(0, "127.0.0.1", shutdown_timeout=0.5)
    try:
        await vanish(handle.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", read=100_000)
        assert await until(lambda: bool(opened) and opened[0].closed)
    finally:
        await handle.close()
    assert await until(lambda: open_fds() <= fds and not other_tasks() - tasks)


async def test_stream_body_raises_after_the_headers_were_sent(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    lines: list[str] = []
    finals: list[str] = []
    app = Koa()
    app.on("error", lambda err, ctx: errors.append(err))
    app.use(logger(lambda line, args: lines.append(line), colors=False))

    async def broken_stream(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            try:
                yield b"first"
                await asyncio.sleep(0.01)
                raise RuntimeError("the stream broke")
            finally:
                finals.append("stream body")

        ctx.body = chunks()

    app.use(broken_stream)
    fds, tasks = open_fds(), other_tasks()
    handle = await app.listen(0, "127.0.0.1", shutdown_timeout=0.5)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", handle.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)  # closed before the last chunk
        writer.close()
        assert data.startswith(b"HTTP/1.1 200") and not data.endswith(b"0\r\n\r\n")
        assert await until(lambda: len(lines) == 2)
        (error,) = errors
        assert str(error) == "the stream broke"
        assert finals == ["stream body"]
    finally:
        await handle.close()
    assert await until(lambda: open_fds() <= fds and not other_tasks() - tasks)
