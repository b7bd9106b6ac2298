"""A blog: koajs/examples' blog, as a Python user would write it.

Posts are listed, shown and created through HTML pages rendered by koa-views
(Jinja2 templates in ``examples/blog/views``), routed by koa-router; the form
is parsed by koa-bodyparser and protected by koa-csrf, whose secret lives in
the koa-session cookie, which also carries a one-time "flash" message.

    python examples/blog.py                # then open http://127.0.0.1:3000/

Sessions are signed with ``BLOG_KEYS`` (comma-separated; a random key per
start when unset, so sessions end with the process).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from koa.bodyparser import BodyParserContext, BodyRequest, bodyparser
from koa.core import STATUS_CODES, HttpError, Koa, Next
from koa.csrf import CsrfContext, csrf
from koa.router import Router, RouterContext, RouterRequest
from koa.session import session
from koa.views import ViewsContext, views

VIEWS = Path(__file__).parent / "blog" / "views"
TITLE_MAX = 200
BODY_MAX = 20_000


class BlogRequest(RouterRequest, BodyRequest):
    __slots__ = ()


class BlogContext(ViewsContext, RouterContext, BodyParserContext, CsrfContext):
    """What the handlers see: ctx.render, ctx.params, ctx.request.body,
    ctx.session and ctx.csrf (the packages' typed contexts together)."""

    __slots__ = ()
    request: BlogRequest


@dataclass
class Post:
    id: int
    title: str
    body: str
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def validate(form: object) -> tuple[dict[str, str], list[str]]:
    """The form's title and body, and what is wrong with them."""
    fields = form if isinstance(form, dict) else {}
    values = {name: fields.get(name) for name in ("title", "body")}
    clean = {
        name: value.strip() if isinstance(value, str) else "" for name, value in values.items()
    }
    errors = []
    if not clean["title"]:
        errors.append("A title is needed.")
    if len(clean["title"]) > TITLE_MAX:
        errors.append(f"The title is longer than {TITLE_MAX} characters.")
    if not clean["body"]:
        errors.append("The post needs some contents.")
    if len(clean["body"]) > BODY_MAX:
        errors.append(f"The contents are longer than {BODY_MAX} characters.")
    return clean, errors


def create_app(keys: list[str] | None = None) -> Koa:
    """A blog app with its own (in-memory) posts."""
    env_keys = [key for key in os.environ.get("BLOG_KEYS", "").split(",") if key]
    app = Koa(keys=keys or env_keys or [secrets.token_urlsafe(32)])
    posts: list[Post] = []

    async def error_pages(ctx: BlogContext, next: Next) -> None:
        """Client errors (404, 403 from csrf, 405...) as an HTML page."""
        try:
            await next()
        except HttpError as err:
            if err.status >= 500 or not ctx.accepts("html"):
                raise
            ctx.status = err.status
            await ctx.render("error", {"status": err.status, "message": err.message})
            return
        if ctx.status in (404, 405) and ctx.body is None:  # no route, or not this method
            status = ctx.status
            await ctx.render("error", {"status": status, "message": STATUS_CODES[status]})
            ctx.status = status

    async def list_posts(ctx: BlogContext, next: Next) -> None:
        flash = ctx.session.pop("flash", None)
        await ctx.render("list", {"posts": posts, "flash": flash})

    async def new_post(ctx: BlogContext, next: Next) -> None:
        await ctx.render("new", {"form": {}, "errors": []})

    async def show_post(ctx: BlogContext, next: Next) -> None:
        post_id = ctx.params["id"]
        if not post_id.isdecimal() or int(post_id) >= len(posts):
            ctx.throw(404, "invalid post id")
        await ctx.render("show", {"post": posts[int(post_id)]})

    async def create_post(ctx: BlogContext, next: Next) -> None:
        form, errors = validate(ctx.request.body)
        if errors:
            ctx.status = 400
            await ctx.render("new", {"form": form, "errors": errors})
            return
        posts.append(Post(id=len(posts), title=form["title"], body=form["body"]))
        ctx.session["flash"] = f"Created “{form['title']}”."
        ctx.redirect("/")

    router = Router[BlogContext]()
    router.get("/", list_posts)
    router.get("/post/new", new_post)
    router.get("/post/:id", show_post)
    router.post("/post", create_post)

    app.use(views(VIEWS))
    app.use(error_pages)
    app.use(session(app, same_site="lax"))
    app.use(bodyparser(form_limit="64kb"))
    app.use(csrf())
    app.use(router.routes())
    app.use(router.allowed_methods())
    return app


app = create_app()

if __name__ == "__main__":
    app.run(port=3000)
