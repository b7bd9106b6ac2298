"""Hostile requests get koa-compress's answer or a 4xx, never a 5xx."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from koa.compress import compress
from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Serve

TEXT = "hostile input " * 200


def text_app() -> Koa:
    app = Koa()
    app.use(compress())

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = TEXT

    app.use(handler)
    return app


async def raw_request(url: str, head: bytes) -> bytes:
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head)
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data


async def test_an_accept_encoding_of_ten_thousand_entries_is_refused_as_too_long(
    serve: Serve,
) -> None:
    url = await serve(text_app())
    header = ", ".join(["gzip;q=0.5"] * 10_000).encode()
    data = await raw_request(
        url,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept-Encoding: "
        + header
        + b"\r\n\r\n",
    )
    status = int(data.split(b" ", 2)[1])
    assert 400 <= status < 500


async def test_ten_thousand_entries_within_the_server_limits_are_negotiated(
    client: ClientFor,
) -> None:
    c = await client(text_app())
    header = ",".join(["x"] * 3_000) + ",gzip"
    reply = await c.get("/", headers={"Accept-Encoding": header})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body).decode() == TEXT


@pytest.mark.parametrize(
    "header",
    [
        "gzip;q=1e999",
        "gzip;q=NaN",
        "gzip;q=-1",
        "gzip;q=99999999999999999999999999999999999",
        "gzip;q=",
        'gzip;q="',
        "gzip;q=0x10",
        ";;;,,,===",
        "*;q=0",
        "identity;q=0",
        "identity;q=0, *;q=0",
        "\t \t",
        "gzip;q=0.5;q=0.5;q=0.5;" * 200,
    ],
)
async def test_absurd_accept_encoding_values_never_give_a_5xx(
    client: ClientFor, header: str
) -> None:
    c = await client(text_app())
    reply = await c.get("/", headers={"Accept-Encoding": header})
    assert reply.status == 200
    coding = reply.headers.get("Content-Encoding")
    body = gzip.decompress(reply.body) if coding == "gzip" else reply.body
    assert body.decode() == TEXT


async def test_nothing_acceptable_sends_the_body_as_it_is(client: ClientFor) -> None:
    """koa-compress answers ``identity;q=0`` with a 500 (it compresses with an
    undefined coding); here the body goes out uncompressed."""
    c = await client(text_app())
    reply = await c.get("/", headers={"Accept-Encoding": "identity;q=0"})
    assert reply.status == 200
    assert "Content-Encoding" not in reply.headers
    assert reply.text == TEXT
