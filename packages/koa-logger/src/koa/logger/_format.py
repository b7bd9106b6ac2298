"""The pieces of a koa-logger line: colours, times and byte lengths."""

from __future__ import annotations

from typing import Final

__all__ = ["Formats", "human_bytes", "human_time", "status_color"]

_RESET: Final = "\x1b[39m"
_COLORS: Final = {
    "gray": "\x1b[90m",
    "red": "\x1b[31m",
    "green": "\x1b[32m",
    "yellow": "\x1b[33m",
    "cyan": "\x1b[36m",
    "magenta": "\x1b[35m",
}
# koa-logger's colour per status class; anything else (0xx, 6xx, 8xx+) is yellow.
_STATUS_COLORS: Final = {7: "magenta", 5: "red", 4: "yellow", 3: "cyan", 2: "green", 1: "green"}
_MARKER_COLORS: Final = {"-->": "gray", "xxx": "red", "-x-": "yellow"}
_UNITS: Final = (
    ("pb", 1 << 50),
    ("tb", 1 << 40),
    ("gb", 1 << 30),
    ("mb", 1 << 20),
    ("kb", 1 << 10),
)


def status_color(status: int) -> str:
    """The colour name koa-logger gives a status."""
    return _STATUS_COLORS.get(status // 100, "yellow")


# The common texts, made once: a table lookup instead of a format per line.
_SMALL_TIMES: Final = tuple(f"{ms}ms" for ms in range(1000))
_SMALL_SIZES: Final = tuple(f"{size}b" for size in range(1024))


def human_time(milliseconds: int) -> str:
    """``"12ms"``, ``"1,234ms"``; ``"12s"`` from 10 seconds on."""
    if 0 <= milliseconds < 1000:
        return _SMALL_TIMES[milliseconds]
    if milliseconds < 10_000:
        return f"{milliseconds:,}ms"
    return f"{round(milliseconds / 1000):,}s"


def human_bytes(size: int) -> str:
    """The ``bytes`` package's format, lower-cased: ``11b``, ``1.9kb``, ``2mb``."""
    if 0 <= size < 1024:
        return _SMALL_SIZES[size]
    for unit, scale in _UNITS:
        if size >= scale:
            # "1.50" -> "1.5", "2.00" -> "2" (there is always a ".")
            return f"{size / scale:.2f}".rstrip("0").rstrip(".") + unit
    return f"{size}b"


def _paint(color: str | None, text: str) -> str:
    return text if color is None else _COLORS[color] + text + _RESET


class Formats:
    """The printf-style formats of the request and response lines, built once
    per middleware, with or without ANSI colours."""

    __slots__ = ("_by_status", "colors", "request", "responses")

    def __init__(self, colors: bool) -> None:
        self.colors = colors
        bold = "\x1b[1m%s\x1b[22m" if colors else "%s"
        gray = _paint("gray" if colors else None, "%s")
        self.request = f"  {_paint('gray' if colors else None, '<--')} {bold} {gray}"
        self.responses: dict[tuple[str, str], str] = {}
        for marker, marker_color in _MARKER_COLORS.items():
            for color in {*_STATUS_COLORS.values(), "yellow"}:
                status = _paint(color if colors else None, "%s")
                painted = _paint(marker_color if colors else None, marker)
                self.responses[marker, color] = f"  {painted} {bold} {gray} {status} {gray} {gray}"
        self._by_status: dict[tuple[str, int], str] = {}

    def response(self, marker: str, status: int) -> str:
        """The format of a response line (``-->``, ``xxx`` or ``-x-``)."""
        try:
            return self._by_status[marker, status]
        except KeyError:
            fmt = self.responses[marker, status_color(status)]
            if len(self._by_status) < 4096:  # statuses are few; bound it anyway
                self._by_status[marker, status] = fmt
            return fmt
