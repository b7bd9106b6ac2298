"""Dispatch: matching order, chaining through next(), nesting, context fields,
HEAD handling, ``exclusive`` and not-found handlers.

Ported from @koa/router's ``test/router.test.ts`` (R001-R026, R118-R130) and
the 15.7 probes (R170, R171).
"""

from __future__ import annotations

import asyncio
import gc
import re
import weakref
from typing import Any

import pytest

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor
from koa.router import Router, RouterContext, RouterMiddleware


def app_with(*routers: Router[Any]) -> Koa:
    app = Koa(silent=True)
    for router in routers:
        app.use(router.routes())
    return app


async def test_routers_share_the_context(client: ClientFor) -> None:
    """R001"""
    router1, router2 = Router(), Router()

    async def first(ctx: Context, next: Next) -> None:
        ctx.state["foo"] = "bar"
        await next()

    async def second(ctx: Context, next: Next) -> None:
        ctx.body = {"foo": ctx.state["foo"]}

    router1.get("/", first)
    router2.get("/", second)
    reply = await (await client(app_with(router1, router2))).get("/")
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})


async def test_nested_router_middleware_runs_once(client: ClientFor) -> None:
    """R002"""
    parent, nested = Router(), Router()

    async def count(ctx: Context, next: Next) -> None:
        ctx.state["n"] = ctx.state.get("n", 0) + 1
        await next()

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = {"n": ctx.state["n"]}

    nested.get("/first-nested-route", show)
    parent.use("/parent-route", count, nested.routes())
    reply = await (await client(app_with(parent))).get("/parent-route/first-nested-route")
    assert reply.json() == {"n": 1}


async def test_ctx_router_is_the_dispatching_router(client: ClientFor) -> None:
    """R003"""
    router = Router()

    async def home(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"url": ctx.router.url("home")}

    router.get("/", home, name="home")
    reply = await (await client(app_with(router))).get("/")
    assert reply.json() == {"url": "/"}


async def test_one_route_runs_several_middleware(client: ClientFor) -> None:
    """R004"""
    router = Router()

    async def hello(ctx: Context, next: Next) -> None:
        await asyncio.sleep(0)
        ctx.body = {"message": "Hello"}
        await next()

    async def world(ctx: Context, next: Next) -> None:
        ctx.body["message"] += " World"
        await next()

    async def bang(ctx: Context, next: Next) -> None:
        ctx.body["message"] += "!"

    router.get("/double", hello, world, bang)
    reply = await (await client(app_with(router))).get("/double")
    assert reply.json() == {"message": "Hello World!"}


def test_nested_router_with_regex_route_can_be_mounted() -> None:
    """R005"""
    parent, nested = Router(), Router()

    async def handler(ctx: Context, next: Next) -> None:
        pass

    nested.get(re.compile(r"^/nested/\d+"), handler)
    parent.use("/parent-route", nested.routes())
    assert len(parent.stack) == 1


def test_routes_returns_a_middleware_carrying_its_router() -> None:
    """R006"""
    router = Router()
    middleware = router.routes()
    assert isinstance(middleware, RouterMiddleware)
    assert callable(middleware) and middleware.router is router
    assert router.middleware().router is router


async def test_route_handler_may_await_before_setting_the_body(client: ClientFor) -> None:
    """R007"""
    router = Router()

    async def later(ctx: Context, next: Next) -> None:
        await asyncio.sleep(0.001)
        ctx.body = {"msg": "promises!"}

    router.get("/async", later)
    reply = await (await client(app_with(router))).get("/async")
    assert (reply.status, reply.json()) == (200, {"msg": "promises!"})


async def test_use_middleware_runs_only_when_a_route_of_the_same_router_matches(
    client: ClientFor,
) -> None:
    """R008"""
    router_a, router_b = Router(), Router()

    async def set_body(ctx: Context, next: Next) -> None:
        ctx.body = {"bar": "baz"}
        await next()

    async def bar(ctx: Context, next: Next) -> None:
        ctx.body = ctx.body or {"foo": "bar"}

    router_a.use(set_body)
    router_b.get("/bar", bar)
    reply = await (await client(app_with(router_a, router_b))).get("/bar")
    assert reply.json() == {"foo": "bar"}


