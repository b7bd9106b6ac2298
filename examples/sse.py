"""Server-sent events: a middleware that writes the response itself.

``ctx.respond = False`` tells Koa to leave the response alone; ``ctx.res`` is
the aiohttp ``StreamResponse`` (created on first use), which the middleware
prepares (headers go out) and writes to, one event at a time.

    python examples/sse.py                 # then open http://127.0.0.1:3000/

``GET /events?count=N`` sends N ``tick`` events (default 5, at most 100), one
per ``interval`` seconds, then ends the stream. A browser's ``EventSource``
reconnects with ``Last-Event-ID`` and the stream resumes after that id.
"""

from __future__ import annotations

import asyncio
import json

from koa.core import Context, Koa, Next

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>Server-sent events</title>
<ul id="events"></ul>
<script>
  const source = new EventSource("/events?count=10");
  source.addEventListener("tick", (event) => {
    const item = document.createElement("li");
    item.textContent = event.data;
    document.getElementById("events").append(item);
  });
  source.addEventListener("end", () => source.close());
</script>
"""


def event(name: str, data: object, id: int | None = None) -> bytes:
    """One event in the text/event-stream format."""
    head = f"id: {id}\n" if id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def create_app(interval: float = 1.0) -> Koa:
    """The app; *interval* is the number of seconds between two events."""

    async def events(ctx: Context, next: Next) -> None:
        if ctx.path != "/events":
            await next()
            return
        count = ctx.query.get("count", "5")
        if not (isinstance(count, str) and count.isascii() and count.isdigit() and len(count) < 4):
            ctx.throw(400, "count must be a number up to 100")
        total = int(count)
        ctx.assert_(total <= 100, 400, "count must be a number up to 100")
        last_id = ctx.get("Last-Event-ID")  # sent by a reconnecting EventSource
        resumed = last_id.isascii() and last_id.isdigit() and len(last_id) < 4
        first = int(last_id) + 1 if resumed else 0

        ctx.respond = False  # from here on, the response is ours to write
        res = ctx.res
        res.content_type = "text/event-stream"
        res.headers["Cache-Control"] = "no-cache"
        res.headers["X-Accel-Buffering"] = "no"  # ask nginx not to buffer the stream
        await res.prepare(ctx.req)
        try:
            for number in range(first, total):
                await res.write(event("tick", {"n": number}, id=number))
                await asyncio.sleep(interval)
            await res.write(event("end", None))
            await res.write_eof()
        except ConnectionError:
            pass  # the client went away: nothing left to do

    async def page(ctx: Context, next: Next) -> None:
        if ctx.path == "/":
            ctx.body = PAGE
        else:
            await next()

    app = Koa()
    app.use(events)
    app.use(page)
    return app


app = create_app()

if __name__ == "__main__":
    app.run(port=3000)
