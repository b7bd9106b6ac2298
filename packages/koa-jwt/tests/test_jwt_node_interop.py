"""Tokens made by the real npm ``jsonwebtoken`` package (what koa-jwt users
sign with) verify here.

Needs Node.js and npm: ``npm ci`` installs the locked ``jsonwebtoken`` into
``tests/node`` on first use. Without Node the tests are skipped, unless
``KOA_REQUIRE_NODE=1`` (CI sets it), where a missing Node fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.jwt import jwt

NODE_DIR = Path(__file__).parent / "node"
SECRET = "a-shared-secret-that-node-and-python-both-know-48+-bytes-for-hs384"


def _missing(what: str) -> None:
    message = f"{what}: the npm jsonwebtoken interop tests need Node.js 20+ and npm on PATH"
    if os.environ.get("KOA_REQUIRE_NODE") == "1":
        pytest.fail(message + " (KOA_REQUIRE_NODE=1)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def node() -> str:
    """The node executable, with jsonwebtoken installed from the lock file."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _missing("node or npm not found")
    assert node is not None and npm is not None
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    if int(version.stdout.strip().lstrip("v").split(".")[0]) < 20:
        _missing(f"node {version.stdout.strip()} is too old")
    if not (NODE_DIR / "node_modules" / "jsonwebtoken" / "package.json").is_file():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_DIR,
            check=True,
            timeout=300,
        )
    return node


def node_sign(node: str, payload: dict[str, Any], secret: str, **options: Any) -> str:
    result = subprocess.run(
        [node, "sign.js", json.dumps(payload), secret, json.dumps(options)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


async def echo_user(ctx: Context, next: Next) -> None:
    ctx.body = ctx.state["user"]


async def get_with(client: ClientFor, mw: Any, token: str) -> tuple[int, Any]:
    app = Koa(silent=True)
    app.use(mw)
    app.use(echo_user)
    reply = await (await client(app)).get("/", headers={"Authorization": f"Bearer {token}"})
    return reply.status, reply.json() if reply.status == 200 else reply.text


async def test_hs256_token_from_jsonwebtoken_verifies(client: ClientFor, node: str) -> None:
    token = node_sign(node, {"sub": "ada", "role": "admin"}, SECRET)
    status, user = await get_with(client, jwt(secret=SECRET), token)
    assert status == 200
    assert user["sub"] == "ada" and user["role"] == "admin"
    assert abs(user["iat"] - time.time()) < 600  # jsonwebtoken adds iat


async def test_jsonwebtoken_claims_options_verify(client: ClientFor, node: str) -> None:
    token = node_sign(
        node,
        {"sub": "ada"},
        SECRET,
        expiresIn="1h",
        notBefore=0,
        audience="urn:api",
        issuer="urn:idp",
        algorithm="HS384",
        keyid="2025",
    )
    mw = jwt(secret=SECRET, audience="urn:api", issuer="urn:idp", algorithms=("HS384",))
    status, user = await get_with(client, mw, token)
    assert status == 200
    assert (user["aud"], user["iss"]) == ("urn:api", "urn:idp")
    assert user["exp"] - user["iat"] == 3600


async def test_expired_jsonwebtoken_token_is_refused(client: ClientFor, node: str) -> None:
    token = node_sign(node, {"sub": "ada", "exp": int(time.time()) - 60}, SECRET)
    assert await get_with(client, jwt(secret=SECRET, debug=True), token) == (401, "jwt expired")


async def test_jsonwebtoken_token_with_another_secret_is_refused(
    client: ClientFor, node: str
) -> None:
    token = node_sign(node, {"sub": "ada"}, SECRET + "-but-not-the-same")
    assert await get_with(client, jwt(secret=SECRET, debug=True), token) == (
        401,
        "invalid signature",
    )


async def test_rs256_token_from_jsonwebtoken_verifies(client: ClientFor, node: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    token = node_sign(node, {"sub": "ada"}, private_pem, algorithm="RS256")
    status, user = await get_with(client, jwt(secret=public_pem, algorithms=("RS256",)), token)
    assert (status, user["sub"]) == (200, "ada")
