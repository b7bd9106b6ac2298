"""``router.param()``: param handlers, their order and once-per-request rule.
Ported from @koa/router (R094-R105).
"""

from __future__ import annotations

from typing import Any

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.router import ParamHandler, Router, RouterContext


def app_with(router: Router[Any]) -> Koa:
    app = Koa(silent=True)
    app.use(router.routes())
    return app


def recorder(calls: list[str], label: str) -> ParamHandler:
    async def handler(value: str, ctx: RouterContext, next: Next) -> None:
        calls.append(label.format(value=value))
        await next()

    return handler


def route_recorder(calls: list[str], label: str) -> Any:
    async def handler(ctx: Context, next: Next) -> None:
        calls.append(label)
        ctx.body = {"calls": calls}
        await next()

    return handler


async def load_user(value: str, ctx: Context, next: Next) -> None:
    ctx.state["user"] = {"name": "alex"}
    if not value:
        ctx.status = 404
        return
    await next()


async def test_param_handler_runs_before_the_route(client: ClientFor) -> None:
    """R094"""
    router = Router()

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = ctx.state["user"]

    router.param("user", load_user).get("/users/:user", show)
    reply = await (await client(app_with(router))).get("/users/3")
    assert (reply.status, reply.json()) == (200, {"name": "alex"})


async def test_param_handlers_run_in_url_order(client: ClientFor) -> None:
    """R095"""
    router = Router()

    async def first(value: str, ctx: Context, next: Next) -> None:
        ctx.state["user"] = {"name": "alex", "ordered": "parameters"}
        await next()

    async def user(value: str, ctx: Context, next: Next) -> None:
        ctx.state["user"]["checked"] = True
        await next()

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = ctx.state["user"]

    router.param("user", user).param("first", first).get("/:first/users/:user", show)
    reply = await (await client(app_with(router))).get("/first/users/3")
    assert reply.json() == {"name": "alex", "ordered": "parameters", "checked": True}


async def test_param_handlers_run_in_url_order_whatever_the_registration_order(
    client: ClientFor,
) -> None:
    """R096"""
    router = Router()
    loaded: list[str] = []
    for name in "adcb":
        router.param(name, recorder(loaded, "{value}"))

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = loaded

    router.get("/:a/:b/:c/:d", show)
    assert (await (await client(app_with(router))).get("/1/2/3/4")).json() == ["1", "2", "3", "4"]


async def test_parent_param_handler_runs_for_subrouter_routes(client: ClientFor) -> None:
    """R097"""
    router, sub = Router(), Router()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"id": ctx.params["id"], "cid": ctx.params["cid"]}

    async def mark(value: str, ctx: RouterContext, next: Next) -> None:
        ctx.params["id"] = "ran"
        await next()

    sub.get("/:cid", show)
    router.param("id", mark).use("/:id/children", sub.routes())
    reply = await (await client(app_with(router))).get("/did-not-run/children/2")
    assert (reply.status, reply.json()) == (200, {"id": "ran", "cid": "2"})


async def test_several_param_handlers_for_one_name_run_in_order(client: ClientFor) -> None:
    """R098"""
    router = Router()
    calls: list[str] = []
    for n in (1, 2, 3):
        router.param("id", recorder(calls, f"param{n}"))
    router.get("/:id", route_recorder(calls, "get"))
    reply = await (await client(app_with(router))).get("/test")
    assert (reply.status, calls) == (200, ["param1", "param2", "param3", "get"])


async def test_param_handler_runs_once_with_several_matching_routes(client: ClientFor) -> None:
    """R099"""
    router = Router()
    calls: list[str] = []
    router.param("id", recorder(calls, "param1")).get("/:id", route_recorder(calls, "get1"))
    router.param("id", recorder(calls, "param2")).get("/:id", route_recorder(calls, "get2"))
    await (await client(app_with(router))).get("/test")
    assert calls == ["param1", "param2", "get1", "get2"]


