"""A missing template names the paths searched; a template error is a 500
whose log names the template line; the client never sees either."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from koa.core import Context, HttpError, Koa, Next
from koa.core.testing import ClientFor
from koa.views import TemplateMissingError, TemplateRenderError, ViewsContext, views


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def rendering(
    root: Path, name: str, locals: dict[str, Any] | None = None
) -> tuple[Koa, list[BaseException]]:
    errors: list[BaseException] = []
    app = Koa()
    app.use(views(root))

    async def page(ctx: ViewsContext, next: Next) -> None:
        try:
            await ctx.render(name, locals)
        except Exception as err:
            errors.append(err)
            raise

    app.use(page)
    return app, errors


async def test_missing_template_names_the_paths_searched(
    client: ClientFor, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, errors = rendering(tmp_path, "users/show")
    with caplog.at_level(logging.ERROR, logger="koa"):
        reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    error = errors[0]
    assert isinstance(error, TemplateMissingError)
    assert error.searched == [str(tmp_path / "users/show"), str(tmp_path / "users/show.html")]
    assert f"searched: {tmp_path / 'users/show'}, {tmp_path / 'users/show.html'}" in caplog.text


async def test_missing_directory_index_names_the_index(client: ClientFor, tmp_path: Path) -> None:
    (tmp_path / "blog").mkdir()
    app, errors = rendering(tmp_path, "blog")
    assert (await (await client(app)).get("/")).status == 500
    assert isinstance(errors[0], TemplateMissingError)
    assert errors[0].searched == [str(tmp_path / "blog" / "index.html")]


async def test_syntax_error_is_a_500_logging_the_template_line(
    client: ClientFor, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, {"broken.html": "<h1>ok</h1>\n<p>{{ user.name }</p>\n"})
    app, errors = rendering(tmp_path, "broken")
    with caplog.at_level(logging.ERROR, logger="koa"):
        reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    error = errors[0]
    assert isinstance(error, TemplateRenderError)
    assert (error.template, error.lineno, error.line) == ("broken.html", 2, "<p>{{ user.name }</p>")
    assert "in template 'broken.html', line 2: <p>{{ user.name }</p>" in caplog.text
    assert "TemplateSyntaxError" in caplog.text


async def test_runtime_error_is_a_500_logging_the_template_line(
    client: ClientFor, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, {"divide.html": "<p>\n{{ total }}\n{{ total / count }}\n</p>"})
    app, errors = rendering(tmp_path, "divide", {"total": 10, "count": 0})
    with caplog.at_level(logging.ERROR, logger="koa"):
        reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    error = errors[0]
    assert isinstance(error, TemplateRenderError)
    assert (error.template, error.lineno) == ("divide.html", 3)
    assert "ZeroDivisionError: division by zero in template 'divide.html', line 3" in caplog.text
    assert isinstance(error.__cause__, ZeroDivisionError)


async def test_error_in_an_included_template_names_that_template(
    client: ClientFor, tmp_path: Path
) -> None:
    write(
        tmp_path,
        {
            "page.html": "top\n{% include 'partials/row.html' %}",
            "partials/row.html": "row\nrow\n{{ item.missing.deeper }}",
        },
    )
    app, errors = rendering(tmp_path, "page", {"item": {}})
    assert (await (await client(app)).get("/")).status == 500
    error = errors[0]
    assert isinstance(error, TemplateRenderError)
    assert (error.template, error.lineno) == ("partials/row.html", 3)


async def test_syntax_error_in_an_extended_template_is_reported(
    client: ClientFor, tmp_path: Path
) -> None:
    write(
        tmp_path,
        {"base.html": "{% block x %}{% endblok %}", "child.html": "{% extends 'base.html' %}"},
    )
    app, errors = rendering(tmp_path, "child")
    assert (await (await client(app)).get("/")).status == 500
    error = errors[0]
    assert isinstance(error, TemplateRenderError)
    assert (error.template, error.lineno) == ("base.html", 1)


async def test_missing_include_is_a_render_error(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"page.html": "a\n{% include 'nope.html' %}"})
    app, errors = rendering(tmp_path, "page")
    assert (await (await client(app)).get("/")).status == 500
    error = errors[0]
    assert isinstance(error, TemplateRenderError)
    assert "nope.html" in str(error)
    assert (error.template, error.lineno) == ("page.html", 2)


async def test_the_client_never_sees_a_traceback_or_path(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"x.html": "{{ secret_function() }}"})

    def secret_function() -> str:
        raise RuntimeError(f"password=hunter2 in {tmp_path}")

    app, _ = rendering(tmp_path, "x", {"secret_function": secret_function})
    app.silent = True
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    assert "hunter2" not in reply.text and str(tmp_path) not in reply.text


async def test_http_errors_from_template_helpers_keep_their_status(
    client: ClientFor, tmp_path: Path
) -> None:
    write(tmp_path, {"x.html": "{{ load(3) }}"})

    async def load(item_id: int) -> str:
        raise HttpError(404, f"no item {item_id}")

    app, _ = rendering(tmp_path, "x", {"load": load})
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (404, "no item 3")


async def test_a_failed_render_leaves_no_html_type_behind(
    client: ClientFor, tmp_path: Path
) -> None:
    write(tmp_path, {"x.html": "{{ 1 / 0 }}"})
    app = Koa(silent=True)
    app.use(views(tmp_path))

    async def fallback(ctx: ViewsContext, next: Next) -> None:
        try:
            await ctx.render("x")
        except TemplateRenderError:
            ctx.body = {"error": "render failed"}

    app.use(fallback)
    reply = await (await client(app)).get("/")
    assert reply.json() == {"error": "render failed"}
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"


async def test_template_errors_are_not_exposed(client: ClientFor, tmp_path: Path) -> None:
    caught: list[BaseException] = []

    async def catch(ctx: Context, next: Next) -> None:
        try:
            await next()
        except Exception as err:
            caught.append(err)
            raise

    app = Koa(silent=True)
    app.use(catch)
    app.use(views(tmp_path))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render("missing")

    app.use(page)
    await (await client(app)).get("/")
    assert getattr(caught[0], "status", None) == 500
    assert getattr(caught[0], "expose", None) is False
