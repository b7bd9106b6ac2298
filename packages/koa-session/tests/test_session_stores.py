"""External stores: MemoryStore, and koa-session's store protocol."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import Client, client_for
from koa.session import MaxAge, MemoryStore, SessionContext, Store, StoreUnavailable, session

KEYS = ["store keys"]


def make_app(store: Store, **options: Any) -> Koa:
    app = Koa(keys=KEYS)
    app.use(session(app, store=store, **options))

    async def handler(ctx: SessionContext, next: Next) -> None:
        if ctx.path == "/login":
            ctx.session["user"] = "ann"
            await ctx.regenerate_session()
        elif ctx.path == "/logout":
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


def cookie(reply: Any, name: str = "koa.sess") -> str | None:
    for line in reply.headers.getall("Set-Cookie", []):
        if line.startswith(name + "="):
            return str(line.split(";", 1)[0].split("=", 1)[1])
    return None


async def test_the_cookie_holds_only_a_random_id_and_the_data_is_in_the_store() -> None:
    store = MemoryStore()
    async with browser(make_app(store)) as c:
        reply = await c.get("/count")
        key = cookie(reply)
        assert key is not None and str(uuid.UUID(key)) == key
        saved = await store.get(key, 86400, rolling=False, ctx=None)  # type: ignore[arg-type]
        assert saved is not None and saved["n"] == 1 and saved["_maxAge"] == 86_400_000


async def test_a_store_session_is_read_back_by_its_cookie() -> None:
    async with browser(make_app(MemoryStore())) as c:
        await c.get("/count")
        reply = await c.get("/count")
        assert reply.json()["data"] == {"n": 2}


async def test_logout_destroys_the_stored_session() -> None:
    store = MemoryStore()
    async with browser(make_app(store)) as c:
        await c.get("/count")
        assert len(store) == 1
        await c.get("/logout")
        assert len(store) == 0
        assert (await c.get("/")).json()["data"] == {}


async def test_regenerate_session_moves_the_data_to_a_new_id_and_destroys_the_old() -> None:
    store = MemoryStore()
    async with browser(make_app(store)) as c:
        first = (await c.get("/count")).json()["key"]
        reply = await c.get("/login")
        second = reply.json()["key"]
        assert second != first and cookie(reply) == second
        assert await store.get(first, 1, rolling=False, ctx=None) is None  # type: ignore[arg-type]
        assert (await c.get("/")).json()["data"] == {"n": 1, "user": "ann"}


async def test_an_unknown_session_id_starts_a_new_session() -> None:
    missed: list[Any] = []
    app = make_app(MemoryStore(), signed=False)
    app.on("session:missed", missed.append)
    async with client_for(app) as c:
        reply = await c.get("/", headers={"Cookie": "koa.sess=no-such-session"})
        assert reply.json()["data"] == {}
    assert [m["key"] for m in missed] == ["no-such-session"]


async def test_memory_store_entries_expire_after_max_age() -> None:
    store = MemoryStore()
    await store.set("k", {"a": 1}, 0.05, rolling=False, changed=True, ctx=None)  # type: ignore[arg-type]
    await asyncio.sleep(0.3)
    assert await store.get("k", 0.05, rolling=False, ctx=None) is None  # type: ignore[arg-type]


async def test_memory_store_drops_the_least_recently_used_beyond_max_entries() -> None:
    store = MemoryStore(max_entries=2)
    none: Any = None
    for key in ("a", "b"):
        await store.set(key, {"k": key}, 60, rolling=False, changed=True, ctx=none)
    await store.get("a", 60, rolling=False, ctx=none)  # a is now the most recent
    await store.set("c", {"k": "c"}, 60, rolling=False, changed=True, ctx=none)
    assert await store.get("b", 60, rolling=False, ctx=none) is None
    assert await store.get("a", 60, rolling=False, ctx=none) == {"k": "a"}


async def test_memory_store_keeps_a_copy() -> None:
    store = MemoryStore()
    none: Any = None
    data = {"list": [1]}
    await store.set("k", data, 60, rolling=False, changed=True, ctx=none)
    data["list"].append(2)
    assert await store.get("k", 60, rolling=False, ctx=none) == {"list": [1]}


def test_memory_store_needs_room_for_one_session() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryStore(max_entries=0)


async def test_a_session_id_can_travel_in_a_header_instead_of_a_cookie() -> None:
    class HeaderKey:
        def get(self, ctx: Context) -> str | None:
            return ctx.get("X-Session") or None

        def set(self, ctx: Context, key: str) -> None:
            ctx.set("X-Session", key)

    async with client_for(make_app(MemoryStore(), external_key=HeaderKey())) as c:
        reply = await c.get("/count")
        key = reply.headers["X-Session"]
        reply = await c.get("/count", headers={"X-Session": key})
        assert reply.json()["data"] == {"n": 2}


class RecordingStore(MemoryStore):
    """A MemoryStore that records the lifetimes it is asked to keep data for."""

    __slots__ = ("ages",)

    def __init__(self) -> None:
        super().__init__()
        self.ages: list[MaxAge] = []

    async def set(
        self,
        key: str,
        sess: dict[str, Any],
        max_age: MaxAge,
        *,
        rolling: bool,
        changed: bool,
        ctx: Context,
    ) -> None:
        self.ages.append(max_age)
        await super().set(key, sess, max_age, rolling=rolling, changed=changed, ctx=ctx)


async def test_the_store_keeps_data_ten_seconds_longer_than_the_cookie() -> None:
    store = RecordingStore()
    async with browser(make_app(store, max_age=60)) as c:
        await c.get("/count")
    assert store.ages == [70]


async def test_a_browser_session_is_stored_with_the_session_lifetime() -> None:
    store = RecordingStore()
    async with browser(make_app(store, max_age="session")) as c:
        await c.get("/count")
    assert store.ages == ["session"]


class DownStore(MemoryStore):
    """A store whose backend is gone: every call raises StoreUnavailable."""

    __slots__ = ()

    async def get(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        raise StoreUnavailable("backend down")

    async def set(self, *args: Any, **kwargs: Any) -> None:
        raise StoreUnavailable("backend down")


async def test_a_store_that_cannot_load_answers_503_with_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with client_for(make_app(DownStore(), signed=False)) as c:
        reply = await c.get("/", headers={"Cookie": "koa.sess=some-id"})
    assert (reply.status, reply.text) == (503, "Session store unavailable")
    lines = [r for r in caplog.records if r.name == "koa.session"]
    assert len(lines) == 1 and "load" in lines[0].getMessage()
    assert "backend down" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.name == "koa"]  # no traceback logged


async def test_a_store_that_cannot_save_answers_503() -> None:
    async with client_for(make_app(DownStore())) as c:
        reply = await c.get("/count")
    assert (reply.status, reply.text) == (503, "Session store unavailable")
    assert "Set-Cookie" not in reply.headers
