"""The request's own members: headers, URL parts, method, body metadata,
``is_()``, ``fresh``/``stale``.

Ported from Koa's ``__tests__/request/*`` (K155-K158, K165-K168, K175-K183,
K190, K192, K193, K196). Host and proxy lines are in
``test_core_request_host.py``, the query string in ``test_core_request_query.py``.
"""

from __future__ import annotations

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, create_context

# -- headers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        (None, ""),
        ("text/plain", ""),
        ("text/plain; charset=utf-8", "utf-8"),
        ('text/plain; charset="utf-8"', "utf-8"),
        ("application/json; application/text; charset=utf-8", ""),
    ],
)
def test_charset(content_type: str | None, charset: str) -> None:
    """Charset (K155)."""
    headers = {"Content-Type": content_type} if content_type else {}
    assert create_context(headers=headers).request.charset == charset


def test_get_is_case_insensitive() -> None:
    """Get is case insensitive (K157)."""
    ctx = create_context(headers={"Host": "http://google.com"})
    assert ctx.get("HOST") == ctx.get("Host") == ctx.get("host") == "http://google.com"
    assert ctx.get("X-Missing") == ""


@pytest.mark.parametrize("sent", ["Referer", "Referrer"])
def test_referer_and_referrer_are_the_same_header(sent: str) -> None:
    """Referer and referrer are the same header (K157)."""
    ctx = create_context(headers={sent: "http://google.com"})
    assert ctx.get("referer") == ctx.get("referrer") == "http://google.com"


def test_headers_are_the_request_headers_and_replaceable() -> None:
    """Headers are the request headers and replaceable (K158)."""
    ctx = create_context(headers={"X-Custom": "1"})
    assert ctx.request.header is ctx.request.headers
    assert ctx.request.headers is ctx.req.headers
    assert ctx.headers["x-custom"] == "1"
    ctx.request.headers = {"X-Other": "2"}
    assert dict(ctx.headers) == {"X-Other": "2"}
    assert ctx.get("x-other") == "2"
    assert ctx.get("x-custom") == ""


# -- URL ---------------------------------------------------------------------------


def test_href_is_built_from_the_original_url() -> None:
    """Href is built from the original url (K165)."""
    ctx = create_context(url="/users/1?next=/dashboard", headers={"Host": "localhost"})
    assert ctx.href == "http://localhost/users/1?next=/dashboard"
    ctx.url = "/foo/users/1?next=/dashboard"
    assert ctx.href == "http://localhost/users/1?next=/dashboard"


def test_href_of_an_absolute_form_target_is_that_url() -> None:
    """K165 (absolute-form request target)"""
    ctx = create_context(url="http://example.com/x?y=1", headers={"Host": "other"})
    assert ctx.href == "http://example.com/x?y=1"
    assert (ctx.path, ctx.querystring) == ("/x", "y=1")


