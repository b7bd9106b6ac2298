"""Router options: ``strict``, ``sensitive``, ``prefix`` (and ``prefix()``),
``host``. Ported from @koa/router (R107-R113, R131-R144, R150-R154, R172).
"""

from __future__ import annotations

import re
from typing import Any, cast

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.router import Router, RouterContext


def app_with(*routers: Router[Any]) -> Koa:
    app = Koa(silent=True)
    for router in routers:
        app.use(router.routes())
    return app


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "hello"


async def echo_params(ctx: RouterContext, next: Next) -> None:
    ctx.body = ctx.params


async def test_strict_router_answers_the_exact_path(client: ClientFor) -> None:
    """R107"""
    router = Router(strict=True)
    router.get("/info", hello)
    c = await client(app_with(router))
    reply = await c.get("/info")
    assert (reply.status, reply.text) == (200, "hello")
    assert (await c.get("/info/")).status == 404


async def test_prefix_with_a_parameter(client: ClientFor) -> None:
    """R108"""
    router = Router(prefix="/things/:thing_id")
    router.get("/list", echo_params)
    reply = await (await client(app_with(router))).get("/things/1/list")
    assert reply.json() == {"thing_id": "1"}


async def test_strict_applies_to_params_nesting_and_prefixes(client: ClientFor) -> None:
    """R109"""
    router = Router(strict=True)
    router.get("/users/:id", echo_params)
    parent, nested = Router(strict=True), Router(strict=True)
    nested.get("/items", hello)
    parent.use("/api", nested.routes())
    prefixed = Router(strict=True, prefix="/v1")
    prefixed.get("/users", hello)
    c = await client(app_with(router, parent, prefixed))
    assert (await c.get("/users/123")).json() == {"id": "123"}
    assert (await c.get("/users/123/")).status == 404
    assert (await c.get("/api/items")).status == 200
    assert (await c.get("/api/items/")).status == 404
    assert (await c.get("/v1/users")).status == 200
    assert (await c.get("/v1/users/")).status == 404


async def test_non_strict_router_ignores_a_trailing_slash(client: ClientFor) -> None:
    """R110"""
    router = Router(strict=False)
    router.get("/info", hello)
    c = await client(app_with(router))
    assert (await c.get("/info")).text == "hello"
    assert (await c.get("/info/")).text == "hello"


def body(text: str) -> Any:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = text

    return handler


async def test_sensitive_router_distinguishes_case(client: ClientFor) -> None:
    """R111"""
    router = Router(sensitive=True)
    router.get("/Users", body("upper")).get("/users", body("lower"))
    c = await client(app_with(router))
    assert (await c.get("/Users")).text == "upper"
    assert (await c.get("/users")).text == "lower"
    assert (await c.get("/USERS")).status == 404


async def test_routes_are_case_insensitive_by_default(client: ClientFor) -> None:
    """R112"""
    router = Router()
    router.get("/Users", body("users"))
    c = await client(app_with(router))
    for path in ("/Users", "/users", "/USERS", "/users/"):
        assert (await c.get(path)).text == "users"


async def test_sensitive_applies_to_nested_routers(client: ClientFor) -> None:
    """R113"""
    parent, nested = Router(sensitive=True), Router(sensitive=True)
    nested.get("/Items", body("items"))
    parent.use("/Api", nested.routes())
    c = await client(app_with(parent))
    assert (await c.get("/Api/Items")).status == 200
    assert (await c.get("/api/items")).status == 404


def test_prefix_sets_opts_prefix() -> None:
    """R131"""
    router = Router()
    assert router.opts.prefix is None
    router.prefix("/things/:thing_id")
    assert router.opts.prefix == "/things/:thing_id"


def test_prefix_applies_to_existing_routes() -> None:
    """R132"""
    router = Router()
    router.get("/users/:id", hello)
    router.prefix("/things/:thing_id")
    layer = router.stack[0]
    assert layer.path == "/things/:thing_id/users/:id"
    assert [key.name for key in layer.param_names] == ["thing_id", "id"]


