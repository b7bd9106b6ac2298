"""@koa/bodyparser's behaviour lines B01-B29 (spec §7.2), through real HTTP."""

from __future__ import annotations

import gzip
import io
import json
import warnings
from typing import Any

import aiohttp
import pytest
from aiohttp.web_exceptions import NotAppKeyWarning

from koa.bodyparser import BodyParserContext, UnsupportedBodyTypeError, bodyparser
from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor, Serve

JSON_CT = {"Content-Type": "application/json"}
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded"}


async def echo(ctx: BodyParserContext, next: Next) -> None:
    ctx.body = {"body": ctx.request.body, "raw_body": ctx.request.raw_body}


def create_app(*upstream: Any, **options: Any) -> Koa:
    app = Koa(silent=True)
    for mw in upstream:
        app.use(mw)
    app.use(bodyparser(**options))
    app.use(echo)
    return app


async def test_b01_a_second_bodyparser_is_a_no_op(client: ClientFor) -> None:
    app = Koa(silent=True).use(bodyparser()).use(bodyparser()).use(echo)
    reply = await (await client(app)).post("/", json={"foo": "bar"})
    assert reply.status == 200
    assert reply.json() == {"body": {"foo": "bar"}, "raw_body": '{"foo": "bar"}'}


async def test_b02_vnd_api_json_is_parsed(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b'{"foo": "bar"}', headers={"Content-Type": "application/vnd.api+json"}
    )
    assert reply.json() == {"body": {"foo": "bar"}, "raw_body": '{"foo": "bar"}'}


async def test_b03_a_trailing_semicolon_in_the_content_type_is_tolerated(
    client: ClientFor,
) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b'{"foo": "bar"}', headers={"Content-Type": "application/json;charset=utf-8;"}
    )
    assert reply.json()["body"] == {"foo": "bar"}


async def test_b04_json_patch_array_is_parsed_on_patch(client: ClientFor) -> None:
    patch = [{"op": "add", "path": "/foo", "value": "bar"}]
    raw = json.dumps(patch)
    reply = await (await client(create_app())).patch(
        "/", data=raw.encode(), headers={"Content-Type": "application/json-patch+json"}
    )
    assert reply.json() == {"body": patch, "raw_body": raw}


async def test_b05_json_over_json_limit_is_413(client: ClientFor) -> None:
    reply = await (await client(create_app(json_limit=100))).post("/", json={"x": "y" * 200})
    assert (reply.status, reply.text) == (413, "request entity too large")


async def test_b06_strict_json_rejects_a_bare_string(client: ClientFor) -> None:
    reply = await (await client(create_app(json_limit=100))).post(
        "/", data=b'"invalid"', headers=JSON_CT
    )
    assert (reply.status, reply.text) == (400, "Bad Request")


async def test_b07_non_strict_json_accepts_a_string(client: ClientFor) -> None:
    async def echo_text(ctx: BodyParserContext, next: Next) -> None:
        ctx.body = ctx.request.body
        ctx.set("X-Raw", ctx.request.raw_body or "")

    app = Koa(silent=True).use(bodyparser(json_strict=False)).use(echo_text)
    reply = await (await client(app)).post("/", data=b'"valid"', headers=JSON_CT)
    assert (reply.status, reply.text, reply.headers["X-Raw"]) == (200, "valid", '"valid"')


def _json_path(ctx: Context) -> bool:
    return ctx.path.endswith(".json")


async def test_b08_detect_json_parses_a_form_typed_body_as_json(client: ClientFor) -> None:
    reply = await (await client(create_app(detect_json=_json_path))).post(
        "/foo.json", data=b'{"foo":"bar"}', headers=FORM_CT
    )
    assert reply.json()["body"] == {"foo": "bar"}


async def test_b09_detect_json_false_falls_back_to_the_content_type(client: ClientFor) -> None:
    reply = await (await client(create_app(detect_json=_json_path))).post(
        "/foo", data=b'{"foo":"bar"}', headers=FORM_CT
    )
    assert reply.json() == {"body": {'{"foo":"bar"}': ""}, "raw_body": '{"foo":"bar"}'}


async def test_b10_form_brackets_nest(client: ClientFor) -> None:
    reply = await (await client(create_app())).post("/", data=b"foo%5Bbar%5D=baz", headers=FORM_CT)
    assert reply.json() == {"body": {"foo": {"bar": "baz"}}, "raw_body": "foo%5Bbar%5D=baz"}


async def test_b11_form_over_form_limit_is_413(client: ClientFor) -> None:
    reply = await (await client(create_app(form_limit=10))).post(
        "/", data=b"foo=bar&baz=qux&x=y", headers=FORM_CT
    )
    assert reply.status == 413


async def test_b12_text_when_enabled(client: ClientFor) -> None:
    reply = await (await client(create_app(enable_types=["text", "json"]))).post(
        "/", data=b"body", headers={"Content-Type": "text/plain"}
    )
    assert reply.json() == {"body": "body", "raw_body": "body"}


