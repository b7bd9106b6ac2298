"""koa-cors: Cross-Origin Resource Sharing for Koa for Python (@koa/cors 5).

```python
from koa.core import Koa
from koa.cors import cors

app = Koa()
app.use(cors())                                   # Access-Control-Allow-Origin: *
app.use(cors(origin="https://app.example", credentials=True))
```
"""

from .__about__ import __version__
from ._middleware import cors
from ._options import CredentialsFunction, OriginFunction, OriginResult

__all__ = ["CredentialsFunction", "OriginFunction", "OriginResult", "__version__", "cors"]
