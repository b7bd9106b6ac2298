"""Whole-server fuzzer: an app using all six packages, served for real on
loopback, takes generated raw HTTP requests (valid, almost valid, garbage).

    python scripts/fuzz_server.py --requests 50000            # the big run
    python scripts/fuzz_server.py --requests 3000 --seed 7    # what the test runs

The server runs in a child process (so that its file descriptors, asyncio
tasks and RSS are its own) and reports them at ``GET /__fuzz/stats``. The
client sends each generated request on a fresh connection (a few on one
keep-alive connection, or pipelined), reads the answers, and checks:

* no 5xx that the app did not ask for (its own 5xx carry ``X-Fuzz-Expected``);
* every valid request is answered, with a status its route allows;
* no answer ever carries the secret file placed outside the static root;
* the server keeps answering (a probe every 500 requests);
* nothing reached the app's ``"error"`` event or the ``aiohttp``/``koa``
  loggers at ERROR level that the app did not ask for;
* afterwards, open fds and asyncio tasks are back to their baseline and RSS
  grew by less than ``--rss-growth`` percent.

Generation is seeded (``--seed``) and repeatable. Exit status 0 when every
check passed; the report prints requests sent, distinct failures (with one
sample request each) and the resource figures.

The module also gives the tests their building blocks: :func:`build_app`,
:func:`serve_in_thread`, :func:`raw_exchange` and :class:`ResponseParser`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import json
import logging
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp.http_exceptions import HttpProcessingError

from koa.bodyparser import BodyParserContext, BodyRequest, bodyparser
from koa.core import Context, CookieError, HttpError, Koa, Next
from koa.logger import logger
from koa.mount import mount
from koa.router import Router, RouterContext, RouterRequest
from koa.static import serve

__all__ = [
    "SECRET",
    "FuzzReport",
    "Reply",
    "ResponseParser",
    "build_app",
    "make_static_root",
    "raw_exchange",
    "run_fuzz",
    "serve_in_thread",
    "server_stats",
]

#: The content of a file next to (outside) the static root, reachable only
#: through a symlink inside it: it must never appear in an answer.
SECRET = b"FUZZ-SECRET-OUTSIDE-THE-ROOT"
#: The header the app puts on the 5xx it produces on purpose.
EXPECTED = "X-Fuzz-Expected"
STATS_PATH = "/__fuzz/stats"
#: aiohttp's ``lingering_time``: how long a server task may keep reading the
#: unread body of a request it answered (the fuzz server sets it).
LINGERING_TIME = 2.0
#: Seconds to wait for an answer to an almost valid or garbage request.
JUNK_TIMEOUT = 0.3

# -- the app ---------------------------------------------------------------------


def make_static_root(base: Path) -> Path:
    """A static root under *base* with small, large, pre-compressed, hidden and
    nested files, a FIFO, and symlinks leading inside and outside the root."""
    root = base / "public"
    (root / "sub" / "dir").mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text("<h1>index</h1>\n")
    (root / "a.txt").write_text("hello static\n" * 20)
    (root / "a.txt.gz").write_bytes(gzip.compress((root / "a.txt").read_bytes()))
    (root / "big.bin").write_bytes(bytes(range(256)) * 1200)  # > SMALL_FILE: sendfile
    (root / ".env").write_text("HIDDEN=1\n")
    (root / "sub" / "dir" / "index.html").write_text("<p>nested</p>\n")
    (root / "sp ace é.txt").write_text("unicode name\n")
    (base / "secret.txt").write_bytes(SECRET)
    for name, target in (("leak.txt", base / "secret.txt"), ("outside", base)):
        link = root / name
        if not link.is_symlink():
            link.symlink_to(target)
    inside = root / "inside-link.txt"
    if not inside.is_symlink():
        inside.symlink_to(root / "a.txt")
    fifo = root / "fifo"
    if not fifo.exists() and hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
    return root


@dataclass
class AppStats:
    """What the server saw that the app did not ask for."""

    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)
    finally_runs: int = 0
    log_lines: int = 0
    malformed_logged: int = 0

    def record(self, key: str, sample: str) -> None:
        self.errors[key] += 1
        self.samples.setdefault(key, sample[:500])


class _ErrorLogHandler(logging.Handler):
    """Counts ERROR records of the aiohttp and koa loggers."""

    def __init__(self, stats: AppStats) -> None:
        super().__init__(logging.ERROR)
        self.stats = stats

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and getattr(exc, "fuzz_expected", False):
            return
        if isinstance(exc, HttpProcessingError) and 400 <= exc.code < 500:
            # aiohttp logs every malformed request at ERROR (with a traceback)
            # after answering it 400: noise to filter, not a server failure.
            self.stats.malformed_logged += 1
            return
        detail = f"{type(exc).__name__}: {exc}" if exc is not None else record.getMessage()
        self.stats.record(f"log {record.name}: {detail[:120]}", record.getMessage())


class FuzzRequest(RouterRequest, BodyRequest):
    """``ctx.request`` with the router's and the body parser's attributes."""

    __slots__ = ()


class FuzzContext(RouterContext, BodyParserContext):
    """The fuzz app's handlers read ``ctx.params`` and ``ctx.request.body``."""

    __slots__ = ()
    request: FuzzRequest


def _query(ctx: Context, name: str) -> str:
    value = ctx.query.get(name, "")
    return value[0] if isinstance(value, list) else value


