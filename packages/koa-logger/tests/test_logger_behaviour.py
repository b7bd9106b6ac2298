"""koa-logger's behaviour lines L01-L12 (spec §6.2), through real HTTP.

Like koa-logger's own suite, each line runs three ways: through the default
``logging`` output, with a transporter function, and with ``transporter=``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor
from koa.logger import logger

GREEN = "\x1b[32m%s\x1b[39m"
CYAN = "\x1b[36m%s\x1b[39m"
YELLOW = "\x1b[33m%s\x1b[39m"
RED = "\x1b[31m%s\x1b[39m"
ANSI = re.compile(r"\x1b\[\d+m")


class StatusCodeError(Exception):
    """An error carrying its status the way Boom does, not as ``status``."""

    status_code = 500


async def routes(ctx: Context, next: Next) -> None:
    path = ctx.path
    if path == "/200":
        ctx.body = "hello world"
    elif path == "/200-stream":

        async def stream() -> AsyncIterator[bytes]:
            yield b"hello "
            yield b"world"

        ctx.body = stream()
    elif path == "/301":
        ctx.status = 301
    elif path == "/304":
        ctx.status = 304
    elif path == "/404":
        ctx.status = 404
        ctx.body = "not found"
    elif path == "/500":
        ctx.status = 500
        ctx.body = "server error"
    elif path == "/500-boom":
        raise StatusCodeError("boom")
    elif path == "/error":
        raise RuntimeError("oh no")


Calls = list[tuple[str, list[Any]]]


@pytest.fixture
def restore_logger_level() -> Iterator[None]:
    log = logging.getLogger("koa.logger")
    level = log.level
    yield
    log.setLevel(level)


@pytest.fixture(params=["logging", "positional", "keyword"])
def make_app(
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    restore_logger_level: None,
) -> Iterator[tuple[Koa, Calls]]:
    """An app with the logger (colours on) and the transporter calls it made
    (empty through logging: then :func:`lines` reads the log records)."""
    calls: Calls = []

    def transporter(line: str, args: list[Any]) -> None:
        calls.append((line, args))

    if request.param == "logging":
        caplog.set_level(logging.INFO, logger="koa.logger")
        mw = logger(colors=True)
    elif request.param == "positional":
        mw = logger(transporter, colors=True)
    else:
        mw = logger(transporter=transporter, colors=True)
    yield Koa(silent=True).use(mw).use(routes), calls


async def get(client: ClientFor, app: Koa, path: str, method: str = "GET") -> int:
    c = await client(app)
    reply = await c.request(method, path)
    return reply.status


def lines(app_calls: tuple[Koa, Calls], caplog: pytest.LogCaptureFixture) -> Calls:
    _, calls = app_calls
    if calls:
        return calls
    return [(r.getMessage(), []) for r in caplog.records if r.name == "koa.logger"]


async def test_l01_the_response_is_untouched_and_logged(
    client: ClientFor, make_app: tuple[Koa, Calls], caplog: pytest.LogCaptureFixture
) -> None:
    app, _ = make_app
    reply = await (await client(app)).get("/200")
    assert (reply.status, reply.text) == (200, "hello world")
    assert lines(make_app, caplog)


async def test_l02_head_prints_the_request_line(
    client: ClientFor, make_app: tuple[Koa, Calls], caplog: pytest.LogCaptureFixture
) -> None:
    await get(client, make_app[0], "/200", "HEAD")
    line, args = lines(make_app, caplog)[0]
    assert ANSI.sub("", line) == "  <-- HEAD /200"
    if args:
        assert args[1:] == ["HEAD", "/200"]
        assert args[0] == "  \x1b[90m<--\x1b[39m \x1b[1m%s\x1b[22m \x1b[90m%s\x1b[39m"


async def test_l03_two_lines_per_request(
    client: ClientFor, make_app: tuple[Koa, Calls], caplog: pytest.LogCaptureFixture
) -> None:
    await get(client, make_app[0], "/200")
    assert len(lines(make_app, caplog)) == 2


def response_line(
    make_app: tuple[Koa, Calls], caplog: pytest.LogCaptureFixture
) -> tuple[str, list[Any]]:
    return lines(make_app, caplog)[1]


@pytest.mark.parametrize(
    ("path", "status", "color", "length"),
    [
        ("/200", 200, GREEN, "11b"),
        ("/200-stream", 200, GREEN, "11b"),
        ("/301", 301, CYAN, None),
        ("/304", 304, CYAN, ""),
        ("/404", 404, YELLOW, "9b"),
        ("/500", 500, RED, "12b"),
    ],
    ids=["L04", "L05", "L06", "L07", "L08", "L09"],
)
async def test_l04_l09_response_line_status_colour_and_length(
    client: ClientFor,
    make_app: tuple[Koa, Calls],
    caplog: pytest.LogCaptureFixture,
    path: str,
    status: int,
    color: str,
    length: str | None,
) -> None:
    await get(client, make_app[0], path)
    line, args = response_line(make_app, caplog)
    assert color % status in line
    plain = ANSI.sub("", line)
    assert re.fullmatch(rf"  --> GET {path} {status} \d+ms .*", plain), plain
    if length is not None:
        assert plain.endswith(f" {length}")
    if args:
        assert args[1:3] == ["GET", path] and args[3] == status
        assert re.fullmatch(r"\d+ms", args[4])
        assert color % "%s" in args[0]


@pytest.mark.parametrize(
    ("path", "status"), [("/error", 500), ("/500-boom", 500)], ids=["L10", "L11"]
)
async def test_l10_l11_errors_print_a_red_xxx_line_and_are_reraised(
    client: ClientFor,
    make_app: tuple[Koa, Calls],
    caplog: pytest.LogCaptureFixture,
    path: str,
    status: int,
) -> None:
    assert await get(client, make_app[0], path) == 500
    line, args = response_line(make_app, caplog)
    assert line.startswith("  \x1b[31mxxx\x1b[39m ")
    assert re.fullmatch(rf"  xxx GET {path} {status} \d+ms -", ANSI.sub("", line))
    if args:
        assert (args[3], args[5]) == (status, "-")


async def test_l12_colourless_lines(client: ClientFor, restore_logger_level: None) -> None:
    calls: list[str] = []

    async def app_routes(ctx: Context, next: Next) -> None:
        if ctx.path == "/e":
            raise HttpError(418)
        if ctx.path == "/s":

            async def stream() -> AsyncIterator[bytes]:
                yield b"12345"

            ctx.body = stream()
        elif ctx.path == "/n":
            ctx.status = 204
        else:
            ctx.body = "hello"

    app = Koa(silent=True).use(logger(lambda line, args: calls.append(line), colors=False))
    c = await client(app.use(app_routes))
    for path in ("/x?y=1", "/e", "/s", "/n"):
        await c.get(path)
    patterns = [
        r"  <-- GET /x\?y=1",
        r"  --> GET /x\?y=1 200 \d+ms 5b",
        r"  <-- GET /e",
        r"  xxx GET /e 418 \d+ms -",
        r"  <-- GET /s",
        r"  --> GET /s 200 \d+ms 5b",  # koa-logger prints "-": streams are counted here
        r"  <-- GET /n",
        r"  --> GET /n 204 \d+ms ",
    ]
    assert len(calls) == len(patterns)
    for line, pattern in zip(calls, patterns, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)
