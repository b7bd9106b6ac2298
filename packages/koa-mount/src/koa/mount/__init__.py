"""koa-mount: run a Koa app, a middleware or a list of middleware under a path
prefix, with the prefix stripped from ``ctx.path`` while it runs::

    from koa.core import Koa, Next
    from koa.mount import MountContext, mount

    api = Koa()

    async def where(ctx: MountContext, next: Next) -> None:
        ctx.body = {"path": ctx.path, "mount_path": ctx.mount_path}

    api.use(where)
    app = Koa()
    app.use(mount("/api", api))  # GET /api/users -> {"path": "/users", "mount_path": "/api"}
"""

from .__about__ import __version__
from ._context import MountContext
from ._mount import mount

__all__ = ["MountContext", "__version__", "mount"]
