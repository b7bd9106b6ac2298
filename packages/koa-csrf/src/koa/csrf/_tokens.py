"""CSRF tokens made and checked as the ``csrf`` npm package (pillarjs/csrf 3) does.

A secret is random bytes in URL-safe base64 (uid-safe); a token is
``salt + "-" + hash(salt + "-" + secret)``, the salt 8 random alphanumeric
characters (rndm) and the hash SHA-1 in URL-safe base64 without padding. So a
token made by the npm package verifies here, and the reverse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string

__all__ = ["Tokens"]

_SALT_CHARS = string.digits + string.ascii_letters


def _hash(text: str) -> str:
    # Node hashes the string with the 'ascii' encoding: the low byte of each
    # UTF-16 code unit. Same bytes here, so odd salts hash the same way.
    data = bytes(
        unit & 0xFF
        for ch in text
        for unit in (
            (ord(ch),)
            if ord(ch) < 0x10000
            else (0xD800 + ((ord(ch) - 0x10000) >> 10), 0xDC00 + ((ord(ch) - 0x10000) & 0x3FF))
        )
    )
    digest = hashlib.sha1(data).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class Tokens:
    """Make secrets and tokens, and verify tokens against a secret (``csrf``)."""

    __slots__ = ("salt_length", "secret_length")

    def __init__(self, *, salt_length: int = 8, secret_length: int = 18) -> None:
        for name, value in (("salt_length", salt_length), ("secret_length", secret_length)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise TypeError(f"Tokens({name}=...) must be an integer >= 1")
        self.salt_length = salt_length
        self.secret_length = secret_length

    def secret(self) -> str:
        """A new secret: *secret_length* random bytes, URL-safe base64."""
        raw = secrets.token_bytes(self.secret_length)
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def create(self, secret: str) -> str:
        """A new token for *secret* (a fresh random salt each time)."""
        if not secret or not isinstance(secret, str):
            raise TypeError("argument secret is required")
        salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(self.salt_length))
        return self._tokenize(secret, salt)

    @staticmethod
    def _tokenize(secret: str, salt: str) -> str:
        return salt + "-" + _hash(salt + "-" + secret)

    def verify(self, secret: object, token: object) -> bool:
        """Whether *token* was made for *secret* (a timing-safe comparison)."""
        if not secret or not isinstance(secret, str):
            return False
        if not token or not isinstance(token, str):
            return False
        index = token.find("-")
        if index == -1:
            return False
        expected = self._tokenize(secret, token[:index])
        return hmac.compare_digest(
            token.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
        )