async def test_b13_text_is_not_parsed_by_default(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b"body", headers={"Content-Type": "text/plain"}
    )
    assert reply.json() == {"body": {}, "raw_body": None}


async def test_b14_xml_when_enabled_default_off_and_limited(client: ClientFor) -> None:
    xml = b"<xml>abc</xml>"
    headers = {"Content-Type": "application/xml"}
    on = await (await client(create_app(enable_types=["xml"]))).post("/", data=xml, headers=headers)
    assert on.json() == {"body": "<xml>abc</xml>", "raw_body": "<xml>abc</xml>"}
    off = await (await client(create_app())).post("/", data=xml, headers=headers)
    assert off.json()["body"] == {}
    small = await (await client(create_app(enable_types=["xml"], xml_limit=10))).post(
        "/", data=xml, headers=headers
    )
    assert small.status == 413


async def test_b15_extend_types_adds_html_to_text(client: ClientFor) -> None:
    html = b"<h1>abc</h1>"
    headers = {"Content-Type": "text/html"}
    app = create_app(enable_types=["text"], extend_types={"text": ["text/html"]})
    reply = await (await client(app)).post("/", data=html, headers=headers)
    assert reply.json()["body"] == "<h1>abc</h1>"
    default = await (await client(create_app())).post("/", data=html, headers=headers)
    assert default.json()["body"] == {}


async def test_b16_unsupported_type_gives_empty_body_and_no_raw_body(client: ClientFor) -> None:
    # B16's patchNode half has no equivalent here (no Node request to patch).
    reply = await (await client(create_app())).post(
        "/", data=b"\x00\x01", headers={"Content-Type": "application/octet-stream"}
    )
    assert reply.json() == {"body": {}, "raw_body": None}


@pytest.mark.parametrize(
    "extra", [["application/x-javascript"], ["application/x-javascript", "application/y-json"]]
)
async def test_b17_extend_types_adds_json_types(client: ClientFor, extra: list[str]) -> None:
    app = create_app(extend_types={"json": extra})
    for mime in extra:
        reply = await (await client(app)).post(
            "/", data=b'{"foo":"bar"}', headers={"Content-Type": mime}
        )
        assert reply.json()["body"] == {"foo": "bar"}


async def test_b18_extend_types_adds_custom_xml(client: ClientFor) -> None:
    app = create_app(enable_types=["xml"], extend_types={"xml": ["application/xml-custom"]})
    reply = await (await client(app)).post(
        "/", data=b"<xml>abc</xml>", headers={"Content-Type": "application/xml-custom"}
    )
    assert reply.json()["body"] == "<xml>abc</xml>"


@pytest.mark.parametrize(
    "options",
    [
        {"extend_types": {"jsony": ["application/x-javascript"]}},
        {"extend_types": {"json": "application/x-javascript"}},
        {"extend_types": {"json": [None]}},
        {"extend_types": {"json": [""]}},
        {"enable_types": ["json", "yaml"]},
        {"enable_types": "json"},
    ],
)
def test_b19_bad_types_raise_at_construction(options: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedBodyTypeError):
        bodyparser(**options)


async def test_b20_json_is_ignored_when_only_form_is_enabled(client: ClientFor) -> None:
    reply = await (await client(create_app(enable_types=["form"]))).post("/", json={"a": 1})
    assert reply.json() == {"body": {}, "raw_body": None}


async def test_b21_get_is_not_parsed_and_body_is_none(client: ClientFor) -> None:
    async def echo_body(ctx: BodyParserContext, next: Next) -> None:
        assert ctx.request.body is None
        ctx.body = ctx.request.body

    app = Koa(silent=True).use(bodyparser()).use(echo_body)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.body) == (204, b"")


async def test_b22_on_error_may_throw_its_own_error(client: ClientFor) -> None:
    def on_error(err: Exception, ctx: Context) -> None:
        ctx.throw(422, "custom parse error")

    reply = await (await client(create_app(on_error=on_error))).post(
        "/", data=b"test", headers=JSON_CT
    )
    assert (reply.status, reply.text) == (422, "custom parse error")


async def test_b22_an_async_on_error_that_returns_lets_the_request_through(
    client: ClientFor,
) -> None:
    seen: list[int] = []

    async def on_error(err: Exception, ctx: Context) -> None:
        seen.append(getattr(err, "status", 0))

    reply = await (await client(create_app(on_error=on_error))).post(
        "/", data=b"{bad", headers=JSON_CT
    )
    assert (reply.status, reply.json(), seen) == (200, {"body": None, "raw_body": None}, [400])


async def test_b23_disable_body_parser_upstream_skips_it(client: ClientFor) -> None:
    async def disable(ctx: Context, next: Next) -> None:
        ctx.disable_body_parser = True  # type: ignore[attr-defined]
        await next()

    async def echo_body(ctx: BodyParserContext, next: Next) -> None:
        assert ctx.request.raw_body is None
        ctx.body = ctx.request.body

    app = Koa(silent=True).use(disable).use(bodyparser()).use(echo_body)
    reply = await (await client(app)).post("/", json={"foo": "bar"})
    assert (reply.status, reply.body) == (204, b"")


