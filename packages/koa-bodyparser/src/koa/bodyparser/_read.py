"""Reading a request body from aiohttp's stream, within a byte limit.

The body is read chunk by chunk from ``ctx.req.content`` and inflated as it
arrives (``Content-Encoding: gzip``, ``deflate``, ``br``); an uncompressed body
that arrived whole with the headers is taken from the buffer at once. The
limit counts the *inflated* bytes and is checked after every chunk, and each decompression
step may produce at most one byte more than the limit allows, so neither an
oversized upload nor a zip bomb is ever held in memory.

Errors are :class:`koa.core.HttpError`:

* 413 ``request entity too large`` (exposed) when the limit is passed;
* 415 for an unknown ``Content-Encoding`` (not exposed);
* 400 for a body that does not decompress, or that ends before its
  ``Content-Length`` (the client closed the connection early);
* 499 when the client went away in the middle of a body of unknown length.
"""

from __future__ import annotations

import importlib
import zlib
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp.http import HttpProcessingError, HttpVersion11, StreamWriter

from koa.core import HttpError

if TYPE_CHECKING:
    from koa.core import Context

brotli: Any
try:
    brotli = importlib.import_module("brotli")
    _DECOMPRESSION_ERRORS: tuple[type[Exception], ...] = (zlib.error, brotli.error)
except ImportError:  # pragma: no cover - depends on the [brotli] extra
    brotli = None
    _DECOMPRESSION_ERRORS = (zlib.error,)

__all__ = ["CLIENT_CLOSED", "client_gone", "read_body", "send_continue"]

#: nginx's status for a request whose client went away first.
CLIENT_CLOSED = 499
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class _Inflater(Protocol):
    def inflate(self, data: bytes, max_length: int) -> bytes: ...
    def finished(self) -> bool: ...


class _Zlib:
    """gzip or zlib-wrapped deflate (detected from the header, as Node's
    ``createUnzip`` does). A gzip body may hold several members one after
    the other (``cat a.gz b.gz``): each is inflated, as Node does."""

    __slots__ = ("_gzip", "_zlib")

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(32 + zlib.MAX_WBITS)
        self._gzip: bool | None = None  # known from the first byte

    def inflate(self, data: bytes, max_length: int) -> bytes:
        if self._gzip is None and data:
            self._gzip = data[0] == 0x1F  # gzip's magic; never a zlib header
        out = b""
        while data and len(out) < max_length:
            if self._zlib.eof:  # a member ended and more data follows
                if not self._gzip:
                    raise zlib.error("data after the end of the compressed body")
                self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip only
            out += self._zlib.decompress(data, max_length - len(out))
            data = self._zlib.unused_data
        return out

    def finished(self) -> bool:
        return self._zlib.eof


class _Brotli:
    __slots__ = ("_brotli",)

    def __init__(self) -> None:
        self._brotli: Any = brotli.Decompressor()

    def inflate(self, data: bytes, max_length: int) -> bytes:
        out: bytes = self._brotli.process(data, output_buffer_limit=max_length)
        return out

    def finished(self) -> bool:
        return bool(self._brotli.is_finished())


def _inflater(ctx: Context) -> _Inflater | None:
    encoding = ctx.request.get("Content-Encoding").strip().lower() or "identity"
    if encoding == "identity":
        return None
    if getattr(ctx.req.content, "total_compressed_bytes", None) is not None:
        # Served with aiohttp's auto_decompress on: the stream is inflated already.
        return None
    if encoding in ("gzip", "deflate"):
        return _Zlib()
    if encoding == "br":
        if brotli is None:
            raise HttpError(
                415,
                "Content-Encoding br needs the brotli package: "
                "pip install 'koa-bodyparser[brotli]'",
                expose=False,
                encoding=encoding,
            )
        return _Brotli()
    raise HttpError(
        415, f"Unsupported Content-Encoding: {encoding}", expose=False, encoding=encoding
    )


def _too_large(limit: int, received: int) -> HttpError:
    return HttpError(
        413, "request entity too large", limit=limit, received=received, type="entity.too.large"
    )


def client_gone(length: int | None, received: int) -> HttpError:
    """The error for a connection lost while reading: a body shorter than its
    Content-Length is a 400 (raw-body's message), otherwise a 499."""
    if length is not None and received < length:
        return HttpError(
            400,
            "request size did not match content length",
            expected=length,
            received=received,
            type="request.size.invalid",
        )
    return HttpError(CLIENT_CLOSED, "Client Closed Request", type="request.aborted")


async def send_continue(ctx: Context) -> None:
    # Node answers "Expect: 100-continue" itself; aiohttp's low-level server
    # does not, and a client such as curl then waits a second before sending.
    # Sent only when the body is really going to be read, so a request refused
    # by its Content-Length never uploads its body.
    req = ctx.req
    if (
        req.version >= HttpVersion11
        and ctx.request.get("Expect").lower() == "100-continue"
        and isinstance(req.writer, StreamWriter)
    ):
        await req.writer.write(_CONTINUE)


async def read_body(ctx: Context, limit: int) -> bytes:
    """The request body, inflated, of at most *limit* bytes."""
    inflater = _inflater(ctx)
    length = ctx.request.length
    if inflater is None and length is not None and length > limit:
        raise _too_large(limit, length)
    await send_continue(ctx)

    content = ctx.req.content
    if inflater is None and content.is_eof() and content.exception() is None:
        # The whole body arrived with the headers (a small request): take it
        # from the buffer in one go, without awaiting chunk by chunk.
        data = content.read_nowait()
        if len(data) > limit:
            raise _too_large(limit, len(data))
        return data
    chunks: list[bytes] = []
    received = size = 0
    try:
        while True:
            chunk = await content.readany()
            if not chunk:
                break
            received += len(chunk)
            if inflater is not None:
                chunk = inflater.inflate(chunk, limit - size + 1)
            size += len(chunk)
            if size > limit:
                raise _too_large(limit, size)
            chunks.append(chunk)
    except _DECOMPRESSION_ERRORS as err:
        raise HttpError(400, "invalid compressed body", type="encoding.invalid") from err
    except HttpProcessingError as err:
        raise HttpError(400, "invalid request body framing", type="request.invalid") from err
    except ConnectionError as err:
        raise client_gone(length, received) from err
    if inflater is not None and not inflater.finished():
        raise HttpError(400, "invalid compressed body: unexpected end", type="encoding.invalid")
    return b"".join(chunks)