def build_app(root: Path, stats: AppStats | None = None) -> Koa:
    """The fuzzed app: logger, body parser, router (params, wildcards, cookies,
    redirects, headers, streams), static files mounted under ``/static`` and a
    sub-app mounted under ``/api``; ``GET /__fuzz/stats`` reports the server's
    fds, tasks and RSS."""
    stats = stats or AppStats()
    app = Koa(keys=["fuzz-key-new", "fuzz-key-old"], silent=True)

    def on_error(err: BaseException, ctx: Context | None) -> None:
        if getattr(err, "fuzz_expected", False):
            return
        status = getattr(err, "status", 500)
        if not isinstance(status, int) or status >= 500:
            where = f"{ctx.method} {ctx.original_url}" if ctx is not None else "?"
            stats.record(f"error event {type(err).__name__}: {err}"[:160], where)

    app.on("error", on_error)

    def count_line(line: str, args: list[Any]) -> None:
        stats.log_lines += 1

    router: Router[FuzzContext] = Router()

    async def home(ctx: FuzzContext, next: Next) -> None:
        ctx.body = "home"

    async def load_user(user_id: str, ctx: FuzzContext, next: Next) -> None:
        if not user_id.isdigit():
            ctx.throw(404, "no such user")
        await next()

    async def user(ctx: FuzzContext, next: Next) -> None:
        ctx.body = {"id": ctx.params["id"], "query": ctx.query}

    async def files(ctx: FuzzContext, next: Next) -> None:
        ctx.body = {"path": ctx.params.get("path", "")}

    async def echo(ctx: FuzzContext, next: Next) -> None:
        body = ctx.request.body
        ctx.body = {"body": body, "files": len(ctx.request.files)}

    async def cookie(ctx: FuzzContext, next: Next) -> None:
        name, value = _query(ctx, "name") or "c", _query(ctx, "value")
        try:
            ctx.cookies.set(name, value, signed=True, path=_query(ctx, "path") or "/")
        except CookieError as err:
            ctx.throw(400, str(err))
        ctx.body = {"read": ctx.cookies.get(name, signed=True)}

    async def header(ctx: FuzzContext, next: Next) -> None:
        try:
            ctx.set("X-Echo", _query(ctx, "v"))
        except ValueError as err:
            ctx.throw(400, str(err))
        ctx.body = "ok"

    async def redirect(ctx: FuzzContext, next: Next) -> None:
        ctx.redirect(_query(ctx, "to") or "/")

    async def back(ctx: FuzzContext, next: Next) -> None:
        ctx.redirect("back", "/fallback")

    async def attachment(ctx: FuzzContext, next: Next) -> None:
        ctx.attachment(_query(ctx, "name") or None)
        ctx.body = b"data"

    async def stream(ctx: FuzzContext, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            try:
                for i in range(5):
                    yield b"chunk %d\n" % i
                    await asyncio.sleep(0)
            finally:
                stats.finally_runs += 1

        ctx.body = chunks()

    async def file_object(ctx: FuzzContext, next: Next) -> None:
        ctx.type = "application/octet-stream"
        ctx.body = open(root / "big.bin", "rb")  # noqa: SIM115 - closed by koa-core

    async def fail(ctx: FuzzContext, next: Next) -> None:
        err = HttpError(503, "asked for", headers={EXPECTED: "1"})
        err.fuzz_expected = True  # type: ignore[attr-defined]
        raise err

    async def fresh(ctx: FuzzContext, next: Next) -> None:
        ctx.etag = "v1"
        ctx.set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
        ctx.status = 304 if ctx.fresh else 200
        if ctx.status == 200:
            ctx.body = {
                "accepts": ctx.accepts("json", "html", "text"),
                "encodings": ctx.accepts_encodings("gzip", "br", "identity"),
                "languages": ctx.accepts_languages(),
                "host": ctx.host,
                "hostname": ctx.hostname,
                "protocol": ctx.protocol,
                "ips": ctx.ips,
                "ip": ctx.ip,
                "subdomains": ctx.subdomains,
                "is": ctx.is_("json", "urlencoded", "multipart"),
                "charset": ctx.request.charset,
                "url": str(ctx.URL),
            }

    async def slow(ctx: FuzzContext, next: Next) -> None:
        try:
            await asyncio.sleep(0.05)
            ctx.body = "slow"
        finally:
            stats.finally_runs += 1

    async def report(ctx: FuzzContext, next: Next) -> None:
        gc.collect()
        ctx.body = server_stats(stats)

    router.get("/", home).get("/users/:id", user).get("/files/*path", files)
    router.get("/opt{/:a}{/:b}", files)
    router.post("/echo", echo).put("/echo", echo).patch("/echo", echo)
    router.get("/cookie", cookie).get("/header", header).get("/redirect", redirect)
    router.get("/back", back).get("/attachment", attachment).get("/stream", stream)
    router.get("/file", file_object).get("/fail", fail).get("/fresh", fresh)
    router.get("/slow", slow).get(STATS_PATH, report)
    router.param("id", load_user)

    api = Koa()
    api_router: Router[FuzzContext] = Router(prefix="/v1")

    async def api_item(ctx: FuzzContext, next: Next) -> None:
        ctx.body = {"item": ctx.params["item"], "mount": getattr(ctx, "mount_path", None)}

    api_router.get("/items/:item", api_item).post("/items", echo)
    api.use(api_router.routes()).use(api_router.allowed_methods())

    app.use(logger(count_line, colors=False))
    app.use(
        bodyparser(
            enable_types=["json", "form", "text", "xml", "multipart"],
            json_limit="64kb",
            form_limit="16kb",
            text_limit="16kb",
            multipart_limit="256kb",
            file_limit="64kb",
        )
    )
    app.use(mount("/static", serve(root, extensions=["txt"])))
    app.use(mount("/api", api))
    app.use(router.routes()).use(router.allowed_methods())
    app.__dict__["fuzz_stats"] = stats
    return app


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_stats(stats: AppStats) -> dict[str, Any]:
    """The serving process's open fds, asyncio tasks and RSS, and the errors it
    saw that the app did not ask for."""
    return {
        "fds": len(os.listdir("/proc/self/fd")),
        "tasks": len(asyncio.all_tasks()),
        "task_names": sorted(_task_name(task) for task in asyncio.all_tasks()),
        "rss_kib": _rss_kib(),
        "errors": dict(stats.errors),
        "samples": stats.samples,
        "finally_runs": stats.finally_runs,
        "log_lines": stats.log_lines,
        "malformed_logged": stats.malformed_logged,
    }


def _task_name(task: asyncio.Task[Any]) -> str:
    """The task's coroutine and where it waits (the innermost await)."""
    coro: Any = task.get_coro()
    name = getattr(coro, "__qualname__", None) or repr(coro)
    where = ""
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "ag_frame", None)
        if frame is not None:
            where = f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}"
        coro = getattr(coro, "cr_await", None) or getattr(coro, "ag_await", None)
    return f"{name} @ {where}" if where else name


