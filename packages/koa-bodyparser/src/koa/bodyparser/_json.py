"""JSON bodies as co-body reads them, safe on hostile input.

Strict mode (the default) accepts only an object or an array: after optional
JSON whitespace the text must start with ``{`` or ``[``; an empty body is
``{}``. Non-strict mode accepts any JSON value and an empty body is ``""``.
``NaN``/``Infinity`` are rejected (not JSON). Like @hapi/bourne, a
``"__proto__"`` key anywhere (however it is escaped) is an error, so a body
that is safe here stays safe when handed to JavaScript or merged into objects.

Every failure, including nesting deeper than the interpreter's recursion
limit and integers longer than Python's int-string conversion limit, raises
:class:`ValueError` (a 400, never a 500).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["parse_json"]

_STRICT_START = re.compile(r"[ \t\n\r]*[\[{]")
# A "__proto__" key, any character possibly written as a \u escape.
_SUSPECT = re.compile(
    r'"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])'
    r'(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:'
)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_decoder = json.JSONDecoder(parse_constant=_reject_constant)


def _has_proto_key(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__proto__" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_json(text: str, *, strict: bool = True) -> Any:
    """Parse a JSON body; raise :class:`ValueError` when it is not acceptable."""
    if not text:
        return {} if strict else ""
    if strict and not _STRICT_START.match(text):
        raise ValueError("invalid JSON, only supports object and array")
    try:
        value = _decoder.decode(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _SUSPECT.search(text) and _has_proto_key(value):
        raise ValueError("Object contains forbidden prototype property")
    return value
