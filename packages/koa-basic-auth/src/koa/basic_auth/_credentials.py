"""Reading ``Authorization: Basic ...`` as the ``basic-auth`` npm package does.

The grammar (RFC 7617, with basic-auth's leniency)::

    credentials = *SP "Basic" 1*SP token68 *SP      ("Basic" in any case)
    token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    decoded     = user-id ":" password                (split at the first colon)

Anything else (another scheme, characters outside the token68 alphabet, a
decoded value without a colon, bytes that are not UTF-8) is "no credentials":
the middleware answers 401, never 500.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import NamedTuple

__all__ = ["Credentials", "parse_authorization"]

_CREDENTIALS = re.compile(r" *[Bb][Aa][Ss][Ii][Cc] +([A-Za-z0-9._~+/-]+=*) *")
# Node's base64 decoder takes the URL-safe alphabet too and skips the
# characters token68 allows but base64 does not ("." and "~").
_TO_STANDARD = str.maketrans({"-": "+", "_": "/", ".": None, "~": None})


class Credentials(NamedTuple):
    """A user-id and password pair from an ``Authorization: Basic`` header."""

    name: str
    password: str


def _decode_base64(token: str) -> bytes | None:
    data = token.rstrip("=").translate(_TO_STANDARD)
    if len(data) % 4 == 1:  # a lone trailing sextet carries no whole byte
        data = data[:-1]
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_authorization(header: str | None) -> Credentials | None:
    """The credentials of an ``Authorization`` header value, or ``None`` when
    it is absent, not ``Basic``, not base64, has no colon or is not UTF-8."""
    if not header:
        return None
    match = _CREDENTIALS.fullmatch(header)
    if match is None:
        return None
    raw = _decode_base64(match.group(1))
    if raw is None:
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    name, colon, password = decoded.partition(":")
    if not colon:
        return None
    return Credentials(name, password)
