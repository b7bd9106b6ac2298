"""@koa/cors's "options.credentials" suites (set, unset, function, async
function, promise-like) and the origin=* + credentials rule."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor
from koa.cors import CredentialsFunction, cors

ORIGIN = {"Origin": "http://koajs.com"}
PREFLIGHT = {**ORIGIN, "Access-Control-Request-Method": "DELETE"}


async def foo_bar(ctx: Context, next: Next) -> None:
    ctx.body = {"foo": "bar"}


async def serve_cors(client: ClientFor, **options: Any) -> Client:
    return await client(Koa().use(cors(**options)).use(foo_bar))


async def test_credentials_true_on_a_simple_request(client: ClientFor) -> None:
    reply = await (await serve_cors(client, credentials=True)).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"


async def test_credentials_true_on_a_preflight(client: ClientFor) -> None:
    reply = await (await serve_cors(client, credentials=True)).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"


async def test_credentials_unset_on_a_simple_request(client: ClientFor) -> None:
    reply = await (await serve_cors(client)).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert "Access-Control-Allow-Credentials" not in reply.headers


async def test_credentials_unset_on_a_preflight(client: ClientFor) -> None:
    reply = await (await serve_cors(client)).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert "Access-Control-Allow-Credentials" not in reply.headers


def not_forbin(ctx: Context) -> bool:
    return ctx.url != "/forbin"


async def async_not_forbin(ctx: Context) -> bool:
    await asyncio.sleep(0)
    return ctx.url != "/forbin"


FUNCTIONS = pytest.mark.parametrize("fn", [not_forbin, async_not_forbin], ids=["plain", "async"])


@FUNCTIONS
async def test_credentials_function_allows_a_simple_request(
    client: ClientFor, fn: CredentialsFunction
) -> None:
    reply = await (await serve_cors(client, credentials=fn)).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"


@FUNCTIONS
async def test_credentials_function_allows_a_preflight(
    client: ClientFor, fn: CredentialsFunction
) -> None:
    reply = await (await serve_cors(client, credentials=fn)).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"


@FUNCTIONS
async def test_credentials_function_refuses_a_simple_request(
    client: ClientFor, fn: CredentialsFunction
) -> None:
    reply = await (await serve_cors(client, credentials=fn)).get("/forbin", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert "Access-Control-Allow-Credentials" not in reply.headers
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


@FUNCTIONS
async def test_credentials_function_refuses_a_preflight(
    client: ClientFor, fn: CredentialsFunction
) -> None:
    c = await serve_cors(client, credentials=fn)
    reply = await c.options("/forbin", headers=PREFLIGHT)
    assert reply.status == 204
    assert "Access-Control-Allow-Credentials" not in reply.headers


class Awaitable:
    def __await__(self) -> Generator[Any, None, bool]:
        yield from asyncio.sleep(0).__await__()
        return True


async def test_credentials_function_may_return_any_awaitable(client: ClientFor) -> None:
    c = await serve_cors(client, credentials=lambda ctx: Awaitable())
    reply = await c.get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"


async def test_star_with_credentials_reflects_the_request_origin(client: ClientFor) -> None:
    c = await serve_cors(client, origin="*", credentials=True)
    reply = await c.get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    assert reply.headers["Access-Control-Allow-Origin"] == "http://koajs.com"


async def test_star_with_credentials_reflects_on_a_preflight_too(client: ClientFor) -> None:
    c = await serve_cors(client, credentials=True)
    reply = await c.options("/", headers=PREFLIGHT)
    assert reply.headers["Access-Control-Allow-Origin"] == "http://koajs.com"


async def test_star_with_credentials_and_no_request_origin_sends_it_empty(
    client: ClientFor,
) -> None:
    # @koa/cors sets the header to ctx.get('Origin'), which is "" here.
    reply = await (await serve_cors(client, credentials=True)).get("/")
    assert reply.headers["Access-Control-Allow-Origin"] == ""


async def test_star_without_credentials_stays_star(client: ClientFor) -> None:
    c = await serve_cors(client, origin="*", credentials=False)
    reply = await c.get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_a_fixed_origin_is_not_replaced_when_credentials_are_allowed(
    client: ClientFor,
) -> None:
    c = await serve_cors(client, origin="https://app.example", credentials=True)
    reply = await c.get("/", headers=ORIGIN)
    assert reply.headers["Access-Control-Allow-Origin"] == "https://app.example"
