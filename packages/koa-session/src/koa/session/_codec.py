"""The cookie format of koa-session: base64 of the session's JSON.

``encode`` writes what Node's ``Buffer.from(JSON.stringify(data)).toString("base64")``
writes (compact JSON, non-ASCII characters as UTF-8); ``decode`` reads it as
leniently as ``Buffer.from(value, "base64")`` does (URL-safe characters and
missing padding accepted) and raises :class:`ValueError` for anything that is
not a JSON object.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

__all__ = ["decode", "dumps", "encode"]

_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


# One encoder each, made once (json.dumps() with options builds one per call).
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_COMPACT_ASCII = json.JSONEncoder(separators=(",", ":"))


def dumps(data: dict[str, Any]) -> str:
    """``JSON.stringify(data)``: compact, non-ASCII kept as is."""
    try:
        text = _COMPACT.encode(data)
        if not text.isascii():
            text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape it, as Node does
        text = _COMPACT_ASCII.encode(data)
    except (TypeError, ValueError) as err:
        raise TypeError(f"session values must be JSON-serializable: {err}") from err
    return text


def encode(data: dict[str, Any]) -> str:
    """The cookie value for *data*: base64 of its JSON."""
    return base64.b64encode(dumps(data).encode("utf-8")).decode("ascii")


def decode(value: str) -> dict[str, Any]:
    """The session data in cookie value *value*; :class:`ValueError` if it is not one."""
    text = value.split("=", 1)[0].replace("-", "+").replace("_", "/")
    text = _NOT_BASE64.sub("", text)
    text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text)
    except binascii.Error as err:  # a lone trailing character
        raise ValueError("session cookie is not base64") from err
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as err:
        raise ValueError("session cookie is not JSON") from err
    if not isinstance(data, dict):
        raise ValueError("session cookie is not a JSON object")
    return data
