"""koa-core: the Koa web framework for Python's asyncio, served by aiohttp.

```python
from koa.core import Koa, Context, Next

app = Koa()

async def hello(ctx: Context, next: Next) -> None:
    ctx.body = "Hello, world"

app.use(hello)
app.run(port=3000)
```
"""

from .__about__ import __version__
from ._body import UNSET, close_stream, is_stream, iterate_stream
from ._mime import is_compressible
from ._server import ServerHandle, make_server
from .application import Koa, current_context
from .compose import compose, ensure_async, returns_awaitable
from .context import Context
from .cookies import CookieError, CookieOptions, Cookies, Keygrip
from .errors import HttpError, create_error, is_http_error
from .request import Request
from .response import Response
from .statuses import STATUS_CODES
from .types import Middleware, Next

__all__ = [
    "STATUS_CODES",
    "UNSET",
    "Context",
    "CookieError",
    "CookieOptions",
    "Cookies",
    "HttpError",
    "Keygrip",
    "Koa",
    "Middleware",
    "Next",
    "Request",
    "Response",
    "ServerHandle",
    "__version__",
    "close_stream",
    "compose",
    "create_error",
    "current_context",
    "ensure_async",
    "is_compressible",
    "is_http_error",
    "is_stream",
    "iterate_stream",
    "make_server",
    "returns_awaitable",
]
