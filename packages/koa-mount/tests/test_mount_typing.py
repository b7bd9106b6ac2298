"""A mounted middleware annotated with MountContext reads ctx.mount_path under
mypy --strict (this file is type-checked with the rest of the repo)."""

from __future__ import annotations

from koa.core import Koa, Next
from koa.core.testing import ClientFor
from koa.mount import MountContext, mount


async def where(ctx: MountContext, next: Next) -> None:
    prefix: str = ctx.mount_path
    ctx.body = {"path": ctx.path, "mount_path": prefix}


async def test_mount_context_types_mount_path(client: ClientFor) -> None:
    app = Koa().use(mount("/api", where))
    reply = await (await client(app)).get("/api/users")
    assert reply.json() == {"path": "/users", "mount_path": "/api"}
