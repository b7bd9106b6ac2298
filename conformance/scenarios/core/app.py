"""The core scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from koa.core import Context, Koa, Next

LAST_MODIFIED = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)


def echo(ctx: Context) -> dict[str, Any]:
    url = ctx.URL
    return {
        "method": ctx.method,
        "url": ctx.url,
        "originalUrl": ctx.original_url,
        "path": ctx.path,
        "querystring": ctx.querystring,
        "search": ctx.search,
        "query": ctx.query,
        "host": ctx.host,
        "hostname": ctx.hostname,
        "origin": ctx.origin,
        "href": ctx.href,
        "URL": str(url) if url is not None else None,
        "protocol": ctx.protocol,
        "secure": ctx.secure,
        "ip": ctx.ip,
        "ips": ctx.ips,
        "subdomains": ctx.subdomains,
        "idempotent": ctx.idempotent,
        "charset": ctx.request.charset,
        "length": ctx.request.length,
        "type": ctx.request.type,
        "is": [
            ctx.is_("json"),
            ctx.is_("urlencoded"),
            ctx.is_("text/*"),
            ctx.is_("image/*", "json"),
        ],
        "accepts": [ctx.accepts(), ctx.accepts("json", "html"), ctx.accepts("text/plain")],
        "encodings": [
            ctx.accepts_encodings(),
            ctx.accepts_encodings("gzip", "br"),
            ctx.accepts_encodings("br", "identity"),
        ],
        "charsets": [ctx.accepts_charsets(), ctx.accepts_charsets("utf-8", "iso-8859-1")],
        "languages": [ctx.accepts_languages(), ctx.accepts_languages("en", "fr")],
        "get": {
            "x-a": ctx.get("x-a"),
            "cookie": ctx.get("cookie"),
            "referrer": ctx.get("referrer"),
            "user-agent": ctx.get("user-agent"),
            "content-type": ctx.get("Content-Type"),
        },
        "fresh": ctx.fresh,
    }


def _q(ctx: Context, name: str) -> Any:
    return ctx.query.get(name)


async def handler(ctx: Context, next: Next) -> None:
    q = ctx.query
    parts = ctx.path.split("/")
    word = parts[1] if len(parts) > 1 else ""
    try:
        n = int(parts[2]) if len(parts) > 2 else 0
    except ValueError:
        n = 0
    match word:
        case "echo":
            ctx.body = echo(ctx)
        case "headers":
            ctx.body = {name.lower(): ctx.headers[name] for name in ctx.headers}
        case "status":
            ctx.status = n
        case "status-body":
            ctx.status = n
            ctx.body = "hi"
        case "message":
            ctx.status = 200
            ctx.message = "Fine Thanks"
            ctx.body = "x"
        case "string":
            ctx.body = "Hello, world"
        case "html":
            ctx.body = "  <p>hi</p>"
        case "unicode":
            ctx.body = "héllo wörld ☃ 😓"
        case "buffer":
            ctx.body = b"bytes here"
        case "json":
            ctx.body = {"a": 1, "b": [True, None, "x"], "c": {"d": "é"}}
        case "array":
            ctx.body = [1, "two", {"three": 3}]
        case "null":
            ctx.body = None
        case "empty-string":
            ctx.body = ""
        case "json-null":
            ctx.type = "json"
            ctx.body = None
        case "null-then-status":
            ctx.body = None
            ctx.status = 200
        case "empty-status-body":
            ctx.status = n
            ctx.body = "dropped"
        case "vnd-json":
            ctx.type = "application/vnd.api+json"
            ctx.body = {"a": 1}
        case "text-json":
            ctx.type = "text/plain"
            ctx.body = {"a": 1}
        case "type":
            ctx.type = q.get("t")  # type: ignore[assignment]
            ctx.body = "x"
        case "type-only":
            ctx.type = q.get("t")  # type: ignore[assignment]
            ctx.body = b"x"
        case "redirect":
            ctx.redirect(_q(ctx, "to"))
        case "redirect-301":
            ctx.status = 301
            ctx.redirect(_q(ctx, "to"))
        case "back":
            ctx.back(_q(ctx, "alt"))
        case "attachment":
            ctx.attachment(_q(ctx, "name"))
            ctx.body = "file"
        case "attachment-typed":
            ctx.type = "text/plain"
            ctx.attachment(_q(ctx, "name"))
            ctx.body = "file"
        case "attachment-inline":
            ctx.attachment(_q(ctx, "name"), type="inline")
            ctx.body = "file"
        case "attachment-fallback":
            ctx.attachment(_q(ctx, "name"), fallback=_q(ctx, "fallback"))
            ctx.body = "file"
        case "set-header":
            ctx.set("X-Custom", _q(ctx, "v"))
            ctx.body = "set"
        case "attachment-nofallback":
            ctx.attachment(_q(ctx, "name"), fallback=False)
            ctx.body = "file"
        case "throw":
            ctx.throw(n)
        case "throw-msg":
            ctx.throw(n, "custom message")
        case "throw-headers":
            ctx.set("X-Dropped", "yes")
            err: Any = Exception("teapot")
            err.status = 418
            err.expose = True
            err.headers = {"X-Kept": "yes", "Content-Type": "application/json"}
            raise err
        case "error":
            ctx.set("X-Dropped", "yes")
            raise RuntimeError("boom")
        case "error-status":
            odd: Any = Exception("odd")
            odd.status = 999
            raise odd
        case "assert":
            ctx.assert_(q.get("ok") == "yes", 401, "please log in")
            ctx.body = "ok"
        case "fresh":
            ctx.set("ETag", '"abc"')
            ctx.last_modified = LAST_MODIFIED
            ctx.body = "fresh body"
            if ctx.fresh:
                ctx.status = 304
        case "etag":
            ctx.etag = _q(ctx, "v")
            ctx.body = "e"
        case "vary":
            ctx.vary("Accept")
            ctx.vary("Origin, accept")
            ctx.vary(["X-Y", "origin"])
            ctx.body = "v"
        case "set-headers":
            ctx.set("X-List", ["a", "b"])
            ctx.append("X-List", "c")
            ctx.set({"X-One": "1", "X-Two": "2"})
            ctx.remove("X-Two")
            ctx.set("Link", "<http://a>")
            ctx.append("Link", "<http://b>")
            ctx.body = "h"
        case "length":
            ctx.body = "abc"
            ctx.length = 3
        case "cookies-get":
            name = _q(ctx, "name")
            ctx.body = {
                "plain": ctx.cookies.get(name),
                "signed": ctx.cookies.get(name, signed=True),
            }
        case "cookies-set":
            ctx.cookies.set("plain", "v1", signed=False)
            ctx.cookies.set("signed", "v2", signed=True)
            ctx.cookies.set(
                "opts",
                "v3",
                signed=False,
                path="/p",
                domain="example.com",
                http_only=False,
                same_site="lax",
                priority="high",
                expires=datetime(2026, 10, 21, 7, 28, tzinfo=UTC),
            )
            ctx.cookies.set("strict", "v4", signed=False, same_site=True)
            ctx.cookies.set("gone", None)
            ctx.body = "c"
        case "cookies-overwrite":
            ctx.cookies.set("o", "1", signed=False)
            ctx.cookies.set("o", "2", signed=False, overwrite=True)
            ctx.cookies.set("p", "1", signed=False)
            ctx.cookies.set("p", "2", signed=False)
            ctx.body = "o"
        case "cookies-default-signing":
            ctx.cookies.set("bare", "1")
            ctx.cookies.set("withopts", "2", path="/")
            ctx.cookies.set("number", 3, signed=False)
            ctx.body = "d"
        case "cookies-bad-domain":
            ctx.cookies.set("x", "1", domain="bad domain")
            ctx.body = "x"
        case "cookies-bad-path":
            ctx.cookies.set("x", "1", path="/a;b")
            ctx.body = "x"
        case "cookies-bad-name":
            ctx.cookies.set("a b", "1")
            ctx.body = "x"
        case "cookies-bad-value":
            ctx.cookies.set("a", "x;y")
            ctx.body = "x"
        case "cookies-partitioned":
            ctx.cookies.set(
                "p", "1", signed=False, secure=False, partitioned=True, same_site="none"
            )
            ctx.body = "p"
        case "cookies-secure":
            ctx.cookies.set("s", "1", signed=False, secure=True)
            ctx.body = "s"
        case "path-set":
            ctx.path = _q(ctx, "p")
            ctx.body = {"path": ctx.path, "url": ctx.url, "originalUrl": ctx.original_url}
        case "query-set":
            ctx.query = {"a": ["1", "2"], "b": "x y", "c": "é&="}
            ctx.body = {"querystring": ctx.querystring, "search": ctx.search}
        case "url-set":
            ctx.url = "/rewritten?x=1"
            ctx.body = {"path": ctx.path, "query": ctx.query, "originalUrl": ctx.original_url}
        case "method":
            ctx.body = {"method": ctx.method}
        case "respond-head":
            ctx.body = {"a": "json for head"}
        case "json-date":
            ctx.body = {
                "d": datetime(2020, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
                "epoch": datetime(1970, 1, 1, tzinfo=UTC),
            }


def make(**options: Any) -> Koa:
    app = Koa(silent=True, **options)
    app.use(handler)
    return app


# middleware written with one parameter, as most koajs/examples apps are
one_arg = Koa(silent=True)


async def one_parameter(ctx: Context) -> None:
    ctx.body = {"oneArg": True, "path": ctx.path}


one_arg.use(one_parameter)  # type: ignore[arg-type]

apps = {
    "oneArg": one_arg,
    "main": make(keys=["k1", "k2"]),
    "proxy": make(proxy=True),
    "proxy1": make(proxy=True, max_ips_count=1),
    "custom": make(proxy=True, proxy_ip_header="X-Client-IP", subdomain_offset=1),
}