# -- serving -------------------------------------------------------------------------


@contextmanager
def serve_in_thread(app: Koa) -> Iterator[tuple[str, int]]:
    """Serve *app* on an ephemeral loopback port from a thread with its own
    event loop (for synchronous tests, hypothesis ones); yields (host, port)."""
    loop = asyncio.new_event_loop()
    started: list[Any] = []
    ready = threading.Event()

    async def start() -> None:
        try:
            started.append(await app.listen(0, "127.0.0.1", shutdown_timeout=1.0))
        except BaseException as err:  # reported in the calling thread
            started.append(err)
        ready.set()

    thread = threading.Thread(target=loop.run_forever, name="koa-fuzz-server", daemon=True)
    thread.start()
    loop.call_soon_threadsafe(lambda: loop.create_task(start()))
    ready.wait(10)
    handle = started[0] if started else RuntimeError("server did not start")
    if isinstance(handle, BaseException):
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
        raise handle
    try:
        yield "127.0.0.1", handle.port
    finally:
        asyncio.run_coroutine_threadsafe(handle.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


# -- a raw HTTP/1.1 client -------------------------------------------------------------


@dataclass
class Reply:
    """One parsed response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of header *name*."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


class ResponseParser:
    """Incremental HTTP/1.1 response parser (sans I/O): ``feed(data)`` returns
    the responses completed so far. *methods* are the methods of the requests
    sent, in order (HEAD answers have no body)."""

    def __init__(self, methods: list[str]) -> None:
        self.methods = list(methods)
        self.buffer = b""
        self.replies: list[Reply] = []
        self.error: str | None = None

    def feed(self, data: bytes) -> list[Reply]:
        """Add *data*; return every response completed by it."""
        self.buffer += data
        done: list[Reply] = []
        while self.error is None and len(self.replies) < len(self.methods):
            reply = self._one(eof=False)
            if reply is None:
                break
            done.append(reply)
        return done

    def feed_eof(self) -> list[Reply]:
        """The connection closed: a body delimited by the close is complete."""
        reply = self._one(eof=True) if self.buffer and self.error is None else None
        return [reply] if reply is not None else []

    def _one(self, eof: bool) -> Reply | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if eof and self.buffer:
                self.error = "truncated headers"
            return None
        head = self.buffer[:end].decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        # aiohttp answers in the version the request line claimed (0.9, 2.0...).
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            self.error = f"bad status line {lines[0][:80]!r}"
            return None
        status = int(parts[1])
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                self.error = f"bad header line {line[:80]!r}"
                return None
            headers.append((name.strip(), value.strip()))
        names = {k.lower(): v for k, v in headers}
        rest = self.buffer[end + 4 :]
        method = self.methods[len(self.replies)] if len(self.replies) < len(self.methods) else "GET"
        if 100 <= status < 200:
            self.buffer = rest  # an interim answer (100 Continue): not counted
            return self._one(eof)
        if method == "HEAD" or status in (204, 304):
            body, rest2 = b"", rest
        elif "chunked" in names.get("transfer-encoding", "").lower():
            parsed = _dechunk(rest)
            if parsed is None:
                if eof:
                    self.error = "truncated chunked body"
                return None
            body, rest2 = parsed
        elif "content-length" in names:
            length = int(names["content-length"])
            if len(rest) < length:
                if eof:
                    self.error = "truncated body"
                return None
            body, rest2 = rest[:length], rest[length:]
        else:
            if not eof:
                return None
            body, rest2 = rest, b""
        self.buffer = rest2
        reply = Reply(status, headers, body)
        self.replies.append(reply)
        return reply


def _dechunk(data: bytes) -> tuple[bytes, bytes] | None:
    body = bytearray()
    position = 0
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = int(data[position:line_end].split(b";")[0], 16)
        position = line_end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n", position)
            if trailer_end < 0:
                return None
            return bytes(body), data[trailer_end + 2 :]
        if len(data) < position + size + 2:
            return None
        body += data[position : position + size]
        position += size + 2


def raw_exchange(
    port: int,
    payload: bytes,
    methods: list[str] | None = None,
    *,
    timeout: float = 5.0,
    host: str = "127.0.0.1",
) -> tuple[list[Reply], str]:
    """Send *payload* on a new connection and read one answer per method in
    *methods* (default one GET). Returns the answers and how the exchange
    ended: ``"ok"``, ``"closed"`` (the server closed first), ``"reset"`` or
    ``"timeout"``, or a parse error."""
    methods = methods or ["GET"]
    parser = ResponseParser(methods)
    replies: list[Reply] = []
    with socket.create_connection((host, port), timeout=timeout) as sock:
        try:
            sock.sendall(payload)
            while len(replies) < len(methods):
                data = sock.recv(65536)
                if not data:
                    replies += parser.feed_eof()
                    return replies, parser.error or ("ok" if replies else "closed")
                replies += parser.feed(data)
                if parser.error:
                    return replies, parser.error
        except TimeoutError:
            return replies, "timeout"
        except (ConnectionResetError, BrokenPipeError):
            return replies, "reset"
    return replies, "ok"


async def _async_exchange(
    host: str, port: int, payload: bytes, methods: list[str], timeout: float
) -> tuple[list[Reply], str]:
    parser = ResponseParser(methods)
    replies: list[Reply] = []
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10.0)
    except (OSError, TimeoutError) as err:
        return [], f"connect failed: {type(err).__name__}"
    try:
        writer.write(payload)
        deadline = time.monotonic() + timeout
        while len(replies) < len(methods):
            left = deadline - time.monotonic()
            if left <= 0:
                return replies, "timeout"
            try:
                data = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                return replies, "timeout"
            if not data:
                replies += parser.feed_eof()
                return replies, parser.error or ("ok" if replies else "closed")
            replies += parser.feed(data)
            if parser.error:
                return replies, parser.error
        return replies, "ok"
    except (ConnectionResetError, BrokenPipeError):
        return replies, "reset"
    finally:
        writer.transport.abort()


# -- request generation ------------------------------------------------------------------

_TEXT_BITS = [
    "a", "Z", "0", "9", "-", "_", ".", "~", "é", "日本", "%20", "%2F", "%2f", "%2e", "%2E%2E",
    "%00", "%", "%zz", "%C3%A9", "%FF", "%E2%82", "..", "/", "//", "\\", "+", "?", "&", "=",
    "[", "]", "{", "}", ":", ";", "'", '"', "<", ">", "@", "!", "*", "(", ")", "|", "`", "^",
    "__proto__", "constructor", "%5B", "%5D", "\u202e", "\x7f",
]  # fmt: skip
_STATIC_PATHS = [
    "/static/a.txt", "/static/a", "/static/big.bin", "/static/", "/static/index.html",
    "/static/.env", "/static/leak.txt", "/static/outside/secret.txt", "/static/inside-link.txt",
    "/static/sub/dir", "/static/sub/dir/", "/static/fifo", "/static/sp%20ace%20%C3%A9.txt",
    "/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2e%2e%2fsecret.txt",
    "/static/..%5csecret.txt", "/static/%00", "/static/C:%5cwin", "/static/%", "/static/%c0%ae",
    "/static//etc/passwd", "/static/sub/../a.txt", "/static/a.txt/", "/static/a.txt.gz",
]  # fmt: skip
_ROUTES = [
    "/", "/users/{n}", "/users/{t}", "/files/{t}/{t}", "/opt", "/opt/{t}", "/opt/{t}/{t}",
    "/echo", "/cookie?name={t}&value={t}", "/cookie?value={t}&path={t}", "/header?v={t}",
    "/redirect?to={t}", "/redirect?to=http://{t}.example/{t}", "/back", "/attachment?name={t}",
    "/stream", "/file", "/fail", "/fresh", "/slow", "/api/v1/items/{t}", "/api/v1/items",
    "/api/v1/nothing", "/api", "/nowhere/{t}", "/USERS/{n}", "/users/{n}/", "/static",
]  # fmt: skip
_METHODS = ["GET"] * 6 + ["HEAD", "POST", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
_HEADER_VALUES: dict[str, list[str]] = {
    "Accept": ["*/*", "text/html", "application/json;q=0.5, text/*;q=0.1", "", ";;;", "a/b/c",
               "text/html;q=NaN", "*/*;q=1e999", "text/html;level=1;q=0.3, */*;q=-1"],
    "Accept-Encoding": ["gzip", "br;q=1, gzip;q=0.5", "identity;q=0", "*;q=0", "", "gzip;q=x"],
    "Accept-Language": ["en", "fr-CA, en;q=0.8", "*", "", "x-" + "a" * 100, "en;q=2"],
    "Cookie": ["c=1", "c=v; c.sig=bogus", "c=\"q\"", "=", ";;;", "c", "a=b=c; d",
               "c=%ZZ; c.sig=AAAA"],
    "Range": ["bytes=0-10", "bytes=-5", "bytes=10-", "bytes=5-1", "bytes=0-0,2-3", "items=1-2",
              "bytes=" + "9" * 30 + "-", "bytes=-0", "bytes=999999-", "bytes=٣-",
              "bytes=" + "1" * 5000 + "-", "bytes=-" + "9" * 4400],
    "If-None-Match": ['"v1"', "*", 'W/"v1"', "", '"a", "b"'],
    "If-Modified-Since": ["Mon, 01 Jan 2024 00:00:00 GMT", "garbage", "Mon, 01 Jan 1 0:0:0",
                          "Sun, 06 Nov 1994 08:49:37 GMT", "Mon, 01 Jan 2999 00:00:00 GMT",
                          "Mon, 01 Jan 99999999999 00:00:00 GMT", "Mon, 01 Jan 2020 0:0:0 +99999"],
    "If-Range": ['"v1"', "Mon, 01 Jan 2024 00:00:00 GMT", "W/\"x\"", "",
                 "Tue, 01 Jan 99999999999 00:00:00 GMT"],
    "If-Unmodified-Since": ["Mon, 01 Jan 2024 00:00:00 GMT", "x", "Mon, 01 Jan 2020 0:0:0 +99999"],
    "If-Match": ['"v1"', "*", "", 'W/"a", "b"'],
    "Host": ["localhost", "evil.com", "a.b.c.example.com:8080", "[::1]:80", "[bad", "u@evil",
             "", "x:y:z", "%00"],
    "X-Forwarded-For": ["1.2.3.4", ", 1.2.3.4", "a, b, c", "", "::1"],
    "X-Forwarded-Host": ["evil.com", "", ","],
    "X-Forwarded-Proto": ["https", "javascript", ""],
    "Referer": ["http://localhost/x", "http://evil.com/", "//evil.com", "/\\evil.com",
                "javascript:alert(1)", "", "http://localhost:80/y", "https:evil.com"],
    "Content-Type": ["application/json", "application/x-www-form-urlencoded", "text/plain",
                     "application/xml", "multipart/form-data; boundary=xyz",
                     "multipart/form-data", "application/json; charset=latin1",
                     "application/octet-stream", "", ";", "text/plain; charset=\"utf-8\""],
    "Content-Encoding": ["gzip", "deflate", "br", "identity", "compress", "gzip, gzip", ""],
    "Expect": ["100-continue", "bogus"],
    "Transfer-Encoding": ["chunked", "gzip, chunked", "identity"],
    "Connection": ["keep-alive", "close", "upgrade"],
    "Upgrade": ["websocket", "h2c"],
}  # fmt: skip


@dataclass
class Case:
    """One connection's worth of generated traffic."""

    kind: str  # "valid", "pipelined", "mutated:<how>", "garbage:<how>"
    payload: bytes
    methods: list[str]
    paths: list[str]


def _text(rng: random.Random, low: int = 1, high: int = 6) -> str:
    return "".join(rng.choice(_TEXT_BITS) for _ in range(rng.randint(low, high)))


def _url_text(rng: random.Random) -> str:
    # What may appear raw in a request target: keep it parseable by aiohttp.
    text = _text(rng)
    return "".join(c if 0x21 <= ord(c) < 0x7F and c not in "#" else f"%{ord(c):02X}" for c in
                   text.encode("utf-8").decode("latin-1")) or "x"  # fmt: skip


def _path(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(_STATIC_PATHS)
    template = rng.choice(_ROUTES)
    while "{n}" in template:
        template = template.replace("{n}", str(rng.randint(0, 10**6)), 1)
    while "{t}" in template:
        template = template.replace("{t}", _url_text(rng), 1)
    return template


def _json_body(rng: random.Random) -> bytes:
    choice = rng.random()
    if choice < 0.4:
        value: Any = {_text(rng): _text(rng) for _ in range(rng.randint(0, 4))}
        return json.dumps(value).encode()
    if choice < 0.5:
        return b"[" * rng.randint(1, 3000) + b"]" * rng.randint(0, 3000)
    if choice < 0.6:
        return b'{"__proto__": {"x": 1}}'
    if choice < 0.7:
        return b'{"a": ' + b"9" * rng.randint(1, 6000) + b"}"
    if choice < 0.8:
        return b'{"a": 1e999, "b": NaN}'
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))


