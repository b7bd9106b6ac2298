"""Limits, encodings and bad input: each gets the right status, and the server
keeps serving (every test sends a normal request after the bad one)."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import zlib
from typing import Any

import pytest
from yarl import URL

from koa.bodyparser import BodyParserContext, bodyparser
from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import Client, ClientFor, Serve, serving

JSON_CT = {"Content-Type": "application/json"}
FORM_CT = {"Content-Type": "application/x-www-form-urlencoded"}
TEXT_CT = {"Content-Type": "text/plain"}


class Recorder:
    """An outermost middleware that notes how each request ended (status of
    the response, or of the error raised), for requests whose client is gone."""

    def __init__(self) -> None:
        self.outcomes: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        self.reading = asyncio.Event()

    async def __call__(self, ctx: Context, next: Next) -> None:
        try:
            await next()
        except HttpError as err:
            self.outcomes.put_nowait((err.status, err.message))
            raise
        self.outcomes.put_nowait((ctx.status, str(ctx.body)))

    async def mark_reading(self, ctx: Context, next: Next) -> None:
        self.reading.set()
        await next()

    async def outcome(self) -> tuple[int, str]:
        return await asyncio.wait_for(self.outcomes.get(), 5)


async def echo(ctx: BodyParserContext, next: Next) -> None:
    ctx.body = {"body": ctx.request.body}


def create_app(*upstream: Any, **options: Any) -> Koa:
    app = Koa(silent=True)
    for mw in upstream:
        app.use(mw)
    app.use(bodyparser(**options)).use(echo)
    return app


async def still_serving(url: str, *, parsed: object = None) -> None:
    async with Client(url) as c:
        reply = await c.post("/", data=b'{"ok":1}', headers=JSON_CT)
    expected = {"ok": 1} if parsed is None else parsed
    assert (reply.status, reply.json()) == (200, {"body": expected})


async def open_raw(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    parsed = URL(url)
    assert parsed.host is not None and parsed.port is not None
    return await asyncio.open_connection(parsed.host, parsed.port)


async def raw_request(url: str, data: bytes) -> bytes:
    """Send raw bytes and read the status line and headers of the answer."""
    reader, writer = await open_raw(url)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    finally:
        writer.close()


def head(method: str, headers: dict[str, str], *, close: bool = True) -> bytes:
    lines = [f"{method} / HTTP/1.1", "Host: test"] + ["Connection: close"] * close
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# -- limits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "headers", "make"),
    [
        ({"json_limit": 20}, JSON_CT, lambda n: b'"' + b"x" * (n - 2) + b'"'),
        ({"form_limit": 20}, FORM_CT, lambda n: b"a=" + b"x" * (n - 2)),
        ({"text_limit": 20, "enable_types": ["text"]}, TEXT_CT, lambda n: b"x" * n),
        (
            {"xml_limit": 20, "enable_types": ["xml"]},
            {"Content-Type": "text/xml"},
            lambda n: b"<a>" + b"x" * (n - 7) + b"</a>",
        ),
    ],
    ids=["json", "form", "text", "xml"],
)
async def test_each_limit_allows_its_size_and_refuses_one_byte_more(
    serve: Serve, options: dict[str, Any], headers: dict[str, str], make: Any
) -> None:
    url = await serve(create_app(json_strict=False, **options))
    async with Client(url) as c:
        assert (await c.post("/", data=make(20), headers=headers)).status == 200
        over = await c.post("/", data=make(21), headers=headers)
    assert (over.status, over.text) == (413, "request entity too large")
    await still_serving(url, parsed={} if "text" in headers["Content-Type"] else None)


async def test_limits_accept_size_strings(client: ClientFor) -> None:
    c = await client(create_app(json_limit="1kb"))
    assert (await c.post("/", json={"a": "x" * 1000})).status == 200
    assert (await c.post("/", json={"a": "x" * 1030})).status == 413


async def test_a_chunked_body_over_the_limit_is_413(serve: Serve) -> None:
    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * 100

    url = await serve(create_app(enable_types=["text"], text_limit=500))
    async with Client(url) as c:
        reply = await c.post("/", data=chunks(), headers=TEXT_CT)
    assert reply.status == 413
    await still_serving(url, parsed={})


async def test_a_declared_length_over_the_limit_is_refused_before_reading(serve: Serve) -> None:
    # The body is never sent: the answer must come from the headers alone.
    url = await serve(create_app(json_limit=100))
    answer = await raw_request(url, head("POST", {**JSON_CT, "Content-Length": "1000000000"}))
    assert answer.startswith(b"HTTP/1.1 413 ")
    await still_serving(url)


# -- malformed framing (raw sockets) ---------------------------------------------


async def test_a_body_shorter_than_its_content_length_is_400(serve: Serve) -> None:
    recorder = Recorder()
    url = await serve(create_app(recorder, recorder.mark_reading))
    _, writer = await open_raw(url)
    writer.write(head("POST", {**JSON_CT, "Content-Length": "100"}) + b'{"a":')
    await writer.drain()
    await recorder.reading.wait()
    writer.write_eof()  # the client has nothing more to send
    assert await recorder.outcome() == (400, "request size did not match content length")
    writer.close()
    await still_serving(url)


async def test_a_client_gone_mid_body_of_unknown_length_is_499(serve: Serve) -> None:
    recorder = Recorder()
    url = await serve(create_app(recorder, recorder.mark_reading))
    _, writer = await open_raw(url)
    writer.write(head("POST", {**JSON_CT, "Transfer-Encoding": "chunked"}) + b'5\r\n{"a":\r\n')
    await writer.drain()
    await recorder.reading.wait()
    writer.close()
    assert await recorder.outcome() == (499, "Client Closed Request")
    await still_serving(url)


async def test_a_content_length_shorter_than_the_body_cuts_it(serve: Serve) -> None:
    # Only 5 bytes belong to the request: '{"a":' is invalid JSON (400); what
    # follows is garbage that aiohttp itself refuses as the next request.
    url = await serve(create_app())
    reader, writer = await open_raw(url)
    try:
        writer.write(head("POST", {**JSON_CT, "Content-Length": "5"}, close=False) + b'{"a":')
        first = await asyncio.wait_for(reader.readuntil(b"Bad Request"), 5)
        writer.write(b"1}\r\n\r\n")
        second = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()
    assert first.startswith(b"HTTP/1.1 400 ")
    assert b"\r\n\r\nBad RequestHTTP/1.0 400 " in second
    await still_serving(url)


async def test_expect_100_continue_is_answered_before_the_body_is_read(serve: Serve) -> None:
    url = await serve(create_app())
    reader, writer = await open_raw(url)
    try:
        writer.write(head("POST", {**JSON_CT, "Content-Length": "7", "Expect": "100-continue"}))
        await writer.drain()
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        writer.write(b'{"a":1}')
        answer = await asyncio.wait_for(reader.read(), 5)
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b'{"body":{"a":1}}')


async def test_expect_100_continue_over_the_limit_gets_413_without_continue(
    serve: Serve,
) -> None:
    url = await serve(create_app(json_limit=10))
    headers = {**JSON_CT, "Content-Length": "100", "Expect": "100-continue"}
    answer = await raw_request(url, head("POST", headers))
    assert answer.startswith(b"HTTP/1.1 413 ")
    await still_serving(url)


# -- content encodings -----------------------------------------------------------


async def test_deflate_json_is_inflated(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=zlib.compress(b'{"a":1}'), headers={**JSON_CT, "Content-Encoding": "deflate"}
    )
    assert reply.json() == {"body": {"a": 1}}


async def test_identity_content_encoding_is_read_as_is(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b'{"a":1}', headers={**JSON_CT, "Content-Encoding": "Identity"}
    )
    assert reply.json() == {"body": {"a": 1}}


@pytest.mark.parametrize(
    "data",
    [
        b"not gzip at all",
        gzip.compress(b'{"a":1}')[:-6],
        gzip.compress(b'{"a":1}') + b"garbage",
        b"",
    ],
    ids=["garbage", "truncated", "trailing-data", "empty"],
)
async def test_a_bad_gzip_body_is_400(serve: Serve, data: bytes) -> None:
    url = await serve(create_app())
    async with Client(url) as c:
        reply = await c.post("/", data=data, headers={**JSON_CT, "Content-Encoding": "gzip"})
    assert reply.status == 400 and reply.text.startswith("invalid compressed body")
    await still_serving(url)


async def test_a_deflate_bomb_is_413(client: ClientFor) -> None:
    bomb = zlib.compress(b"[" + b" " * (5 << 20) + b"]", 9)
    reply = await (await client(create_app())).post(
        "/", data=bomb, headers={**JSON_CT, "Content-Encoding": "deflate"}
    )
    assert reply.status == 413


async def test_several_encodings_are_415(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b"{}", headers={**JSON_CT, "Content-Encoding": "gzip, br"}
    )
    assert reply.status == 415


async def test_a_server_that_inflates_itself_is_not_inflated_twice() -> None:
    # Served with aiohttp's auto_decompress on, the stream is already inflated.
    app = create_app()
    async with serving(app, auto_decompress=True) as url, Client(url) as c:
        reply = await c.post(
            "/", data=gzip.compress(b'{"a":1}'), headers={**JSON_CT, "Content-Encoding": "gzip"}
        )
        assert reply.json() == {"body": {"a": 1}}
        assert (await c.post("/", json={"b": 2})).json() == {"body": {"b": 2}}


async def test_brotli_json_is_inflated(client: ClientFor) -> None:
    brotli = pytest.importorskip("brotli")
    c = await client(create_app())
    headers = {**JSON_CT, "Content-Encoding": "br"}
    reply = await c.post("/", data=brotli.compress(b'{"a":1}'), headers=headers)
    assert reply.json() == {"body": {"a": 1}}
    bomb = brotli.compress(b"[" + b" " * (5 << 20) + b"]")
    assert (await c.post("/", data=bomb, headers=headers)).status == 413
    assert (await c.post("/", data=b"nope", headers=headers)).status == 400


async def test_brotli_without_the_extra_is_a_clear_415(
    client: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koa.bodyparser import _read

    monkeypatch.setattr(_read, "brotli", None)
    errors: list[BaseException] = []
    app = create_app()
    app.on("error", lambda err, ctx: errors.append(err))
    reply = await (await client(app)).post(
        "/", data=b"\x0b\x02\x80{}\x03", headers={**JSON_CT, "Content-Encoding": "br"}
    )
    assert (reply.status, reply.text) == (415, "Unsupported Media Type")
    assert "pip install 'koa-bodyparser[brotli]'" in str(errors[0])


# -- bad content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "options"),
    [(JSON_CT, {}), (FORM_CT, {}), (TEXT_CT, {"enable_types": ["text"]})],
    ids=["json", "form", "text"],
)
async def test_invalid_utf8_is_400(
    serve: Serve, headers: dict[str, str], options: dict[str, Any]
) -> None:
    url = await serve(create_app(**options))
    async with Client(url) as c:
        reply = await c.post("/", data=b'{"a":"\xff\xfe"}', headers=headers)
    assert (reply.status, reply.text) == (400, "request body is not valid utf-8")
    await still_serving(url, parsed={} if options else None)


async def test_another_encoding_can_be_chosen(client: ClientFor) -> None:
    reply = await (await client(create_app(encoding="latin-1"))).post(
        "/", data='{"a":"é"}'.encode("latin-1"), headers=JSON_CT
    )
    assert reply.json() == {"body": {"a": "é"}}


async def test_a_utf8_byte_order_mark_is_ignored(client: ClientFor) -> None:
    reply = await (await client(create_app())).post(
        "/", data=b'\xef\xbb\xbf{"a":1}', headers=JSON_CT
    )
    assert reply.json() == {"body": {"a": 1}}


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"[" + b"1" * 5000 + b"]",
        b"[NaN]",
        b'{"a": Infinity}',
        b'{"a":1} x',
    ],
    ids=["deep-arrays", "deep-objects", "huge-int", "nan", "infinity", "trailing"],
)
async def test_hostile_json_is_400_never_500(serve: Serve, body: bytes) -> None:
    url = await serve(create_app(json_limit="2mb"))
    async with Client(url) as c:
        reply = await c.post("/", data=io.BytesIO(body), headers=JSON_CT)
    assert (reply.status, reply.text) == (400, "Bad Request")
    await still_serving(url)


async def test_escaped_proto_keys_are_rejected(client: ClientFor) -> None:
    c = await client(create_app())
    for body in (b'{"\\u005f_proto__": {}}', b'[{"a": {"__proto__": 1}}]'):
        assert (await c.post("/", data=body, headers=JSON_CT)).status == 400
    assert (await c.post("/", json={"proto": "__proto__"})).status == 200


async def test_100k_form_fields_are_413_under_the_default_limit(serve: Serve) -> None:
    body = "&".join(f"f{i}=v" for i in range(100_000)).encode()
    url = await serve(create_app())
    async with Client(url) as c:
        assert (await c.post("/", data=io.BytesIO(body), headers=FORM_CT)).status == 413
    await still_serving(url)


async def test_100k_form_fields_under_a_large_limit_keep_the_first_1000(serve: Serve) -> None:
    body = "&".join(f"f{i}=v" for i in range(100_000)).encode()
    url = await serve(create_app(form_limit="10mb"))
    async with Client(url) as c:
        reply = await c.post("/", data=io.BytesIO(body), headers=FORM_CT)
    fields = reply.json()["body"]
    assert (len(fields), "f999" in fields, "f1000" in fields) == (1000, True, False)
    await still_serving(url)


async def test_a_json_body_is_echoed_exactly(client: ClientFor) -> None:
    value = {"n": 12345678901234567890, "f": 1.5, "s": "é\u2028", "l": [None, True]}
    reply = await (await client(create_app())).post(
        "/", data=json.dumps(value).encode(), headers=JSON_CT
    )
    assert reply.json() == {"body": value}


# -- a body that arrives whole with the headers (taken from the buffer at once) --


async def test_a_whole_chunked_body_sent_with_the_headers_over_the_limit_is_413(
    serve: Serve,
) -> None:
    # No Content-Length to refuse it early: the size is checked on the buffer.
    url = await serve(create_app(enable_types=["text"], text_limit=50))
    body = b"x" * 60
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    answer = await raw_request(
        url, head("POST", {**TEXT_CT, "Transfer-Encoding": "chunked"}) + chunked
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    await still_serving(url, parsed={})


async def test_a_whole_body_sent_with_the_headers_is_read_exactly(serve: Serve) -> None:
    body = b'{"a":"' + b"y" * 40 + b'"}'
    url = await serve(create_app(json_limit=len(body)))
    reader, writer = await open_raw(url)
    writer.write(head("POST", {**JSON_CT, "Content-Length": str(len(body))}) + body)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)  # Connection: close
    writer.close()
    status, _, payload = answer.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 200 ")
    assert json.loads(payload) == {"body": {"a": "y" * 40}}
