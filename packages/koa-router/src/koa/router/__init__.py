"""koa-router: routing middleware for Koa for Python (a port of @koa/router 15.7).

```python
from koa.core import Koa, Next
from koa.router import Router, RouterContext

router = Router()

async def show(ctx: RouterContext, next: Next) -> None:
    ctx.body = {"id": ctx.params["id"]}

router.get("/users/:id", show, name="user")
app = Koa()
app.use(router.routes()).use(router.allowed_methods())
```
"""

from .__about__ import __version__
from ._context import ParamHandler, RouterContext, RouterHandler, RouterRequest
from ._layer import Layer, LayerOptions
from ._options import MatchResult, RouterEvents, RouterOptions
from ._path import PathError
from ._router import Router, RouterMiddleware
from ._validation import ParameterValidationMiddleware, create_parameter_validation_middleware

__all__ = [
    "Layer",
    "LayerOptions",
    "MatchResult",
    "ParamHandler",
    "ParameterValidationMiddleware",
    "PathError",
    "Router",
    "RouterContext",
    "RouterEvents",
    "RouterHandler",
    "RouterMiddleware",
    "RouterOptions",
    "RouterRequest",
    "__version__",
    "create_parameter_validation_middleware",
]