def _form_body(rng: random.Random) -> bytes:
    keys = ["a", "a[b]", "a[]", "a.b", "a[0]", "a[25]", "a[b][c][d][e][f][g]", "__proto__[x]",
            "constructor[prototype][x]", "a[__proto__]", "%5Bx%5D", "", "=", "b"]  # fmt: skip
    pairs = [f"{rng.choice(keys)}={_url_text(rng)}" for _ in range(rng.choice([1, 3, 10, 1200]))]
    return "&".join(pairs).encode("latin-1", "replace")


def _multipart_body(rng: random.Random, boundary: str) -> bytes:
    parts = []
    for index in range(rng.randint(0, 4)):
        if rng.random() < 0.5:
            disposition = f'form-data; name="f{index}"'
            content = _text(rng).encode()
        else:
            name = rng.choice(["a.txt", "../../etc/passwd", "", "x\u202e.exe", "a\\b"])
            disposition = f'form-data; name="file{index}"; filename="{name}"'
            content = os.urandom(rng.choice([0, 10, 70_000]))
        parts.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content
        )
    closing = b"" if rng.random() < 0.2 else f"\r\n--{boundary}--\r\n".encode()
    return b"\r\n".join(parts) + closing


def _compress(rng: random.Random, body: bytes, coding: str) -> bytes:
    if rng.random() < 0.15:
        return body  # claims an encoding it does not have
    if coding == "gzip":
        return gzip.compress(body)
    if coding == "deflate":
        return zlib.compress(body)
    if coding == "br":
        try:
            import brotli  # type: ignore[import-untyped,import-not-found,unused-ignore]

            return bytes(brotli.compress(body))
        except ImportError:
            return body
    return body


