"""examples/static_site.py over real HTTP: files, the mounted API, caching."""

from __future__ import annotations

from examples.static_site import PUBLIC, app
from koa.core.testing import ClientFor


async def test_static_site_serves_the_index_page(client: ClientFor) -> None:
    reply = await (await client(app)).get("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert reply.body == (PUBLIC / "index.html").read_bytes()
    assert reply.headers["Cache-Control"] == "max-age=600"


async def test_static_site_serves_about_html_for_about(client: ClientFor) -> None:
    reply = await (await client(app)).get("/about")
    assert (reply.status, reply.body) == (200, (PUBLIC / "about.html").read_bytes())


async def test_static_site_serves_assets_with_their_types(client: ClientFor) -> None:
    c = await client(app)
    css = await c.get("/css/site.css")
    assert css.headers["Content-Type"].startswith("text/css")
    script = await c.get("/js/app.js")
    assert "javascript" in script.headers["Content-Type"]
    assert script.body == (PUBLIC / "js" / "app.js").read_bytes()


async def test_static_site_answers_a_revalidation_with_304(client: ClientFor) -> None:
    c = await client(app)
    first = await c.get("/css/site.css")
    again = await c.get("/css/site.css", headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status, again.body) == (304, b"")


async def test_static_site_mounts_the_api_under_api(client: ClientFor) -> None:
    c = await client(app)
    hello = await c.get("/api/hello?name=Ada")
    assert hello.json() == {"message": "Hello, Ada!"}
    assert (await c.get("/api/hello")).json() == {"message": "Hello, world!"}
    time = await c.get("/api/time")
    assert time.json()["path"] == "/time"


async def test_static_site_answers_unknown_paths_with_404(client: ClientFor) -> None:
    c = await client(app)
    for path in ("/missing.html", "/api/missing", "/hello"):
        reply = await c.get(path)
        assert (reply.status, reply.text) == (404, "Not Found"), path


async def test_static_site_refuses_paths_out_of_the_root(client: ClientFor) -> None:
    c = await client(app)
    for path in ("/%2e%2e/static_site.py", "/css/%2e%2e/%2e%2e/%2e%2e/json_api.py"):
        reply = await c.get(path)
        assert reply.status in (400, 403, 404), path
        assert b"koa" not in reply.body, path


async def test_static_site_api_answers_wrong_methods_with_405(client: ClientFor) -> None:
    reply = await (await client(app)).post("/api/hello")
    assert (reply.status, reply.headers["Allow"]) == (405, "HEAD, GET")
