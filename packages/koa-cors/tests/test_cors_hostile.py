"""Hostile requests never get a 5xx: a malformed, non-ASCII, huge or repeated
``Origin`` or ``Access-Control-Request-Headers`` gets the npm package's answer
or a 400. Raw bytes go over a socket, so nothing is normalised on the way."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Serve
from koa.cors import cors


async def foo_bar(ctx: Context, next: Next) -> None:
    ctx.body = {"foo": "bar"}


def reflecting_app() -> Koa:
    # credentials + "*" reflects the request's Origin: the risky path.
    return Koa(silent=True).use(cors(credentials=True)).use(foo_bar)


async def raw(url: str, head: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
    """Send *head* (request line and headers, no final CRLF) and read the reply."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head + b"Connection: close\r\n\r\n")
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    header_block, _, body = data.partition(b"\r\n\r\n")
    lines = header_block.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def get_with(origin: bytes, method: bytes = b"GET", extra: bytes = b"") -> bytes:
    return method + b" / HTTP/1.1\r\nHost: test\r\nOrigin: " + origin + b"\r\n" + extra


async def test_a_latin1_origin_is_reflected_byte_for_byte(serve: Serve) -> None:
    url = await serve(reflecting_app())
    origin = "http://caf\u00e9.example".encode()
    status, headers, _ = await raw(url, get_with(origin))
    assert status == 200
    assert headers[b"access-control-allow-origin"] == origin


@pytest.mark.parametrize(
    "origin",
    ["http://\u2603.example".encode(), b"http://\xff\xfe.example", "http://\U0001f600".encode()],
    ids=["snowman", "invalid-utf8", "emoji"],
)
async def test_an_origin_that_cannot_be_reflected_is_a_400(serve: Serve, origin: bytes) -> None:
    url = await serve(reflecting_app())
    status, headers, body = await raw(url, get_with(origin))
    assert (status, body) == (400, b"Invalid Origin header")
    assert b"access-control-allow-origin" not in headers


async def test_an_unreflectable_origin_on_a_preflight_is_a_400(serve: Serve) -> None:
    url = await serve(reflecting_app())
    head = get_with("http://\u2603".encode(), b"OPTIONS", b"Access-Control-Request-Method: PUT\r\n")
    status, _, body = await raw(url, head)
    assert (status, body) == (400, b"Invalid Origin header")


async def test_a_non_ascii_origin_is_harmless_when_not_reflected(serve: Serve) -> None:
    url = await serve(Koa(silent=True).use(cors()).use(foo_bar))
    status, headers, _ = await raw(url, get_with("http://\u2603".encode()))
    assert (status, headers[b"access-control-allow-origin"]) == (200, b"*")


async def test_an_origin_function_reflecting_a_bad_origin_gives_400(serve: Serve) -> None:
    # The 4.x-compatible recipe from @koa/cors's README.
    app = Koa(silent=True).use(cors(origin=lambda ctx: ctx.get("Origin") or "*")).use(foo_bar)
    status, _, _ = await raw(await serve(app), get_with(b"http://\xc0\xaf"))
    assert status == 400


async def test_unreflectable_requested_headers_are_a_400(serve: Serve) -> None:
    url = await serve(reflecting_app())
    extra = (
        b"Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: x-\xe2\x98\x83\r\n"
    )
    status, _, body = await raw(url, get_with(b"http://a.example", b"OPTIONS", extra))
    assert (status, body) == (400, b"Invalid Access-Control-Request-Headers header")


async def test_a_huge_origin_is_never_a_server_error(serve: Serve) -> None:
    url = await serve(reflecting_app())
    for size in (4_000, 8_000, 100_000):
        status, _, _ = await raw(url, get_with(b"http://" + b"a" * size))
        assert status < 500, size


async def test_a_reflected_long_origin_comes_back_whole(serve: Serve) -> None:
    origin = b"http://" + b"a" * 4_000 + b".example"
    status, headers, _ = await raw(await serve(reflecting_app()), get_with(origin))
    assert (status, headers[b"access-control-allow-origin"]) == (200, origin)


async def test_many_origin_headers_are_never_a_server_error(serve: Serve) -> None:
    url = await serve(reflecting_app())
    extra = b"".join(b"Origin: http://o%d.example\r\n" % i for i in range(100))
    status, _, _ = await raw(url, get_with(b"http://first.example", extra=extra))
    assert status < 500


async def test_the_null_origin_is_reflected_as_is(client: ClientFor) -> None:
    reply = await (await client(reflecting_app())).get("/", headers={"Origin": "null"})
    assert reply.headers["Access-Control-Allow-Origin"] == "null"


async def test_a_garbage_request_method_still_makes_a_preflight(client: ClientFor) -> None:
    c = await client(reflecting_app())
    headers = {"Origin": "http://a.example", "Access-Control-Request-Method": "%%%, ;;"}
    reply = await c.options("/", headers=headers)
    assert reply.status == 204


async def test_a_huge_requested_header_list_is_reflected(client: ClientFor) -> None:
    names = ",".join(f"x-h{i}" for i in range(700))
    headers = {
        "Origin": "http://a.example",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": names,
    }
    reply = await (await client(reflecting_app())).options("/", headers=headers)
    assert (reply.status, reply.headers["Access-Control-Allow-Headers"]) == (204, names)


_HEADER_BYTES = st.binary(max_size=300).filter(lambda b: b"\r" not in b and b"\n" not in b)


@given(origin=_HEADER_BYTES, requested=_HEADER_BYTES)
def test_no_origin_or_requested_headers_bytes_give_a_5xx(origin: bytes, requested: bytes) -> None:
    async def check() -> None:
        from koa.core.testing import serving

        async with serving(reflecting_app()) as url:
            for method in (b"GET", b"OPTIONS"):
                extra = b"Access-Control-Request-Method: PUT\r\n"
                extra += b"Access-Control-Request-Headers: " + requested + b"\r\n"
                status, _, _ = await raw(url, get_with(origin, method, extra))
                assert status < 500, (origin, requested, method)

    asyncio.run(check())
