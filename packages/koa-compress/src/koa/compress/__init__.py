"""koa-compress: gzip, deflate, brotli and zstd response compression for Koa
for Python (koa-compress 5)::

    from koa.core import Koa
    from koa.compress import compress

    app = Koa()
    app.use(compress(threshold=2048, br=False))

Streams are compressed as they are sent, never read whole; large bodies are
compressed off the event loop. ``ctx.compress = True`` / ``False`` forces or
forbids it per response (annotate with :class:`CompressContext`).
"""

from .__about__ import __version__
from ._context import CompressContext
from ._encoders import EncoderUnavailableError
from ._middleware import THREAD_LINE, Compress, EncodingOption, Threshold, compress

__all__ = [
    "THREAD_LINE",
    "Compress",
    "CompressContext",
    "EncoderUnavailableError",
    "EncodingOption",
    "Threshold",
    "__version__",
    "compress",
]
