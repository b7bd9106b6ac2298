"""koa-mount's behaviour lines (spec §5.2, M01–M16), through real HTTP.

M13 and M17 mount koa-static; they live in the repo's integration tests
(``tests/test_integration_static_mount.py``), since a package's own tests may
not import a sibling middleware package.
"""

from __future__ import annotations

from typing import Any

import pytest

from koa.core import Context, HttpError, Keygrip, Koa, Middleware, Next
from koa.core.testing import ClientFor
from koa.mount import mount


def body_when(path: str, body: str) -> Middleware:
    async def mw(ctx: Context, next: Next) -> None:
        if ctx.path == path:
            ctx.body = body
        else:
            await next()

    return mw


def app_with(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app


def set_if_empty(body: str) -> Middleware:
    async def mw(ctx: Context, next: Next) -> None:
        await next()
        if not ctx.body:
            ctx.body = body

    return mw


def set_then_next(body: str) -> Middleware:
    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = body
        await next()

    return mw


def status_204() -> Middleware:
    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 204

    return mw


async def test_m01_apps_mounted_at_root_each_answer_their_path(client: ClientFor) -> None:
    a = app_with(body_when("/hello", "Hello"))
    b = app_with(body_when("/world", "World"))
    app = app_with(mount(a), mount(b))
    c = await client(app)
    assert (await c.get("/")).status == 404
    assert (await c.get("/hello")).text == "Hello"
    assert (await c.get("/world")).text == "World"


async def test_m02_apps_mounted_under_prefixes(client: ClientFor) -> None:
    async def hello(ctx: Context, next: Next) -> None:
        await next()
        ctx.body = "Hello"

    async def world(ctx: Context, next: Next) -> None:
        await next()
        ctx.body = "World"

    app = app_with(mount("/hello", app_with(hello)), mount("/world", app_with(world)))
    c = await client(app)
    assert (await c.get("/hello")).text == "Hello"
    assert (await c.get("/world")).text == "World"
    assert (await c.get("/")).status == 404


async def test_m03_nested_mounts_cascade(client: ClientFor) -> None:
    app, a, b, c_app = Koa(silent=True), Koa(), Koa(), Koa()
    a.use(set_if_empty("foo"))
    b.use(set_if_empty("bar"))

    async def baz(ctx: Context, next: Next) -> None:
        ctx.body = "baz"

    c_app.use(baz)
    # Mounted before their own mounts are added: koa-compose sees later use() calls.
    app.use(mount("/foo", a))
    a.use(mount("/bar", b))
    b.use(mount("/baz", c_app))
    c = await client(app)
    assert (await c.get("/")).status == 404
    assert (await c.get("/foo")).text == "foo"
    assert (await c.get("/foo/bar")).text == "bar"
    assert (await c.get("/foo/bar/baz")).text == "baz"


async def test_m04_parent_downstream_runs_with_the_original_path(client: ClientFor) -> None:
    app = app_with(
        mount("/foo", app_with(set_then_next("foo"))),
        mount("/foo/bar", app_with(set_then_next("bar"))),
        mount("/foo/bar/baz", app_with(set_then_next("baz"))),
    )
    c = await client(app)
    assert (await c.get("/foo/bar")).text == "bar"


async def test_m05_same_with_plain_middleware(client: ClientFor) -> None:
    app = app_with(
        mount("/foo", set_then_next("foo")),
        mount("/foo/bar", set_then_next("bar")),
        mount("/foo/bar/baz", set_then_next("baz")),
    )
    c = await client(app)
    assert (await c.get("/foo/bar")).text == "bar"


async def test_m06_path_is_stripped_inside_and_restored_after(client: ClientFor) -> None:
    seen: list[str] = []

    async def parent(ctx: Context, next: Next) -> None:
        seen.append("before " + ctx.path)
        await next()
        seen.append("after " + ctx.path)

    async def inner(ctx: Context, next: Next) -> None:
        seen.append("inside " + ctx.path)
        ctx.body = "ok"

    app = app_with(parent, mount("/foo", app_with(inner)))
    c = await client(app)
    assert (await c.get("/foo")).text == "ok"
    assert seen == ["before /foo", "inside /", "after /foo"]


async def test_m07_path_is_restored_when_the_mounted_app_throws(client: ClientFor) -> None:
    seen: list[str] = []

    async def catcher(ctx: Context, next: Next) -> None:
        try:
            await next()
        except HttpError as err:
            seen.append(f"caught {err.status} at {ctx.path}")
            ctx.status = 204

    async def thrower(ctx: Context, next: Next) -> None:
        seen.append("inside " + ctx.path)
        ctx.throw(403)

    app = app_with(catcher, mount("/foo", app_with(thrower)))
    c = await client(app)
    assert (await c.get("/foo")).status == 204
    assert seen == ["inside /", "caught 403 at /foo"]


async def test_m08_plain_middleware_under_prefixes(client: ClientFor) -> None:
    async def hello(ctx: Context, next: Next) -> None:
        ctx.body = "Hello"

    async def world(ctx: Context, next: Next) -> None:
        ctx.body = "World"

    app = app_with(mount("/hello", hello), mount("/world", world))
    c = await client(app)
    assert (await c.get("/hello")).text == "Hello"
    assert (await c.get("/world")).text == "World"


async def test_m09_a_list_of_middleware_is_composed(client: ClientFor) -> None:
    calls: list[int] = []

    async def one(ctx: Context, next: Next) -> None:
        calls.append(1)
        await next()

    async def two(ctx: Context, next: Next) -> None:
        calls.append(2)
        ctx.body = "Hello World"

    app = app_with(mount([one, two]))
    c = await client(app)
    reply = await c.get("/")
    assert (reply.status, reply.text) == (200, "Hello World")
    assert calls == [1, 2]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/kljasdf", 404),
        ("/prefixlaksjdf", 404),
        ("/prefix", 204),
        ("/prefix/", 204),
        ("/prefix/lkjasdf", 204),
    ],
)
async def test_m10_prefix_without_trailing_slash(client: ClientFor, path: str, status: int) -> None:
    c = await client(app_with(mount("/prefix", status_204())))
    assert (await c.get(path)).status == status


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/kljasdf", 404),
        ("/prefixlaksjdf", 404),
        ("/prefix", 404),
        ("/prefix/", 204),
        ("/prefix/lkjasdf", 204),
    ],
)
async def test_m11_prefix_with_trailing_slash(client: ClientFor, path: str, status: int) -> None:
    c = await client(app_with(mount("/prefix/", status_204())))
    assert (await c.get(path)).status == status


