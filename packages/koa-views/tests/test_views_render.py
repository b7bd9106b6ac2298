"""koa-views 8's test suite, with Jinja2 templates, through real HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import jinja2
import pytest

from koa.core import Context, Koa, Next
from koa.core.testing import ClientFor
from koa.views import ViewsContext, views


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def app_rendering(root: Path, name: str, locals: dict[str, Any] | None = None, **opts: Any) -> Koa:
    app = Koa(silent=True)
    app.use(views(root, **opts))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render(name, locals)

    app.use(page)
    return app


async def test_render_is_added_to_the_context(client: ClientFor, tmp_path: Path) -> None:
    seen: list[bool] = []
    app = Koa(silent=True)
    app.use(views(tmp_path))

    async def check(ctx: ViewsContext, next: Next) -> None:
        seen.append(callable(ctx.render))

    app.use(check)
    reply = await (await client(app)).get("/")
    assert reply.status == 404
    assert seen == [True]


async def test_extension_defaults_to_html(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"basic.html": "<p>basic:html</p>"})
    reply = await (await client(app_rendering(tmp_path, "./basic"))).get("/")
    assert (reply.status, reply.text) == (200, "<p>basic:html</p>")
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"


async def test_auto_render_false_returns_the_html(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"basic.html": "<p>basic</p>"})
    app = Koa(silent=True)
    app.use(views(tmp_path, auto_render=False))

    async def page(ctx: ViewsContext, next: Next) -> None:
        html = await ctx.render("basic")
        ctx.body = {"html": html, "type": ctx.response.get("Content-Type")}

    app.use(page)
    reply = await (await client(app)).get("/")
    assert reply.json() == {"html": "<p>basic</p>", "type": None}  # no ctx.type = "html"


async def test_render_returns_the_html_with_auto_render_too(
    client: ClientFor, tmp_path: Path
) -> None:
    write(tmp_path, {"basic.html": "hi"})
    app = Koa(silent=True)
    app.use(views(tmp_path))
    got: list[str] = []

    async def page(ctx: ViewsContext, next: Next) -> None:
        got.append(await ctx.render("basic"))

    app.use(page)
    assert (await (await client(app)).get("/")).text == "hi"
    assert got == ["hi"]


async def test_other_extension_given_as_default(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"user.jinja": "<b>{{ user }}</b>"})
    app = app_rendering(tmp_path, "user", {"user": "John"}, extension="jinja")
    assert (await (await client(app)).get("/")).text == "<b>John</b>"


async def test_extension_may_be_given_with_a_dot(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"user.j2": "ok"})
    app = app_rendering(tmp_path, "user", extension=".j2")
    assert (await (await client(app)).get("/")).text == "ok"


async def test_state_is_rendered(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"state.html": "{{ user.name }}:{{ title }}"})
    app = Koa(silent=True)
    app.use(views(tmp_path))

    async def page(ctx: ViewsContext, next: Next) -> None:
        ctx.state["user"] = {"name": "ada"}
        ctx.state["title"] = "app"
        await ctx.render("state")

    app.use(page)
    assert (await (await client(app)).get("/")).text == "ada:app"


async def test_options_state_and_locals_merge_in_that_order(
    client: ClientFor, tmp_path: Path
) -> None:
    write(tmp_path, {"merge.html": "{{ a }} {{ b }} {{ c }}"})
    app = Koa(silent=True)
    app.use(views(tmp_path, options={"a": "option", "b": "option", "c": "option"}))

    async def page(ctx: ViewsContext, next: Next) -> None:
        ctx.state.update(b="state", c="state")
        await ctx.render("merge", {"c": "local"})

    app.use(page)
    assert (await (await client(app)).get("/")).text == "option state local"


async def test_locals_do_not_leak_into_state(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"a.html": "{{ x }}"})
    app = Koa(silent=True)
    app.use(views(tmp_path))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render("a", {"x": 1})
        ctx.set("X-State", repr(sorted(ctx.state)))

    app.use(page)
    assert (await (await client(app)).get("/")).headers["X-State"] == "[]"


async def test_next_runs_untouched_when_render_is_already_defined(
    client: ClientFor, tmp_path: Path
) -> None:
    async def own_render(ctx: Context, next: Next) -> None:
        ctx.render = "mine"  # type: ignore[attr-defined]
        await next()

    async def page(ctx: Context, next: Next) -> None:
        ctx.body = f"hello {ctx.render}"  # type: ignore[attr-defined]

    app = Koa(silent=True)
    app.use(own_render).use(views(tmp_path)).use(page)
    assert (await (await client(app)).get("/")).text == "hello mine"


async def test_a_directory_renders_its_index(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"fixtures/index.html": "defaults-to-index"})
    assert (await (await client(app_rendering(tmp_path, "./fixtures"))).get("/")).text == (
        "defaults-to-index"
    )


async def test_the_root_itself_renders_its_index(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"index.html": "root index"})
    assert (await (await client(app_rendering(tmp_path, "."))).get("/")).text == "root index"


async def test_a_given_extension_is_kept(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"basic.j2": "basic:j2", "basic.html": "basic:html"})
    reply = await (await client(app_rendering(tmp_path, "basic.j2"))).get("/")
    assert (reply.text, reply.headers["Content-Type"]) == ("basic:j2", "text/html; charset=utf-8")


async def test_a_text_template_is_answered_as_plain_text(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"robots.txt": "User-agent: {{ agent }}"})
    app = app_rendering(tmp_path, "robots.txt", {"agent": "<script>"})
    reply = await (await client(app)).get("/")
    assert reply.text == "User-agent: <script>"  # not escaped, so never sent as HTML
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"


async def test_a_name_with_a_dot_gets_the_extension(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"basic.test.html": "basic:html"})
    reply = await (await client(app_rendering(tmp_path, "./basic.test"))).get("/")
    assert (reply.status, reply.text) == (200, "basic:html")


async def test_map_limits_the_extensions_rendered(
    client: ClientFor, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, {"page.j2": "{{ 1 + 1 }}", "notes.txt": "x"})
    c = await client(app_rendering(tmp_path, "page.j2", map={"j2": "jinja2"}))
    assert (await c.get("/")).text == "2"
    app = Koa()
    app.use(views(tmp_path, map={"j2": "jinja2"}))

    async def notes(ctx: ViewsContext, next: Next) -> None:
        await ctx.render("notes.txt")

    app.use(notes)
    reply = await (await client(app)).get("/")
    assert (reply.status, reply.text) == (500, "Internal Server Error")
    assert 'Engine not found for the ".txt" file extension' in caplog.text


async def test_subdirectories_and_path_spellings(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"blog/post.html": "post"})
    for name in ("blog/post", "./blog/post.html", "blog/../blog/post", "blog\\post"):
        assert (await (await client(app_rendering(tmp_path, name))).get("/")).text == "post"


async def test_extends_include_and_import_work(client: ClientFor, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "layout.html": (
                "<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}"
            ),
            "macros.html": "{% macro shout(s) %}{{ s | upper }}!{% endmacro %}",
            "nav.html": "<nav>{{ user }}</nav>",
            "page.html": (
                '{% extends "layout.html" %}{% import "macros.html" as m %}'
                "{% block title %}{{ m.shout(title) }}{% endblock %}"
                '{% block body %}{% include "nav.html" %}{% endblock %}'
            ),
        },
    )
    app = app_rendering(tmp_path, "page", {"title": "home", "user": "ada"})
    assert (await (await client(app)).get("/")).text == "<title>HOME!</title><nav>ada</nav>"


async def test_templates_may_await_coroutines(client: ClientFor, tmp_path: Path) -> None:
    write(
        tmp_path, {"async.html": "{{ load_user(7) }} / {% for n in numbers() %}{{ n }}{% endfor %}"}
    )

    async def load_user(user_id: int) -> str:
        await asyncio.sleep(0)
        return f"user-{user_id}"

    async def numbers() -> Any:
        for n in range(3):
            await asyncio.sleep(0)
            yield n

    app = app_rendering(tmp_path, "async", {"load_user": load_user, "numbers": numbers})
    assert (await (await client(app)).get("/")).text == "user-7 / 012"


async def test_html_is_autoescaped(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"x.html": "<p>{{ name }}</p><a title='{{ name }}'>"})
    app = app_rendering(tmp_path, "x", {"name": "<script>alert('x')</script>"})
    text = (await (await client(app)).get("/")).text
    assert text == (
        "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>"
        "<a title='&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;'>"
    )


async def test_other_extensions_are_autoescaped_too(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"x.jinja": "{{ name }}"})
    app = app_rendering(tmp_path, "x", {"name": "<b>"}, extension="jinja")
    assert (await (await client(app)).get("/")).text == "&lt;b&gt;"


async def test_plain_text_templates_are_not_escaped(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"mail.txt": "Hello {{ name }}"})
    app = Koa(silent=True)
    app.use(views(tmp_path, auto_render=False))

    async def page(ctx: ViewsContext, next: Next) -> None:
        ctx.body = await ctx.render("mail.txt", {"name": "<Ada>"})

    app.use(page)
    assert (await (await client(app)).get("/")).text == "Hello <Ada>"


async def test_a_jinja2_environment_brings_its_filters_and_globals(
    client: ClientFor, tmp_path: Path
) -> None:
    write(tmp_path, {"f.html": "{{ title | shout }} {{ site }}"})
    environment = jinja2.Environment(autoescape=True)
    environment.filters["shout"] = lambda value: str(value).upper() + "!"
    environment.globals["site"] = "koa"
    app = app_rendering(tmp_path, "f", {"title": "hi"}, environment=environment)
    assert (await (await client(app)).get("/")).text == "HI! koa"


async def test_the_environment_keeps_its_own_settings(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"s.html": "<< name >>"})
    environment = jinja2.Environment(variable_start_string="<<", variable_end_string=">>")
    app = app_rendering(tmp_path, "s", {"name": "<i>"}, environment=environment)
    assert (await (await client(app)).get("/")).text == "<i>"  # its autoescape is off


async def test_concurrent_first_renders_all_succeed(client: ClientFor, tmp_path: Path) -> None:
    write(tmp_path, {"p.html": "{% include 'part.html' %}", "part.html": "{{ n }}"})
    app = Koa(silent=True)
    app.use(views(tmp_path))

    async def page(ctx: ViewsContext, next: Next) -> None:
        await ctx.render("p", {"n": ctx.query.get("n")})

    app.use(page)
    c = await client(app)
    replies = await asyncio.gather(*(c.get(f"/?n={n}") for n in range(20)))
    assert [reply.text for reply in replies] == [str(n) for n in range(20)]
