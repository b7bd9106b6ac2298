"""Which event loop a server runs on: ``"auto"`` (uvloop when it is installed,
as uvicorn does), ``"asyncio"`` or ``"uvloop"``. uvloop speeds up the parts
every request shares with raw aiohttp (transport, loop), by 15-25% per request
on the benchmarks (docs/performance.md)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

__all__ = ["LOOPS", "Loop", "loop_factory", "run"]

Loop = Literal["auto", "asyncio", "uvloop"]
LOOPS: tuple[Loop, ...] = ("auto", "asyncio", "uvloop")

_T = TypeVar("_T")


def loop_factory(loop: str) -> Callable[[], asyncio.AbstractEventLoop]:
    """The function that makes a new event loop of kind *loop*; ``"uvloop"``
    without uvloop installed is an error that says how to get it."""
    if loop not in LOOPS:
        raise ValueError(f"loop must be one of {', '.join(LOOPS)}, got {loop!r}")
    if loop == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        if loop == "uvloop":
            raise RuntimeError(
                "loop='uvloop' needs the uvloop package: pip install 'koa-core[speedups]'"
            ) from None
        return asyncio.new_event_loop
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run(main: Coroutine[Any, Any, _T], loop: str) -> _T:
    """``asyncio.run(main)`` on a new loop of kind *loop*."""
    with asyncio.Runner(loop_factory=loop_factory(loop)) as runner:
        return runner.run(main)
