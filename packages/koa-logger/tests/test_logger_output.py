"""Beyond koa-logger's suite: formats, real stream sizes, client gone, JSON
lines, the logging set-up and the public surface."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from yarl import URL

import koa.logger
from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor, Serve
from koa.logger import logger
from koa.logger._format import Formats, human_bytes, human_time

ANSI = re.compile(r"\x1b\[\d+m")


@pytest.fixture(autouse=True)
def restore_logger() -> Iterator[None]:
    log = logging.getLogger("koa.logger")
    level, propagate = log.level, log.propagate
    yield
    log.setLevel(level)
    log.propagate = propagate


def collect() -> tuple[list[str], Any]:
    lines: list[str] = []
    return lines, lambda line, args: lines.append(line)


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0ms"),
        (12, "12ms"),
        (1234, "1,234ms"),
        (9999, "9,999ms"),
        (10_000, "10s"),
        (12_500, "12s"),
        (1_234_567, "1,235s"),
    ],
)
def test_time_is_humanised(ms: int, text: str) -> None:
    assert human_time(ms) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0b"),
        (11, "11b"),
        (1023, "1023b"),
        (1024, "1kb"),
        (1946, "1.9kb"),
        (1536, "1.5kb"),
        (1234, "1.21kb"),
        (1 << 20, "1mb"),
        (5 << 30, "5gb"),
        (1 << 40, "1tb"),
        (3 << 50, "3pb"),
    ],
)
def test_length_is_humanised_like_the_bytes_package(size: int, text: str) -> None:
    assert human_bytes(size) == text


@pytest.mark.parametrize(
    ("status", "color"),
    [
        (101, "32"),
        (204, "32"),
        (302, "36"),
        (418, "33"),
        (503, "31"),
        (600, "33"),
        (700, "35"),
        (800, "33"),
        (99, "33"),
    ],
)
def test_status_colour_by_class(status: int, color: str) -> None:
    assert f"\x1b[{color}m%s\x1b[39m" in Formats(True).response("-->", status)


def test_formats_without_colours_have_no_escape_codes() -> None:
    formats = Formats(False)
    assert formats.request == "  <-- %s %s"
    assert formats.response("-x-", 200) == "  -x- %s %s %s %s %s"


async def test_colours_are_off_when_stderr_is_not_a_terminal(client: ClientFor) -> None:
    lines, transporter = collect()
    app = Koa().use(logger(transporter))  # pytest captures stderr: not a TTY
    await (await client(app)).get("/")
    assert lines and not any(ANSI.search(line) for line in lines)


async def test_no_color_turns_colours_off(
    client: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    lines, transporter = collect()
    await (await client(Koa().use(logger(transporter)))).get("/")
    assert not any(ANSI.search(line) for line in lines)


async def test_a_streamed_body_logs_the_bytes_really_sent(client: ClientFor) -> None:
    lines, transporter = collect()

    async def stream(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(3):
                yield b"x" * 1000

        ctx.body = chunks()

    app = Koa().use(logger(transporter, colors=False)).use(stream)
    reply = await (await client(app)).get("/")
    assert len(reply.body) == 3000
    assert re.fullmatch(r"  --> GET / 200 \d+ms 2.93kb", lines[-1])


async def test_a_file_body_is_counted_and_keeps_its_content_length(client: ClientFor) -> None:
    lines, transporter = collect()

    async def file(ctx: Context, next: Next) -> None:
        ctx.body = io.BytesIO(b"y" * 2048)
        ctx.length = 2048

    app = Koa().use(logger(transporter, colors=False)).use(file)
    reply = await (await client(app)).get("/")
    assert (reply.headers["Content-Length"], len(reply.body)) == ("2048", 2048)
    for _ in range(500):  # the line follows the last read, which may end after the reply
        if len(lines) == 2:
            break
        await asyncio.sleep(0.01)
    assert lines[-1].endswith(" 2kb")


async def test_a_client_gone_mid_stream_logs_x_with_the_bytes_sent(serve: Serve) -> None:
    lines, transporter = collect()
    done = asyncio.Event()

    def transport(line: str, args: list[Any]) -> None:
        transporter(line, args)
        if "<--" not in line:
            done.set()

    async def endless(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10_000):  # bounded: 640 MB at most
                yield b"z" * 65536

        ctx.body = chunks()

    url = URL(await serve(Koa(silent=True).use(logger(transport, colors=False)).use(endless)))
    assert url.host is not None and url.port is not None
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
    await reader.readexactly(100_000)
    writer.close()
    await asyncio.wait_for(done.wait(), 10)
    match = re.fullmatch(r"  -x- GET /big 200 \d+ms (\S+)", lines[-1])
    assert match and match.group(1) not in ("-", "0b")


async def test_a_client_gone_before_a_buffered_response_logs_x(serve: Serve) -> None:
    lines, transporter = collect()
    closed = asyncio.Event()

    async def hang_up(ctx: Context, next: Next) -> None:
        transport = ctx.req.transport
        assert transport is not None
        transport.close()  # as if the client had gone while we worked
        ctx.body = "too late"
        closed.set()

    url = URL(await serve(Koa(silent=True).use(logger(transporter, colors=False)).use(hang_up)))
    assert url.host is not None and url.port is not None
    reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(b"GET /late HTTP/1.1\r\nHost: t\r\n\r\n")
    await closed.wait()
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()
    assert re.fullmatch(r"  -x- GET /late 200 \d+ms 8b", lines[-1])


async def test_json_lines_for_production(client: ClientFor) -> None:
    records: list[dict[str, Any]] = []

    def transporter(line: str, args: list[Any]) -> None:
        assert json.loads(line) == args[0]
        records.append(args[0])

    async def routes(ctx: Context, next: Next) -> None:
        if ctx.path == "/fail":
            ctx.throw(409)
        if ctx.path == "/state":
            ctx.state["request_id"] = "from-state"
        ctx.body = "hello"

    app = Koa(silent=True).use(logger(transporter, format="json")).use(routes)
    c = await client(app)
    await c.get("/ok?token=secret", headers={"X-Request-Id": "req-1"})
    await c.get("/state")
    await c.get("/fail")
    await c.head("/ok")
    ok, state, fail, head = records
    assert ok["duration"] >= 0 and isinstance(ok["duration"], float)
    del ok["duration"], state["duration"], fail["duration"], head["duration"]
    assert ok == {
        "method": "GET",
        "path": "/ok",
        "status": 200,
        "bytes": 5,
        "ip": "127.0.0.1",
        "outcome": "ok",
        "request_id": "req-1",
    }
    assert state["request_id"] == "from-state"
    assert (fail["status"], fail["outcome"], fail["bytes"], "request_id" in fail) == (
        409,
        "error",
        None,
        False,
    )
    assert (head["method"], head["bytes"]) == ("HEAD", 0)


async def test_logging_is_the_default_output(
    client: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    logging.getLogger("koa.logger").setLevel(logging.NOTSET)
    app = Koa().use(logger(colors=False))
    assert logging.getLogger("koa.logger").level == logging.INFO
    with caplog.at_level(logging.INFO, logger="koa.logger"):
        await (await client(app)).get("/")
    assert [r.getMessage()[:9] for r in caplog.records if r.name == "koa.logger"] == [
        "  <-- GET",
        "  --> GET",
    ]


async def test_without_logging_handlers_lines_go_to_stderr_within_the_flush_interval(
    client: ClientFor, capsys: pytest.CaptureFixture[str]
) -> None:
    log = logging.getLogger("koa.logger")
    log.propagate = False  # as if nothing were configured
    await (await client(Koa().use(logger(colors=False)))).get("/")
    err = ""
    for _ in range(200):  # written FLUSH_INTERVAL (0.1 s) later; wait up to 10 s
        err += capsys.readouterr().err
        if "  --> GET / 404 " in err:
            break
        await asyncio.sleep(0.05)
    assert "  <-- GET /\n" in err and "  --> GET / 404 " in err


async def test_a_silenced_logger_costs_nothing_and_changes_nothing(
    client: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    logging.getLogger("koa.logger").setLevel(logging.WARNING)

    async def stream(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"abc"

        body = chunks()
        ctx.body = body
        await next()
        assert ctx.body is body  # not wrapped

    app = Koa().use(logger()).use(stream)
    reply = await (await client(app)).get("/")
    assert reply.body == b"abc"
    assert not [r for r in caplog.records if r.name == "koa.logger"]


def test_bad_options_raise() -> None:
    with pytest.raises(TypeError, match="transporter must be a function"):
        logger("stdout")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format must be 'dev' or 'json'"):
        logger(format="xml")  # type: ignore[arg-type]


def test_all_is_exactly_the_documented_names() -> None:
    assert sorted(koa.logger.__all__) == ["__version__", "logger"]
