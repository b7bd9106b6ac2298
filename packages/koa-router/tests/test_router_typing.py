"""Typed handlers: this file is checked by ``mypy --strict`` (root config).

A handler reads ``ctx.params["id"]`` with no cast and no ignore; a router
parametrised with an app context takes handlers of that type; plain koa-core
middleware is accepted too; ``routes()`` is a koa-core ``Middleware``. The
``type: ignore`` comments below are negative checks: with ``warn_unused_ignores``
(part of ``--strict``) mypy fails if those lines ever stop being errors.
"""

from __future__ import annotations

from typing import assert_type

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor
from koa.router import Router, RouterContext


class User:
    def __init__(self, name: str) -> None:
        self.name = name


class AppContext(RouterContext):
    """An app's context: the router's fields plus its own."""

    __slots__ = ()
    user: User


async def show(ctx: RouterContext, next: Next) -> None:
    user_id: str = ctx.params["id"]
    ctx.body = {"id": user_id, "same": ctx.request.params is ctx.params}


async def show_user(ctx: AppContext, next: Next) -> None:
    ctx.body = {"id": ctx.params["id"], "user": ctx.user.name}


async def load(value: str, ctx: AppContext, next: Next) -> None:
    ctx.user = User(f"user-{value}")
    await next()


async def plain(ctx: Context, next: Next) -> None:
    ctx.set("X-Plain", "1")
    await next()


def test_router_context_type_defaults_to_router_context() -> None:
    router = Router()
    assert_type(router, Router[RouterContext])
    assert_type(router.get("/users/:id", plain, show), Router[RouterContext])
    middleware: Middleware = router.routes()
    assert callable(middleware)


def test_router_rejects_handlers_for_another_context() -> None:
    router = Router()
    router.get("/x", show_user)  # type: ignore[arg-type]
    router.param("id", load)  # type: ignore[arg-type]


async def test_typed_router_takes_app_context_handlers(client: ClientFor) -> None:
    router = Router[AppContext]()
    router.use(plain).param("id", load).get("/users/:id", show_user, name="user")
    app = Koa(silent=True)
    app.use(router.routes()).use(router.allowed_methods())
    reply = await (await client(app)).get("/users/7")
    assert reply.json() == {"id": "7", "user": "user-7"}
    assert reply.headers["X-Plain"] == "1"


async def test_router_context_handler_reads_params(client: ClientFor) -> None:
    router = Router()
    router.get("/users/:id", show)
    app = Koa(silent=True)
    app.use(router.routes())
    reply = await (await client(app)).get("/users/42")
    assert reply.json() == {"id": "42", "same": True}


def test_nested_routers_of_different_context_types_mount() -> None:
    parent = Router()
    child = Router[AppContext]()
    child.get("/users/:id", show_user)
    parent.use("/v1", child.routes())
    assert [layer.path for layer in parent.stack] == ["/v1/users/:id"]
