"""koa-compress and koa-etag in front of koa-static: files of every size are
compressed as they are sent, pre-compressed variants and validators are kept."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from koa.compress import compress
from koa.core import Koa
from koa.core.testing import ClientFor
from koa.etag import conditional_get, etag
from koa.static import serve

BIG = b"".join(b"body { margin: %dpx; }\n" % i for i in range(20_000))  # ~470 KB
SMALL = b"h1 { color: red; }\n" * 100  # 1.9 KB: koa-static reads it into memory


def site(root: Path) -> Koa:
    (root / "big.css").write_bytes(BIG)
    (root / "small.css").write_bytes(SMALL)
    (root / "pre.css").write_bytes(SMALL)
    (root / "pre.css.gz").write_bytes(gzip.compress(SMALL))
    app = Koa()
    app.use(compress())
    app.use(conditional_get())
    app.use(etag())
    app.use(serve(str(root), gzip=True))
    return app


async def test_a_large_file_is_compressed_as_it_is_sent(client: ClientFor, tmp_path: Path) -> None:
    c = await client(site(tmp_path))
    reply = await c.get("/big.css", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in reply.headers
    assert gzip.decompress(reply.body) == BIG
    assert reply.headers["Vary"] == "Accept-Encoding"


async def test_a_large_file_with_deflate(client: ClientFor, tmp_path: Path) -> None:
    c = await client(site(tmp_path))
    reply = await c.get("/big.css", headers={"Accept-Encoding": "deflate"})
    assert reply.headers["Content-Encoding"] == "deflate"
    assert zlib.decompress(reply.body) == BIG


async def test_a_small_file_is_compressed_with_any_coding(
    client: ClientFor, tmp_path: Path
) -> None:
    c = await client(site(tmp_path))
    reply = await c.get("/small.css", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body) == SMALL


async def test_a_precompressed_variant_is_sent_as_it_is(client: ClientFor, tmp_path: Path) -> None:
    c = await client(site(tmp_path))
    reply = await c.get("/pre.css", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body) == SMALL  # compressed once, not twice


async def test_koa_statics_etag_is_kept_and_honoured(client: ClientFor, tmp_path: Path) -> None:
    c = await client(site(tmp_path))
    first = await c.get("/big.css", headers={"Accept-Encoding": "gzip"})
    tag = first.headers["ETag"]
    again = await c.get("/big.css", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status == 304
    assert again.body == b""


async def test_a_range_request_is_not_compressed(client: ClientFor, tmp_path: Path) -> None:
    c = await client(site(tmp_path))
    reply = await c.get("/big.css", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert reply.status == 206
    assert "Content-Encoding" not in reply.headers
    assert reply.body == BIG[:100]
