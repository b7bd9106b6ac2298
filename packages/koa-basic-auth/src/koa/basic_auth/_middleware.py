"""The ``basic_auth()`` middleware."""

from __future__ import annotations

import hashlib
import hmac
import inspect
from collections.abc import Awaitable, Callable

from koa.core import Context, HttpError, Middleware, Next

from ._credentials import parse_authorization

__all__ = ["CheckFunction", "basic_auth"]

#: ``check(name, password)``: whether the pair may pass; a plain function or a
#: coroutine function (for a user lookup in a database).
CheckFunction = Callable[[str, str], bool | Awaitable[bool]]


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def _same(expected: bytes | None, given: str) -> bool:
    """Timing-safe: compares fixed-size digests, so neither the content nor the
    length of the expected value shows in the time taken (tsscmp's idea)."""
    if expected is None:
        return True
    return hmac.compare_digest(expected, _digest(given))


def _challenge(realm: str) -> str:
    return 'Basic realm="' + realm.replace('"', '\\"') + '"'


def _validate_text(option: str, value: str | None) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"basic_auth({option}=...) must be a str, got {type(value).__name__}")
    if value == "":
        raise ValueError(f"basic_auth({option}='') is empty: pass None to not check the {option}")


def basic_auth(
    *,
    name: str | None = None,
    password: str | None = None,
    realm: str = "Secure Area",
    check: CheckFunction | None = None,
) -> Middleware:
    """Require HTTP Basic credentials before the rest of the app runs.

    Either a fixed pair (``name`` and/or ``password``: as in koa-basic-auth 4,
    only what is given is checked) or ``check(name, password)``, a function or
    coroutine function returning whether the pair may pass (a user lookup).
    Comparisons of the fixed pair take the same time whatever the input.

    A request without valid credentials, or with a malformed ``Authorization``
    header, gets ``401 Unauthorized`` with ``WWW-Authenticate: Basic
    realm="<realm>"`` (``"`` escaped as ``\\"``); it is raised as an
    :class:`~koa.core.HttpError`, so an upstream middleware can catch it and
    answer differently.
    """
    _validate_text("name", name)
    _validate_text("password", password)
    if check is not None:
        if not callable(check):
            raise TypeError(f"basic_auth(check=...) must be a function, got {check!r}")
        if name is not None or password is not None:
            raise ValueError("basic_auth() takes either check= or name=/password=, not both")
    elif name is None and password is None:
        raise ValueError("basic_auth() needs name= and/or password=, or check=")
    if not isinstance(realm, str):
        raise TypeError(f"basic_auth(realm=...) must be a str, got {type(realm).__name__}")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in realm) or not realm.isascii():
        raise ValueError(
            f"basic_auth(realm={realm!r}): a header value must be printable ASCII "
            "(no control characters, no line breaks)"
        )
    challenge = {"WWW-Authenticate": _challenge(realm)}
    expected_name = None if name is None else _digest(name)
    expected_password = None if password is None else _digest(password)

    async def allowed(ctx: Context) -> bool:
        credentials = parse_authorization(ctx.get("Authorization"))
        if credentials is None:
            return False
        if check is not None:
            verdict = check(credentials.name, credentials.password)
            if inspect.isawaitable(verdict):
                verdict = await verdict
            return bool(verdict)
        # Both comparisons always run: the time does not tell which one failed.
        name_ok = _same(expected_name, credentials.name)
        password_ok = _same(expected_password, credentials.password)
        return name_ok and password_ok

    async def basic_auth_middleware(ctx: Context, next: Next) -> None:
        if not await allowed(ctx):
            raise HttpError(401, headers=challenge)
        await next()

    return basic_auth_middleware
