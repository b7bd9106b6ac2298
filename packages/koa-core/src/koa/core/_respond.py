"""Koa's ``respond()``: turn the finished context into an aiohttp response.

One function, :func:`respond`, that reads top to bottom like Koa's
(``lib/application.js``). Its first branch is THE FAST PATH, where most
requests end: a str, bytes or JSON body, nothing sent yet, not HEAD, not an
empty status, goes out as one buffered response. Everything after it follows
Koa's order: ``respond = false``, headers already flushed, an aiohttp response
as the body, empty statuses, HEAD, no body, a buffered body, a stream.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiohttp import web
from multidict import CIMultiDict

from ._aiohttp import buffered_response
from ._body import UNSET, close_stream, dump_json, is_stream, iterate_stream
from .http import client_gone
from .statuses import EMPTY_STATUSES, STATUS_CODES

if TYPE_CHECKING:
    from .context import Context

__all__ = ["DISCONNECT_POLL", "respond"]

#: Seconds between checks for a client that went away while a stream body
#: produces nothing (see ``_watch_client``).
DISCONNECT_POLL = 1.0


def _headers(ctx: Context) -> CIMultiDict[str]:
    return CIMultiDict(ctx.response.wire_headers())


async def respond(ctx: Context) -> web.StreamResponse:
    """Write the response Koa-style; returns the aiohttp response to hand back."""
    response = ctx.response
    body = response._body
    status = response._status

    # -- THE FAST PATH ------------------------------------------------------
    # A str, bytes or JSON body, nothing sent yet, not HEAD, not an empty
    # status: one buffered answer. Exact type checks and private reads keep it
    # to a few hundred nanoseconds; every other case falls through to Koa's
    # order below.
    body_type = type(body)
    if (
        (body_type is str or body_type is bytes or body_type is dict or body_type is list)
        and response._res is None
        and ctx.respond is not False
        and status not in EMPTY_STATUSES
        and ctx.request._method != "HEAD"
    ):
        if body_type is str:
            encoded = response._encoded or body.encode("utf-8", "replace")
        elif body_type is bytes:
            encoded = body
        else:
            encoded = dump_json(body)
        reason = response._message or STATUS_CODES.get(status) or ""
        return buffered_response(ctx.req, status, reason, response._headers, encoded)

    # -- Koa's respond(), in its order ---------------------------------------
    if ctx.respond is False:  # the middleware writes ctx.res itself
        return response.res
    if response.header_sent:  # flush_headers() was called: only the body is left
        return await _finish_flushed(ctx)

    reason = response._message or response.message

    if isinstance(body, web.StreamResponse):  # aiohttp writes it (sendfile for files)
        return _hand_over(ctx, body, status, reason)

    if status in EMPTY_STATUSES:  # 204, 205, 304: no body, whatever was set
        response.body = None
        return web.Response(status=status, reason=reason, headers=_headers(ctx))

    if ctx.request.method == "HEAD":  # the length the body would have had, no body
        response._head_length()
        if body is not UNSET and body is not None and is_stream(body):
            await close_stream(body)
        return web.Response(status=status, reason=reason, headers=_headers(ctx))

    if body is UNSET or body is None:  # no body: the status message, or empty
        if response._explicit_null_body:
            response._no_body()
            return web.Response(status=status, reason=reason, headers=_headers(ctx))
        text = (reason or str(status)).encode("utf-8")
        response._default_body(text)
        return web.Response(body=text, status=status, reason=reason, headers=_headers(ctx))

    encoded = response.encoded_body()
    if encoded is not None:  # bytes-like, or a str/JSON the fast path did not take
        headers = _headers(ctx)
        headers.pop("Transfer-Encoding", None)
        # The real length, whatever ctx.length claimed: a lying Content-Length
        # would desynchronise the connection (Koa does not guard against it).
        headers["Content-Length"] = str(len(encoded))
        return web.Response(body=encoded, status=status, reason=reason, headers=headers)

    # A stream: piped chunk by chunk, released at the end or when the client goes.
    stream = web.StreamResponse(status=status, reason=reason, headers=_headers(ctx))
    response.res = stream
    await _pipe(ctx, stream, body)
    return stream


def _hand_over(
    ctx: Context, body: web.StreamResponse, status: int, reason: str
) -> web.StreamResponse:
    """An aiohttp response was the body: it goes out with the context's status
    and headers, and aiohttp writes its payload (sendfile for files)."""
    body.set_status(status, reason)
    body_headers = body.headers
    for name in list(body_headers):
        if name.lower() not in ctx.response._headers and name.lower() not in ("date", "server"):
            del body_headers[name]
    for name, _value in ctx.response._headers.values():
        body_headers.popall(name, None)
    body_headers.extend(ctx.response.wire_headers())
    ctx.response.res = body
    return body


async def _watch_client(ctx: Context, task: asyncio.Task[object], cut_off: list[bool]) -> None:
    """aiohttp does not cancel a handler whose client went away, so a stream that
    produces nothing would wait forever: check every :data:`DISCONNECT_POLL`
    seconds, and cancel the streaming task once the client is gone."""
    while not client_gone(ctx.req):
        await asyncio.sleep(DISCONNECT_POLL)
    cut_off.append(True)
    task.cancel()


async def _pipe(ctx: Context, stream: web.StreamResponse, body: object) -> None:
    task = asyncio.current_task()
    cut_off: list[bool] = []
    watcher = None
    if task is not None:
        watcher = asyncio.ensure_future(_watch_client(ctx, task, cut_off))
    chunks = iterate_stream(body)
    try:
        await stream.prepare(ctx.req)
        async for chunk in chunks:
            if chunk:
                await stream.write(chunk)
        await stream.write_eof()
    except ConnectionResetError:
        # A client that goes away mid-stream is not an error (Koa destroys the
        # stream and says nothing); the body is released below.
        if not client_gone(ctx.req):
            raise
    except asyncio.CancelledError:
        if not cut_off or (task is not None and task.uncancel() > 0):
            raise
    finally:
        if watcher is not None:
            watcher.cancel()
        await chunks.aclose()
        await close_stream(body)


async def _finish_flushed(ctx: Context) -> web.StreamResponse:
    """Headers went out with ``flush_headers()``: write whatever body there is."""
    response = ctx.response
    stream = response.res
    body = response._body
    if ctx.request.method != "HEAD" and response._status not in EMPTY_STATUSES:
        encoded = response.encoded_body()
        if encoded is not None:
            await stream.write(encoded)
        elif body is not UNSET and body is not None and is_stream(body):
            await _pipe(ctx, stream, body)
            return stream
    await stream.write_eof()
    return stream
