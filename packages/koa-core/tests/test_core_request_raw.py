"""Requests an HTTP client would not send as written, sent as raw bytes.

A field sent on several lines reads as Node's ``req.headers`` gives it (issue
17, item 1): joined with ``", "``, Cookie with ``"; "``, Set-Cookie one entry
per line, and Node's singleton fields keep their first line. Every reader sees
the combined value: ``ctx.headers``, ``ctx.get``, ``ctx.ips``, content
negotiation, ``fresh`` and cookies. An absolute-form request line never makes
a plain-HTTP request secure (issue 16).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from koa.core import Context, Koa, Next
from koa.core.testing import Serve


async def send_raw(url: str, head: str) -> tuple[int, bytes]:
    """Send *head* (request line and header lines, no blank line) and read the
    whole answer; ``Host`` (unless given) and ``Connection: close`` are added."""
    if "\r\nhost:" not in head.lower():
        head += "Host: example.com\r\n"
    host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head.encode("latin-1") + b"Connection: close\r\n\r\n")
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def answering(read: Any, app: Koa | None = None) -> Koa:
    """An app whose JSON body is ``read(ctx)``."""
    app = app or Koa()

    async def reply(ctx: Context, next: Next) -> None:
        ctx.body = {"value": read(ctx)}

    app.use(reply)
    return app


async def value_of(serve: Serve, app: Koa, head: str) -> Any:
    status, body = await send_raw(await serve(app), head)
    assert status == 200, body
    return json.loads(body)["value"]


async def test_get_joins_a_repeated_field_with_a_comma(serve: Serve) -> None:
    app = answering(lambda ctx: ctx.get("x-a"))
    assert await value_of(serve, app, "GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\n") == "1, 2"


async def test_headers_hold_a_repeated_field_on_one_line(serve: Serve) -> None:
    app = answering(lambda ctx: [ctx.headers.getall("X-A"), ctx.headers["x-a"]])
    value = await value_of(serve, app, "GET / HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\nX-A: 3\r\n")
    assert value == [["1, 2, 3"], "1, 2, 3"]


async def test_headers_keep_every_set_cookie_line(serve: Serve) -> None:
    app = answering(lambda ctx: ctx.headers.getall("Set-Cookie"))
    head = "GET / HTTP/1.1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
    assert await value_of(serve, app, head) == ["a=1", "b=2"]


async def test_repeated_cookie_lines_join_with_a_semicolon(serve: Serve) -> None:
    app = answering(lambda ctx: [ctx.get("Cookie"), ctx.cookies.get("a"), ctx.cookies.get("b")])
    head = "GET / HTTP/1.1\r\nCookie: a=1\r\nCookie: b=2\r\n"
    assert await value_of(serve, app, head) == ["a=1; b=2", "1", "2"]


async def test_a_singleton_field_keeps_its_first_line(serve: Serve) -> None:
    app = answering(
        lambda ctx: [ctx.get("Authorization"), ctx.headers["Authorization"], ctx.get("Referer")]
    )
    head = (
        "GET / HTTP/1.1\r\nAuthorization: Basic first\r\nAuthorization: Basic second\r\n"
        "Referer: /one\r\nReferer: /two\r\n"
    )
    assert await value_of(serve, app, head) == ["Basic first", "Basic first", "/one"]


async def test_headers_without_repeats_are_the_received_headers(serve: Serve) -> None:
    app = answering(lambda ctx: ctx.request.headers is ctx.req.headers)
    assert await value_of(serve, app, "GET / HTTP/1.1\r\nX-A: 1\r\n") is True


async def test_a_forged_forwarded_for_line_is_not_the_client_ip(serve: Serve) -> None:
    """Security: the client forges the first X-Forwarded-For line, the proxy adds
    the second; with ``max_ips_count=1`` the proxy's value is the client."""
    app = answering(lambda ctx: [ctx.ip, ctx.ips], Koa(proxy=True, max_ips_count=1))
    head = "GET / HTTP/1.1\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 10.0.0.5\r\n"
    assert await value_of(serve, app, head) == ["10.0.0.5", ["10.0.0.5"]]


async def test_ips_span_every_forwarded_for_line(serve: Serve) -> None:
    app = answering(lambda ctx: ctx.ips, Koa(proxy=True))
    head = "GET / HTTP/1.1\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2\r\nX-Forwarded-For: 3.3.3.3\r\n"
    assert await value_of(serve, app, head) == ["1.1.1.1", "2.2.2.2", "3.3.3.3"]


async def test_accepts_reads_every_accept_line(serve: Serve) -> None:
    app = answering(lambda ctx: ctx.accepts("html", "json"))
    head = "GET / HTTP/1.1\r\nAccept: text/html;q=0.5\r\nAccept: application/json\r\n"
    assert await value_of(serve, app, head) == "json"


async def test_accepts_encodings_reads_every_accept_encoding_line(serve: Serve) -> None:
    app = answering(lambda ctx: ctx.accepts_encodings("gzip", "br"))
    head = "GET / HTTP/1.1\r\nAccept-Encoding: gzip;q=0.1\r\nAccept-Encoding: br\r\n"
    assert await value_of(serve, app, head) == "br"


async def test_accepts_languages_and_charsets_read_every_line(serve: Serve) -> None:
    app = answering(
        lambda ctx: [ctx.accepts_languages("en", "fr"), ctx.accepts_charsets("latin1", "utf-8")]
    )
    head = (
        "GET / HTTP/1.1\r\nAccept-Language: en;q=0.2\r\nAccept-Language: fr\r\n"
        "Accept-Charset: latin1;q=0.2\r\nAccept-Charset: utf-8\r\n"
    )
    assert await value_of(serve, app, head) == ["fr", "utf-8"]


