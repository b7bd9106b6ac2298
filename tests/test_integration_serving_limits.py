"""The limits that keep a server up on the open internet (SECURITY.md), over real
sockets with short deadlines: slow clients are cut off with a 408, idle
connections are closed, connections above the cap get a 503 at once, shutdown
keeps to one deadline, and malformed requests log one short line."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from koa.core import Context, Koa, Next, _protocol, make_server

#: Margin for a loaded machine: deadlines are checked a quarter-deadline apart.
SLACK = 2.0


def echo_app() -> Koa:
    app = Koa(silent=True)

    async def handler(ctx: Context, next: Next) -> None:
        if ctx.method == "POST":
            data = await ctx.req.read()
            ctx.body = f"got {len(data)}"
        else:
            ctx.body = "ok"

    app.use(handler)
    return app


async def connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def read_until_closed(reader: asyncio.StreamReader, timeout: float) -> bytes:
    return await asyncio.wait_for(reader.read(), timeout)


async def trickle(writer: asyncio.StreamWriter, data: bytes, every: float) -> None:
    """Send *data* a byte at a time, until the server closes the connection."""
    try:
        for byte in data:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(every)
    except (ConnectionError, RuntimeError):
        pass


@pytest.fixture
async def limited() -> AsyncIterator[int]:
    handle = await echo_app().listen(
        0,
        "127.0.0.1",
        headers_timeout=1.0,
        request_timeout=2.0,
        keepalive_timeout=1.0,
        shutdown_timeout=1.0,
    )
    try:
        yield handle.port
    finally:
        await handle.close()


async def test_a_client_trickling_its_headers_gets_408_after_headers_timeout(limited: int) -> None:
    reader, writer = await connect(limited)
    started = time.monotonic()
    sender = asyncio.ensure_future(trickle(writer, b"GET / HTTP/1.1\r\nHost: x\r\n" * 50, 0.05))
    answer = await read_until_closed(reader, 1.0 + SLACK)
    elapsed = time.monotonic() - started
    sender.cancel()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"Connection: close" in answer
    assert 1.0 <= elapsed < 1.0 + SLACK


async def test_headers_arriving_slower_than_the_idle_timeout_still_get_headers_timeout() -> None:
    handle = await echo_app().listen(
        0, "127.0.0.1", headers_timeout=2.0, keepalive_timeout=0.5, shutdown_timeout=1.0
    )
    try:
        reader, writer = await connect(handle.port)
        started = time.monotonic()
        sender = asyncio.ensure_future(
            trickle(writer, b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 99, 0.1)
        )
        answer = await read_until_closed(reader, 2.0 + SLACK)
        elapsed = time.monotonic() - started
        sender.cancel()
        writer.close()
        assert answer.startswith(b"HTTP/1.1 408")
        assert elapsed >= 2.0  # not closed by the 0.5 s idle timeout
    finally:
        await handle.close()


async def test_a_client_trickling_its_body_gets_408_after_request_timeout(limited: int) -> None:
    reader, writer = await connect(limited)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
    started = time.monotonic()
    sender = asyncio.ensure_future(trickle(writer, b"a" * 1000, 0.05))
    answer = await read_until_closed(reader, 2.0 + SLACK)
    elapsed = time.monotonic() - started
    sender.cancel()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close" in answer.lower()
    assert 2.0 - 0.5 <= elapsed < 2.0 + SLACK


async def test_a_steady_upload_within_request_timeout_is_served(limited: int) -> None:
    reader, writer = await connect(limited)
    writer.write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n")
    await trickle(writer, b"0123456789", 0.05)
    answer = await read_until_closed(reader, 5)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"got 10")


async def test_an_idle_keepalive_connection_is_closed_after_keepalive_timeout(limited: int) -> None:
    reader, writer = await connect(limited)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    first = await asyncio.wait_for(reader.readuntil(b"ok"), 5)
    assert first.startswith(b"HTTP/1.1 200")
    started = time.monotonic()
    rest = await read_until_closed(reader, 1.0 + SLACK)
    writer.close()
    assert rest == b""  # closed without an answer: nothing was asked
    assert 1.0 - 0.1 <= time.monotonic() - started < 1.0 + SLACK


async def test_a_connection_that_sends_nothing_is_closed_after_keepalive_timeout(
    limited: int,
) -> None:
    reader, writer = await connect(limited)
    started = time.monotonic()
    assert await read_until_closed(reader, 1.0 + SLACK) == b""
    writer.close()
    assert time.monotonic() - started >= 1.0 - 0.1


async def test_connections_above_max_connections_get_503_at_once_and_the_others_are_served() -> (
    None
):
    handle = await echo_app().listen(0, "127.0.0.1", max_connections=2, shutdown_timeout=1.0)
    try:
        held = [await connect(handle.port) for _ in range(2)]
        await asyncio.sleep(0.1)
        reader, writer = await connect(handle.port)
        refused = await read_until_closed(reader, 2)
        writer.close()
        assert refused.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        for held_reader, held_writer in held:  # the two open ones are still served
            held_writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert (await asyncio.wait_for(held_reader.readuntil(b"ok"), 5)).startswith(
                b"HTTP/1.1 200"
            )
            held_writer.close()
        await asyncio.sleep(0.2)
        async with aiohttp.ClientSession() as session, session.get(handle.url) as response:
            assert response.status == 200  # room again once they left
    finally:
        await handle.close()


@pytest.mark.parametrize(
    "options",
    [
        {"headers_timeout": 0},
        {"request_timeout": -1},
        {"keepalive_timeout": 0},
        {"max_connections": 0},
    ],
)
def test_limits_must_be_positive(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be a positive number"):
        make_server(Koa(), **options)


async def test_a_malformed_request_logs_one_warning_line_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    handle = await echo_app().listen(0, "127.0.0.1", shutdown_timeout=1.0)
    _protocol._malformed_log._last = -1e9  # a fresh rate-limit window
    caplog.set_level(logging.DEBUG)
    try:
        for _ in range(20):
            reader, writer = await connect(handle.port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
            assert (await read_until_closed(reader, 5)).split(b" ")[1] == b"400"
            writer.close()
    finally:
        await handle.close()
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1  # twenty malformed requests, one line in ten seconds
    (warning,) = warnings
    assert warning.levelno == logging.WARNING and warning.exc_info is None
    assert "malformed request from" in warning.getMessage()
    assert "\n" not in warning.getMessage()
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in caplog.records)


async def test_without_the_known_aiohttp_internals_the_plain_server_still_serves(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_protocol, "SHAPE_OK", False)
    monkeypatch.setattr(_protocol, "_warned", [])
    server = make_server(echo_app())
    assert type(server) is web.Server
    assert "serving without headers_timeout" in caplog.text
    handle = await echo_app().listen(0, "127.0.0.1", shutdown_timeout=1.0)
    try:
        async with aiohttp.ClientSession() as session, session.get(handle.url) as response:
            assert (response.status, await response.text()) == (200, "ok")
    finally:
        await handle.close()


def streaming_app(events: list[str]) -> Koa:
    """An SSE stream and a WebSocket, both endless, and an on_shutdown hook."""
    app = Koa(silent=True)

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"data: tick\n\n"
            await asyncio.sleep(0.1)

    async def handler(ctx: Context, next: Next) -> None:
        if ctx.path == "/sse":
            ctx.type = "text/event-stream"
            ctx.body = endless()
        elif ctx.path == "/ws":
            ws = web.WebSocketResponse()
            ctx.respond = False
            await ws.prepare(ctx.req)
            async for _message in ws:
                pass
        else:
            await asyncio.sleep(0.2)
            ctx.body = "done"

    def hook(app: Koa) -> None:
        events.append("on_shutdown")

    app.on_shutdown.append(hook)
    app.use(handler)
    return app


async def test_shutdown_with_an_sse_stream_and_a_websocket_ends_within_the_timeout() -> None:
    events: list[str] = []
    handle = await streaming_app(events).listen(0, "127.0.0.1", shutdown_timeout=1.0)
    async with aiohttp.ClientSession() as session:
        sse = await session.get(handle.url + "/sse")
        await sse.content.readline()
        ws = await session.ws_connect(handle.url + "/ws")
        quick = asyncio.ensure_future(session.get(handle.url + "/quick"))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await handle.close()
        elapsed = time.monotonic() - started
        message = await asyncio.wait_for(ws.receive(), 5)
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1001
        with pytest.raises(aiohttp.ClientPayloadError):
            await asyncio.wait_for(sse.content.read(), 5)  # the stream ended
        quick_response = await quick
        assert (quick_response.status, await quick_response.text()) == (200, "done")
        await ws.close()
        sse.close()
    assert 1.0 <= elapsed < 1.0 + 1.0
    assert events == ["on_shutdown"]


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", b"200"),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"200"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", b"431"),
        (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"431"),
    ],
    ids=["9k-header", "9k-url", "20k-header", "20k-url"],
)
async def test_header_lines_up_to_16k_are_served_and_longer_ones_get_431(
    limited: int, request_bytes: bytes, status: bytes
) -> None:
    """Node's limit is 16 KiB of header section and its answer over it 431
    (RFC 6585); aiohttp's was 8 KiB per line and a 400."""
    reader, writer = await connect(limited)
    writer.write(request_bytes.replace(b"Host: x\r\n", b"Host: x\r\nConnection: close\r\n"))
    answer = await read_until_closed(reader, 5)
    writer.close()
    assert answer.split(b" ", 2)[1] == status


