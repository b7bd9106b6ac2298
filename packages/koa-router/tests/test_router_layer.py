"""Layer: matching, captures, params decoding, param handlers, URLs, prefixes.

Ported from @koa/router's ``test/layer.test.ts`` (R155-R166, R106, R161) and the
15.7 probes on parameter decoding and path syntax (R167-R169).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from yarl import URL

from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor, Reply
from koa.router import Layer, Router, RouterContext


async def raw_get(client: Client, path: str) -> Reply:
    """GET *path* exactly as written (no client-side percent-encoding)."""
    url = URL(client.base_url + path, encoded=True)
    async with client.session.get(url, allow_redirects=False) as response:
        body = await response.read()
        return Reply(response.status, response.reason or "", response.headers, body)


async def noop(ctx: Context, next: Next) -> None:
    pass


def app_with(router: Router[Any]) -> Koa:
    app = Koa(silent=True)
    app.use(router.routes())
    return app


async def test_layer_composes_multiple_middleware(client: ClientFor) -> None:
    """R155"""
    router = Router()

    async def first(ctx: Context, next: Next) -> None:
        ctx.status = 500
        await next()

    async def second(ctx: Context, next: Next) -> None:
        ctx.status = 204
        await next()

    router.get("/:category/:title", first, second)
    reply = await (await client(app_with(router))).get("/programming/how-to-node")
    assert reply.status == 204


async def test_layer_captures_url_path_parameters(client: ClientFor) -> None:
    """R156"""
    router = Router()
    seen: list[dict[str, str]] = []

    async def handler(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.status = 204

    router.get("/:category/:title", handler)
    reply = await (await client(app_with(router))).get("/match/this")
    assert reply.status == 204
    assert seen == [{"category": "match", "title": "this"}]


async def test_layer_keeps_undecodable_parameters_raw(client: ClientFor) -> None:
    """R157"""
    router = Router()
    seen: list[dict[str, str]] = []

    async def handler(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.status = 204

    router.get("/:category/:title", handler)
    reply = await raw_get(await client(app_with(router)), "/100%/101%")
    assert reply.status == 204
    assert seen == [{"category": "100%", "title": "101%"}]


async def test_layer_preserves_plus_signs_in_parameters(client: ClientFor) -> None:
    """R158"""
    router = Router()

    async def handler(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"username": ctx.params["username"]}

    router.get("/users/:username", handler)
    reply = await (await client(app_with(router))).get("/users/john%2Bdoe")
    assert (reply.status, reply.json()) == (200, {"username": "john+doe"})


async def test_layer_puts_regex_captures_in_ctx_captures(client: ClientFor) -> None:
    """R159"""
    router = Router()
    seen: list[list[str | None]] = []

    async def first(ctx: RouterContext, next: Next) -> None:
        seen.append(list(ctx.captures))
        await next()

    async def second(ctx: RouterContext, next: Next) -> None:
        seen.append(list(ctx.captures))
        ctx.status = 204

    router.get(re.compile(r"^/api/([^/]+)/?", re.IGNORECASE), first, second)
    c = await client(app_with(router))
    assert (await c.get("/api/1")).status == 204
    assert seen == [["1"], ["1"]]
    seen.clear()
    assert (await raw_get(c, "/api/101%")).status == 204
    assert seen == [["101%"], ["101%"]]


async def test_layer_regex_capture_that_did_not_participate_is_none(client: ClientFor) -> None:
    """R160"""
    router = Router()
    seen: list[list[str | None]] = []

    async def handler(ctx: RouterContext, next: Next) -> None:
        seen.append(list(ctx.captures))
        ctx.status = 204

    router.get(re.compile(r"^/api(/.+)?", re.IGNORECASE), handler)
    reply = await (await client(app_with(router))).get("/api")
    assert reply.status == 204
    assert seen == [[None]]


def test_layer_rejects_non_callable_middleware_with_a_friendly_message() -> None:
    """R161"""
    router = Router()
    bad: Any = None
    with pytest.raises(
        TypeError, match=r"^get `/foo`: `middleware` must be a function, not `NoneType`$"
    ):
        router.get("/foo", bad)
    with pytest.raises(TypeError, match=r"^get `foo router`: `middleware` must be a function"):
        router.get("/foo", bad, name="foo router")
    with pytest.raises(TypeError, match=r"^post `/foo`: `middleware` must be a function"):
        router.post("/foo", noop, bad)


async def test_layer_param_handler_runs_before_the_route(client: ClientFor) -> None:
    """R106 (first half)"""
    router = Router()

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = ctx.state["user"]

    async def load_user(value: str, ctx: Context, next: Next) -> None:
        ctx.state["user"] = {"name": "alex"}
        if not value:
            ctx.status = 404
            return
        await next()

    layer = Layer("/users/:user", ["GET"], [show])
    layer.param("user", load_user)
    router.stack.append(layer)
    reply = await (await client(app_with(router))).get("/users/3")
    assert (reply.status, reply.json()) == (200, {"name": "alex"})


async def test_layer_ignores_param_handlers_for_names_not_in_the_path(client: ClientFor) -> None:
    """R106 (second half)"""
    router = Router()

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = ctx.state["user"]

    async def load_user(value: str, ctx: Context, next: Next) -> None:
        ctx.state["user"] = {"name": "alex"}
        await next()

    async def load_title(value: str, ctx: Context, next: Next) -> None:
        ctx.state["user"] = {"name": "mark"}
        await next()

    layer = Layer("/users/:user", ["GET"], [show])
    layer.param("user", load_user).param("title", load_title)
    assert len(layer.stack) == 2
    router.stack.append(layer)
    reply = await (await client(app_with(router))).get("/users/3")
    assert (reply.status, reply.json()) == (200, {"name": "alex"})


def test_layer_params_decodes_captures_by_parameter_name() -> None:
    """R162"""
    layer = Layer("/:category", ["GET"], [noop])
    assert layer.params([]) == {}
    assert layer.params([""]) == {}
    assert layer.params(["how%20to%20node"]) == {"category": "how to node"}
    assert layer.params(["%E0%A4%A"]) == {"category": "%E0%A4%A"}
    assert layer.params(["programming"]) == {"category": "programming"}
    assert Layer("/users/:username", ["GET"], [noop]).params(["john%2Bdoe"]) == {
        "username": "john+doe"
    }
    layer.param_names = []
    assert layer.params(["programming"]) == {}


def test_layer_params_merge_into_existing_params() -> None:
    layer = Layer("/:b", ["GET"], [noop])
    existing = {"a": "1"}
    assert layer.params(["2"], existing) == {"a": "1", "b": "2"}
    assert existing == {"a": "1"}


def test_layer_url_fills_parameters_from_a_dict_or_positional_values() -> None:
    """R163"""
    layer = Layer("/:category/:title", ["get"], [noop], name="books")
    assert layer.url({"category": "programming", "title": "how-to-node"}) == (
        "/programming/how-to-node"
    )
    assert layer.url("programming", "how-to-node") == "/programming/how-to-node"
    assert layer.url({"category": "programming", "title": "how to node & js/ts"}) == (
        "/programming/how%20to%20node%20%26%20js%2Fts"
    )
    assert Layer("/users/:id", ["GET"], [noop]).url({"id": 123}) == "/users/123"
    with pytest.raises(TypeError, match="Cannot generate URL for routes defined with RegExp"):
        Layer(re.compile(r"/users/\d+"), ["GET"], [noop]).url({"id": 123})


def test_layer_set_prefix_concatenates() -> None:
    """R164"""
    layer = Layer("/category", ["get"], [noop], name="books")
    layer.path = "/hunter2"
    assert layer.set_prefix("TEST").path == "TEST/hunter2"
    layer = Layer("/category", ["get"], [noop], name="books")
    layer.path = "/hunter2"
    assert layer.set_prefix("/TEST").path == "/TEST/hunter2"
    empty = Layer("", ["get"], [noop], name="books")
    assert empty.set_prefix("/TEST").path == ""
    assert not empty.match("/TEST")


async def test_layer_raw_regex_path_becomes_a_pattern_under_a_param_prefix(
    client: ClientFor,
) -> None:
    """R165"""
    router = Router()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"userId": ctx.params["id"]}

    layer = Layer("/users/:id", ["GET"], [show], path_as_regexp=True)
    layer.set_prefix("/api/:version")
    router.stack.append(layer)
    reply = await (await client(app_with(router))).get("/api/v1/users/123")
    assert (reply.status, reply.json()) == (200, {"userId": "123"})
    assert layer.opts.path_as_regexp is False

    plain = Layer(r"/api/users/\d+", ["GET"], [noop], path_as_regexp=True)
    plain.set_prefix("/v1")
    assert plain.opts.path_as_regexp is True
    assert isinstance(plain.regexp, re.Pattern)
    assert plain.match("/v1/api/users/12")
    assert not plain.match("/x/v1/api/users/12")


def test_layer_captures_are_empty_when_the_path_does_not_match() -> None:
    """R166"""
    layer = Layer("/api/users/:id", ["GET"], [noop])
    layer.regexp = re.compile(r"^/api/users/\d+$")
    assert layer.captures("/api/users/abc") == []
    assert layer.captures("/api/users/12") == []  # no groups in that regex


async def test_layer_decodes_spaces_and_slashes_but_keeps_plus(client: ClientFor) -> None:
    """R167"""
    router = Router()

    async def echo(ctx: RouterContext, next: Next) -> None:
        ctx.body = ctx.params

    router.get("/u/:name", echo).get("/a/:b", echo)
    c = await client(app_with(router))
    assert (await raw_get(c, "/u/a%20b%2Fc+d")).json() == {"name": "a b/c+d"}
    assert (await raw_get(c, "/a/x%2Fy")).json() == {"b": "x/y"}


async def test_layer_regex_route_leaves_params_empty_and_fills_captures(
    client: ClientFor,
) -> None:
    """R168"""
    router = Router()

    async def echo(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"params": ctx.params, "captures": ctx.captures}

    router.get(re.compile(r"^/r/(\d+)$"), echo)
    reply = await (await client(app_with(router))).get("/r/42")
    assert reply.json() == {"params": {}, "captures": ["42"]}


async def test_layer_path_syntax_wildcard_optional_group_and_dotted_params(
    client: ClientFor,
) -> None:
    """R169"""
    router = Router()

    async def echo(ctx: RouterContext, next: Next) -> None:
        ctx.body = ctx.params

    router.get("/files/*path", echo).get("/user{/:id}", echo).get("/f/:name.:ext", echo)
    c = await client(app_with(router))
    assert (await c.get("/files/a/b/c.txt")).json() == {"path": "a/b/c.txt"}
    assert (await c.get("/user")).json() == {}
    assert (await c.get("/user/7")).json() == {"id": "7"}
    assert (await c.get("/f/a.b.json")).json() == {"name": "a.b", "ext": "json"}


def test_layer_get_also_answers_head() -> None:
    layer = Layer("/", ["get", "post"], [noop])
    assert layer.methods == ["HEAD", "GET", "POST"]


def test_layer_clone_owns_its_stack_methods_and_options() -> None:
    layer = Layer("/x", ["GET"], [noop])
    copy = layer.clone()
    copy.stack.append(noop)
    copy.methods.append("PUT")
    copy.opts.sensitive = True
    assert (len(layer.stack), layer.methods, layer.opts.sensitive) == (1, ["HEAD", "GET"], False)


def test_layer_accepts_plain_functions_as_middleware() -> None:
    def sync(ctx: Context, next: Next) -> None:
        pass

    layer = Layer("/x", ["GET"], [sync])
    assert len(layer.stack) == 1


async def test_a_route_handler_without_next_answers_and_ends_the_chain(
    client: ClientFor,
) -> None:
    router = Router()
    after: list[str] = []

    async def show(ctx: Context) -> None:
        ctx.body = "shown"

    async def never(ctx: Context, next: Next) -> None:
        after.append("ran")

    router.get("/", show, never)
    reply = await (await client(app_with(router))).get("/")
    assert (reply.status, reply.text) == (200, "shown")
    assert after == []


def test_a_route_handler_taking_no_argument_is_refused_when_added() -> None:
    router = Router()
    with pytest.raises(TypeError, match=r"middleware must take \(ctx, next\)"):
        router.get("/", lambda: None)  # type: ignore[arg-type]


async def test_a_plain_function_param_handler_is_accepted(client: ClientFor) -> None:
    router = Router()

    async def show(ctx: Context, next: Next) -> None:
        ctx.body = ctx.state["id"]

    def keep_id(value: str, ctx: Context, next: Next) -> Any:
        ctx.state["id"] = value
        return next()

    router.param("id", keep_id).get("/items/:id", show)
    reply = await (await client(app_with(router))).get("/items/7")
    assert (reply.status, reply.text) == (200, "7")