async def test_no_cache_on_a_second_cache_control_line_makes_the_request_stale(
    serve: Serve,
) -> None:
    app = Koa()

    async def etagged(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.set("ETag", '"v1"')
        ctx.body = "fresh" if ctx.fresh else "stale"

    app.use(etagged)
    url = await serve(app)
    single = 'GET / HTTP/1.1\r\nIf-None-Match: "v1"\r\nCache-Control: max-age=0\r\n'
    assert await send_raw(url, single) == (200, b"fresh")
    repeated = single + "Cache-Control: no-cache\r\n"
    assert await send_raw(url, repeated) == (200, b"stale")


async def test_host_uses_the_first_of_comma_separated_values(serve: Serve) -> None:
    """Issue 17, item 5: Koa 3.3 takes the first value of ``Host: a.com, b.com``."""
    app = answering(lambda ctx: [ctx.host, ctx.hostname, str(ctx.URL)])
    head = "GET /p HTTP/1.1\r\nHost: a.com:8080, b.com\r\n"
    assert await value_of(serve, app, head) == ["a.com:8080", "a.com", "http://a.com:8080/p"]


async def test_an_https_request_line_over_plain_http_is_not_secure(serve: Serve) -> None:
    """Issue 16: the protocol comes from the connection, not the request target."""
    app = answering(lambda ctx: [ctx.protocol, ctx.secure, ctx.href])
    head = "GET https://x/ HTTP/1.1\r\nHost: x\r\n"
    assert await value_of(serve, app, head) == ["http", False, "https://x/"]


async def test_an_https_request_line_with_a_proxy_follows_forwarded_proto(serve: Serve) -> None:
    app = answering(lambda ctx: [ctx.protocol, ctx.secure], Koa(proxy=True))
    plain = "GET https://x/ HTTP/1.1\r\nHost: x\r\n"
    assert await value_of(serve, app, plain) == ["http", False]
    forwarded = plain + "X-Forwarded-Proto: https\r\n"
    assert await value_of(serve, app, forwarded) == ["https", True]


async def test_one_leading_question_mark_of_the_query_is_dropped(serve: Serve) -> None:
    """Issue 17, item 6: Koa's URLSearchParams strips one leading ``?``."""
    app = answering(lambda ctx: [ctx.querystring, ctx.query])
    url = await serve(app)
    cases = {"/??": ["?", {}], "/??a=1": ["?a=1", {"a": "1"}], "/???b": ["??b", {"?b": ""}]}
    for target, expected in cases.items():
        status, body = await send_raw(url, f"GET {target} HTTP/1.1\r\n")
        assert (status, json.loads(body)["value"]) == (200, expected), target


# -- kept differences (issue 17, item 15), documented in "Coming from Koa.js" --


async def test_an_assigned_path_reads_back_as_assigned(serve: Serve) -> None:
    """Koa reads ``ctx.path = "/sp ace"`` back as ``/sp%20ace`` (a re-parse) while
    ``ctx.url`` keeps the space; here both keep what was assigned."""

    def assign(ctx: Context) -> list[str]:
        ctx.path = "/sp ace"
        return [ctx.path, ctx.url]

    value = await value_of(serve, answering(assign), "GET /a?b=1 HTTP/1.1\r\n")
    assert value == ["/sp ace", "/sp ace?b=1"]


async def test_a_repeated_host_is_refused_with_a_400(serve: Serve) -> None:
    """Kept difference: aiohttp's parser refuses a second Host line (Node keeps
    the first); the app never sees the request."""
    app = answering(lambda ctx: ctx.host)
    status, body = await send_raw(await serve(app), "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n")
    assert status == 400
    assert b"Host" in body


async def test_assigning_the_path_keeps_a_bare_question_mark(serve: Serve) -> None:
    """Found by the conformance suite: Koa's path setter keeps ``/a?``'s empty
    search (koa-mount shows ``ctx.url == "/?"`` inside ``mount("/a")``)."""

    def assign(ctx: Context) -> list[str]:
        ctx.path = "/"
        inside = ctx.url
        ctx.path = "/a"
        return [inside, ctx.url, ctx.querystring]

    assert await value_of(serve, answering(assign), "GET /a? HTTP/1.1\r\n") == ["/?", "/a?", ""]


async def test_url_keeps_the_path_and_query_as_sent(serve: Serve) -> None:
    """Found by the conformance suite: Koa's WHATWG ``URL`` keeps ``[``, ``]``,
    ``%7e`` and a malformed ``%ZZ`` as sent, encodes only what may not appear,
    and resolves dot segments; yarl's default parse re-encodes them."""
    app = answering(lambda ctx: str(ctx.URL))
    url = await serve(app)
    cases = {
        "/a[b]?a[b]=1": "http://example.com/a[b]?a[b]=1",
        "/?a=%ZZ": "http://example.com/?a=%ZZ",
        "/%7e?%7e": "http://example.com/%7e?%7e",
        "/a/%2e%2e/b?q='x'": "http://example.com/b?q=%27x%27",
        "//evil/x?y": "http://example.com//evil/x?y",
    }
    for target, expected in cases.items():
        status, body = await send_raw(url, f"GET {target} HTTP/1.1\r\n")
        assert (status, json.loads(body)["value"]) == (200, expected), target


async def test_a_hundred_repeated_lines_are_combined_in_order(serve: Serve) -> None:
    app = answering(lambda ctx: [ctx.get("X-A"), ctx.ips[-1]], Koa(proxy=True))
    lines = "".join(f"X-A: {i}\r\nX-Forwarded-For: 10.0.0.{i}\r\n" for i in range(50))
    value = await value_of(serve, app, f"GET / HTTP/1.1\r\n{lines}")
    assert value == [", ".join(str(i) for i in range(50)), "10.0.0.49"]
