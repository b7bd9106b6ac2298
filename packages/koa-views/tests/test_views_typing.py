"""Typed handlers: ``ctx.render`` type-checks on :class:`ViewsContext` (this
file is checked by ``mypy --strict``; the ignore below is a negative check)."""

from __future__ import annotations

from pathlib import Path
from typing import assert_type

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.views import Render, ViewsContext, views


class AppContext(ViewsContext):
    """An app's context: what views() adds, plus its own."""

    __slots__ = ()
    user_name: str


async def home(ctx: ViewsContext, next: Next) -> None:
    html = await ctx.render("home", {"title": "Home"})
    assert_type(html, str)
    assert_type(ctx.render, Render)


async def profile(ctx: AppContext, next: Next) -> None:
    ctx.user_name = "ada"
    await ctx.render("home", {"title": ctx.user_name})


async def untyped(ctx: Context, next: Next) -> None:
    await ctx.render("home")  # type: ignore[attr-defined]


async def test_typed_handlers_render(client: ClientFor, tmp_path: Path) -> None:
    (tmp_path / "home.html").write_text("<h1>{{ title }}</h1>")
    app = Koa(silent=True)
    app.use(views(tmp_path))
    app.use(profile)
    reply = await (await client(app)).get("/")
    assert reply.text == "<h1>ada</h1>"


async def test_view_context_handlers_are_app_middleware(client: ClientFor, tmp_path: Path) -> None:
    (tmp_path / "home.html").write_text("<h1>{{ title }}</h1>")
    app = Koa(silent=True)
    app.use(views(tmp_path)).use(home)
    assert (await (await client(app)).get("/")).text == "<h1>Home</h1>"
