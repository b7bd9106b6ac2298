"""What the router adds to ``ctx``, for type checkers.

At run time ``ctx`` is the app's own :class:`koa.core.Context`; the router sets
these attributes on it (koa-core knows nothing about routing).
:class:`RouterContext` only declares them, so that a handler annotated with it
type-checks::

    async def show(ctx: RouterContext, next: Next) -> None:
        ctx.body = {"id": ctx.params["id"]}

Apps with more context attributes subclass it (and other packages' typed
contexts) and give the router that type: ``Router[AppContext]()``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeAlias

from koa.core import Context, Next, Request

if sys.version_info >= (3, 13):
    from typing import TypeVar
else:
    from typing_extensions import TypeVar

if TYPE_CHECKING:
    from ._layer import Layer
    from ._router import Router

__all__ = ["C", "ParamHandler", "RouterContext", "RouterHandler", "RouterRequest"]


class RouterRequest(Request):
    """``ctx.request`` as the router leaves it: ``params`` is ``ctx.params``."""

    __slots__ = ()

    #: The same dict as ``ctx.params``.
    params: dict[str, str]


class RouterContext(Context):
    """``ctx`` inside a router: typing only, never instantiated.

    Set by ``router.routes()`` for every request that reaches it (before any
    route runs, ``params`` is ``{}`` and the route fields are ``None``):
    """

    __slots__ = ()

    request: RouterRequest
    #: Decoded route parameters, merged across the matching layers (and
    #: routers) so far; the same dict as ``ctx.request.params``.
    params: dict[str, str]
    #: The current layer's raw regex captures (``None`` for a group that did not
    #: take part). For routes given as a regex, this is where the groups are.
    captures: list[str | None]
    #: The router that dispatched the request last.
    router: Router[Any]
    #: Every layer whose path matched, across all routers, in order.
    matched: list[Layer]
    #: Whether a route (not only ``use()`` middleware) matched path and method.
    route_matched: bool
    #: The path pattern of the layer running now.
    router_path: str | re.Pattern[str] | None
    #: The name of the layer running now (``None`` when unnamed).
    router_name: Hashable | None
    #: The pattern of the route that matched last (``_matchedRoute`` in Koa).
    matched_route: str | re.Pattern[str] | None
    #: The name of the last named route that matched (``_matchedRouteName``).
    matched_route_name: Hashable | None


#: The context type a router's handlers receive (``Router[AppContext]``).
C = TypeVar("C", bound=RouterContext, default=RouterContext)

#: A route handler or router middleware: ``async def h(ctx, next)``, or
#: ``async def h(ctx)`` for a handler that ends the chain.
RouterHandler: TypeAlias = Callable[[C, Next], Awaitable[Any]] | Callable[[C], Awaitable[Any]]

#: A ``router.param()`` handler: ``async def load_user(value, ctx, next)``.
ParamHandler: TypeAlias = Callable[[str, C, Next], Awaitable[Any]]
