"""The ``body`` setter's rules (type inference, length, stream replacement)
and ``ctx.length``.

Ported from Koa's ``__tests__/response/{body,length}.test.js`` (K217-K233,
K246). Koa's Node streams map to binary file objects and async generators,
a ``Blob`` to ``bytearray``, a web ``Response`` to an aiohttp response.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

from aiohttp import web

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, create_context

TXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
BIN = "application/octet-stream"


class Tracked:
    """An async-iterable body that records whether it was closed."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = list(chunks)
        self.closed = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


def test_type_set_before_bytes_is_kept() -> None:
    """Type set before bytes is kept (K217)."""
    ctx = create_context()
    ctx.type = "png"
    ctx.body = b"something"
    assert ctx.response.get("Content-Type") == "image/png"


def test_object_body_overrides_an_inferred_html_type() -> None:
    """Object body overrides an inferred html type (K218)."""
    ctx = create_context()
    ctx.body = "<em>hey</em>"
    assert ctx.response.get("Content-Type") == HTML
    ctx.body = {"foo": "bar"}
    assert ctx.response.get("Content-Type") == JSON


def test_string_length_with_a_type_set() -> None:
    """String length with a type set (K219)."""
    ctx = create_context()
    ctx.type = "html"
    ctx.body = "something"
    assert ctx.length == 9


def test_plain_string_is_text() -> None:
    """Plain string is text (K220)."""
    ctx = create_context()
    ctx.body = "Tobi"
    assert ctx.response.get("Content-Type") == TXT
    assert ctx.response.get("Content-Length") == 4
    ctx = create_context()
    ctx.body = "aklsdjf < klajsdlfjasd"
    assert ctx.response.get("Content-Type") == TXT


def test_string_starting_with_a_tag_is_html() -> None:
    """String starting with a tag is html (K221)."""
    ctx = create_context()
    ctx.body = "<h1>Tobi</h1>"
    assert ctx.response.get("Content-Type") == HTML
    assert ctx.length == len(b"<h1>Tobi</h1>")
    ctx.body = "<h1>Tobi</h1>" * 2
    assert ctx.length == 2 * len(b"<h1>Tobi</h1>")
    ctx = create_context()
    ctx.body = "    <h1>Tobi</h1>"
    assert ctx.response.get("Content-Type") == HTML


def test_xml_string_is_html_too() -> None:
    """K222 (no sniffing beyond the leading ``<``)"""
    ctx = create_context()
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<俄语>данные</俄语>'
    assert ctx.type == "text/html"


def test_length_is_in_utf8_bytes() -> None:
    """K221 (byte length, not characters)"""
    ctx = create_context()
    ctx.body = "€"
    assert ctx.length == 3


def test_file_stream_is_binary() -> None:
    """File stream is binary (K223)."""
    ctx = create_context()
    ctx.body = io.BytesIO(b"data")
    assert ctx.response.get("Content-Type") == BIN
    assert ctx.length is None


def test_stream_like_object_is_binary() -> None:
    """K223 (anything with ``read()``)"""

    class StreamLike:
        readable = True

        def read(self, size: int = -1) -> bytes:
            return b""

        def close(self) -> None:
            pass

    ctx = create_context()
    ctx.body = StreamLike()
    assert ctx.response.get("Content-Type") == BIN


def test_replacing_a_stream_with_a_stream_closes_neither() -> None:
    """Replacing a stream with a stream closes neither (K225)."""
    ctx = create_context()
    streams = [io.BytesIO(b"1"), io.BytesIO(b"2"), io.BytesIO(b"3"), io.BytesIO(b"4")]
    for stream in streams:
        ctx.body = stream
    assert [s.closed for s in streams] == [False, False, False, False]


async def test_replacing_an_async_stream_with_another_closes_neither() -> None:
    """Replacing an async stream with another closes neither (K225)."""
    ctx = create_context()
    first, second = Tracked(b"1"), Tracked(b"2")
    ctx.body = first
    ctx.body = second
    await asyncio.sleep(0)
    assert (first.closed, second.closed) == (False, False)


def test_replacing_a_stream_with_none_closes_it() -> None:
    """Replacing a stream with none closes it (K226)."""
    ctx = create_context()
    stream = io.BytesIO(b"x")
    ctx.body = stream
    ctx.body = None
    assert stream.closed


