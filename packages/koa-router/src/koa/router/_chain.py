"""Running the matched layers: one chain, each step calling the next."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from koa.core import Context, Next

if TYPE_CHECKING:
    from ._layer import AnyHandler, Layer

__all__ = ["Selected", "run_chain"]

#: A layer chosen for a request, with its regex captures for the request path.
Selected = tuple["Layer", list[str | None]]


def run_chain(ctx: Context, selected: Sequence[Selected], next: Next) -> Awaitable[Any]:
    """Run every layer of *selected* in order: before a layer's own
    middleware, set the route fields on *ctx*; after the last one, call *next*.

    A step that does not call ``next()`` ends the chain; calling it twice is a
    ``RuntimeError``, as in koa-compose.
    """
    if len(selected) == 1:
        layer, found = selected[0]
        stack = layer.stack
        if len(stack) == 1:
            # The usual route, one layer with one handler: no chain to walk.
            _enter(ctx, layer, found)
            return stack[0](ctx, partial(_last, [False], next))
    steps: list[Selected | AnyHandler] = []
    for entry in selected:
        steps.append(entry)
        steps.extend(entry[0].stack)
    return _step(_Chain(ctx, steps, next), 0)


def _enter(ctx: Context, layer: Layer, found: list[str | None]) -> None:
    """Entering a layer: its captures, merged params and route fields."""
    state = ctx.__dict__
    params = layer.params(found, state.get("params"))
    state["captures"] = found
    state["params"] = ctx.request.__dict__["params"] = params
    state["router_path"] = state["matched_route"] = layer.path
    name = state["router_name"] = layer.name
    if name is not None:
        state["matched_route_name"] = name


def _last(called: list[bool], next: Next) -> Awaitable[Any]:
    # ``next`` of a chain's only handler.
    if called[0]:
        raise RuntimeError("next() called multiple times")
    called[0] = True
    return next()


class _Chain:
    """One run of a chain. Steps call ``partial(_step, chain, i)`` of a
    module-level function rather than closures over one another, which would
    be a reference cycle holding the context until the cyclic GC runs."""

    __slots__ = ("ctx", "index", "next", "steps")

    def __init__(self, ctx: Context, steps: list[Selected | AnyHandler], next: Next) -> None:
        self.ctx = ctx
        self.steps = steps
        self.next = next
        self.index = -1


def _step(chain: _Chain, i: int) -> Awaitable[Any]:
    # A plain function returning the next coroutine: one frame per handler.
    # A step is a layer being entered (a (layer, captures) tuple) or one of
    # its handlers.
    if i <= chain.index:
        raise RuntimeError("next() called multiple times")
    steps = chain.steps
    ctx = chain.ctx
    while True:
        chain.index = i
        if i == len(steps):
            return chain.next()
        step = steps[i]
        if step.__class__ is not tuple:
            return step(ctx, partial(_step, chain, i + 1))  # type: ignore[operator]
        _enter(ctx, *step)
        i += 1
