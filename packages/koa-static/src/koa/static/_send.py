"""``send()``: answer with one file, as @koa/send does, plus conditional GET,
byte ranges and zero-copy sendfile."""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formatdate
from typing import Literal, TypeAlias

from koa.core import Context, HttpError, Response

from ._conditional import Precondition, evaluate_preconditions, if_range_allows, parse_range
from ._files import FileBody, FileOptions, Found, locate
from ._paths import is_hidden, relative_file_path

__all__ = ["SendOptions", "SetHeaders", "send", "send_options", "send_path", "send_relative"]

#: ``set_headers(ctx.response, path, stat)``, called before send sets its own
#: headers; it may return an awaitable.
SetHeaders: TypeAlias = Callable[[Response, str, os.stat_result], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class SendOptions:
    """Validated options of :func:`send` (built once per ``serve``)."""

    files: FileOptions
    hidden: bool
    cache_control: str
    set_headers: SetHeaders | None


def _extensions(value: object) -> tuple[str, ...]:
    # A list (or tuple) of strings; anything else that is not a list is
    # ignored, as @koa/send does.
    if not isinstance(value, (list, tuple)):
        return ()
    for ext in value:
        if not isinstance(ext, str):
            raise TypeError("option extensions must be array of strings or false")
    return tuple(ext if ext.startswith(".") else "." + ext for ext in value)


def _seconds(max_age: float | timedelta) -> int:
    seconds = max_age.total_seconds() if isinstance(max_age, timedelta) else max_age
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise ValueError(f"max_age must be a number of seconds >= 0 or a timedelta: {max_age!r}")
    return int(seconds)


def send_options(
    *,
    root: str | os.PathLike[str] = "",
    index: str | Literal[False] | None = None,
    max_age: float | timedelta = 0,
    immutable: bool = False,
    hidden: bool = False,
    format: bool = True,
    extensions: Sequence[str] | Literal[False] = False,
    gzip: bool = True,
    brotli: bool = True,
    set_headers: SetHeaders | None = None,
    follow_symlinks: bool = False,
) -> SendOptions:
    """Validate :func:`send`'s keyword arguments (see its docstring)."""
    if set_headers is not None and not callable(set_headers):
        raise TypeError("option setHeaders must be function")
    cache_control = f"max-age={_seconds(max_age)}" + (",immutable" if immutable else "")
    files = FileOptions(
        root=os.path.abspath(os.fspath(root) or "."),
        index=index or None,
        format=format,
        extensions=_extensions(extensions),
        gzip=gzip,
        brotli=brotli,
        follow_symlinks=follow_symlinks,
    )
    return SendOptions(files, hidden, cache_control, set_headers)


async def send(
    ctx: Context,
    path: str,
    *,
    root: str | os.PathLike[str] = "",
    index: str | Literal[False] | None = None,
    max_age: float | timedelta = 0,
    immutable: bool = False,
    hidden: bool = False,
    format: bool = True,
    extensions: Sequence[str] | Literal[False] = False,
    gzip: bool = True,
    brotli: bool = True,
    set_headers: SetHeaders | None = None,
    follow_symlinks: bool = False,
) -> str | None:
    """Answer the request with the file at URL path *path* under *root*.

    Returns the path of the file sent, or ``None`` when there was nothing to
    send (a hidden path, a directory without index, a symlink leading out of
    the root): the response is then left untouched. Raises :class:`HttpError`
    404 when the file does not exist, 400 for a malformed escape (``failed to
    decode``), a NUL byte or an absolute path (``Malicious Path``), 403 for a
    ``..`` segment or an unreadable file, 412 when ``If-Match`` /
    ``If-Unmodified-Since`` fail, 416 for an unsatisfiable ``Range``.

    *path* is raw, percent-encoded (``ctx.path``); a leading ``/`` is ignored.

    - ``root``: the directory files are served from (default: the working
      directory). Nothing outside it is ever sent.
    - ``index``: file name served for a path ending in ``/``.
    - ``max_age``: ``Cache-Control: max-age`` in **seconds** (a number or a
      ``timedelta``); koa-send's ``maxage`` is in milliseconds.
    - ``immutable``: add ``immutable`` to ``Cache-Control``.
    - ``hidden``: serve paths with a segment starting with ``.``.
    - ``format``: serve ``<dir>/<index>`` for a directory without trailing ``/``.
    - ``extensions``: extensions tried, in order, when the last segment has none
      (``["html", "htm"]``).
    - ``gzip`` / ``brotli``: send ``<file>.gz`` / ``<file>.br`` when it exists and
      the client prefers that encoding, with ``Content-Encoding`` and ``Vary``.
    - ``set_headers(ctx.response, path, stat)``: set custom headers first;
      ``Last-Modified``, ``Cache-Control``, ``ETag`` and the type are only set
      when it did not.
    - ``follow_symlinks``: serve files whose real path is outside ``root``
      (off by default: such files are not sent).

    The file is stat-ed and opened in a worker thread and sent with
    ``loop.sendfile``; HEAD gets the headers only. An empty *path* is a
    :class:`ValueError` (koa-send's ``pathname required``).
    """
    if not path:
        raise ValueError("send() needs a path: pass ctx.path, or '/' for the index")
    opts = send_options(
        root=root,
        index=index,
        max_age=max_age,
        immutable=immutable,
        hidden=hidden,
        format=format,
        extensions=extensions,
        gzip=gzip,
        brotli=brotli,
        set_headers=set_headers,
        follow_symlinks=follow_symlinks,
    )
    return await send_path(ctx, path, opts)


async def send_path(ctx: Context, path: str, opts: SendOptions) -> str | None:
    """:func:`send` with options already validated."""
    relative = relative_file_path(path, opts.files.index)
    if not opts.hidden and is_hidden(relative):
        return None
    return await send_relative(ctx, relative, opts)


_CODINGS_CACHE: dict[str, tuple[bool, bool]] = {}


def _accepted_codings(ctx: Context) -> tuple[bool, bool]:
    """Whether the client prefers ``br`` (then ``gzip``) over ``identity``.

    Clients send few distinct Accept-Encoding values: the negotiation result
    is cached per value (a bounded cache)."""
    header = ctx.get("Accept-Encoding")
    cached = _CODINGS_CACHE.get(header)
    if cached is None:
        cached = (
            ctx.accepts_encodings("br", "identity") == "br",
            ctx.accepts_encodings("gzip", "identity") == "gzip",
        )
        if len(_CODINGS_CACHE) >= 256:
            _CODINGS_CACHE.clear()
        _CODINGS_CACHE[header] = cached
    return cached


async def send_relative(ctx: Context, relative: str, opts: SendOptions) -> str | None:
    """Send the file at *relative*, a normalised path relative to the root."""
    files = opts.files
    accept_br, accept_gz = _accepted_codings(ctx) if files.gzip or files.brotli else (False, False)
    loop = asyncio.get_running_loop()
    found = await loop.run_in_executor(None, locate, files, relative, accept_br, accept_gz)
    if found is None:
        return None
    try:
        return await _answer(ctx, found, opts)
    finally:
        found.release()


async def _answer(ctx: Context, found: Found, opts: SendOptions) -> str:
    response = ctx.response
    st = found.stat
    if opts.set_headers is not None:
        result = opts.set_headers(response, found.path, st)
        if inspect.isawaitable(result):
            await result
    size = found.size
    if found.encoding:
        response.set("Content-Encoding", found.encoding)
    if found.has_variants:
        response.vary("Accept-Encoding")
    if not response.has("Last-Modified"):
        response.set("Last-Modified", formatdate(st.st_mtime, usegmt=True))
    if not response.has("Cache-Control"):
        response.set("Cache-Control", opts.cache_control)
    if not response.has("ETag"):
        suffix = "-" + found.encoding if found.encoding else ""
        response.set("ETag", f'"{st.st_mtime_ns:x}-{size:x}{suffix}"')
    if not response.type:
        extension = os.path.splitext(found.name)[1]
        if extension:
            response.type = extension
    response.set("Accept-Ranges", "bytes")

    method = ctx.method
    headers = ctx.headers
    etag = str(response.get("ETag"))
    modified = response.get("Last-Modified")
    last_modified = None if modified is None else str(modified)
    outcome = evaluate_preconditions(
        method,
        headers.get("If-Match"),
        headers.get("If-Unmodified-Since"),
        headers.get("If-None-Match"),
        headers.get("If-Modified-Since"),
        etag,
        last_modified,
    )
    if outcome is Precondition.FAILED:
        raise HttpError(412)
    if outcome is Precondition.NOT_MODIFIED:
        ctx.status = 304
        return found.path

    offset, count, status = 0, size, 200
    range_header = headers.get("Range")
    if (
        range_header is not None
        and method == "GET"
        and if_range_allows(headers.get("If-Range"), etag, last_modified)
    ):
        byte_range = parse_range(range_header, size)
        if byte_range is False:
            raise HttpError(416, headers={"Content-Range": f"bytes */{size}"})
        if byte_range is not None:
            offset, count, status = byte_range.start, byte_range.length, 206
            response.set("Content-Range", byte_range.content_range)

    if found.data is not None:
        ctx.status = status
        data = found.data
        ctx.body = data if count == len(data) else data[offset : offset + count]
        return found.path
    response.set("Content-Length", count)
    file = None
    if method != "HEAD":  # HEAD: headers only, and send_relative closes the file
        file, found.file = found.file, None
    ctx.body = FileBody(file, offset, count, status)
    return found.path
