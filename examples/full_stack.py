"""The middleware every real app adds, around a router and static files.

- koa-helmet: helmet's security headers on every response;
- koa-cors: the API answers the origins of a partner app, with credentials;
- koa-compress: gzip / brotli for every compressible response over 1 KiB,
  the static files included, streamed as they are sent;
- koa-etag: an ``ETag`` on the API's answers and 304 for a client whose copy
  is fresh (koa-static sets its own on files, and answers 304 itself);
- koa-router: ``/api/items``, ``/api/items/:id``, ``/api/report``;
- koa-static: ``examples/full_stack/public``.

    python examples/full_stack.py    # then: curl -i --compressed http://127.0.0.1:3000/api/report
"""

from __future__ import annotations

from pathlib import Path

from koa.compress import compress
from koa.core import Context, Koa, Next
from koa.cors import OriginResult, cors
from koa.etag import conditional_get, etag
from koa.helmet import helmet
from koa.router import Router, RouterContext
from koa.static import serve

PUBLIC = Path(__file__).parent / "full_stack" / "public"
#: The other sites whose pages may call the API from the browser.
PARTNERS = frozenset({"https://partner.example", "https://admin.partner.example"})

ITEMS = [{"id": i, "name": f"item {i}", "price": round(i * 1.25, 2)} for i in range(1, 21)]
ITEMS_BY_ID = {str(item["id"]): item for item in ITEMS}


def partner_origin(ctx: Context) -> OriginResult:
    """The request's Origin when it is a partner's, else no CORS headers."""
    origin = ctx.get("Origin")
    return origin if origin in PARTNERS else None


def create_api() -> Router:
    """The JSON API."""

    async def list_items(ctx: RouterContext, next: Next) -> None:
        ctx.body = ITEMS

    async def show_item(ctx: RouterContext, next: Next) -> None:
        item = ITEMS_BY_ID.get(ctx.params["id"])
        ctx.assert_(item is not None, 404, f"no item {ctx.params['id']}")
        ctx.body = item

    async def report(ctx: RouterContext, next: Next) -> None:
        # ~60 KB of JSON: sent compressed (about 8 KB with gzip).
        ctx.body = {"rows": [{**item, "week": week} for week in range(1, 53) for item in ITEMS]}

    router = Router(prefix="/api")
    router.get("/items", list_items).get("/items/:id", show_item).get("/report", report)
    return router


def create_app(public: Path = PUBLIC) -> Koa:
    """The app: security headers, CORS, compression, validators, API, files."""
    app = Koa()
    app.use(helmet())
    app.use(cors(origin=partner_origin, credentials=True, max_age=600))
    app.use(compress(threshold=1024))
    app.use(conditional_get())
    app.use(etag())
    api = create_api()
    app.use(api.routes()).use(api.allowed_methods())
    app.use(serve(public, max_age=3600))
    return app


app = create_app()

if __name__ == "__main__":
    app.run(port=3000)
