"""Koa's respond(): how the finished context becomes an HTTP response.

Ported from Koa's ``__tests__/application/respond.test.js`` (K001-K030,
K052-K083 of the behaviour spec); streams are in ``test_core_app_stream.py``.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from koa.core import STATUS_CODES, UNSET, Context, Koa, Middleware, Next
from koa.core.testing import ClientFor

TXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
BIN = "application/octet-stream"


def app_with(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app


# -- ctx.respond = False ------------------------------------------------------


async def test_respond_false_lets_middleware_write_the_raw_response(client: ClientFor) -> None:
    """Respond false lets middleware write the raw response (K001)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "Hello"
        ctx.respond = False
        res = ctx.res
        res.set_status(200)
        res.content_type = "text/plain"
        res.content_length = 3
        await res.prepare(ctx.req)
        await res.write(b"lol")
        await res.write_eof()

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "lol")


async def test_respond_false_ignores_headers_set_after_the_raw_end(client: ClientFor) -> None:
    """Respond false ignores headers set after the raw end (K002)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "Hello"
        ctx.respond = False
        await ctx.res.prepare(ctx.req)
        await ctx.res.write(b"lol")
        await ctx.res.write_eof()
        ctx.set("foo", "bar")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "lol")
    assert "foo" not in reply.headers


async def test_respond_false_ignores_status_set_after_the_raw_end(client: ClientFor) -> None:
    """Respond false ignores status set after the raw end (K003)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.respond = False
        ctx.res.set_status(200)
        await ctx.res.prepare(ctx.req)
        await ctx.res.write(b"lol")
        await ctx.res.write_eof()
        ctx.status = 201

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "lol")


async def test_headers_written_raw_without_end_are_finished_without_error(
    client: ClientFor,
) -> None:
    """Headers written raw without end are finished without error (K014)."""
    errors: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.res.content_type = "text/html"
        await ctx.res.prepare(ctx.req)
        await ctx.res.write(b"Hello")

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    reply = await (await client(app)).get("/")
    assert reply.status == 200
    assert reply.text == "Hello"
    assert errors == []


async def test_raw_writes_across_ticks_are_all_sent(client: ClientFor) -> None:
    """Raw writes across ticks are all sent (K015)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        await ctx.res.prepare(ctx.req)
        await ctx.res.write(b"Hello")
        await asyncio.sleep(0)
        await ctx.res.write(b"Goodbye")
        await ctx.res.write_eof()

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "HelloGoodbye")


# -- HEAD ---------------------------------------------------------------------


async def test_empty_body_with_type_none_has_no_content_type(client: ClientFor) -> None:
    """Empty body with type none has no content type (K004)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = ""
        ctx.type = None

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 200
    assert "Content-Type" not in reply.headers
    assert reply.headers["Content-Length"] == "0"


async def test_non_empty_body_without_type_is_sent_as_binary(client: ClientFor) -> None:
    """K004 (deviation: aiohttp adds ``application/octet-stream`` to a non-empty
    body without a type; Koa sends none)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "abc"
        ctx.type = None

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "abc")
    assert reply.headers["Content-Type"] == BIN


async def test_head_of_a_string_body_keeps_type_and_length(client: ClientFor) -> None:
    """Head of a string body keeps type and length (K005)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "Hello"

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == TXT
    assert reply.headers["Content-Length"] == "5"
    assert reply.body == b""


async def test_head_of_a_json_body_keeps_type_and_length(client: ClientFor) -> None:
    """Head of a json body keeps type and length (K006)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"hello": "world"}

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == JSON
    assert reply.headers["Content-Length"] == "17"
    assert reply.body == b""


async def test_head_of_a_longer_string_body_has_its_length(client: ClientFor) -> None:
    """Head of a longer string body has its length (K007)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "hello world"

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == TXT
    assert reply.headers["Content-Length"] == "11"


async def test_head_of_a_bytes_body_is_binary_with_length(client: ClientFor) -> None:
    """Head of a bytes body is binary with length (K008)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = b"hello world"

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == BIN
    assert reply.headers["Content-Length"] == "11"


async def test_head_of_a_file_stream_keeps_the_length_set(client: ClientFor) -> None:
    """Head of a file stream keeps the length set (K009)."""
    size = os.path.getsize(__file__)

    async def mw(ctx: Context, next: Next) -> None:
        ctx.length = size
        ctx.body = open(__file__, "rb")  # noqa: SIM115 - closed by Koa

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Length"] == str(size)
    assert reply.body == b""


async def test_head_with_nothing_set_is_a_bare_404(client: ClientFor) -> None:
    """Head with nothing set is a bare 404 (K010)."""

    async def mw(ctx: Context, next: Next) -> None:
        pass

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 404
    assert reply.body == b""
    assert "Content-Type" not in reply.headers
    assert "Content-Length" not in reply.headers


async def test_head_of_an_empty_string_body_is_200(client: ClientFor) -> None:
    """Head of an empty string body is 200 (K011)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = ""

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200


