"""The Koa application: middleware, settings, events and the aiohttp handler."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.web_request import BaseRequest

from ._loops import Loop, run
from ._respond import respond
from ._server import (
    HEADERS_TIMEOUT,
    KEEPALIVE_TIMEOUT,
    REQUEST_TIMEOUT,
    ServerHandle,
    start_server,
)
from .asgi import AsgiApp
from .compose import compose_unwrapped, ensure_async
from .context import Context
from .cookies import Keygrip
from .request import Request
from .response import Response
from .types import Middleware, Next

__all__ = ["ErrorListener", "Hook", "Koa", "current_context"]

#: The context type a middleware is annotated with: Context, or a typing-only
#: subclass declaring what upstream middleware adds (BodyParserContext...).
_C = TypeVar("_C", bound=Context)

_log = logging.getLogger("koa")

_current: contextvars.ContextVar[Context | None] = contextvars.ContextVar(
    "koa_current_context", default=None
)

#: A listener of ``app.on("error", ...)``: called with the error and the
#: request's Context (``None`` for an error outside a request).
ErrorListener = Callable[[BaseException, Context | None], Any]
#: An ``on_startup`` / ``on_shutdown`` hook: called with the app, awaited
#: when it returns an awaitable.
Hook = Callable[["Koa"], Awaitable[None] | None]


def current_context() -> Context | None:
    """The Context of the request being handled, from anywhere in its call
    graph (tasks it creates included); ``None`` outside a request."""
    return _current.get()


class _Once:
    """A listener added by ``app.once()``: removes itself, then calls it."""

    __slots__ = ("app", "event", "listener")

    def __init__(self, app: Koa, event: str, listener: Callable[..., Any]) -> None:
        self.app = app
        self.event = event
        self.listener = listener

    def __call__(self, *args: Any) -> Any:
        self.app.off(self.event, self)
        return self.listener(*args)


class Koa:
    """A Koa application.

    ``proxy``: trust ``X-Forwarded-Host``/``-Proto`` and ``proxy_ip_header``.
    ``max_ips_count``: keep only the last N addresses of that header (0: all).
    ``subdomain_offset``: trailing host labels that ``ctx.subdomains`` ignores.
    ``keys``: cookie-signing keys (a list, newest first, or a :class:`Keygrip`).
    ``env``: defaults to ``$KOA_ENV`` or ``"development"``; informational.
    ``silent``: do not log errors by default.
    """

    #: Converts values JSON bodies cannot hold natively, before the defaults
    #: (``to_json()``, dates, UUID, Decimal, Enum, dataclasses...): return a
    #: JSON-able value, or raise ``TypeError`` to leave *value* to the defaults.
    json_default: Callable[[Any], Any] | None = None

    def __init__(
        self,
        *,
        proxy: bool = False,
        proxy_ip_header: str = "X-Forwarded-For",
        max_ips_count: int = 0,
        subdomain_offset: int = 2,
        keys: Sequence[str | bytes] | Keygrip | None = None,
        env: str | None = None,
        silent: bool = False,
    ) -> None:
        self.proxy = proxy
        self.proxy_ip_header = proxy_ip_header
        self.max_ips_count = max_ips_count
        self.subdomain_offset = subdomain_offset or 2
        self.keys = keys
        self.env = env or os.environ.get("KOA_ENV") or "development"
        self.silent = silent
        self.middleware: list[Middleware] = []
        #: Per-app extension points, like Koa's prototypes: an attribute set on
        #: ``app.context`` (``.request``, ``.response``) is visible on every ctx
        #: (request, response) of this app only.
        self.context: type[Context] = type("Context", (Context,), {"__slots__": ()})
        self.request: type[Request] = type("Request", (Request,), {"__slots__": ()})
        self.response: type[Response] = type("Response", (Response,), {"__slots__": ()})
        #: Coroutines (or functions) run with the app before serving starts and
        #: after it stops, by every way of serving.
        self.on_startup: list[Hook] = []
        self.on_shutdown: list[Hook] = []
        self._listeners: dict[str, list[Callable[..., Any]]] = {}
        self._pending: set[asyncio.Task[Any]] = set()

    # -- middleware ----------------------------------------------------------

    def use(self, fn: Callable[[_C, Next], Awaitable[Any]] | Callable[[_C], Awaitable[Any]]) -> Koa:
        """Add a middleware, ``async def mw(ctx, next)``; returns the app.
        ``ctx`` may be annotated with a typing-only subclass of Context that
        declares what upstream middleware adds (``ctx: BodyParserContext``).
        ``async def mw(ctx)`` (no ``next``, as many Koa examples write it) is
        accepted: it ends the chain, as in Koa."""
        if isinstance(fn, Koa):
            raise TypeError(
                "app.use() takes middleware, not a Koa app: mount apps with "
                "koa.mount.mount(app) (pip install koa-mount)"
            )
        if not callable(fn):
            raise TypeError(f"middleware must be a function! got {fn!r}")
        self.middleware.append(ensure_async(fn))
        return self

    def callback(self) -> Callable[[BaseRequest], Awaitable[web.StreamResponse]]:
        """The aiohttp low-level handler for this app, to be served with
        ``aiohttp.web.Server(app.callback(), auto_decompress=False)``."""
        start = compose_unwrapped(self.middleware)
        context_class = self.context
        current = _current

        async def handle(req: BaseRequest) -> web.StreamResponse:
            ctx = context_class(self, req)
            token = current.set(ctx)
            try:
                try:
                    await start(ctx, None)
                    return await respond(ctx)
                except Exception as err:
                    ctx.onerror(err)
                    if ctx.response.header_sent or ctx.respond is False:
                        return ctx.response.res
                    return await respond(ctx)  # the error's answer
            finally:
                current.reset(token)

        return handle

    def create_context(self, req: BaseRequest) -> Context:
        """A Context for an aiohttp request, outside of serving (tests, tools)."""
        return self.context(self, req)

    # -- events --------------------------------------------------------------

    def on(self, event: str, listener: Callable[..., Any]) -> Koa:
        """Call *listener* on *event*. ``"error"`` listeners get ``(err, ctx)``
        for every error that reaches Koa; with none, errors are logged by
        :meth:`onerror`. Listeners may be coroutine functions."""
        self._listeners.setdefault(event, []).append(listener)
        return self

    def once(self, event: str, listener: Callable[..., Any]) -> Koa:
        """Call *listener* on the next *event* only (Node's ``emitter.once``)."""
        return self.on(event, _Once(self, event, listener))

    def off(self, event: str, listener: Callable[..., Any]) -> Koa:
        """Remove *listener* from *event* (the last one added, if added more
        than once; one added with :meth:`once` too). Unknown ones are ignored."""
        listeners = self._listeners.get(event, [])
        for index in range(len(listeners) - 1, -1, -1):
            added = listeners[index]
            if added is listener or (isinstance(added, _Once) and added.listener is listener):
                del listeners[index]
                break
        return self

    def listener_count(self, event: str) -> int:
        """How many listeners *event* has."""
        return len(self._listeners.get(event, ()))

    def emit(self, event: str, *args: Any) -> bool:
        """Call *event*'s listeners with *args*; whether there were any."""
        listeners = self._listeners.get(event)
        if not listeners:
            if event == "error" and args:
                self.onerror(args[0])
            return False
        for listener in list(listeners):
            try:
                result = listener(*args)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._pending.add(task)
                    task.add_done_callback(self._pending.discard)
            except Exception:
                _log.exception("a %r listener of the Koa app raised", event)
        return True

    def onerror(self, err: BaseException) -> None:
        """The default error listener: log *err* with its traceback through the
        ``koa`` logger, unless it is a 404, is exposed, or the app is silent."""
        if not isinstance(err, BaseException):
            raise TypeError(f"non-error thrown: {err!r}")
        if getattr(err, "status", None) == 404 or getattr(err, "expose", False) or self.silent:
            return
        _log.error("%s", err, exc_info=err)

    # -- serving -------------------------------------------------------------

    async def startup(self) -> None:
        """Run the ``on_startup`` hooks (every way of serving calls this)."""
        for hook in self.on_startup:
            result = hook(self)
            if inspect.isawaitable(result):
                await result

    async def shutdown(self) -> None:
        """Run the ``on_shutdown`` hooks, last registered first."""
        for hook in reversed(self.on_shutdown):
            result = hook(self)
            if inspect.isawaitable(result):
                await result

    async def listen(
        self,
        port: int = 3000,
        host: str | None = "127.0.0.1",
        *,
        shutdown_timeout: float = 10.0,
        headers_timeout: float = HEADERS_TIMEOUT,
        request_timeout: float = REQUEST_TIMEOUT,
        keepalive_timeout: float = KEEPALIVE_TIMEOUT,
        max_connections: int | None = None,
        **server_options: Any,
    ) -> ServerHandle:
        """Start serving on *host*:*port* (port 0 picks a free one) and return a
        handle with the bound ``addresses``, ``url`` and ``await close()``.
        The deadlines (seconds) and ``max_connections`` are
        :func:`~koa.core.make_server`'s; other ``server_options`` go to
        aiohttp's server (``access_log``...)."""
        return await start_server(
            self,
            host=host,
            port=port,
            shutdown_timeout=shutdown_timeout,
            headers_timeout=headers_timeout,
            request_timeout=request_timeout,
            keepalive_timeout=keepalive_timeout,
            max_connections=max_connections,
            **server_options,
        )

    def run(
        self,
        port: int = 3000,
        host: str | None = "127.0.0.1",
        *,
        shutdown_timeout: float = 10.0,
        headers_timeout: float = HEADERS_TIMEOUT,
        request_timeout: float = REQUEST_TIMEOUT,
        keepalive_timeout: float = KEEPALIVE_TIMEOUT,
        max_connections: int | None = None,
        loop: Loop = "auto",
        **server_options: Any,
    ) -> None:
        """Serve until SIGINT or SIGTERM, then shut down gracefully: stop
        accepting, let requests in flight finish within *shutdown_timeout*
        seconds (then cancel them), close keep-alive connections, run the
        ``on_shutdown`` hooks. Blocks. The deadlines (seconds) and
        ``max_connections`` are :func:`~koa.core.make_server`'s. ``loop``:
        ``"auto"`` runs on uvloop when it is installed (``koa-core[speedups]``),
        else asyncio's loop; ``"asyncio"`` or ``"uvloop"`` choose."""

        from ._supervisor import serve_until_signal

        run(
            serve_until_signal(
                self,
                host=host,
                port=port,
                shutdown_timeout=shutdown_timeout,
                headers_timeout=headers_timeout,
                request_timeout=request_timeout,
                keepalive_timeout=keepalive_timeout,
                max_connections=max_connections,
                **server_options,
            ),
            loop,
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """The app is an ASGI 3 application too: ``uvicorn module:app``."""
        await self.asgi(scope, receive, send)

    @property
    def asgi(self) -> AsgiApp:
        """This app as an ASGI 3 application: ``uvicorn module:app.asgi`` (made
        once; see :mod:`koa.core.asgi`)."""
        adapter = self.__dict__.get("_asgi")
        if adapter is None:
            adapter = self.__dict__["_asgi"] = AsgiApp(self)
        return adapter

    # -- inspection ----------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """``{"subdomain_offset", "proxy", "env"}``, as Koa's ``app.toJSON()``."""
        return {"subdomain_offset": self.subdomain_offset, "proxy": self.proxy, "env": self.env}

    def __repr__(self) -> str:
        return f"<Koa {self.to_json()!r}>"
