"""WebSocket: a chat room, through ``ctx.respond = False``.

The middleware puts an aiohttp ``WebSocketResponse`` in ``ctx.res``, sets
``ctx.respond = False`` so Koa leaves the response alone, prepares it (the
upgrade handshake) and talks to the client until it leaves. Every text
message a client sends is broadcast to everyone in the room as JSON.

    python examples/websocket.py           # then open http://127.0.0.1:3000/

WebSockets need aiohttp serving (``app.run()``, ``koa serve``, the Gunicorn
worker); the ASGI adapter closes WebSocket connections.
"""

from __future__ import annotations

import itertools
import json

from aiohttp import WSMsgType, web

from koa.core import Context, HttpError, Koa, Next

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>Chat</title>
<ul id="log"></ul>
<form><input id="text" autocomplete="off"> <button>Send</button></form>
<script>
  const socket = new WebSocket(`ws://${location.host}/chat`);
  socket.onmessage = (message) => {
    const item = document.createElement("li");
    item.textContent = message.data;
    document.getElementById("log").append(item);
  };
  document.querySelector("form").onsubmit = (event) => {
    event.preventDefault();
    socket.send(document.getElementById("text").value);
    document.getElementById("text").value = "";
  };
</script>
"""


def create_app() -> Koa:
    """The app, with its own (empty) chat room."""
    room: dict[int, web.WebSocketResponse] = {}
    new_id = itertools.count(1).__next__  # (`next` is the middleware's `next` below)

    async def broadcast(message: dict[str, object]) -> None:
        data = json.dumps(message)
        for ws in list(room.values()):
            if not ws.closed:
                await ws.send_str(data)

    async def chat(ctx: Context, next: Next) -> None:
        if ctx.path != "/chat":
            await next()
            return
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024)
        if not ws.can_prepare(ctx.req).ok:
            # A plain HTTP request: a normal Koa error response.
            raise HttpError(426, "this is a WebSocket endpoint", headers={"Upgrade": "websocket"})

        ctx.respond = False  # Koa leaves the response to us
        ctx.res = ws
        await ws.prepare(ctx.req)  # the 101 Switching Protocols handshake
        user = new_id()
        room[user] = ws
        try:
            await ws.send_str(json.dumps({"type": "welcome", "you": user, "online": len(room)}))
            await broadcast({"type": "joined", "user": user})
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await broadcast({"type": "message", "user": user, "text": message.data})
                elif message.type == WSMsgType.BINARY:
                    await ws.send_str(json.dumps({"type": "error", "error": "text only"}))
        finally:
            del room[user]
            await broadcast({"type": "left", "user": user})

    async def page(ctx: Context, next: Next) -> None:
        if ctx.path == "/":
            ctx.body = PAGE
        else:
            await next()

    app = Koa()
    app.use(chat)
    app.use(page)
    return app


app = create_app()

if __name__ == "__main__":
    app.run(port=3000)