async def test_href_through_http(client: ClientFor) -> None:
    """Href through http (K166)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = ctx.href

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/foo", headers={"Host": "example.com"})
    assert reply.text == "http://example.com/foo"


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("GET", True),
        ("HEAD", True),
        ("PUT", True),
        ("DELETE", True),
        ("OPTIONS", True),
        ("TRACE", True),
        ("POST", False),
        ("PATCH", False),
    ],
)
def test_idempotent(method: str, expected: bool) -> None:
    """Idempotent (K167)."""
    assert create_context(method).idempotent is expected


def test_method_is_assignable() -> None:
    """K167 (method override)"""
    ctx = create_context("POST")
    ctx.method = "PUT"
    assert (ctx.method, ctx.request.method, ctx.idempotent) == ("PUT", "PUT", True)


def test_request_to_json() -> None:
    """Request to json (K168)."""
    ctx = create_context("GET", "/", {"Host": "example.com"})
    assert ctx.request.to_json() == {
        "method": "GET",
        "url": "/",
        "header": {"host": "example.com"},
    }


def test_origin_is_the_origin_header() -> None:
    """Origin is the origin header (K182)."""
    ctx = create_context(
        url="/users/1?next=/dashboard",
        headers={"Origin": "http://example.com", "Host": "localhost"},
    )
    assert ctx.origin == "http://example.com"
    ctx.url = "/foo/users/1?next=/dashboard"
    assert ctx.origin == "http://example.com"


def test_origin_is_none_without_the_header() -> None:
    """Origin is none without the header (K182)."""
    assert create_context(headers={"Host": "localhost"}).origin is None


def test_path_is_the_url_path() -> None:
    """Path is the url path (K183)."""
    assert create_context(url="/login?next=/dashboard").path == "/login"


def test_path_is_not_percent_decoded() -> None:
    """K183 (Koa's path is undecoded)"""
    assert create_context(url="/a%20b/%E2%82%AC").path == "/a%20b/%E2%82%AC"


def test_path_assignment_keeps_the_query() -> None:
    """Path assignment keeps the query (K183)."""
    ctx = create_context(url="/login?next=/dashboard")
    ctx.path = "/logout"
    assert ctx.path == "/logout"
    assert ctx.url == "/logout?next=/dashboard"
    assert ctx.original_url == "/login?next=/dashboard"


def test_path_assignment_with_the_same_value_leaves_the_url_alone() -> None:
    """Path assignment with the same value leaves the url alone (K183)."""
    ctx = create_context(url="/login?foo=bar")
    ctx.path = "/login"
    assert ctx.url == "/login?foo=bar"


def test_fragment_is_not_part_of_path_or_query() -> None:
    """K183, K187 (a crafted target with ``#``: Koa's url.parse keeps it apart)"""
    ctx = create_context()
    ctx.url = "/a#b?c"
    assert (ctx.path, ctx.querystring, ctx.search) == ("/a", "", "")
    ctx.url = "/a?x=1#f?g"
    assert (ctx.path, ctx.querystring) == ("/a", "x=1")
    ctx.path = "/z"
    assert ctx.url == "/z?x=1#f?g"
    ctx.querystring = "q=2"
    assert ctx.url == "/z?q=2#f?g"


def test_url_is_none_when_the_host_is_missing_or_invalid() -> None:
    """Url is none when the host is missing or invalid (K193)."""
    assert create_context().URL is None
    assert create_context(headers={"Host": "invalid host"}).URL is None
    url = create_context(url="/a?b=1", headers={"Host": "example.com:3000"}).URL
    assert url is not None
    assert (url.host, url.port, url.path, url.query_string) == ("example.com", 3000, "/a", "b=1")


# -- body metadata -----------------------------------------------------------------


def test_request_type_drops_parameters() -> None:
    """Request type drops parameters (K192)."""
    ctx = create_context(headers={"Content-Type": "text/html; charset=utf-8"})
    assert ctx.request.type == "text/html"
    assert create_context().request.type == ""


@pytest.mark.parametrize(("value", "expected"), [("10", 10), (None, None), ("abc", None)])
def test_request_length(value: str | None, expected: int | None) -> None:
    """K181 ([3.3] non-numeric is None)"""
    headers = {"Content-Length": value} if value is not None else {}
    assert create_context(headers=headers).request.length == expected


def test_is_with_a_chunked_body() -> None:
    """Is with a chunked body (K175)."""
    ctx = create_context(
        headers={"Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked"}
    )
    assert ctx.is_("text/*") == "text/html"


def test_is_without_a_body_is_none() -> None:
    """Is without a body is none (K176)."""
    ctx = create_context(headers={"Content-Type": "text/html"})
    assert ctx.is_() is None
    assert ctx.is_("image/*") is None
    assert ctx.is_("image/*", "text/*") is None


def test_is_with_a_body_but_no_type_is_false() -> None:
    """Is with a body but no type is false (K177)."""
    ctx = create_context(headers={"Content-Length": "3"})
    assert ctx.is_() is False
    assert ctx.is_("image/*") is False
    assert ctx.is_("text/*", "image/*") is False


def test_content_length_zero_counts_as_a_body() -> None:
    """K176 (``Content-Length: 0`` is a body)"""
    ctx = create_context(headers={"Content-Type": "image/png", "Content-Length": "0"})
    assert ctx.is_("image/*") == "image/png"


PNG = {"Content-Type": "image/png", "Transfer-Encoding": "chunked"}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("png", "png"),
        (".png", ".png"),
        ("image/png", "image/png"),
        ("image/*", "image/png"),
        ("*/png", "image/png"),
        ("jpeg", False),
        (".jpeg", False),
        ("image/jpeg", False),
        ("text/*", False),
        ("*/jpeg", False),
    ],
)
def test_is_one_type(kind: str, expected: str | bool) -> None:
    """Is one type (K178)."""
    assert create_context(headers=PNG).is_(kind) == expected


def test_is_with_no_type_argument_gives_the_type() -> None:
    """Is with no type argument gives the type (K178)."""
    assert create_context(headers=PNG).is_() == "image/png"


