"""koa-etag's and koa-conditional-get's tests, through real HTTP, with the tags
the npm etag package gives (values taken from their test suites)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.etag import conditional_get, entity_tag, etag


def app_with(*middleware: object) -> Koa:
    app = Koa()
    for mw in middleware:
        app.use(mw)  # type: ignore[arg-type]
    return app


def answering(body: object, status: int | None = None) -> object:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = body
        if status is not None:
            ctx.status = status

    return handler


async def test_a_missing_body_gets_no_etag(client: ClientFor) -> None:
    async def nothing(ctx: Context, next: Next) -> None:
        pass

    reply = await (await client(app_with(etag(), nothing))).get("/")
    assert reply.status == 404
    assert "ETag" not in reply.headers


async def test_an_existing_etag_is_kept(client: ClientFor) -> None:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = {"hi": "etag"}
        ctx.etag = "etaghaha"

    reply = await (await client(app_with(etag(), handler))).get("/")
    assert reply.headers["ETag"] == '"etaghaha"'
    assert reply.json() == {"hi": "etag"}


async def test_a_string_body_gets_the_etag_packages_tag(client: ClientFor) -> None:
    reply = await (await client(app_with(etag(), answering("Hello World")))).get("/")
    assert reply.headers["ETag"] == '"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"'


async def test_a_bytes_body_gets_the_same_tag(client: ClientFor) -> None:
    reply = await (await client(app_with(etag(), answering(b"Hello World")))).get("/")
    assert reply.headers["ETag"] == '"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"'


async def test_a_json_body_is_tagged_as_json_stringify_writes_it(client: ClientFor) -> None:
    reply = await (await client(app_with(etag(), answering({"foo": "bar"})))).get("/")
    assert reply.headers["ETag"] == '"d-pedE0BZFQNM7HX6mFsKPL6l+dUo"'


async def test_an_empty_bytes_body_gets_the_empty_tag(client: ClientFor) -> None:
    reply = await (await client(app_with(etag(), answering(b"")))).get("/")
    assert reply.headers["ETag"] == '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"'


async def test_an_empty_string_body_gets_none(client: ClientFor) -> None:
    reply = await (await client(app_with(etag(), answering("")))).get("/")
    assert "ETag" not in reply.headers


async def test_weak_true_makes_the_tag_weak(client: ClientFor) -> None:
    reply = await (await client(app_with(etag(weak=True), answering("Hello World")))).get("/")
    assert reply.headers["ETag"] == 'W/"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"'


async def test_a_file_body_gets_a_weak_stat_tag(client: ClientFor, tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"file content\n" * 100)
    os.utime(path, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = path.open("rb")

    reply = await (await client(app_with(etag(), handler))).get("/")
    assert reply.headers["ETag"] == f'W/"{1300:x}-{1_700_000_000_123:x}"'
    assert reply.body == b"file content\n" * 100


async def test_weak_false_makes_the_stat_tag_strong(client: ClientFor, tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"x")
    st = path.stat()

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = path.open("rb")

    reply = await (await client(app_with(etag(weak=False), handler))).get("/")
    assert reply.headers["ETag"] == entity_tag(st, weak=False)
    assert not reply.headers["ETag"].startswith("W/")


async def test_a_stream_of_unknown_content_gets_none(client: ClientFor) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"streamed"

    reply = await (await client(app_with(etag(), answering(chunks())))).get("/")
    assert reply.body == b"streamed"
    assert "ETag" not in reply.headers


@pytest.mark.parametrize("status", [201, 204, 301, 404, 500])
async def test_only_2xx_bodies_are_tagged(client: ClientFor, status: int) -> None:
    reply = await (await client(app_with(etag(), answering("Hello World", status)))).get("/")
    assert ("ETag" in reply.headers) is (status == 201)


async def test_a_large_body_is_tagged_too(client: ClientFor) -> None:
    big = os.urandom(1 << 20)
    reply = await (await client(app_with(etag(), answering(big)))).get("/")
    assert reply.headers["ETag"] == entity_tag(big)
    assert reply.headers["ETag"].startswith('"100000-')


BODY = {"name": "tobi", "species": "ferret", "age": 2}


async def test_a_fresh_request_gets_304(client: ClientFor) -> None:
    c = await client(app_with(conditional_get(), etag(), answering(BODY)))
    first = await c.get("/")
    again = await c.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert first.status == 200
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == first.headers["ETag"]


async def test_a_stale_request_gets_the_body(client: ClientFor) -> None:
    c = await client(app_with(conditional_get(), etag(), answering(BODY)))
    reply = await c.get("/", headers={"If-None-Match": "tobi"})
    assert reply.status == 200
    assert reply.json() == BODY


async def test_a_weak_validator_matches_a_strong_tag(client: ClientFor) -> None:
    c = await client(app_with(conditional_get(), etag(), answering("Hello World")))
    reply = await c.get("/", headers={"If-None-Match": 'W/"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"'})
    assert reply.status == 304


async def test_one_of_several_validators_is_enough(client: ClientFor) -> None:
    c = await client(app_with(conditional_get(), etag(), answering("Hello World")))
    reply = await c.get(
        "/", headers={"If-None-Match": '"nope", "b-Ck1VqNd45QIvq3AZd8XYQLvEhtA" ,"other"'}
    )
    assert reply.status == 304


async def test_a_post_is_never_fresh(client: ClientFor) -> None:
    c = await client(app_with(conditional_get(), etag(), answering("Hello World")))
    reply = await c.post("/", headers={"If-None-Match": '"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"'})
    assert reply.status == 200


async def test_last_modified_makes_a_request_fresh(client: ClientFor) -> None:
    async def handler(ctx: Context, next: Next) -> None:
        ctx.set("Last-Modified", "Tue, 01 Oct 2024 10:00:00 GMT")
        ctx.body = "dated"

    c = await client(app_with(conditional_get(), handler))
    fresh = await c.get("/", headers={"If-Modified-Since": "Wed, 02 Oct 2024 10:00:00 GMT"})
    stale = await c.get("/", headers={"If-Modified-Since": "Mon, 30 Sep 2024 10:00:00 GMT"})
    assert (fresh.status, stale.status) == (304, 200)


async def test_no_cache_makes_it_stale(client: ClientFor) -> None:
    c = await client(app_with(conditional_get(), etag(), answering("Hello World")))
    reply = await c.get(
        "/",
        headers={
            "If-None-Match": '"b-Ck1VqNd45QIvq3AZd8XYQLvEhtA"',
            "Cache-Control": "no-cache",
        },
    )
    assert reply.status == 200
