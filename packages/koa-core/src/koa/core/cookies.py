"""Cookies with the semantics of pillarjs/cookies and keygrip (what Koa uses).

Signed cookies are compatible with Koa's: the signature cookie ``<name>.sig``
holds the url-safe base64 HMAC-SHA1 of ``"<name>=<value>"`` without padding,
made with the first of ``app.keys`` and verified against all of them (key
rotation), so a Node Koa service and a Python one with the same keys read each
other's signed cookies.

``max_age`` is in **seconds** (or a :class:`~datetime.timedelta`), the Python
convention; Koa's ``maxAge`` is in milliseconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import formatdate
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, TypedDict, Unpack

if TYPE_CHECKING:
    from .context import Context

__all__ = ["CookieError", "CookieOptions", "Cookies", "Keygrip"]

_FIELD_CONTENT = re.compile(r"^[\t\x20-\x7e\x80-\xff]+\Z")
# The cookies package's checks for the domain and path attributes.
_DOMAIN = re.compile(
    r"^([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\Z",
    re.IGNORECASE,
)
_PATH = re.compile(r"^[ -:=-~]*\Z")
_RESTRICTED_NAME = re.compile(r"[;=]")
_SAME_SITE = {"strict", "lax", "none"}
_PRIORITY = {"low", "medium", "high"}


class CookieError(ValueError):
    """A cookie name, value or option that cannot be sent safely."""


class CookieOptions(TypedDict, total=False):
    """The keyword options of ``ctx.cookies.set()`` (Koa's options object)."""

    max_age: float | timedelta | None
    expires: datetime | None
    path: str | None
    domain: str | None
    secure: bool | None
    http_only: bool
    same_site: bool | Literal["strict", "lax", "none"]
    partitioned: bool
    priority: Literal["low", "medium", "high"] | None
    overwrite: bool
    signed: bool | None


class Keygrip:
    """Sign and verify data with a rotating list of keys (keygrip, HMAC-SHA1).

    The first key signs; every key verifies, so old keys can be phased out.
    """

    __slots__ = ("_keys",)

    def __init__(self, keys: Sequence[str | bytes]) -> None:
        if not keys:
            raise ValueError("Keygrip needs at least one key")
        self._keys = [k.encode() if isinstance(k, str) else bytes(k) for k in keys]

    @staticmethod
    def _digest(key: bytes, data: str) -> str:
        # surrogateescape: a value aiohttp decoded from non-UTF-8 bytes is
        # signed as the bytes the client sent (never as "?", which could collide).
        mac = hmac.new(key, data.encode("utf-8", "surrogateescape"), hashlib.sha1).digest()
        return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")

    def sign(self, data: str) -> str:
        """The signature of *data* with the first key."""
        return self._digest(self._keys[0], data)

    def index(self, data: str, digest: str) -> int:
        """The index of the key that made *digest*, or -1."""
        if not digest.isascii():  # never one of ours (and compare_digest would raise)
            return -1
        for i, key in enumerate(self._keys):
            if hmac.compare_digest(self._digest(key, data), digest):
                return i
        return -1

    def verify(self, data: str, digest: str) -> bool:
        """Whether one of the keys made *digest*."""
        return self.index(data, digest) > -1


@lru_cache(maxsize=128)
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile("(?:^|;) *" + re.escape(name) + "=([^;]*)")


class Cookies:
    """``ctx.cookies``: read request cookies and add ``Set-Cookie`` headers."""

    # The request and response, not ctx: ctx holds this object, and a link
    # back would make a reference cycle (see koa.core._links).
    __slots__ = ("_request", "_response", "keys", "secure")

    def __init__(self, ctx: Context, keys: Keygrip | None, secure: bool) -> None:
        self._request = ctx.request
        self._response = ctx.response
        self.keys = keys
        self.secure = secure

    def get(self, name: str, *, signed: bool = False) -> str | None:
        """The value of cookie *name* sent by the client, or ``None``.

        With ``signed=True`` the value is returned only if ``<name>.sig`` holds a
        valid signature; an invalid one is cleared, and one made with an old key
        is re-signed with the current key. Without it the value is not
        verified, as Koa's ``get(name)`` without options.
        """
        header = self._request.get("Cookie")
        if not header:
            return None
        match = _pattern(name).search(header)
        if not match:
            return None
        value = match.group(1)
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = value[1:-1]
        if not signed:
            return value
        sig_name = name + ".sig"
        remote = self.get(sig_name)
        if not remote:
            return None
        if self.keys is None:
            raise CookieError(".keys required for signed cookies")
        data = f"{name}={value}"
        index = self.keys.index(data, remote)
        if index < 0:
            self.set(sig_name, None, path="/", signed=False)
            return None
        if index:
            self.set(sig_name, self.keys.sign(data), signed=False)
        return value

    def set(
        self,
        name: str,
        value: str | float | None = None,
        **options: Unpack[CookieOptions],
    ) -> Cookies:
        """Add a ``Set-Cookie`` header (and ``<name>.sig`` when signed).

        A ``None`` or empty *value* deletes the cookie (expires in 1970); a
        number is sent as its text. As Koa's ``cookies.set(name, value, opts)``,
        the cookie is signed only when some option is given: ``signed`` then
        defaults to whether the app has ``keys`` (``set("a", "1")`` is unsigned,
        ``set("a", "1", max_age=60)`` signed when there are keys). ``secure``
        defaults to whether the request came over HTTPS; asking for a secure
        cookie over plain HTTP raises :class:`CookieError`, as Koa does.
        ``overwrite`` removes earlier ``Set-Cookie`` headers of the same name.
        Options: :class:`CookieOptions`.
        """
        max_age = options.get("max_age")
        expires = options.get("expires")
        path = options.get("path", "/")
        domain = options.get("domain")
        secure = options.get("secure")
        http_only = options.get("http_only", True)
        same_site = options.get("same_site", False)
        partitioned = options.get("partitioned", False)
        priority = options.get("priority")
        overwrite = options.get("overwrite", False)
        signed = options.get("signed")
        if not isinstance(value, str):  # Koa: None and 0 delete, 3 is "3"
            value = str(value) if value else ""
        if not _FIELD_CONTENT.match(name) or _RESTRICTED_NAME.search(name):
            raise CookieError("argument name is invalid")
        if value and (not _FIELD_CONTENT.match(value) or ";" in value):
            raise CookieError("argument value is invalid")
        if value and len(value) >= 2 and value[0] == value[-1] == '"':
            # get() reads a quoted value without its quotes (cookie syntax), so
            # it could never round-trip, and a signed one would never verify.
            raise CookieError("argument value is invalid: it would be read back unquoted")
        if path and not _PATH.match(path):
            raise CookieError("option path is invalid")
        if domain and not _DOMAIN.match(domain):
            raise CookieError("option domain is invalid")
        if isinstance(same_site, str) and same_site.lower() not in _SAME_SITE:
            raise CookieError("option sameSite is invalid")
        if priority is not None and str(priority).lower() not in _PRIORITY:
            raise CookieError("option priority is invalid")
        if secure and not self.secure:
            raise CookieError("Cannot send secure cookie over unencrypted connection")
        if signed is None:
            signed = bool(options) and self.keys is not None
        if signed and self.keys is None:
            raise CookieError(".keys required for signed cookies")

        if not value:
            value, expires_at = "", 0.0
        elif max_age is not None:
            seconds = max_age.total_seconds() if isinstance(max_age, timedelta) else max_age
            # NaN, infinities and dates past year 5000 cannot be formatted.
            if not -1e11 <= seconds <= 1e11:
                raise CookieError("option maxAge is invalid")
            expires_at = max(time.time() + seconds, 0.0)  # in the past: expired
        else:
            expires_at = expires.timestamp() if expires is not None else -1.0

        attributes = ""
        if path:
            attributes += "; path=" + path
        if expires_at >= 0 or (not value):
            attributes += "; expires=" + formatdate(max(expires_at, 0), usegmt=True)
        if domain:
            attributes += "; domain=" + domain
        if priority:
            attributes += "; priority=" + priority.lower()
        if same_site:
            attributes += "; samesite=" + ("strict" if same_site is True else same_site.lower())
        if self.secure if secure is None else secure:
            attributes += "; secure"
        if http_only:
            attributes += "; httponly"
        if partitioned:
            attributes += "; partitioned"

        headers = self._set_cookie_headers()
        self._push(headers, name, f"{name}={value}{attributes}", overwrite)
        if signed:
            assert self.keys is not None
            sig = self.keys.sign(f"{name}={value}")
            self._push(headers, name + ".sig", f"{name}.sig={sig}{attributes}", overwrite)
        self._response.set("Set-Cookie", headers)
        return self

    def _set_cookie_headers(self) -> list[str]:
        current = self._response.get("Set-Cookie")
        if current is None:
            return []
        if isinstance(current, list):
            return [str(v) for v in current]
        return [str(current)]

    @staticmethod
    def _push(headers: list[str], name: str, line: str, overwrite: bool) -> None:
        if overwrite:
            prefix = name + "="
            headers[:] = [h for h in headers if not h.startswith(prefix)]
        headers.append(line)
