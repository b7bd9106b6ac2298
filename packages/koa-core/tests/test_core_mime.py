"""The MIME table is mime-db 1.54's, read as mime-types 3 and compressible read
it (Koa 3.3): extensions, charsets and the compressible flag, through real
HTTP where a user sees them (``ctx.type``, the inferred Content-Type)."""

from __future__ import annotations

import pytest

from koa.core import Context, Koa, Next, is_compressible
from koa.core._mime import content_type, lookup
from koa.core._mime_db import MIME_DB_VERSION, TYPES
from koa.core.testing import ClientFor


def test_the_table_is_mime_db_1_54() -> None:
    assert MIME_DB_VERSION == "1.54.0"
    assert len(TYPES) == 1239  # every extension mime-db lists


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("js", "text/javascript"),
        ("mjs", "text/javascript"),
        ("app.js", "text/javascript"),
        (".ogg", "audio/ogg"),
        ("feed.rss", "application/rss+xml"),
        ("FILE.TXT", "text/plain"),
        ("a.tar.gz", "application/gzip"),
        ("mp4", "video/mp4"),  # video/ over audio/ over application/ (mimeScore)
        ("xml", "application/xml"),  # application/ over text/
        ("woff", "font/woff"),
        ("dir.d/file", None),  # the extension is the last segment's
        (".hidden", None),
        ("", None),
        ("nope", None),
    ],
)
def test_lookup_resolves_extensions_as_mime_types_3(value: str, expected: str | None) -> None:
    assert lookup(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("js", "text/javascript; charset=utf-8"),
        ("json", "application/json; charset=utf-8"),
        ("html", "text/html; charset=utf-8"),
        ("png", "image/png"),
        ("text/x-anything", "text/x-anything; charset=utf-8"),
        ("application/javascript", "application/javascript; charset=utf-8"),
        ("text/plain; charset=latin1", "text/plain; charset=latin1"),
        ("unknown-ext", None),
    ],
)
def test_content_type_adds_mime_db_charsets(value: str, expected: str | None) -> None:
    assert content_type(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/html", True),
        ("application/json; charset=utf-8", True),
        ("TEXT/CSS", True),
        ("image/svg+xml", True),
        ("image/png", False),
        ("application/zip", False),
        ("text/x-made-up", True),  # not in mime-db: the text/* rule
        ("application/x-made-up+json", True),
        ("application/x-made-up+xml", True),
        ("application/x-made-up+text", True),
        ("application/x-made-up", None),  # unknown
        ("", False),
    ],
)
def test_is_compressible_answers_as_the_compressible_package(
    value: str, expected: bool | None
) -> None:
    assert is_compressible(value) is expected


async def test_ctx_type_js_is_text_javascript(client: ClientFor) -> None:
    app = Koa()

    async def handler(ctx: Context, next: Next) -> None:
        ctx.type = "js"
        ctx.body = "export {}"

    app.use(handler)
    reply = await (await client(app)).get("/")
    assert reply.headers["Content-Type"] == "text/javascript; charset=utf-8"


async def test_attachment_types_an_ogg_file(client: ClientFor) -> None:
    app = Koa()

    async def handler(ctx: Context, next: Next) -> None:
        ctx.attachment("song.ogg")
        ctx.body = b"OggS"

    app.use(handler)
    reply = await (await client(app)).get("/")
    assert reply.headers["Content-Type"] == "audio/ogg"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/javascript", "js"),
        ("text/javascript", False),  # Koa 3.3's accepts 1.3 reads mime-db 1.52: js is application/
        ("audio/x-aac", "aac"),
    ],
)
async def test_accepts_resolves_extensions_as_koas_accepts_package(
    client: ClientFor, accept: str, expected: str | bool
) -> None:
    app = Koa()

    async def handler(ctx: Context, next: Next) -> None:
        ctx.body = {"chosen": ctx.accepts("js" if "javascript" in accept else "aac")}

    app.use(handler)
    reply = await (await client(app)).get("/", headers={"Accept": accept})
    assert reply.json() == {"chosen": expected}


def test_accepts_lookup_differs_from_lookup_only_where_mime_types_2_does() -> None:
    from koa.core._mime import accepts_lookup

    assert accepts_lookup("js") == "application/javascript"
    assert lookup("js") == "text/javascript"
    assert accepts_lookup("png") == lookup("png") == "image/png"
    assert accepts_lookup("210") is None  # not in mime-db 1.52
