"""Streamed bodies: files, async generators, aiohttp responses as bodies, and
what happens when a stream fails or the client goes away.

Ported from Koa's ``respond.test.js`` and ``response/flushHeaders.test.js``
(K031-K051, K084, K238, K239). Koa's web ``ReadableStream`` maps to an async
generator, a ``Blob`` to ``bytearray``/``memoryview`` (in-memory bytes with a
known size), a web ``Response`` to an ``aiohttp.web.Response``.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor, Serve

TXT = "text/plain; charset=utf-8"
BIN = "application/octet-stream"
HERE = os.path.abspath(__file__)
with open(HERE, "rb") as _file:
    CONTENT = _file.read()


def app_with(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app


async def chunks(*items: str | bytes) -> AsyncIterator[str | bytes]:
    for item in items:
        yield item


async def failing(first: bytes, message: str) -> AsyncIterator[bytes]:
    yield first
    await asyncio.sleep(0)
    raise RuntimeError(message)


# -- Blob (in-memory bytes with a size) ------------------------------------------


async def test_blob_like_body_is_sent(client: ClientFor) -> None:
    """Blob like body is sent (K031)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = bytearray(b"Hello")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (200, b"Hello")


async def test_head_of_a_blob_like_body_is_binary_with_length(client: ClientFor) -> None:
    """Head of a blob like body is binary with length (K032)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = memoryview(b"hello world")

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == BIN
    assert reply.headers["Content-Length"] == "11"


# -- async generators (web ReadableStream) ------------------------------------------


async def test_head_of_an_empty_stream_is_binary(client: ClientFor) -> None:
    """Head of an empty stream is binary (K033)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = chunks()

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == BIN


async def test_stream_of_one_chunk_is_sent(client: ClientFor) -> None:
    """Stream of one chunk is sent (K034)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = chunks(b"hello")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (200, b"hello")
    assert reply.headers["Content-Type"] == BIN


async def test_stream_of_text_chunks_is_sent_as_binary(client: ClientFor) -> None:
    """Stream of text chunks is sent as binary (K035)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = chunks("Hello ", "World")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "Hello World")
    assert reply.headers["Content-Type"] == BIN


async def test_stream_keeps_the_type_set_before_it(client: ClientFor) -> None:
    """Stream keeps the type set before it (K036)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.type = "text/plain"
        ctx.body = chunks("test content")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "test content")
    assert reply.headers["Content-Type"] == TXT


async def test_stream_is_chunked_without_length(client: ClientFor) -> None:
    """Stream is chunked without length (K084)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = chunks("ab", "cd")

    c = await client(app_with(mw))
    reply = await c.get("/")
    assert reply.text == "abcd"
    assert reply.headers["Content-Type"] == BIN
    assert reply.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in reply.headers
    head = await c.head("/")
    assert head.body == b""
    assert "Content-Length" not in head.headers


async def test_stream_closed_after_head(client: ClientFor) -> None:
    """K084: HEAD never reads the stream, but it is released."""
    closed = asyncio.Event()

    async def gen() -> AsyncIterator[bytes]:
        try:
            yield b"never read"
        finally:
            closed.set()

    async def mw(ctx: Context, next: Next) -> None:
        body = gen()
        await body.__anext__()  # started, so that aclose() runs its finally
        ctx.body = body

    reply = await (await client(app_with(mw))).head("/")
    assert reply.body == b""
    await asyncio.wait_for(closed.wait(), 5)


# -- aiohttp responses as bodies (web Response) ---------------------------------------


async def test_head_of_an_aiohttp_response_body_keeps_its_status_and_type(
    client: ClientFor,
) -> None:
    """K037 (no Content-Length: Koa's CL 2 is an artefact of JSON-sizing the object)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = web.Response(status=201, headers={"Content-Type": "text/plain"})

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 201
    assert reply.headers["Content-Type"] == "text/plain"
    assert reply.body == b""


async def test_empty_aiohttp_response_body_is_empty_binary(client: ClientFor) -> None:
    """Empty aiohttp response body is empty binary (K038)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = web.Response(status=200)

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (200, b"")
    assert reply.headers.get("Content-Type", BIN) == BIN