async def test_head_keeps_an_explicit_type_without_body(client: ClientFor) -> None:
    """Head keeps an explicit type without body (K012)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.type = "application/javascript"

    reply = await (await client(app_with(mw))).head("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/javascript")


# -- status without body -----------------------------------------------------


async def test_app_without_middleware_answers_404_not_found(client: ClientFor) -> None:
    """App without middleware answers 404 not found (K013)."""
    reply = await (await client(Koa())).get("/")
    assert (reply.status, reply.text) == (404, "Not Found")


async def test_error_status_without_body_sends_its_reason_phrase(client: ClientFor) -> None:
    """Error status without body sends its reason phrase (K016)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 400

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (400, "Bad Request")
    assert reply.headers["Content-Length"] == "11"


@pytest.mark.parametrize(("status", "kid"), [(204, "K017"), (205, "K018"), (304, "K019")])
async def test_empty_status_sends_no_body_and_no_type(
    client: ClientFor, status: int, kid: str
) -> None:
    """Empty status sends no body and no type (K017, K018, K019)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = status

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == status
    assert reply.body == b""
    assert "Content-Type" not in reply.headers


async def test_custom_status_from_the_table_is_its_body_and_reason(
    client: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Custom status from the table is its body and reason (K020)."""
    monkeypatch.setitem(STATUS_CODES, 700, "custom status")

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 700

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.reason, reply.text) == (700, "custom status", "custom status")


async def test_message_set_is_the_reason_phrase_and_the_body(client: ClientFor) -> None:
    """Message set is the reason phrase and the body (K021)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.message = "ok"

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.reason, reply.text) == (200, "ok", "ok")


async def test_status_without_a_phrase_sends_the_number(client: ClientFor) -> None:
    """Status without a phrase sends the number (K022)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 701

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (701, "701")


async def test_status_without_body_sends_its_phrase_as_text(client: ClientFor) -> None:
    """Status without body sends its phrase as text (K076)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 201

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (201, "Created")
    assert reply.headers["Content-Type"] == TXT


async def test_message_set_with_a_body_is_only_the_reason_phrase(client: ClientFor) -> None:
    """Message set with a body is only the reason phrase (K077)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.message = "Yay"
        ctx.body = "b"

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.reason, reply.text) == ("Yay", "b")


# -- None (null) and UNSET (undefined) bodies ---------------------------------


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (None, None, 204),  # K023
        (200, None, 204),  # K024
        (205, None, 205),  # K025
        (304, None, 304),  # K026
        (None, UNSET, 204),  # K027
        (200, UNSET, 204),  # K028
    ],
)
async def test_null_or_unset_body_is_an_empty_response(
    client: ClientFor, status: int | None, body: object, expected: int
) -> None:
    """Null or unset body is an empty response (K023, K024, K025, K026, K027, K028)."""

    async def mw(ctx: Context, next: Next) -> None:
        if status is not None:
            ctx.status = status
        ctx.body = body

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == expected
    assert reply.body == b""
    assert "Content-Type" not in reply.headers


async def test_null_body_then_404_is_an_empty_404(client: ClientFor) -> None:
    """Null body then 404 is an empty 404 (K061)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = None
        ctx.status = 404

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (404, b"")


async def test_null_body_then_401_is_empty_with_length_zero(client: ClientFor) -> None:
    """Null body then 401 is empty with length zero (K062, K063)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = None
        ctx.status = 401

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (401, b"")
    assert "Transfer-Encoding" not in reply.headers
    assert "Content-Type" not in reply.headers
    assert reply.headers["Content-Length"] == "0"


async def test_null_body_ignores_a_length_set_afterwards(client: ClientFor) -> None:
    """Null body ignores a length set afterwards (K064)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = None
        ctx.length = 10
        ctx.status = 404

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 404
    assert reply.headers["Content-Length"] == "0"
    assert reply.body == b""


async def test_null_body_marks_an_explicit_null(client: ClientFor) -> None:
    """Null body marks an explicit null (K066)."""
    seen: list[bool] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = None
        seen.append(ctx.response._explicit_null_body)

    reply = await (await client(app_with(mw))).get("/")
    assert seen == [True]
    assert reply.status == 204


async def test_unset_empty_and_false_bodies_are_not_explicit_nulls(client: ClientFor) -> None:
    """Unset empty and false bodies are not explicit nulls (K067)."""
    seen: list[bool] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = UNSET
        seen.append(ctx.response._explicit_null_body)
        ctx.body = ""
        seen.append(ctx.response._explicit_null_body)
        ctx.body = False
        seen.append(ctx.response._explicit_null_body)

    reply = await (await client(app_with(mw))).get("/")
    assert seen == [False, False, False]
    assert reply.status == 204


async def test_json_type_with_null_body_sends_json_null_with_status_unset(
    client: ClientFor,
) -> None:
    """Json type with null body sends json null with status unset (K070)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.type = "json"
        ctx.body = None

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (404, "null")
    assert reply.headers["Content-Type"] == JSON
    assert reply.headers["Content-Length"] == "4"


