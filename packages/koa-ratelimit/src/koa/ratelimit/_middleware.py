"""``ratelimit()``: koa-ratelimit 6's middleware."""

from __future__ import annotations

import inspect
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from koa.core import Context, HttpError, Next

from ._humanize import long_duration
from ._limiters import MemoryLimiter, RedisLimiter, StoreUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["DEFAULT_HEADERS", "RateLimit", "ratelimit"]

logger = logging.getLogger("koa.ratelimit")

#: A predicate on the request, sync or async (``whitelist``, ``blacklist``).
Predicate: TypeAlias = Callable[[Context], bool | Awaitable[bool]]
#: The id a request is counted under; ``None`` or ``False`` skip limiting.
IdFunction: TypeAlias = Callable[[Context], "str | Literal[False] | Awaitable[Any] | None"]

#: The header names, as in koa-ratelimit's README (``headers=`` overrides them).
DEFAULT_HEADERS: Mapping[str, str] = {
    "remaining": "Rate-Limit-Remaining",
    "reset": "Rate-Limit-Reset",
    "total": "Rate-Limit-Total",
}


async def _call(fn: Callable[[Context], Any], ctx: Context) -> Any:
    result = fn(ctx)
    if inspect.isawaitable(result):
        result = await result
    return result


def _ip(ctx: Context) -> str:
    return ctx.ip


def ratelimit(
    *,
    driver: Literal["memory", "redis"] = "memory",
    db: Redis | str | MutableMapping[str, Any] | None = None,
    duration: float = 3600,
    max: int = 2500,
    id: IdFunction | None = None,
    headers: Mapping[str, str] | None = None,
    disable_header: bool = False,
    whitelist: Predicate | None = None,
    blacklist: Predicate | None = None,
    error_message: str | None = None,
    throw: bool = False,
    status: int = 429,
    namespace: str = "limit",
    timeout: float = 1.0,
    on_store_error: Literal["open", "closed"] = "open",
) -> RateLimit:
    """Limit each client to *max* requests per *duration* seconds (koa-ratelimit 6).

    ``driver="memory"`` counts in this process (*db*: a dict to share or clear);
    ``driver="redis"`` counts in Redis (*db*: a ``redis.asyncio.Redis`` client or
    a URL; ``pip install koa-ratelimit[redis]``), atomically, so every worker
    and machine using it shares one limit. *id(ctx)* names the client
    (default ``ctx.ip``; ``None``/``False`` skips limiting). Responses carry
    the remaining/reset/total headers (names from *headers*, or none with
    *disable_header*); a limited request gets *status* (429), ``Retry-After``
    and *error_message* (or *throw*: raised as an HttpError instead). A
    *blacklist(ctx)* hit is a 403; a *whitelist(ctx)* hit is not counted.

    Every Redis call is bounded by *timeout* seconds. When the store cannot
    answer, *on_store_error* decides: ``"open"`` lets the request through
    (unlimited), ``"closed"`` answers 503; either way the ``koa.ratelimit``
    logger writes one line.
    """
    if driver not in ("memory", "redis"):
        raise ValueError(f'invalid driver. Expecting "memory" or "redis", got {driver!r}')
    if not isinstance(max, int) or isinstance(max, bool) or max < 1:
        raise ValueError("ratelimit(max=...) must be a positive integer")
    if not duration > 0:
        raise ValueError("ratelimit(duration=...) must be a positive number of seconds")
    if on_store_error not in ("open", "closed"):
        raise ValueError('ratelimit(on_store_error=...) is "open" or "closed"')
    if timeout <= 0:
        raise ValueError("ratelimit(timeout=...) must be a positive number of seconds")
    limiter: MemoryLimiter | RedisLimiter
    if driver == "memory":
        if db is not None and not isinstance(db, MutableMapping):
            raise TypeError("for the memory driver, db must be a dict (MutableMapping)")
        limiter = MemoryLimiter(db, duration, max, namespace)
    else:
        limiter = RedisLimiter(_redis_client(db, timeout), duration, max, namespace, timeout)
    return RateLimit(
        limiter,
        {**DEFAULT_HEADERS, **(headers or {})},
        id or _ip,
        whitelist=whitelist,
        blacklist=blacklist,
        disable_header=disable_header,
        error_message=error_message,
        throw=throw,
        status=status,
        fail_open=on_store_error == "open",
        owns_client=driver == "redis" and isinstance(db, str),
    )


