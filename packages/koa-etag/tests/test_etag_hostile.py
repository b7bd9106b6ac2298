"""Hostile conditional requests get a 200 or a 304, never a 5xx."""

from __future__ import annotations

import asyncio

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Serve
from koa.etag import conditional_get, etag


def tagged_app() -> Koa:
    app = Koa()
    app.use(conditional_get())
    app.use(etag())

    async def handler(ctx: Context, next: Next) -> None:
        ctx.set("Last-Modified", "Tue, 01 Oct 2024 10:00:00 GMT")
        ctx.body = "Hello World"

    app.use(handler)
    return app


@pytest.mark.parametrize(
    "value",
    [
        "",
        '"',
        "W/",
        'W/"',
        ",,,,",
        " , , ",
        "*",
        '"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA',
        "b-Ck1VqNd45QIvq3AZd8XYQLvEhtA",
        '"' * 4000,
        ", ".join(['"x"'] * 1000),
        "\u00ff\u00fe",
    ],
)
async def test_malformed_if_none_match_is_answered(client: ClientFor, value: str) -> None:
    c = await client(tagged_app())
    reply = await c.get("/", headers={"If-None-Match": value})
    assert reply.status in (200, 304)
    if reply.status == 200:
        assert reply.text == "Hello World"


@pytest.mark.parametrize(
    "value", ["yesterday", "", "Tue, 99 Oct 2024 99:99:99 GMT", "0", "-1", "9" * 400]
)
async def test_malformed_if_modified_since_is_answered(client: ClientFor, value: str) -> None:
    c = await client(tagged_app())
    reply = await c.get("/", headers={"If-Modified-Since": value})
    assert reply.status in (200, 304)


@pytest.mark.parametrize("value", [b'"\xff\xfe\x80"', b"\x7f\x01", b"W/\x00"])
async def test_raw_bytes_in_if_none_match_are_answered(serve: Serve, value: bytes) -> None:
    url = await serve(tagged_app())
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nIf-None-Match: " + value + b"\r\n\r\n"
    )
    data = await reader.read()
    writer.close()
    assert data.split(b" ", 2)[1] in (b"200", b"304", b"400")
