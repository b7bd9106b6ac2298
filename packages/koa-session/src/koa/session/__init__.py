"""koa-session: sessions for Koa for Python (koa-session 7).

```python
from koa.core import Koa
from koa.session import SessionContext, session

app = Koa(keys=["a long random secret"])
app.use(session(app))            # the session in a signed cookie, as koa-session


async def views(ctx: SessionContext, next) -> None:
    ctx.session["views"] = ctx.session.get("views", 0) + 1
    ctx.body = f"{ctx.session['views']} views"
```

``session(app, store=RedisStore("redis://localhost"))`` keeps the data in
Redis (``pip install koa-session[redis]``) and only an id in the cookie.
"""

from .__about__ import __version__
from ._codec import decode, encode
from ._context import SessionContext
from ._middleware import session
from ._options import ExternalKey, SessionOptions
from ._redis import RedisStore
from ._session import Session
from ._store import MaxAge, MemoryStore, Store, StoreUnavailable

__all__ = [
    "ExternalKey",
    "MaxAge",
    "MemoryStore",
    "RedisStore",
    "Session",
    "SessionContext",
    "SessionOptions",
    "Store",
    "StoreUnavailable",
    "__version__",
    "decode",
    "encode",
    "session",
]
