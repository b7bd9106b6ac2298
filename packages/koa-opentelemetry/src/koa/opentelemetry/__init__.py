"""koa-opentelemetry: OpenTelemetry traces and metrics for Koa for Python,
spans named by route (``GET /users/:id``), as @opentelemetry/instrumentation-koa
does for Koa.js.

```python
from koa.core import Koa
from koa.opentelemetry import KoaInstrumentor

app = Koa()
# ... app.use(...) your middleware and routers ...
KoaInstrumentor().instrument_app(app)   # before serving; or app.use(telemetry()) first
```

It depends on the OpenTelemetry API only: install and configure the SDK and
exporters in the application (see the guide).
"""

from .__about__ import __version__
from ._instrumentor import KoaInstrumentor
from ._logs import log_fields
from ._middleware import telemetry
from ._options import ClientResponseHook, ServerRequestHook

__all__ = [
    "ClientResponseHook",
    "KoaInstrumentor",
    "ServerRequestHook",
    "__version__",
    "log_fields",
    "telemetry",
]
