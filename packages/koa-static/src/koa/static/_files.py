"""Finding and opening a file off the event loop, and sending it with sendfile.

:func:`locate` runs in a worker thread (one hop per request): it applies
``extensions``, the directory index, picks a pre-compressed variant, opens the
file and checks, on the opened descriptor, that it lies inside the real root.

:class:`FileBody` is an aiohttp ``StreamResponse`` that koa-core hands to
aiohttp as the body. Every decision (status, ranges, validators, headers) has
been made by ``send`` before; ``prepare()`` only writes the headers and then
the chosen bytes with ``loop.sendfile`` (zero-copy ``os.sendfile`` on plain
sockets; asyncio falls back to reads in a thread under TLS). Unlike aiohttp's
``FileResponse`` it never looks at the request's Range or If-* headers.
"""

from __future__ import annotations

import asyncio
import errno
import io
import os
import stat
import sys
import weakref
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web
from aiohttp.web_request import BaseRequest

from koa.core import HttpError

__all__ = ["FileBody", "FileOptions", "Found", "close_soon", "locate"]

CHUNK_SIZE: Final = 256 * 1024
#: Files up to this size are read whole in the worker thread that opens them
#: and sent as one write: asyncio's sendfile costs an extra event-loop round
#: trip (writer registration, epoll, lseek) that dwarfs copying a few KiB.
SMALL_FILE: Final = 64 * 1024
#: aiohttp's switch to turn sendfile off (``AIOHTTP_NOSENDFILE=1``), honoured too.
NO_SENDFILE: Final = bool(os.environ.get("AIOHTTP_NOSENDFILE"))
_NOT_FOUND: Final = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP})
_FORBIDDEN: Final = frozenset({errno.EACCES, errno.EPERM})
_PROC_FD: Final = sys.platform == "linux" and os.path.isdir("/proc/self/fd")
_O_NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
_O_BINARY: Final = getattr(os, "O_BINARY", 0)
_pending: set[asyncio.Future[Any]] = set()


@dataclass(frozen=True, slots=True)
class FileOptions:
    """The file-system side of the options, validated once."""

    root: str
    index: str | None
    format: bool
    extensions: tuple[str, ...]
    gzip: bool
    brotli: bool
    follow_symlinks: bool


@dataclass(slots=True)
class Found:
    """A file to send and what ``send`` needs to describe it: small files
    are already read (``data``), larger ones are open (``file``)."""

    path: str  # the file sent: with ".br"/".gz" when a variant was chosen
    name: str  # the uncompressed name: its extension gives the type
    stat: os.stat_result
    encoding: str | None
    has_variants: bool
    file: io.FileIO | None
    data: bytes | None

    @property
    def size(self) -> int:
        """The number of bytes to send."""
        return self.stat.st_size if self.data is None else len(self.data)

    def release(self) -> None:
        """Close the file, if it is open, without blocking the event loop."""
        if self.file is not None:
            close_soon(self.file)
            self.file = None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


def _real_path(file: io.FileIO, path: str) -> str:
    if _PROC_FD:  # the path of what was opened: no race with a renamed symlink
        try:
            return os.readlink(f"/proc/self/fd/{file.fileno()}")
        except OSError:
            pass
    return os.path.realpath(path)


def _open(opts: FileOptions, path: str, accept_br: bool, accept_gz: bool) -> Found | None:
    if opts.extensions and "." not in os.path.basename(path):
        for ext in opts.extensions:
            if os.path.isfile(path + ext):
                path += ext
                break
    try:
        st = os.stat(path)
    except FileNotFoundError:
        # Only "<file>.gz" / "<file>.br" exists: sent to a client that takes
        # it, as koa-send (which looks for the variant before the file).
        found = _variant_only(opts, path, accept_br, accept_gz)
        if found is None:
            raise
        return found
    if stat.S_ISDIR(st.st_mode):
        if not (opts.format and opts.index):
            return None
        path = os.path.join(path, opts.index)
        st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):  # directories, FIFOs, devices, sockets
        return None

    chosen: tuple[str, str] | None = None  # (variant path, its coding)
    has_variants = False
    for enabled, accepted, suffix, coding in (
        (opts.brotli, accept_br, ".br", "br"),
        (opts.gzip, accept_gz, ".gz", "gzip"),
    ):
        if enabled and os.path.isfile(path + suffix):
            has_variants = True
            if accepted and chosen is None:
                chosen = (path + suffix, coding)
    root = None if opts.follow_symlinks else os.path.realpath(opts.root)
    if chosen is not None:
        variant, coding = chosen
        try:
            opened = _open_regular(variant, root)
        except OSError:  # gone meanwhile: the plain file will do
            opened = None
        if opened is not None:
            return _found(variant, path, opened, coding, has_variants)
    opened = _open_regular(path, root)
    return None if opened is None else _found(path, path, opened, None, has_variants)


