"""``compress()``: koa-compress 5's middleware.

The order of the checks, the options and the encoding choice are
koa-compress's. Where the body goes is this port's:

- str, bytes and JSON bodies are compressed whole (in a worker thread above
  :data:`THREAD_LINE` bytes, so a large body does not stall the event loop)
  and sent with their compressed ``Content-Length``;
- stream bodies (async iterables, file objects, aiohttp stream readers) are
  compressed chunk by chunk as they are sent, never read whole;
- an aiohttp response as the body (koa-static's files, ``web.FileResponse``)
  is compressed by aiohttp as it is written (``enable_compression``), which
  knows gzip and deflate only.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Final, TypeAlias

from aiohttp import web
from aiohttp.web import ContentCoding

from koa.core import Context, Next, close_stream, is_compressible, is_stream, iterate_stream
from koa.core.http import EMPTY_STATUSES

from ._encoders import (
    ENCODINGS,
    Encoder,
    available,
    check_options,
    make_encoder,
    require,
)
from ._negotiate import negotiate

__all__ = ["THREAD_LINE", "Compress", "EncodingOption", "Threshold", "compress"]

#: Bodies and stream chunks larger than this many bytes are compressed in a
#: worker thread (zlib and brotli release the GIL); smaller ones inline. On
#: the reference machine gzip level 6 takes ~190 µs for 32 KiB of JSON and a
#: thread hop ~50 µs: above the line the hop is a small part of the work, and
#: no compression holds the event loop much longer than that.
THREAD_LINE: Final = 32 * 1024

#: An encoding's setting: ``True`` (its defaults), ``False``/``None`` (off), a
#: dict of its options, or a function ``(type, size, ctx)`` returning one.
EncodingOption: TypeAlias = (
    bool | Mapping[str, Any] | Callable[[str, int | None, Context], Any] | None
)
#: Bytes (``1024``), a size (``"1kb"``), or a function ``(type, size, ctx)`` returning one.
Threshold: TypeAlias = int | str | Callable[[str, int | None, Context], Any]

_DEFAULT_PREFERENCE: Final = ("zstd", "br", "gzip", "deflate", "identity")
_DEFAULTS: Final[Mapping[str, Mapping[str, Any]]] = {"br": {"quality": 4}}
_NO_TRANSFORM: Final = re.compile(r"(?:^|,)\s*?no-transform\s*?(?:,|$)")
_BYTERANGES: Final = re.compile(r"^multipart/byteranges\b", re.IGNORECASE)
_BYTES: Final = re.compile(r"^([+-]?\d+(?:\.\d+)?) *(b|kb|mb|gb|tb|pb)?$", re.IGNORECASE)
_UNITS: Final = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_AIOHTTP_CODINGS: Final = ("gzip", "deflate")


def parse_bytes(value: int | str) -> int:
    """``1024``, ``"1024"``, ``"1kb"``, ``"1.5 MB"`` as a number of bytes (the
    ``bytes`` package's units, powers of 1024)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"compress(): threshold={value!r} must be a number of bytes or like '1kb'")
    if isinstance(value, int):
        return value
    match = _BYTES.match(value.strip())
    if match is None:
        raise ValueError(f"compress(): threshold={value!r} must be a number of bytes or like '1kb'")
    unit = (match.group(2) or "b").lower()
    return math.floor(_UNITS[unit] * float(match.group(1)))


def _falsy(body: Any) -> bool:
    # JavaScript's `!body` for what ctx.body can hold: null, "", 0, false
    # (an empty bytes body is a Buffer there, and truthy).
    return body is None or (isinstance(body, (str, int, float)) and not body)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return str(value)


@lru_cache(maxsize=512)
def _choose_cached(
    header: str, offered: tuple[str, ...], preference: tuple[str, ...]
) -> str | None:
    return negotiate(header, offered, preference)


def _choose(header: str, offered: tuple[str, ...], preference: tuple[str, ...]) -> str | None:
    # Browsers send a handful of short values: remember those; a long value
    # (a client's invention) is negotiated afresh, so the cache stays small.
    if len(header) <= 128:
        return _choose_cached(header, offered, preference)
    return negotiate(header, offered, preference)


def _compress_all(encoder: Encoder, data: bytes) -> bytes:
    return encoder.compress(data) + encoder.finish()


async def _compress_stream(body: Any, encoder: Encoder) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    chunks = iterate_stream(body)
    try:
        async for chunk in chunks:
            if not chunk:
                continue
            if len(chunk) > THREAD_LINE:
                out = await loop.run_in_executor(None, encoder.compress, chunk)
            else:
                out = encoder.compress(chunk)
            if encoder.flush_each:
                out += encoder.flush()
            if out:
                yield out
        yield encoder.finish()
    finally:
        await chunks.aclose()
        await close_stream(body)


def _encoding_setting(name: str, value: EncodingOption) -> EncodingOption:
    if value is None or value is False:
        return False
    if isinstance(value, Mapping):
        check_options(name, value)
    elif value is not True and not callable(value):
        raise ValueError(
            f"compress(): {name}={value!r} must be True, False, a dict of options or a function"
        )
    return value


class Compress:
    """The middleware ``compress()`` returns; its settings are read-only
    attributes (``preferred_encodings``: the encodings it may use, in
    order)."""

    __slots__ = (
        "_default_encoding",
        "_filter",
        "_preference",
        "_settings",
        "_threshold",
        "_wildcard",
        "preferred_encodings",
    )

    def __init__(
        self,
        *,
        filter: Callable[[str], bool | None] | None,
        threshold: Threshold,
        settings: Mapping[str, EncodingOption],
        default_encoding: str,
        wildcard_accept_encoding: str,
        encoding_preference: Sequence[str],
    ) -> None:
        self._filter: Callable[[str], bool | None] = filter or is_compressible
        self._threshold = threshold if callable(threshold) else parse_bytes(threshold)
        self._settings = dict(settings)
        wildcard = wildcard_accept_encoding or "gzip"
        self._wildcard = "gzip" if wildcard == "*" else wildcard
        self._default_encoding = (
            self._wildcard if default_encoding == "*" else (default_encoding or "identity")
        )
        self._preference = tuple(encoding_preference)
        #: The encodings this middleware can use, in koa-compress's order.
        self.preferred_encodings: tuple[str, ...] = (
            *(name for name in ENCODINGS if available(name)),
            "identity",
        )

    async def __call__(self, ctx: Context, next: Next) -> None:
        """Vary on ``Accept-Encoding``, run downstream, then compress the body
        when koa-compress would."""
        ctx.vary("Accept-Encoding")
        await next()

        response = ctx.response
        body = response.body
        if _falsy(body) or response.header_sent or not response.writable:
            return
        forced = getattr(ctx, "compress", None)
        status = response.status
        if (
            forced is False
            or ctx.request.method == "HEAD"
            or status in EMPTY_STATUSES
            or status == 206
            or response.get("Content-Range")
            or _BYTERANGES.match(_text(response.get("Content-Type")))
            or response.get("Content-Encoding")
        ):
            return
        mime = response.type
        if not (forced is True or self._filter(mime)):
            return
        if _NO_TRANSFORM.search(_text(response.get("Cache-Control"))):
            return

        overrides: Mapping[str, Any] = forced if isinstance(forced, Mapping) else {}
        aiohttp_body = isinstance(body, web.StreamResponse)
        encoded: bytes | None = None
        if aiohttp_body or is_stream(body):
            size = response.length
        else:
            encoded = response.encoded_body()
            size = (
                response.length
                if response.has("Content-Length") or encoded is None
                else len(encoded)
            )

        threshold: Any = overrides.get("threshold", self._threshold)
        while callable(threshold):
            threshold = threshold(mime, size, ctx)
        if isinstance(threshold, str):
            threshold = parse_bytes(threshold)
        if threshold and size is not None and size < threshold:
            return

        chosen: dict[str, Any] = {}
        for name in self.preferred_encodings[:-1]:
            setting = overrides[name] if name in overrides else self._settings.get(name, False)
            while callable(setting):
                setting = setting(mime, size, ctx)
            if setting is False or setting is None:
                continue
            if aiohttp_body and name not in _AIOHTTP_CODINGS:
                continue
            chosen[name] = setting
        header = ctx.get("Accept-Encoding")
        if header == "*":
            header = self._wildcard
        elif not header:
            header = self._default_encoding
        encoding = _choose(header, (*chosen, "identity"), self._preference)
        if encoding is None or encoding == "identity":
            return  # koa-compress fails (500) on None: nothing acceptable, sent as is

        response.set("Content-Encoding", encoding)
        response.remove("Content-Length")
        if aiohttp_body:
            body.enable_compression(ContentCoding(encoding))
            return
        setting = chosen[encoding]
        options = dict(_DEFAULTS.get(encoding, {}))
        if isinstance(setting, Mapping):
            check_options(encoding, setting)
            options.update(setting)
        encoder = make_encoder(encoding, options)
        if encoded is None:
            ctx.body = _compress_stream(body, encoder)
        elif len(encoded) > THREAD_LINE:
            loop = asyncio.get_running_loop()
            ctx.body = await loop.run_in_executor(None, _compress_all, encoder, encoded)
        else:
            ctx.body = _compress_all(encoder, encoded)


def compress(
    *,
    filter: Callable[[str], bool | None] | None = None,
    threshold: Threshold = 1024,
    gzip: EncodingOption = True,
    deflate: EncodingOption = True,
    br: EncodingOption = None,
    zstd: EncodingOption = False,
    default_encoding: str = "identity",
    wildcard_accept_encoding: str = "gzip",
    encoding_preference: Sequence[str] = _DEFAULT_PREFERENCE,
) -> Compress:
    """Compress responses (koa-compress 5).

    - ``filter(content_type) -> bool``: whether a response type is worth
      compressing; default :func:`koa.core.is_compressible` (mime-db).
    - ``threshold``: the smallest body compressed, in bytes or as ``"1kb"``,
      or a function ``(type, size, ctx)``; bodies of unknown size (streams
      without ``Content-Length``) are always compressed.
    - ``gzip``, ``deflate``, ``br``, ``zstd``: ``True`` (the encoding's
      defaults), ``False`` (off), a dict of its options, or a function
      ``(type, size, ctx)`` returning one of these per response. gzip and
      deflate take ``level``, ``mem_level``, ``window_bits``, ``strategy``;
      br ``quality`` (default 4), ``lgwin``, ``lgblock``, ``mode``; zstd
      ``level``; all take ``flush=True`` to send each chunk of a stream as
      soon as it is compressed (server-sent events). ``br=None`` (the
      default) uses brotli when the ``brotli`` package is installed; any
      other value asks for it and raises :class:`EncoderUnavailableError`
      here when it is not (``zstd`` the same with ``zstandard``).
    - ``default_encoding``: what a request without ``Accept-Encoding`` gets:
      ``"identity"`` (no compression, koa-compress's default) or ``"*"``
      (``wildcard_accept_encoding``, as the HTTP spec reads it).
    - ``wildcard_accept_encoding``: the coding ``Accept-Encoding: *`` means.
    - ``encoding_preference``: the order ties between equal q values are
      broken in.

    ``ctx.compress = True`` / ``False`` / a dict forces, forbids or tunes
    compression for one response (see :class:`CompressContext`). Put
    ``compress()`` before (outside) ``conditional_get()`` and ``etag()``.
    """
    settings: dict[str, EncodingOption] = {}
    for name, value in (("zstd", zstd), ("br", br), ("gzip", gzip), ("deflate", deflate)):
        if name == "br" and value is None:
            settings[name] = available("br")
            continue
        setting = _encoding_setting(name, value)
        if setting is not False:
            require(name)
        settings[name] = setting
    if not callable(filter) and filter is not None:
        raise TypeError(
            f"compress(): filter must be a function of the content type, not {filter!r}"
        )
    for name in encoding_preference:
        if name not in (*ENCODINGS, "identity"):
            raise ValueError(
                f"compress(): unknown encoding {name!r} in encoding_preference; "
                f"known: {', '.join((*ENCODINGS, 'identity'))}"
            )
    return Compress(
        filter=filter,
        threshold=threshold,
        settings=settings,
        default_encoding=default_encoding,
        wildcard_accept_encoding=wildcard_accept_encoding,
        encoding_preference=encoding_preference,
    )
