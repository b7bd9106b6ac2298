"""The context's own members: ``state``, ``to_json()``, and the aliases that
forward to the request and response.

Ported from Koa's ``__tests__/context/{state,inspect,toJSON}.test.js`` (K111,
K123, K135).
"""

from __future__ import annotations

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, create_context


async def test_state_is_a_fresh_empty_dict(client: ClientFor) -> None:
    """State is a fresh empty dict (K123)."""
    seen: list[dict[str, object]] = []

    async def mw(ctx: Context, next: Next) -> None:
        seen.append(dict(ctx.state))
        ctx.state["user"] = "tobi"

    app = Koa()
    app.use(mw)
    c = await client(app)
    assert (await c.get("/")).status == 404
    assert (await c.get("/")).status == 404
    assert seen == [{}, {}]


def test_to_json_shows_request_response_and_app() -> None:
    """To json shows request response and app (K135)."""
    ctx = create_context("POST", "/items", {"Content-Type": "text/plain"}, app=Koa(env="test"))
    ctx.status = 200
    ctx.body = "<p>Hey</p>"
    data = ctx.to_json()
    assert data["request"] == {
        "method": "POST",
        "url": "/items",
        "header": {"content-type": "text/plain"},
    }
    assert data["response"] == {
        "status": 200,
        "message": "OK",
        "header": {"content-type": "text/html; charset=utf-8", "content-length": 10},
    }
    assert data["app"] == {"subdomain_offset": 2, "proxy": False, "env": "test"}
    assert data["original_url"] == "/items"
    assert set(data) == {"request", "response", "app", "original_url", "req", "res", "socket"}


def test_repr_is_short_and_safe() -> None:
    """K111 (Koa's inspect(); Python's repr)"""
    ctx = create_context("GET", "/x")
    assert repr(ctx) == "<Context GET /x>"
    assert repr(ctx.request).startswith("<Request {")
    assert repr(ctx.response).startswith("<Response {")


def test_original_url_never_changes() -> None:
    """K135 (ctx.original_url)"""
    ctx = create_context("GET", "/a?b=1")
    ctx.url = "/rewritten"
    assert ctx.original_url == "/a?b=1"
    assert ctx.request.original_url == "/a?b=1"
    assert ctx.url == "/rewritten"


def test_context_links_its_parts() -> None:
    """K135 (cross-links of ctx, request and response)"""
    app = Koa()
    ctx = create_context(app=app)
    assert ctx.app is app
    assert ctx.request.ctx is ctx and ctx.response.ctx is ctx
    assert ctx.request.response is ctx.response
    assert ctx.response.request is ctx.request
    assert ctx.req is ctx.request.req
    assert isinstance(ctx, app.context)


def test_context_accepts_new_attributes() -> None:
    """K087 (middleware may add attributes to ctx and ctx.request)"""
    ctx = create_context()
    ctx.params = {"id": "1"}  # type: ignore[attr-defined]
    ctx.request.body = b"x"  # type: ignore[attr-defined]
    assert ctx.params == {"id": "1"}  # type: ignore[attr-defined]
    assert ctx.request.body == b"x"  # type: ignore[attr-defined]


def test_context_aliases_forward_to_request_and_response() -> None:
    """K135 (Koa's delegates, written out)"""
    ctx = create_context("GET", "/p?q=1", {"Host": "example.com", "Accept": "text/html"})
    assert (ctx.method, ctx.path, ctx.querystring, ctx.search) == ("GET", "/p", "q=1", "?q=1")
    assert ctx.query == {"q": "1"}
    assert (ctx.host, ctx.hostname, ctx.protocol, ctx.secure) == (
        "example.com",
        "example.com",
        "http",
        False,
    )
    assert ctx.href == "http://example.com/p?q=1"
    assert ctx.get("host") == "example.com"
    assert ctx.header is ctx.request.headers and ctx.headers is ctx.request.headers
    assert ctx.accepts("json", "html") == "html"
    assert ctx.is_("json") is None
    ctx.type = "json"
    ctx.set("X-A", "1")
    assert ctx.response.get("X-A") == "1" and ctx.has("x-a")
    ctx.append("X-A", "2")
    assert ctx.response.get("X-A") == ["1", "2"]
    ctx.remove("X-A")
    assert not ctx.has("X-A")
    assert ctx.type == "application/json"
    ctx.body = {"a": 1}
    assert (ctx.status, ctx.message, ctx.length) == (200, "OK", 7)
    ctx.etag = "abc"
    assert ctx.etag == '"abc"'
    ctx.vary("Accept")
    assert ctx.response.get("Vary") == "Accept"
    assert ctx.header_sent is False
