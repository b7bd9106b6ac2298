"""@koa/send and koa-static behaviour lines (spec §4.3, S01–S43), through real
HTTP against a fixture tree like koa-send's, built in ``tmp_path``.

The working directory is ``tmp_path`` (koa-send's tests run from the package
root), so ``test/fixtures/hello.txt`` is a path relative to it.
"""

from __future__ import annotations

import gzip
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from koa.core import Context, Koa, Middleware, Next, Response
from koa.core.testing import ClientFor
from koa.static import send, serve

USER_JSON = b'{ "name": "tobi" }'
# brotli.compress(USER_JSON): stored here so the tests need no brotli module.
USER_JSON_BR = b'\x8b\x08\x80{ "name": "tobi" }\x03'
USER_JSON_GZ = gzip.compress(USER_JSON, mtime=0)

TREE: dict[str, bytes] = {
    "package.json": b'{"name": "koa-static-fixtures"}',
    "test/fixtures/hello.txt": b"world",
    "test/fixtures/user.json": USER_JSON,
    "test/fixtures/gzip.json": USER_JSON,
    "test/fixtures/gzip.json.gz": USER_JSON_GZ,
    "test/fixtures/gzip.json.br": USER_JSON_BR,
    "test/fixtures/world/index.html": b"html index",
    "test/fixtures/index.txt": b"text index",
    "test/fixtures/.hidden": b"hidden",
    "test/fixtures/.private/id_rsa.txt": b"private",
    "test/fixtures/some.path/index.json": b'{"dot": "dir"}',
}


@pytest.fixture
def fixtures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, content in TREE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "test" / "fixtures"


def app_of(*middleware: Middleware) -> Koa:
    app = Koa(silent=True)
    for mw in middleware:
        app.use(mw)
    return app


def sending(path: str | None = None, results: list[Any] | None = None, **opts: Any) -> Middleware:
    """A middleware that answers with ``send(ctx, path or ctx.path, **opts)``."""

    async def mw(ctx: Context, next: Next) -> None:
        sent = await send(ctx, ctx.path if path is None else path, **opts)
        if results is not None:
            results.append(sent)

    return mw


def body(text: str) -> Middleware:
    async def mw(ctx: Context, next: Next) -> None:
        ctx.body = text

    return mw


# -- @koa/send ---------------------------------------------------------------


async def test_s01_absolute_path_without_root_is_rerooted_under_cwd(
    client: ClientFor, fixtures: Path
) -> None:
    errors: list[int] = []

    async def catch(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception as err:
            errors.append(getattr(err, "status", 0))
            raise

    c = await client(app_of(catch, sending(str(fixtures / "hello.txt"))))
    assert (await c.get("/")).status == 404
    assert errors == [404]


async def test_s02_relative_path_from_cwd(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("test/fixtures/hello.txt")))
    reply = await c.get("/")
    assert (reply.status, reply.text) == (200, "world")


async def test_s03_leading_parent_segment_is_403(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("/../fixtures/hello.txt")))
    assert (await c.get("/")).status == 403


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [("ABS", 404, None), ("hello.txt", 200, "world"), ("something", 404, None)],
)
async def test_s04_root_option(
    client: ClientFor, fixtures: Path, path: str, status: int, text: str | None
) -> None:
    target = str(fixtures / "hello.txt") if path == "ABS" else path
    c = await client(app_of(sending(target, root="test/fixtures")))
    reply = await c.get("/")
    assert reply.status == status
    if text is not None:
        assert reply.text == text


@pytest.mark.parametrize("path", ["../../package.json", "../../test/fixtures/world/index.html"])
async def test_s05_parent_segments_under_root_are_403_even_back_inside(
    client: ClientFor, fixtures: Path, path: str
) -> None:
    c = await client(app_of(sending(path, root="test/fixtures")))
    assert (await c.get("/")).status == 403


async def test_s06_index_for_trailing_slash(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("fixtures/world/", root="test", index="index.html")))
    assert (await c.get("/")).text == "html index"
    c = await client(app_of(sending(root="test/fixtures/world", index="index.html")))
    reply = await c.get("/")
    assert (reply.status, reply.text) == (200, "html index")


async def test_s07_directory_without_index_is_404(client: ClientFor, fixtures: Path) -> None:
    results: list[Any] = []
    c = await client(app_of(sending("/test", results)))
    assert (await c.get("/")).status == 404
    c = await client(app_of(sending("/test", results, format=False)))
    assert (await c.get("/")).status == 404
    assert results == [None, None]


async def test_s08_fixtures_directory_is_404(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("/test/fixtures")))
    assert (await c.get("/")).status == 404


async def test_s09_format_false_needs_the_trailing_slash(client: ClientFor, fixtures: Path) -> None:
    c = await client(
        app_of(sending("fixtures/world", root="test", index="index.html", format=False))
    )
    assert (await c.get("/")).status == 404


