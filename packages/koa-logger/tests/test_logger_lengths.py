"""The length column as koa-logger prints it (issue 17, item 11): koa-logger
logs when the response is finished, after Koa filled in the status message of
a response left without a body, and prints ``-`` for a length of 0. Over a
real server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.logger import logger


def logged_length(calls: list[list[Any]]) -> Any:
    """The length argument of the response line (the last call)."""
    return calls[-1][-1]


def logged_app(*middleware: Any) -> tuple[Koa, list[list[Any]]]:
    calls: list[list[Any]] = []
    app = Koa(silent=True).use(logger(lambda line, args: calls.append(args), colors=False))
    for mw in middleware:
        app.use(mw)
    return app, calls


async def test_an_unhandled_404_logs_the_length_of_not_found(client: ClientFor) -> None:
    app, calls = logged_app()
    reply = await (await client(app)).get("/missing")
    assert (reply.status, reply.body) == (404, b"Not Found")
    assert logged_length(calls) == "9b"


async def test_a_status_without_a_body_logs_its_message_length(client: ClientFor) -> None:
    async def teapot(ctx: Context, next: Next) -> None:
        ctx.status = 418

    app, calls = logged_app(teapot)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.body) == (418, b"I'm a Teapot")
    assert logged_length(calls) == "12b"


async def test_an_empty_body_logs_a_dash(client: ClientFor) -> None:
    async def empty(ctx: Context, next: Next) -> None:
        ctx.body = ""

    app, calls = logged_app(empty)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.body) == (200, b"")
    assert logged_length(calls) == "-"


async def test_an_empty_stream_logs_a_dash(client: ClientFor) -> None:
    async def nothing() -> AsyncIterator[bytes]:
        chunks: list[bytes] = []  # an async generator that yields nothing
        for chunk in chunks:
            yield chunk

    async def stream(ctx: Context, next: Next) -> None:
        ctx.body = nothing()

    app, calls = logged_app(stream)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.body) == (200, b"")
    assert logged_length(calls) == "-"


async def test_a_head_request_without_a_body_logs_a_dash(client: ClientFor) -> None:
    app, calls = logged_app()
    reply = await (await client(app)).head("/missing")
    assert reply.status == 404
    assert logged_length(calls) == "-"