async def test_matches_first_to_last(client: ClientFor) -> None:
    """R009"""
    router = Router()

    def order(n: int) -> Any:
        async def handler(ctx: Context, next: Next) -> None:
            ctx.body = {"order": n}

        return handler

    router.get("/user/{*any}.jsx", order(1), name="user_page")
    router.all("/app/{*any}.jsx", order(2), name="app")
    router.all("{*any}.jsx", order(3), name="view")
    reply = await (await client(app_with(router))).get("/user/account.jsx")
    assert (reply.status, reply.json()) == (200, {"order": 1})


async def test_runs_every_matching_route_while_next_is_called(client: ClientFor) -> None:
    """R010"""
    router = Router()

    async def single(ctx: Context, next: Next) -> None:
        ctx.body = {"single": True}
        await next()

    async def all_(ctx: Context, next: Next) -> None:
        ctx.body = {**ctx.body, "all": True}
        await next()

    router.get("/users/:id{/*path}", single, name="users_single")
    router.get("/users/all", all_, name="users_all")
    reply = await (await client(app_with(router))).get("/users/all")
    assert reply.json() == {"single": True, "all": True}


async def test_exclusive_runs_only_the_last_match(client: ClientFor) -> None:
    """R011"""
    router = Router(exclusive=True)

    async def single(ctx: Context, next: Next) -> None:
        ctx.body = {"single": True}
        await next()

    async def all_(ctx: Context, next: Next) -> None:
        ctx.body = {**(ctx.body or {}), "all": True}
        await next()

    router.get(re.compile(r"/users/(.*)"), single).get("/users/all", all_)
    reply = await (await client(app_with(router))).get("/users/all")
    assert reply.json() == {"all": True}


async def test_middleware_not_calling_next_stops_the_route(client: ClientFor) -> None:
    """R012"""
    router = Router()

    async def stop(ctx: Context, next: Next) -> None:
        pass

    async def body(ctx: Context, next: Next) -> None:
        ctx.body = {"order": 1}

    router.get("/user/{*any}.jsx", stop, body)
    reply = await (await client(app_with(router))).get("/user/account.jsx")
    assert reply.status == 404


async def echo_params(ctx: RouterContext, next: Next) -> None:
    ctx.body = ctx.params


async def no_content(ctx: Context, next: Next) -> None:
    ctx.status = 204
    await next()


async def test_nested_routers_with_prefixes_at_root(client: ClientFor) -> None:
    """R013"""
    forums = Router(prefix="/forums")
    posts = Router(prefix="/:fid/posts")
    posts.get("/", no_content).get("/:pid", echo_params)
    forums.use(posts.routes())
    c = await client(app_with(forums))
    assert (await c.get("/forums/1/posts")).status == 204
    assert (await c.get("/forums/1")).status == 404
    assert (await c.get("/forums/1/posts/2")).json() == {"fid": "1", "pid": "2"}


async def test_nested_routers_with_prefixes_at_path(client: ClientFor) -> None:
    """R014"""
    forums = Router(prefix="/api")
    posts = Router(prefix="/posts")
    posts.get("/", no_content).get("/:pid", echo_params)
    forums.use("/forums/:fid", posts.routes())
    c = await client(app_with(forums))
    assert (await c.get("/api/forums/1/posts")).status == 204
    assert (await c.get("/api/forums/1")).status == 404
    assert (await c.get("/api/forums/1/posts/2")).json() == {"fid": "1", "pid": "2"}


def set_msg(message: str) -> Any:
    async def middleware(ctx: Context, next: Next) -> None:
        ctx.state["msg"] = message
        await next()

    return middleware


async def show_msg(ctx: Context, next: Next) -> None:
    ctx.body = {"msg": ctx.state["msg"]}


async def test_subrouter_middleware_runs_after_parent_middleware(client: ClientFor) -> None:
    """R015"""
    sub = Router().use(set_msg("subrouter")).get("/", show_msg)
    root = Router().use(set_msg("router")).use(sub.routes())
    reply = await (await client(app_with(root))).get("/")
    assert reply.json() == {"msg": "subrouter"}


