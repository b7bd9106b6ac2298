"""orjson, when installed (``koa-core[orjson]``), for response bodies.

:func:`fast_dump` returns exactly the bytes the stdlib path of
:func:`koa.core._body.dump_json` writes, or ``None`` when it cannot promise
that (the caller then takes the stdlib path). orjson writes the same compact
JSON for str, int, float, bool, None, dict, list and tuple, except:

* non-str dict keys, ints beyond 64 bits, lone surrogates, subclasses of the
  built-in types (``OPT_PASSTHROUGH_SUBCLASS``) and nesting deeper than 254:
  orjson raises, and the stdlib path answers;
* floats below 1e-4 in magnitude: Python writes ``1e-05``, orjson ``0.00001``
  or ``1e-5``. The output is searched for ``0.0000`` and for an ``e-`` with a
  one-digit exponent; if either appears (even inside a string), the stdlib
  path answers;
* NaN and infinities: orjson writes ``null``, as the stdlib path does for them
  in plain dicts, lists and tuples, but not inside a value the default hook
  returned (there it raises). So when the default hook was called and the
  output holds ``null``, the stdlib path answers;
* datetimes, dates, times and dataclasses go to koa's default hook
  (``OPT_PASSTHROUGH_DATETIME``, ``OPT_PASSTHROUGH_DATACLASS``), as in the
  stdlib path. orjson writes enums (their value) and UUIDs (``str()``)
  itself, which is what koa's default hook does unless the app has a
  ``json_default`` hook; so with one, orjson is not used at all. The one
  case left: an enum member whose class defines ``to_json()`` is written by
  its value here, by ``to_json()`` on the stdlib path.

``KOA_JSON_STDLIB=1`` in the environment (read at import) turns orjson off.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from typing import Any

__all__ = ["FORCE_STDLIB", "fast_dump", "orjson"]

#: ``KOA_JSON_STDLIB=1``: never use orjson, even when it is installed.
FORCE_STDLIB: bool = os.environ.get("KOA_JSON_STDLIB", "") not in ("", "0")

orjson: Any = None
if not FORCE_STDLIB:
    try:
        orjson = importlib.import_module("orjson")
    except ImportError:  # the [orjson] extra is not installed
        orjson = None

_OPTIONS = (
    0
    if orjson is None
    else orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
# An exponent Python writes with two digits (e-05) and orjson with one (e-5).
_SHORT_EXPONENT = re.compile(rb"e-[0-9](?![0-9])")


class _Hook:
    """orjson's ``default``: koa's hook, noting that it was called."""

    __slots__ = ("called", "default")

    def __init__(self, default: Callable[[Any], Any]) -> None:
        self.default = default
        self.called = False

    def __call__(self, value: Any) -> Any:
        self.called = True
        return self.default(value)


def fast_dump(value: Any, default: Callable[[Any], Any]) -> bytes | None:
    """*value* as the stdlib path writes it, or ``None``: take the stdlib path."""
    hook = _Hook(default)
    try:
        out: bytes = orjson.dumps(value, default=hook, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError included
        return None
    if b"0.0000" in out or (b"e-" in out and _SHORT_EXPONENT.search(out)):
        return None
    if hook.called and b"null" in out:
        return None
    return out
