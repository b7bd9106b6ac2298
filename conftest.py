"""Fixtures shared by every package's tests and the integration tests.

At the repo root so that ``pytest packages/koa-router/tests`` picks it up too,
and so does the isolated wheel check (pytest loads conftest.py from the rootdir).
Helpers live in ``koa.core.testing`` (public, shipped in the wheel), not here.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack

import pytest
from hypothesis import HealthCheck, settings

from koa.core import Koa
from koa.core.testing import Client, ClientFor, Serve, client_for, serving

# Property tests: a fixed, derandomised budget in CI; `hatch run fuzz` selects
# the long profile (HYPOTHESIS_PROFILE=fuzz).
settings.register_profile(
    "ci", derandomize=True, max_examples=150, deadline=None, database=None, print_blob=True
)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """``url = await serve(app)``: the app runs on an ephemeral port until the test ends."""
    async with AsyncExitStack() as stack:

        async def start(app: Koa) -> str:
            return await stack.enter_async_context(serving(app))

        yield start


@pytest.fixture
async def client() -> AsyncIterator[ClientFor]:
    """``c = await client(app)``: serve *app* and get a test Client bound to it."""
    async with AsyncExitStack() as stack:

        async def start(app: Koa) -> Client:
            return await stack.enter_async_context(client_for(app))

        yield start


def pytest_report_header() -> list[str]:
    """Show where each koa.* package was imported from (source tree or wheel)."""
    import importlib
    import pkgutil

    import koa

    return [
        f"{mod.name}: {importlib.import_module(mod.name).__file__}"
        for mod in pkgutil.iter_modules(koa.__path__, "koa.")
    ]


# -- A real Redis server for the session and rate-limit stores' tests ----------
# Started per test session from Debian's redis-server (.ci/run installs it),
# on 127.0.0.1 and a random port, without persistence. Without one the tests
# skip, saying how to install it; with KOA_REQUIRE_REDIS=1 (CI) they fail.


class RedisServer:
    """A redis-server process of the tests' own: ``url``, ``stop()``,
    ``start()`` (same port), ``pause()``/``resume()`` (SIGSTOP/SIGCONT)."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import socket
        import time

        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            self.resume()
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def pause(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)


def _require_redis() -> None:
    import shutil

    missing = []
    if shutil.which("redis-server") is None:
        missing.append(
            "no redis-server on PATH (Debian/Ubuntu: apt-get install redis-server; "
            "macOS: brew install redis)"
        )
    try:
        import redis  # noqa: F401
    except ImportError:
        missing.append("no redis-py (pip install 'koa-session[redis]')")
    if missing:
        message = "Redis tests need a real server: " + "; ".join(missing)
        if os.environ.get("KOA_REQUIRE_REDIS") == "1":
            pytest.fail(message + " (KOA_REQUIRE_REDIS=1: not skipping)", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def _redis_session_server() -> Iterator[RedisServer]:
    _require_redis()
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(_redis_session_server: RedisServer) -> str:
    """The URL of the tests' Redis server, emptied before each test."""
    import redis

    client = redis.Redis.from_url(_redis_session_server.url)
    client.flushall()
    client.close()
    return _redis_session_server.url


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A Redis server for this test alone (to stop, pause or restart)."""
    _require_redis()
    server = RedisServer()
    server.start()
    yield server
    server.stop()
