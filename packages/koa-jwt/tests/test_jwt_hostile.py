"""Hostile tokens and headers: always a 401, never a 500, never a leak."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import jwt as pyjwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor, Serve, create_context
from koa.jwt import jwt

SECRET = "shhhhhh-this-is-a-secret-of-32-bytes-or-more"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_parts(header: bytes, payload: bytes) -> str:
    """A token whose parts are arbitrary bytes, correctly HS256-signed."""
    import hashlib
    import hmac

    signing_input = b64url(header) + "." + b64url(payload)
    signature = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


HOSTILE = {
    "empty parts": "..",
    "four parts": "a.b.c.d",
    "not base64": "!!!.???.***",
    "header not JSON": signed_parts(b"not json", b"{}"),
    "header a list": signed_parts(b"[1,2]", b"{}"),
    "header without alg": signed_parts(b'{"typ":"JWT"}', b"{}"),
    "payload not JSON": signed_parts(b'{"alg":"HS256"}', b"\xff\xfe"),
    "payload a list": signed_parts(b'{"alg":"HS256"}', b"[1]"),
    "payload a string": signed_parts(b'{"alg":"HS256"}', b'"admin"'),
    "exp a string": signed_parts(b'{"alg":"HS256"}', b'{"exp":"tomorrow"}'),
    "exp huge": signed_parts(b'{"alg":"HS256"}', b'{"exp":1e400}'),
    "nbf NaN": signed_parts(b'{"alg":"HS256"}', b'{"nbf":NaN}'),
    "iat a list": signed_parts(b'{"alg":"HS256"}', b'{"iat":[1]}'),
    "aud a number": signed_parts(b'{"alg":"HS256"}', b'{"aud":5}'),
    "deeply nested": signed_parts(b'{"alg":"HS256"}', b"[" * 5000 + b"]" * 5000)[:7000],
    "crit header": signed_parts(b'{"alg":"HS256","crit":["exp"]}', b"{}"),
    "jku header": signed_parts(b'{"alg":"HS256","jku":"http://evil/jwks"}', b'{"sub":"x"}')[:-2]
    + "AA",
    "unicode": "ünï.cödé.tøkén",
    "very long": "a" * 6000 + "." + "b" * 1000 + ".c",
}


@pytest.mark.parametrize("token", list(HOSTILE.values()), ids=list(HOSTILE))
async def test_hostile_token_is_401(client: ClientFor, token: str) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET, audience="urn:api"))
    c = await client(app)
    reply = await c.get("/", headers={"Authorization": f"Bearer {token}"})
    assert (reply.status, reply.text) == (401, "Authentication Error")


@pytest.mark.parametrize("token", list(HOSTILE.values()), ids=list(HOSTILE))
async def test_hostile_token_to_a_secret_function_is_401(client: ClientFor, token: str) -> None:
    def secret(header: dict[str, Any], payload: dict[str, Any]) -> str:
        assert isinstance(header, dict) and isinstance(payload, dict)
        return SECRET

    app = Koa(silent=True)
    app.use(jwt(secret=secret, audience="urn:api", debug=True))
    c = await client(app)
    reply = await c.get("/", headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer  token",
        "Bearer a b",
        "Basic dXNlcjpwYXNz",
        "bearer\ttoken",
        " ",
    ],
)
async def test_malformed_authorization_headers_are_401(client: ClientFor, header: str) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET))
    reply = await (await client(app)).get("/", headers={"Authorization": header})
    assert reply.status == 401


async def test_raw_bytes_in_the_authorization_header_are_401(serve: Serve) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET))
    parts = urlsplit(await serve(app))
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe.\x80.\xc3\xa9\r\n")
    writer.write(b"Connection: close\r\n\r\n")
    reply = await reader.read()
    writer.close()
    assert reply.startswith(b"HTTP/1.1 401 ")
    assert reply.endswith(b"\r\n\r\nAuthentication Error")


async def test_non_ascii_token_is_invalid_token_in_debug(serve: Serve) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET, debug=True))
    parts = urlsplit(await serve(app))
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff.\xfe.\xc3\xa9\r\n")
    writer.write(b"Connection: close\r\n\r\n")
    reply = await reader.read()
    writer.close()
    assert reply.endswith(b"\r\n\r\ninvalid token")


async def test_cookie_with_hostile_content_is_401(client: ClientFor) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET, cookie="jwt"))
    c = await client(app)
    for value in ['"a.b.c"', "%ff%fe", "a" * 4000]:
        assert (await c.get("/", headers={"Cookie": f"jwt={value}"})).status == 401


async def test_401s_are_not_logged_as_server_errors(
    client: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    app = Koa()
    app.use(jwt(secret=SECRET))
    with caplog.at_level(logging.ERROR, logger="koa"):
        reply = await (await client(app)).get("/", headers={"Authorization": "Bearer x.y.z"})
    assert reply.status == 401
    assert caplog.records == []


async def test_debug_messages_do_not_echo_the_token_or_secret(client: ClientFor) -> None:
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET, debug=True))
    c = await client(app)
    for token in HOSTILE.values():
        reply = await c.get("/", headers={"Authorization": f"Bearer {token}"})
        assert SECRET not in reply.text
        assert len(reply.text) < 200


async def test_payload_is_a_fresh_dict_per_request(client: ClientFor) -> None:
    async def mutate(ctx: Context, next: Next) -> None:
        ctx.state["user"]["admin"] = True
        ctx.body = ctx.state["user"]

    token = pyjwt.encode({"sub": "ada"}, SECRET)
    app = Koa(silent=True)
    app.use(jwt(secret=SECRET))
    app.use(mutate)
    c = await client(app)
    for _ in range(2):
        reply = await c.get("/", headers={"Authorization": f"Bearer {token}"})
        assert reply.json() == {"sub": "ada", "admin": True}


@given(st.text(max_size=300))
async def test_any_bearer_text_is_a_401_http_error(token: str) -> None:
    mw = jwt(secret=SECRET, debug=True)
    clean = "".join(char for char in token if char.isprintable())
    ctx = create_context(headers={"Authorization": "Bearer " + clean})

    async def downstream() -> None:
        raise AssertionError("an unverifiable token reached downstream")

    with pytest.raises(HttpError) as caught:
        await mw(ctx, downstream)
    assert caught.value.status == 401


JSON_VALUES = st.none() | st.booleans() | st.integers() | st.text(max_size=10)


@given(
    st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5)
    | st.fixed_dictionaries({"alg": st.sampled_from(["HS256", "none", "RS256", "HS512", ""])})
)
async def test_any_json_header_through_a_secret_function_is_a_401(header: dict[str, Any]) -> None:
    raw = json.dumps(header).encode()
    token = signed_parts(raw, b'{"sub":"x"}')
    mw = jwt(secret=lambda h, p: SECRET if h.get("alg") == "HS256" else None)
    ctx = create_context(headers={"Authorization": "Bearer " + token})

    async def downstream() -> None:
        pass

    if header.get("alg") == "HS256":
        await mw(ctx, downstream)
        assert ctx.state["user"] == {"sub": "x"}
    else:
        with pytest.raises(HttpError):
            await mw(ctx, downstream)