_RUNS = [
    " ",
    " ",
    " ",
    "\t",
    ",",
    ";",
    "=",
    "-",
    "0",
    "9",
    "a",
    "*",
    "/",
    "q=",
    '"',
    "\\",
    "%",
    ".",
]


def _pathological(rng: random.Random, value: str) -> str:
    """A header value made of long runs (3000 characters or so) of what the
    parsers' patterns repeat, so that a regex that backtracks (ReDoS) shows as
    an answer that does not come in time."""
    a = rng.choice(_RUNS)
    b = a if rng.random() < 0.5 else rng.choice(_RUNS)
    n = 3000 // max(len(a), len(b))
    separators = [c for c in "=-;,:/" if c in value] or ["="]
    sep = rng.choice(separators)
    padded = "".join(c for c in value if not c.isdigit() or rng.random() < 0.5)
    padded = padded.replace(sep, a * (n // 2) + sep + b * (n // 2), 1) + "x"
    choice = rng.choice([a * n + "x", value + a * n + b * n + "x", (a + b) * n, padded, padded])
    return choice[-7000:]  # aiohttp refuses a header line over 8190 bytes


def _valid(rng: random.Random) -> tuple[bytes, str, str]:
    method = rng.choice(_METHODS)
    path = _path(rng)
    if rng.random() < 0.1:
        method = rng.choice(["POST", "PUT"])
        path = rng.choice(["/echo", "/api/v1/items"])
    headers: list[tuple[str, str]] = [("Host", "localhost")]
    for name in rng.sample(sorted(_HEADER_VALUES), rng.randint(0, 4)):
        if name in ("Content-Type", "Content-Encoding", "Transfer-Encoding", "Connection"):
            continue
        if name in ("Expect", "Upgrade"):
            continue
        value = rng.choice(_HEADER_VALUES[name])
        if rng.random() < 0.1:
            value = _pathological(rng, value)
        if name == "Host":
            headers[0] = ("Host", value)
        else:
            headers.append((name, value))
    body = b""
    if method in ("POST", "PUT", "PATCH") or rng.random() < 0.05:
        kind = rng.choice(["json", "form", "text", "multipart", "xml", "other", "bomb"])
        boundary = "xyz"
        if kind == "json":
            content_type, body = "application/json", _json_body(rng)
        elif kind == "form":
            content_type, body = "application/x-www-form-urlencoded", _form_body(rng)
        elif kind == "multipart":
            content_type = f"multipart/form-data; boundary={boundary}"
            body = _multipart_body(rng, boundary)
        elif kind == "bomb":
            content_type, body = "application/json", b'{"a": "' + b"0" * 2_000_000 + b'"}'
        else:
            content_type = rng.choice(_HEADER_VALUES["Content-Type"])
            body = _text(rng, 0, 40).encode()
        headers.append(("Content-Type", content_type))
        if kind == "bomb" or rng.random() < 0.2:
            coding = rng.choice(_HEADER_VALUES["Content-Encoding"])
            if kind == "bomb":
                coding = rng.choice(["gzip", "deflate", "br"])
            body = _compress(rng, body, coding)
            if coding:
                headers.append(("Content-Encoding", coding))
        if rng.random() < 0.1:
            headers.append(("Expect", "100-continue"))
        if rng.random() < 0.25:
            headers.append(("Transfer-Encoding", "chunked"))
            chunked = b""
            for start in range(0, len(body), 4096):
                piece = body[start : start + 4096]
                chunked += b"%x\r\n%s\r\n" % (len(piece), piece)
            body = chunked + b"0\r\n\r\n"
        else:
            headers.append(("Content-Length", str(len(body))))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode("utf-8") + b"\r\n" + body, method, path


_MUTATIONS = [
    "flip", "crlf", "truncate", "dup-cl", "cl-te", "bad-cl", "neg-cl", "short-cl", "bad-chunk",
    "http10", "no-host", "no-colon", "long-header", "obs-fold", "nul", "long-url", "lf-only",
    "space-name", "bad-version", "many-headers", "huge-chunk", "unicode-line", "absolute-form",
    "asterisk", "authority", "latin1-header",
]  # fmt: skip


def _mutate(rng: random.Random, request: bytes, how: str) -> bytes:
    head, _, body = request.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if how == "flip":
        data = bytearray(request)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == "crlf":
        index = rng.randrange(len(head))
        return (
            head[:index] + rng.choice([b"\r\n", b"\n", b"\r"]) + head[index:] + b"\r\n\r\n" + body
        )
    if how == "truncate":
        return request[: rng.randrange(len(request))]
    if how == "dup-cl":
        lines += [b"Content-Length: 0", b"Content-Length: 5"]
    elif how == "cl-te":
        lines += [b"Content-Length: 3", b"Transfer-Encoding: chunked"]
        body = b"0\r\n\r\n"
    elif how == "bad-cl":
        lines += [b"Content-Length: " + rng.choice([b"abc", b"1e3", b"0x10", b"1 2", b"+5", b""])]
    elif how == "neg-cl":
        lines += [b"Content-Length: -1"]
    elif how == "short-cl":
        lines = [line for line in lines if not line.lower().startswith(b"content-length")]
        lines += [b"Content-Length: %d" % (len(body) + rng.randint(1, 100))]
    elif how == "bad-chunk":
        lines += [b"Transfer-Encoding: chunked"]
        body = rng.choice(
            [b"zz\r\nab\r\n0\r\n\r\n", b"5\r\nab\r\n", b"-1\r\n\r\n", b"5;x\r\nhello"]
        )
    elif how == "http10":
        lines[0] = lines[0].replace(b"HTTP/1.1", b"HTTP/1.0")
    elif how == "no-host":
        lines = [line for line in lines if not line.lower().startswith(b"host:")]
    elif how == "no-colon":
        lines.insert(1, b"NoColonHere")
    elif how == "long-header":
        lines.append(b"X-Long: " + b"a" * rng.choice([8000, 9000, 70000]))
    elif how == "obs-fold":
        lines.insert(2, b" folded continuation")
    elif how == "nul":
        lines.append(b"X-Nul: a\x00b")
    elif how == "long-url":
        method, _, _rest = lines[0].partition(b" ")
        lines[0] = method + b" /" + b"a" * rng.choice([5000, 9000]) + b" HTTP/1.1"
    elif how == "lf-only":
        return b"\n".join(lines) + b"\n\n" + body
    elif how == "space-name":
        lines.append(b"X Space: 1")
    elif how == "bad-version":
        lines[0] = lines[0].rsplit(b" ", 1)[0] + rng.choice([b" HTTP/2.0", b" HTTP/1.x", b" FOO"])
    elif how == "many-headers":
        lines += [b"X-H%d: %d" % (i, i) for i in range(rng.choice([100, 200]))]
    elif how == "huge-chunk":
        lines += [b"Transfer-Encoding: chunked"]
        body = b"f" * 40 + b"\r\nabc\r\n"
    elif how == "unicode-line":
        lines[0] = "GET /ü\u2028 HTTP/1.1".encode()
    elif how == "absolute-form":
        method, _, rest = lines[0].partition(b" ")
        scheme = rng.choice([b"http://", b"https://", b"HTTP://", b"ftp://", b"http://u:p@"])
        host = rng.choice([b"localhost", b"evil.com", b"[::1]", b"[::1", b"x:99999"])
        lines[0] = method + b" " + scheme + host + rest
    elif how == "latin1-header":
        # Bytes that are not UTF-8: aiohttp hands them over as surrogate escapes.
        name = rng.choice([b"Host", b"Cookie", b"Referer", b"Accept", b"X-Forwarded-For", b"X-A"])
        lines = [line for line in lines if not line.lower().startswith(name.lower() + b":")]
        lines.append(name + b": " + rng.choice([b"caf\xe9", b"h\xff", b"c=\xff\xfe", b"\x80"]))
    elif how == "asterisk":
        lines[0] = rng.choice([b"OPTIONS * HTTP/1.1", b"GET * HTTP/1.1", b"POST * HTTP/1.1"])
    elif how == "authority":
        lines[0] = rng.choice([b"CONNECT evil.com:443 HTTP/1.1", b"GET evil.com:80 HTTP/1.1"])
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _garbage(rng: random.Random) -> tuple[bytes, str]:
    how = rng.choice(["random", "printable", "tls", "h2", "empty-lines", "method-only"])
    if how == "random":
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))), how
    if how == "printable":
        return "".join(chr(rng.randint(32, 126)) for _ in range(rng.randint(1, 300))).encode(), how
    if how == "tls":
        return b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(40), how
    if how == "h2":
        return b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", how
    if how == "empty-lines":
        return b"\r\n" * rng.randint(1, 50) + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", how
    return rng.choice([b"GET\r\n\r\n", b"GET /\r\n\r\n", b"G\r\n", b"GET / HTTP/1.1\r\n\r\n"]), how


