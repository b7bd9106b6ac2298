"""The ``jwt()`` middleware (koa-jwt 4)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeAlias

from jwt.algorithms import get_default_algorithms
from koa.core import Context, Middleware, Next

from ._token import GetToken, resolve_token
from ._unless import PathRule, unless
from ._verify import (
    HMAC_ALGORITHMS,
    AuthenticationError,
    JwtError,
    decode_unverified,
    message_of,
    verify,
)

__all__ = ["IsRevoked", "JwtMiddleware", "SecretFunction", "jwt"]

#: ``secret(header, payload)``: the key (or keys) for this token, chosen from
#: its unverified header and payload (``kid`` for JWKS); may be async.
SecretFunction: TypeAlias = Callable[[dict[str, Any], dict[str, Any]], Any]

#: ``is_revoked(ctx, payload, token)``: true when the token must be refused;
#: may be async.
IsRevoked: TypeAlias = Callable[[Context, dict[str, Any], str], "bool | Awaitable[bool]"]

_NOT_AUTHENTICATED = "Authentication Error"


def _check_algorithms(algorithms: Sequence[str]) -> tuple[str, ...]:
    if isinstance(algorithms, str):
        algorithms = (algorithms,)
    chosen = tuple(algorithms)
    if not chosen:
        raise ValueError("jwt(algorithms=()) is empty: name the algorithms you sign with")
    supported = set(get_default_algorithms()) - {"none"}
    for name in chosen:
        if not isinstance(name, str) or name.lower() == "none":
            raise ValueError(
                f"jwt(algorithms=...): {name!r} is refused: unsigned tokens ('none') "
                "would let anyone in"
            )
        if name not in supported:
            raise ValueError(
                f"jwt(algorithms=...): unknown algorithm {name!r}; use some of "
                f"{', '.join(sorted(supported))}"
            )
    if HMAC_ALGORITHMS.intersection(chosen) and not HMAC_ALGORITHMS.issuperset(chosen):
        raise ValueError(
            f"jwt(algorithms={list(chosen)!r}) mixes shared-secret (HS*) and public-key "
            "algorithms: a public key could then be used as an HMAC secret (algorithm "
            "confusion). Use one family per middleware."
        )
    return chosen


def _check_claim(option: str, value: str | Sequence[str] | None) -> None:
    if value is None or isinstance(value, str):
        return
    items: object = value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise TypeError(f"jwt({option}=...) must be a str or a list of str, got {value!r}")


def _check_static_secret(secret: Any) -> None:
    if callable(secret) or secret is None:
        return
    secrets = list(secret) if isinstance(secret, list | tuple) else [secret]
    if not secrets or any(item is None or item in ("", b"") for item in secrets):
        raise ValueError("jwt(secret=...) is empty: give the signing secret or the public key")
    for item in secrets:
        if isinstance(item, bool | int | float | dict):
            raise TypeError(
                f"jwt(secret=...): {type(item).__name__} is not a key; give a str or bytes "
                "secret, a public key (PEM or a key object), or a function"
            )


class JwtMiddleware:
    """What :func:`jwt` returns: the middleware, with koa-unless's ``unless()``."""

    __slots__ = (
        "algorithms", "audience", "cookie", "debug", "get_token", "is_revoked", "issuer",
        "key", "leeway", "passthrough", "secret", "token_key",
    )  # fmt: skip

    def __init__(
        self,
        *,
        secret: Any,
        key: str,
        token_key: str | None,
        get_token: GetToken | None,
        is_revoked: IsRevoked | None,
        passthrough: bool,
        cookie: str | None,
        debug: bool,
        audience: str | Sequence[str] | None,
        issuer: str | Sequence[str] | None,
        algorithms: Sequence[str],
        leeway: float,
    ) -> None:
        self.secret = secret
        self.key = key
        self.token_key = token_key
        self.get_token = get_token
        self.is_revoked = is_revoked
        self.passthrough = passthrough
        self.cookie = cookie
        self.debug = debug
        self.audience = audience
        self.issuer = issuer
        self.algorithms = algorithms
        self.leeway = leeway

    async def __call__(self, ctx: Context, next: Next) -> Any:
        """Verify the request's token, then run downstream."""
        token = await resolve_token(ctx, self.get_token, self.cookie, self.passthrough)
        if not token and not self.passthrough:
            raise AuthenticationError("Token not found" if self.debug else _NOT_AUTHENTICATED)
        try:
            if not token:
                raise JwtError("jwt must be provided")
            payload = await self._verified(ctx, token)
        except Exception as err:
            if not self.passthrough:
                message = self._message(err, token or "") if self.debug else _NOT_AUTHENTICATED
                raise AuthenticationError(message, err) from err
            # downstream decides, as with koa-jwt's ctx.state.jwtOriginalError
            ctx.state["jwt_original_error"] = err
        else:
            ctx.state[self.key] = payload
            if self.token_key:
                ctx.state[self.token_key] = token
        return await next()

    def _message(self, err: BaseException, token: str) -> str:
        return message_of(err, token, self.audience, self.issuer)

    async def _verified(self, ctx: Context, token: str) -> dict[str, Any]:
        secret = ctx.state.get("secret", self.secret)
        if callable(secret):
            header, payload = decode_unverified(token)
            secret = secret(header, payload)
            if inspect.isawaitable(secret):
                secret = await secret
        secrets = list(secret) if isinstance(secret, list | tuple) else [secret]
        secrets = [item for item in secrets if item is not None and item not in ("", b"")]
        if not secrets:
            raise JwtError("Secret not provided")
        first: Exception | None = None
        for candidate in secrets:  # any secret that verifies will do (rolling secrets)
            try:
                payload = verify(
                    token,
                    candidate,
                    algorithms=self.algorithms,
                    audience=self.audience,
                    issuer=self.issuer,
                    leeway=self.leeway,
                )
                break
            except Exception as err:
                first = first or err
        else:
            assert first is not None
            raise first
        if self.is_revoked is not None:
            revoked = self.is_revoked(ctx, payload, token)
            if inspect.isawaitable(revoked):
                revoked = await revoked
            if revoked:
                raise JwtError("Token revoked")
        return payload

    def unless(
        self,
        *,
        path: PathRule | Sequence[PathRule] | None = None,
        ext: str | Sequence[str] | None = None,
        method: str | Sequence[str] | None = None,
        custom: Callable[[Context], bool | Awaitable[bool]] | None = None,
        use_original_url: bool = True,
    ) -> Middleware:
        """This middleware, skipped when any condition matches (koa-unless):
        ``path`` (exact strings or compiled regexes searched in the path),
        ``ext`` (path suffixes), ``method``, ``custom(ctx)``. The path is the
        raw path of ``ctx.original_url`` (``ctx.url`` with
        ``use_original_url=False``)."""
        return unless(
            self,
            path=path,
            ext=ext,
            method=method,
            custom=custom,
            use_original_url=use_original_url,
        )