async def test_json_type_with_null_body_and_200_sends_json_null(client: ClientFor) -> None:
    """Json type with null body and 200 sends json null (K071)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.type = "json"
        ctx.body = None

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "null")
    assert reply.headers["Content-Type"] == JSON


async def test_null_body_then_an_object_stays_204(client: ClientFor) -> None:
    """Null body then an object stays 204 (K078)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = None
        ctx.body = {"a": 1}

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (204, b"")


async def test_null_body_then_500_is_empty_with_length_zero(client: ClientFor) -> None:
    """Null body then 500 is empty with length zero (K079)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = None
        ctx.status = 500

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (500, b"")
    assert reply.headers["Content-Length"] == "0"
    assert "Content-Type" not in reply.headers


async def test_unset_body_then_404_sends_not_found(client: ClientFor) -> None:
    """Unset body then 404 sends not found (K079)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = UNSET
        ctx.status = 404

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (404, "Not Found")


async def test_body_reset_to_unset_is_204_without_type_or_length(client: ClientFor) -> None:
    """Body reset to unset is 204 without type or length (K080)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "x"
        ctx.body = UNSET

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (204, b"")
    assert "Content-Type" not in reply.headers
    assert "Content-Length" not in reply.headers


# -- str, bytes and JSON bodies -------------------------------------------------


async def test_string_body_is_sent(client: ClientFor) -> None:
    """String body is sent (K029)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "Hello"

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "Hello")


async def test_bytes_body_is_sent_as_binary(client: ClientFor) -> None:
    """Bytes body is sent as binary (K030)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = b"Hello"

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (200, b"Hello")
    assert reply.headers["Content-Type"] == BIN


async def test_object_body_is_compact_json(client: ClientFor) -> None:
    """Object body is compact json (K052)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"hello": "world"}

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Type"] == JSON
    assert reply.text == '{"hello":"world"}'


async def test_json_body_after_flushed_headers_is_written(client: ClientFor) -> None:
    """Json body after flushed headers is written (K053)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.length = 17
        ctx.type = "json"
        ctx.set("foo", "bar")
        await ctx.flush_headers()
        ctx.body = {"hello": "world"}

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Type"] == JSON
    assert reply.headers["Content-Length"] == "17"
    assert reply.headers["foo"] == "bar"
    assert reply.text == '{"hello":"world"}'


async def test_string_body_has_its_byte_length(client: ClientFor) -> None:
    """String body has its byte length (K068)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "hello world"

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Length"] == "11"


async def test_transfer_encoding_set_before_a_string_body_blocks_its_length(
    client: ClientFor,
) -> None:
    """K069 (deviation: aiohttp sends a str body with Content-Length, never chunked)"""
    lengths: list[object] = []

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("Transfer-Encoding", "chunked")
        ctx.body = "hello world"
        lengths.append(ctx.response.get("Content-Length"))

    reply = await (await client(app_with(mw))).get("/")
    assert lengths == [None]
    assert (reply.status, reply.text) == (200, "hello world")
    # the user's Transfer-Encoding gives way to the real length
    assert "Transfer-Encoding" not in reply.headers
    assert reply.headers["Content-Length"] == "11"


@pytest.mark.parametrize(
    ("body", "expected"), [(False, "false"), (0, "0"), ([1, "a"], '[1,"a"]'), (True, "true")]
)
async def test_other_values_are_sent_as_json(
    client: ClientFor, body: object, expected: str
) -> None:
    """Other values are sent as json (K072)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = body

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, expected)
    assert reply.headers["Content-Type"] == JSON


async def test_string_starting_with_a_tag_after_spaces_is_html(client: ClientFor) -> None:
    """String starting with a tag after spaces is html (K073)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "  <p>hi</p>"

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Type"] == HTML


async def test_empty_string_body_is_text_of_length_zero(client: ClientFor) -> None:
    """Empty string body is text of length zero (K073)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = ""

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == TXT
    assert reply.headers["Content-Length"] == "0"


async def test_json_suffix_type_is_kept_for_object_bodies(client: ClientFor) -> None:
    """Json suffix type is kept for object bodies (K074)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.type = "application/vnd.api+json"
        ctx.body = {"a": 1}

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Type"] == "application/vnd.api+json"
    assert reply.json() == {"a": 1}


