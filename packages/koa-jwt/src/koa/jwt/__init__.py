"""koa-jwt: JSON Web Token authentication for Koa for Python (koa-jwt 4, on PyJWT).

```python
import re

from koa.core import Koa
from koa.jwt import jwt

app = Koa()
app.use(jwt(secret="a-32-byte-or-longer-shared-secret!").unless(path=[re.compile("^/public")]))
# downstream: ctx.state["user"] is the verified payload
```
"""

from .__about__ import __version__
from ._middleware import IsRevoked, JwtMiddleware, SecretFunction, jwt
from ._token import GetToken
from ._unless import PathRule, unless
from ._verify import AuthenticationError, JwtError

__all__ = [
    "AuthenticationError",
    "GetToken",
    "IsRevoked",
    "JwtError",
    "JwtMiddleware",
    "PathRule",
    "SecretFunction",
    "__version__",
    "jwt",
    "unless",
]
