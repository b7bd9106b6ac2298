"""RedisStore against a real redis-server (started by the root conftest):
sessions, TTLs, and the faults: down, paused past the timeout, restarted."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from koa.core import Koa, Next
from koa.core.testing import Client, client_for
from koa.session import RedisStore, SessionContext, session

KEYS = ["redis keys"]


def make_app(store: RedisStore, **options: Any) -> Koa:
    app = Koa(keys=KEYS)
    app.use(session(app, store=store, **options))

    async def handler(ctx: SessionContext, next: Next) -> None:
        if ctx.path == "/logout":
            ctx.session = None
        elif ctx.path == "/count":
            ctx.session["n"] = ctx.session.get("n", 0) + 1
        sess = ctx.session
        ctx.body = {"data": dict(sess or {}), "key": sess.external_key if sess else None}

    app.use(handler)
    return app


@asynccontextmanager
async def browser(app: Koa) -> AsyncIterator[Client]:
    async with client_for(app, cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        yield c


@asynccontextmanager
async def redis_store(url: str, **options: Any) -> AsyncIterator[RedisStore]:
    store = RedisStore(url, **options)
    try:
        yield store
    finally:
        await store.close()


async def test_a_session_is_one_json_key_with_the_lifetime_as_ttl(redis_url: str) -> None:
    async with redis_store(redis_url) as store, browser(make_app(store, max_age=60)) as c:
        key = (await c.get("/count")).json()["key"]
        raw = await store.client.get("koa:sess:" + key)
        assert raw is not None
        assert json.loads(raw)["n"] == 1
        ttl = await store.client.pttl("koa:sess:" + key)
        assert 60_000 < ttl <= 70_000


async def test_a_redis_session_is_read_back(redis_url: str) -> None:
    async with redis_store(redis_url) as store, browser(make_app(store)) as c:
        await c.get("/count")
        assert (await c.get("/count")).json()["data"] == {"n": 2}


async def test_two_apps_on_one_redis_share_sessions(redis_url: str) -> None:
    async with (
        redis_store(redis_url) as one,
        redis_store(redis_url) as two,
        client_for(make_app(one)) as first,
        client_for(make_app(two)) as second,
    ):
        reply = await first.get("/count")
        cookies = "; ".join(line.split(";", 1)[0] for line in reply.headers.getall("Set-Cookie"))
        assert (await second.get("/count", headers={"Cookie": cookies})).json()["data"] == {"n": 2}


async def test_logout_deletes_the_redis_key(redis_url: str) -> None:
    async with redis_store(redis_url) as store, browser(make_app(store)) as c:
        key = (await c.get("/count")).json()["key"]
        await c.get("/logout")
        assert await store.client.exists("koa:sess:" + key) == 0


async def test_a_browser_session_is_kept_for_session_ttl_a_day_by_default(
    redis_url: str,
) -> None:
    async with redis_store(redis_url) as store, browser(make_app(store, max_age="session")) as c:
        key = (await c.get("/count")).json()["key"]
        assert 86_000 < await store.client.ttl("koa:sess:" + key) <= 86_400


async def test_every_save_renews_a_browser_sessions_ttl(redis_url: str) -> None:
    async with (
        redis_store(redis_url, session_ttl=30) as store,
        browser(make_app(store, max_age="session")) as c,
    ):
        key = (await c.get("/count")).json()["key"]
        await store.client.pexpire("koa:sess:" + key, 5_000)
        await c.get("/count")
        assert 25_000 < await store.client.pttl("koa:sess:" + key) <= 30_000


async def test_session_ttl_none_keeps_a_browser_session_until_destroyed(redis_url: str) -> None:
    async with (
        redis_store(redis_url, session_ttl=None) as store,
        browser(make_app(store, max_age="session")) as c,
    ):
        key = (await c.get("/count")).json()["key"]
        assert await store.client.ttl("koa:sess:" + key) == -1


@pytest.mark.parametrize("session_ttl", [0, -1.0, float("nan")])
def test_session_ttl_must_be_positive_or_none(session_ttl: float) -> None:
    with pytest.raises(ValueError, match="session_ttl"):
        RedisStore("redis://127.0.0.1:1/0", session_ttl=session_ttl)


async def test_the_prefix_names_the_keys(redis_url: str) -> None:
    async with redis_store(redis_url, prefix="app1:") as store, browser(make_app(store)) as c:
        key = (await c.get("/count")).json()["key"]
        assert await store.client.exists("app1:" + key) == 1


async def test_a_client_can_be_given_instead_of_a_url(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    try:
        store = RedisStore(client)
        async with browser(make_app(store)) as c:
            await c.get("/count")
            assert (await c.get("/count")).json()["data"] == {"n": 2}
        await store.close()  # not ours: left open
        assert await client.ping()
    finally:
        await client.aclose()


async def test_garbage_under_a_session_key_starts_a_new_session(redis_url: str) -> None:
    async with redis_store(redis_url) as store, client_for(make_app(store, signed=False)) as c:
        await store.client.set("koa:sess:planted", b"\xff not json")
        await store.client.set("koa:sess:list", b"[1, 2]")
        for key in ("planted", "list"):
            reply = await c.get("/", headers={"Cookie": f"koa.sess={key}"})
            assert (reply.status, reply.json()["data"]) == (200, {})


def test_a_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="timeout"):
        RedisStore("redis://127.0.0.1:1", timeout=0)


# -- faults ---------------------------------------------------------------------


async def test_redis_down_answers_503_with_a_log_line(
    redis_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.stop()
    async with (
        redis_store(redis_server.url, timeout=2.0) as store,
        client_for(make_app(store)) as c,
    ):
        with caplog.at_level(logging.ERROR, logger="koa.session"):
            reply = await c.get("/count")
    assert (reply.status, reply.text) == (503, "Session store unavailable")
    assert any("session store unavailable" in r.getMessage() for r in caplog.records)


async def test_redis_paused_past_the_timeout_answers_503_instead_of_hanging(
    redis_server: Any,
) -> None:
    async with (
        redis_store(redis_server.url, timeout=1.0) as store,
        browser(make_app(store)) as c,
    ):
        assert (await c.get("/count")).status == 200
        redis_server.pause()
        try:
            started = time.monotonic()
            reply = await asyncio.wait_for(c.get("/count"), 30)
            elapsed = time.monotonic() - started
        finally:
            redis_server.resume()
        # the timed-out command left no stale reply behind: the next ones read theirs
        after = [(await c.get("/count")).json()["data"] for _ in range(3)]
    assert (reply.status, reply.text) == (503, "Session store unavailable")
    assert elapsed < 20  # bounded by the store's timeout, not by Redis
    assert after == [{"n": 2}, {"n": 3}, {"n": 4}]


async def test_a_redis_restart_costs_at_most_a_503_then_sessions_work_again(
    redis_server: Any,
) -> None:
    async with redis_store(redis_server.url, timeout=2.0) as store, browser(make_app(store)) as c:
        assert (await c.get("/count")).json()["data"] == {"n": 1}
        redis_server.stop()
        redis_server.start()  # same port, empty (no persistence)
        statuses = [(await c.get("/count")).status for _ in range(3)]
    assert set(statuses) <= {200, 503} and statuses[-1] == 200
