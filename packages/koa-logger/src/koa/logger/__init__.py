"""koa-logger: request logging for Koa for Python (koa-logger 4).

```python
from koa.core import Koa
from koa.logger import logger

app = Koa()
app.use(logger())                  # "  <-- GET /" and "  --> GET / 200 2ms 5b"
app.use(logger(format="json"))     # or one JSON object per response
```
"""

from .__about__ import __version__
from ._middleware import logger

__all__ = ["__version__", "logger"]
