"""Opt-in multipart/form-data: fields, spooled files, limits and cleanup."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import threading
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from koa.bodyparser import BodyParserContext, UploadedFile, bodyparser
from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import Client, ClientFor, Serve

BOUNDARY = "----koa"
MULTIPART_CT = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def describe(upload: UploadedFile) -> dict[str, Any]:
    return {
        "field": upload.field,
        "name": upload.original_filename,
        "type": upload.mimetype,
        "size": upload.size,
        "content": Path(upload.filepath).read_text(),
    }


async def echo(ctx: BodyParserContext, next: Next) -> None:
    files = {
        name: [describe(f) for f in value] if isinstance(value, list) else describe(value)
        for name, value in ctx.request.files.items()
    }
    ctx.body = {"body": ctx.request.body, "files": files}


def create_app(upload_dir: Path, *upstream: Any, **options: Any) -> Koa:
    app = Koa(silent=True)
    for mw in upstream:
        app.use(mw)
    app.use(bodyparser(enable_types=["json", "multipart"], upload_dir=str(upload_dir), **options))
    app.use(echo)
    return app


def form(*fields: tuple[str, str], files: tuple[tuple[str, str, str], ...] = ()) -> Any:
    data = aiohttp.FormData(default_to_multipart=True)
    for name, value in fields:
        data.add_field(name, value)
    for name, filename, content in files:
        data.add_field(name, content.encode(), filename=filename, content_type="text/plain")
    return data


def raw_part(name: str, value: str, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n{value}\r\n".encode()


def raw_body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


async def still_serving(url: str, upload_dir: Path) -> None:
    async with Client(url) as c:
        reply = await c.post("/", data=form(("a", "1"), files=(("f", "a.txt", "hi"),)))
    assert reply.status == 200
    assert reply.json()["files"]["f"]["content"] == "hi"
    assert os.listdir(upload_dir) == []


async def test_fields_and_files_are_parsed_and_files_removed_after_the_response(
    client: ClientFor, tmp_path: Path
) -> None:
    data = form(("name", "koa"), ("tag", "a"), ("tag", "b"), files=(("doc", "a.txt", "hello"),))
    reply = await (await client(create_app(tmp_path))).post("/", data=data)
    assert reply.status == 200
    assert reply.json() == {
        "body": {"name": "koa", "tag": ["a", "b"]},
        "files": {
            "doc": {
                "field": "doc",
                "name": "a.txt",
                "type": "text/plain",
                "size": 5,
                "content": "hello",
            }
        },
    }
    assert os.listdir(tmp_path) == []


async def test_several_files_under_one_name_are_a_list(client: ClientFor, tmp_path: Path) -> None:
    data = form(files=(("docs", "a.txt", "A"), ("docs", "b.txt", "BB")))
    reply = await (await client(create_app(tmp_path))).post("/", data=data)
    docs = reply.json()["files"]["docs"]
    assert [(d["name"], d["content"]) for d in docs] == [("a.txt", "A"), ("b.txt", "BB")]


async def test_an_empty_file_input_is_skipped(client: ClientFor, tmp_path: Path) -> None:
    body = raw_body(raw_part("a", "1"), raw_part("doc", "", filename=""))
    reply = await (await client(create_app(tmp_path))).post("/", data=body, headers=MULTIPART_CT)
    assert reply.json() == {"body": {"a": "1"}, "files": {}}


async def test_multipart_is_not_parsed_unless_enabled(client: ClientFor) -> None:
    async def echo_body(ctx: BodyParserContext, next: Next) -> None:
        ctx.body = {"body": ctx.request.body, "files": len(ctx.request.files)}

    app = Koa(silent=True).use(bodyparser()).use(echo_body)
    reply = await (await client(app)).post("/", data=form(("a", "1")))
    assert reply.json() == {"body": {}, "files": 0}


async def test_files_are_removed_when_the_handler_raises(client: ClientFor, tmp_path: Path) -> None:
    seen: list[str] = []

    async def fail(ctx: BodyParserContext, next: Next) -> None:
        upload = ctx.request.files["doc"]
        assert isinstance(upload, UploadedFile)
        seen.append(upload.filepath)
        raise HttpError(422, "no thanks")

    app = Koa(silent=True).use(bodyparser(enable_types=["multipart"], upload_dir=str(tmp_path)))
    app.use(fail)
    reply = await (await client(app)).post("/", data=form(files=(("doc", "a.txt", "x"),)))
    assert reply.status == 422
    assert len(seen) == 1 and not os.path.exists(seen[0])
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("options", "data", "message"),
    [
        (
            {"file_limit": 10},
            form(files=(("doc", "a.txt", "x" * 11),)),
            "file too large (at most 10 bytes)",
        ),
        (
            {"max_files": 2},
            form(files=tuple(("doc", f"{i}.txt", "x") for i in range(3))),
            "too many files (at most 2)",
        ),
        (
            {"max_fields": 3},
            form(*[(f"f{i}", "v") for i in range(4)]),
            "too many fields (at most 3)",
        ),
        (
            {"fields_limit": 10},
            form(("a", "x" * 6), ("b", "y" * 6)),
            "fields too large (at most 10 bytes)",
        ),
        (
            {"multipart_limit": 400},
            form(files=(("doc", "a.txt", "x" * 400),)),
            "request entity too large",
        ),
    ],
    ids=["file-size", "file-count", "field-count", "fields-size", "total-size"],
)
async def test_each_multipart_limit_is_413_and_leaves_no_file(
    serve: Serve, tmp_path: Path, options: dict[str, Any], data: Any, message: str
) -> None:
    url = await serve(create_app(tmp_path, **options))
    async with Client(url) as c:
        reply = await c.post("/", data=data)
    assert (reply.status, reply.text) == (413, message)
    assert os.listdir(tmp_path) == []
    await still_serving(url, tmp_path)


async def test_the_total_limit_applies_to_chunked_uploads(serve: Serve, tmp_path: Path) -> None:
    body = raw_body(raw_part("doc", "x" * 5000, filename="a.txt"))

    async def chunks() -> Any:
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    url = await serve(create_app(tmp_path, multipart_limit=1000))
    async with Client(url) as c:
        reply = await c.post("/", data=chunks(), headers=MULTIPART_CT)
    assert reply.status == 413
    assert os.listdir(tmp_path) == []
    await still_serving(url, tmp_path)


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "multipart/form-data"}, raw_body(raw_part("a", "1")), 400),
        (MULTIPART_CT, b"this is not multipart", 400),
        (MULTIPART_CT, raw_part("a", "1"), 400),
        (MULTIPART_CT, raw_body(b"--" + BOUNDARY.encode() + b"\r\n\r\nno name\r\n"), 400),
        (
            MULTIPART_CT,
            raw_body(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n'
                "Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
                "--inner--\r\n\r\n".encode()
            ),
            400,
        ),
        ({**MULTIPART_CT, "Content-Encoding": "gzip"}, raw_body(raw_part("a", "1")), 415),
    ],
    ids=["no-boundary", "garbage", "no-end", "no-name", "nested", "encoded"],
)
async def test_malformed_multipart_is_a_4xx(
    serve: Serve, tmp_path: Path, headers: dict[str, str], body: bytes, status: int
) -> None:
    url = await serve(create_app(tmp_path))
    async with Client(url) as c:
        reply = await c.post("/", data=body, headers=headers)
    assert reply.status == status
    await still_serving(url, tmp_path)


async def test_a_field_that_is_not_utf8_is_400(serve: Serve, tmp_path: Path) -> None:
    body = raw_body(
        b"--" + BOUNDARY.encode() + b'\r\nContent-Disposition: form-data; name="a"'
        b"\r\n\r\n\xff\xfe\r\n"
    )
    url = await serve(create_app(tmp_path))
    async with Client(url) as c:
        reply = await c.post("/", data=body, headers=MULTIPART_CT)
    assert (reply.status, reply.text) == (400, "field 'a' is not valid text")
    await still_serving(url, tmp_path)


async def test_a_client_gone_mid_upload_leaves_no_file(serve: Serve, tmp_path: Path) -> None:
    outcomes: asyncio.Queue[int] = asyncio.Queue()
    reading = asyncio.Event()

    async def record(ctx: Context, next: Next) -> None:
        try:
            await next()
        except HttpError as err:
            outcomes.put_nowait(err.status)
            raise

    async def mark(ctx: Context, next: Next) -> None:
        reading.set()
        await next()

    url = await serve(create_app(tmp_path, record, mark))
    parsed = URL(url)
    assert parsed.host is not None and parsed.port is not None
    _, writer = await asyncio.open_connection(parsed.host, parsed.port)
    part = raw_part("doc", "x" * 70_000, filename="a.txt")
    writer.write(
        b"POST / HTTP/1.1\r\nHost: t\r\n"
        + f"Content-Type: {MULTIPART_CT['Content-Type']}\r\n".encode()
        + b"Content-Length: 1000000\r\n\r\n"
        + part[:-10]
    )
    await writer.drain()
    await reading.wait()
    for _ in range(500):  # until the upload is being spooled
        if os.listdir(tmp_path):
            break
        await asyncio.sleep(0.01)
    assert os.listdir(tmp_path)
    writer.close()
    assert await asyncio.wait_for(outcomes.get(), 5) == 400
    assert os.listdir(tmp_path) == []
    await still_serving(url, tmp_path)


#: Threads that created a file under a watched folder (see the audit hook below).
_OPENED_BY: dict[str, list[str]] = {}


def _record_opens(event: str, args: tuple[Any, ...]) -> None:
    # ("open", (path, mode, flags)): only files created (the spool files).
    if event == "open" and isinstance(args[0], str) and args[2] & os.O_CREAT:
        for folder, threads in _OPENED_BY.items():
            if args[0].startswith(folder):
                threads.append(threading.current_thread().name)


sys.addaudithook(_record_opens)  # inert unless a test watches a folder


async def test_uploaded_files_are_spooled_off_the_event_loop(
    client: ClientFor, tmp_path: Path
) -> None:
    """A slow disk must not stall the other requests: the spool file is made,
    written and closed in a worker thread, never on the loop's thread; a large
    upload arrives whole."""
    opened: list[str] = []
    _OPENED_BY[str(tmp_path)] = opened
    try:
        content = "x" * (3 * 1024 * 1024)
        body = raw_body(raw_part("f", content, filename="big.txt"))
        reply = await (await client(create_app(tmp_path))).post(
            "/", data=io.BytesIO(body), headers=MULTIPART_CT
        )
    finally:
        del _OPENED_BY[str(tmp_path)]
    assert reply.status == 200
    assert reply.json()["files"]["f"]["size"] == len(content)
    assert opened and threading.main_thread().name not in opened
