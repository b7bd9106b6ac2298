"""koa-session's store protocol, the error stores raise, and the memory store."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from typing import Any, Literal, Protocol, TypeAlias, runtime_checkable

from koa.core import Context

from ._codec import dumps

__all__ = ["MaxAge", "MemoryStore", "Store", "StoreUnavailable"]

#: A lifetime in seconds, or ``"session"`` (until the browser closes).
MaxAge: TypeAlias = float | Literal["session"]


class StoreUnavailable(Exception):
    """A session store could not answer (down, too slow, connection lost).

    Raise it from your own store's methods; :func:`~koa.session.session`
    answers the request with ``503 Service Unavailable`` and logs one line
    through the ``koa.session`` logger instead of letting it become a 500.
    """


@runtime_checkable
class Store(Protocol):
    """An external session store (koa-session's ``store`` option).

    The cookie then holds only the session's *external key* (a random id); the
    data lives in the store. Every method is async. ``max_age`` is in seconds
    (``"session"`` for a browser-session cookie): keep the data at least that
    long. Raise :class:`StoreUnavailable` when the backend does not answer.
    """

    async def get(
        self, key: str, max_age: MaxAge | None, *, rolling: bool, ctx: Context
    ) -> dict[str, Any] | None:
        """The session data saved under *key*, or ``None``."""
        ...

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
        """Save *sess* under *key* for *max_age* seconds."""
        ...

    async def destroy(self, key: str, *, ctx: Context) -> None:
        """Forget the session saved under *key*."""
        ...


class MemoryStore:
    """Sessions in this process's memory: for development and tests.

    Data is kept as JSON (what a caller later changes in a dict it got or gave
    is not shared), entries expire after their ``max_age``, and at most
    *max_entries* sessions are kept: the least recently used one goes first.
    Sessions are lost on restart and not shared between workers: use
    :class:`~koa.session.RedisStore` for that.
    """

    __slots__ = ("_entries", "max_entries")

    def __init__(self, *, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError("MemoryStore(max_entries=...) must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float | None, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(
        self, key: str, max_age: MaxAge | None, *, rolling: bool, ctx: Context
    ) -> dict[str, Any] | None:
        """The session saved under *key*, unless it expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, text = entry
        if expires is not None and expires <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        data: dict[str, Any] = json.loads(text)
        return data

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
        """Keep *sess* under *key* for *max_age* seconds (no limit for ``"session"``)."""
        expires = None if max_age == "session" else time.monotonic() + float(max_age)
        self._entries[key] = (expires, dumps(sess))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def destroy(self, key: str, *, ctx: Context) -> None:
        """Forget *key*."""
        self._entries.pop(key, None)
