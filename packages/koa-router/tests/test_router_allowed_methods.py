"""``router.allowed_methods()``: OPTIONS, 405 and 501 answers, and the
``methods`` option. Ported from @koa/router (R027-R043, R114-R117, R127, R128).
"""

from __future__ import annotations

from typing import Any

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor
from koa.router import Router, RouterContext


async def nothing(ctx: Context, next: Next) -> None:
    pass


async def ok(ctx: Context, next: Next) -> None:
    ctx.body = "ok"


def app_with(router: Router[Any], **options: Any) -> Koa:
    app = Koa(silent=True)
    app.use(router.routes()).use(router.allowed_methods(**options))
    return app


def users_router() -> Router:
    router = Router()
    router.get("/users", nothing).put("/users", nothing).post("/events", nothing)
    return router


async def test_options_is_answered_with_allow(client: ClientFor) -> None:
    """R027"""
    router = Router()
    router.get("/users", nothing).put("/users", nothing)
    reply = await (await client(app_with(router))).options("/users")
    assert reply.status == 200
    assert reply.headers["Content-Length"] == "0"
    assert reply.headers["Allow"] == "HEAD, GET, PUT"


async def test_unknown_path_stays_404(client: ClientFor) -> None:
    """R028"""
    router = Router()
    router.get("/exists", ok)
    reply = await (await client(app_with(router))).get("/does-not-exist")
    assert reply.status == 404


async def test_405_lists_the_allowed_methods(client: ClientFor) -> None:
    """R029"""
    router = Router()
    router.get("/resource", ok).post("/resource", ok)
    reply = await (await client(app_with(router))).delete("/resource")
    assert (reply.status, reply.headers["Allow"]) == (405, "HEAD, GET, POST")


async def test_allow_names_methods_in_upper_case(client: ClientFor) -> None:
    """R030"""
    router = Router()
    router.get("/test", ok).post("/test", ok)
    reply = await (await client(app_with(router))).options("/test")
    assert reply.status == 200
    assert set(reply.headers["Allow"].split(", ")) == {"HEAD", "GET", "POST"}


async def test_405_method_not_allowed(client: ClientFor) -> None:
    """R031"""
    reply = await (await client(app_with(users_router()))).post("/users")
    assert reply.status == 405
    assert reply.headers["Allow"] == "HEAD, GET, PUT"
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.text == "Method Not Allowed"


def catching_app(router: Router[Any], **options: Any) -> tuple[Koa, list[BaseException]]:
    caught: list[BaseException] = []

    async def catcher(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception as err:
            caught.append(err)
            body = getattr(err, "body", None)
            ctx.body = body if body is not None else type(err).__name__
            ctx.status = getattr(err, "status_code", 500)

    app = Koa(silent=True)
    app.use(router.routes()).use(catcher).use(router.allowed_methods(**options))
    return app, caught


async def test_405_is_raised_with_throw(client: ClientFor) -> None:
    """R032"""
    app, caught = catching_app(users_router(), throw=True)
    reply = await (await client(app)).post("/users")
    assert reply.status == 405
    assert "Allow" not in reply.headers
    assert len(caught) == 1 and isinstance(caught[0], HttpError)
    assert caught[0].status_code == 405


class CustomError(Exception):
    def __init__(self, message: str, status_code: int, body: dict[str, object]) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


async def test_405_raises_the_method_not_allowed_factory_result(client: ClientFor) -> None:
    """R033"""
    body = {"error": "Custom Not Allowed Error", "statusCode": 405, "otherStuff": True}
    app, caught = catching_app(
        users_router(),
        throw=True,
        method_not_allowed=lambda: CustomError("Custom Not Allowed Error", 405, body),
    )
    reply = await (await client(app)).post("/users")
    assert (reply.status, reply.json()) == (405, body)
    assert "Allow" not in reply.headers
    assert str(caught[0]) == "Custom Not Allowed Error"


async def test_501_not_implemented(client: ClientFor) -> None:
    """R034"""
    reply = await (await client(app_with(users_router()))).request("SEARCH", "/users")
    assert (reply.status, reply.text) == (501, "Not Implemented")
    assert reply.headers["Allow"] == "HEAD, GET, PUT"


async def test_501_is_raised_with_throw(client: ClientFor) -> None:
    """R035"""
    app, caught = catching_app(users_router(), throw=True)
    reply = await (await client(app)).request("SEARCH", "/users")
    assert reply.status == 501
    assert "Allow" not in reply.headers
    assert isinstance(caught[0], HttpError) and caught[0].status_code == 501


async def test_501_raises_the_not_implemented_factory_result(client: ClientFor) -> None:
    """R036"""
    body = {"error": "Custom Not Implemented Error", "statusCode": 501, "otherStuff": True}
    app, _ = catching_app(
        users_router(),
        throw=True,
        not_implemented=lambda: CustomError("Custom Not Implemented Error", 501, body),
    )
    reply = await (await client(app)).request("SEARCH", "/users")
    assert (reply.status, reply.json()) == (501, body)
    assert "Allow" not in reply.headers


async def test_explicit_404_from_a_route_is_kept(client: ClientFor) -> None:
    """R037"""
    router = Router()

    async def missing(ctx: Context, next: Next) -> None:
        ctx.status = 404

    router.get("/users", missing)
    reply = await (await client(app_with(router))).get("/users")
    assert reply.status == 404


async def test_options_sends_a_single_allow_header(client: ClientFor) -> None:
    """R038"""
    router = Router()
    router.get("/", ok)
    reply = await (await client(app_with(router))).options("/")
    assert reply.status == 200
    assert reply.headers.getall("Allow") == ["HEAD, GET"]


def test_empty_route_path_is_rejected_at_registration() -> None:
    """R039 (@koa/router answers 500 at request time; we refuse the path)"""
    import pytest

    router = Router()
    with pytest.raises(ValueError, match="must not be empty"):
        router.get("")


async def test_501_for_an_unknown_method_on_an_unknown_path_has_an_empty_allow(
    client: ClientFor,
) -> None:
    """R040"""
    router = Router()
    router.get("/users", nothing).put("/users", nothing)
    reply = await (await client(app_with(router))).request("SEARCH", "/nope")
    assert reply.status == 501
    assert reply.headers["Allow"] == ""


async def test_options_on_an_unknown_path_is_404(client: ClientFor) -> None:
    """R041"""
    router = Router()
    router.get("/users", nothing).put("/users", nothing)
    reply = await (await client(app_with(router))).options("/nope")
    assert reply.status == 404
    assert "Allow" not in reply.headers


async def test_allowed_methods_accumulate_across_routers(client: ClientFor) -> None:
    """R042"""
    router_a, router_b = Router(), Router()
    router_a.get("/x", ok)
    router_b.post("/x", ok)
    app = Koa(silent=True)
    app.use(router_a.routes()).use(router_a.allowed_methods())
    app.use(router_b.routes()).use(router_b.allowed_methods())
    reply = await (await client(app)).delete("/x")
    assert (reply.status, reply.headers["Allow"]) == (405, "HEAD, GET, POST")


async def test_options_answered_by_an_all_route_is_left_alone(client: ClientFor) -> None:
    """R043"""
    router = Router()

    async def method(ctx: Context, next: Next) -> None:
        ctx.body = ctx.method

    router.all("/any", method)
    reply = await (await client(app_with(router))).options("/any")
    assert (reply.status, reply.text) == (200, "OPTIONS")
    assert "Allow" not in reply.headers


async def test_methods_option_limits_what_the_router_implements(client: ClientFor) -> None:
    """R114"""
    router = Router(methods=["GET", "POST", "PATCH"])

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"method": ctx.method, **ctx.params}

    router.get("/users", show).post("/users", show).patch("/users/:id", show)
    c = await client(app_with(router))
    assert (await c.get("/users")).json() == {"method": "GET"}
    assert (await c.post("/users")).json() == {"method": "POST"}
    assert (await c.patch("/users/123")).json() == {"method": "PATCH", "id": "123"}
    assert (await c.put("/users/123")).status == 501
    assert (await c.delete("/users/123")).status == 501


