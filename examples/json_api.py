"""A JSON API: koa-router for the routes, koa-bodyparser for request bodies and
one error-handling middleware that answers every error with a JSON body.

    python examples/json_api.py            # then: curl http://127.0.0.1:3000/todos

``GET /todos``, ``POST /todos`` (``{"title": "..."}``), ``GET /todos/:id``,
``PATCH /todos/:id`` (``{"done": true}``) and ``DELETE /todos/:id``.
"""

from __future__ import annotations

from typing import Any

from koa.bodyparser import BodyParserContext, BodyRequest, bodyparser
from koa.core import Context, Koa, Next
from koa.router import Router, RouterContext, RouterRequest, create_parameter_validation_middleware


# Typing only: what koa-router and koa-bodyparser add to ctx and ctx.request.
class ApiRequest(RouterRequest, BodyRequest):
    __slots__ = ()


class ApiContext(RouterContext, BodyParserContext):
    __slots__ = ()
    request: ApiRequest


async def json_errors(ctx: Context, next: Next) -> None:
    """Answer every error as ``{"error": message}`` with the error's status.

    Messages of exposed errors (``ctx.throw(4xx, ...)``) reach the client; other
    errors answer with the status' reason phrase (a 500 for exceptions without
    a status), and server errors are reported through ``app.on("error")``.
    A status set without a body (404 for an unknown path, 405 from
    ``allowed_methods()``) gets a JSON body too.
    """
    try:
        await next()
        if ctx.status >= 400 and ctx.body is None:
            ctx.throw(ctx.status)
    except Exception as err:
        status = getattr(err, "status", None)
        exposed = getattr(err, "expose", False) is True
        ctx.status = status if isinstance(status, int) and 400 <= status <= 599 else 500
        ctx.body = {"error": str(err) if exposed else ctx.message}
        if ctx.status >= 500:
            ctx.app.emit("error", err, ctx)


def create_app() -> Koa:
    """A new app with its own (in-memory) store of todos."""
    todos: dict[int, dict[str, Any]] = {}

    def find(ctx: ApiContext) -> dict[str, Any]:
        todo = todos.get(int(ctx.params["id"]))
        if todo is None:
            ctx.throw(404, f"no todo {ctx.params['id']}")
        return todo

    def title_of(ctx: ApiContext, data: dict[str, Any]) -> str:
        title = data.get("title")
        ctx.assert_(
            isinstance(title, str) and title.strip(), 422, "title must be a non-empty string"
        )
        return str(title).strip()

    async def list_todos(ctx: ApiContext, next: Next) -> None:
        ctx.body = list(todos.values())

    async def create_todo(ctx: ApiContext, next: Next) -> None:
        data = ctx.request.body
        ctx.assert_(isinstance(data, dict), 422, "expected a JSON object")
        title = title_of(ctx, data)
        todo_id = max(todos, default=0) + 1
        todos[todo_id] = todo = {"id": todo_id, "title": title, "done": False}
        ctx.status = 201
        ctx.set("Location", ctx.router.url("todo", {"id": todo_id}))
        ctx.body = todo

    async def show_todo(ctx: ApiContext, next: Next) -> None:
        ctx.body = find(ctx)

    async def update_todo(ctx: ApiContext, next: Next) -> None:
        todo = find(ctx)
        data = ctx.request.body
        ctx.assert_(isinstance(data, dict), 422, "expected a JSON object")
        if "title" in data:
            todo["title"] = title_of(ctx, data)
        if "done" in data:
            ctx.assert_(isinstance(data["done"], bool), 422, "done must be true or false")
            todo["done"] = data["done"]
        ctx.body = todo

    async def delete_todo(ctx: ApiContext, next: Next) -> None:
        del todos[find(ctx)["id"]]
        ctx.status = 204

    router = Router[ApiContext](prefix="/todos")
    # ":id" must be a (reasonably short) number: anything else is a 400.
    router.param("id", create_parameter_validation_middleware("id", r"^[0-9]{1,9}\Z"))
    router.get("/", list_todos).post("/", create_todo)
    router.get("/:id", show_todo, name="todo")
    router.patch("/:id", update_todo).delete("/:id", delete_todo)

    app = Koa()
    app.use(json_errors)
    app.use(bodyparser())
    app.use(router.routes())
    app.use(router.allowed_methods())
    return app


app = create_app()

if __name__ == "__main__":
    app.run(port=3000)
