"""``csrf()``: koa-csrf 5's middleware."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from koa.core import Context, Middleware, Next

from ._tokens import Tokens

__all__ = ["csrf"]

_HEADERS = ("csrf-token", "xsrf-token", "x-csrf-token", "x-xsrf-token")


def _sanb(value: object) -> str | None:
    """*value* if it is a string that is not blank (koa-csrf's is-string-and-not-blank)."""
    return value if isinstance(value, str) and value.strip() else None


def csrf(
    *,
    invalid_token_message: str = "Invalid CSRF token",
    invalid_token_status_code: int = 403,
    excluded_methods: Iterable[str] = ("GET", "HEAD", "OPTIONS"),
    disable_query: bool = False,
    tokens: Tokens | None = None,
) -> Middleware:
    """CSRF protection (koa-csrf 5), with the secret in the session.

    Needs :func:`koa.session.session` upstream, and a body parser upstream for
    form fields. Every request gets a fresh token in ``ctx.state["_csrf"]`` and
    ``ctx.csrf`` (the session gets a secret the first time). Requests whose
    method is not in *excluded_methods* must carry a valid token: the body
    field ``_csrf``, the query's ``_csrf`` (unless *disable_query*), or a
    ``CSRF-Token``, ``XSRF-Token``, ``X-CSRF-Token`` or ``X-XSRF-Token``
    header; otherwise they are answered *invalid_token_status_code* with
    *invalid_token_message*. Tokens are those of the ``csrf`` npm package
    (*tokens*: a :class:`~koa.csrf.Tokens` with other lengths).
    """
    maker = tokens or Tokens()
    excluded = frozenset(m.upper() for m in excluded_methods)

    async def csrf_middleware(ctx: Context, next: Next) -> None:
        if not hasattr(type(ctx), "session"):
            raise RuntimeError(
                "csrf() keeps its secret in the session: add "
                "app.use(koa.session.session(app)) before app.use(csrf())"
            )
        session = ctx.session  # type: ignore[attr-defined]
        if session is None:
            await next()
            return
        secret = session.get("secret")
        if not _sanb(secret):
            secret = session["secret"] = maker.secret()
        token = ctx.state.get("_csrf")
        if not _sanb(token):
            token = ctx.state["_csrf"] = maker.create(secret)
        ctx.csrf = token  # type: ignore[attr-defined]

        if ctx.method in excluded:
            await next()
            return

        body = getattr(ctx.request, "body", None)
        sent = _sanb(body.get("_csrf")) if isinstance(body, Mapping) else None
        if not sent and not disable_query:
            sent = _sanb(ctx.query.get("_csrf"))
        if not sent:
            sent = _header_token(ctx)
        if not sent or not maker.verify(secret, sent):
            ctx.throw(invalid_token_status_code, invalid_token_message)
        await next()

    return csrf_middleware


def _header_token(ctx: Context) -> str | None:
    """The first of koa-csrf's token headers the request carries."""
    for name in _HEADERS:
        value = ctx.get(name)
        if value:
            return value
    return None
