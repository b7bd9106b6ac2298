"""Running the matched layers: one chain, each step calling the next."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from koa.core import Context, Next

if TYPE_CHECKING:
    from ._layer import AnyHandler, Layer

__all__ = ["run_chain"]


def run_chain(
    ctx: Context, path: str, layers: Sequence[Layer], captures: dict[int, Any], next: Next
) -> Awaitable[Any]:
    """Run every layer of *layers* in order: before a layer's own middleware,
    set the route fields on *ctx*; after the last one, call *next*.

    A step that does not call ``next()`` ends the chain; calling it twice is a
    ``RuntimeError``, as in koa-compose.
    """
    steps: list[tuple[Layer, AnyHandler | None]] = []
    for layer in layers:
        steps.append((layer, None))
        steps.extend((layer, fn) for fn in layer.stack)
    return _step(_Chain(ctx, path, steps, captures, next), 0)


class _Chain:
    """One run of a chain. Steps call ``partial(_step, chain, i)`` of a
    module-level function rather than closures over one another, which would
    be a reference cycle holding the context until the cyclic GC runs."""

    __slots__ = ("captures", "ctx", "index", "next", "path", "steps")

    def __init__(
        self,
        ctx: Context,
        path: str,
        steps: list[tuple[Layer, AnyHandler | None]],
        captures: dict[int, Any],
        next: Next,
    ) -> None:
        self.ctx = ctx
        self.path = path
        self.steps = steps
        self.captures = captures
        self.next = next
        self.index = -1


def _step(chain: _Chain, i: int) -> Awaitable[Any]:
    # A plain function returning the next coroutine: one frame per handler.
    if i <= chain.index:
        raise RuntimeError("next() called multiple times")
    steps = chain.steps
    ctx = chain.ctx
    while True:
        chain.index = i
        if i == len(steps):
            return chain.next()
        layer, fn = steps[i]
        if fn is not None:
            return fn(ctx, partial(_step, chain, i + 1))
        # Entering a layer: its captures, merged params and route fields.
        state = ctx.__dict__
        found = chain.captures.get(id(layer))
        if found is None:
            found = layer.captures(chain.path)
        params = layer.params(found, state.get("params"))
        state["captures"] = found
        state["params"] = ctx.request.__dict__["params"] = params
        state["router_path"] = state["matched_route"] = layer.path
        name = state["router_name"] = layer.name
        if name is not None:
            state["matched_route_name"] = name
        i += 1