async def test_s10_format_serves_the_directory_index(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("fixtures/world", root="test", index="index.html")))
    reply = await c.get("/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert reply.headers["Content-Length"] == "10"
    c = await client(app_of(sending("fixtures/world", root="test")))
    assert (await c.get("/")).status == 404


async def test_s11_malformed_escape_is_400(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("/%")))
    reply = await c.get("/")
    assert (reply.status, reply.text) == (400, "failed to decode")


async def test_s12_returns_the_absolute_path(client: ClientFor, fixtures: Path) -> None:
    results: list[Any] = []
    c = await client(app_of(sending("/test/fixtures/user.json", results)))
    assert (await c.get("/")).status == 200
    assert results == [str(fixtures / "user.json")]


@pytest.mark.parametrize(
    ("accept", "opts", "length"),
    [
        ("deflate, identity", {}, 18),
        ("gzip, deflate, identity", {}, len(USER_JSON_GZ)),
        ("gzip, deflate, identity", {"gzip": True}, len(USER_JSON_GZ)),
        ("gzip, deflate, identity", {"gzip": False}, 18),
    ],
)
async def test_s13_gzip_variant_by_accept_encoding(
    client: ClientFor, fixtures: Path, accept: str, opts: dict[str, Any], length: int
) -> None:
    c = await client(app_of(sending("/test/fixtures/gzip.json", **opts)))
    reply = await c.get("/", headers={"Accept-Encoding": accept})
    assert reply.status == 200
    assert reply.headers["Content-Length"] == str(length)
    if length != 18:
        assert reply.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(reply.body) == USER_JSON
    else:
        assert "Content-Encoding" not in reply.headers
        assert reply.body == USER_JSON
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("accept", "opts", "length"),
    [
        ("br, deflate, identity", {}, 22),
        ("br, deflate, identity", {"brotli": True}, 22),
        ("br, deflate, identity", {"brotli": False}, 18),
        ("br, gzip, deflate, identity", {"brotli": False}, len(USER_JSON_GZ)),
    ],
)
async def test_s14_brotli_variant_by_accept_encoding(
    client: ClientFor, fixtures: Path, accept: str, opts: dict[str, Any], length: int
) -> None:
    c = await client(app_of(sending("/test/fixtures/gzip.json", **opts)))
    reply = await c.get("/", headers={"Accept-Encoding": accept})
    assert reply.headers["Content-Length"] == str(length)
    if length == 22:
        assert reply.headers["Content-Encoding"] == "br"
        assert reply.body == USER_JSON_BR
    assert reply.headers["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize(
    ("opts", "expected"),
    [
        ({"max_age": 5}, "max-age=5"),
        ({"max_age": 1.234}, "max-age=1"),
        ({"max_age": timedelta(hours=1, milliseconds=500)}, "max-age=3600"),
        ({"max_age": 31536000, "immutable": True}, "max-age=31536000,immutable"),
    ],
)
async def test_s15_cache_control_from_max_age_in_seconds(
    client: ClientFor, fixtures: Path, opts: dict[str, Any], expected: str
) -> None:
    c = await client(app_of(sending("/test/fixtures/user.json", **opts)))
    assert (await c.get("/")).headers["Cache-Control"] == expected


async def test_s16_missing_file_gets_no_cache_control(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("/test/fixtures/nope.txt", immutable=True, max_age=60)))
    reply = await c.get("/")
    assert reply.status == 404
    assert "Cache-Control" not in reply.headers


@pytest.mark.parametrize("path", ["test/fixtures/.hidden", "test/fixtures/.private/id_rsa.txt"])
async def test_s17_hidden_files_only_with_hidden(
    client: ClientFor, fixtures: Path, path: str
) -> None:
    c = await client(app_of(sending(path)))
    assert (await c.get("/")).status == 404
    c = await client(app_of(sending(path, hidden=True)))
    assert (await c.get("/")).status == 200


@pytest.mark.parametrize(
    ("extensions", "status"),
    [(False, 404), (["json", "htm", "html"], 404), ({}, 404), ([2, {}, []], 500)],
)
async def test_s18_extensions_without_a_match(
    client: ClientFor, fixtures: Path, extensions: Any, status: int
) -> None:
    c = await client(app_of(sending("test/fixtures/hello", extensions=extensions)))
    assert (await c.get("/")).status == status


