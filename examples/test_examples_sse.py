"""examples/sse.py over real HTTP: an event stream written with ctx.respond = False."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from examples.sse import app, create_app
from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor


async def read_events(c: Client, path: str, **kwargs: Any) -> list[tuple[str, Any, str | None]]:
    """(event name, data, id) of every event the stream sends until it ends."""
    events: list[tuple[str, Any, str | None]] = []
    async with c.session.get(c.base_url + path, **kwargs) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        assert response.headers["Cache-Control"] == "no-cache"
        fields: dict[str, str] = {}
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if line:
                name, _, value = line.partition(": ")
                fields[name] = value
            else:
                events.append((fields["event"], json.loads(fields["data"]), fields.get("id")))
                fields = {}
    return events


async def test_sse_module_exposes_an_app() -> None:
    assert isinstance(app, Koa)


async def test_sse_streams_count_events_then_end(client: ClientFor) -> None:
    c = await client(create_app(interval=0))
    events = await read_events(c, "/events?count=3")
    assert events == [
        ("tick", {"n": 0}, "0"),
        ("tick", {"n": 1}, "1"),
        ("tick", {"n": 2}, "2"),
        ("end", None, None),
    ]


async def test_sse_resumes_after_last_event_id(client: ClientFor) -> None:
    c = await client(create_app(interval=0))
    events = await read_events(c, "/events?count=4", headers={"Last-Event-ID": "1"})
    assert [data for _, data, _ in events] == [{"n": 2}, {"n": 3}, None]


async def test_sse_rejects_a_bad_count_with_400(client: ClientFor) -> None:
    c = await client(create_app(interval=0))
    for count in ("x", "-1", "101", "²", "9" * 5000):
        reply = await c.get("/events", params={"count": count})
        assert (reply.status, reply.text) == (400, "count must be a number up to 100"), count


async def test_sse_serves_the_page_with_an_event_source(client: ClientFor) -> None:
    reply = await (await client(create_app())).get("/")
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "new EventSource" in reply.text


async def test_sse_stops_writing_when_the_client_goes_away(client: ClientFor) -> None:
    app = create_app(interval=0.01)
    done = asyncio.Event()
    errors: list[BaseException] = []

    async def watch(ctx: Context, next: Next) -> None:
        try:
            await next()
        finally:
            done.set()

    app.middleware.insert(0, watch)
    app.on("error", lambda err, ctx: errors.append(err))
    c = await client(app)
    async with c.session.get(c.base_url + "/events?count=100") as response:
        assert (await response.content.readline()).startswith(b"id: 0")
    await asyncio.wait_for(done.wait(), timeout=10)
    assert errors == []
