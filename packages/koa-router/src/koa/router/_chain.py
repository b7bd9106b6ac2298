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
    count = len(steps)
    state = ctx.__dict__
    request_state = ctx.request.__dict__
    index = -1

    # A plain function returning the next coroutine: one frame per handler.
    def dispatch(i: int) -> Awaitable[Any]:
        nonlocal index
        if i <= index:
            raise RuntimeError("next() called multiple times")
        while True:
            index = i
            if i == count:
                return next()
            layer, fn = steps[i]
            if fn is not None:
                return fn(ctx, partial(dispatch, i + 1))
            # Entering a layer: its captures, merged params and route fields.
            found = captures.get(id(layer))
            if found is None:
                found = layer.captures(path)
            params = layer.params(found, state.get("params"))
            state["captures"] = found
            state["params"] = request_state["params"] = params
            state["router_path"] = state["matched_route"] = layer.path
            name = state["router_name"] = layer.name
            if name is not None:
                state["matched_route_name"] = name
            i += 1

    return dispatch(0)