@pytest.mark.parametrize(
    ("path", "status"),
    [("/a/a", 204), ("/b/b", 204), ("/c/c", 204), ("/a/b", 404), ("/b/c", 404), ("/c/a", 404)],
)
async def test_m12_sibling_mounts_see_only_their_own_path(
    client: ClientFor, path: str, status: int
) -> None:
    def only(letter: str) -> Middleware:
        async def mw(ctx: Context, next: Next) -> None:
            if ctx.path == "/" + letter:
                ctx.status = 204

        return mw

    app = app_with(*(mount("/" + x, only(x)) for x in "abc"))
    c = await client(app)
    assert (await c.get(path)).status == status


async def test_m14_url_is_rewritten_and_original_url_kept(client: ClientFor) -> None:
    async def echo(ctx: Context, next: Next) -> None:
        ctx.body = {
            "path": ctx.path,
            "url": ctx.url,
            "mount_path": ctx.__dict__["mount_path"],
            "original_url": ctx.original_url,
            "query": ctx.query,
        }

    c = await client(app_with(mount("/api", echo)))
    assert (await c.get("/api/x?q=1")).json() == {
        "path": "/x",
        "url": "/x?q=1",
        "mount_path": "/api",
        "original_url": "/api/x?q=1",
        "query": {"q": "1"},
    }


@pytest.mark.parametrize("path", ["/apix", "/API", "/Api/x", "/api%2Fx"])
async def test_m15_match_is_case_sensitive_and_on_the_raw_path(
    client: ClientFor, path: str
) -> None:
    c = await client(app_with(mount("/api", status_204())))
    assert (await c.get(path)).status == 404


async def test_m16_mounted_app_context_extensions_are_ignored(client: ClientFor) -> None:
    sub = Koa()
    sub.context.flag = "sub"  # type: ignore[attr-defined]

    async def echo(ctx: Context, next: Next) -> None:
        ctx.body = {"flag": getattr(ctx, "flag", None), "same_app": ctx.app is parent}

    sub.use(echo)
    parent = app_with(mount("/s", sub))
    c = await client(parent)
    assert (await c.get("/s")).json() == {"flag": None, "same_app": True}


