"""examples/login.py over real HTTP: log in through a CSRF-protected form,
the session, the rate-limited API, logging out; in a cookie and in Redis."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from examples.login import app, create_app
from koa.core import Koa
from koa.core.testing import Client, Reply, client_for


@asynccontextmanager
async def browser(app: Koa) -> AsyncIterator[Client]:
    async with client_for(app, cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        yield c


async def form_token(c: Client) -> str:
    reply = await c.get("/")
    match = re.search(r'name="_csrf" value="([^"]+)"', reply.text)
    assert match, reply.text
    return match.group(1)


async def log_in(c: Client, password: str = "koa") -> Reply:
    token = await form_token(c)
    return await c.post("/login", data={"_csrf": token, "username": "ann", "password": password})


async def test_login_module_exposes_an_app() -> None:
    assert isinstance(app, Koa)


async def test_the_home_page_shows_a_login_form_with_a_csrf_token() -> None:
    async with browser(create_app()) as c:
        reply = await c.get("/")
        assert reply.status == 200 and 'action="/login"' in reply.text
        assert re.search(r'name="_csrf" value="[A-Za-z0-9]{8}-[\w-]+"', reply.text)


async def test_a_login_without_the_csrf_token_is_forbidden() -> None:
    async with browser(create_app()) as c:
        await c.get("/")
        reply = await c.post("/login", data={"username": "ann", "password": "koa"})
        assert (reply.status, reply.text) == (403, "Invalid CSRF token")


async def test_a_wrong_password_is_a_401() -> None:
    async with browser(create_app()) as c:
        reply = await log_in(c, password="nope")
        assert reply.status == 401


async def test_logging_in_greets_the_user_with_a_new_session() -> None:
    async with browser(create_app()) as c:
        await c.get("/")
        before = {k.key: k.value for k in c.session.cookie_jar}["koa.sess"]
        reply = await log_in(c)
        assert (reply.status, reply.headers["Location"]) == (302, "/")
        after = {k.key: k.value for k in c.session.cookie_jar}["koa.sess"]
        assert after != before
        assert "Hello, ann" in (await c.get("/")).text


async def test_the_api_needs_a_login() -> None:
    async with browser(create_app()) as c:
        reply = await c.get("/api/me")
        assert (reply.status, reply.text) == (401, "log in first")


async def test_the_api_answers_the_user_five_times_a_minute() -> None:
    async with browser(create_app()) as c:
        await log_in(c)
        replies = [await c.get("/api/me") for _ in range(5)]
        assert {r.status for r in replies} == {200}
        assert replies[0].json() == {"user": "ann"}
        limited = await c.get("/api/me")
        assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0


async def test_logging_out_needs_the_token_and_ends_the_session() -> None:
    async with browser(create_app()) as c:
        await log_in(c)
        assert (await c.post("/logout")).status == 403
        token = await form_token(c)
        assert (await c.post("/logout", data={"_csrf": token})).status == 302
        assert 'action="/login"' in (await c.get("/")).text


async def test_sessions_and_limits_can_live_in_redis(redis_url: str) -> None:
    async with browser(create_app(redis_url=redis_url)) as c:
        await log_in(c)
        assert (await c.get("/api/me")).json() == {"user": "ann"}
    # a second app (another worker) on the same Redis knows the session
    cookies = "; ".join(f"{k.key}={k.value}" for k in c.session.cookie_jar)
    async with client_for(create_app(redis_url=redis_url)) as other:
        reply = await other.get("/api/me", headers={"Cookie": cookies})
        assert reply.json() == {"user": "ann"}
        assert reply.headers["Rate-Limit-Remaining"] == "3"  # the limit is shared too
