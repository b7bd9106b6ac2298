"""``unless()``: skip a middleware for some requests, as koa-unless does.

koa-jwt users write ``jwt(...).unless(path=[re.compile("^/public")])``. Any
one matching condition skips the middleware (its downstream still runs):

- ``path``: a string equal to the request's path, or a compiled regex that
  matches somewhere in it (``re.search``, as JavaScript's ``exec``);
- ``ext``: the path ends with one of these strings (``".css"``);
- ``method``: the request method is one of these;
- ``custom``: ``custom(ctx)`` (sync or async) returns true.

The path is the raw (still percent-encoded) path of ``ctx.original_url``, or
of ``ctx.url`` with ``use_original_url=False`` (inside a koa-mount).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias

from koa.core import Context, Middleware, Next

__all__ = ["PathRule", "unless"]

#: One ``path`` rule: an exact path, or a compiled regular expression.
PathRule: TypeAlias = "str | re.Pattern[str]"


def _as_list(option: str, value: Any, kinds: tuple[type, ...]) -> list[Any]:
    if value is None:
        return []
    items = [value] if isinstance(value, kinds) else value
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        names = " or ".join(kind.__name__ for kind in kinds)
        raise TypeError(f"unless({option}=...) must be a {names} or a list of them, got {value!r}")
    items = list(items)
    for item in items:
        if not isinstance(item, kinds):
            names = " or ".join(kind.__name__ for kind in kinds)
            raise TypeError(f"unless({option}=...): {item!r} is not a {names}")
    return items


def _raw_path(url: str) -> str:
    end = len(url)
    for mark in ("?", "#"):
        index = url.find(mark)
        if index != -1:
            end = min(end, index)
    return url[:end]


def unless(
    middleware: Middleware,
    *,
    path: PathRule | Sequence[PathRule] | None = None,
    ext: str | Sequence[str] | None = None,
    method: str | Sequence[str] | None = None,
    custom: Callable[[Context], bool | Awaitable[bool]] | None = None,
    use_original_url: bool = True,
) -> Middleware:
    """Wrap *middleware* so that it is skipped when any condition matches
    (``custom`` may be a coroutine function)."""
    paths = _as_list("path", path, (str, re.Pattern))
    exts = _as_list("ext", ext, (str,))
    if "" in exts:
        raise ValueError("unless(ext='') would match every path: give extensions like '.css'")
    methods = frozenset(m.upper() for m in _as_list("method", method, (str,)))
    if not isinstance(use_original_url, bool):
        raise TypeError(f"unless(use_original_url=...) must be True or False: {use_original_url!r}")
    if custom is not None and not callable(custom):
        raise TypeError(f"unless(custom=...) must be a function of ctx, got {custom!r}")
    for rule in paths:
        if isinstance(rule, re.Pattern) and not isinstance(rule.pattern, str):
            raise TypeError(f"unless(path=...): {rule!r} is a bytes pattern; paths are str")
    exact = frozenset(p for p in paths if isinstance(p, str))
    patterns = [p for p in paths if isinstance(p, re.Pattern)]
    suffixes = tuple(exts)

    def skipped(ctx: Context) -> bool:
        if exact or patterns or suffixes:
            pathname = _raw_path(ctx.original_url if use_original_url else ctx.url)
            if pathname in exact or any(p.search(pathname) for p in patterns):
                return True
            if suffixes and pathname.endswith(suffixes):
                return True
        return ctx.method in methods

    async def unless_middleware(ctx: Context, next: Next) -> Any:
        if custom is not None:
            verdict = custom(ctx)
            if inspect.isawaitable(verdict):  # an async custom(): its result, not the coroutine
                verdict = await verdict
            if verdict:
                return await next()
        if skipped(ctx):
            return await next()
        return await middleware(ctx, next)

    return unless_middleware