async def test_parent_middleware_runs_for_subrouter_routes(client: ClientFor) -> None:
    """R016"""
    sub = Router().get("/sub", show_msg)
    root = Router().use(set_msg("router")).use("/parent", sub.routes())
    reply = await (await client(app_with(root))).get("/parent/sub")
    assert reply.json() == {"msg": "router"}


async def test_matches_corresponding_requests(client: ClientFor) -> None:
    """R017"""
    router = Router()
    seen: list[dict[str, str]] = []

    async def record(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.status = 204

    router.get("/:category/:title", record)
    router.post("/:category", record)
    router.put("/:category/not-a-title", record)
    c = await client(app_with(router))
    assert (await c.get("/programming/how-to-node")).status == 204
    assert (await c.post("/programming")).status == 204
    assert (await c.put("/programming/not-a-title")).status == 204
    assert seen == [
        {"category": "programming", "title": "how-to-node"},
        {"category": "programming"},
        {"category": "programming"},
    ]


async def test_matches_optional_route_parameters(client: ClientFor) -> None:
    """R018"""
    router = Router()
    seen: list[dict[str, str]] = []

    async def record(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.status = 204

    router.get("/resources", record).get("/resources/:id{.:ext}", record)
    c = await client(app_with(router))
    for path in ("/resources", "/resources/10", "/resources/10.json"):
        assert (await c.get(path)).status == 204
    assert seen == [{}, {"id": "10"}, {"id": "10", "ext": "json"}]


async def test_route_middleware_sees_app_request_and_response(client: ClientFor) -> None:
    """R019"""
    router = Router()

    async def set_bar(ctx: Context, next: Next) -> None:
        ctx.state["bar"] = "baz"
        await next()

    async def set_foo(ctx: Context, next: Next) -> None:
        ctx.state["foo"] = "bar"
        await next()

    async def check(ctx: Context, next: Next) -> None:
        assert ctx.state == {"bar": "baz", "foo": "bar"}
        assert ctx.app is not None and ctx.request is not None and ctx.response is not None
        ctx.status = 204

    router.use(set_bar).get("/:category/:title", set_foo, check)
    reply = await (await client(app_with(router))).get("/match/this")
    assert reply.status == 204


async def test_no_later_match_runs_after_ctx_throw(client: ClientFor) -> None:
    """R020"""
    router = Router()
    counter = 0

    async def forbidden(ctx: Context, next: Next) -> None:
        nonlocal counter
        counter += 1
        ctx.throw(403)

    async def other(ctx: Context, next: Next) -> None:
        nonlocal counter
        counter += 1

    router.get("/", forbidden).get("/", other)
    reply = await (await client(app_with(router))).get("/")
    assert (reply.status, counter) == (403, 1)


async def test_async_route_middleware_after_a_pass_through(client: ClientFor) -> None:
    """R021"""
    router = Router()

    async def pass_through(ctx: Context, next: Next) -> None:
        await next()

    async def done(ctx: Context, next: Next) -> None:
        await asyncio.sleep(0)
        ctx.status = 204

    router.get("/", pass_through, done)
    assert (await (await client(app_with(router))).get("/")).status == 204


async def test_params_are_on_ctx_and_request_in_both_routers(client: ClientFor) -> None:
    """R022"""
    router1, router2 = Router(), Router()
    seen: list[tuple[str, str, bool]] = []

    async def first(ctx: RouterContext, next: Next) -> None:
        seen.append((ctx.params["saying"], ctx.request.params["saying"], True))
        await next()

    async def second(ctx: RouterContext, next: Next) -> None:
        saying = ctx.params["saying"]
        seen.append((saying, ctx.request.params["saying"], ctx.params is ctx.request.params))
        ctx.body = {"echo": saying}

    router1.get("/echo/:saying", first)
    router2.get("/echo/:saying", second)
    reply = await (await client(app_with(router1, router2))).get("/echo/helloWorld")
    assert reply.json() == {"echo": "helloWorld"}
    assert seen == [("helloWorld", "helloWorld", True)] * 2


async def test_params_of_a_subrouter_mounted_at_a_path(client: ClientFor) -> None:
    """R023"""
    sub, root = Router(), Router()

    async def echo(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"echo": ctx.params["saying"]}

    sub.get("/:saying", echo)
    root.use("/echo", sub.routes())
    reply = await (await client(app_with(root))).get("/echo/helloWorld")
    assert reply.json() == {"echo": "helloWorld"}


async def test_new_router_path_overrides_the_matched_path(client: ClientFor) -> None:
    """R024"""
    router = Router()

    async def rewrite(ctx: Context, next: Next) -> None:
        vars(ctx)["new_router_path"] = "/" + ctx.hostname.split(".", 1)[0] + ctx.path
        await next()

    async def users(ctx: Context, next: Next) -> None:
        ctx.body = f"{ctx.method} {ctx.url}"

    router.get("/helloworld/users", users)
    app = Koa(silent=True)
    app.use(rewrite).use(router.routes())
    reply = await (await client(app)).get("/users", headers={"Host": "helloworld.example.com"})
    assert (reply.status, reply.text) == (200, "GET /users")


async def test_mounting_snapshots_the_child_router(client: ClientFor) -> None:
    """R025"""
    parent, child = Router(), Router()

    async def ok(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    child.get("/early", ok)
    parent.use("/c", child.routes())
    child.get("/late", ok)
    c = await client(app_with(parent))
    assert (await c.get("/c/early")).status == 200
    assert (await c.get("/c/late")).status == 404


@pytest.mark.parametrize(("use_first", "expected"), [(False, "route,use"), (True, "use,route")])
async def test_use_and_routes_interleave_in_registration_order(
    client: ClientFor, use_first: bool, expected: str
) -> None:
    """R026"""
    router = Router()
    order: list[str] = []

    async def route(ctx: Context, next: Next) -> None:
        order.append("route")
        await next()
        ctx.body = ",".join(order)

    async def use(ctx: Context, next: Next) -> None:
        order.append("use")
        await next()

    if use_first:
        router.use(use).get("/x", route)
    else:
        router.get("/x", route).use(use)
    reply = await (await client(app_with(router))).get("/x")
    assert reply.text == expected


async def test_routes_composes_use_middleware_and_route(client: ClientFor) -> None:
    """R118"""
    router = Router()
    count = 0

    async def counting(ctx: Context, next: Next) -> None:
        nonlocal count
        count += 1
        await next()

    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = {"hello": "world"}

    router.use(counting, counting).get("/users/:id", hello)
    reply = await (await client(app_with(router))).get("/users/1")
    assert (reply.status, reply.json(), count) == (200, {"hello": "world"}, 2)


async def test_matched_route_is_set_for_middleware_and_route(client: ClientFor) -> None:
    """R119"""
    router = Router()
    seen: list[object] = []

    async def after(ctx: RouterContext, next: Next) -> None:
        await next()
        seen.append(ctx.matched_route)

    async def route(ctx: RouterContext, next: Next) -> None:
        seen.append(ctx.matched_route)
        ctx.status = 200

    router.use(after).get("/users/:id", route)
    await (await client(app_with(router))).get("/users/1")
    assert seen == ["/users/:id", "/users/:id"]


async def test_matched_route_name_only_for_named_routes(client: ClientFor) -> None:
    """R120"""
    router = Router()
    seen: list[object] = []

    async def route(ctx: RouterContext, next: Next) -> None:
        seen.append(ctx.matched_route_name)
        ctx.status = 200

    router.get("/users/:id", route, name="users#show").get("/posts/:id", route)
    c = await client(app_with(router))
    await c.get("/users/1")
    await c.get("/posts/1")
    assert seen == ["users#show", None]


async def test_matched_route_name_with_nested_routers(client: ClientFor) -> None:
    """R121"""
    main, nested = Router(), Router()
    seen: list[object] = []

    async def route(ctx: RouterContext, next: Next) -> None:
        seen.append(ctx.matched_route_name)
        ctx.status = 200

    main.get("/info", route, name="main#info")
    nested.get("/updates", route, name="nested#updates")
    main.use("/v1/api", nested.routes())
    await (await client(app_with(main))).get("/v1/api/updates")
    assert seen == ["nested#updates"]


async def test_router_path_is_the_current_route_pattern(client: ClientFor) -> None:
    """R122"""
    router = Router()
    seen: list[object] = []

    async def route(ctx: RouterContext, next: Next) -> None:
        seen.append(ctx.router_path)
        ctx.status = 200

    router.get("/users/:id", route)
    await (await client(app_with(router))).get("/users/1")
    assert seen == ["/users/:id"]


async def test_matched_route_is_seen_by_a_wrapping_middleware(client: ClientFor) -> None:
    """R123"""
    router = Router()
    seen: list[object] = []

    async def wrap(ctx: RouterContext, next: Next) -> None:
        await next()
        seen.append((ctx.matched_route, ctx.matched_route_name, ctx.router_path))

    async def listing(ctx: Context, next: Next) -> None:
        ctx.body = "list"

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = "show"

    router.use(wrap).get("/u/list", listing, name="list").get("/u/:id", show, name="show")
    c = await client(app_with(router))
    assert (await c.get("/u/list")).status == 200
    assert (await c.get("/u/7")).status == 200
    assert seen == [("/u/list", "list", "/u/list"), ("/u/:id", "show", "/u/:id")]


async def test_head_is_answered_by_get_routes(client: ClientFor) -> None:
    """R124"""
    router = Router()

    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = "hello"

    router.get("/users/:id", hello)
    reply = await (await client(app_with(router))).head("/users/1")
    assert (reply.status, reply.body) == (200, b"")
    assert reply.headers["Content-Length"] == "5"
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_head_on_a_json_route_keeps_the_content_type(client: ClientFor) -> None:
    """R125"""
    router = Router()

    async def data(ctx: Context, next: Next) -> None:
        ctx.body = {"items": [1, 2]}

    router.get("/api/data", data)
    c = await client(app_with(router))
    assert (await c.get("/api/data")).json() == {"items": [1, 2]}
    reply = await c.head("/api/data")
    assert (reply.status, reply.body) == (200, b"")
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"


async def test_head_keeps_the_route_headers(client: ClientFor) -> None:
    """R126"""
    router = Router()

    async def resource(ctx: Context, next: Next) -> None:
        ctx.set("X-Custom-Header", "custom")
        ctx.set("X-Resource-Count", "42")
        ctx.body = {"ok": True}

    router.get("/resource", resource)
    reply = await (await client(app_with(router))).head("/resource")
    assert (reply.status, reply.body) == (200, b"")
    assert reply.headers["X-Custom-Header"] == "custom"
    assert reply.headers["X-Resource-Count"] == "42"


async def test_explicit_head_route_registered_first_wins(client: ClientFor) -> None:
    """R129"""
    router = Router()
    ran: list[str] = []

    async def head(ctx: Context, next: Next) -> None:
        ran.append("head")
        ctx.status = 200

    async def get(ctx: Context, next: Next) -> None:
        ran.append("get")
        ctx.body = "get"

    router.head("/check", head).get("/check", get)
    reply = await (await client(app_with(router))).head("/check")
    assert (reply.status, ran) == (200, ["head"])


async def test_head_with_route_parameters_and_query(client: ClientFor) -> None:
    """R130"""
    router = Router()

    async def ok(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    router.get("/users/:id/posts/:postId", ok).get("/search", ok)
    c = await client(app_with(router))
    assert (await c.head("/users/123/posts/456")).status == 200
    assert (await c.head("/search?q=test")).status == 200


async def test_exclusive_specificity_runs_the_match_with_fewest_params(
    client: ClientFor,
) -> None:
    """R170"""

    async def param(ctx: Context, next: Next) -> None:
        ctx.body = "param"

    async def static(ctx: Context, next: Next) -> None:
        ctx.body = "static"

    specific = Router(exclusive="specificity")
    specific.get("/users/:id", param).get("/users/me", static)
    assert (await (await client(app_with(specific))).get("/users/me")).text == "static"

    last = Router(exclusive=True)
    last.get("/users/me", static).get("/users/:id", param)
    assert (await (await client(app_with(last))).get("/users/me")).text == "param"


async def test_not_found_handlers_run_instead_of_next(client: ClientFor) -> None:
    """R171"""
    router = Router()

    async def ok(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    async def not_found(ctx: RouterContext, next: Next) -> None:
        ctx.status = 404
        ctx.body = {"error": "nf", "rm": ctx.route_matched}

    router.get("/a", ok).on("not-found", not_found)
    c = await client(app_with(router))
    reply = await c.get("/zzz")
    assert (reply.status, reply.json()) == (404, {"error": "nf", "rm": False})
    assert (await c.get("/a")).text == "ok"


async def test_without_not_found_handlers_downstream_sees_route_matched_false(
    client: ClientFor,
) -> None:
    """R171"""
    router = Router()
    seen: list[object] = []

    async def ok(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    async def downstream(ctx: Context, next: Next) -> None:
        seen.append((vars(ctx)["route_matched"], vars(ctx)["matched"]))

    router.get("/a", ok)
    app = app_with(router)
    app.use(downstream)
    await (await client(app)).get("/zzz")
    assert seen == [(False, [])]


async def test_not_found_event_accepts_the_enum_and_a_selector(client: ClientFor) -> None:
    from koa.router import RouterEvents

    router = Router()
    calls: list[str] = []

    async def first(ctx: Context, next: Next) -> None:
        calls.append("first")
        await next()

    async def second(ctx: Context, next: Next) -> None:
        calls.append("second")
        ctx.status = 410

    router.on(RouterEvents.NOT_FOUND, first).on(lambda events: events.NOT_FOUND, second)
    reply = await (await client(app_with(router))).get("/nothing")
    assert (reply.status, calls) == (410, ["first", "second"])
    with pytest.raises(ValueError, match="not a valid RouterEvents"):
        router.on("no-such-event", first)


async def test_next_called_twice_in_a_route_is_an_error(client: ClientFor) -> None:
    router = Router()
    errors: list[BaseException] = []

    async def twice(ctx: Context, next: Next) -> None:
        await next()
        await next()

    router.get("/", twice)
    app = app_with(router)
    app.on("error", lambda err, ctx: errors.append(err))
    reply = await (await client(app)).get("/")
    assert reply.status == 500
    assert [str(err) for err in errors] == ["next() called multiple times"]


async def test_route_errors_reach_the_app(client: ClientFor) -> None:
    router = Router()

    async def teapot(ctx: Context, next: Next) -> None:
        raise HttpError(418, "short and stout")

    router.get("/", teapot)
    reply = await (await client(app_with(router))).get("/")
    assert (reply.status, reply.text) == (418, "short and stout")


async def test_route_fields_default_before_any_route_runs(client: ClientFor) -> None:
    router = Router()
    seen: list[object] = []

    async def ok(ctx: Context, next: Next) -> None:
        ctx.body = "ok"

    async def not_found(ctx: RouterContext, next: Next) -> None:
        seen.append(
            (ctx.params, ctx.captures, ctx.router_path, ctx.matched_route, ctx.matched_route_name)
        )
        await next()

    router.get("/a", ok).on("not-found", not_found)
    await (await client(app_with(router))).get("/b")
    assert seen == [({}, [], None, None, None)]


async def test_a_routed_request_is_freed_without_the_cyclic_gc(client: ClientFor) -> None:
    """The chain of matched layers makes no reference cycle holding ctx."""
    refs: list[weakref.ref[Context]] = []
    router: Router[RouterContext] = Router()

    async def show(ctx: RouterContext, next: Next) -> None:
        refs.append(weakref.ref(ctx))
        ctx.body = {"id": ctx.params["id"]}

    async def passthrough(ctx: RouterContext, next: Next) -> None:
        await next()

    router.use(passthrough).get("/users/:id", show)
    c = await client(Koa().use(router.routes()))
    gc.collect()
    gc.disable()
    try:
        assert (await c.get("/users/7")).status == 200
        assert len(refs) == 1 and refs[0]() is None
    finally:
        gc.enable()
