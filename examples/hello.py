"""Hello, Koa: the README's first example. Run it with ``hatch run example``."""

from __future__ import annotations

import time

from koa.core import Context, Koa, Next

app = Koa()


async def response_time(ctx: Context, next: Next) -> None:
    started = time.perf_counter()
    await next()
    ctx.set("X-Response-Time", f"{(time.perf_counter() - started) * 1000:.2f}ms")


async def hello(ctx: Context, next: Next) -> None:
    if ctx.path == "/json":
        ctx.body = {"hello": "world"}
    else:
        ctx.body = "Hello, Koa for Python!"


app.use(response_time)
app.use(hello)

if __name__ == "__main__":
    import sys

    app.run(port=int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
