"""Cross-language proof against the real npm packages, run by Node 20:
koa-session 7's cookie is read by ``ctx.session`` here and the reverse, and
tokens made by the npm ``csrf`` package verify here and the reverse.

The Node app is ``tests/node/peer.js``; its dependencies are pinned by the
committed ``package-lock.json`` and installed with ``npm ci`` into a temporary
directory. Without Node (or without the npm registry) these tests skip, saying
so; with ``KOA_REQUIRE_NODE=1`` (CI, set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from koa.core import Keygrip, Koa, Next
from koa.core.testing import client_for
from koa.csrf import CsrfContext, Tokens, csrf
from koa.session import SessionContext, decode, session

NODE_DIR = Path(__file__).parent / "node"
KEYS = ["shared secret one", "shared secret two"]


def _unavailable(message: str) -> None:
    if os.environ.get("KOA_REQUIRE_NODE") == "1":
        pytest.fail(message + " (KOA_REQUIRE_NODE=1: not skipping)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def node_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of ``peer.js`` (Koa.js + koa-session + csrf) with ``KEYS``."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("the Node cross-language tests need Node 20 and npm on PATH")
    assert node is not None and npm is not None
    work = tmp_path_factory.mktemp("node-peer")
    for name in ("package.json", "package-lock.json", "peer.js"):
        shutil.copy(NODE_DIR / name, work / name)
    install = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        _unavailable(f"npm ci failed (is the npm registry reachable?): {install.stderr[-500:]}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [node, "peer.js", str(port), ",".join(KEYS)],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "listening", line
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()
        if proc.stdout:
            proc.stdout.close()


def python_app(keys: list[str] = KEYS) -> Koa:
    app = Koa(keys=keys)
    app.use(session(app, max_age=86400))

    async def routes(ctx: SessionContext, next: Next) -> None:
        if ctx.path == "/session/set":
            for name, value in ctx.query.items():
                ctx.session[name] = value
        ctx.body = {"session": dict(ctx.session), "isNew": ctx.session.is_new}

    app.use(routes)
    return app


def cookie_header(set_cookies: list[str]) -> str:
    """The Cookie header a browser would send back for these Set-Cookie lines."""
    pairs = [line.split(";", 1)[0] for line in set_cookies]
    return "; ".join(p for p in pairs if p.split("=", 1)[1])


async def node_get(url: str, path: str, **kwargs: Any) -> tuple[Any, list[str]]:
    async with aiohttp.ClientSession() as http, http.get(url + path, **kwargs) as reply:
        assert reply.status == 200, await reply.text()
        return await reply.json(), reply.headers.getall("Set-Cookie", [])


async def test_a_session_set_by_npm_koa_session_is_read_by_ctx_session(node_peer: str) -> None:
    _, cookies = await node_get(node_peer, "/session/set?user=ann&plan=pro")
    async with client_for(python_app()) as c:
        reply = await c.get("/", headers={"Cookie": cookie_header(cookies)})
    assert reply.json() == {"session": {"user": "ann", "plan": "pro"}, "isNew": False}


async def test_a_session_set_here_is_read_by_npm_koa_session(node_peer: str) -> None:
    async with client_for(python_app()) as c:
        reply = await c.get("/session/set?user=bob&lang=fr")
    cookies = list(reply.headers.getall("Set-Cookie"))
    body, _ = await node_get(node_peer, "/session/get", headers={"Cookie": cookie_header(cookies)})
    assert body == {"session": {"user": "bob", "lang": "fr"}, "isNew": False}


async def test_non_ascii_values_cross_both_ways(node_peer: str) -> None:
    text = "Zoë ☕ 日本 🦊"
    _, cookies = await node_get(node_peer, "/session/set", params={"name": text})
    async with client_for(python_app()) as c:
        reply = await c.get("/session/set", params={"more": text},
                            headers={"Cookie": cookie_header(cookies)})  # fmt: skip
    assert reply.json()["session"] == {"name": text, "more": text}
    back, _ = await node_get(
        node_peer, "/session/get",
        headers={"Cookie": cookie_header(list(reply.headers.getall("Set-Cookie")))},
    )  # fmt: skip
    assert back["session"] == {"name": text, "more": text}


async def test_both_write_the_same_cookie_format(node_peer: str) -> None:
    _, node_cookies = await node_get(node_peer, "/session/set?a=1")
    async with client_for(python_app()) as c:
        reply = await c.get("/session/set?a=1")
    python_cookies = list(reply.headers.getall("Set-Cookie"))

    def parts(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
        value = next(v.split(";")[0].split("=", 1)[1] for v in lines if v.startswith("koa.sess="))
        attrs = next(v for v in lines if v.startswith("koa.sess=")).split("; ")[1:]
        return decode(value), sorted(a.split("=")[0].lower() for a in attrs)

    (node_data, node_attrs), (py_data, py_attrs) = parts(node_cookies), parts(python_cookies)
    assert list(node_data) == list(py_data) == ["a", "_expire", "_maxAge"]
    assert node_data["_maxAge"] == py_data["_maxAge"] == 86_400_000
    assert abs(node_data["_expire"] - py_data["_expire"]) < 600_000
    assert node_attrs == py_attrs == ["expires", "httponly", "path"]
    assert any(v.startswith("koa.sess.sig=") for v in node_cookies)
    assert any(v.startswith("koa.sess.sig=") for v in python_cookies)


async def test_a_session_goes_node_python_node_with_changes_on_each_side(node_peer: str) -> None:
    _, cookies = await node_get(node_peer, "/session/set?step=node")
    async with client_for(python_app()) as c:
        reply = await c.get("/session/set?step=python&seen=yes",
                            headers={"Cookie": cookie_header(cookies)})  # fmt: skip
    body, _ = await node_get(
        node_peer, "/session/get",
        headers={"Cookie": cookie_header(list(reply.headers.getall("Set-Cookie")))},
    )  # fmt: skip
    assert body["session"] == {"step": "python", "seen": "yes"}


async def test_a_node_session_signed_with_an_older_key_is_read_after_rotation(
    node_peer: str,
) -> None:
    _, cookies = await node_get(node_peer, "/session/set?user=ann")
    rotated = python_app(keys=["the new key", *KEYS])
    async with client_for(rotated) as c:
        reply = await c.get("/", headers={"Cookie": cookie_header(cookies)})
    assert reply.json()["session"] == {"user": "ann"}
    value = next(v for v in cookies if v.startswith("koa.sess=")).split(";")[0]
    resigned = next(v for v in reply.headers.getall("Set-Cookie") if v.startswith("koa.sess.sig"))
    assert Keygrip(["the new key"]).verify(value, resigned.split(";")[0].split("=", 1)[1])


async def test_a_node_cookie_signed_with_other_keys_is_not_trusted(node_peer: str) -> None:
    _, cookies = await node_get(node_peer, "/session/set?admin=yes")
    async with client_for(python_app(keys=["not the node keys"])) as c:
        reply = await c.get("/", headers={"Cookie": cookie_header(cookies)})
    assert reply.json() == {"session": {}, "isNew": True}


# -- csrf tokens ------------------------------------------------------------------


async def test_tokens_made_by_the_npm_csrf_package_verify_here(node_peer: str) -> None:
    tokens = Tokens()
    for _ in range(20):
        secret = tokens.secret()
        body, _ = await node_get(node_peer, "/csrf/create", params={"secret": secret})
        assert tokens.verify(secret, body["token"])
        assert not tokens.verify(tokens.secret(), body["token"])


async def test_tokens_made_here_verify_with_the_npm_csrf_package(node_peer: str) -> None:
    tokens = Tokens()
    for _ in range(20):
        secret = tokens.secret()
        token = tokens.create(secret)
        query = {"secret": secret, "token": token}
        body, _ = await node_get(node_peer, "/csrf/verify", params=query)
        assert body == {"ok": True}
        other, _ = await node_get(
            node_peer, "/csrf/verify", params={"secret": tokens.secret(), "token": token}
        )
        assert other == {"ok": False}


async def test_odd_salts_hash_alike_in_both(node_peer: str) -> None:
    tokens = Tokens()
    for salt in ("é", "日本", "🦊", "a b"):
        secret = tokens.secret()
        token = Tokens._tokenize(secret, salt)
        query = {"secret": secret, "token": token}
        body, _ = await node_get(node_peer, "/csrf/verify", params=query)
        assert body == {"ok": True}, salt


def csrf_app() -> Koa:
    app = Koa(keys=KEYS)
    app.use(session(app, max_age=86400))
    app.use(csrf())

    async def handler(ctx: CsrfContext, next: Next) -> None:
        ctx.body = {"token": ctx.csrf, "method": ctx.method}

    app.use(handler)
    return app


async def test_a_form_token_from_a_node_koa_service_passes_koa_csrf_here(node_peer: str) -> None:
    body, cookies = await node_get(node_peer, "/csrf/form")
    async with client_for(csrf_app()) as c:
        headers = {"Cookie": cookie_header(cookies)}
        refused = await c.post("/", headers=headers)
        passed = await c.post("/", headers={**headers, "X-CSRF-Token": body["token"]})
    assert refused.status == 403
    assert passed.json() == {"token": passed.json()["token"], "method": "POST"}


async def test_a_token_from_koa_csrf_here_passes_a_node_koa_service(node_peer: str) -> None:
    async with client_for(csrf_app()) as c:
        reply = await c.get("/")
    headers = {"Cookie": cookie_header(list(reply.headers.getall("Set-Cookie")))}
    ok, _ = await node_get(
        node_peer, "/csrf/check", headers={**headers, "X-CSRF-Token": reply.json()["token"]}
    )
    assert ok == {"ok": True}
