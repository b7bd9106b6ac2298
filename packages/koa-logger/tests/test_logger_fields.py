"""The ``fields`` hook: extra fields in each JSON line (trace ids, say)."""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.logger import logger

#: Stands for a tracing library's "current span": set by an outer middleware.
current_request: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_request", default=None
)


def request_fields(ctx: Context) -> Mapping[str, Any] | None:
    value = current_request.get()
    return None if value is None else {"trace_id": value, "span_id": ctx.path}


async def tracing(ctx: Context, next: Next) -> None:
    token = current_request.set("t-" + ctx.method)
    try:
        await next()
    finally:
        current_request.reset(token)


def json_app(lines: list[dict[str, Any]], fields: Any, *middleware: Any) -> Koa:
    def transporter(line: str, args: list[Any]) -> None:
        assert args[0]["method"] == json.loads(line)["method"]
        lines.append(json.loads(line))

    app = Koa(silent=True)
    for fn in middleware:
        app.use(fn)
    app.use(logger(transporter, format="json", fields=fields))
    return app


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "hello"


async def test_fields_are_added_to_each_json_line(client: ClientFor) -> None:
    lines: list[dict[str, Any]] = []
    c = await client(json_app(lines, request_fields, tracing).use(hello))
    await c.get("/a")
    [line] = lines
    assert (line["trace_id"], line["span_id"], line["status"]) == ("t-GET", "/a", 200)


async def test_fields_are_asked_when_a_streamed_line_is_written(client: ClientFor) -> None:
    lines: list[dict[str, Any]] = []
    asked: list[int] = []

    def fields(ctx: Context) -> dict[str, Any]:
        asked.append(len(lines))
        return {"sent": ctx.state.get("sent")}

    async def stream(ctx: Context, next: Next) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"ab"
            ctx.state["sent"] = "all"

        ctx.body = chunks()

    c = await client(json_app(lines, fields).use(stream))
    assert (await c.get("/")).body == b"ab"
    assert lines[0]["sent"] == "all"
    assert lines[0]["bytes"] == 2


async def test_none_or_empty_fields_add_nothing(client: ClientFor) -> None:
    lines: list[dict[str, Any]] = []
    c = await client(json_app(lines, request_fields).use(hello))  # no tracing: None
    await c.get("/")
    assert "trace_id" not in lines[0]
    assert set(lines[0]) == {"method", "path", "status", "duration", "bytes", "ip", "outcome"}


async def test_fields_never_replace_the_loggers_own(client: ClientFor) -> None:
    lines: list[dict[str, Any]] = []

    def fields(ctx: Context) -> dict[str, Any]:
        return {"status": 999, "path": "/forged", "extra": 1}

    c = await client(json_app(lines, fields).use(hello))
    await c.get("/real")
    assert (lines[0]["status"], lines[0]["path"], lines[0]["extra"]) == (200, "/real", 1)


async def test_values_that_are_not_json_are_written_as_strings(client: ClientFor) -> None:
    lines: list[dict[str, Any]] = []

    class Opaque:
        def __str__(self) -> str:
            return "opaque"

    c = await client(json_app(lines, lambda ctx: {"thing": Opaque()}).use(hello))
    await c.get("/")
    assert lines[0]["thing"] == "opaque"


async def test_a_fields_hook_that_raises_is_logged_and_the_line_still_written(
    client: ClientFor, caplog: pytest.LogCaptureFixture
) -> None:
    lines: list[dict[str, Any]] = []

    def broken(ctx: Context) -> dict[str, Any]:
        raise RuntimeError("no tracer")

    c = await client(json_app(lines, broken).use(hello))
    with caplog.at_level(logging.WARNING, "koa.logger"):
        reply = await c.get("/")
    assert reply.status == 200
    assert lines[0]["status"] == 200
    assert "fields() raised" in caplog.text


def test_fields_must_be_a_function() -> None:
    with pytest.raises(TypeError, match="fields must be a function"):
        logger(format="json", fields={"trace_id": "x"})  # type: ignore[arg-type]
