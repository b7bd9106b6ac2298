"""@koa/cors's "default options", "options.origin=*" and "options.origin set
the request Origin header" suites, and the Vary rules, through real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor
from koa.cors import cors

ORIGIN = {"Origin": "http://koajs.com"}
PREFLIGHT = {**ORIGIN, "Access-Control-Request-Method": "PUT"}


async def foo_bar(ctx: Context, next: Next) -> None:
    ctx.body = {"foo": "bar"}


def app_with(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app.use(foo_bar)


def reflect_origin(ctx: Context) -> str:
    return ctx.get("Origin") or "*"


async def test_allow_origin_is_star_when_the_request_has_no_origin(client: ClientFor) -> None:
    reply = await (await client(app_with(cors()))).get("/")
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_allow_origin_is_star_by_default(client: ClientFor) -> None:
    reply = await (await client(app_with(cors()))).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_preflight_is_answered_204_with_the_default_methods(client: ClientFor) -> None:
    reply = await (await client(app_with(cors()))).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.headers["Access-Control-Allow-Methods"] == "GET,HEAD,PUT,POST,DELETE,PATCH"
    assert reply.body == b""


async def test_options_without_request_method_is_not_a_preflight(client: ClientFor) -> None:
    reply = await (await client(app_with(cors()))).options("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Access-Control-Allow-Methods" not in reply.headers


async def test_options_with_an_empty_request_method_is_not_a_preflight(
    client: ClientFor,
) -> None:
    headers = {**ORIGIN, "Access-Control-Request-Method": ""}
    reply = await (await client(app_with(cors()))).options("/", headers=headers)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert "Access-Control-Allow-Methods" not in reply.headers


async def test_vary_is_always_origin(client: ClientFor) -> None:
    reply = await (await client(app_with(cors()))).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Vary"] == "Origin"


async def test_vary_is_set_on_preflights_too(client: ClientFor) -> None:
    reply = await (await client(app_with(cors()))).options("/", headers=PREFLIGHT)
    assert reply.headers["Vary"] == "Origin"


async def test_origin_star_is_sent_whatever_the_request_origin(client: ClientFor) -> None:
    reply = await (await client(app_with(cors(origin="*")))).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_origin_star_is_sent_without_a_request_origin(client: ClientFor) -> None:
    reply = await (await client(app_with(cors(origin="*")))).get("/")
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_a_fixed_origin_is_sent_as_given(client: ClientFor) -> None:
    app = app_with(cors(origin="https://app.example"))
    reply = await (await client(app)).get("/", headers=ORIGIN)
    assert reply.headers["Access-Control-Allow-Origin"] == "https://app.example"


async def test_an_empty_origin_string_means_star(client: ClientFor) -> None:
    reply = await (await client(app_with(cors(origin="")))).get("/", headers=ORIGIN)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_origin_function_can_reflect_the_request_origin(client: ClientFor) -> None:
    c = await client(app_with(cors(origin=reflect_origin)))
    reply = await c.get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "http://koajs.com"


async def test_the_origin_header_is_read_case_insensitively(client: ClientFor) -> None:
    c = await client(app_with(cors(origin=reflect_origin)))
    reply = await c.get("/", headers={"origin": "http://origin.koajs.com"})
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "http://origin.koajs.com"


async def test_reflecting_function_gives_star_without_a_request_origin(client: ClientFor) -> None:
    c = await client(app_with(cors(origin=reflect_origin)))
    reply = await c.get("/")
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_vary_set_by_other_middleware_gets_origin_appended(client: ClientFor) -> None:
    async def vary_encoding(ctx: Context, next: Next) -> None:
        ctx.set("Vary", "Accept-Encoding")
        await next()

    reply = await (await client(app_with(vary_encoding, cors()))).get("/", headers=ORIGIN)
    assert (reply.status, reply.json()) == (200, {"foo": "bar"})
    assert reply.headers["Vary"] == "Accept-Encoding, Origin"


async def test_downstream_does_not_run_on_a_preflight(client: ClientFor) -> None:
    ran: list[str] = []

    async def record(ctx: Context, next: Next) -> None:
        ran.append(ctx.method)
        await next()

    reply = await (await client(app_with(cors(), record))).options("/", headers=PREFLIGHT)
    assert reply.status == 204
    assert ran == []


async def test_cors_headers_are_added_to_head_and_post(client: ClientFor) -> None:
    c = await client(app_with(cors(expose_headers="X-Total")))
    for method in ("HEAD", "POST", "PUT", "DELETE", "PATCH"):
        reply = await c.request(method, "/", headers=ORIGIN)
        assert reply.status == 200, method
        assert reply.headers["Access-Control-Allow-Origin"] == "*", method
        assert reply.headers["Access-Control-Expose-Headers"] == "X-Total", method


async def test_streamed_and_file_bodies_get_the_headers(client: ClientFor, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(b"from a file")

    async def bodies(ctx: Context, next: Next) -> None:
        if ctx.path == "/file":
            ctx.body = web.FileResponse(page)
        else:

            async def chunks() -> AsyncIterator[bytes]:
                yield b"streamed "
                yield b"body"

            ctx.body = chunks()

    c = await client(Koa().use(cors(expose_headers="X-Total")).use(bodies))
    for path, text in (("/file", "from a file"), ("/stream", "streamed body")):
        reply = await c.get(path, headers=ORIGIN)
        assert (reply.status, reply.text) == (200, text)
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        assert reply.headers["Access-Control-Expose-Headers"] == "X-Total"
        assert reply.headers["Vary"] == "Origin"