async def test_mounted_app_errors_reach_the_parents_listeners_only(client: ClientFor) -> None:
    parent_errors: list[str] = []
    sub_errors: list[str] = []
    sub = Koa()
    sub.on("error", lambda err, ctx: sub_errors.append(str(err)))

    async def boom(ctx: Context, next: Next) -> None:
        raise RuntimeError("boom")

    sub.use(boom)
    parent = Koa()
    parent.on("error", lambda err, ctx: parent_errors.append(str(err)))
    parent.use(mount("/s", sub))
    c = await client(parent)
    reply = await c.get("/s")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    assert (parent_errors, sub_errors) == (["boom"], [])


async def test_mounted_app_uses_the_parents_keys_and_proxy(client: ClientFor) -> None:
    sub = Koa(keys=["sub-key"], proxy=True)

    async def who(ctx: Context, next: Next) -> None:
        ctx.cookies.set("name", "tobi", signed=True)
        ctx.body = {"host": ctx.host, "app_keys": ctx.app.keys}

    sub.use(who)
    parent = Koa(keys=["parent-key"])
    parent.use(mount("/s", sub))
    c = await client(parent)
    reply = await c.get("/s", headers={"X-Forwarded-Host": "evil.example"})
    assert reply.json()["host"] != "evil.example"  # parent's proxy=False applies
    assert reply.json()["app_keys"] == ["parent-key"]
    signature = Keygrip(["parent-key"]).sign("name=tobi")
    assert f"name.sig={signature}" in " ".join(reply.headers.getall("Set-Cookie"))


async def test_middleware_added_to_a_mounted_app_later_runs(client: ClientFor) -> None:
    sub = Koa()
    parent = app_with(mount("/s", sub))
    c = await client(parent)
    assert (await c.get("/s")).status == 404
    sub.use(body_when("/", "late"))
    assert (await c.get("/s")).text == "late"


async def test_mount_path_is_set_inside_and_restored_outside(client: ClientFor) -> None:
    seen: list[Any] = []

    def record(label: str) -> Middleware:
        async def mw(ctx: Context, next: Next) -> None:
            seen.append((label, ctx.path, getattr(ctx, "mount_path", None)))
            await next()
            seen.append((label + " after", ctx.path, getattr(ctx, "mount_path", None)))

        return mw

    app = app_with(
        record("root"),
        mount("/a", [record("a"), mount("/b", record("b"))]),
        record("tail"),
    )
    c = await client(app)
    await c.get("/a/b/c")
    assert seen == [
        ("root", "/a/b/c", None),
        ("a", "/b/c", "/a"),
        ("b", "/c", "/b"),
        ("tail", "/a/b/c", None),
        ("tail after", "/a/b/c", None),
        ("b after", "/c", "/b"),
        ("a after", "/b/c", "/a"),
        ("root after", "/a/b/c", None),
    ]


async def test_trailing_slash_prefix_keeps_the_leading_slash(client: ClientFor) -> None:
    async def echo(ctx: Context, next: Next) -> None:
        ctx.body = ctx.path

    c = await client(app_with(mount("/static/", echo)))
    assert (await c.get("/static/css/site.css")).text == "/css/site.css"
    assert (await c.get("/static/")).text == "/"


async def test_mounted_middleware_that_catches_sees_its_own_path(client: ClientFor) -> None:
    seen: list[str] = []

    async def guard(ctx: Context, next: Next) -> None:
        try:
            await next()
        except HttpError:
            seen.append(ctx.path)
            ctx.status = 418

    async def failing_downstream(ctx: Context, next: Next) -> None:
        ctx.throw(400)

    c = await client(app_with(mount("/m", guard), failing_downstream))
    assert (await c.get("/m/x")).status == 418
    assert seen == ["/x"]


async def test_prefix_must_begin_with_a_slash() -> None:
    with pytest.raises(ValueError, match='mount path must begin with "/"'):
        mount("api", status_204())


async def test_target_must_be_an_app_middleware_or_list() -> None:
    with pytest.raises(TypeError):
        mount("/api", 42)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        mount("/api")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mount("/api", [42])  # type: ignore[arg-type]


async def test_root_prefix_runs_the_target_without_rewriting(client: ClientFor) -> None:
    async def echo(ctx: Context, next: Next) -> None:
        ctx.body = {"path": ctx.path, "mount_path": getattr(ctx, "mount_path", None)}

    c = await client(app_with(mount("/", [echo])))
    assert (await c.get("/x/y")).json() == {"path": "/x/y", "mount_path": None}
