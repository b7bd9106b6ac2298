"""koa-basic-auth: HTTP Basic authentication for Koa for Python (koa-basic-auth 4).

```python
from koa.basic_auth import basic_auth
from koa.core import Koa

app = Koa()
app.use(basic_auth(name="tj", password="tobi"))   # everything below needs it
```
"""

from .__about__ import __version__
from ._credentials import Credentials, parse_authorization
from ._middleware import CheckFunction, basic_auth

__all__ = ["CheckFunction", "Credentials", "__version__", "basic_auth", "parse_authorization"]