class RateLimit:
    """The middleware :func:`ratelimit` returns: ``app.use(limiter)``; call
    ``await limiter.close()`` at shutdown to close a Redis client it made from
    a URL (``app.on_shutdown.append(lambda app: limiter.close())``)."""

    __slots__ = (
        "_blacklist",
        "_disable_header",
        "_error_message",
        "_fail_open",
        "_get_id",
        "_names",
        "_owns_client",
        "_status",
        "_throw",
        "_whitelist",
        "limiter",
    )

    def __init__(
        self,
        limiter: MemoryLimiter | RedisLimiter,
        names: Mapping[str, str],
        get_id: IdFunction,
        *,
        whitelist: Predicate | None,
        blacklist: Predicate | None,
        disable_header: bool,
        error_message: str | None,
        throw: bool,
        status: int,
        fail_open: bool,
        owns_client: bool,
    ) -> None:
        self.limiter = limiter
        self._names = (names["remaining"], names["reset"], names["total"])
        self._get_id = get_id
        self._whitelist = whitelist
        self._blacklist = blacklist
        self._disable_header = disable_header
        self._error_message = error_message
        self._throw = throw
        self._status = status
        self._fail_open = fail_open
        self._owns_client = owns_client

    async def close(self) -> None:
        """Close the Redis client made from a URL (a client you gave is yours)."""
        if self._owns_client and isinstance(self.limiter, RedisLimiter):
            await self.limiter.client.aclose()

    async def __call__(self, ctx: Context, next: Next) -> None:
        client_id = await _call(self._get_id, ctx)
        whitelisted = self._whitelist is not None and await _call(self._whitelist, ctx)
        blacklisted = self._blacklist is not None and await _call(self._blacklist, ctx)
        if blacklisted:
            ctx.throw(403, "Forbidden")
        if client_id is None or client_id is False or whitelisted:
            await next()
            return
        try:
            limit = await self.limiter.get(str(client_id))
        except StoreUnavailable as err:
            if self._fail_open:
                logger.warning(
                    "rate-limit store unavailable, %s %s let through (fail open): %s",
                    ctx.method,
                    ctx.path,
                    err,
                )
                await next()
                return
            logger.error(
                "rate-limit store unavailable, %s %s answered 503 (fail closed): %s",
                ctx.method,
                ctx.path,
                err,
            )
            raise HttpError(503, "Rate limit store unavailable", expose=True) from err

        sent: dict[str, str] = {}
        if not self._disable_header:
            remaining_name, reset_name, total_name = self._names
            calls = limit.remaining - 1 if limit.remaining > 0 else 0
            sent = {
                remaining_name: str(calls),
                reset_name: str(math.ceil(limit.reset)),
                total_name: str(limit.total),
            }
            for name, value in sent.items():
                ctx.set(name, value)
        if limit.remaining:
            await next()
            return

        now = time.time()
        after = str(max(0, math.ceil(limit.reset - now)))
        message = self._error_message or (
            f"Rate limit exceeded, retry in {long_duration((limit.reset - now) * 1000)}."
        )
        ctx.body = message
        ctx.set("Retry-After", after)
        ctx.state["rate_limit"] = {
            "after": int(after),
            "headers": sent,
            "id": client_id,
            "message": message,
        }
        ctx.status = self._status
        if self._throw:
            ctx.throw(self._status, message, headers={**sent, "Retry-After": after})


def _redis_client(db: object, timeout: float) -> Redis:
    try:
        from redis.asyncio import Redis
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError(
            "ratelimit(driver='redis') needs redis-py: pip install 'koa-ratelimit[redis]'"
        ) from err
    if isinstance(db, str):
        return Redis.from_url(db, socket_timeout=timeout, socket_connect_timeout=timeout)
    if isinstance(db, Redis):
        return db
    raise TypeError("for the redis driver, db must be a redis.asyncio.Redis client or a URL")
