"""The compressors: gzip and deflate (zlib, always there), br (the ``brotli``
package, the ``brotli`` extra) and zstd (``zstandard``, the ``zstd`` extra).

Each encoding's options are checked once, when ``compress()`` is called; an
:class:`Encoder` then compresses one response, chunk by chunk.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any, Final, Protocol

__all__ = [
    "ENCODINGS",
    "Encoder",
    "EncoderUnavailableError",
    "available",
    "check_options",
    "make_encoder",
]

#: Every encoding koa-compress knows, in its default preference order.
ENCODINGS: Final = ("zstd", "br", "gzip", "deflate")

_MODULES: Final = {"br": ("brotli", "brotli"), "zstd": ("zstandard", "zstd")}
_ZLIB_OPTIONS: Final = frozenset({"level", "mem_level", "window_bits", "strategy", "flush"})
_BR_OPTIONS: Final = frozenset({"quality", "lgwin", "lgblock", "mode", "flush"})
_ZSTD_OPTIONS: Final = frozenset({"level", "flush"})
_BR_MODES: Final = {"generic": 0, "text": 1, "font": 2}


class EncoderUnavailableError(ImportError):
    """An encoding was asked for whose library is not installed (``br`` needs
    ``brotli``, ``zstd`` needs ``zstandard``); the message says what to install."""


class Encoder(Protocol):
    """Compresses one response: :meth:`compress` each chunk, :meth:`finish` once."""

    #: Whether every chunk's output is flushed (for streams read as they come).
    flush_each: bool

    def compress(self, data: bytes) -> bytes:
        """The compressed bytes ready after *data* (maybe none)."""

    def flush(self) -> bytes:
        """Everything compressed so far, so the client can decode it now."""

    def finish(self) -> bytes:
        """The end of the compressed stream."""


def _module(encoding: str) -> ModuleType | None:
    name, _ = _MODULES[encoding]
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def available(encoding: str) -> bool:
    """Whether *encoding*'s library is installed (gzip and deflate always are)."""
    return encoding not in _MODULES or _module(encoding) is not None


def require(encoding: str) -> None:
    """Raise :class:`EncoderUnavailableError` unless *encoding* can be used."""
    if not available(encoding):
        package, extra = _MODULES[encoding]
        raise EncoderUnavailableError(
            f"compress(): {encoding!r} compression needs the {package!r} package, which is "
            f"not installed: pip install 'koa-compress[{extra}]' (or pass {encoding}=False)"
        )


def _int_option(encoding: str, options: Mapping[str, Any], name: str, low: int, high: int) -> None:
    if name not in options:
        return
    value = options[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(
            f"compress(): {encoding} option {name}={value!r} must be an int from {low} to {high}"
        )


def check_options(encoding: str, options: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` for an option *encoding* does not have or a value
    out of its range (zlib, brotli and zstd's own limits)."""
    known = {"br": _BR_OPTIONS, "zstd": _ZSTD_OPTIONS}.get(encoding, _ZLIB_OPTIONS)
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError(
            f"compress(): unknown {encoding} option(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))}"
        )
    if encoding in ("gzip", "deflate"):
        _int_option(encoding, options, "level", -1, 9)
        _int_option(encoding, options, "mem_level", 1, 9)
        _int_option(encoding, options, "window_bits", 9, 15)
        _int_option(encoding, options, "strategy", 0, 4)
    elif encoding == "br":
        _int_option(encoding, options, "quality", 0, 11)
        _int_option(encoding, options, "lgwin", 10, 24)
        _int_option(encoding, options, "lgblock", 0, 24)
        mode = options.get("mode", "generic")
        if mode not in _BR_MODES and mode not in _BR_MODES.values():
            raise ValueError(
                f"compress(): br option mode={mode!r} must be 'generic', 'text' or 'font'"
            )
    else:
        _int_option(encoding, options, "level", -131072, 22)
    flush = options.get("flush", False)
    if not isinstance(flush, (bool, int)):
        raise ValueError(f"compress(): {encoding} option flush={flush!r} must be a bool")


class _Zlib:
    __slots__ = ("_compressor", "_flush_mode", "flush_each")

    def __init__(self, encoding: str, options: Mapping[str, Any]) -> None:
        bits = options.get("window_bits", 15)
        self._compressor = zlib.compressobj(
            options.get("level", zlib.Z_DEFAULT_COMPRESSION),
            zlib.DEFLATED,
            bits + 16 if encoding == "gzip" else bits,
            options.get("mem_level", 8),
            options.get("strategy", zlib.Z_DEFAULT_STRATEGY),
        )
        flush = options.get("flush", False)
        # flush=True, or one of zlib's flush modes as Node's option takes it.
        self.flush_each = bool(flush) and flush != zlib.Z_NO_FLUSH
        self._flush_mode = flush if not isinstance(flush, bool) else zlib.Z_SYNC_FLUSH

    def compress(self, data: bytes) -> bytes:
        return self._compressor.compress(data)

    def flush(self) -> bytes:
        return self._compressor.flush(self._flush_mode)

    def finish(self) -> bytes:
        return self._compressor.flush(zlib.Z_FINISH)


class _Brotli:
    __slots__ = ("_compressor", "flush_each")

    def __init__(self, module: Any, options: Mapping[str, Any]) -> None:
        mode = options.get("mode", "generic")
        self._compressor = module.Compressor(
            mode=_BR_MODES.get(mode, mode),
            quality=options.get("quality", 4),  # koa-compress's default, for speed
            lgwin=options.get("lgwin", 22),
            lgblock=options.get("lgblock", 0),
        )
        self.flush_each = bool(options.get("flush", False))

    def compress(self, data: bytes) -> bytes:
        return bytes(self._compressor.process(data))

    def flush(self) -> bytes:
        return bytes(self._compressor.flush())

    def finish(self) -> bytes:
        return bytes(self._compressor.finish())


class _Zstd:
    __slots__ = ("_compressor", "_module", "flush_each")

    def __init__(self, module: Any, options: Mapping[str, Any]) -> None:
        self._module = module
        self._compressor = module.ZstdCompressor(level=options.get("level", 3)).compressobj()
        self.flush_each = bool(options.get("flush", False))

    def compress(self, data: bytes) -> bytes:
        return bytes(self._compressor.compress(data))

    def flush(self) -> bytes:
        return bytes(self._compressor.flush(self._module.COMPRESSOBJ_FLUSH_BLOCK))

    def finish(self) -> bytes:
        return bytes(self._compressor.flush(self._module.COMPRESSOBJ_FLUSH_FINISH))


def make_encoder(encoding: str, options: Mapping[str, Any]) -> Encoder:
    """A fresh compressor for one response (options already checked)."""
    if encoding == "br":
        return _Brotli(_module("br"), options)
    if encoding == "zstd":
        return _Zstd(_module("zstd"), options)
    return _Zlib(encoding, options)
