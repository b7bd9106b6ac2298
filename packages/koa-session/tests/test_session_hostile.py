"""Hostile session cookies: tampered, garbage, huge, not base64, not JSON.
Every one of them gives a new session, never a 5xx."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.core import Keygrip, Koa, Next
from koa.core.testing import Client, client_for
from koa.session import SessionContext, encode, session

KEYS = ["hostile keys"]


def make_app(*, signed: bool) -> Koa:
    app = Koa(keys=KEYS)
    app.use(session(app, signed=signed))

    async def handler(ctx: SessionContext, next: Next) -> None:
        ctx.session["seen"] = (
            ctx.session.get("seen", 0) + 1 if isinstance(ctx.session.get("seen", 0), int) else 1
        )
        ctx.body = {"new": ctx.session.is_new, "keys": sorted(ctx.session)}

    app.use(handler)
    return app


def signed_cookie(value: str) -> str:
    return f"koa.sess={value}; koa.sess.sig={Keygrip(KEYS).sign(f'koa.sess={value}')}"


GARBAGE = [
    "",
    "!!!",
    "a",
    "abc",
    "====",
    "%00%ff",
    "not base64 at all",
    base64.b64encode(b"not json").decode(),
    base64.b64encode(b"[1,2,3]").decode(),
    base64.b64encode(b"null").decode(),
    base64.b64encode(b"42").decode(),
    base64.b64encode(b'"a string"').decode(),
    base64.b64encode(b"\xff\xfe\xfd").decode(),
    base64.b64encode(b"[" * 50_00 + b"]" * 50_00).decode()[:6000],
    base64.b64encode(b'{"_expire": "soon", "_maxAge": -5}').decode(),
    base64.b64encode(b'{"_expire": null, "_maxAge": "x", "_session": 1}').decode(),
    base64.b64encode(b'{"a": NaN}').decode(),
    "eyJhIjoxfQ",  # {"a":1} without padding: read, as Node's Buffer does
    "eyJhIjoxfQ==" + "x" * 10,
]


@pytest.fixture
async def unsigned() -> Any:
    async with client_for(make_app(signed=False)) as c:
        yield c


@pytest.fixture
async def signed() -> Any:
    async with client_for(make_app(signed=True)) as c:
        yield c


@pytest.mark.parametrize("value", GARBAGE)
async def test_a_garbage_unsigned_cookie_never_fails_the_request(
    unsigned: Client, value: str
) -> None:
    reply = await unsigned.get("/", headers={"Cookie": f"koa.sess={value}"})
    assert reply.status == 200, reply.text


@pytest.mark.parametrize("value", GARBAGE)
async def test_a_garbage_cookie_with_a_valid_signature_never_fails_the_request(
    signed: Client, value: str
) -> None:
    reply = await signed.get("/", headers={"Cookie": signed_cookie(value)})
    assert reply.status == 200, reply.text


async def test_a_tampered_signed_cookie_starts_a_new_session(signed: Client) -> None:
    good = encode({"seen": 5, "admin": False})
    forged = encode({"seen": 5, "admin": True})
    sig = Keygrip(KEYS).sign(f"koa.sess={good}")
    reply = await signed.get("/", headers={"Cookie": f"koa.sess={forged}; koa.sess.sig={sig}"})
    assert reply.json() == {"new": True, "keys": ["seen"]}


async def test_a_cookie_without_its_signature_starts_a_new_session(signed: Client) -> None:
    reply = await signed.get("/", headers={"Cookie": f"koa.sess={encode({'admin': True})}"})
    assert reply.json() == {"new": True, "keys": ["seen"]}


async def test_a_cookie_signed_with_another_key_starts_a_new_session(signed: Client) -> None:
    value = encode({"admin": True})
    sig = Keygrip(["attacker"]).sign(f"koa.sess={value}")
    reply = await signed.get("/", headers={"Cookie": f"koa.sess={value}; koa.sess.sig={sig}"})
    assert reply.json()["new"] is True


async def test_a_huge_cookie_is_refused_with_a_4xx(unsigned: Client) -> None:
    reply = await unsigned.get("/", headers={"Cookie": "koa.sess=" + "A" * 100_000})
    assert 400 <= reply.status < 500


async def test_a_valid_unpadded_cookie_is_read(unsigned: Client) -> None:
    reply = await unsigned.get("/", headers={"Cookie": "koa.sess=eyJhIjoxfQ"})
    assert reply.json() == {"new": False, "keys": ["a", "seen"]}


COOKIE_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=';,\\"')


@given(value=st.text(COOKIE_CHARS, max_size=300))
async def test_any_cookie_value_gives_a_2xx(value: str) -> None:
    async with client_for(make_app(signed=False)) as c:
        for cookie in (f"koa.sess={value}", signed_cookie(value)):
            reply = await c.get("/", headers={"Cookie": cookie})
            assert reply.status == 200, (cookie, reply.text)
