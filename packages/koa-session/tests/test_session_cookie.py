"""The cookie store: koa-session's cookie, read and written by a real server."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from koa.core import Context, Keygrip, Koa, Next
from koa.core.testing import Client, client_for
from koa.session import Session, SessionContext, decode, encode, session

KEYS = ["key one", "key two"]


def make_app(**options: Any) -> Koa:
    app = Koa(keys=KEYS)
    app.use(session(app, **options))

    async def routes(ctx: SessionContext, next: Next) -> None:
        if ctx.path == "/set":
            for name, value in ctx.query.items():
                ctx.session[name] = value
        elif ctx.path == "/destroy":
            ctx.session = None
        elif ctx.path == "/replace":
            ctx.session = {"replaced": True}
        elif ctx.path == "/save":
            ctx.session.save()
        sess = ctx.session
        ctx.body = {"session": dict(sess or {}), "is_new": sess is not None and sess.is_new}

    app.use(routes)
    return app


@asynccontextmanager
async def browser(app: Koa) -> AsyncIterator[Client]:
    """A client that keeps cookies, as a browser does (127.0.0.1 included)."""
    async with client_for(app, cookie_jar=aiohttp.CookieJar(unsafe=True)) as c:
        yield c


def set_cookies(headers: Any) -> list[str]:
    return list(headers.getall("Set-Cookie", []))


def cookie_value(headers: Any, name: str) -> str:
    for line in set_cookies(headers):
        if line.startswith(name + "="):
            return line.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {set_cookies(headers)}")


async def test_an_untouched_new_session_sets_no_cookie() -> None:
    async with browser(make_app()) as c:
        reply = await c.get("/")
        assert reply.json() == {"session": {}, "is_new": True}
        assert set_cookies(reply.headers) == []


async def test_a_changed_session_is_sent_as_the_cookie_koa_session_writes() -> None:
    async with browser(make_app()) as c:
        before = int(time.time() * 1000)
        reply = await c.get("/set?user=ann")
        value = cookie_value(reply.headers, "koa.sess")
        data = json.loads(base64.b64decode(value))
        assert data["user"] == "ann"
        assert data["_maxAge"] == 86_400_000
        assert before + 86_400_000 <= data["_expire"] <= time.time() * 1000 + 86_400_000
        sig = cookie_value(reply.headers, "koa.sess.sig")
        assert Keygrip(KEYS).verify(f"koa.sess={value}", sig)
        line = next(h for h in set_cookies(reply.headers) if h.startswith("koa.sess="))
        assert "httponly" in line and "path=/" in line and "expires=" in line


async def test_the_session_is_read_back_on_the_next_request() -> None:
    async with browser(make_app()) as c:
        await c.get("/set?user=ann")
        reply = await c.get("/")
        assert reply.json() == {"session": {"user": "ann"}, "is_new": False}


async def test_an_unchanged_loaded_session_is_not_sent_again() -> None:
    async with browser(make_app()) as c:
        await c.get("/set?user=ann")
        assert set_cookies((await c.get("/")).headers) == []


async def test_assigning_none_destroys_the_session_and_expires_the_cookie() -> None:
    async with browser(make_app()) as c:
        await c.get("/set?user=ann")
        reply = await c.get("/destroy")
        line = next(h for h in set_cookies(reply.headers) if h.startswith("koa.sess="))
        assert line.startswith("koa.sess=;") and "1970" in line
        assert (await c.get("/")).json() == {"session": {}, "is_new": True}


async def test_assigning_a_mapping_replaces_the_data() -> None:
    async with browser(make_app()) as c:
        await c.get("/set?user=ann")
        await c.get("/replace")
        assert (await c.get("/")).json()["session"] == {"replaced": True}


async def test_save_sends_an_empty_session_too() -> None:
    async with browser(make_app()) as c:
        reply = await c.get("/save")
        data = decode(cookie_value(reply.headers, "koa.sess"))
        assert set(data) == {"_expire", "_maxAge"}


async def test_a_browser_session_cookie_has_no_expiry_and_says_so_in_its_data() -> None:
    async with browser(make_app(max_age="session")) as c:
        reply = await c.get("/set?a=1")
        line = next(h for h in set_cookies(reply.headers) if h.startswith("koa.sess="))
        assert "expires=" not in line
        assert decode(cookie_value(reply.headers, "koa.sess")) == {"a": "1", "_session": True}


async def test_max_age_is_seconds_in_the_cookie_and_milliseconds_in_the_data() -> None:
    async with browser(make_app(max_age=60)) as c:
        reply = await c.get("/set?a=1")
        assert decode(cookie_value(reply.headers, "koa.sess"))["_maxAge"] == 60_000


async def test_rolling_sends_the_cookie_on_every_response() -> None:
    async with browser(make_app(rolling=True)) as c:
        await c.get("/set?a=1")
        assert cookie_value((await c.get("/")).headers, "koa.sess")


async def test_renew_sends_the_cookie_when_less_than_half_the_lifetime_is_left() -> None:
    app = make_app(renew=True, max_age=100)
    expire = int(time.time() * 1000) + 40_000
    old: dict[str, Any] = {"a": "1", "_expire": expire, "_maxAge": 100_000}
    value = encode(old)
    sig = Keygrip(KEYS).sign(f"koa.sess={value}")
    async with browser(app) as c:
        reply = await c.get("/", headers={"Cookie": f"koa.sess={value}; koa.sess.sig={sig}"})
        renewed = decode(cookie_value(reply.headers, "koa.sess"))
        assert renewed["_expire"] > old["_expire"] + 30_000


async def test_renew_leaves_a_fresh_session_alone() -> None:
    async with browser(make_app(renew=True)) as c:
        await c.get("/set?a=1")
        assert set_cookies((await c.get("/")).headers) == []


async def test_the_saved_max_age_is_restored_from_the_cookie() -> None:
    app = Koa(keys=KEYS)
    app.use(session(app))

    async def handler(ctx: SessionContext, next: Next) -> None:
        if ctx.path == "/short":
            ctx.session.max_age = 30
            ctx.session["a"] = 1
        ctx.body = {"max_age": ctx.session.max_age}

    app.use(handler)
    async with browser(app) as c:
        reply = await c.get("/short")
        assert decode(cookie_value(reply.headers, "koa.sess"))["_maxAge"] == 30_000
        assert (await c.get("/")).json() == {"max_age": 30}


async def test_an_expired_session_is_ignored_and_reported() -> None:
    app = make_app()
    events: list[dict[str, Any]] = []
    app.on("session:expired", events.append)
    value = encode({"a": "1", "_expire": int(time.time() * 1000) - 1, "_maxAge": 1000})
    sig = Keygrip(KEYS).sign(f"koa.sess={value}")
    async with browser(app) as c:
        reply = await c.get("/", headers={"Cookie": f"koa.sess={value}; koa.sess.sig={sig}"})
        assert reply.json() == {"session": {}, "is_new": True}
    assert [e["value"]["a"] for e in events] == ["1"]


async def test_valid_can_reject_a_session() -> None:
    app = make_app(valid=lambda ctx, data: data.get("user") != "mallory")
    rejected: list[object] = []
    app.on("session:invalid", rejected.append)
    async with browser(app) as c:
        await c.get("/set?user=mallory")
        assert (await c.get("/")).json()["is_new"] is True
    assert len(rejected) == 1


async def test_before_save_sees_the_session_before_it_is_written() -> None:
    def stamp(ctx: Context, sess: Session) -> None:
        sess["stamped"] = ctx.path

    async with browser(make_app(before_save=stamp)) as c:
        reply = await c.get("/set?a=1")
        assert decode(cookie_value(reply.headers, "koa.sess"))["stamped"] == "/set"


async def test_custom_encode_and_decode_replace_the_cookie_format() -> None:
    def enc(data: dict[str, Any]) -> str:
        return json.dumps(data).encode().hex()

    def dec(value: str) -> dict[str, Any]:
        return dict(json.loads(bytes.fromhex(value)))

    async with browser(make_app(encode=enc, decode=dec)) as c:
        reply = await c.get("/set?a=1")
        assert dec(cookie_value(reply.headers, "koa.sess"))["a"] == "1"
        assert (await c.get("/")).json()["session"] == {"a": "1"}


async def test_without_auto_commit_nothing_is_saved_until_manually_committed() -> None:
    app = Koa(keys=KEYS)
    app.use(session(app, auto_commit=False))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session["a"] = 1
        if ctx.path == "/commit":
            await ctx.session.manually_commit()
        ctx.body = "ok"

    app.use(handler)
    async with browser(app) as c:
        assert set_cookies((await c.get("/")).headers) == []
        assert cookie_value((await c.get("/commit")).headers, "koa.sess")


async def test_regenerate_session_keeps_the_data_in_a_new_cookie() -> None:
    app = Koa(keys=KEYS)
    app.use(session(app))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session["a"] = 1
        await ctx.regenerate_session()
        ctx.body = "ok"

    app.use(handler)
    async with browser(app) as c:
        reply = await c.get("/")
        lines = [h for h in set_cookies(reply.headers) if h.startswith("koa.sess=")]
        assert len(lines) == 1  # overwrite: the removal line was replaced
        assert decode(cookie_value(reply.headers, "koa.sess"))["a"] == 1


async def test_an_uncaught_error_answers_without_the_session_cookie() -> None:
    # The session is committed, but Koa's error response drops every header
    # set so far (koa-session and Koa.js behave the same).
    app = Koa(keys=KEYS, silent=True)
    app.use(session(app))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session["flash"] = "failed"
        ctx.throw(400, "bad form")

    app.use(handler)
    async with browser(app) as c:
        reply = await c.get("/")
        assert (reply.status, reply.text) == (400, "bad form")
        assert set_cookies(reply.headers) == []


async def test_an_unsigned_session_needs_no_keys() -> None:
    app = Koa()
    app.use(session(app, signed=False))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session["n"] = ctx.session.get("n", 0) + 1
        ctx.body = str(ctx.session["n"])

    app.use(handler)
    async with browser(app) as c:
        await c.get("/")
        reply = await c.get("/")
        assert reply.text == "2"
        assert all(not h.startswith("koa.sess.sig") for h in set_cookies(reply.headers))


async def test_cookie_options_reach_the_cookie() -> None:
    app = make_app(key="sid", same_site="lax", http_only=False, partitioned=True)
    async with browser(app) as c:
        reply = await c.get("/set?a=1")
        line = next(h for h in set_cookies(reply.headers) if h.startswith("sid="))
        assert "samesite=lax" in line and "partitioned" in line and "httponly" not in line


def test_a_signed_session_without_app_keys_is_refused_at_setup() -> None:
    app = Koa()
    with pytest.raises(ValueError, match=r"app\.keys"):
        session(app)


def test_session_is_installed_once_per_app() -> None:
    app = Koa(keys=KEYS)
    session(app)
    with pytest.raises(ValueError, match="already"):
        session(app)


@pytest.mark.parametrize("max_age", [0, -1, True, "forever", float("nan")])
def test_a_max_age_that_is_not_seconds_or_session_is_refused(max_age: Any) -> None:
    with pytest.raises(ValueError, match="max_age"):
        session(Koa(keys=KEYS), max_age=max_age)


def test_koa_sessions_own_keys_cannot_be_set() -> None:
    app = make_app()
    ctx = app.create_context(_request())
    with pytest.raises(KeyError, match="_expire"):
        ctx.session["_expire"] = 0  # type: ignore[attr-defined]


def test_ctx_session_can_only_be_set_to_a_mapping_or_none() -> None:
    app = make_app()
    ctx: Any = app.create_context(_request())
    with pytest.raises(TypeError, match="mapping"):
        ctx.session = 42


def test_the_session_options_are_on_the_context() -> None:
    app = make_app(key="sid")
    ctx: Any = app.create_context(_request())
    assert ctx.session_options.key == "sid"


def _request() -> Any:
    from aiohttp.test_utils import make_mocked_request

    return make_mocked_request("GET", "/")


async def test_a_value_holding_a_semicolon_round_trips() -> None:
    async with browser(make_app()) as c:
        await c.get("/set?text=a;b=c;%20d")
        assert (await c.get("/")).json()["session"] == {"text": "a;b=c; d"}


async def test_setting_only_max_age_saves_a_new_session() -> None:
    app = Koa(keys=KEYS)
    app.use(session(app))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session.max_age = 120
        ctx.body = "ok"

    app.use(handler)
    async with browser(app) as c:
        reply = await c.get("/")
        assert decode(cookie_value(reply.headers, "koa.sess")) == {
            "_expire": decode(cookie_value(reply.headers, "koa.sess"))["_expire"],
            "_maxAge": 120_000,
        }


async def test_the_session_can_be_read_before_the_session_middleware() -> None:
    app = Koa(keys=KEYS)
    seen: list[object] = []

    async def early(ctx: SessionContext, next: Next) -> None:
        seen.append(ctx.session.get("user"))
        await next()

    app.use(early)
    app.use(session(app))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session["user"] = "ann"
        ctx.body = "ok"

    app.use(handler)
    async with browser(app) as c:
        await c.get("/")
        await c.get("/")
    assert seen == [None, "ann"]


async def test_an_error_caught_upstream_still_saves_the_session() -> None:
    app = Koa(keys=KEYS)

    async def catcher(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception:
            ctx.body = "handled"

    app.use(catcher)
    app.use(session(app))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session["flash"] = "failed"
        raise RuntimeError("boom")

    app.use(handler)
    async with browser(app) as c:
        reply = await c.get("/")
        assert reply.text == "handled"
        assert decode(cookie_value(reply.headers, "koa.sess"))["flash"] == "failed"


async def test_a_session_set_to_an_empty_mapping_sends_no_cookie() -> None:
    app = Koa(keys=KEYS)
    app.use(session(app))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session = {}
        ctx.body = "ok"

    app.use(handler)
    async with browser(app) as c:
        assert set_cookies((await c.get("/")).headers) == []