async def test_param_handler_runs_once_with_use_middleware(client: ClientFor) -> None:
    """R100"""
    router = Router()
    calls: list[str] = []

    async def use1(ctx: Context, next: Next) -> None:
        calls.append("use1")
        await next()

    router.use("/:id", use1).param("id", recorder(calls, "param1"))
    router.get("/:id", route_recorder(calls, "get1"))
    await (await client(app_with(router))).get("/test")
    assert sorted(calls) == ["get1", "param1", "use1"]


async def test_param_handlers_apply_to_routes_added_later(client: ClientFor) -> None:
    """R101"""
    router = Router()
    calls: list[str] = []

    async def keep(value: str, ctx: Context, next: Next) -> None:
        calls.append("param1")
        ctx.state["id"] = value
        await next()

    def show(route: str) -> Any:
        async def handler(ctx: Context, next: Next) -> None:
            calls.append(route)
            ctx.body = {"route": route, "id": ctx.state["id"]}

        return handler

    router.param("id", keep).get("/:id/first", show("get1"))
    router.get("/:id/second", show("get2"))
    c = await client(app_with(router))
    assert (await c.get("/123/first")).json()["id"] == "123"
    assert calls == ["param1", "get1"]
    calls.clear()
    assert (await c.get("/456/second")).json()["id"] == "456"
    assert calls == ["param1", "get2"]


async def test_preset_params_entry_is_kept_when_adding_a_handler(client: ClientFor) -> None:
    """R102"""
    router = Router()
    calls: list[str] = []
    router.params["id"] = [recorder(calls, "param1")]
    router.param("id", recorder(calls, "param2"))
    router.get("/:id", route_recorder(calls, "get"))
    await (await client(app_with(router))).get("/test")
    assert calls == ["param1", "param2", "get"]


async def test_param_handlers_for_two_params_run_before_the_handler(client: ClientFor) -> None:
    """R103"""
    router = Router()
    calls: list[str] = []
    router.param("id", recorder(calls, "param-id:{value}"))
    router.param("subId", recorder(calls, "param-subId:{value}"))
    router.get("/:id/:subId", route_recorder(calls, "handler"))
    await (await client(app_with(router))).get("/123/456")
    assert calls == ["param-id:123", "param-subId:456", "handler"]


async def test_param_order_follows_the_url_not_registration(client: ClientFor) -> None:
    """R104"""
    router = Router()
    calls: list[str] = []
    for name in "cab":
        router.param(name, recorder(calls, name + ":{value}"))
    router.get("/:a/:b/:c", route_recorder(calls, "handler"))
    await (await client(app_with(router))).get("/1/2/3")
    assert calls == ["a:1", "b:2", "c:3", "handler"]


async def test_param_handler_not_calling_next_ends_the_request(client: ClientFor) -> None:
    """R105"""
    router = Router()

    async def missing(value: str, ctx: Context, next: Next) -> None:
        ctx.status = 404

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = "never"

    router.param("id", missing).get("/u/:id", show)
    reply = await (await client(app_with(router))).get("/u/2")
    assert reply.status == 404


async def test_param_handler_is_skipped_for_an_absent_optional_param(client: ClientFor) -> None:
    """Python choice: the value is always a str, so a handler whose optional
    parameter did not match is not called."""
    router = Router()
    calls: list[str] = []
    router.param("id", recorder(calls, "param:{value}"))
    router.get("/user{/:id}", route_recorder(calls, "handler"))
    c = await client(app_with(router))
    await c.get("/user")
    await c.get("/user/7")
    assert calls == ["handler", "param:7", "handler"]


async def test_plain_function_param_handler_runs_once(client: ClientFor) -> None:
    router = Router()
    calls: list[str] = []

    def sync(value: str, ctx: Context, next: Next) -> Any:
        calls.append("param")
        return next()

    router.param("id", sync)
    router.get("/:id", route_recorder(calls, "get1")).get("/:id", route_recorder(calls, "get2"))
    await (await client(app_with(router))).get("/test")
    assert calls == ["param", "get1", "get2"]
