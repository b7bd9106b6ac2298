"""koa-session inside an app mounted by koa-mount: the mounted app's middleware
runs with the parent app's ctx, and still gets ``ctx.session``."""

from __future__ import annotations

import aiohttp

from koa.core import Context, Koa, Next
from koa.core.testing import client_for
from koa.mount import mount
from koa.session import MemoryStore, SessionContext, session

KEYS = ["mount keys"]


def counter_app(**options: object) -> Koa:
    sub = Koa(keys=KEYS)
    sub.use(session(sub, **options))  # type: ignore[arg-type]

    async def count(ctx: SessionContext, next: Next) -> None:
        ctx.session["n"] = ctx.session.get("n", 0) + 1
        ctx.body = {"n": ctx.session["n"], "key": ctx.session_options.key}

    sub.use(count)
    return sub


async def test_a_mounted_app_with_a_cookie_session_counts() -> None:
    parent = Koa(keys=KEYS)
    parent.use(mount("/app", counter_app()))
    async with client_for(parent, cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        assert (await c.get("/app/")).json() == {"n": 1, "key": "koa.sess"}
        assert (await c.get("/app/")).json() == {"n": 2, "key": "koa.sess"}


async def test_two_mounted_apps_keep_their_own_session_options() -> None:
    parent = Koa(keys=KEYS)
    parent.use(mount("/a", counter_app(key="a.sess")))
    parent.use(mount("/b", counter_app(key="b.sess", store=MemoryStore())))

    async def other(ctx: Context, next: Next) -> None:
        ctx.body = "parent"

    parent.use(other)
    async with client_for(parent, cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        assert (await c.get("/a/")).json() == {"n": 1, "key": "a.sess"}
        assert (await c.get("/b/")).json() == {"n": 1, "key": "b.sess"}
        assert (await c.get("/b/")).json() == {"n": 2, "key": "b.sess"}
        assert (await c.get("/a/")).json() == {"n": 2, "key": "a.sess"}
        assert (await c.get("/")).text == "parent"
