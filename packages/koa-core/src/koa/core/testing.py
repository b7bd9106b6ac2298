"""Helpers for testing Koa apps and middleware against a real aiohttp server.

``serving(app)`` runs the app on an ephemeral loopback port for the duration
of an ``async with`` block and yields its base URL; ``Client`` is a tiny
aiohttp client bound to that URL; ``client_for(app)`` does both at once;
``create_context()`` builds a Context for an in-memory request, for unit
tests that need no socket::

    async with client_for(app) as client:
        reply = await client.get("/users")
        assert (reply.status, reply.text) == (200, "users")
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias
from unittest import mock

import aiohttp
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict, CIMultiDictProxy

from .application import Koa
from .context import Context

__all__ = ["Client", "ClientFor", "Reply", "Serve", "client_for", "create_context", "serving"]

#: The type of a ``serve`` fixture: ``url = await serve(app)``.
Serve: TypeAlias = Callable[[Koa], Awaitable[str]]

#: The type of a ``client`` fixture: ``c = await client(app)``.
ClientFor: TypeAlias = Callable[[Koa], Awaitable["Client"]]


@asynccontextmanager
async def serving(app: Koa, host: str = "127.0.0.1", **server_options: Any) -> AsyncIterator[str]:
    """Serve *app* on an ephemeral port of *host* for the block; yield its URL."""
    handle = await app.listen(0, host, shutdown_timeout=2.0, **server_options)
    try:
        yield handle.url
    finally:
        await handle.close()


@dataclass(frozen=True, slots=True)
class Reply:
    """A response as the test client read it: ``status``, ``reason``,
    ``headers`` (case-insensitive), ``body`` bytes, ``text`` and ``json()``."""

    status: int
    reason: str
    headers: CIMultiDictProxy[str]
    body: bytes

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class Client:
    """A small HTTP client for tests, bound to *base_url*::

        async with Client(url) as client:
            reply = await client.get("/users", headers={"Accept": "text/html"})
            assert (reply.status, reply.text) == (200, "users")

    Redirects are not followed and bodies are not decompressed, so tests see
    exactly what the server sent. Cookies the app sets are kept and sent back
    (as a supertest agent does), also for an app on ``127.0.0.1``, which
    aiohttp's default cookie jar ignores; pass ``cookie_jar=`` to choose.
    Keyword arguments go to aiohttp's session; a request's to its request.
    """

    def __init__(self, base_url: str, **session_options: Any) -> None:
        self.base_url = base_url.rstrip("/")
        self._options = session_options
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The underlying aiohttp session (for streaming or WebSocket tests)."""
        if self._session is None:
            raise RuntimeError("use `async with Client(url) as client`")
        return self._session

    async def __aenter__(self) -> Client:
        options = {"cookie_jar": aiohttp.CookieJar(unsafe=True), **self._options}
        self._session = aiohttp.ClientSession(auto_decompress=False, **options)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        """Send a request and read the whole response."""
        kwargs.setdefault("allow_redirects", False)
        async with self.session.request(method, self.base_url + path, **kwargs) as response:
            body = await response.read()
            return Reply(response.status, response.reason or "", response.headers, body)

    async def get(self, path: str = "/", **kwargs: Any) -> Reply:
        """``GET path``."""
        return await self.request("GET", path, **kwargs)

    async def head(self, path: str = "/", **kwargs: Any) -> Reply:
        """``HEAD path``."""
        return await self.request("HEAD", path, **kwargs)

    async def post(self, path: str = "/", **kwargs: Any) -> Reply:
        """``POST path``."""
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str = "/", **kwargs: Any) -> Reply:
        """``PUT path``."""
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str = "/", **kwargs: Any) -> Reply:
        """``PATCH path``."""
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str = "/", **kwargs: Any) -> Reply:
        """``DELETE path``."""
        return await self.request("DELETE", path, **kwargs)

    async def options(self, path: str = "/", **kwargs: Any) -> Reply:
        """``OPTIONS path``."""
        return await self.request("OPTIONS", path, **kwargs)


@asynccontextmanager
async def client_for(app: Koa, **session_options: Any) -> AsyncIterator[Client]:
    """Serve *app* and yield a :class:`Client` bound to it."""
    async with serving(app) as url, Client(url, **session_options) as client:
        yield client


def create_context(
    method: str = "GET",
    url: str = "/",
    headers: Mapping[str, str] | None = None,
    *,
    app: Koa | None = None,
    sslcontext: Any = None,
    remote: str = "127.0.0.1",
) -> Context:
    """A Context for an in-memory request (no socket): for unit tests of code
    that reads ``ctx`` or sets the response. ``sslcontext`` (any truthy value)
    makes it HTTPS; ``remote`` is the peer address (``ctx.ip``)."""
    transport = mock.Mock()
    transport.is_closing.return_value = False
    extra = {"peername": (remote, 50000), "sockname": ("127.0.0.1", 80), "sslcontext": sslcontext}
    transport.get_extra_info.side_effect = lambda name, default=None: extra.get(name, default)
    req = make_mocked_request(
        method,
        url,
        headers=CIMultiDict(headers or {}),
        sslcontext=sslcontext,
        transport=transport,
    )
    return (app or Koa()).create_context(req)