def generate(rng: random.Random) -> Case:
    """One generated case: valid (55%), pipelined valid (5%), almost valid
    (30%) or garbage (10%)."""
    roll = rng.random()
    if roll < 0.55:
        payload, method, path = _valid(rng)
        return Case("valid", payload, [method], [path])
    if roll < 0.6:
        requests = [_valid(rng) for _ in range(rng.randint(2, 4))]
        return Case(
            "pipelined", b"".join(r[0] for r in requests), [r[1] for r in requests],
            [r[2] for r in requests],
        )  # fmt: skip
    if roll < 0.9:
        payload, method, path = _valid(rng)
        how = rng.choice(_MUTATIONS)
        return Case(f"mutated:{how}", _mutate(rng, payload, how), [method], [path])
    payload, how = _garbage(rng)
    return Case(f"garbage:{how}", payload, ["GET"], ["?"])


# -- checking ---------------------------------------------------------------------------

#: Statuses a valid request may get (anything else is a failure).
_ALLOWED = {200, 204, 206, 301, 302, 304, 400, 403, 404, 405, 412, 413, 415, 416, 501}


def _route(path: str) -> str:
    segment = path.split("?", 1)[0].split("/")[1:3]
    return "/" + "/".join(s[:12] for s in segment)


def _check(case: Case, replies: list[Reply], outcome: str) -> list[str]:
    """What is wrong with the answers to *case* (each problem names its route)."""
    problems: list[str] = []
    valid = case.kind in ("valid", "pipelined")
    for reply, method, path in zip(replies, case.methods, case.paths, strict=False):
        where = f"{method} {_route(path)}"
        # 501 is the router's deliberate answer to a method it does not know.
        if reply.status >= 500 and reply.status != 501 and not reply.header(EXPECTED):
            problems.append(f"unexpected {reply.status} on {where}")
        if SECRET in reply.body:
            problems.append(f"secret file leaked by {where}")
        if valid and reply.status < 500 and reply.status not in _ALLOWED:
            problems.append(f"valid request got {reply.status} on {where}")
    if valid and len(replies) < len(case.methods):
        missing = case.methods[len(replies)] + " " + _route(case.paths[len(replies)])
        problems.append(f"valid request not answered ({outcome}) on {missing}")
    if outcome.startswith(("bad", "truncated")):
        problems.append(f"malformed answer: {outcome}")
    return problems


