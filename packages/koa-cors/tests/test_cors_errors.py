"""@koa/cors's "options.headersKeptOnError" and "other middleware has set
vary header on Error" suites: when downstream raises, the CORS headers ride
on ``err.headers`` into the error response."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from koa.core import Context, HttpError, Koa, Middleware, Next
from koa.core.testing import ClientFor
from koa.cors import cors

ORIGIN = {"Origin": "http://koajs.com"}


def reflect_origin(ctx: Context) -> str:
    return ctx.get("Origin") or "*"


def raising(err: Exception, **headers: str) -> Middleware:
    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"foo": "bar"}
        for name, value in headers.items():
            ctx.set(name, value)
        raise err

    return mw


def app_with(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app


async def test_cors_headers_are_kept_after_an_error(client: ClientFor) -> None:
    app = app_with(cors(origin=reflect_origin), raising(RuntimeError("Whoops!")))
    reply = await (await client(app)).get("/", headers=ORIGIN)
    assert reply.status == 500
    assert "Error" in reply.text
    assert reply.headers["Access-Control-Allow-Origin"] == "http://koajs.com"
    assert reply.headers["Vary"] == "Origin"


async def test_every_cors_header_is_kept_after_an_error(client: ClientFor) -> None:
    mw = cors(credentials=True, expose_headers=["X-A", "X-B"], secure_context=True)
    reply = await (await client(app_with(mw, raising(RuntimeError("x"))))).get("/", headers=ORIGIN)
    assert reply.status == 500
    assert reply.headers["Access-Control-Allow-Origin"] == "http://koajs.com"
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    assert reply.headers["Access-Control-Expose-Headers"] == "X-A,X-B"
    assert reply.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert reply.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


async def test_errors_do_not_affect_preflights(client: ClientFor) -> None:
    app = app_with(cors(origin=reflect_origin), raising(RuntimeError("Whoops!")))
    headers = {**ORIGIN, "Access-Control-Request-Method": "PUT"}
    reply = await (await client(app)).options("/", headers=headers)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "http://koajs.com"


async def test_unrelated_headers_are_not_kept_after_an_error(client: ClientFor) -> None:
    failing = raising(RuntimeError("Whoops!"), **{"X-Example": "Value"})
    reply = await (await client(app_with(cors(origin=reflect_origin), failing))).get(
        "/", headers=ORIGIN
    )
    assert reply.status == 500
    assert reply.headers["Access-Control-Allow-Origin"] == "http://koajs.com"
    assert "X-Example" not in reply.headers


async def test_headers_are_not_kept_when_keep_headers_on_error_is_false(
    client: ClientFor,
) -> None:
    app = app_with(cors(keep_headers_on_error=False), raising(RuntimeError("Whoops!")))
    reply = await (await client(app)).get("/", headers=ORIGIN)
    assert reply.status == 500
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert "Vary" not in reply.headers


async def test_a_4xx_error_keeps_its_status_message_and_cors_headers(client: ClientFor) -> None:
    app = app_with(cors(), raising(HttpError(401, "Please log in")))
    reply = await (await client(app)).get("/", headers=ORIGIN)
    assert (reply.status, reply.text) == (401, "Please log in")
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_origin_is_appended_to_the_errors_own_vary(client: ClientFor) -> None:
    err = HttpError(500, headers={"Vary": "Accept-Encoding"})
    reply = await (await client(app_with(cors(), raising(err)))).get("/", headers=ORIGIN)
    assert reply.status == 500
    assert reply.headers["Vary"] == "Accept-Encoding, Origin"


async def test_an_errors_vary_given_as_a_list_is_joined(client: ClientFor) -> None:
    err = RuntimeError("listed")
    err.headers = {"Vary": ["Accept-Encoding", "Accept-Language"]}  # type: ignore[attr-defined]
    reply = await (await client(app_with(cors(), raising(err)))).get("/", headers=ORIGIN)
    assert reply.headers["Vary"] == "Accept-Encoding, Accept-Language, Origin"


async def test_the_errors_vary_star_is_preserved(client: ClientFor) -> None:
    err = HttpError(500, headers={"Vary": "*"})
    reply = await (await client(app_with(cors(), raising(err)))).get("/", headers=ORIGIN)
    assert reply.headers["Vary"] == "*"


async def test_a_star_among_the_errors_vary_fields_makes_it_star(client: ClientFor) -> None:
    err = HttpError(500, headers={"vary": "Accept-Encoding, *"})
    reply = await (await client(app_with(cors(), raising(err)))).get("/", headers=ORIGIN)
    assert reply.headers["Vary"] == "*"


async def test_origin_is_not_appended_twice_to_the_errors_vary(client: ClientFor) -> None:
    err = HttpError(500, headers={"Vary": "Origin, Accept-Encoding"})
    reply = await (await client(app_with(cors(), raising(err)))).get("/", headers=ORIGIN)
    assert reply.headers["Vary"] == "Origin, Accept-Encoding"


async def test_the_errors_other_headers_are_kept(client: ClientFor) -> None:
    err = HttpError(429, headers={"Retry-After": "30"})
    reply = await (await client(app_with(cors(), raising(err)))).get("/", headers=ORIGIN)
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "30"
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_any_exception_carries_the_headers(client: ClientFor) -> None:
    class Teapot(Exception):
        status = 418
        expose = True

    reply = await (await client(app_with(cors(), raising(Teapot("short and stout"))))).get(
        "/", headers=ORIGIN
    )
    assert (reply.status, reply.text) == (418, "short and stout")
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


async def test_an_error_with_read_only_headers_is_updated_in_place(client: ClientFor) -> None:
    class ReadOnly(Exception):
        def __init__(self) -> None:
            super().__init__("read-only")
            self._headers: dict[str, Any] = {"X-Own": "1"}

        @property
        def headers(self) -> Mapping[str, Any]:
            return self._headers

    reply = await (await client(app_with(cors(), raising(ReadOnly())))).get("/", headers=ORIGIN)
    assert reply.status == 500
    assert reply.headers["X-Own"] == "1"
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.headers["Vary"] == "Origin"


async def test_an_error_raised_before_cors_runs_has_no_cors_headers(client: ClientFor) -> None:
    async def fail_first(ctx: Context, next: Next) -> None:
        raise RuntimeError("before")

    reply = await (await client(app_with(fail_first, cors()))).get("/", headers=ORIGIN)
    assert reply.status == 500
    assert "Access-Control-Allow-Origin" not in reply.headers
