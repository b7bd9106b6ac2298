"""The router scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

import re
from typing import Any

from koa.core import Context, Koa, Middleware, Next, create_error
from koa.router import Router, RouterContext


def reply(name: str) -> Middleware:
    async def handler(ctx: RouterContext, next: Next) -> None:
        matched = ctx.matched_route
        ctx.body = {
            "route": name,
            "method": ctx.method,
            "params": ctx.params,
            "matched": matched if isinstance(matched, str) else None,
            "matchedName": ctx.matched_route_name,
            "state": ctx.state,
        }

    return handler  # type: ignore[return-value]


def app(router: Router[Any], **allowed: Any) -> Koa:
    a = Koa(silent=True)
    a.use(router.routes())
    a.use(router.allowed_methods(**allowed))
    return a


# -- main: every kind of path, params, use(), nesting, redirect, url() --------
main: Router[Any] = Router()


async def load_id(value: str, ctx: RouterContext, next: Next) -> None:
    if value == "missing":
        ctx.throw(404, "no such user")
    ctx.state["loaded"] = value
    await next()


async def api_header(ctx: Context, next: Next) -> None:
    ctx.set("X-Api", "yes")
    await next()


async def use_header(ctx: Context, next: Next) -> None:
    ctx.set("X-Router-Use", "yes")
    await next()


async def create_user(ctx: Context, next: Next) -> None:
    ctx.status = 201
    ctx.set("Location", main.url("user", {"id": 3}))
    ctx.body = {"created": True}


async def first_header(ctx: Context, next: Next) -> None:
    ctx.set("X-First", "1")
    await next()


async def layer_one(ctx: Context, next: Next) -> None:
    ctx.set("X-Layer", "one")
    await next()


async def regex(ctx: RouterContext, next: Next) -> None:
    ctx.body = {"route": "regex", "captures": ctx.captures, "params": ctx.params}


async def urls(ctx: Context, next: Next) -> None:
    ctx.body = {
        "object": main.url("user", {"id": 3}),
        "positional": main.url("user", 4),
        "encoded": main.url("user", {"id": "a b/é"}),
        "query": main.url("users", query={"page": 2, "tags": ["a", "b"]}),
        "queryString": main.url("users", query="x=1"),
    }


async def throws(ctx: Context, next: Next) -> None:
    ctx.throw(422, "bad thing")


async def nested_header(ctx: Context, next: Next) -> None:
    ctx.set("X-Nested", "yes")
    await next()


main.param("id", load_id)
main.use("/api", api_header)
main.use(use_header)
main.get("/", reply("root"))
main.get("/users", reply("list-users"), name="users")
main.post("/users", create_user)
main.get("/users/:id", reply("show-user"), name="user")
main.put("/users/:id", reply("put-user"))
main.patch("/users/:id", reply("patch-user"))
main.delete("/users/:id", reply("delete-user"))
main.get("/users/:id/posts/:postId", reply("user-post"))
main.get("/files/*path", reply("files"))
main.get("/user{/:uid}", reply("optional"))
main.get("/resources/:rid{.:ext}", reply("resource"))
main.get("/f/:name.:ext", reply("name-ext"))
main.get('/q/:"user-id"', reply("quoted"))
main.get("/lit/a\\:b", reply("escaped"))
main.get("/api/data", reply("api-data"))
main.get("/apix", reply("apix"))
main.all("/any", reply("any"))
main.get("/multi", first_header, reply("multi"))
main.get("/twice", layer_one)
main.get("/twice", reply("twice"))
main.register("/cache/:key", ["PURGE"], [reply("purge")])
main.get(re.compile(r"^/re/(\d+)$"), regex)
main.get("/url", urls)
main.redirect("/old", "/users")
main.redirect("/old-named", "users", 302)
main.get("/encoded/:value", reply("encoded"))
main.get("/throws", throws)
nested: Router[Any] = Router()
nested.get("/items/:itemId", reply("nested-item"))
nested.use(nested_header)
main.use("/nest/:nid", nested.routes(), nested.allowed_methods())

# -- strict + sensitive -----------------------------------------------------
strict: Router[Any] = Router(strict=True, sensitive=True)
strict.get("/info", reply("info"))
strict.get("/dir/", reply("dir"))

# -- prefix -------------------------------------------------------------------
prefixed: Router[Any] = Router(prefix="/v1")
prefixed.get("/", reply("v1-root"))
prefixed.get("/things/:id", reply("v1-thing"))
tenant: Router[Any] = Router(prefix="/t/:tenant")
tenant.get("/home", reply("tenant-home"))
prefixed.use(tenant.routes())

# -- exclusive ------------------------------------------------------------------
exclusive: Router[Any] = Router(exclusive=True)


async def exclusive_first(ctx: Context, next: Next) -> None:
    ctx.set("X-First", "ran")
    await next()


exclusive.get("/x/:id", exclusive_first)
exclusive.get("/x/:id", reply("exclusive-last"))

# -- host -----------------------------------------------------------------------
hosted: Router[Any] = Router(host="example.com")
hosted.get("/", reply("hosted"))

# -- methods, throw ---------------------------------------------------------------
limited: Router[Any] = Router(methods=["GET", "POST"])
limited.get("/only", reply("only"))
throwing: Router[Any] = Router()
throwing.get("/t", reply("t"))

# -- host behind a proxy (X-Forwarded-Host decides ctx.host) ----------------------
hosted_proxy: Router[Any] = Router(host=["api.example.com", "example.com"])
hosted_proxy.get("/", reply("hosted-proxy"))
hosted_proxy_app = app(hosted_proxy)
hosted_proxy_app.proxy = True

# -- router_path, exclusive="specificity", error factories, prefix(), list paths --
fixed_path: Router[Any] = Router(router_path="/fixed")
fixed_path.get("/fixed", reply("fixed"))
specific: Router[Any] = Router(exclusive="specificity")
specific.get("/s/:a/:b", reply("two-params"))
specific.get("/s/:a/fixed", reply("one-param"))
specific.get("/s/fixed/fixed", reply("no-param"))
factories: Router[Any] = Router()
factories.get("/f", reply("f"))
late: Router[Any] = Router()
late.get("/one", reply("late-one"))
late.get(["/two", "/three"], reply("late-array"))


async def array_use(ctx: Context, next: Next) -> None:
    ctx.set("X-Array-Use", "yes")
    await next()


late.use(["/two", "/one"], array_use)
late.prefix("/late")

apps = {
    "main": app(main),
    "strict": app(strict),
    "prefixed": app(prefixed),
    "exclusive": app(exclusive),
    "hosted": app(hosted),
    "limited": app(limited),
    "throwing": app(throwing, throw=True),
    "hostedProxy": hosted_proxy_app,
    "fixedPath": app(fixed_path),
    "specific": app(specific),
    "factories": app(
        factories,
        throw=True,
        method_not_allowed=lambda: create_error(405, "custom 405"),
        not_implemented=lambda: create_error(501, "custom 501", expose=True),
    ),
    "late": app(late),
}