async def test_text_type_is_replaced_by_json_for_object_bodies(client: ClientFor) -> None:
    """Text type is replaced by json for object bodies (K074)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.type = "text"
        ctx.body = {"a": 1}

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Type"] == JSON


async def test_explicit_content_type_is_kept_for_string_bodies(client: ClientFor) -> None:
    """Explicit content type is kept for string bodies (K075)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("Content-Type", "text/x-foo")
        ctx.body = "abc"

    reply = await (await client(app_with(mw))).get("/")
    assert reply.headers["Content-Type"] == "text/x-foo"
    assert reply.headers["Content-Length"] == "3"


async def test_lying_length_never_corrupts_the_framing(client: ClientFor) -> None:
    """K082 (deliberate deviation: the real byte length is sent, not ctx.length)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = "hello"
        ctx.length = 3

    c = await client(app_with(mw))
    reply = await c.get("/")
    assert reply.status == 200
    assert reply.headers["Content-Length"] == str(len(reply.body))
    # the connection is still usable: the next request gets its own answer
    again = await c.get("/")
    assert again.status == 200


# -- errors ---------------------------------------------------------------------


async def test_uncaught_error_is_500_and_emitted(client: ClientFor) -> None:
    """Uncaught error is 500 and emitted (K054)."""
    errors: list[BaseException] = []

    async def mw(ctx: Context, next: Next) -> None:
        raise RuntimeError("test error")

    app = app_with(mw)
    app.on("error", lambda err, ctx: errors.append(err))
    reply = await (await client(app)).get("/")
    assert reply.status == 500
    assert [str(e) for e in errors] == ["test error"]


async def test_exposed_error_with_status_sends_its_message(client: ClientFor) -> None:
    """Exposed error with status sends its message (K055)."""

    async def mw(ctx: Context, next: Next) -> None:
        err = RuntimeError("sorry!")
        err.status = 403  # type: ignore[attr-defined]
        err.expose = True  # type: ignore[attr-defined]
        raise err

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (403, "sorry!")


async def test_unexposed_error_with_status_sends_the_reason_phrase(client: ClientFor) -> None:
    """Unexposed error with status sends the reason phrase (K056)."""

    async def mw(ctx: Context, next: Next) -> None:
        err = RuntimeError("s3 explodes")
        err.status = 403  # type: ignore[attr-defined]
        raise err

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (403, "Forbidden")


async def test_plain_error_is_an_internal_server_error(client: ClientFor) -> None:
    """Plain error is an internal server error (K057)."""

    async def mw(ctx: Context, next: Next) -> None:
        raise RuntimeError("boom!")

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")


async def test_error_caught_upstream_becomes_the_response(client: ClientFor) -> None:
    """Error caught upstream becomes the response (K058)."""

    async def catcher(ctx: Context, next: Next) -> None:
        try:
            await next()
        except RuntimeError:
            ctx.body = "Got error"

    async def thrower(ctx: Context, next: Next) -> None:
        raise RuntimeError("boom")

    reply = await (await client(app_with(catcher, thrower))).get("/")
    assert (reply.status, reply.text) == (200, "Got error")


# -- status changes around the body ------------------------------------------------


async def test_empty_status_then_body_then_200_sends_the_body(client: ClientFor) -> None:
    """Empty status then body then 200 sends the body (K059)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 304
        ctx.body = "hello"
        ctx.status = 200

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.text) == (200, "hello")


async def test_body_then_204_drops_the_type(client: ClientFor) -> None:
    """Body then 204 drops the type (K060)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.body = "hello"
        ctx.set("Content-Type", "text/plain; charset=utf8")
        ctx.status = 204

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 204
    assert "Content-Type" not in reply.headers


async def test_body_then_304_keeps_the_etag_only(client: ClientFor) -> None:
    """Body then 304 keeps the etag only (K081)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.set("ETag", '"x"')
        ctx.body = "abc"
        ctx.status = 304

    reply = await (await client(app_with(mw))).get("/")
    assert (reply.status, reply.body) == (304, b"")
    assert "Content-Type" not in reply.headers
    assert "Content-Length" not in reply.headers
    assert reply.headers["ETag"] == '"x"'


async def test_unawaited_downstream_writes_are_too_late(client: ClientFor) -> None:
    """Unawaited downstream writes are too late (K083)."""
    done = asyncio.Event()
    pending: list[asyncio.Future[object]] = []

    async def forgetful(ctx: Context, next: Next) -> None:
        pending.append(asyncio.ensure_future(next()))

    async def slow(ctx: Context, next: Next) -> None:
        await asyncio.sleep(0.01)
        ctx.body = "late"
        done.set()

    reply = await (await client(app_with(forgetful, slow))).get("/")
    assert (reply.status, reply.text) == (404, "Not Found")
    await done.wait()
    await asyncio.gather(*pending)
