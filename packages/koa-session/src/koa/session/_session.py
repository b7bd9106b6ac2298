"""``ctx.session``: the session of one request, a mutable mapping."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from ._store import MaxAge

if TYPE_CHECKING:
    from ._state import SessionState

__all__ = ["RESERVED_KEYS", "Session"]

#: Keys koa-session keeps in the saved data for itself.
RESERVED_KEYS = frozenset({"_expire", "_maxAge", "_session"})


class Session(MutableMapping[str, Any]):
    """The session data of the current request (``ctx.session``).

    A dict-like mapping of JSON-serializable values: ``ctx.session["views"] =
    1``, ``ctx.session.get("user")``, ``del ctx.session["cart"]``. Changes are
    saved when the response goes out (unless ``auto_commit=False``). Keys
    ``_expire``, ``_maxAge`` and ``_session`` are koa-session's own.
    """

    __slots__ = ("_data", "_state", "expire", "is_new")

    def __init__(self, state: SessionState, data: dict[str, Any] | None) -> None:
        self._state = state
        self._data: dict[str, Any] = {}
        #: When the saved session expires, in milliseconds since the epoch
        #: (koa-session's ``_expire``); ``None`` for a new or browser-session one.
        self.expire: float | None = None
        #: Whether the request came without a (valid) session.
        self.is_new = data is None
        for key, value in (data or {}).items():
            if key == "_maxAge":
                if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                    state.max_age = value / 1000
            elif key == "_session":
                state.max_age = "session"
            elif key == "_expire":
                if isinstance(value, int | float) and not isinstance(value, bool):
                    self.expire = value
            else:
                self._data[key] = value

    # -- mapping -------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if key in RESERVED_KEYS:
            raise KeyError(f"{key!r} is koa-session's own key; use another name")
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Session({self._data!r})"

    # -- koa-session's API ---------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A shallow copy of the data (``session.toJSON()``)."""
        return dict(self._data)

    @property
    def populated(self) -> bool:
        """Whether the session holds any data."""
        return bool(self._data)

    @property
    def max_age(self) -> MaxAge | None:
        """This session's lifetime in seconds (or ``"session"``); assigning it
        saves the session with the new lifetime."""
        return self._state.max_age

    @max_age.setter
    def max_age(self, value: MaxAge) -> None:
        self._state.max_age = value
        self._state.require_save = True

    @property
    def external_key(self) -> str | None:
        """The session's id in the external store (``None`` for cookie sessions)."""
        return self._state.external_key

    def save(self) -> None:
        """Save the session when it is committed, even if it did not change."""
        self._state.require_save = True

    async def manually_commit(self) -> None:
        """Commit now (set the cookie, write the store): for ``auto_commit=False``."""
        await self._state.commit()

    async def regenerate(self) -> None:
        """Destroy the saved session and save its data under a new external key."""
        await self._state.commit(regenerate=True)
