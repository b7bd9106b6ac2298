"""``serve()``: the koa-static middleware over :func:`send`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Literal

from koa.core import Context, Middleware, Next

from ._paths import relative_file_path
from ._send import SetHeaders, send_options, send_path, send_relative

__all__ = ["serve"]

_READ_METHODS = ("GET", "HEAD")


def _not_found(err: Exception) -> bool:
    return getattr(err, "status", None) == 404


def _wants_html(ctx: Context) -> bool:
    """A navigation to an unknown page: the client names ``text/html`` in
    Accept (``*/*`` alone is a script's fetch) and the last path segment has
    no dot (``/app/settings``, not ``/missing.js``)."""
    if "Accept" not in ctx.headers or "." in ctx.path.rsplit("/", 1)[-1]:
        return False
    accepted = ctx.accepts()
    return "text/html" in accepted or "application/xhtml+xml" in accepted


def serve(
    root: str | os.PathLike[str],
    *,
    index: str | Literal[False] | None = "index.html",
    max_age: float | timedelta = 0,
    immutable: bool = False,
    hidden: bool = False,
    defer: bool = False,
    format: bool = True,
    extensions: Sequence[str] | Literal[False] = False,
    gzip: bool = True,
    brotli: bool = True,
    set_headers: SetHeaders | None = None,
    follow_symlinks: bool = False,
    spa_fallback: bool | str = False,
) -> Middleware:
    """A middleware that serves the files under *root* for GET and HEAD.

    Without ``defer`` it answers first and only calls downstream when no file
    matched (a 404); with ``defer=True`` downstream runs first and a file is
    only sent when the response is still an empty 404. Other errors (400,
    403, 412, 416, 500) propagate, in both modes.

    The options are :func:`send`'s (``max_age`` is in seconds), plus:

    - ``index``: default ``"index.html"``; ``False`` (or ``None``) disables.
    - ``defer``: serve after downstream (see above).
    - ``spa_fallback``: for single-page apps, answer GET/HEAD requests that
      nothing else answered, whose ``Accept`` names ``text/html`` and whose last
      segment has no dot, with ``index`` at the root (``True``) or with the
      given file (a path relative to *root*), status 200.

    Raises :class:`ValueError` without a *root*, :class:`TypeError` for a bad
    ``extensions`` or ``set_headers``.
    """
    if not root:
        raise ValueError("root directory is required to serve files")
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
    fallback: str | None = None
    if spa_fallback:
        name = index if spa_fallback is True else spa_fallback
        if not name:
            raise ValueError("spa_fallback=True needs an index file name")
        fallback = relative_file_path("/" + name.lstrip("/"), None)

    async def try_send(ctx: Context, relative: str | None = None) -> bool:
        try:
            if relative is None:
                return await send_path(ctx, ctx.path, opts) is not None
            return await send_relative(ctx, relative, opts) is not None
        except Exception as err:
            if _not_found(err):
                return False
            raise

    async def serve_static(ctx: Context, next: Next) -> Any:
        if defer:
            await next()
            if ctx.method not in _READ_METHODS or ctx.body is not None or ctx.status != 404:
                return
            if await try_send(ctx):
                return
        else:
            if ctx.method in _READ_METHODS and await try_send(ctx):
                return
            await next()
        if (
            fallback is not None
            and ctx.method in _READ_METHODS
            and ctx.body is None
            and ctx.status == 404
            and _wants_html(ctx)
        ):
            await try_send(ctx, fallback)

    return serve_static
