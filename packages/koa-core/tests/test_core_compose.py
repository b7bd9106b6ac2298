"""``compose()``: the onion that runs middleware, as koa-compose 4.2.

Ported from koa-compose's ``test/test.js`` (C01-C17 of the behaviour spec).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

import pytest

from koa.core import Context, Koa, Next, compose, returns_awaitable
from koa.core.compose import ensure_async
from koa.core.testing import ClientFor


class Ctx:
    """A stand-in context: compose never looks inside it."""

    def __init__(self) -> None:
        self.calls: list[int] = []


def recorder(before: int, after: int) -> Any:
    async def mw(ctx: Ctx, next: Next) -> None:
        ctx.calls.append(before)
        await asyncio.sleep(0)
        await next()
        await asyncio.sleep(0)
        ctx.calls.append(after)

    return mw


async def test_middleware_run_in_onion_order() -> None:
    """C01"""
    ctx = Ctx()
    await compose([recorder(1, 6), recorder(2, 5), recorder(3, 4)])(ctx)  # type: ignore[arg-type]
    assert ctx.calls == [1, 2, 3, 4, 5, 6]


async def test_composed_function_is_reusable() -> None:
    """C02"""
    fn = compose([recorder(1, 6), recorder(2, 5), recorder(3, 4)])
    ctx1, ctx2 = Ctx(), Ctx()
    await fn(ctx1)  # type: ignore[arg-type]
    await fn(ctx2)  # type: ignore[arg-type]
    assert ctx1.calls == ctx2.calls == [1, 2, 3, 4, 5, 6]


async def test_next_always_returns_an_awaitable() -> None:
    """C03"""
    awaitables: list[bool] = []

    def sync(ctx: Any, next: Next) -> Any:
        result = next()
        awaitables.append(inspect.isawaitable(result))
        return result

    await compose([sync, sync, sync])(Ctx())  # type: ignore[arg-type]
    assert awaitables == [True, True, True]


@pytest.mark.parametrize("stack", [[], [[]], [[], []]])
async def test_empty_stacks_resolve(stack: list[Any]) -> None:
    """C04"""
    assert await compose(stack)(Ctx()) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [1, True, "string", {}, None, object()])
def test_non_functions_in_the_stack_are_rejected(bad: object) -> None:
    """C05"""
    with pytest.raises(TypeError, match="Middleware must be composed of functions!"):
        compose([bad])  # type: ignore[list-item]


@pytest.mark.parametrize("bad", [1, True, "string", {}, None, object()])
def test_a_stack_that_is_not_a_list_is_rejected(bad: object) -> None:
    """C05"""
    with pytest.raises(TypeError, match="Middleware stack must be a list!"):
        compose(bad)  # type: ignore[arg-type]


async def test_last_middleware_may_await_next() -> None:
    """C06"""
    after: list[bool] = []

    async def mw(ctx: Any, next: Next) -> None:
        await next()
        after.append(True)

    await compose([mw])(Ctx())  # type: ignore[arg-type]
    assert after == [True]


async def test_synchronous_throw_rejects() -> None:
    """C07, C11"""

    def boom(ctx: Any, next: Next) -> None:
        raise ValueError("sync boom")

    with pytest.raises(ValueError, match="sync boom"):
        await compose([boom])(Ctx())  # type: ignore[list-item, arg-type]


async def test_every_middleware_gets_the_same_context() -> None:
    """C08"""
    ctx = Ctx()
    seen: list[object] = []

    async def mw(c: Any, next: Next) -> None:
        seen.append(c)
        await next()

    await compose([mw, mw, mw])(ctx)  # type: ignore[arg-type]
    assert all(c is ctx for c in seen) and len(seen) == 3


async def test_downstream_error_is_caught_upstream() -> None:
    """C09"""
    calls: list[int] = []

    async def catcher(ctx: Any, next: Next) -> None:
        calls.append(1)
        try:
            calls.append(6)
            await next()
            calls.append(7)
        except RuntimeError:
            calls.append(2)
        calls.append(3)

    async def thrower(ctx: Any, next: Next) -> None:
        calls.append(4)
        raise RuntimeError("down")

    await compose([catcher, thrower])(Ctx())  # type: ignore[arg-type]
    assert calls == [1, 6, 4, 2, 3]


async def test_empty_stack_calls_the_outer_next() -> None:
    """C10"""
    called: list[bool] = []

    async def outer() -> None:
        called.append(True)

    await compose([])(Ctx(), outer)  # type: ignore[arg-type]
    assert called == [True]


async def test_compositions_nest() -> None:
    """C12"""
    calls: list[int] = []

    def step(n: int) -> Any:
        async def mw(ctx: Any, next: Next) -> None:
            calls.append(n)
            await next()

        return mw

    inner = compose([step(2)])
    await compose([step(1), inner, step(3)])(Ctx())  # type: ignore[arg-type]
    assert calls == [1, 2, 3]


async def test_nested_compositions_count() -> None:
    """C12"""
    count = 0

    async def inc(ctx: Any, next: Next) -> None:
        nonlocal count
        count += 1
        await next()

    await compose([inc, compose([inc, compose([inc])])])(Ctx())  # type: ignore[arg-type]
    assert count == 3


async def test_return_values_propagate() -> None:
    """C13"""

    async def mw1(ctx: Any, next: Next) -> int:
        assert await next() == 2
        return 1

    async def mw2(ctx: Any, next: Next) -> int:
        assert await next() == 0
        return 2

    async def outer() -> int:
        return 0

    assert await compose([mw1, mw2])(Ctx(), outer) == 1  # type: ignore[arg-type]


def test_the_input_list_is_not_mutated() -> None:
    """C14"""

    async def mw(ctx: Any, next: Next) -> None:
        await next()

    stack = [mw, [mw, mw]]
    compose(stack)  # type: ignore[arg-type]
    assert stack == [mw, [mw, mw]]


async def test_the_outer_next_runs_once() -> None:
    """C15"""
    calls = {"inner": 0, "outer": 0}

    async def inner(ctx: Any, next: Next) -> None:
        calls["inner"] += 1
        await next()

    async def outer(*args: Any) -> None:
        calls["outer"] += 1

    await compose([inner])(Ctx(), outer)  # type: ignore[arg-type]
    assert calls == {"inner": 1, "outer": 1}


async def test_calling_next_twice_is_an_error() -> None:
    """C16"""

    async def twice(ctx: Any, next: Next) -> None:
        await next()
        await next()

    with pytest.raises(RuntimeError, match="multiple times"):
        await compose([twice])(Ctx())  # type: ignore[arg-type]


async def test_calling_next_twice_in_an_app_is_a_500(client: ClientFor) -> None:
    """C16 (probe: 500 and an 'error' event)"""
    errors: list[BaseException] = []

    async def twice(ctx: Context, next: Next) -> None:
        await next()
        await next()

    async def downstream(ctx: Context, next: Next) -> None:
        ctx.body = "once"

    app = Koa(silent=True)
    app.on("error", lambda err, ctx: errors.append(err))
    app.use(twice).use(downstream)
    reply = await (await client(app)).get("/")
    assert reply.status == 500
    assert [str(e) for e in errors] == ["next() called multiple times"]


async def test_a_long_stack_runs() -> None:
    """Robustness (compose §2.3): a few hundred middleware deep is fine; the
    limit is Python's recursion limit (about 450 awaiting middleware)."""
    count = 0

    async def inc(ctx: Any, next: Next) -> None:
        nonlocal count
        count += 1
        await next()

    await compose([inc] * 300)(Ctx())  # type: ignore[arg-type]
    assert count == 300


async def test_a_function_marked_returns_awaitable_is_used_as_it_is() -> None:
    """returns_awaitable(): compose and app.use() keep the function itself
    (no wrapping coroutine) and await what it returns."""
    calls: list[str] = []

    async def downstream(ctx: Any, next: Next) -> None:
        calls.append("downstream")

    @returns_awaitable
    def pick(ctx: Any, next: Next) -> Awaitable[Any]:
        calls.append("pick")
        return next()

    assert ensure_async(pick) is pick
    app = Koa()
    app.use(pick)
    assert app.middleware == [pick]
    await compose([pick, downstream])(Ctx())  # type: ignore[arg-type]
    assert calls == ["pick", "downstream"]


async def test_a_class_marked_returns_awaitable_marks_its_instances() -> None:
    @returns_awaitable
    class Picker:
        def __call__(self, ctx: Any, next: Next) -> Awaitable[Any]:
            return next()

    picker = Picker()
    assert ensure_async(picker) is picker
    reached: list[bool] = []

    async def outer() -> None:
        reached.append(True)

    await compose([picker])(Ctx(), outer)  # type: ignore[arg-type]
    assert reached == [True]
