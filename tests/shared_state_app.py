"""The app of tests/test_integration_shared_state.py, served by
``koa serve shared_state_app:app --workers 2``: sessions in Redis and a
Redis rate limit on ``/api``, both shared by the workers. The Redis URL comes
from ``$KOA_TEST_REDIS_URL``."""

from __future__ import annotations

import os

from koa.core import Context, Koa, Next
from koa.ratelimit import ratelimit
from koa.session import RedisStore, SessionContext, session

REDIS_URL = os.environ.get("KOA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

app = Koa(keys=["shared state test keys"])
store = RedisStore(REDIS_URL, timeout=5.0)
limiter = ratelimit(driver="redis", db=REDIS_URL, max=50, duration=600, timeout=5.0)


async def close(app: Koa) -> None:
    await store.close()
    await limiter.close()


app.on_shutdown.append(close)


async def worker_header(ctx: Context, next: Next) -> None:
    ctx.set("X-Worker", str(os.getpid()))
    await next()


async def api_limit(ctx: Context, next: Next) -> None:
    if ctx.path.startswith("/api"):
        await limiter(ctx, next)
    else:
        await next()


async def routes(ctx: SessionContext, next: Next) -> None:
    if ctx.path == "/login":
        ctx.session["user"] = ctx.query.get("user", "")
    elif ctx.path.startswith("/api"):
        ctx.body = {"ok": True}
        return
    ctx.body = {"user": ctx.session.get("user")}


app.use(worker_header)
app.use(api_limit)
app.use(session(app, store=store))
app.use(routes)
