"""``koa serve --workers 2`` with state in Redis (issue 20): a session created
on one worker is read on the other, and one rate limit holds across both."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from multidict import CIMultiDict

Headers = CIMultiDict[str]
HERE = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def two_workers(redis_url: str) -> Iterator[str]:
    """``koa serve shared_state_app:app --workers 2`` on a free port; its URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "koa.core", "serve", "shared_state_app:app",
         "--port", str(port), "--workers", "2", "--reuse-port"],
        cwd=HERE,
        env={**os.environ, "KOA_TEST_REDIS_URL": redis_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"koa serve exited: {proc.stdout and proc.stdout.read()!r}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "koa serve did not start listening"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Headers, str]:
    """One request on its own connection (so the kernel may pick either worker)."""
    connector = aiohttp.TCPConnector(force_close=True)
    async with (
        aiohttp.ClientSession(connector=connector) as http,
        http.get(url, headers=headers) as reply,
    ):
        return reply.status, reply.headers.copy(), await reply.text()


async def _both_workers_answer(url: str) -> None:
    pids: set[str] = set()
    for _ in range(400):
        pids.add((await _get(url + "/"))[1]["X-Worker"])
        if len(pids) == 2:
            return
    raise AssertionError("only one worker answered 400 connections")


async def test_a_session_created_on_one_worker_is_read_on_the_other(two_workers: str) -> None:
    await _both_workers_answer(two_workers)
    status, headers, _ = await _get(two_workers + "/login?user=ann")
    assert status == 200
    creator = headers["X-Worker"]
    cookie = "; ".join(line.split(";", 1)[0] for line in headers.getall("Set-Cookie"))
    for _ in range(400):
        status, headers, body = await _get(two_workers + "/", {"Cookie": cookie})
        if headers["X-Worker"] != creator:
            break
    else:
        raise AssertionError("no request reached the other worker")
    assert (status, body) == (200, '{"user":"ann"}')


async def test_one_rate_limit_holds_across_both_workers(two_workers: str) -> None:
    await _both_workers_answer(two_workers)
    gate = asyncio.Semaphore(16)

    async def one() -> tuple[int, Headers, str]:
        async with gate:
            return await _get(two_workers + "/api/items")

    replies = await asyncio.gather(*(one() for _ in range(200)))
    statuses = [status for status, _, _ in replies]
    assert (statuses.count(200), statuses.count(429)) == (50, 150)
    assert all(int(h["Retry-After"]) > 0 for s, h, _ in replies if s == 429)
    assert len({h["X-Worker"] for _, h, _ in replies}) == 2  # both workers counted
    assert len({h["X-Worker"] for s, h, _ in replies if s == 200}) == 2
