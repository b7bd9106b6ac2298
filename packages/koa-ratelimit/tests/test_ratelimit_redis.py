"""The Redis driver against a real redis-server (started by the root conftest):
an exact shared limit under concurrency, the sliding window, and the faults."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest
from redis.asyncio import Redis

from koa.core import Context, Koa, Next
from koa.core.testing import client_for
from koa.ratelimit import ratelimit


def make_app(db: Any, **options: Any) -> Koa:
    app = Koa(silent=True)
    limiter = ratelimit(driver="redis", db=db, **options)
    app.use(limiter)
    app.on_shutdown.append(lambda app: limiter.close())

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = "Stuff!"

    app.use(handler)
    return app


async def test_max_requests_pass_then_429_with_retry_after(redis_url: str) -> None:
    async with client_for(make_app(redis_url, max=3, duration=60)) as c:
        replies = [await c.get("/") for _ in range(4)]
    assert [r.status for r in replies] == [200, 200, 200, 429]
    assert [r.headers["Rate-Limit-Remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert 55 <= int(replies[-1].headers["Retry-After"]) <= 61
    assert time.time() + 50 < int(replies[0].headers["Rate-Limit-Reset"]) <= time.time() + 62
    assert replies[-1].text.startswith("Rate limit exceeded, retry in ")


async def test_concurrent_requests_get_exactly_max(redis_url: str) -> None:
    async with client_for(make_app(redis_url, max=50, duration=60)) as c:
        replies = await asyncio.gather(*(c.get("/") for _ in range(200)))
    statuses = [r.status for r in replies]
    assert (statuses.count(200), statuses.count(429)) == (50, 150)
    assert all("Retry-After" in r.headers for r in replies if r.status == 429)


async def test_two_apps_on_one_redis_share_one_limit(redis_url: str) -> None:
    async with (
        client_for(make_app(redis_url, max=4)) as one,
        client_for(make_app(redis_url, max=4)) as two,
    ):
        statuses = [(await (one if i % 2 else two).get("/")).status for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_the_window_slides(redis_url: str) -> None:
    async with client_for(make_app(redis_url, max=1, duration=1.5)) as c:
        assert (await c.get("/")).status == 200
        assert (await c.get("/")).status == 429
        await asyncio.sleep(2.5)
        assert (await c.get("/")).status == 200


async def test_limited_requests_are_not_recorded(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    try:
        async with client_for(make_app(client, max=2, id=lambda ctx: "me")) as c:
            for _ in range(5):
                await c.get("/")
        assert await client.zcard("limit:me") == 2
        assert 0 < await client.pttl("limit:me") <= 3_600_000
    finally:
        await client.aclose()


async def test_the_namespace_prefixes_the_keys(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    try:
        app = make_app(client, namespace="api", id=lambda ctx: "me")
        async with client_for(app) as c:
            await c.get("/")
        assert await client.exists("api:me") == 1
    finally:
        await client.aclose()


def test_the_redis_db_must_be_a_client_or_a_url() -> None:
    with pytest.raises(TypeError, match="redis"):
        ratelimit(driver="redis", db={})


# -- faults ---------------------------------------------------------------------


async def test_redis_down_fails_open_by_default_with_a_log_line(
    redis_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.stop()
    async with client_for(make_app(redis_server.url, max=1)) as c:
        with caplog.at_level(logging.WARNING, logger="koa.ratelimit"):
            replies = [await c.get("/") for _ in range(3)]
    assert [(r.status, r.text) for r in replies] == [(200, "Stuff!")] * 3
    assert "Rate-Limit-Remaining" not in replies[0].headers
    lines = [r.getMessage() for r in caplog.records if r.name == "koa.ratelimit"]
    assert len(lines) == 3 and all("fail open" in line for line in lines)


async def test_redis_down_fails_closed_with_503_when_asked(
    redis_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.stop()
    app = make_app(redis_server.url, on_store_error="closed")
    async with client_for(app) as c:
        reply = await c.get("/")
    assert (reply.status, reply.text) == (503, "Rate limit store unavailable")
    assert any("fail closed" in r.getMessage() for r in caplog.records)


async def test_redis_paused_past_the_timeout_is_a_store_error_not_a_hang(
    redis_server: Any,
) -> None:
    app = make_app(redis_server.url, timeout=1.0, on_store_error="closed")
    async with client_for(app) as c:
        assert (await c.get("/")).status == 200
        redis_server.pause()
        try:
            started = time.monotonic()
            reply = await asyncio.wait_for(c.get("/"), 30)
            elapsed = time.monotonic() - started
        finally:
            redis_server.resume()
        after = [(await c.get("/")).headers.get("Rate-Limit-Remaining") for _ in range(3)]
    assert reply.status == 503
    assert elapsed < 20  # bounded by the timeout, not by Redis
    # no stale reply read after the timed-out call: the counts go on in order
    # (the timed-out call itself may or may not have run once Redis resumed)
    first = int(after[0] or 0)
    assert first in (2497, 2498) and after == [str(first - i) for i in range(3)]


async def test_a_redis_restart_mid_run_recovers_and_reloads_the_script(
    redis_server: Any,
) -> None:
    app = make_app(redis_server.url, max=100, on_store_error="closed")
    async with client_for(app) as c:
        assert (await c.get("/")).status == 200
        redis_server.stop()
        redis_server.start()  # empty: the Lua script must be loaded again
        statuses = [(await c.get("/")).status for _ in range(3)]
        reply = await c.get("/")
    assert set(statuses) <= {200, 503} and statuses[-1] == 200
    assert int(reply.headers["Rate-Limit-Remaining"]) >= 95
