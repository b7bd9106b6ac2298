"""Streamed bodies are compressed chunk by chunk as they are sent, never read
whole; large buffered bodies are compressed off the event loop."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web

from koa.compress import THREAD_LINE, compress
from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Serve


def app_with(*middleware: object) -> Koa:
    app = Koa()
    for mw in middleware:
        app.use(mw)  # type: ignore[arg-type]
    return app


async def test_an_async_iterable_is_compressed_as_it_is_produced(serve: Serve) -> None:
    """With ``flush=True`` the first chunk reaches the client, decodable,
    while the generator is still waiting to produce the second."""
    release = asyncio.Event()
    finished = asyncio.Event()

    async def events() -> AsyncIterator[bytes]:
        yield b"data: first\n\n"
        await release.wait()
        yield b"data: second\n\n"
        finished.set()

    async def handler(ctx: Context, next: Next) -> None:
        ctx.type = "text/event-stream"
        ctx.body = events()

    url = await serve(app_with(compress(gzip={"flush": True}), handler))
    decoder = zlib.decompressobj(31)
    async with (
        aiohttp.ClientSession(auto_decompress=False) as session,
        session.get(url, headers={"Accept-Encoding": "gzip"}) as response,
    ):
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Content-Length" not in response.headers
        received = b""
        while b"first" not in received:
            received += decoder.decompress(await response.content.readany())
        assert not finished.is_set()
        release.set()
        rest = await response.read()
    assert received + decoder.decompress(rest) + decoder.flush() == (
        b"data: first\n\ndata: second\n\n"
    )


async def test_a_file_object_is_streamed_compressed(client: ClientFor, tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    content = b"".join(b"line %d of a big text file\n" % i for i in range(200_000))
    path.write_bytes(content)  # ~5 MB, read in chunks by koa-core

    async def handler(ctx: Context, next: Next) -> None:
        ctx.type = "text/plain"
        ctx.body = path.open("rb")

    c = await client(app_with(compress(), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Transfer-Encoding"] == "chunked"
    assert gzip.decompress(reply.body) == content


async def test_a_stream_is_closed_after_it_is_sent(client: ClientFor) -> None:
    closed = asyncio.Event()

    async def chunks() -> AsyncIterator[bytes]:
        try:
            for _ in range(10):
                yield b"x" * 1000
        finally:
            closed.set()

    async def handler(ctx: Context, next: Next) -> None:
        ctx.type = "text/plain"
        ctx.body = chunks()

    c = await client(app_with(compress(), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "deflate"})
    assert zlib.decompress(reply.body) == b"x" * 10_000
    await asyncio.wait_for(closed.wait(), 5)


async def test_a_stream_with_a_small_content_length_is_under_the_threshold(
    client: ClientFor,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"small"

    async def handler(ctx: Context, next: Next) -> None:
        ctx.type = "text/plain"
        ctx.body = chunks()
        ctx.length = 5

    c = await client(app_with(compress(), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in reply.headers
    assert reply.body == b"small"


async def test_an_aiohttp_file_response_is_compressed_by_aiohttp(
    client: ClientFor, tmp_path: Path
) -> None:
    """The shape koa-static's files take: an aiohttp response as the body."""
    path = tmp_path / "page.html"
    content = b"<p>hello</p>\n" * 20_000
    path.write_bytes(content)

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = web.FileResponse(path)
        ctx.type = "text/html"

    c = await client(app_with(compress(), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"  # aiohttp knows gzip and deflate
    assert gzip.decompress(reply.body) == content


async def test_a_large_body_is_compressed_whole_while_other_requests_are_served(
    client: ClientFor,
) -> None:
    big = "".join(f"row {i}, value {i * 7}\n" for i in range(400_000))  # ~9 MB
    assert len(big) > THREAD_LINE

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = big if ctx.path == "/big" else "pong"

    c = await client(app_with(compress(), handler))
    big_reply, ping = await asyncio.gather(
        c.get("/big", headers={"Accept-Encoding": "gzip"}),
        c.get("/ping", headers={"Accept-Encoding": "gzip"}),
    )
    assert gzip.decompress(big_reply.body) == big.encode()
    assert int(big_reply.headers["Content-Length"]) == len(big_reply.body)
    assert ping.text == "pong"
