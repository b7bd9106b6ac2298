"""Open redirects and proxy trust.

``ctx.redirect("back")`` / ``ctx.back()`` goes to the Referer only when a
browser would resolve it to this very host; a foreign, protocol-relative or
otherwise disguised Referer goes to the fallback. Host and protocol come from
``X-Forwarded-*`` only with ``Koa(proxy=True)``. ``ctx.redirect(url)`` with a
URL that cannot be parsed is never a 500.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, create_context

HOSTS = ["localhost", "localhost:8080", "app.example", "[::1]"]
FALLBACK = "/fallback"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def browser_host(location: str, base_host: str, base_scheme: str = "http") -> str | None:
    """The host a browser lands on when it follows *location* from a page of
    *base_host* (WHATWG URL parsing, the parts that matter for hosts); ``None``
    for a URL that is not http(s) at all."""
    text = location.strip("".join(chr(c) for c in range(0x21)))
    text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    text = text.replace("\\", "/")  # a "\" is a "/" in http(s) URLs
    match = _SCHEME.match(text)
    if match:
        scheme = match.group(1).lower()
        if scheme not in ("http", "https"):
            return None
        rest = text[match.end() :]
        if scheme == base_scheme and not rest.startswith("/"):
            return base_host.lower()  # "http:x" from an http page is relative
    elif text.startswith("//"):
        rest = text
    else:
        return base_host.lower()
    authority = re.split(r"[/?#]", rest.lstrip("/"), maxsplit=1)[0]
    host = authority.rpartition("@")[2].lower()
    for default in (":80", ":443"):
        if host.endswith(default):
            host = host[: -len(default)]
    return host


pieces = st.sampled_from(
    [
        "http:", "https:", "HTTP:", "javascript:", "data:", "//", "/", "\\", "/\\", "\\\\",
        "///", "\t", " ", "\x0b", "@", "#", "?", ":80", ":443", ":8080", "localhost",
        "LOCALHOST", "evil.com", "app.example", "[::1]", "localhost@", "evil.com@", "%2F",
        "%5C", ".", "..", "x", "%00", "\u3002", "é",
    ]
)  # fmt: skip
referers = st.lists(pieces, max_size=8).map("".join) | st.text(max_size=30)


@given(referer=referers, host=st.sampled_from(HOSTS), proxy=st.booleans())
def test_fuzz_back_never_leaves_the_host(referer: str, host: str, proxy: bool) -> None:
    headers = {"Host": host, "Referer": referer, "X-Forwarded-Host": "evil.com"}
    ctx = create_context(headers=headers, app=Koa(proxy=proxy))
    ctx.redirect("back", FALLBACK)
    location = str(ctx.response.get("Location"))
    assert "\r" not in location and "\n" not in location
    if location != FALLBACK:
        assert browser_host(location, ctx.host) == ctx.host.lower(), (referer, location)


@given(referer=referers, host=st.sampled_from(HOSTS))
def test_fuzz_back_ignores_x_forwarded_headers_without_proxy(referer: str, host: str) -> None:
    plain = create_context(headers={"Host": host, "Referer": referer})
    plain.back(FALLBACK)
    forwarded = create_context(
        headers={
            "Host": host,
            "Referer": referer,
            "X-Forwarded-Host": "evil.com",
            "X-Forwarded-Proto": "https",
        }
    )
    forwarded.back(FALLBACK)
    assert forwarded.response.get("Location") == plain.response.get("Location")
    assert (forwarded.host, forwarded.protocol) == (host, "http")


@given(
    forwarded_host=st.text(max_size=20).filter(lambda s: "\r" not in s and "\n" not in s),
    forwarded_proto=st.text(max_size=10).filter(lambda s: "\r" not in s and "\n" not in s),
)
def test_fuzz_host_and_protocol_come_from_x_forwarded_only_with_proxy(
    forwarded_host: str, forwarded_proto: str
) -> None:
    headers = {
        "Host": "app.example",
        "X-Forwarded-Host": forwarded_host,
        "X-Forwarded-Proto": forwarded_proto,
        "X-Forwarded-For": "6.6.6.6",
    }
    ctx = create_context(headers=headers)
    assert (ctx.host, ctx.hostname, ctx.protocol, ctx.secure) == (
        "app.example",
        "app.example",
        "http",
        False,
    )
    assert ctx.ips == [] and ctx.ip != "6.6.6.6"
    trusted = create_context(headers=headers, app=Koa(proxy=True))
    assert trusted.ips == ["6.6.6.6"] and trusted.ip == "6.6.6.6"
    first_host = forwarded_host.split(",", 1)[0].strip()
    if first_host and "@" not in first_host:
        assert trusted.host == first_host


@given(url=st.lists(pieces, max_size=8).map(lambda parts: "http://" + "".join(parts)))
def test_fuzz_redirect_to_any_absolute_url_sets_one_location_header(url: str) -> None:
    ctx = create_context()
    ctx.redirect(url)
    location = str(ctx.response.get("Location"))
    assert ctx.status == 302
    assert not re.search(r"[\x00-\x20\x7f]", location), location


async def test_back_through_http_with_a_protocol_relative_referer(client: ClientFor) -> None:
    app = Koa()

    async def back(ctx: Context, next: Next) -> None:
        ctx.back(FALLBACK)

    app.use(back)
    c = await client(app)
    for referer in ("//evil.com/x", "/\\evil.com", "\\\\evil.com", "https:evil.com", "///evil.com"):
        reply = await c.get("/", headers={"Referer": referer})
        assert (reply.status, reply.headers["Location"]) == (302, FALLBACK), referer


async def test_regression_redirect_to_url_with_unbalanced_brackets_is_not_a_500(
    client: ClientFor,
) -> None:
    """Found by scripts/fuzz_server.py: ``ctx.redirect("http://a]b.example/")``
    raised ``ValueError: Invalid IPv6 URL`` from the URL normalisation (500)."""
    app = Koa(silent=True)

    async def go(ctx: Context, next: Next) -> None:
        ctx.redirect(str(ctx.query["to"]))

    app.use(go)
    c = await client(app)
    for target in ("http://;(%E2%82].example/~", "http://-]][.example/", "https://[x/"):
        reply = await c.get("/", params={"to": target})
        assert reply.status == 302, (target, reply.status)
        assert "\r" not in reply.headers["Location"]


def test_regression_back_refuses_a_referer_with_another_scheme_naming_this_host() -> None:
    """Found by the property tests: ``ctx.back()`` compared only the host, so a
    Referer such as ``javascript://localhost/%0aalert(1)`` or
    ``myapp://localhost/x`` was followed (Koa 3 does the same). Only http(s)
    Referers (or relative ones) are followed now."""
    for referer in (
        "javascript://localhost/%0aalert(1)",
        "data://localhost/x",
        "myapp://localhost/x",
        "localhosthttp:/\\localhost",
    ):
        ctx = create_context(headers={"Host": "localhost", "Referer": referer})
        ctx.back(FALLBACK)
        assert ctx.response.get("Location") == FALLBACK, referer
    ctx = create_context(headers={"Host": "localhost", "Referer": "https://localhost/x"})
    ctx.back(FALLBACK)
    assert ctx.response.get("Location") == "https://localhost/x"
