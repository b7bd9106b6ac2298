"""``secret`` as a function of the token's header and payload, and the JWKS
recipe of the guide: PyJWT's ``PyJWKClient`` (run in a thread) against a real
JWKS endpoint served over HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWKClient

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Serve
from koa.jwt import jwt

SECRETS = {
    "2024": "the-2024-shared-secret-of-32-bytes-or-more",
    "2025": "the-2025-shared-secret-of-32-bytes-or-more",
}


async def echo_user(ctx: Context, next: Next) -> None:
    ctx.body = ctx.state["user"]


def app_with(mw: Any) -> Koa:
    app = Koa(silent=True)
    app.use(mw)
    app.use(echo_user)
    return app


async def test_sync_secret_function_gets_the_header_and_payload(client: ClientFor) -> None:
    seen: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def secret(header: dict[str, Any], payload: dict[str, Any]) -> str:
        seen.append((header, payload))
        return SECRETS[header["kid"]]

    token = pyjwt.encode({"sub": "ada"}, SECRETS["2025"], headers={"kid": "2025"})
    reply = await (await client(app_with(jwt(secret=secret)))).get(
        "/", headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.json() == {"sub": "ada"}
    assert seen == [({"alg": "HS256", "kid": "2025", "typ": "JWT"}, {"sub": "ada"})]


async def test_async_secret_function_is_awaited(client: ClientFor) -> None:
    async def secret(header: dict[str, Any], payload: dict[str, Any]) -> str:
        await asyncio.sleep(0)
        return SECRETS[payload["tenant"]]

    token = pyjwt.encode({"tenant": "2024"}, SECRETS["2024"])
    reply = await (await client(app_with(jwt(secret=secret)))).get(
        "/", headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.json() == {"tenant": "2024"}


async def test_secret_function_returning_none_is_secret_not_provided(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada"}, SECRETS["2024"], headers={"kid": "unknown"})
    mw = jwt(secret=lambda header, payload: SECRETS.get(header["kid"]), debug=True)
    reply = await (await client(app_with(mw))).get(
        "/", headers={"Authorization": f"Bearer {token}"}
    )
    assert (reply.status, reply.text) == (401, "Secret not provided")


async def test_one_of_the_secret_functions_keys_verifying_is_enough(client: ClientFor) -> None:
    token = pyjwt.encode({"sub": "ada"}, SECRETS["2025"])
    mw = jwt(secret=lambda header, payload: list(SECRETS.values()))
    reply = await (await client(app_with(mw))).get(
        "/", headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.json() == {"sub": "ada"}


def public_jwk(kid: str, key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk = json.loads(pyjwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


def jwks_app(keys: dict[str, rsa.RSAPrivateKey], hits: list[str]) -> Koa:
    """An identity provider's JWKS endpoint."""
    app = Koa(silent=True)

    async def jwks(ctx: Context, next: Next) -> None:
        hits.append(ctx.path)
        ctx.body = {"keys": [public_jwk(kid, key) for kid, key in keys.items()]}

    app.use(jwks)
    return app


async def test_jwks_recipe_with_pyjwkclient_in_a_thread(client: ClientFor, serve: Serve) -> None:
    keys = {"k1": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
    hits: list[str] = []
    idp = await serve(jwks_app(keys, hits))
    jwks_client = PyJWKClient(f"{idp}/.well-known/jwks.json", cache_keys=True)

    async def secret(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        # PyJWKClient does blocking HTTP: keep it off the event loop.
        signing_key = await asyncio.to_thread(jwks_client.get_signing_key, header["kid"])
        return signing_key.key

    mw = jwt(secret=secret, algorithms=("RS256",), audience="urn:api", debug=True)
    c = await client(app_with(mw))
    token = pyjwt.encode({"sub": "ada", "aud": "urn:api"}, keys["k1"], "RS256", {"kid": "k1"})
    for _ in range(3):
        reply = await c.get("/", headers={"Authorization": f"Bearer {token}"})
        assert reply.json() == {"sub": "ada", "aud": "urn:api"}
    assert hits == ["/.well-known/jwks.json"]  # fetched once, then cached

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = pyjwt.encode({"sub": "eve", "aud": "urn:api"}, stranger, "RS256", {"kid": "k1"})
    reply = await c.get("/", headers={"Authorization": f"Bearer {forged}"})
    assert (reply.status, reply.text) == (401, "invalid signature")

    unknown = pyjwt.encode({"sub": "eve", "aud": "urn:api"}, stranger, "RS256", {"kid": "k9"})
    reply = await c.get("/", headers={"Authorization": f"Bearer {unknown}"})
    assert reply.status == 401
    assert "k9" in reply.text
