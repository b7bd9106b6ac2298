"""koa-csrf: CSRF protection for Koa for Python (koa-csrf 5, tokens of the ``csrf`` package).

```python
from koa.core import Koa
from koa.csrf import csrf
from koa.session import session

app = Koa(keys=["a long random secret"])
app.use(session(app))
app.use(csrf())        # ctx.state["_csrf"] / ctx.csrf for forms; POST needs it back
```
"""

from .__about__ import __version__
from ._context import CsrfContext
from ._middleware import csrf
from ._tokens import Tokens

__all__ = ["CsrfContext", "Tokens", "__version__", "csrf"]
