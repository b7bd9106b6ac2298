"""examples/websocket.py over a real connection: the chat room."""

from __future__ import annotations

from typing import Any

import aiohttp

from examples.websocket import app, create_app
from koa.core import Koa
from koa.core.testing import ClientFor


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return await ws.receive_json(timeout=5)


async def test_websocket_module_exposes_an_app() -> None:
    assert isinstance(app, Koa)


async def test_websocket_welcomes_and_broadcasts_messages(client: ClientFor) -> None:
    c = await client(create_app())
    async with c.session.ws_connect(c.base_url + "/chat") as ada:
        assert await receive(ada) == {"type": "welcome", "you": 1, "online": 1}
        assert await receive(ada) == {"type": "joined", "user": 1}
        async with c.session.ws_connect(c.base_url + "/chat") as bob:
            assert await receive(bob) == {"type": "welcome", "you": 2, "online": 2}
            assert await receive(ada) == {"type": "joined", "user": 2}
            assert await receive(bob) == {"type": "joined", "user": 2}
            await bob.send_str("hi")
            expected = {"type": "message", "user": 2, "text": "hi"}
            assert await receive(ada) == expected
            assert await receive(bob) == expected
        assert await receive(ada) == {"type": "left", "user": 2}


async def test_websocket_refuses_binary_messages(client: ClientFor) -> None:
    c = await client(create_app())
    async with c.session.ws_connect(c.base_url + "/chat") as ws:
        await receive(ws)
        await receive(ws)
        await ws.send_bytes(b"\x00")
        assert await receive(ws) == {"type": "error", "error": "text only"}


async def test_websocket_answers_plain_http_with_426(client: ClientFor) -> None:
    reply = await (await client(create_app())).get("/chat")
    assert (reply.status, reply.text) == (426, "this is a WebSocket endpoint")
    assert reply.headers["Upgrade"] == "websocket"


async def test_websocket_serves_the_chat_page(client: ClientFor) -> None:
    reply = await (await client(create_app())).get("/")
    assert "new WebSocket" in reply.text
