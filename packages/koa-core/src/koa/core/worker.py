"""A Gunicorn worker for Koa apps: ``gunicorn module:app -k koa.core.worker.GunicornWorker``.

Built on aiohttp's own Gunicorn worker, so Gunicorn's process model, config
(``--workers``, ``--bind``, ``--graceful-timeout``, ``--keep-alive``,
``--max-requests``, access logs, TLS) and signals behave as they do for
aiohttp apps. Needs ``pip install gunicorn`` (or ``koa-core[gunicorn]``).

The idle timeout is Gunicorn's ``keepalive`` setting; the other limits of
:func:`koa.core.make_server` come from the environment, which Gunicorn's
``raw_env`` setting (``--env``) fills: ``KOA_HEADERS_TIMEOUT``,
``KOA_REQUEST_TIMEOUT`` (seconds) and ``KOA_MAX_CONNECTIONS``; ``KOA_LOOP``
chooses the event loop (``asyncio``, the default here; ``uvloop``; ``auto``:
uvloop when installed).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.worker import GunicornUVLoopWebWorker, GunicornWebWorker

from ._loops import loop_factory
from ._server import HEADERS_TIMEOUT, REQUEST_TIMEOUT, make_server, quiet_accept_errors
from .application import Koa

__all__ = ["GunicornUVLoopWorker", "GunicornWorker"]


def _limits_from_env() -> dict[str, Any]:
    """``headers_timeout``, ``request_timeout`` and ``max_connections`` from
    ``KOA_HEADERS_TIMEOUT``, ``KOA_REQUEST_TIMEOUT`` and ``KOA_MAX_CONNECTIONS``."""
    limits: dict[str, Any] = {}
    settings: tuple[tuple[str, str, Callable[[str], Any], Any], ...] = (
        ("headers_timeout", "KOA_HEADERS_TIMEOUT", float, HEADERS_TIMEOUT),
        ("request_timeout", "KOA_REQUEST_TIMEOUT", float, REQUEST_TIMEOUT),
        ("max_connections", "KOA_MAX_CONNECTIONS", int, None),
    )
    for name, variable, kind, default in settings:
        text = os.environ.get(variable)
        try:
            limits[name] = default if text is None else kind(text)
        except ValueError:
            raise RuntimeError(f"{variable}={text!r} is not a valid {kind.__name__}") from None
    return limits


class GunicornWorker(GunicornWebWorker):  # type: ignore[misc,unused-ignore]
    """Serves the Koa app Gunicorn loaded (``module:app``, or a factory
    ``module:create_app()`` returning one) with aiohttp's low-level server, on
    the event loop ``KOA_LOOP`` names.

    Unlike ``koa serve`` and ``app.run()``, the default stays asyncio's loop:
    under Gunicorn, aiohttp's worker on uvloop was seen to miss SIGTERM while a
    keep-alive connection sat idle (it then waited out Gunicorn's graceful
    timeout), with :class:`GunicornUVLoopWorker` as with ``KOA_LOOP=uvloop``."""

    def init_process(self) -> None:
        # aiohttp's worker makes its loop here, after the fork, with
        # asyncio.new_event_loop(): the policy decides which kind.
        if loop_factory(os.environ.get("KOA_LOOP", "asyncio")) is not asyncio.new_event_loop:
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        super().init_process()

    async def _run(self) -> None:
        app: Any = self.wsgi
        if not isinstance(app, Koa):
            raise RuntimeError(
                f"koa.core.worker.GunicornWorker serves Koa apps, got {app!r}: "
                "point gunicorn at module:app where app = Koa()"
            )
        await app.startup()
        quiet_accept_errors(self.loop)
        access_log = self.log.access_log if self.cfg.accesslog else None
        runner = web.ServerRunner(
            make_server(
                app,
                logger=self.log,
                keepalive_timeout=self.cfg.keepalive,
                **_limits_from_env(),
                access_log=access_log,
                access_log_format=self._get_valid_log_format(self.cfg.access_log_format),
            ),
            shutdown_timeout=self.cfg.graceful_timeout / 100 * 95,
        )
        await runner.setup()
        ssl_context = self._create_ssl_context(self.cfg) if self.cfg.is_ssl else None
        for sock in self.sockets:
            await web.SockSite(runner, sock, ssl_context=ssl_context).start()
        self.booted = True

        server = runner.server
        assert server is not None
        pid = os.getpid()
        try:
            while self.alive:
                self.notify()
                if self.max_requests and server.requests_count > self.max_requests:
                    self.alive = False
                    self.log.info("Max requests, shutting down: %s", self)
                elif pid == os.getpid() and self.ppid != os.getppid():
                    self.alive = False
                    self.log.info("Parent changed, shutting down: %s", self)
                else:
                    await self._wait_next_notify()
        finally:
            await runner.cleanup()
            await app.shutdown()


class GunicornUVLoopWorker(GunicornUVLoopWebWorker, GunicornWorker):  # type: ignore[misc,unused-ignore]
    """:class:`GunicornWorker` on uvloop whatever ``KOA_LOOP`` says (``pip
    install uvloop``)."""
