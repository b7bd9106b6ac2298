"""The options of :func:`~koa.session.session`, checked once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from koa.core import Context

from ._store import MaxAge, Store

__all__ = ["ExternalKey", "SameSite", "SessionOptions"]

SameSite = bool | Literal["strict", "lax", "none"]


@runtime_checkable
class ExternalKey(Protocol):
    """Where a store session's key travels, when not in the cookie (koa-session's
    ``externalKey``): e.g. a header of an API client."""

    def get(self, ctx: Context) -> str | None:
        """The external key the request carries, if any."""
        ...

    def set(self, ctx: Context, key: str) -> None:
        """Hand *key* to the client."""
        ...


def default_gen_id(ctx: Context) -> str:
    """A random UUID (koa-session's ``randomUUID()``)."""
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """What :func:`~koa.session.session` was given (``ctx.session_options``)."""

    key: str
    max_age: MaxAge
    auto_commit: bool
    overwrite: bool
    http_only: bool
    signed: bool
    rolling: bool
    renew: bool
    secure: bool | None
    same_site: SameSite | None
    partitioned: bool
    store: Store | None
    external_key: ExternalKey | None
    encode: Callable[[dict[str, Any]], str]
    decode: Callable[[str], dict[str, Any]]
    valid: Callable[[Context, dict[str, Any]], bool] | None
    before_save: Callable[[Context, Any], None] | None
    gen_id: Callable[[Context], str]
