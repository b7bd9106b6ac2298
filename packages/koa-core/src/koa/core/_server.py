"""Serving a Koa app with aiohttp's low-level server, with the limits that keep
it up on the open internet (see SECURITY.md and :mod:`._protocol`)."""

from __future__ import annotations

import asyncio
import errno
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._protocol import RateLimitedLog, make_protocol_server

if TYPE_CHECKING:
    from .application import Koa

__all__ = ["ServerHandle", "make_server", "start_server"]

#: Node's http server defaults (headersTimeout, requestTimeout, keepAliveTimeout).
HEADERS_TIMEOUT = 60.0
REQUEST_TIMEOUT = 300.0
KEEPALIVE_TIMEOUT = 5.0
#: Node's max-http-header-size (16 KiB), as aiohttp's per-line limits.
MAX_LINE = 16 * 1024

log = logging.getLogger("koa.server")


def make_server(
    app: Koa,
    *,
    headers_timeout: float = HEADERS_TIMEOUT,
    request_timeout: float = REQUEST_TIMEOUT,
    keepalive_timeout: float = KEEPALIVE_TIMEOUT,
    max_connections: int | None = None,
    **options: Any,
) -> web.Server:
    """aiohttp's low-level server for *app*, with ``auto_decompress=False``
    (request bodies reach middleware exactly as sent; the body parser inflates
    them) and these limits, all in seconds but the last:

    - ``headers_timeout``: from a request's first byte to the end of its headers;
    - ``request_timeout``: from a request's first byte to the end of its body;
    - ``keepalive_timeout``: how long a connection may sit idle between requests
      (or before its first);
    - ``max_connections``: connections served at once; the ones above get a 503
      and are closed at once. Default: the open-files limit (raised to its hard
      maximum here) less a reserve for the app's own files and sockets.

    A request that misses a deadline gets a 408 where one can still be sent, and
    its connection is closed. A request line or header field over 16 KiB (Node's
    limit for the whole header section; aiohttp's are per line:
    ``max_line_size``, ``max_field_size``) gets a 431. No access log by
    default, as in Koa and ``koa serve`` (aiohttp's logs every request as soon
    as logging is configured, at about 40 us each; koa-logger is Koa's): pass
    ``access_log=logging.getLogger("aiohttp.access")`` for it. Other
    ``options`` go to ``aiohttp.web.Server``."""
    options.setdefault("auto_decompress", False)
    options.setdefault("access_log", None)
    options.setdefault("max_line_size", MAX_LINE)
    options.setdefault("max_field_size", MAX_LINE)
    if max_connections is None:
        max_connections = default_max_connections()
    for name, value in (
        ("headers_timeout", headers_timeout),
        ("request_timeout", request_timeout),
        ("keepalive_timeout", keepalive_timeout),
        ("max_connections", max_connections),
    ):
        if not value > 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    return make_protocol_server(
        app.callback(),
        headers_timeout=headers_timeout,
        request_timeout=request_timeout,
        keepalive_timeout=keepalive_timeout,
        max_connections=max_connections,
        **options,
    )


def raise_open_files_limit() -> int:
    """Raise this process' soft open-files limit to its hard limit (what
    Node and nginx operators do by hand); returns the limit now in force, or 0
    where the platform has none."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def default_max_connections() -> int:
    """The open-files limit (raised first) less a reserve of a tenth (at
    least 32) for the app's files, logs and client sockets."""
    limit = raise_open_files_limit() or 1 << 16
    return max(1, limit - max(32, limit // 10))


_out_of_fds = RateLimitedLog(log)


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """When accept() fails for lack of file descriptors, asyncio logs an ERROR
    with a traceback each time it retries (every second per listening socket,
    for as long as it lasts): make that one WARNING line per ten seconds. Other
    loop errors go to the handler that was there."""
    previous = loop.get_exception_handler()
    if getattr(previous, "_koa_accept_filter", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, OSError) and error.errno in _RESOURCE_ERRNOS:
            _out_of_fds.warning(
                "koa: cannot accept connections: %s (open-files limit reached; "
                "idle connections close after keepalive_timeout)",
                error.strerror,
            )
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler._koa_accept_filter = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


_RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


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
    quiet_accept_errors(asyncio.get_running_loop())
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