@dataclass
class FuzzReport:
    """The figures of a fuzzing run."""

    requests: int = 0
    warmup: int = 0
    connections: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    samples: dict[str, bytes] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def fail(self, key: str, sample: bytes) -> None:
        """Record a failure (one sample request kept per distinct key)."""
        self.failures[key] += 1
        self.samples.setdefault(key, sample[:600])

    def summary(self) -> str:
        """A human-readable report."""
        lines = [
            f"fuzz: {self.requests} requests ({self.warmup} of them warm-up) on "
            f"{self.connections} connections; {self.requests - self.warmup} measured in "
            f"{self.seconds:.1f}s; statuses {dict(sorted(self.statuses.items()))}",
            f"outcomes {dict(self.outcomes)}",
            f"server before: fds={self.before.get('fds')} tasks={self.before.get('tasks')} "
            f"rss={self.before.get('rss_kib')} KiB; after: fds={self.after.get('fds')} "
            f"tasks={self.after.get('tasks')} rss={self.after.get('rss_kib')} KiB",
            f"distinct failures: {len(self.failures)}",
        ]
        for key, count in self.failures.most_common():
            lines.append(f"  {count:6d} x {key}\n         e.g. {self.samples[key][:300]!r}")
        return "\n".join(lines)


async def _stats(host: str, port: int) -> dict[str, Any]:
    payload = f"GET {STATS_PATH} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    replies, outcome = await _async_exchange(host, port, payload.encode(), ["GET"], 10.0)
    if not replies or replies[0].status != 200:
        raise RuntimeError(f"stats probe failed: {outcome}")
    result: dict[str, Any] = json.loads(replies[0].body)
    return result


