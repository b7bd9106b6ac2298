"""Beyond koa-static: strong validators, conditional GET and byte ranges.

Every answer is decided by ``send`` (aiohttp's own Range/If-* handling in
``FileResponse`` is never involved), so validators and ranges agree.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from pathlib import Path

import pytest

from koa.core import Context, Koa, Next, Response
from koa.core.testing import Client, ClientFor
from koa.static import serve

TEXT = b"0123456789abcdefghij"
SetHeaders = Callable[[Response, str, os.stat_result], Awaitable[None] | None]
OLD = "Sat, 01 Jan 2000 00:00:00 GMT"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "data.txt").write_bytes(TEXT)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.html").write_bytes(b"<p>hi</p>")
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"<p>hi</p>", mtime=0))
    return tmp_path


async def started(client: ClientFor, root: Path, set_headers: SetHeaders | None = None) -> Client:
    app = Koa(silent=True)
    app.use(serve(root, set_headers=set_headers))
    return await client(app)


# -- validators ----------------------------------------------------------------


async def test_etag_is_strong_and_derived_from_size_and_mtime(
    client: ClientFor, root: Path
) -> None:
    c = await started(client, root)
    etag = (await c.get("/data.txt")).headers["ETag"]
    st = os.stat(root / "data.txt")
    assert etag == f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
    assert (await c.get("/data.txt")).headers["ETag"] == etag
    (root / "data.txt").write_bytes(TEXT + b"!")
    assert (await c.get("/data.txt")).headers["ETag"] != etag


async def test_each_encoding_has_its_own_etag(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    plain = await c.get("/page.html", headers={"Accept-Encoding": "identity"})
    zipped = await c.get("/page.html", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert plain.headers["ETag"] != zipped.headers["ETag"]
    assert plain.headers["Vary"] == zipped.headers["Vary"] == "Accept-Encoding"
    again = await c.get(
        "/page.html",
        headers={"Accept-Encoding": "identity", "If-None-Match": zipped.headers["ETag"]},
    )
    assert again.status == 200


async def test_no_vary_without_a_precompressed_variant(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    assert "Vary" not in (await c.get("/data.txt", headers={"Accept-Encoding": "gzip"})).headers


# -- 304 -----------------------------------------------------------------------


async def test_if_none_match_gives_304_with_validators_and_no_body(
    client: ClientFor, root: Path
) -> None:
    c = await started(client, root)
    first = await c.get("/data.txt")
    reply = await c.get("/data.txt", headers={"If-None-Match": first.headers["ETag"]})
    assert (reply.status, reply.body) == (304, b"")
    assert reply.headers["ETag"] == first.headers["ETag"]
    assert reply.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert reply.headers["Cache-Control"] == "max-age=0"
    assert "Content-Length" not in reply.headers


@pytest.mark.parametrize("form", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
async def test_if_none_match_uses_weak_comparison_and_lists(
    client: ClientFor, root: Path, form: str
) -> None:
    c = await started(client, root)
    etag = (await c.get("/data.txt")).headers["ETag"]
    reply = await c.get("/data.txt", headers={"If-None-Match": form.format(etag=etag)})
    assert reply.status == 304


async def test_head_is_conditional_too(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    etag = (await c.get("/data.txt")).headers["ETag"]
    assert (await c.head("/data.txt", headers={"If-None-Match": etag})).status == 304


async def test_if_none_match_that_differs_gives_the_file(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    reply = await c.get("/data.txt", headers={"If-None-Match": '"nope"'})
    assert (reply.status, reply.body) == (200, TEXT)


async def test_if_modified_since(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    modified = (await c.get("/data.txt")).headers["Last-Modified"]
    assert (await c.get("/data.txt", headers={"If-Modified-Since": modified})).status == 304
    assert (await c.get("/data.txt", headers={"If-Modified-Since": OLD})).status == 200
    assert (await c.get("/data.txt", headers={"If-Modified-Since": "yesterday"})).status == 200


async def test_if_none_match_takes_precedence_over_if_modified_since(
    client: ClientFor, root: Path
) -> None:
    c = await started(client, root)
    modified = (await c.get("/data.txt")).headers["Last-Modified"]
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": modified}
    assert (await c.get("/data.txt", headers=headers)).status == 200


async def test_validators_from_set_headers_are_the_ones_checked(
    client: ClientFor, root: Path
) -> None:
    def versioned(res: Response, path: str, stat: os.stat_result) -> None:
        res.set("ETag", '"v42"')

    c = await started(client, root, versioned)
    assert (await c.get("/data.txt")).headers["ETag"] == '"v42"'
    assert (await c.get("/data.txt", headers={"If-None-Match": '"v42"'})).status == 304


# -- 412 -----------------------------------------------------------------------


async def test_if_match(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    etag = (await c.get("/data.txt")).headers["ETag"]
    assert (await c.get("/data.txt", headers={"If-Match": etag})).status == 200
    assert (await c.get("/data.txt", headers={"If-Match": "*"})).status == 200
    failed = await c.get("/data.txt", headers={"If-Match": '"other"'})
    assert (failed.status, failed.text) == (412, "Precondition Failed")
    assert (await c.get("/data.txt", headers={"If-Match": "W/" + etag})).status == 412


async def test_if_unmodified_since(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    now = formatdate(usegmt=True)
    assert (await c.get("/data.txt", headers={"If-Unmodified-Since": now})).status == 200
    assert (await c.get("/data.txt", headers={"If-Unmodified-Since": OLD})).status == 412


async def test_412_propagates_through_serve(client: ClientFor, root: Path) -> None:
    caught: list[int] = []

    async def guard(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception as err:
            caught.append(getattr(err, "status", 0))
            raise

    app = Koa(silent=True)
    app.use(guard).use(serve(root))
    c = await client(app)
    assert (await c.get("/data.txt", headers={"If-Match": '"x"'})).status == 412
    assert caught == [412]


# -- Range ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "content_range", "body"),
    [
        ("bytes=0-0", "bytes 0-0/20", b"0"),
        ("bytes=2-5", "bytes 2-5/20", b"2345"),
        ("bytes=15-", "bytes 15-19/20", b"fghij"),
        ("bytes=-3", "bytes 17-19/20", b"hij"),
        ("bytes=-100", "bytes 0-19/20", TEXT),
        ("bytes=10-999", "bytes 10-19/20", b"abcdefghij"),
        ("BYTES = 1 - 2", "bytes 1-2/20", b"12"),
    ],
)
async def test_single_range_is_206(
    client: ClientFor, root: Path, header: str, content_range: str, body: bytes
) -> None:
    c = await started(client, root)
    reply = await c.get("/data.txt", headers={"Range": header})
    assert reply.status == 206
    assert reply.headers["Content-Range"] == content_range
    assert reply.headers["Content-Length"] == str(len(body))
    assert reply.headers["Accept-Ranges"] == "bytes"
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.body == body


@pytest.mark.parametrize(
    ("path", "header"), [("/data.txt", "bytes=20-"), ("/data.txt", "bytes=-0")]
)
async def test_unsatisfiable_range_is_416(
    client: ClientFor, root: Path, path: str, header: str
) -> None:
    c = await started(client, root)
    reply = await c.get(path, headers={"Range": header})
    assert reply.status == 416
    assert reply.headers["Content-Range"] == "bytes */20"
    assert TEXT not in reply.body


async def test_any_range_of_an_empty_file_is_416(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    reply = await c.get("/empty.txt", headers={"Range": "bytes=0-"})
    assert (reply.status, reply.headers["Content-Range"]) == (416, "bytes */0")
    plain = await c.get("/empty.txt")
    assert (plain.status, plain.headers["Content-Length"], plain.body) == (200, "0", b"")


@pytest.mark.parametrize(
    "header", ["bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=", "bytes=a-b", "bytes=-"]
)
async def test_ranges_we_ignore_give_the_whole_file(
    client: ClientFor, root: Path, header: str
) -> None:
    c = await started(client, root)
    reply = await c.get("/data.txt", headers={"Range": header})
    assert (reply.status, reply.body) == (200, TEXT)
    assert "Content-Range" not in reply.headers


async def test_range_is_ignored_for_head(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    reply = await c.head("/data.txt", headers={"Range": "bytes=0-1"})
    assert (reply.status, reply.headers["Content-Length"], reply.body) == (200, "20", b"")


async def test_if_range_with_the_current_etag_or_date(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    first = await c.get("/data.txt")
    for validator in (first.headers["ETag"], first.headers["Last-Modified"]):
        reply = await c.get("/data.txt", headers={"Range": "bytes=0-1", "If-Range": validator})
        assert (reply.status, reply.body) == (206, b"01")


@pytest.mark.parametrize("validator", ['"old"', OLD, "W/{etag}"])
async def test_if_range_with_another_version_gives_the_whole_file(
    client: ClientFor, root: Path, validator: str
) -> None:
    c = await started(client, root)
    etag = (await c.get("/data.txt")).headers["ETag"]
    headers = {"Range": "bytes=0-1", "If-Range": validator.format(etag=etag)}
    reply = await c.get("/data.txt", headers=headers)
    assert (reply.status, reply.body) == (200, TEXT)


async def test_range_of_a_precompressed_variant(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    zipped = gzip.compress(b"<p>hi</p>", mtime=0)
    reply = await c.get("/page.html", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert reply.status == 206
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Content-Range"] == f"bytes 0-9/{len(zipped)}"
    assert reply.body == zipped[:10]


async def test_304_wins_over_range(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    etag = (await c.get("/data.txt")).headers["ETag"]
    reply = await c.get("/data.txt", headers={"Range": "bytes=0-1", "If-None-Match": etag})
    assert reply.status == 304
