"""@koa/cors's "options.origin=function", "=promise" and "=async function"
suites: a falsy result turns CORS off for that request."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.cors import OriginFunction, OriginResult, cors

ORIGIN = {"Origin": "http://koajs.com"}


async def foo_bar(ctx: Context, next: Next) -> None:
    ctx.body = {"foo": "bar"}


def plain(ctx: Context) -> OriginResult:
    return False if ctx.url == "/forbin" else "*"


async def delayed(ctx: Context) -> OriginResult:
    await asyncio.sleep(0.05)  # @koa/cors's test resolves its promise after a timer
    return False if ctx.url == "/forbin" else "*"


async def coroutine(ctx: Context) -> OriginResult:
    return False if ctx.url == "/forbin" else "*"


class Awaitable:
    """Not a coroutine: only ``__await__``, like the test's promise-like
    ``WrappedPromise`` (a bare ``then``)."""

    def __init__(self, value: OriginResult) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, OriginResult]:
        yield from asyncio.sleep(0).__await__()
        return self.value


def awaitable(ctx: Context) -> Any:
    return Awaitable(False if ctx.url == "/forbin" else "*")


FUNCTIONS = pytest.mark.parametrize(
    "origin", [plain, delayed, coroutine, awaitable], ids=["plain", "delayed", "async", "awaitable"]
)


@FUNCTIONS
async def test_a_falsy_origin_turns_cors_off(client: ClientFor, origin: OriginFunction) -> None:
    c = await client(Koa().use(cors(origin=origin)).use(foo_bar))
    reply = await c.get("/forbin", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert reply.headers["Vary"] == "Origin"


@FUNCTIONS
async def test_the_returned_origin_is_sent(client: ClientFor, origin: OriginFunction) -> None:
    c = await client(Koa().use(cors(origin=origin)).use(foo_bar))
    reply = await c.get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("falsy", [None, "", False])
async def test_every_falsy_result_turns_cors_off(client: ClientFor, falsy: OriginResult) -> None:
    c = await client(Koa().use(cors(origin=lambda ctx: falsy)).use(foo_bar))
    reply = await c.options("/", headers={**ORIGIN, "Access-Control-Request-Method": "PUT"})
    # Not answered as a preflight: downstream runs.
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert "Access-Control-Allow-Origin" not in reply.headers


async def test_an_allow_list_recipe(client: ClientFor) -> None:
    allowed = {"https://app.example", "https://admin.example"}

    def allow_listed(ctx: Context) -> OriginResult:
        origin = ctx.get("Origin")
        return origin if origin in allowed else None

    c = await client(Koa().use(cors(origin=allow_listed, credentials=True)).use(foo_bar))
    reply = await c.get("/", headers={"Origin": "https://admin.example"})
    assert reply.headers["Access-Control-Allow-Origin"] == "https://admin.example"
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    reply = await c.get("/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Access-Control-Allow-Credentials" not in reply.headers


async def test_an_origin_function_returning_a_non_string_is_a_server_error(
    client: ClientFor,
) -> None:
    app = Koa(silent=True).use(cors(origin=lambda ctx: 42)).use(foo_bar)  # type: ignore[arg-type,return-value]
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))
    reply = await (await client(app)).get("/", headers=ORIGIN)
    assert reply.status == 500
    assert "origin function must return a string" in str(errors[0])