async def test_b24_enable_raw_checking_uses_a_body_on_the_aiohttp_request(
    client: ClientFor,
) -> None:
    async def store(ctx: Context, next: Next) -> None:
        with warnings.catch_warnings():  # aiohttp prefers RequestKey keys
            warnings.simplefilter("ignore", NotAppKeyWarning)
            ctx.req["body"] = {"rawFoo": "rawBar"}
        await next()

    with_raw = create_app(store, enable_raw_checking=True)
    reply = await (await client(with_raw)).post("/", json={"foo": "bar"})
    assert reply.json()["body"] == {"rawFoo": "rawBar"}
    without_raw = create_app(enable_raw_checking=True)
    reply = await (await client(without_raw)).post("/", json={"foo": "bar"})
    assert reply.json()["body"] == {"foo": "bar"}


async def test_b25_a_closed_request_gets_499_without_running_downstream(serve: Serve) -> None:
    seen: list[tuple[int, object]] = []
    downstream: list[bool] = []

    async def record(ctx: Context, next: Next) -> None:
        await next()
        seen.append((ctx.status, ctx.body))

    async def close(ctx: Context, next: Next) -> None:
        if ctx.path == "/close":
            transport = ctx.req.transport
            assert transport is not None
            transport.close()
        await next()

    async def never(ctx: Context, next: Next) -> None:
        downstream.append(True)

    app = Koa(silent=True).use(record).use(close).use(bodyparser()).use(never)
    url = await serve(app)
    async with Client(url) as c:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await c.post("/close", json={"a": 1})
    assert (seen, downstream) == ([(499, "Request already closed")], [])
    async with Client(url) as c:
        assert (await c.post("/", json={"a": 1})).status == 404
    assert downstream == [True]


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{bad", 400), (b"123", 400), (b'{"__proto__":{"x":1}}', 400), (b'{"a":"\\u0000"}', 200)],
)
async def test_b26_invalid_json_is_400_bad_request_not_exposed(
    client: ClientFor, body: bytes, status: int
) -> None:
    reply = await (await client(create_app())).post("/", data=body, headers=JSON_CT)
    assert reply.status == status
    if status == 400:
        assert (reply.text, reply.headers["Content-Type"]) == (
            "Bad Request",
            "text/plain; charset=utf-8",
        )


async def test_b26_empty_json_is_an_empty_object_with_empty_raw_body(client: ClientFor) -> None:
    reply = await (await client(create_app())).post("/", data=b"", headers=JSON_CT)
    assert reply.json() == {"body": {}, "raw_body": ""}


async def test_b26_json_over_the_limit_is_413_with_message(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=io.BytesIO(b'{"a":"' + b"x" * (1 << 20) + b'"}'), headers=JSON_CT
    )
    assert (reply.status, reply.text) == (413, "request entity too large")


async def test_b27_form_nesting_arrays_dots_and_proto_dropped(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b"a[b]=1&c=2&c=3&d.e=4&__proto__[x]=1", headers=FORM_CT
    )
    assert reply.json()["body"] == {"a": {"b": "1"}, "c": ["2", "3"], "d": {"e": "4"}}


async def test_b27_a_60kb_form_is_413(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b"a=" + b"x" * 60_000, headers=FORM_CT
    )
    assert reply.status == 413


async def test_b28_delete_is_not_parsed(client: ClientFor) -> None:
    reply = await (await client(create_app())).delete("/", json={"a": 1})
    assert reply.json() == {"body": None, "raw_body": None}


@pytest.mark.parametrize("headers", [{"Content-Type": "application/octet-stream"}, {}])
async def test_b28_octet_stream_or_no_type_is_an_empty_body(
    client: ClientFor, headers: dict[str, str]
) -> None:
    reply = await (await client(create_app())).post("/", data=b"abc", headers=headers)
    assert reply.json() == {"body": {}, "raw_body": None}


async def test_b29_gzip_json_is_inflated(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/",
        data=gzip.compress(b'{"foo":"bar"}'),
        headers={**JSON_CT, "Content-Encoding": "gzip"},
    )
    assert reply.json() == {"body": {"foo": "bar"}, "raw_body": '{"foo":"bar"}'}


async def test_b29_gzip_bomb_is_413_on_the_inflated_size(client: ClientFor) -> None:
    bomb = gzip.compress(b'{"a":"' + b"x" * (2 << 20) + b'"}')
    assert len(bomb) < 10_000
    reply = await (await client(create_app())).post(
        "/", data=bomb, headers={**JSON_CT, "Content-Encoding": "gzip"}
    )
    assert (reply.status, reply.text) == (413, "request entity too large")


async def test_b29_unknown_content_encoding_is_415(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b'{"a":1}', headers={**JSON_CT, "Content-Encoding": "foo"}
    )
    assert (reply.status, reply.text) == (415, "Unsupported Media Type")


async def test_b29_the_request_charset_is_ignored(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b'{"a":1}', headers={"Content-Type": "application/json; charset=foo"}
    )
    assert reply.json()["body"] == {"a": 1}
