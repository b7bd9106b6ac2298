"""The typed view of ``ctx.compress``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from koa.core import Context

__all__ = ["CompressContext"]


class CompressContext(Context):
    """For annotations only: a Context where ``ctx.compress`` may be set.

    ``ctx.compress = True`` compresses the response even when the filter says
    no (the threshold and ``Accept-Encoding`` still apply), ``False`` never
    compresses it, and a dict (``{"threshold": 0, "br": False}``) overrides
    ``compress()``'s options for this response only (the filter still
    applies). koa-core knows nothing of the attribute: the middleware reads it
    when it is there. Annotate middleware with this class
    (``async def mw(ctx: CompressContext, next: Next)``) to set it under
    ``mypy --strict``; combine it with other packages' typed contexts by
    multiple inheritance. Never instantiated."""

    __slots__ = ()
    compress: bool | Mapping[str, Any] | None