@pytest.mark.parametrize(
    "kinds",
    [
        ("text/*", "image/*"),
        ("image/*", "text/*"),
        ("image/*", "image/png"),
        ("image/png", "image/*"),
    ],
)
def test_is_several_types(kinds: tuple[str, str]) -> None:
    """Is several types (K179)."""
    ctx = create_context(headers=PNG)
    assert ctx.is_(*kinds) == "image/png"
    assert ctx.is_(list(kinds)) == "image/png"


def test_is_several_types_none_matching() -> None:
    """Is several types none matching (K179)."""
    ctx = create_context(headers=PNG)
    assert ctx.is_("text/*", "application/*") is False
    assert ctx.is_("text/html", "text/plain", "application/json; charset=utf-8") is False


def test_is_urlencoded_shorthand() -> None:
    """Is urlencoded shorthand (K180)."""
    form = "application/x-www-form-urlencoded"
    ctx = create_context(headers={"Content-Type": form, "Transfer-Encoding": "chunked"})
    assert ctx.is_("urlencoded") == "urlencoded"
    assert ctx.is_("json", "urlencoded") == "urlencoded"
    assert ctx.is_("urlencoded", "json") == "urlencoded"


# -- fresh and stale ----------------------------------------------------------------


def fresh_context(headers: dict[str, str], method: str = "GET", status: int = 200) -> Context:
    ctx = create_context(method, headers=headers)
    ctx.status = status
    return ctx


def test_fresh_is_false_for_post() -> None:
    """Fresh is false for post (K156)."""
    ctx = fresh_context({"If-None-Match": "123"}, "POST")
    ctx.set("ETag", "123")
    assert ctx.fresh is False


def test_fresh_is_false_for_non_2xx() -> None:
    """Fresh is false for non 2xx (K156)."""
    ctx = fresh_context({"If-None-Match": "123"}, status=404)
    ctx.set("ETag", "123")
    assert ctx.fresh is False


def test_fresh_when_the_etag_matches() -> None:
    """Fresh when the etag matches (K156)."""
    ctx = fresh_context({"If-None-Match": "123"})
    ctx.set("ETag", "123")
    assert ctx.fresh is True


def test_not_fresh_when_the_etag_differs() -> None:
    """Not fresh when the etag differs (K156)."""
    ctx = fresh_context({"If-None-Match": "123"})
    ctx.set("ETag", "hey")
    assert ctx.fresh is False


def test_stale_is_not_fresh() -> None:
    """Stale is not fresh (K190)."""
    ctx = fresh_context({"If-None-Match": '"123"'})
    ctx.set("ETag", '"123"')
    assert (ctx.fresh, ctx.stale) == (True, False)


def test_fresh_by_last_modified() -> None:
    """Fresh by last modified (K196)."""
    ctx = fresh_context({"If-Modified-Since": "Fri, 01 Jan 2021 00:00:00 GMT"})
    ctx.set("Last-Modified", "Wed, 01 Jan 2020 00:00:00 GMT")
    assert ctx.fresh is True
    ctx.set("Last-Modified", "Sat, 01 Jan 2022 00:00:00 GMT")
    assert ctx.fresh is False


def test_no_cache_is_never_fresh() -> None:
    """No cache is never fresh (K196)."""
    ctx = fresh_context({"If-None-Match": '"a"', "Cache-Control": "no-cache"})
    ctx.set("ETag", '"a"')
    assert ctx.fresh is False


def test_weak_and_strong_etags_compare_weakly() -> None:
    """Weak and strong etags compare weakly (K196)."""
    ctx = fresh_context({"If-None-Match": 'W/"a"'})
    ctx.set("ETag", '"a"')
    assert ctx.fresh is True


def test_star_matches_any_etag() -> None:
    """Star matches any etag (K196)."""
    ctx = fresh_context({"If-None-Match": "*"})
    ctx.set("ETag", '"anything"')
    assert ctx.fresh is True


async def test_conditional_get_gives_304(client: ClientFor) -> None:
    """Conditional get gives 304 (K196)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.status = 200
        ctx.set("ETag", '"abc"')
        ctx.body = "content"
        if ctx.fresh:
            ctx.status = 304

    app = Koa()
    app.use(mw)
    c = await client(app)
    reply = await c.get("/", headers={"If-None-Match": '"abc"'})
    assert (reply.status, reply.body) == (304, b"")
    reply = await c.get("/", headers={"If-None-Match": '"old"'})
    assert (reply.status, reply.text) == (200, "content")
