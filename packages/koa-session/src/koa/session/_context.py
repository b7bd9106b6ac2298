"""What koa-session adds to ``ctx``, for type checkers.

At run time :func:`~koa.session.session` defines ``session`` (a property) and
``regenerate_session()`` on the app's own context class (``app.context``, like
koa-session extends Koa's context prototype); :class:`SessionContext` only
declares them, so that a handler annotated with it type-checks::

    async def count(ctx: SessionContext, next: Next) -> None:
        ctx.session["views"] = ctx.session.get("views", 0) + 1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from koa.core import Context

from ._options import SessionOptions
from ._session import Session

__all__ = ["SessionContext"]


class SessionContext(Context):
    """``ctx`` behind :func:`~koa.session.session`: typing only, never instantiated."""

    __slots__ = ()

    @property
    def session(self) -> Session:
        """The request's session, loaded on first use. Assign a mapping to
        replace its data, or ``None`` to destroy it (it then reads ``None``
        for the rest of the request, and the cookie is cleared)."""
        raise NotImplementedError  # pragma: no cover - typing only

    @session.setter
    def session(self, value: Mapping[str, Any] | None) -> None:
        raise NotImplementedError  # pragma: no cover - typing only

    @property
    def session_options(self) -> SessionOptions:
        """The options :func:`~koa.session.session` was given."""
        raise NotImplementedError  # pragma: no cover - typing only

    async def regenerate_session(self) -> None:
        """Give the session a new id (external stores) and a new cookie, its data
        kept, the old saved session destroyed: call it at login against
        session fixation."""
        raise NotImplementedError  # pragma: no cover - typing only
