"""Property tests of koa-bodyparser over real sockets.

Any bytes with any Content-Type, Content-Encoding and framing (an exact
Content-Length, chunked, or a Content-Length shorter than the bytes sent) get
a 2xx or the right 4xx (400, 413, 415), never a 5xx; the size limits hold
after decompression.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from typing import Any

import brotli  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koa.bodyparser import BodyParserContext, bodyparser
from koa.core import Koa, Next
from scripts.fuzz_server import raw_exchange, serve_in_thread

LIMIT = 1000  # every text limit, and the per-file limit
TOTAL = 4000  # the multipart limit


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    app = Koa(silent=True)
    app.use(
        bodyparser(
            enable_types=["json", "form", "text", "xml", "multipart"],
            json_limit=LIMIT,
            form_limit=LIMIT,
            text_limit=LIMIT,
            xml_limit=LIMIT,
            multipart_limit=TOTAL,
            file_limit=LIMIT,
            fields_limit=LIMIT,
            max_files=3,
            max_fields=5,
        )
    )

    async def echo(ctx: BodyParserContext, next: Next) -> None:
        raw = ctx.request.raw_body
        files = ctx.request.files
        sizes = [f.size for v in files.values() for f in (v if isinstance(v, list) else [v])]
        ctx.body = {"raw": None if raw is None else len(raw.encode()), "files": sizes}

    app.use(echo)
    with serve_in_thread(app) as (_, port):
        yield port


CONTENT_TYPES = [
    "application/json", "application/json; charset=latin1", "application/vnd.api+json",
    "application/x-www-form-urlencoded", "text/plain", "text/plain; charset=\"x\"",
    "application/xml", "multipart/form-data; boundary=BOUND", "multipart/form-data",
    "multipart/form-data; boundary=", "multipart/mixed; boundary=BOUND",
    "application/octet-stream", "", ";", "json", "*/*", "text/*; q=1",
]  # fmt: skip
ENCODINGS = [None, "gzip", "deflate", "br", "identity", "GZIP", "gzip, br", "compress", "", "x"]


def multipart(parts: list[tuple[str, str | None, bytes]], close: bool) -> bytes:
    out = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--BOUND\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    return out + (b"--BOUND--\r\n" if close else b"")


payloads = st.one_of(
    st.binary(max_size=1500),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=20,
    ).map(lambda v: json.dumps(v).encode()),
    st.lists(
        st.tuples(st.sampled_from(["a", "a[b]", "a[]", "__proto__[x]", "c.d"]), st.text()),
        max_size=20,
    ).map(lambda kv: "&".join(f"{k}={v}" for k, v in kv).encode("utf-8", "replace")),
    st.builds(
        multipart,
        st.lists(
            st.tuples(
                st.sampled_from(["f", "g", "h"]),
                st.none() | st.sampled_from(["a.txt", "", "../x", "é"]),
                st.binary(max_size=1200),
            ),
            max_size=5,
        ),
        st.booleans(),
    ),
    st.integers(LIMIT + 1, 50 * LIMIT).map(lambda n: b'{"a":"' + b"0" * n + b'"}'),
)


def compress(data: bytes, encoding: str | None) -> bytes:
    if encoding in ("gzip", "GZIP"):
        return gzip.compress(data)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "br":
        return bytes(brotli.compress(data))
    return data


@given(
    method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "GET"]),
    content_type=st.sampled_from(CONTENT_TYPES) | st.text(max_size=20),
    encoding=st.sampled_from(ENCODINGS),
    payload=payloads,
    compressed=st.booleans(),
    framing=st.sampled_from(["length", "chunked", "short", "none"]),
    chunk=st.integers(1, 700),
    expect=st.booleans(),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_body_gets_a_2xx_or_the_right_4xx(
    server: int,
    method: str,
    content_type: str,
    encoding: str | None,
    payload: bytes,
    compressed: bool,
    framing: str,
    chunk: int,
    expect: bool,
) -> None:
    body = compress(payload, encoding) if compressed else payload
    headers = [("Host", "x")]
    if content_type and all(0x20 <= ord(c) < 0x7F for c in content_type):
        headers.append(("Content-Type", content_type))
    if encoding is not None:
        headers.append(("Content-Encoding", encoding))
    if expect:
        headers.append(("Expect", "100-continue"))
    if framing == "chunked":
        headers.append(("Transfer-Encoding", "chunked"))
        pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)]
        wire = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    elif framing == "short":
        headers.append(("Content-Length", str(len(body) // 2)))
        wire = body
    elif framing == "length":
        headers.append(("Content-Length", str(len(body))))
        wire = body
    else:
        wire = b""
    head = f"{method} / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    replies, outcome = raw_exchange(server, head.encode() + wire)
    assert replies, outcome
    reply = replies[0]
    assert reply.status in (200, 400, 413, 415), (reply.status, reply.body[:300])
    if reply.status == 200:
        echoed: dict[str, Any] = json.loads(reply.body)
        assert echoed["raw"] is None or echoed["raw"] <= LIMIT
        assert all(size <= LIMIT for size in echoed["files"])
        assert sum(echoed["files"]) <= TOTAL


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_limit_holds_after_decompression(server: int, encoding: str) -> None:
    bomb = compress(b'{"a":"' + b"0" * (200 * LIMIT) + b'"}', encoding)
    assert len(bomb) < LIMIT
    head = (
        f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Encoding: {encoding}\r\nContent-Length: {len(bomb)}\r\n\r\n"
    )
    replies, outcome = raw_exchange(server, head.encode() + bomb)
    assert replies and replies[0].status == 413, (outcome, replies)


def _strict_json(body: bytes) -> Any:
    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(body, parse_constant=refuse)


@pytest.fixture(scope="module")
def echo_server() -> Iterator[int]:
    app = Koa(silent=True)
    app.use(bodyparser(json_strict=False))

    async def echo(ctx: BodyParserContext, next: Next) -> None:
        ctx.body = {"echo": ctx.request.body}

    app.use(echo)
    with serve_in_thread(app) as (_, port):
        yield port


json_numbers = st.sampled_from(["1e999", "-1e999", "1E400", "0", "-0.0", "1e-999", "123456789e300"])
json_documents = st.recursive(
    json_numbers | st.sampled_from(['"x"', "true", "null"]),
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda items: "[" + ",".join(items) + "]")
        | st.lists(inner, max_size=3).map(
            lambda items: "{" + ",".join(f'"k{i}":{v}' for i, v in enumerate(items)) + "}"
        )
    ),
    max_leaves=8,
)


@given(document=json_documents)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_json_body_echoed_back_is_valid_json(echo_server: int, document: str) -> None:
    body = document.encode()
    head = (
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    replies, outcome = raw_exchange(echo_server, head.encode() + body)
    assert replies and replies[0].status == 200, outcome
    _strict_json(replies[0].body)


def test_regression_json_body_with_an_overflowing_number_echoes_valid_json(
    echo_server: int,
) -> None:
    """Found by the property tests: ``1e999`` parses to ``inf`` (as in
    JavaScript), and koa-core wrote it back as ``Infinity``, which is not JSON
    (``JSON.stringify`` writes ``null``); NaN likewise."""
    body = b'{"a": 1e999, "b": [-1e999, 1]}'
    head = (
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    reply = raw_exchange(echo_server, head.encode() + body)[0][0]
    assert _strict_json(reply.body) == {"echo": {"a": None, "b": [None, 1]}}
