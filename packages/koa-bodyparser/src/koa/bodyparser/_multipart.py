"""``multipart/form-data`` bodies, streamed with aiohttp's multipart reader.

Fields become ``ctx.request.body`` (``name -> str``, or a list of str when a
name repeats) and files ``ctx.request.files`` (``name -> UploadedFile``, or a
list), as with koa-body. Each file is written to a temporary file as it
arrives; nothing larger than one chunk is held in memory. Limits, all checked
while reading (413, message exposed): ``file_limit`` bytes per file,
``multipart_limit`` bytes for all parts together (a larger Content-Length is
refused before reading), ``fields_limit`` bytes for all plain fields together,
``max_files`` files and ``max_fields`` fields. A browser's empty file input
(no file name, no content) is skipped.

The temporary files belong to the request: the middleware deletes them when
the response is done, so a handler that keeps an upload must move or copy it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from aiohttp import BodyPartReader, MultipartReader
from aiohttp.http import HttpProcessingError

from koa.core import HttpError

from ._read import client_gone, send_continue

if TYPE_CHECKING:
    from koa.core import Context

__all__ = ["Fields", "Files", "MultipartLimits", "UploadedFile", "parse_multipart", "remove_files"]

_CHUNK = 64 * 1024
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file received in a ``multipart/form-data`` body.

    ``filepath`` is a temporary file that is deleted when the response is done;
    ``original_filename`` is the name the client sent (never trust it as a
    path); ``mimetype`` the part's Content-Type; ``size`` its length in bytes.
    """

    field: str
    filepath: str
    original_filename: str
    mimetype: str
    size: int


Fields = dict[str, str | list[str]]
Files = dict[str, UploadedFile | list[UploadedFile]]


#: Bytes of an uploaded file gathered before one write to its spool file.
_SPOOL_BATCH = 256 * 1024


@dataclass(frozen=True, slots=True)
class MultipartLimits:
    """The multipart options of :func:`bodyparser`, checked."""

    total: int
    file: int
    fields: int
    max_files: int
    max_fields: int
    upload_dir: str | None


def _add(mapping: dict[str, _T | list[_T]], name: str, value: _T) -> None:
    current = mapping.get(name)
    if current is None:
        mapping[name] = value
    elif isinstance(current, list):
        current.append(value)
    else:
        mapping[name] = [current, value]


def remove_files(files: Files) -> None:
    """Delete the temporary files of *files*."""
    for value in files.values():
        for upload in value if isinstance(value, list) else [value]:
            with contextlib.suppress(OSError):
                os.unlink(upload.filepath)


class _Parser:
    __slots__ = (
        "encoding",
        "field_count",
        "fields",
        "fields_size",
        "file_count",
        "files",
        "limits",
        "received",
        "spooling",
    )

    def __init__(self, limits: MultipartLimits, encoding: str) -> None:
        self.limits = limits
        self.encoding = encoding
        self.fields: Fields = {}
        self.files: Files = {}
        self.received = 0
        self.fields_size = 0
        self.field_count = 0
        self.file_count = 0
        self.spooling: str | None = None

    def count(self, size: int) -> None:
        self.received += size
        if self.received > self.limits.total:
            raise HttpError(413, "request entity too large", limit=self.limits.total)

    async def field(self, part: BodyPartReader, name: str) -> None:
        self.field_count += 1
        if self.field_count > self.limits.max_fields:
            raise HttpError(413, f"too many fields (at most {self.limits.max_fields})")
        data = bytearray()
        while not part.at_eof():
            chunk = await part.read_chunk(_CHUNK)
            self.count(len(chunk))
            self.fields_size += len(chunk)
            if self.fields_size > self.limits.fields:
                raise HttpError(413, f"fields too large (at most {self.limits.fields} bytes)")
            data += chunk
        try:
            value = data.decode(part.get_charset(self.encoding))
        except (UnicodeDecodeError, LookupError):
            raise HttpError(400, f"field {name!r} is not valid text") from None
        _add(self.fields, name, value)

    async def file(self, part: BodyPartReader, name: str, filename: str) -> None:
        self.file_count += 1
        if self.file_count > self.limits.max_files:
            raise HttpError(413, f"too many files (at most {self.limits.max_files})")
        # File I/O runs in a thread: a slow disk must not stall every other
        # request on the loop. Chunks are written in batches of _SPOOL_BATCH
        # bytes, so a thread hop costs little per uploaded byte.
        fd, path = await asyncio.to_thread(
            tempfile.mkstemp, prefix="koa-upload-", dir=self.limits.upload_dir
        )
        self.spooling = path
        size = 0
        out = os.fdopen(fd, "wb", buffering=0)
        try:
            pending = bytearray()
            while not part.at_eof():
                chunk = await part.read_chunk(_CHUNK)
                size += len(chunk)
                if size > self.limits.file:
                    raise HttpError(413, f"file too large (at most {self.limits.file} bytes)")
                self.count(len(chunk))
                pending += chunk
                if len(pending) >= _SPOOL_BATCH:
                    await asyncio.to_thread(out.write, pending)
                    pending = bytearray()
            if pending:
                await asyncio.to_thread(out.write, pending)
        finally:
            await asyncio.shield(asyncio.to_thread(out.close))
        self.spooling = None
        if not filename and not size:
            self.file_count -= 1
            await asyncio.to_thread(os.unlink, path)
            return
        mimetype = part.headers.get("Content-Type", "application/octet-stream")
        _add(self.files, name, UploadedFile(name, path, filename, mimetype, size))

    async def parse(self, ctx: Context) -> None:
        reader = MultipartReader(ctx.req.headers, ctx.req.content)
        while True:
            part = await reader.next()
            if part is None:
                return
            if isinstance(part, MultipartReader):
                raise HttpError(400, "nested multipart bodies are not supported")
            name = part.name
            if name is None:
                raise HttpError(400, "multipart part without a field name")
            if part.filename is None:
                await self.field(part, name)
            else:
                await self.file(part, name, part.filename)


async def parse_multipart(
    ctx: Context, limits: MultipartLimits, encoding: str
) -> tuple[Fields, Files]:
    """Read a multipart body into fields and spooled files."""
    request = ctx.request
    encoding_header = request.get("Content-Encoding").strip().lower()
    if encoding_header not in ("", "identity"):
        raise HttpError(
            415, f"Unsupported Content-Encoding for multipart: {encoding_header}", expose=False
        )
    length = request.length
    if length is not None and length > limits.total:
        raise HttpError(413, "request entity too large", limit=limits.total, received=length)
    await send_continue(ctx)

    parser = _Parser(limits, encoding)
    try:
        try:
            await parser.parse(ctx)
        except ConnectionError as err:
            raise client_gone(length, ctx.req.content.total_bytes) from err
        except (ValueError, AssertionError, RuntimeError, HttpProcessingError) as err:
            raise HttpError(400, "invalid multipart body") from err
    except BaseException:
        if parser.spooling is not None:
            with contextlib.suppress(OSError):
                os.unlink(parser.spooling)
        remove_files(parser.files)
        raise
    return parser.fields, parser.files
