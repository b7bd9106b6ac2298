"""koa-ratelimit: rate limiting for Koa for Python (koa-ratelimit 6).

```python
from koa.core import Koa
from koa.ratelimit import ratelimit

app = Koa()
app.use(ratelimit(duration=60, max=100))                     # per ctx.ip, in memory
app.use(ratelimit(driver="redis", db="redis://localhost"))   # shared by all workers
```
"""

from .__about__ import __version__
from ._limiters import StoreUnavailable
from ._middleware import DEFAULT_HEADERS, RateLimit, ratelimit

__all__ = ["DEFAULT_HEADERS", "RateLimit", "StoreUnavailable", "__version__", "ratelimit"]
