"""Serving a Koa app with aiohttp's low-level server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .application import Koa

__all__ = ["ServerHandle", "make_server", "start_server"]


def make_server(app: Koa, **options: Any) -> web.Server:
    """``aiohttp.web.Server(app.callback(), auto_decompress=False)``: request
    bodies reach middleware exactly as sent (the body parser inflates them)."""
    options.setdefault("auto_decompress", False)
    return web.Server(app.callback(), **options)


class ServerHandle:
    """A running server: its ``addresses``, its ``url`` and ``close()``."""

    __slots__ = ("_app", "_runner")

    def __init__(self, app: Koa, runner: web.ServerRunner) -> None:
        self._app = app
        self._runner = runner

    @property
    def addresses(self) -> list[Any]:
        """The bound socket addresses, ``(host, port, ...)`` tuples."""
        return list(self._runner.addresses)

    @property
    def port(self) -> int:
        """The first bound port."""
        return int(self.addresses[0][1])

    @property
    def url(self) -> str:
        """``http://host:port`` of the first bound address."""
        host, port = self.addresses[0][:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    async def close(self) -> None:
        """Stop accepting, let requests in flight finish (bounded by the
        shutdown timeout), close idle connections, run ``on_shutdown`` hooks."""
        try:
            await self._runner.cleanup()
        finally:
            await self._app.shutdown()

    async def __aenter__(self) -> ServerHandle:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def start_server(
    app: Koa, *, host: str | None, port: int, shutdown_timeout: float, **options: Any
) -> ServerHandle:
    """Run ``on_startup`` hooks, then listen on *host*:*port*."""
    await app.startup()
    runner = web.ServerRunner(
        make_server(app, **options), handle_signals=False, shutdown_timeout=shutdown_timeout
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return ServerHandle(app, runner)
