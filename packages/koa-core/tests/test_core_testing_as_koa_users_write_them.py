"""Tests as a Koa user writes them (issue 17, item 16): the test client keeps
the cookies an app on 127.0.0.1 sets, as a supertest agent does, and
``compose()`` and the ``Middleware`` alias take middleware annotated with a
typing-only Context subclass (this file is type-checked with mypy --strict).
"""

from __future__ import annotations

from koa.core import Context, Koa, Middleware, Next, compose
from koa.core.testing import Client, ClientFor, serving


class UserContext(Context):
    """A typing-only context: what an upstream middleware adds."""

    user: str


async def login(ctx: Context, next: Next) -> None:
    if ctx.path == "/login":
        ctx.cookies.set("user", "ada")
        ctx.body = "logged in"
        return
    await next()


async def whoami(ctx: Context, next: Next) -> None:
    ctx.body = {"user": ctx.cookies.get("user")}


async def test_the_client_keeps_cookies_set_by_an_app_on_127_0_0_1(client: ClientFor) -> None:
    c = await client(Koa().use(login).use(whoami))
    assert (await c.get("/login")).text == "logged in"
    assert (await c.get("/me")).json() == {"user": "ada"}


async def test_a_cookie_jar_can_still_be_chosen() -> None:
    import aiohttp

    app = Koa().use(login).use(whoami)
    async with serving(app) as url, Client(url, cookie_jar=aiohttp.DummyCookieJar()) as c:
        await c.get("/login")
        assert (await c.get("/me")).json() == {"user": None}


async def add_user(ctx: Context, next: Next) -> None:
    ctx.user = "ada"  # type: ignore[attr-defined]
    await next()


async def greet(ctx: UserContext, next: Next) -> None:
    ctx.body = f"hello {ctx.user}"


def greeting() -> Middleware:
    """A factory typed with the alias, returning a subclass-typed middleware."""
    return greet


async def test_compose_takes_middleware_typed_with_a_context_subclass(
    client: ClientFor,
) -> None:
    stack: list[Middleware] = [add_user, greeting()]
    reply = await (await client(Koa().use(compose(stack)))).get("/")
    assert reply.text == "hello ada"
    reply = await (await client(Koa().use(compose([add_user, greet])))).get("/")
    assert reply.text == "hello ada"
