"""``ctx.cookies``: reading, setting and signing cookies.

Ported from Koa's ``__tests__/context/cookies.test.js`` (K106-K110) and the
probes K270-K271. ``max_age`` is in seconds here (Koa: milliseconds).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from koa.core import Context, CookieError, Cookies, Keygrip, Koa, Next
from koa.core.testing import ClientFor, create_context

SIG = re.compile(r"^[A-Za-z0-9_-]{27}$")


def set_cookies(headers: Any) -> list[str]:
    return list(headers.getall("Set-Cookie", []))


async def test_set_cookie_is_sent(client: ClientFor) -> None:
    """Set cookie is sent (K106)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.cookies.set("name", "jon")
        ctx.status = 204

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.status == 204
    assert any(c.startswith("name=") for c in set_cookies(reply.headers))


async def test_signed_cookie_without_keys_raises(client: ClientFor) -> None:
    """Signed cookie without keys raises (K107)."""

    async def mw(ctx: Context, next: Next) -> None:
        try:
            ctx.cookies.set("foo", "bar", signed=True)
        except CookieError as err:
            ctx.body = str(err)

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.text == ".keys required for signed cookies"


async def test_signed_cookie_sends_a_signature_cookie(client: ClientFor) -> None:
    """Signed cookie sends a signature cookie (K108)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.cookies.set("name", "jon", signed=True)
        ctx.status = 204

    app = Koa(keys=["a", "b"])
    app.use(mw)
    reply = await (await client(app)).get("/")
    cookies = set_cookies(reply.headers)
    assert any(c.startswith("name=") for c in cookies)
    assert any(c.startswith("name.sig=") for c in cookies)


async def test_cookies_are_secure_behind_a_trusted_https_proxy(client: ClientFor) -> None:
    """Cookies are secure behind a trusted https proxy (K109)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.cookies.set("name", "jon", signed=True)
        ctx.status = 204

    app = Koa(keys=["a", "b"], proxy=True)
    app.use(mw)
    reply = await (await client(app)).get("/", headers={"X-Forwarded-Proto": "https"})
    cookies = set_cookies(reply.headers)
    assert len(cookies) == 2
    assert all("secure" in c for c in cookies)


async def test_cookies_object_can_be_replaced(client: ClientFor) -> None:
    """Cookies object can be replaced (K110)."""

    class HeaderCookies(Cookies):
        def __init__(self, ctx: Context) -> None:
            super().__init__(ctx, None, False)
            self.response = ctx.response

        def set(self, name: str, value: str | float | None = None, **options: Any) -> Cookies:
            self.response.set(name, str(value or ""))
            return self

    async def mw(ctx: Context, next: Next) -> None:
        ctx.cookies = HeaderCookies(ctx)
        ctx.cookies.set("name", "jon")
        ctx.status = 204

    app = Koa()
    app.use(mw)
    reply = await (await client(app)).get("/")
    assert reply.status == 204
    assert reply.headers["name"] == "jon"


async def test_cookie_attributes_and_signature_format(client: ClientFor) -> None:
    """Cookie attributes and signature format (K270)."""

    async def mw(ctx: Context, next: Next) -> None:
        ctx.cookies.set("a", "1", signed=False)
        ctx.cookies.set("b", "2", signed=True, max_age=1, same_site="lax", path="/x")
        ctx.status = 204

    app = Koa(keys=["k1"])
    app.use(mw)
    reply = await (await client(app)).get("/")
    a, b, b_sig = set_cookies(reply.headers)
    assert a == "a=1; path=/; httponly"
    assert re.fullmatch(r"b=2; path=/x; expires=[^;]+ GMT; samesite=lax; httponly", b)
    name, _, rest = b_sig.partition("; ")
    assert name.startswith("b.sig=")
    assert SIG.match(name.removeprefix("b.sig="))
    assert rest == b.partition("; ")[2]


def test_signature_is_keygrip_compatible() -> None:
    """K270 (url-safe base64 HMAC-SHA1 of "name=value", no padding)"""
    grip = Keygrip(["k1"])
    sig = grip.sign("b=2")
    assert SIG.match(sig)
    assert grip.verify("b=2", sig)
    assert not grip.verify("b=3", sig)
    assert Keygrip(["k0", "k1"]).index("b=2", sig) == 1


