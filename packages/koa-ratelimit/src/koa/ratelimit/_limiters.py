"""The two drivers: a fixed window in this process's memory (koa-ratelimit's
memory driver) and a sliding window in Redis, atomic in one round trip."""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

__all__ = ["Limit", "MemoryLimiter", "RedisLimiter", "StoreUnavailable"]


class StoreUnavailable(Exception):
    """The rate-limit store could not answer (down, slower than the timeout, or
    the connection was lost)."""


@dataclass(frozen=True, slots=True)
class Limit:
    """One check: requests left before this one, when the window resets (Unix
    seconds), and the limit."""

    remaining: int
    reset: float
    total: int


class MemoryLimiter:
    """koa-ratelimit's memory driver: each id gets *max* requests, counted from
    its first one, until *duration* seconds later (a fixed window)."""

    __slots__ = ("_checks", "db", "duration", "max", "namespace")

    def __init__(
        self, db: MutableMapping[str, Any] | None, duration: float, max: int, namespace: str
    ) -> None:
        self.db: MutableMapping[str, Any] = {} if db is None else db
        self.duration = duration
        self.max = max
        self.namespace = namespace
        self._checks = 0

    async def get(self, id: str) -> Limit:
        key = f"{self.namespace}:{id}"
        now = time.time()
        entry = self.db.get(key)
        if entry is None or entry[0] < now:
            entry = self.db[key] = [now + self.duration, self.max]
            self._prune(now)
            return Limit(self.max, entry[0], self.max)
        entry[1] = entry[1] - 1 if entry[1] > 0 else 0
        return Limit(entry[1], entry[0], self.max)

    def _prune(self, now: float) -> None:
        # Forget windows that ended, now and then, so that ids seen once do not
        # stay forever (koa-ratelimit's Map grows without bound).
        self._checks += 1
        if self._checks % 1000 == 0:
            for key in [k for k, v in self.db.items() if v[0] < now]:
                del self.db[key]


# A sliding window log, one sorted set per id, scored by the Redis server's
# clock (so machines with skewed clocks still share one window). Returns the
# requests left before this one, the reset time in ms, and the limit; a
# request over the limit is not recorded.
_SLIDING_WINDOW = """
local key = KEYS[1]
local duration = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
local count = redis.call('ZCARD', key)
local oldest = now
if count > 0 then
  oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
end
if count >= max then
  local cut = redis.call('ZRANGE', key, -max, -max, 'WITHSCORES')
  return {0, tonumber(cut[2]) + duration, max}
end
redis.call('ZADD', key, now, ARGV[3])
redis.call('PEXPIRE', key, duration)
return {max - count, oldest + duration, max}
"""


class RedisLimiter:
    """koa-ratelimit's Redis driver: at most *max* requests per id in any
    *duration* seconds, shared by every process using the same Redis. One
    script call per request (EVALSHA), so concurrent workers never race."""

    __slots__ = ("_script", "client", "duration", "max", "namespace", "timeout")

    def __init__(
        self, client: Redis, duration: float, max: int, namespace: str, timeout: float
    ) -> None:
        self.client = client
        self.duration = duration
        self.max = max
        self.namespace = namespace
        self.timeout = timeout
        self._script: AsyncScript = client.register_script(_SLIDING_WINDOW)

    async def get(self, id: str) -> Limit:
        from redis.exceptions import RedisError

        args: list[int | str] = [
            max(1, math.ceil(self.duration * 1000)),
            self.max,
            uuid.uuid4().hex,
        ]
        try:
            async with asyncio.timeout(self.timeout):
                result = await self._script(keys=[f"{self.namespace}:{id}"], args=args)
        except TimeoutError as err:
            raise StoreUnavailable(f"Redis did not answer within {self.timeout}s") from err
        except (RedisError, OSError) as err:
            raise StoreUnavailable(f"Redis failed: {err!r}") from err
        remaining, reset_ms, total = (int(v) for v in result)
        return Limit(remaining, reset_ms / 1000, total)
