"""koa-static and koa-mount together, composed the way a user would: a static
site and a single-page app mounted under prefixes, next to a JSON API made of
plain middleware, with an error handler and an access log around them.
Covers koa-mount's M13 and M17, which mount koa-static.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from yarl import URL

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import Client, ClientFor, Reply, Serve
from koa.mount import mount
from koa.static import serve

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    files = {
        "public/index.html": b"<h1>home</h1>",
        "public/css/site.css": b"body{}",
        "public/docs/guide/index.html": b"<h1>guide</h1>",
        "public/logo.svg": b"<svg/>",
        "dist/index.html": b"<div id=app></div>",
        "dist/app.js": b"console.log(1)",
        "secret.txt": b"top secret",
        "examples/cascade.js": b"// cascade",
        "test/errors.js": b"// errors",
        "fx/hello.txt": b"world",
    }
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return tmp_path


def build_app(site: Path, log: list[tuple[str, str, int]]) -> Koa:
    users = [{"id": 1, "name": "tobi"}]

    async def errors(ctx: Context, next: Next) -> None:
        try:
            await next()
        except HttpError as err:
            ctx.status = err.status
            ctx.body = {"error": err.message}

    async def access_log(ctx: Context, next: Next) -> None:
        await next()
        log.append((ctx.method, ctx.original_url, ctx.status))

    async def users_api(ctx: Context, next: Next) -> None:
        if ctx.path == "/users" and ctx.method == "GET":
            ctx.body = users
        elif ctx.path == "/users" and ctx.method == "POST":
            users.append({"id": len(users) + 1, "name": "loki"})
            ctx.status = 201
            ctx.body = users[-1]
        elif ctx.path.startswith("/users/"):
            ctx.throw(404, "no such user")
        else:
            await next()

    api = Koa()
    api.use(users_api)

    async def not_found(ctx: Context, next: Next) -> None:
        await next()
        if ctx.body is None and ctx.status == 404:
            ctx.status = 404
            ctx.body = {"error": "not found", "path": ctx.path}

    app = Koa(silent=True)
    app.use(errors)
    app.use(access_log)
    # Upstream of everything, so it only sees what nothing answered (the SPA
    # fallback included: a catch-all placed last would answer first).
    app.use(not_found)
    app.use(mount("/api", api))
    app.use(mount("/static", serve(site / "public", max_age=3600)))
    app.use(mount("/app", serve(site / "dist", spa_fallback=True)))
    return app


@pytest.fixture
async def c(client: ClientFor, site: Path) -> Client:
    return await client(build_app(site, []))


async def test_static_files_under_their_prefix(c: Client) -> None:
    reply = await c.get("/static/css/site.css")
    assert (reply.status, reply.text) == (200, "body{}")
    assert reply.headers["Content-Type"] == "text/css; charset=utf-8"
    assert reply.headers["Cache-Control"] == "max-age=3600"
    assert (await c.get("/static/")).text == "<h1>home</h1>"
    assert (await c.get("/static")).text == "<h1>home</h1>"
    assert (await c.get("/static/docs/guide/")).text == "<h1>guide</h1>"
    assert (await c.get("/static/logo.svg")).headers["Content-Type"] == "image/svg+xml"


async def test_api_next_to_the_static_site(c: Client) -> None:
    assert (await c.get("/api/users")).json() == [{"id": 1, "name": "tobi"}]
    created = await c.post("/api/users")
    assert (created.status, created.json()) == (201, {"id": 2, "name": "loki"})
    missing = await c.get("/api/users/9")
    assert (missing.status, missing.json()) == (404, {"error": "no such user"})


async def test_unknown_paths_reach_the_parents_404_with_the_original_path(c: Client) -> None:
    for path in ("/static/nope.css", "/staticfoo", "/api/nothing", "/elsewhere"):
        reply = await c.get(path)
        assert (reply.status, reply.json()) == (404, {"error": "not found", "path": path})


async def test_static_errors_propagate_to_the_parents_handler(c: Client) -> None:
    async with c.session.get(URL(c.base_url + "/static/%", encoded=True)) as response:
        reply = Reply(response.status, "", response.headers, await response.read())
    assert (reply.status, reply.json()) == (400, {"error": "failed to decode"})


async def test_conditional_get_and_ranges_through_the_mount(c: Client) -> None:
    first = await c.get("/static/css/site.css")
    again = await c.get("/static/css/site.css", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    part = await c.get("/static/css/site.css", headers={"Range": "bytes=0-3"})
    assert (part.status, part.text, part.headers["Content-Range"]) == (206, "body", "bytes 0-3/6")
    head = await c.head("/static/css/site.css")
    assert (head.status, head.headers["Content-Length"], head.body) == (200, "6", b"")


async def test_single_page_app_under_a_prefix(c: Client) -> None:
    page = await c.get("/app/settings/profile", headers={"Accept": HTML})
    assert (page.status, page.text) == (200, "<div id=app></div>")
    assert (await c.get("/app/app.js")).text == "console.log(1)"
    script = await c.get("/app/missing.js", headers={"Accept": HTML})
    assert (script.status, script.json()["path"]) == (404, "/app/missing.js")


async def test_access_log_sees_original_urls(client: ClientFor, site: Path) -> None:
    log: list[tuple[str, str, int]] = []
    c = await client(build_app(site, log))
    await c.get("/static/css/site.css?v=2")
    await c.get("/api/users")
    await c.get("/nope")
    assert log == [
        ("GET", "/static/css/site.css?v=2", 200),
        ("GET", "/api/users", 200),
        ("GET", "/nope", 404),
    ]


async def test_traversal_through_a_mount_cannot_escape(serve: Serve, site: Path) -> None:
    url = urlsplit(await serve(build_app(site, [])))
    for target in ("/static/../secret.txt", "/static/..%2fsecret.txt", "/static/%2e%2e/secret.txt"):
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        writer.write(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        response = await reader.read()
        writer.close()
        await writer.wait_closed()
        assert response.startswith(b"HTTP/1.1 403"), target
        assert b"top secret" not in response


async def test_m13_two_static_mounts(client: ClientFor, site: Path) -> None:
    app = Koa(silent=True)
    app.use(mount("/examples", serve(site / "examples")))
    app.use(mount("/test", serve(site / "test")))
    c = await client(app)
    assert (await c.get("/examples/cascade.js")).status == 200
    assert (await c.get("/test/errors.js")).status == 200


async def test_m17_mounted_assets(client: ClientFor, site: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(site)
    app = Koa(silent=True)
    app.use(mount("/assets", serve("fx")))
    reply = await (await client(app)).get("/assets/hello.txt")
    assert (reply.status, reply.text) == (200, "world")