@pytest.mark.parametrize(
    ("path", "extensions", "content_type"),
    [
        ("test/fixtures/user", ["html", "json", "txt"], "application/json; charset=utf-8"),
        ("test/fixtures/hello", ["txt"], "text/plain; charset=utf-8"),
        ("test/fixtures/hello", [".txt"], "text/plain; charset=utf-8"),
        ("test/fixtures/some.path/index", ["json"], "application/json; charset=utf-8"),
    ],
)
async def test_s19_extensions_are_tried_in_order(
    client: ClientFor, fixtures: Path, path: str, extensions: list[str], content_type: str
) -> None:
    c = await client(app_of(sending(path, extensions=extensions)))
    reply = await c.get("/")
    assert (reply.status, reply.headers["Content-Type"]) == (200, content_type)


async def test_s20_type_length_and_last_modified(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("/test/fixtures/user.json")))
    reply = await c.get("/")
    assert "application/json" in reply.headers["Content-Type"]
    assert reply.headers["Content-Length"] == "18"
    assert reply.headers["Last-Modified"].endswith("GMT")


async def test_s21_a_type_set_before_is_kept(client: ClientFor, fixtures: Path) -> None:
    async def typed(ctx: Context, next: Next) -> None:
        ctx.type = "text/plain"
        await next()

    c = await client(app_of(typed, sending("/test/fixtures/world/index.html")))
    assert (await c.get("/")).headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_s22_set_headers_must_be_callable(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(sending("/test/fixtures/user.json", set_headers="foo")))
    assert (await c.get("/")).status == 500


async def test_s22_set_headers_runs_first_but_length_is_always_the_files(
    client: ClientFor, fixtures: Path
) -> None:
    seen: list[tuple[str, int]] = []

    def set_headers(res: Response, path: str, stat: os.stat_result) -> None:
        seen.append((path, stat.st_size))
        res.set("Cache-Control", "max-age=0,must-revalidate")
        res.set("Last-Modified", "foo")
        res.set("Content-Length", 9000)

    c = await client(app_of(sending("/test/fixtures/user.json", set_headers=set_headers)))
    reply = await c.get("/")
    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "max-age=0,must-revalidate"
    assert reply.headers["Last-Modified"] == "foo"
    assert reply.headers["Content-Length"] == "18"
    assert len(seen) == 1
    assert seen[0][0].endswith(os.path.join("test", "fixtures", "user.json"))
    assert seen[0][1] == 18


async def test_s23_noop_set_headers_keeps_the_defaults(client: ClientFor, fixtures: Path) -> None:
    async def nothing(res: Response, path: str, stat: os.stat_result) -> None:
        return None

    c = await client(app_of(sending("/test/fixtures/user.json", set_headers=nothing)))
    reply = await c.get("/")
    assert reply.headers["Cache-Control"] == "max-age=0"
    assert reply.headers["Content-Length"] == "18"
    assert reply.headers["Last-Modified"].endswith("GMT")


# S24 (the file is released when the client goes away) is in test_static_sendfile.py.

# -- koa-static ----------------------------------------------------------------


async def test_s25_serve_cwd(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(serve(".")))
    assert (await c.get("/package.json")).status == 200


