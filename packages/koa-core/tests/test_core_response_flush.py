"""``await ctx.flush_headers()``, ``header_sent`` and ``writable``.

Ported from Koa's ``__tests__/response/{flushHeaders,writable}.test.js``
(K235-K237, K268, K269); the streaming lines K238-K239 are in
``test_core_app_stream.py``.
"""

from __future__ import annotations

import asyncio

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor, Serve


def app_with(mw: Middleware) -> Koa:
    app = Koa(silent=True)
    app.use(mw)
    return app


async def test_body_after_flushed_headers_is_sent(client: ClientFor) -> None:
    """Body after flushed headers is sent (K235)."""
    sent: list[bool] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "Body"
        ctx.status = 200
        await ctx.flush_headers()
        sent.append(ctx.header_sent)

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "Body")
    assert sent == [True]


async def test_raw_header_survives_a_later_body(client: ClientFor) -> None:
    """Raw header survives a later body (K236)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200 if ctx.path == "/200" else 401
        ctx.res.headers["Content-Type"] = "text/plain"
        await ctx.flush_headers()
        ctx.body = "Body"

    c = await client(app_with(mw))
    reply = await c.get("/200")
    assert (reply.status, reply.text) == (200, "Body")
    assert reply.headers["Content-Type"] == "text/plain"
    reply = await c.get("/401")
    assert (reply.status, reply.text) == (401, "Body")
    assert reply.headers["Content-Type"] == "text/plain"


async def test_header_changes_after_flush_are_ignored(client: ClientFor) -> None:
    """Header changes after flush are ignored (K237)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 401
        ctx.res.headers["Content-Type"] = "text/plain"
        await ctx.flush_headers()
        ctx.body = "foo"
        ctx.set("X-Shouldnt-Work", "Value")
        ctx.remove("Content-Type")
        ctx.vary("Content-Type")
        ctx.status = 200

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (401, "foo")
    assert reply.headers["Content-Type"] == "text/plain"
    assert "X-Shouldnt-Work" not in reply.headers
    assert "Vary" not in reply.headers


async def test_flush_headers_twice_is_harmless(client: ClientFor) -> None:
    """Flush headers twice is harmless (K235)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "once"
        await ctx.flush_headers()
        await ctx.flush_headers()

    reply = await (await client(app_with(mw))).get("/")
    assert reply.text == "once"


async def test_head_after_flushed_headers_has_no_body(client: ClientFor) -> None:
    """Head after flushed headers has no body (K235 (HEAD))."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "Body"
        await ctx.flush_headers()

    reply = await (await client(app_with(mw))).head("/")
    assert (reply.status, reply.body) == (200, b"")


async def test_pipelined_requests_are_both_writable(serve: Serve) -> None:
    """Pipelined requests are both writable (K268)."""
    seen: list[bool] = []

    async def mw(ctx: Context, next: Next) -> None:
        seen.append(ctx.writable)
        ctx.body = "ok"

    url = await serve(app_with(mw))
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    writer.write(request + request)
    await writer.drain()
    data = b""
    while data.count(b"HTTP/1.1 200") < 2:
        chunk = await asyncio.wait_for(reader.read(4096), 5)
        assert chunk, data
        data += chunk
    writer.close()
    await writer.wait_closed()
    assert seen == [True, True]


async def test_not_writable_once_the_client_left(serve: Serve) -> None:
    """Not writable once the client left (K269)."""
    seen: list[bool] = []
    done = asyncio.Event()

    async def mw(ctx: Context, next: Next) -> None:
        for _ in range(500):  # bounded wait for the client to go away
            transport = ctx.req.transport
            if transport is None or transport.is_closing():
                break
            await asyncio.sleep(0.01)
        seen.append(ctx.writable)
        ctx.body = "too late"
        done.set()

    url = await serve(app_with(mw))
    host, port = url.removeprefix("http://").split(":")
    _reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(done.wait(), 10)
    assert seen == [False]


async def test_not_writable_after_the_raw_response_ended(client: ClientFor) -> None:
    """Not writable after the raw response ended (K269)."""
    seen: list[bool] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.respond = False
        seen.append(ctx.writable)
        await ctx.res.prepare(ctx.req)
        await ctx.res.write_eof()
        seen.append(ctx.writable)

    await (await client(app_with(mw))).get("/")
    assert seen == [True, False]
