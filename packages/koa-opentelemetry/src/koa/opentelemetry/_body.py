"""A streamed body that ends the request's span when it has been sent.

Koa writes a stream body after the middleware chain has returned, so the
request is not over when ``next()`` is: the body is wrapped, and the span
ends when the stream is exhausted, fails, or is closed early (the client went
away, or nothing was to be sent). While a chunk is produced, the request's
trace context is current again, so spans made by the body's generator (a
database cursor, an HTTP call) nest under the request's span.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.context import Context as TraceContext

from koa.core import close_stream, iterate_stream

__all__ = ["TracedBody"]


class TracedBody:
    """Iterates *inner* with *trace* current; calls ``done(error)`` once, when
    the stream is exhausted (``None``), fails (the exception) or is closed."""

    __slots__ = ("_done", "_inner", "_iterator", "_trace")

    def __init__(
        self,
        inner: Any,
        trace: TraceContext,
        done: Callable[[BaseException | None], None],
    ) -> None:
        self._inner = inner
        self._trace = trace
        self._done: Callable[[BaseException | None], None] | None = done
        self._iterator: AsyncGenerator[bytes, None] | None = None

    def __aiter__(self) -> TracedBody:
        return self

    async def __anext__(self) -> bytes:
        if self._iterator is None:
            self._iterator = iterate_stream(self._inner)
        token = otel_context.attach(self._trace)
        try:
            return await self._iterator.__anext__()
        except StopAsyncIteration:
            self._finish(None)
            raise
        except BaseException as err:
            self._finish(err)
            raise
        finally:
            otel_context.detach(token)

    async def aclose(self) -> None:
        token = otel_context.attach(self._trace)
        try:
            if self._iterator is not None:
                await self._iterator.aclose()
            await close_stream(self._inner)
        finally:
            self._finish(None)
            otel_context.detach(token)

    def _finish(self, error: BaseException | None) -> None:
        done, self._done = self._done, None
        if done is not None:
            done(error)
