"""The app the serving-limits tests run in real ``koa serve`` processes: an
endless SSE stream, a WebSocket, a slow route, and start-up / shutdown
behaviour chosen by environment variables:

- ``KOA_TEST_FAIL_IMPORT``: importing the module raises (a broken deploy);
- ``KOA_TEST_STARTUP_SLEEP``: on_startup takes this many seconds;
- ``KOA_TEST_SHUTDOWN_SLEEP``: on_shutdown takes this many seconds.
Each hook prints a line (with the pid) so the tests can see it ran.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from aiohttp import web

from koa.core import Context, Koa, Next

if os.environ.get("KOA_TEST_FAIL_IMPORT"):
    raise RuntimeError("the database URL is not set")

app = Koa(silent=True)


async def _startup(app: Koa) -> None:
    await asyncio.sleep(float(os.environ.get("KOA_TEST_STARTUP_SLEEP", "0")))
    print(f"started {os.getpid()}", flush=True)


async def _shutdown(app: Koa) -> None:
    await asyncio.sleep(float(os.environ.get("KOA_TEST_SHUTDOWN_SLEEP", "0")))
    print(f"on_shutdown {os.getpid()}", flush=True)


app.on_startup.append(_startup)
app.on_shutdown.append(_shutdown)


async def _ticks() -> AsyncIterator[bytes]:
    while True:
        yield b"data: tick\n\n"
        await asyncio.sleep(0.1)


async def handler(ctx: Context, next: Next) -> None:
    if ctx.path == "/sse":
        ctx.type = "text/event-stream"
        ctx.body = _ticks()
    elif ctx.path == "/ws":
        ws = web.WebSocketResponse()
        ctx.respond = False
        await ws.prepare(ctx.req)
        async for _message in ws:
            pass
    elif ctx.path == "/pid":
        ctx.body = str(os.getpid())
    elif ctx.path == "/loop":
        ctx.body = type(asyncio.get_running_loop()).__module__
    elif ctx.path == "/slow":
        await asyncio.sleep(float(ctx.query.get("s", "0.5")))  # type: ignore[arg-type]
        ctx.body = "done"
    else:
        ctx.body = "ok"


app.use(handler)
