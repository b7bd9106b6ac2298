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

With orjson installed (``koa-bodyparser[orjson]``), it parses first, and its
value is kept only where it is provably the one :func:`json.loads` gives;
otherwise (and for every invalid body, so the error messages are the
stdlib's) the stdlib parser answers. orjson reads integers outside
``[-2**63, 2**64)`` as floats: a body with a run of 19 or more digits goes to
the stdlib parser. orjson accepts nesting up to 1024 levels, the stdlib only
up to the recursion limit: a body long enough to nest deeper than
:data:`SAFE_DEPTH` is parsed inside :data:`SAFE_DEPTH`-less-1024 extra
arrays, so that orjson refuses it when it nests deeper. NaN, Infinity, lone
surrogates and infinite floats (``1e400``) make orjson fail: the stdlib
parser answers. ``KOA_JSON_STDLIB=1`` in the environment (read at import)
turns orjson off.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from typing import Any

__all__ = ["FORCE_STDLIB", "SAFE_DEPTH", "orjson", "parse_json"]

#: ``KOA_JSON_STDLIB=1``: never use orjson, even when it is installed.
FORCE_STDLIB: bool = os.environ.get("KOA_JSON_STDLIB", "") not in ("", "0")

orjson: Any = None
if not FORCE_STDLIB:
    try:
        orjson = importlib.import_module("orjson")
    except ImportError:  # the [orjson] extra is not installed
        orjson = None

#: The deepest nesting orjson's value is kept for (orjson itself stops at
#: 1024; the stdlib parser at the recursion limit less the frames in use).
SAFE_DEPTH = 768
_PAD = 1024 - SAFE_DEPTH
_OPEN_PAD = b"[" * _PAD
_CLOSE_PAD = b"]" * _PAD
# Digits to "0", so that a run of 19 digits (an integer orjson may read as a
# float) is one substring search.
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
_MISS: Any = object()

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


def _fast_loads(data: bytes) -> Any:
    """orjson's value for *data*, or ``_MISS`` when it might differ from the
    stdlib parser's (or *data* is not valid JSON)."""
    if _LONG_NUMBER in data.translate(_DIGITS):
        return _MISS
    try:
        if len(data) < 2 * SAFE_DEPTH:  # too short to nest deeper
            return orjson.loads(data)
        value = orjson.loads(_OPEN_PAD + data + _CLOSE_PAD)
    except orjson.JSONDecodeError:
        return _MISS
    for _ in range(_PAD):  # each pad array must hold just one element
        if len(value) != 1:  # data closed a pad array: not JSON alone
            return _MISS
        value = value[0]
    return value


def parse_json(text: str, *, strict: bool = True, data: bytes | None = None) -> Any:
    """Parse a JSON body; raise :class:`ValueError` when it is not acceptable.

    *data*: *text* in UTF-8, when the caller has it (saves encoding it again).
    """
    if not text:
        return {} if strict else ""
    if strict and not _STRICT_START.match(text):
        raise ValueError("invalid JSON, only supports object and array")
    value = _MISS
    if orjson is not None:
        if data is None:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates: the stdlib's
                data = b""
        if data:
            value = _fast_loads(data)
    if value is _MISS:
        try:
            value = _decoder.decode(text)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
    # Without a "\u" escape the key can only be written "__proto__": two
    # substring searches spare most bodies the regex's scan.
    suspect = "__proto__" in text or "\\u" in text
    if suspect and _SUSPECT.search(text) and _has_proto_key(value):
        raise ValueError("Object contains forbidden prototype property")
    return value
