"""Hostile requests never get a 5xx from helmet: it reads nothing from the
request itself, so odd paths, huge or non-ASCII headers and repeated lines
get the app's answer with every security header. Raw bytes over a socket."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.core import Context, Koa, Next
from koa.core.testing import Serve, serving
from koa.helmet import helmet


async def nonce(ctx: Context, next: Next) -> None:
    ctx.state["nonce"] = secrets.token_urlsafe(16)
    await next()


async def echo_path(ctx: Context, next: Next) -> None:
    ctx.body = f"path {ctx.path}"


def app() -> Koa:
    csp = {"directives": {"script-src": ["'self'", lambda ctx: f"'nonce-{ctx.state['nonce']}'"]}}
    return Koa(silent=True).use(nonce).use(helmet(content_security_policy=csp)).use(echo_path)


async def raw(url: str, head: bytes) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head + b"Connection: close\r\n\r\n")
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    header_block = data.partition(b"\r\n\r\n")[0]
    return int(header_block.split(b" ", 2)[1]), header_block


@pytest.mark.parametrize(
    "head",
    [
        "GET /caf\u00e9/\u2603 HTTP/1.1\r\nHost: x\r\n".encode(),
        b"GET /%ff%fe%00 HTTP/1.1\r\nHost: x\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Odd: \xff\xfe\x80\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nReferer: http://\u2603/\r\n".encode(),
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Many: a\r\n" * 90,
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 8000 + b"\r\n",
        b"GET /" + b"p" * 7000 + b" HTTP/1.1\r\nHost: x\r\n",
        b"OPTIONS * HTTP/1.1\r\nHost: x\r\n",
        b"HEAD / HTTP/1.0\r\n",
    ],
    ids=[
        "utf8-path",
        "escaped-bytes",
        "latin1-header",
        "non-ascii-referer",
        "repeated",
        "big",
        "long-path",
        "asterisk",
        "http10-head",
    ],
)
async def test_odd_requests_get_the_headers_and_no_5xx(serve: Serve, head: bytes) -> None:
    status, headers = await raw(await serve(app()), head)
    assert status < 500
    if status < 400:
        assert b"X-Frame-Options: SAMEORIGIN" in headers
        assert b"'nonce-" in headers


async def test_a_huge_header_is_refused_by_the_server_not_a_5xx(serve: Serve) -> None:
    status, _ = await raw(
        await serve(app()), b"GET / HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"h" * 100_000 + b"\r\n"
    )
    assert 400 <= status < 500


async def test_each_request_gets_its_own_nonce(serve: Serve) -> None:
    url = await serve(app())
    first = (await raw(url, b"GET / HTTP/1.1\r\nHost: x\r\n"))[1]
    second = (await raw(url, b"GET / HTTP/1.1\r\nHost: x\r\n"))[1]
    assert first.split(b"'nonce-")[1][:22] != second.split(b"'nonce-")[1][:22]


_PATH = st.binary(min_size=0, max_size=200).filter(lambda b: not set(b) & set(b" \r\n\t"))
_VALUE = st.binary(max_size=300).filter(lambda b: b"\r" not in b and b"\n" not in b)


@given(path=_PATH, value=_VALUE)
def test_no_path_or_header_bytes_give_a_5xx(path: bytes, value: bytes) -> None:
    async def check() -> None:
        async with serving(app()) as url:
            head = b"GET /" + path + b" HTTP/1.1\r\nHost: x\r\nX-Anything: " + value + b"\r\n"
            status, _ = await raw(url, head)
            assert status < 500, (path, value)

    asyncio.run(check())
