"""Type aliases shared by koa-core and middleware packages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

__all__ = ["Middleware", "Next"]

#: ``next`` as a middleware receives it: call and await it to run downstream.
Next: TypeAlias = Callable[[], Awaitable[Any]]

#: ``async def mw(ctx: Context, next: Next) -> None``. ``ctx`` may be annotated
#: with a typing-only subclass of Context (``RouterContext``,
#: ``BodyParserContext``...): the alias takes any, as ``app.use()`` does.
Middleware: TypeAlias = Callable[[Any, Next], Awaitable[Any]]