async def test_prefix_params_reach_use_middleware(client: ClientFor) -> None:
    """R133"""
    router = Router(prefix="/:category")
    seen: list[dict[str, str]] = []

    async def check(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        await next()

    async def route(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.status = 204

    router.use(check).get("/suffixHere", route)
    assert (await (await client(app_with(router))).get("/cats/suffixHere")).status == 204
    assert seen == [{"category": "cats"}, {"category": "cats"}]


async def test_prefix_with_two_params_and_a_route_param(client: ClientFor) -> None:
    """R134"""
    router = Router(prefix="/:category/:color")
    seen: list[dict[str, str]] = []

    async def check(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        await next()

    async def route(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.status = 204

    router.use(check).get("/:active/suffixHere", route)
    reply = await (await client(app_with(router))).get("/cats/gray/true/suffixHere")
    assert reply.status == 204
    assert seen == [
        {"category": "cats", "color": "gray"},
        {"category": "cats", "color": "gray", "active": "true"},
    ]


async def test_dynamic_and_static_prefix_params_are_exact(client: ClientFor) -> None:
    """R135"""
    router = Router(prefix="/:ping/pong")

    async def pass_through(ctx: Context, next: Next) -> None:
        await next()

    router.use(pass_through).get("/", echo_params)
    reply = await (await client(app_with(router))).get("/pingKey/pong")
    assert (reply.status, reply.json()) == (200, {"ping": "pingKey"})


async def test_use_middleware_runs_under_a_param_prefix(client: ClientFor) -> None:
    """R136"""
    router = Router(prefix="/api/apps/:appId/settings")
    ran: list[bool] = []

    async def authorize(ctx: Context, next: Next) -> None:
        ran.append(True)
        ctx.state["authorized"] = "AUTHORIZED"
        await next()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"authorized": ctx.state["authorized"], **ctx.params}

    router.use(authorize).get("/", show).get("/:settingId", show)
    c = await client(app_with(router))
    assert (await c.get("/api/apps/123/settings")).json() == {
        "authorized": "AUTHORIZED",
        "appId": "123",
    }
    assert (await c.get("/api/apps/456/settings/theme")).json() == {
        "authorized": "AUTHORIZED",
        "appId": "456",
        "settingId": "theme",
    }
    assert ran == [True, True]


async def test_static_prefix_use_sees_empty_params(client: ClientFor) -> None:
    """R137"""
    router = Router(prefix="/all")
    seen: list[dict[str, str]] = []

    async def check(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        await next()

    async def route(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.status = 204

    router.use(check).get("/:active/suffixHere", route)
    assert (await (await client(app_with(router))).get("/all/true/suffixHere")).status == 204
    assert seen == [{}, {"active": "true"}]


async def test_prefix_after_use_adds_no_numeric_param(client: ClientFor) -> None:
    """R138"""
    router = Router()

    async def pass_through(ctx: Context, next: Next) -> None:
        await next()

    router.use(pass_through).get("/foo/:id", echo_params)
    router.prefix("/things")
    assert (await (await client(app_with(router))).get("/things/foo/108")).json() == {"id": "108"}


async def test_prefix_called_twice_replaces(client: ClientFor) -> None:
    """R139"""
    router = Router()

    async def path(ctx: Context, next: Next) -> None:
        ctx.body = {"path": ctx.path}

    router.get("/test", path)
    router.prefix("/api/v1")
    router.prefix("/api/v2")
    c = await client(app_with(router))
    assert (await c.get("/api/v2/test")).json() == {"path": "/api/v2/test"}
    assert (await c.get("/api/v1/test")).status == 404
    assert (await c.get("/api/v2/api/v1/test")).status == 404


async def test_pathless_use_under_a_param_prefix(client: ClientFor) -> None:
    """R140"""
    router = Router(prefix="/:version")

    async def flag(ctx: Context, next: Next) -> None:
        ctx.state["middlewareRan"] = True
        await next()

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = {"middlewareRan": ctx.state.get("middlewareRan", False)}

    router.use(flag).get("/test", show)
    assert (await (await client(app_with(router))).get("/v1/test")).json() == {
        "middlewareRan": True
    }


@pytest.mark.parametrize("prefix", ["/admin/", "/admin"])
async def test_prefix_set_later_covers_root_middleware(client: ClientFor, prefix: str) -> None:
    """R141"""
    router = Router()
    count = 0

    async def thing(ctx: Context, next: Next) -> None:
        nonlocal count
        count += 1
        ctx.state["thing"] = "worked"
        await next()

    async def root(ctx: Context, next: Next) -> None:
        nonlocal count
        count += 1
        ctx.body = {"name": ctx.state["thing"]}

    router.use(thing).get("/", root)
    router.prefix(prefix)
    c = await client(app_with(router))
    for path in (prefix, "/admin/", "/admin"):
        count = 0
        reply = await c.get(path)
        assert (reply.status, reply.json(), count) == (200, {"name": "worked"}, 2)


async def test_prefix_root_route_and_strict(client: ClientFor) -> None:
    """R142"""
    router = Router(strict=False, prefix="/foo")
    strict = Router(strict=True, prefix="/bar")

    async def empty(ctx: Context, next: Next) -> None:
        ctx.body = ""

    router.get("/", empty)
    strict.get("/", empty)
    c = await client(app_with(router, strict))
    assert (await c.get("/foo")).status == 200
    assert (await c.get("/foo/")).status == 200
    assert (await c.get("/bar")).status == 404
    assert (await c.get("/bar/")).status == 200


async def test_constructor_prefix_is_not_normalised(client: ClientFor) -> None:
    """R143"""
    router = Router(prefix="/hello/")
    router.get("/world", hello)
    c = await client(app_with(router))
    assert (await c.get("/hello/world")).status == 404
    assert (await c.get("/hello//world")).status == 200


async def test_prefix_params_are_exactly_the_prefix_params(client: ClientFor) -> None:
    """R144"""
    router = Router(prefix="/:tenant")
    seen: list[dict[str, str]] = []

    async def copy(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        await next()

    router.use(copy).get("/users", echo_params)
    reply = await (await client(app_with(router))).get("/acme/users")
    assert reply.json() == {"tenant": "acme"}
    assert seen == [{"tenant": "acme"}]


async def test_host_string(client: ClientFor) -> None:
    """R150"""
    router = Router(host="test.domain")
    router.get("/", hello)
    c = await client(app_with(router))
    assert (await c.get("/", headers={"Host": "test.domain"})).status == 200
    assert (await c.get("/", headers={"Host": "a.domain"})).status == 404


async def test_host_regex(client: ClientFor) -> None:
    """R151"""
    router = Router(host=re.compile(r"^(.*\.)?test\.domain"))
    router.get("/", hello)
    c = await client(app_with(router))
    for host in ("test.domain", "www.test.domain", "any.sub.test.domain"):
        assert (await c.get("/", headers={"Host": host})).status == 200
    assert (await c.get("/", headers={"Host": "sub.anytest.domain"})).status == 404


async def test_host_list(client: ClientFor) -> None:
    """R152"""
    hosts = ["some-domain.com", "www.some-domain.com", "some.other-domain.com"]
    router = Router(host=hosts)
    router.get("/", hello)
    c = await client(app_with(router))
    for host in hosts:
        assert (await c.get("/", headers={"Host": host})).status == 200
    assert (await c.get("/", headers={"Host": "other-domain.com"})).status == 404


def test_match_host_edge_cases() -> None:
    """R153"""
    router = Router()
    router.host = cast(Any, 123)
    assert router.match_host("test.domain") is False
    router.host = cast(Any, {})
    assert router.match_host("test.domain") is False
    router = Router(host="test.domain")
    assert router.match_host("") is False
    assert router.match_host(None) is False
    assert Router(host=[]).match_host("test.domain") is False
    listed = Router(host=["example.com", "www.example.com", "api.example.com"])
    assert [listed.match_host(h) for h in ("example.com", "api.example.com", "other.com", "")] == [
        True,
        True,
        False,
        False,
    ]
    assert Router().match_host(None) is True


async def test_host_comparison_includes_the_port(client: ClientFor) -> None:
    """R154"""
    router = Router(host="example.com")
    router.get("/", hello)
    c = await client(app_with(router))
    assert (await c.get("/", headers={"Host": "example.com:80"})).status == 404
    assert (await c.get("/", headers={"Host": "example.com"})).status == 200


async def test_prefix_root_and_nested_use_path(client: ClientFor) -> None:
    """R172"""
    api = Router(prefix="/api")
    child = Router()
    api.get("/", body("root"))
    child.get("/:id", echo_params)
    api.use("/items", child.routes())
    c = await client(app_with(api))
    assert (await c.get("/api/")).text == "root"
    assert (await c.get("/api/items/5")).json() == {"id": "5"}


async def test_router_path_option_overrides_the_request_path(client: ClientFor) -> None:
    router = Router(router_path="/fixed")
    router.get("/fixed", hello)
    assert (await (await client(app_with(router))).get("/anything")).text == "hello"


async def test_prefix_replaces_on_mounted_and_use_layers(client: ClientFor) -> None:
    """Python choice: ``prefix()`` re-prefixes every layer from its unprefixed
    path, including ``use()`` layers and mounted routers' layers."""
    router, child = Router(prefix="/v1"), Router()

    async def flag(ctx: Context, next: Next) -> None:
        ctx.set("X-Flag", "1")
        await next()

    child.get("/items", hello)
    router.use(flag).use(child.routes()).get("/x", hello)
    router.prefix("/v2")
    c = await client(app_with(router))
    reply = await c.get("/v2/items")
    assert (reply.text, reply.headers.get("X-Flag")) == ("hello", "1")
    assert (await c.get("/v1/items")).status == 404
    assert [layer.path for layer in router.stack] == [r"/v2(?:\/|$)", "/v2/items", "/v2/x"]
