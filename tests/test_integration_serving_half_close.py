"""A client that half-closes (sends its FIN, still reading) over real sockets.

Node's rule, which koa-core follows: a request the FIN leaves incomplete can
never complete, so it gets its answer (a 400) and the connection closes; a FIN
with a complete request in flight means the client is gone."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from koa.bodyparser import BodyParserContext, bodyparser
from koa.core import Context, Koa, Next
from koa.core.http import client_gone

#: What each FIN test sends before its FIN, in ONE write: aiohttp reads the
#: bytes and the EOF in the same loop iteration, the case Node answers and
#: aiohttp alone dropped.
UNPARSABLE = {
    "bad chunk size": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "unknown transfer coding": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
}


def make_app(seen: list[bool]) -> Koa:
    app = Koa(silent=True)

    async def handler(ctx: Context, next: Next) -> None:
        if ctx.path == "/parsed":
            await next()
        elif ctx.method == "POST":
            data = await ctx.req.read()
            ctx.body = f"got {len(data)}"
        elif ctx.path == "/slow":
            await asyncio.sleep(0.5)
            seen.append(client_gone(ctx.req))
            ctx.body = "late"
        else:
            ctx.body = "ok"

    async def parsed(ctx: BodyParserContext, next: Next) -> None:
        ctx.body = ctx.request.body

    app.use(handler)
    app.use(bodyparser())
    app.use(parsed)
    return app


@pytest.fixture
def seen() -> list[bool]:
    return []


@pytest.fixture
async def port(seen: list[bool]) -> AsyncIterator[int]:
    handle = await make_app(seen).listen(0, "127.0.0.1", shutdown_timeout=1.0)
    try:
        yield handle.port
    finally:
        await handle.close()


async def send_then_fin(port: int, data: bytes) -> bytes:
    """Send *data* and the FIN at once; everything the server answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    writer.write_eof()
    try:
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()


@pytest.mark.parametrize("data", UNPARSABLE.values(), ids=UNPARSABLE.keys())
async def test_an_unparsable_request_sent_with_a_fin_still_gets_its_400(
    port: int, data: bytes
) -> None:
    answers = [await send_then_fin(port, data) for _ in range(10)]
    assert all(answer.startswith(b"HTTP/1.0 400 Bad Request\r\n") for answer in answers)


async def test_a_body_cut_short_by_a_fin_gets_a_400_the_app_answers(port: int) -> None:
    answer = await send_then_fin(
        port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"connection: close" in head.lower()
    assert body == b"The request body ended before its announced end."


async def test_koa_bodyparser_answers_a_body_cut_short_by_a_fin_with_raw_bodys_400(
    port: int,
) -> None:
    answer = await send_then_fin(
        port,
        b"POST /parsed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 50\r\n\r\n{"a":1}',
    )
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert answer.endswith(b"\r\n\r\nrequest size did not match content length")


async def test_a_chunked_body_cut_short_by_a_fin_gets_a_400(port: int) -> None:
    answer = await send_then_fin(
        port, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"
    )
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")


async def test_a_head_cut_short_by_a_fin_gets_a_400(port: int) -> None:
    answer = await send_then_fin(port, b"GET / HTTP/1.1\r\nHost: x\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n")
    assert answer.endswith(b"The request ended before its headers were complete.")


async def test_a_fin_alone_closes_the_connection_without_an_answer(port: int) -> None:
    assert await send_then_fin(port, b"") == b""


async def test_a_fin_with_a_complete_request_in_flight_means_the_client_is_gone(
    port: int, seen: list[bool]
) -> None:
    answer = await send_then_fin(port, b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    for _ in range(50):
        if seen:
            break
        await asyncio.sleep(0.1)
    assert answer == b""
    assert seen == [True]


async def test_a_fin_while_an_unread_body_drains_after_the_answer_logs_nothing(
    port: int, caplog: pytest.LogCaptureFixture
) -> None:
    # The handler answers without reading; aiohttp then drains the body (its
    # lingering close) when the FIN comes: nothing is left to answer.
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
    head = await asyncio.wait_for(reader.readuntil(b"ok"), 10)
    with caplog.at_level(logging.DEBUG):
        writer.write_eof()
        rest = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        await asyncio.sleep(0.2)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert rest == b""
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
