"""koa-compress's behaviour (its __tests__/index.js and middleware.js), through
real HTTP: what is compressed, with which coding, and what is left alone."""

from __future__ import annotations

import gzip
import os
import zlib

import pytest

from koa.compress import CompressContext, compress
from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor

try:
    import brotli  # type: ignore[import-untyped]
except ImportError:  # the brotli extra is not installed: br is never chosen
    brotli = None

needs_brotli = pytest.mark.skipif(brotli is None, reason="needs the brotli extra")

BUFFER = os.urandom(1024)
STRING = BUFFER.hex()  # 2048 characters of text


def app_with(*middleware: object) -> Koa:
    app = Koa()
    for mw in middleware:
        app.use(mw)  # type: ignore[arg-type]
    return app


async def send_string(ctx: Context, next: Next) -> None:
    ctx.body = STRING


async def send_buffer(ctx: CompressContext, next: Next) -> None:
    ctx.compress = True
    ctx.body = BUFFER


async def test_strings_are_compressed(client: ClientFor) -> None:
    c = await client(app_with(compress(), send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(reply.body).decode() == STRING
    assert int(reply.headers["Content-Length"]) == len(reply.body)


async def test_strings_below_the_threshold_are_not(client: ClientFor) -> None:
    c = await client(app_with(compress(threshold="1mb"), send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Length"] == "2048"
    assert reply.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in reply.headers
    assert reply.text == STRING


async def test_json_bodies_are_compressed_as_json_stringify_writes_them(client: ClientFor) -> None:
    body = {"status": 200, "message": "ok", "data": STRING}

    async def send_json(ctx: Context, next: Next) -> None:
        ctx.body = body

    c = await client(app_with(compress(), send_json))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert gzip.decompress(reply.body) == (
        b'{"status":200,"message":"ok","data":"' + STRING.encode() + b'"}'
    )


async def test_small_json_bodies_are_not(client: ClientFor) -> None:
    async def send_json(ctx: Context, next: Next) -> None:
        ctx.body = {"status": 200, "message": "ok"}

    c = await client(app_with(compress(), send_json))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in reply.headers
    assert reply.json() == {"status": 200, "message": "ok"}


async def test_buffers_are_compressed_when_ctx_compress_is_true(client: ClientFor) -> None:
    c = await client(app_with(compress(), send_buffer))  # octet-stream: filtered out otherwise
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body) == BUFFER


async def test_buffers_of_an_incompressible_type_are_not(client: ClientFor) -> None:
    async def png(ctx: Context, next: Next) -> None:
        ctx.type = "image/png"
        ctx.body = bytes(2048)

    c = await client(app_with(compress(), png))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert "Content-Encoding" not in reply.headers
    assert reply.body == bytes(2048)


async def test_ctx_compress_false_turns_it_off(client: ClientFor) -> None:
    async def handler(ctx: CompressContext, next: Next) -> None:
        ctx.compress = False
        ctx.body = STRING

    c = await client(app_with(compress(), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Length"] == "2048"
    assert reply.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in reply.headers


@needs_brotli
async def test_ctx_compress_dict_overrides_the_options_for_one_response(client: ClientFor) -> None:
    async def handler(ctx: CompressContext, next: Next) -> None:
        ctx.compress = {"threshold": 0, "br": False}
        ctx.body = "tiny"

    c = await client(app_with(compress(), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body) == b"tiny"


async def test_head_requests_are_not_compressed(client: ClientFor) -> None:
    c = await client(app_with(compress(), send_string))
    reply = await c.head("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in reply.headers
    assert reply.headers["Content-Length"] == "2048"


async def test_an_unknown_coding_in_the_list_does_not_break_it(client: ClientFor) -> None:
    c = await client(app_with(compress(), send_buffer))
    reply = await c.get("/", headers={"Accept-Encoding": "sdch, gzip, deflate"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"


async def test_no_accept_encoding_means_no_compression_by_default(client: ClientFor) -> None:
    async def text(ctx: Context, next: Next) -> None:
        ctx.type = "text"
        ctx.body = BUFFER

    c = await client(app_with(compress(threshold=0), text))
    reply = await c.get("/", skip_auto_headers=("Accept-Encoding",))
    assert "Content-Encoding" not in reply.headers
    assert reply.headers["Content-Length"] == "1024"
    assert reply.headers["Vary"] == "Accept-Encoding"


async def test_no_accept_encoding_means_gzip_with_the_standard_default(client: ClientFor) -> None:
    async def text(ctx: Context, next: Next) -> None:
        ctx.type = "text"
        ctx.body = BUFFER

    c = await client(app_with(compress(threshold=0, default_encoding="*"), text))
    reply = await c.get("/", headers={"Accept-Encoding": ""})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body) == BUFFER


async def test_accept_encoding_star_means_the_wildcard_coding(client: ClientFor) -> None:
    c = await client(app_with(compress(wildcard_accept_encoding="deflate"), send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "*"})
    assert reply.headers["Content-Encoding"] == "deflate"


async def test_an_existing_content_encoding_is_left_alone(client: ClientFor) -> None:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.set("Content-Encoding", "identity")
        ctx.type = "text"
        ctx.body = "asdf"

    c = await client(app_with(compress(threshold=0), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.text == "asdf"
    assert reply.headers["Content-Encoding"] == "identity"


@pytest.mark.parametrize(
    "value",
    [
        "no-transform",
        "public, no-transform",
        "no-transform, private",
        "no-transform , max-age=1000",
        "max-age=1000 , no-transform",
    ],
)
async def test_cache_control_no_transform_is_respected(client: ClientFor, value: str) -> None:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.set("Cache-Control", value)
        await next()

    c = await client(app_with(compress(), handler, send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Length"] == "2048"
    assert "Content-Encoding" not in reply.headers


@pytest.mark.parametrize("value", ["not-no-transform", "public", "no-transform-thingy"])
async def test_other_cache_control_values_do_not_stop_it(client: ClientFor, value: str) -> None:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.set("Cache-Control", value)
        await next()

    c = await client(app_with(compress(), handler, send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body).decode() == STRING


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip", "gzip"),
        ("gzip, identity", "gzip"),
        pytest.param("br, gzip", "br", marks=needs_brotli),
        ("gzip, deflate", "gzip"),
        pytest.param("gzip, deflate, br", "br", marks=needs_brotli),
        ("deflate", "deflate"),
        ("identity", None),
        ("gzip;q=0.5, deflate", "deflate"),
        ("br;q=0, *", "gzip"),
    ],
)
async def test_the_coding_chosen(client: ClientFor, accept: str, expected: str | None) -> None:
    c = await client(app_with(compress(), send_string))
    reply = await c.get("/", headers={"Accept-Encoding": accept})
    assert reply.headers.get("Content-Encoding") == expected
    decoded = {
        "gzip": gzip.decompress,
        "deflate": zlib.decompress,
        "br": brotli.decompress if brotli else bytes,
        None: bytes,
    }[expected](reply.body)
    assert decoded == STRING.encode()


async def test_br_can_be_banned(client: ClientFor) -> None:
    c = await client(app_with(compress(br=False), send_buffer))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert reply.headers["Content-Encoding"] == "gzip"


@needs_brotli
async def test_subsequent_requests_negotiate_afresh(client: ClientFor) -> None:
    c = await client(app_with(compress(), send_string))
    first = await c.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    second = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert (first.headers["Content-Encoding"], second.headers["Content-Encoding"]) == ("br", "gzip")


async def test_empty_statuses_and_partial_content_are_not_compressed(client: ClientFor) -> None:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = STRING
        if ctx.path == "/206":
            ctx.status = 206
            ctx.set("Content-Range", "bytes 0-2047/4096")
        elif ctx.path == "/304":
            ctx.status = 304

    c = await client(app_with(compress(), handler))
    partial = await c.get("/206", headers={"Accept-Encoding": "gzip"})
    not_modified = await c.get("/304", headers={"Accept-Encoding": "gzip"})
    assert partial.status == 206 and "Content-Encoding" not in partial.headers
    assert partial.text == STRING
    assert not_modified.status == 304 and "Content-Encoding" not in not_modified.headers


async def test_the_filter_decides_by_type(client: ClientFor) -> None:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.type = "text/plain" if ctx.path == "/text" else "text/html"
        ctx.body = STRING

    c = await client(app_with(compress(filter=lambda t: t == "text/plain"), handler))
    text = await c.get("/text", headers={"Accept-Encoding": "gzip"})
    html = await c.get("/html", headers={"Accept-Encoding": "gzip"})
    assert text.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in html.headers


async def test_functional_options_see_type_and_size(client: ClientFor) -> None:
    seen: list[tuple[str, int | None]] = []

    def gzip_option(mime: str, size: int | None, ctx: Context) -> object:
        seen.append((mime, size))
        return {"level": 9} if size and size < 65536 else False

    c = await client(app_with(compress(gzip=gzip_option, br=False), send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip, deflate"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert seen == [("text/plain", 2048)]


async def test_a_threshold_function_decides_per_response(client: ClientFor) -> None:
    c = await client(app_with(compress(threshold=lambda mime, size, ctx: "4kb"), send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in reply.headers


async def test_compression_levels_are_applied(client: ClientFor) -> None:
    text = "hello compression " * 2000

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = text

    fast = await client(app_with(compress(gzip={"level": 1}), handler))
    best = await client(app_with(compress(gzip={"level": 9}), handler))
    quick = await fast.get("/", headers={"Accept-Encoding": "gzip"})
    small = await best.get("/", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(quick.body) == gzip.decompress(small.body) == text.encode()
    assert len(small.body) < len(quick.body)


@needs_brotli
async def test_brotli_uses_quality_4_by_default(client: ClientFor) -> None:
    text = "".join(f"line {i}: {i * i}\n" for i in range(5000))

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = text

    c = await client(app_with(compress(), handler))
    reply = await c.get("/", headers={"Accept-Encoding": "br"})
    expected = brotli.Compressor(quality=4)
    assert reply.body == expected.process(text.encode()) + expected.finish()


async def test_errors_downstream_pass_through(client: ClientFor) -> None:
    async def boom(ctx: Context, next: Next) -> None:
        ctx.throw(418, "teapot")

    c = await client(app_with(compress(), boom))
    reply = await c.get("/", headers={"Accept-Encoding": "gzip"})
    assert (reply.status, reply.text) == (418, "teapot")


async def test_zstd_is_used_when_asked_for_and_accepted(client: ClientFor) -> None:
    zstandard = pytest.importorskip("zstandard")  # the zstd extra
    c = await client(app_with(compress(zstd=True), send_string))
    preferred = await c.get("/", headers={"Accept-Encoding": "gzip, br, zstd"})
    assert preferred.headers["Content-Encoding"] == "zstd"
    decoded = zstandard.ZstdDecompressor().decompressobj().decompress(preferred.body)
    assert decoded == STRING.encode()


async def test_zstd_is_off_by_default(client: ClientFor) -> None:
    c = await client(app_with(compress(), send_string))
    reply = await c.get("/", headers={"Accept-Encoding": "zstd, deflate"})
    assert reply.headers["Content-Encoding"] == "deflate"
