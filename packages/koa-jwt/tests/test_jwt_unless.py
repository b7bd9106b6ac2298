"""``.unless()``: koa-unless's conditions, as koa-jwt users write them."""

from __future__ import annotations

import re

import jwt as pyjwt
import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.jwt import jwt, unless

SECRET = "shhhhhh-this-is-a-secret-of-32-bytes-or-more"


async def ok(ctx: Context, next: Next) -> None:
    ctx.body = {"user": ctx.state.get("user")}


async def statuses(client: ClientFor, mw: object, *requests: tuple[str, str]) -> list[int]:
    app = Koa(silent=True)
    app.use(mw)  # type: ignore[arg-type]
    app.use(ok)
    c = await client(app)
    return [(await c.request(method, path)).status for method, path in requests]


async def test_excluded_path_passes_without_a_token(client: ClientFor) -> None:
    mw = jwt(secret=SECRET).unless(path=[re.compile("^/public")])
    assert await statuses(client, mw, ("GET", "/public"), ("GET", "/public/x?y=1")) == [200, 200]


async def test_other_paths_still_need_the_token(client: ClientFor) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET).unless(path=[re.compile("^/public")]))
    app.use(ok)
    reply = await (await client(app)).get("/private", headers={"Authorization": "wrong"})
    assert reply.status == 401
    assert (
        reply.text == 'Bad Authorization header format. Format is "Authorization: Bearer <token>"'
    )


async def test_not_excluded_path_with_a_token_passes(client: ClientFor) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET).unless(path=[re.compile("^/public")]))
    app.use(ok)
    token = pyjwt.encode({"foo": "bar"}, SECRET)
    reply = await (await client(app)).get("/private", headers={"Authorization": f"Bearer {token}"})
    assert reply.json() == {"user": {"foo": "bar"}}


async def test_string_paths_match_exactly(client: ClientFor) -> None:
    mw = jwt(secret=SECRET).unless(path=["/index.html", "/"])
    got = await statuses(client, mw, ("GET", "/"), ("GET", "/index.html"), ("GET", "/index"))
    assert got == [200, 200, 401]


async def test_a_single_path_needs_no_list(client: ClientFor) -> None:
    assert await statuses(
        client, jwt(secret=SECRET).unless(path="/health"), ("GET", "/health")
    ) == [200]


async def test_path_variants_stay_protected(client: ClientFor) -> None:
    mw = jwt(secret=SECRET).unless(path="/public")
    got = await statuses(client, mw, ("GET", "/Public"), ("GET", "/public/"), ("GET", "//public"))
    assert got == [401, 401, 401]


async def test_query_string_is_not_part_of_the_path(client: ClientFor) -> None:
    mw = jwt(secret=SECRET).unless(path="/login")
    assert await statuses(client, mw, ("GET", "/login?next=/admin")) == [200]


async def test_extensions(client: ClientFor) -> None:
    mw = jwt(secret=SECRET).unless(ext=[".css", ".js"])
    got = await statuses(client, mw, ("GET", "/a.css"), ("GET", "/b/c.js"), ("GET", "/d.json"))
    assert got == [200, 200, 401]


async def test_methods(client: ClientFor) -> None:
    mw = jwt(secret=SECRET).unless(method=["OPTIONS", "head"])
    got = await statuses(client, mw, ("OPTIONS", "/"), ("HEAD", "/"), ("GET", "/"))
    assert got == [200, 200, 401]


async def test_custom_function(client: ClientFor) -> None:
    mw = jwt(secret=SECRET).unless(custom=lambda ctx: ctx.get("X-Internal") == "1")
    app = Koa(silent=True)
    app.use(mw)
    app.use(ok)
    c = await client(app)
    assert (await c.get("/", headers={"X-Internal": "1"})).status == 200
    assert (await c.get("/")).status == 401


async def test_async_custom_function_is_awaited(client: ClientFor) -> None:
    async def internal(ctx: Context) -> bool:
        return ctx.get("X-Internal") == "1"

    app = Koa(silent=True)
    app.use(jwt(secret=SECRET).unless(custom=internal))
    app.use(ok)
    c = await client(app)
    assert (await c.get("/", headers={"X-Internal": "1"})).status == 200
    assert (await c.get("/", headers={"X-Internal": "0"})).status == 401


async def test_original_url_is_used_by_default_and_url_on_request(client: ClientFor) -> None:
    async def rewrite(ctx: Context, next: Next) -> None:
        ctx.url = "/public" + ctx.url
        await next()

    app = Koa(silent=True)
    app.use(rewrite)
    app.use(jwt(secret=SECRET).unless(path=re.compile("^/public")))
    app.use(ok)
    assert (await (await client(app)).get("/x")).status == 401
    app2 = Koa(silent=True)
    app2.use(rewrite)
    app2.use(jwt(secret=SECRET).unless(path=re.compile("^/public"), use_original_url=False))
    app2.use(ok)
    assert (await (await client(app2)).get("/x")).status == 200


async def test_unless_wraps_any_middleware(client: ClientFor) -> None:
    async def stamp(ctx: Context, next: Next) -> None:
        ctx.set("X-Stamped", "1")
        await next()

    app = Koa(silent=True)
    app.use(unless(stamp, method="POST"))
    app.use(ok)
    c = await client(app)
    assert (await c.get("/")).headers.get("X-Stamped") == "1"
    assert "X-Stamped" not in (await c.post("/")).headers


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"path": b"/public"}, TypeError),
        ({"path": [b"/public"]}, TypeError),
        ({"path": 3}, TypeError),
        ({"path": re.compile(b"^/public")}, TypeError),
        ({"ext": ""}, ValueError),
        ({"ext": [".css", ""]}, ValueError),
        ({"ext": [1]}, TypeError),
        ({"method": [None]}, TypeError),
        ({"custom": "yes"}, TypeError),
        ({"use_original_url": "no"}, TypeError),
    ],
    ids=[
        "bytes path",
        "bytes in list",
        "int path",
        "bytes regex",
        "empty ext",
        "empty ext in list",
        "int ext",
        "None method",
        "non-callable custom",
        "non-bool use_original_url",
    ],
)
def test_bad_unless_options_are_refused(options: dict[str, object], error: type) -> None:
    with pytest.raises(error, match=r"unless\("):
        jwt(secret=SECRET).unless(**options)  # type: ignore[arg-type]
