"""The realistic stack the soak test serves: logger to a file, router, body
parser and a static directory mounted under /static."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from koa.bodyparser import BodyParserContext, bodyparser
from koa.core import Context, Koa, Next
from koa.logger import logger
from koa.mount import mount
from koa.router import Router, RouterContext
from koa.static import serve

STATIC_ROOT = Path(os.environ.get("SOAK_STATIC", tempfile.mkdtemp(prefix="koa-soak-")))
(STATIC_ROOT / "file.txt").write_text("static file contents\n" * 50)
LOG = open(os.environ.get("SOAK_LOG", os.devnull), "a", buffering=1)  # noqa: SIM115


def _to_file(line: str, args: list[Any]) -> None:
    LOG.write(line + "\n")


class AppContext(RouterContext, BodyParserContext):
    """Handlers here read both ctx.params and ctx.request.body."""


app = Koa(silent=True)
router: Router[AppContext] = Router()


async def item(ctx: AppContext, next: Next) -> None:
    ctx.body = {"id": ctx.params["id"], "q": ctx.query}


async def create(ctx: AppContext, next: Next) -> None:
    body = ctx.request.body
    ctx.status = 201
    ctx.body = {"keys": len(body) if isinstance(body, dict) else 0}


async def boom(ctx: Context, next: Next) -> None:
    ctx.throw(418, "teapot")


router.get("/items/:id", item).post("/items", create).get("/teapot", boom)
app.use(logger(_to_file, colors=False))
app.use(mount("/static", serve(STATIC_ROOT)))
app.use(bodyparser())
app.use(router.routes()).use(router.allowed_methods())
