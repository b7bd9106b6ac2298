"""``ctx.redirect()`` and ``ctx.back()``: Location encoding, status, body,
and the open-redirect guard of ``back()``.

Ported from Koa's ``__tests__/response/{redirect,back}.test.js`` (K213-K216,
K248-K258).
"""

from __future__ import annotations

import pytest

from koa.core import Context, Koa, Middleware, Next
from koa.core.testing import ClientFor, create_context

TXT = "text/plain; charset=utf-8"
HTML = "text/html; charset=utf-8"


def app_with(mw: Middleware) -> Koa:
    app = Koa(silent=True)
    app.use(mw)
    return app


def redirected(url: str, headers: dict[str, str] | None = None) -> Context:
    ctx = create_context(headers=headers)
    ctx.redirect(url)
    return ctx


# -- redirect ---------------------------------------------------------------------------


def test_redirect_to_an_origin_adds_the_slash() -> None:
    """Redirect to an origin adds the slash (K248)."""
    ctx = redirected("http://google.com")
    assert ctx.response.get("Location") == "http://google.com/"
    assert ctx.status == 302


@pytest.mark.parametrize("url", ["http://google.com\\@apple.com", "HTTP://google.com\\@apple.com"])
def test_redirect_reparses_backslashes(url: str) -> None:
    """K249 (no host confusion through ``\\``)"""
    assert redirected(url).response.get("Location") == "http://google.com/@apple.com"


def test_redirect_normalises_scheme_host_and_default_port() -> None:
    """K249 (WHATWG serialisation)"""
    ctx = redirected("HTTP://GOOGLE.com:80/Path")
    assert ctx.response.get("Location") == "http://google.com/Path"
    assert redirected("https://a.com:8443").response.get("Location") == "https://a.com:8443/"


def test_redirect_to_an_international_host_uses_punycode() -> None:
    """K250 (WHATWG serialises the host as punycode, the path percent-encoded)"""
    ctx = redirected("http://例え.jp:8080/パス")
    assert ctx.response.get("Location") == "http://xn--r8jz45g.jp:8080/%E3%83%91%E3%82%B9"


async def test_redirect_percent_encodes_non_ascii(client: ClientFor) -> None:
    """Redirect percent encodes non ascii (K250)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.redirect("http://google.com/😓")

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 302
    assert reply.headers["Location"] == "http://google.com/%F0%9F%98%93"


async def test_redirect_body_shows_the_absolute_url_as_a_url_parser_writes_it(
    client: ClientFor,
) -> None:
    """Issue 17, item 7: Koa's body has ``new URL(url).toString()``, percent-encoded."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.redirect("http://google.com/😓 a?q=é#f g")

    c = await client(app_with(mw))
    text = await c.get("/", headers={"Accept": "text/plain"})
    expected = "http://google.com/%F0%9F%98%93%20a?q=%C3%A9#f%20g"
    assert (text.headers["Location"], text.text) == (expected, f"Redirecting to {expected}.")
    html = await c.get("/", headers={"Accept": "text/html"})
    assert html.text == f"Redirecting to {expected}."


async def test_redirect_body_keeps_a_relative_url_as_given(client: ClientFor) -> None:
    """Koa parses only http(s) URLs; a path is shown as given (Location is encoded)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.redirect("/😓")

    reply = await (await client(app_with(mw))).get("/", headers={"Accept": "text/plain"})
    assert (reply.headers["Location"], reply.text) == ("/%F0%9F%98%93", "Redirecting to /😓.")


def test_redirect_body_for_html_clients_is_escaped() -> None:
    """Redirect body for html clients is escaped (K251)."""
    ctx = redirected("http://google.com/", {"Accept": "text/html"})
    assert ctx.response.get("Content-Type") == HTML
    assert ctx.body == "Redirecting to http://google.com/."
    ctx = redirected("<script>", {"Accept": "text/html"})
    assert ctx.body == "Redirecting to &lt;script&gt;."


def test_redirect_body_for_text_clients() -> None:
    """Redirect body for text clients (K252)."""
    ctx = redirected("http://google.com", {"Accept": "text/plain"})
    assert ctx.body == "Redirecting to http://google.com/."
    assert ctx.response.get("Content-Type") == TXT


def test_redirect_keeps_a_redirect_status() -> None:
    """Redirect keeps a redirect status (K253)."""
    ctx = create_context()
    ctx.status = 301
    ctx.redirect("/x")
    assert ctx.status == 301


def test_redirect_replaces_304() -> None:
    """Redirect replaces 304 (K253)."""
    ctx = create_context()
    ctx.status = 304
    ctx.redirect("/x")
    assert ctx.status == 302


def test_redirect_replaces_an_object_body() -> None:
    """Redirect replaces an object body (K254)."""
    ctx = create_context(headers={"Accept": "text/plain"})
    ctx.body = {}
    ctx.redirect("http://google.com")
    assert ctx.status == 302
    assert ctx.body == "Redirecting to http://google.com/."
    assert ctx.type == "text/plain"


async def test_redirect_without_accept_is_html(client: ClientFor) -> None:
    """Redirect without accept is html (K255)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.redirect("/login")

    reply = await (await client(app_with(mw))).get("/", skip_auto_headers=["Accept"])
    assert reply.status == 302
    assert reply.headers["Content-Type"] == HTML
    assert reply.headers["Content-Length"] == "22"
    assert reply.text == "Redirecting to /login."
    assert reply.headers["Location"] == "/login"