async def test_s26_missing_file_falls_through_without_error(
    client: ClientFor, fixtures: Path
) -> None:
    c = await client(app_of(serve(fixtures)))
    assert (await c.get("/something")).status == 404
    errors: list[Exception] = []

    async def guard(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception as err:
            errors.append(err)

    c = await client(app_of(guard, serve(fixtures), body("ok")))
    reply = await c.get("/something")
    assert (reply.status, reply.text, errors) == (200, "ok", [])


async def test_s27_a_served_file_skips_downstream(client: ClientFor, fixtures: Path) -> None:
    async def later(ctx: Context, next: Next) -> None:
        await next()
        ctx.body = "hey"

    c = await client(app_of(serve(fixtures), later))
    reply = await c.get("/hello.txt")
    assert (reply.status, reply.text) == (200, "world")


async def test_s28_serves_a_file(client: ClientFor, fixtures: Path) -> None:
    reply = await (await client(app_of(serve(fixtures)))).get("/hello.txt")
    assert (reply.status, reply.text) == (200, "world")


async def test_s29_index_option(client: ClientFor, fixtures: Path) -> None:
    reply = await (await client(app_of(serve(fixtures, index="index.txt")))).get("/")
    assert (reply.status, reply.text) == (200, "text index")
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    reply = await (await client(app_of(serve(fixtures)))).get("/world/")
    assert (reply.status, reply.text) == (200, "html index")
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"


async def test_s30_index_false(client: ClientFor, fixtures: Path) -> None:
    assert (await (await client(app_of(serve(fixtures, index=False)))).get("/world/")).status == 404
    c = await client(app_of(serve(fixtures, index=False), body("oh no")))
    assert (await c.get("/world/")).text == "oh no"


async def test_s31_post_is_not_served(client: ClientFor, fixtures: Path) -> None:
    assert (await (await client(app_of(serve(fixtures)))).post("/hello.txt")).status == 404


async def test_s32_defer_lets_downstream_answer_first(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(serve(fixtures, defer=True), body("hey")))
    reply = await c.get("/hello.txt")
    assert (reply.status, reply.text) == (200, "hey")


async def test_s33_defer_serves_when_downstream_did_not(client: ClientFor, fixtures: Path) -> None:
    assert (await (await client(app_of(serve(fixtures, defer=True)))).get("/hello.txt")).text == (
        "world"
    )
    c = await client(app_of(serve(fixtures, defer=True, index="index.txt")))
    reply = await c.get("/")
    assert (reply.text, reply.headers["Content-Type"]) == (
        "text index",
        "text/plain; charset=utf-8",
    )
    reply = await (await client(app_of(serve(fixtures, defer=True)))).get("/world/")
    assert (reply.text, reply.headers["Content-Type"]) == ("html index", "text/html; charset=utf-8")


async def test_s34_defer_missing_file_is_a_plain_404(client: ClientFor, fixtures: Path) -> None:
    errors: list[Exception] = []

    async def guard(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception as err:
            errors.append(err)
            raise

    c = await client(app_of(guard, serve(fixtures, defer=True)))
    assert (await c.get("/something")).status == 404
    assert errors == []


async def test_s35_defer_respects_what_downstream_set(client: ClientFor, fixtures: Path) -> None:
    async def no_content(ctx: Context, next: Next) -> None:
        ctx.status = 204

    c = await client(app_of(serve(fixtures, defer=True), no_content))
    assert (await c.get("/something%%%/")).status == 204
    c = await client(app_of(serve(fixtures, defer=True), body("")))
    assert (await c.get("/something%%%/")).status == 200


async def test_s36_defer_post_is_not_served(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(serve(fixtures, defer=True)))
    assert (await c.post("/hello.txt")).status == 404


async def test_s37_format_option(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(serve(fixtures, format=False)))
    assert (await c.get("/world")).status == 404
    assert (await c.get("/world/")).status == 200
    c = await client(app_of(serve(fixtures)))
    assert (await c.get("/world")).status == 200
    assert (await c.get("/world/")).status == 200


async def test_s38_headers_and_head(client: ClientFor, fixtures: Path) -> None:
    c = await client(app_of(serve(fixtures)))
    reply = await c.get("/hello.txt")
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.headers["Content-Length"] == "5"
    assert reply.headers["Cache-Control"] == "max-age=0"
    assert "Last-Modified" in reply.headers
    head = await c.head("/hello.txt")
    assert (head.status, head.headers["Content-Length"], head.body) == (200, "5", b"")


async def test_s39_directory_without_slash_is_served_without_redirect(
    client: ClientFor, fixtures: Path
) -> None:
    reply = await (await client(app_of(serve(fixtures)))).get("/world")
    assert (reply.status, reply.text) == (200, "html index")


# S40 (encoded traversal, NUL bytes, "//") is in test_static_traversal.py, over raw sockets.


async def test_s41_hidden_paths(client: ClientFor, fixtures: Path) -> None:
    (fixtures / ".private" / "k").write_bytes(b"key")
    c = await client(app_of(serve(fixtures)))
    assert (await c.get("/.hidden")).status == 404
    assert (await c.get("/.private/k")).status == 404
    c = await client(app_of(serve(fixtures, hidden=True)))
    reply = await c.get("/.private/k")
    assert (reply.status, reply.text) == (200, "key")
    # Deviation: aiohttp labels a body without a type application/octet-stream.
    assert reply.headers["Content-Type"] == "application/octet-stream"


async def test_s42_options_together(client: ClientFor, fixtures: Path) -> None:
    def size(res: Response, path: str, stat: os.stat_result) -> None:
        res.set("X-Size", stat.st_size)

    c = await client(
        app_of(
            serve(fixtures, max_age=3600.5, immutable=True, extensions=["txt"], set_headers=size)
        )
    )
    reply = await c.get("/hello")
    assert reply.headers["Cache-Control"] == "max-age=3600,immutable"
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.headers["X-Size"] == "5"


async def test_s43_if_modified_since_in_the_future_is_ignored(
    client: ClientFor, fixtures: Path
) -> None:
    c = await client(app_of(serve(fixtures)))
    reply = await c.get(
        "/hello.txt", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    )
    assert (reply.status, reply.text) == (200, "world")


async def test_serve_needs_a_root() -> None:
    with pytest.raises(ValueError, match="root directory is required"):
        serve("")


async def test_serve_rejects_bad_options_at_once() -> None:
    with pytest.raises(TypeError, match="extensions must be array of strings"):
        serve(".", extensions=[2])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="setHeaders must be function"):
        serve(".", set_headers="foo")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_age"):
        serve(".", max_age=-1)
