"""The app the serving tests run in real server processes (koa serve, gunicorn)."""

from __future__ import annotations

import asyncio
import os

from koa.core import Context, Koa, Next

app = Koa(silent=True)
STARTED: list[int] = []


def _started(app: Koa) -> None:
    STARTED.append(os.getpid())


app.on_startup.append(_started)


async def handler(ctx: Context, next: Next) -> None:
    if ctx.path == "/slow":
        await asyncio.sleep(float(ctx.query.get("s", "0.5")))  # type: ignore[arg-type]
        ctx.body = "done"
    elif ctx.path == "/crash":
        os._exit(3)
    elif ctx.path == "/pid":
        ctx.body = str(os.getpid())
    else:
        ctx.body = {"hello": "world", "started": len(STARTED)}


app.use(handler)
