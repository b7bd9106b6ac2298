"""@koa/bodyparser's answers for a parsable type without a body, and for a
gzip body of several members (issue 17, item 10). Raw bytes over a socket:
an HTTP client would add a ``Content-Length: 0`` to a bodiless POST.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from typing import Any

import pytest

from koa.bodyparser import BodyParserContext, bodyparser
from koa.core import Koa, Next
from koa.core.testing import Serve


def echo_app(**options: Any) -> Koa:
    app = Koa(silent=True)
    app.use(bodyparser(enable_types=["json", "form", "text"], **options))

    async def echo(ctx: BodyParserContext, next: Next) -> None:
        ctx.body = {"body": ctx.request.body, "raw": ctx.request.raw_body}

    app.use(echo)
    return app


async def post_raw(url: str, headers: str, body: bytes = b"") -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        head = f"POST / HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n"
        writer.write(head.encode("latin-1") + body)
        answer = await reader.read()
    finally:
        writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", {}), ("application/x-www-form-urlencoded", {}), ("text/plain", "")],
)
async def test_a_parsable_type_without_a_body_has_an_empty_raw_body(
    serve: Serve, content_type: str, body: Any
) -> None:
    status, answer = await post_raw(await serve(echo_app()), f"Content-Type: {content_type}\r\n")
    assert (status, json.loads(answer)) == (200, {"body": body, "raw": ""})


async def test_an_unparsable_type_without_a_body_has_no_raw_body(serve: Serve) -> None:
    url = await serve(echo_app())
    status, answer = await post_raw(url, "Content-Type: application/octet-stream\r\n")
    assert (status, json.loads(answer)) == (200, {"body": {}, "raw": None})


async def test_a_type_pattern_matches_without_a_body(serve: Serve) -> None:
    app = echo_app(extend_types={"json": ["application/*+json"]})
    status, answer = await post_raw(await serve(app), "Content-Type: application/x-y+json\r\n")
    assert (status, json.loads(answer)) == (200, {"body": {}, "raw": ""})


def gzip_request(body: bytes) -> tuple[str, bytes]:
    headers = (
        "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
        f"Content-Length: {len(body)}\r\n"
    )
    return headers, body


async def test_every_member_of_a_multi_member_gzip_body_is_inflated(serve: Serve) -> None:
    headers, body = gzip_request(gzip.compress(b'{"a":') + gzip.compress(b"1}"))
    status, answer = await post_raw(await serve(echo_app()), headers, body)
    assert (status, json.loads(answer)) == (200, {"body": {"a": 1}, "raw": '{"a":1}'})


async def test_gzip_members_count_against_the_limit_together(serve: Serve) -> None:
    member = gzip.compress(b" " * 600)
    headers, body = gzip_request(member + member + gzip.compress(b"{}"))
    status, answer = await post_raw(await serve(echo_app(json_limit=1000)), headers, body)
    assert (status, answer) == (413, b"request entity too large")


async def test_garbage_after_a_gzip_member_is_a_400(serve: Serve) -> None:
    headers, body = gzip_request(gzip.compress(b'{"a":1}') + b"garbage")
    status, answer = await post_raw(await serve(echo_app()), headers, body)
    assert (status, answer) == (400, b"invalid compressed body")


async def test_data_after_a_deflate_body_is_a_400(serve: Serve) -> None:
    """Only gzip has members: a zlib stream ends once."""
    deflated = zlib.compress(b'{"a":1}')
    headers = (
        "Content-Type: application/json\r\nContent-Encoding: deflate\r\n"
        f"Content-Length: {2 * len(deflated)}\r\n"
    )
    status, answer = await post_raw(await serve(echo_app()), headers, deflated + deflated)
    assert (status, answer) == (400, b"invalid compressed body")


# -- kept differences (issue 17, item 15), documented in "Coming from Koa.js" --


async def test_extend_types_keeps_the_default_types(serve: Serve) -> None:
    """@koa/bodyparser replaces a kind's types with extend_types; here they are added."""
    app = echo_app(extend_types={"json": ["application/x-custom"]})
    url = await serve(app)
    for mime in ("application/x-custom", "application/json"):
        status, answer = await post_raw(
            url, f"Content-Type: {mime}\r\nContent-Length: 7\r\n", b'{"a":1}'
        )
        assert (status, json.loads(answer)["body"]) == (200, {"a": 1}), mime


async def test_a_content_encoding_in_capitals_is_accepted(serve: Serve) -> None:
    """Content codings are case-insensitive (RFC 9110); Koa answers 415 to ``GZIP``."""
    body = gzip.compress(b'{"a":1}')
    headers = (
        "Content-Type: application/json\r\nContent-Encoding: GZIP\r\n"
        f"Content-Length: {len(body)}\r\n"
    )
    status, answer = await post_raw(await serve(echo_app()), headers, body)
    assert (status, json.loads(answer)["body"]) == (200, {"a": 1})
