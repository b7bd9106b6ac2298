"""Property tests of the request helpers: any Cookie, Accept*, Content-Type,
Host, X-Forwarded-* and Range value gives a defined answer.

Header values are what aiohttp hands over: any text without control
characters (tab allowed), where bytes that are not UTF-8 arrive as surrogate
escapes (``\\udc80``-``\\udcff``). The getters are exercised through
``create_context(headers=...)``; echoing such values back in a response body
is checked over real sockets.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from koa.core import Context, Koa, Next
from koa.core.testing import create_context
from koa.static._conditional import ByteRange, parse_range
from scripts.fuzz_server import raw_exchange, serve_in_thread

#: What aiohttp may put in a header value: no controls but tab; bytes that
#: are not UTF-8 become surrogate escapes.
header_chars = st.one_of(
    st.characters(codec="utf-8", exclude_categories=["Cc"]),
    st.sampled_from(["\t", "\udc80", "\udcff", "\udcc3"]),
)
fragments = st.sampled_from(
    [
        ",", ";", "=", "q=", "q=0", "q=1", "q=0.5", "q=NaN", "q=1e999", "q=-1", "*", "*/*",
        "text/html", "application/json", "json", "gzip", "br", "identity", "en", "en-US",
        "fr;q=0.8", "utf-8", "charset=", '"', " ", "\t", "/", "a/b/c", "bytes=", "0-", "-5",
        "1.2.3.4", "::1", "[::1]", ":80", "@", "localhost", "example.com", "a.b.c.d", "%00",
        "sid=", "sid.sig=", "W/", "GMT", "Mon, 01 Jan 99999999999 00:00:00 GMT",
    ]
)  # fmt: skip
header_values = st.one_of(
    st.text(header_chars, max_size=40),
    st.lists(st.one_of(fragments, st.text(header_chars, max_size=3)), max_size=12).map("".join),
)
NAMES = [
    "Cookie", "Accept", "Accept-Encoding", "Accept-Charset", "Accept-Language", "Content-Type",
    "Content-Length", "Transfer-Encoding", "Host", "X-Forwarded-For", "X-Forwarded-Host",
    "X-Forwarded-Proto", "X-Real-IP", "Range", "If-None-Match", "If-Modified-Since",
    "Cache-Control", "Referer", "Origin",
]  # fmt: skip
header_sets = st.dictionaries(st.sampled_from(NAMES), header_values, max_size=8)
APPS = [
    Koa(),
    Koa(proxy=True),
    Koa(proxy=True, max_ips_count=1, proxy_ip_header="X-Real-IP", keys=["k"]),
]


def with_headers(ctx: Context, headers: dict[str, str]) -> Context:
    """*ctx* with *headers* as its request headers (``create_context`` cannot
    take surrogate escapes: aiohttp's mocked request encodes them)."""
    ctx.request.headers = headers
    return ctx


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


@given(headers=header_sets, app=st.sampled_from(APPS), method=st.sampled_from(["GET", "POST"]))
def test_request_getters_give_defined_answers(
    headers: dict[str, str], app: Koa, method: str
) -> None:
    ctx = with_headers(create_context(method, "/p?q=1", app=app), headers)
    assert isinstance(ctx.host, str) and isinstance(ctx.hostname, str)
    assert ctx.protocol == "http" or app.proxy
    assert isinstance(ctx.secure, bool)
    assert _is_str_list(ctx.ips) and isinstance(ctx.ip, str)
    assert ctx.ips == [] or app.proxy
    assert _is_str_list(ctx.subdomains)
    assert ctx.URL is None or isinstance(ctx.URL, URL)
    assert isinstance(ctx.href, str)
    assert _is_str_list(ctx.accepts())
    assert ctx.accepts("json", "html", "text/*", "image/png") in (
        "json", "html", "text/*", "image/png", False,
    )  # fmt: skip
    assert ctx.accepts_encodings("gzip", "br", "identity") in ("gzip", "br", "identity", False)
    assert _is_str_list(ctx.accepts_encodings())
    assert ctx.accepts_charsets("utf-8", "latin1") in ("utf-8", "latin1", False)
    assert _is_str_list(ctx.accepts_charsets())
    assert ctx.accepts_languages("en", "fr-CA") in ("en", "fr-CA", False)
    assert _is_str_list(ctx.accepts_languages())
    kind = ctx.is_("json", "urlencoded", "text/*", "+json", "multipart")
    # a wildcard or suffix pattern answers with the request's own type (type-is)
    assert kind in ("json", "urlencoded", "multipart", False, None) or (
        isinstance(kind, str) and (kind.startswith("text/") or kind.endswith("+json"))
    ), kind
    assert isinstance(ctx.request.type, str) and isinstance(ctx.request.charset, str)
    length = ctx.request.length
    assert length is None or isinstance(length, int)
    assert isinstance(ctx.request.has_body(), bool)
    assert isinstance(ctx.fresh, bool) and ctx.stale is not ctx.fresh
    cookie = ctx.cookies.get("sid")
    assert cookie is None or isinstance(cookie, str)
    if app.keys:
        signed = ctx.cookies.get("sid", signed=True)
        assert signed is None or signed == cookie
    assert isinstance(ctx.query, dict)


@given(headers=header_sets)
def test_fresh_with_any_validators_is_a_bool(headers: dict[str, str]) -> None:
    ctx = with_headers(create_context("GET", "/"), headers)
    ctx.body = "x"
    ctx.etag = "v1"
    try:  # an echoed date: refused when it holds control characters
        ctx.set("Last-Modified", headers.get("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"))
    except ValueError:
        ctx.set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
    assert isinstance(ctx.fresh, bool)
    assert ctx.last_modified is None or ctx.last_modified.tzinfo is not None


@given(value=header_values, size=st.integers(0, 10**6))
def test_any_range_header_parses_to_a_range_or_a_refusal(value: str, size: int) -> None:
    parsed = parse_range(value, size)
    assert parsed is None or parsed is False or isinstance(parsed, ByteRange)
    if isinstance(parsed, ByteRange):
        assert 0 <= parsed.start < size and parsed.length >= 1
        assert parsed.start + parsed.length <= size


def test_regression_fresh_with_an_out_of_range_if_modified_since_is_not_a_500() -> None:
    """Found by the property tests: ``ctx.fresh`` with an If-Modified-Since
    date whose year overflows (``Mon, 01 Jan 99999999999 ...``) raised
    OverflowError from ``parsedate_to_datetime`` (a 500 in any app using it)."""
    date = "Mon, 01 Jan 99999999999 00:00:00 GMT"
    ctx = create_context(headers={"If-Modified-Since": date})
    ctx.body = "x"
    ctx.set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
    assert ctx.fresh is False
    ctx.set("Last-Modified", date)
    assert ctx.last_modified is None


# -- echoing header values over real sockets --------------------------------------------


async def echo(ctx: Context, next: Next) -> None:
    value = ctx.get("X-Value")
    if ctx.path == "/json":
        ctx.body = {"value": value, "host": ctx.host, "cookie": ctx.cookies.get("c")}
    elif ctx.path == "/text":
        ctx.body = "value: " + value
    elif ctx.path == "/signed":
        ctx.body = {"signed": ctx.cookies.get("c", signed=True)}
    elif ctx.path == "/attachment":
        ctx.attachment(value + ".txt")
        ctx.body = b"data"
    else:
        ctx.throw(400, "bad value " + value)


@pytest.fixture(scope="module")
def echo_server() -> Iterator[int]:
    app = Koa(silent=True, keys=["k"])
    app.use(echo)
    with serve_in_thread(app) as (_, port):
        yield port


PATHS = ["/json", "/text", "/throw", "/signed", "/attachment"]
raw_values = st.binary(max_size=30).map(
    lambda data: bytes(b for b in data if (b >= 0x20 and b != 0x7F) or b == 0x09)
)


@given(value=raw_values, path=st.sampled_from(PATHS))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_header_bytes_echoed_in_a_body_never_give_a_500(
    echo_server: int, value: bytes, path: str
) -> None:
    request = (
        b"GET " + path.encode() + b" HTTP/1.1\r\nHost: h" + value + b"\r\nX-Value: " + value
        + b"\r\nCookie: c=" + value.replace(b";", b"") + b"\r\n\r\n"
    )  # fmt: skip
    replies, outcome = raw_exchange(echo_server, request)
    assert replies, outcome
    assert replies[0].status == (400 if path == "/throw" else 200), replies[0].body
    if path == "/attachment":
        assert "\n" not in (replies[0].header("Content-Disposition") or "\n")


def test_regression_header_bytes_that_are_not_utf8_echoed_in_a_body_are_not_a_500(
    echo_server: int,
) -> None:
    """Found by the property tests: aiohttp decodes header bytes that are not
    UTF-8 as surrogate escapes (``\\xff`` -> ``\\udcff``); a text or JSON body,
    an error message, an ``attachment()`` file name or the signed-cookie check
    of such a value raised UnicodeEncodeError (a 500, and for an error message
    a crash of ``ctx.onerror`` itself)."""
    for path in PATHS:
        request = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: h\r\nX-Value: caf\xe9\r\n"
        request += b"Cookie: c=caf\xe9; c.sig=WRONG\r\n\r\n"
        replies, outcome = raw_exchange(echo_server, request)
        assert replies, (path, outcome)
        assert replies[0].status == (400 if path == "/throw" else 200), (path, replies)
