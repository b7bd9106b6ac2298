"""Registration: verbs, names, path lists, regex paths, errors, ``register``,
validation middleware. Ported from @koa/router (R044-R053, R075, R076).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor
from koa.router import (
    Layer,
    Router,
    RouterContext,
    create_parameter_validation_middleware,
)


async def noop(ctx: Context, next: Next) -> None:
    pass


def app_with(router: Router[Any]) -> Koa:
    app = Koa(silent=True)
    app.use(router.routes())
    return app


def verbs(router: Router) -> dict[str, Callable[..., Router]]:
    return {
        "get": router.get,
        "post": router.post,
        "put": router.put,
        "patch": router.patch,
        "delete": router.delete,
        "del_": router.del_,
        "head": router.head,
        "options": router.options,
        "all": router.all,
    }


def test_every_verb_registers_one_layer() -> None:
    """R044 (other methods go through ``register``)"""
    router = Router()
    for register in verbs(router).values():
        register("/", noop)
    router.register("/", ["PURGE"], noop)
    assert len(router.stack) == 10
    assert [layer.methods for layer in router.stack[:3]] == [["HEAD", "GET"], ["POST"], ["PUT"]]
    assert router.stack[-1].methods == ["PURGE"]


def test_every_verb_accepts_regex_and_name_and_chains() -> None:
    """R045"""
    router = Router()
    for name, register in verbs(router).items():
        assert register(re.compile(r"^/\w$", re.IGNORECASE), noop) is router
        assert register("/", noop, name=name) is router
        assert register(re.compile(r"^/$"), noop, name=name) is router
    assert router.route("get") is router.stack[1]


def test_a_path_list_registers_one_layer_per_path() -> None:
    """R046"""
    router = Router()

    async def pass_through(ctx: Context, next: Next) -> None:
        await next()

    router.get(["/one", "/two"], pass_through)
    assert [layer.path for layer in router.stack] == ["/one", "/two"]


async def test_static_route_has_no_params_of_a_later_param_route(client: ClientFor) -> None:
    """R047"""
    router = Router()
    seen: list[dict[str, str]] = []

    async def record(ctx: RouterContext, next: Next) -> None:
        seen.append(dict(ctx.params))
        ctx.body = "ok"

    router.get("/notparameter", record).get("/:parameter", record)
    assert (await (await client(app_with(router))).get("/notparameter")).status == 200
    assert seen == [{}]


def test_a_verb_without_a_path_is_an_error() -> None:
    """R048"""
    router = Router()
    handler: Any = noop
    for name, register in verbs(router).items():
        verb = "delete" if name == "del_" else name
        article = "an" if verb == "all" else "a"
        message = f"^You have to provide a path when adding {article} {verb} handler$"
        with pytest.raises(TypeError, match=message):
            register(handler)
    with pytest.raises(TypeError, match="You have to provide a path"):
        router.get([], noop)


async def test_parameters_validated_inside_the_handler(client: ClientFor) -> None:
    """R049"""
    router = Router()

    async def user(ctx: RouterContext, next: Next) -> None:
        try:
            uuid.UUID(ctx.params["id"])
        except ValueError:
            ctx.status = 400
            ctx.body = {"error": "Invalid UUID format"}
            return
        ctx.body = {"id": ctx.params["id"], "valid": True}

    router.get("/user/:id", user)
    c = await client(app_with(router))
    good = str(uuid.uuid4())
    assert (await c.get(f"/user/{good}")).json() == {"id": good, "valid": True}
    reply = await c.get("/user/invalid-uuid")
    assert (reply.status, reply.json()) == (400, {"error": "Invalid UUID format"})


async def test_parameters_validated_by_a_middleware(client: ClientFor) -> None:
    """R050"""
    router = Router()
    pattern = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")

    async def validate(ctx: RouterContext, next: Next) -> None:
        if not pattern.match(ctx.params["id"]):
            ctx.status = 400
            ctx.body = {"error": "Invalid id format"}
            return
        await next()

    async def role(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"id": ctx.params["id"]}

    router.get("/role/:id", validate, role)
    c = await client(app_with(router))
    good = str(uuid.uuid4())
    assert (await c.get(f"/role/{good}")).json() == {"id": good}
    reply = await c.get("/role/not-a-uuid")
    assert (reply.status, reply.json()) == (400, {"error": "Invalid id format"})


async def test_del_is_an_alias_of_delete(client: ClientFor) -> None:
    """R051"""
    router = Router()

    async def deleted(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"deleted": ctx.params["id"]}

    router.del_("/users/:id", deleted)
    reply = await (await client(app_with(router))).delete("/users/123")
    assert (reply.status, reply.json()) == (200, {"deleted": "123"})


async def test_parameter_validation_middleware_as_param_handler(client: ClientFor) -> None:
    """R053"""
    router = Router()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"id": ctx.params["id"]}

    router.param("id", create_parameter_validation_middleware("id", re.compile(r"^\d+\Z")))
    router.get("/u/:id", show)
    c = await client(app_with(router))
    assert (await c.get("/u/42")).json() == {"id": "42"}
    reply = await c.get("/u/abc")
    assert (reply.status, reply.text) == (400, 'Invalid value for parameter "id": "abc"')


async def test_parameter_validation_middleware_as_route_middleware(client: ClientFor) -> None:
    router = Router()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = ctx.params

    check = create_parameter_validation_middleware("id", r"^\d+\Z", status=422, message="bad id")
    missing = create_parameter_validation_middleware("nope", r".")
    router.get("/u/:id", check, show).get("/v/:id", missing, show)
    c = await client(app_with(router))
    assert (await c.get("/u/7")).json() == {"id": "7"}
    assert ((r := await c.get("/u/x")).status, r.text) == (422, "bad id")
    reply = await c.get("/v/1")
    assert (reply.status, reply.text) == (400, 'Missing required parameter "nope" in route params')


async def test_parameter_validation_middleware_custom_errors(client: ClientFor) -> None:
    router = Router()

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = ctx.params

    hidden = create_parameter_validation_middleware("id", r"^\d+\Z", expose=False)
    custom = create_parameter_validation_middleware(
        "id", r"^\d+\Z", create_error=lambda name, value: HttpError(409, f"{name}={value}")
    )
    router.get("/h/:id", hidden, show).get("/c/:id", custom, show)
    c = await client(app_with(router))
    assert ((r := await c.get("/h/x")).status, r.text) == (400, "Bad Request")
    assert ((r := await c.get("/c/x")).status, r.text) == (409, "id=x")
    bad: Any = 42
    with pytest.raises(TypeError, match="pattern must be"):
        create_parameter_validation_middleware("id", bad)


def test_register_adds_one_layer_and_chains() -> None:
    """R075"""
    router = Router()
    assert router.register("/", ["GET", "POST"], noop) is router
    assert len(router.stack) == 1
    assert isinstance(router.stack[0], Layer)
    assert router.stack[0].path == "/"
    assert router.stack[0].methods == ["HEAD", "GET", "POST"]


def test_redirect_registers_one_layer() -> None:
    """R076"""
    router = Router()
    router.redirect("/source", "/destination", 302)
    assert len(router.stack) == 1
    assert isinstance(router.stack[0], Layer)
    assert router.stack[0].path == "/source"


def test_register_rejects_an_empty_path_and_bad_path_types() -> None:
    router = Router()
    bad: Any = 3
    with pytest.raises(ValueError, match="must not be empty"):
        router.register("", ["GET"], noop)
    with pytest.raises(TypeError, match="must be a str or a compiled regex"):
        router.register(bad, ["GET"], noop)
    with pytest.raises(ValueError, match="must not be empty"):
        router.get(["/a", ""], noop)


async def test_plain_function_handlers_work(client: ClientFor) -> None:
    router = Router()

    def sync(ctx: Context, next: Next) -> None:
        ctx.body = "sync"

    router.get("/", sync)  # type: ignore[arg-type]  # plain functions are accepted at run time
    assert (await (await client(app_with(router))).get("/")).text == "sync"
