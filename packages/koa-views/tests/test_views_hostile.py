"""Hostile names and options: names from a request never leave the root, never
cause a 500 other than "no such template", and bad options fail at setup."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import pytest

from koa.core import Koa, Next
from koa.core.testing import ClientFor
from koa.views import ViewsContext, views


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "views"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "about.html").write_text("about", encoding="utf-8")
    (tmp_path / "secret.html").write_text("SECRET {{ 1 + 1 }}", encoding="utf-8")
    return root


def by_param(root: Path) -> Koa:
    """Renders the template named by ?page=..., as an app that trusts input might."""
    app = Koa(silent=True)
    app.use(views(root))

    async def page(ctx: ViewsContext, next: Next) -> None:
        name = ctx.query.get("page")
        await ctx.render(name if isinstance(name, str) else "")

    app.use(page)
    return app


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("../secret", 403),
        ("../secret.html", 403),
        ("pages/../../secret", 403),
        ("..\\secret", 403),
        ("pages\\..\\..\\secret", 403),
        ("..", 403),
        ("/etc/passwd", 400),
        ("\\\\server\\share\\x", 400),
        ("C:\\Windows\\win.ini", 400),
        ("c:secret", 400),
        ("pages/about\x00.html", 400),
    ],
)
async def test_names_leaving_the_root_are_refused(
    client: ClientFor, site: Path, name: str, status: int
) -> None:
    reply = await (await client(by_param(site))).get("/", params={"page": name})
    assert reply.status == status
    assert "SECRET" not in reply.text


@pytest.mark.parametrize("name", ["%2e%2e/secret", "....//secret", "pages/./about/..", "~", " "])
async def test_odd_names_are_missing_templates_not_escapes(
    client: ClientFor, site: Path, name: str
) -> None:
    reply = await (await client(by_param(site))).get("/", params={"page": name})
    assert (reply.status, reply.text) == (500, "Internal Server Error")


async def test_a_symlink_out_of_the_root_cannot_be_named_by_dotdot(
    client: ClientFor, site: Path
) -> None:
    reply = await (await client(by_param(site))).get("/", params={"page": "pages/../../secret"})
    assert reply.status == 403


async def test_template_source_from_state_is_not_evaluated(client: ClientFor, site: Path) -> None:
    (site / "echo.html").write_text("{{ comment }}", encoding="utf-8")
    app = Koa(silent=True)
    app.use(views(site))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render("echo", {"comment": ctx.query.get("c")})

    app.use(page)
    reply = await (await client(app)).get(
        "/", params={"c": "{{ 7 * 7 }}<img src=x onerror=alert(1)>"}
    )
    assert reply.text == "{{ 7 * 7 }}&lt;img src=x onerror=alert(1)&gt;"


async def test_locals_that_are_not_a_mapping_are_a_500(client: ClientFor, site: Path) -> None:
    app = Koa(silent=True)
    app.use(views(site))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render("pages/about", ["not", "a", "mapping"])  # type: ignore[arg-type]

    app.use(page)
    assert (await (await client(app)).get("/")).status == 500


async def test_a_non_string_name_is_a_500(client: ClientFor, site: Path) -> None:
    app = Koa(silent=True)
    app.use(views(site))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render(None)  # type: ignore[arg-type]

    app.use(page)
    assert (await (await client(app)).get("/")).status == 500


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"extension": ""}, ValueError, "give a file extension"),
        ({"extension": "."}, ValueError, "give a file extension"),
        ({"extension": "a/b"}, ValueError, "give a file extension"),
        ({"extension": " html"}, ValueError, "give a file extension"),
        ({"extension": "x\x00"}, ValueError, "give a file extension"),
        ({"extension": 5}, TypeError, r"extension=\.\.\.\) must be a str"),
        ({"map": {"html": "nunjucks"}}, ValueError, "the engine is Jinja2"),
        ({"map": {"html": 1}}, TypeError, "must be str: str"),
        ({"map": ["html"]}, TypeError, r"map=\.\.\.\) must map extensions"),
        ({"options": ["a"]}, TypeError, r"options=\.\.\.\) must map names"),
        ({"environment": object()}, TypeError, "must be a jinja2.Environment"),
        ({"auto_render": "false"}, TypeError, "must be True or False"),
    ],
    ids=lambda value: repr(value)[:30],
)
def test_bad_options_are_refused(
    site: Path, options: dict[str, Any], error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        views(site, **options)


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is not a directory"):
        views(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is not a directory"):
        views(tmp_path / "file")
    with pytest.raises(TypeError, match="a directory path is needed"):
        views(None)  # type: ignore[arg-type]


def test_root_may_be_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "v").mkdir()
    monkeypatch.chdir(tmp_path)
    assert callable(views("v"))
    assert callable(views(os.fspath(Path("v"))))


def test_the_environment_is_not_modified(site: Path) -> None:
    environment = jinja2.Environment()
    views(site, environment=environment)
    assert environment.loader is None
    assert environment.is_async is False
