"""X-Response-Time for Koa for Python: how long downstream middleware took."""

from __future__ import annotations

import time

from koa.core import Context, Middleware, Next

__all__ = ["response_time"]


def response_time(
    *, digits: int = 3, header: str = "X-Response-Time", suffix: bool = True
) -> Middleware:
    """Middleware setting *header* to the time downstream took, in milliseconds
    with *digits* decimals (and an ``ms`` suffix unless ``suffix=False``). The
    header is set even when downstream raises, so error responses keep it when
    the error carries it (they drop headers otherwise, as Koa does)."""
    if digits < 0:
        raise ValueError("digits must be >= 0")

    async def response_time_middleware(ctx: Context, next: Next) -> None:
        started = time.perf_counter()
        try:
            await next()
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            ctx.set(header, f"{elapsed:.{digits}f}{'ms' if suffix else ''}")

    return response_time_middleware
