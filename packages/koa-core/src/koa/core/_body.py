"""What a response body can be, and how each kind becomes bytes."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
from collections.abc import AsyncGenerator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from aiohttp import StreamReader

from ._fastjson import fast_dump, orjson

__all__ = ["UNSET", "close_stream", "dump_json", "is_stream", "iterate_stream"]


class _Unset:
    """The type of :data:`UNSET`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


#: A body that was never set (JavaScript's ``undefined``); ``None`` is ``null``.
UNSET: Any = _Unset()

CHUNK_SIZE = 64 * 1024
_pending_closes: set[asyncio.Task[Any]] = set()


_current_context: Any = None  # application.current_context, imported on first use


def _app_json_default() -> Any:
    global _current_context
    if _current_context is None:
        from .application import current_context  # a cycle at import time

        _current_context = current_context
    ctx = _current_context()
    return None if ctx is None else getattr(ctx.app, "json_default", None)


def _json_default(value: Any) -> Any:
    # Called by the encoder only for values JSON has no type for.
    hook = _app_json_default()
    if hook is not None:
        try:
            return hook(value)
        except TypeError:
            pass  # not one of the app's types: the defaults below
    if isinstance(value, datetime):
        if value.utcoffset() is None:  # naive: no zone to claim
            return value.isoformat()
        # Date.prototype.toJSON: UTC, milliseconds, "Z".
        utc = value.astimezone(UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, (date, time)):
        return value.isoformat()
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, Decimal)):
        return str(value)  # Decimal as text: no precision lost
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serializable: give it a "
        "to_json() method, or convert it in app.json_default"
    )


_encoder = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, default=_json_default, allow_nan=False
)
# What _encoder.encode() ends up calling, without the two Python frames (and
# the closure iterencode() defines) in front of it. No dict of containers
# seen: a circular structure ends in RecursionError instead of ValueError.
_make_c_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_c_encode: Any = (
    None
    if _make_c_encoder is None
    else _make_c_encoder(
        None, _json_default, json.encoder.encode_basestring, None, ":", ",", False, False, False
    )
)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if value - value == 0 else None  # NaN and infinities
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dump_json(value: Any) -> bytes:
    """Compact JSON, as ``JSON.stringify`` writes it, in UTF-8."""
    if orjson is not None and _app_json_default() is None:
        fast = fast_dump(value, _json_default)  # the same bytes, or None
        if fast is not None:
            return fast
    return stdlib_dump_json(value)


def stdlib_dump_json(value: Any) -> bytes:
    """:func:`dump_json` through the stdlib's encoder only (orjson's output
    must be byte-identical to this)."""
    try:
        text = "".join(_c_encode(value, 0)) if _c_encode else _encoder.encode(value)
    except ValueError as err:
        if "float" not in str(err):  # not a circular reference
            raise
        value = _finite(value)  # NaN and infinities are null, as in JSON.stringify
        text = _encoder.encode(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: \u-escaped, as JSON.stringify does
        return json.dumps(value, separators=(",", ":"), default=_json_default).encode("ascii")


def is_stream(value: Any) -> bool:
    """Whether *value* is a body that Koa streams: an async iterable, an aiohttp
    stream reader, or a binary file object (public for middleware that wraps
    stream bodies, like koa-logger's byte counter)."""
    return (
        isinstance(value, (StreamReader, io.IOBase))
        or hasattr(value, "__aiter__")
        or (hasattr(value, "read") and not isinstance(value, (str, bytes, dict, list)))
    )


async def iterate_stream(body: Any) -> AsyncGenerator[bytes, None]:
    """Yield the chunks of a stream body (see :func:`is_stream`) as bytes, the
    way Koa sends them; files are read off the event loop."""
    if isinstance(body, StreamReader):
        async for chunk in body.iter_chunked(CHUNK_SIZE):
            yield chunk
    elif hasattr(body, "__aiter__"):
        async for chunk in body:
            yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
    else:  # a file object: read it off the event loop
        loop = asyncio.get_running_loop()
        while True:
            data: Any = await loop.run_in_executor(None, body.read, CHUNK_SIZE)
            if not data:
                break
            yield data.encode("utf-8") if isinstance(data, str) else bytes(data)


async def close_stream(body: Any) -> None:
    """Release a stream body: ``aclose()`` or ``close()`` it."""
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        await aclose()
        return
    close = getattr(body, "close", None)
    if close is not None:
        result = close()
        if asyncio.iscoroutine(result):
            await result


def destroy_stream(body: Any) -> None:
    """Release a stream body from synchronous code (a body that was replaced)."""
    if hasattr(body, "aclose"):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(close_stream(body))
        _pending_closes.add(task)
        task.add_done_callback(_pending_closes.discard)
        return
    close = getattr(body, "close", None)
    if close is not None and not asyncio.iscoroutinefunction(close):
        close()
