"""``KoaInstrumentor``: the shape Python users know from ``FastAPIInstrumentor``.

``instrument_app(app)`` puts the ``telemetry`` middleware first in the app
(and, with ``middleware_spans``, wraps the app's middleware and routers);
``uninstrument_app(app)`` takes it all out again, and turns it into a
pass-through at once for an app already serving. ``instrument()`` (what
``opentelemetry-instrument`` calls) instruments every app when it starts
serving: every way of serving an app (``app.run``, ``koa serve``, the
Gunicorn worker, ASGI) builds its handler with ``app.callback()``.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Collection, Iterable
from typing import Any

from aiohttp.web import BaseRequest
from opentelemetry.instrumentation.instrumentor import (  # type: ignore[attr-defined]
    BaseInstrumentor,
)
from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import TracerProvider

from koa.core import Koa, Middleware

from ._layers import Patch, patch_router, traced_middleware
from ._middleware import build
from ._options import ClientResponseHook, ServerRequestHook, Settings

__all__ = ["KoaInstrumentor"]

_log = logging.getLogger("koa.opentelemetry")


class _Instrumented:
    """What ``instrument_app`` changed in one app, to undo it."""

    __slots__ = ("middleware", "settings", "undo")

    def __init__(self, settings: Settings, middleware: Middleware) -> None:
        self.settings = settings
        self.middleware = middleware
        self.undo: list[Patch] = []


_apps: weakref.WeakKeyDictionary[Koa, _Instrumented] = weakref.WeakKeyDictionary()


class KoaInstrumentor(BaseInstrumentor):  # type: ignore[misc]
    """Traces and measures Koa apps with OpenTelemetry.

    ``KoaInstrumentor().instrument_app(app)`` for one app (call it before the
    app starts serving: serving takes the middleware list as it is then), or
    ``KoaInstrumentor().instrument()`` for every app, as
    ``opentelemetry-instrument`` does.
    """

    def instrumentation_dependencies(self) -> Collection[str]:
        """The instrumented distribution: koa-core."""
        return ("koa-core >= 0.1, < 0.2",)

    @staticmethod
    def instrument_app(
        app: Koa,
        *,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        excluded_urls: str | Iterable[str] | None = None,
        server_request_hook: ServerRequestHook | None = None,
        client_response_hook: ClientResponseHook | None = None,
        middleware_spans: bool = False,
    ) -> None:
        """Instrument *app*: the ``telemetry`` middleware goes first, so that
        its span is current for every other middleware and sees their errors.

        The options are :func:`~koa.opentelemetry.telemetry`'s, plus
        ``middleware_spans``: an INTERNAL span per middleware and per router
        handler (``middleware - <name>``, ``router - <path>``), for finding
        the slow layer. Instrumenting an app twice logs a warning and changes
        nothing.
        """
        if not isinstance(app, Koa):
            raise TypeError(f"instrument_app() takes a Koa app, got {app!r}")
        if app in _apps:
            _log.warning("the app %r is instrumented already", app)
            return
        settings = Settings(
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
            excluded_urls=excluded_urls,
            server_request_hook=server_request_hook,
            client_response_hook=client_response_hook,
        )
        record = _Instrumented(settings, build(settings))
        if middleware_spans:
            for index, fn in enumerate(app.middleware):
                router = getattr(fn, "router", None)
                if router is not None:
                    record.undo.extend(patch_router(router, settings))
                else:
                    wrapper = traced_middleware(fn, settings)
                    app.middleware[index] = wrapper
                    record.undo.append(_restorer(app, wrapper, fn))
        app.middleware.insert(0, record.middleware)
        _apps[app] = record

    @staticmethod
    def uninstrument_app(app: Koa) -> None:
        """Undo :meth:`instrument_app`: the middleware and wrappers are taken
        out, and an app already serving stops being traced at once."""
        record = _apps.pop(app, None)
        if record is None:
            return
        record.settings.enabled = False
        for undo in reversed(record.undo):
            undo()
        for index, fn in enumerate(app.middleware):
            if fn is record.middleware:
                del app.middleware[index]
                break

    def _instrument(self, **kwargs: Any) -> None:
        # Every app is instrumented when it builds its request handler, with
        # the options given to instrument().
        if _auto.original is not None:
            return
        original = Koa.callback
        _auto.original = original
        instrument_app = type(self).instrument_app

        def callback(app: Koa) -> Callable[[BaseRequest], Any]:
            if app not in _apps:
                instrument_app(app, **kwargs)
                _auto.apps.add(app)
            return original(app)

        callback.__doc__ = original.__doc__
        setattr(Koa, "callback", callback)  # noqa: B010 - a method, patched on purpose

    def _uninstrument(self, **kwargs: Any) -> None:
        if _auto.original is not None:
            setattr(Koa, "callback", _auto.original)  # noqa: B010
            _auto.original = None
        for app in list(_auto.apps):
            self.uninstrument_app(app)
        _auto.apps = weakref.WeakSet()


class _Auto:
    """What ``instrument()`` changed: ``Koa.callback`` and the apps it
    instrumented."""

    __slots__ = ("apps", "original")

    def __init__(self) -> None:
        self.original: Callable[[Koa], Callable[[BaseRequest], Any]] | None = None
        self.apps: weakref.WeakSet[Koa] = weakref.WeakSet()


_auto = _Auto()


def _restorer(app: Koa, wrapper: Middleware, original: Middleware) -> Patch:
    def restore() -> None:
        for index, fn in enumerate(app.middleware):
            if fn is wrapper:
                app.middleware[index] = original
                return

    return restore