def test_replacing_a_stream_with_a_value_closes_it() -> None:
    """Replacing a stream with a value closes it (K226)."""
    for value in ("hello", b"hello", {"foo": "bar"}):
        ctx = create_context()
        stream = io.BytesIO(b"x")
        ctx.body = stream
        ctx.body = value
        assert stream.closed, value


async def test_replacing_an_async_stream_with_a_value_closes_it() -> None:
    """K226 (async streams are closed with ``aclose()``)"""
    ctx = create_context()
    stream = Tracked(b"x")
    ctx.body = stream
    ctx.body = "hello"
    await asyncio.sleep(0)
    assert stream.closed


async def test_wrapping_a_stream_keeps_the_source_open(client: ClientFor) -> None:
    """K228 (a wrapper such as compression reads the first body)"""
    sources: list[Tracked] = []

    async def wrap(source: Tracked) -> AsyncIterator[bytes]:
        async for chunk in source:
            yield chunk

    async def mw(ctx: Context, next: Next) -> None:
        source = Tracked(b"hello ", b"world")
        sources.append(source)
        ctx.body = source
        ctx.body = wrap(source)

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.text == "hello world"
    assert sources[0].closed is False


def test_bytes_are_binary_with_length() -> None:
    """Bytes are binary with length (K229)."""
    ctx = create_context()
    ctx.body = b"hey"
    assert ctx.response.get("Content-Type") == BIN
    ctx = create_context()
    ctx.body = b"Tobi"
    assert ctx.response.get("Content-Length") == 4


def test_object_is_json() -> None:
    """Object is json (K230)."""
    ctx = create_context()
    ctx.body = {"foo": "bar"}
    assert ctx.response.get("Content-Type") == JSON


def test_async_generator_is_binary() -> None:
    """Async generator is binary (K231)."""

    async def gen() -> AsyncIterator[bytes]:
        yield b""

    ctx = create_context()
    body = gen()
    ctx.body = body
    assert ctx.response.get("Content-Type") == BIN
    ctx.response._body = None  # not sent: nothing to close


def test_blob_like_bytes_have_a_length() -> None:
    """Blob like bytes have a length (K232)."""
    ctx = create_context()
    ctx.body = bytearray([1, 2, 3])
    assert ctx.response.get("Content-Type") == BIN
    assert ctx.response.get("Content-Length") == 3


def test_aiohttp_response_body_brings_its_status_and_headers() -> None:
    """Aiohttp response body brings its status and headers (K233)."""
    ctx = create_context()
    ctx.body = web.Response(status=201)
    assert ctx.status == 201
    ctx = create_context()
    ctx.body = web.Response(headers={"X-Fizz": "buzz", "X-Foo": "bar"})
    assert (ctx.response.get("x-fizz"), ctx.response.get("x-foo")) == ("buzz", "bar")
    ctx = create_context()
    ctx.body = web.Response(status=301, headers={"Location": "https://www.example.com/"})
    assert ctx.status == 301
    assert ctx.response.get("Location") == "https://www.example.com/"


# -- length ----------------------------------------------------------------------------------


def test_length_from_the_header() -> None:
    """Length from the header (K246)."""
    ctx = create_context()
    ctx.set("Content-Length", "1024")
    assert ctx.length == 1024
    ctx.set("Content-Length", "hey")
    assert ctx.length == 0


def test_length_derived_from_the_body() -> None:
    """Length derived from the body (K246)."""
    assert create_context().length is None
    ctx = create_context()
    ctx.body = "foo"
    ctx.remove("Content-Length")
    assert ctx.length == 3
    ctx.body = b"foo bar"
    ctx.remove("Content-Length")
    assert ctx.length == 7
    ctx.body = {"hello": "world"}
    assert ctx.length == 17


def test_length_of_streams_and_empty_bodies_is_none() -> None:
    """Length of streams and empty bodies is none (K246)."""
    ctx = create_context()
    ctx.body = io.BytesIO(b"x")
    assert ctx.length is None
    ctx = create_context()
    ctx.body = None
    assert ctx.length is None


def test_length_of_json_null() -> None:
    """Length of json null (K246)."""
    ctx = create_context()
    ctx.type = "json"
    ctx.body = None
    assert ctx.length == 4


def test_length_setter_respects_transfer_encoding() -> None:
    """K069 (Content-Length is not set once Transfer-Encoding is)"""
    ctx = create_context()
    ctx.set("Transfer-Encoding", "chunked")
    ctx.length = 10
    assert ctx.response.get("Content-Length") is None
