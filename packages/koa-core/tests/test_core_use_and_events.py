"""``app.use()`` takes middleware written as most Koa examples write them,
``async def mw(ctx)``, and the app has Node's ``once()``/``off()`` (issue 17,
item 13). Over a real server.
"""

from __future__ import annotations

from typing import Any

import pytest

from koa.core import Context, Koa, Next, compose
from koa.core.testing import ClientFor


async def test_middleware_without_next_answers(client: ClientFor) -> None:
    async def hello(ctx: Context) -> None:
        ctx.body = "Hello World"

    reply = await (await client(Koa().use(hello))).get("/")
    assert (reply.status, reply.text) == (200, "Hello World")


async def test_middleware_without_next_ends_the_chain(client: ClientFor) -> None:
    seen: list[str] = []

    async def outer(ctx: Context, next: Next) -> None:
        seen.append("outer in")
        await next()
        seen.append("outer out")

    async def last(ctx: Context) -> None:
        ctx.body = "last"

    async def never(ctx: Context, next: Next) -> None:
        seen.append("never")

    app = Koa().use(outer).use(last).use(never)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text, seen) == (200, "last", ["outer in", "outer out"])


async def test_a_plain_function_without_next_is_middleware_too(client: ClientFor) -> None:
    def plain(ctx: Context) -> None:
        ctx.body = "plain"

    reply = await (await client(Koa().use(plain))).get("/")  # type: ignore[arg-type]
    assert (reply.status, reply.text) == (200, "plain")


async def test_compose_takes_middleware_without_next(client: ClientFor) -> None:
    async def first(ctx: Context, next: Next) -> None:
        ctx.set("X-First", "1")
        await next()

    async def second(ctx: Context) -> None:
        ctx.body = "composed"

    reply = await (await client(Koa().use(compose([first, second])))).get("/")  # type: ignore[list-item]
    assert (reply.text, reply.headers["X-First"]) == ("composed", "1")


def test_middleware_without_parameters_is_refused_with_the_fix() -> None:
    async def nothing() -> None:
        return None

    with pytest.raises(TypeError, match=r"async def mw\(ctx: Context, next: Next\)"):
        Koa().use(nothing)  # type: ignore[arg-type]


def failing_app() -> Koa:
    async def boom(ctx: Context, next: Next) -> None:
        raise RuntimeError("boom")

    return Koa().use(boom)


async def test_once_listener_hears_only_the_first_event(client: ClientFor) -> None:
    app = failing_app()
    heard: list[str] = []
    app.once("error", lambda err, ctx: heard.append(str(err)))
    c = await client(app)
    assert (await c.get("/")).status == 500
    assert (await c.get("/")).status == 500
    assert heard == ["boom"]
    assert app.listener_count("error") == 0


async def test_off_removes_a_listener(client: ClientFor) -> None:
    app = failing_app()
    heard: list[str] = []

    def listener(err: BaseException, ctx: Any) -> None:
        heard.append("heard")

    app.on("error", listener).off("error", listener)
    assert (await (await client(app)).get("/")).status == 500
    assert heard == []
    assert app.listener_count("error") == 0


def test_off_removes_a_once_listener_and_the_last_added_copy() -> None:
    app = Koa()
    heard: list[int] = []

    def listener(value: int) -> None:
        heard.append(value)

    app.on("tick", listener).on("tick", listener).off("tick", listener)
    app.once("tick", listener).off("tick", listener).off("tick", lambda: None)
    assert app.emit("tick", 1) is True
    assert heard == [1]
