"""``etag()`` (koa-etag 5) and ``conditional_get()`` (koa-conditional-get 3)."""

from __future__ import annotations

import asyncio
import os
import stat
from typing import Any, Final

from koa.core import Context, Middleware, Next, is_stream

from ._tag import entity_tag

__all__ = ["conditional_get", "etag"]

#: Bodies larger than this are hashed in a worker thread (hashlib releases
#: the GIL): SHA-1 runs at ~1 GB/s, so the event loop is held at most ~0.25 ms.
HASH_THREAD_LINE: Final = 256 * 1024


def _falsy(body: Any) -> bool:
    # JavaScript's `!body` for what ctx.body can hold: null, "", 0, false.
    return body is None or (isinstance(body, (str, int, float)) and not body)


def _file_stat(body: Any) -> os.stat_result | None:
    """The stat of a stream body that is an open regular file (Node's
    ``fs.ReadStream`` with its ``path``); ``None`` for any other stream."""
    fileno = getattr(body, "fileno", None)
    if not callable(fileno):
        return None
    try:
        st = os.fstat(fileno())
    except (OSError, ValueError):  # closed, or not backed by a descriptor
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def etag(*, weak: bool | None = None) -> Middleware:
    """Set ``ETag`` on 2xx responses that have a body and no ETag yet, as
    koa-etag does: the npm ``etag`` package's tag of a str, bytes or JSON body
    (strong), or of an open file's stat (weak). Other streams get none.

    ``weak=True`` makes every tag weak, ``weak=False`` every tag strong
    (``None``: the package's defaults). Use it after ``conditional_get()``::

        app.use(conditional_get())
        app.use(etag())
    """

    async def etag_middleware(ctx: Context, next: Next) -> None:
        await next()
        response = ctx.response
        body = response.body
        if _falsy(body) or response.get("ETag") or response.status // 100 != 2:
            return
        # A stream: its file's stat, if any; else the bytes sent (str, bytes, JSON).
        entity = _file_stat(body) if is_stream(body) else response.encoded_body()
        if entity is None:
            return  # an aiohttp response or a stream of unknown content
        if isinstance(entity, bytes) and len(entity) > HASH_THREAD_LINE:
            loop = asyncio.get_running_loop()
            tag = await loop.run_in_executor(None, _tag, entity, weak)
        else:
            tag = entity_tag(entity, weak=weak)
        response.etag = tag

    return etag_middleware


def _tag(entity: bytes, weak: bool | None) -> str:
    return entity_tag(entity, weak=weak)


def conditional_get() -> Middleware:
    """Answer 304 Not Modified, without a body, when the client's copy is
    fresh (``ctx.fresh``: ``If-None-Match`` / ``If-Modified-Since`` against
    the response's ``ETag`` / ``Last-Modified``, GET and HEAD only), as
    koa-conditional-get does. Put it before ``etag()``."""

    async def conditional_get_middleware(ctx: Context, next: Next) -> None:
        await next()
        if ctx.fresh:
            ctx.status = 304
            ctx.body = None

    return conditional_get_middleware
