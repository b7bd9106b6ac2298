"""koa-logger's own output when no logging handler is configured: stderr,
written in batches.

One ``write()`` system call per line was most of the logger's cost, so lines
are kept in memory and written together: at most :data:`FLUSH_INTERVAL`
seconds after the first of them (a timer on the running event loop), as soon
as :data:`BUFFER_CHARS` characters wait, before a line that goes through
``logging`` instead, at the app's shutdown (the middleware adds an
``on_shutdown`` hook), at interpreter exit (``atexit``), and right after an
error line (``xxx``), so that the traceback Koa prints next comes after it.

Each ``write()`` holds whole lines and at most :data:`PIPE_BUF` bytes (a
longer line is written alone), so lines of several worker processes sharing
a pipe never interleave inside a line, as with one write per line.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import sys
import threading
import time
from typing import Final

__all__ = ["BUFFER_CHARS", "FLUSH_INTERVAL", "PIPE_BUF", "STDERR", "LineBuffer"]

#: Seconds a line may wait in memory before it is written.
FLUSH_INTERVAL: Final = 0.1
#: Characters that may wait before they are written at once.
BUFFER_CHARS: Final = 16384
#: The largest write() that a pipe keeps whole (Linux's PIPE_BUF).
PIPE_BUF: Final = 4096


class LineBuffer:
    """Lines for ``sys.stderr`` (looked up at each write, so that a replaced
    stderr is honoured), kept until a flush; thread-safe."""

    __slots__ = ("_due", "_lines", "_lock", "_size")

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._size = 0
        self._due = 0.0
        self._lock = threading.Lock()

    def write(self, line: str) -> None:
        """Keep *line* (without its newline); write the batch when it is due."""
        with self._lock:
            lines = self._lines
            lines.append(line)
            self._size += len(line)
            if len(lines) == 1:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:  # no event loop to wake us: write now
                    pass
                else:
                    self._due = time.monotonic() + FLUSH_INTERVAL
                    loop.call_later(FLUSH_INTERVAL, self.flush)
                    return
            # The timer is late (a busy or closed loop): do not wait for it.
            elif self._size < BUFFER_CHARS and time.monotonic() < self._due:
                return
            self._flush_locked()

    def flush(self) -> None:
        """Write the lines kept so far."""
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        lines = self._lines
        if not lines:
            return
        self._lines = []
        self._size = 0
        lines.append("")  # the last newline
        _write_stderr("\n".join(lines))

    def _after_fork(self) -> None:
        # A forked worker starts empty: its parent's lines are its parent's.
        self._lines = []
        self._size = 0
        self._lock = threading.Lock()


def _write_stderr(text: str) -> None:
    stream = sys.stderr
    if stream is None:  # pythonw: nowhere to write
        return
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text-only stream (io.StringIO)
            stream.write(text)
            stream.flush()
            return
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            data = text.encode(encoding, getattr(stream, "errors", None) or "strict")
        except UnicodeEncodeError:
            data = text.encode(encoding, "backslashreplace")
        stream.flush()  # whatever was printed before goes first
        for piece in _pieces(data):
            buffer.write(piece)
            buffer.flush()
    except (OSError, ValueError):
        # A closed stderr or a reader gone (broken pipe): the lines are lost,
        # but the server goes on, as it would with no log at all.
        pass


def _pieces(data: bytes) -> list[bytes]:
    """*data* cut after newlines into pieces of at most PIPE_BUF bytes."""
    if len(data) <= PIPE_BUF:
        return [data]
    pieces = []
    start, end = 0, len(data)
    while end - start > PIPE_BUF:
        cut = data.rfind(b"\n", start, start + PIPE_BUF)
        if cut < 0:  # one line longer than PIPE_BUF: it goes alone
            cut = data.find(b"\n", start + PIPE_BUF)
        pieces.append(data[start : cut + 1])
        start = cut + 1
    if start < end:
        pieces.append(data[start:])
    return pieces


#: The one buffer of the process: every logger() writes to it, in order.
STDERR: Final = LineBuffer()
atexit.register(STDERR.flush)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=STDERR._after_fork)
