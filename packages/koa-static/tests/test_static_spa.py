"""The opt-in single-page-app fallback: unknown pages get the app's index."""

from __future__ import annotations

from pathlib import Path

import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import Client, ClientFor
from koa.static import serve

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_bytes(b"<app>")
    (tmp_path / "shell.html").write_bytes(b"<shell>")
    (tmp_path / "app.js").write_bytes(b"js")
    return tmp_path


async def api(ctx: Context, next: Next) -> None:
    if ctx.path.startswith("/api/"):
        ctx.body = {"api": ctx.path}
    else:
        await next()


async def started(
    client: ClientFor, root: Path, spa: bool | str = True, *, defer: bool = False
) -> Client:
    app = Koa(silent=True)
    app.use(serve(root, spa_fallback=spa, defer=defer)).use(api)
    return await client(app)


async def test_unknown_page_gets_the_index(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    reply = await c.get("/settings/profile", headers={"Accept": HTML})
    assert (reply.status, reply.text) == (200, "<app>")
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    head = await c.head("/settings/profile", headers={"Accept": HTML})
    assert (head.status, head.headers["Content-Length"], head.body) == (200, "5", b"")


async def test_existing_files_and_downstream_answers_come_first(
    client: ClientFor, root: Path
) -> None:
    c = await started(client, root)
    assert (await c.get("/app.js", headers={"Accept": HTML})).text == "js"
    assert (await c.get("/api/users", headers={"Accept": HTML})).json() == {"api": "/api/users"}


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/missing.js", {"Accept": HTML}),  # looks like a file
        ("/settings", {"Accept": "*/*"}),  # a script's fetch()
        ("/settings", {"Accept": "application/json"}),
        ("/settings", {}),
        ("/settings", {"Accept": "text/html;q=0"}),
    ],
)
async def test_no_fallback_unless_a_page_is_asked_for(
    client: ClientFor, root: Path, path: str, headers: dict[str, str]
) -> None:
    c = await started(client, root)
    assert (await c.get(path, headers=headers)).status == 404


async def test_no_fallback_for_post(client: ClientFor, root: Path) -> None:
    c = await started(client, root)
    assert (await c.post("/settings", headers={"Accept": HTML})).status == 404


async def test_fallback_to_a_named_file(client: ClientFor, root: Path) -> None:
    c = await started(client, root, "shell.html")
    assert (await c.get("/x", headers={"Accept": HTML})).text == "<shell>"


async def test_fallback_with_defer(client: ClientFor, root: Path) -> None:
    c = await started(client, root, defer=True)
    assert (await c.get("/x", headers={"Accept": HTML})).text == "<app>"
    assert (await c.get("/api/x", headers={"Accept": HTML})).json() == {"api": "/api/x"}


async def test_fallback_off_by_default(client: ClientFor, root: Path) -> None:
    c = await started(client, root, False)
    assert (await c.get("/x", headers={"Accept": HTML})).status == 404


async def test_missing_fallback_file_is_a_plain_404(client: ClientFor, root: Path) -> None:
    c = await started(client, root, "nope.html")
    assert (await c.get("/x", headers={"Accept": HTML})).status == 404


async def test_fallback_true_needs_an_index(root: Path) -> None:
    with pytest.raises(ValueError, match="needs an index"):
        serve(root, index=False, spa_fallback=True)