async def test_aiohttp_response_text_body_is_sent(client: ClientFor) -> None:
    """Aiohttp response text body is sent (K039)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = web.Response(text="Hello World", content_type="text/plain")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "Hello World")
    assert reply.headers["Content-Type"].startswith("text/plain")


async def test_aiohttp_response_headers_are_copied(client: ClientFor) -> None:
    """Aiohttp response headers are copied (K040)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = web.Response(
            text=json.dumps({"message": "Hello from fetch", "timestamp": 1}),
            content_type="application/json",
            headers={"X-Custom-Header": "custom-value"},
        )

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json()["message"] == "Hello from fetch"
    assert reply.headers["X-Custom-Header"] == "custom-value"


async def test_aiohttp_response_with_a_stream_payload_is_sent(client: ClientFor) -> None:
    """Aiohttp response with a stream payload is sent (K041)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = web.Response(
            body=chunks(b"Streaming ", b"response ", b"from fetch"),
            content_type="text/plain",
        )

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "Streaming response from fetch")
    assert reply.headers["Content-Type"].startswith("text/plain")


async def test_aiohttp_response_with_bytes_is_sent(client: ClientFor) -> None:
    """Aiohttp response with bytes is sent (K042)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = web.Response(body=b"Hello from Blob", content_type="text/plain")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "Hello from Blob")


async def test_file_response_body_is_sent_by_aiohttp(client: ClientFor) -> None:
    """K039 (FileResponse: aiohttp's sendfile path)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = web.FileResponse(HERE)
        ctx.set("X-Extra", "1")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (200, CONTENT)
    assert reply.headers["X-Extra"] == "1"


# -- file streams and Content-Length -----------------------------------------------


async def test_file_stream_with_type_set_after_is_chunked(client: ClientFor) -> None:
    """File stream with type set after is chunked (K043)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = open(HERE, "rb")  # noqa: SIM115 - closed by Koa
        ctx.set("Content-Type", "application/json; charset=utf-8")

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Content-Length" not in reply.headers
    assert reply.body == CONTENT


async def test_file_stream_replacing_a_string_drops_its_length(client: ClientFor) -> None:
    """File stream replacing a string drops its length (K044)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "hello"
        ctx.body = open(HERE, "rb")  # noqa: SIM115 - closed by Koa
        ctx.set("Content-Type", "application/json; charset=utf-8")

    reply = await (await client(app_with(mw))).get("/")
    assert "Content-Length" not in reply.headers
    assert reply.body == CONTENT


async def test_file_stream_keeps_a_length_set_before(client: ClientFor) -> None:
    """File stream keeps a length set before (K045)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.length = len(CONTENT)
        ctx.body = open(HERE, "rb")  # noqa: SIM115 - closed by Koa
        ctx.set("Content-Type", "application/json; charset=utf-8")

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Length"] == str(len(CONTENT))
    assert reply.body == CONTENT