def _variant_only(opts: FileOptions, path: str, accept_br: bool, accept_gz: bool) -> Found | None:
    """The accepted precompressed variant of *path*, a file that does not exist."""
    root = None if opts.follow_symlinks else os.path.realpath(opts.root)
    for enabled, accepted, suffix, coding in (
        (opts.brotli, accept_br, ".br", "br"),
        (opts.gzip, accept_gz, ".gz", "gzip"),
    ):
        if enabled and accepted and os.path.isfile(path + suffix):
            opened = _open_regular(path + suffix, root)
            if opened is not None:
                return _found(path + suffix, path, opened, coding, True)
    return None


def _found(
    served: str,
    name: str,
    opened: tuple[io.FileIO, os.stat_result],
    coding: str | None,
    has_variants: bool,
) -> Found:
    file, st = opened
    if st.st_size > SMALL_FILE:
        return Found(served, name, st, coding, has_variants, file, None)
    with file:  # read now, in this thread: cheaper than a sendfile round trip
        data = file.readall()
    return Found(served, name, st, coding, has_variants, None, data)


def _open_regular(path: str, real_root: str | None) -> tuple[io.FileIO, os.stat_result] | None:
    """*path* opened for reading and its stat, if it is a regular file inside
    *real_root* (``None``: anywhere). The open does not block, so a FIFO put
    there meanwhile cannot hang the thread (O_NONBLOCK is then left on: it
    has no effect on regular files)."""
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_BINARY)
    file = io.FileIO(fd, "rb", closefd=True)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (
            real_root is not None and not _inside(_real_path(file, path), real_root)
        ):
            file.close()
            return None
    except BaseException:
        file.close()
        raise
    return file, st


def locate(opts: FileOptions, relative: str, accept_br: bool, accept_gz: bool) -> Found | None:
    """Find the file for *relative* (already checked by ``relative_file_path``),
    open it, and read it when it is small.

    ``None`` when there is nothing to send: a directory without index, not a
    regular file, or (unless ``follow_symlinks``) a file whose real path is
    outside the real root. Missing files and over-long names raise 404,
    permission errors 403 and other OS errors propagate (500). Blocking: run
    it in a thread.
    """
    path = os.path.join(opts.root, relative) if relative else opts.root
    try:
        return _open(opts, path, accept_br, accept_gz)
    except OSError as err:
        if err.errno in _NOT_FOUND:
            raise HttpError(404) from None
        if err.errno in _FORBIDDEN:
            raise HttpError(403) from None
        raise
    except ValueError:  # a name the file system cannot encode
        raise HttpError(400, "Malicious Path") from None


def close_soon(file: io.FileIO) -> None:
    """Close *file* in a worker thread, without waiting for it."""
    future = asyncio.get_running_loop().run_in_executor(None, file.close)
    _pending.add(future)
    future.add_done_callback(_pending.discard)


class FileBody(web.StreamResponse):
    """Sends ``count`` bytes of an open file from ``offset``, after the headers.

    It owns the file: it is closed once sent, or when this object is garbage
    collected without being sent (the body was replaced, the status became
    304). ``file=None`` sends headers only (HEAD).
    """

    def __init__(self, file: io.FileIO | None, offset: int, count: int, status: int) -> None:
        super().__init__(status=status)
        self._file = file
        self._offset = offset
        self._count = count
        self._finalizer = weakref.finalize(self, file.close) if file is not None else None

    async def prepare(self, request: BaseRequest) -> Any:
        """Write the headers, then the file's bytes unless the response must
        be empty (HEAD, 204, 304, 1xx)."""
        if self.prepared:
            return await super().prepare(request)
        file, self._file = self._file, None
        if self._finalizer is not None:
            self._finalizer.detach()
        try:
            writer = await super().prepare(request)
            status = self.status
            empty = request.method == "HEAD" or status in (204, 304) or status < 200
            if file is not None and self._count and not empty:
                await self._send(request, file)
                await self.write_eof()
            return writer
        finally:
            if file is not None:
                close_soon(file)

    async def _send(self, request: BaseRequest, file: io.FileIO) -> None:
        transport = request.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("Connection lost")
        offset, count = self._offset, self._count
        if not (NO_SENDFILE or self.compression):
            loop = asyncio.get_running_loop()
            try:
                sent = await loop.sendfile(transport, file, offset, count)
            except NotImplementedError:
                pass
            else:
                if sent < count:  # the file shrank after it was opened
                    transport.close()
                return
        await self._send_chunks(file, offset, count)

    async def _send_chunks(self, file: io.FileIO, offset: int, count: int) -> None:
        loop = asyncio.get_running_loop()
        fd = file.fileno()
        while count > 0:
            chunk = await loop.run_in_executor(None, os.pread, fd, min(CHUNK_SIZE, count), offset)
            if not chunk:
                raise ConnectionResetError("file shrank while being sent")
            await self.write(chunk)
            offset += len(chunk)
            count -= len(chunk)
