"""``session(app, ...)``: koa-session's middleware and its ``ctx`` additions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from koa.core import Context, HttpError, Koa, Middleware, Next

from ._codec import decode as default_decode
from ._codec import encode as default_encode
from ._options import ExternalKey, SameSite, SessionOptions, default_gen_id
from ._session import Session
from ._state import SessionState
from ._store import Store

__all__ = ["session"]

logger = logging.getLogger("koa.session")
_STATE = "_koa_session_state"


def session(
    app: Koa,
    *,
    key: str = "koa.sess",
    max_age: float | Literal["session"] = 86400,
    auto_commit: bool = True,
    overwrite: bool = True,
    http_only: bool = True,
    signed: bool = True,
    rolling: bool = False,
    renew: bool = False,
    secure: bool | None = None,
    same_site: SameSite | None = None,
    partitioned: bool = False,
    store: Store | None = None,
    external_key: ExternalKey | None = None,
    encode: Callable[[dict[str, Any]], str] | None = None,
    decode: Callable[[str], dict[str, Any]] | None = None,
    valid: Callable[[Context, dict[str, Any]], bool] | None = None,
    before_save: Callable[[Context, Session], None] | None = None,
    gen_id: Callable[[Context], str] | None = None,
) -> Middleware:
    """Sessions for *app* (koa-session 7): ``ctx.session`` in every request.

    Without a *store*, the whole session lives in a cookie named *key*: the
    base64 of its JSON, signed with ``app.keys`` (the cookie koa-session
    writes, so Node and Python services with the same keys share sessions).
    With a *store* (:class:`~koa.session.MemoryStore`,
    :class:`~koa.session.RedisStore`, or your own), the cookie holds a random
    id and the data lives in the store.

    *max_age* is the lifetime in seconds (``"session"``: until the browser
    closes). *rolling* re-sends the cookie on every response; *renew* when
    less than half the lifetime is left. *secure*, *same_site*, *http_only*,
    *partitioned* and *overwrite* are the cookie's options. *valid(ctx, data)*
    can reject a loaded session, *before_save(ctx, session)* runs before each
    save, *gen_id(ctx)* makes store ids, *encode*/*decode* replace the cookie
    format (*decode* raises ``ValueError`` for a value it cannot read).
    A store that cannot answer makes the request a ``503``.
    """
    if signed and app.keys is None:
        raise ValueError(
            "session(app, signed=True) signs its cookie with app.keys: set "
            "app.keys = ['a long random secret'] before calling session(app)"
        )
    if max_age != "session" and (
        not isinstance(max_age, int | float) or isinstance(max_age, bool) or not max_age > 0
    ):
        raise ValueError('session(max_age=...) is seconds (> 0) or "session"')
    if store is not None and not isinstance(store, Store):
        raise TypeError("session(store=...) needs async get(), set() and destroy() methods")
    if external_key is not None and not isinstance(external_key, ExternalKey):
        raise TypeError("session(external_key=...) needs get(ctx) and set(ctx, key) methods")
    if "session" in vars(app.context):
        raise ValueError("session(app) was already called for this app")
    opts = SessionOptions(
        key=key,
        max_age=max_age,
        auto_commit=auto_commit,
        overwrite=overwrite,
        http_only=http_only,
        signed=signed,
        rolling=rolling,
        renew=renew,
        secure=secure,
        same_site=same_site,
        partitioned=partitioned,
        store=store,
        external_key=external_key,
        encode=encode or default_encode,
        decode=decode or default_decode,
        valid=valid,
        before_save=before_save,
        gen_id=gen_id or default_gen_id,
    )
    _extend_context(app.context, opts)

    async def session_middleware(ctx: Context, next: Next) -> None:
        if not isinstance(getattr(type(ctx), "session", None), property):
            # A mounted app's middleware runs with the parent app's ctx: give
            # that context class the session too (the state made just below
            # carries this middleware's options, whatever the property's are).
            _extend_context(type(ctx), opts)
        state = _state(ctx, opts)
        if opts.store is not None:
            await state.init_from_external()
        try:
            await next()
        except Exception:
            if opts.auto_commit:
                try:
                    await state.commit()
                except HttpError as err:  # the store failed: keep the first error
                    logger.debug("session not committed after an error: %s", err)
            raise
        if opts.auto_commit:
            await state.commit()

    return session_middleware


def _state(ctx: Context, opts: SessionOptions) -> SessionState:
    state: SessionState | None = ctx.__dict__.get(_STATE)
    if state is None:
        state = ctx.__dict__[_STATE] = SessionState(ctx, opts)
    return state


def _extend_context(context: type[Context], opts: SessionOptions) -> None:
    """Add ``session``, ``session_options`` and ``regenerate_session()`` to an
    app's context class (koa-session extends ``app.context`` the same way)."""

    def get_session(ctx: Context) -> Session | None:
        return _state(ctx, opts).get()

    def set_session(ctx: Context, value: object) -> None:
        _state(ctx, opts).set(value)

    def get_options(ctx: Context) -> SessionOptions:
        return _state(ctx, opts).opts

    async def regenerate_session(ctx: Context) -> None:
        state = _state(ctx, opts)
        if state.get() is None:
            state.set({})
        await state.commit(regenerate=True)

    cls: Any = context
    cls.session = property(get_session, set_session, doc="The request's session.")
    cls.session_options = property(get_options, doc="The session options.")
    cls.regenerate_session = regenerate_session
