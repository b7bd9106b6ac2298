"""The ``logger()`` middleware: koa-logger's lines, or JSON lines.

Per request (``format="dev"``)::

      <-- GET /users                       when the request arrives
      --> GET /users 200 12ms 1.2kb        when the response is done
      xxx GET /users 500 3ms -             when downstream raised (re-raised)
      -x- GET /users 200 40ms 64kb         when the client went away first

The response line of a buffered body (str, bytes, JSON) is written as soon as
downstream returns, right before aiohttp sends it. A streamed body is wrapped
in a counting iterator, and its line is written when the stream ends, with
the number of bytes really sent (koa-logger prints ``-`` for streams).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import sys
import time
from collections.abc import AsyncGenerator, Callable, Mapping
from json.encoder import encode_basestring_ascii
from typing import Any, Literal, cast

from aiohttp import web

from koa.core import Context, Middleware, Next, close_stream, is_stream, iterate_stream
from koa.core.http import EMPTY_STATUSES, client_gone

from ._format import Formats, human_bytes, human_time
from ._output import STDERR

__all__ = ["Fields", "Transporter", "logger"]

#: ``fields(ctx)``: extra fields for each JSON line (``{"trace_id": ...}``),
#: called when the line is written; ``None`` or ``{}`` adds nothing.
Fields = Callable[[Context], Mapping[str, Any] | None]

#: ``transporter(line, args)``: receives each formatted line and its printf
#: arguments ``[format, method, url, status, time, length]`` (``[format,
#: method, url]`` for the request line; ``[record]`` in JSON mode).
Transporter = Callable[[str, list[Any]], Any]

_log = logging.getLogger("koa.logger")
#: Body types that are never streamed (no stream checks for them).
_BUFFERED = frozenset({str, bytes, dict, list, type(None)})
#: ``json.dumps(record, separators=(",", ":"), default=str)``, the encoder
#: built once instead of per line.
_encode_any = json.JSONEncoder(separators=(",", ":"), default=str).encode
_encode_str: Callable[[str], str] = encode_basestring_ascii
_OUTCOMES = {"-->": "ok", "xxx": "error", "-x-": "aborted"}


def _to_logging(line: str) -> None:
    # The middleware checked the level once per request. makeRecord + handle
    # is logger.info() without its stack walk (findCaller): half the cost.
    STDERR.flush()  # lines kept from before logging was configured go first
    _log.handle(_log.makeRecord(_log.name, logging.INFO, "", 0, line, (), None))


#: Where the default output writes a line: through ``logging`` when a handler
#: is configured (asked once per request), else to stderr, as koa-logger
#: prints to stdout.
_to_stderr = STDERR.write


def _flush_on_shutdown(app: Any) -> None:
    """The ``on_shutdown`` hook the default output adds: lines kept in memory
    are written before the process (a worker, say) exits."""
    STDERR.flush()


def _auto_colors() -> bool:
    return "NO_COLOR" not in os.environ and sys.stderr.isatty()


def _default_body_length(ctx: Context, status: int) -> int | None:
    """The length of the body Koa sends for a response left without one: the
    status message (``Not Found``), filled in after the middleware, which
    koa-logger, logging when the response is finished, counts."""
    if (
        ctx.response.body is not None
        or status in EMPTY_STATUSES
        or ctx.method == "HEAD"
        or ctx.respond is False
    ):
        return None
    return len((ctx.message or str(status)).encode("utf-8"))


def _error_status(err: BaseException) -> int:
    for attr in ("status", "status_code"):
        status = getattr(err, attr, None)
        if isinstance(status, int) and not isinstance(status, bool) and status:
            return status
    return 500


class _CountingBody:
    """A stream body that counts the bytes taken from it and reports once,
    when it is exhausted (``"done"``), fails (``"error"``) or is closed early
    (``"closed"``: the client went away, or nothing was to be sent)."""

    __slots__ = ("_inner", "_iterator", "_report", "sent")

    def __init__(self, inner: Any, report: Callable[[_CountingBody, str], None]) -> None:
        self._inner = inner
        self._report: Callable[[_CountingBody, str], None] | None = report
        self._iterator: AsyncGenerator[bytes, None] | None = None
        self.sent = 0

    def __aiter__(self) -> _CountingBody:
        return self

    async def __anext__(self) -> bytes:
        if self._iterator is None:
            self._iterator = iterate_stream(self._inner)
        try:
            chunk = await self._iterator.__anext__()
        except StopAsyncIteration:
            self._finish("done")
            raise
        except BaseException:
            self._finish("error")
            raise
        self.sent += len(chunk)
        return chunk

    async def aclose(self) -> None:
        try:
            if self._iterator is not None:
                await self._iterator.aclose()
            await close_stream(self._inner)
        finally:
            self._finish("closed")

    def _finish(self, outcome: str) -> None:
        report, self._report = self._report, None
        if report is not None:
            report(self, outcome)


def logger(
    transporter: Transporter | None = None,
    *,
    colors: bool | None = None,
    format: Literal["dev", "json"] = "dev",
    fields: Fields | None = None,
) -> Middleware:
    """Log each request and response, as koa-logger does.

    ``transporter(line, args)`` receives every line; by default lines go to
    the ``koa.logger`` logger at INFO level (its level is set to INFO unless
    you set one; with no logging handler configured anywhere, lines are
    written to stderr in batches, at most 0.1 s after they are logged, and
    at the app's shutdown and the interpreter's exit). ``colors``: ANSI
    colours, by default only when stderr is a terminal and ``NO_COLOR`` is
    not set. ``format="json"``: one JSON object per response for production
    (method, path, status, duration in ms, bytes, ip, request_id when the
    request has one, outcome), no request line, no colours. ``fields(ctx)``:
    extra fields merged into each JSON line, called when the line is written
    (while the request's trace span is current, with koa-opentelemetry's
    ``log_fields``); they never replace the logger's own fields, and a
    ``fields`` that raises is logged and skipped.
    """
    if transporter is not None and not callable(transporter):
        raise TypeError(f"transporter must be a function, got {transporter!r}")
    if format not in ("dev", "json"):
        raise ValueError(f"format must be 'dev' or 'json', got {format!r}")
    if fields is not None and not callable(fields):
        raise TypeError(f"fields must be a function (ctx) -> dict, got {fields!r}")
    # Called only when given (out is None): the default output is ``out``.
    send = cast(Transporter, transporter)
    if transporter is None and _log.level == logging.NOTSET:
        _log.setLevel(logging.INFO)
    formats = Formats(_auto_colors() if colors is None else bool(colors))
    json_mode = format == "json"
    # The app that last got the flush hook (one identity check per request).
    hooked: list[Any] = [None]

    def report(
        ctx: Context,
        start: float,
        out: Callable[[str], None] | None,
        marker: str,
        status: int,
        sent: int | None,
    ) -> None:
        elapsed = time.perf_counter() - start
        # ctx.response.length serialises a JSON body to measure it, as Koa does;
        # an error line shows no length, so it does not ask.
        size = sent if sent is not None or marker == "xxx" else ctx.response.length
        if size is None and marker != "xxx":
            size = _default_body_length(ctx, status)
        if json_mode:
            if status in EMPTY_STATUSES or ctx.method == "HEAD":
                size = 0
            record, text = _json_record(ctx, marker, status, elapsed, size)
            if fields is not None:
                _add_fields(record, fields, ctx)
                text = None  # fields of any type: the general encoder
            if text is None:
                text = _encode_json(record)
            if out is not None:
                out(text)
            else:
                send(text, [record])
        else:
            if marker == "xxx":
                length = "-"
            elif status in EMPTY_STATUSES:
                length = ""
            else:
                length = human_bytes(size) if size else "-"  # koa-logger: 0 is "-"
            fmt = formats.response(marker, status)
            method, url = ctx.method, ctx.original_url
            took = human_time(int(elapsed * 1000))
            if out is not None:
                out(fmt % (method, url, status, took, length))
            else:
                args = [fmt, method, url, status, took, length]
                send(fmt % (method, url, status, took, length), args)
        if marker == "xxx" and out is not None:
            STDERR.flush()  # before the traceback Koa prints next

    async def logger_middleware(ctx: Context, next: Next) -> Any:
        out: Callable[[str], None] | None = None
        if transporter is None:
            if not _log.isEnabledFor(logging.INFO):
                return await next()
            app = ctx.app
            if app is not hooked[0]:
                hooked[0] = app
                if _flush_on_shutdown not in app.on_shutdown:
                    app.on_shutdown.append(_flush_on_shutdown)
            out = _to_logging if _log.hasHandlers() else _to_stderr
        start = time.perf_counter()
        if not json_mode:
            fmt = formats.request
            method, url = ctx.method, ctx.original_url
            if out is not None:
                out(fmt % (method, url))
            else:
                send(fmt % (method, url), [fmt, method, url])
        try:
            result = await next()
        except Exception as err:
            report(ctx, start, out, "xxx", _error_status(err), None)
            raise
        except asyncio.CancelledError:
            # Cancelled: the client went away (aiohttp's handler_cancellation)
            # or the server is shutting down. koa-logger logs -x- on "close".
            report(ctx, start, out, "-x-", ctx.status, None)
            raise

        body = ctx.response.body
        if (
            type(body) in _BUFFERED  # the common case: no stream checks
            or ctx.respond is False
            or ctx.method == "HEAD"
            or ctx.status in EMPTY_STATUSES
            or isinstance(body, web.StreamResponse)
            or not is_stream(body)
        ):
            report(ctx, start, out, "-x-" if client_gone(ctx.req) else "-->", ctx.status, None)
            return result

        def finished(counted: _CountingBody, outcome: str) -> None:
            gone = outcome == "error" or (outcome == "closed" and client_gone(ctx.req))
            report(ctx, start, out, "-x-" if gone else "-->", ctx.status, counted.sent)

        # Replacing a stream drops Content-Length (Koa's rule): put it back.
        declared = ctx.response.get("Content-Length")
        ctx.body = _CountingBody(body, finished)
        if declared is not None:
            ctx.set("Content-Length", declared)
        return result

    return logger_middleware


def _add_fields(record: dict[str, Any], fields: Fields, ctx: Context) -> None:
    try:
        extra = fields(ctx)
        for name, value in (extra or {}).items():
            record.setdefault(str(name), value)
    except Exception:
        _log.warning("the logger's fields() raised; the line is written without", exc_info=True)


def _encode_json(record: dict[str, Any]) -> str:
    """``json.dumps(record, separators=(",", ":"), default=str)``, the same
    text, written directly when every value is a str, int, finite float or
    None (JSONEncoder's own output for them), else by the encoder."""
    parts = []
    for key, value in record.items():
        kind = type(value)
        if kind is str:
            text = _encode_str(value)
        elif kind is int:
            text = int.__repr__(value)
        elif value is None:
            text = "null"
        elif kind is float and math.isfinite(value):
            text = float.__repr__(value)
        else:
            return _encode_any(record)
        parts.append(_encode_str(key) + ":" + text)
    return "{" + ",".join(parts) + "}"


def _json_record(
    ctx: Context, marker: str, status: int, elapsed: float, size: int | None
) -> tuple[dict[str, Any], str | None]:
    """The record of a JSON line, and its text when it is made of the usual
    types (``_encode_json(record)``'s text, written directly: 4x faster)."""
    method = ctx.method
    path = ctx.original_url.split("?", 1)[0]
    duration = round(elapsed * 1000, 3)
    if marker == "xxx":
        size = None
    ip = ctx.ip
    outcome = _OUTCOMES[marker]
    record: dict[str, Any] = {
        "method": method,
        "path": path,
        "status": status,
        "duration": duration,
        "bytes": size,
        "ip": ip,
        "outcome": outcome,
    }
    request_id = ctx.state.get("request_id") or ctx.request.get("X-Request-Id")
    if request_id:
        record["request_id"] = request_id
    if (
        type(ip) is not str
        or isinstance(status, bool)
        or not isinstance(status, int)
        or not (size is None or type(size) is int)
        or not math.isfinite(duration)
    ):
        return record, None
    if request_id:
        if type(request_id) is not str:
            return record, None
        tail = ',"request_id":' + _encode_str(request_id) + "}"
    else:
        tail = "}"
    text = (
        f'{{"method":{_encode_str(method)},"path":{_encode_str(path)},'
        f'"status":{int.__repr__(status)},"duration":{float.__repr__(duration)},'
        f'"bytes":{"null" if size is None else int.__repr__(size)},'
        f'"ip":{_encode_str(ip)},"outcome":"{outcome}"{tail}'
    )
    return record, text