async def test_less_common_methods_through_register(client: ClientFor) -> None:
    """R115 (other methods are registered with ``register``)"""
    router = Router(methods=["GET", "PURGE", "COPY", "TRACE", "CONNECT"])

    def echo(name: str) -> Any:
        async def handler(ctx: RouterContext, next: Next) -> None:
            ctx.body = f"{name} {ctx.params[name]}"

        return handler

    router.register("/cache/:key", ["PURGE"], echo("key"))
    router.register("/files/:source", ["COPY"], echo("source"))
    router.register("/debug/:path", ["TRACE"], [echo("path")])
    c = await client(app_with(router))
    assert (await c.request("PURGE", "/cache/mykey")).text == "key mykey"
    assert (await c.request("COPY", "/files/document.pdf")).text == "source document.pdf"
    assert (await c.request("TRACE", "/debug/test")).text == "path test"


async def test_unimplemented_method_gets_501_even_with_a_route(client: ClientFor) -> None:
    """R116"""
    router = Router(methods=["GET", "POST", "PUT", "DELETE"])

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"key": ctx.params["key"], "method": ctx.method}

    router.get("/cache/:key", show).register("/cache/:key", ["PURGE"], [show])
    c = await client(app_with(router))
    assert (await c.get("/cache/test")).json() == {"key": "test", "method": "GET"}
    assert (await c.request("PURGE", "/nonexistent")).status == 501


async def test_patch_route_with_allowed_methods(client: ClientFor) -> None:
    """R117"""
    router = Router()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"id": ctx.params["id"]}

    router.patch("/users/:id", show)
    reply = await (await client(app_with(router))).patch("/users/123")
    assert (reply.status, reply.json()) == (200, {"id": "123"})


async def test_head_on_a_get_route_with_allowed_methods(client: ClientFor) -> None:
    """R127"""
    router = Router()
    router.get("/resource", ok)
    assert (await (await client(app_with(router))).head("/resource")).status == 200


async def test_head_without_a_get_route_is_405(client: ClientFor) -> None:
    """R128"""
    router = Router()
    router.post("/users", ok).put("/users/:id", ok)
    c = await client(app_with(router))
    assert (await c.head("/users")).status == 405
    assert (await c.head("/users/1")).status == 405


async def test_allowed_methods_ignores_requests_no_router_saw(client: ClientFor) -> None:
    router = Router()
    router.get("/x", ok)
    app = Koa(silent=True)
    app.use(router.allowed_methods())
    reply = await (await client(app)).request("SEARCH", "/x")
    assert reply.status == 404
