"""`koa serve` in real processes: graceful shutdown, workers, restarts, bad input."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

HERE = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout and proc.stdout.read()!r}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("server did not start listening")


@pytest.fixture
def koa_serve() -> Iterator[object]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> tuple[subprocess.Popen[bytes], int]:
        port = _free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "koa.core",
                "serve",
                "serving_app:app",
                "--port",
                str(port),
                *args,
            ],
            cwd=HERE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        _wait_listening(port, proc)
        return proc, port

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


async def test_sigterm_lets_100_requests_in_flight_finish(koa_serve: object) -> None:
    proc, port = koa_serve("--shutdown-timeout", "10")  # type: ignore[operator]
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def slow() -> tuple[int, str]:
            async with session.get(url + "/slow?s=1.0") as r:
                return r.status, await r.text()

        tasks = [asyncio.create_task(slow()) for _ in range(100)]
        await asyncio.sleep(0.5)  # all 100 are now being handled
        proc.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.2)
        with pytest.raises(aiohttp.ClientConnectionError):  # new connections are refused
            async with session.get(url + "/pid", headers={"Connection": "close"}) as r:
                await r.read()
        results = await asyncio.gather(*tasks)
    assert results == [(200, "done")] * 100
    assert await asyncio.to_thread(proc.wait, 10) == 0


async def test_a_crashed_worker_is_replaced_and_others_keep_serving(koa_serve: object) -> None:
    proc, port = koa_serve("--workers", "2")  # type: ignore[operator]
    url = f"http://127.0.0.1:{port}"
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        pids: set[str] = set()
        for _ in range(40):
            async with session.get(url + "/pid") as r:
                pids.add(await r.text())
        with pytest.raises(aiohttp.ClientError):
            async with session.get(url + "/crash") as r:
                await r.read()
        statuses = []
        for _ in range(20):  # the surviving worker answers while the crashed one restarts
            async with session.get(url + "/") as r:
                statuses.append(r.status)
        assert statuses == [200] * 20
        await asyncio.sleep(1.5)
        after: set[str] = set()
        for _ in range(60):
            async with session.get(url + "/pid") as r:
                after.add(await r.text())
    assert len(after) == 2  # two workers again
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 15) == 0
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert "exited with 3; starting a new one" in output


async def _raw(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(65536), 5)
    finally:
        writer.close()


@pytest.mark.parametrize(
    ("request_bytes", "statuses"),
    [
        (b"GARBAGE\r\n\r\n", (b"400",)),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", (b"400",)),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", (b"400", b"431")),
        (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (b"400", b"414")),
    ],
    ids=["malformed-request-line", "invalid-content-length", "oversized-header", "long-url"],
)
async def test_bad_http_input_is_answered_with_4xx_and_the_server_keeps_serving(
    koa_serve: object, request_bytes: bytes, statuses: tuple[bytes, ...]
) -> None:
    _, port = koa_serve()  # type: ignore[operator]
    answer = await _raw(port, request_bytes)
    assert answer.split(b" ")[1] in statuses
    answer = await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")


async def test_a_client_trickling_its_headers_does_not_delay_other_requests(
    koa_serve: object,
) -> None:
    _, port = koa_serve()  # type: ignore[operator]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /slow?s=0 HTTP/1.1\r\nHost: x\r\n")
    await writer.drain()
    for _ in range(5):  # one header line at a time, never finishing the request
        writer.write(b"X-Trickle: 1\r\n")
        await writer.drain()
        answer = await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200")
        await asyncio.sleep(0.05)
    writer.write(b"\r\n")  # the slow client finally completes its request, and is answered
    await writer.drain()
    assert (await asyncio.wait_for(reader.read(65536), 5)).startswith(b"HTTP/1.1 200")
    writer.close()


async def test_reload_serves_the_new_code_after_a_file_changes(tmp_path: Path) -> None:
    app_file = tmp_path / "reloadable.py"
    source = (
        "from koa.core import Koa\n"
        "app = Koa()\n"
        "async def hello(ctx, next):\n"
        "    ctx.body = {!r}\n"
        "app.use(hello)\n"
    )
    app_file.write_text(source.format("before"))
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "koa.core",
            "serve",
            "reloadable:app",
            "--port",
            str(port),
            "--reload",
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, proc)
        assert (await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")).endswith(b"before")
        app_file.write_text(source.format("after"))
        for _ in range(200):  # bounded: up to ~20 s for the watcher to restart the server
            await asyncio.sleep(0.1)
            try:
                answer = await _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            except OSError:
                continue
            if answer.endswith(b"after"):
                break
        else:
            raise AssertionError("the server never served the changed code")
    finally:
        proc.terminate()
        proc.wait(15)


def test_cli_names_a_target_that_cannot_be_imported() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koa.core", "serve", "no_such_module:app"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "cannot import 'no_such_module'" in result.stderr


def test_cli_refuses_an_object_that_is_not_a_koa_app() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koa.core", "serve", "serving_app:STARTED"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    assert result.returncode != 0
    assert "is not a Koa application" in result.stderr
