"""koa-csrf's behaviour, through a real server (its own test suite's cases)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.core import Context, Koa, Next
from koa.core.testing import Client, client_for
from koa.csrf import CsrfContext, Tokens, csrf
from koa.session import decode, encode, session

KEYS = ["csrf keys"]


async def form_body(ctx: Context, next: Next) -> None:
    """A minimal body parser for the tests (form and JSON bodies)."""
    raw = await ctx.req.read()
    if ctx.is_("json"):
        import json

        ctx.request.body = json.loads(raw or b"null")  # type: ignore[attr-defined]
    else:
        ctx.request.body = dict(parse_qsl(raw.decode()))  # type: ignore[attr-defined]
    await next()


def make_app(**options: Any) -> Koa:
    app = Koa(keys=KEYS)
    app.use(session(app))
    app.use(form_body)
    app.use(csrf(**options))

    async def handler(ctx: CsrfContext, next: Next) -> None:
        if ctx.path == "/logout":
            ctx.session = None
        ctx.body = {"token": ctx.csrf, "state": ctx.state["_csrf"], "method": ctx.method}

    app.use(handler)
    return app


@asynccontextmanager
async def browser(app: Koa) -> AsyncIterator[Client]:
    async with client_for(app, cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        yield c


async def token_of(c: Client) -> str:
    token = (await c.get("/")).json()["token"]
    assert isinstance(token, str)
    return token


async def test_a_get_gets_a_token_and_the_session_a_secret() -> None:
    async with browser(make_app()) as c:
        reply = await c.get("/")
        body = reply.json()
        assert body["token"] == body["state"]
        assert re.fullmatch(r"[A-Za-z0-9]{8}-[A-Za-z0-9_-]{27}", body["token"])
        assert "koa.sess=" in reply.headers["Set-Cookie"]


async def test_a_post_without_a_token_is_forbidden() -> None:
    async with browser(make_app()) as c:
        await c.get("/")
        reply = await c.post("/", data={"name": "x"})
        assert (reply.status, reply.text) == (403, "Invalid CSRF token")


async def test_a_post_with_the_token_in_the_form_passes() -> None:
    async with browser(make_app()) as c:
        token = await token_of(c)
        reply = await c.post("/", data={"_csrf": token})
        assert reply.status == 200


async def test_a_post_with_the_token_in_a_json_body_passes() -> None:
    async with browser(make_app()) as c:
        token = await token_of(c)
        assert (await c.post("/", json={"_csrf": token})).status == 200


async def test_the_token_in_the_query_passes_unless_disabled() -> None:
    async with browser(make_app()) as c:
        token = await token_of(c)
        assert (await c.post("/", params={"_csrf": token})).status == 200
    async with browser(make_app(disable_query=True)) as c:
        token = await token_of(c)
        assert (await c.post("/", params={"_csrf": token})).status == 403


@pytest.mark.parametrize("header", ["CSRF-Token", "XSRF-Token", "X-CSRF-Token", "X-XSRF-Token"])
async def test_the_token_in_each_header_passes(header: str) -> None:
    async with browser(make_app()) as c:
        token = await token_of(c)
        assert (await c.post("/", headers={header: token})).status == 200


async def test_every_token_made_for_the_session_stays_valid() -> None:
    async with browser(make_app()) as c:
        first, second = await token_of(c), await token_of(c)
        assert first != second
        for token in (first, second):
            assert (await c.put("/", headers={"X-CSRF-Token": token})).status == 200


async def test_a_token_of_another_session_is_refused() -> None:
    async with browser(make_app()) as alice, browser(make_app()) as mallory:
        await token_of(alice)
        stolen = await token_of(mallory)
        assert (await alice.post("/", data={"_csrf": stolen})).status == 403


async def test_a_token_made_for_the_secret_with_the_npm_algorithm_passes() -> None:
    app = make_app()
    async with browser(app) as c:
        await c.get("/")
        jar = {cookie.key: cookie.value for cookie in c.session.cookie_jar}
        secret = decode(jar["koa.sess"])["secret"]
        token = Tokens().create(secret)
        assert (await c.delete("/", headers={"X-CSRF-Token": token})).status == 200


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
async def test_safe_methods_are_not_checked(method: str) -> None:
    async with browser(make_app()) as c:
        assert (await c.request(method, "/")).status == 200


async def test_excluded_methods_are_configurable() -> None:
    async with browser(make_app(excluded_methods=("GET", "PATCH"))) as c:
        assert (await c.patch("/")).status == 200
        assert (await c.request("OPTIONS", "/")).status == 403


async def test_the_message_and_status_are_configurable() -> None:
    app = make_app(invalid_token_message="Form expired", invalid_token_status_code=422)
    async with browser(app) as c:
        reply = await c.post("/")
        assert (reply.status, reply.text) == (422, "Form expired")


async def test_a_destroyed_session_is_not_checked() -> None:
    app = Koa(keys=KEYS)
    app.use(session(app))

    async def drop(ctx: CsrfContext, next: Next) -> None:
        ctx.session = None
        await next()

    app.use(drop)
    app.use(csrf())

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    app.use(handler)
    async with client_for(app) as c:
        assert (await c.post("/")).status == 200


async def test_without_the_session_middleware_the_error_says_what_to_add() -> None:
    app = Koa()
    from aiohttp.test_utils import make_mocked_request

    ctx = app.create_context(make_mocked_request("POST", "/"))

    async def nothing() -> None:
        return None

    with pytest.raises(RuntimeError, match=r"session\(app\)"):
        await csrf()(ctx, nothing)


HOSTILE_FIELDS: list[Any] = [
    ["a-b"],
    {"token": "x"},
    12345,
    None,
    True,
    "",
    "   ",
    "-",
    "x" * 100_000,
    "é-ü",
    "\u0000-\u0000",
]


@pytest.mark.parametrize("value", HOSTILE_FIELDS)
async def test_a_hostile_json_token_is_a_403_never_a_5xx(value: Any) -> None:
    async with browser(make_app()) as c:
        await c.get("/")
        reply = await c.post("/", json={"_csrf": value})
        assert reply.status == 403


@pytest.mark.parametrize("body", [b"[1,2]", b'"_csrf"', b"null", b"42"])
async def test_a_json_body_that_is_not_an_object_is_a_403(body: bytes) -> None:
    async with browser(make_app()) as c:
        await c.get("/")
        reply = await c.post("/", data=body, headers={"Content-Type": "application/json"})
        assert reply.status == 403


async def test_repeated_query_tokens_are_a_403() -> None:
    async with browser(make_app()) as c:
        token = await token_of(c)
        assert (await c.post(f"/?_csrf={token}&_csrf={token}")).status == 403


async def test_a_session_secret_that_is_not_a_string_is_replaced() -> None:
    app = Koa()
    app.use(session(app, signed=False))
    app.use(form_body)
    app.use(csrf())

    async def handler(ctx: CsrfContext, next: Next) -> None:
        ctx.body = {"secret_type": type(ctx.session["secret"]).__name__}

    app.use(handler)
    async with client_for(app) as c:
        for planted in ([1, 2], {"a": 1}, 7, None):
            cookie = "koa.sess=" + encode({"secret": planted})
            reply = await c.get("/", headers={"Cookie": cookie})
            assert reply.json() == {"secret_type": "str"}
            forged = await c.post("/", headers={"Cookie": cookie, "X-CSRF-Token": "a-b"})
            assert forged.status == 403


HEADER_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_categories=["Cc"])


@given(st.text(HEADER_CHARS, max_size=300))
async def test_any_header_token_is_a_403_never_a_5xx(token: str) -> None:
    async with client_for(make_app()) as c:
        reply = await c.post("/", headers={"X-CSRF-Token": token})
        assert reply.status == 403
