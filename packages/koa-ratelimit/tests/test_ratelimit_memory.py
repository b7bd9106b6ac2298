"""koa-ratelimit's behaviour with the memory driver (its own test suite's cases)."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import client_for
from koa.ratelimit import ratelimit
from koa.ratelimit._humanize import long_duration


def make_app(**options: Any) -> Koa:
    app = Koa(silent=True)
    app.use(ratelimit(**options))

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = "Stuff!"

    app.use(handler)
    return app


async def test_max_requests_pass_then_429_with_retry_after_and_the_message() -> None:
    async with client_for(make_app(max=3, duration=60)) as c:
        replies = [await c.get("/") for _ in range(4)]
    assert [r.status for r in replies] == [200, 200, 200, 429]
    assert [r.headers["Rate-Limit-Remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert {r.headers["Rate-Limit-Total"] for r in replies} == {"3"}
    limited = replies[-1]
    assert 58 <= int(limited.headers["Retry-After"]) <= 60
    pattern = r"Rate limit exceeded, retry in (1 minute|5\d seconds|60 seconds)\."
    assert re.fullmatch(pattern, limited.text)


async def test_the_reset_header_is_the_unix_time_the_window_ends() -> None:
    async with client_for(make_app(max=3, duration=60)) as c:
        reply = await c.get("/")
    assert time.time() + 50 < int(reply.headers["Rate-Limit-Reset"]) <= time.time() + 61


async def test_the_window_starts_again_after_duration() -> None:
    async with client_for(make_app(max=1, duration=1.5)) as c:
        assert (await c.get("/")).status == 200
        assert (await c.get("/")).status == 429
        await asyncio.sleep(2.5)
        assert (await c.get("/")).status == 200


async def test_ids_are_counted_apart() -> None:
    app = make_app(max=1, id=lambda ctx: ctx.get("X-User"))
    async with client_for(app) as c:
        assert (await c.get("/", headers={"X-User": "a"})).status == 200
        assert (await c.get("/", headers={"X-User": "b"})).status == 200
        assert (await c.get("/", headers={"X-User": "a"})).status == 429


async def test_an_id_of_none_or_false_is_not_limited() -> None:
    for value in (None, False):
        async with client_for(make_app(max=1, id=lambda ctx, v=value: v)) as c:
            replies = [await c.get("/") for _ in range(3)]
        assert [r.status for r in replies] == [200, 200, 200]
        assert "Rate-Limit-Remaining" not in replies[0].headers


async def test_an_async_id_function_is_awaited() -> None:
    async def by_user(ctx: Context) -> str:
        return "same"

    async with client_for(make_app(max=1, id=by_user)) as c:
        assert [(await c.get("/")).status for _ in range(2)] == [200, 429]


async def test_custom_header_names() -> None:
    names = {"remaining": "X-RateLimit-Remaining", "reset": "X-RateLimit-Reset",
             "total": "X-RateLimit-Limit"}  # fmt: skip
    async with client_for(make_app(max=5, headers=names)) as c:
        reply = await c.get("/")
    assert (reply.headers["X-RateLimit-Remaining"], reply.headers["X-RateLimit-Limit"]) == (
        "4",
        "5",
    )
    assert "Rate-Limit-Remaining" not in reply.headers


async def test_disable_header_sends_no_limit_headers_but_still_limits() -> None:
    async with client_for(make_app(max=1, disable_header=True)) as c:
        first, second = await c.get("/"), await c.get("/")
    assert "Rate-Limit-Remaining" not in first.headers
    assert second.status == 429 and "Retry-After" in second.headers


async def test_a_whitelisted_request_is_not_counted() -> None:
    app = make_app(max=1, whitelist=lambda ctx: ctx.get("X-Admin") == "yes")
    async with client_for(app) as c:
        for _ in range(3):
            assert (await c.get("/", headers={"X-Admin": "yes"})).status == 200
        assert (await c.get("/")).status == 200


async def test_a_blacklisted_request_is_forbidden() -> None:
    async def banned(ctx: Context) -> bool:
        return ctx.get("X-Bad") == "1"

    async with client_for(make_app(blacklist=banned)) as c:
        reply = await c.get("/", headers={"X-Bad": "1"})
    assert (reply.status, reply.text) == (403, "Forbidden")


async def test_a_custom_error_message_and_status() -> None:
    async with client_for(make_app(max=1, error_message="Slow down.", status=503)) as c:
        await c.get("/")
        reply = await c.get("/")
    assert (reply.status, reply.text) == (503, "Slow down.")


async def test_throw_raises_an_http_error_carrying_the_headers() -> None:
    app = Koa(silent=True)
    seen: list[Any] = []

    async def catcher(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception as err:
            seen.append(err)
            raise

    app.use(catcher)
    app.use(ratelimit(max=1, throw=True, error_message="Too many"))

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    app.use(handler)
    async with client_for(app) as c:
        await c.get("/")
        reply = await c.get("/")
    assert (reply.status, reply.text) == (429, "Too many")
    assert reply.headers["Rate-Limit-Remaining"] == "0" and "Retry-After" in reply.headers
    assert getattr(seen[0], "status", None) == 429


async def test_the_limit_is_described_in_ctx_state() -> None:
    app = Koa()
    app.use(ratelimit(max=1, id=lambda ctx: "me"))
    states: list[Any] = []

    async def after(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    async def record(ctx: Context, next: Next) -> None:
        await next()
        states.append(ctx.state.get("rate_limit"))

    app.middleware.insert(0, record)
    app.use(after)
    async with client_for(app) as c:
        await c.get("/")
        await c.get("/")
    assert states[0] is None
    assert states[1]["id"] == "me" and states[1]["after"] > 0
    assert states[1]["message"].startswith("Rate limit exceeded")


async def test_a_shared_db_dict_can_be_cleared() -> None:
    db: dict[str, Any] = {}
    async with client_for(make_app(max=1, db=db)) as c:
        await c.get("/")
        assert (await c.get("/")).status == 429
        db.clear()
        assert (await c.get("/")).status == 200


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"driver": "mongo"}, "driver"),
        ({"max": 0}, "max"),
        ({"max": 1.5}, "max"),
        ({"duration": 0}, "duration"),
        ({"on_store_error": "maybe"}, "on_store_error"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ratelimit(**options)


def test_the_memory_db_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="dict"):
        ratelimit(db="redis://localhost")


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (500, "500 ms"),
        (1000, "1 second"),
        (1499, "1 second"),
        (1500, "2 seconds"),
        (8000, "8 seconds"),
        (60_000, "1 minute"),
        (3_600_000, "1 hour"),
        (7_200_000, "2 hours"),
        (86_400_000 * 3, "3 days"),
    ],
)
def test_durations_in_words_as_the_ms_package_writes_them(ms: float, text: str) -> None:
    assert long_duration(ms) == text


async def test_hostile_ids_never_fail_the_request() -> None:
    app = make_app(max=2, id=lambda ctx: ctx.get("X-Id"))
    async with client_for(app) as c:
        for value in ["", "é" * 5000, "a:b:c", "{}", " "]:
            reply = await c.get("/", headers={"X-Id": value.encode("utf-8").decode("latin-1")})
            assert reply.status == 200 or 400 <= reply.status < 500, reply.text
