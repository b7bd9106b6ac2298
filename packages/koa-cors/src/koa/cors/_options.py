"""Checking and normalising ``cors()``'s options once, when the app is built.

@koa/cors joins arrays with ``,`` and stringifies ``maxAge``; here a bad value
(a header value holding CR/LF, a ``bool`` where a duration is expected, a
list of something other than strings) is a ``TypeError``/``ValueError`` at
construction instead of a failure on some later request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Literal, TypeAlias

from koa.core import Context

__all__ = [
    "CredentialsFunction",
    "HeaderList",
    "MaxAge",
    "OriginFunction",
    "OriginResult",
    "header_list",
    "header_value",
    "max_age_value",
]

#: What an ``origin`` function may return: the ``Access-Control-Allow-Origin``
#: value, or a falsy value (``None``, ``""``, ``False``) to skip CORS for
#: this request.
OriginResult: TypeAlias = str | Literal[False] | None

#: ``origin(ctx)``, plain or ``async``.
OriginFunction: TypeAlias = Callable[[Context], OriginResult | Awaitable[OriginResult]]

#: ``credentials(ctx)``, plain or ``async``: truthy allows credentials.
CredentialsFunction: TypeAlias = Callable[[Context], object]

#: A comma-separated string, or a sequence of names joined with ``,``.
HeaderList: TypeAlias = str | Sequence[str]

#: Seconds (``int``, ``float`` or a numeric ``str``) or a ``timedelta``.
MaxAge: TypeAlias = int | float | str | timedelta

# koa-core refuses these in a header value (CR, LF and other controls).
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")


def header_value(option: str, value: str) -> str:
    """*value* if it can be sent as a header value, else ``ValueError``."""
    if _BAD_VALUE.search(value):
        raise ValueError(
            f"cors(): {option}={value!r} holds a character that cannot be sent in an "
            "HTTP header (CR, LF or another control character)"
        )
    return value


def header_list(option: str, value: HeaderList | None) -> str | None:
    """A string option, or a list of strings joined with ``,`` (@koa/cors's
    ``Array#join(',')``); ``None`` and ``""`` mean "do not send"."""
    if value is None:
        return None
    if isinstance(value, str):
        return header_value(option, value) or None
    if not isinstance(value, Sequence) or not all(isinstance(item, str) for item in value):
        raise TypeError(f"cors(): {option} must be a string or a list of strings, got {value!r}")
    return header_value(option, ",".join(value)) or None


def max_age_value(value: MaxAge | None) -> str | None:
    """``Access-Control-Max-Age``'s value; ``None`` when falsy (not sent)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, timedelta)):
        raise TypeError(
            f"cors(): max_age must be seconds (int, float or str) or a timedelta, got {value!r}"
        )
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cors(): max_age must be a finite number of seconds, got {value!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not value:  # @koa/cors: `if (options.maxAge)`, so 0 and "" send nothing
        return None
    return header_value("max_age", str(value))