async def test_same_stream_set_twice_keeps_the_length(client: ClientFor) -> None:
    """Same stream set twice keeps the length (K046)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.length = len(CONTENT)
        stream = open(HERE, "rb")  # noqa: SIM115 - closed by Koa
        ctx.body = stream
        ctx.body = stream

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Length"] == str(len(CONTENT))
    assert reply.body == CONTENT


async def test_failing_stream_with_an_empty_status_is_never_read(client: ClientFor) -> None:
    """K047 (a generator that fails when read stands for a missing file)"""
    errors: list[BaseException] = []

    async def missing() -> AsyncIterator[bytes]:
        if ctx_seen:
            raise FileNotFoundError("does not exist")
        yield b""

    ctx_seen = [True]

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 204
        ctx.body = missing()

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    reply = await (await client(app)).get("/")
    assert reply.status == 204
    assert errors == []


# -- stream errors and client aborts -----------------------------------------------


async def test_stream_error_after_start_is_emitted_and_aborts(client: ClientFor) -> None:
    """Stream error after start is emitted and aborts (K048)."""
    errors: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = failing(b"partial", "stream error")

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    c = await client(app)
    with pytest.raises(aiohttp.ClientError):
        await c.get("/")
    assert [str(e) for e in errors] == ["stream error"]
    assert getattr(errors[0], "header_sent", False) is True


async def test_stream_error_without_listener_keeps_the_server_serving(
    client: ClientFor,
) -> None:
    """Stream error without listener keeps the server serving (K049)."""

    async def mw(ctx: Context, next: Next) -> None:
        if ctx.path == "/fail":
            ctx.body = failing(b"partial", "stream error")
        else:
            ctx.body = "still here"

    c = await client(app_with(mw))
    with pytest.raises(aiohttp.ClientError):
        await c.get("/fail")
    reply = await c.get("/ok")
    assert (reply.status, reply.text) == (200, "still here")


async def test_text_stream_error_reaches_the_listener(client: ClientFor) -> None:
    """Text stream error reaches the listener (K050)."""
    errors: list[BaseException] = []

    async def readable() -> AsyncIterator[str]:
        yield "data"
        raise ValueError("readable stream error")

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = readable()

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    with pytest.raises(aiohttp.ClientError):
        await (await client(app)).get("/")
    assert [str(e) for e in errors] == ["readable stream error"]


async def test_client_abort_closes_a_never_ending_stream(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """K051: the generator's ``finally`` runs when the client goes away."""
    from koa.core import _respond

    monkeypatch.setattr(_respond, "DISCONNECT_POLL", 0.02)
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        try:
            yield b"some data"
            await asyncio.Event().wait()  # never ends
        finally:
            closed.set()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = endless()

    app = app_with(mw)
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))
    url = await serve(app)
    async with aiohttp.ClientSession() as session:
        response = await session.get(url)
        assert await response.content.readany() == b"some data"
        response.close()
    await asyncio.wait_for(closed.wait(), 5)
    assert errors == []  # a client going away is not an error


async def test_client_abort_closes_a_producing_stream(serve: Serve) -> None:
    """K051: a generator still producing is closed at the first failed write."""
    closed = asyncio.Event()

    async def producing() -> AsyncIterator[bytes]:
        try:
            for _ in range(100_000):
                yield b"x" * 1024
                await asyncio.sleep(0)
        finally:
            closed.set()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = producing()

    app = app_with(mw)
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))
    url = await serve(app)
    async with aiohttp.ClientSession() as session:
        response = await session.get(url)
        await response.content.readany()
        response.close()
    await asyncio.wait_for(closed.wait(), 5)
    assert errors == []


async def test_headers_flushed_before_a_stream_arrive_first(serve: Serve) -> None:
    """Headers flushed before a stream arrive first (K238)."""
    release = asyncio.Event()

    async def later() -> AsyncIterator[bytes]:
        await release.wait()
        yield json.dumps({"message": "hello"}).encode()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.type = "json"
        ctx.status = 200
        ctx.body = later()
        await ctx.flush_headers()

    url = await serve(app_with(mw))
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        # the status and headers are here while the body is still pending
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        release.set()
        assert await response.json() == {"message": "hello"}


async def test_stream_error_after_flushed_headers_aborts(client: ClientFor) -> None:
    """Stream error after flushed headers aborts (K239)."""
    errors: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.type = "json"
        ctx.status = 200
        ctx.length = 20
        await ctx.flush_headers()
        ctx.body = failing(b"{", "mock error")

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    with pytest.raises(aiohttp.ClientError):
        await (await client(app)).get("/")
    assert [str(e) for e in errors] == ["mock error"]


async def test_error_after_flushed_headers_closes_the_connection(client: ClientFor) -> None:
    """K115 robustness: the response cannot hang open once headers are out."""
    errors: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        if ctx.path == "/ok":
            ctx.body = "ok"
            return
        ctx.status = 200
        ctx.set("X-Foo", "Bar")
        await ctx.flush_headers()
        raise RuntimeError("mock error")

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    c = await client(app)
    with pytest.raises(aiohttp.ClientError):
        await asyncio.wait_for(c.get("/"), 5)
    assert [str(e) for e in errors] == ["mock error"]
    assert getattr(errors[0], "header_sent", False) is True
    reply = await c.get("/ok")  # the server still serves
    assert (reply.status, reply.text) == (200, "ok")


async def test_replaced_failing_stream_reports_nothing(client: ClientFor) -> None:
    """K227 (a stream replaced by another is never read, so its failure is silent)"""
    errors: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = failing(b"never", "first stream error")
        ctx.body = chunks(b"second")

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.body) == (200, b"second")
    assert errors == []
