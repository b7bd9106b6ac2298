"""``ctx.cookies`` follows the ``cookies`` package's rules where a Node Koa
service and ours share cookies (issue 17, items 3 and 4; issue 16): signing
only when options are given, the same domain and path checks, numbers as
values, and a tampered signature that is never a 500. Over a real server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from koa.core import Context, Keygrip, Koa, Next
from koa.core.testing import ClientFor, Reply

KEYS = ["key one", "key two"]


def setting(action: Callable[[Context], Any], keys: list[str] | None = KEYS) -> Koa:
    """An app that runs *action* and answers 204 (or its error)."""
    app = Koa(keys=keys)

    async def mw(ctx: Context, next: Next) -> None:
        action(ctx)
        ctx.status = 204

    app.use(mw)
    return app


async def sent_cookies(client: ClientFor, app: Koa, **kwargs: Any) -> Reply:
    return await (await client(app)).get("/", **kwargs)


def names(reply: Reply) -> list[str]:
    return [line.partition("=")[0] for line in reply.headers.getall("Set-Cookie", [])]


async def test_set_without_options_is_not_signed(client: ClientFor) -> None:
    reply = await sent_cookies(client, setting(lambda ctx: ctx.cookies.set("a", "1")))
    assert names(reply) == ["a"]


async def test_set_with_some_option_is_signed_when_the_app_has_keys(client: ClientFor) -> None:
    reply = await sent_cookies(
        client, setting(lambda ctx: ctx.cookies.set("a", "1", http_only=True))
    )
    assert names(reply) == ["a", "a.sig"]


async def test_set_with_options_and_no_keys_is_not_signed(client: ClientFor) -> None:
    app = setting(lambda ctx: ctx.cookies.set("a", "1", max_age=60), keys=None)
    assert names(await sent_cookies(client, app)) == ["a"]


async def test_signed_false_wins_over_the_keys(client: ClientFor) -> None:
    app = setting(lambda ctx: ctx.cookies.set("a", "1", path="/", signed=False))
    assert names(await sent_cookies(client, app)) == ["a"]


async def test_get_without_options_does_not_verify(client: ClientFor) -> None:
    app = Koa(keys=KEYS)

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"plain": ctx.cookies.get("a"), "signed": ctx.cookies.get("a", signed=True)}

    app.use(mw)
    reply = await (await client(app)).get("/", headers={"Cookie": "a=1; a.sig=forged"})
    assert reply.json() == {"plain": "1", "signed": None}


async def test_a_cookie_signed_by_koa_js_is_read_back_signed(client: ClientFor) -> None:
    """The signature keygrip makes for ``a=1`` with the first key."""
    app = Koa(keys=KEYS)

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"signed": ctx.cookies.get("a", signed=True)}

    app.use(mw)
    sig = Keygrip(KEYS).sign("a=1")
    reply = await (await client(app)).get("/", headers={"Cookie": f"a=1; a.sig={sig}"})
    assert reply.json() == {"signed": "1"}


async def test_a_non_ascii_signature_reads_as_invalid(client: ClientFor) -> None:
    """Issue 16: ``c.sig=é`` is a bad signature (None, cleared), never a 500."""
    app = Koa(keys=KEYS)

    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = {"signed": ctx.cookies.get("c", signed=True)}

    app.use(mw)
    c = await client(app)
    reply = await c.get("/", headers={"Cookie": "c=v; c.sig=\u00e9"})
    assert (reply.status, reply.json()) == (200, {"signed": None})
    assert reply.headers["Set-Cookie"].startswith("c.sig=; path=/; expires=Thu, 01 Jan 1970")


def test_keygrip_rejects_a_non_ascii_digest() -> None:
    assert Keygrip(KEYS).index("c=v", "\u00e9") == -1


async def test_a_number_value_is_sent_as_text(client: ClientFor) -> None:
    reply = await sent_cookies(client, setting(lambda ctx: ctx.cookies.set("view", 3), keys=None))
    assert reply.headers["Set-Cookie"] == "view=3; path=/; httponly"


@pytest.mark.parametrize("domain", ["bad domain", "a..b", "-a.com", "a.com;x=1", "\u00e9.com"])
async def test_an_invalid_domain_is_refused(client: ClientFor, domain: str) -> None:
    app = setting(lambda ctx: ctx.cookies.set("a", "1", domain=domain), keys=None)
    reply = await sent_cookies(client, app)
    assert reply.status == 500
    assert "Set-Cookie" not in reply.headers


@pytest.mark.parametrize("domain", ["example.com", ".example.com", "localhost", "a-b.c0"])
async def test_a_valid_domain_is_sent(client: ClientFor, domain: str) -> None:
    app = setting(lambda ctx: ctx.cookies.set("a", "1", domain=domain), keys=None)
    reply = await sent_cookies(client, app)
    assert reply.headers["Set-Cookie"] == f"a=1; path=/; domain={domain}; httponly"


@pytest.mark.parametrize("path", ["/a<b", "/\u00e9", "/a\tb", "/a;b"])
async def test_a_path_outside_the_cookies_package_characters_is_refused(
    client: ClientFor, path: str
) -> None:
    app = setting(lambda ctx: ctx.cookies.set("a", "1", path=path), keys=None)
    reply = await sent_cookies(client, app)
    assert reply.status == 500
    assert "Set-Cookie" not in reply.headers


async def test_max_age_zero_expires_the_cookie_at_once(client: ClientFor) -> None:
    """Kept difference (issue 17, item 15): Koa's cookies treats ``maxAge: 0`` as
    falsy and sends a session cookie (a known bug); 0 seconds is "now" here."""
    app = setting(lambda ctx: ctx.cookies.set("a", "1", max_age=0), keys=None)
    line = (await sent_cookies(client, app)).headers["Set-Cookie"]
    assert line.startswith("a=1; path=/; expires=")
    expires = parsedate_to_datetime(line.split("expires=", 1)[1].split(";", 1)[0])
    assert expires <= datetime.now(UTC)
