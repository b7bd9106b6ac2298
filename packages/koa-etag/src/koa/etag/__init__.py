"""koa-etag: ``ETag`` and conditional GET for Koa for Python (koa-etag 5 and
koa-conditional-get 3)::

    from koa.core import Koa
    from koa.etag import conditional_get, etag

    app = Koa()
    app.use(conditional_get())  # 304 when the client's copy is fresh
    app.use(etag())             # "b-Ck1VqNd45QIvq3AZd8XYQLvEhtA" for "Hello World"

The tags are the npm ``etag`` package's, so caches shared with a Node
service agree; ``entity_tag()`` computes one.
"""

from .__about__ import __version__
from ._middleware import HASH_THREAD_LINE, conditional_get, etag
from ._tag import entity_tag

__all__ = ["HASH_THREAD_LINE", "__version__", "conditional_get", "entity_tag", "etag"]
