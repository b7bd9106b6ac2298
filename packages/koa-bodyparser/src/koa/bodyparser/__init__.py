"""koa-bodyparser: JSON, form, text, XML and multipart request bodies for Koa
for Python (@koa/bodyparser 6.1, plus opt-in multipart uploads)::

    from koa.bodyparser import BodyParserContext, bodyparser
    from koa.core import Koa, Next

    app = Koa()
    app.use(bodyparser())


    async def create(ctx: BodyParserContext, next: Next) -> None:
        ctx.body = {"received": ctx.request.body}


    app.use(create)
"""

from .__about__ import __version__
from ._middleware import bodyparser
from ._multipart import UploadedFile
from ._options import UnsupportedBodyTypeError
from ._types import BodyParserContext, BodyRequest

__all__ = [
    "BodyParserContext",
    "BodyRequest",
    "UnsupportedBodyTypeError",
    "UploadedFile",
    "__version__",
    "bodyparser",
]