def test_secure_cookie_over_plain_http_is_refused() -> None:
    """Secure cookie over plain http is refused (K271)."""
    ctx = create_context()
    with pytest.raises(CookieError, match="Cannot send secure cookie over unencrypted"):
        ctx.cookies.set("a", "1", secure=True)


def test_secure_cookie_behind_a_trusted_https_proxy() -> None:
    """Secure cookie behind a trusted https proxy (K271)."""
    ctx = create_context(headers={"X-Forwarded-Proto": "https"}, app=Koa(proxy=True))
    ctx.cookies.set("a", "1", secure=True)
    assert ctx.response.get("Set-Cookie") == ["a=1; path=/; secure; httponly"]


@pytest.mark.parametrize("value", ["b;c", "a\nb", "trailing\n"])
def test_invalid_cookie_value_is_refused(value: str) -> None:
    """Invalid cookie value is refused (K271)."""
    with pytest.raises(CookieError, match="argument value is invalid"):
        create_context().cookies.set("a", value)


@pytest.mark.parametrize("name", ["a;b", "a=b", "a\rb", "", "a\n"])
def test_invalid_cookie_name_is_refused(name: str) -> None:
    """Invalid cookie name is refused (K271)."""
    with pytest.raises(CookieError, match="argument name is invalid"):
        create_context().cookies.set(name, "v")


def test_signed_get_checks_the_signature() -> None:
    """Signed get checks the signature (K271)."""
    good = Keygrip(["k"]).sign("y=v")
    ctx = create_context(headers={"Cookie": f"y=v; y.sig={good}"}, app=Koa(keys=["k"]))
    assert ctx.cookies.get("y", signed=True) == "v"
    bad = create_context(headers={"Cookie": "y=v; y.sig=wrong"}, app=Koa(keys=["k"]))
    assert bad.cookies.get("y", signed=True) is None
    # the bad signature is cleared
    cleared = bad.response.get("Set-Cookie")
    assert isinstance(cleared, list)
    assert cleared[0].startswith("y.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT")


def test_signed_get_without_signature_is_none() -> None:
    """Signed get without signature is none (K271)."""
    ctx = create_context(headers={"Cookie": "y=v"}, app=Koa(keys=["k"]))
    assert ctx.cookies.get("y", signed=True) is None
    assert ctx.cookies.get("y") == "v"


def test_signature_from_an_old_key_is_renewed() -> None:
    """K271 (key rotation)"""
    old = Keygrip(["old"]).sign("y=v")
    ctx = create_context(headers={"Cookie": f"y=v; y.sig={old}"}, app=Koa(keys=["new", "old"]))
    assert ctx.cookies.get("y", signed=True) == "v"
    renewed = ctx.response.get("Set-Cookie")
    assert isinstance(renewed, list)
    assert renewed[0].startswith(f"y.sig={Keygrip(['new']).sign('y=v')};")


def test_get_strips_quotes_and_misses_are_none() -> None:
    """K271 (cookies.get)"""
    ctx = create_context(headers={"Cookie": 'a="quoted"; b=plain'})
    assert ctx.cookies.get("a") == "quoted"
    assert ctx.cookies.get("b") == "plain"
    assert ctx.cookies.get("c") is None
    assert create_context().cookies.get("a") is None


def test_empty_value_deletes_the_cookie() -> None:
    """K270 (deletion cookie)"""
    ctx = create_context()
    ctx.cookies.set("a", None)
    assert ctx.response.get("Set-Cookie") == [
        "a=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly"
    ]


def test_overwrite_replaces_earlier_cookies_of_that_name() -> None:
    """K270 (overwrite option)"""
    ctx = create_context()
    ctx.cookies.set("a", "1").set("b", "2").set("a", "3", overwrite=True)
    assert ctx.response.get("Set-Cookie") == ["b=2; path=/; httponly", "a=3; path=/; httponly"]


def test_cookie_options_are_validated() -> None:
    """K271 (option errors)"""
    cookies = create_context().cookies
    with pytest.raises(CookieError, match="option path is invalid"):
        cookies.set("a", "1", path="/\n")
    with pytest.raises(CookieError, match="option sameSite is invalid"):
        cookies.set("a", "1", same_site="sometimes")  # type: ignore[arg-type]
    with pytest.raises(CookieError, match="option priority is invalid"):
        cookies.set("a", "1", priority="urgent")  # type: ignore[arg-type]
    with pytest.raises(CookieError, match="option maxAge is invalid"):
        cookies.set("a", "1", max_age=float("nan"))
