"""What koa-csrf adds to ``ctx``, for type checkers."""

from __future__ import annotations

from koa.session import SessionContext

__all__ = ["CsrfContext"]


class CsrfContext(SessionContext):
    """``ctx`` behind :func:`~koa.csrf.csrf`: typing only, never instantiated.

    ``ctx.csrf`` is the same token as ``ctx.state["_csrf"]``: put it in forms
    (``<input type="hidden" name="_csrf" value="...">``) or send it back in a
    ``CSRF-Token`` / ``X-CSRF-Token`` header.
    """

    __slots__ = ()

    #: A token for this session's secret, made for this request.
    csrf: str
