"""koa-send's handling of a precompressed file whose original is absent, and
of an empty path (issue 17, item 9). Over a real server, real files.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.static import send, serve

TEXT = b"only the compressed copy exists"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "only.txt.gz").write_bytes(gzip.compress(TEXT, mtime=0))
    (tmp_path / "index.html").write_bytes(b"index")
    return tmp_path


async def test_a_gz_file_without_its_original_is_sent_to_a_gzip_client(
    client: ClientFor, root: Path
) -> None:
    c = await client(Koa().use(serve(root)))
    reply = await c.get("/only.txt", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert gzip.decompress(reply.body) == TEXT


async def test_a_gz_file_without_its_original_is_404_to_other_clients(
    client: ClientFor, root: Path
) -> None:
    c = await client(Koa().use(serve(root)))
    reply = await c.get("/only.txt", headers={"Accept-Encoding": "identity"})
    assert reply.status == 404
    assert "Content-Encoding" not in reply.headers


async def test_a_br_file_without_its_original_is_sent_to_a_client_taking_any_coding(
    client: ClientFor, tmp_path: Path
) -> None:
    """``Accept-Encoding: *`` prefers ``br`` over ``identity`` (negotiator)."""
    (tmp_path / "data.json.br").write_bytes(b"\x8b\x03\x80{}\x03")
    c = await client(Koa().use(serve(tmp_path)))
    reply = await c.get("/data.json", headers={"Accept-Encoding": "*"})
    assert (reply.status, reply.headers["Content-Encoding"]) == (200, "br")
    assert reply.body == b"\x8b\x03\x80{}\x03"


async def test_send_refuses_an_empty_path(client: ClientFor, root: Path) -> None:
    app = Koa(silent=True)
    errors: list[BaseException] = []
    app.on("error", lambda err, ctx: errors.append(err))

    async def mw(ctx: Context, next: Next) -> None:
        await send(ctx, "", root=str(root), index="index.html")

    reply = await (await client(app.use(mw))).get("/")
    assert reply.status == 500
    assert reply.body != b"index"
    assert isinstance(errors[0], ValueError) and "needs a path" in str(errors[0])
