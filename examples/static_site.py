"""A static site with a JSON API mounted beside it.

koa-static serves ``examples/static_site/public`` at ``/`` (``/about`` is
``about.html``), and a separate Koa app with its own router is mounted at
``/api`` with koa-mount, so it sees paths without the prefix.

    python examples/static_site.py         # then open http://127.0.0.1:3000/
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from koa.core import Koa, Next
from koa.mount import mount
from koa.router import Router, RouterContext
from koa.static import serve

PUBLIC = Path(__file__).parent / "static_site" / "public"


def create_api() -> Koa:
    """The API: an app of its own, unaware of where it is mounted."""

    async def hello(ctx: RouterContext, next: Next) -> None:
        name = ctx.query.get("name") or "world"
        ctx.body = {"message": f"Hello, {name}!"}

    async def now(ctx: RouterContext, next: Next) -> None:
        # ctx.path is "/time" here; ctx.original_url is "/api/time".
        ctx.body = {"now": datetime.now(UTC).isoformat(), "path": ctx.path}

    router = Router()
    router.get("/hello", hello).get("/time", now)
    api = Koa()
    api.use(router.routes()).use(router.allowed_methods())
    return api


def create_app(public: Path = PUBLIC) -> Koa:
    """The site: files from *public*, the API under ``/api``."""
    app = Koa()
    app.use(mount("/api", create_api()))
    app.use(serve(public, max_age=600, extensions=["html"]))
    return app


app = create_app()

if __name__ == "__main__":
    app.run(port=3000)
