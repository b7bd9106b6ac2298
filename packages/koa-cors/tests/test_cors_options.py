"""@koa/cors's option suites: exposeHeaders, maxAge, allowHeaders,
allowMethods, secureContext and privateNetworkAccess."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor
from koa.cors import cors

ORIGIN = {"Origin": "http://koajs.com"}
PREFLIGHT = {**ORIGIN, "Access-Control-Request-Method": "PUT"}


async def foo_bar(ctx: Context, next: Next) -> None:
    ctx.body = {"foo": "bar"}


async def serve_cors(client: ClientFor, **options: Any) -> Client:
    return await client(Koa().use(cors(**options)).use(foo_bar))


async def test_expose_headers_as_a_string(client: ClientFor) -> None:
    c = await serve_cors(client, expose_headers="content-length")
    reply = await c.get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Expose-Headers"] == "content-length"


async def test_expose_headers_as_a_list(client: ClientFor) -> None:
    c = await serve_cors(client, expose_headers=["content-length", "x-header"])
    reply = await c.get("/", headers=ORIGIN)
    assert reply.headers["Access-Control-Expose-Headers"] == "content-length,x-header"


async def test_expose_headers_are_not_sent_on_a_preflight(client: ClientFor) -> None:
    reply = await (await serve_cors(client, expose_headers="x-a")).options("/", headers=PREFLIGHT)
    assert "Access-Control-Expose-Headers" not in reply.headers


@pytest.mark.parametrize(
    ("max_age", "sent"),
    [
        (3600, "3600"),
        ("3600", "3600"),
        (timedelta(hours=1), "3600"),
        (3600.0, "3600"),
        (1.5, "1.5"),
    ],
    ids=["int", "str", "timedelta", "whole-float", "float"],
)
async def test_max_age_on_a_preflight(client: ClientFor, max_age: Any, sent: str) -> None:
    reply = await (await serve_cors(client, max_age=max_age)).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert reply.headers["Access-Control-Max-Age"] == sent


async def test_max_age_is_not_sent_on_a_simple_request(client: ClientFor) -> None:
    reply = await (await serve_cors(client, max_age="3600")).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert "Access-Control-Max-Age" not in reply.headers


@pytest.mark.parametrize("max_age", [0, None, "", timedelta(0)], ids=["0", "None", "empty", "td0"])
async def test_a_falsy_max_age_is_not_sent(client: ClientFor, max_age: Any) -> None:
    reply = await (await serve_cors(client, max_age=max_age)).options("/", headers=PREFLIGHT)
    assert "Access-Control-Max-Age" not in reply.headers


async def test_allow_headers_as_a_string(client: ClientFor) -> None:
    c = await serve_cors(client, allow_headers="X-PINGOTHER")
    reply = await c.options("/", headers=PREFLIGHT)
    assert (reply.status, reply.headers["Access-Control-Allow-Headers"]) == (204, "X-PINGOTHER")


async def test_allow_headers_as_a_list(client: ClientFor) -> None:
    c = await serve_cors(client, allow_headers=["X-PINGOTHER", "X-Other"])
    reply = await c.options("/", headers=PREFLIGHT)
    assert reply.headers["Access-Control-Allow-Headers"] == "X-PINGOTHER,X-Other"


async def test_allow_headers_default_to_the_requested_headers(client: ClientFor) -> None:
    headers = {**PREFLIGHT, "access-control-request-headers": "X-PINGOTHER"}
    reply = await (await serve_cors(client)).options("/", headers=headers)
    assert (reply.status, reply.headers["Access-Control-Allow-Headers"]) == (204, "X-PINGOTHER")


async def test_configured_allow_headers_win_over_the_requested_ones(client: ClientFor) -> None:
    headers = {**PREFLIGHT, "Access-Control-Request-Headers": "X-Evil"}
    reply = await (await serve_cors(client, allow_headers="X-Good")).options("/", headers=headers)
    assert reply.headers["Access-Control-Allow-Headers"] == "X-Good"


async def test_no_allow_headers_without_option_or_request(client: ClientFor) -> None:
    reply = await (await serve_cors(client)).options("/", headers=PREFLIGHT)
    assert "Access-Control-Allow-Headers" not in reply.headers


async def test_allow_methods_as_a_list(client: ClientFor) -> None:
    reply = await (await serve_cors(client, allow_methods=["GET", "POST"])).options(
        "/", headers=PREFLIGHT
    )
    assert (reply.status, reply.headers["Access-Control-Allow-Methods"]) == (204, "GET,POST")


async def test_allow_methods_none_skips_the_header(client: ClientFor) -> None:
    reply = await (await serve_cors(client, allow_methods=None)).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert "Access-Control-Allow-Methods" not in reply.headers


async def test_secure_context_headers_on_a_simple_request(client: ClientFor) -> None:
    reply = await (await serve_cors(client, secure_context=True)).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert reply.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


async def test_secure_context_headers_on_a_preflight(client: ClientFor) -> None:
    reply = await (await serve_cors(client, secure_context=True)).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert reply.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert reply.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


async def test_no_secure_context_headers_when_off(client: ClientFor) -> None:
    reply = await (await serve_cors(client, secure_context=False)).get("/", headers=ORIGIN)
    assert "Cross-Origin-Opener-Policy" not in reply.headers
    assert "Cross-Origin-Embedder-Policy" not in reply.headers


PNA = "Access-Control-Allow-Private-Network"


@pytest.mark.parametrize("enabled", [False, True])
async def test_private_network_is_never_allowed_on_a_simple_request(
    client: ClientFor, enabled: bool
) -> None:
    c = await serve_cors(client, private_network_access=enabled)
    reply = await c.get(
        "/", headers={**PREFLIGHT, "Access-Control-Request-Private-Network": "true"}
    )
    assert reply.status == 200
    assert PNA not in reply.headers


@pytest.mark.parametrize("enabled", [False, True])
async def test_private_network_is_not_allowed_unless_requested(
    client: ClientFor, enabled: bool
) -> None:
    reply = await (await serve_cors(client, private_network_access=enabled)).options(
        "/", headers=PREFLIGHT
    )
    assert reply.status == 204
    assert PNA not in reply.headers


async def test_private_network_request_is_refused_when_off(client: ClientFor) -> None:
    headers = {**PREFLIGHT, "Access-Control-Request-Private-Network": "true"}
    reply = await (await serve_cors(client, private_network_access=False)).options(
        "/", headers=headers
    )
    assert reply.status == 204
    assert PNA not in reply.headers


async def test_private_network_request_is_allowed_when_on(client: ClientFor) -> None:
    headers = {**PREFLIGHT, "Access-Control-Request-Private-Network": "true"}
    reply = await (await serve_cors(client, private_network_access=True)).options(
        "/", headers=headers
    )
    assert (reply.status, reply.headers[PNA]) == (204, "true")
