"""koa-views: server-rendered Jinja2 templates for Koa for Python (koa-views 8).

```python
from pathlib import Path

from koa.core import Koa, Next
from koa.views import ViewsContext, views

app = Koa()
app.use(views(Path(__file__).parent / "views"))


async def home(ctx: ViewsContext, next: Next) -> None:
    await ctx.render("home", {"title": "Home"})  # views/home.html
```
"""

from .__about__ import __version__
from ._context import Render, ViewsContext
from ._errors import TemplateMissingError, TemplateRenderError, ViewsError
from ._middleware import views

__all__ = [
    "Render",
    "TemplateMissingError",
    "TemplateRenderError",
    "ViewsContext",
    "ViewsError",
    "__version__",
    "views",
]
