"""Verifying a token with PyJWT, and the messages koa-jwt's debug mode shows.

koa-jwt passes the errors of the npm ``jsonwebtoken`` package through; the
same failures from PyJWT are given the same texts here (``"jwt expired"``,
``"invalid signature"``...), so clients and logs read alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jwt as pyjwt
from jwt import exceptions as jwt_errors
from koa.core import HttpError

__all__ = ["AuthenticationError", "JwtError", "decode_unverified", "message_of", "verify"]

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})


class JwtError(Exception):
    """A reason koa-jwt gives that is not a token verification error:
    ``"Token not found"``, ``"Secret not provided"``, ``"Token revoked"``,
    ``"Invalid token"`` (a token whose header cannot be read for a secret
    function), ``"jwt must be provided"`` (passthrough, no token)."""


class AuthenticationError(HttpError):
    """The 401 that :func:`~koa.jwt.jwt` raises (an :class:`~koa.core.HttpError`).

    ``original_error`` is why the token was refused (a PyJWT error such as
    ``jwt.ExpiredSignatureError``, or a :class:`JwtError`), as koa-jwt's
    ``err.originalError``; ``None`` when no token was found or the header was
    malformed.
    """

    original_error: Exception | None

    def __init__(self, message: str, original_error: Exception | None = None) -> None:
        super().__init__(401, message)
        self.original_error = original_error


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The token's header and payload, unverified: what a ``secret`` function
    is given to choose the key. Raises :class:`JwtError` ``"Invalid token"``."""
    try:
        header = pyjwt.get_unverified_header(token)
        payload = pyjwt.decode(token, options={"verify_signature": False})
    except (pyjwt.PyJWTError, UnicodeError, RecursionError) as err:
        raise JwtError("Invalid token") from err
    return header, payload


def verify(
    token: str,
    key: Any,
    *,
    algorithms: Sequence[str],
    audience: str | Sequence[str] | None,
    issuer: str | Sequence[str] | None,
    leeway: float,
) -> dict[str, Any]:
    """The verified payload of *token*; PyJWT's exceptions on failure.

    The claims are checked in jsonwebtoken's order (``nbf``, ``exp``, ``aud``,
    then ``iss``), so that a token wrong in several ways gets the same reason.
    """
    payload = pyjwt.decode(
        token,
        key,
        algorithms=list(algorithms),
        audience=audience,
        leeway=leeway,
        # An audience configured here must be matched; a token's `aud` when no
        # audience is configured is not an error (jsonwebtoken's rule).
        options={"verify_aud": audience is not None, "verify_iss": False},
    )
    if issuer is not None:
        accepted = [issuer] if isinstance(issuer, str) else list(issuer)
        if payload.get("iss") not in accepted:
            raise jwt_errors.InvalidIssuerError("Invalid issuer")
    return payload


def _expected(value: str | Sequence[str] | None) -> str:
    if value is None or isinstance(value, str):
        return str(value)
    return " or ".join(value)


def message_of(
    err: BaseException,
    token: str,
    audience: str | Sequence[str] | None,
    issuer: str | Sequence[str] | None,
) -> str:
    """The text koa-jwt (through jsonwebtoken) gives for *err* in debug mode."""
    if isinstance(err, UnicodeError):  # a token is ASCII; Node reads these as garbage
        return "jwt malformed" if token.count(".") != 2 else "invalid token"
    if isinstance(err, jwt_errors.DecodeError) and not isinstance(
        err, jwt_errors.InvalidSignatureError
    ):
        if token.count(".") != 2:
            return "jwt malformed"
        reason = str(err)
        if reason.startswith("Invalid header string: must be a json object"):
            return "invalid algorithm"  # jsonwebtoken finds no `alg` in it
        if "(exp)" in reason:
            return "invalid exp value"
        if "(nbf)" in reason:
            return "invalid nbf value"
        return "invalid token"
    if isinstance(err, jwt_errors.PyJWTError) and not token.rpartition(".")[2].strip():
        return "jwt signature is required"
    if isinstance(err, jwt_errors.MissingRequiredClaimError) and err.claim in ("aud", "iss"):
        return message_of(
            jwt_errors.InvalidAudienceError()
            if err.claim == "aud"
            else jwt_errors.InvalidIssuerError(),
            token,
            audience,
            issuer,
        )
    if isinstance(err, jwt_errors.ExpiredSignatureError):
        return "jwt expired"
    if isinstance(err, jwt_errors.ImmatureSignatureError):
        return "jwt not active"
    if isinstance(err, jwt_errors.InvalidAudienceError):
        return f"jwt audience invalid. expected: {_expected(audience)}"
    if isinstance(err, jwt_errors.InvalidIssuerError):
        return f"jwt issuer invalid. expected: {_expected(issuer)}"
    if isinstance(err, jwt_errors.InvalidSignatureError):
        return "invalid signature"
    if isinstance(err, jwt_errors.InvalidAlgorithmError):
        return "invalid algorithm"
    if isinstance(err, jwt_errors.InvalidKeyError):
        return "invalid key: " + str(err)
    if isinstance(err, jwt_errors.PyJWTError):
        return str(err)
    return str(err) or type(err).__name__