async def test_a_connection_idle_after_an_unread_body_is_still_closed_after_keepalive_timeout(
    limited: int,
) -> None:
    """The body's last bytes arrive after the answer (nobody read them): the
    connection then sits idle and is closed like any idle one."""
    reader, writer = await connect(limited)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
    await writer.drain()
    assert (await asyncio.wait_for(reader.readuntil(b"ok"), 5)).startswith(b"HTTP/1.1 200")
    writer.write(b"12345")
    await writer.drain()
    assert await read_until_closed(reader, 1.0 + 1.0 + SLACK) == b""
    writer.close()


async def test_listen_writes_no_access_log_even_with_logging_configured(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        async with (
            await echo_app().listen(0, "127.0.0.1") as server,
            aiohttp.ClientSession() as session,
            session.get(server.url) as response,
        ):
            assert response.status == 200
    assert not [r for r in caplog.records if r.name == "aiohttp.access"]


async def test_listen_writes_aiohttps_access_log_when_given_its_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    access = logging.getLogger("aiohttp.access")
    with caplog.at_level(logging.INFO):
        async with (
            await echo_app().listen(0, "127.0.0.1", access_log=access) as server,
            aiohttp.ClientSession() as session,
            session.get(server.url) as response,
        ):
            assert response.status == 200
    assert [r for r in caplog.records if r.name == "aiohttp.access"]