async def test_redirect_for_json_clients_is_text(client: ClientFor) -> None:
    """Redirect for json clients is text (K256)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.redirect("/lo gin?x=<a>")

    reply = await (await client(app_with(mw))).get("/", headers={"Accept": "application/json"})
    assert reply.headers["Content-Type"] == TXT
    assert reply.text == "Redirecting to /lo gin?x=<a>."
    assert reply.headers["Location"] == "/lo%20gin?x=%3Ca%3E"


async def test_redirect_cannot_inject_headers(client: ClientFor) -> None:
    """K257 (robustness: CR/LF are percent-encoded)"""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.redirect("/a\r\nSet-Cookie: x=1")

    reply = await (await client(app_with(mw))).get("/")
    assert reply.status == 302
    assert reply.headers["Location"] == "/a%0D%0ASet-Cookie:%20x=1"
    assert "Set-Cookie" not in reply.headers


def test_redirect_keeps_existing_escapes() -> None:
    """Redirect keeps existing escapes (K257)."""
    assert redirected("/a%20b/%E2%82%AC").response.get("Location") == "/a%20b/%E2%82%AC"


def test_redirect_has_no_scheme_allow_list() -> None:
    """K258 (checking user input is the application's job)"""
    assert redirected("javascript:alert(1)").response.get("Location") == "javascript:alert(1)"


# -- back ----------------------------------------------------------------------------------


def went_back(headers: dict[str, str], alt: str | None = None) -> object:
    ctx = create_context(headers={"Host": "example.com", **headers})
    ctx.back(alt)
    return ctx.response.get("Location")


@pytest.mark.parametrize(
    ("header", "referrer", "expected"),
    [
        ("Referrer", "/login", "/login"),
        ("Referrer", "https://example.com/login", "https://example.com/login"),
        ("Referrer", "https://other.com/login", "/"),
        ("Referer", "/login", "/login"),
        ("Referer", "https://example.com/login", "https://example.com/login"),
    ],
)
def test_back_goes_to_a_same_host_referrer(header: str, referrer: str, expected: str) -> None:
    """Back goes to a same host referrer (K213)."""
    assert went_back({header: referrer}) == expected


def test_back_without_referrer_uses_the_fallback() -> None:
    """Back without referrer uses the fallback (K214)."""
    assert went_back({}, "/index.html") == "/index.html"
    assert went_back({}) == "/"


@pytest.mark.parametrize(
    "referrer",
    [
        "//evil.com/login/",
        "/\\evil.com",
        "\\\\evil.com",
        "http://evil.com",
        "https://evil.com/x",
        "https://example.com.evil.com/",
        "http://example.com@evil.com/",
        " //evil.com",
        "/\t/evil.com",
        "javascript:alert(1)",
    ],
)
def test_back_never_leaves_the_site(referrer: str) -> None:
    """K215 (robustness: foreign, protocol-relative and backslash referrers)"""
    assert went_back({"Referer": referrer}) == "/"
    assert went_back({"Referer": referrer}, "/home") == "/home"


def test_back_compares_hosts_with_default_ports() -> None:
    """K213 (``http://example.com:80`` is ``example.com``)"""
    assert went_back({"Referer": "http://example.com:80/x"}) == "http://example.com/x"


def test_redirect_back_is_back() -> None:
    """K214 (``redirect("back")``, Koa 2's spelling)"""
    ctx = create_context(headers={"Host": "example.com", "Referer": "https://evil.com/"})
    ctx.redirect("back", "/safe")
    assert ctx.response.get("Location") == "/safe"


@pytest.mark.parametrize(
    ("referer", "location"),
    [("http://evil.com/x", "/home"), ("//evil.com/x", "/home"), ("/\\evil.com", "/home")],
)
async def test_back_through_http_with_a_foreign_referer(
    client: ClientFor, referer: str, location: str
) -> None:
    """Back through http with a foreign referer (K216)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.back("/home")

    reply = await (await client(app_with(mw))).get("/", headers={"Referer": referer})
    assert reply.status == 302
    assert reply.headers["Location"] == location
    assert reply.headers["Content-Type"] == HTML
    assert reply.text == "Redirecting to /home."


async def test_back_through_http_with_a_same_host_referer(client: ClientFor) -> None:
    """Back through http with a same host referer (K216)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.back("/home")

    c = await client(app_with(mw))
    reply = await c.get("/", headers={"Referer": "http://127.0.0.1/x", "Host": "127.0.0.1"})
    assert reply.headers["Location"] == "http://127.0.0.1/x"


async def test_redirect_resolves_dot_segments_of_an_absolute_url(client: ClientFor) -> None:
    """As ``new URL(url)`` in Koa's redirect."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.redirect("http://example.com/a/./b/../%2e%2e/c")

    reply = await (await client(app_with(mw))).get("/", headers={"Accept": "text/plain"})
    assert reply.headers["Location"] == "http://example.com/c"
    assert reply.text == "Redirecting to http://example.com/c."
