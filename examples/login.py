"""A login with a session, a CSRF-protected form and a rate-limited JSON API:
koa-session, koa-csrf and koa-ratelimit with koa-router and koa-bodyparser.

    python examples/login.py          # then open http://127.0.0.1:3000 (ann / koa)
    REDIS_URL=redis://localhost:6379/0 koa serve examples.login:app --workers 4

``GET /`` shows the login form (or who is logged in), ``POST /login`` and
``POST /logout`` need the form's CSRF token, ``GET /api/me`` answers the
logged-in user as JSON, at most 5 times a minute per client. With
``$REDIS_URL`` the sessions and the limits live in Redis, so every worker
shares them; without it the session is a signed cookie and the limit is
counted in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from html import escape

from koa.bodyparser import BodyParserContext, BodyRequest, bodyparser
from koa.core import Koa, Next
from koa.csrf import CsrfContext, csrf
from koa.ratelimit import ratelimit
from koa.router import Router, RouterContext, RouterRequest
from koa.session import RedisStore, session


# Typing only: what the router, the body parser, the session and csrf add to ctx.
class AppRequest(RouterRequest, BodyRequest):
    __slots__ = ()


class AppContext(RouterContext, BodyParserContext, CsrfContext):
    __slots__ = ()
    request: AppRequest


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


_SALT = os.urandom(16)
#: The demo's one account: ann / koa (a real app keeps hashes in a database).
USERS = {"ann": _hash("koa", _SALT)}


def page(body: str) -> str:
    return f"<!doctype html><title>Koa login</title><main>{body}</main>"


def create_app(*, keys: list[str] | None = None, redis_url: str | None = None) -> Koa:
    """The app; with *redis_url*, sessions and rate limits live in Redis."""
    app = Koa(keys=keys or [os.environ.get("KOA_SECRET", "dev only: set $KOA_SECRET")])
    store = RedisStore(redis_url) if redis_url else None
    api_limit = ratelimit(
        driver="redis" if redis_url else "memory", db=redis_url, duration=60, max=5
    )
    login_limit = ratelimit(
        driver="redis" if redis_url else "memory", db=redis_url, duration=60, max=10,
        namespace="login",
    )  # fmt: skip

    async def close(app: Koa) -> None:
        await api_limit.close()
        await login_limit.close()
        if store is not None:
            await store.close()

    app.on_shutdown.append(close)
    router = Router[AppContext]()

    async def home(ctx: AppContext, next: Next) -> None:
        token = f'<input type="hidden" name="_csrf" value="{escape(ctx.csrf)}">'
        user = ctx.session.get("user")
        ctx.type = "html"
        if user:
            ctx.body = page(
                f"<p>Hello, {escape(user)}</p>"
                f'<form method="post" action="/logout">{token}<button>Log out</button></form>'
            )
        else:
            ctx.body = page(
                f'<form method="post" action="/login">{token}'
                '<input name="username"> <input name="password" type="password">'
                "<button>Log in</button></form>"
            )

    async def login(ctx: AppContext, next: Next) -> None:
        form = ctx.request.body if isinstance(ctx.request.body, dict) else {}
        name, password = form.get("username"), form.get("password")
        known = USERS.get(name) if isinstance(name, str) else None
        if (
            known is None
            or not isinstance(password, str)
            or not hmac.compare_digest(known, _hash(password, _SALT))
        ):
            ctx.status = 401
            ctx.type = "html"
            ctx.body = page('<p>Wrong username or password. <a href="/">Try again</a></p>')
            return
        await ctx.regenerate_session()  # a new session id at login (session fixation)
        ctx.session["user"] = name
        ctx.redirect("/")

    async def logout(ctx: AppContext, next: Next) -> None:
        ctx.session = None
        ctx.redirect("/")

    async def me(ctx: AppContext, next: Next) -> None:
        user = ctx.session.get("user")
        if not user:
            ctx.throw(401, "log in first")
        ctx.body = {"user": user}

    router.get("/", home)
    router.post("/login", login_limit, login)
    router.post("/logout", logout)
    router.get("/api/me", api_limit, me)

    app.use(session(app, store=store, same_site="lax"))
    app.use(bodyparser())
    app.use(csrf())
    app.use(router.routes())
    app.use(router.allowed_methods())
    return app


app = create_app(redis_url=os.environ.get("REDIS_URL"))

if __name__ == "__main__":
    app.run(port=3000)