async def _quiet(host: str, port: int) -> dict[str, Any]:
    """Stats once the server serves no connection but the one asking."""
    deadline = time.monotonic() + LINGERING_TIME + 2
    while True:
        stats = await _stats(host, port)
        connections = [n for n in stats["task_names"] if n.startswith("RequestHandler.start")]
        if len(connections) <= 1 or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.1)


async def _settle(
    host: str, port: int, baseline: dict[str, Any], wait: float = LINGERING_TIME
) -> dict[str, Any]:
    """Stats once the connections are closed and their tasks done. aiohttp
    keeps reading the unread body of an answered request for up to its
    ``lingering_time`` (10 s), even once the client is gone: wait that long."""
    deadline = time.monotonic() + wait + 2
    while True:
        stats = await _stats(host, port)
        settled = stats["fds"] <= baseline["fds"] and stats["tasks"] <= baseline["tasks"]
        if settled or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.1)


async def _send(
    host: str,
    port: int,
    requests: int,
    rng: random.Random,
    concurrency: int,
    timeout: float,
    report: FuzzReport,
) -> None:
    """Send *requests* generated requests from *concurrency* connections at a
    time, checking every answer into *report*."""
    cases = iter(lambda: generate(rng), None)
    sent = 0

    async def worker() -> None:
        nonlocal sent
        while sent < requests:
            case = next(cases)
            sent += len(case.methods)
            # A request that is not quite valid may leave the server waiting
            # for more bytes, legitimately: give up on it sooner.
            wait = timeout if case.kind in ("valid", "pipelined") else JUNK_TIMEOUT
            replies, outcome = await _async_exchange(host, port, case.payload, case.methods, wait)
            report.requests += len(case.methods)
            report.connections += 1
            report.outcomes[outcome if len(outcome) < 40 else outcome[:40]] += 1
            for reply in replies:
                report.statuses[reply.status] += 1
            for problem in _check(case, replies, outcome):
                report.fail(f"{problem} [{case.kind}]", case.payload)
            if report.connections % 500 == 0:
                probe, how = await _async_exchange(
                    host, port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", ["GET"], timeout
                )
                if not probe or probe[0].status != 200:
                    report.fail(f"server stopped answering ({how})", b"GET /")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def fuzz(
    host: str, port: int, requests: int, seed: int, concurrency: int, timeout: float
) -> FuzzReport:
    """Send *requests* generated requests to a running fuzz app, after a
    warm-up of a tenth as many (at least 500, at most 10,000) whose answers
    are checked too, so that the baseline is taken on a warm server."""
    report = FuzzReport()
    warmup = min(max(500, requests // 10), 10_000)
    await _send(host, port, warmup, random.Random(seed + 1), concurrency, timeout, report)
    report.warmup = report.requests
    report.before = await _quiet(host, port)
    started = time.monotonic()
    await _send(host, port, requests, random.Random(seed), concurrency, timeout, report)
    report.seconds = time.monotonic() - started
    report.after = await _settle(host, port, report.before)
    for key, count in report.after["errors"].items():
        if count > report.before["errors"].get(key, 0):
            sample = report.after["samples"].get(key, "")
            report.fail(f"server-side: {key}", str(sample).encode())
    if report.after["fds"] > report.before["fds"]:
        report.fail(f"fd leak {report.before['fds']} -> {report.after['fds']}", b"")
    if report.after["tasks"] > report.before["tasks"]:
        leaked = Counter(report.after["task_names"]) - Counter(report.before["task_names"])
        report.fail(
            f"task leak {report.before['tasks']} -> {report.after['tasks']}",
            repr(dict(leaked)).encode(),
        )
    return report


# -- the server process --------------------------------------------------------------------


def _serve_forever(port: int, base: Path) -> None:
    stats = AppStats()
    handler = _ErrorLogHandler(stats)
    for name in ("aiohttp", "koa"):
        logging.getLogger(name).addHandler(handler)
    app = build_app(make_static_root(base), stats)

    async def main() -> None:
        handle = await app.listen(
            port, "127.0.0.1", shutdown_timeout=1.0, lingering_time=LINGERING_TIME
        )
        print(f"listening {handle.port}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await handle.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


@contextmanager
def server_process() -> Iterator[tuple[subprocess.Popen[str], int]]:
    """Run the fuzz app in a child process; yields it and its port."""
    with (
        tempfile.TemporaryDirectory(prefix="koa-fuzz-") as base,
        subprocess.Popen(
            [sys.executable, __file__, "--serve", "--root", base],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        ) as proc,
    ):
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith("listening "):
                raise RuntimeError(f"fuzz server did not start: {line!r}")
            yield proc, int(line.split()[1])
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_fuzz(
    requests: int,
    seed: int = 1,
    concurrency: int = 16,
    timeout: float = 2.0,
    rss_growth: float = 25.0,
) -> FuzzReport:
    """Start the server process, fuzz it, check RSS growth, stop it."""
    with server_process() as (proc, port):
        report = asyncio.run(fuzz("127.0.0.1", port, requests, seed, concurrency, timeout))
        if proc.poll() is not None:
            report.fail("server process died", b"")
    before, after = report.before.get("rss_kib", 0), report.after.get("rss_kib", 0)
    if before and (after - before) * 100 / before > rss_growth:
        report.fail(f"RSS grew {before} -> {after} KiB", b"")
    return report


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for an answer")
    parser.add_argument("--rss-growth", type=float, default=25.0, help="allowed RSS growth, %%")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--root", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve_forever(args.port, Path(args.root or tempfile.mkdtemp(prefix="koa-fuzz-")))
        return 0
    report = run_fuzz(args.requests, args.seed, args.concurrency, args.timeout, args.rss_growth)
    print(report.summary())
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