def jwt(
    *,
    secret: Any,
    key: str = "user",
    token_key: str | None = None,
    get_token: GetToken | None = None,
    is_revoked: IsRevoked | None = None,
    passthrough: bool = False,
    cookie: str | None = None,
    debug: bool = False,
    audience: str | Sequence[str] | None = None,
    issuer: str | Sequence[str] | None = None,
    algorithms: Sequence[str] = ("HS256",),
    leeway: float = 0,
) -> JwtMiddleware:
    """Verify a JSON Web Token and put its payload in ``ctx.state[key]``.

    The token is the first found of ``get_token(ctx)`` (sync or async), the
    ``cookie`` named, and the ``Authorization: Bearer <token>`` header.

    ``secret``: a shared secret (``str``/``bytes``), a public key (PEM text or
    a ``cryptography`` key, a PyJWT ``PyJWK``), a list of them (any one that
    verifies will do: rolling secrets), or a function ``secret(header,
    payload)`` (sync or async) returning one of those for this token (JWKS:
    choose by ``header["kid"]``). ``ctx.state["secret"]``, set by an earlier
    middleware, replaces it for that request.

    ``algorithms``: the accepted ``alg`` values, one family only (HS* or
    public-key); ``none`` is refused. ``audience``, ``issuer``: required
    ``aud``/``iss`` values. ``exp`` and ``nbf`` are always checked, with
    ``leeway`` seconds of clock skew allowed.

    Failures are ``401 Authentication Error``; with ``debug=True`` the reason
    (``"jwt expired"``, ``"invalid signature"``...) instead. The
    :class:`AuthenticationError` (an ``HttpError``) carries the cause as
    ``original_error``.
    With ``passthrough=True`` downstream runs anyway: ``ctx.state[key]`` is
    then unset and ``ctx.state["jwt_original_error"]`` says why.
    ``token_key``: also store the raw token in ``ctx.state[token_key]``.
    ``is_revoked(ctx, payload, token)`` (sync or async) refuses a token
    (``"Token revoked"``) when it returns true.
    """
    _check_static_secret(secret)
    if not isinstance(key, str) or not key:
        raise ValueError(f"jwt(key=...) must be a non-empty str, got {key!r}")
    if token_key is not None and (not isinstance(token_key, str) or not token_key):
        raise ValueError(f"jwt(token_key=...) must be a non-empty str or None, got {token_key!r}")
    if cookie is not None and (not isinstance(cookie, str) or not cookie):
        raise ValueError(f"jwt(cookie=...) must be a cookie name or None, got {cookie!r}")
    for option, function in (("get_token", get_token), ("is_revoked", is_revoked)):
        if function is not None and not callable(function):
            raise TypeError(f"jwt({option}=...) must be a function, got {function!r}")
    for option, flag in (("passthrough", passthrough), ("debug", debug)):
        if not isinstance(flag, bool):
            raise TypeError(f"jwt({option}=...) must be True or False, got {flag!r}")
    _check_claim("audience", audience)
    _check_claim("issuer", issuer)
    if isinstance(leeway, bool) or not isinstance(leeway, int | float) or not leeway >= 0:
        raise ValueError(f"jwt(leeway=...) must be a number of seconds >= 0, got {leeway!r}")
    return JwtMiddleware(
        secret=secret,
        key=key,
        token_key=token_key,
        get_token=get_token,
        is_revoked=is_revoked,
        passthrough=passthrough,
        cookie=cookie,
        debug=debug,
        audience=audience,
        issuer=issuer,
        algorithms=_check_algorithms(algorithms),
        leeway=float(leeway),
    )
