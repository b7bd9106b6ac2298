"""Durations in words, as the ``ms`` npm package's long format writes them."""

from __future__ import annotations

import math

__all__ = ["long_duration"]

_UNITS = (("day", 86_400_000), ("hour", 3_600_000), ("minute", 60_000), ("second", 1000))


def _round(x: float) -> int:
    return math.floor(x + 0.5)  # JavaScript's Math.round


def long_duration(ms: float) -> str:
    """``"8 seconds"``, ``"1 minute"``, ``"2 hours"``, ``"500 ms"``."""
    size = abs(ms)
    for name, unit in _UNITS:
        if size >= unit:
            plural = "s" if size >= unit * 1.5 else ""
            return f"{_round(ms / unit)} {name}{plural}"
    return f"{_round(ms)} ms"
