"""Claims and algorithms: what a verifier must refuse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.jwt import jwt

SECRET = "shhhhhh-this-is-a-secret-of-32-bytes-or-more"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC_PEM = (
    RSA_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    """A token made by hand, as an attacker would."""
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    signature = (
        b"" if key is None else hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    )
    return signing_input + "." + b64url(signature)


async def echo_user(ctx: Context, next: Next) -> None:
    ctx.body = ctx.state.get("user")


async def status_and_text(client: ClientFor, mw: Any, token: str) -> tuple[int, str]:
    app = Koa(silent=True)
    app.use(mw)
    app.use(echo_user)
    reply = await (await client(app)).get("/", headers={"Authorization": f"Bearer {token}"})
    return reply.status, reply.text


def now() -> int:
    return int(time.time())


async def test_alg_none_token_is_refused(client: ClientFor) -> None:
    token = forge({"alg": "none", "typ": "JWT"}, {"sub": "admin"}, None)
    assert await status_and_text(client, jwt(secret=SECRET, debug=True), token) == (
        401,
        "jwt signature is required",
    )


async def test_alg_none_token_with_a_signature_is_refused(client: ClientFor) -> None:
    token = forge({"alg": "none", "typ": "JWT"}, {"sub": "admin"}, SECRET.encode())
    assert await status_and_text(client, jwt(secret=SECRET, debug=True), token) == (
        401,
        "invalid algorithm",
    )


async def test_non_numeric_exp_and_nbf_are_refused(client: ClientFor) -> None:
    mw = jwt(secret=SECRET, debug=True)
    for claim in ("exp", "nbf"):
        token = pyjwt.encode({"sub": "ada", claim: "tomorrow"}, SECRET)
        assert await status_and_text(client, mw, token) == (401, f"invalid {claim} value")


async def test_alg_none_spelled_otherwise_is_refused(client: ClientFor) -> None:
    for alg in ("None", "NONE", "nOnE"):
        token = forge({"alg": alg}, {"sub": "admin"}, None)
        status, _ = await status_and_text(client, jwt(secret=SECRET), token)
        assert status == 401, alg


@pytest.mark.parametrize("algorithms", [("none",), ("HS256", "none"), ("NONE",)])
def test_none_cannot_be_configured(algorithms: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="unsigned tokens"):
        jwt(secret=SECRET, algorithms=algorithms)


async def test_hs256_token_signed_with_the_public_key_is_refused(client: ClientFor) -> None:
    """Algorithm confusion: the attacker signs HS256 with the (public) RSA key."""
    token = forge({"alg": "HS256", "typ": "JWT"}, {"sub": "admin"}, RSA_PUBLIC_PEM.encode())
    mw = jwt(secret=RSA_PUBLIC_PEM, algorithms=("RS256",), debug=True)
    assert await status_and_text(client, mw, token) == (401, "invalid algorithm")


async def test_public_key_is_never_used_as_an_hmac_secret(client: ClientFor) -> None:
    token = forge({"alg": "HS256", "typ": "JWT"}, {"sub": "admin"}, RSA_PUBLIC_PEM.encode())
    status, text = await status_and_text(client, jwt(secret=RSA_PUBLIC_PEM, debug=True), token)
    assert status == 401
    assert text.startswith("invalid key: ")


def test_mixing_hmac_and_public_key_algorithms_is_refused() -> None:
    with pytest.raises(ValueError, match="algorithm confusion"):
        jwt(secret=RSA_PUBLIC_PEM, algorithms=("RS256", "HS256"))


async def test_rs256_token_verifies_with_the_public_key(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada"}, RSA_KEY, algorithm="RS256")
    mw = jwt(secret=RSA_PUBLIC_PEM, algorithms=("RS256",))
    assert await status_and_text(client, mw, token) == (200, '{"sub":"ada"}')


async def test_rs256_token_verifies_with_a_key_object(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada"}, RSA_KEY, algorithm="RS256")
    mw = jwt(secret=RSA_KEY.public_key(), algorithms=("RS256", "PS256"))
    assert (await status_and_text(client, mw, token))[0] == 200


async def test_es256_token_signed_by_another_key_is_refused(client: ClientFor) -> None:
    ours, theirs = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    token = pyjwt.encode({"sub": "ada"}, theirs, algorithm="ES256")
    mw = jwt(secret=ours.public_key(), algorithms=("ES256",), debug=True)
    assert await status_and_text(client, mw, token) == (401, "invalid signature")


async def test_token_with_an_algorithm_not_allowed_is_refused(client: ClientFor) -> None:
    token = pyjwt.encode(
        {"sub": "ada"}, SECRET + "-longer-for-hs512-keys-to-be-64-bytes!!", "HS512"
    )
    mw = jwt(secret=SECRET + "-longer-for-hs512-keys-to-be-64-bytes!!", debug=True)
    assert await status_and_text(client, mw, token) == (401, "invalid algorithm")


async def test_expired_token_is_refused(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "exp": now() - 60}, SECRET)
    assert await status_and_text(client, jwt(secret=SECRET, debug=True), token) == (
        401,
        "jwt expired",
    )


async def test_not_yet_valid_token_is_refused(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "nbf": now() + 3600}, SECRET)
    assert await status_and_text(client, jwt(secret=SECRET, debug=True), token) == (
        401,
        "jwt not active",
    )


async def test_token_issued_in_the_future_is_refused(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "iat": now() + 3600}, SECRET)
    assert (await status_and_text(client, jwt(secret=SECRET), token))[0] == 401


async def test_leeway_tolerates_clock_skew(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "exp": now() - 5, "nbf": now() + 5}, SECRET)
    assert (await status_and_text(client, jwt(secret=SECRET, leeway=600), token))[0] == 200
    assert (await status_and_text(client, jwt(secret=SECRET), token))[0] == 401


async def test_wrong_audience_is_refused(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "aud": "http://other"}, SECRET)
    mw = jwt(secret=SECRET, audience=["http://myapi/protected", "urn:b"], debug=True)
    assert await status_and_text(client, mw, token) == (
        401,
        "jwt audience invalid. expected: http://myapi/protected or urn:b",
    )


async def test_missing_audience_is_refused_when_one_is_required(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada"}, SECRET)
    mw = jwt(secret=SECRET, audience="http://myapi/protected", debug=True)
    assert await status_and_text(client, mw, token) == (
        401,
        "jwt audience invalid. expected: http://myapi/protected",
    )


async def test_one_of_several_token_audiences_matching_passes(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "aud": ["urn:a", "http://myapi/protected"]}, SECRET)
    mw = jwt(secret=SECRET, audience="http://myapi/protected")
    assert (await status_and_text(client, mw, token))[0] == 200


async def test_token_audience_is_ignored_when_none_is_configured(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "aud": "urn:anything"}, SECRET)
    assert (await status_and_text(client, jwt(secret=SECRET), token))[0] == 200


async def test_wrong_issuer_is_refused(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "iss": "http://evil"}, SECRET)
    mw = jwt(secret=SECRET, issuer="http://issuer", debug=True)
    assert await status_and_text(client, mw, token) == (
        401,
        "jwt issuer invalid. expected: http://issuer",
    )


async def test_missing_issuer_is_refused_when_one_is_required(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada"}, SECRET)
    mw = jwt(secret=SECRET, issuer="http://issuer", debug=True)
    assert await status_and_text(client, mw, token) == (
        401,
        "jwt issuer invalid. expected: http://issuer",
    )


async def test_right_audience_and_issuer_pass(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada", "aud": "urn:api", "iss": "urn:idp"}, SECRET)
    mw = jwt(secret=SECRET, audience="urn:api", issuer=["urn:other", "urn:idp"])
    assert (await status_and_text(client, mw, token))[0] == 200


async def test_tampered_payload_is_refused(client: ClientFor) -> None:
    header, _, signature = pyjwt.encode({"role": "user"}, SECRET).split(".")
    tampered = header + "." + b64url(b'{"role":"admin"}') + "." + signature
    assert await status_and_text(client, jwt(secret=SECRET, debug=True), tampered) == (
        401,
        "invalid signature",
    )


async def test_errors_never_reveal_details_without_debug(client: ClientFor) -> None:
    tokens = [
        forge({"alg": "none"}, {}, None),
        pyjwt.encode({"exp": now() - 60}, SECRET),
        pyjwt.encode({"aud": "x"}, SECRET),
        "a.b.c",
    ]
    mw = jwt(secret=SECRET, audience="y")
    for token in tokens:
        assert await status_and_text(client, mw, token) == (401, "Authentication Error")


async def test_audience_is_checked_before_issuer_as_jsonwebtoken_does(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada"}, SECRET)
    mw = jwt(secret=SECRET, audience="urn:api", issuer="urn:idp", debug=True)
    assert await status_and_text(client, mw, token) == (
        401,
        "jwt audience invalid. expected: urn:api",
    )


async def test_header_without_alg_is_invalid_algorithm(client: ClientFor) -> None:
    for header in ({"typ": "JWT"}, [1]):
        raw = b64url(json.dumps(header).encode()) + "." + b64url(b'{"sub":"x"}')
        signature = hmac.new(SECRET.encode(), raw.encode(), hashlib.sha256).digest()
        token = raw + "." + b64url(signature)
        assert await status_and_text(client, jwt(secret=SECRET, debug=True), token) == (
            401,
            "invalid algorithm",
        ), header
