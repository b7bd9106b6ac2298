"""The weak links from a request or response back to its context.

``ctx`` holds its request and response; their links back (``request.ctx``,
``response.ctx``, and ``request.response`` through ``ctx``) are weak, so
that a finished request is freed by reference counting the moment nothing
uses it any more, instead of piling up until the cyclic garbage collector
runs (which took ~2 µs per request and 10 ms pauses under load).
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["alive"]

_T = TypeVar("_T")


def alive(target: _T | None, name: str) -> _T:
    """*target*, dereferenced from a weak link called *name*; a clear error
    when it was freed."""
    if target is None:
        raise ReferenceError(
            f"{name} is gone: its Context was freed. Keep a reference to ctx for "
            "as long as you use its request or response."
        )
    return target
