"""``router.use()``: path scoping, regex paths, path lists, nesting and the
prefix boundary. Ported from @koa/router (R054-R074, R145-R148).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.router import Router, RouterContext


def app_with(*routers: Router[Any]) -> Koa:
    app = Koa(silent=True)
    for router in routers:
        app.use(router.routes())
    return app


def set_state(**values: object) -> Any:
    async def middleware(ctx: Context, next: Next) -> None:
        ctx.state.update(values)
        await next()

    return middleware


async def show_state(ctx: Context, next: Next) -> None:
    ctx.body = ctx.state


async def echo_params(ctx: RouterContext, next: Next) -> None:
    ctx.body = ctx.params


async def foobar(ctx: Context, next: Next) -> None:
    ctx.body = {"foobar": ctx.state["foo"] + "bar"}


async def test_use_without_path_runs_in_order(client: ClientFor) -> None:
    """R054"""
    router = Router()
    router.use(set_state(foo="baz")).use(set_state(foo="foo")).get("/foo/bar", foobar)
    assert (await (await client(app_with(router))).get("/foo/bar")).json() == {"foobar": "foobar"}


async def test_use_at_a_given_path(client: ClientFor) -> None:
    """R055"""
    router = Router()
    router.use("/foo/bar", set_state(foo="foo")).get("/foo/bar", foobar)
    assert (await (await client(app_with(router))).get("/foo/bar")).json() == {"foobar": "foobar"}


async def test_router_middleware_runs_before_subrouter_middleware(client: ClientFor) -> None:
    """R056"""
    root, sub = Router(), Router()
    root.use(set_state(foo="boo"))
    sub.use(set_state(foo="foo")).get("/bar", foobar)
    root.use("/foo", sub.routes())
    assert (await (await client(app_with(root))).get("/foo/bar")).json() == {"foobar": "foobar"}


async def test_use_with_a_list_of_paths(client: ClientFor) -> None:
    """R057"""
    router = Router()

    async def both(ctx: Context, next: Next) -> None:
        ctx.body = {"foobar": ctx.state["foo"] + ctx.state["bar"]}

    router.use(["/foo", "/bar"], set_state(foo="foo", bar="bar"))
    router.get("/foo", both).get("/bar", both)
    c = await client(app_with(router))
    assert (await c.get("/foo")).json() == {"foobar": "foobar"}
    assert (await c.get("/bar")).json() == {"foobar": "foobar"}


async def test_use_with_a_regex_path(client: ClientFor) -> None:
    """R058"""
    router = Router()

    async def flag(ctx: Context, next: Next) -> None:
        ctx.body = {"api": ctx.state.get("api", "none")}

    router.use(re.compile(r"^/api/"), set_state(api="matched"))
    router.get("/api/users", flag).get("/public/users", flag)
    c = await client(app_with(router))
    assert (await c.get("/api/users")).json() == {"api": "matched"}
    assert (await c.get("/public/users")).json() == {"api": "none"}


async def test_use_with_a_regex_matching_several_routes(client: ClientFor) -> None:
    """R059"""
    router = Router()

    async def flag(ctx: Context, next: Next) -> None:
        ctx.body = {"matched": ctx.state.get("matched", False)}

    router.use(re.compile(r"^/a"), set_state(matched=True))
    router.post("/a1", flag).post("/a2", flag).post("/b1", flag)
    c = await client(app_with(router))
    assert [(await c.post(p)).json()["matched"] for p in ("/a1", "/a2", "/b1")] == [
        True,
        True,
        False,
    ]


async def test_use_with_a_regex_and_several_middleware(client: ClientFor) -> None:
    """R060"""
    router = Router()
    router.use(re.compile(r"^/admin"), set_state(step1="done"), set_state(step2="done"))
    router.get("/admin/dashboard", show_state)
    reply = await (await client(app_with(router))).get("/admin/dashboard")
    assert reply.json() == {"step1": "done", "step2": "done"}


async def test_use_regex_then_nested_router(client: ClientFor) -> None:
    """R061"""
    router, sub = Router(), Router()

    async def dashboard(ctx: Context, next: Next) -> None:
        ctx.body = {"auth": ctx.state.get("auth", False)}

    sub.get("/dashboard", dashboard)
    router.use(re.compile(r"^/admin"), set_state(auth=True)).use("/admin", sub.routes())
    assert (await (await client(app_with(router))).get("/admin/dashboard")).json() == {"auth": True}


async def test_use_without_path_adds_no_numeric_param(client: ClientFor) -> None:
    """R062"""
    router = Router()

    async def pass_through(ctx: Context, next: Next) -> None:
        await next()

    router.use(pass_through).get("/foo/:id", echo_params)
    assert (await (await client(app_with(router))).get("/foo/815")).json() == {"id": "815"}


async def test_unprefixed_nested_router_matches_only_its_routes(client: ClientFor) -> None:
    """R063"""
    router, nested = Router(), Router()
    called = 0

    def body(text: str) -> Any:
        async def handler(ctx: Context, next: Next) -> None:
            nonlocal called
            called += 1
            ctx.body = text
            await next()

        return handler

    nested.get("/", body("root")).get("/test", body("test"))
    router.use(nested.routes())
    reply = await (await client(app_with(router))).get("/test")
    assert (reply.status, reply.text, called) == (200, "test", 1)


async def test_use_path_list_with_middleware_and_nested_router(client: ClientFor) -> None:
    """R064"""
    base = Router(prefix="/api")
    nested = Router(prefix="/qux")

    async def baz(ctx: Context, next: Next) -> None:
        ctx.body = {**ctx.state, "baz": "baz"}

    nested.get("/baz", baz)
    base.use(["/foo", "/bar"], set_state(foo="foo", bar="bar"), nested.routes())
    c = await client(app_with(base))
    for path in ("/api/foo/qux/baz", "/api/bar/qux/baz"):
        assert (await c.get(path)).json() == {"foo": "foo", "bar": "bar", "baz": "baz"}


async def test_slash_in_a_use_path_list_matches_only_the_root(client: ClientFor) -> None:
    """R065"""
    router = Router(prefix="/account")
    called: list[bool] = []

    async def flag(ctx: Context, next: Next) -> None:
        called.append(True)
        await next()

    async def text(ctx: Context, next: Next) -> None:
        ctx.body = ctx.path

    router.use(["/signout", "/", "/update"], flag)
    router.post("/signin", text).delete("/signout", text).get("/", text)
    c = await client(app_with(router))
    assert (await c.delete("/account/signout")).status == 200 and called == [True]
    called.clear()
    assert (await c.get("/account/")).status == 200 and called == [True]
    called.clear()
    assert (await c.post("/account/signin")).status == 200 and called == []


async def test_nested_router_middleware_does_not_run_for_unrelated_routes(
    client: ClientFor,
) -> None:
    """R066"""
    ajax = Router(prefix="/a")
    index = Router()
    main = Router()
    called: list[bool] = []

    async def check_auth(ctx: Context, next: Next) -> None:
        called.append(True)
        await next()

    async def text(ctx: Context, next: Next) -> None:
        ctx.body = ctx.path

    ajax.use(check_auth).get("/1", text)
    index.get("/", text).get("/about", text)
    main.use(ajax.routes()).use(index.routes())
    c = await client(app_with(main))
    assert (await c.get("/a/1")).status == 200 and called == [True]
    called.clear()
    assert (await c.get("/about")).status == 200 and called == []


async def test_nested_router_middleware_sees_mount_path_params(client: ClientFor) -> None:
    """R067"""
    users, main = Router(), Router()
    captured: list[str] = []

    async def capture(ctx: RouterContext, next: Next) -> None:
        captured.append(ctx.params["userId"])
        await next()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"id": ctx.params["userId"], "name": "John Doe"}

    users.use(capture).get("/", show)
    main.use("/users/:userId", users.routes())
    reply = await (await client(app_with(main))).get("/users/123")
    assert (reply.status, reply.json()["id"], captured) == (200, "123", ["123"])


async def test_same_nested_router_mounted_at_two_paths(client: ClientFor) -> None:
    """R068"""
    base = Router(prefix="/api")
    nested = Router(prefix="/qux")

    async def baz(ctx: Context, next: Next) -> None:
        ctx.body = {**ctx.state, "baz": "baz"}

    nested.get("/baz", baz)
    base.use("/foo", set_state(foo="foo", bar="bar"), nested.routes())
    base.use("/bar", set_state(foo="foo", bar="bar"), nested.routes())
    c = await client(app_with(base))
    for path in ("/api/foo/qux/baz", "/api/bar/qux/baz"):
        assert (await c.get(path)).json() == {"foo": "foo", "bar": "bar", "baz": "baz"}


def test_use_requires_middleware() -> None:
    """R069"""
    router = Router()
    with pytest.raises(TypeError, match="You must provide at least one middleware function"):
        router.use("/path")
    with pytest.raises(TypeError, match="You must provide at least one middleware function"):
        router.use(["/path1", "/path2"])
    with pytest.raises(TypeError, match="You must provide at least one middleware function"):
        router.use()


def test_mounted_layers_are_copies() -> None:
    """R070"""
    router1, router2 = Router(), Router()
    router1.get("/test", show_state)
    router2.use(router1.routes())
    original, clone = router1.stack[0], router2.stack[0]
    clone.stack.append(show_state)
    clone.methods.append("POST")
    clone.opts.sensitive = True
    assert len(original.stack) == 1
    assert "POST" not in original.methods
    assert original.opts.sensitive is False


async def test_use_with_a_path_list_records_each_path(client: ClientFor) -> None:
    """R071"""
    router = Router()
    paths: list[str] = []

    async def record(ctx: Context, next: Next) -> None:
        paths.append(ctx.path)
        await next()

    router.use(["/path1", "/path2"], record)
    router.get("/path1", show_state).get("/path2", show_state)
    c = await client(app_with(router))
    await c.get("/path1")
    await c.get("/path2")
    assert paths == ["/path1", "/path2"]


async def test_use_path_stops_at_a_segment_boundary(client: ClientFor) -> None:
    """R072"""
    router = Router()
    router.use("/api", set_state(flag=True)).get("/apix", show_state).get("/api/y", show_state)
    c = await client(app_with(router))
    assert (await c.get("/apix")).json() == {}
    assert (await c.get("/api/y")).json() == {"flag": True}


async def test_unprefixed_use_runs_for_deep_paths_with_empty_params(client: ClientFor) -> None:
    """R073"""
    router = Router()
    seen: list[dict[str, str]] = []

    async def record(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        await next()

    router.use(record).get("/deep/er/:path", echo_params)
    reply = await (await client(app_with(router))).get("/deep/er/path")
    assert reply.json() == {"path": "path"}
    assert seen == [{}]


async def test_use_middleware_does_not_run_without_a_matching_route(client: ClientFor) -> None:
    """R074"""
    router = Router()

    async def header(ctx: Context, next: Next) -> None:
        ctx.set("X-MW", "1")
        await next()

    router.use(header).get("/a", show_state)
    reply = await (await client(app_with(router))).get("/zzz")
    assert reply.status == 404
    assert "X-MW" not in reply.headers


async def test_prefix_use_does_not_run_for_other_routers_paths(client: ClientFor) -> None:
    """R145"""
    accounts = Router(prefix="/accounts")
    users = Router(prefix="/users")
    accounts.use(set_state(flag=True)).get("/", show_state)
    users.get("/", show_state).get("/:userId/accounts", show_state)
    c = await client(app_with(accounts, users))
    assert (await c.get("/accounts")).json() == {"flag": True}
    assert (await c.get("/users")).json() == {}
    assert (await c.get("/users/12345/accounts")).json() == {}


async def test_use_with_empty_path_covers_the_prefix_and_below(client: ClientFor) -> None:
    """R146"""
    accounts = Router(prefix="/accounts")

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {**ctx.state, **ctx.params}

    accounts.use("", set_state(flag=True)).get("/", show).get("/:id", show)
    c = await client(app_with(accounts))
    assert (await c.get("/accounts")).json() == {"flag": True}
    assert (await c.get("/accounts/123")).json() == {"flag": True, "id": "123"}


async def test_use_with_slash_path_covers_only_the_prefix_root(client: ClientFor) -> None:
    """R147"""
    accounts = Router(prefix="/accounts")
    accounts.use("/", set_state(flag=True)).get("/", show_state).get("/:id", show_state)
    c = await client(app_with(accounts))
    assert (await c.get("/accounts")).json() == {"flag": True}
    assert (await c.get("/accounts/123")).json() == {}


async def test_prefix_boundary_holds_for_nested_routers(client: ClientFor) -> None:
    """R148"""
    api = Router(prefix="/api")
    accounts = Router(prefix="/accounts")
    users = Router(prefix="/users")
    accounts.use(set_state(flag=True)).get("/", show_state)
    users.get("/:userId/accounts", show_state)
    api.use(accounts.routes()).use(users.routes())
    c = await client(app_with(api))
    assert (await c.get("/api/accounts")).json() == {"flag": True}
    assert (await c.get("/api/users/12345/accounts")).json() == {}


async def test_prefixless_use_follows_the_router_case_sensitivity(client: ClientFor) -> None:
    """Python choice: a path-less ``use()`` under a prefix matches the prefix
    case-insensitively, like the routes it guards (@koa/router compiles it
    case-sensitively, so ``/ADMIN/secret`` ran the route but skipped the guard)."""
    admin = Router(prefix="/admin")

    async def guard(ctx: Context, next: Next) -> None:
        ctx.throw(401)

    async def secret(ctx: Context, next: Next) -> None:
        ctx.body = "secret"

    admin.use(guard).get("/secret", secret)
    c = await client(app_with(admin))
    assert (await c.get("/admin/secret")).status == 401
    assert (await c.get("/ADMIN/secret")).status == 401


async def test_prefixless_use_treats_the_prefix_as_text(client: ClientFor) -> None:
    """Python choice: the prefix of a path-less ``use()`` is literal text, not
    a regex (``/v1.0`` does not match ``/v1x0``)."""
    router = Router(prefix="/v1.0")
    router.use(set_state(flag=True)).get("/x", show_state)
    router.get(re.compile(r"^/v1x0/x$"), show_state)
    c = await client(app_with(router))
    assert (await c.get("/v1.0/x")).json() == {"flag": True}
    assert (await c.get("/v1x0/x")).json() == {}


async def test_mount_under_a_param_prefix_captures_the_prefix_params(client: ClientFor) -> None:
    tenant = Router(prefix="/:tenant")
    users = Router(prefix="/users")
    seen: list[dict[str, str]] = []

    async def record(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        await next()

    users.use(record).get("/:id", echo_params)
    tenant.use(users.routes())
    reply = await (await client(app_with(tenant))).get("/acme/users/7")
    assert reply.json() == {"tenant": "acme", "id": "7"}
    assert seen == [{"tenant": "acme"}]


def test_use_rejects_an_empty_or_mixed_path_list() -> None:
    router = Router()
    bad: Any = ["/a", 1]
    with pytest.raises(TypeError, match="non-empty list of strings"):
        router.use([], show_state)
    with pytest.raises(TypeError, match="non-empty list of strings"):
        router.use(bad, show_state)


def test_a_router_cannot_be_mounted_at_a_regex() -> None:
    """Python choice: @koa/router silently mounts at the root instead."""
    router, child = Router(), Router()
    child.get("/x", show_state)
    with pytest.raises(TypeError, match="mounted at a string path"):
        router.use(re.compile(r"^/admin"), child.routes())
