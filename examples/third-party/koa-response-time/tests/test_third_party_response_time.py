"""koa-response-time, tested the way a middleware author tests: with koa.core.testing."""

from __future__ import annotations

import re

from koa_response_time import response_time

from koa.core import Context, Koa, Next
from koa.core.testing import client_for


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "hi"


async def test_response_time_header_is_set_in_milliseconds() -> None:
    app = Koa().use(response_time()).use(hello)
    async with client_for(app) as client:
        reply = await client.get("/")
    assert reply.text == "hi"
    assert re.fullmatch(r"\d+\.\d{3}ms", reply.headers["X-Response-Time"])


async def test_response_time_digits_header_and_suffix_are_options() -> None:
    app = Koa().use(response_time(digits=0, header="X-Took", suffix=False)).use(hello)
    async with client_for(app) as client:
        reply = await client.get("/")
    assert re.fullmatch(r"\d+", reply.headers["X-Took"])


def test_response_time_rejects_negative_digits() -> None:
    try:
        response_time(digits=-1)
    except ValueError as err:
        assert "digits" in str(err)
    else:
        raise AssertionError("expected ValueError")
