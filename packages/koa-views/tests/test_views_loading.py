"""Templates are loaded off the event loop, once, with the templates they name."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import jinja2
import pytest

from koa.core import Koa, Next
from koa.core.testing import ClientFor
from koa.views import ViewsContext, views


def app_for(root: Path, name: str, **options: Any) -> Koa:
    app = Koa(silent=True)
    app.use(views(root, **options))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render(name, {"n": ctx.query.get("n", "")})

    app.use(page)
    return app


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every template source Jinja2 reads: (template, thread name)."""
    seen: list[tuple[str, str]] = []
    original = jinja2.FileSystemLoader.get_source

    def recording(
        self: jinja2.FileSystemLoader, environment: jinja2.Environment, template: str
    ) -> Any:
        seen.append((template, threading.current_thread().name))
        return original(self, environment, template)

    monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", recording)
    return seen


async def test_templates_are_read_in_a_worker_thread(
    client: ClientFor, tmp_path: Path, loads: list[tuple[str, str]]
) -> None:
    (tmp_path / "page.html").write_text(
        "{% extends 'base.html' %}{% block b %}{% include 'row.html' %}{% endblock %}"
    )
    (tmp_path / "base.html").write_text("<main>{% block b %}{% endblock %}</main>")
    (tmp_path / "row.html").write_text("<p>{{ n }}</p>")
    c = await client(app_for(tmp_path, "page"))
    assert (await c.get("/?n=1")).text == "<main><p>1</p></main>"
    assert {template for template, _ in loads} == {"page.html", "base.html", "row.html"}
    main = threading.main_thread().name
    assert all(thread != main for _, thread in loads), loads


async def test_templates_are_cached_after_the_first_render(
    client: ClientFor, tmp_path: Path, loads: list[tuple[str, str]]
) -> None:
    (tmp_path / "page.html").write_text("{% include 'row.html' %}")
    (tmp_path / "row.html").write_text("{{ n }}")
    c = await client(app_for(tmp_path, "page"))
    assert (await c.get("/?n=1")).text == "1"
    first = len(loads)
    (tmp_path / "page.html").unlink()
    (tmp_path / "row.html").unlink()
    assert (await c.get("/?n=2")).text == "2"  # nothing read from disk any more
    assert len(loads) == first


async def test_auto_reload_environment_sees_changes(client: ClientFor, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("one")
    c = await client(app_for(tmp_path, "page", environment=jinja2.Environment(auto_reload=True)))
    assert (await c.get("/")).text == "one"
    page.write_text("two, a different length")
    import os

    stat = page.stat()
    os.utime(page, (stat.st_atime, stat.st_mtime + 5))
    assert (await c.get("/")).text == "two, a different length"
