"""koa-compose: run middleware as an onion, each one around the next."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .types import Middleware, Next

if TYPE_CHECKING:
    from .context import Context

__all__ = ["Composed", "compose", "compose_unwrapped", "ensure_async", "returns_awaitable"]

_F = TypeVar("_F", bound=Callable[..., Any])
_MARK = "__koa_returns_awaitable__"


class Composed(Protocol):
    """What :func:`compose` returns: a middleware whose ``next`` is optional,
    so it can be awaited on its own (``await composed(ctx)``)."""

    def __call__(self, ctx: Context, next: Next | None = None, /) -> Awaitable[Any]: ...


def returns_awaitable(fn: _F) -> _F:
    """Mark *fn*, a plain function (or a class, for its instances) that always
    returns an awaitable, so that ``app.use()`` and :func:`compose` call it as
    it is instead of wrapping it in a coroutine: one frame less per request
    for middleware that only decides what runs next (koa-router's
    ``routes()`` is one). What ``inspect.markcoroutinefunction`` does on
    Python 3.12+. An exception it raises surfaces when it is called."""
    setattr(fn, _MARK, True)
    return fn


def _positional_count(fn: Callable[..., Any]) -> int:
    """How many positional arguments *fn* takes (2 when it takes ``*args`` or
    its signature cannot be read)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 2
    count = 0
    for parameter in parameters:
        if parameter.kind is parameter.VAR_POSITIONAL:
            return 2
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            count += 1
    return count


def _without_next(fn: Callable[..., Any]) -> Middleware:
    """``async def mw(ctx)`` as middleware: Koa calls ``fn(ctx, next)`` and
    JavaScript drops the extra argument; here the wrapper drops it."""
    if inspect.iscoroutinefunction(fn):

        @returns_awaitable
        def call(ctx: Context, next: Next) -> Awaitable[Any]:
            return fn(ctx)  # type: ignore[no-any-return]

    else:

        async def call(ctx: Context, next: Next) -> Any:
            result = fn(ctx)
            if inspect.isawaitable(result):
                return await result
            return result

    call.__name__ = getattr(fn, "__name__", "middleware")
    return call


def ensure_async(fn: Callable[..., Any]) -> Middleware:
    """*fn* itself when it is an ``async def`` (or marked with
    :func:`returns_awaitable`); otherwise a wrapper that calls it and awaits
    its result when that is awaitable (Koa accepts plain functions that
    return a promise, or nothing). A middleware of one parameter,
    ``async def mw(ctx)``, is called without ``next`` (as Koa, where
    JavaScript drops the extra argument): downstream middleware do not run."""
    count = 2 if getattr(fn, _MARK, False) or not callable(fn) else _positional_count(fn)
    if count < 2:
        if count == 0:
            raise TypeError(
                f"middleware must take (ctx, next), or at least ctx: got {fn!r}; "
                "write `async def mw(ctx: Context, next: Next) -> None`"
            )
        return _without_next(fn)
    if (
        getattr(fn, _MARK, False)
        or inspect.iscoroutinefunction(fn)
        or inspect.iscoroutinefunction(
            getattr(fn, "__call__", None)  # noqa: B004 - async callable objects
        )
    ):
        return fn
    if not callable(fn):
        raise TypeError(f"middleware must be a function! got {fn!r}")

    async def call(ctx: Context, next: Next) -> Any:
        result = fn(ctx, next)
        if inspect.isawaitable(result):
            return await result
        return result

    call.__name__ = getattr(fn, "__name__", "middleware")
    return call


async def _nothing() -> None:
    return None


def _flatten(middleware: Iterable[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in middleware:
        if isinstance(item, (list, tuple)):
            flat.extend(_flatten(item))
        else:
            flat.append(item)
    return flat


def compose(middleware: Iterable[Middleware]) -> Composed:
    """Compose *middleware* into one middleware.

    The result is called as ``await composed(ctx)`` or, being a middleware
    itself, ``await composed(ctx, next)``: after the last middleware it calls
    that outer ``next``. Nested lists are flattened; anything not callable is a
    :class:`TypeError` now, not at request time. Calling ``next()`` twice in one
    middleware raises ``RuntimeError("next() called multiple times")``; errors
    propagate to the caller. The input list is copied, never mutated.
    """
    start = compose_unwrapped(middleware)

    async def composed(ctx: Context, next: Next | None = None) -> Any:
        return await start(ctx, next)

    return composed


def compose_unwrapped(
    middleware: Iterable[Middleware],
) -> Callable[[Context, Next | None], Awaitable[Any]]:
    """:func:`compose` without the coroutine it wraps the stack in, for
    callers that await the result at once (the app's handler): a plain
    function that starts the stack and returns the first middleware's
    awaitable, one coroutine frame less per request. Same checks and errors
    as :func:`compose`."""
    if not isinstance(middleware, (list, tuple)):
        raise TypeError("Middleware stack must be a list!")
    stack = _flatten(middleware)
    for fn in stack:
        if not callable(fn):
            raise TypeError(f"Middleware must be composed of functions! got {fn!r}")
    chain = tuple(ensure_async(fn) for fn in stack)
    if len(chain) == 1:
        only = chain[0]

        def start_one(ctx: Context, next: Next | None = None) -> Awaitable[Any]:
            # One middleware (an app of one router, say): no run to keep.
            return only(ctx, partial(_once, [False], next))

        return start_one

    def start(ctx: Context, next: Next | None = None) -> Awaitable[Any]:
        return _dispatch(_Run(chain, ctx, next), 0)

    return start


def _once(called: list[bool], next: Next | None) -> Awaitable[Any]:
    # ``next`` of a stack of one middleware.
    if called[0]:
        raise RuntimeError("next() called multiple times")
    called[0] = True
    if next is not None:
        return next()
    return _nothing()


class _Run:
    """One run of a composed stack. ``next`` functions are ``partial(_dispatch,
    run, i)`` of a module-level function, not closures over one another: a
    closure calling itself is a reference cycle, and every request's context
    would then wait for the cyclic garbage collector to be freed."""

    __slots__ = ("chain", "ctx", "index", "next")

    def __init__(self, chain: tuple[Middleware, ...], ctx: Context, next: Next | None) -> None:
        self.chain = chain
        self.ctx = ctx
        self.next = next
        self.index = -1


def _dispatch(run: _Run, i: int) -> Awaitable[Any]:
    # A plain function returning the next middleware's coroutine, so each
    # middleware costs one coroutine frame, not two.
    if i <= run.index:
        raise RuntimeError("next() called multiple times")
    run.index = i
    chain = run.chain
    if i < len(chain):
        return chain[i](run.ctx, partial(_dispatch, run, i + 1))
    if run.next is not None:
        return run.next()
    return _nothing()
