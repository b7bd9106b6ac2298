"""Buffered responses (str, bytes, JSON bodies) are written the short way
(``koa.core._aiohttp``): the status line, headers and body must be exactly what
aiohttp's own ``web.Response`` sends for the same request, over a real socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_request import BaseRequest

from koa.core import Context, Koa, Next
from koa.core._aiohttp import BufferedResponse, buffered_response
from koa.core._wire import http_date
from koa.core.testing import serving

Handler = Callable[[BaseRequest], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def raw_server(handler: Handler) -> AsyncIterator[int]:
    runner = web.ServerRunner(web.Server(handler), handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


async def exchange(port: int, request: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """Send one raw request; the status line, the headers (Date's value
    blanked) and the body of the answer, read until the server closes or the
    announced length has arrived."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    lines = head.decode().split("\r\n")[:-2]
    headers = [(k, v) for k, _, v in (line.partition(": ") for line in lines[1:])]
    length = int(dict(headers).get("Content-Length", "0"))
    body = await asyncio.wait_for(reader.readexactly(length), 5)
    writer.close()
    blanked = [(k, "<date>" if k == "Date" else v) for k, v in headers]
    return lines[0], blanked, body


def koa_app(body: object) -> Koa:
    app = Koa()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = body

    return app.use(mw)


REQUESTS = {
    "HTTP/1.1 keep-alive": b"GET / HTTP/1.1\r\nHost: t\r\n\r\n",
    "HTTP/1.1 Connection: close": b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    "HTTP/1.0": b"GET / HTTP/1.0\r\nHost: t\r\n\r\n",
    "HTTP/1.0 keep-alive": b"GET / HTTP/1.0\r\nHost: t\r\nConnection: keep-alive\r\n\r\n",
}


@pytest.mark.parametrize("request_bytes", REQUESTS.values(), ids=list(REQUESTS))
async def test_a_text_body_goes_out_as_aiohttps_web_response_sends_it(
    request_bytes: bytes,
) -> None:
    async def aiohttp_handler(request: BaseRequest) -> web.StreamResponse:
        return web.Response(text="Hello, World!")

    async with raw_server(aiohttp_handler) as port:
        expected = await exchange(port, request_bytes)
    async with serving(koa_app("Hello, World!")) as url:
        got = await exchange(int(url.rsplit(":", 1)[1]), request_bytes)
    assert got == expected


async def test_a_json_body_goes_out_as_aiohttp_sends_the_same_bytes() -> None:
    async def aiohttp_handler(request: BaseRequest) -> web.StreamResponse:
        return web.Response(
            body=b'{"a":1}', headers={"Content-Type": "application/json; charset=utf-8"}
        )

    request_bytes = REQUESTS["HTTP/1.1 keep-alive"]
    async with raw_server(aiohttp_handler) as port:
        status, headers, _ = await exchange(port, request_bytes)
    async with serving(koa_app({"a": 1})) as url:
        got = await exchange(int(url.rsplit(":", 1)[1]), request_bytes)
    assert got == (status, headers, b'{"a":1}')


async def test_headers_the_app_set_win_over_the_ones_aiohttp_would_add() -> None:
    app = Koa()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("Date", "Thu, 01 Jan 1970 00:00:00 GMT")
        ctx.set("Server", "koa")
        ctx.set("Connection", "close")
        ctx.body = "x"

    async with serving(app.use(mw)) as url:
        reader, writer = await asyncio.open_connection("127.0.0.1", int(url.rsplit(":", 1)[1]))
        writer.write(REQUESTS["HTTP/1.1 keep-alive"])
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        writer.close()
    assert "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n" in head
    assert "Server: koa\r\n" in head
    assert head.count("Connection:") == 1 and "Connection: close\r\n" in head


async def test_a_body_whose_type_was_removed_is_sent_as_octet_stream() -> None:
    app = Koa()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = b"\x00\x01"
        ctx.remove("Content-Type")

    async with serving(app.use(mw)) as url:
        _, headers, body = await exchange(int(url.rsplit(":", 1)[1]), REQUESTS["HTTP/1.0"])
    assert ("Content-Type", "application/octet-stream") in headers and body == b"\x00\x01"


async def test_a_request_aiohttp_did_not_make_itself_takes_aiohttps_own_path() -> None:
    """A mocked ``web.Request`` (tests, tools) gets web.Response's prepare."""
    request = make_mocked_request("GET", "/", headers={"Host": "t"})
    stored: dict[str, tuple[str, object]] = {"content-type": ("Content-Type", "text/plain")}
    response = buffered_response(request, 200, "OK", stored, b"hi")
    await response.prepare(request)
    await response.write_eof()
    assert response.prepared
    assert response.headers["Content-Length"] == "2"
    assert "Date" in response.headers and "Server" in response.headers


def test_a_buffered_response_is_an_aiohttp_response() -> None:
    request = make_mocked_request("GET", "/")
    response = buffered_response(request, 201, "Created", {}, b"")
    assert isinstance(response, (web.Response, BufferedResponse))
    assert (response.status, response.reason, response.body) == (201, "Created", b"")
    assert response.headers["Content-Length"] == "0"
    assert "Content-Type" not in response.headers  # no body, no default type
    assert response.headers["Date"] == http_date()


async def test_a_large_body_is_sent_whole_and_exact() -> None:
    """Bodies over 64 KiB go through aiohttp's own path (no copy into one
    chunk with the headers); the client gets every byte and the real length."""
    body = bytes(range(256)) * 1024  # 256 KiB
    app = Koa()

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = body

    async with serving(app.use(mw)) as url:
        status, headers, got = await exchange(
            int(url.rsplit(":", 1)[1]), REQUESTS["HTTP/1.1 keep-alive"]
        )
    assert status == "HTTP/1.1 200 OK" and got == body
    assert ("Content-Length", str(len(body))) in headers
