"""What koa-views adds to ``ctx``, for type checkers.

At run time ``ctx`` is the app's :class:`koa.core.Context`; ``views()`` sets
``ctx.render`` on it. :class:`ViewsContext` only declares it, so that a
handler annotated with it type-checks::

    async def home(ctx: ViewsContext, next: Next) -> None:
        await ctx.render("home", {"title": "Home"})

Apps that use more packages combine their contexts:
``class AppContext(ViewsContext, RouterContext): __slots__ = ()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from koa.core import Context

__all__ = ["Render", "ViewsContext"]


class Render(Protocol):
    """``await ctx.render(name, locals=None)``: the rendered HTML."""

    async def __call__(self, name: str, locals: Mapping[str, Any] | None = None) -> str:
        """Render template *name* with ``ctx.state`` merged under *locals*."""
        ...


class ViewsContext(Context):
    """``ctx`` after ``views()``: typing only, never instantiated."""

    __slots__ = ()

    #: Render a template: with ``auto_render`` (the default) it also becomes
    #: the response (``ctx.body``, ``ctx.type = "html"``).
    render: Render
