"""One request's session machinery (koa-session's ContextSession)."""

from __future__ import annotations

import logging
import time
from typing import Any

from koa.core import Context, HttpError

from ._codec import dumps
from ._options import SessionOptions
from ._session import Session
from ._store import MaxAge, StoreUnavailable

__all__ = ["SessionState", "store_failed"]

logger = logging.getLogger("koa.session")

_NOT_LOADED: Any = object()
_ONE_DAY = 86400.0

#: What a store that cannot answer raises (besides StoreUnavailable).
_STORE_ERRORS = (StoreUnavailable, TimeoutError, ConnectionError)


def store_failed(ctx: Context, what: str, err: BaseException) -> HttpError:
    """Log one line about a store that failed and make the 503 to answer with."""
    logger.error(
        "session store unavailable during %s of %s %s: %s; answering 503",
        what,
        ctx.method,
        ctx.path,
        err,
    )
    error = HttpError(503, "Session store unavailable", expose=True)
    error.__cause__ = err
    return error


class SessionState:
    """The session of one ctx: loading, ``ctx.session`` get/set, commit."""

    __slots__ = (
        "ctx",
        "external_key",
        "max_age",
        "opts",
        "prev",
        "require_save",
        "session",
    )

    def __init__(self, ctx: Context, opts: SessionOptions) -> None:
        self.ctx = ctx
        self.opts = opts
        #: This request's lifetime: the option, or what the saved session says.
        self.max_age: MaxAge | None = opts.max_age
        #: A Session, None once destroyed (``ctx.session = None``), or not loaded.
        self.session: Any = _NOT_LOADED
        self.external_key: str | None = None
        self.prev: str | None = None
        self.require_save = False

    # -- ctx.session ---------------------------------------------------------

    def get(self) -> Session | None:
        session = self.session
        if session is _NOT_LOADED:
            if self.opts.store is not None:
                self._create()
            else:
                self._init_from_cookie()
            session = self.session
        return session  # type: ignore[no-any-return]

    def set(self, value: object) -> None:
        if value is None:
            self.session = None
        elif isinstance(value, dict) or hasattr(value, "keys"):
            self._create(dict(value), self.external_key)  # type: ignore[call-overload]
        else:
            raise TypeError("ctx.session can only be set to None or a mapping")

    # -- loading -------------------------------------------------------------

    def _cookie(self) -> str | None:
        return self.ctx.cookies.get(self.opts.key, signed=self.opts.signed)

    async def init_from_external(self) -> None:
        opts = self.opts
        assert opts.store is not None
        key = opts.external_key.get(self.ctx) if opts.external_key else self._cookie()
        if not key:
            self._create()
            return
        try:
            data = await opts.store.get(key, self.max_age, rolling=opts.rolling, ctx=self.ctx)
        except _STORE_ERRORS as err:
            raise store_failed(self.ctx, "load", err) from err
        if not self._valid(data, key):
            self._create()
            return
        self._create(data, key)
        self.prev = dumps(self.session.to_dict())

    def _init_from_cookie(self) -> None:
        cookie = self._cookie()
        if not cookie:
            self._create()
            return
        try:
            data = self.opts.decode(cookie)
        except (ValueError, TypeError):
            self._create()  # not a session cookie: start a new one
            return
        if not isinstance(data, dict) or not self._valid(data, None):
            self._create()
            return
        self._create(data)
        self.prev = dumps(self.session.to_dict())

    def _valid(self, data: dict[str, Any] | None, key: str | None) -> bool:
        ctx = self.ctx
        if data is None:
            self._emit("missed", key, data)
            return False
        expire = data.get("_expire")
        if isinstance(expire, int | float) and expire < time.time() * 1000:
            self._emit("expired", key, data)
            return False
        valid = self.opts.valid
        if valid is not None and not valid(ctx, data):
            self._emit("invalid", key, data)
            return False
        return True

    def _emit(self, event: str, key: str | None, value: object) -> None:
        self.ctx.app.emit(f"session:{event}", {"key": key, "value": value, "ctx": self.ctx})

    def _create(self, data: dict[str, Any] | None = None, external_key: str | None = None) -> None:
        if self.opts.store is not None:
            self.external_key = external_key or self.opts.gen_id(self.ctx)
        self.session = Session(self, data)

    # -- committing ----------------------------------------------------------

    async def commit(self, *, save: bool = False, regenerate: bool = False) -> None:
        """Save or remove the session as it now stands (koa-session's commit)."""
        session = self.session
        if session is _NOT_LOADED:
            return
        try:
            if session is None:
                await self._remove()
                return
            if regenerate:
                await self._remove()
                if self.opts.store is not None:
                    self.external_key = self.opts.gen_id(self.ctx)
            reason = "force" if save or regenerate or self.require_save else self._reason()
            if not reason:
                return
            if self.opts.before_save is not None:
                self.opts.before_save(self.ctx, session)
            await self._save(changed=reason == "changed")
        except _STORE_ERRORS as err:
            raise store_failed(self.ctx, "save", err) from err

    def _reason(self) -> str:
        session: Session = self.session
        data = session.to_dict()
        if self.prev is None and not data:
            return ""
        if self.prev != dumps(data):
            return "changed"
        if self.opts.rolling:
            return "rolling"
        max_age = self.max_age
        if (
            self.opts.renew
            and session.expire
            and isinstance(max_age, int | float)
            and session.expire - time.time() * 1000 < max_age * 1000 / 2
        ):
            return "renew"
        return ""

    def _set_cookie(self, value: str, max_age: float | None) -> None:
        opts = self.opts
        self.ctx.cookies.set(
            opts.key,
            value,
            max_age=max_age,
            path="/",
            http_only=opts.http_only,
            secure=opts.secure,
            same_site=opts.same_site or False,
            partitioned=opts.partitioned,
            overwrite=opts.overwrite,
            signed=opts.signed,
        )

    async def _remove(self) -> None:
        if self.external_key and self.opts.store is not None:
            await self.opts.store.destroy(self.external_key, ctx=self.ctx)
        self._set_cookie("", None)

    async def _save(self, *, changed: bool) -> None:
        session: Session = self.session
        data = session.to_dict()
        max_age = self.max_age or _ONE_DAY
        if max_age == "session":
            data["_session"] = True
            cookie_max_age = None
            session.expire = None
        else:
            max_age_ms = round(float(max_age) * 1000)
            session.expire = data["_expire"] = int(time.time() * 1000) + max_age_ms
            data["_maxAge"] = max_age_ms
            cookie_max_age = float(max_age)
        store = self.opts.store
        if store is not None and self.external_key:
            store_age: MaxAge = "session" if cookie_max_age is None else cookie_max_age + 10
            await store.set(
                self.external_key,
                data,
                store_age,
                rolling=self.opts.rolling,
                changed=changed,
                ctx=self.ctx,
            )
            if self.opts.external_key is not None:
                self.opts.external_key.set(self.ctx, self.external_key)
            else:
                self._set_cookie(self.external_key, cookie_max_age)
        else:
            self._set_cookie(self.opts.encode(data), cookie_max_age)
        self.prev = dumps(session.to_dict())
        self.require_save = False
