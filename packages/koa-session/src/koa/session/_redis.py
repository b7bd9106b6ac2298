"""Sessions in Redis, through redis-py's asyncio client (``pip install koa-session[redis]``)."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from koa.core import Context

from ._codec import dumps
from ._store import MaxAge, StoreUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisStore"]


class RedisStore:
    """Sessions shared by every worker and machine that uses the same Redis.

    *client_or_url* is a ``redis.asyncio.Redis`` client or a URL
    (``"redis://localhost:6379/0"``, for which the store makes its own client
    and closes it in :meth:`close`). Each session is one string key,
    ``prefix + external key``, holding the session's JSON, with a TTL of the
    session's ``max_age``. A browser-session (``max_age="session"``) lifetime
    has no end the server knows of, so its key gets *session_ttl* seconds (one
    day by default, koa-session's default lifetime), renewed by every save:
    without one, every session a client can make the app save (a flood of
    cookie-less requests) would stay in Redis forever, as with koa-redis.
    ``session_ttl=None`` keeps them forever.

    Every call is bounded by *timeout* seconds. A Redis server that is down,
    refuses, or answers later than that raises :class:`StoreUnavailable`, which
    the session middleware turns into a ``503`` (and one log line), never a hang.
    """

    __slots__ = ("_owns_client", "client", "prefix", "session_ttl", "timeout")

    def __init__(
        self,
        client_or_url: Redis | str,
        *,
        prefix: str = "koa:sess:",
        timeout: float = 1.0,
        session_ttl: float | None = 86400,
    ) -> None:
        if timeout <= 0:
            raise ValueError("RedisStore(timeout=...) must be a positive number of seconds")
        if session_ttl is not None and not session_ttl > 0:
            raise ValueError(
                "RedisStore(session_ttl=...) must be a positive number of seconds, "
                "or None to keep browser sessions until they are destroyed"
            )
        if isinstance(client_or_url, str):
            try:
                from redis.asyncio import Redis
            except ImportError as err:  # pragma: no cover - depends on the install
                raise ImportError(
                    "RedisStore needs redis-py: pip install 'koa-session[redis]'"
                ) from err
            self.client: Redis = Redis.from_url(
                client_or_url, socket_timeout=timeout, socket_connect_timeout=timeout
            )
            self._owns_client = True
        else:
            self.client = client_or_url
            self._owns_client = False
        self.prefix = prefix
        self.timeout = timeout
        self.session_ttl = session_ttl

    async def _call(self, what: str, command: Any) -> Any:
        try:
            async with asyncio.timeout(self.timeout):
                return await command
        except TimeoutError as err:
            raise StoreUnavailable(f"Redis did not answer {what} within {self.timeout}s") from err
        except Exception as err:
            from redis.exceptions import RedisError

            if isinstance(err, RedisError | OSError):
                raise StoreUnavailable(f"Redis {what} failed: {err!r}") from err
            raise

    async def get(
        self, key: str, max_age: MaxAge | None, *, rolling: bool, ctx: Context
    ) -> dict[str, Any] | None:
        """The session saved under *key* (``None`` if missing or not a JSON object)."""
        raw = await self._call("GET", self.client.get(self.prefix + key))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) else None

    async def set(
        self,
        key: str,
        sess: dict[str, Any],
        max_age: MaxAge,
        *,
        rolling: bool,
        changed: bool,
        ctx: Context,
    ) -> None:
        """``SET prefix+key json PX max_age`` (``session_ttl`` for ``"session"``)."""
        seconds = self.session_ttl if max_age == "session" else float(max_age)
        ttl = None if seconds is None else max(1, round(seconds * 1000))
        await self._call("SET", self.client.set(self.prefix + key, dumps(sess), px=ttl))

    async def destroy(self, key: str, *, ctx: Context) -> None:
        """``DEL prefix+key``."""
        await self._call("DEL", self.client.delete(self.prefix + key))

    async def close(self) -> None:
        """Close the client the store made from a URL (a client you gave is yours)."""
        if self._owns_client:
            await self.client.aclose()
