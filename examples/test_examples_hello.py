"""The README's first example answers as the README says."""

from __future__ import annotations

from examples.hello import app
from koa.core.testing import ClientFor


async def test_hello_example_says_hello(client: ClientFor) -> None:
    c = await client(app)
    reply = await c.get("/")
    assert (reply.status, reply.text) == (200, "Hello, Koa for Python!")
    assert reply.headers["X-Response-Time"].endswith("ms")


async def test_hello_example_serves_json(client: ClientFor) -> None:
    c = await client(app)
    reply = await c.get("/json")
    assert reply.json() == {"hello": "world"}
