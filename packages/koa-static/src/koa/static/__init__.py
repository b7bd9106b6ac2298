"""koa-static: serve static files (koa-static 5 and @koa/send 6), with
conditional GET, byte ranges, pre-compressed variants and zero-copy sendfile::

    from koa.core import Koa
    from koa.static import serve

    app = Koa()
    app.use(serve("public", max_age=3600))  # seconds (koa-send's maxage is ms)

``send(ctx, path, root=...)`` answers one request with one file, for use
inside your own middleware.
"""

from .__about__ import __version__
from ._send import send
from ._serve import serve

__all__ = ["__version__", "send", "serve"]
