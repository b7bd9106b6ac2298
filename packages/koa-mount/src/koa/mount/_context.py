"""The typed view of a context inside a mount."""

from __future__ import annotations

from koa.core import Context

__all__ = ["MountContext"]


class MountContext(Context):
    """For annotations only: a Context inside ``mount()``, where ``mount_path``
    is the prefix that was stripped from ``ctx.path``. Annotate mounted
    middleware with it (``async def mw(ctx: MountContext, next: Next)``) to
    read ``ctx.mount_path`` under ``mypy --strict``; combine it with other
    packages' typed contexts by multiple inheritance. Never instantiated."""

    __slots__ = ()
    mount_path: str
